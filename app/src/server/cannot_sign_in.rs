//! "I cannot sign in": one question, and a redirect to where each answer leads.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{render, render_fresh_form, request_locale, AppState};
use crate::domain::SignInProblem;
use crate::i18n::td_string;
use crate::views::cannot_sign_in::{destination, CannotSignInView};
use crate::views::form::FormErrors;
use crate::views::routes;

/// `/cannot-sign-in`: the question, and its answer.
pub fn routes() -> Router<AppState> {
    Router::new().route(
        routes::CANNOT_SIGN_IN,
        get(show_cannot_sign_in).post(choose_problem),
    )
}

/// The question, unanswered: the same page for everyone, so it comes from the form cache.
pub async fn show_cannot_sign_in(State(state): State<AppState>) -> Response {
    render_fresh_form::<CannotSignInView>(&state, routes::CANNOT_SIGN_IN).await
}

/// The answer, as posted: a string, because anything may arrive.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ProblemForm {
    problem: String,
}

/// Sends each answer where it leads; no answer (or an unknown one) asks again.
pub async fn choose_problem(
    State(state): State<AppState>,
    Form(form): Form<ProblemForm>,
) -> Response {
    let Some(problem) = SignInProblem::parse(&form.problem) else {
        let mut errors = FormErrors::default();
        errors.add(
            "problem",
            td_string!(request_locale(), cannot.question.select_problem),
        );
        let view = CannotSignInView { errors };
        return render(
            &state,
            routes::CANNOT_SIGN_IN,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    Redirect::to(destination(problem.next_step())).into_response()
}
