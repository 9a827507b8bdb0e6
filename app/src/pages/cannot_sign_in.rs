//! `/cannot-sign-in`: one question, and an answer for every problem that leads somewhere
//! useful. There is no "delete" action anywhere: deleting an account causes errors, so every
//! route ends at a reset, the practice, or a replacement.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::{BackLink, ErrorSummary, FormErrors, RadioChoice, Radios};
use crate::components::layout::PageTitle;
use crate::pages::reset_passphrase::{server_view, RESET_PATH};
use crate::tr;

pub const CANNOT_SIGN_IN_PATH: &str = "/cannot-sign-in";
pub const PIN_PROBLEM_PATH: &str = "/cannot-sign-in/pin-document";
pub const DELETE_ACCOUNT_PATH: &str = "/cannot-sign-in/delete-account";
pub const REPLACE_PATH: &str = "/replace-account";

/// The answers (the radio values) and where each one leads.
pub const PROBLEMS: [(&str, &str); 5] = [
    ("forgotten-passphrase", RESET_PATH),
    ("pin-document", PIN_PROBLEM_PATH),
    ("lost-email", REPLACE_PATH),
    ("technical-problem", REPLACE_PATH),
    ("delete-account", DELETE_ACCOUNT_PATH),
];

/// The answers as the question shows them, in the page's language.
fn choices() -> Vec<RadioChoice> {
    let choice = |value, label, hint| RadioChoice { value, label, hint };
    vec![
        choice(
            PROBLEMS[0].0,
            tr!(cannot.question.forgotten_passphrase),
            None,
        ),
        choice(PROBLEMS[1].0, tr!(cannot.question.pin_document), None),
        choice(PROBLEMS[2].0, tr!(cannot.question.lost_email), None),
        choice(
            PROBLEMS[3].0,
            tr!(cannot.question.technical_problem),
            Some(tr!(cannot.question.technical_problem_hint)),
        ),
        choice(PROBLEMS[4].0, tr!(cannot.question.delete_account), None),
    ]
}

/// Where an answer leads, if it is one of ours.
pub fn destination(answer: &str) -> Option<&'static str> {
    PROBLEMS
        .iter()
        .find(|(value, _)| *value == answer)
        .map(|(_, path)| *path)
}

/// What `/cannot-sign-in` shows: the question, with an error when nothing was chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannotSignInView {
    pub errors: FormErrors,
}

#[component]
pub fn CannotSignInPage() -> impl IntoView {
    let CannotSignInView { errors } = server_view::<CannotSignInView>();
    let title = if errors.is_empty() {
        tr!(cannot.question.title).to_owned()
    } else {
        format!(
            "{} {}",
            tr!(common.error_prefix),
            tr!(cannot.question.title)
        )
    };
    view! {
        <PageTitle heading=title />
        <BackLink href="/" />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=errors.clone() />
                <form method="post" action=CANNOT_SIGN_IN_PATH novalidate>
                    <Radios
                        id="problem"
                        name="problem"
                        heading=tr!(cannot.question.heading)
                        hint=tr!(cannot.question.hint)
                        choices=choices()
                        error=errors.for_field("problem")
                    />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                        {tr!(cannot.continue_button)}
                    </button>
                </form>
            </div>
        </div>
    }
}

#[component]
pub fn PinProblemPage() -> impl IntoView {
    view! {
        <PageTitle heading=tr!(cannot.pin.heading) />
        <BackLink href=CANNOT_SIGN_IN_PATH />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{tr!(cannot.pin.heading)}</h1>
                <p>{tr!(cannot.pin.once)}</p>
                <h2>{tr!(cannot.pin.ask_heading)}</h2>
                <p>{tr!(cannot.pin.ask)}</p>
                <p>{tr!(cannot.pin.identity)}</p>
                <div class="nhsuk-inset-text">
                    <span class="nhsuk-u-visually-hidden">{tr!(common.information)}" "</span>
                    <p>{tr!(cannot.pin.emis)}</p>
                </div>
                <h2>{tr!(cannot.pin.new_heading)}</h2>
                <p>
                    {tr!(cannot.pin.new_before)}
                    <a href=RESET_PATH>{tr!(cannot.pin.new_link)}</a>
                    {tr!(cannot.pin.new_after)}
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    view! {
        <PageTitle heading=tr!(cannot.delete.heading) />
        <BackLink href=CANNOT_SIGN_IN_PATH />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{tr!(cannot.delete.heading)}</h1>
                <p>{tr!(cannot.delete.problems)}</p>
                <p>{tr!(cannot.delete.replace_instead)}</p>
                <a class="nhsuk-button" data-module="nhsuk-button" href=REPLACE_PATH role="button" draggable="false">
                    {tr!(cannot.delete.button)}
                </a>
                <h2>{tr!(cannot.delete.stop_heading)}</h2>
                <p>{tr!(cannot.delete.stop)}</p>
            </div>
        </div>
    }
}
