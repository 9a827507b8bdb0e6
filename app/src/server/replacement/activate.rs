//! `/replace-account/activate`: the second phase of a replacement. The reference (sent to the
//! new address) and the one-time passphrase on a PIN document (printed by the practice after
//! its identity check) open the reset's new-passphrase step for the request; finishing that
//! step replaces the account (`db::replacement::activate`). Guesses at the passphrase count
//! against the old account's PIN document, as a reset's do, so a fresh request never buys
//! fresh tries; and against the client.

use axum::extract::{Form, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::now;
use crate::db::audit::{AuditKind, NewAuditEvent};
use crate::db::outbox::{NewMessage, Purpose};
use crate::db::replacement::{self, Activated, Activation, ReplacementRequest};
use crate::db::reset::ResetCandidate;
use crate::db::step_tokens::{self, StepToken};
use crate::db::tokens::new_record_id;
use crate::db::{accounts, pin_documents, practices};
use crate::domain::attempts::CredentialKey;
use crate::domain::{ClinicalSystem, PinPassphrase, ReplacementReference, ReplacementState};
use crate::i18n::td_string;
use crate::language::Localize as _;
use crate::server::access_ended;
use crate::server::reset::step_cookie;
use crate::server::throttle::{self, Answer as _};
use crate::server::{
    render, render_fresh_form, request_locale, AppState, ClientAddress, JourneyError,
};
use crate::views::form::{FormErrors, FormProblem};
use crate::views::replacement::ActivateView;
use crate::views::reset::{NewPassphraseView, ResetView};
use crate::views::routes;

/// The activation form, empty: the same page for everyone.
pub async fn show_activate(State(state): State<AppState>) -> Response {
    render_fresh_form::<ActivateView>(&state, routes::REPLACE_ACTIVATE).await
}

/// The activation form, as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ActivateForm {
    reference: String,
    pin_passphrase: String,
}

/// Checks the reference and the PIN document's passphrase; on a match with a pending request,
/// hands the browser a step token for it and goes on to choosing the new passphrase.
pub async fn check_activation(
    State(state): State<AppState>,
    client: ClientAddress,
    Form(form): Form<ActivateForm>,
) -> Result<Response, JourneyError> {
    let now = now();
    let timestamp = now.unix_timestamp();
    let locale = request_locale();
    let mut errors = FormErrors::default();
    let reference = ReplacementReference::parse(&form.reference)
        .map_err(|e| errors.add("reference", e.localize(locale)))
        .ok();
    let pin = PinPassphrase::parse(&form.pin_passphrase)
        .map_err(|e| errors.add("pin-passphrase", e.localize(locale)))
        .ok();
    let form_view = |errors: FormErrors, problem: Option<FormProblem>| ActivateView::Form {
        reference: form.reference.trim().to_owned(),
        errors,
        problem,
    };
    let (Some(reference), Some(pin)) = (reference, pin) else {
        let view = form_view(errors, None);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(render(&state, routes::REPLACE_ACTIVATE, view, status).await);
    };
    let db = &state.db;
    let request = replacement::request_by_reference(db.pool(), &reference).await?;
    let old = match &request {
        Some(request) => accounts::find(db.pool(), &request.old_account_id).await?,
        None => None,
    };
    let credential = match &old {
        Some(old) => CredentialKey::pin_document(&old.practice_ods, &old.account_id),
        None => CredentialKey::status_lookup(&reference),
    };
    let attempt = match throttle::begin(db, &client, credential, timestamp).await? {
        Ok(attempt) => attempt,
        Err(refused) => {
            let view = form_view(FormErrors::default(), Some(refused.problem()));
            return Ok(render(&state, routes::REPLACE_ACTIVATE, view, refused.status()).await);
        }
    };
    // A completed request's PIN documents moved to the new account.
    let holder = request
        .as_ref()
        .and_then(|r| r.new_account_id.clone())
        .or_else(|| old.as_ref().map(|a| a.id.clone()));
    let document = match &holder {
        Some(holder) => pin_documents::current_for_account(db.pool(), holder).await?,
        None => None,
    };
    // The same Argon2 work whether or not the request and a document exist.
    let hash = document
        .as_ref()
        .map_or_else(|| state.dummy_hash.to_string(), |d| d.secret_hash.clone());
    let secret = pin.expose().to_owned();
    let pin_matches = attempt
        .hash(db, &state.hashing, move |hasher| {
            hasher.verify(&secret, &hash)
        })
        .await?;
    let matched = request
        .zip(document)
        .filter(|_| pin_matches)
        .zip(old.as_ref());
    let Some(((request, document), old)) = matched else {
        let (practice, patient) = old
            .as_ref()
            .map(|a| (Some(a.practice_ods.as_str()), Some(a.patient_id.as_str())))
            .unwrap_or_default();
        let event = |kind, actor, detail| NewAuditEvent {
            kind,
            actor,
            practice_ods: practice,
            patient_id: patient,
            detail,
        };
        let failure = event(
            AuditKind::PinVerificationFailed,
            "patient",
            "activating a replacement: reference and PIN document did not match",
        );
        let lockout = event(
            AuditKind::PinLockout,
            "system",
            "activating a replacement: locked for 15 minutes after 5 failures",
        );
        let failure = old.as_ref().map(|_| &failure);
        let failed = attempt.failed(db, failure, &lockout, timestamp).await?;
        let view = form_view(FormErrors::default(), Some(failed.problem()));
        return Ok(render(&state, routes::REPLACE_ACTIVATE, view, failed.status()).await);
    };
    attempt.succeeded(db, timestamp).await?;
    if let Some(why) = access_ended::refusal(db, old, "replacement activation", timestamp).await? {
        let practice_name = practices::find(db.pool(), &old.practice_ods)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        let view = ResetView::AccessEnded { practice_name, why };
        return Ok(render(&state, routes::RESET, view, StatusCode::FORBIDDEN).await);
    }
    // As in a reset: an EMIS practice's passphrases are not Relink's to set; its staff reset
    // the linkage key after checking identity. Said only now the PIN document matched.
    let practice = practices::find(db.pool(), &old.practice_ods).await?;
    if let Some(practice) = practice.filter(|p| p.clinical_system == ClinicalSystem::Emis) {
        let view = ResetView::EmisPractice {
            practice_name: practice.name,
        };
        return Ok(render(&state, routes::RESET, view, StatusCode::FORBIDDEN).await);
    }
    let refusal = refusal(
        &request,
        &document,
        old.status != accounts::AccountStatus::Active,
        now,
    );
    if let Some((view, status)) = refusal {
        return Ok(render(&state, routes::REPLACE_ACTIVATE, view, status).await);
    }
    let token = StepToken::generate();
    step_tokens::issue_for_replacement(db.pool(), &token, &document.id, &request.id, timestamp)
        .await?;
    let mut response = Redirect::to(routes::NEW_PASSPHRASE).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, step_cookie(Some(&token)));
    Ok(response)
}

