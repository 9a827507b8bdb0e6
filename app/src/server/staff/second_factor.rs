//! A local staff sign-in after the password: the member's own password in place of a first or
//! reset one, an authenticator app set up (with ten recovery codes), and a code from it at
//! every sign-in. The browser holds a sign-in step token (`__Host-`, SameSite=Strict, 10
//! minutes); what is left to do is decided from the member's account each time
//! (`db::staff::SignInStage`), so an administrator's reset applies at once.

use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rand::Rng;
use serde::Deserialize;

use super::auth::{open_session, start_session};
use super::now;
use super::pin_documents::qr_svg;
use crate::db::audit::{AuditKind, NewAuditEvent};
use crate::db::staff::{self, SignInStage, SignInStep, SIGN_IN_STEP_LIFETIME_SECONDS};
use crate::db::tokens::{sha256_hex, StaffSignInToken};
use crate::domain::attempts::CredentialKey;
use crate::domain::second_factor::{
    parse_authenticator_code, RecoveryCode, SecondFactorAnswer, SecondFactorAnswerError,
    TotpSecret, RECOVERY_CODE_COUNT, RECOVERY_CODE_LENGTH,
};
use crate::domain::staff_password::{check_new_password, StaffPasswordRejection};
use crate::domain::{StaffUsername, StepWindow};
use crate::i18n::td_string;
use crate::server::throttle::{self, Answer as _};
use crate::server::{
    host_cookie, more_time, render, render_step, request_cookie, request_locale, AppState,
    ClientAddress, JourneyError,
};
use crate::views::form::FormErrors;
use crate::views::page::TimeLimited;
use crate::views::routes;
use crate::views::staff::{StaffAuthenticatorView, StaffNewPasswordView, StaffSecurityCodeView};

/// The cookie holding a sign-in step token: separate from the session's.
pub const STAFF_STEP_COOKIE: &str = "__Host-relink-staff-step";

/// The page for a stage, or `None` when every step is done.
fn page_of(stage: &SignInStage) -> Option<&'static str> {
    match stage {
        SignInStage::ChangePassword => Some(routes::STAFF_NEW_PASSWORD),
        SignInStage::SetUpAuthenticator { .. } => Some(routes::STAFF_AUTHENTICATOR),
        SignInStage::EnterCode => Some(routes::STAFF_SECURITY_CODE),
        SignInStage::Finished => None,
    }
}

/// After the right password: starts a sign-in step and sends the member to its first page.
pub(super) async fn begin(
    state: &AppState,
    username: &StaffUsername,
    next: &str,
    timestamp: i64,
) -> Result<Response, JourneyError> {
    let token = StaffSignInToken::generate();
    staff::begin_sign_in_step(state.db.pool(), &token, username, next, timestamp).await?;
    let step = staff::sign_in_step(state.db.pool(), &token, timestamp).await?;
    let Some(step) = step else {
        return Ok(step_ended());
    };
    go_on(state, &token, &step, &HeaderMap::new(), timestamp).await
}

/// Sends the member to the page of their step's stage, with the step's cookie; or, every step
/// done, ends the step and starts their session.
async fn go_on(
    state: &AppState,
    token: &StaffSignInToken,
    step: &SignInStep,
    headers: &HeaderMap,
    timestamp: i64,
) -> Result<Response, JourneyError> {
    match page_of(&step.stage) {
        Some(page) => {
            let mut response = Redirect::to(page).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                host_cookie(
                    STAFF_STEP_COOKIE,
                    Some(token.expose()),
                    "Strict",
                    Some(SIGN_IN_STEP_LIFETIME_SECONDS),
                ),
            );
            Ok(response)
        }
        None => {
            staff::end_sign_in_step(state.db.pool(), token).await?;
            let mut response =
                start_session(state, headers, &step.username, &step.next, timestamp).await?;
            response.headers_mut().append(
                header::SET_COOKIE,
                host_cookie(STAFF_STEP_COOKIE, None, "Strict", None),
            );
            Ok(response)
        }
    }
}

