//! Sign in, "Your account", and help for activity the patient does not recognise.
//!
//! [`AccountSummary`] is plain data and [`AccountDetails`] only renders it, so the staff
//! preview of a test patient can show exactly what the patient sees.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::{ErrorSummary, FormErrors, PasswordInput, TextInput};
use crate::components::layout::PageTitle;
use crate::domain::{
    format_long_date, OnlineService, RecordAccessLevel, RecordVisibility, ServiceState,
};
use crate::pages::reset_passphrase::{
    server_view, FormProblem, CLIENT_LOCKED_OUT, LOCKED_OUT, NO_MATCH,
};

pub const SIGN_IN_PATH: &str = "/sign-in";
pub const SIGN_OUT_PATH: &str = "/sign-out";
pub const ACCOUNT_PATH: &str = "/account";
pub const NOT_ME_PATH: &str = "/account/this-was-not-me";

/// Where a detail about the patient comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetailSource {
    GpRecord,
    NhsSpine,
}

impl DetailSource {
    fn label(self) -> &'static str {
        match self {
            Self::GpRecord => "From your GP record",
            Self::NhsSpine => "From the NHS Spine",
        }
    }
}

/// One row of "Your details".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailRow {
    pub label: String,
    pub value: String,
    pub source: DetailSource,
    /// What the other source holds, when the two disagree.
    pub other_source_value: Option<String>,
}

/// One line of recent security activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub date: String,
    pub description: String,
}

/// Everything "Your account" shows, decided on the server by the domain rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub practice_name: String,
    pub practice_ods: String,
    pub clinical_system: String,
    pub record: RecordVisibility,
    pub services: Vec<(OnlineService, ServiceState)>,
    pub details: Vec<DetailRow>,
    pub activity: Vec<ActivityItem>,
}

/// What `/sign-in` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInView {
    pub account_id: String,
    pub ods_code: String,
    pub errors: FormErrors,
    pub problem: Option<FormProblem>,
    pub signed_out: bool,
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let view = server_view::<SignInView>();
    let mut summary = view.errors.clone();
    match view.problem {
        Some(FormProblem::NoMatch) => summary.add("account-id", NO_MATCH),
        Some(FormProblem::LockedOut) => summary.add("account-id", LOCKED_OUT),
        Some(FormProblem::ClientLockedOut) => summary.add("account-id", CLIENT_LOCKED_OUT),
        None => {}
    }
    let heading = "Sign in";
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
                {view.signed_out.then(|| view! {
                    <div class="nhsuk-inset-text">
                        <span class="nhsuk-u-visually-hidden">"Information: "</span>
                        <p>"You have signed out."</p>
                    </div>
                })}
                <h1>{heading}</h1>
                <form method="post" action=SIGN_IN_PATH novalidate>
                    <TextInput
                        id="account-id"
                        name="account_id"
                        label="Account ID"
                        hint="This is on the PIN document your GP practice gave you."
                        value=view.account_id
                        error=view.errors.for_field("account-id")
                        width_class="nhsuk-input--width-10"
                        autocomplete="username"
                        spellcheck_off=true
                    />
                    <TextInput
                        id="ods-code"
                        name="ods_code"
                        label="ODS code"
                        hint="Your GP practice's code, like A12345."
                        value=view.ods_code
                        error=view.errors.for_field("ods-code")
                        width_class="nhsuk-input--width-5"
                        autocomplete="off"
                        spellcheck_off=true
                    />
                    <PasswordInput
                        id="passphrase"
                        name="passphrase"
                        label="Passphrase"
                        error=view.errors.for_field("passphrase")
                        autocomplete="current-password"
                    />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                        "Sign in"
                    </button>
                </form>
                <p>
                    <a href="/reset-passphrase">"I have forgotten my passphrase"</a>
                </p>
                <p>
                    <a href="/cannot-sign-in">"I cannot sign in for another reason"</a>
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    match server_view::<Option<AccountSummary>>() {
        Some(summary) => view! {
            <PageTitle heading="Your account" />
            <h1>"Your account"</h1>
            <AccountDetails summary />
            <form method="post" action=SIGN_OUT_PATH>
                <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit">
                    "Sign out"
                </button>
            </form>
        }
        .into_any(),
        None => view! {
            <PageTitle heading="Sign in to see your account" />
            <h1>"Sign in to see your account"</h1>
            <p><a href=SIGN_IN_PATH>"Sign in"</a></p>
        }
        .into_any(),
    }
}

fn service_state_text(state: ServiceState) -> (&'static str, &'static str) {
    match state {
        ServiceState::Available => ("Available", "nhsuk-tag--green"),
        ServiceState::NotOfferedByPractice => ("Not offered by your practice", "nhsuk-tag--grey"),
        ServiceState::NotSwitchedOnForYou => ("Not switched on for you", "nhsuk-tag--grey"),
    }
}

fn level_name(level: RecordAccessLevel) -> &'static str {
    match level {
        RecordAccessLevel::None => "No access",
        RecordAccessLevel::Summary => "Summary",
        RecordAccessLevel::DetailedCoded => "Detailed Coded Record",
        RecordAccessLevel::Full => "Full record",
    }
}

