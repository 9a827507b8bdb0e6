//! Finding a patient by NHS number, and the patient page.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{audit_read, authorised_patient, not_found, now, patient_name, SignedInStaff};
use crate::db::audit::AuditKind;
use crate::db::{accounts, patients, pin_documents, practices};
use crate::domain::{AccessEnd, ClinicalSystem, NhsNumber};
use crate::i18n::td_string;
use crate::language::{long_date, Localize as _};
use crate::server::{render, request_locale, AppState, JourneyError};
use crate::views::routes;
use crate::views::staff::{FindPatientView, PatientRow, PdsNotice, StaffPatientView};

/// The search form's query: the NHS number typed, once searched.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct FindQuery {
    nhs_number: Option<String>,
}

/// The search form and, once searched, the patient with that NHS number if the member may see
/// them. Each search is audited, with whom it found (never the number typed).
pub(super) async fn find(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Query(query): Query<FindQuery>,
) -> Result<Response, JourneyError> {
    let mut view = FindPatientView {
        username: member.username.to_string(),
        ..FindPatientView::default()
    };
    let mut status = StatusCode::OK;
    if let Some(typed) = query.nhs_number {
        view.query = typed.trim().to_owned();
        match NhsNumber::parse(&typed) {
            Err(error) => {
                view.errors
                    .add("nhs-number", error.localize(request_locale()));
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
            Ok(number) => {
                let found = patients::find_by_nhs_number(state.db.pool(), &number)
                    .await?
                    .filter(|p| member.may_see(&p.practice_ods));
                audit_read(
                    &state,
                    &member,
                    AuditKind::StaffSearchedPatients,
                    found.as_ref().map(|p| p.id.as_str()),
                    found.as_ref().map(|p| &p.practice_ods),
                    |n| format!("Search by NHS number: {n} patient(s) found"),
                )
                .await?;
                let mut rows = Vec::new();
                if let Some(patient) = found {
                    let records = patients::demographics(state.db.pool(), &patient.id).await?;
                    rows.push(PatientRow {
                        id: patient.id.clone(),
                        name: patient_name(&records),
                        nhs_number: patient.nhs_number.to_string(),
                        practice_ods: patient.practice_ods.to_string(),
                        is_test: patient.is_test,
                    });
                }
                view.results = Some(rows);
            }
        }
    }
    Ok(render(&state, routes::FIND_PATIENT, view, status).await)
}

/// The patient page's query: what a "Check against PDS" just found (`?pds=checked`).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct PatientQuery {
    pds: Option<String>,
}

/// The patient's details, their account, the state of their PIN document and what PDS last
/// said; audited.
pub(super) async fn page(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
    Query(query): Query<PatientQuery>,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    audit_read(
        &state,
        &member,
        AuditKind::StaffViewedPatient,
        Some(&patient.id),
        [&patient.practice_ods],
        |_| String::new(),
    )
    .await?;
    let pool = state.db.pool();
    let records = patients::demographics(pool, &patient.id).await?;
    let practice = practices::find(pool, &patient.practice_ods).await?;
    let account = accounts::latest_active_for_patient(pool, &patient.id).await?;
    let locale = request_locale();
    let access_ended = match accounts::ended_for_patient(pool, &patient.id).await? {
        Some(accounts::OnlineAccount {
            status: accounts::AccountStatus::Ended { reason, at },
            ..
        }) => {
            let on = time::OffsetDateTime::from_unix_timestamp(at).map_or(now(), |t| t);
            let date = long_date(on.date(), locale);
            Some(match reason {
                AccessEnd::SystemChanged => {
                    td_string!(locale, staff.end_access.ended_system, date = date)
                }
                _ => td_string!(locale, staff.end_access.ended_on, date = date),
            })
        }
        _ => None,
    };
    let document = match &account {
        Some(a) => pin_documents::current_for_account(pool, &a.id).await?,
        None => None,
    };
    let today = now().date();
    let document = document.map(|d| {
        let printed = long_date(d.dates.printed_on, locale);
        let expires = long_date(d.dates.expires_on(), locale);
        if d.used_at.is_some() {
            td_string!(locale, staff.patient_page.document_used, printed = printed)
        } else if d.dates.is_expired(today) {
            td_string!(
                locale,
                staff.patient_page.document_expired,
                printed = printed,
                expired = expires
            )
        } else {
            td_string!(
                locale,
                staff.patient_page.document_unused,
                printed = printed,
                use_by = expires
            )
        }
    });
    let pds_notice = query.pds.as_deref().and_then(PdsNotice::from_code);
    let mut spine = super::spine::spine_view(&state, &patient).await?;
    // Just told that PDS has no record: not told twice.
    if let Some(spine) = spine
        .as_mut()
        .filter(|s| s.gone.is_some() && s.gone == pds_notice)
    {
        spine.gone = None;
    }
    let view = StaffPatientView {
        username: member.username.to_string(),
        id: patient.id.clone(),
        name: patient_name(&records),
        nhs_number: patient.nhs_number.to_string(),
        date_of_birth: records
            .first()
            .map(|r| long_date(r.date_of_birth, locale))
            .unwrap_or_default(),
        practice: practice
            .as_ref()
            .map(|p| format!("{} {}", p.name, p.ods_code))
            .unwrap_or_default(),
        clinical_system: practice
            .as_ref()
            .map(|p| p.clinical_system.display_name().to_owned())
            .unwrap_or_default(),
        is_emis: practice
            .as_ref()
            .is_some_and(|p| p.clinical_system == ClinicalSystem::Emis),
        is_test: patient.is_test,
        can_register: account.is_none() && !patient.is_test,
        can_change_access: account.is_some() && !patient.is_test,
        access_ended,
        account_id: account.map(|a| a.account_id.to_string()),
        document,
        spine,
        can_check_pds: state.pds.is_some() && !patient.is_test,
        pds_notice,
    };
    Ok(render(
        &state,
        &routes::staff_patient(&patient.id),
        view,
        StatusCode::OK,
    )
    .await)
}
