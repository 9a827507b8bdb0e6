//! The reads and writes behind "replace your account": identity match, eligibility facts, the
//! journey in progress (behind a cookie token), the pending request it ends with, its
//! cancellation from the old address, and its activation with a PIN document, the one
//! transaction that replaces.

use sha2::{Digest, Sha256};
use sqlx::{Any, Executor};
use time::{Date, OffsetDateTime};

use super::accounts::{self, OnlineAccount};
use super::audit::{self, AuditKind, NewAuditEvent};
use super::outbox::{self, NewMessage};
use super::patients::{self, Patient};
use super::sessions::{self, SessionKind};
use super::tokens::{CancelToken, JourneyToken, StepToken};
use super::{pin_documents, step_tokens, Db, DbError};
use crate::domain::{
    NhsNumber, Postcode, ReplacementFacts, ReplacementReference, ReplacementState, SecurityCode,
    StepWindow, CANCEL_LINK_DAYS,
};

/// How long a patient has to finish the journey after the identity check.
pub const JOURNEY_LIFETIME_SECONDS: i64 = 30 * 60;

/// The patient whose NHS number, date of birth and postcode were all given correctly.
#[derive(Debug, Clone)]
pub struct IdentifiedPatient {
    pub patient: Patient,
    /// The account a replacement would replace: the newest active one.
    pub current_account: Option<OnlineAccount>,
    pub facts: ReplacementFacts,
}

/// Finds the patient only when all three details match one record (the GP record or PDS).
pub async fn identify(
    db: &Db,
    nhs_number: &NhsNumber,
    date_of_birth: Date,
    postcode: &Postcode,
) -> Result<Option<IdentifiedPatient>, DbError> {
    let pool = db.pool();
    let Some(patient) = patients::find_by_nhs_number(pool, nhs_number).await? else {
        // The same queries for an unknown number, so response times do not tell which exist.
        patients::demographics(pool, "").await?;
        return Ok(None);
    };
    let records = patients::demographics(pool, &patient.id).await?;
    let matches = records.iter().any(|r| {
        r.date_of_birth == date_of_birth
            && Postcode::parse(&r.postcode).is_ok_and(|stored| stored == *postcode)
    });
    if !matches {
        return Ok(None);
    }
    let current_account = sqlx::query_scalar::<_, String>(
        "SELECT id FROM online_accounts WHERE patient_id = $1 AND status = 'active'
         AND ended_at IS NULL ORDER BY created_at DESC, id LIMIT 1",
    )
    .bind(&patient.id)
    .fetch_optional(pool)
    .await?;
    let current_account = match current_account {
        Some(id) => accounts::find(pool, &id).await?,
        None => None,
    };
    let (account_count, replaced_count) = sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'replaced' THEN 1 ELSE 0 END), 0)
         FROM online_accounts WHERE patient_id = $1",
    )
    .bind(&patient.id)
    .fetch_one(pool)
    .await?;
    let last_used_on = current_account
        .as_ref()
        .and_then(|a| a.last_used_at)
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .map(OffsetDateTime::date);
    let deceased = super::pds::is_deceased(pool, &patient.id).await?;
    let ended = match current_account {
        Some(_) => None,
        None => accounts::ended_for_patient(pool, &patient.id)
            .await?
            .and_then(|account| match account.status {
                accounts::AccountStatus::Ended { reason, .. } => Some(reason),
                _ => None,
            }),
    };
    Ok(Some(IdentifiedPatient {
        patient,
        current_account,
        facts: ReplacementFacts {
            last_used_on,
            replaced_before: replaced_count > 0,
            account_count,
            deceased,
            ended,
        },
    }))
}

/// A journey in progress, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Journey {
    pub patient_id: String,
    pub old_account_id: String,
    pub new_email: Option<String>,
    pub code_hash: Option<String>,
    pub code_expires_at: Option<i64>,
    pub code_attempts: i64,
    pub codes_sent: i64,
    pub email_confirmed_at: Option<i64>,
    pub request_id: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
}

impl Journey {
    /// The journey's time window: it began at `created_at` and ends at `expires_at`.
    pub fn window(&self) -> StepWindow {
        StepWindow {
            started_at: self.created_at,
            lifetime_seconds: JOURNEY_LIFETIME_SECONDS,
            expires_at: self.expires_at,
        }
    }
}

pub async fn start_journey<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &JourneyToken,
    patient_id: &str,
    old_account_id: &str,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO replacement_journeys (token_hash, patient_id, old_account_id, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.digest())
    .bind(patient_id)
    .bind(old_account_id)
    .bind(now + JOURNEY_LIFETIME_SECONDS)
    .bind(now)
    .execute(exec)
    .await?;
    Ok(())
}

