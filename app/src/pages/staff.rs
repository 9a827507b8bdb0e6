//! The staff area: sign in, test patients and their preview, PIN document reissue with a
//! print-ready document, and what needs the practice's attention. Staff use desktop browsers;
//! the pages are the same NHS components as the patients' pages.

use leptos::prelude::*;
use time::Date;

use crate::components::form::{
    BackLink, DateInput, ErrorSummary, PasswordInput, RadioChoice, Radios, TextInput,
};
use crate::components::islands::PrintButton;
use crate::components::layout::{error_title, PageTitle};
use crate::domain::OnlineService;
use crate::i18n::td_string;
use crate::language::{long_date, Locale};
use crate::pages::account::AccountDetails;
use crate::tr;
use crate::views::form::FormProblem;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::*;

/// The staff navigation and sign-out, at the top of every signed-in staff page.
#[component]
fn StaffNav(username: String) -> impl IntoView {
    view! {
        <nav class="relink-staff-nav" aria-label=tr!(staff.nav.label)>
            <ul class="nhsuk-list relink-inline-list">
                <li><a href=routes::STAFF_HOME>{tr!(staff.home.heading)}</a></li>
                <li><a href=routes::TEST_PATIENTS>{tr!(staff.test_patients.heading)}</a></li>
                <li><a href=routes::FIND_PATIENT>{tr!(staff.find.heading)}</a></li>
                <li><a href=routes::AUDIT>{tr!(staff.audit.heading)}</a></li>
            </ul>
            <form method="post" action=routes::STAFF_SIGN_OUT class="relink-inline-form">
                <span class="nhsuk-body-s">{format!("{} ", tr!(staff.nav.signed_in_as, username = username))}</span>
                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" data-module="nhsuk-button" type="submit">
                    {tr!(common.sign_out)}
                </button>
            </form>
        </nav>
    }
}

// ----- sign in ---------------------------------------------------------------------------------

#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let view = server_view::<StaffSignInView>();
    let mut summary = view.errors.clone();
    match view.problem {
        Some(FormProblem::NoMatch) => summary.add("username", tr!(staff.sign_in.no_match)),
        Some(FormProblem::LockedOut) => summary.add("username", tr!(staff.sign_in.locked_out)),
        Some(FormProblem::ClientLockedOut) => {
            summary.add("username", tr!(staff.sign_in.client_locked_out))
        }
        None => {}
    }
    let heading = tr!(staff.sign_in.heading);
    view! {
        <PageTitle heading=error_title(heading, &summary) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=summary />
                {view.signed_out.then(|| view! {
                    <div class="nhsuk-inset-text">
                        <span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(common.information))}</span>
                        <p>{tr!(staff.sign_in.signed_out)}</p>
                    </div>
                })}
                <h1>{heading}</h1>
                <p>
                    {tr!(staff.sign_in.intro_before)}
                    <a href=routes::SIGN_IN>{tr!(staff.sign_in.intro_link)}</a>
                    {tr!(staff.sign_in.intro_after)}
                </p>
                <form method="post" action=routes::STAFF_SIGN_IN novalidate>
                    <TextInput
                        id="username"
                        name="username"
                        label=tr!(staff.sign_in.username)
                        value=view.username
                        error=view.errors.for_field("username")
                        width_class="nhsuk-input--width-20"
                        autocomplete="username"
                        spellcheck_off=true
                    />
                    <PasswordInput
                        id="password"
                        name="password"
                        label=tr!(staff.sign_in.password)
                        error=view.errors.for_field("password")
                        autocomplete="current-password"
                    />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">{tr!(staff.sign_in.button)}</button>
                </form>
            </div>
        </div>
    }
}

// ----- what needs attention --------------------------------------------------------------------

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let view = server_view::<StaffHomeView>();
    view! {
        <PageTitle heading=tr!(staff.home.heading) />
        <StaffNav username=view.username.clone() />
        <h1>{tr!(staff.home.heading)}</h1>
        <p>{tr!(staff.home.practices, list = view.practices.join(", "))}</p>
        <ul class="nhsuk-grid-row nhsuk-card-group">
            <AttentionCard
                href=routes::REQUESTS
                heading=tr!(staff.requests.heading)
                text=tr!(staff.home.requests_count, number = view.requests)
            />
            <AttentionCard
                href=routes::MISMATCHES
                heading=tr!(staff.mismatches.heading)
                text=tr!(staff.home.mismatches_count, number = view.mismatches)
            />
            <AttentionCard
                href=routes::TEST_PATIENTS
                heading=tr!(staff.test_patients.heading)
                text=tr!(staff.home.test_patients_count, number = view.test_patients)
            />
        </ul>
    }
}

