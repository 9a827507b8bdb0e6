//! Shown for any address Relink does not know, with a 404 status.

use leptos::prelude::*;

use crate::components::layout::PageTitle;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle heading="Page not found" />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>"Page not found"</h1>
                <p>"If you typed the web address, check it is correct."</p>
                <p>"If you pasted the web address, check you copied the entire address."</p>
                <p>
                    <a href="/">"Go to the start page"</a>
                </p>
            </div>
        </div>
    }
}
