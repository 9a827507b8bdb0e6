//! Staff sign-in and sign-out: the only staff pages open to everyone.

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{now, signed_in, STAFF_COOKIE};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::sessions::{self, SessionKind};
use crate::db::staff;
use crate::db::tokens::SessionId;
use crate::domain::attempts::CredentialKey;
use crate::domain::{StaffReturnPath, StaffUsername};
use crate::i18n::td_string;
use crate::language::Localize as _;
use crate::server::throttle::{self, Answer as _};
use crate::server::{
    host_cookie, render, request_cookie, request_locale, AppState, ClientAddress, JourneyError,
};
use crate::views::form::FormErrors;
use crate::views::routes;
use crate::views::staff::{ProviderOffer, StaffSignInView};

/// The sign-in page's query: `?signed_out=1` after signing out.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct SignInQuery {
    signed_out: Option<String>,
    step_ended: Option<String>,
    next: Option<String>,
}

/// The page to go on to, if the one given is a staff page; empty otherwise.
fn return_path(next: Option<&str>) -> String {
    next.and_then(StaffReturnPath::parse)
        .map(|path| path.as_str().to_owned())
        .unwrap_or_default()
}

/// The sign-in page as configured: the identity provider's button when there is one, and the
/// local form unless the provider alone is allowed.
pub(super) fn sign_in_view(state: &AppState) -> StaffSignInView {
    let provider = state.staff_provider.as_deref();
    StaffSignInView {
        provider: provider.map(|provider| ProviderOffer {
            label: provider.label().map(str::to_owned),
        }),
        no_password_form: !password_sign_in_allowed(state),
        ..StaffSignInView::default()
    }
}

/// Local usernames and passwords sign in: no provider is configured, or an administrator
/// allowed both.
fn password_sign_in_allowed(state: &AppState) -> bool {
    state
        .staff_provider
        .as_deref()
        .is_none_or(|provider| provider.password_sign_in())
}

/// The sign-in form, saying so after a sign-out.
pub(super) async fn show_sign_in(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
) -> Response {
    let idle = state.session_timeouts.idle_seconds(SessionKind::Staff);
    let view = StaffSignInView {
        signed_out: query.signed_out.is_some(),
        timed_out_after_minutes: (query.signed_out.as_deref() == Some("timeout"))
            .then_some(crate::language::whole_minutes(idle)),
        step_ended: query.step_ended.is_some(),
        next: return_path(query.next.as_deref()),
        ..sign_in_view(&state)
    };
    render(&state, routes::STAFF_SIGN_IN, view, StatusCode::OK).await
}

/// What the sign-in form posts.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct SignInForm {
    username: String,
    password: String,
    next: String,
}

