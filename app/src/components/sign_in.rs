//! What the patients' and the staff's sign-in pages share: the page title ("Error: …" when the
//! form has problems), the error summary, the note after signing out, and the heading, around
//! each page's own form.

use crate::components::nhsuk::InsetText;
use leptos::prelude::*;

use crate::components::form::ErrorSummary;
use crate::components::layout::{error_title, PageTitle};
use crate::tr;
use crate::views::form::FormErrors;

/// "You have been signed out. For your security, we sign you out if you do not use this
/// service for 15 minutes.": what a sign-in page says after a session ended unused.
pub fn session_ended_note(minutes: u64) -> String {
    let duration = crate::language::minutes(minutes, crate::language::locale());
    tr!(common.timeout.signed_out, duration = duration).to_string()
}

/// A sign-in page: `summary` lists the form's problems; `signed_out` is the note shown after
/// signing out (`None` otherwise); the form and any links are the children.
#[component]
pub fn SignInFrame(
    heading: &'static str,
    summary: FormErrors,
    signed_out: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <PageTitle heading=error_title(heading, &summary) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=summary />
                {signed_out.map(|note| view! {
                    <InsetText>
                        <p>{note}</p>
                    </InsetText>
                })}
                <h1>{heading}</h1>
                {children()}
            </div>
        </div>
    }
}
