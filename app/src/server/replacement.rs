//! "I cannot sign in" and the account replacement journey. Every endpoint parses its input into
//! domain types, checks the journey token and throttles on its own, then calls the database
//! layer and answers with a page or a redirect (post-redirect-get).

use crate::language::Localize as _;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use rand::{Rng, RngCore};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{
    admit_attempt, host_cookie, record_failure, render, render_fresh_form, request_cookie,
    request_locale, respond, AppState, ClientAddress, JourneyError,
};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::outbox::{NewMessage, Purpose};
use crate::db::replacement::{
    self, CodeCheck, CodeSent, Completion, Journey, Replacement, JOURNEY_LIFETIME_SECONDS,
};
use crate::db::step_tokens::StepToken;
use crate::db::throttles::{self, PIN_PAIR_LIMIT};
use crate::db::{accounts, patients, pin_documents, practices};
use crate::domain::{
    check_eligibility, DateOfBirth, EmailAddress, NhsNumber, Postcode, ReplacementReference,
    SecurityCode, SignInProblem, CODE_LIFETIME_SECONDS, CODE_MAX_ATTEMPTS, CODE_MAX_SENDS,
};
use crate::i18n::td_string;
use crate::language::{long_date, Locale};
use crate::views::cannot_sign_in::{destination, CannotSignInView};
use crate::views::form::{FormErrors, FormProblem, SummaryRow};
use crate::views::replacement::{
    CheckView, CodeView, EmailView, IdentityValues, IdentityView, ReplaceDoneView, RequestStatus,
    StatusStep, StatusView,
};
use crate::views::routes;

/// "I cannot sign in", and replacing an account: identity, email, code, check, done, status.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            routes::CANNOT_SIGN_IN,
            get(show_cannot_sign_in).post(choose_problem),
        )
        .route(routes::REPLACE, get(show_identity).post(check_identity))
        .route(routes::REPLACE_EMAIL, get(show_email).post(set_email))
        .route(routes::REPLACE_CODE, get(show_code).post(check_code))
        .route(routes::REPLACE_RESEND, post(resend_code))
        .route(
            routes::REPLACE_CHECK,
            get(show_check).post(request_replacement),
        )
        .route(routes::REPLACE_DONE, get(show_done))
        .route(routes::REPLACE_STATUS, get(show_status).post(check_status))
}

/// The cookie that carries the journey token: only sent to this site, never readable by scripts.
pub const JOURNEY_COOKIE: &str = "__Host-relink-replace";

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

// ----- /cannot-sign-in -------------------------------------------------------------------------