#[component]
fn AttentionCard(
    href: &'static str,
    heading: &'static str,
    /// The count and what it counts: "3 patients replaced their account".
    text: String,
) -> impl IntoView {
    view! {
        <li class="nhsuk-grid-column-one-third nhsuk-card-group__item">
            <div class="nhsuk-card nhsuk-card--clickable">
                <div class="nhsuk-card__content">
                    <h2 class="nhsuk-card__heading nhsuk-heading-m">
                        <a class="nhsuk-card__link" href=href>{heading}</a>
                    </h2>
                    <p class="nhsuk-card__description">{text}</p>
                </div>
            </div>
        </li>
    }
}

// ----- test patients ---------------------------------------------------------------------------

#[component]
fn PatientTable(caption: &'static str, rows: Vec<PatientRow>) -> impl IntoView {
    view! {
        <table class="nhsuk-table">
            <caption class="nhsuk-table__caption">{caption}</caption>
            <thead class="nhsuk-table__head">
                <tr>
                    <th scope="col">{tr!(staff.name)}</th>
                    <th scope="col">{tr!(staff.nhs_number)}</th>
                    <th scope="col">{tr!(staff.practice)}</th>
                </tr>
            </thead>
            <tbody class="nhsuk-table__body">
                {rows
                    .into_iter()
                    .map(|p| view! {
                        <tr>
                            <td>
                                <a href=routes::staff_patient(&p.id)>{p.name}</a>
                                {p.is_test.then(|| view! { " "<strong class="nhsuk-tag nhsuk-tag--purple">{tr!(staff.test_patient_tag)}</strong> })}
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
        <PageTitle heading=tr!(staff.test_patients.heading) />
        <StaffNav username=view.username.clone() />
        <h1>{tr!(staff.test_patients.heading)}</h1>
        <p>{tr!(staff.test_patients.intro)}</p>
        <a class="nhsuk-button" data-module="nhsuk-button" href=routes::NEW_TEST_PATIENT role="button" draggable="false">
            {tr!(staff.test_patients.set_up_link)}
        </a>
        {if view.patients.is_empty() {
            view! { <p>{tr!(staff.test_patients.none)}</p> }.into_any()
        } else {
            view! { <PatientTable caption=tr!(staff.test_patients.caption) rows=view.patients /> }.into_any()
        }}
    }
}

/// The record access levels a test patient can have, in the page's language.
fn access_choices() -> Vec<RadioChoice> {
    let choice = |value, label| RadioChoice {
        value,
        label,
        hint: None,
    };
    vec![
        choice("none", tr!(staff.new_test_patient.access_none)),
        choice("summary", tr!(staff.new_test_patient.access_summary)),
        choice("dcr", tr!(staff.new_test_patient.access_dcr)),
        choice("full", tr!(staff.new_test_patient.access_full)),
    ]
}

/// How the date the record is visible from is decided, in the page's language.
fn rule_choices() -> Vec<RadioChoice> {
    vec![
        RadioChoice {
            value: "practice_set",
            label: tr!(staff.new_test_patient.rule_practice_set),
            hint: Some(tr!(staff.new_test_patient.rule_practice_set_hint)),
        },
        RadioChoice {
            value: "joined",
            label: tr!(staff.new_test_patient.rule_joined),
            hint: None,
        },
        RadioChoice {
            value: "requested",
            label: tr!(staff.new_test_patient.rule_requested),
            hint: None,
        },
    ]
}

fn service_label(service: OnlineService) -> &'static str {
    match service {
        OnlineService::Appointments => tr!(staff.new_test_patient.service_appointments),
        OnlineService::RepeatPrescriptions => tr!(staff.new_test_patient.service_prescriptions),
        OnlineService::HealthRecord => tr!(staff.new_test_patient.service_record),
        OnlineService::Messages => tr!(staff.new_test_patient.service_messages),
    }
}

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
                        <span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(common.error_prefix))}</span>{message}
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
    let heading = tr!(staff.new_test_patient.heading);
    let values = view.values.clone();
    let errors = view.errors.clone();
    view! {
        <PageTitle heading=error_title(heading, &errors) />
        <StaffNav username=view.username.clone() />
        <BackLink href=routes::TEST_PATIENTS />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=errors.clone() />
                <h1>{heading}</h1>
                <form method="post" action=routes::NEW_TEST_PATIENT novalidate>
                    <div class=if errors.for_field("practice").is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" }>
                        <label class="nhsuk-label nhsuk-label--s" for="practice">{tr!(staff.practice)}</label>
                        {errors.for_field("practice").map(|m| view! { <span class="nhsuk-error-message" id="practice-error"><span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(common.error_prefix))}</span>{m}</span> })}
                        <select class="nhsuk-select" id="practice" name="practice">
                            {view.practices.iter().map(|(code, name)| {
                                let selected = values.practice == *code;
                                view! { <option value=code.clone() selected=selected>{format!("{name} ({code})")}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <TextInput id="given-name" name="given_name" label=tr!(staff.new_test_patient.first_name) value=values.given_name.clone() error=errors.for_field("given-name") width_class="nhsuk-input--width-20" autocomplete="off" />
                    <TextInput id="family-name" name="family_name" label=tr!(staff.new_test_patient.last_name) value=values.family_name.clone() error=errors.for_field("family-name") width_class="nhsuk-input--width-20" autocomplete="off" />
                    <DateInput id="date-of-birth" name_prefix="date_of_birth" legend=tr!(staff.date_of_birth) hint=tr!(staff.new_test_patient.dob_hint) day=values.dob.0.clone() month=values.dob.1.clone() year=values.dob.2.clone() error=errors.for_field("date-of-birth") />
                    <TextInput
                        id="nhs-number"
                        name="nhs_number"
                        label=tr!(staff.nhs_number)
                        hint=tr!(staff.new_test_patient.nhs_number_hint)
                        value=values.nhs_number.clone()
                        error=errors.for_field("nhs-number")
                        width_class="nhsuk-input--width-10"
                        autocomplete="off"
                        numeric=true
                    />
                    <SmallRadios id="access" name="access" legend=tr!(staff.new_test_patient.access_legend) choices=access_choices() selected=values.access.clone() error=errors.for_field("access") />
                    <SmallRadios id="rule" name="rule" legend=tr!(staff.new_test_patient.rule_legend) choices=rule_choices() selected=values.rule.clone() error=errors.for_field("rule") />
                    <DateInput id="visible-from" name_prefix="visible_from" legend=tr!(staff.new_test_patient.visible_from_legend) hint=tr!(staff.new_test_patient.visible_from_hint) day=values.visible_from.0.clone() month=values.visible_from.1.clone() year=values.visible_from.2.clone() error=errors.for_field("visible-from") />
                    <div class="nhsuk-form-group">
                        <fieldset class="nhsuk-fieldset">
                            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{tr!(staff.new_test_patient.services_legend)}</legend>
                            <div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes">
                                {OnlineService::ALL.into_iter().map(|service| {
                                    let value = service.form_value();
                                    let id = format!("service-{value}");
                                    let checked = values.services.iter().any(|s| s == value);
                                    view! {
                                        <div class="nhsuk-checkboxes__item">
                                            <input class="nhsuk-checkboxes__input" id=id.clone() name="services" type="checkbox" value=value checked=checked />
                                            <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{service_label(service)}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </div>
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">{tr!(staff.new_test_patient.button)}</button>
                </form>
            </div>
        </div>
    }
}

// ----- find a patient and the patient page -----------------------------------------------------

#[component]
pub fn FindPatientPage() -> impl IntoView {
    let view = server_view::<FindPatientView>();
    let heading = tr!(staff.find.heading);
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <ErrorSummary errors=view.errors.clone() />
        <h1>{heading}</h1>
        <form method="get" action=routes::FIND_PATIENT novalidate>
            <TextInput id="nhs-number" name="nhs_number" label=tr!(staff.nhs_number) hint=tr!(staff.find.hint) value=view.query.clone() error=view.errors.for_field("nhs-number") width_class="nhsuk-input--width-10" autocomplete="off" numeric=true />
            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">{tr!(staff.find.button)}</button>
        </form>
        {view.results.map(|rows| if rows.is_empty() {
            view! { <p>{tr!(staff.find.none)}</p> }.into_any()
        } else {
            view! { <PatientTable caption=tr!(staff.find.caption) rows /> }.into_any()
        })}
    }
}

#[component]
pub fn StaffPatientPage() -> impl IntoView {
    let view = server_view::<StaffPatientView>();
    let action = if view.is_emis {
        tr!(staff.reset_linkage_key)
    } else {
        tr!(staff.issue_passphrase)
    };
    view! {
        <PageTitle heading=view.name.clone() />
        <StaffNav username=view.username.clone() />
        <h1>
            {view.name.clone()}
            {view.is_test.then(|| view! { " "<strong class="nhsuk-tag nhsuk-tag--purple">{tr!(staff.test_patient_tag)}</strong> })}
        </h1>
        <dl class="nhsuk-summary-list">
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{tr!(staff.nhs_number)}</dt><dd class="nhsuk-summary-list__value">{view.nhs_number.clone()}</dd></div>
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{tr!(staff.date_of_birth)}</dt><dd class="nhsuk-summary-list__value">{view.date_of_birth.clone()}</dd></div>
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{tr!(staff.practice)}</dt><dd class="nhsuk-summary-list__value">{format!("{} ({})", view.practice, view.clinical_system)}</dd></div>
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{tr!(staff.account_id)}</dt><dd class="nhsuk-summary-list__value">{view.account_id.clone().unwrap_or_else(|| tr!(staff.patient_page.no_account).to_owned())}</dd></div>
            <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{tr!(staff.pin_document)}</dt><dd class="nhsuk-summary-list__value">{view.document.clone().unwrap_or_else(|| tr!(staff.patient_page.no_document).to_owned())}</dd></div>
        </dl>
        <div class="nhsuk-button-group">
            <a class="nhsuk-button" data-module="nhsuk-button" href=routes::staff_reissue(&view.id) role="button" draggable="false">{action}</a>
            {view.is_test.then(|| view! {
                <a class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" href=routes::staff_preview_start(&view.id) role="button" draggable="false">{tr!(staff.patient_page.preview_button)}</a>
            })}
        </div>
    }
}

#[component]
pub fn ReissuePage() -> impl IntoView {
    let view = server_view::<ReissueView>();
    let heading = if view.is_emis {
        tr!(staff.reset_linkage_key)
    } else {
        tr!(staff.issue_passphrase)
    };
    let choices = crate::domain::IdentityCheck::ALL
        .into_iter()
        .map(|c| RadioChoice {
            value: c.code(),
            label: identity_check_label(c),
            hint: None,
        })
        .collect::<Vec<_>>();
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=routes::staff_patient(&view.id)>{tr!(common.back)}</a>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=view.errors.clone() />
                <span class="nhsuk-caption-l">{tr!(staff.reissue.caption, action = heading, name = view.name.clone())}</span>
                <form method="post" action=routes::staff_reissue(&view.id) novalidate>
                    <Radios
                        id="identity-check"
                        name="identity_check"
                        heading=tr!(staff.reissue.question)
                        hint=tr!(staff.reissue.hint)
                        choices
                        selected=view.selected.clone()
                        error=view.errors.for_field("identity-check")
                    />
                    <div class="nhsuk-warning-callout">
                        <h3 class="nhsuk-warning-callout__label">
                            <span role="text"><span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(staff.important))}</span>{tr!(staff.reissue.warning_heading)}</span>
                        </h3>
                        <p>{tr!(staff.reissue.warning_text)}</p>
                    </div>
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">{tr!(staff.reissue.button)}</button>
                </form>
            </div>
        </div>
    }
}

/// How the patient's identity was checked, in the page's language.
fn identity_check_label(check: crate::domain::IdentityCheck) -> &'static str {
    use crate::domain::IdentityCheck;
    match check {
        IdentityCheck::PhotoId => tr!(staff.reissue.photo_id),
        IdentityCheck::ProofOfAddress => tr!(staff.reissue.proof_of_address),
        IdentityCheck::KnownToPractice => tr!(staff.reissue.known_to_practice),
    }
}

// ----- the printed PIN document ----------------------------------------------------------------

/// A heading or label of the printed document: "ID Cyfrif / Account ID" on a bilingual
/// document, else in the page's language.
macro_rules! printed_label {
    ($bilingual:expr, $($key:tt)+) => {
        if $bilingual {
            view! {
                <span lang="cy">{td_string!(Locale::cy, $($key)+)}</span>
                " / "
                <span lang="en">{td_string!(Locale::en, $($key)+)}</span>
            }
            .into_any()
        } else {
            tr!($($key)+).into_any()
        }
    };
}

/// A sentence of the printed document: on a bilingual document the Welsh, then the English on
/// the next line; else in the page's language.
macro_rules! printed_text {
    ($bilingual:expr, $($key:tt)+) => {
        if $bilingual {
            view! {
                <span lang="cy">{td_string!(Locale::cy, $($key)+)}</span>
                <br />
                <span lang="en">{td_string!(Locale::en, $($key)+)}</span>
            }
            .into_any()
        } else {
            tr!($($key)+).into_any()
        }
    };
}

/// A date of the printed document, in both languages on a bilingual one.
fn printed_date(bilingual: bool, date: Date) -> AnyView {
    if bilingual {
        view! {
            <span lang="cy">{long_date(date, Locale::cy)}</span>
            " / "
            <span lang="en">{long_date(date, Locale::en)}</span>
        }
        .into_any()
    } else {
        long_date(date, crate::language::locale()).into_any()
    }
}

#[component]
pub fn PrintPage() -> impl IntoView {
    match server_view::<PrintView>() {
        PrintView::AlreadyShown => view! {
            <PageTitle heading=tr!(staff.print.already_shown_heading) />
            <h1>{tr!(staff.print.already_shown_heading)}</h1>
            <p>{tr!(staff.print.already_shown_once)}</p>
            <p>{tr!(staff.print.already_shown_again)}</p>
            <p><a href=routes::FIND_PATIENT>{tr!(staff.print.find_patient)}</a></p>
        }
        .into_any(),
        PrintView::Shown(document) => {
            let PrintedDocument {
                practice_name,
                ods_code,
                account_id,
                secret,
                printed_on,
                expires_on,
                is_emis,
                bilingual,
                qr_svg,
                reset_url,
                patient_id,
            } = *document;
            let shown_once = if is_emis {
                tr!(staff.print.shown_once_linkage_key)
            } else {
                tr!(staff.print.shown_once_passphrase)
            };
            let secret_label = if is_emis {
                printed_label!(bilingual, staff.print.linkage_key)
            } else {
                printed_label!(bilingual, staff.print.one_time_passphrase)
            };
            view! {
                <PageTitle heading=tr!(staff.pin_document) />
                <div class="relink-no-print">
                    <a class="nhsuk-back-link" href=routes::staff_patient(&patient_id)>{tr!(staff.print.back)}</a>
                    <div class="nhsuk-warning-callout">
                        <h2 class="nhsuk-warning-callout__label">
                            <span role="text"><span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(staff.important))}</span>{tr!(staff.print.print_now)}</span>
                        </h2>
                        <p>{shown_once}</p>
                    </div>
                    <p>{tr!(staff.print.how_to_print)}</p>
                    <PrintButton>{tr!(staff.print.print_button)}</PrintButton>
                </div>
                <article class="relink-pin-document" aria-labelledby="pin-document-heading">
                    <h1 id="pin-document-heading">{printed_label!(bilingual, staff.print.document_heading)}</h1>
                    <p class="nhsuk-lede-text">{practice_name.clone()}</p>
                    <dl class="nhsuk-summary-list">
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{printed_label!(bilingual, staff.print.ods_code)}</dt><dd class="nhsuk-summary-list__value"><code>{ods_code}</code></dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{printed_label!(bilingual, staff.account_id)}</dt><dd class="nhsuk-summary-list__value"><code>{account_id}</code></dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{secret_label}</dt><dd class="nhsuk-summary-list__value"><code class="relink-pin-secret">{secret}</code></dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{printed_label!(bilingual, staff.print.date_printed)}</dt><dd class="nhsuk-summary-list__value">{printed_date(bilingual, printed_on)}</dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{printed_label!(bilingual, staff.print.use_by)}</dt><dd class="nhsuk-summary-list__value">{printed_date(bilingual, expires_on)}</dd></div>
                    </dl>
                    <h2>{printed_label!(bilingual, staff.print.how_heading)}</h2>
                    {if is_emis {
                        view! {
                            <ol>
                                <li>{printed_text!(bilingual, staff.print.emis_step_1)}</li>
                                <li>{printed_text!(bilingual, staff.print.emis_step_2)}</li>
                            </ol>
                        }.into_any()
                    } else {
                        view! {
                            <ol>
                                <li>{printed_text!(bilingual, staff.print.tpp_step_1, url = &reset_url)}</li>
                                <li>{printed_text!(bilingual, staff.print.tpp_step_2)}</li>
                                <li>{printed_text!(bilingual, staff.print.tpp_step_3)}</li>
                            </ol>
                        }.into_any()
                    }}
                    <p>{printed_text!(bilingual, staff.print.keep_private)}</p>
                    <div class="relink-qr" inner_html=qr_svg></div>
                </article>
            }
            .into_any()
        }
    }
}

