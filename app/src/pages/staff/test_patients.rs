//! Test patients: the list, and the form that sets one up.

use crate::components::nhsuk::{Button, ButtonLink};
use leptos::prelude::*;

use super::{PatientTable, StaffNav};
use crate::components::form::{
    BackLink, CheckboxChoice, Checkboxes, DateInput, ErrorSummary, RadioChoice, Select,
    SelectOption, TextInput,
};
use crate::components::layout::{error_title, PageTitle};
use crate::domain::{OnlineService, VisibleFromRule};
use crate::tr;
use crate::views::page::{kept_value, server_view};
use crate::views::routes;
use crate::views::staff::{NewTestPatientView, TestPatientsView};

/// The member's practices' test patients, and the way to set up another.
#[component]
pub fn TestPatientsPage() -> impl IntoView {
    let view = server_view::<TestPatientsView>();
    view! {
        <PageTitle heading=tr!(staff.test_patients.heading) />
        <StaffNav username=view.username.clone() />
        <h1>{tr!(staff.test_patients.heading)}</h1>
        <p>{tr!(staff.test_patients.intro)}</p>
        <ButtonLink href=routes::NEW_TEST_PATIENT>
            {tr!(staff.test_patients.set_up_link)}
        </ButtonLink>
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
            value: VisibleFromRule::PracticeSetDate.code(),
            label: tr!(staff.new_test_patient.rule_practice_set),
            hint: None,
        },
        RadioChoice {
            value: VisibleFromRule::JoinedPractice.code(),
            label: tr!(staff.new_test_patient.rule_joined),
            hint: None,
        },
        RadioChoice {
            value: VisibleFromRule::RequestedAccess.code(),
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

/// A question asked only for one answer of a radio question: nhsuk's conditional reveal. The
/// content sits under that answer, hidden by nhsuk-frontend's script (it adds the page's
/// `nhsuk-frontend-supported` class, which alone makes `nhsuk-radios__conditional--hidden`
/// hide anything) until the answer is chosen, so without JavaScript it is always shown.
pub struct Reveal {
    /// The value of the answer that reveals the content.
    pub value: &'static str,
    pub content: AnyView,
}

/// Small radios under a small legend: one question of several on a page (the page has its own
/// heading). Each answer's hint is tied to its input; `reveal` puts a follow-up question under
/// one answer, shown from the start when that answer is the selected one (a problem with the
/// follow-up is then in view).
#[component]
pub(super) fn SmallRadios(
    id: &'static str,
    name: &'static str,
    legend: &'static str,
    choices: Vec<RadioChoice>,
    selected: String,
    error: Option<String>,
    #[prop(optional)] reveal: Option<Reveal>,
) -> impl IntoView {
    let group = if error.is_some() {
        "nhsuk-form-group nhsuk-form-group--error"
    } else {
        "nhsuk-form-group"
    };
    let error_id = format!("{id}-error");
    let describedby = error.as_ref().map(|_| error_id.clone());
    let selected = kept_value(name).unwrap_or(selected);
    let mut reveal = reveal;
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
                        let hint_id = c.hint.map(|_| format!("{input_id}-item-hint"));
                        let checked = selected == c.value;
                        let conditional = reveal.take_if(|r| r.value == c.value).map(|r| {
                            let class = if checked {
                                "nhsuk-radios__conditional"
                            } else {
                                "nhsuk-radios__conditional nhsuk-radios__conditional--hidden"
                            };
                            (format!("conditional-{input_id}"), class, r.content)
                        });
                        let controls = conditional.as_ref().map(|(conditional_id, ..)| conditional_id.clone());
                        view! {
                            <div class="nhsuk-radios__item">
                                <input class="nhsuk-radios__input" id=input_id.clone() name=name type="radio" value=c.value checked=checked data-aria-controls=controls aria-describedby=hint_id.clone() />
                                <label class="nhsuk-label nhsuk-radios__label" for=input_id>{c.label}</label>
                                {c.hint.map(|h| view! { <div class="nhsuk-hint nhsuk-radios__hint" id=hint_id>{h}</div> })}
                            </div>
                            {conditional.map(|(conditional_id, class, content)| view! {
                                <div class=class id=conditional_id>{content}</div>
                            })}
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// The form that sets up a test patient.
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
                    <Select
                        id="practice"
                        name="practice"
                        label=tr!(staff.practice)
                        error=errors.for_field("practice")
                        options=practice_options(&view.practices)
                        selected=values.practice.clone()
                    />
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
                    <AccessSettingsFields access=values.access.clone() rule=values.rule.clone() visible_from=values.visible_from.clone() services=values.services.clone() errors=errors.clone() />
                    <Button>{tr!(staff.new_test_patient.button)}</Button>
                </form>
            </div>
        </div>
    }
}

/// The record access level, the "visible from" rule and date, and the services: what setting
/// up a test patient and registering a patient for online services both ask.
#[component]
pub(super) fn AccessSettingsFields(
    access: String,
    rule: String,
    visible_from: (String, String, String),
    services: Vec<String>,
    errors: crate::views::form::FormErrors,
) -> impl IntoView {
    let values = (access, rule, visible_from, services);
    view! {
                    <SmallRadios id="access" name="access" legend=tr!(staff.new_test_patient.access_legend) choices=access_choices() selected=values.0.clone() error=errors.for_field("access") />
                    <SmallRadios
                        id="rule"
                        name="rule"
                        legend=tr!(staff.new_test_patient.rule_legend)
                        choices=rule_choices()
                        selected=values.1.clone()
                        error=errors.for_field("rule")
                        reveal=Reveal {
                            // The date is asked only when the practice sets it.
                            value: VisibleFromRule::PracticeSetDate.code(),
                            content: view! {
                                <DateInput id="visible-from" name_prefix="visible_from" legend=tr!(staff.new_test_patient.visible_from_legend) hint=tr!(staff.new_test_patient.visible_from_hint) day=values.2.0.clone() month=values.2.1.clone() year=values.2.2.clone() error=errors.for_field("visible-from") />
                            }
                            .into_any(),
                        }
                    />
                    <Checkboxes
                        id="services"
                        name="services"
                        legend=tr!(staff.new_test_patient.services_legend)
                        small=true
                        choices=OnlineService::ALL
                            .into_iter()
                            .map(|service| CheckboxChoice {
                                value: service.form_value().to_owned(),
                                label: service_label(service).to_owned(),
                                checked: values.3.iter().any(|s| s == service.form_value()),
                            })
                            .collect()
                    />
    }
}

/// The practices a member may choose, as a select's options: "Name (ODS code)".
pub(super) fn practice_options(practices: &[(String, String)]) -> Vec<SelectOption> {
    practices
        .iter()
        .map(|(code, name)| SelectOption {
            value: code.clone(),
            text: format!("{name} ({code})"),
        })
        .collect()
}
