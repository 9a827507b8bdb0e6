//! `/replace-account/email`: the new email address.

use crate::components::nhsuk::Button;
use leptos::prelude::*;

use super::JourneyEnded;
use crate::components::form::{BackLink, ErrorSummary, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::tr;
use crate::views::page::server_view;
use crate::views::replacement::EmailView;
use crate::views::routes;

/// The new email address form.
#[component]
pub fn ReplaceEmailPage() -> impl IntoView {
    match server_view::<EmailView>() {
        EmailView::JourneyEnded => view! { <JourneyEnded /> }.into_any(),
        EmailView::EndedWith { email } => view! { <JourneyEnded typed_email=email /> }.into_any(),
        EmailView::Ready { value, errors } => {
            let heading = tr!(replace.email.heading);
            view! {
                <PageTitle heading=error_title(heading, &errors) />
                <BackLink href=routes::REPLACE />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=errors.clone() />
                        <h1>{heading}</h1>
                        <p>{tr!(replace.email.intro)}</p>
                        <form method="post" action=routes::REPLACE_EMAIL novalidate>
                            <TextInput
                                id="email"
                                name="email"
                                label=tr!(replace.email.label)
                                hint=tr!(replace.email.hint)
                                value=value
                                error=errors.for_field("email")
                                input_type="email"
                                autocomplete="email"
                                spellcheck_off=true
                            />
                            <Button>
                                {tr!(replace.email.send)}
                            </Button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
    }
}
