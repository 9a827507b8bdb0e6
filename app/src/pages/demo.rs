//! `/demo`: the made-up details a new user can try every journey with. Exists in demo mode only.

use crate::components::nhsuk::{Card, Size};
use leptos::prelude::*;

use crate::components::form::{SummaryListOf, SummaryListRow};

use crate::components::layout::{is_demo, PageTitle};
use crate::demo::{
    DemoPinState, DEMO_PATIENTS, DEMO_PRACTICES, DEMO_TEST_PATIENT, EXPIRED_DEMO_PRINTED_DAYS_AGO,
};
use crate::language::{locale, long_date};
use crate::pages::not_found::NotFound;
use crate::tr;
use crate::views::demo::{DemoView, MailboxView};
use crate::views::page::server_view;
use crate::views::routes;

#[component]
pub fn DemoPage() -> impl IntoView {
    if !is_demo() {
        return NotFound().into_any();
    }
    let demo = server_view::<DemoView>();
    let practice_name = |ods: &str| {
        DEMO_PRACTICES
            .iter()
            .find(|(code, _, _)| *code == ods)
            .map(|(_, name, system)| format!("{name} ({})", system.display_name()))
            .unwrap_or_default()
    };
    let rows = DEMO_PATIENTS
        .iter()
        .map(|p| {
            let state = match p.pin_state {
                DemoPinState::Valid => tr!(demo.pin_documents.valid).to_owned(),
                DemoPinState::Expired => tr!(demo.pin_documents.expired, count = EXPIRED_DEMO_PRINTED_DAYS_AGO),
                DemoPinState::Used => tr!(demo.pin_documents.used).to_owned(),
            };
            let dob = long_date(p.date_of_birth, locale());
            let nhs = spaced(p.nhs_number);
            let cell = |heading: &'static str, value: AnyView| {
                view! {
                    <td role="cell" class="nhsuk-table__cell">
                        <span class="nhsuk-table-responsive__heading" aria-hidden="true">{format!("{heading} ")}</span>
                        {value}
                    </td>
                }
            };
            view! {
                <tr role="row" class="nhsuk-table__row">
                    {cell(tr!(demo.pin_documents.account_id), p.account_id.into_any())}
                    {cell(tr!(demo.pin_documents.practice), view! { {p.practice_ods}<br />{practice_name(p.practice_ods)} }.into_any())}
                    {cell(tr!(demo.pin_documents.passphrase), view! { <code>{p.pin_passphrase}</code> }.into_any())}
                    {cell(tr!(demo.pin_documents.date_of_birth), dob.into_any())}
                    {cell(tr!(demo.pin_documents.nhs_number), nhs.into_any())}
                    {cell(tr!(demo.pin_documents.state), state.into_any())}
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle heading=tr!(demo.heading) />
        <h1>{tr!(demo.heading)}</h1>
        <p class="nhsuk-lede-text">{tr!(demo.lede)}</p>
        <p>{tr!(demo.reissued)}</p>
        <h2>{tr!(demo.sign_in.heading)}</h2>
        {DEMO_PATIENTS
            .iter()
            .filter_map(|p| p.passphrase.map(|passphrase| (p, passphrase)))
            .map(|(p, passphrase)| {
                view! {
                    <p>
                        {tr!(demo.sign_in.before)}
                        <strong>{p.account_id}</strong>
                        {tr!(demo.sign_in.ods_code)}
                        <strong>{p.practice_ods}</strong>
                        {tr!(demo.sign_in.passphrase)}
                        <code>{passphrase}</code>
                        {tr!(demo.sign_in.after)}
                    </p>
                }
            })
            .collect_view()}
        <p>
            <a href=routes::SIGN_IN>{tr!(demo.sign_in.link)}</a>
        </p>
        <h2>{tr!(demo.staff.heading)}</h2>
        <p>
            {tr!(demo.staff.before)}
            <a href=routes::STAFF_SIGN_IN>{tr!(demo.staff.link)}</a>
            {tr!(demo.staff.after)}
        </p>
        <p>{tr!(demo.staff.second_factor)}</p>
        <SummaryListOf>
            <SummaryListRow key=tr!(demo.staff.secret)><code>{demo.staff_secret.clone()}</code></SummaryListRow>
            <SummaryListRow key=tr!(demo.staff.code)>
                    <strong class="relink-demo-code" data-testid="demo-staff-code">{demo.staff_code.clone()}</strong>
                    " "
                    {tr!(demo.staff.code_changes, count = demo.seconds_left)}
                </SummaryListRow>
        </SummaryListOf>
        <ul>
            {crate::demo::DEMO_STAFF
                .iter()
                .map(|(username, password, ods)| view! {
                    <li>
                        {tr!(demo.staff.username)}
                        <strong>{*username}</strong>
                        {tr!(demo.staff.password)}
                        <code>{*password}</code>
                        {format!(" ({ods})")}
                    </li>
                })
                .collect_view()}
            <li>
                {tr!(demo.staff.username)}
                <strong>{crate::demo::DEMO_ADMIN.0}</strong>
                {tr!(demo.staff.password)}
                <code>{crate::demo::DEMO_ADMIN.1}</code>
                {tr!(demo.staff.admin)}
            </li>
        </ul>
        <TestPatientSection />
        <h2>{tr!(demo.replace.heading)}</h2>
        <p>
            {tr!(demo.replace.before)}
            <a href=routes::REPLACE>{tr!(demo.replace.link)}</a>
            {tr!(demo.replace.middle)}
            <a href=routes::MAILBOX>{tr!(demo.replace.mailbox_link)}</a>
            {tr!(demo.replace.after)}
        </p>
        <ul>
            {DEMO_PATIENTS
                .iter()
                .filter_map(|p| p.last_used_days_ago.map(|days| (p, days)))
                .map(|(p, days)| {
                    let nhs = spaced(p.nhs_number);
                    let outcome = if days > crate::domain::replacement::RECENT_USE_DAYS {
                        tr!(demo.replace.can_replace, count = days)
                    } else {
                        tr!(demo.replace.too_recent, count = days)
                    };
                    view! {
                        <li>
                            {format!("{} {}{}", p.given_name, p.family_name, tr!(demo.replace.nhs_number))}
                            <strong>{nhs}</strong>
                            {tr!(demo.replace.date_of_birth)}
                            <strong>{long_date(p.date_of_birth, locale())}</strong>
                            {tr!(demo.replace.postcode)}
                            <strong>{p.postcode}</strong>
                            {format!(" – {outcome}.")}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <h2>{tr!(demo.pin_documents.heading)}</h2>
        <table role="table" class="nhsuk-table-responsive">
            <caption class="nhsuk-table__caption">{tr!(demo.pin_documents.caption)}</caption>
            <thead role="rowgroup" class="nhsuk-table__head">
                <tr role="row">
                    <th role="columnheader" scope="col">{tr!(demo.pin_documents.account_id)}</th>
                    <th role="columnheader" scope="col">{tr!(demo.pin_documents.practice)}</th>
                    <th role="columnheader" scope="col">{tr!(demo.pin_documents.passphrase)}</th>
                    <th role="columnheader" scope="col">{tr!(demo.pin_documents.date_of_birth)}</th>
                    <th role="columnheader" scope="col">{tr!(demo.pin_documents.nhs_number)}</th>
                    <th role="columnheader" scope="col">{tr!(demo.pin_documents.state)}</th>
                </tr>
            </thead>
            <tbody class="nhsuk-table__body">{rows}</tbody>
        </table>
        <h2>{tr!(demo.import.heading)}</h2>
        <p>
            {tr!(demo.import.before)}
            <a href=SAMPLE_IMPORT_FILE download="sample-patients.csv">{tr!(demo.import.link)}</a>
            {tr!(demo.import.after)}
            <a href=routes::IMPORTS>{tr!(demo.import.page_link)}</a>
            {tr!(demo.import.end)}
        </p>
    }
    .into_any()
}

/// An NHS number as people read it: `999 000 0107`.
fn spaced(nhs_number: &str) -> String {
    format!(
        "{} {} {}",
        &nhs_number[..3],
        &nhs_number[3..6],
        &nhs_number[6..]
    )
}

/// The demo test patient: who they are, which staff member to sign in as, and a link straight
/// to their preview. The staff area sends anyone not signed in to sign-in and then to its home
/// page (it keeps no return path), so the steps also say how to get from there to the preview.
#[component]
fn TestPatientSection() -> impl IntoView {
    let patient = DEMO_TEST_PATIENT;
    let (username, password) = patient.staff();
    let name = format!("{} {}", patient.given_name, patient.family_name);
    let practice = DEMO_PRACTICES
        .iter()
        .find(|(code, _, _)| *code == patient.practice_ods)
        .map(|(code, name, _)| format!("{name} ({code})"))
        .unwrap_or_default();
    let about = tr!(
        demo.test_patient.about,
        name = name.as_str(),
        practice = practice,
        nhs_number = spaced(patient.nhs_number),
        date_of_birth = long_date(patient.date_of_birth, locale())
    );
    view! {
        <h2 id="test-patient">{tr!(demo.test_patient.heading)}</h2>
        <p>{about}</p>
        <ol class="nhsuk-list nhsuk-list--number">
            <li>
                <a href=routes::STAFF_SIGN_IN>{tr!(demo.test_patient.sign_in_link)}</a>
                {tr!(demo.test_patient.sign_in_as)}
                <strong>{username}</strong>
                {tr!(demo.test_patient.sign_in_password)}
                <code>{password}</code>
                "."
            </li>
            <li>
                <a href=routes::staff_preview_start(patient.id) data-testid="demo-test-patient-preview">
                    {tr!(demo.test_patient.preview_link, name = name.as_str())}
                </a>
                {tr!(demo.test_patient.preview_after)}
            </li>
        </ol>
        <p>{tr!(demo.test_patient.signed_out, name = name.as_str())}</p>
    }
}

/// The demo's sample import: 50 made-up patients, three of them with a deliberate mistake
/// (a wrong check digit on line 14, 30 February on line 29, no family name on line 43).
pub const SAMPLE_IMPORT_FILE: &str = "/assets/demo/sample-patients.csv";

/// `/demo/mailbox`: the emails the demo "sent", so every journey can be tried without email.
#[component]
pub fn MailboxPage() -> impl IntoView {
    if !is_demo() {
        return NotFound().into_any();
    }
    let MailboxView { messages } = server_view::<MailboxView>();
    view! {
        <PageTitle heading=tr!(demo.mailbox.heading) />
        <h1>{tr!(demo.mailbox.heading)}</h1>
        <p class="nhsuk-lede-text">{tr!(demo.mailbox.lede)}</p>
        {if messages.is_empty() {
            view! { <p>{tr!(demo.mailbox.none)}</p> }.into_any()
        } else {
            messages
                .into_iter()
                .map(|m| {
                    view! {
                        <Card heading=m.subject heading_size=Size::M>
                            <p class="nhsuk-body-s">{tr!(demo.mailbox.to, to = m.to, status = if m.delivered { tr!(replace.mailbox.delivered) } else { tr!(replace.mailbox.waiting) })}</p>
                            <pre class="relink-email-body">{m.body}</pre>
                        </Card>
                    }
                })
                .collect_view()
                .into_any()
        }}
    }
    .into_any()
}
