//! Patient sign-in, "Your account" and sign-out. Each endpoint parses, throttles and checks
//! the session itself.

use crate::language::Localize as _;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use time::OffsetDateTime;

use super::throttle::{self, Answer as _};
use super::{host_cookie, render, request_cookie, AppState, ClientAddress, JourneyError};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::patients::{self, DemographicSource, Demographics};
use crate::db::sessions::{self, SessionKind};
use crate::db::step_tokens::StepToken;
use crate::db::{accounts, pin_documents, practices, DbError};
use crate::domain::attempts::CredentialKey;
use crate::domain::{record_visibility, services_shown, AccountId, OdsCode, RecordDates};
use crate::i18n::td_string;
use crate::language::long_date;
use crate::views::account::{AccountSummary, ActivityItem, DetailRow, DetailSource, SignInView};
use crate::views::form::FormErrors;
use crate::views::routes;

/// The patient session cookie. Lax, so a link from an email or another site still finds the
/// patient signed in; HttpOnly and Secure so scripts and plain HTTP never see it.
pub const SESSION_COOKIE: &str = "__Host-relink-session";

/// Sign-in, "Your account" and sign-out.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(routes::SIGN_IN, get(show_sign_in).post(sign_in))
        .route(routes::SIGN_OUT, post(sign_out))
        .route(routes::ACCOUNT, get(show_account))
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    account_id: String,
    ods_code: String,
    passphrase: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInQuery {
    signed_out: Option<String>,
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn session_cookie(id: Option<&StepToken>) -> HeaderValue {
    host_cookie(SESSION_COOKIE, id.map(StepToken::expose), "Lax", None)
}

pub async fn show_sign_in(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
) -> Response {
    let view = SignInView {
        signed_out: query.signed_out.is_some(),
        ..SignInView::default()
    };
    render(&state, routes::SIGN_IN, view, StatusCode::OK).await
}

pub async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    sign_in_inner(&state, &client, &headers, form)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn sign_in_inner(
    state: &AppState,
    client: &ClientAddress,
    headers: &HeaderMap,
    form: SignInForm,
) -> Result<Response, JourneyError> {
    let mut view = SignInView {
        account_id: form.account_id.trim().to_owned(),
        ods_code: form.ods_code.trim().to_owned(),
        ..SignInView::default()
    };
    let locale = super::request_locale();
    let mut errors = FormErrors::default();
    let account_id = AccountId::parse(&form.account_id)
        .map_err(|e| errors.add("account-id", e.localize(super::request_locale())))
        .ok();
    let ods = OdsCode::parse(&form.ods_code)
        .map_err(|e| errors.add("ods-code", e.localize(super::request_locale())))
        .ok();
    if form.passphrase.is_empty() {
        errors.add(
            "passphrase",
            td_string!(locale, account.sign_in.enter_passphrase),
        );
    } else if form.passphrase.chars().count() > 128 {
        errors.add(
            "passphrase",
            td_string!(locale, account.sign_in.passphrase_too_long),
        );
    }
    let (Some(account_id), Some(ods), true) = (account_id, ods, errors.is_empty()) else {
        view.errors = errors;
        return Ok(render(
            state,
            routes::SIGN_IN,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };

    let db = &state.db;
    let timestamp = now();
    let credential = CredentialKey::patient_sign_in(&ods, &account_id);
    let attempt = match throttle::begin(db, client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            view.problem = Some(refused.problem());
            return Ok(render(state, routes::SIGN_IN, view, refused.status()).await);
        }
    };

    // The same Argon2 work, and the same queries, whether or not the account exists or has a
    // passphrase (benches/enumeration_timing.rs measures the difference).
    let account = accounts::find_by_account_id(db.pool(), &ods, &account_id).await?;
    let row = account.as_ref().map_or("", |account| account.id.as_str());
    let stored = accounts::passphrase_hash(db.pool(), row).await?;
    let has_hash = stored.is_some();
    let hash = stored.unwrap_or_else(|| state.dummy_hash.to_string());
    let typed = form.passphrase.clone();
    let checked = state
        .hashing
        .run(move |hasher| hasher.verify(&typed, &hash))
        .await;
    let matches = match checked {
        Ok(matches) => matches && has_hash,
        Err(busy) => {
            attempt.abandon(db).await?;
            return Err(busy.into());
        }
    };
    let patient = account.as_ref().map(|a| a.patient_id.clone());
    let active = account.filter(|a| matches && a.status == accounts::AccountStatus::Active);

    let Some(account) = active else {
        let event = |kind, actor, detail| NewAuditEvent {
            kind,
            actor,
            practice_ods: Some(ods.as_str()),
            patient_id: patient.as_deref(),
            detail,
        };
        let failed = attempt
            .failed(
                db,
                Some(&event(
                    AuditKind::SignInFailed,
                    "patient",
                    "sign-in details did not match",
                )),
                &event(
                    AuditKind::SignInLockout,
                    "system",
                    "sign-in locked for 15 minutes after 5 failures",
                ),
                timestamp,
            )
            .await?;
        view.problem = Some(failed.problem());
        return Ok(render(state, routes::SIGN_IN, view, failed.status()).await);
    };
    attempt.succeeded(db, timestamp).await?;

    // A PIN document still waiting to be used means the practice expects a new passphrase.
    let today = OffsetDateTime::now_utc().date();
    if let Some(document) = pin_documents::current_for_account(db.pool(), &account.id).await? {
        if document.used_at.is_none() && !document.dates.is_expired(today) {
            return Ok(Redirect::to(routes::RESET).into_response());
        }
    }

    // Rotate: whatever session id the browser had is ended, and a new one issued.
    if let Some(old) = request_cookie(headers, SESSION_COOKIE) {
        sessions::end(db.pool(), &StepToken::from_cookie(&old)).await?;
    }
    let id = sessions::create(db.pool(), SessionKind::Patient, &account.id, timestamp).await?;
    sqlx::query("UPDATE online_accounts SET last_used_at = $1 WHERE id = $2")
        .bind(timestamp)
        .bind(&account.id)
        .execute(db.pool())
        .await
        .map_err(DbError::from)?;
    let event = NewAuditEvent {
        kind: AuditKind::SignedIn,
        actor: "patient",
        practice_ods: Some(ods.as_str()),
        patient_id: Some(&account.patient_id),
        detail: "",
    };
    audit::record(db.pool(), &event, timestamp).await?;
    let mut response = Redirect::to(routes::ACCOUNT).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(Some(&id)));
    Ok(response)
}

/// The account id of the signed-in patient, if the session is live.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(StepToken, String)>, DbError> {
    let Some(value) = request_cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let id = StepToken::from_cookie(&value);
    Ok(
        sessions::resume(state.db.pool(), SessionKind::Patient, &id, now())
            .await?
            .map(|subject| (id, subject)),
    )
}

