//! `/replace-account`: identity check, eligibility, new email address confirmed by a code,
//! check your answers, confirmation with a reference number, and a status page. One thing per
//! page; every page works with JavaScript off (forms post to their own address).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::{
    BackLink, DateInput, ErrorSummary, FormErrors, SummaryList, SummaryRow, TextInput,
};
use crate::components::layout::PageTitle;
use crate::domain::{format_long_date, Ineligible};
use crate::pages::account::SIGN_IN_PATH;
use crate::pages::cannot_sign_in::{CANNOT_SIGN_IN_PATH, REPLACE_PATH};
use crate::pages::reset_passphrase::{
    server_view, FormProblem, CLIENT_LOCKED_OUT, LOCKED_OUT, NO_MATCH, RESET_PATH,
};

pub const EMAIL_PATH: &str = "/replace-account/email";
pub const CODE_PATH: &str = "/replace-account/security-code";
pub const RESEND_PATH: &str = "/replace-account/security-code/resend";
pub const CHECK_PATH: &str = "/replace-account/check-answers";
pub const REPLACE_DONE_PATH: &str = "/replace-account/done";
pub const STATUS_PATH: &str = "/replace-account/status";

/// What the patient typed in the identity form, echoed back when it is shown again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityValues {
    pub nhs_number: String,
    pub dob_day: String,
    pub dob_month: String,
    pub dob_year: String,
    pub postcode: String,
}

/// What `/replace-account` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityView {
    Form {
        values: IdentityValues,
        errors: FormErrors,
        problem: Option<FormProblem>,
    },
    Ineligible {
        reason: Ineligible,
        practice_name: String,
    },
    NoAccount {
        practice_name: String,
    },
}

impl Default for IdentityView {
    fn default() -> Self {
        Self::Form {
            values: IdentityValues::default(),
            errors: FormErrors::default(),
            problem: None,
        }
    }
}

/// What `/replace-account/email` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailView {
    Ready {
        value: String,
        errors: FormErrors,
    },
    #[default]
    JourneyEnded,
}

/// What `/replace-account/security-code` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeView {
    Ready {
        email: String,
        errors: FormErrors,
        /// "We have sent a new code", after a resend.
        resent: bool,
        can_resend: bool,
    },
    /// The code's 10 minutes or 5 tries are used up.
    CodeDead { email: String, can_resend: bool },
    #[default]
    JourneyEnded,
}

/// What `/replace-account/check-answers` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckView {
    Ready {
        rows: Vec<SummaryRow>,
    },
    #[default]
    JourneyEnded,
}

/// What `/replace-account/done` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplaceDoneView {
    pub reference: String,
    pub email: String,
    pub practice_name: String,
}

/// What `/replace-account/status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusView {
    Form {
        reference: String,
        dob: (String, String, String),
        errors: FormErrors,
        problem: Option<FormProblem>,
    },
    Found(RequestStatus),
}

impl Default for StatusView {
    fn default() -> Self {
        Self::Form {
            reference: String::new(),
            dob: Default::default(),
            errors: FormErrors::default(),
            problem: None,
        }
    }
}

/// The progress of one replacement, as the patient sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStatus {
    pub reference: String,
    pub requested_on: String,
    pub practice_name: String,
    pub steps: Vec<StatusStep>,
    pub complete: bool,
}

/// One step of the progress list: done or still to do, with what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusStep {
    pub title: String,
    pub done: bool,
    pub detail: String,
}

fn error_title(heading: &str, errors: &FormErrors) -> String {
    if errors.is_empty() {
        heading.to_owned()
    } else {
        format!("Error: {heading}")
    }
}

fn problem_message(problem: Option<FormProblem>) -> Option<&'static str> {
    match problem {
        Some(FormProblem::NoMatch) => Some(NO_MATCH),
        Some(FormProblem::LockedOut) => Some(LOCKED_OUT),
        Some(FormProblem::ClientLockedOut) => Some(CLIENT_LOCKED_OUT),
        None => None,
    }
}

#[component]
fn JourneyEnded() -> impl IntoView {
    view! {
        <PageTitle heading="You need to start again" />
        <h1>"You need to start again"</h1>
        <p>"For your security, you have 30 minutes to replace your account after entering your details."</p>
        <p>"Nothing has been changed. Your account has not been replaced."</p>
        <a class="nhsuk-button" data-module="nhsuk-button" href=REPLACE_PATH role="button" draggable="false">
            "Start again"
        </a>
    }
}