// ----- preview ---------------------------------------------------------------------------------

#[component]
pub fn PreviewStartPage() -> impl IntoView {
    let view = server_view::<PreviewStartView>();
    let heading = tr!(staff.preview_start.heading);
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=routes::staff_patient(&view.id)>{tr!(common.back)}</a>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=view.errors.clone() />
                <span class="nhsuk-caption-l">{tr!(staff.preview_start.caption, name = view.name.clone())}</span>
                <h1>{heading}</h1>
                <p>{tr!(staff.preview_start.intro)}</p>
                <form method="post" action=routes::staff_preview_start(&view.id) novalidate>
                    <TextInput id="reason" name="reason" label=tr!(staff.preview_start.reason) hint=tr!(staff.preview_start.reason_hint) value=view.reason.clone() error=view.errors.for_field("reason") autocomplete="off" />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">{tr!(staff.preview_start.button)}</button>
                </form>
            </div>
        </div>
    }
}

#[component]
pub fn PreviewPage() -> impl IntoView {
    match server_view::<PreviewView>() {
        PreviewView::Ended => view! {
            <PageTitle heading=tr!(staff.preview.ended_heading) />
            <h1>{tr!(staff.preview.ended_heading)}</h1>
            <p>{tr!(staff.preview.ended_text)}</p>
            <p><a href=routes::TEST_PATIENTS>{tr!(staff.test_patients.heading)}</a></p>
        }
        .into_any(),
        PreviewView::Live { username, preview_id, patient_id, patient_name, ends_at, summary } => view! {
            <PageTitle heading=tr!(staff.preview.heading) />
            <div class="relink-preview-banner" role="region" aria-label=tr!(staff.preview.heading)>
                <p>
                    <strong class="nhsuk-tag nhsuk-tag--purple">{tr!(staff.preview.heading)}</strong>
                    {format!(" {}", tr!(staff.preview.banner, name = patient_name, ends_at = ends_at))}
                </p>
                <form method="post" action=format!("{}/end", routes::staff_preview(&preview_id))>
                    <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" data-module="nhsuk-button" type="submit">{tr!(staff.preview.end_button)}</button>
                </form>
            </div>
            <StaffNav username />
            <h1>{tr!(common.your_account)}</h1>
            <fieldset class="relink-preview" disabled>
                <legend class="nhsuk-u-visually-hidden">{tr!(staff.preview.read_only)}</legend>
                <AccountDetails summary=*summary />
            </fieldset>
            <p><a href=routes::staff_patient(&patient_id)>{tr!(staff.preview.back)}</a></p>
        }
        .into_any(),
    }
}