/// A page of the sign-in step: it says how long the step has left and, with JavaScript, warns
/// before it ends and offers more time.
async fn step_page<V: Clone + Send + Sync + 'static>(
    state: &AppState,
    path: &str,
    view: V,
    status: StatusCode,
    window: StepWindow,
) -> Response {
    let step = (TimeLimited::StaffSignInStep, window);
    render_step(state, path, view, status, step, now().unix_timestamp()).await
}

/// "I need more time" in the sign-in step's warning: gives the live step another 10 minutes
/// (at most [`crate::domain::MAX_EXTENSIONS`] times), and the browser's cookie as long (see
/// [`more_time::answer`]); 403 without a live step, 429 past the client's limit.
pub(super) async fn more_time(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
) -> Result<Response, JourneyError> {
    let timestamp = now().unix_timestamp();
    if !throttle::keep_alive_allowed(&state.db, &client, timestamp).await? {
        return Ok(StatusCode::TOO_MANY_REQUESTS.into_response());
    }
    let Some(value) = request_cookie(&headers, STAFF_STEP_COOKIE) else {
        return Ok(StatusCode::FORBIDDEN.into_response());
    };
    let token = StaffSignInToken::from_cookie(&value);
    let Some(step) = staff::sign_in_step(state.db.pool(), &token, timestamp).await? else {
        return Ok(StatusCode::FORBIDDEN.into_response());
    };
    let pool = state.db.pool();
    more_time::answer(
        step.window,
        timestamp,
        async |end| staff::extend_sign_in_step(pool, &token, end, timestamp).await,
        |seconds| {
            host_cookie(
                STAFF_STEP_COOKIE,
                Some(token.expose()),
                "Strict",
                Some(seconds),
            )
        },
    )
    .await
}

/// No live step (none, expired, ended, or the member was disabled): back to the password,
/// saying why.
fn step_ended() -> Response {
    let mut response =
        Redirect::to(&format!("{}?step_ended=1", routes::STAFF_SIGN_IN)).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        host_cookie(STAFF_STEP_COOKIE, None, "Strict", None),
    );
    response
}

/// The request's live step, or the answer that sends the member elsewhere: the sign-in page
/// when there is none, the right page when this is not the page of its stage.
async fn step_on(
    state: &AppState,
    headers: &HeaderMap,
    page: &'static str,
) -> Result<Result<(StaffSignInToken, SignInStep), Response>, JourneyError> {
    let Some(value) = request_cookie(headers, STAFF_STEP_COOKIE) else {
        return Ok(Err(step_ended()));
    };
    let token = StaffSignInToken::from_cookie(&value);
    let timestamp = now().unix_timestamp();
    let Some(step) = staff::sign_in_step(state.db.pool(), &token, timestamp).await? else {
        return Ok(Err(step_ended()));
    };
    if page_of(&step.stage) != Some(page) {
        return Ok(Err(go_on(state, &token, &step, headers, timestamp).await?));
    }
    Ok(Ok((token, step)))
}

// ---- Choosing their own password ----

/// The form for the member's own password.
pub(super) async fn show_new_password(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, JourneyError> {
    let step = match step_on(&state, &headers, routes::STAFF_NEW_PASSWORD).await? {
        Ok((_, step)) => step,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let view = StaffNewPasswordView::default();
    Ok(step_page(
        &state,
        routes::STAFF_NEW_PASSWORD,
        view,
        StatusCode::OK,
        step.window,
    )
    .await)
}

/// What the new-password form posts.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct NewPasswordForm {
    password: String,
    confirmation: String,
}

fn rejection_text(rejection: StaffPasswordRejection) -> &'static str {
    let locale = request_locale();
    match rejection {
        StaffPasswordRejection::Empty => td_string!(locale, staff.new_password.errors.empty),
        StaffPasswordRejection::TooShort => td_string!(locale, staff.new_password.errors.too_short),
        StaffPasswordRejection::TooLong => td_string!(locale, staff.new_password.errors.too_long),
        StaffPasswordRejection::SameAsGiven => {
            td_string!(locale, staff.new_password.errors.same_as_given)
        }
        StaffPasswordRejection::HasUsername => {
            td_string!(locale, staff.new_password.errors.has_username)
        }
        StaffPasswordRejection::TooWeak => td_string!(locale, staff.new_password.errors.too_weak),
        StaffPasswordRejection::ConfirmationEmpty => {
            td_string!(locale, staff.new_password.errors.confirmation_empty)
        }
        StaffPasswordRejection::ConfirmationMismatch => {
            td_string!(locale, staff.new_password.errors.confirmation_mismatch)
        }
    }
}

