//! `/demo`: the made-up details a new user can try every journey with. Exists in demo mode only.

use leptos::prelude::*;

use crate::components::layout::{is_demo, PageTitle};
use crate::demo::{DemoPinState, DEMO_PATIENTS, DEMO_PRACTICES, EXPIRED_DEMO_PRINTED_DAYS_AGO};
use crate::domain::format_long_date;
use crate::pages::not_found::NotFound;

#[component]
pub fn DemoPage() -> impl IntoView {
    if !is_demo() {
        return NotFound().into_any();
    }
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
                DemoPinState::Valid => "Valid: printed today".to_owned(),
                DemoPinState::Expired => format!("Expired: printed {EXPIRED_DEMO_PRINTED_DAYS_AGO} days ago"),
                DemoPinState::Used => "Already used".to_owned(),
            };
            let dob = format_long_date(p.date_of_birth);
            let nhs = format!("{} {} {}", &p.nhs_number[..3], &p.nhs_number[3..6], &p.nhs_number[6..]);
            let cell = |heading: &'static str, value: AnyView| {
                view! {
                    <td role="cell" class="nhsuk-table__cell">
                        <span class="nhsuk-table-responsive__heading" aria-hidden="true">{heading}" "</span>
                        {value}
                    </td>
                }
            };
            view! {
                <tr role="row" class="nhsuk-table__row">
                    {cell("Account ID", p.account_id.into_any())}
                    {cell("ODS code and practice", view! { {p.practice_ods}<br />{practice_name(p.practice_ods)} }.into_any())}
                    {cell("Passphrase from PIN document", view! { <code>{p.pin_passphrase}</code> }.into_any())}
                    {cell("Date of birth", dob.into_any())}
                    {cell("NHS number", nhs.into_any())}
                    {cell("PIN document", state.into_any())}
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle heading="Demo details" />
        <h1>"Demo details"</h1>
        <p class="nhsuk-lede-text">
            "This demonstration has made-up practices and patients. Use these details to try each journey."
        </p>
        <p>"PIN documents are issued again, in the state shown, every time the demo server starts."</p>
        <h2>"Sign in"</h2>
        {DEMO_PATIENTS
            .iter()
            .filter_map(|p| p.passphrase.map(|passphrase| (p, passphrase)))
            .map(|(p, passphrase)| {
                view! {
                    <p>
                        "To try signing in and seeing your account, use Account ID "
                        <strong>{p.account_id}</strong>
                        ", ODS code "
                        <strong>{p.practice_ods}</strong>
                        " and the passphrase "
                        <code>{passphrase}</code>
                        ". Their surname is different on the NHS Spine, so the account page shows a mismatch."
                    </p>
                }
            })
            .collect_view()}
        <p>
            <a href="/sign-in">"Sign in"</a>
        </p>
        <h2>"Staff area"</h2>
        <p>"Practice staff "<a href="/staff/sign-in">"sign in to the staff area"</a>" to set up test patients, preview what they see, and print new PIN documents. Each sees only their own practice."</p>
        <ul>
            {crate::demo::DEMO_STAFF
                .iter()
                .map(|(username, password, ods)| view! {
                    <li>"Username "<strong>{*username}</strong>", password "<code>{*password}</code>{format!(" ({ods})")}</li>
                })
                .collect_view()}
        </ul>
        <h2>"Replace an account"</h2>
        <p>"These patients have lost the email address behind their account. Enter their details on the "<a href="/replace-account">"replace your account"</a>" page. The security code email arrives in the "<a href="/demo/mailbox">"demo mailbox"</a>"."</p>
        <ul>
            {DEMO_PATIENTS
                .iter()
                .filter_map(|p| p.last_used_days_ago.map(|days| (p, days)))
                .map(|(p, days)| {
                    let nhs = format!("{} {} {}", &p.nhs_number[..3], &p.nhs_number[3..6], &p.nhs_number[6..]);
                    let outcome = if days > crate::domain::replacement::RECENT_USE_DAYS {
                        format!("last used {days} days ago, so the account can be replaced")
                    } else {
                        format!("last used {days} days ago, so they are told to sign in and change their email address instead")
                    };
                    view! {
                        <li>
                            {format!("{} {}: NHS number ", p.given_name, p.family_name)}
                            <strong>{nhs}</strong>
                            ", date of birth "
                            <strong>{format_long_date(p.date_of_birth)}</strong>
                            ", postcode "
                            <strong>{p.postcode}</strong>
                            {format!(" – {outcome}.")}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <h2>"PIN documents"</h2>
        <table role="table" class="nhsuk-table-responsive">
            <caption class="nhsuk-table__caption">"Demo PIN documents"</caption>
            <thead role="rowgroup" class="nhsuk-table__head">
                <tr role="row">
                    <th role="columnheader" scope="col">"Account ID"</th>
                    <th role="columnheader" scope="col">"ODS code and practice"</th>
                    <th role="columnheader" scope="col">"Passphrase from PIN document"</th>
                    <th role="columnheader" scope="col">"Date of birth"</th>
                    <th role="columnheader" scope="col">"NHS number"</th>
                    <th role="columnheader" scope="col">"PIN document"</th>
                </tr>
            </thead>
            <tbody class="nhsuk-table__body">{rows}</tbody>
        </table>
    }
    .into_any()
}

/// One message as the demo mailbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MailboxItem {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: String,
}

/// What `/demo/mailbox` shows: the newest emails first.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MailboxView {
    pub messages: Vec<MailboxItem>,
}

pub const MAILBOX_PATH: &str = "/demo/mailbox";

/// `/demo/mailbox`: the emails the demo "sent", so every journey can be tried without email.
#[component]
pub fn MailboxPage() -> impl IntoView {
    if !is_demo() {
        return NotFound().into_any();
    }
    let MailboxView { messages } = crate::pages::reset_passphrase::server_view::<MailboxView>();
    view! {
        <PageTitle heading="Demo mailbox" />
        <h1>"Demo mailbox"</h1>
        <p class="nhsuk-lede-text">"Emails this demonstration has sent, newest first. No real email is sent in the demo."</p>
        {if messages.is_empty() {
            view! { <p>"No emails have been sent yet."</p> }.into_any()
        } else {
            messages
                .into_iter()
                .map(|m| {
                    view! {
                        <div class="nhsuk-card">
                            <div class="nhsuk-card__content">
                                <h2 class="nhsuk-card__heading nhsuk-heading-m">{m.subject}</h2>
                                <p class="nhsuk-body-s">{format!("To: {} – {}", m.to, m.status)}</p>
                                <pre class="relink-email-body">{m.body}</pre>
                            </div>
                        </div>
                    }
                })
                .collect_view()
                .into_any()
        }}
    }
    .into_any()
}
