//! The passphrase reset journey's endpoints. Each one parses its input into domain types,
//! throttles, calls the database layer and answers with a page or a redirect. Every one of them
//! is a public endpoint and checks everything itself.

use crate::language::Localize as _;
use axum::extract::{Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use time::OffsetDateTime;

use super::replacement::{finish_activation, ActivationStep};
use super::throttle::{self, Answer as _};
use super::{
    host_cookie, more_time, notices, render, render_fresh_form, render_step, request_cookie,
    AppState, ClientAddress, JourneyError,
};
use crate::db::accounts;
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::reset::{self, Completion, NewCredentials, ResetCandidate};
use crate::db::step_tokens::{self, StepToken, StepTokenState, STEP_TOKEN_LIFETIME_SECONDS};
use crate::domain::attempts::CredentialKey;
use crate::domain::passphrase_policy::{
    check_new_passphrase, could_equal_pin_passphrase, PersonalDetails,
};
use crate::domain::{
    AccessEnd, AccountId, ClinicalSystem, DateOfBirth, DateOfBirthError, OdsCode, PinPassphrase,
    StepWindow,
};
use crate::views::form::FormErrors;
use crate::views::page::TimeLimited;
use crate::views::reset::{DoneView, NewPassphraseView, ResetFormValues, ResetView};
use crate::views::routes;

/// The reset journey: the PIN document's details, the new passphrase, the confirmation.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(routes::RESET, get(show_form).post(verify))
        .route(
            routes::NEW_PASSPHRASE,
            get(show_new_passphrase).post(set_new_passphrase),
        )
        .route(routes::RESET_DONE, get(show_done))
        .route(routes::RESET_MORE_TIME, post(more_time))
}

/// The cookie that carries the step token: only sent to this site, never readable by scripts.
pub const STEP_COOKIE: &str = "__Host-relink-reset";

/// The first form, as posted. Strings, because anything may arrive; parsed below.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct VerifyForm {
    account_id: String,
    ods_code: String,
    pin_passphrase: String,
    date_of_birth_day: String,
    date_of_birth_month: String,
    date_of_birth_year: String,
}

/// The second form, as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewPassphraseForm {
    new_passphrase: String,
    confirm_passphrase: String,
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub async fn show_form(State(state): State<AppState>) -> Response {
    render_fresh_form::<ResetView>(&state, routes::RESET).await
}

