//! "Register for online services": a patient of the practice with no online account gets
//! their record access, the date it is visible from and their services, after an identity
//! check; then their first PIN document is printed.

use crate::components::nhsuk::{Button, ButtonVariant, CalloutText, WarningCallout};
use leptos::prelude::*;

use super::test_patients::{AccessSettingsFields, SmallRadios};
use super::StaffNav;
use crate::components::form::{ErrorSummary, RadioChoice};
use crate::components::layout::{error_title, PageTitle};
use crate::tr;
use crate::views::form::FormErrors;
use crate::views::page::{kept_value, server_view};
use crate::views::routes;
use crate::views::staff::{AccessChangeView, EndAccessView, RegisterView};

/// The registration form.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let view = server_view::<RegisterView>();
    let heading = tr!(staff.register.heading);
    let identity_choices = crate::domain::IdentityCheck::ALL
        .into_iter()
        .map(|c| RadioChoice {
            value: c.code(),
            label: super::pin_documents::identity_check_label(c),
            hint: None,
        })
        .collect::<Vec<_>>();
    let document = if view.is_emis {
        tr!(staff.register.first_document_emis)
    } else {
        tr!(staff.register.first_document)
    };
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=routes::staff_patient(&view.id)>{tr!(common.back)}</a>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=view.errors.clone() />
                <span class="nhsuk-caption-l">{view.name.clone()}</span>
                <form method="post" action=routes::staff_register(&view.id) novalidate>
                    <h1>{heading}</h1>
                    <p>{tr!(staff.register.intro)}</p>
                    <AccessSettingsFields access=view.settings.access.clone() rule=view.settings.rule.clone() visible_from=view.settings.visible_from.clone() services=view.settings.services.clone() errors=view.errors.clone() />
                    <SmallRadios
                        id="identity-check"
                        name="identity_check"
                        legend=tr!(staff.reissue.question)
                        choices=identity_choices
                        selected=view.identity_check.clone()
                        error=view.errors.for_field("identity-check")
                    />
                    <p>{document}</p>
                    <Button>{tr!(staff.register.button)}</Button>
                </form>
            </div>
        </div>
    }
}

/// "Change record access or services" for a registered patient, with the reason.
#[component]
pub fn ChangeAccessPage() -> impl IntoView {
    let view = server_view::<AccessChangeView>();
    let heading = tr!(staff.access_change.heading);
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=routes::staff_patient(&view.id)>{tr!(common.back)}</a>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=view.errors.clone() />
                <span class="nhsuk-caption-l">{view.name.clone()}</span>
                <form method="post" action=routes::staff_access(&view.id) novalidate>
                    <h1>{heading}</h1>
                    <p>{tr!(staff.access_change.intro)}</p>
                    <AccessSettingsFields access=view.settings.access.clone() rule=view.settings.rule.clone() visible_from=view.settings.visible_from.clone() services=view.settings.services.clone() errors=view.errors.clone() />
                    <ReasonField label=tr!(staff.access_change.reason_label) hint=tr!(staff.access_change.reason_hint) value=view.reason.clone() errors=view.errors.clone() />
                    <Button>{tr!(staff.access_change.button)}</Button>
                </form>
            </div>
        </div>
    }
}

/// "End online access" for a patient who left the practice: what stops working, what is kept,
/// and the reason for the audit log.
#[component]
pub fn EndAccessPage() -> impl IntoView {
    let view = server_view::<EndAccessView>();
    let heading = tr!(staff.end_access.heading);
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=routes::staff_patient(&view.id)>{tr!(common.back)}</a>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=view.errors.clone() />
                <span class="nhsuk-caption-l">{view.name.clone()}</span>
                <form method="post" action=routes::staff_end_access(&view.id) novalidate>
                    <h1>{heading}</h1>
                    <WarningCallout heading=heading>
                        <CalloutText>{tr!(staff.end_access.intro, account_id = view.account_id.clone())}</CalloutText>
                    </WarningCallout>
                    <p>{tr!(staff.end_access.kept)}</p>
                    <ReasonField label=tr!(staff.end_access.reason_label) hint=tr!(staff.end_access.reason_hint) value=view.reason.clone() errors=view.errors.clone() />
                    <Button variant=ButtonVariant::Warning>{tr!(staff.end_access.button)}</Button>
                </form>
            </div>
        </div>
    }
}

/// The reason a change is made, for the audit log: a labelled textarea with its hint and error.
#[component]
fn ReasonField(
    label: &'static str,
    hint: &'static str,
    value: String,
    errors: FormErrors,
) -> impl IntoView {
    let value = kept_value("reason").unwrap_or(value);
    let reason_error = errors.for_field("reason");
    let (group, describedby) = if reason_error.is_some() {
        (
            "nhsuk-form-group nhsuk-form-group--error",
            "reason-hint reason-error",
        )
    } else {
        ("nhsuk-form-group", "reason-hint")
    };
    view! {
        <div class=group>
            <label class="nhsuk-label nhsuk-label--s" for="reason">{label}</label>
            <div class="nhsuk-hint" id="reason-hint">{hint}</div>
            {reason_error.map(|m| view! { <span class="nhsuk-error-message" id="reason-error"><span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(common.error_prefix))}</span>{m}</span> })}
            <textarea class="nhsuk-textarea" id="reason" name="reason" rows="3" aria-describedby=describedby>{value}</textarea>
        </div>
    }
}
