//! "I need more time" in a journey step's warning (WCAG 2.2.1): the same answer for every
//! step that ends after a time (a reset's new passphrase, asking to replace an account, a
//! staff sign-in), each of which finds its own step and stores its own end.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::JourneyError;
use crate::db::DbError;
use crate::domain::{MoreTime, StepWindow};

/// Answers "I need more time" for a step whose time window is `window` at `now`: `extend`
/// stores a new end (returning whether the step was still open to take it) and `cookie` hands
/// the browser the step's cookie for the seconds it then has.
///
/// The answer is for the warning's script, never stored: 200 with the seconds the step now has
/// (plain text), also when it already had a whole lifetime left; 409 when it has had all the
/// time it can (the script stops offering more, and the step ends when it would); 403 when
/// the step has ended. (Like every 4xx, those two reach a browser as an NHS page.)
pub(crate) async fn answer(
    window: StepWindow,
    now: i64,
    extend: impl AsyncFnOnce(i64) -> Result<bool, DbError>,
    cookie: impl FnOnce(i64) -> HeaderValue,
) -> Result<Response, JourneyError> {
    let seconds = |status: StatusCode, left: i64| {
        (
            status,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            left.to_string(),
        )
            .into_response()
    };
    Ok(match window.more_time(now) {
        MoreTime::Ended => StatusCode::FORBIDDEN.into_response(),
        MoreTime::AlreadyHas => seconds(StatusCode::OK, window.seconds_left(now)),
        MoreTime::NoMore => StatusCode::CONFLICT.into_response(),
        MoreTime::Until(end) => {
            if !extend(end).await? {
                return Ok(StatusCode::FORBIDDEN.into_response());
            }
            let mut response = seconds(StatusCode::OK, end - now);
            response
                .headers_mut()
                .append(header::SET_COOKIE, cookie(end - now));
            response
        }
    })
}
