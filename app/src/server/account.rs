//! "Your account": what a signed-in patient sees of their account, decided by the domain
//! rules; the staff preview of a test patient shows the same ([`patient_summary`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use time::OffsetDateTime;

use super::patient_session::PatientSession;
use super::{render, AppState, JourneyError};
use crate::db::patients::{self, DemographicSource, Demographics};
use crate::db::{accounts, audit, pds, practices, DbError};
use crate::domain::{record_visibility, services_shown, AuditKind, PatientActivity, RecordDates};
use crate::views::account::{
    AccountSummary, ActivityItem, DetailField, DetailRow, DetailSource, DetailValue,
};
use crate::views::routes;

pub use super::patient_session::SESSION_COOKIE;

/// "Your account".
pub fn routes() -> Router<AppState> {
    Router::new().route(routes::ACCOUNT, get(show_account))
}

/// "Your account", for a live session; anyone else is asked to sign in.
pub async fn show_account(
    State(state): State<AppState>,
    session: Option<PatientSession>,
) -> Result<Response, JourneyError> {
    let Some(session) = session else {
        return Ok(session_ended());
    };
    match account_summary(&state, &session.account_row).await? {
        Some(summary) => Ok(render(&state, routes::ACCOUNT, Some(summary), StatusCode::OK).await),
        None => Ok(Redirect::to(routes::SIGN_IN).into_response()),
    }
}

/// The answer for a page of a patient's session without a live one: a browser that still holds
/// a session cookie had a session that ended (unused for its idle time, or ended elsewhere),
/// and the sign-in page says so, the dead cookie gone; anyone else is asked to sign in.
pub fn session_ended() -> Response {
    if !super::request_context::has_session_cookie() {
        return Redirect::to(routes::SIGN_IN).into_response();
    }
    let mut response = Redirect::to(&routes::timed_out(routes::SIGN_IN)).into_response();
    response.headers_mut().append(
        axum::http::header::SET_COOKIE,
        super::patient_session::session_cookie(None),
    );
    response
}

/// Everything "Your account" shows for one online account, decided by the domain rules.
pub async fn account_summary(
    state: &AppState,
    account_row: &str,
) -> Result<Option<AccountSummary>, DbError> {
    let Some(account) = accounts::find(state.db.pool(), account_row).await? else {
        return Ok(None);
    };
    patient_summary(state, &account.patient_id).await
}

/// What a patient sees on "Your account", from the patient record alone: the staff preview of
/// a test patient (who may have no online account yet) uses it too. Plain facts: the page
/// says them in its language.
pub async fn patient_summary(
    state: &AppState,
    patient_id: &str,
) -> Result<Option<AccountSummary>, DbError> {
    let db = &state.db;
    let Some(patient) = patients::find(db.pool(), patient_id).await? else {
        return Ok(None);
    };
    let Some(practice) = practices::find(db.pool(), &patient.practice_ods).await? else {
        return Ok(None);
    };
    let records = patients::demographics(db.pool(), &patient.id).await?;
    let spine = pds::find(db.pool(), &patient.id).await?;
    let spine_read_on = spine
        .as_ref()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s.read_at).ok())
        .map(OffsetDateTime::date);
    // PDS withholds a restricted patient's whereabouts: no address row at all (none is stored).
    let hides_whereabouts = spine
        .as_ref()
        .is_some_and(|s| s.confidentiality.hides_whereabouts());

    let record = record_visibility(
        patient.record_access,
        patient.visible_from_rule,
        RecordDates {
            practice_set: patient.visible_from_set,
            joined_practice: patient.joined_practice_on,
            requested_access: patient.access_requested_on,
        },
    );
    let services = services_shown(practice.services.into(), patient.settings.into(), &record);

    let gp = records
        .iter()
        .find(|r| r.source == DemographicSource::ClinicalSystem);
    let pds = records.iter().find(|r| r.source == DemographicSource::Pds);
    let name = |r: &Demographics| DetailValue::Text(format!("{} {}", r.given_name, r.family_name));
    let dob = |r: &Demographics| DetailValue::Date(r.date_of_birth);
    let address = |r: &Demographics| {
        if r.address_line.is_empty() && r.postcode.is_empty() {
            DetailValue::NoAddress
        } else if r.postcode.is_empty() {
            DetailValue::Text(r.address_line.clone())
        } else {
            DetailValue::Text(format!("{}, {}", r.address_line, r.postcode))
        }
    };
    let row = |field: DetailField,
               source: DetailSource,
               value_of: &dyn Fn(&Demographics) -> DetailValue| {
        // The preferred source, or the other when it holds nothing; labelled as what it is.
        let (main, other) = match (source, pds, gp) {
            (DetailSource::NhsSpine, Some(pds), gp) => ((DetailSource::NhsSpine, pds), gp),
            (DetailSource::GpRecord, pds, Some(gp)) => ((DetailSource::GpRecord, gp), pds),
            (_, Some(pds), None) => ((DetailSource::NhsSpine, pds), None),
            (_, None, Some(gp)) => ((DetailSource::GpRecord, gp), None),
            (_, None, None) => return None,
        };
        let (source, main) = main;
        let value = value_of(main);
        let other_source_value = other.map(value_of).filter(|o| *o != value);
        Some(DetailRow {
            field,
            value,
            source,
            read_on: (source == DetailSource::NhsSpine)
                .then_some(spine_read_on)
                .flatten(),
            other_source_value,
        })
    };
    let mut details: Vec<DetailRow> = [
        row(DetailField::Name, DetailSource::NhsSpine, &name),
        row(DetailField::DateOfBirth, DetailSource::NhsSpine, &dob),
        (!hides_whereabouts)
            .then(|| row(DetailField::Address, DetailSource::GpRecord, &address))
            .flatten(),
    ]
    .into_iter()
    .flatten()
    .collect();
    details.push(DetailRow {
        field: DetailField::NhsNumber,
        value: DetailValue::Text(patient.nhs_number.to_string()),
        source: DetailSource::NhsSpine,
        read_on: None,
        other_source_value: None,
    });

    let activity = audit::recent_for_patient(db.pool(), &patient.id, 10)
        .await?
        .into_iter()
        .filter_map(|event| {
            let activity = PatientActivity::from_kind(AuditKind::from_code(&event.kind)?)?;
            let when = OffsetDateTime::from_unix_timestamp(event.occurred_at).ok()?;
            Some(ActivityItem {
                date: when.date(),
                activity,
            })
        })
        .collect();

    Ok(Some(AccountSummary {
        practice_name: practice.name,
        practice_ods: practice.ods_code.to_string(),
        clinical_system: practice.clinical_system.display_name().to_owned(),
        record,
        services,
        details,
        activity,
    }))
}