/// Why a matched request cannot be activated now, if it cannot: it was cancelled or completed,
/// the old account is no longer active, or the PIN document was used or has expired.
fn refusal(
    request: &ReplacementRequest,
    document: &pin_documents::PinDocument,
    old_retired: bool,
    now: time::OffsetDateTime,
) -> Option<(ActivateView, StatusCode)> {
    match request.state {
        ReplacementState::Cancelled => return Some((ActivateView::Cancelled, StatusCode::GONE)),
        ReplacementState::Completed => {
            return Some((ActivateView::AlreadyComplete, StatusCode::CONFLICT))
        }
        ReplacementState::Pending if old_retired => {
            return Some((ActivateView::Cancelled, StatusCode::GONE))
        }
        ReplacementState::Pending => {}
    }
    if document.used_at.is_some() {
        return Some((ActivateView::PinUsed, StatusCode::CONFLICT));
    }
    if document.dates.is_expired(now.date()) {
        let expired_on = document.dates.expires_on();
        return Some((ActivateView::PinExpired { expired_on }, StatusCode::GONE));
    }
    None
}

/// The reset's new-passphrase step, when it activates a request: what it matched and chose.
pub(crate) struct ActivationStep<'a> {
    pub token: &'a StepToken,
    pub request_id: &'a str,
    pub candidate: &'a ResetCandidate,
    pub pin_document_id: &'a str,
    pub passphrase_hash: &'a str,
}

/// Finishes an activation from the new-passphrase step: the one transaction that replaces the
/// account, with the confirmation to the new address and the alert to the old one.
pub(crate) async fn finish_activation(
    state: &AppState,
    step: &ActivationStep<'_>,
) -> Result<Response, JourneyError> {
    let Some(request) = replacement::request(state.db.pool(), step.request_id).await? else {
        let view = NewPassphraseView::SessionEnded;
        return Ok(render(state, routes::NEW_PASSPHRASE, view, StatusCode::FORBIDDEN).await);
    };
    // The PIN document proved the patient: the practice may be named from here on.
    let locale = request_locale();
    let signature = td_string!(locale, emails.signature);
    let practice = step.candidate.practice.name.clone();
    let confirmation = td_string!(
        locale,
        emails.replaced.body,
        reference = &request.reference,
        practice = &practice,
        signature = signature,
    );
    let alert = td_string!(
        locale,
        emails.alert.body,
        practice = &practice,
        signature = signature,
    );
    let new_email = request.new_email.clone().unwrap_or_default();
    let mut messages = vec![NewMessage {
        recipient: &new_email,
        subject: td_string!(locale, emails.replaced.subject),
        body: &confirmation,
        purpose: Purpose::ReplacementConfirmed,
    }];
    if let Some(old_email) = step.candidate.account.email.as_deref() {
        messages.push(NewMessage {
            recipient: old_email,
            subject: td_string!(locale, emails.alert.subject),
            body: &alert,
            purpose: Purpose::ReplacementAlert,
        });
    }
    let new_account_id = new_record_id("acc");
    let activation = Activation {
        request_id: step.request_id,
        pin_document_id: step.pin_document_id,
        new_account_id: &new_account_id,
        passphrase_hash: step.passphrase_hash,
        messages: &messages,
    };
    let outcome =
        replacement::activate(&state.db, step.token, &activation, now().unix_timestamp()).await?;
    Ok(match outcome {
        Activated::Replaced => {
            state.outbox_wake.notify_one();
            Redirect::to(routes::RESET_DONE).into_response()
        }
        Activated::DocumentAlreadyUsed => {
            let view = NewPassphraseView::AlreadyUsed {
                practice_name: Some(practice),
            };
            render(state, routes::NEW_PASSPHRASE, view, StatusCode::CONFLICT).await
        }
        Activated::TokenNoLongerValid => {
            let view = NewPassphraseView::SessionEnded;
            render(state, routes::NEW_PASSPHRASE, view, StatusCode::FORBIDDEN).await
        }
        Activated::NoLongerPending => {
            render(
                state,
                routes::REPLACE_ACTIVATE,
                ActivateView::Cancelled,
                StatusCode::GONE,
            )
            .await
        }
    })
}
