//! The audit log of the member's practices, filtered by patient and kind of event, 20 a page.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

use super::SignedInStaff;
use crate::db::audit::AuditKind;
use crate::db::staff;
use crate::server::{render, AppState, JourneyError};
use crate::views::routes;
use crate::views::staff::{AuditRow, AuditView};

/// The log's filters and page, as the filter form and the page links send them.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct AuditQuery {
    patient: String,
    kind: String,
    page: Option<String>,
}

/// One page of the log, newest first.
pub(super) async fn log(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Query(query): Query<AuditQuery>,
) -> Result<Response, JourneyError> {
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(0)
        .clamp(0, 10_000);
    let patient = query.patient.trim().to_owned();
    // A code no kind has (a hand-made address) filters on it all the same, and finds nothing.
    let code = query.kind.trim();
    let kind = AuditKind::from_code(code);
    let (events, more) = staff::audit_page(
        &state.db,
        &member,
        (!patient.is_empty()).then_some(patient.as_str()),
        (!code.is_empty()).then_some(code),
        page,
    )
    .await?;
    let rows = events
        .into_iter()
        .map(|e| AuditRow {
            when: OffsetDateTime::from_unix_timestamp(e.occurred_at)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
            kind: AuditKind::from_code(&e.kind),
            code: e.kind,
            actor: e.actor,
            patient_id: e.patient_id,
            detail: e.detail,
        })
        .collect();
    let view = AuditView {
        username: member.username.to_string(),
        rows,
        patient,
        kind,
        page,
        more,
    };
    Ok(render(&state, routes::AUDIT, view, StatusCode::OK).await)
}
