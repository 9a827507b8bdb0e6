//! The lists of what needs attention: replacement requests, and GP record and PDS mismatches.

use leptos::prelude::*;

use super::StaffNav;
use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{MismatchesView, RequestsView};

/// The member's practices' replacement requests.
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

/// The fields on which the GP record and PDS disagree, and who fixes each.
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
