//! `/replace-account/check-answers` and `/replace-account/done`: the answers, the request
//! itself (one transaction, with what happens next for the new address and the notice with a
//! cancel link for the old), and its confirmation. Nothing of the old account is shown: the
//! journey has proved only that its user knows the patient's details and owns the new mailbox.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rand::RngCore;

use super::{
    current_journey, is_old_address, journey_ended, journey_limit, now, practice_name,
    your_practice,
};
use super::{JourneyStep, OpenJourney};
use crate::db::outbox::{NewMessage, Purpose};
use crate::db::replacement::{self, Journey, NewRequest, Requested};
use crate::db::tokens::{new_record_id, CancelToken};
use crate::db::{accounts, patients};
use crate::domain::{Ineligible, ReplacementReference};
use crate::i18n::td_string;
use crate::server::{render, render_step, request_locale, AppState, JourneyError};
use crate::views::form::SummaryRow;
use crate::views::replacement::{CheckView, IdentityView, ReplaceDoneView};
use crate::views::routes;

impl JourneyStep for CheckView {
    const PATH: &'static str = routes::REPLACE_CHECK;
}

/// The answers, once the new address is confirmed (and is not the old account's own).
pub async fn show_check(
    State(state): State<AppState>,
    OpenJourney { journey, .. }: OpenJourney<CheckView>,
) -> Result<Response, JourneyError> {
    if journey.email_confirmed_at.is_none() || is_old_address(&state, &journey).await? {
        return Ok(Redirect::to(routes::REPLACE_CODE).into_response());
    }
    let rows = check_rows(&state, &journey).await?;
    Ok(render_step(
        &state,
        routes::REPLACE_CHECK,
        CheckView::Ready { rows },
        StatusCode::OK,
        journey_limit(&journey),
        now().unix_timestamp(),
    )
    .await)
}

/// The summary list: what the patient typed and confirmed (NHS number, new email address),
/// never the old account's details.
async fn check_rows(state: &AppState, journey: &Journey) -> Result<Vec<SummaryRow>, JourneyError> {
    let patient = patients::find(state.db.pool(), &journey.patient_id).await?;
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
            key: td_string!(locale, replace.check.new_email).to_owned(),
            value: journey.new_email.clone().unwrap_or_default(),
            change: change(
                routes::REPLACE_EMAIL,
                td_string!(locale, replace.check.change_email),
            ),
        },
    ])
}

/// "Request replacement": records the pending request in one transaction, then the
/// confirmation. The old account keeps working until the request is activated.
pub async fn request_replacement(
    State(state): State<AppState>,
    OpenJourney { token, journey, .. }: OpenJourney<CheckView>,
) -> Result<Response, JourneyError> {
    if journey.email_confirmed_at.is_none() || is_old_address(&state, &journey).await? {
        return Ok(Redirect::to(routes::REPLACE_CODE).into_response());
    }
    let pool = state.db.pool();
    let old = accounts::find(pool, &journey.old_account_id).await?;
    let Some(old) = old else {
        return Ok(journey_ended::<CheckView>(&state).await);
    };
    let Some(new_email) = journey.new_email.clone() else {
        return Ok(Redirect::to(routes::REPLACE_EMAIL).into_response());
    };
    // Signed in to since the journey began: the account is no longer eligible.
    let started_at = journey.created_at;
    if old.last_used_at.is_some_and(|t| t > started_at) {
        let view = IdentityView::Ineligible {
            reason: Ineligible::UsedRecently,
        };
        return Ok(render(&state, routes::REPLACE, view, StatusCode::FORBIDDEN).await);
    }

    let mut random = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let reference = ReplacementReference::from_random(random);
    let request_id = new_record_id("rpl");
    let cancel_token = old.email.as_ref().map(|_| CancelToken::generate());
    // In the language of the request that asked for the replacement, for both addresses: the
    // patient's language at that moment. The new address is told nothing of the practice.
    let locale = request_locale();
    let signature = td_string!(locale, emails.signature);
    let activate_url = format!("{}{}", state.public_url, routes::REPLACE_ACTIVATE);
    let next_steps = td_string!(
        locale,
        emails.requested.body,
        reference = &reference,
        activate_url = &activate_url,
        signature = signature,
    );
    let mut messages = vec![NewMessage {
        recipient: &new_email,
        subject: td_string!(locale, emails.requested.subject),
        body: &next_steps,
        purpose: Purpose::ReplacementRequested,
    }];
    let notice;
    if let (Some(old_email), Some(cancel_token)) = (old.email.as_deref(), &cancel_token) {
        let practice = practice_name(&state, old.practice_ods.as_str())
            .await?
            .unwrap_or_else(|| your_practice(locale));
        let cancel_url = format!(
            "{}{}",
            state.public_url,
            routes::replace_cancel(cancel_token.expose())
        );
        notice = td_string!(
            locale,
            emails.cancel_notice.body,
            cancel_url = &cancel_url,
            practice = &practice,
            signature = signature,
        );
        messages.push(NewMessage {
            recipient: old_email,
            subject: td_string!(locale, emails.cancel_notice.subject),
            body: &notice,
            purpose: Purpose::ReplacementNotice,
        });
    }
    let requested = replacement::record_request(
        &state.db,
        &token,
        &NewRequest {
            request_id: &request_id,
            reference: &reference,
            cancel_token: cancel_token.as_ref(),
            messages: &messages,
        },
        now().unix_timestamp(),
    )
    .await?;
    Ok(match requested {
        Requested::Recorded => {
            state.outbox_wake.notify_one();
            Redirect::to(routes::REPLACE_DONE).into_response()
        }
        Requested::AlreadyDone { .. } => Redirect::to(routes::REPLACE_DONE).into_response(),
        Requested::NotAllowed => journey_ended::<CheckView>(&state).await,
    })
}

/// The confirmation with the reference, for a finished journey; anyone else starts again.
pub async fn show_done(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, JourneyError> {
    let Some((_, journey)) = current_journey(&state, &headers).await? else {
        return Ok(Redirect::to(routes::REPLACE).into_response());
    };
    let Some(request_id) = journey.request_id.as_deref() else {
        return Ok(Redirect::to(routes::REPLACE).into_response());
    };
    let Some(request) = replacement::request(state.db.pool(), request_id).await? else {
        return Ok(Redirect::to(routes::REPLACE).into_response());
    };
    let view = ReplaceDoneView {
        reference: request.reference.to_string(),
        email: journey.new_email.unwrap_or_default(),
    };
    Ok(render(&state, routes::REPLACE_DONE, view, StatusCode::OK).await)
}
