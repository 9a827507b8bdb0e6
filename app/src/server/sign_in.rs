//! Patient sign-in and sign-out. The passphrase check goes through the credential-attempt
//! policy ([`super::throttle`]); a match starts a new session ([`super::patient_session`]).

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use time::OffsetDateTime;

use super::access_ended;
use super::patient_session::{session_cookie, PatientSession, SESSION_COOKIE};
use super::throttle::{self, Answer as _};
use super::{render, request_cookie, request_locale, AppState, ClientAddress, JourneyError};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::sessions::{self, SessionKind};
use crate::db::tokens::SessionId;
use crate::db::{accounts, pin_documents};
use crate::domain::attempts::CredentialKey;
use crate::domain::{AccountId, OdsCode};
use crate::i18n::td_string;
use crate::language::Localize as _;
use crate::views::account::SignInView;
use crate::views::form::{FormErrors, FormProblem};
use crate::views::routes;

/// Sign-in and sign-out.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(routes::SIGN_IN, get(show_sign_in).post(sign_in))
        .route(routes::SIGN_OUT, post(sign_out))
        .route(routes::SIGN_OUT_EVERYWHERE, post(sign_out_everywhere))
        .route(routes::KEEP_ALIVE, post(keep_alive))
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

/// The sign-out form's query: `?timed_out=1` when the timeout warning's time ran out.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignOutQuery {
    timed_out: Option<String>,
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

pub async fn show_sign_in(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
) -> Response {
    let idle = state.session_timeouts.idle_seconds(SessionKind::Patient);
    let view = SignInView {
        signed_out: query.signed_out.is_some(),
        signed_out_everywhere: query.signed_out.as_deref() == Some("everywhere"),
        timed_out_after_minutes: (query.signed_out.as_deref() == Some("timeout"))
            .then_some(crate::language::whole_minutes(idle)),
        ..SignInView::default()
    };
    render(&state, routes::SIGN_IN, view, StatusCode::OK).await
}

/// Checks an Account ID, ODS code and passphrase; on a match, a new session (the id is
/// rotated) and "Your account".
pub async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, JourneyError> {
    let (state, client, headers) = (&state, &client, &headers);
    let mut view = SignInView {
        account_id: form.account_id.trim().to_owned(),
        ods_code: form.ods_code.trim().to_owned(),
        ..SignInView::default()
    };
    let locale = request_locale();
    let mut errors = FormErrors::default();
    let account_id = AccountId::parse(&form.account_id)
        .map_err(|e| errors.add("account-id", e.localize(request_locale())))
        .ok();
    let ods = OdsCode::parse(&form.ods_code)
        .map_err(|e| errors.add("ods-code", e.localize(request_locale())))
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
    let matches = attempt
        .hash(db, &state.hashing, move |hasher| {
            hasher.verify(&typed, &hash)
        })
        .await?;
    let matches = matches && has_hash;
    let patient = account.as_ref().map(|a| a.patient_id.clone());
    let usable = |a: &accounts::OnlineAccount| {
        matches!(
            a.status,
            accounts::AccountStatus::Active | accounts::AccountStatus::Ended { .. }
        )
    };
    let active = account.filter(|a| matches && usable(a));

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

    // PDS records the patient as deceased, or the practice ended online access: the right
    // passphrase opens nothing, and the patient is told why.
    if let Some(why) = access_ended::refusal(db, &account, "sign-in", timestamp).await? {
        view.problem = Some(FormProblem::AccessEnded(why));
        return Ok(render(state, routes::SIGN_IN, view, StatusCode::FORBIDDEN).await);
    }

    // A PIN document still waiting to be used means the practice expects a new passphrase.
    let today = OffsetDateTime::now_utc().date();
    if let Some(document) = pin_documents::current_for_account(db.pool(), &account.id).await? {
        if document.used_at.is_none() && !document.dates.is_expired(today) {
            return Ok(Redirect::to(routes::RESET).into_response());
        }
    }

    let old = request_cookie(headers, SESSION_COOKIE).map(|old| SessionId::from_cookie(&old));
    let kind = SessionKind::Patient;
    let id = sessions::rotate(db.pool(), kind, old.as_ref(), &account.id, timestamp).await?;
    accounts::mark_used(db.pool(), &account.id, timestamp).await?;
    accounts::remember_language(db.pool(), &account.id, locale).await?;
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

/// Ends the session (when there is one), and says so on the sign-in page: that the patient
/// signed out, or (`?timed_out=1`, from the timeout warning) that their time ran out.
pub async fn sign_out(
    State(state): State<AppState>,
    Query(query): Query<SignOutQuery>,
    session: Option<PatientSession>,
) -> Result<Response, JourneyError> {
    if let Some(PatientSession { id, account_row }) = session {
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
    let to = match query.timed_out {
        Some(_) => routes::timed_out(routes::SIGN_IN),
        None => routes::signed_out(routes::SIGN_IN),
    };
    let mut response = Redirect::to(&to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(None));
    Ok(response)
}

/// "Stay signed in" in the timeout warning: a live session was just marked used (by
/// [`PatientSession`]'s resume), so the answer is only 204; without one, 401 and the cookie
/// goes, and the warning's script sends the patient to the sign-in page. Throttled per client.
pub async fn keep_alive(
    State(state): State<AppState>,
    client: ClientAddress,
    session: Option<PatientSession>,
) -> Result<Response, JourneyError> {
    if !throttle::keep_alive_allowed(&state.db, &client, now()).await? {
        return Ok(StatusCode::TOO_MANY_REQUESTS.into_response());
    }
    if session.is_some() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok((
        StatusCode::UNAUTHORIZED,
        [(header::SET_COOKIE, session_cookie(None))],
    )
        .into_response())
}

/// "Sign out of all devices": ends every session of the account, this one included, audited,
/// and says so on the sign-in page. The form is protected like every other post (a
/// cross-site post is refused before any handler runs, `server::security`); without a live
/// session there is nothing to end, and the sign-in page is shown.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    session: Option<PatientSession>,
) -> Result<Response, JourneyError> {
    let Some(PatientSession { account_row, .. }) = session else {
        return Ok(Redirect::to(routes::SIGN_IN).into_response());
    };
    let Some(account) = accounts::find(state.db.pool(), &account_row).await? else {
        return Ok(Redirect::to(routes::SIGN_IN).into_response());
    };
    sessions::sign_out_everywhere(&state.db, &account, now()).await?;
    let mut response = Redirect::to(&routes::signed_out_everywhere()).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(None));
    Ok(response)
}
