//! `/replace-account/status`: a replacement's progress, for its reference and date of birth.

use crate::components::nhsuk::{Button, ButtonLink, Tag, TagColour};
use leptos::prelude::*;

use super::problem_message;
use crate::components::form::{BackLink, DateInput, ErrorSummary, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::domain::ReplacementState;
use crate::language::{locale, long_date};
use crate::tr;
use crate::views::page::server_view;
use crate::views::replacement::{RequestStatus, StatusView};
use crate::views::routes;

/// The status form, or the progress it found.
#[component]
pub fn ReplacementStatusPage() -> impl IntoView {
    match server_view::<StatusView>() {
        StatusView::Form {
            reference,
            dob,
            errors,
            problem,
        } => {
            let mut summary = errors.clone();
            if let Some(message) = problem_message(problem) {
                summary.add("reference", message);
            }
            let heading = tr!(replace.status.heading);
            view! {
                <PageTitle heading=error_title(heading, &summary) />
                <BackLink href=routes::REPLACE />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=summary />
                        <h1>{heading}</h1>
                        <form method="post" action=routes::REPLACE_STATUS novalidate>
                            <TextInput
                                id="reference"
                                name="reference"
                                label=tr!(replace.status.reference_label)
                                hint=tr!(replace.status.reference_hint)
                                value=reference
                                error=errors.for_field("reference")
                                width_class="nhsuk-input--width-10"
                                autocomplete="off"
                                spellcheck_off=true
                            />
                            <DateInput
                                id="date-of-birth"
                                name_prefix="date_of_birth"
                                legend=tr!(replace.dob_legend)
                                hint=tr!(replace.dob_hint)
                                day=dob.0
                                month=dob.1
                                year=dob.2
                                error=errors.for_field("date-of-birth")
                                autocomplete_bday=true
                            />
                            <Button>
                                {tr!(replace.status.button)}
                            </Button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
        StatusView::Found(status) => view! { <StatusFound status /> }.into_any(),
    }
}

/// A replacement's progress, step by step: requested, activated with a PIN document, old
/// account replaced; or cancelled.
#[component]
fn StatusFound(status: RequestStatus) -> impl IntoView {
    let requested_on = long_date(status.requested_on, locale());
    let decided_on = status
        .decided_on
        .map(|d| long_date(d, locale()))
        .unwrap_or_default();
    let (tag_class, tag_text) = match status.state {
        ReplacementState::Completed => (TagColour::Green, tr!(replace.status.complete)),
        ReplacementState::Pending => (TagColour::Blue, tr!(replace.status.in_progress)),
        ReplacementState::Cancelled => (TagColour::Grey, tr!(replace.status.cancelled)),
    };
    let body = if status.state == ReplacementState::Cancelled {
        view! {
            <p>{tr!(replace.status.cancelled_detail, date = &decided_on)}</p>
            <p><a href=routes::REPLACE>{tr!(replace.status.ask_again)}</a></p>
        }
        .into_any()
    } else {
        let completed = status.state == ReplacementState::Completed;
        let steps = [
            (
                tr!(replace.status.requested_title),
                true,
                tr!(replace.status.requested_detail, date = &requested_on),
            ),
            (
                tr!(replace.status.pin_title),
                completed,
                if completed {
                    tr!(replace.status.pin_done, date = &decided_on)
                } else {
                    tr!(replace.status.pin_ask).to_owned()
                },
            ),
            (
                tr!(replace.status.replaced_title),
                completed,
                if completed {
                    tr!(replace.status.replaced_detail).to_owned()
                } else {
                    tr!(replace.status.replaced_pending).to_owned()
                },
            ),
        ];
        view! {
            <ol class="nhsuk-list">
                {steps
                    .into_iter()
                    .map(|(title, done, detail)| {
                        let (class, text) = if done {
                            (TagColour::Green, tr!(replace.status.done))
                        } else {
                            (TagColour::Grey, tr!(replace.status.to_do))
                        };
                        view! {
                            <li>
                                <h2 class="nhsuk-heading-s">{title}" "<Tag text colour=class /></h2>
                                <p>{detail}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {(!completed).then(|| view! {
                <ButtonLink href=routes::REPLACE_ACTIVATE>
                    {tr!(replace.status.activate_link)}
                </ButtonLink>
            })}
        }
        .into_any()
    };
    view! {
        <PageTitle heading=tr!(replace.status.found_heading) />
        <BackLink href=routes::REPLACE_STATUS />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{tr!(replace.status.found_heading)}</h1>
                <p>
                    {tr!(replace.status.summary, reference = status.reference.clone(), date = requested_on.clone())}
                    <Tag text=tag_text colour=tag_class />
                </p>
                {body}
                <p>{tr!(replace.status.contact)}</p>
            </div>
        </div>
    }
}
