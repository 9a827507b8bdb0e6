//! What needs the practice's attention, as lists: replacement requests, and patients whose GP
//! record and PDS disagree.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use time::OffsetDateTime;

use super::SignedInStaff;
use crate::db::staff;
use crate::server::{render, AppState, JourneyError};
use crate::views::routes;
use crate::views::staff::{MismatchRow, MismatchesView, RequestRow, RequestsView};

/// The member's practices' replacement requests, newest first: pending, cancelled or completed.
pub(super) async fn requests(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let rows = staff::replacement_requests(&state.db, &member)
        .await?
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

/// Every field on which the GP record and PDS disagree, and who fixes it.
pub(super) async fn mismatches(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let rows = staff::demographic_mismatches(&state.db, &member)
        .await?
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
