//! The staff area: sign in, test patients and their preview, PIN document reissue with a
//! print-ready document, and what needs the practice's attention. Staff use desktop browsers;
//! the pages are the same NHS components as the patients' pages.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::{
    BackLink, DateInput, ErrorSummary, FormErrors, PasswordInput, RadioChoice, Radios, TextInput,
};
use crate::components::islands::PrintButton;
use crate::components::layout::PageTitle;
use crate::pages::account::{AccountDetails, AccountSummary};
use crate::pages::reset_passphrase::{server_view, FormProblem, CLIENT_LOCKED_OUT, LOCKED_OUT};

pub const STAFF_SIGN_IN_PATH: &str = "/staff/sign-in";
pub const STAFF_SIGN_OUT_PATH: &str = "/staff/sign-out";
pub const STAFF_HOME_PATH: &str = "/staff";
pub const TEST_PATIENTS_PATH: &str = "/staff/test-patients";
pub const NEW_TEST_PATIENT_PATH: &str = "/staff/test-patients/new";
pub const FIND_PATIENT_PATH: &str = "/staff/patients";
pub const REQUESTS_PATH: &str = "/staff/replacement-requests";
pub const MISMATCHES_PATH: &str = "/staff/mismatches";
pub const AUDIT_PATH: &str = "/staff/audit";

pub fn patient_path(id: &str) -> String {
    format!("/staff/patients/{id}")
}
pub fn reissue_path(id: &str) -> String {
    format!("/staff/patients/{id}/pin-document")
}
pub fn preview_start_path(id: &str) -> String {
    format!("/staff/patients/{id}/preview")
}
pub fn preview_path(id: &str) -> String {
    format!("/staff/previews/{id}")
}
pub fn print_path(id: &str) -> String {
    format!("/staff/pin-documents/{id}/print")
}

pub const STAFF_NO_MATCH: &str = "The username or password is not correct";

/// The staff navigation and sign-out, at the top of every signed-in staff page.
#[component]
fn StaffNav(username: String) -> impl IntoView {
    view! {
        <nav class="relink-staff-nav" aria-label="Staff area">
            <ul class="nhsuk-list relink-inline-list">
                <li><a href=STAFF_HOME_PATH>"What needs your attention"</a></li>
                <li><a href=TEST_PATIENTS_PATH>"Test patients"</a></li>
                <li><a href=FIND_PATIENT_PATH>"Find a patient"</a></li>
                <li><a href=AUDIT_PATH>"Audit log"</a></li>
            </ul>
            <form method="post" action=STAFF_SIGN_OUT_PATH class="relink-inline-form">
                <span class="nhsuk-body-s">{format!("Signed in as {username} ")}</span>
                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" data-module="nhsuk-button" type="submit">
                    "Sign out"
                </button>
            </form>
        </nav>
    }
}

fn error_title(heading: &str, errors: &FormErrors) -> String {
    if errors.is_empty() {
        heading.to_owned()
    } else {
        format!("Error: {heading}")
    }
}

// ----- sign in ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSignInView {
    pub username: String,
    pub errors: FormErrors,
    pub problem: Option<FormProblem>,
    pub signed_out: bool,
}

#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let view = server_view::<StaffSignInView>();
    let mut summary = view.errors.clone();
    match view.problem {
        Some(FormProblem::NoMatch) => summary.add("username", STAFF_NO_MATCH),
        Some(FormProblem::LockedOut) => summary.add("username", LOCKED_OUT),
        Some(FormProblem::ClientLockedOut) => summary.add("username", CLIENT_LOCKED_OUT),
        None => {}
    }
    let heading = "Sign in to the staff area";
    view! {
        <PageTitle heading=error_title(heading, &summary) />
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
                <p>"For GP practice staff. Patients should "<a href="/sign-in">"sign in here"</a>"."</p>
                <form method="post" action=STAFF_SIGN_IN_PATH novalidate>
                    <TextInput
                        id="username"
                        name="username"
                        label="Username"
                        value=view.username
                        error=view.errors.for_field("username")
                        width_class="nhsuk-input--width-20"
                        autocomplete="username"
                        spellcheck_off=true
                    />
                    <PasswordInput
                        id="password"
                        name="password"
                        label="Password"
                        error=view.errors.for_field("password")
                        autocomplete="current-password"
                    />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">"Sign in"</button>
                </form>
            </div>
        </div>
    }
}