/// Checks the new password (the cheap rules first, then that it is not the one given, hashing
/// it in the same job) and saves it; each submission is an attempt on the step's counter, so a
/// step cannot make the server hash without end.
pub(super) async fn new_password(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<NewPasswordForm>,
) -> Result<Response, JourneyError> {
    let (token, step) = match step_on(&state, &headers, routes::STAFF_NEW_PASSWORD).await? {
        Ok(found) => found,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let refuse = |rejection: StaffPasswordRejection, status| {
        let mut errors = FormErrors::default();
        let field = if rejection.is_about_confirmation() {
            "confirmation"
        } else {
            "password"
        };
        errors.add(field, rejection_text(rejection));
        let (state, window) = (state.clone(), step.window);
        async move {
            let view = StaffNewPasswordView { errors };
            step_page(&state, routes::STAFF_NEW_PASSWORD, view, status, window).await
        }
    };
    if let Err(rejection) =
        check_new_password(&form.password, &form.confirmation, step.username.as_str())
    {
        return Ok(refuse(rejection, StatusCode::UNPROCESSABLE_ENTITY).await);
    }
    let db = &state.db;
    let timestamp = now().unix_timestamp();
    let credential = CredentialKey::new_passphrase(&token.digest());
    let attempt = match throttle::begin(db, &client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(_) => {
            staff::end_sign_in_step(db.pool(), &token).await?;
            return Ok(step_ended());
        }
    };
    let given = staff::password_hash(db.pool(), &step.username)
        .await?
        .unwrap_or_else(|| state.dummy_hash.to_string());
    let typed = form.password.clone();
    let (same, hash) = attempt
        .hash(db, &state.hashing, move |hasher| {
            (hasher.verify(&typed, &given), hasher.hash(&typed))
        })
        .await?;
    if same {
        let lockout = NewAuditEvent {
            kind: AuditKind::StaffSecondFactorLockout,
            actor: "system",
            practice_ods: None,
            patient_id: None,
            detail: "a staff sign-in step ended after 5 refused new passwords",
        };
        let failed = attempt.failed(db, None, &lockout, timestamp).await?;
        if failed.status() == StatusCode::TOO_MANY_REQUESTS {
            staff::end_sign_in_step(db.pool(), &token).await?;
            return Ok(step_ended());
        }
        return Ok(refuse(
            StaffPasswordRejection::SameAsGiven,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    }
    attempt.succeeded(db, timestamp).await?;
    staff::change_password(db, &step.username, &hash, timestamp).await?;
    let Some(step) = staff::sign_in_step(db.pool(), &token, timestamp).await? else {
        return Ok(step_ended());
    };
    go_on(&state, &token, &step, &headers, timestamp).await
}

// ---- Setting up an authenticator app ----

/// A fresh secret: 160 random bits from the operating system.
fn new_secret() -> TotpSecret {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill(&mut bytes);
    TotpSecret::from_bytes(bytes)
}

/// Ten fresh recovery codes, each letter drawn evenly from the alphabet.
fn new_recovery_codes() -> Vec<RecoveryCode> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let mut indexes = [0u8; RECOVERY_CODE_LENGTH];
            for index in &mut indexes {
                *index = rng.gen_range(0..31);
            }
            RecoveryCode::from_indexes(&indexes)
        })
        .collect()
}

/// The set-up page for this secret: its QR code and the same as text.
fn authenticator_view(username: &StaffUsername, secret: &TotpSecret) -> StaffAuthenticatorView {
    let svg = qr_svg(&secret.otpauth_url(username.as_str()))
        // Named by the page (role="img" on its box), not hidden: it is the page's main content.
        .replacen(
            r#"aria-hidden="true" focusable="false" "#,
            r#"focusable="false" "#,
            1,
        );
    StaffAuthenticatorView {
        username: username.to_string(),
        qr_svg: svg,
        secret: secret.grouped(),
        ..StaffAuthenticatorView::default()
    }
}

