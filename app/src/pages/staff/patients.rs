//! Finding a patient by NHS number, and the patient page.

use leptos::prelude::*;

use super::{PatientTable, StaffNav};
use crate::components::form::{ErrorSummary, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{FindPatientView, StaffPatientView};

/// The NHS number search and, once searched, what it found.
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

/// A patient's details, account and PIN document, and what staff can do for them.
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
