//! `/replace-account/email`: the new email address and the first security code sent to it.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::code::{code_limit_page, send_code};
use super::{journey_limit, now, JourneyStep, OpenJourney};
use crate::db::replacement::CodeSent;
use crate::domain::EmailAddress;
use crate::language::Localize as _;
use crate::server::{render_step, request_locale, AppState, JourneyError};
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

/// Checks the address and sends a code to it, within the journey's limit of codes.
pub async fn set_email(
    State(state): State<AppState>,
    OpenJourney { token, journey, .. }: OpenJourney<EmailView>,
    Form(form): Form<EmailForm>,
) -> Result<Response, JourneyError> {
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
