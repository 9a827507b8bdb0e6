//! The reads and writes behind "replace your account": identity match, eligibility facts, the
//! journey in progress (behind a cookie token), and the one transaction that replaces.

use sha2::{Digest, Sha256};
use sqlx::{Any, Executor};
use time::{Date, OffsetDateTime};

use super::accounts::{self, OnlineAccount};
use super::audit::{self, AuditKind, NewAuditEvent};
use super::outbox::{self, NewMessage};
use super::patients::{self, Patient};
use super::step_tokens::StepToken;
use super::{Db, DbError};
use crate::domain::{NhsNumber, Postcode, ReplacementFacts, ReplacementReference, SecurityCode};

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
         ORDER BY created_at DESC, id LIMIT 1",
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
    Ok(Some(IdentifiedPatient {
        patient,
        current_account,
        facts: ReplacementFacts {
            last_used_on,
            replaced_before: replaced_count > 0,
            account_count,
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
}

pub async fn start_journey<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StepToken,
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
    token: &StepToken,
    now: i64,
) -> Result<Option<Journey>, DbError> {
    Ok(sqlx::query_as::<_, Journey>(
        "SELECT patient_id, old_account_id, new_email, code_hash, code_expires_at, code_attempts,
                codes_sent, email_confirmed_at, request_id, expires_at
         FROM replacement_journeys WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token.digest())
    .bind(now)
    .fetch_optional(exec)
    .await?)
}

/// The stored form of a security code: bound to the journey's token, so a code is worthless in
/// any other journey.
pub fn code_digest(token: &StepToken, code: &SecurityCode) -> String {
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
    token: &StepToken,
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
    token: &StepToken,
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

/// A replacement made: what the confirmation and status pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementRequest {
    pub id: String,
    pub reference: ReplacementReference,
    pub patient_id: String,
    pub practice_ods: String,
    pub old_account_id: String,
    pub new_account_id: String,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: String,
    reference: String,
    patient_id: String,
    practice_ods: String,
    old_account_id: String,
    new_account_id: String,
    created_at: i64,
}

impl TryFrom<RequestRow> for ReplacementRequest {
    type Error = DbError;
    fn try_from(row: RequestRow) -> Result<Self, DbError> {
        Ok(Self {
            reference: ReplacementReference::parse(&row.reference)
                .map_err(|_| DbError::Corrupt(format!("reference {:?}", row.reference)))?,
            id: row.id,
            patient_id: row.patient_id,
            practice_ods: row.practice_ods,
            old_account_id: row.old_account_id,
            new_account_id: row.new_account_id,
            created_at: row.created_at,
        })
    }
}

const REQUEST_COLUMNS: &str =
    "id, reference, patient_id, practice_ods, old_account_id, new_account_id, created_at";

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

/// What the final transaction needs besides the journey.
#[derive(Debug, Clone)]
pub struct Replacement<'a> {
    pub request_id: &'a str,
    pub reference: &'a ReplacementReference,
    pub new_account_id: &'a str,
    /// Messages to queue with the change: a confirmation to the new address, an alert to the old.
    pub messages: &'a [NewMessage<'a>],
}

/// How the final step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    Replaced,
    /// This journey already finished (a second click, or another tab).
    AlreadyDone {
        request_id: String,
    },
    /// The journey ended, the email was never confirmed, or the account is no longer active.
    NotAllowed,
}

/// Replaces the account in one transaction: the new account is created with the same Account
/// ID, the PIN documents move to it, the old account is marked replaced (never deleted) and
/// points at it, the old account's sessions end, and the request, audit events and messages are
/// written. If any statement fails, none of it happened.
pub async fn complete(
    db: &Db,
    token: &StepToken,
    replacement: &Replacement<'_>,
    now: i64,
) -> Result<Completion, DbError> {
    let mut tx = db.pool().begin().await?;
    // Claiming the journey first serialises double submissions: the second finds it taken.
    let claimed = sqlx::query(
        "UPDATE replacement_journeys SET request_id = $1
         WHERE token_hash = $2 AND request_id IS NULL AND email_confirmed_at IS NOT NULL
           AND expires_at > $3",
    )
    .bind(replacement.request_id)
    .bind(token.digest())
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let journey = journey(&mut *tx, token, now).await?;
    let Some(journey) = journey else {
        return Ok(Completion::NotAllowed);
    };
    if claimed == 0 {
        return Ok(match journey.request_id {
            Some(request_id) => Completion::AlreadyDone { request_id },
            None => Completion::NotAllowed,
        });
    }
    let Some(new_email) = journey.new_email.as_deref() else {
        return Ok(Completion::NotAllowed);
    };
    let Some(old) = accounts::find(&mut *tx, &journey.old_account_id).await? else {
        return Ok(Completion::NotAllowed);
    };
    // Marked replaced before the new account exists, so the Account ID is never active twice;
    // the pointer to the new account is set once it exists.
    let retired = sqlx::query(
        "UPDATE online_accounts SET status = 'replaced' WHERE id = $1 AND status = 'active'",
    )
    .bind(&old.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if retired == 0 {
        return Ok(Completion::NotAllowed);
    }
    accounts::insert_if_missing(
        &mut *tx,
        &accounts::NewAccount {
            id: replacement.new_account_id,
            patient_id: &old.patient_id,
            practice_ods: &old.practice_ods,
            account_id: &old.account_id,
            email: Some(new_email),
        },
        now,
    )
    .await?;
    sqlx::query("UPDATE online_accounts SET replaced_by = $1 WHERE id = $2")
        .bind(replacement.new_account_id)
        .bind(&old.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE pin_documents SET online_account_id = $1 WHERE online_account_id = $2")
        .bind(replacement.new_account_id)
        .bind(&old.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE kind = 'patient' AND subject = $1")
        .bind(&old.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO replacement_requests
             (id, reference, patient_id, practice_ods, old_account_id, new_account_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(replacement.request_id)
    .bind(replacement.reference.as_str())
    .bind(&old.patient_id)
    .bind(old.practice_ods.as_str())
    .bind(&old.id)
    .bind(replacement.new_account_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::AccountReplaced,
            actor: "patient",
            practice_ods: Some(old.practice_ods.as_str()),
            patient_id: Some(&old.patient_id),
            detail: &format!(
                "Account ID {} replaced, reference {}",
                old.account_id, replacement.reference
            ),
        },
        now,
    )
    .await?;
    for message in replacement.messages {
        outbox::enqueue(&mut *tx, message, now).await?;
    }
    tx.commit().await?;
    Ok(Completion::Replaced)
}
