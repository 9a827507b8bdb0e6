//! `/replace-account/cancel?token=…`: the link in the notice sent to the old account's address.
//! Following it only shows the request and one button (so a mail scanner that fetches links
//! cancels nothing); the button cancels the pending request, once, within 7 days, audited.
//! The old account was never changed, so nothing else needs restoring.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::now;
use crate::db::replacement::{self, CancelLink};
use crate::db::tokens::CancelToken;
use crate::server::{render, AppState, JourneyError};
use crate::views::replacement::CancelView;
use crate::views::routes;

/// The link's token, in the query (GET) or the form (POST).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CancelLinkToken {
    token: String,
}

/// The page the link opens: the request's reference and the button, or what became of it.
pub async fn show_cancel(
    State(state): State<AppState>,
    Query(query): Query<CancelLinkToken>,
) -> Result<Response, JourneyError> {
    let token = CancelToken::from_cookie(&query.token);
    let link = replacement::cancel_link(state.db.pool(), &token, now().unix_timestamp()).await?;
    let view = match link {
        CancelLink::Usable { reference } => CancelView::Confirm {
            reference: reference.to_string(),
            token: query.token,
        },
        other => settled(other),
    };
    Ok(answer(&state, view).await)
}

/// "Cancel this replacement": cancels it if it is still pending.
pub async fn cancel(
    State(state): State<AppState>,
    Form(form): Form<CancelLinkToken>,
) -> Result<Response, JourneyError> {
    let token = CancelToken::from_cookie(&form.token);
    let link = replacement::cancel(&state.db, &token, now().unix_timestamp()).await?;
    let view = match link {
        // Pending but not cancelled: only possible when the link ran out meanwhile.
        CancelLink::Usable { .. } => CancelView::Dead,
        other => settled(other),
    };
    Ok(answer(&state, view).await)
}

fn settled(link: CancelLink) -> CancelView {
    match link {
        CancelLink::Cancelled => CancelView::Cancelled,
        CancelLink::Completed => CancelView::Completed,
        CancelLink::Usable { .. } | CancelLink::Dead => CancelView::Dead,
    }
}

async fn answer(state: &AppState, view: CancelView) -> Response {
    let status = match view {
        CancelView::Confirm { .. } | CancelView::Cancelled => StatusCode::OK,
        CancelView::Completed => StatusCode::CONFLICT,
        CancelView::Dead => StatusCode::NOT_FOUND,
    };
    render(state, routes::REPLACE_CANCEL, view, status).await
}
