//! The TPP passphrase reset journey: PIN document details, a new passphrase, confirmation.
//!
//! Forms post to the page's own address and the server answers with the page again (with
//! errors, values kept) or a redirect (post-redirect-get), so the journey is the same with
//! JavaScript on or off. What the server decided reaches the page as a view value in context.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::{
    BackLink, DateInput, ErrorSummary, FormErrors, PasswordInput, TextInput,
};
use crate::components::layout::PageTitle;

pub const RESET_PATH: &str = "/reset-passphrase";
pub const NEW_PASSPHRASE_PATH: &str = "/reset-passphrase/new-passphrase";
pub const DONE_PATH: &str = "/reset-passphrase/done";

/// The generic answer to any mismatch, the same whether or not the account exists.
pub const NO_MATCH: &str = "The details you entered do not match our records";
pub const LOCKED_OUT: &str =
    "You have entered incorrect details too many times. Try again in 15 minutes.";
pub const CLIENT_LOCKED_OUT: &str =
    "There have been too many attempts from your internet connection. Try again in 15 minutes.";

/// What the patient typed, echoed back when the form is shown again. Never the PIN passphrase.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetFormValues {
    pub account_id: String,
    pub ods_code: String,
    pub dob_day: String,
    pub dob_month: String,
    pub dob_year: String,
}

/// A problem with the whole form rather than one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormProblem {
    NoMatch,
    LockedOut,
    ClientLockedOut,
}

/// What `/reset-passphrase` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetView {
    Form {
        values: ResetFormValues,
        errors: FormErrors,
        problem: Option<FormProblem>,
    },
    Expired {
        expired_on: String,
        practice_name: String,
    },
    AlreadyUsed {
        practice_name: String,
    },
    EmisPractice {
        practice_name: String,
    },
}

impl Default for ResetView {
    fn default() -> Self {
        Self::Form {
            values: ResetFormValues::default(),
            errors: FormErrors::default(),
            problem: None,
        }
    }
}

/// What `/reset-passphrase/new-passphrase` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewPassphraseView {
    Ready {
        errors: FormErrors,
    },
    #[default]
    SessionEnded,
    AlreadyUsed {
        practice_name: String,
    },
}

/// What `/reset-passphrase/done` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoneView {
    pub practice_name: String,
}

/// The view the server chose for this page, provided as context by the handler that rendered
/// it; the default (a fresh form) when nothing was provided. Pages are rendered on the server
/// only (islands mode), so the choice never has to travel to the browser.
pub fn server_view<T>() -> T
where
    T: Clone + Default + Send + Sync + 'static,
{
    use_context::<T>().unwrap_or_default()
}

#[component]
pub fn ResetPassphrasePage() -> impl IntoView {
    match server_view::<ResetView>() {
        ResetView::Form { values, errors, problem } => view! { <ResetForm values errors problem /> }.into_any(),
        ResetView::Expired { expired_on, practice_name } => view! {
            <PageTitle heading="Your PIN document has expired" />
            <BackLink href=RESET_PATH />
            <h1>"Your PIN document has expired"</h1>
            <p>{format!("Your PIN document expired on {expired_on}.")}</p>
            <p>"A PIN document can only be used within 14 days of the date printed on it."</p>
            <h2>"What you can do"</h2>
            <p>{format!("Ask {practice_name} for a new PIN document. You can phone or visit the practice.")}</p>
        }
        .into_any(),
        ResetView::AlreadyUsed { practice_name } => view! { <AlreadyUsed practice_name /> }.into_any(),
        ResetView::EmisPractice { practice_name } => view! {
            <PageTitle heading="Your GP practice resets your details" />
            <BackLink href=RESET_PATH />
            <h1>"Your GP practice resets your details"</h1>
            <p>{format!("{practice_name} uses EMIS Web. You cannot reset your details online.")}</p>
            <h2>"What you can do"</h2>
            <p>"Contact your GP practice and ask them to reset your linkage key."</p>
            <p>
                "They will check your identity first, for example with proof of address, then give you a new PIN document."
            </p>
        }
        .into_any(),
    }
}

#[component]
fn AlreadyUsed(practice_name: String) -> impl IntoView {
    view! {
        <PageTitle heading="Your PIN document has already been used" />
        <BackLink href=RESET_PATH />
        <h1>"Your PIN document has already been used"</h1>
        <p>"A PIN document can only be used once."</p>
        <h2>"What you can do"</h2>
        <p>"If you have already set a passphrase with it, sign in with that passphrase."</p>
        <p>{format!("If you did not use it, or cannot remember your passphrase, ask {practice_name} for a new PIN document.")}</p>
    }
}