pub async fn show_cannot_sign_in(State(state): State<AppState>) -> Response {
    render_fresh_form::<CannotSignInView>(&state, routes::CANNOT_SIGN_IN).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ProblemForm {
    problem: String,
}

/// Sends each answer where it leads; no answer (or an unknown one) asks again.
pub async fn choose_problem(
    State(state): State<AppState>,
    Form(form): Form<ProblemForm>,
) -> Response {
    match SignInProblem::parse(&form.problem) {
        Some(problem) => Redirect::to(destination(problem.next_step())).into_response(),
        None => {
            let mut errors = FormErrors::default();
            let locale = request_locale();
            errors.add(
                "problem",
                td_string!(locale, cannot.question.select_problem),
            );
            let view = CannotSignInView { errors };
            render(
                &state,
                routes::CANNOT_SIGN_IN,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

// ----- /replace-account: who are you? ----------------------------------------------------------

pub async fn show_identity(State(state): State<AppState>) -> Response {
    render_fresh_form::<IdentityView>(&state, routes::REPLACE).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct IdentityForm {
    nhs_number: String,
    date_of_birth_day: String,
    date_of_birth_month: String,
    date_of_birth_year: String,
    postcode: String,
}

pub async fn check_identity(
    State(state): State<AppState>,
    client: ClientAddress,
    Form(form): Form<IdentityForm>,
) -> Response {
    respond(check_identity_inner(&state, &client, form).await)
}

async fn check_identity_inner(
    state: &AppState,
    client: &ClientAddress,
    form: IdentityForm,
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
        .map_err(|e| errors.add("nhs-number", e.localize(super::request_locale())))
        .ok();
    let dob = DateOfBirth::parse(
        &form.date_of_birth_day,
        &form.date_of_birth_month,
        &form.date_of_birth_year,
        now.date(),
    )
    .map_err(|e| {
        errors.add(
            super::reset::date_error_target(e),
            e.localize(super::request_locale()),
        )
    })
    .ok();
    let postcode = Postcode::parse(&form.postcode)
        .map_err(|e| errors.add("postcode", e.localize(super::request_locale())))
        .ok();
    let (Some(nhs_number), Some(dob), Some(postcode)) = (nhs_number, dob, postcode) else {
        let view = IdentityView::Form {
            values,
            errors,
            problem: None,
        };
        return Ok(render(
            state,
            routes::REPLACE,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };

    let db = &state.db;
    // Keyed on the number typed, whether or not it exists, so guessing is slowed the same.
    let identity_key = format!("identity:{}", nhs_number.digits());
    let refuse = |problem| IdentityView::Form {
        values: values.clone(),
        errors: FormErrors::default(),
        problem: Some(problem),
    };
    if let Some(problem) = admit_attempt(db, client, &identity_key, timestamp).await? {
        return Ok(render(
            state,
            routes::REPLACE,
            refuse(problem),
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await);
    }
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
        let locked = record_failure(
            db,
            &identity_key,
            &event(
                AuditKind::ReplacementIdentityFailed,
                "patient",
                "NHS number, date of birth and postcode did not match",
            ),
            &event(
                AuditKind::ReplacementLockout,
                "system",
                "Replacement locked for 15 minutes after 5 failures",
            ),
            timestamp,
        )
        .await?;
        if locked {
            return Ok(render(
                state,
                routes::REPLACE,
                refuse(FormProblem::LockedOut),
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await);
        }
        return Ok(render(
            state,
            routes::REPLACE,
            refuse(FormProblem::NoMatch),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    throttles::clear(db.pool(), &identity_key, timestamp).await?;

    let practice_name = practices::find(db.pool(), &identified.patient.practice_ods)
        .await?
        .map_or_else(|| your_practice(request_locale()), |p| p.name);
    let Some(account) = identified.current_account else {
        let view = IdentityView::NoAccount { practice_name };
        return Ok(render(state, routes::REPLACE, view, StatusCode::NOT_FOUND).await);
    };
    if let Err(reason) = check_eligibility(&identified.facts, now.date()) {
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
        let view = IdentityView::Ineligible {
            reason,
            practice_name,
        };
        return Ok(render(state, routes::REPLACE, view, StatusCode::FORBIDDEN).await);
    }

    let token = StepToken::generate();
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

fn journey_cookie(token: Option<&StepToken>) -> HeaderValue {
    host_cookie(
        JOURNEY_COOKIE,
        token.map(StepToken::expose),
        "Strict",
        Some(JOURNEY_LIFETIME_SECONDS),
    )
}

/// The journey behind the browser's cookie, while it lasts.
async fn current_journey(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(StepToken, Journey)>, JourneyError> {
    let Some(value) = request_cookie(headers, JOURNEY_COOKIE) else {
        return Ok(None);
    };
    let token = StepToken::from_cookie(&value);
    let journey = replacement::journey(state.db.pool(), &token, now().unix_timestamp()).await?;
    Ok(journey.map(|j| (token, j)))
}

/// An unfinished journey: a finished one goes to its confirmation instead.
enum Step {
    Open(StepToken, Journey),
    Finished,
    Ended,
}

async fn open_step(state: &AppState, headers: &HeaderMap) -> Result<Step, JourneyError> {
    Ok(match current_journey(state, headers).await? {
        Some((_, journey)) if journey.request_id.is_some() => Step::Finished,
        Some((token, journey)) => Step::Open(token, journey),
        None => Step::Ended,
    })
}

// ----- /replace-account/email ------------------------------------------------------------------

pub async fn show_email(State(state): State<AppState>, headers: HeaderMap) -> Response {
    respond(
        async {
            Ok(match open_step(&state, &headers).await? {
                Step::Open(_, journey) => {
                    let view = EmailView::Ready {
                        value: journey.new_email.unwrap_or_default(),
                        errors: FormErrors::default(),
                    };
                    render(&state, routes::REPLACE_EMAIL, view, StatusCode::OK).await
                }
                Step::Finished => Redirect::to(routes::REPLACE_DONE).into_response(),
                Step::Ended => {
                    journey_ended(&state, routes::REPLACE_EMAIL, EmailView::JourneyEnded).await
                }
            })
        }
        .await,
    )
}

async fn journey_ended<V: Clone + Send + Sync + 'static>(
    state: &AppState,
    path: &str,
    view: V,
) -> Response {
    render(state, path, view, StatusCode::FORBIDDEN).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    email: String,
}

pub async fn set_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> Response {
    respond(set_email_inner(&state, &headers, form).await)
}

async fn set_email_inner(
    state: &AppState,
    headers: &HeaderMap,
    form: EmailForm,
) -> Result<Response, JourneyError> {
    let (token, journey) = match open_step(state, headers).await? {
        Step::Open(token, journey) => (token, journey),
        Step::Finished => return Ok(Redirect::to(routes::REPLACE_DONE).into_response()),
        Step::Ended => {
            return Ok(journey_ended(state, routes::REPLACE_EMAIL, EmailView::JourneyEnded).await)
        }
    };
    let old_email = accounts::find(state.db.pool(), &journey.old_account_id)
        .await?
        .and_then(|a| a.email);
    let parsed = EmailAddress::parse(&form.email)
        .map_err(|e| e.localize(super::request_locale()))
        .and_then(|email| {
            if old_email
                .as_deref()
                .is_some_and(|old| email.same_mailbox(old))
            {
                Err(td_string!(request_locale(), replace.email.same_as_old).to_owned())
            } else {
                Ok(email)
            }
        });
    let email = match parsed {
        Ok(email) => email,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("email", message);
            let view = EmailView::Ready {
                value: form.email.trim().to_owned(),
                errors,
            };
            return Ok(render(
                state,
                routes::REPLACE_EMAIL,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await);
        }
    };
    match send_code(state, &token, &journey, &email).await? {
        CodeSent::Sent => Ok(Redirect::to(routes::REPLACE_CODE).into_response()),
        CodeSent::LimitReached => Ok(code_limit_page(state, email.as_str()).await),
    }
}

/// Makes a fresh code, stores its digest and queues the email carrying it, then wakes the
/// outbox worker.
async fn send_code(
    state: &AppState,
    token: &StepToken,
    journey: &Journey,
    email: &EmailAddress,
) -> Result<CodeSent, JourneyError> {
    let code = SecurityCode::from_random(rand::rngs::OsRng.gen_range(0..1_000_000));
    // In the language of the request that asked for it: the patient's language at that moment.
    let locale = request_locale();
    let body = td_string!(
        locale,
        emails.security_code.body,
        code = code.expose(),
        signature = td_string!(locale, emails.signature),
    );
    let message = NewMessage {
        recipient: email.as_str(),
        subject: td_string!(locale, emails.security_code.subject),
        body: &body,
        purpose: Purpose::SecurityCode,
    };
    let timestamp = now().unix_timestamp();
    let sent = replacement::send_code(
        &state.db,
        token,
        email.as_str(),
        &code,
        &message,
        (CODE_LIFETIME_SECONDS, CODE_MAX_SENDS),
        timestamp,
    )
    .await?;
    if sent == CodeSent::Sent {
        state.outbox_wake.notify_one();
        audit::record(
            state.db.pool(),
            &NewAuditEvent {
                kind: AuditKind::SecurityCodeSent,
                actor: "system",
                practice_ods: None,
                patient_id: Some(&journey.patient_id),
                detail: "Security code emailed to confirm a new address",
            },
            timestamp,
        )
        .await?;
    }
    Ok(sent)
}

async fn code_limit_page(state: &AppState, email: &str) -> Response {
    let view = CodeView::CodeDead {
        email: email.to_owned(),
        can_resend: false,
    };
    render(
        state,
        routes::REPLACE_CODE,
        view,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await
}

// ----- /replace-account/security-code ----------------------------------------------------------

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CodeQuery {
    resent: Option<String>,
}

pub async fn show_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<CodeQuery>,
) -> Response {
    respond(
        async {
            Ok(match open_step(&state, &headers).await? {
                Step::Open(_, journey) => match journey.new_email.clone() {
                    None => Redirect::to(routes::REPLACE_EMAIL).into_response(),
                    Some(_) if journey.email_confirmed_at.is_some() => {
                        Redirect::to(routes::REPLACE_CHECK).into_response()
                    }
                    Some(email) => {
                        let view = code_view(
                            &journey,
                            email,
                            FormErrors::default(),
                            query.resent.is_some(),
                        );
                        render(&state, routes::REPLACE_CODE, view, StatusCode::OK).await
                    }
                },
                Step::Finished => Redirect::to(routes::REPLACE_DONE).into_response(),
                Step::Ended => {
                    journey_ended(&state, routes::REPLACE_CODE, CodeView::JourneyEnded).await
                }
            })
        }
        .await,
    )
}

fn code_view(journey: &Journey, email: String, errors: FormErrors, resent: bool) -> CodeView {
    let can_resend = journey.codes_sent < CODE_MAX_SENDS;
    let dead = journey.code_hash.is_none()
        || journey.code_attempts >= CODE_MAX_ATTEMPTS
        || journey
            .code_expires_at
            .is_none_or(|t| t <= now().unix_timestamp());
    if dead && errors.is_empty() {
        CodeView::CodeDead { email, can_resend }
    } else {
        CodeView::Ready {
            email,
            errors,
            resent,
            can_resend,
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SecurityCodeForm {
    security_code: String,
}

pub async fn check_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SecurityCodeForm>,
) -> Response {
    respond(check_code_inner(&state, &headers, form).await)
}

async fn check_code_inner(
    state: &AppState,
    headers: &HeaderMap,
    form: SecurityCodeForm,
) -> Result<Response, JourneyError> {
    let (token, journey) = match open_step(state, headers).await? {
        Step::Open(token, journey) => (token, journey),
        Step::Finished => return Ok(Redirect::to(routes::REPLACE_DONE).into_response()),
        Step::Ended => {
            return Ok(journey_ended(state, routes::REPLACE_CODE, CodeView::JourneyEnded).await)
        }
    };
    let Some(email) = journey.new_email.clone() else {
        return Ok(Redirect::to(routes::REPLACE_EMAIL).into_response());
    };
    let wrong = |message: String| {
        let mut errors = FormErrors::default();
        errors.add("security-code", message);
        code_view(&journey, email.clone(), errors, false)
    };
    let code = match SecurityCode::parse(&form.security_code) {
        Ok(code) => code,
        Err(error) => {
            let view = wrong(error.localize(super::request_locale()));
            return Ok(render(
                state,
                routes::REPLACE_CODE,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await);
        }
    };
    let timestamp = now().unix_timestamp();
    match replacement::check_code(&state.db, &token, &code, CODE_MAX_ATTEMPTS, timestamp).await? {
        CodeCheck::Confirmed => Ok(Redirect::to(routes::REPLACE_CHECK).into_response()),
        CodeCheck::Wrong { attempts_left } if attempts_left > 0 => {
            record_code_failure(state, &journey, timestamp).await?;
            let locale = request_locale();
            let tries = if attempts_left == 1 {
                td_string!(locale, replace.code.one_more_try).to_owned()
            } else {
                td_string!(locale, replace.code.more_tries, count = attempts_left)
            };
            let view = wrong(td_string!(locale, replace.code.incorrect, tries = tries));
            Ok(render(
                state,
                routes::REPLACE_CODE,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await)
        }
        CodeCheck::Wrong { .. } | CodeCheck::Dead => {
            record_code_failure(state, &journey, timestamp).await?;
            let view = CodeView::CodeDead {
                email,
                can_resend: journey.codes_sent < CODE_MAX_SENDS,
            };
            Ok(render(
                state,
                routes::REPLACE_CODE,
                view,
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await)
        }
    }
}

async fn record_code_failure(
    state: &AppState,
    journey: &Journey,
    timestamp: i64,
) -> Result<(), JourneyError> {
    audit::record(
        state.db.pool(),
        &NewAuditEvent {
            kind: AuditKind::SecurityCodeFailed,
            actor: "patient",
            practice_ods: None,
            patient_id: Some(&journey.patient_id),
            detail: "Wrong or expired security code entered",
        },
        timestamp,
    )
    .await?;
    Ok(())
}

/// "Send a new code": the same address, a fresh code, within the journey's limit.
pub async fn resend_code(State(state): State<AppState>, headers: HeaderMap) -> Response {
    respond(
        async {
            let (token, journey) = match open_step(&state, &headers).await? {
                Step::Open(token, journey) => (token, journey),
                Step::Finished => return Ok(Redirect::to(routes::REPLACE_DONE).into_response()),
                Step::Ended => {
                    return Ok(
                        journey_ended(&state, routes::REPLACE_CODE, CodeView::JourneyEnded).await,
                    )
                }
            };
            let Some(email) = journey
                .new_email
                .as_deref()
                .and_then(|e| EmailAddress::parse(e).ok())
            else {
                return Ok(Redirect::to(routes::REPLACE_EMAIL).into_response());
            };
            Ok(match send_code(&state, &token, &journey, &email).await? {
                CodeSent::Sent => {
                    Redirect::to(&format!("{}?resent=1", routes::REPLACE_CODE)).into_response()
                }
                CodeSent::LimitReached => code_limit_page(&state, email.as_str()).await,
            })
        }
        .await,
    )
}

// ----- /replace-account/check-answers ----------------------------------------------------------

pub async fn show_check(State(state): State<AppState>, headers: HeaderMap) -> Response {
    respond(
        async {
            let journey = match open_step(&state, &headers).await? {
                Step::Open(_, journey) => journey,
                Step::Finished => return Ok(Redirect::to(routes::REPLACE_DONE).into_response()),
                Step::Ended => {
                    return Ok(journey_ended(
                        &state,
                        routes::REPLACE_CHECK,
                        CheckView::JourneyEnded,
                    )
                    .await)
                }
            };
            if journey.email_confirmed_at.is_none() {
                return Ok(Redirect::to(routes::REPLACE_CODE).into_response());
            }
            let rows = check_rows(&state, &journey).await?;
            Ok(render(
                &state,
                routes::REPLACE_CHECK,
                CheckView::Ready { rows },
                StatusCode::OK,
            )
            .await)
        }
        .await,
    )
}

async fn check_rows(state: &AppState, journey: &Journey) -> Result<Vec<SummaryRow>, JourneyError> {
    let pool = state.db.pool();
    let patient = patients::find(pool, &journey.patient_id).await?;
    let account = accounts::find(pool, &journey.old_account_id).await?;
    let practice = match &account {
        Some(a) => practices::find(pool, &a.practice_ods).await?,
        None => None,
    };
    let locale = request_locale();
    let change = |href: &str, what: &str| Some((href.to_owned(), what.to_owned()));
    Ok(vec![
        SummaryRow {
            key: td_string!(locale, replace.check.nhs_number).to_owned(),
            value: patient
                .map(|p| p.nhs_number.to_string())
                .unwrap_or_default(),
            change: change(
                routes::REPLACE,
                td_string!(locale, replace.check.change_nhs_number),
            ),
        },
        SummaryRow {
            key: td_string!(locale, replace.check.account).to_owned(),
            value: match (&account, &practice) {
                (Some(a), Some(p)) => td_string!(
                    locale,
                    replace.check.account_value,
                    account_id = &a.account_id,
                    practice = &p.name,
                ),
                _ => String::new(),
            },
            change: None,
        },
        SummaryRow {
            key: td_string!(locale, replace.check.new_email).to_owned(),
            value: journey.new_email.clone().unwrap_or_default(),
            change: change(
                routes::REPLACE_EMAIL,
                td_string!(locale, replace.check.change_email),
            ),
        },
    ])
}

/// "Request replacement": the one transaction, then the confirmation.
pub async fn request_replacement(State(state): State<AppState>, headers: HeaderMap) -> Response {
    respond(request_replacement_inner(&state, &headers).await)
}

async fn request_replacement_inner(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Response, JourneyError> {
    let (token, journey) = match open_step(state, headers).await? {
        Step::Open(token, journey) => (token, journey),
        Step::Finished => return Ok(Redirect::to(routes::REPLACE_DONE).into_response()),
        Step::Ended => {
            return Ok(journey_ended(state, routes::REPLACE_CHECK, CheckView::JourneyEnded).await)
        }
    };
    if journey.email_confirmed_at.is_none() {
        return Ok(Redirect::to(routes::REPLACE_CODE).into_response());
    }
    let pool = state.db.pool();
    let old = accounts::find(pool, &journey.old_account_id).await?;
    let Some(old) = old else {
        return Ok(journey_ended(state, routes::REPLACE_CHECK, CheckView::JourneyEnded).await);
    };
    let Some(new_email) = journey.new_email.clone() else {
        return Ok(Redirect::to(routes::REPLACE_EMAIL).into_response());
    };
    let practice_name = practice_name(state, old.practice_ods.as_str()).await?;
    // Signed in to since the journey began: the account is no longer eligible.
    let started_at = journey.expires_at - JOURNEY_LIFETIME_SECONDS;
    if let Some(used_at) = old.last_used_at.filter(|t| *t > started_at) {
        let last_used_on =
            OffsetDateTime::from_unix_timestamp(used_at).map_or(now().date(), OffsetDateTime::date);
        let view = IdentityView::Ineligible {
            reason: crate::domain::Ineligible::UsedRecently { last_used_on },
            practice_name,
        };
        return Ok(render(state, routes::REPLACE, view, StatusCode::FORBIDDEN).await);
    }

    let mut random = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let reference = ReplacementReference::from_random(random);
    let request_id = format!(
        "rpl-{}",
        StepToken::generate().digest().get(..24).unwrap_or_default()
    );
    let new_account_id = format!(
        "acc-{}",
        StepToken::generate().digest().get(..24).unwrap_or_default()
    );
    // In the language of the request that asked for the replacement, for both addresses: the
    // patient's language at that moment.
    let locale = request_locale();
    let signature = td_string!(locale, emails.signature);
    let confirmation = td_string!(
        locale,
        emails.replaced.body,
        reference = &reference,
        practice = &practice_name,
        signature = signature,
    );
    let alert = td_string!(
        locale,
        emails.alert.body,
        practice = &practice_name,
        signature = signature,
    );
    let mut messages = vec![NewMessage {
        recipient: &new_email,
        subject: td_string!(locale, emails.replaced.subject),
        body: &confirmation,
        purpose: Purpose::ReplacementConfirmed,
    }];
    if let Some(old_email) = old.email.as_deref() {
        messages.push(NewMessage {
            recipient: old_email,
            subject: td_string!(locale, emails.alert.subject),
            body: &alert,
            purpose: Purpose::ReplacementAlert,
        });
    }
    let completion = replacement::complete(
        &state.db,
        &token,
        &Replacement {
            request_id: &request_id,
            reference: &reference,
            new_account_id: &new_account_id,
            messages: &messages,
        },
        now().unix_timestamp(),
    )
    .await?;
    match completion {
        Completion::Replaced => {
            state.outbox_wake.notify_one();
            Ok(Redirect::to(routes::REPLACE_DONE).into_response())
        }
        Completion::AlreadyDone { .. } => Ok(Redirect::to(routes::REPLACE_DONE).into_response()),
        Completion::NotAllowed => {
            Ok(journey_ended(state, routes::REPLACE_CHECK, CheckView::JourneyEnded).await)
        }
    }
}

// ----- /replace-account/done and /status -------------------------------------------------------

pub async fn show_done(State(state): State<AppState>, headers: HeaderMap) -> Response {
    respond(
        async {
            let Some((_, journey)) = current_journey(&state, &headers).await? else {
                return Ok(Redirect::to(routes::REPLACE).into_response());
            };
            let Some(request_id) = journey.request_id.as_deref() else {
                return Ok(Redirect::to(routes::REPLACE).into_response());
            };
            let Some(request) = replacement::request(state.db.pool(), request_id).await? else {
                return Ok(Redirect::to(routes::REPLACE).into_response());
            };
            let practice_name = practice_name(&state, &request.practice_ods).await?;
            let view = ReplaceDoneView {
                reference: request.reference.to_string(),
                email: journey.new_email.unwrap_or_default(),
                practice_name,
            };
            Ok(render(&state, routes::REPLACE_DONE, view, StatusCode::OK).await)
        }
        .await,
    )
}

/// The name of the practice, or "your GP practice" in the request's language.
async fn practice_name(state: &AppState, ods: &str) -> Result<String, JourneyError> {
    let Ok(ods) = crate::domain::OdsCode::parse(ods) else {
        return Ok(your_practice(request_locale()));
    };
    Ok(practices::find(state.db.pool(), &ods)
        .await?
        .map_or_else(|| your_practice(request_locale()), |p| p.name))
}

/// What a practice whose name is not known is called.
fn your_practice(locale: Locale) -> String {
    td_string!(locale, replace.your_practice).to_owned()
}

pub async fn show_status(State(state): State<AppState>) -> Response {
    render(
        &state,
        routes::REPLACE_STATUS,
        StatusView::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    reference: String,
    date_of_birth_day: String,
    date_of_birth_month: String,
    date_of_birth_year: String,
}

/// Shows progress only to someone with both the reference and the date of birth; anything else
/// gets the same "do not match" answer, and guesses are throttled per reference and per client.
pub async fn check_status(
    State(state): State<AppState>,
    client: ClientAddress,
    Form(form): Form<StatusForm>,
) -> Response {
    respond(check_status_inner(&state, &client, form).await)
}

async fn check_status_inner(
    state: &AppState,
    client: &ClientAddress,
    form: StatusForm,
) -> Result<Response, JourneyError> {
    let now = now();
    let timestamp = now.unix_timestamp();
    let dob_values = (
        form.date_of_birth_day.trim().to_owned(),
        form.date_of_birth_month.trim().to_owned(),
        form.date_of_birth_year.trim().to_owned(),
    );
    let mut errors = FormErrors::default();
    let reference = ReplacementReference::parse(&form.reference)
        .map_err(|e| errors.add("reference", e.localize(super::request_locale())))
        .ok();
    let dob = DateOfBirth::parse(
        &form.date_of_birth_day,
        &form.date_of_birth_month,
        &form.date_of_birth_year,
        now.date(),
    )
    .map_err(|e| {
        errors.add(
            super::reset::date_error_target(e),
            e.localize(super::request_locale()),
        )
    })
    .ok();
    let form_view = |errors: FormErrors, problem: Option<FormProblem>| StatusView::Form {
        reference: form.reference.trim().to_owned(),
        dob: dob_values.clone(),
        errors,
        problem,
    };
    let (Some(reference), Some(dob)) = (reference, dob) else {
        return Ok(render(
            state,
            routes::REPLACE_STATUS,
            form_view(errors, None),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    let db = &state.db;
    let key = format!("reference:{reference}");
    if let Some(problem) = admit_attempt(db, client, &key, timestamp).await? {
        return Ok(render(
            state,
            routes::REPLACE_STATUS,
            form_view(FormErrors::default(), Some(problem)),
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await);
    }
    let request = replacement::request_by_reference(db.pool(), &reference).await?;
    let matched = match &request {
        Some(request) => patients::demographics(db.pool(), &request.patient_id)
            .await?
            .iter()
            .any(|d| d.date_of_birth == dob.date()),
        None => false,
    };
    let Some(request) = request.filter(|_| matched) else {
        let locked = throttles::record(db.pool(), &key, PIN_PAIR_LIMIT, timestamp)
            .await?
            .is_some();
        let (problem, status) = if locked {
            (FormProblem::LockedOut, StatusCode::TOO_MANY_REQUESTS)
        } else {
            (FormProblem::NoMatch, StatusCode::UNPROCESSABLE_ENTITY)
        };
        return Ok(render(
            state,
            routes::REPLACE_STATUS,
            form_view(FormErrors::default(), Some(problem)),
            status,
        )
        .await);
    };
    throttles::clear(db.pool(), &key, timestamp).await?;
    let status = request_status(state, &request, now).await?;
    Ok(render(
        state,
        routes::REPLACE_STATUS,
        StatusView::Found(status),
        StatusCode::OK,
    )
    .await)
}

/// The progress of a replacement, worked out from what has happened since.
async fn request_status(
    state: &AppState,
    request: &replacement::ReplacementRequest,
    now: OffsetDateTime,
) -> Result<RequestStatus, JourneyError> {
    let pool = state.db.pool();
    let practice_name = practice_name(state, &request.practice_ods).await?;
    let new_account = accounts::find(pool, &request.new_account_id).await?;
    let passphrase_set = new_account.as_ref().is_some_and(|a| a.has_passphrase);
    let document = pin_documents::current_for_account(pool, &request.new_account_id).await?;
    let usable_document = document
        .as_ref()
        .is_some_and(|d| d.used_at.is_none() && !d.dates.is_expired(now.date()));
    let requested = OffsetDateTime::from_unix_timestamp(request.created_at)
        .map_or(now.date(), OffsetDateTime::date);
    let locale = request_locale();
    let requested_on = long_date(requested, locale);
    let pin_ready = usable_document || passphrase_set;
    let steps = vec![
        StatusStep {
            title: td_string!(locale, replace.status.requested_title).to_owned(),
            done: true,
            detail: td_string!(
                locale,
                replace.status.requested_detail,
                date = &requested_on
            ),
        },
        StatusStep {
            title: td_string!(locale, replace.status.replaced_title).to_owned(),
            done: true,
            detail: td_string!(locale, replace.status.replaced_detail).to_owned(),
        },
        StatusStep {
            title: td_string!(locale, replace.status.pin_title).to_owned(),
            done: pin_ready,
            detail: if pin_ready {
                td_string!(locale, replace.status.pin_ready).to_owned()
            } else {
                td_string!(locale, replace.status.pin_ask, practice = &practice_name)
            },
        },
        StatusStep {
            title: td_string!(locale, replace.status.passphrase_title).to_owned(),
            done: passphrase_set,
            detail: if passphrase_set {
                td_string!(locale, replace.status.passphrase_set).to_owned()
            } else {
                td_string!(locale, replace.status.passphrase_needed).to_owned()
            },
        },
    ];
    Ok(RequestStatus {
        reference: request.reference.to_string(),
        requested_on,
        practice_name,
        steps,
        complete: passphrase_set,
    })
}

// ----- /demo/mailbox ---------------------------------------------------------------------------
