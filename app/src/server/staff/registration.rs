//! "Register for online services" for a patient of the practice with no online account: the
//! access settings and the identity check are checked, then one transaction sets the settings,
//! creates the account and its first PIN document, and audits it with the staff member; the
//! print page follows, as for a reissue.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::pin_documents::issue_document;
use super::test_patients::parse_access_settings;
use super::{authorised_patient, not_found, patient_name, SignedInStaff};
use crate::db::patients::{self, Patient};
use crate::db::staff::StaffMember;
use crate::db::{accounts, pds, practices, DbError};
use crate::domain::{ClinicalSystem, IdentityCheck, OnlineService};
use crate::i18n::td_string;
use crate::server::{render, request_locale, AppState, JourneyError};
use crate::views::form::FormErrors;
use crate::views::routes;
use crate::views::staff::{AccessChangeView, AccessValues, EndAccessView, RegisterView};

/// The form, with the usual choices made; a patient who already has an account goes back to
/// their page (where a new PIN document is issued instead).
pub(super) async fn show(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    if registered(&state, &patient).await? {
        return Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response());
    }
    let mut view = register_view(&state, &member, &patient).await?;
    view.settings.access = "dcr".to_owned();
    view.settings.rule = "requested".to_owned();
    view.settings.services = OnlineService::ALL
        .map(|service| service.form_value().to_owned())
        .to_vec();
    Ok(render(&state, &routes::staff_register(&id), view, StatusCode::OK).await)
}

/// Checks the form and registers the patient, or shows the form again with what to fix.
pub(super) async fn register(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    let locale = request_locale();
    let mut view = register_view(&state, &member, &patient).await?;
    (view.settings, view.identity_check) = read_posted(&body, "identity_check");
    let mut errors = FormErrors::default();
    if registered(&state, &patient).await? {
        errors.add(
            "access",
            td_string!(locale, staff.register.already_registered),
        );
    } else if pds::is_deceased(state.db.pool(), &patient.id).await? {
        errors.add("access", td_string!(locale, staff.register.deceased));
    }
    let settings = parse_access_settings(
        &view.settings.access,
        &view.settings.rule,
        &view.settings.visible_from,
        &view.settings.services,
        locale,
        &mut errors,
    );
    let check = IdentityCheck::from_code(&view.identity_check);
    if check.is_none() {
        errors.add(
            "identity-check",
            td_string!(locale, staff.reissue.select_check),
        );
    }
    let (Some(settings), Some(check), true) = (settings, check, errors.is_empty()) else {
        view.errors = errors;
        let path = routes::staff_register(&id);
        return Ok(render(&state, &path, view, StatusCode::UNPROCESSABLE_ENTITY).await);
    };
    // PDS is asked now, when it is set up, so the registration goes by the national record as
    // it is today (a patient who has died is refused). A PDS that does not answer leaves the
    // stored values, and the registration goes on: the practice has checked identity.
    if let Some(client) = state.pds.clone().filter(|_| !patient.is_test) {
        let correlation = uuid::Uuid::new_v4().to_string();
        let answer = client.read_patient(&patient.nhs_number, &correlation).await;
        let timestamp = super::now().unix_timestamp();
        super::store_pds_answer(
            &state,
            &patient,
            answer,
            member.username.as_str(),
            timestamp,
        )
        .await?;
        if pds::is_deceased(state.db.pool(), &patient.id).await? {
            errors.add("access", td_string!(locale, staff.register.deceased));
            view.errors = errors;
            let path = routes::staff_register(&id);
            return Ok(render(&state, &path, view, StatusCode::UNPROCESSABLE_ENTITY).await);
        }
    }
    issue_document(&state, &member, &patient, check, Some(&settings)).await
}

/// Whether the patient already has an active online account.
async fn registered(state: &AppState, patient: &Patient) -> Result<bool, DbError> {
    Ok(
        accounts::latest_active_for_patient(state.db.pool(), &patient.id)
            .await?
            .is_some(),
    )
}

async fn register_view(
    state: &AppState,
    member: &StaffMember,
    patient: &Patient,
) -> Result<RegisterView, DbError> {
    let records = patients::demographics(state.db.pool(), &patient.id).await?;
    let practice = practices::find(state.db.pool(), &patient.practice_ods).await?;
    Ok(RegisterView {
        username: member.username.to_string(),
        id: patient.id.clone(),
        name: patient_name(&records),
        is_emis: practice.is_some_and(|p| p.clinical_system == ClinicalSystem::Emis),
        ..RegisterView::default()
    })
}

/// "Change record access or services": the patient's current settings, for a registered
/// patient only (others go back to their page).
pub(super) async fn show_access(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    if patient.is_test || !registered(&state, &patient).await? {
        return Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response());
    }
    let mut view = access_view(&state, &member, &patient).await?;
    view.settings.access = patient.record_access.code().to_owned();
    view.settings.rule = patient.visible_from_rule.code().to_owned();
    if let Some(date) = patient.visible_from_set {
        view.settings.visible_from = (
            date.day().to_string(),
            u8::from(date.month()).to_string(),
            date.year().to_string(),
        );
    }
    let on = patient.settings;
    view.settings.services = [
        (on.appointments, OnlineService::Appointments),
        (on.prescriptions, OnlineService::RepeatPrescriptions),
        (on.record, OnlineService::HealthRecord),
        (on.messages, OnlineService::Messages),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, service)| service.form_value().to_owned())
    .collect();
    Ok(render(&state, &routes::staff_access(&id), view, StatusCode::OK).await)
}