/// The journey behind a token; `None` when unknown or past its time. A finished journey is
/// still returned (with its `request_id`) so the confirmation can be shown again.
pub async fn journey<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &JourneyToken,
    now: i64,
) -> Result<Option<Journey>, DbError> {
    Ok(sqlx::query_as::<_, Journey>(
        "SELECT patient_id, old_account_id, new_email, code_hash, code_expires_at, code_attempts,
                codes_sent, email_confirmed_at, request_id, expires_at, created_at
         FROM replacement_journeys WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token.digest())
    .bind(now)
    .fetch_optional(exec)
    .await?)
}

/// Gives an unfinished journey that has not run out until `new_end` (see
/// [`StepWindow::more_time`]). Returns whether it did.
pub async fn extend_journey<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &JourneyToken,
    new_end: i64,
    now: i64,
) -> Result<bool, DbError> {
    let result = sqlx::query(
        "UPDATE replacement_journeys SET expires_at = $1
         WHERE token_hash = $2 AND request_id IS NULL AND expires_at > $3 AND expires_at < $1",
    )
    .bind(new_end)
    .bind(token.digest())
    .bind(now)
    .execute(exec)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The stored form of a security code: bound to the journey's token, so a code is worthless in
/// any other journey.
pub fn code_digest(token: &JourneyToken, code: &SecurityCode) -> String {
    let digest = Sha256::digest(format!("{}:{}", token.digest(), code.expose()).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What happened when a code was to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSent {
    Sent,
    /// The journey already sent as many codes as it may.
    LimitReached,
}

/// Sets the new email address and a fresh code, and queues the message carrying the code, in
/// one transaction. Any earlier code stops working.
pub async fn send_code(
    db: &Db,
    token: &JourneyToken,
    email: &str,
    code: &SecurityCode,
    message: &NewMessage<'_>,
    limits: (i64, i64),
    now: i64,
) -> Result<CodeSent, DbError> {
    let (lifetime_seconds, max_sends) = limits;
    let mut tx = db.pool().begin().await?;
    let updated = sqlx::query(
        "UPDATE replacement_journeys
         SET new_email = $1, code_hash = $2, code_expires_at = $3, code_attempts = 0,
             codes_sent = codes_sent + 1, email_confirmed_at = NULL
         WHERE token_hash = $4 AND expires_at > $5 AND request_id IS NULL AND codes_sent < $6",
    )
    .bind(email)
    .bind(code_digest(token, code))
    .bind(now + lifetime_seconds)
    .bind(token.digest())
    .bind(now)
    .bind(max_sends)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(CodeSent::LimitReached);
    }
    outbox::enqueue(&mut *tx, message, now).await?;
    tx.commit().await?;
    Ok(CodeSent::Sent)
}

/// The outcome of one code entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Confirmed,
    Wrong {
        attempts_left: i64,
    },
    /// Past its 10 minutes, or out of tries: a new code is needed.
    Dead,
}

/// Counts the attempt first (atomically, so parallel guesses are all counted), then compares.
pub async fn check_code(
    db: &Db,
    token: &JourneyToken,
    code: &SecurityCode,
    max_attempts: i64,
    now: i64,
) -> Result<CodeCheck, DbError> {
    let row = sqlx::query_as::<_, (i64, Option<String>, Option<i64>)>(
        "UPDATE replacement_journeys SET code_attempts = code_attempts + 1
         WHERE token_hash = $1 AND expires_at > $2 AND request_id IS NULL AND code_hash IS NOT NULL
         RETURNING code_attempts, code_hash, code_expires_at",
    )
    .bind(token.digest())
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some((attempts, Some(hash), Some(expires_at))) = row else {
        return Ok(CodeCheck::Dead);
    };
    if attempts > max_attempts || expires_at <= now {
        return Ok(CodeCheck::Dead);
    }
    if hash != code_digest(token, code) {
        return Ok(CodeCheck::Wrong {
            attempts_left: max_attempts - attempts,
        });
    }
    sqlx::query(
        "UPDATE replacement_journeys SET email_confirmed_at = $1, code_hash = NULL
         WHERE token_hash = $2",
    )
    .bind(now)
    .bind(token.digest())
    .execute(db.pool())
    .await?;
    Ok(CodeCheck::Confirmed)
}

/// A replacement request: what the confirmation, status and staff pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementRequest {
    pub id: String,
    pub reference: ReplacementReference,
    pub patient_id: String,
    pub practice_ods: String,
    pub old_account_id: String,
    /// Set once the request is activated with a PIN document.
    pub new_account_id: Option<String>,
    /// The confirmed new address, the new account's once it exists.
    pub new_email: Option<String>,
    pub state: ReplacementState,
    pub created_at: i64,
    /// When it was cancelled or completed.
    pub decided_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: String,
    reference: String,
    patient_id: String,
    practice_ods: String,
    old_account_id: String,
    new_account_id: Option<String>,
    new_email: Option<String>,
    status: String,
    created_at: i64,
    decided_at: Option<i64>,
}