/// The set-up page: a secret is made for the step the first time it is shown, and kept on it
/// (so a reload shows the same one) until a code from it is confirmed.
pub(super) async fn show_authenticator(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, JourneyError> {
    let (token, step) = match step_on(&state, &headers, routes::STAFF_AUTHENTICATOR).await? {
        Ok(found) => found,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let secret = match step.stage {
        SignInStage::SetUpAuthenticator {
            pending: Some(secret),
        } => secret,
        _ => {
            let secret = new_secret();
            staff::set_pending_secret(state.db.pool(), &token, &secret).await?;
            secret
        }
    };
    let view = authenticator_view(&step.username, &secret);
    Ok(step_page(
        &state,
        routes::STAFF_AUTHENTICATOR,
        view,
        StatusCode::OK,
        step.window,
    )
    .await)
}

/// What the code forms post.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct CodeForm {
    code: String,
}

/// The audit events of a wrong code, and of the lock it may cause.
fn code_failure_events(username: &StaffUsername) -> (NewAuditEvent<'_>, NewAuditEvent<'_>) {
    let failure = NewAuditEvent {
        kind: AuditKind::StaffSecondFactorFailed,
        actor: username.as_str(),
        practice_ods: None,
        patient_id: None,
        detail: "",
    };
    let lockout = NewAuditEvent {
        kind: AuditKind::StaffSecondFactorLockout,
        actor: "system",
        detail: "staff security codes locked for 15 minutes after 5 wrong codes",
        ..failure.clone()
    };
    (failure, lockout)
}

/// Confirms the app is set up with a code from it, then saves the secret and ten recovery
/// codes (SHA-256 each) and starts the session; the answer shows the codes, this once.
pub(super) async fn authenticator(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, JourneyError> {
    let (token, step) = match step_on(&state, &headers, routes::STAFF_AUTHENTICATOR).await? {
        Ok(found) => found,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let SignInStage::SetUpAuthenticator {
        pending: Some(secret),
    } = &step.stage
    else {
        // Posted before the page made a secret: show the page.
        return Ok(Redirect::to(routes::STAFF_AUTHENTICATOR).into_response());
    };
    let locale = request_locale();
    let mut view = authenticator_view(&step.username, secret);
    let code = match parse_authenticator_code(&form.code) {
        Ok(code) => code,
        Err(error) => {
            let message = match error {
                SecondFactorAnswerError::Empty => {
                    td_string!(locale, staff.authenticator.enter_code)
                }
                SecondFactorAnswerError::WrongFormat => {
                    td_string!(locale, staff.authenticator.wrong_format)
                }
            };
            view.errors.add("code", message);
            return Ok(step_page(
                &state,
                routes::STAFF_AUTHENTICATOR,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
                step.window,
            )
            .await);
        }
    };
    let db = &state.db;
    let timestamp = now().unix_timestamp();
    let credential = CredentialKey::staff_second_factor(&step.username);
    let attempt = match throttle::begin(db, &client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            view.errors
                .add("code", td_string!(locale, staff.security_code.locked_out));
            return Ok(step_page(
                &state,
                routes::STAFF_AUTHENTICATOR,
                view,
                refused.status(),
                step.window,
            )
            .await);
        }
    };
    let Some(matched) = secret.matching_step(&code, unix_seconds(timestamp)) else {
        let (failure, lockout) = code_failure_events(&step.username);
        let failed = attempt
            .failed(db, Some(&failure), &lockout, timestamp)
            .await?;
        let message = if failed.status() == StatusCode::TOO_MANY_REQUESTS {
            td_string!(locale, staff.security_code.locked_out)
        } else {
            td_string!(locale, staff.authenticator.wrong_code)
        };
        view.errors.add("code", message);
        return Ok(step_page(
            &state,
            routes::STAFF_AUTHENTICATOR,
            view,
            failed.status(),
            step.window,
        )
        .await);
    };
    attempt.succeeded(db, timestamp).await?;
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| sha256_hex(code.compact()))
        .collect();
    if !staff::enrol(
        db,
        &token,
        &step.username,
        secret,
        matched,
        &hashes,
        timestamp,
    )
    .await?
    {
        // Set up meanwhile in another tab: that one's codes stand; sign in with a code.
        return Ok(step_ended());
    }
    let cookie = open_session(&state, &headers, &step.username, timestamp).await?;
    let shown = StaffAuthenticatorView {
        username: step.username.to_string(),
        recovery_codes: codes.iter().map(RecoveryCode::shown).collect(),
        next: step.next.clone(),
        ..StaffAuthenticatorView::default()
    };
    let mut response = render(&state, routes::STAFF_AUTHENTICATOR, shown, StatusCode::OK).await;
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response.headers_mut().append(
        header::SET_COOKIE,
        host_cookie(STAFF_STEP_COOKIE, None, "Strict", None),
    );
    Ok(response)
}

fn unix_seconds(timestamp: i64) -> u64 {
    u64::try_from(timestamp).unwrap_or_default()
}

// ---- The code at every sign-in ----

/// The code form.
pub(super) async fn show_security_code(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, JourneyError> {
    let step = match step_on(&state, &headers, routes::STAFF_SECURITY_CODE).await? {
        Ok((_, step)) => step,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let view = StaffSecurityCodeView::default();
    Ok(step_page(
        &state,
        routes::STAFF_SECURITY_CODE,
        view,
        StatusCode::OK,
        step.window,
    )
    .await)
}

/// Checks a code from the member's app (one of now or a step either side, never one used
/// before) or one of their recovery codes (used up), throttled per member and per client.
pub(super) async fn security_code(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, JourneyError> {
    let (token, step) = match step_on(&state, &headers, routes::STAFF_SECURITY_CODE).await? {
        Ok(found) => found,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let locale = request_locale();
    let answer = match SecondFactorAnswer::parse(&form.code) {
        Ok(answer) => answer,
        Err(error) => {
            let mut view = StaffSecurityCodeView::default();
            let message = match error {
                SecondFactorAnswerError::Empty => {
                    td_string!(locale, staff.security_code.enter_code)
                }
                SecondFactorAnswerError::WrongFormat => {
                    td_string!(locale, staff.security_code.wrong_format)
                }
            };
            view.errors.add("code", message);
            return Ok(step_page(
                &state,
                routes::STAFF_SECURITY_CODE,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
                step.window,
            )
            .await);
        }
    };
    let db = &state.db;
    let timestamp = now().unix_timestamp();
    let credential = CredentialKey::staff_second_factor(&step.username);
    let attempt = match throttle::begin(db, &client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            let view = StaffSecurityCodeView {
                problem: Some(refused.problem()),
                ..StaffSecurityCodeView::default()
            };
            return Ok(step_page(
                &state,
                routes::STAFF_SECURITY_CODE,
                view,
                refused.status(),
                step.window,
            )
            .await);
        }
    };
    let right = match &answer {
        SecondFactorAnswer::Authenticator(code) => {
            match staff::authenticator(db.pool(), &step.username).await? {
                Some(secret) => match secret.matching_step(code, unix_seconds(timestamp)) {
                    Some(matched) => {
                        staff::use_authenticator_step(db.pool(), &step.username, matched).await?
                    }
                    None => false,
                },
                None => false,
            }
        }
        SecondFactorAnswer::Recovery(code) => {
            let hash = sha256_hex(code.compact());
            staff::use_recovery_code(db, &step.username, &hash, timestamp)
                .await?
                .is_some()
        }
    };
    if !right {
        let (failure, lockout) = code_failure_events(&step.username);
        let failed = attempt
            .failed(db, Some(&failure), &lockout, timestamp)
            .await?;
        let view = StaffSecurityCodeView {
            problem: Some(failed.problem()),
            ..StaffSecurityCodeView::default()
        };
        return Ok(step_page(
            &state,
            routes::STAFF_SECURITY_CODE,
            view,
            failed.status(),
            step.window,
        )
        .await);
    }
    attempt.succeeded(db, timestamp).await?;
    staff::pass_second_factor(db.pool(), &token).await?;
    let Some(step) = staff::sign_in_step(db.pool(), &token, timestamp).await? else {
        return Ok(step_ended());
    };
    go_on(&state, &token, &step, &headers, timestamp).await
}
