//! The lists of what needs attention: replacement requests, and GP record and PDS mismatches.

use crate::components::nhsuk::{Table, TableBody, TableCell, TableHead, TableHeader, TableRow};
use leptos::prelude::*;

use crate::components::layout::TableScroll;

use super::StaffNav;
use crate::components::layout::PageTitle;
use crate::domain::{DemographicField, FixedBy, Recorded, ReplacementState};
use crate::language::{locale, long_date};
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
                <TableScroll label=(tr!(staff.requests.caption)).to_string()><Table caption=tr!(staff.requests.caption)>
                    <TableHead>
                            <TableHeader>{tr!(staff.requests.reference)}</TableHeader>
                            <TableHeader>{tr!(staff.patient)}</TableHeader>
                            <TableHeader>{tr!(staff.requests.requested)}</TableHeader>
                            <TableHeader>{tr!(staff.requests.status)}</TableHeader>
                        </TableHead>
                    <TableBody>
                        {view.rows.into_iter().map(|r| view! {
                            <TableRow>
                                <TableCell>{r.reference}</TableCell>
                                <TableCell><a href=routes::staff_patient(&r.patient_id)>{r.name}</a><br />{r.nhs_number}</TableCell>
                                <TableCell>{long_date(r.requested_on, locale())}</TableCell>
                                <TableCell>{match r.state {
                                    ReplacementState::Pending => tr!(staff.requests.waiting),
                                    ReplacementState::Cancelled => tr!(staff.requests.cancelled),
                                    ReplacementState::Completed => tr!(staff.requests.complete),
                                }}</TableCell>
                            </TableRow>
                        }).collect_view()}
                    </TableBody>
                </Table></TableScroll>
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
                <TableScroll label=(tr!(staff.mismatches.caption)).to_string()><Table caption=tr!(staff.mismatches.caption)>
                    <TableHead>
                            <TableHeader>{tr!(staff.nhs_number)}</TableHeader>
                            <TableHeader>{tr!(staff.mismatches.field)}</TableHeader>
                            <TableHeader>{tr!(staff.mismatches.clinical_system)}</TableHeader>
                            <TableHeader>{tr!(staff.mismatches.pds)}</TableHeader>
                            <TableHeader>{tr!(staff.mismatches.who_fixes)}</TableHeader>
                        </TableHead>
                    <TableBody>
                        {view.rows.into_iter().map(|r| view! {
                            <TableRow>
                                <TableCell><a href=routes::staff_patient(&r.patient_id)>{r.nhs_number}</a></TableCell>
                                <TableCell>{field_name(r.field)}</TableCell>
                                <TableCell>{recorded(r.gp_record)}</TableCell>
                                <TableCell>{recorded(r.pds)}</TableCell>
                                <TableCell>{who_fixes(r.field.fixed_by())}</TableCell>
                            </TableRow>
                        }).collect_view()}
                    </TableBody>
                </Table></TableScroll>
            }.into_any()
        }}
    }
}

/// A demographic field's name, in the page's language.
fn field_name(field: DemographicField) -> &'static str {
    match field {
        DemographicField::GivenName => tr!(staff.mismatches.given_name),
        DemographicField::FamilyName => tr!(staff.mismatches.family_name),
        DemographicField::DateOfBirth => tr!(staff.date_of_birth),
        DemographicField::Address => tr!(staff.mismatches.address),
        DemographicField::Postcode => tr!(staff.mismatches.postcode),
    }
}

/// A value as a source holds it; dates in the page's language.
fn recorded(value: Recorded) -> String {
    match value {
        Recorded::Text(text) => text,
        Recorded::Date(date) => long_date(date, locale()),
    }
}

/// Who puts a difference right, and how.
fn who_fixes(fixed_by: FixedBy) -> &'static str {
    match fixed_by {
        FixedBy::Practice => tr!(staff.mismatches.practice_fixes),
        FixedBy::Pds => tr!(staff.mismatches.pds_fixes),
    }
}