// ----- what needs attention: the lists ---------------------------------------------------------

#[component]
pub fn RequestsPage() -> impl IntoView {
    let view = server_view::<RequestsView>();
    view! {
        <PageTitle heading=tr!(staff.requests.heading) />
        <StaffNav username=view.username.clone() />
        <h1>{tr!(staff.requests.heading)}</h1>
        <p>{tr!(staff.requests.intro)}</p>
        {if view.rows.is_empty() {
            view! { <p>{tr!(staff.requests.none)}</p> }.into_any()
        } else {
            view! {
                <table class="nhsuk-table">
                    <caption class="nhsuk-table__caption">{tr!(staff.requests.caption)}</caption>
                    <thead class="nhsuk-table__head">
                        <tr>
                            <th scope="col">{tr!(staff.requests.reference)}</th>
                            <th scope="col">{tr!(staff.patient)}</th>
                            <th scope="col">{tr!(staff.requests.requested)}</th>
                            <th scope="col">{tr!(staff.requests.status)}</th>
                        </tr>
                    </thead>
                    <tbody class="nhsuk-table__body">
                        {view.rows.into_iter().map(|r| view! {
                            <tr>
                                <td>{r.reference}</td>
                                <td><a href=routes::staff_patient(&r.patient_id)>{r.name}</a><br />{r.nhs_number}</td>
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

#[component]
pub fn MismatchesPage() -> impl IntoView {
    let view = server_view::<MismatchesView>();
    view! {
        <PageTitle heading=tr!(staff.mismatches.heading) />
        <StaffNav username=view.username.clone() />
        <h1>{tr!(staff.mismatches.heading)}</h1>
        <p>{tr!(staff.mismatches.intro)}</p>
        {if view.rows.is_empty() {
            view! { <p>{tr!(staff.mismatches.none)}</p> }.into_any()
        } else {
            view! {
                <table class="nhsuk-table">
                    <caption class="nhsuk-table__caption">{tr!(staff.mismatches.caption)}</caption>
                    <thead class="nhsuk-table__head">
                        <tr>
                            <th scope="col">{tr!(staff.nhs_number)}</th>
                            <th scope="col">{tr!(staff.mismatches.field)}</th>
                            <th scope="col">{tr!(staff.mismatches.clinical_system)}</th>
                            <th scope="col">{tr!(staff.mismatches.pds)}</th>
                            <th scope="col">{tr!(staff.mismatches.who_fixes)}</th>
                        </tr>
                    </thead>
                    <tbody class="nhsuk-table__body">
                        {view.rows.into_iter().map(|r| view! {
                            <tr>
                                <td><a href=routes::staff_patient(&r.patient_id)>{r.nhs_number}</a></td>
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

#[component]
pub fn AuditPage() -> impl IntoView {
    let view = server_view::<AuditView>();
    let link = |page: i64| {
        format!(
            "{}?patient={}&kind={}&page={page}",
            routes::AUDIT,
            view.patient,
            view.kind
        )
    };
    let (previous, next) = (
        (view.page > 0).then(|| link(view.page - 1)),
        view.more.then(|| link(view.page + 1)),
    );
    view! {
        <PageTitle heading=tr!(staff.audit.heading) />
        <StaffNav username=view.username.clone() />
        <h1>{tr!(staff.audit.heading)}</h1>
        <form method="get" action=routes::AUDIT class="relink-filter" novalidate>
            <TextInput id="patient" name="patient" label=tr!(staff.audit.patient_filter) value=view.patient.clone() width_class="nhsuk-input--width-20" autocomplete="off" />
            <div class="nhsuk-form-group">
                <label class="nhsuk-label nhsuk-label--s" for="kind">{tr!(staff.audit.event)}</label>
                <select class="nhsuk-select" id="kind" name="kind">
                    <option value="" selected=view.kind.is_empty()>{tr!(staff.audit.all_events)}</option>
                    {view.kinds.iter().map(|k| view! { <option value=k.clone() selected=*k == view.kind>{audit_kind_label(k)}</option> }).collect_view()}
                </select>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit">{tr!(staff.audit.filter)}</button>
        </form>
        {if view.rows.is_empty() {
            view! { <p>{tr!(staff.audit.none)}</p> }.into_any()
        } else {
            view! {
                <table class="nhsuk-table">
                    <caption class="nhsuk-table__caption">{tr!(staff.audit.caption, page = view.page + 1)}</caption>
                    <thead class="nhsuk-table__head">
                        <tr>
                            <th scope="col">{tr!(staff.audit.when)}</th>
                            <th scope="col">{tr!(staff.audit.event)}</th>
                            <th scope="col">{tr!(staff.audit.by)}</th>
                            <th scope="col">{tr!(staff.patient)}</th>
                            <th scope="col">{tr!(staff.audit.detail)}</th>
                        </tr>
                    </thead>
                    <tbody class="nhsuk-table__body">
                        {view.rows.into_iter().map(|r| view! {
                            <tr>
                                <td>{r.when}</td>
                                <td>{audit_kind_label(&r.kind)}</td>
                                <td>{r.actor}</td>
                                <td>{r.patient_id.map(|p| view! { <a href=routes::staff_patient(&p)>{p.clone()}</a> })}</td>
                                // Details are stored as they were written, in English: marked so
                                // that screen readers read them with an English voice.
                                <td lang="en-GB">{r.detail}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <nav class="nhsuk-pagination" role="navigation" aria-label=tr!(staff.audit.pages)>
            <ul class="nhsuk-list nhsuk-pagination__list">
                {previous.map(|href| view! { <li class="nhsuk-pagination-item--previous"><a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href=href><span class="nhsuk-pagination__title">{tr!(staff.audit.previous)}</span></a></li> })}
                {next.map(|href| view! { <li class="nhsuk-pagination-item--next"><a class="nhsuk-pagination__link nhsuk-pagination__link--next" href=href><span class="nhsuk-pagination__title">{tr!(staff.audit.next)}</span></a></li> })}
            </ul>
        </nav>
    }
}

/// What an audit event's kind (a code kept in the database) says to staff, in their language.
/// An unknown code shows as it is.
fn audit_kind_label(kind: &str) -> String {
    let label: &str = match kind {
        "demo_seeded" => tr!(staff.audit.kinds.demo_seeded),
        "pin_verification_failed" => tr!(staff.audit.kinds.pin_verification_failed),
        "pin_lockout" => tr!(staff.audit.kinds.pin_lockout),
        "pin_expired_seen" => tr!(staff.audit.kinds.pin_expired_seen),
        "pin_used_seen" => tr!(staff.audit.kinds.pin_used_seen),
        "passphrase_reset" => tr!(staff.audit.kinds.passphrase_reset),
        "signed_in" => tr!(staff.audit.kinds.signed_in),
        "sign_in_failed" => tr!(staff.audit.kinds.sign_in_failed),
        "signed_out" => tr!(staff.audit.kinds.signed_out),
        "replacement_identity_failed" => tr!(staff.audit.kinds.replacement_identity_failed),
        "replacement_lockout" => tr!(staff.audit.kinds.replacement_lockout),
        "replacement_refused" => tr!(staff.audit.kinds.replacement_refused),
        "security_code_sent" => tr!(staff.audit.kinds.security_code_sent),
        "security_code_failed" => tr!(staff.audit.kinds.security_code_failed),
        "account_replaced" => tr!(staff.audit.kinds.account_replaced),
        "staff_added" => tr!(staff.audit.kinds.staff_added),
        "staff_signed_in" => tr!(staff.audit.kinds.staff_signed_in),
        "staff_sign_in_failed" => tr!(staff.audit.kinds.staff_sign_in_failed),
        "staff_signed_out" => tr!(staff.audit.kinds.staff_signed_out),
        "test_patient_created" => tr!(staff.audit.kinds.test_patient_created),
        "preview_started" => tr!(staff.audit.kinds.preview_started),
        "preview_ended" => tr!(staff.audit.kinds.preview_ended),
        "pin_document_issued" => tr!(staff.audit.kinds.pin_document_issued),
        "sign_in_lockout" => tr!(staff.audit.kinds.sign_in_lockout),
        "staff_sign_in_lockout" => tr!(staff.audit.kinds.staff_sign_in_lockout),
        "status_lookup_lockout" => tr!(staff.audit.kinds.status_lookup_lockout),
        "client_lockout" => tr!(staff.audit.kinds.client_lockout),
        other => other,
    };
    label.to_owned()
}