impl TryFrom<RequestRow> for ReplacementRequest {
    type Error = DbError;
    fn try_from(row: RequestRow) -> Result<Self, DbError> {
        Ok(Self {
            reference: ReplacementReference::parse(&row.reference)
                .map_err(|_| DbError::Corrupt(format!("reference {:?}", row.reference)))?,
            state: ReplacementState::from_code(&row.status)
                .ok_or_else(|| DbError::Corrupt(format!("request status {:?}", row.status)))?,
            id: row.id,
            patient_id: row.patient_id,
            practice_ods: row.practice_ods,
            old_account_id: row.old_account_id,
            new_account_id: row.new_account_id,
            new_email: row.new_email,
            created_at: row.created_at,
            decided_at: row.decided_at,
        })
    }
}

const REQUEST_COLUMNS: &str = "id, reference, patient_id, practice_ods, old_account_id, \
     new_account_id, new_email, status, created_at, decided_at";

pub async fn request<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<ReplacementRequest>, DbError> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM replacement_requests WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(exec)
    .await?
    .map(ReplacementRequest::try_from)
    .transpose()
}

pub async fn request_by_reference<'e>(
    exec: impl Executor<'e, Database = Any>,
    reference: &ReplacementReference,
) -> Result<Option<ReplacementRequest>, DbError> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM replacement_requests WHERE reference = $1"
    ))
    .bind(reference.as_str())
    .fetch_optional(exec)
    .await?
    .map(ReplacementRequest::try_from)
    .transpose()
}

/// What the final step of the journey needs besides the journey.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub request_id: &'a str,
    pub reference: &'a ReplacementReference,
    /// The link's token for the old account's owner, when the old account has an address.
    pub cancel_token: Option<&'a CancelToken>,
    /// Messages to queue with it: what happens next to the new address, the notice with the
    /// cancel link to the old.
    pub messages: &'a [NewMessage<'a>],
}

/// How the journey's final step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// Recorded, pending; nothing about the old account changed.
    Recorded,
    /// This journey already finished (a second click, or another tab).
    AlreadyDone { request_id: String },
    /// The journey ended, the email was never confirmed, or the account is no longer active.
    NotAllowed,
}

/// Records a pending request in one transaction: the journey is claimed, the request written
/// (with the hash of the cancel link's token), the event audited and the messages queued. The
/// old account, its PIN documents and its sessions are untouched: only [`activate`] changes
/// them.
pub async fn record_request(
    db: &Db,
    token: &JourneyToken,
    new: &NewRequest<'_>,
    now: i64,
) -> Result<Requested, DbError> {
    let mut tx = db.pool().begin().await?;
    // Claiming the journey first serialises double submissions: the second finds it taken.
    let claimed = sqlx::query(
        "UPDATE replacement_journeys SET request_id = $1
         WHERE token_hash = $2 AND request_id IS NULL AND email_confirmed_at IS NOT NULL
           AND expires_at > $3",
    )
    .bind(new.request_id)
    .bind(token.digest())
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let Some(journey) = journey(&mut *tx, token, now).await? else {
        return Ok(Requested::NotAllowed);
    };
    if claimed == 0 {
        return Ok(match journey.request_id {
            Some(request_id) => Requested::AlreadyDone { request_id },
            None => Requested::NotAllowed,
        });
    }
    let Some(new_email) = journey.new_email.as_deref() else {
        return Ok(Requested::NotAllowed);
    };
    let Some(old) = accounts::find(&mut *tx, &journey.old_account_id)
        .await?
        .filter(|a| a.status == accounts::AccountStatus::Active)
    else {
        return Ok(Requested::NotAllowed);
    };
    sqlx::query(
        "INSERT INTO replacement_requests
             (id, reference, patient_id, practice_ods, old_account_id, new_account_id, created_at,
              status, new_email, cancel_token_hash, cancel_expires_at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, 'pending', $7, $8, $9)",
    )
    .bind(new.request_id)
    .bind(new.reference.as_str())
    .bind(&old.patient_id)
    .bind(old.practice_ods.as_str())
    .bind(&old.id)
    .bind(now)
    .bind(new_email)
    .bind(new.cancel_token.map(CancelToken::digest))
    .bind(now + CANCEL_LINK_DAYS * 24 * 60 * 60)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::ReplacementRequested,
            actor: "patient",
            practice_ods: Some(old.practice_ods.as_str()),
            patient_id: Some(&old.patient_id),
            detail: &format!("reference {}: waiting for a PIN document", new.reference),
        },
        now,
    )
    .await?;
    for message in new.messages {
        outbox::enqueue(&mut *tx, message, now).await?;
    }
    tx.commit().await?;
    Ok(Requested::Recorded)
}

/// What a cancel link leads to, before or after it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelLink {
    /// The request can still be cancelled with this link.
    Usable { reference: ReplacementReference },
    /// Already cancelled (by this link, or overtaken).
    Cancelled,
    /// Activated before the link was used: the practice must help.
    Completed,
    /// Unknown, forged, or past its 7 days.
    Dead,
}

