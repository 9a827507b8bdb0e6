//! The staff home page: what needs the practice's attention.

use crate::components::nhsuk::{
    Card, Size, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, WarningCallout,
};
use leptos::prelude::*;

use crate::components::layout::TableScroll;

use super::audit::when;
use super::StaffNav;
use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{DailyLockRow, StaffHomeView};

/// The member's practices, a card for each list that needs attention, with its count, and the
/// patients whose NHS number is locked for the day.
#[component]
pub fn StaffHomePage() -> impl IntoView {
    let view = server_view::<StaffHomeView>();
    view! {
        <PageTitle heading=tr!(staff.home.heading) />
        <StaffNav username=view.username.clone() />
        <h1>{tr!(staff.home.heading)}</h1>
        {(view.staff_sign_in_alerts > 0).then(|| view! {
            <WarningCallout heading=tr!(staff.home.alerts_heading) heading_level=2>
                <p>{tr!(staff.home.alerts_text, number = view.staff_sign_in_alerts.to_string())}</p>
                <p><a href=routes::AUDIT_SIGN_IN_ALERTS>{tr!(staff.home.alerts_link)}</a></p>
            </WarningCallout>
        })}
        <p>{tr!(staff.home.practices, list = view.practices.join(", "))}</p>
        <ul class="nhsuk-grid-row nhsuk-card-group">
            <AttentionCard
                href=routes::REQUESTS
                heading=tr!(staff.requests.heading)
                text=tr!(staff.home.requests_count, count = view.requests)
            />
            <AttentionCard
                href=routes::MISMATCHES
                heading=tr!(staff.mismatches.heading)
                text=tr!(staff.home.mismatches_count, count = view.mismatches)
            />
            <AttentionCard
                href=routes::TEST_PATIENTS
                heading=tr!(staff.test_patients.heading)
                text=tr!(staff.home.test_patients_count, count = view.test_patients)
            />
        </ul>
        <DailyLocks rows=view.daily_locks />
    }
}

/// The NHS numbers locked for the day, why, and what to do when the patient gets in touch;
/// each patient links to their page.
#[component]
fn DailyLocks(rows: Vec<DailyLockRow>) -> impl IntoView {
    view! {
        <h2>{tr!(staff.home.locked_heading)}</h2>
        <p>{tr!(staff.home.locked_intro)}</p>
        {if rows.is_empty() {
            view! { <p>{tr!(staff.home.locked_none)}</p> }.into_any()
        } else {
            view! {
                <TableScroll label=(tr!(staff.home.locked_caption)).to_string()><Table caption=tr!(staff.home.locked_caption)>
                    <TableHead>
                            <TableHeader>{tr!(staff.name)}</TableHeader>
                            <TableHeader>{tr!(staff.nhs_number)}</TableHeader>
                            <TableHeader>{tr!(staff.practice)}</TableHeader>
                            <TableHeader>{tr!(staff.home.locked_until)}</TableHeader>
                        </TableHead>
                    <TableBody>
                        {rows.into_iter().map(|r| view! {
                            <TableRow>
                                <TableCell><a href=routes::staff_patient(&r.patient_id)>{r.name}</a></TableCell>
                                <TableCell>{r.nhs_number}</TableCell>
                                <TableCell>{r.practice_ods}</TableCell>
                                <TableCell>{when(r.locked_until)}</TableCell>
                            </TableRow>
                        }).collect_view()}
                    </TableBody>
                </Table></TableScroll>
            }.into_any()
        }}
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
            <Card heading=heading heading_size=Size::M href=href description=text />
        </li>
    }
}