/// Checks the username and password (throttled per username, the same work whether or not the
/// username exists) and starts a staff session.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    Form(form): Form<SignInForm>,
) -> Result<Response, JourneyError> {
    let mut view = StaffSignInView {
        username: form.username.trim().to_owned(),
        next: return_path(Some(&form.next)),
        ..sign_in_view(&state)
    };
    if !password_sign_in_allowed(&state) {
        // Only the identity provider signs staff in: the form is not offered, nor honoured.
        view.username.clear();
        return Ok(render(&state, routes::STAFF_SIGN_IN, view, StatusCode::FORBIDDEN).await);
    }
    let mut errors = FormErrors::default();
    let username = StaffUsername::parse(&form.username)
        .map_err(|e| errors.add("username", e.localize(request_locale())))
        .ok();
    let locale = request_locale();
    if form.password.is_empty() {
        errors.add("password", td_string!(locale, staff.sign_in.enter_password));
    } else if form.password.chars().count() > 128 {
        errors.add(
            "password",
            td_string!(locale, staff.sign_in.password_too_long),
        );
    }
    let (Some(username), true) = (username, errors.is_empty()) else {
        view.errors = errors;
        return Ok(render(
            &state,
            routes::STAFF_SIGN_IN,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    let db = &state.db;
    let timestamp = now().unix_timestamp();
    let credential = CredentialKey::staff_sign_in(&username, client.key());
    let attempt = match throttle::begin(db, &client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            view.problem = Some(refused.problem());
            return Ok(render(&state, routes::STAFF_SIGN_IN, view, refused.status()).await);
        }
    };
    // The same Argon2 work whether or not the username exists.
    let stored = staff::password_hash(db.pool(), &username).await?;
    let known = stored.is_some();
    let hash = stored.unwrap_or_else(|| state.dummy_hash.to_string());
    let typed = form.password.clone();
    let matches = attempt
        .hash(db, &state.hashing, move |hasher| {
            hasher.verify(&typed, &hash)
        })
        .await?;
    let matches = matches && known;
    if !matches {
        let event = |kind, actor| NewAuditEvent {
            kind,
            actor,
            practice_ods: None,
            patient_id: None,
            detail: "",
        };
        let failure = event(AuditKind::StaffSignInFailed, username.as_str());
        let lockout = NewAuditEvent {
            detail: "staff sign-in from one connection locked for 15 minutes after 5 failures",
            ..event(AuditKind::StaffSignInLockout, "system")
        };
        let failed = attempt
            .failed(db, Some(&failure), &lockout, timestamp)
            .await?;
        if known {
            throttle::staff_failure(db, &username, timestamp).await?;
        }
        view.problem = Some(failed.problem());
        return Ok(render(&state, routes::STAFF_SIGN_IN, view, failed.status()).await);
    }
    attempt.succeeded(db, timestamp).await?;
    // The password is one factor: the sign-in goes on to the authenticator's code (and, the
    // first time, the member's own password and setting the authenticator up).
    super::second_factor::begin(&state, &username, &view.next, timestamp).await
}

/// Starts a staff session for a member who has proved who they are (every factor checked),
/// rotating any old session id, audits the sign-in and goes on to `next` (a checked staff
/// path, or empty for the staff home). The one way into the staff area, whichever way the
/// member signed in.
pub(super) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    username: &StaffUsername,
    next: &str,
    timestamp: i64,
) -> Result<Response, JourneyError> {
    let cookie = open_session(state, headers, username, timestamp).await?;
    let to = match next {
        "" => routes::STAFF_HOME,
        next => next,
    };
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Opens the member's staff session (rotating any old id) and audits the sign-in; returns the
/// session cookie for the answer to set.
pub(super) async fn open_session(
    state: &AppState,
    headers: &HeaderMap,
    username: &StaffUsername,
    timestamp: i64,
) -> Result<HeaderValue, JourneyError> {
    let db = &state.db;
    let old = request_cookie(headers, STAFF_COOKIE).map(|old| SessionId::from_cookie(&old));
    let kind = SessionKind::Staff;
    let id = sessions::rotate(db.pool(), kind, old.as_ref(), username.as_str(), timestamp).await?;
    audit::record(
        db.pool(),
        &NewAuditEvent {
            kind: AuditKind::StaffSignedIn,
            actor: username.as_str(),
            practice_ods: None,
            patient_id: None,
            detail: "",
        },
        timestamp,
    )
    .await?;
    Ok(host_cookie(STAFF_COOKIE, Some(id.expose()), "Strict", None))
}

/// The sign-out form's query: `?timed_out=1` when the timeout warning's time ran out.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct SignOutQuery {
    timed_out: Option<String>,
}

/// Ends the staff session, if there is one, and clears its cookie either way; the sign-in page
/// says the member signed out, or (`?timed_out=1`) that their time ran out.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    Query(query): Query<SignOutQuery>,
    headers: HeaderMap,
) -> Result<Response, JourneyError> {
    if let Some((id, member)) = signed_in(&state, &headers).await? {
        sessions::end(state.db.pool(), &id).await?;
        audit::record(
            state.db.pool(),
            &NewAuditEvent {
                kind: AuditKind::StaffSignedOut,
                actor: member.username.as_str(),
                practice_ods: None,
                patient_id: None,
                detail: "",
            },
            now().unix_timestamp(),
        )
        .await?;
    }
    let to = match query.timed_out {
        Some(_) => routes::timed_out(routes::STAFF_SIGN_IN),
        None => routes::signed_out(routes::STAFF_SIGN_IN),
    };
    let mut response = Redirect::to(&to).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        host_cookie(STAFF_COOKIE, None, "Strict", None),
    );
    Ok(response)
}

/// "Stay signed in" in a staff page's timeout warning: the guard in front of it has just
/// marked the session used, so the answer is only 204 (without a live session the guard
/// refuses it, and the warning's script goes to the sign-in page). Throttled per client.
pub(super) async fn keep_alive(
    State(state): State<AppState>,
    client: ClientAddress,
    _member: super::SignedInStaff,
) -> Result<Response, JourneyError> {
    let timestamp = now().unix_timestamp();
    if !throttle::keep_alive_allowed(&state.db, &client, timestamp).await? {
        return Ok(StatusCode::TOO_MANY_REQUESTS.into_response());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
