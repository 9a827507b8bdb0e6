//! `/replace-account/cancel`: the old account's owner, following the link in the notice sent
//! to the old address, cancels a pending replacement with one button.

use crate::components::nhsuk::{Button, ButtonVariant, Panel};
use leptos::prelude::*;

use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::page::server_view;
use crate::views::replacement::CancelView;
use crate::views::routes;

/// "Cancel this replacement", or what became of the request.
#[component]
pub fn CancelReplacementPage() -> impl IntoView {
    match server_view::<CancelView>() {
        CancelView::Confirm { reference, token } => view! {
            <PageTitle heading=tr!(replace.cancel.heading) />
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <h1>{tr!(replace.cancel.heading)}</h1>
                    <p>{tr!(replace.cancel.intro, reference = reference)}</p>
                    <p>{tr!(replace.cancel.if_you)}</p>
                    <p>{tr!(replace.cancel.if_not_you)}</p>
                    <form method="post" action=routes::REPLACE_CANCEL novalidate>
                        <input type="hidden" name="token" value=token />
                        <Button variant=ButtonVariant::Warning>
                            {tr!(replace.cancel.button)}
                        </Button>
                    </form>
                </div>
            </div>
        }
        .into_any(),
        CancelView::Cancelled => view! {
            <PageTitle heading=tr!(replace.cancel.done_heading) />
            <Panel heading=tr!(replace.cancel.done_heading) />
            <p>{tr!(replace.cancel.done_text)}</p>
            <p>{tr!(replace.cancel.done_contact)}</p>
        }
        .into_any(),
        CancelView::Completed => view! {
            <PageTitle heading=tr!(replace.cancel.completed_heading) />
            <h1>{tr!(replace.cancel.completed_heading)}</h1>
            <p>{tr!(replace.cancel.completed_text)}</p>
        }
        .into_any(),
        CancelView::Dead => view! {
            <PageTitle heading=tr!(replace.cancel.dead_heading) />
            <h1>{tr!(replace.cancel.dead_heading)}</h1>
            <p>{tr!(replace.cancel.dead_text)}</p>
        }
        .into_any(),
    }
}
