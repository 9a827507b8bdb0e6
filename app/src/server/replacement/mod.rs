//! Replacing an account, in two phases. First the request: who the patient is (`identity`),
//! the new email address (`email`), the security code sent to it (`code`), checking the answers
//! and recording the request (`check`), while the old account keeps working. Then either its
//! activation with a PIN document (`activate`, finished by the reset's new-passphrase step) or
//! its cancellation from the link sent to the old address (`cancel`); and the progress of a
//! request (`status`). Every endpoint parses its input into
//! domain types, calls the database layer and answers with a page or a redirect
//! (post-redirect-get). The journey is a row found by the token in [`JOURNEY_COOKIE`]; the steps
//! after the identity check take it with the [`OpenJourney`] extractor.

mod activate;
mod cancel;
mod check;
mod code;
mod email;
mod identity;
mod status;

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use time::OffsetDateTime;

use super::throttle;
use super::{
    host_cookie, more_time, render, request_cookie, AppState, ClientAddress, JourneyError,
};
use crate::db::replacement::{self, Journey, JOURNEY_LIFETIME_SECONDS};
use crate::db::tokens::JourneyToken;
use crate::db::{accounts, practices};
use crate::domain::{EmailAddress, OdsCode, StepWindow};
use crate::i18n::td_string;
use crate::language::Locale;
use crate::views::page::TimeLimited;
use crate::views::routes;

pub(crate) use activate::{finish_activation, ActivationStep};

/// Replacing an account: identity, email, code, check, done, status, activate, cancel.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            routes::REPLACE,
            get(identity::show_identity).post(identity::check_identity),
        )
        .route(
            routes::REPLACE_EMAIL,
            get(email::show_email).post(email::set_email),
        )
        .route(
            routes::REPLACE_CODE,
            get(code::show_code).post(code::check_code),
        )
        .route(routes::REPLACE_RESEND, post(code::resend_code))
        .route(
            routes::REPLACE_CHECK,
            get(check::show_check).post(check::request_replacement),
        )
        .route(routes::REPLACE_DONE, get(check::show_done))
        .route(
            routes::REPLACE_STATUS,
            get(status::show_status).post(status::check_status),
        )
        .route(
            routes::REPLACE_ACTIVATE,
            get(activate::show_activate).post(activate::check_activation),
        )
        .route(
            routes::REPLACE_CANCEL,
            get(cancel::show_cancel).post(cancel::cancel),
        )
        .route(routes::REPLACE_MORE_TIME, post(more_time))
}

/// The cookie that carries the journey token: only sent to this site, never readable by scripts.
pub const JOURNEY_COOKIE: &str = "__Host-relink-replace";

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The `Set-Cookie` value that hands the browser the journey's token, for as long as the
/// journey lasts.
fn journey_cookie(token: Option<&JourneyToken>) -> HeaderValue {
    host_cookie(
        JOURNEY_COOKIE,
        token.map(JourneyToken::expose),
        "Strict",
        Some(JOURNEY_LIFETIME_SECONDS),
    )
}

/// The journey behind the browser's cookie, while it lasts.
async fn current_journey(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(JourneyToken, Journey)>, JourneyError> {
    let Some(value) = request_cookie(headers, JOURNEY_COOKIE) else {
        return Ok(None);
    };
    let token = JourneyToken::from_cookie(&value);
    let journey = replacement::journey(state.db.pool(), &token, now().unix_timestamp()).await?;
    Ok(journey.map(|j| (token, j)))
}

/// The journey's time limit, as its pages state it.
fn journey_limit(journey: &Journey) -> (TimeLimited, StepWindow) {
    (TimeLimited::ReplacementJourney, journey.window())
}

/// "I need more time" in the journey's warning: gives the open journey another 30 minutes (at
/// most [`crate::domain::MAX_EXTENSIONS`] times), and the browser's cookie as long (see
/// [`more_time::answer`]); 403 when there is no open journey (none, run out or finished), 429
/// past the client's limit.
async fn more_time(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
) -> Result<Response, JourneyError> {
    let timestamp = now().unix_timestamp();
    if !throttle::keep_alive_allowed(&state.db, &client, timestamp).await? {
        return Ok(StatusCode::TOO_MANY_REQUESTS.into_response());
    }
    let Some((token, journey)) = current_journey(&state, &headers).await? else {
        return Ok(StatusCode::FORBIDDEN.into_response());
    };
    if journey.request_id.is_some() {
        return Ok(StatusCode::FORBIDDEN.into_response());
    }
    let pool = state.db.pool();
    more_time::answer(
        journey.window(),
        timestamp,
        async |end| replacement::extend_journey(pool, &token, end, timestamp).await,
        |seconds| {
            host_cookie(
                JOURNEY_COOKIE,
                Some(token.expose()),
                "Strict",
                Some(seconds),
            )
        },
    )
    .await
}

/// A step of the journey that needs it open, named by the view its page shows: the view's
/// default is the step's "journey ended" page.
pub trait JourneyStep: Clone + Default + Send + Sync + 'static {
    /// The step's page, where its "journey ended" page is shown too.
    const PATH: &'static str;
}

/// The open journey behind the browser's cookie, at step `V`. Extracting it answers for the
/// handler when the journey is not open: a finished journey goes to its confirmation, no
/// journey (none, forged or run out) gets the step's "journey ended" page (403), and a
/// database failure the [`JourneyError`] page.
pub struct OpenJourney<V> {
    /// The journey's token, as the browser sent it.
    pub token: JourneyToken,
    /// The journey's row, not finished.
    pub journey: Journey,
    step: PhantomData<fn() -> V>,
}

impl<V: JourneyStep> FromRequestParts<AppState> for OpenJourney<V> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match current_journey(state, &parts.headers).await {
            Ok(Some((_, journey))) if journey.request_id.is_some() => {
                Err(Redirect::to(routes::REPLACE_DONE).into_response())
            }
            Ok(Some((token, journey))) => Ok(Self {
                token,
                journey,
                step: PhantomData,
            }),
            Ok(None) => Err(journey_ended::<V>(state).await),
            Err(error) => Err(error.into_response()),
        }
    }
}

/// Step `V`'s page saying the journey has ended and nothing was changed.
async fn journey_ended<V: JourneyStep>(state: &AppState) -> Response {
    render(state, V::PATH, V::default(), StatusCode::FORBIDDEN).await
}

/// Whether the journey's new address is the old account's own (the same mailbox). Asked only
/// after the code sent to it was confirmed, so the answer goes to the mailbox's owner alone.
async fn is_old_address(state: &AppState, journey: &Journey) -> Result<bool, JourneyError> {
    let Some(new_email) = journey.new_email.as_deref() else {
        return Ok(false);
    };
    let old = accounts::find(state.db.pool(), &journey.old_account_id).await?;
    Ok(old
        .and_then(|a| a.email)
        .zip(EmailAddress::parse(new_email).ok())
        .is_some_and(|(old, new)| new.same_mailbox(&old)))
}

/// The name of the practice, if it is known.
async fn practice_name(state: &AppState, ods: &str) -> Result<Option<String>, JourneyError> {
    let Ok(ods) = OdsCode::parse(ods) else {
        return Ok(None);
    };
    Ok(practices::find(state.db.pool(), &ods)
        .await?
        .map(|p| p.name))
}

/// What an email calls a practice whose name is not known: "your GP practice".
fn your_practice(locale: Locale) -> String {
    td_string!(locale, replace.your_practice).to_owned()
}