#[component]
fn ResetForm(
    values: ResetFormValues,
    errors: FormErrors,
    problem: Option<FormProblem>,
) -> impl IntoView {
    let mut summary = errors.clone();
    let banner = match problem {
        Some(FormProblem::NoMatch) => Some(NO_MATCH),
        Some(FormProblem::LockedOut) => Some(LOCKED_OUT),
        Some(FormProblem::ClientLockedOut) => Some(CLIENT_LOCKED_OUT),
        None => None,
    };
    if let Some(message) = banner {
        summary.add("account-id", message);
    }
    let heading = "Reset your passphrase";
    let title = if summary.is_empty() {
        heading.to_owned()
    } else {
        format!("Error: {heading}")
    };
    view! {
        <PageTitle heading=title />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=summary />
                <h1>{heading}</h1>
                <p>"Use the PIN document your GP practice gave you. You can only use it once, within 14 days of the date printed on it."</p>
                <form method="post" action=RESET_PATH novalidate>
                    <TextInput
                        id="account-id"
                        name="account_id"
                        label="Account ID"
                        hint="This is printed near the top of your PIN document. It is made of letters and numbers."
                        value=values.account_id
                        error=errors.for_field("account-id")
                        width_class="nhsuk-input--width-10"
                        autocomplete="username"
                        spellcheck_off=true
                    />
                    <TextInput
                        id="ods-code"
                        name="ods_code"
                        label="ODS code"
                        hint="Your GP practice's code, printed on your PIN document. It is a letter followed by 5 numbers, like A12345."
                        value=values.ods_code
                        error=errors.for_field("ods-code")
                        width_class="nhsuk-input--width-5"
                        autocomplete="off"
                        spellcheck_off=true
                    />
                    <TextInput
                        id="pin-passphrase"
                        name="pin_passphrase"
                        label="Passphrase from your PIN document"
                        hint="The one-time passphrase printed on your PIN document. It is case-sensitive."
                        error=errors.for_field("pin-passphrase")
                        width_class="nhsuk-input--width-20"
                        autocomplete="one-time-code"
                        spellcheck_off=true
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
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                        "Continue"
                    </button>
                </form>
                <details class="nhsuk-details">
                    <summary class="nhsuk-details__summary">
                        <span class="nhsuk-details__summary-text">"I do not have a PIN document"</span>
                    </summary>
                    <div class="nhsuk-details__text">
                        <p>"Ask your GP practice for a new PIN document. They may ask you to prove who you are, for example with proof of address."</p>
                        <p>"A PIN document lasts 14 days from the date printed on it and can only be used once."</p>
                    </div>
                </details>
            </div>
        </div>
    }
}

#[component]
pub fn NewPassphrasePage() -> impl IntoView {
    match server_view::<NewPassphraseView>() {
        NewPassphraseView::Ready { errors } => {
            let heading = "Create a new passphrase";
            let title = if errors.is_empty() { heading.to_owned() } else { format!("Error: {heading}") };
            view! {
                <PageTitle heading=title />
                <BackLink href=RESET_PATH />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=errors.clone() />
                        <h1>{heading}</h1>
                        <p>"Your passphrase must be 15 characters or more. Spaces are allowed."</p>
                        <p>"A good passphrase is 3 or more random words, like ‘carpet orbit lemon harbour’. Do not use your name, date of birth or anything on your PIN document."</p>
                        <form method="post" action=NEW_PASSPHRASE_PATH novalidate>
                            <PasswordInput
                                id="new-passphrase"
                                name="new_passphrase"
                                label="New passphrase"
                                hint="Must be 15 characters or more"
                                error=errors.for_field("new-passphrase")
                                autocomplete="new-password"
                            />
                            <PasswordInput
                                id="confirm-passphrase"
                                name="confirm_passphrase"
                                label="Confirm new passphrase"
                                error=errors.for_field("confirm-passphrase")
                                autocomplete="new-password"
                            />
                            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                                "Reset passphrase"
                            </button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
        NewPassphraseView::AlreadyUsed { practice_name } => view! { <AlreadyUsed practice_name /> }.into_any(),
        NewPassphraseView::SessionEnded => view! {
            <PageTitle heading="You need to enter your PIN document details again" />
            <h1>"You need to enter your PIN document details again"</h1>
            <p>"For your security, you have 10 minutes to create a new passphrase after entering your PIN document details."</p>
            <p>"Nothing has been changed. Your PIN document can still be used if it has not expired."</p>
            <a class="nhsuk-button" data-module="nhsuk-button" href=RESET_PATH role="button" draggable="false">
                "Enter your details again"
            </a>
        }
        .into_any(),
    }
}

#[component]
pub fn ResetDonePage() -> impl IntoView {
    let DoneView { practice_name } = server_view::<DoneView>();
    view! {
        <PageTitle heading="Passphrase reset" />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <div class="nhsuk-panel">
                    <h1 class="nhsuk-panel__heading">"Passphrase reset"</h1>
                    <div class="nhsuk-panel__body">"You can now sign in with your new passphrase"</div>
                </div>
                <h2>"What happens next"</h2>
                <p>"Your PIN document has now been used and will not work again. You can throw it away safely."</p>
                <p>"Sign in to your GP online services with your Account ID, your practice's ODS code and your new passphrase."</p>
                <p>
                    {format!("If you did not reset your passphrase, contact {} straight away.", if practice_name.is_empty() { "your GP practice".to_owned() } else { practice_name })}
                </p>
            </div>
        </div>
    }
}
