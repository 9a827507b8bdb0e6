//! The demo's own pages: its made-up details, and the emails it "sent" when no SMTP relay is
//! configured. Neither exists outside demo mode (404).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::{render, AppState, JourneyError};
use crate::db::outbox;
use crate::demo::DEMO_TOTP_SECRET;
use crate::domain::second_factor::TotpSecret;
use crate::views::demo::{DemoView, MailboxItem, MailboxView};
use crate::views::routes;

/// `/demo` and `/demo/mailbox`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(routes::DEMO, get(show_demo))
        .route(routes::MAILBOX, get(show_mailbox))
}

/// `/demo`: the made-up details to try the service with.
pub async fn show_demo(State(state): State<AppState>) -> Response {
    let status = if state.demo {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let view = if state.demo {
        demo_view(time::OffsetDateTime::now_utc().unix_timestamp())
    } else {
        DemoView::default()
    };
    render(&state, routes::DEMO, view, status).await
}

/// The demo staff's authenticator secret and its code at this time.
fn demo_view(unix_seconds: i64) -> DemoView {
    let secret = TotpSecret::parse_base32(DEMO_TOTP_SECRET).expect("the demo secret is base32");
    let at = u64::try_from(unix_seconds).unwrap_or_default();
    DemoView {
        staff_secret: secret.grouped(),
        staff_code: secret.code_at(at),
        seconds_left: 30 - at % 30,
    }
}

/// The emails the demo sent, newest first; a 404 page outside demo mode.
pub async fn show_mailbox(State(state): State<AppState>) -> Result<Response, JourneyError> {
    if !state.demo {
        let view = MailboxView::default();
        return Ok(render(&state, routes::MAILBOX, view, StatusCode::NOT_FOUND).await);
    }
    let messages = outbox::recent(state.db.pool(), 50)
        .await?
        .into_iter()
        .map(|m| MailboxItem {
            to: m.recipient,
            subject: m.subject,
            body: m.body,
            delivered: m.sent_at.is_some(),
        })
        .collect();
    let view = MailboxView { messages };
    Ok(render(&state, routes::MAILBOX, view, StatusCode::OK).await)
}
