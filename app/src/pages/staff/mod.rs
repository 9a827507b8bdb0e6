//! The staff area: sign in, test patients and their preview, PIN document reissue with a
//! print-ready document, and what needs the practice's attention. Staff use desktop browsers;
//! the pages are the same NHS components as the patients' pages. One module per part of the
//! staff journey, as the server's `server::staff` has; shared pieces live here.

pub mod attention;
pub mod audit;
pub mod auth;
pub mod imports;
pub mod lists;
pub mod members;
pub mod patients;
pub mod pin_documents;
pub mod practices;
pub mod preview;
pub mod registration;
pub mod second_factor;
pub mod test_patients;

use crate::components::nhsuk::{
    Button, ButtonVariant, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag,
    TagColour,
};
use leptos::prelude::*;

use crate::components::layout::TableScroll;

use crate::tr;
use crate::views::routes;
use crate::views::staff::{PatientRow, StaffNavFacts};

/// The staff navigation and sign-out, at the top of every signed-in staff page. The
/// administrators' pages are linked for administrators only (the renderer says who is one).
#[component]
fn StaffNav(username: String) -> impl IntoView {
    let is_admin = use_context::<StaffNavFacts>().is_some_and(|facts| facts.is_admin);
    view! {
        <nav class="relink-staff-nav" aria-label=tr!(staff.nav.label)>
            <ul class="nhsuk-list relink-inline-list">
                <li><a href=routes::STAFF_HOME>{tr!(staff.home.heading)}</a></li>
                <li><a href=routes::TEST_PATIENTS>{tr!(staff.test_patients.heading)}</a></li>
                <li><a href=routes::FIND_PATIENT>{tr!(staff.find.heading)}</a></li>
                <li><a href=routes::IMPORTS>{tr!(staff.imports.heading)}</a></li>
                <li><a href=routes::AUDIT>{tr!(staff.audit.heading)}</a></li>
                {is_admin.then(|| view! {
                    <li><a href=routes::PRACTICES>{tr!(staff.practices.heading)}</a></li>
                    <li><a href=routes::STAFF_MEMBERS>{tr!(staff.members.heading)}</a></li>
                })}
            </ul>
            <form method="post" action=routes::STAFF_SIGN_OUT class="relink-inline-form">
                <span class="nhsuk-body-s">{format!("{} ", tr!(staff.nav.signed_in_as, username = username))}</span>
                <Button variant=ButtonVariant::Secondary small=true>
                    {tr!(common.sign_out)}
                </Button>
            </form>
        </nav>
    }
}

/// A table of patients, each linking to their page; test patients are tagged.
#[component]
fn PatientTable(caption: &'static str, rows: Vec<PatientRow>) -> impl IntoView {
    view! {
        <TableScroll label=(caption).to_string()><Table caption=caption>
            <TableHead>
                    <TableHeader>{tr!(staff.name)}</TableHeader>
                    <TableHeader>{tr!(staff.nhs_number)}</TableHeader>
                    <TableHeader>{tr!(staff.practice)}</TableHeader>
                </TableHead>
            <TableBody>
                {rows
                    .into_iter()
                    .map(|p| view! {
                        <TableRow>
                            <TableCell>
                                <a href=routes::staff_patient(&p.id)>{p.name}</a>
                                {p.is_test.then(|| view! { " "<Tag text=tr!(staff.test_patient_tag) colour=TagColour::Purple /> })}
                            </TableCell>
                            <TableCell>{p.nhs_number}</TableCell>
                            <TableCell>{p.practice_ods}</TableCell>
                        </TableRow>
                    })
                    .collect_view()}
            </TableBody>
        </Table></TableScroll>
    }
}