/// Where the request behind a cancel link stands; nothing is changed.
pub async fn cancel_link<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &CancelToken,
    now: i64,
) -> Result<CancelLink, DbError> {
    let row = sqlx::query_as::<_, (String, String, i64)>(
        "SELECT reference, status, cancel_expires_at FROM replacement_requests
         WHERE cancel_token_hash = $1",
    )
    .bind(token.digest())
    .fetch_optional(exec)
    .await?;
    let Some((reference, status, expires_at)) = row else {
        return Ok(CancelLink::Dead);
    };
    Ok(match ReplacementState::from_code(&status) {
        Some(ReplacementState::Cancelled) => CancelLink::Cancelled,
        Some(ReplacementState::Completed) => CancelLink::Completed,
        Some(ReplacementState::Pending) if expires_at > now => CancelLink::Usable {
            reference: ReplacementReference::parse(&reference)
                .map_err(|_| DbError::Corrupt(format!("reference {reference:?}")))?,
        },
        Some(ReplacementState::Pending) => CancelLink::Dead,
        None => return Err(DbError::Corrupt(format!("request status {status:?}"))),
    })
}

/// Cancels the pending request behind the link, once, within its 7 days, and audits it. The
/// old account was never changed, so there is nothing else to restore. Returns where the
/// request stands afterwards ([`CancelLink::Cancelled`] when this call or an earlier one
/// cancelled it).
pub async fn cancel(db: &Db, token: &CancelToken, now: i64) -> Result<CancelLink, DbError> {
    let mut tx = db.pool().begin().await?;
    let cancelled = sqlx::query_as::<_, (String, String, String)>(
        "UPDATE replacement_requests SET status = 'cancelled', decided_at = $1
         WHERE cancel_token_hash = $2 AND status = 'pending' AND cancel_expires_at > $1
         RETURNING reference, practice_ods, patient_id",
    )
    .bind(now)
    .bind(token.digest())
    .fetch_optional(&mut *tx)
    .await?;
    let Some((reference, practice_ods, patient_id)) = cancelled else {
        tx.rollback().await?;
        return cancel_link(db.pool(), token, now).await;
    };
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::ReplacementCancelled,
            actor: "patient",
            practice_ods: Some(&practice_ods),
            patient_id: Some(&patient_id),
            detail: &format!(
                "reference {reference}: cancelled from the link sent to the old address"
            ),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(CancelLink::Cancelled)
}

/// What activating a request needs: the reset step that matched the PIN document, and the new
/// passphrase's hash.
#[derive(Debug, Clone)]
pub struct Activation<'a> {
    pub request_id: &'a str,
    pub pin_document_id: &'a str,
    pub new_account_id: &'a str,
    pub passphrase_hash: &'a str,
    /// Messages to queue with it: the confirmation to the new address, an alert to the old.
    pub messages: &'a [NewMessage<'a>],
}

/// How an activation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activated {
    /// The old account is replaced; the new one is active with the new passphrase.
    Replaced,
    /// Another submission used the PIN document first; nothing changed.
    DocumentAlreadyUsed,
    /// The step token was used or has expired; nothing changed.
    TokenNoLongerValid,
    /// The request was cancelled (or overtaken) meanwhile, or the old account is no longer
    /// active; nothing changed.
    NoLongerPending,
}

