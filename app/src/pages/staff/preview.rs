//! Previewing a test patient: why, then their account page under the preview banner.

use crate::components::nhsuk::{Button, ButtonVariant, Tag, TagColour};
use leptos::prelude::*;

use super::StaffNav;
use crate::components::form::{ErrorSummary, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::pages::account::AccountDetails;
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{PreviewStartView, PreviewView};

/// The reason for the preview, asked before it starts.
#[component]
pub fn PreviewStartPage() -> impl IntoView {
    let view = server_view::<PreviewStartView>();
    let heading = tr!(staff.preview_start.heading);
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=routes::staff_patient(&view.id)>{tr!(common.back)}</a>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=view.errors.clone() />
                <span class="nhsuk-caption-l">{tr!(staff.preview_start.caption, name = view.name.clone())}</span>
                <h1>{heading}</h1>
                <p>{tr!(staff.preview_start.intro)}</p>
                <form method="post" action=routes::staff_preview_start(&view.id) novalidate>
                    <TextInput id="reason" name="reason" label=tr!(staff.preview_start.reason) hint=tr!(staff.preview_start.reason_hint) value=view.reason.clone() error=view.errors.for_field("reason") autocomplete="off" />
                    <Button>{tr!(staff.preview_start.button)}</Button>
                </form>
            </div>
        </div>
    }
}

/// The test patient's account page, read-only, under the preview banner; or "ended".
#[component]
pub fn PreviewPage() -> impl IntoView {
    match server_view::<PreviewView>() {
        PreviewView::Ended => view! {
            <PageTitle heading=tr!(staff.preview.ended_heading) />
            <h1>{tr!(staff.preview.ended_heading)}</h1>
            <p>{tr!(staff.preview.ended_text)}</p>
            <p><a href=routes::TEST_PATIENTS>{tr!(staff.test_patients.heading)}</a></p>
        }
        .into_any(),
        PreviewView::Live { username, preview_id, patient_id, patient_name, ends_at, summary } => view! {
            <PageTitle heading=tr!(staff.preview.heading) />
            <div class="relink-preview-banner" role="region" aria-label=tr!(staff.preview.heading)>
                <p>
                    <Tag text=tr!(staff.preview.heading) colour=TagColour::Purple />
                    {format!(" {}", tr!(staff.preview.banner, name = patient_name, ends_at = ends_at))}
                </p>
                <form method="post" action=routes::staff_preview_end(&preview_id)>
                    <Button variant=ButtonVariant::Secondary small=true>{tr!(staff.preview.end_button)}</Button>
                </form>
            </div>
            <StaffNav username />
            <h1>{tr!(common.your_account)}</h1>
            <fieldset class="relink-preview" disabled>
                <legend class="nhsuk-u-visually-hidden">{tr!(staff.preview.read_only)}</legend>
                <AccountDetails summary=*summary />
            </fieldset>
            <p><a href=routes::staff_patient(&patient_id)>{tr!(staff.preview.back)}</a></p>
        }
        .into_any(),
    }
}