#[component]
pub fn ReplaceAccountPage() -> impl IntoView {
    match server_view::<IdentityView>() {
        IdentityView::Form { values, errors, problem } => view! { <IdentityForm values errors problem /> }.into_any(),
        IdentityView::Ineligible { reason, practice_name } => view! { <IneligiblePage reason practice_name /> }.into_any(),
        IdentityView::NoAccount { practice_name } => view! {
            <PageTitle heading="You do not have an account to replace" />
            <BackLink href=REPLACE_PATH />
            <h1>"You do not have an account to replace"</h1>
            <p>"We could not find a GP online services account for you."</p>
            <h2>"What you can do"</h2>
            <p>{format!("Ask {practice_name} to set up GP online services for you. They will check who you are and give you a PIN document.")}</p>
        }
        .into_any(),
    }
}

#[component]
fn IdentityForm(
    values: IdentityValues,
    errors: FormErrors,
    problem: Option<FormProblem>,
) -> impl IntoView {
    let mut summary = errors.clone();
    if let Some(message) = problem_message(problem) {
        summary.add("nhs-number", message);
    }
    let heading = "Replace your account";
    view! {
        <PageTitle heading=error_title(heading, &summary) />
        <BackLink href=CANNOT_SIGN_IN_PATH />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=summary />
                <h1>{heading}</h1>
                <p>"If you cannot access the email address linked to your account and cannot remember your password, you can replace your account with a new one."</p>
                <p>"Your old account is not deleted. Your link to your GP practice, what you can see online and your PIN documents move to the new account."</p>
                <p>"First, we need to check who you are."</p>
                <form method="post" action=REPLACE_PATH novalidate>
                    <TextInput
                        id="nhs-number"
                        name="nhs_number"
                        label="NHS number"
                        hint="This is a 10 digit number, like 943 476 5919. You can find it on letters from the NHS or in the NHS App."
                        value=values.nhs_number
                        error=errors.for_field("nhs-number")
                        width_class="nhsuk-input--width-10"
                        autocomplete="off"
                        spellcheck_off=true
                        numeric=true
                    />
                    <DateInput
                        id="date-of-birth"
                        name_prefix="date_of_birth"
                        legend="Date of birth"
                        hint="For example, 15 3 1984"
                        day=values.dob_day
                        month=values.dob_month
                        year=values.dob_year
                        error=errors.for_field("date-of-birth")
                        autocomplete_bday=true
                    />
                    <TextInput
                        id="postcode"
                        name="postcode"
                        label="Postcode"
                        hint="The postcode of the address your GP practice has for you"
                        value=values.postcode
                        error=errors.for_field("postcode")
                        width_class="nhsuk-input--width-10"
                        autocomplete="postal-code"
                    />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                        "Continue"
                    </button>
                </form>
                <p>
                    <a href=STATUS_PATH>"Check the progress of a replacement you already asked for"</a>
                </p>
            </div>
        </div>
    }
}

#[component]
fn IneligiblePage(reason: Ineligible, practice_name: String) -> impl IntoView {
    match reason {
        Ineligible::UsedRecently { last_used_on } => view! {
            <PageTitle heading="You can still sign in to your account" />
            <BackLink href=REPLACE_PATH />
            <h1>"You can still sign in to your account"</h1>
            <p>{format!("Your account was used on {}. An account used in the last 30 days cannot be replaced.", format_long_date(last_used_on))}</p>
            <h2>"What you can do"</h2>
            <p>"Sign in and change your email address instead."</p>
            <p>
                "If you have forgotten your passphrase and have your PIN document, "
                <a href=RESET_PATH>"reset your passphrase"</a>"."
            </p>
            <a class="nhsuk-button" data-module="nhsuk-button" href=SIGN_IN_PATH role="button" draggable="false">
                "Sign in"
            </a>
            <p>{format!("If you did not use your account on that day, contact {practice_name} straight away.")}</p>
        }
        .into_any(),
        Ineligible::ReplacedBefore => view! {
            <PageTitle heading="Your account has already been replaced" />
            <BackLink href=REPLACE_PATH />
            <h1>"Your account has already been replaced"</h1>
            <p>"An account can only be replaced online once."</p>
            <h2>"What you can do"</h2>
            <p>{format!("Contact {practice_name}. They will check who you are and help you sign in.")}</p>
            <p>
                "If you already asked for a replacement, you can "
                <a href=STATUS_PATH>"check its progress"</a>"."
            </p>
        }
        .into_any(),
        Ineligible::TooManyAccounts => view! {
            <PageTitle heading="You cannot replace your account online" />
            <BackLink href=REPLACE_PATH />
            <h1>"You cannot replace your account online"</h1>
            <p>"You already have 5 accounts, which is the most you can have."</p>
            <h2>"What you can do"</h2>
            <p>{format!("Contact {practice_name}. They will check who you are and help you sign in.")}</p>
        }
        .into_any(),
    }
}