/// Completes a pending request in one transaction, the second phase: the PIN document is used
/// up and the step token consumed; the request is marked completed; the old account is marked
/// replaced (never deleted) and points at a new account with the same Account ID, the new
/// address and the new passphrase; the PIN documents move to it; every session of the old
/// account ends; other pending requests for the old account are cancelled; the event is
/// audited and the messages queued. If any statement fails, none of it happened.
pub async fn activate(
    db: &Db,
    step: &StepToken,
    activation: &Activation<'_>,
    now: i64,
) -> Result<Activated, DbError> {
    let mut tx = db.pool().begin().await?;
    if !pin_documents::mark_used(&mut *tx, activation.pin_document_id, now).await? {
        tx.rollback().await?;
        return Ok(Activated::DocumentAlreadyUsed);
    }
    if !step_tokens::consume(&mut *tx, step, now).await? {
        tx.rollback().await?;
        return Ok(Activated::TokenNoLongerValid);
    }
    let claimed = sqlx::query_as::<_, (String, Option<String>)>(
        "UPDATE replacement_requests SET status = 'completed', decided_at = $1
         WHERE id = $2 AND status = 'pending'
         RETURNING old_account_id, new_email",
    )
    .bind(now)
    .bind(activation.request_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((old_account_id, Some(new_email))) = claimed else {
        tx.rollback().await?;
        return Ok(Activated::NoLongerPending);
    };
    let Some(old) = accounts::find(&mut *tx, &old_account_id).await? else {
        tx.rollback().await?;
        return Ok(Activated::NoLongerPending);
    };
    // Marked replaced before the new account exists, so the Account ID is never active twice;
    // the pointer to the new account is set once it exists.
    let retired = sqlx::query(
        "UPDATE online_accounts SET status = 'replaced'
         WHERE id = $1 AND status = 'active' AND ended_at IS NULL",
    )
    .bind(&old.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if retired == 0 {
        tx.rollback().await?;
        return Ok(Activated::NoLongerPending);
    }
    accounts::insert_if_missing(
        &mut *tx,
        &accounts::NewAccount {
            id: activation.new_account_id,
            patient_id: &old.patient_id,
            practice_ods: &old.practice_ods,
            account_id: &old.account_id,
            email: Some(&new_email),
        },
        now,
    )
    .await?;
    accounts::set_passphrase_hash(
        &mut *tx,
        activation.new_account_id,
        Some(activation.passphrase_hash),
    )
    .await?;
    sqlx::query("UPDATE online_accounts SET replaced_by = $1 WHERE id = $2")
        .bind(activation.new_account_id)
        .bind(&old.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE replacement_requests SET new_account_id = $1 WHERE id = $2")
        .bind(activation.new_account_id)
        .bind(activation.request_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE replacement_requests SET status = 'cancelled', decided_at = $1
         WHERE old_account_id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(&old.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE pin_documents SET online_account_id = $1 WHERE online_account_id = $2")
        .bind(activation.new_account_id)
        .bind(&old.id)
        .execute(&mut *tx)
        .await?;
    sessions::end_all_for(&mut *tx, SessionKind::Patient, &old.id).await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::AccountReplaced,
            actor: "patient",
            practice_ods: Some(old.practice_ods.as_str()),
            patient_id: Some(&old.patient_id),
            detail: &format!(
                "Account ID {} replaced with a PIN document, request {}",
                old.account_id, activation.request_id
            ),
        },
        now,
    )
    .await?;
    for message in activation.messages {
        outbox::enqueue(&mut *tx, message, now).await?;
    }
    tx.commit().await?;
    Ok(Activated::Replaced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::outbox::Purpose;
    use crate::db::patients::tests::{insert_practice, sample_patient};
    use crate::db::patients::{DemographicSource, Demographics};
    use crate::db::pin_documents::{self, IssuedPinDocument};
    use crate::db::sessions::{self, SessionKind};
    use crate::db::testing::each_backend;
    use crate::domain::{AccountId, ClinicalSystem, OdsCode};
    use time::macros::date;

    const DOB: Date = date!(1980 - 02 - 01);

    /// A patient with one active account (last used at `last_used_at`), a PIN document and a
    /// signed-in session.
    async fn seed(db: &Db, last_used_at: Option<i64>) {
        insert_practice(db, "T00001", ClinicalSystem::Tpp).await;
        let patient = sample_patient();
        patients::upsert(db.pool(), &patient, 1).await.unwrap();
        let record = Demographics {
            source: DemographicSource::Pds,
            given_name: "Sam".into(),
            family_name: "Patel".into(),
            date_of_birth: DOB,
            address_line: "1 River Road".into(),
            postcode: "rv1 2ab".into(),
        };
        patients::upsert_demographics(db.pool(), &patient.id, &record, 1)
            .await
            .unwrap();
        accounts::insert_if_missing(
            db.pool(),
            &accounts::NewAccount {
                id: "old",
                patient_id: &patient.id,
                practice_ods: &OdsCode::parse("T00001").unwrap(),
                account_id: &AccountId::parse("1000000001").unwrap(),
                email: Some("lost@example.com"),
            },
            1,
        )
        .await
        .unwrap();
        sqlx::query("UPDATE online_accounts SET last_used_at = $1 WHERE id = 'old'")
            .bind(last_used_at)
            .execute(db.pool())
            .await
            .unwrap();
        pin_documents::upsert(
            db.pool(),
            &IssuedPinDocument {
                id: "doc",
                online_account_id: "old",
                secret_hash: "$argon2id$stub",
                printed_on: date!(2026 - 11 - 20),
                used_at: None,
            },
            1,
        )
        .await
        .unwrap();
        sessions::create(db.pool(), SessionKind::Patient, "old", 1)
            .await
            .unwrap();
    }

    fn nhs() -> NhsNumber {
        NhsNumber::parse("9990000018").unwrap()
    }

    /// A journey whose new email address is confirmed, ready for the final step.
    async fn confirmed_journey(db: &Db, now: i64) -> JourneyToken {
        let token = JourneyToken::generate();
        start_journey(db.pool(), &token, "patient-1", "old", now)
            .await
            .unwrap();
        let code = SecurityCode::from_random(123_456);
        let message = code_message("new@example.com");
        let sent = send_code(
            db,
            &token,
            "new@example.com",
            &code,
            &message,
            (600, 3),
            now,
        )
        .await
        .unwrap();
        assert_eq!(sent, CodeSent::Sent);
        assert_eq!(
            check_code(db, &token, &code, 5, now + 1).await.unwrap(),
            CodeCheck::Confirmed
        );
        token
    }

    fn code_message(to: &str) -> NewMessage<'_> {
        NewMessage {
            recipient: to,
            subject: "Your security code",
            body: "123456",
            purpose: Purpose::SecurityCode,
        }
    }

    fn new_request<'a>(
        reference: &'a ReplacementReference,
        cancel_token: Option<&'a CancelToken>,
        messages: &'a [NewMessage<'a>],
    ) -> NewRequest<'a> {
        NewRequest {
            request_id: "request-1",
            reference,
            cancel_token,
            messages,
        }
    }

    /// A reset step token for the seeded PIN document, issued to activate `request_id`.
    async fn activation_step(db: &Db, request_id: &str, now: i64) -> StepToken {
        let step = StepToken::generate();
        step_tokens::issue_for_replacement(db.pool(), &step, "doc", request_id, now)
            .await
            .unwrap();
        step
    }

    fn activation<'a>(messages: &'a [NewMessage<'a>]) -> Activation<'a> {
        Activation {
            request_id: "request-1",
            pin_document_id: "doc",
            new_account_id: "new",
            passphrase_hash: "$argon2id$new",
            messages,
        }
    }

    async fn count(db: &Db, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(db.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn identity_needs_all_three_details_and_reports_the_facts() {
        each_backend(|db| async move {
            seed(&db, Some(86_400 * 10)).await;
            let postcode = Postcode::parse("RV1 2AB").unwrap();
            let found = identify(&db, &nhs(), DOB, &postcode)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(found.patient.id, "patient-1");
            assert_eq!(found.current_account.unwrap().id, "old");
            assert_eq!(
                found.facts,
                ReplacementFacts {
                    last_used_on: Some(date!(1970 - 01 - 11)),
                    replaced_before: false,
                    account_count: 1,
                    deceased: false,
                    ended: None,
                }
            );
            let other_postcode = Postcode::parse("RV1 2AC").unwrap();
            assert!(identify(&db, &nhs(), DOB, &other_postcode)
                .await
                .unwrap()
                .is_none());
            assert!(identify(&db, &nhs(), date!(1980 - 02 - 02), &postcode)
                .await
                .unwrap()
                .is_none());
            let unknown = NhsNumber::parse("9990000026").unwrap();
            assert!(identify(&db, &unknown, DOB, &postcode)
                .await
                .unwrap()
                .is_none());
        })
        .await;
    }

    #[tokio::test]
    async fn codes_are_limited_in_number_tries_and_time() {
        each_backend(|db| async move {
            seed(&db, None).await;
            let token = JourneyToken::generate();
            start_journey(db.pool(), &token, "patient-1", "old", 1_000)
                .await
                .unwrap();
            let right = SecurityCode::from_random(111_111);
            let wrong = SecurityCode::from_random(222_222);
            let message = code_message("new@example.com");
            send_code(
                &db,
                &token,
                "new@example.com",
                &right,
                &message,
                (600, 3),
                1_000,
            )
            .await
            .unwrap();
            for left in (1..5).rev() {
                assert_eq!(
                    check_code(&db, &token, &wrong, 5, 1_001).await.unwrap(),
                    CodeCheck::Wrong {
                        attempts_left: left
                    }
                );
            }
            assert_eq!(
                check_code(&db, &token, &wrong, 5, 1_001).await.unwrap(),
                CodeCheck::Wrong { attempts_left: 0 }
            );
            // Out of tries: even the right code no longer works.
            assert_eq!(
                check_code(&db, &token, &right, 5, 1_001).await.unwrap(),
                CodeCheck::Dead
            );

            // A new code (second of three) resets the tries; it dies after its 10 minutes.
            let second = SecurityCode::from_random(333_333);
            send_code(
                &db,
                &token,
                "new@example.com",
                &second,
                &message,
                (600, 3),
                1_100,
            )
            .await
            .unwrap();
            assert_eq!(
                check_code(&db, &token, &right, 5, 1_101).await.unwrap(),
                CodeCheck::Wrong { attempts_left: 4 }
            );
            assert_eq!(
                check_code(&db, &token, &second, 5, 1_700).await.unwrap(),
                CodeCheck::Dead
            );

            let third = SecurityCode::from_random(444_444);
            assert_eq!(
                send_code(
                    &db,
                    &token,
                    "new@example.com",
                    &third,
                    &message,
                    (600, 3),
                    1_800
                )
                .await
                .unwrap(),
                CodeSent::Sent
            );
            assert_eq!(
                send_code(
                    &db,
                    &token,
                    "new@example.com",
                    &third,
                    &message,
                    (600, 3),
                    1_801
                )
                .await
                .unwrap(),
                CodeSent::LimitReached
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM outbox").await,
                3,
                "one message per code sent"
            );
            assert_eq!(
                check_code(&db, &token, &third, 5, 1_802).await.unwrap(),
                CodeCheck::Confirmed
            );
            // A code belongs to its journey: another journey's token cannot use it.
            let other = JourneyToken::generate();
            start_journey(db.pool(), &other, "patient-1", "old", 1_900)
                .await
                .unwrap();
            assert_eq!(
                check_code(&db, &other, &third, 5, 1_901).await.unwrap(),
                CodeCheck::Dead
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_request_changes_nothing_until_a_pin_document_activates_it() {
        each_backend(|db| async move {
            seed(&db, None).await;
            let token = confirmed_journey(&db, 5_000).await;
            let reference = ReplacementReference::parse("RPL-7K3D-9QX2").unwrap();
            let cancel = CancelToken::generate();
            let messages = [
                code_message("new@example.com"),
                code_message("lost@example.com"),
            ];
            let requested = record_request(
                &db,
                &token,
                &new_request(&reference, Some(&cancel), &messages),
                5_010,
            )
            .await
            .unwrap();
            assert_eq!(requested, Requested::Recorded);

            // Phase one: the old account, its document and its session are as they were.
            let old = accounts::find(db.pool(), "old").await.unwrap().unwrap();
            assert_eq!(old.status, accounts::AccountStatus::Active);
            assert_eq!(
                pin_documents::current_for_account(db.pool(), "old")
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
                "doc"
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM sessions WHERE subject = 'old'").await,
                1
            );
            let request = request_by_reference(db.pool(), &reference)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(request.state, ReplacementState::Pending);
            assert_eq!(request.new_account_id, None);
            assert_eq!(request.new_email.as_deref(), Some("new@example.com"));
            assert_eq!(count(&db, "SELECT COUNT(*) FROM online_accounts").await, 1);
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM outbox").await,
                3,
                "code + next steps + notice"
            );
            let again = record_request(
                &db,
                &token,
                &new_request(&reference, Some(&cancel), &messages),
                5_020,
            )
            .await
            .unwrap();
            assert_eq!(
                again,
                Requested::AlreadyDone {
                    request_id: "request-1".into()
                }
            );

            // Phase two: the PIN document activates it, in one transaction.
            let step = activation_step(&db, "request-1", 6_000).await;
            let alert = [code_message("lost@example.com")];
            let done = activate(&db, &step, &activation(&alert), 6_010)
                .await
                .unwrap();
            assert_eq!(done, Activated::Replaced);
            let old = accounts::find(db.pool(), "old").await.unwrap().unwrap();
            assert_eq!(
                old.status,
                accounts::AccountStatus::Replaced { by: "new".into() }
            );
            assert_eq!(
                old.email.as_deref(),
                Some("lost@example.com"),
                "kept as it was"
            );
            let ods = OdsCode::parse("T00001").unwrap();
            let active = accounts::find_by_account_id(
                db.pool(),
                &ods,
                &AccountId::parse("1000000001").unwrap(),
            )
            .await
            .unwrap()
            .unwrap();
            assert_eq!(active.id, "new");
            assert_eq!(active.email.as_deref(), Some("new@example.com"));
            assert!(active.has_passphrase);
            let document = pin_documents::current_for_account(db.pool(), "new")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(document.id, "doc");
            assert!(document.used_at.is_some(), "the PIN document is used up");
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM sessions WHERE subject = 'old'").await,
                0
            );
            let request = super::request(db.pool(), "request-1")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(request.state, ReplacementState::Completed);
            assert_eq!(request.new_account_id.as_deref(), Some("new"));
            assert_eq!(request.decided_at, Some(6_010));
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM audit_events WHERE kind = 'account_replaced'"
                )
                .await,
                1
            );
            assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 4);
            // The link in the old address's notice no longer cancels anything.
            assert_eq!(
                cancel_link(db.pool(), &cancel, 6_020).await.unwrap(),
                CancelLink::Completed
            );
            // Nothing happens twice.
            let again = activate(&db, &step, &activation(&alert), 6_030)
                .await
                .unwrap();
            assert_eq!(again, Activated::DocumentAlreadyUsed);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM online_accounts").await, 2);
            let postcode = Postcode::parse("RV1 2AB").unwrap();
            let facts = identify(&db, &nhs(), DOB, &postcode)
                .await
                .unwrap()
                .unwrap()
                .facts;
            assert!(facts.replaced_before);
            assert_eq!(facts.account_count, 2);
        })
        .await;
    }

    #[tokio::test]
    async fn the_old_addresss_link_cancels_once_within_seven_days_and_blocks_activation() {
        each_backend(|db| async move {
            seed(&db, None).await;
            let token = confirmed_journey(&db, 5_000).await;
            let reference = ReplacementReference::parse("RPL-7K3D-9QX2").unwrap();
            let cancel_token = CancelToken::generate();
            record_request(
                &db,
                &token,
                &new_request(&reference, Some(&cancel_token), &[]),
                5_010,
            )
            .await
            .unwrap();
            let forged = CancelToken::generate();
            assert_eq!(cancel(&db, &forged, 5_100).await.unwrap(), CancelLink::Dead);
            assert_eq!(
                cancel_link(db.pool(), &cancel_token, 5_100).await.unwrap(),
                CancelLink::Usable {
                    reference: reference.clone()
                }
            );
            let seven_days = CANCEL_LINK_DAYS * 24 * 60 * 60;
            assert_eq!(
                cancel_link(db.pool(), &cancel_token, 5_010 + seven_days)
                    .await
                    .unwrap(),
                CancelLink::Dead,
                "the link works for 7 days"
            );
            assert_eq!(
                cancel(&db, &cancel_token, 5_200).await.unwrap(),
                CancelLink::Cancelled
            );
            assert_eq!(
                cancel(&db, &cancel_token, 5_300).await.unwrap(),
                CancelLink::Cancelled,
                "a second click changes nothing"
            );
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM audit_events WHERE kind = 'replacement_cancelled'"
                )
                .await,
                1
            );
            let request = request(db.pool(), "request-1").await.unwrap().unwrap();
            assert_eq!(request.state, ReplacementState::Cancelled);
            // A PIN document can no longer activate it, and nothing changes when it tries.
            let step = activation_step(&db, "request-1", 6_000).await;
            let done = activate(&db, &step, &activation(&[]), 6_010).await.unwrap();
            assert_eq!(done, Activated::NoLongerPending);
            let old = accounts::find(db.pool(), "old").await.unwrap().unwrap();
            assert_eq!(old.status, accounts::AccountStatus::Active);
            let document = pin_documents::current_for_account(db.pool(), "old")
                .await
                .unwrap()
                .unwrap();
            assert!(
                document.used_at.is_none(),
                "the PIN document is not used up"
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM sessions WHERE subject = 'old'").await,
                1
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_failure_half_way_records_nothing() {
        each_backend(|db| async move {
            seed(&db, None).await;
            let token = confirmed_journey(&db, 5_000).await;
            let reference = ReplacementReference::parse("RPL-7K3D-9QX2").unwrap();
            // The insert will be refused: another request already has this reference.
            sqlx::query(
                "INSERT INTO replacement_requests (id, reference, patient_id, practice_ods, old_account_id, new_account_id, created_at)
                 VALUES ('earlier', $1, 'patient-1', 'T00001', 'old', 'old', 1)",
            )
            .bind(reference.as_str())
            .execute(db.pool())
            .await
            .unwrap();
            let messages = [code_message("new@example.com")];
            let result =
                record_request(&db, &token, &new_request(&reference, None, &messages), 5_010).await;
            assert!(result.is_err(), "the database refused the insert");
            assert_eq!(count(&db, "SELECT COUNT(*) FROM replacement_requests").await, 1);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_events WHERE kind = 'replacement_requested'").await, 0);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 1, "only the code's message");
            // The journey is still open: with a fresh reference the patient can finish.
            let fresh = ReplacementReference::parse("RPL-AAAA-CCCC").unwrap();
            let done = record_request(&db, &token, &new_request(&fresh, None, &messages), 5_020)
                .await
                .unwrap();
            assert_eq!(done, Requested::Recorded);
        })
        .await;
    }

    #[tokio::test]
    async fn concurrent_final_submissions_record_once() {
        each_backend(|db| async move {
            seed(&db, None).await;
            let token = confirmed_journey(&db, 5_000).await;
            let attempts: Vec<_> = (0..8)
                .map(|i| {
                    let (db, token) = (db.clone(), token.clone());
                    tokio::spawn(async move {
                        let reference = ReplacementReference::from_random([i; 8]);
                        let id = format!("request-{i}");
                        let new = NewRequest {
                            request_id: &id,
                            reference: &reference,
                            cancel_token: None,
                            messages: &[],
                        };
                        record_request(&db, &token, &new, 5_010).await
                    })
                })
                .collect();
            let mut recorded = 0;
            for attempt in attempts {
                match attempt.await.unwrap() {
                    Ok(Requested::Recorded) => recorded += 1,
                    Ok(Requested::AlreadyDone { .. }) => {}
                    // SQLite may report a busy writer to the losers; they changed nothing.
                    Ok(other) => panic!("unexpected {other:?}"),
                    Err(error) => assert!(
                        error.to_string().contains("lock") || error.to_string().contains("busy"),
                        "{error}"
                    ),
                }
            }
            assert_eq!(recorded, 1);
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM replacement_requests").await,
                1
            );
        })
        .await;
    }
}