/// Step 1: checks the four details against one PIN document.
pub async fn verify(
    State(state): State<AppState>,
    client: ClientAddress,
    Form(form): Form<VerifyForm>,
) -> Result<Response, JourneyError> {
    let state = &state;
    let client = &client;
    let now = now();
    let values = ResetFormValues {
        account_id: form.account_id.trim().to_owned(),
        ods_code: form.ods_code.trim().to_owned(),
        dob_day: form.date_of_birth_day.trim().to_owned(),
        dob_month: form.date_of_birth_month.trim().to_owned(),
        dob_year: form.date_of_birth_year.trim().to_owned(),
    };
    let mut errors = FormErrors::default();
    let account_id = AccountId::parse(&form.account_id)
        .map_err(|e| errors.add("account-id", e.localize(super::request_locale())))
        .ok();
    let ods = OdsCode::parse(&form.ods_code)
        .map_err(|e| errors.add("ods-code", e.localize(super::request_locale())))
        .ok();
    let pin = PinPassphrase::parse(&form.pin_passphrase)
        .map_err(|e| errors.add("pin-passphrase", e.localize(super::request_locale())))
        .ok();
    let dob = DateOfBirth::parse(
        &form.date_of_birth_day,
        &form.date_of_birth_month,
        &form.date_of_birth_year,
        now.date(),
    )
    .map_err(|e| errors.add(date_error_target(e), e.localize(super::request_locale())))
    .ok();
    let (Some(account_id), Some(ods), Some(pin), Some(dob)) = (account_id, ods, pin, dob) else {
        let view = ResetView::Form {
            values,
            errors,
            problem: None,
        };
        return Ok(render(state, routes::RESET, view, StatusCode::UNPROCESSABLE_ENTITY).await);
    };

    let db = &state.db;
    let timestamp = now.unix_timestamp();
    let refuse = |problem| ResetView::Form {
        values: values.clone(),
        errors: FormErrors::default(),
        problem: Some(problem),
    };
    let credential = CredentialKey::pin_document(&ods, &account_id);
    let attempt = match throttle::begin(db, client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            let view = refuse(refused.problem());
            return Ok(render(state, routes::RESET, view, refused.status()).await);
        }
    };

    // The same Argon2 work runs whether or not the account or document exists, so the answer
    // takes as long either way.
    let candidate = reset::find_candidate(db, &ods, &account_id).await?;
    let hash = candidate
        .as_ref()
        .and_then(|c| c.document.as_ref())
        .map_or_else(|| state.dummy_hash.to_string(), |d| d.secret_hash.clone());
    let secret = pin.expose().to_owned();
    let pin_matches = attempt
        .hash(db, &state.hashing, move |hasher| {
            hasher.verify(&secret, &hash)
        })
        .await?;
    let known_patient = candidate.as_ref().map(|c| c.account.patient_id.clone());
    let matched = candidate
        .filter(|c| pin_matches && c.document.is_some() && c.date_of_birth == Some(dob.date()));

    let Some(candidate) = matched else {
        let failure_detail = format!("Account ID {account_id}: details did not match");
        let lockout_detail =
            format!("Account ID {account_id}: locked for 15 minutes after 5 failures");
        let event = |kind, actor, detail| NewAuditEvent {
            kind,
            actor,
            practice_ods: Some(ods.as_str()),
            patient_id: known_patient.as_deref(),
            detail,
        };
        let failed = attempt
            .failed(
                db,
                Some(&event(
                    AuditKind::PinVerificationFailed,
                    "patient",
                    &failure_detail,
                )),
                &event(AuditKind::PinLockout, "system", &lockout_detail),
                timestamp,
            )
            .await?;
        let view = refuse(failed.problem());
        return Ok(render(state, routes::RESET, view, failed.status()).await);
    };

    attempt.succeeded(db, timestamp).await?;
    let practice_name = candidate.practice.name.clone();
    let document = candidate
        .document
        .clone()
        .expect("matched candidates have a document");
    let seen = |kind, detail: &'static str| {
        let practice = candidate.practice.ods_code.to_string();
        let patient = candidate.account.patient_id.clone();
        async move {
            let event = NewAuditEvent {
                kind,
                actor: "patient",
                practice_ods: Some(&practice),
                patient_id: Some(&patient),
                detail,
            };
            audit::record(db.pool(), &event, timestamp).await
        }
    };
    if let Some(why) = candidate.access_ended() {
        match why {
            AccessEnd::Deceased => seen(
                AuditKind::RefusedDeceased,
                "reset refused: PDS records the patient as deceased",
            ),
            _ => seen(
                AuditKind::RefusedAccessEnded,
                "reset refused: the practice ended online access",
            ),
        }
        .await?;
        let view = ResetView::AccessEnded { practice_name, why };
        return Ok(render(state, routes::RESET, view, StatusCode::FORBIDDEN).await);
    }
    if candidate.practice.clinical_system == ClinicalSystem::Emis {
        return Ok(render(
            state,
            routes::RESET,
            ResetView::EmisPractice { practice_name },
            StatusCode::FORBIDDEN,
        )
        .await);
    }
    if document.used_at.is_some() {
        seen(AuditKind::PinUsedSeen, "used PIN document entered").await?;
        return Ok(render(
            state,
            routes::RESET,
            ResetView::AlreadyUsed { practice_name },
            StatusCode::CONFLICT,
        )
        .await);
    }
    if document.dates.is_expired(now.date()) {
        seen(AuditKind::PinExpiredSeen, "expired PIN document entered").await?;
        let expired_on = document.dates.expires_on();
        return Ok(render(
            state,
            routes::RESET,
            ResetView::Expired {
                expired_on,
                practice_name,
            },
            StatusCode::GONE,
        )
        .await);
    }

    let token = StepToken::generate();
    step_tokens::issue(db.pool(), &token, &document.id, timestamp).await?;
    let mut response = Redirect::to(routes::NEW_PASSPHRASE).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, step_cookie(Some(&token)));
    Ok(response)
}

