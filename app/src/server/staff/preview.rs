//! Previewing a test patient's account as they would see it: for a reason, for 30 minutes, by
//! the member who started it only, and audited from start to end. Real patients can never be
//! previewed.

use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{authorised_patient, not_found, now, patient_name, SignedInStaff};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::patients::{self, Patient};
use crate::db::staff::{self, Preview, StaffMember, PREVIEW_SECONDS};
use crate::db::tokens::new_record_id;
use crate::db::DbError;
use crate::i18n::td_string;
use crate::server::account::patient_summary;
use crate::server::{render, request_locale, AppState, JourneyError};
use crate::views::form::FormErrors;
use crate::views::routes;
use crate::views::staff::{PreviewStartView, PreviewView};

/// A test patient of the member's practices; real patients can never be previewed.
async fn previewable(
    state: &AppState,
    member: &StaffMember,
    id: &str,
) -> Result<Option<Patient>, DbError> {
    Ok(authorised_patient(state, member, id)
        .await?
        .filter(|p| p.is_test))
}

/// The form asking why the member wants to preview the test patient.
pub(super) async fn show_start(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
) -> Result<Response, JourneyError> {
    let Some(patient) = previewable(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    let records = patients::demographics(state.db.pool(), &patient.id).await?;
    let view = PreviewStartView {
        username: member.username.to_string(),
        id: id.clone(),
        name: patient_name(&records),
        ..PreviewStartView::default()
    };
    Ok(render(
        &state,
        &routes::staff_preview_start(&id),
        view,
        StatusCode::OK,
    )
    .await)
}

/// What the preview form posts.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct PreviewForm {
    reason: String,
}

/// Starts the preview, with the reason given, and shows it.
pub(super) async fn start(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
    Form(form): Form<PreviewForm>,
) -> Result<Response, JourneyError> {
    let Some(patient) = previewable(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    let reason = form.reason.trim().to_owned();
    let locale = request_locale();
    let problem = if reason.is_empty() {
        Some(td_string!(locale, staff.preview_start.enter_reason))
    } else if reason.chars().count() > 500 {
        Some(td_string!(locale, staff.preview_start.reason_too_long))
    } else {
        None
    };
    if let Some(message) = problem {
        let records = patients::demographics(state.db.pool(), &patient.id).await?;
        let mut errors = FormErrors::default();
        errors.add("reason", message);
        let view = PreviewStartView {
            username: member.username.to_string(),
            id: id.clone(),
            name: patient_name(&records),
            reason,
            errors,
        };
        return Ok(render(
            &state,
            &routes::staff_preview_start(&id),
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    }
    let timestamp = now().unix_timestamp();
    let preview = Preview {
        id: new_record_id("preview"),
        username: member.username.clone(),
        patient_id: patient.id.clone(),
        reason,
        started_at: timestamp,
        expires_at: timestamp + PREVIEW_SECONDS,
        ended_at: None,
    };
    staff::start_preview(&state.db, &preview, &patient.practice_ods).await?;
    Ok(Redirect::to(&routes::staff_preview(&preview.id)).into_response())
}

/// The member's own preview of a test patient they may see, if it exists.
async fn own_preview(
    state: &AppState,
    member: &StaffMember,
    id: &str,
) -> Result<Option<(Preview, Patient)>, DbError> {
    let Some(preview) = staff::find_preview(state.db.pool(), id)
        .await?
        .filter(|p| p.username == member.username)
    else {
        return Ok(None);
    };
    Ok(previewable(state, member, &preview.patient_id)
        .await?
        .map(|p| (preview, p)))
}

/// Ends the preview, auditing why, unless it has already ended.
async fn end_and_audit(
    state: &AppState,
    preview: &Preview,
    patient: &Patient,
    why: &str,
) -> Result<(), DbError> {
    let timestamp = now().unix_timestamp();
    if staff::end_preview(state.db.pool(), &preview.id, timestamp).await? {
        audit::record(
            state.db.pool(),
            &NewAuditEvent {
                kind: AuditKind::PreviewEnded,
                actor: preview.username.as_str(),
                practice_ods: Some(patient.practice_ods.as_str()),
                patient_id: Some(&patient.id),
                detail: why,
            },
            timestamp,
        )
        .await?;
    }
    Ok(())
}

/// The test patient's account page under the preview banner, while the preview lasts; "ended"
/// (410) after its 30 minutes. Never cached.
pub(super) async fn show(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
) -> Result<Response, JourneyError> {
    let Some((preview, patient)) = own_preview(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    let timestamp = now().unix_timestamp();
    if !preview.is_live(timestamp) {
        end_and_audit(&state, &preview, &patient, "Ended after 30 minutes").await?;
        return Ok(render(
            &state,
            &routes::staff_preview(&id),
            PreviewView::Ended,
            StatusCode::GONE,
        )
        .await);
    }
    let Some(summary) = patient_summary(&state, &patient.id).await? else {
        return Ok(not_found(&state).await);
    };
    let records = patients::demographics(state.db.pool(), &patient.id).await?;
    let ends = OffsetDateTime::from_unix_timestamp(preview.expires_at).unwrap_or(now());
    let view = PreviewView::Live {
        username: member.username.to_string(),
        preview_id: preview.id.clone(),
        patient_id: patient.id.clone(),
        patient_name: patient_name(&records),
        ends_at: format!("{:02}:{:02} UTC", ends.hour(), ends.minute()),
        summary: Box::new(summary),
    };
    let mut response = render(&state, &routes::staff_preview(&id), view, StatusCode::OK).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Ends the preview and goes back to the patient's page.
pub(super) async fn end(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
) -> Result<Response, JourneyError> {
    let Some((preview, patient)) = own_preview(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    end_and_audit(&state, &preview, &patient, "Ended by the staff member").await?;
    Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response())
}
