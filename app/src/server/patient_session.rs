//! A signed-in patient: the session cookie, and the extractor that resolves it. Sessions live
//! in the database (only a SHA-256 of the id is stored), so any instance can serve any request.

use axum::extract::OptionalFromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderValue;
use time::OffsetDateTime;

use super::{host_cookie, request_cookie, AppState, JourneyError};
use crate::db::sessions::{self, SessionKind};
use crate::db::tokens::SessionId;

/// The patient session cookie. Lax, so a link from an email or another site still finds the
/// patient signed in; HttpOnly and Secure so scripts and plain HTTP never see it.
pub const SESSION_COOKIE: &str = "__Host-relink-session";

/// The `Set-Cookie` value that gives the browser a session id, or (with `None`) takes it away.
pub fn session_cookie(id: Option<&SessionId>) -> HeaderValue {
    host_cookie(SESSION_COOKIE, id.map(SessionId::expose), "Lax", None)
}

/// A live patient session: its id, and the online account (row id) it is for. As
/// `Option<PatientSession>`, a request without a live session is `None`.
#[derive(Debug)]
pub struct PatientSession {
    pub id: SessionId,
    pub account_row: String,
}

impl OptionalFromRequestParts<AppState> for PatientSession {
    type Rejection = JourneyError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, JourneyError> {
        let Some(value) = request_cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(None);
        };
        let id = SessionId::from_cookie(&value);
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let kind = SessionKind::Patient;
        let account_row =
            sessions::resume_within(state.db.pool(), kind, state.session_timeouts, &id, now)
                .await?;
        Ok(account_row.map(|account_row| Self { id, account_row }))
    }
}
