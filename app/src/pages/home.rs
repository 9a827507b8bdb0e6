//! `/`: the start page.

use crate::components::nhsuk::ButtonLink;
use leptos::prelude::*;

use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::routes;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageTitle heading=tr!(common.service_name) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{tr!(common.service_name)}</h1>
                <p class="nhsuk-lede-text">{tr!(home.lede)}</p>
                <p>{tr!(home.you_can)}</p>
                <ul>
                    <li>{tr!(home.can_reset)}</li>
                    <li>{tr!(home.can_replace)}</li>
                </ul>
                <h2>{tr!(home.before_heading)}</h2>
                <p>{tr!(home.before_pin)}</p>
                <p>{tr!(home.pin_rule)}</p>
                <ButtonLink href=routes::RESET>
                    {tr!(home.reset_button)}
                </ButtonLink>
                <h2>{tr!(home.cannot_heading)}</h2>
                <p>
                    <a href=routes::CANNOT_SIGN_IN>{tr!(home.cannot_link)}</a>
                    {tr!(home.cannot_rest)}
                </p>
                <h2>{tr!(home.sign_in_heading)}</h2>
                <p>
                    <a href=routes::SIGN_IN>{tr!(home.sign_in_link)}</a>
                    {tr!(home.sign_in_rest)}
                </p>
                <h2>{tr!(home.staff_heading)}</h2>
                <p>{tr!(home.staff_text)}</p>
            </div>
        </div>
    }
}
