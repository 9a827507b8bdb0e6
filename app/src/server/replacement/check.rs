//! `/replace-account/check-answers` and `/replace-account/done`: the answers, the replacement
//! itself (one transaction, and the emails to both addresses), and its confirmation.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rand::RngCore;
use time::OffsetDateTime;

use super::{
    current_journey, journey_ended, now, practice_name, your_practice, JourneyStep, OpenJourney,
};
use crate::db::outbox::{NewMessage, Purpose};
use crate::db::replacement::{self, Completion, Journey, Replacement, JOURNEY_LIFETIME_SECONDS};
use crate::db::tokens::new_record_id;
use crate::db::{accounts, patients, practices};
use crate::domain::{Ineligible, ReplacementReference};
use crate::i18n::td_string;
use crate::server::{render, request_locale, AppState, JourneyError};
use crate::views::form::SummaryRow;
use crate::views::replacement::{CheckView, IdentityView, ReplaceDoneView};
use crate::views::routes;

impl JourneyStep for CheckView {
    const PATH: &'static str = routes::REPLACE_CHECK;
}

/// The answers, once the new address is confirmed.
pub async fn show_check(
    State(state): State<AppState>,
    OpenJourney { journey, .. }: OpenJourney<CheckView>,
) -> Result<Response, JourneyError> {
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

/// The summary list: NHS number, the account being replaced, the new email address.
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
pub async fn request_replacement(
    State(state): State<AppState>,
    OpenJourney { token, journey, .. }: OpenJourney<CheckView>,
) -> Result<Response, JourneyError> {
    if journey.email_confirmed_at.is_none() {
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
    let practice_name = practice_name(&state, old.practice_ods.as_str()).await?;
    // Signed in to since the journey began: the account is no longer eligible.
    let started_at = journey.expires_at - JOURNEY_LIFETIME_SECONDS;
    if let Some(used_at) = old.last_used_at.filter(|t| *t > started_at) {
        let last_used_on =
            OffsetDateTime::from_unix_timestamp(used_at).map_or(now().date(), OffsetDateTime::date);
        let view = IdentityView::Ineligible {
            reason: Ineligible::UsedRecently { last_used_on },
            practice_name,
        };
        return Ok(render(&state, routes::REPLACE, view, StatusCode::FORBIDDEN).await);
    }

    let mut random = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let reference = ReplacementReference::from_random(random);
    let request_id = new_record_id("rpl");
    let new_account_id = new_record_id("acc");
    // In the language of the request that asked for the replacement, for both addresses: the
    // patient's language at that moment.
    let locale = request_locale();
    let signature = td_string!(locale, emails.signature);
    let practice = practice_name
        .clone()
        .unwrap_or_else(|| your_practice(locale));
    let confirmation = td_string!(
        locale,
        emails.replaced.body,
        reference = &reference,
        practice = &practice,
        signature = signature,
    );
    let alert = td_string!(
        locale,
        emails.alert.body,
        practice = &practice,
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
    Ok(match completion {
        Completion::Replaced => {
            state.outbox_wake.notify_one();
            Redirect::to(routes::REPLACE_DONE).into_response()
        }
        Completion::AlreadyDone { .. } => Redirect::to(routes::REPLACE_DONE).into_response(),
        Completion::NotAllowed => journey_ended::<CheckView>(&state).await,
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
    let practice_name = practice_name(&state, &request.practice_ods).await?;
    let view = ReplaceDoneView {
        reference: request.reference.to_string(),
        email: journey.new_email.unwrap_or_default(),
        practice_name,
    };
    Ok(render(&state, routes::REPLACE_DONE, view, StatusCode::OK).await)
}
