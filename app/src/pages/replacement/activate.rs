//! `/replace-account/activate`: the second phase of a replacement. The reference and the
//! one-time passphrase on a PIN document (the practice's identity check) open the step where
//! the patient chooses the new account's passphrase; or why that cannot happen.

use crate::components::nhsuk::{Button, ButtonLink};
use leptos::prelude::*;

use super::problem_message;
use crate::components::form::{BackLink, ErrorSummary, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::language::{locale, long_date};
use crate::tr;
use crate::views::page::server_view;
use crate::views::replacement::ActivateView;
use crate::views::routes;

/// The activation form, or what stops the activation and what to do next.
#[component]
pub fn ActivateReplacementPage() -> impl IntoView {
    match server_view::<ActivateView>() {
        ActivateView::Form {
            reference,
            errors,
            problem,
        } => {
            let mut summary = errors.clone();
            if let Some(message) = problem_message(problem) {
                summary.add("reference", message);
            }
            let heading = tr!(replace.activate.heading);
            view! {
                <PageTitle heading=error_title(heading, &summary) />
                <BackLink href=routes::REPLACE_STATUS />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=summary />
                        <h1>{heading}</h1>
                        <p>{tr!(replace.activate.intro)}</p>
                        <form method="post" action=routes::REPLACE_ACTIVATE novalidate>
                            <TextInput
                                id="reference"
                                name="reference"
                                label=tr!(replace.status.reference_label)
                                hint=tr!(replace.activate.reference_hint)
                                value=reference
                                error=errors.for_field("reference")
                                width_class="nhsuk-input--width-10"
                                autocomplete="off"
                                spellcheck_off=true
                            />
                            <TextInput
                                id="pin-passphrase"
                                name="pin_passphrase"
                                label=tr!(replace.activate.pin_label)
                                hint=tr!(replace.activate.pin_hint)
                                error=errors.for_field("pin-passphrase")
                                width_class="nhsuk-input--width-20"
                                autocomplete="one-time-code"
                                spellcheck_off=true
                            />
                            <Button>
                                {tr!(replace.continue_button)}
                            </Button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
        ActivateView::Cancelled => view! {
            <PageTitle heading=tr!(replace.activate.cancelled_heading) />
            <BackLink href=routes::REPLACE_ACTIVATE />
            <h1>{tr!(replace.activate.cancelled_heading)}</h1>
            <p>{tr!(replace.activate.cancelled_text)}</p>
            <p><a href=routes::REPLACE>{tr!(replace.status.ask_again)}</a></p>
        }
        .into_any(),
        ActivateView::AlreadyComplete => view! {
            <PageTitle heading=tr!(replace.activate.complete_heading) />
            <BackLink href=routes::REPLACE_ACTIVATE />
            <h1>{tr!(replace.activate.complete_heading)}</h1>
            <p>{tr!(replace.activate.complete_text)}</p>
            <ButtonLink href=routes::SIGN_IN>
                {tr!(replace.used_recently.sign_in)}
            </ButtonLink>
        }
        .into_any(),
        ActivateView::PinUsed => view! {
            <PageTitle heading=tr!(replace.activate.pin_used_heading) />
            <BackLink href=routes::REPLACE_ACTIVATE />
            <h1>{tr!(replace.activate.pin_used_heading)}</h1>
            <p>{tr!(replace.activate.pin_used_text)}</p>
        }
        .into_any(),
        ActivateView::PinExpired { expired_on } => view! {
            <PageTitle heading=tr!(replace.activate.pin_expired_heading) />
            <BackLink href=routes::REPLACE_ACTIVATE />
            <h1>{tr!(replace.activate.pin_expired_heading)}</h1>
            <p>{tr!(replace.activate.pin_expired_text, date = long_date(expired_on, locale()))}</p>
        }
        .into_any(),
    }
}
