//! What needs the practice's attention, as lists: replacement requests, and patients whose GP
//! record and PDS disagree.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use time::OffsetDateTime;

use super::{audit_read, SignedInStaff};
use crate::db::audit::AuditKind;
use crate::db::staff;
use crate::server::{render, AppState, JourneyError};
use crate::views::routes;
use crate::views::staff::{MismatchRow, MismatchesView, RequestRow, RequestsView};

/// The one patient a list is about, if it shows exactly one: their audit entry names them.
fn only_patient<'a>(mut ids: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let first = ids.next()?;
    ids.all(|id| id == first).then_some(first)
}

/// The member's practices' replacement requests, newest first: pending, cancelled or completed. The read is audited.
pub(super) async fn requests(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let requests = staff::replacement_requests(&state.db, &member).await?;
    audit_read(
        &state,
        &member,
        AuditKind::StaffViewedRequests,
        only_patient(requests.iter().map(|r| r.patient_id.as_str())),
        requests.iter().map(|r| &r.practice_ods),
        |n| format!("{n} replacement request(s) shown"),
    )
    .await?;
    let rows = requests
        .into_iter()
        .map(|r| RequestRow {
            reference: r.reference,
            patient_id: r.patient_id,
            name: format!("{} {}", r.given_name, r.family_name),
            nhs_number: r.nhs_number.to_string(),
            requested_on: OffsetDateTime::from_unix_timestamp(r.created_at)
                .map_or(time::Date::MIN, OffsetDateTime::date),
            state: r.state,
        })
        .collect();
    Ok(render(
        &state,
        routes::REQUESTS,
        RequestsView {
            username: member.username.to_string(),
            rows,
        },
        StatusCode::OK,
    )
    .await)
}

/// Every field on which the GP record and PDS disagree, and who fixes it; the read is audited.
pub(super) async fn mismatches(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let mismatches = staff::demographic_mismatches(&state.db, &member).await?;
    audit_read(
        &state,
        &member,
        AuditKind::StaffViewedMismatches,
        only_patient(mismatches.iter().map(|m| m.patient_id.as_str())),
        mismatches.iter().map(|m| &m.practice_ods),
        |n| format!("{n} mismatch(es) shown"),
    )
    .await?;
    let rows = mismatches
        .into_iter()
        .map(|m| MismatchRow {
            patient_id: m.patient_id,
            nhs_number: m.nhs_number.to_string(),
            field: m.field,
            gp_record: m.gp_record,
            pds: m.pds,
        })
        .collect();
    Ok(render(
        &state,
        routes::MISMATCHES,
        MismatchesView {
            username: member.username.to_string(),
            rows,
        },
        StatusCode::OK,
    )
    .await)
}