/// Checks the settings and the reason, then changes them (audited) and goes back to the
/// patient's page; or shows the form again with what to fix.
pub(super) async fn change_access(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    let locale = request_locale();
    let mut view = access_view(&state, &member, &patient).await?;
    (view.settings, view.reason) = read_posted(&body, "reason");
    let mut errors = FormErrors::default();
    if patient.is_test || !registered(&state, &patient).await? {
        errors.add(
            "access",
            td_string!(locale, staff.access_change.not_registered),
        );
    }
    let settings = parse_access_settings(
        &view.settings.access,
        &view.settings.rule,
        &view.settings.visible_from,
        &view.settings.services,
        locale,
        &mut errors,
    );
    check_reason(
        &view.reason,
        td_string!(locale, staff.access_change.enter_reason),
        locale,
        &mut errors,
    );
    let (Some(settings), true) = (settings, errors.is_empty()) else {
        view.errors = errors;
        let path = routes::staff_access(&id);
        return Ok(render(&state, &path, view, StatusCode::UNPROCESSABLE_ENTITY).await);
    };
    patients::change_access(
        &state.db,
        &patient,
        &settings,
        member.username.as_str(),
        &one_line(&view.reason),
        super::now().unix_timestamp(),
    )
    .await?;
    Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response())
}

/// "End online access" for a registered patient who left the practice: what stops working, and
/// the reason asked for. Others go back to their page.
pub(super) async fn show_end_access(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    let Some(view) = end_access_view(&state, &member, &patient).await? else {
        return Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response());
    };
    Ok(render(&state, &routes::staff_end_access(&id), view, StatusCode::OK).await)
}

/// Checks the reason, then ends online access (one transaction, audited) and goes back to the
/// patient's page; or shows the form again with what to fix.
pub(super) async fn end_access(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    let locale = request_locale();
    let Some(mut view) = end_access_view(&state, &member, &patient).await? else {
        // Not registered (or already ended, perhaps in another tab): nothing to end.
        let records = patients::demographics(state.db.pool(), &patient.id).await?;
        let mut view = EndAccessView {
            username: member.username.to_string(),
            id: patient.id.clone(),
            name: patient_name(&records),
            ..EndAccessView::default()
        };
        view.errors.add(
            "reason",
            td_string!(locale, staff.end_access.not_registered),
        );
        let path = routes::staff_end_access(&id);
        return Ok(render(&state, &path, view, StatusCode::CONFLICT).await);
    };
    view.reason = read_posted(&body, "reason").1;
    let mut errors = FormErrors::default();
    check_reason(
        &view.reason,
        td_string!(locale, staff.end_access.enter_reason),
        locale,
        &mut errors,
    );
    if !errors.is_empty() {
        view.errors = errors;
        let path = routes::staff_end_access(&id);
        return Ok(render(&state, &path, view, StatusCode::UNPROCESSABLE_ENTITY).await);
    }
    patients::end_online_access(
        &state.db,
        &patient,
        member.username.as_str(),
        &one_line(&view.reason),
        super::now().unix_timestamp(),
    )
    .await?;
    Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response())
}

/// The confirmation for a patient with a live account (not a test patient), or `None`.
async fn end_access_view(
    state: &AppState,
    member: &StaffMember,
    patient: &Patient,
) -> Result<Option<EndAccessView>, DbError> {
    if patient.is_test {
        return Ok(None);
    }
    let Some(account) = accounts::latest_active_for_patient(state.db.pool(), &patient.id).await?
    else {
        return Ok(None);
    };
    let records = patients::demographics(state.db.pool(), &patient.id).await?;
    Ok(Some(EndAccessView {
        username: member.username.to_string(),
        id: patient.id.clone(),
        name: patient_name(&records),
        account_id: account.account_id.to_string(),
        ..EndAccessView::default()
    }))
}

/// A reason for the audit log: required, at most 500 characters.
fn check_reason(
    reason: &str,
    missing: &str,
    locale: crate::language::Locale,
    errors: &mut FormErrors,
) {
    if reason.is_empty() {
        errors.add("reason", missing);
    } else if reason.chars().count() > 500 {
        errors.add(
            "reason",
            td_string!(locale, staff.access_change.reason_too_long),
        );
    }
}

/// One line in the log, whatever was typed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn access_view(
    state: &AppState,
    member: &StaffMember,
    patient: &Patient,
) -> Result<AccessChangeView, DbError> {
    let records = patients::demographics(state.db.pool(), &patient.id).await?;
    Ok(AccessChangeView {
        username: member.username.to_string(),
        id: patient.id.clone(),
        name: patient_name(&records),
        ..AccessChangeView::default()
    })
}

/// The access settings' fields of a posted form (trimmed), and the value of its one other
/// field (`other`): the registration's identity check, or the change's reason.
fn read_posted(body: &[u8], other: &str) -> (AccessValues, String) {
    let mut values = AccessValues::default();
    let mut other_value = String::new();
    for (key, value) in form_urlencoded::parse(body) {
        let value = value.trim().to_owned();
        match key.as_ref() {
            "access" => values.access = value,
            "rule" => values.rule = value,
            "visible_from_day" => values.visible_from.0 = value,
            "visible_from_month" => values.visible_from.1 = value,
            "visible_from_year" => values.visible_from.2 = value,
            "services" => values.services.push(value),
            key if key == other => other_value = value,
            _ => {}
        }
    }
    (values, other_value)
}
