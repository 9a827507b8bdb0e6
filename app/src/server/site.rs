//! The service's own small endpoints: health checks, the language link, and the page for
//! addresses nobody has (404).

use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{render, AppState};
use crate::language::{self, LANGUAGE_COOKIE};
use crate::views::routes;

/// Health checks and the language link.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(routes::HEALTHZ, get(healthz))
        .route(routes::READYZ, get(readyz))
        .route(routes::LANGUAGE, get(choose_language))
}

/// Any address no route answers: the "Page not found" page, in the request's language, 404.
pub async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    render(&state, uri.path(), (), StatusCode::NOT_FOUND).await
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too. A load balancer stops sending traffic on 503.
///
/// Without anywhere to send emails (no `SMTP_URL` outside demo mode) a second line says so and
/// how many wait in the outbox. The status stays 200: every page still works, and anyone can
/// queue an email (by starting a replacement), so a 503 would let them take every instance out
/// of the load balancer.
async fn readyz(State(state): State<AppState>) -> Response {
    let reachable = tokio::time::timeout(Duration::from_secs(2), state.db.is_reachable())
        .await
        .unwrap_or(false);
    if !reachable {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
    }
    if state.mail_configured {
        return (StatusCode::OK, "ready").into_response();
    }
    let waiting = tokio::time::timeout(
        Duration::from_secs(2),
        crate::db::outbox::waiting_count(state.db.pool()),
    )
    .await;
    match waiting {
        Ok(Ok(waiting)) => (
            StatusCode::OK,
            format!("ready\nmail: not configured (SMTP_URL), messages waiting: {waiting}"),
        )
            .into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// The query of the header's language link.
#[derive(Deserialize)]
pub struct LanguageChoice {
    to: String,
    #[serde(rename = "return", default)]
    return_to: String,
}

/// `GET /language?to=cy&return=/page`: remembers the language in a cookie (a year; no script
/// needs it, so HttpOnly) and goes back to the page, which then shows in that language. A plain
/// link, so it works without JavaScript. Only a path on this site is a place to go back to.
async fn choose_language(
    State(state): State<AppState>,
    Query(choice): Query<LanguageChoice>,
) -> Response {
    let Some(locale) = language::parse_code(&choice.to) else {
        // Rendered at a path no page has: the "Page not found" page, in the current language.
        return render(&state, routes::LANGUAGE, (), StatusCode::NOT_FOUND).await;
    };
    let back = local_path(&choice.return_to).unwrap_or("/");
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=31536000",
        locale
    );
    let mut response = Redirect::to(back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `path` if it is a path on this site (`/x?y`), not another site (`//host`, `/\host`, `https:`).
fn local_path(path: &str) -> Option<&str> {
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && path.len() <= 2048
        && !path.chars().any(|c| c.is_control() || c == '\\');
    safe.then_some(path)
}