/// "Your account", from data alone: shared by the patient's page and the staff preview.
#[component]
pub fn AccountDetails(summary: AccountSummary) -> impl IntoView {
    let record = match summary.record.clone() {
        RecordVisibility::NotSwitchedOn => view! {
            <p>"You cannot see your GP health record online yet."</p>
            <p><strong>"Ask your GP practice to switch on access."</strong></p>
        }
        .into_any(),
        RecordVisibility::SummaryOnly => view! {
            <p>"You can see a summary of your GP health record: allergies and medicines."</p>
            <p>"To see more, ask your GP practice to switch on access to your detailed record."</p>
        }
        .into_any(),
        RecordVisibility::Visible { level, from, because } => view! {
            <dl class="nhsuk-summary-list">
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">"Access"</dt>
                    <dd class="nhsuk-summary-list__value">{level_name(level)}</dd>
                </div>
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">"Visible from"</dt>
                    <dd class="nhsuk-summary-list__value">{format_long_date(from)}</dd>
                </div>
            </dl>
            <p>{format!("You can see your record from {}.", because.patient_sentence())}</p>
        }
        .into_any(),
        RecordVisibility::DateMissing { level, rule } => view! {
            <p>{format!("Your practice has switched on {} access, but has not recorded {}.", level_name(level), rule.patient_sentence())}</p>
            <p><strong>"Ask your GP practice to check your online access settings."</strong></p>
        }
        .into_any(),
    };
    let services = summary
        .services
        .iter()
        .map(|(service, state)| {
            let (text, class) = service_state_text(*state);
            view! {
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">{service.name()}</dt>
                    <dd class="nhsuk-summary-list__value">
                        <strong class=format!("nhsuk-tag {class}")>{text}</strong>
                    </dd>
                </div>
            }
        })
        .collect_view();
    let details = summary
        .details
        .into_iter()
        .map(|row| {
            let mismatch = row.other_source_value.map(|other| {
                let other_source = match row.source {
                    DetailSource::GpRecord => "the NHS Spine",
                    DetailSource::NhsSpine => "your GP record",
                };
                view! {
                    <p class="nhsuk-u-margin-bottom-0">
                        <strong class="nhsuk-tag nhsuk-tag--orange">"Does not match"</strong>
                        {format!(" {other_source} has: {other}")}
                    </p>
                }
            });
            view! {
                <div class="nhsuk-summary-list__row">
                    <dt class="nhsuk-summary-list__key">{row.label}</dt>
                    <dd class="nhsuk-summary-list__value">
                        <p class="nhsuk-u-margin-bottom-1">{row.value}</p>
                        <p class="nhsuk-body-s nhsuk-u-margin-bottom-1 nhsuk-u-secondary-text-colour">{row.source.label()}</p>
                        {mismatch}
                    </dd>
                </div>
            }
        })
        .collect_view();
    let activity = if summary.activity.is_empty() {
        view! { <p>"No recent activity."</p> }.into_any()
    } else {
        let items = summary
            .activity
            .into_iter()
            .map(|item| {
                view! {
                    <div class="nhsuk-summary-list__row">
                        <dt class="nhsuk-summary-list__key">{item.date}</dt>
                        <dd class="nhsuk-summary-list__value">{item.description}</dd>
                    </div>
                }
            })
            .collect_view();
        view! { <dl class="nhsuk-summary-list">{items}</dl> }.into_any()
    };
    view! {
        <h2>"Your GP practice"</h2>
        <dl class="nhsuk-summary-list">
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">"Name"</dt>
                <dd class="nhsuk-summary-list__value">{summary.practice_name.clone()}</dd>
            </div>
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">"ODS code"</dt>
                <dd class="nhsuk-summary-list__value">{summary.practice_ods.clone()}</dd>
            </div>
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">"Clinical system"</dt>
                <dd class="nhsuk-summary-list__value">{summary.clinical_system.clone()}</dd>
            </div>
        </dl>
        <h2>"Your GP health record"</h2>
        {record}
        <h2>"Services"</h2>
        <dl class="nhsuk-summary-list">{services}</dl>
        <h2>"Your details"</h2>
        <dl class="nhsuk-summary-list">{details}</dl>
        <h3>"Something wrong?"</h3>
        <p>"Your address comes from your GP record. Ask your GP practice to update it."</p>
        <p>
            "Your name, date of birth and NHS number come from the NHS Spine (the Personal Demographics Service). Ask your GP practice to correct them, or to tell you how to change them nationally."
        </p>
        <h2>"Recent security activity"</h2>
        {activity}
        <p>
            <a href=NOT_ME_PATH>"This was not me"</a>
        </p>
    }
}

#[component]
pub fn NotMePage() -> impl IntoView {
    view! {
        <PageTitle heading="If you do not recognise activity on your account" />
        <h1>"If you do not recognise activity on your account"</h1>
        <p>"Someone else may know your details. Do these things straight away:"</p>
        <ol>
            <li>"Contact your GP practice. Tell them you do not recognise activity on your account."</li>
            <li>"Ask them for a new PIN document, so that your old passphrase stops working."</li>
            <li>"Use the new PIN document to reset your passphrase. Do not reuse an old passphrase."</li>
        </ol>
        <p>"If you think your health information has been seen by someone else, tell your GP practice. They can check who has accessed your record."</p>
        <p><a href=ACCOUNT_PATH>"Back to your account"</a></p>
    }
}
