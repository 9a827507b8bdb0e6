//! The staff home page: what needs the practice's attention.

use leptos::prelude::*;

use super::StaffNav;
use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::StaffHomeView;

/// The member's practices and a card for each list that needs attention, with its count.
#[component]
pub fn StaffHomePage() -> impl IntoView {
    let view = server_view::<StaffHomeView>();
    view! {
        <PageTitle heading=tr!(staff.home.heading) />
        <StaffNav username=view.username.clone() />
        <h1>{tr!(staff.home.heading)}</h1>
        <p>{tr!(staff.home.practices, list = view.practices.join(", "))}</p>
        <ul class="nhsuk-grid-row nhsuk-card-group">
            <AttentionCard
                href=routes::REQUESTS
                heading=tr!(staff.requests.heading)
                text=tr!(staff.home.requests_count, number = view.requests)
            />
            <AttentionCard
                href=routes::MISMATCHES
                heading=tr!(staff.mismatches.heading)
                text=tr!(staff.home.mismatches_count, number = view.mismatches)
            />
            <AttentionCard
                href=routes::TEST_PATIENTS
                heading=tr!(staff.test_patients.heading)
                text=tr!(staff.home.test_patients_count, number = view.test_patients)
            />
        </ul>
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