#[component]
pub fn ReplaceEmailPage() -> impl IntoView {
    match server_view::<EmailView>() {
        EmailView::JourneyEnded => view! { <JourneyEnded /> }.into_any(),
        EmailView::Ready { value, errors } => {
            let heading = "Enter a new email address";
            view! {
                <PageTitle heading=error_title(heading, &errors) />
                <BackLink href=REPLACE_PATH />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=errors.clone() />
                        <h1>{heading}</h1>
                        <p>"Use an email address you can open now. We will send a security code to it."</p>
                        <form method="post" action=EMAIL_PATH novalidate>
                            <TextInput
                                id="email"
                                name="email"
                                label="Email address"
                                hint="It must be different from the email address on your old account"
                                value=value
                                error=errors.for_field("email")
                                input_type="email"
                                autocomplete="email"
                                spellcheck_off=true
                            />
                            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                                "Send security code"
                            </button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn ResendForm(can_resend: bool) -> impl IntoView {
    if can_resend {
        view! {
            <form method="post" action=RESEND_PATH novalidate>
                <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit">
                    "Send a new code"
                </button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <p>"You have asked for the most codes you can. "<a href=REPLACE_PATH>"Start again"</a>" to get another."</p>
        }
        .into_any()
    }
}

#[component]
pub fn SecurityCodePage() -> impl IntoView {
    match server_view::<CodeView>() {
        CodeView::JourneyEnded => view! { <JourneyEnded /> }.into_any(),
        CodeView::CodeDead { email, can_resend } => view! {
            <PageTitle heading="Your security code has stopped working" />
            <BackLink href=EMAIL_PATH />
            <h1>"Your security code has stopped working"</h1>
            <p>{format!("The code we sent to {email} has expired or was entered wrongly too many times. A code works for 10 minutes and 5 tries.")}</p>
            <p>"Nothing has been changed."</p>
            <ResendForm can_resend />
        }
        .into_any(),
        CodeView::Ready { email, errors, resent, can_resend } => {
            let heading = "Check your email";
            view! {
                <PageTitle heading=error_title(heading, &errors) />
                <BackLink href=EMAIL_PATH />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=errors.clone() />
                        {resent.then(|| view! {
                            <div class="nhsuk-inset-text" role="status">
                                <span class="nhsuk-u-visually-hidden">"Information: "</span>
                                <p>"We have sent a new code. Earlier codes no longer work."</p>
                            </div>
                        })}
                        <h1>{heading}</h1>
                        <p>{format!("We have sent a 6 digit security code to {email}. It works for 10 minutes.")}</p>
                        <form method="post" action=CODE_PATH novalidate>
                            <TextInput
                                id="security-code"
                                name="security_code"
                                label="Security code"
                                hint="For example, 123456"
                                error=errors.for_field("security-code")
                                width_class="nhsuk-input--width-5"
                                autocomplete="one-time-code"
                                spellcheck_off=true
                                numeric=true
                            />
                            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                                "Continue"
                            </button>
                        </form>
                        <details class="nhsuk-details">
                            <summary class="nhsuk-details__summary">
                                <span class="nhsuk-details__summary-text">"I have not received the email"</span>
                            </summary>
                            <div class="nhsuk-details__text">
                                <p>"Emails can take a few minutes to arrive. Check your spam or junk folder."</p>
                                <p>"If the email address is wrong, "<a href=EMAIL_PATH>"change the email address"</a>"."</p>
                                <ResendForm can_resend />
                            </div>
                        </details>
                    </div>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
pub fn CheckAnswersPage() -> impl IntoView {
    match server_view::<CheckView>() {
        CheckView::JourneyEnded => view! { <JourneyEnded /> }.into_any(),
        CheckView::Ready { rows } => view! {
            <PageTitle heading="Check your answers before replacing your account" />
            <BackLink href=CODE_PATH />
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <h1>"Check your answers before replacing your account"</h1>
                    <SummaryList rows />
                    <h2>"What happens when you replace your account"</h2>
                    <ul>
                        <li>"You get a new account with your new email address. Your Account ID stays the same."</li>
                        <li>"Your old account is marked as replaced. It is not deleted."</li>
                        <li>"Your link to your GP practice, what you can see online and your PIN documents move to the new account."</li>
                        <li>"You are signed out of your old account everywhere."</li>
                    </ul>
                    <form method="post" action=CHECK_PATH novalidate>
                        <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                            "Request replacement"
                        </button>
                    </form>
                </div>
            </div>
        }
        .into_any(),
    }
}

#[component]
pub fn ReplaceDonePage() -> impl IntoView {
    let ReplaceDoneView {
        reference,
        email,
        practice_name,
    } = server_view::<ReplaceDoneView>();
    view! {
        <PageTitle heading="Your account has been replaced" />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <div class="nhsuk-panel">
                    <h1 class="nhsuk-panel__heading">"Your account has been replaced"</h1>
                    <div class="nhsuk-panel__body">
                        "Your reference number"<br />
                        <strong>{reference}</strong>
                    </div>
                </div>
                <p>{format!("We have sent a confirmation to {email}.")}</p>
                <h2>"What happens next"</h2>
                <p>"To sign in to your new account you need a passphrase. Your Account ID has not changed."</p>
                <p>
                    "If you have a PIN document that has not expired or been used, "
                    <a href=RESET_PATH>"set your passphrase with it"</a>"."
                </p>
                <p>{format!("If not, ask {practice_name} for a new PIN document. Give them your reference number.")}</p>
                <p>
                    "You can "<a href=STATUS_PATH>"check the progress of your replacement"</a>
                    " with your reference number and date of birth."
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn ReplacementStatusPage() -> impl IntoView {
    match server_view::<StatusView>() {
        StatusView::Form {
            reference,
            dob,
            errors,
            problem,
        } => {
            let mut summary = errors.clone();
            if let Some(message) = problem_message(problem) {
                summary.add("reference", message);
            }
            let heading = "Check the progress of your replacement";
            view! {
                <PageTitle heading=error_title(heading, &summary) />
                <BackLink href=REPLACE_PATH />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=summary />
                        <h1>{heading}</h1>
                        <form method="post" action=STATUS_PATH novalidate>
                            <TextInput
                                id="reference"
                                name="reference"
                                label="Reference number"
                                hint="This was shown when you replaced your account and is in the confirmation email. For example, RPL-7K3D-9QX2."
                                value=reference
                                error=errors.for_field("reference")
                                width_class="nhsuk-input--width-10"
                                autocomplete="off"
                                spellcheck_off=true
                            />
                            <DateInput
                                id="date-of-birth"
                                name_prefix="date_of_birth"
                                legend="Date of birth"
                                hint="For example, 15 3 1984"
                                day=dob.0
                                month=dob.1
                                year=dob.2
                                error=errors.for_field("date-of-birth")
                                autocomplete_bday=true
                            />
                            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                                "Check progress"
                            </button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
        StatusView::Found(status) => view! { <StatusFound status /> }.into_any(),
    }
}

#[component]
fn StatusFound(status: RequestStatus) -> impl IntoView {
    let (tag_class, tag_text) = if status.complete {
        ("nhsuk-tag nhsuk-tag--green", "Complete")
    } else {
        ("nhsuk-tag nhsuk-tag--blue", "In progress")
    };
    view! {
        <PageTitle heading="Progress of your replacement" />
        <BackLink href=STATUS_PATH />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>"Progress of your replacement"</h1>
                <p>
                    {format!("Reference {} – requested on {}. ", status.reference, status.requested_on)}
                    <strong class=tag_class>{tag_text}</strong>
                </p>
                <ol class="nhsuk-list">
                    {status
                        .steps
                        .into_iter()
                        .map(|step| {
                            let (class, text) = if step.done {
                                ("nhsuk-tag nhsuk-tag--green", "Done")
                            } else {
                                ("nhsuk-tag nhsuk-tag--grey", "To do")
                            };
                            view! {
                                <li>
                                    <h2 class="nhsuk-heading-s">{step.title}" "<strong class=class>{text}</strong></h2>
                                    <p>{step.detail}</p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
                <p>{format!("If something is wrong, contact {}.", status.practice_name)}</p>
            </div>
        </div>
    }
}