/// The date input has three boxes: point the summary link at the one that needs fixing.
pub(super) fn date_error_target(error: DateOfBirthError) -> &'static str {
    match error {
        DateOfBirthError::MissingMonth => "date-of-birth-month",
        DateOfBirthError::MissingYear => "date-of-birth-year",
        _ => "date-of-birth-day",
    }
}

/// The `Set-Cookie` value that hands the browser a step token (also for an activation).
pub(crate) fn step_cookie(token: Option<&StepToken>) -> HeaderValue {
    host_cookie(
        STEP_COOKIE,
        token.map(StepToken::expose),
        "Strict",
        Some(STEP_TOKEN_LIFETIME_SECONDS),
    )
}

fn step_token(headers: &HeaderMap) -> Option<StepToken> {
    request_cookie(headers, STEP_COOKIE).map(|value| StepToken::from_cookie(&value))
}

/// The open step of a reset: the browser's step token is valid, and the PIN document it was
/// issued for. Without one, a page asks for the details again (403, nothing changed); a token
/// that already finished a reset goes to the confirmation when the page is asked for, and
/// says the document was used when a form is posted.
pub struct ResetStep {
    token: StepToken,
    candidate: ResetCandidate,
    /// The replacement request this step activates, when it was opened at
    /// `/replace-account/activate`.
    activates: Option<String>,
    /// When the step began and when it ends.
    window: StepWindow,
}

impl ResetStep {
    /// The step's time limit, as its pages state it.
    fn time_limit(&self) -> (TimeLimited, StepWindow) {
        let what = match self.activates {
            Some(_) => TimeLimited::ActivationStep,
            None => TimeLimited::ResetStep,
        };
        (what, self.window)
    }
}

impl FromRequestParts<AppState> for ResetStep {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let step = open_step(state, &parts.headers).await;
        match step.map_err(IntoResponse::into_response)? {
            Ok(step) => Ok(step),
            Err(StepTokenState::Used { .. }) if parts.method == Method::GET => {
                Err(Redirect::to(routes::RESET_DONE).into_response())
            }
            Err(StepTokenState::Used {
                pin_document_id, ..
            }) => Err(already_used(state, &pin_document_id)
                .await
                .unwrap_or_else(IntoResponse::into_response)),
            Err(_) => Err(render(
                state,
                routes::NEW_PASSPHRASE,
                NewPassphraseView::SessionEnded,
                StatusCode::FORBIDDEN,
            )
            .await),
        }
    }
}

