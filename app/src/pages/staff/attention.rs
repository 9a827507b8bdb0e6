//! The staff home page: what needs the practice's attention.

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
            <div class="nhsuk-warning-callout">
                <h2 class="nhsuk-warning-callout__label">
                    <span role="text">
                        <span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(staff.important))}</span>
                        {tr!(staff.home.alerts_heading)}
                    </span>
                </h2>
                <p>{tr!(staff.home.alerts_text, number = view.staff_sign_in_alerts.to_string())}</p>
                <p><a href=routes::AUDIT_SIGN_IN_ALERTS>{tr!(staff.home.alerts_link)}</a></p>
            </div>
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
                <TableScroll label=(tr!(staff.home.locked_caption)).to_string()><table class="nhsuk-table">
                    <caption class="nhsuk-table__caption">{tr!(staff.home.locked_caption)}</caption>
                    <thead class="nhsuk-table__head">
                        <tr>
                            <th scope="col">{tr!(staff.name)}</th>
                            <th scope="col">{tr!(staff.nhs_number)}</th>
                            <th scope="col">{tr!(staff.practice)}</th>
                            <th scope="col">{tr!(staff.home.locked_until)}</th>
                        </tr>
                    </thead>
                    <tbody class="nhsuk-table__body">
                        {rows.into_iter().map(|r| view! {
                            <tr>
                                <td><a href=routes::staff_patient(&r.patient_id)>{r.name}</a></td>
                                <td>{r.nhs_number}</td>
                                <td>{r.practice_ods}</td>
                                <td>{when(r.locked_until)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></TableScroll>
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
            <div class="nhsuk-card nhsuk-card--clickable">
                <div class="nhsuk-card__content">
                    <h2 class="nhsuk-card__heading nhsuk-heading-m">
                        <a class="nhsuk-card__link" href=href>{heading}</a>
                    </h2>
                    <p class="nhsuk-card__description">{text}</p>
                </div>
            </div>
        </li>
    }
}
