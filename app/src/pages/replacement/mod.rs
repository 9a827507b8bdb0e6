//! `/replace-account`: identity check, eligibility, new email address confirmed by a code,
//! check your answers, confirmation with a reference number, a status page, activation with a
//! PIN document and cancellation from the old address. One thing per
//! page, one module per step (as in the server); every page works with JavaScript off (forms
//! post to their own address).

pub mod activate;
pub mod cancel;
pub mod check;
pub mod code;
pub mod email;
pub mod identity;
pub mod status;

use crate::components::nhsuk::{ButtonLink, InsetText};
use leptos::prelude::*;

use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::form::FormProblem;
use crate::views::routes;

/// The generic answer to a mismatch or too many tries, in the page's language.
fn problem_message(problem: Option<FormProblem>) -> Option<&'static str> {
    match problem {
        Some(FormProblem::NoMatch) => Some(tr!(replace.problem.no_match)),
        Some(FormProblem::LockedOut) => Some(tr!(replace.problem.locked_out)),
        Some(FormProblem::ClientLockedOut) => Some(tr!(replace.problem.client_locked_out)),
        Some(FormProblem::LockedForToday) => Some(tr!(replace.problem.locked_for_today)),
        Some(problem @ FormProblem::AccessEnded(_)) => Some(problem.message()),
        None => None,
    }
}

/// What a later step shows when there is no open journey: nothing has changed, start again;
/// and what the patient had typed, when they sent an answer too late (`typed_email`).
#[component]
fn JourneyEnded(#[prop(optional)] typed_email: Option<String>) -> impl IntoView {
    view! {
        <PageTitle heading=tr!(replace.ended.heading) />
        <h1>{tr!(replace.ended.heading)}</h1>
        <p>{tr!(replace.ended.time)}</p>
        <p>{tr!(replace.ended.nothing_changed)}</p>
        {typed_email.map(|email| view! {
            <InsetText>
                <p>{tr!(replace.ended.typed_email, email = email)}</p>
            </InsetText>
        })}
        <ButtonLink href=routes::REPLACE>
            {tr!(replace.ended.start_again)}
        </ButtonLink>
    }
}