// ----- what needs attention --------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffHomeView {
    pub username: String,
    pub practices: Vec<String>,
    pub requests: usize,
    pub mismatches: usize,
    pub test_patients: usize,
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let view = server_view::<StaffHomeView>();
    view! {
        <PageTitle heading="What needs your attention" />
        <StaffNav username=view.username.clone() />
        <h1>"What needs your attention"</h1>
        <p>{format!("Practices: {}", view.practices.join(", "))}</p>
        <ul class="nhsuk-grid-row nhsuk-card-group">
            <AttentionCard href=REQUESTS_PATH heading="Replacement requests" count=view.requests text="patients replaced their account" />
            <AttentionCard href=MISMATCHES_PATH heading="Demographic mismatches" count=view.mismatches text="differences between your clinical system and PDS" />
            <AttentionCard href=TEST_PATIENTS_PATH heading="Test patients" count=view.test_patients text="test patients you can preview" />
        </ul>
    }
}

#[component]
fn AttentionCard(
    href: &'static str,
    heading: &'static str,
    count: usize,
    text: &'static str,
) -> impl IntoView {
    view! {
        <li class="nhsuk-grid-column-one-third nhsuk-card-group__item">
            <div class="nhsuk-card nhsuk-card--clickable">
                <div class="nhsuk-card__content">
                    <h2 class="nhsuk-card__heading nhsuk-heading-m">
                        <a class="nhsuk-card__link" href=href>{heading}</a>
                    </h2>
                    <p class="nhsuk-card__description">{format!("{count} {text}")}</p>
                </div>
            </div>
        </li>
    }
}

// ----- test patients ---------------------------------------------------------------------------

/// A patient in a staff list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRow {
    pub id: String,
    pub name: String,
    pub nhs_number: String,
    pub practice_ods: String,
    pub is_test: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestPatientsView {
    pub username: String,
    pub patients: Vec<PatientRow>,
    /// Set after a test patient was created.
    pub created: Option<String>,
}

