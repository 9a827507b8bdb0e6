//! The audit log of the member's practices, filtered by patient and kind of event, 20 a page.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

use super::SignedInStaff;
use crate::db::audit::AuditKind;
use crate::db::staff;
use crate::language::long_date;
use crate::server::{render, request_locale, AppState, JourneyError};
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
    let locale = request_locale();
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(0)
        .clamp(0, 10_000);
    let patient = query.patient.trim().to_owned();
    let kind = query.kind.trim().to_owned();
    let (events, more) = staff::audit_page(
        &state.db,
        &member,
        (!patient.is_empty()).then_some(patient.as_str()),
        (!kind.is_empty()).then_some(kind.as_str()),
        page,
    )
    .await?;
    let rows = events
        .into_iter()
        .map(|e| AuditRow {
            when: OffsetDateTime::from_unix_timestamp(e.occurred_at)
                .map(|t| {
                    format!(
                        "{} {:02}:{:02}",
                        long_date(t.date(), locale),
                        t.hour(),
                        t.minute()
                    )
                })
                .unwrap_or_default(),
            kind: e.kind,
            actor: e.actor,
            patient_id: e.patient_id,
            detail: e.detail,
        })
        .collect();
    let kinds = AuditKind::ALL.iter().map(|k| k.code().to_owned()).collect();
    let view = AuditView {
        username: member.username.to_string(),
        rows,
        patient,
        kind,
        kinds,
        page,
        more,
    };
    Ok(render(&state, routes::AUDIT, view, StatusCode::OK).await)
}
