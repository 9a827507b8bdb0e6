//! The email outbox: a message is written in the same transaction as the change that causes it,
//! so no change goes unannounced and no message announces a change that was rolled back. A
//! background worker delivers it later, with retries.

use sqlx::{Any, Executor};

use super::{Backend, Db, DbError};

/// Why a message is sent; kept so tests and the demo mailbox can tell messages apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SecurityCode,
    ReplacementConfirmed,
    ReplacementAlert,
    /// To the new address: the request is recorded, how to activate it.
    ReplacementRequested,
    /// To the old address: someone asked to replace the account, with the cancel link.
    ReplacementNotice,
    /// The account's passphrase was reset with a PIN document.
    PassphraseReset,
    /// Staff issued a new PIN document for the account.
    PinDocumentReissued,
}

impl Purpose {
    pub fn code(self) -> &'static str {
        match self {
            Self::SecurityCode => "security_code",
            Self::ReplacementConfirmed => "replacement_confirmed",
            Self::ReplacementAlert => "replacement_alert",
            Self::ReplacementRequested => "replacement_requested",
            Self::ReplacementNotice => "replacement_notice",
            Self::PassphraseReset => "passphrase_reset",
            Self::PinDocumentReissued => "pin_document_reissued",
        }
    }
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub purpose: Purpose,
}

/// The words of a message whose recipient the database layer finds inside the change's
/// transaction (the account's email address, if it has one): the server writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    pub subject: String,
    pub body: String,
    pub purpose: Purpose,
}

impl Wording {
    /// The message to queue for `recipient`.
    pub fn to<'a>(&'a self, recipient: &'a str) -> NewMessage<'a> {
        NewMessage {
            recipient,
            subject: &self.subject,
            body: &self.body,
            purpose: self.purpose,
        }
    }
}

/// A queued or delivered message.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub purpose: String,
    pub created_at: i64,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    pub delivered_via: Option<String>,
}

const COLUMNS: &str =
    "id, recipient, subject, body, purpose, created_at, attempts, sent_at, delivered_via";

/// After this many failed deliveries a message is left for an operator (see `last_error`).
pub const MAX_ATTEMPTS: i64 = 10;

pub async fn enqueue<'e>(
    exec: impl Executor<'e, Database = Any>,
    message: &NewMessage<'_>,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO outbox (recipient, subject, body, purpose, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(message.recipient)
    .bind(message.subject)
    .bind(message.body)
    .bind(message.purpose.code())
    .bind(now)
    .execute(exec)
    .await?;
    Ok(())
}

/// Claims up to `limit` messages that are due, for `lease_seconds`: until then no other worker
/// (on this instance or another) takes them. On PostgreSQL, rows another worker is claiming at
/// the same moment are skipped rather than waited for.
pub async fn claim_due(
    db: &Db,
    now: i64,
    lease_seconds: i64,
    limit: i64,
) -> Result<Vec<OutboxMessage>, DbError> {
    let skip_locked = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
         WHERE id IN (
             SELECT id FROM outbox
             WHERE sent_at IS NULL AND next_attempt_at <= $2 AND claimed_until <= $2
               AND attempts < $3
             ORDER BY id LIMIT $4 {skip_locked})
         RETURNING {COLUMNS}"
    );
    let mut claimed = sqlx::query_as::<_, OutboxMessage>(&sql)
        .bind(now + lease_seconds)
        .bind(now)
        .bind(MAX_ATTEMPTS)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

pub async fn mark_sent<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: i64,
    via: &str,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE outbox SET sent_at = $1, delivered_via = $2, last_error = NULL WHERE id = $3",
    )
    .bind(now)
    .bind(via)
    .bind(id)
    .execute(exec)
    .await?;
    Ok(())
}

