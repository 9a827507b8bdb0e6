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
            view! {
                <tr class="nhsuk-table__row">
                    <td class="nhsuk-table__cell">{p.account_id}</td>
                    <td class="nhsuk-table__cell">{p.practice_ods}<br />{practice_name(p.practice_ods)}</td>
                    <td class="nhsuk-table__cell"><code>{p.pin_passphrase}</code></td>
                    <td class="nhsuk-table__cell">{dob}</td>
                    <td class="nhsuk-table__cell">{nhs}</td>
                    <td class="nhsuk-table__cell">{state}</td>
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
        <div class="nhsuk-table-container">
            <table class="nhsuk-table">
                <caption class="nhsuk-table__caption">"Demo PIN documents"</caption>
                <thead class="nhsuk-table__head">
                    <tr class="nhsuk-table__row">
                        <th scope="col" class="nhsuk-table__header">"Account ID"</th>
                        <th scope="col" class="nhsuk-table__header">"ODS code and practice"</th>
                        <th scope="col" class="nhsuk-table__header">"Passphrase from PIN document"</th>
                        <th scope="col" class="nhsuk-table__header">"Date of birth"</th>
                        <th scope="col" class="nhsuk-table__header">"NHS number"</th>
                        <th scope="col" class="nhsuk-table__header">"PIN document"</th>
                    </tr>
                </thead>
                <tbody class="nhsuk-table__body">{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
