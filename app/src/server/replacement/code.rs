//! `/replace-account/security-code`: the code emailed to the new address, its tries and
//! lifetime, and "send a new code".

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rand::Rng;
use serde::Deserialize;

use super::{is_old_address, journey_limit, now, JourneyStep, OpenJourney};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::outbox::{NewMessage, Purpose};
use crate::db::replacement::{self, CodeCheck, CodeSent, Journey};
use crate::db::tokens::JourneyToken;
use crate::domain::{
    EmailAddress, SecurityCode, CODE_LIFETIME_SECONDS, CODE_MAX_ATTEMPTS, CODE_MAX_SENDS,
};
use crate::i18n::td_string;
use crate::language::Localize as _;
use crate::server::{render, render_step, request_locale, AppState, JourneyError};
use crate::views::form::FormErrors;
use crate::views::replacement::CodeView;
use crate::views::routes;

impl JourneyStep for CodeView {
    const PATH: &'static str = routes::REPLACE_CODE;
}

/// `?resent=1`, after "send a new code".
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CodeQuery {
    resent: Option<String>,
}

/// The code form once an address is given and not yet confirmed; otherwise the step before or
/// after it.
pub async fn show_code(
    State(state): State<AppState>,
    Query(query): Query<CodeQuery>,
    OpenJourney { journey, .. }: OpenJourney<CodeView>,
) -> Response {
    match journey.new_email.clone() {
        None => Redirect::to(routes::REPLACE_EMAIL).into_response(),
        Some(_) if journey.email_confirmed_at.is_some() => {
            match is_old_address(&state, &journey).await {
                Ok(true) => {
                    render(
                        &state,
                        routes::REPLACE_CODE,
                        CodeView::SameAsOld,
                        StatusCode::OK,
                    )
                    .await
                }
                Ok(false) => Redirect::to(routes::REPLACE_CHECK).into_response(),
                Err(error) => error.into_response(),
            }
        }
        Some(email) => {
            let view = code_view(
                &journey,
                email,
                FormErrors::default(),
                query.resent.is_some(),
            );
            let (limit, now) = (journey_limit(&journey), now().unix_timestamp());
            render_step(
                &state,
                routes::REPLACE_CODE,
                view,
                StatusCode::OK,
                limit,
                now,
            )
            .await
        }
    }
}

/// The code form, or "this code has expired" once its time or tries are used up.
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

/// The code form, as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SecurityCodeForm {
    security_code: String,
}

/// Confirms the address when the code is right; a wrong one costs a try, and is audited.
pub async fn check_code(
    State(state): State<AppState>,
    OpenJourney { token, journey, .. }: OpenJourney<CodeView>,
    Form(form): Form<SecurityCodeForm>,
) -> Result<Response, JourneyError> {
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
            let view = wrong(error.localize(request_locale()));
            return Ok(render_step(
                &state,
                routes::REPLACE_CODE,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
                journey_limit(&journey),
                now().unix_timestamp(),
            )
            .await);
        }
    };
    let timestamp = now().unix_timestamp();
    match replacement::check_code(&state.db, &token, &code, CODE_MAX_ATTEMPTS, timestamp).await? {
        // The old account's own address: its owner can sign in, there is nothing to replace.
        CodeCheck::Confirmed if is_old_address(&state, &journey).await? => Ok(render(
            &state,
            routes::REPLACE_CODE,
            CodeView::SameAsOld,
            StatusCode::OK,
        )
        .await),
        CodeCheck::Confirmed => Ok(Redirect::to(routes::REPLACE_CHECK).into_response()),
        CodeCheck::Wrong { attempts_left } if attempts_left > 0 => {
            record_code_failure(&state, &journey, timestamp).await?;
            let locale = request_locale();
            let tries = td_string!(locale, replace.code.more_tries, count = attempts_left);
            let view = wrong(td_string!(locale, replace.code.incorrect, tries = tries));
            Ok(render_step(
                &state,
                routes::REPLACE_CODE,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
                journey_limit(&journey),
                now().unix_timestamp(),
            )
            .await)
        }
        CodeCheck::Wrong { .. } | CodeCheck::Dead => {
            record_code_failure(&state, &journey, timestamp).await?;
            let view = CodeView::CodeDead {
                email,
                can_resend: journey.codes_sent < CODE_MAX_SENDS,
            };
            Ok(render_step(
                &state,
                routes::REPLACE_CODE,
                view,
                StatusCode::TOO_MANY_REQUESTS,
                journey_limit(&journey),
                now().unix_timestamp(),
            )
            .await)
        }
    }
}

/// The audit trail's record of a wrong or expired code.
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
pub async fn resend_code(
    State(state): State<AppState>,
    OpenJourney { token, journey, .. }: OpenJourney<CodeView>,
) -> Result<Response, JourneyError> {
    let Some(email) = journey
        .new_email
        .as_deref()
        .and_then(|e| EmailAddress::parse(e).ok())
    else {
        return Ok(Redirect::to(routes::REPLACE_EMAIL).into_response());
    };
    Ok(match send_code(&state, &token, &journey, &email).await? {
        CodeSent::Sent => Redirect::to(&routes::replace_code_resent()).into_response(),
        CodeSent::LimitReached => code_limit_page(&state, email.as_str()).await,
    })
}

/// Makes a fresh code, stores its digest and queues the email carrying it, then wakes the
/// outbox worker.
pub(super) async fn send_code(
    state: &AppState,
    token: &JourneyToken,
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

/// "No more codes": the journey has sent as many as it may.
pub(super) async fn code_limit_page(state: &AppState, email: &str) -> Response {
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