#[component]
fn PatientTable(caption: &'static str, rows: Vec<PatientRow>) -> impl IntoView {
    view! {
        <table class="nhsuk-table">
            <caption class="nhsuk-table__caption">{caption}</caption>
            <thead class="nhsuk-table__head">
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"NHS number"</th>
                    <th scope="col">"Practice"</th>
                </tr>
            </thead>
            <tbody class="nhsuk-table__body">
                {rows
                    .into_iter()
                    .map(|p| view! {
                        <tr>
                            <td>
                                <a href=patient_path(&p.id)>{p.name}</a>
                                {p.is_test.then(|| view! { " "<strong class="nhsuk-tag nhsuk-tag--purple">"Test patient"</strong> })}
                            </td>
                            <td>{p.nhs_number}</td>
                            <td>{p.practice_ods}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn TestPatientsPage() -> impl IntoView {
    let view = server_view::<TestPatientsView>();
    view! {
        <PageTitle heading="Test patients" />
        <StaffNav username=view.username.clone() />
        <h1>"Test patients"</h1>
        <p>"A test patient lets you see exactly what a patient sees online. Test patients never receive emails and are never sent to the Personal Demographics Service."</p>
        <a class="nhsuk-button" data-module="nhsuk-button" href=NEW_TEST_PATIENT_PATH role="button" draggable="false">
            "Set up a test patient"
        </a>
        {if view.patients.is_empty() {
            view! { <p>"You have no test patients yet."</p> }.into_any()
        } else {
            view! { <PatientTable caption="Your test patients" rows=view.patients /> }.into_any()
        }}
    }
}

/// What was typed in "Set up a test patient".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestPatientValues {
    pub practice: String,
    pub given_name: String,
    pub family_name: String,
    pub dob: (String, String, String),
    pub nhs_number: String,
    pub access: String,
    pub rule: String,
    pub visible_from: (String, String, String),
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTestPatientView {
    pub username: String,
    pub practices: Vec<(String, String)>,
    pub values: TestPatientValues,
    pub errors: FormErrors,
}

pub const ACCESS_CHOICES: [RadioChoice; 4] = [
    RadioChoice {
        value: "none",
        label: "No access to the GP health record",
        hint: None,
    },
    RadioChoice {
        value: "summary",
        label: "Summary information (allergies and medicines)",
        hint: None,
    },
    RadioChoice {
        value: "dcr",
        label: "Detailed Coded Record (DCR)",
        hint: None,
    },
    RadioChoice {
        value: "full",
        label: "Full record",
        hint: None,
    },
];

pub const RULE_CHOICES: [RadioChoice; 3] = [
    RadioChoice {
        value: "practice_set",
        label: "A date set in the clinical system",
        hint: Some("Enter the date below"),
    },
    RadioChoice {
        value: "joined",
        label: "The date they joined the practice",
        hint: None,
    },
    RadioChoice {
        value: "requested",
        label: "The date they asked for online access",
        hint: None,
    },
];

pub const SERVICES: [(&str, &str); 4] = [
    ("appointments", "Appointments"),
    ("prescriptions", "Repeat prescriptions"),
    ("record", "GP health record"),
    ("messages", "Messages"),
];

#[component]
fn SmallRadios(
    id: &'static str,
    name: &'static str,
    legend: &'static str,
    choices: Vec<RadioChoice>,
    selected: String,
    error: Option<String>,
) -> impl IntoView {
    let group = if error.is_some() {
        "nhsuk-form-group nhsuk-form-group--error"
    } else {
        "nhsuk-form-group"
    };
    let error_id = format!("{id}-error");
    let describedby = error.as_ref().map(|_| error_id.clone());
    view! {
        <div class=group>
            <fieldset class="nhsuk-fieldset" aria-describedby=describedby>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
                {error.map(|message| view! {
                    <span class="nhsuk-error-message" id=error_id.clone()>
                        <span class="nhsuk-u-visually-hidden">"Error: "</span>{message}
                    </span>
                })}
                <div class="nhsuk-radios nhsuk-radios--small" data-module="nhsuk-radios">
                    {choices.into_iter().enumerate().map(|(i, c)| {
                        let input_id = if i == 0 { id.to_owned() } else { format!("{id}-{}", i + 1) };
                        view! {
                            <div class="nhsuk-radios__item">
                                <input class="nhsuk-radios__input" id=input_id.clone() name=name type="radio" value=c.value checked=selected == c.value />
                                <label class="nhsuk-label nhsuk-radios__label" for=input_id>{c.label}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

#[component]
pub fn NewTestPatientPage() -> impl IntoView {
    let view = server_view::<NewTestPatientView>();
    let heading = "Set up a test patient";
    let values = view.values.clone();
    let errors = view.errors.clone();
    view! {
        <PageTitle heading=error_title(heading, &errors) />
        <StaffNav username=view.username.clone() />
        <BackLink href=TEST_PATIENTS_PATH />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=errors.clone() />
                <h1>{heading}</h1>
                <form method="post" action=NEW_TEST_PATIENT_PATH novalidate>
                    <div class=if errors.for_field("practice").is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" }>
                        <label class="nhsuk-label nhsuk-label--s" for="practice">"Practice"</label>
                        {errors.for_field("practice").map(|m| view! { <span class="nhsuk-error-message" id="practice-error"><span class="nhsuk-u-visually-hidden">"Error: "</span>{m}</span> })}
                        <select class="nhsuk-select" id="practice" name="practice">
                            {view.practices.iter().map(|(code, name)| {
                                let selected = values.practice == *code;
                                view! { <option value=code.clone() selected=selected>{format!("{name} ({code})")}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <TextInput id="given-name" name="given_name" label="First name" value=values.given_name.clone() error=errors.for_field("given-name") width_class="nhsuk-input--width-20" autocomplete="off" />
                    <TextInput id="family-name" name="family_name" label="Last name" value=values.family_name.clone() error=errors.for_field("family-name") width_class="nhsuk-input--width-20" autocomplete="off" />
                    <DateInput id="date-of-birth" name_prefix="date_of_birth" legend="Date of birth" hint="For example, 15 3 1984" day=values.dob.0.clone() month=values.dob.1.clone() year=values.dob.2.clone() error=errors.for_field("date-of-birth") />
                    <TextInput
                        id="nhs-number"
                        name="nhs_number"
                        label="NHS number"
                        hint="Test patients must have a valid NHS number from 999 000 0000 to 999 999 9999. These are never issued to real people."
                        value=values.nhs_number.clone()
                        error=errors.for_field("nhs-number")
                        width_class="nhsuk-input--width-10"
                        autocomplete="off"
                        numeric=true
                    />
                    <SmallRadios id="access" name="access" legend="Access to the GP health record" choices=ACCESS_CHOICES.to_vec() selected=values.access.clone() error=errors.for_field("access") />
                    <SmallRadios id="rule" name="rule" legend="The record is visible from" choices=RULE_CHOICES.to_vec() selected=values.rule.clone() error=errors.for_field("rule") />
                    <DateInput id="visible-from" name_prefix="visible_from" legend="Date set in the clinical system" hint="Only if the record is visible from a date set in the clinical system" day=values.visible_from.0.clone() month=values.visible_from.1.clone() year=values.visible_from.2.clone() error=errors.for_field("visible-from") />
                    <div class="nhsuk-form-group">
                        <fieldset class="nhsuk-fieldset">
                            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">"Services switched on"</legend>
                            <div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes">
                                {SERVICES.iter().map(|(value, label)| {
                                    let id = format!("service-{value}");
                                    let checked = values.services.iter().any(|s| s == value);
                                    view! {
                                        <div class="nhsuk-checkboxes__item">
                                            <input class="nhsuk-checkboxes__input" id=id.clone() name="services" type="checkbox" value=*value checked=checked />
                                            <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{*label}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">"Set up test patient"</button>
                </form>
            </div>
        </div>
    }
}

// ----- find a patient and the patient page -----------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindPatientView {
    pub username: String,
    pub query: String,
    pub errors: FormErrors,
    pub results: Option<Vec<PatientRow>>,
}

#[component]
pub fn FindPatientPage() -> impl IntoView {
    let view = server_view::<FindPatientView>();
    let heading = "Find a patient";
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <ErrorSummary errors=view.errors.clone() />
        <h1>{heading}</h1>
        <form method="get" action=FIND_PATIENT_PATH novalidate>
            <TextInput id="nhs-number" name="nhs_number" label="NHS number" hint="Patients of your practices only" value=view.query.clone() error=view.errors.for_field("nhs-number") width_class="nhsuk-input--width-10" autocomplete="off" numeric=true />
            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">"Find"</button>
        </form>
        {view.results.map(|rows| if rows.is_empty() {
            view! { <p>"No patient of your practices has that NHS number."</p> }.into_any()
        } else {
            view! { <PatientTable caption="Patients found" rows /> }.into_any()
        })}
    }
}

/// A patient as the staff patient page shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPatientView {
    pub username: String,
    pub id: String,
    pub name: String,
    pub nhs_number: String,
    pub date_of_birth: String,
    pub practice: String,
    pub clinical_system: String,
    pub is_emis: bool,
    pub is_test: bool,
    pub account_id: Option<String>,
    pub document: Option<String>,
}

#[component]
pub fn StaffPatientPage() -> impl IntoView {
    let view = server_view::<StaffPatientView>();
    let action = if view.is_emis {
        "Reset linkage key"
    } else {
        "Issue new passphrase"
    };
    view! {
        <PageTitle heading=view.name.clone() />
        <StaffNav username=view.username.clone() />
        <h1>
            {view.name.clone()}
            {view.is_test.then(|| view! { " "<strong class="nhsuk-tag nhsuk-tag--purple">"Test patient"</strong> })}
        </h1>
        <dl class="nhsuk-summary-list">
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"NHS number"</dt><dd class="nhsuk-summary-list__value">{view.nhs_number.clone()}</dd></div>
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Date of birth"</dt><dd class="nhsuk-summary-list__value">{view.date_of_birth.clone()}</dd></div>
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Practice"</dt><dd class="nhsuk-summary-list__value">{format!("{} ({})", view.practice, view.clinical_system)}</dd></div>
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Account ID"</dt><dd class="nhsuk-summary-list__value">{view.account_id.clone().unwrap_or_else(|| "No online account yet".to_owned())}</dd></div>
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"PIN document"</dt><dd class="nhsuk-summary-list__value">{view.document.clone().unwrap_or_else(|| "None issued".to_owned())}</dd></div>
        </dl>
        <div class="nhsuk-button-group">
            <a class="nhsuk-button" data-module="nhsuk-button" href=reissue_path(&view.id) role="button" draggable="false">{action}</a>
            {view.is_test.then(|| view! {
                <a class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" href=preview_start_path(&view.id) role="button" draggable="false">"Preview what this patient sees"</a>
            })}
        </div>
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReissueView {
    pub username: String,
    pub id: String,
    pub name: String,
    pub is_emis: bool,
    pub selected: String,
    pub errors: FormErrors,
}

pub const SELECT_IDENTITY_CHECK: &str = "Select how you checked the patient's identity";

#[component]
pub fn ReissuePage() -> impl IntoView {
    let view = server_view::<ReissueView>();
    let heading = if view.is_emis {
        "Reset linkage key"
    } else {
        "Issue new passphrase"
    };
    let choices = crate::domain::IdentityCheck::ALL
        .into_iter()
        .map(|c| RadioChoice {
            value: c.code(),
            label: c.label(),
            hint: None,
        })
        .collect::<Vec<_>>();
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=patient_path(&view.id)>"Back"</a>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=view.errors.clone() />
                <span class="nhsuk-caption-l">{format!("{heading} for {}", view.name)}</span>
                <form method="post" action=reissue_path(&view.id) novalidate>
                    <Radios
                        id="identity-check"
                        name="identity_check"
                        heading="How did you check the patient's identity?"
                        hint="You must check who the patient is before giving them a new PIN document."
                        choices
                        selected=view.selected.clone()
                        error=view.errors.for_field("identity-check")
                    />
                    <div class="nhsuk-warning-callout">
                        <h3 class="nhsuk-warning-callout__label">
                            <span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Older PIN documents stop working"</span>
                        </h3>
                        <p>"Any PIN document not yet used will stop working. The new one is shown once, to print."</p>
                    </div>
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">"Create PIN document"</button>
                </form>
            </div>
        </div>
    }
}

// ----- the printed PIN document ----------------------------------------------------------------

/// Everything printed on a PIN document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedDocument {
    pub practice_name: String,
    pub ods_code: String,
    pub account_id: String,
    pub secret: String,
    pub printed_on: String,
    pub expires_on: String,
    pub is_emis: bool,
    pub qr_svg: String,
    pub reset_url: String,
    pub patient_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrintView {
    Shown(Box<PrintedDocument>),
    #[default]
    AlreadyShown,
}

#[component]
pub fn PrintPage() -> impl IntoView {
    match server_view::<PrintView>() {
        PrintView::AlreadyShown => view! {
            <PageTitle heading="This PIN document has already been shown" />
            <h1>"This PIN document has already been shown"</h1>
            <p>"For security, a new passphrase or linkage key is shown only once, when it is created."</p>
            <p>"If it was not printed, create another PIN document. The one you created will then stop working."</p>
            <p><a href=FIND_PATIENT_PATH>"Find the patient"</a></p>
        }
        .into_any(),
        PrintView::Shown(document) => {
            let PrintedDocument { practice_name, ods_code, account_id, secret, printed_on, expires_on, is_emis, qr_svg, reset_url, patient_id } = *document;
            let secret_label = if is_emis { "Linkage key" } else { "One-time passphrase" };
            view! {
                <PageTitle heading="PIN document" />
                <div class="relink-no-print">
                    <a class="nhsuk-back-link" href=patient_path(&patient_id)>"Back to the patient"</a>
                    <div class="nhsuk-warning-callout">
                        <h2 class="nhsuk-warning-callout__label">
                            <span role="text"><span class="nhsuk-u-visually-hidden">"Important: "</span>"Print this now"</span>
                        </h2>
                        <p>{format!("The {} is shown only this once. It will not be shown again if you leave or reload this page.", secret_label.to_lowercase())}</p>
                    </div>
                    <p>"Print it with your browser's print option (Ctrl + P)."</p>
                    <PrintButton />
                </div>
                <article class="relink-pin-document" aria-labelledby="pin-document-heading">
                    <h1 id="pin-document-heading">"Your GP online services PIN document"</h1>
                    <p class="nhsuk-lede-text">{practice_name.clone()}</p>
                    <dl class="nhsuk-summary-list">
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Practice ODS code"</dt><dd class="nhsuk-summary-list__value"><code>{ods_code}</code></dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Account ID"</dt><dd class="nhsuk-summary-list__value"><code>{account_id}</code></dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{secret_label}</dt><dd class="nhsuk-summary-list__value"><code class="relink-pin-secret">{secret}</code></dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Date printed"</dt><dd class="nhsuk-summary-list__value">{printed_on}</dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">"Use it by"</dt><dd class="nhsuk-summary-list__value">{expires_on}</dd></div>
                    </dl>
                    <h2>"How to use it"</h2>
                    {if is_emis {
                        view! {
                            <ol>
                                <li>"Open the NHS App, or go to GP online services, and choose to link your GP practice."</li>
                                <li>"Enter the Account ID, ODS code and linkage key above."</li>
                            </ol>
                        }.into_any()
                    } else {
                        view! {
                            <ol>
                                <li>{format!("Go to {reset_url} or scan the code.")}</li>
                                <li>"Enter the Account ID, ODS code and one-time passphrase above, and your date of birth."</li>
                                <li>"Choose a new passphrase."</li>
                            </ol>
                        }.into_any()
                    }}
                    <p>"This document works once, and only until the date above. Keep it private: anyone with it could use your account."</p>
                    <div class="relink-qr" inner_html=qr_svg></div>
                </article>
            }
            .into_any()
        }
    }
}

// ----- preview ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewStartView {
    pub username: String,
    pub id: String,
    pub name: String,
    pub reason: String,
    pub errors: FormErrors,
}

#[component]
pub fn PreviewStartPage() -> impl IntoView {
    let view = server_view::<PreviewStartView>();
    let heading = "Why are you previewing this patient?";
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=patient_path(&view.id)>"Back"</a>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=view.errors.clone() />
                <span class="nhsuk-caption-l">{format!("Preview of test patient {}", view.name)}</span>
                <h1>{heading}</h1>
                <p>"The preview shows exactly what this test patient sees online. It ends after 30 minutes. Your reason is kept in the audit log."</p>
                <form method="post" action=preview_start_path(&view.id) novalidate>
                    <TextInput id="reason" name="reason" label="Reason" hint="For example, checking what a patient sees with Detailed Coded Record access" value=view.reason.clone() error=view.errors.for_field("reason") autocomplete="off" />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">"Start preview"</button>
                </form>
            </div>
        </div>
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreviewView {
    Live {
        username: String,
        preview_id: String,
        patient_id: String,
        patient_name: String,
        ends_at: String,
        summary: Box<AccountSummary>,
    },
    #[default]
    Ended,
}

#[component]
pub fn PreviewPage() -> impl IntoView {
    match server_view::<PreviewView>() {
        PreviewView::Ended => view! {
            <PageTitle heading="This preview has ended" />
            <h1>"This preview has ended"</h1>
            <p>"A preview lasts 30 minutes. Start a new one from the test patient's page if you need it."</p>
            <p><a href=TEST_PATIENTS_PATH>"Test patients"</a></p>
        }
        .into_any(),
        PreviewView::Live { username, preview_id, patient_id, patient_name, ends_at, summary } => view! {
            <PageTitle heading="Test patient preview" />
            <div class="relink-preview-banner" role="region" aria-label="Test patient preview">
                <p>
                    <strong class="nhsuk-tag nhsuk-tag--purple">"Test patient preview"</strong>
                    {format!(" You are seeing what {patient_name} sees. Nothing here can be changed. The preview ends at {ends_at}.")}
                </p>
                <form method="post" action=format!("{}/end", preview_path(&preview_id))>
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" data-module="nhsuk-button" type="submit">"End preview"</button>
                </form>
            </div>
            <StaffNav username />
            <h1>"Your account"</h1>
            <fieldset class="relink-preview" disabled>
                <legend class="nhsuk-u-visually-hidden">"Read-only preview"</legend>
                <AccountDetails summary=*summary />
            </fieldset>
            <p><a href=patient_path(&patient_id)>"Back to the test patient"</a></p>
        }
        .into_any(),
    }
}

// ----- what needs attention: the lists ---------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRow {
    pub reference: String,
    pub patient_id: String,
    pub name: String,
    pub nhs_number: String,
    pub requested_on: String,
    pub status: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsView {
    pub username: String,
    pub rows: Vec<RequestRow>,
}

#[component]
pub fn RequestsPage() -> impl IntoView {
    let view = server_view::<RequestsView>();
    view! {
        <PageTitle heading="Replacement requests" />
        <StaffNav username=view.username.clone() />
        <h1>"Replacement requests"</h1>
        <p>"Patients who replaced their account. Most need a new PIN document to set a passphrase on their new account."</p>
        {if view.rows.is_empty() {
            view! { <p>"No replacement requests."</p> }.into_any()
        } else {
            view! {
                <table class="nhsuk-table">
                    <caption class="nhsuk-table__caption">"Replacement requests, newest first"</caption>
                    <thead class="nhsuk-table__head"><tr><th scope="col">"Reference"</th><th scope="col">"Patient"</th><th scope="col">"Requested"</th><th scope="col">"Status"</th></tr></thead>
                    <tbody class="nhsuk-table__body">
                        {view.rows.into_iter().map(|r| view! {
                            <tr>
                                <td>{r.reference}</td>
                                <td><a href=patient_path(&r.patient_id)>{r.name}</a><br />{r.nhs_number}</td>
                                <td>{r.requested_on}</td>
                                <td>{r.status}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MismatchRow {
    pub patient_id: String,
    pub nhs_number: String,
    pub field: String,
    pub gp_record: String,
    pub pds: String,
    pub who_fixes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MismatchesView {
    pub username: String,
    pub rows: Vec<MismatchRow>,
}

#[component]
pub fn MismatchesPage() -> impl IntoView {
    let view = server_view::<MismatchesView>();
    view! {
        <PageTitle heading="Demographic mismatches" />
        <StaffNav username=view.username.clone() />
        <h1>"Demographic mismatches"</h1>
        <p>"Where your clinical system and the Personal Demographics Service (PDS) disagree, field by field, and who fixes each."</p>
        {if view.rows.is_empty() {
            view! { <p>"No mismatches."</p> }.into_any()
        } else {
            view! {
                <table class="nhsuk-table">
                    <caption class="nhsuk-table__caption">"Mismatches"</caption>
                    <thead class="nhsuk-table__head"><tr><th scope="col">"NHS number"</th><th scope="col">"Field"</th><th scope="col">"Clinical system"</th><th scope="col">"PDS"</th><th scope="col">"Who fixes it"</th></tr></thead>
                    <tbody class="nhsuk-table__body">
                        {view.rows.into_iter().map(|r| view! {
                            <tr>
                                <td><a href=patient_path(&r.patient_id)>{r.nhs_number}</a></td>
                                <td>{r.field}</td>
                                <td>{r.gp_record}</td>
                                <td>{r.pds}</td>
                                <td>{r.who_fixes}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub when: String,
    pub kind: String,
    pub actor: String,
    pub patient_id: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub username: String,
    pub rows: Vec<AuditRow>,
    pub patient: String,
    pub kind: String,
    pub kinds: Vec<String>,
    pub page: i64,
    pub more: bool,
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let view = server_view::<AuditView>();
    let link = |page: i64| {
        format!(
            "{AUDIT_PATH}?patient={}&kind={}&page={page}",
            view.patient, view.kind
        )
    };
    let (previous, next) = (
        (view.page > 0).then(|| link(view.page - 1)),
        view.more.then(|| link(view.page + 1)),
    );
    view! {
        <PageTitle heading="Audit log" />
        <StaffNav username=view.username.clone() />
        <h1>"Audit log"</h1>
        <form method="get" action=AUDIT_PATH class="relink-filter" novalidate>
            <TextInput id="patient" name="patient" label="Patient (record ID)" value=view.patient.clone() width_class="nhsuk-input--width-20" autocomplete="off" />
            <div class="nhsuk-form-group">
                <label class="nhsuk-label nhsuk-label--s" for="kind">"Event"</label>
                <select class="nhsuk-select" id="kind" name="kind">
                    <option value="" selected=view.kind.is_empty()>"All events"</option>
                    {view.kinds.iter().map(|k| view! { <option value=k.clone() selected=*k == view.kind>{k.clone()}</option> }).collect_view()}
                </select>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit">"Filter"</button>
        </form>
        {if view.rows.is_empty() {
            view! { <p>"No events match."</p> }.into_any()
        } else {
            view! {
                <table class="nhsuk-table">
                    <caption class="nhsuk-table__caption">{format!("Events, newest first (page {})", view.page + 1)}</caption>
                    <thead class="nhsuk-table__head"><tr><th scope="col">"When"</th><th scope="col">"Event"</th><th scope="col">"By"</th><th scope="col">"Patient"</th><th scope="col">"Detail"</th></tr></thead>
                    <tbody class="nhsuk-table__body">
                        {view.rows.into_iter().map(|r| view! {
                            <tr>
                                <td>{r.when}</td>
                                <td>{r.kind}</td>
                                <td>{r.actor}</td>
                                <td>{r.patient_id.map(|p| view! { <a href=patient_path(&p)>{p.clone()}</a> })}</td>
                                <td>{r.detail}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <nav class="nhsuk-pagination" role="navigation" aria-label="Audit log pages">
            <ul class="nhsuk-list nhsuk-pagination__list">
                {previous.map(|href| view! { <li class="nhsuk-pagination-item--previous"><a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href=href><span class="nhsuk-pagination__title">"Previous"</span></a></li> })}
                {next.map(|href| view! { <li class="nhsuk-pagination-item--next"><a class="nhsuk-pagination__link nhsuk-pagination__link--next" href=href><span class="nhsuk-pagination__title">"Next"</span></a></li> })}
            </ul>
        </nav>
    }
}