/// The token's state, and the step when the token is still valid.
async fn open_step(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Result<ResetStep, StepTokenState>, JourneyError> {
    let Some(token) = step_token(headers) else {
        return Ok(Err(StepTokenState::Invalid));
    };
    match step_tokens::state(state.db.pool(), &token, now().unix_timestamp()).await? {
        StepTokenState::Valid {
            pin_document_id,
            window,
        } => {
            let activates = step_tokens::replacement_request(state.db.pool(), &token).await?;
            match reset::candidate_for_document(&state.db, &pin_document_id).await? {
                Some(candidate) => Ok(Ok(ResetStep {
                    token,
                    candidate,
                    activates,
                    window,
                })),
                None => Ok(Err(StepTokenState::Invalid)),
            }
        }
        other => Ok(Err(other)),
    }
}

/// "This PIN document has already been used", naming the practice when it is known.
async fn already_used(state: &AppState, pin_document_id: &str) -> Result<Response, JourneyError> {
    let practice_name = reset::candidate_for_document(&state.db, pin_document_id)
        .await?
        .map(|c| c.practice.name);
    let view = NewPassphraseView::AlreadyUsed { practice_name };
    Ok(render(state, routes::NEW_PASSPHRASE, view, StatusCode::CONFLICT).await)
}

/// Step 2, the form: only for an open step.
pub async fn show_new_passphrase(State(state): State<AppState>, step: ResetStep) -> Response {
    let view = NewPassphraseView::Ready {
        errors: FormErrors::default(),
    };
    let limit = step.time_limit();
    let now = now().unix_timestamp();
    render_step(
        &state,
        routes::NEW_PASSPHRASE,
        view,
        StatusCode::OK,
        limit,
        now,
    )
    .await
}

/// "I need more time" in the step's warning: gives the open step another 10 minutes (at most
/// [`crate::domain::MAX_EXTENSIONS`] times), and the browser's cookie as long (see
/// [`more_time::answer`]); 403 when there is no open step (ended, used or never begun), 429
/// past the client's limit (the keep-alive one).
pub async fn more_time(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
) -> Result<Response, JourneyError> {
    let now = now().unix_timestamp();
    if !throttle::keep_alive_allowed(&state.db, &client, now).await? {
        return Ok(StatusCode::TOO_MANY_REQUESTS.into_response());
    }
    let Some(token) = step_token(&headers) else {
        return Ok(StatusCode::FORBIDDEN.into_response());
    };
    let StepTokenState::Valid { window, .. } =
        step_tokens::state(state.db.pool(), &token, now).await?
    else {
        return Ok(StatusCode::FORBIDDEN.into_response());
    };
    let pool = state.db.pool();
    more_time::answer(
        window,
        now,
        async |end| step_tokens::extend(pool, &token, end, now).await,
        |seconds| host_cookie(STEP_COOKIE, Some(token.expose()), "Strict", Some(seconds)),
    )
    .await
}

/// Step 2: checks the new passphrase, then sets it and uses up the PIN document, once.
///
/// Each submission is an attempt of the credential-attempt policy, keyed by the step token and
/// counted against the client too: the fifth refused one ends the step. The cheap rules run
/// first, so an obviously bad passphrase costs no Argon2 work; the comparison with the PIN
/// passphrase (a hash check) runs only for one that passes them.
pub async fn set_new_passphrase(
    State(state): State<AppState>,
    client: ClientAddress,
    step: ResetStep,
    Form(form): Form<NewPassphraseForm>,
) -> Result<Response, JourneyError> {
    let limit = step.time_limit();
    let ResetStep {
        token,
        candidate,
        activates,
        ..
    } = step;
    let state = &state;
    let db = &state.db;
    let document = candidate
        .document
        .clone()
        .expect("a valid step has its document");
    if document.used_at.is_some() {
        let view = NewPassphraseView::AlreadyUsed {
            practice_name: Some(candidate.practice.name.clone()),
        };
        return Ok(render(state, routes::NEW_PASSPHRASE, view, StatusCode::CONFLICT).await);
    }

    let timestamp = now().unix_timestamp();
    let credential = CredentialKey::new_passphrase(&token.digest());
    let attempt = match throttle::begin(db, &client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            return Ok(too_many_attempts(state, refused == throttle::Refused::ClientLocked).await)
        }
    };

    let details = PersonalDetails {
        given_name: &candidate.given_name,
        family_name: &candidate.family_name,
        date_of_birth: candidate.date_of_birth.unwrap_or(time::Date::MIN),
        account_id: candidate.account.account_id.as_str(),
        ods_code: candidate.practice.ods_code.as_str(),
    };
    let (new, confirmation) = (&form.new_passphrase, &form.confirm_passphrase);
    let mut checked = check_new_passphrase(new, confirmation, false, &details);
    if checked.is_ok() && could_equal_pin_passphrase(new) {
        let (typed, hash) = (new.trim().to_owned(), document.secret_hash.clone());
        let same_as_pin = attempt
            .hash(db, &state.hashing, move |hasher| {
                hasher.verify(&typed, &hash)
            })
            .await?;
        if same_as_pin {
            checked = check_new_passphrase(new, confirmation, true, &details);
        }
    }
    let new_passphrase = match checked {
        Ok(passphrase) => passphrase,
        Err(rejections) => {
            let lockout = NewAuditEvent {
                kind: AuditKind::NewPassphraseLockout,
                actor: "system",
                practice_ods: Some(candidate.practice.ods_code.as_str()),
                patient_id: Some(&candidate.account.patient_id),
                detail: "new passphrase step ended after 5 refused passphrases",
            };
            let failed = attempt.failed(db, None, &lockout, timestamp).await?;
            if failed == throttle::Failed::LockedNow {
                step_tokens::end(db.pool(), &token, timestamp).await?;
                return Ok(too_many_attempts(state, false).await);
            }
            let mut errors = FormErrors::default();
            for rejection in rejections {
                let id = if rejection.is_about_confirmation() {
                    "confirm-passphrase"
                } else {
                    "new-passphrase"
                };
                errors.add(id, rejection.localize(super::request_locale()));
            }
            let view = NewPassphraseView::Ready { errors };
            return Ok(render_step(
                state,
                routes::NEW_PASSPHRASE,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
                limit,
                timestamp,
            )
            .await);
        }
    };

    let secret = new_passphrase.expose().to_owned();
    let phc = attempt
        .hash(db, &state.hashing, move |hasher| hasher.hash(&secret))
        .await?;
    if let Some(request_id) = activates {
        let activation = ActivationStep {
            token: &token,
            request_id: &request_id,
            candidate: &candidate,
            pin_document_id: &document.id,
            passphrase_hash: &phc,
        };
        let answer = finish_activation(state, &activation).await;
        attempt.spent(db).await?;
        return answer;
    }
    let locale = super::request_locale();
    let notice = notices::passphrase_reset(locale, &candidate.practice.name);
    let new = NewCredentials {
        pin_document_id: &document.id,
        passphrase_hash: &phc,
        language: locale,
        notice: &notice,
    };
    let completion = reset::complete(db, &token, &candidate, &new, now().unix_timestamp()).await?;
    // The step is over either way: the client gets its attempt back, the token's count stays.
    attempt.spent(db).await?;
    match completion {
        Completion::Reset => {
            state.outbox_wake.notify_one();
            Ok(Redirect::to(routes::RESET_DONE).into_response())
        }
        Completion::DocumentAlreadyUsed => {
            let view = NewPassphraseView::AlreadyUsed {
                practice_name: Some(candidate.practice.name.clone()),
            };
            Ok(render(state, routes::NEW_PASSPHRASE, view, StatusCode::CONFLICT).await)
        }
        Completion::AccessEnded => {
            // Ended while the journey was open: said as at the first step.
            let why = match accounts::find(db.pool(), &candidate.account.id).await? {
                Some(accounts::OnlineAccount {
                    status: accounts::AccountStatus::Ended { reason, .. },
                    ..
                }) => Some(reason),
                _ => None,
            };
            let Some(why) = why else {
                let view = NewPassphraseView::SessionEnded;
                return Ok(
                    render(state, routes::NEW_PASSPHRASE, view, StatusCode::FORBIDDEN).await,
                );
            };
            let view = ResetView::AccessEnded {
                practice_name: candidate.practice.name.clone(),
                why,
            };
            Ok(render(state, routes::RESET, view, StatusCode::FORBIDDEN).await)
        }
        _ => Ok(render(
            state,
            routes::NEW_PASSPHRASE,
            NewPassphraseView::SessionEnded,
            StatusCode::FORBIDDEN,
        )
        .await),
    }
}

/// The step ended after too many attempts (on this step token, or from this connection):
/// nothing changed, and the patient starts again from their PIN document's details.
async fn too_many_attempts(state: &AppState, from_connection: bool) -> Response {
    let view = NewPassphraseView::TooManyAttempts { from_connection };
    render(
        state,
        routes::NEW_PASSPHRASE,
        view,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await
}

/// The confirmation, shown only to the browser whose token finished a reset.
pub async fn show_done(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, JourneyError> {
    let Some(token) = step_token(&headers) else {
        return Ok(Redirect::to(routes::RESET).into_response());
    };
    let StepTokenState::Used {
        pin_document_id, ..
    } = step_tokens::state(state.db.pool(), &token, now().unix_timestamp()).await?
    else {
        return Ok(Redirect::to(routes::RESET).into_response());
    };
    let practice_name = reset::candidate_for_document(&state.db, &pin_document_id)
        .await?
        .map(|c| c.practice.name);
    let activated = step_tokens::replacement_request(state.db.pool(), &token)
        .await?
        .is_some();
    let view = DoneView {
        practice_name,
        activated,
    };
    Ok(render(&state, routes::RESET_DONE, view, StatusCode::OK).await)
}
