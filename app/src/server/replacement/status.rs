//! `/replace-account/status`: the progress of a replacement, for someone with both its
//! reference and the patient's date of birth. Guesses are throttled per reference and per
//! client.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

use super::now;
use crate::db::audit::{AuditKind, NewAuditEvent};
use crate::db::patients;
use crate::db::replacement::{self, ReplacementRequest};
use crate::domain::attempts::CredentialKey;
use crate::domain::{DateOfBirth, ReplacementReference};
use crate::language::Localize as _;
use crate::server::reset::date_error_target;
use crate::server::throttle::{self, Answer as _};
use crate::server::{render, request_locale, AppState, ClientAddress, JourneyError};
use crate::views::form::{FormErrors, FormProblem};
use crate::views::replacement::{RequestStatus, StatusView};
use crate::views::routes;

/// The status form, empty.
pub async fn show_status(State(state): State<AppState>) -> Response {
    render(
        &state,
        routes::REPLACE_STATUS,
        StatusView::default(),
        StatusCode::OK,
    )
    .await
}

/// The status form, as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    reference: String,
    date_of_birth_day: String,
    date_of_birth_month: String,
    date_of_birth_year: String,
}

/// Shows progress only to someone with both the reference and the date of birth; anything else
/// gets the same "do not match" answer, and guesses are throttled per reference and per client.
pub async fn check_status(
    State(state): State<AppState>,
    client: ClientAddress,
    Form(form): Form<StatusForm>,
) -> Result<Response, JourneyError> {
    let now = now();
    let timestamp = now.unix_timestamp();
    let dob_values = (
        form.date_of_birth_day.trim().to_owned(),
        form.date_of_birth_month.trim().to_owned(),
        form.date_of_birth_year.trim().to_owned(),
    );
    let mut errors = FormErrors::default();
    let reference = ReplacementReference::parse(&form.reference)
        .map_err(|e| errors.add("reference", e.localize(request_locale())))
        .ok();
    let dob = DateOfBirth::parse(
        &form.date_of_birth_day,
        &form.date_of_birth_month,
        &form.date_of_birth_year,
        now.date(),
    )
    .map_err(|e| errors.add(date_error_target(e), e.localize(request_locale())))
    .ok();
    let form_view = |errors: FormErrors, problem: Option<FormProblem>| StatusView::Form {
        reference: form.reference.trim().to_owned(),
        dob: dob_values.clone(),
        errors,
        problem,
    };
    let (Some(reference), Some(dob)) = (reference, dob) else {
        return Ok(render(
            &state,
            routes::REPLACE_STATUS,
            form_view(errors, None),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    let db = &state.db;
    let credential = CredentialKey::status_lookup(&reference);
    let attempt = match throttle::begin(db, &client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            let view = form_view(FormErrors::default(), Some(refused.problem()));
            return Ok(render(&state, routes::REPLACE_STATUS, view, refused.status()).await);
        }
    };
    let request = replacement::request_by_reference(db.pool(), &reference).await?;
    let matched = match &request {
        Some(request) => patients::demographics(db.pool(), &request.patient_id)
            .await?
            .iter()
            .any(|d| d.date_of_birth == dob.date()),
        None => false,
    };
    let Some(request) = request.filter(|_| matched) else {
        let lockout = NewAuditEvent {
            kind: AuditKind::StatusLookupLockout,
            actor: "system",
            practice_ods: None,
            patient_id: None,
            detail: "status checks for a reference locked for 15 minutes after 5 failures",
        };
        let failed = attempt.failed(db, None, &lockout, timestamp).await?;
        let view = form_view(FormErrors::default(), Some(failed.problem()));
        return Ok(render(&state, routes::REPLACE_STATUS, view, failed.status()).await);
    };
    attempt.succeeded(db, timestamp).await?;
    let status = request_status(&request, now);
    Ok(render(
        &state,
        routes::REPLACE_STATUS,
        StatusView::Found(status),
        StatusCode::OK,
    )
    .await)
}

/// The progress of a replacement: its state and when it changed. Nothing of the old account.
fn request_status(request: &ReplacementRequest, now: OffsetDateTime) -> RequestStatus {
    let day =
        |t: i64| OffsetDateTime::from_unix_timestamp(t).map_or(now.date(), OffsetDateTime::date);
    RequestStatus {
        reference: request.reference.to_string(),
        requested_on: day(request.created_at),
        state: request.state,
        decided_on: request.decided_at.map(day),
    }
}
