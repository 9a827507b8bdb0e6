//! The practices page (administrators only): the list, and "Add a practice". Anyone else
//! signed in gets the staff area's "not found", as for anything they may not see: the page's
//! existence is no business of practice staff.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{not_found, now, SignedInStaff};
use crate::db::practices::{self, Added, Practice, PracticeNameError, PracticeServices};
use crate::db::staff::StaffMember;
use crate::db::DbError;
use crate::domain::{ClinicalSystem, OdsCode, OdsCodeError};
use crate::i18n::td_string;
use crate::language::Localize as _;
use crate::server::{render, request_locale, AppState, JourneyError};
use crate::views::form::FormErrors;
use crate::views::routes;
use crate::views::staff::{PracticeRow, PracticeValues, PracticesView};

/// The page's query: which practice was just added (after the redirect).
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct PracticesQuery {
    added: Option<String>,
}

/// Every practice as the table shows it, in ODS code order.
async fn rows(state: &AppState) -> Result<Vec<PracticeRow>, DbError> {
    let counts = practices::patient_counts(state.db.pool()).await?;
    Ok(practices::list(state.db.pool())
        .await?
        .into_iter()
        .map(|p| PracticeRow {
            patients: counts.get(&p.ods_code).copied().unwrap_or(0),
            ods_code: p.ods_code.to_string(),
            is_welsh: p.ods_code.is_welsh(),
            clinical_system: p.clinical_system.display_name().to_owned(),
            name: p.name,
        })
        .collect())
}

/// The page for `member` with what was typed and what to fix; `None` for a member who is
/// not an administrator (the caller answers "not found").
async fn page(
    state: &AppState,
    member: &StaffMember,
    added: Option<&OdsCode>,
    values: PracticeValues,
    errors: FormErrors,
) -> Result<PracticesView, DbError> {
    let practices = rows(state).await?;
    let added = added.and_then(|code| {
        practices
            .iter()
            .find(|row| row.ods_code == code.as_str())
            .cloned()
    });
    Ok(PracticesView {
        username: member.username.to_string(),
        practices,
        added,
        values,
        errors,
    })
}

/// The list and an empty form; after an add, the line saying what was added.
pub(super) async fn show(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Query(query): Query<PracticesQuery>,
) -> Result<Response, JourneyError> {
    if !member.is_admin {
        return Ok(not_found(&state).await);
    }
    let added = query.added.and_then(|code| OdsCode::parse(&code).ok());
    let view = page(
        &state,
        &member,
        added.as_ref(),
        PracticeValues::default(),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&state, routes::PRACTICES, view, StatusCode::OK).await)
}

/// The form's fields as typed.
fn read_form(body: &[u8]) -> PracticeValues {
    let mut values = PracticeValues::default();
    for (key, value) in form_urlencoded::parse(body) {
        match key.as_ref() {
            "ods_code" => values.ods_code = value.trim().to_owned(),
            "name" => values.name = value.into_owned(),
            "system" => values.system = value.trim().to_owned(),
            _ => {}
        }
    }
    values
}

/// Checks the form and adds the practice (every service on, as `relink practice add` does),
/// then shows the list saying so; or shows the form again, 422, with what to fix.
pub(super) async fn add(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    body: Bytes,
) -> Result<Response, JourneyError> {
    if !member.is_admin {
        return Ok(not_found(&state).await);
    }
    let values = read_form(&body);
    let locale = request_locale();
    let mut errors = FormErrors::default();
    let ods_code = OdsCode::parse(&values.ods_code)
        .map_err(|e| {
            errors.add(
                "ods-code",
                match e {
                    OdsCodeError::Empty => td_string!(locale, staff.practices.enter_ods).to_owned(),
                    OdsCodeError::WrongFormat => e.localize(locale),
                },
            )
        })
        .ok();
    let name = practices::practice_name(&values.name)
        .map_err(|e| {
            errors.add(
                "practice-name",
                match e {
                    PracticeNameError::Empty => td_string!(locale, staff.practices.enter_name),
                    PracticeNameError::TooLong => {
                        td_string!(locale, staff.practices.name_too_long)
                    }
                },
            )
        })
        .ok();
    let clinical_system = ClinicalSystem::from_code(&values.system);
    if clinical_system.is_none() {
        errors.add("system", td_string!(locale, staff.practices.select_system));
    }
    let refused = |errors: FormErrors, values: PracticeValues| {
        let (state, member) = (&state, &member);
        async move {
            let view = page(state, member, None, values, errors).await?;
            Ok::<_, JourneyError>(
                render(
                    state,
                    routes::PRACTICES,
                    view,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await,
            )
        }
    };
    let (Some(ods_code), Some(name), Some(clinical_system), true) =
        (ods_code, name, clinical_system, errors.is_empty())
    else {
        return refused(errors, values).await;
    };
    let practice = Practice {
        ods_code,
        name,
        clinical_system,
        services: PracticeServices::ALL,
    };
    match practices::add(
        &state.db,
        &practice,
        member.username.as_str(),
        now().unix_timestamp(),
    )
    .await?
    {
        Added::Added => {
            Ok(Redirect::to(&routes::practice_added(practice.ods_code.as_str())).into_response())
        }
        Added::AlreadyExists => {
            let code = practice.ods_code.to_string();
            errors.add(
                "ods-code",
                td_string!(locale, staff.practices.exists, code = code),
            );
            refused(errors, values).await
        }
    }
}
