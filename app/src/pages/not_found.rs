//! Shown for any address Relink does not know, with a 404 status.

use leptos::prelude::*;

use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::routes;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <PageTitle heading=tr!(common.not_found_heading) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{tr!(common.not_found_heading)}</h1>
                <p>{tr!(common.not_found_typed)}</p>
                <p>{tr!(common.not_found_pasted)}</p>
                <p>
                    <a href=routes::HOME>{tr!(common.go_to_start)}</a>
                </p>
            </div>
        </div>
    }
}
