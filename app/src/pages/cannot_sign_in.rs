//! `/cannot-sign-in`: one question, and an answer for every problem that leads somewhere
//! useful. There is no "delete" action anywhere: deleting an account causes errors, so every
//! route ends at a reset, the practice, or a replacement.

use crate::components::nhsuk::{Button, ButtonLink, InsetText};
use leptos::prelude::*;

use crate::components::form::{BackLink, ErrorSummary, RadioChoice, Radios};
use crate::components::layout::{error_title, PageTitle};
use crate::domain::SignInProblem;
use crate::tr;
use crate::views::cannot_sign_in::CannotSignInView;
use crate::views::page::server_view;
use crate::views::routes;

/// The answers as the question shows them, in the page's language.
fn choices() -> Vec<RadioChoice> {
    SignInProblem::ALL
        .into_iter()
        .map(|problem| {
            let (label, hint) = match problem {
                SignInProblem::ForgottenPassphrase => {
                    (tr!(cannot.question.forgotten_passphrase), None)
                }
                SignInProblem::PinDocument => (tr!(cannot.question.pin_document), None),
                SignInProblem::LostEmail => (tr!(cannot.question.lost_email), None),
                SignInProblem::TechnicalProblem => (
                    tr!(cannot.question.technical_problem),
                    Some(tr!(cannot.question.technical_problem_hint)),
                ),
                SignInProblem::DeleteAccount => (tr!(cannot.question.delete_account), None),
            };
            RadioChoice {
                value: problem.value(),
                label,
                hint,
            }
        })
        .collect()
}

#[component]
pub fn CannotSignInPage() -> impl IntoView {
    let CannotSignInView { errors } = server_view::<CannotSignInView>();
    view! {
        <PageTitle heading=error_title(tr!(cannot.question.title), &errors) />
        <BackLink href=routes::HOME />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=errors.clone() />
                <form method="post" action=routes::CANNOT_SIGN_IN novalidate>
                    <Radios
                        id="problem"
                        name="problem"
                        heading=tr!(cannot.question.heading)
                        hint=tr!(cannot.question.hint)
                        choices=choices()
                        error=errors.for_field("problem")
                    />
                    <Button>
                        {tr!(cannot.continue_button)}
                    </Button>
                </form>
            </div>
        </div>
    }
}

#[component]
pub fn PinProblemPage() -> impl IntoView {
    view! {
        <PageTitle heading=tr!(cannot.pin.heading) />
        <BackLink href=routes::CANNOT_SIGN_IN />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{tr!(cannot.pin.heading)}</h1>
                <p>{tr!(cannot.pin.once)}</p>
                <h2>{tr!(cannot.pin.ask_heading)}</h2>
                <p>{tr!(cannot.pin.ask)}</p>
                <p>{tr!(cannot.pin.identity)}</p>
                <InsetText>
                    <p>{tr!(cannot.pin.emis)}</p>
                </InsetText>
                <h2>{tr!(cannot.pin.new_heading)}</h2>
                <p>
                    {tr!(cannot.pin.new_before)}
                    <a href=routes::RESET>{tr!(cannot.pin.new_link)}</a>
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
        <BackLink href=routes::CANNOT_SIGN_IN />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{tr!(cannot.delete.heading)}</h1>
                <p>{tr!(cannot.delete.problems)}</p>
                <p>{tr!(cannot.delete.replace_instead)}</p>
                <ButtonLink href=routes::REPLACE>
                    {tr!(cannot.delete.button)}
                </ButtonLink>
                <h2>{tr!(cannot.delete.stop_heading)}</h2>
                <p>{tr!(cannot.delete.stop)}</p>
            </div>
        </div>
    }
}
