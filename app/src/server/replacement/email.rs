//! `/replace-account/email`: the new email address and the first security code sent to it.

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::code::{code_limit_page, send_code};
use super::{current_journey, journey_limit, now, JourneyStep, OpenJourney};
use crate::db::replacement::CodeSent;
use crate::domain::EmailAddress;
use crate::language::Localize as _;
use crate::server::{render, render_step, request_locale, AppState, JourneyError};
use crate::views::form::FormErrors;
use crate::views::replacement::EmailView;
use crate::views::routes;

impl JourneyStep for EmailView {
    const PATH: &'static str = routes::REPLACE_EMAIL;
}

/// The email form, with the address given before (when going back to change it).
pub async fn show_email(
    State(state): State<AppState>,
    OpenJourney { journey, .. }: OpenJourney<EmailView>,
) -> Response {
    let limit = journey_limit(&journey);
    let view = EmailView::Ready {
        value: journey.new_email.unwrap_or_default(),
        errors: FormErrors::default(),
    };
    let now = now().unix_timestamp();
    render_step(
        &state,
        routes::REPLACE_EMAIL,
        view,
        StatusCode::OK,
        limit,
        now,
    )
    .await
}

/// The email form, as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    email: String,
}

/// Checks the address and sends a code to it, within the journey's limit of codes. Sent after
/// the journey ended, nothing is sent, and the page says so with the address typed, so it is
/// not lost (it is the patient's own answer, echoed to them only).
pub async fn set_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> Result<Response, JourneyError> {
    let (token, journey) = match current_journey(&state, &headers).await? {
        Some((_, journey)) if journey.request_id.is_some() => {
            return Ok(Redirect::to(routes::REPLACE_DONE).into_response());
        }
        Some(open) => open,
        None => {
            let typed = form.email.trim().to_owned();
            let view = if typed.is_empty() {
                EmailView::JourneyEnded
            } else {
                EmailView::EndedWith { email: typed }
            };
            let status = StatusCode::FORBIDDEN;
            return Ok(render(&state, routes::REPLACE_EMAIL, view, status).await);
        }
    };
    // Any well-formed address gets a code, the old account's own too: refusing it here would
    // tell whoever runs the journey which address the account has. Once the code proves the
    // mailbox is theirs, the code step says they can sign in instead.
    let parsed = EmailAddress::parse(&form.email).map_err(|e| e.localize(request_locale()));
    let email = match parsed {
        Ok(email) => email,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("email", message);
            let view = EmailView::Ready {
                value: form.email.trim().to_owned(),
                errors,
            };
            return Ok(render_step(
                &state,
                routes::REPLACE_EMAIL,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
                journey_limit(&journey),
                now().unix_timestamp(),
            )
            .await);
        }
    };
    Ok(match send_code(&state, &token, &journey, &email).await? {
        CodeSent::Sent => Redirect::to(routes::REPLACE_CODE).into_response(),
        CodeSent::LimitReached => code_limit_page(&state, email.as_str()).await,
    })
}
