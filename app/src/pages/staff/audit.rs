//! The audit log of the member's practices.

use leptos::prelude::*;

use super::StaffNav;
use crate::components::form::TextInput;
use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::AuditView;

/// One page of the log, with its filters and the links to the pages either side.
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
        other => other,
    };
    label.to_owned()
}
