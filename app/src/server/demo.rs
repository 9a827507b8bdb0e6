//! The demo's own pages: its made-up details, and the emails it "sent" when no SMTP relay is
//! configured. Neither exists outside demo mode (404).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::{render, AppState, JourneyError};
use crate::db::outbox;
use crate::views::demo::{MailboxItem, MailboxView};
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
    render(&state, routes::DEMO, (), status).await
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
