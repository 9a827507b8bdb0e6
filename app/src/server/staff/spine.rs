//! "Check against PDS" on a patient's page: reads the patient's national record now, stores
//! what it says and comes back to the page saying what happened (post-redirect-get). A PDS
//! that is down or refuses leaves the stored values as they were, and the page says so.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;

use super::{authorised_patient, not_found, now, SignedInStaff};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::patients::Patient;
use crate::db::pds::{self, PdsSnapshot, RecordStatus, Stored};
use crate::db::practices;
use crate::db::DbError;
use crate::pds::{Lookup, PdsError};
use crate::server::{AppState, JourneyError};
use crate::views::routes;
use crate::views::staff::{PdsNotice, SpineAddress, SpineView};

/// A record read less than this many seconds ago is not asked for again: a double click, or a
/// member pressing the button over and over, costs PDS nothing.
const RECHECK_AFTER_SECONDS: i64 = 60;

/// Checks the patient against PDS, if the member may see them and PDS is set up; test
/// patients are never sent to PDS.
pub(super) async fn check(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    let back = |notice| {
        Ok(Redirect::to(&routes::staff_patient_checked(&patient.id, notice)).into_response())
    };
    let Some(client) = state.pds.clone().filter(|_| !patient.is_test) else {
        // The page offers no button then; a hand-made post just goes back to the page.
        return Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response());
    };
    let timestamp = now().unix_timestamp();
    let stored = pds::find(state.db.pool(), &patient.id).await?;
    if stored.is_some_and(|s| timestamp - s.read_at < RECHECK_AFTER_SECONDS) {
        return back(PdsNotice::CheckedJustNow);
    }
    let correlation = uuid::Uuid::new_v4().to_string();
    let answer = client.read_patient(&patient.nhs_number, &correlation).await;
    let notice = store_answer(
        &state,
        &patient,
        answer,
        member.username.as_str(),
        timestamp,
    )
    .await?;
    back(notice)
}

/// Stores what PDS answered for the patient (audited as `actor`'s check) and says what the
/// page tells staff. Shared with the background refresh, which passes `"system"`.
pub(crate) async fn store_answer(
    state: &AppState,
    patient: &Patient,
    answer: Result<Lookup, PdsError>,
    actor: &str,
    timestamp: i64,
) -> Result<PdsNotice, DbError> {
    let practice = Some(patient.practice_ods.as_str());
    let staff_check = actor != "system";
    let event = |kind, detail: &'static str| NewAuditEvent {
        kind,
        actor,
        practice_ods: practice,
        patient_id: Some(&patient.id),
        detail,
    };
    let notice = match answer {
        Ok(Lookup::Found(record)) | Ok(Lookup::Superseded { record, .. }) => {
            let checked = event(AuditKind::StaffCheckedPds, "PDS record read");
            let stored = pds::record_read(
                &state.db,
                &patient.id,
                &patient.nhs_number,
                &record,
                staff_check.then_some(&checked),
                timestamp,
            )
            .await?;
            match stored {
                Stored::Values => PdsNotice::Checked,
                Stored::Rekeyed { .. } => PdsNotice::Superseded,
                Stored::RekeyConflict { .. } => PdsNotice::SupersededConflict,
            }
        }
        Ok(gone @ (Lookup::NotFound | Lookup::Invalidated)) => {
            let (notice, status, detail) = match gone {
                Lookup::NotFound => (
                    PdsNotice::NotFound,
                    RecordStatus::NotFound,
                    "PDS has no record with this NHS number",
                ),
                _ => (
                    PdsNotice::Invalidated,
                    RecordStatus::Invalidated,
                    "PDS says the record was invalidated",
                ),
            };
            let gone = event(AuditKind::PdsRecordGone, detail);
            pds::record_gone(&state.db, &patient.id, status, &gone, timestamp).await?;
            notice
        }
        Err(error) => {
            tracing::warn!(%error, "PDS check gave no answer; the stored values stand");
            let notice = match error {
                PdsError::InvalidNhsNumber => PdsNotice::InvalidNumber,
                PdsError::AccessDenied { .. } | PdsError::Token(_) | PdsError::Config(_) => {
                    PdsNotice::CredentialsRefused
                }
                PdsError::RateLimited => PdsNotice::RateLimited,
                PdsError::TimedOut => PdsNotice::TimedOut,
                PdsError::Unavailable { .. } => PdsNotice::Unavailable,
                PdsError::Malformed(_) => PdsNotice::Unreadable,
            };
            if staff_check {
                let detail = "PDS check gave no answer";
                audit::record(
                    state.db.pool(),
                    &event(AuditKind::StaffCheckedPds, detail),
                    timestamp,
                )
                .await?;
            }
            notice
        }
    };
    Ok(notice)
}

/// The stored PDS values as the staff patient page shows them.
pub(super) async fn spine_view(
    state: &AppState,
    patient: &Patient,
) -> Result<Option<SpineView>, DbError> {
    let Some(snapshot) = pds::find(state.db.pool(), &patient.id).await? else {
        return Ok(None);
    };
    let practice = practices::find(state.db.pool(), &patient.practice_ods).await?;
    Ok(Some(to_view(snapshot, practice.map(|p| p.ods_code))))
}

fn to_view(snapshot: PdsSnapshot, practice: Option<crate::domain::OdsCode>) -> SpineView {
    let name = match (&snapshot.given_name, &snapshot.family_name) {
        (Some(given), Some(family)) => Some(format!("{given} {family}")),
        (None, Some(family)) => Some(family.clone()),
        (Some(given), None) => Some(given.clone()),
        (None, None) => None,
    };
    let address = if snapshot.confidentiality.hides_whereabouts() {
        SpineAddress::Withheld
    } else {
        match (&snapshot.address_line, &snapshot.postcode) {
            (Some(line), Some(postcode)) => SpineAddress::Recorded(format!("{line}, {postcode}")),
            (Some(line), None) => SpineAddress::Recorded(line.clone()),
            (None, Some(postcode)) => SpineAddress::Recorded(postcode.clone()),
            (None, None) => SpineAddress::NoneRecorded,
        }
    };
    let gp_elsewhere = match (&snapshot.gp_ods, &practice) {
        (Some(gp), Some(here)) => gp != here,
        _ => false,
    };
    SpineView {
        read_on: OffsetDateTime::from_unix_timestamp(snapshot.read_at)
            .map(OffsetDateTime::date)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH.date()),
        version: snapshot.version,
        name,
        date_of_birth: snapshot.date_of_birth,
        address,
        gender: snapshot.gender,
        gp_ods: snapshot.gp_ods.map(|code| code.to_string()),
        gp_elsewhere,
        deceased_on: snapshot.deceased_on,
        confidentiality: snapshot.confidentiality,
        gone: match snapshot.status {
            RecordStatus::Found => None,
            RecordStatus::NotFound => Some(PdsNotice::NotFound),
            RecordStatus::Invalidated => Some(PdsNotice::Invalidated),
        },
    }
}
