//! `/replace-account/check-answers` and `/replace-account/done`: the answers before the
//! replacement, and its confirmation with the reference.

use crate::components::nhsuk::{Button, Panel};
use leptos::prelude::*;

use super::JourneyEnded;
use crate::components::form::{BackLink, SummaryList};
use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::page::server_view;
use crate::views::replacement::{CheckView, ReplaceDoneView};
use crate::views::routes;

/// The answers, and the button that requests the replacement.
#[component]
pub fn CheckAnswersPage() -> impl IntoView {
    match server_view::<CheckView>() {
        CheckView::JourneyEnded => view! { <JourneyEnded /> }.into_any(),
        CheckView::Ready { rows } => view! {
            <PageTitle heading=tr!(replace.check.heading) />
            <BackLink href=routes::REPLACE_CODE />
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <h1>{tr!(replace.check.heading)}</h1>
                    <SummaryList rows />
                    <h2>{tr!(replace.check.what_happens)}</h2>
                    <ul>
                        <li>{tr!(replace.check.new_account)}</li>
                        <li>{tr!(replace.check.marked)}</li>
                        <li>{tr!(replace.check.moves)}</li>
                        <li>{tr!(replace.check.signed_out)}</li>
                    </ul>
                    <form method="post" action=routes::REPLACE_CHECK novalidate>
                        <Button>
                            {tr!(replace.check.request)}
                        </Button>
                    </form>
                </div>
            </div>
        }
        .into_any(),
    }
}

/// The confirmation: the reference, and what happens next.
#[component]
pub fn ReplaceDonePage() -> impl IntoView {
    let ReplaceDoneView { reference, email } = server_view::<ReplaceDoneView>();
    view! {
        <PageTitle heading=tr!(replace.done.heading) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <Panel heading=tr!(replace.done.heading)>
                    {tr!(replace.done.reference)}<br />
                    <strong>{reference}</strong>
                </Panel>
                <p>{tr!(replace.done.sent, email = email)}</p>
                <h2>{tr!(replace.done.next_heading)}</h2>
                <p>{tr!(replace.done.passphrase)}</p>
                <p>
                    {tr!(replace.done.pin_before)}
                    <a href=routes::REPLACE_ACTIVATE>{tr!(replace.done.pin_link)}</a>
                    {tr!(replace.done.pin_after)}
                </p>
                <p>{tr!(replace.done.ask)}</p>
                <p>
                    {tr!(replace.done.status_before)}
                    <a href=routes::REPLACE_STATUS>{tr!(replace.done.status_link)}</a>
                    {tr!(replace.done.status_after)}
                </p>
            </div>
        </div>
    }
}
