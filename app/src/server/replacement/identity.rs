//! `/replace-account`: who the patient is (NHS number, date of birth, postcode), whether their
//! account may be replaced, and the start of the journey. Guesses are throttled per NHS number
//! and per client.

use axum::extract::{Form, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{journey_cookie, now};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::tokens::JourneyToken;
use crate::db::{patients, replacement};
use crate::domain::attempts::CredentialKey;
use crate::domain::{check_eligibility, DateOfBirth, Ineligible, NhsNumber, Postcode};
use crate::language::Localize as _;
use crate::server::reset::date_error_target;
use crate::server::throttle::{self, Answer as _};
use crate::server::{
    render, render_fresh_form, request_locale, AppState, ClientAddress, JourneyError,
};
use crate::views::form::FormErrors;
use crate::views::replacement::{IdentityValues, IdentityView};
use crate::views::routes;

/// The identity form, empty: the same page for everyone, so it comes from the form cache.
pub async fn show_identity(State(state): State<AppState>) -> Response {
    render_fresh_form::<IdentityView>(&state, routes::REPLACE).await
}

/// The identity form, as posted. Strings, because anything may arrive; parsed below.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct IdentityForm {
    nhs_number: String,
    date_of_birth_day: String,
    date_of_birth_month: String,
    date_of_birth_year: String,
    postcode: String,
}

/// Finds the patient by all three details, checks the account may be replaced and starts the
/// journey (its token in [`super::JOURNEY_COOKIE`]); a mismatch gets one generic answer.
pub async fn check_identity(
    State(state): State<AppState>,
    client: ClientAddress,
    Form(form): Form<IdentityForm>,
) -> Result<Response, JourneyError> {
    let now = now();
    let timestamp = now.unix_timestamp();
    let values = IdentityValues {
        nhs_number: form.nhs_number.trim().to_owned(),
        dob_day: form.date_of_birth_day.trim().to_owned(),
        dob_month: form.date_of_birth_month.trim().to_owned(),
        dob_year: form.date_of_birth_year.trim().to_owned(),
        postcode: form.postcode.trim().to_owned(),
    };
    let mut errors = FormErrors::default();
    let nhs_number = NhsNumber::parse(&form.nhs_number)
        .map_err(|e| errors.add("nhs-number", e.localize(request_locale())))
        .ok();
    let dob = DateOfBirth::parse(
        &form.date_of_birth_day,
        &form.date_of_birth_month,
        &form.date_of_birth_year,
        now.date(),
    )
    .map_err(|e| errors.add(date_error_target(e), e.localize(request_locale())))
    .ok();
    let postcode = Postcode::parse(&form.postcode)
        .map_err(|e| errors.add("postcode", e.localize(request_locale())))
        .ok();
    let (Some(nhs_number), Some(dob), Some(postcode)) = (nhs_number, dob, postcode) else {
        let view = IdentityView::Form {
            values,
            errors,
            problem: None,
        };
        return Ok(render(
            &state,
            routes::REPLACE,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };

    let db = &state.db;
    let refuse = |problem| IdentityView::Form {
        values: values.clone(),
        errors: FormErrors::default(),
        problem: Some(problem),
    };
    // Keyed on the number typed, whether or not it exists, so guessing is slowed the same.
    let credential = CredentialKey::identity_check(&nhs_number);
    let attempt = match throttle::begin(db, &client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            let view = refuse(refused.problem());
            return Ok(render(&state, routes::REPLACE, view, refused.status()).await);
        }
    };
    let identified = replacement::identify(db, &nhs_number, dob.date(), &postcode).await?;
    let Some(identified) = identified else {
        let known = patients::find_by_nhs_number(db.pool(), &nhs_number).await?;
        let (practice, patient) = known
            .as_ref()
            .map(|p| (Some(p.practice_ods.as_str()), Some(p.id.as_str())))
            .unwrap_or_default();
        let event = |kind, actor, detail| NewAuditEvent {
            kind,
            actor,
            practice_ods: practice,
            patient_id: patient,
            detail,
        };
        let failure = event(
            AuditKind::ReplacementIdentityFailed,
            "patient",
            "NHS number, date of birth and postcode did not match",
        );
        let lockout = event(
            AuditKind::ReplacementLockout,
            "system",
            "Replacement locked for 15 minutes after 5 failures",
        );
        let failed = attempt
            .failed(db, Some(&failure), &lockout, timestamp)
            .await?;
        let view = refuse(failed.problem());
        return Ok(render(&state, routes::REPLACE, view, failed.status()).await);
    };
    attempt.succeeded(db, timestamp).await?;
    let eligible = check_eligibility(&identified.facts, now.date());
    // No live account: ended by the practice (the patient is told why), or never had one.
    let account = match (identified.current_account, eligible) {
        (Some(account), Ok(())) => account,
        (None, Err(reason @ Ineligible::AccessEnded(_))) | (Some(_), Err(reason)) => {
            audit::record(
                db.pool(),
                &NewAuditEvent {
                    kind: AuditKind::ReplacementRefused,
                    actor: "system",
                    practice_ods: Some(identified.patient.practice_ods.as_str()),
                    patient_id: Some(&identified.patient.id),
                    detail: &format!("{reason:?}"),
                },
                timestamp,
            )
            .await?;
            let view = IdentityView::Ineligible { reason };
            return Ok(render(&state, routes::REPLACE, view, StatusCode::FORBIDDEN).await);
        }
        (None, _) => {
            let view = IdentityView::NoAccount;
            return Ok(render(&state, routes::REPLACE, view, StatusCode::NOT_FOUND).await);
        }
    };

    let token = JourneyToken::generate();
    replacement::start_journey(
        db.pool(),
        &token,
        &identified.patient.id,
        &account.id,
        timestamp,
    )
    .await?;
    let mut response = Redirect::to(routes::REPLACE_EMAIL).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, journey_cookie(Some(&token)));
    Ok(response)
}