pub async fn show_account(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result: Result<Response, JourneyError> = async {
        let Some((_, account_row)) = signed_in(&state, &headers).await? else {
            return Ok(Redirect::to(routes::SIGN_IN).into_response());
        };
        match account_summary(&state, &account_row).await? {
            Some(summary) => {
                Ok(render(&state, routes::ACCOUNT, Some(summary), StatusCode::OK).await)
            }
            None => Ok(Redirect::to(routes::SIGN_IN).into_response()),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result: Result<Response, JourneyError> = async {
        if let Some((id, account_row)) = signed_in(&state, &headers).await? {
            sessions::end(state.db.pool(), &id).await?;
            if let Some(account) = accounts::find(state.db.pool(), &account_row).await? {
                let event = NewAuditEvent {
                    kind: AuditKind::SignedOut,
                    actor: "patient",
                    practice_ods: Some(account.practice_ods.as_str()),
                    patient_id: Some(&account.patient_id),
                    detail: "",
                };
                audit::record(state.db.pool(), &event, now()).await?;
            }
        }
        let mut response =
            Redirect::to(&format!("{}?signed_out=1", routes::SIGN_IN)).into_response();
        response
            .headers_mut()
            .append(header::SET_COOKIE, session_cookie(None));
        Ok(response)
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
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
/// a test patient (who may have no online account yet) uses it too. Labels, dates and activity
/// are in the language of the request being answered.
pub async fn patient_summary(
    state: &AppState,
    patient_id: &str,
) -> Result<Option<AccountSummary>, DbError> {
    let locale = super::request_locale();
    let db = &state.db;
    let Some(patient) = patients::find(db.pool(), patient_id).await? else {
        return Ok(None);
    };
    let Some(practice) = practices::find(db.pool(), &patient.practice_ods).await? else {
        return Ok(None);
    };
    let records = patients::demographics(db.pool(), &patient.id).await?;

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
    let name = |r: &Demographics| format!("{} {}", r.given_name, r.family_name);
    let dob = |r: &Demographics| long_date(r.date_of_birth, locale);
    let address = |r: &Demographics| {
        if r.address_line.is_empty() && r.postcode.is_empty() {
            // Test patients have no address.
            td_string!(locale, account.details.no_address).to_owned()
        } else if r.postcode.is_empty() {
            r.address_line.clone()
        } else {
            format!("{}, {}", r.address_line, r.postcode)
        }
    };
    let row = |label: &str, source: DetailSource, field: &dyn Fn(&Demographics) -> String| {
        let (main, other) = match source {
            DetailSource::NhsSpine => (pds.or(gp), gp),
            DetailSource::GpRecord => (gp.or(pds), pds),
        };
        main.map(|main| {
            let value = field(main);
            let other_source_value = other.map(field).filter(|o| *o != value);
            DetailRow {
                label: label.to_owned(),
                value,
                source,
                other_source_value,
            }
        })
    };
    let mut details: Vec<DetailRow> = [
        row(
            td_string!(locale, account.details.name),
            DetailSource::NhsSpine,
            &name,
        ),
        row(
            td_string!(locale, account.details.date_of_birth),
            DetailSource::NhsSpine,
            &dob,
        ),
        row(
            td_string!(locale, account.details.address),
            DetailSource::GpRecord,
            &address,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    details.push(DetailRow {
        label: td_string!(locale, account.details.nhs_number).to_owned(),
        value: patient.nhs_number.to_string(),
        source: DetailSource::NhsSpine,
        other_source_value: None,
    });

    let activity = audit::recent_for_patient(db.pool(), &patient.id, 10)
        .await?
        .into_iter()
        .filter_map(|event| {
            let description = match event.kind.as_str() {
                "signed_in" => td_string!(locale, account.activity.signed_in),
                "sign_in_failed" => td_string!(locale, account.activity.sign_in_failed),
                "passphrase_reset" => td_string!(locale, account.activity.passphrase_reset),
                "pin_verification_failed" => {
                    td_string!(locale, account.activity.pin_verification_failed)
                }
                "pin_lockout" => td_string!(locale, account.activity.pin_lockout),
                "sign_in_lockout" => td_string!(locale, account.activity.sign_in_lockout),
                "signed_out" => td_string!(locale, account.activity.signed_out),
                "account_replaced" => td_string!(locale, account.activity.account_replaced),
                "replacement_identity_failed" => {
                    td_string!(locale, account.activity.replacement_identity_failed)
                }
                _ => return None,
            };
            let when = OffsetDateTime::from_unix_timestamp(event.occurred_at).ok()?;
            Some(ActivityItem {
                date: long_date(when.date(), locale),
                description: description.to_owned(),
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
