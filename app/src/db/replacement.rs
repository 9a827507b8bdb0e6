//! The reads and writes behind "replace your account": identity match, eligibility facts, the
//! journey in progress (behind a cookie token), and the one transaction that replaces.

use sha2::{Digest, Sha256};
use sqlx::{Any, Executor};
use time::{Date, OffsetDateTime};

use super::accounts::{self, OnlineAccount};
use super::audit::{self, AuditKind, NewAuditEvent};
use super::outbox::{self, NewMessage};
use super::patients::{self, Patient};
use super::tokens::JourneyToken;
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
    token: &JourneyToken,
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

    fn replacement<'a>(
        reference: &'a ReplacementReference,
        messages: &'a [NewMessage<'a>],
    ) -> Replacement<'a> {
        Replacement {
            request_id: "request-1",
            reference,
            new_account_id: "new",
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
                    account_count: 1
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
    async fn replacing_moves_everything_to_a_new_account_and_deletes_nothing() {
        each_backend(|db| async move {
            seed(&db, None).await;
            let token = confirmed_journey(&db, 5_000).await;
            let reference = ReplacementReference::parse("RPL-7K3D-9QX2").unwrap();
            let messages = [
                code_message("new@example.com"),
                code_message("lost@example.com"),
            ];
            let done = complete(&db, &token, &replacement(&reference, &messages), 5_010)
                .await
                .unwrap();
            assert_eq!(done, Completion::Replaced);

            let old = accounts::find(db.pool(), "old").await.unwrap().unwrap();
            assert_eq!(
                old.status,
                accounts::AccountStatus::Replaced { by: "new".into() }
            );
            assert_eq!(
                old.email.as_deref(),
                Some("lost@example.com"),
                "the old account is kept as it was"
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
            assert_eq!(
                pin_documents::current_for_account(db.pool(), "new")
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
                "doc"
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM sessions WHERE subject = 'old'").await,
                0
            );
            let request = request_by_reference(db.pool(), &reference)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (
                    request.old_account_id.as_str(),
                    request.new_account_id.as_str()
                ),
                ("old", "new")
            );
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM audit_events WHERE kind = 'account_replaced'"
                )
                .await,
                1
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM outbox").await,
                3,
                "code + confirmation + alert"
            );

            // A second click finds the journey done; nothing happens twice.
            let again = complete(&db, &token, &replacement(&reference, &messages), 5_020)
                .await
                .unwrap();
            assert_eq!(
                again,
                Completion::AlreadyDone {
                    request_id: "request-1".into()
                }
            );
            assert_eq!(count(&db, "SELECT COUNT(*) FROM online_accounts").await, 2);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 3);
            // And the patient now has a replaced account: a second replacement is refused.
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
    async fn a_failure_half_way_leaves_the_old_account_untouched() {
        each_backend(|db| async move {
            seed(&db, None).await;
            let token = confirmed_journey(&db, 5_000).await;
            let reference = ReplacementReference::parse("RPL-7K3D-9QX2").unwrap();
            // The final insert will be refused: another request already has this reference.
            sqlx::query(
                "INSERT INTO replacement_requests (id, reference, patient_id, practice_ods, old_account_id, new_account_id, created_at)
                 VALUES ('earlier', $1, 'patient-1', 'T00001', 'old', 'old', 1)",
            )
            .bind(reference.as_str())
            .execute(db.pool())
            .await
            .unwrap();
            let messages = [code_message("new@example.com")];
            let result = complete(&db, &token, &replacement(&reference, &messages), 5_010).await;
            assert!(result.is_err(), "the database refused the insert");

            let old = accounts::find(db.pool(), "old").await.unwrap().unwrap();
            assert_eq!(old.status, accounts::AccountStatus::Active);
            assert!(accounts::find(db.pool(), "new").await.unwrap().is_none());
            assert_eq!(pin_documents::current_for_account(db.pool(), "old").await.unwrap().unwrap().id, "doc");
            assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions WHERE subject = 'old'").await, 1);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_events WHERE kind = 'account_replaced'").await, 0);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 1, "only the code's message");
            // The journey is still open: with a fresh reference the patient can finish.
            let fresh = ReplacementReference::parse("RPL-AAAA-CCCC").unwrap();
            let done = complete(&db, &token, &replacement(&fresh, &messages), 5_020).await.unwrap();
            assert_eq!(done, Completion::Replaced);
        })
        .await;
    }

    #[tokio::test]
    async fn concurrent_final_submissions_replace_once() {
        each_backend(|db| async move {
            seed(&db, None).await;
            let token = confirmed_journey(&db, 5_000).await;
            let attempts: Vec<_> = (0..8)
                .map(|i| {
                    let (db, token) = (db.clone(), token.clone());
                    tokio::spawn(async move {
                        let reference = ReplacementReference::from_random([i; 8]);
                        let id = format!("request-{i}");
                        let new = format!("new-{i}");
                        let replacement = Replacement {
                            request_id: &id,
                            reference: &reference,
                            new_account_id: &new,
                            messages: &[],
                        };
                        complete(&db, &token, &replacement, 5_010).await
                    })
                })
                .collect();
            let mut replaced = 0;
            for attempt in attempts {
                match attempt.await.unwrap() {
                    Ok(Completion::Replaced) => replaced += 1,
                    Ok(Completion::AlreadyDone { .. }) => {}
                    // SQLite may report a busy writer to the losers; they changed nothing.
                    Ok(other) => panic!("unexpected {other:?}"),
                    Err(error) => assert!(
                        error.to_string().contains("lock") || error.to_string().contains("busy"),
                        "{error}"
                    ),
                }
            }
            assert_eq!(replaced, 1);
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM online_accounts WHERE status = 'active'"
                )
                .await,
                1
            );
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM replacement_requests").await,
                1
            );
        })
        .await;
    }
}