/// Records a failed delivery; the message is tried again from `retry_at`.
pub async fn mark_failed<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: i64,
    error: &str,
    retry_at: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE outbox SET last_error = $1, next_attempt_at = $2, claimed_until = 0 WHERE id = $3",
    )
    .bind(error)
    .bind(retry_at)
    .bind(id)
    .execute(exec)
    .await?;
    Ok(())
}

/// The newest messages, newest first: what the demo mailbox shows.
pub async fn recent<'e>(
    exec: impl Executor<'e, Database = Any>,
    limit: i64,
) -> Result<Vec<OutboxMessage>, DbError> {
    Ok(sqlx::query_as::<_, OutboxMessage>(&format!(
        "SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(exec)
    .await?)
}

/// How many messages are not delivered yet (waiting, or being retried): what `/readyz`
/// reports when emails have nowhere to go.
pub async fn waiting_count<'e>(exec: impl Executor<'e, Database = Any>) -> Result<i64, DbError> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(exec)
            .await?,
    )
}

/// How long to wait before the next try: 30 seconds, doubling, at most an hour.
pub fn retry_delay_seconds(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 8) - 1;
    (30_i64 << doublings).min(3600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;

    fn message(recipient: &str) -> NewMessage<'_> {
        NewMessage {
            recipient,
            subject: "Subject",
            body: "Body",
            purpose: Purpose::SecurityCode,
        }
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_delay_seconds(1), 30);
        assert_eq!(retry_delay_seconds(2), 60);
        assert_eq!(retry_delay_seconds(5), 480);
        assert_eq!(retry_delay_seconds(9), 3600);
    }

    #[tokio::test]
    async fn a_claimed_message_is_not_claimed_again_until_its_lease_ends() {
        each_backend(|db| async move {
            enqueue(db.pool(), &message("a@example.com"), 100)
                .await
                .unwrap();
            enqueue(db.pool(), &message("b@example.com"), 100)
                .await
                .unwrap();
            let first = claim_due(&db, 100, 60, 10).await.unwrap();
            assert_eq!(first.len(), 2);
            assert_eq!(first[0].recipient, "a@example.com");
            assert!(claim_due(&db, 120, 60, 10).await.unwrap().is_empty());

            mark_sent(db.pool(), first[0].id, "smtp", 130)
                .await
                .unwrap();
            mark_failed(db.pool(), first[1].id, "refused", 200)
                .await
                .unwrap();
            assert!(claim_due(&db, 199, 60, 10).await.unwrap().is_empty());
            let retry = claim_due(&db, 200, 60, 10).await.unwrap();
            assert_eq!(retry.len(), 1);
            assert_eq!(retry[0].recipient, "b@example.com");
            assert_eq!(retry[0].attempts, 2);

            assert_eq!(waiting_count(db.pool()).await.unwrap(), 1);
            let all = recent(db.pool(), 10).await.unwrap();
            assert_eq!(all.len(), 2);
            assert_eq!(all[1].sent_at, Some(130));
            assert_eq!(all[1].delivered_via.as_deref(), Some("smtp"));
        })
        .await;
    }

    #[tokio::test]
    async fn concurrent_workers_never_claim_the_same_message() {
        each_backend(|db| async move {
            for i in 0..40 {
                enqueue(db.pool(), &message(&format!("{i}@example.com")), 100)
                    .await
                    .unwrap();
            }
            let workers: Vec<_> = (0..4)
                .map(|_| {
                    let db = db.clone();
                    tokio::spawn(async move {
                        let mut mine = Vec::new();
                        loop {
                            let batch = claim_due(&db, 100, 60, 3).await.unwrap();
                            if batch.is_empty() {
                                break mine;
                            }
                            mine.extend(batch.into_iter().map(|m| m.id));
                        }
                    })
                })
                .collect();
            let mut all = Vec::new();
            for worker in workers {
                all.extend(worker.await.unwrap());
            }
            all.sort_unstable();
            let before = all.len();
            all.dedup();
            assert_eq!(before, 40, "every message claimed");
            assert_eq!(all.len(), 40, "no message claimed twice");
        })
        .await;
    }
}
