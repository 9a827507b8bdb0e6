//! Retention: what is deleted, or emptied, once it can no longer be used. A session, step token
//! or replacement journey past its time only waits to be looked up and refused; a throttle
//! counter past its window counts nothing; and the body of a delivered email is a copy of what
//! the patient already has, security code and all. Keeping them only gives a stolen copy of the
//! database more to read. `server::retention` runs [`purge`] in the background (every hour by
//! default) and `relink purge` runs it once.
//!
//! Each rule uses the same times as the code that honours the row, so nothing still usable goes.
//! The rows that record what happened stay: audit events, replacement requests, PIN documents,
//! previews, and each outbox message's recipient, purpose and times.

use sqlx::{Any, Executor};

use super::sessions::{SessionKind, ABSOLUTE_TIMEOUT_SECONDS};
use super::{Db, DbError};
use crate::domain::attempts::longest_window_seconds;

/// How long the body of a delivered email is kept: long enough to read a security code in the
/// demo mailbox while it works (10 minutes), short enough that no code outlives its use for long.
pub const DELIVERED_BODY_KEPT_SECONDS: i64 = 60 * 60;

/// What one purge removed, table by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Sessions idle for 15 minutes or started 12 hours ago.
    pub sessions: u64,
    /// Step tokens past their 10 minutes (used or not).
    pub step_tokens: u64,
    /// Replacement journeys past their 30 minutes (finished or not).
    pub replacement_journeys: u64,
    /// Throttle counters not locked and whose window has passed.
    pub throttles: u64,
    /// Delivered outbox messages whose body was emptied.
    pub outbox_bodies: u64,
    /// Staff sign-ins with the identity provider past their 10 minutes (never finished).
    pub provider_logins: u64,
}

impl Purged {
    /// The number of rows deleted or emptied, all tables together.
    pub fn total(&self) -> u64 {
        self.sessions
            + self.step_tokens
            + self.replacement_journeys
            + self.throttles
            + self.outbox_bodies
            + self.provider_logins
    }
}

/// One line per table, as `relink purge` prints it.
impl std::fmt::Display for Purged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "sessions deleted: {}", self.sessions)?;
        writeln!(f, "step tokens deleted: {}", self.step_tokens)?;
        writeln!(
            f,
            "replacement journeys deleted: {}",
            self.replacement_journeys
        )?;
        writeln!(f, "throttle counters deleted: {}", self.throttles)?;
        writeln!(
            f,
            "staff provider sign-ins deleted: {}",
            self.provider_logins
        )?;
        write!(f, "delivered email bodies removed: {}", self.outbox_bodies)
    }
}

/// Deletes (or empties) everything past its retention at `now` (Unix seconds), in one
/// transaction, and says how much went from each table.
pub async fn purge(db: &Db, now: i64) -> Result<Purged, DbError> {
    let mut tx = db.pool().begin().await?;
    // `sessions::resume` accepts last_seen_at > now - the kind's idle time and
    // created_at > now - absolute.
    let sessions = affected(
        &mut *tx,
        sqlx::query(
            "DELETE FROM sessions
             WHERE (kind = 'patient' AND last_seen_at <= $1)
                OR (kind = 'staff' AND last_seen_at <= $2)
                OR created_at <= $3",
        )
        .bind(now - SessionKind::Patient.idle_timeout_seconds())
        .bind(now - SessionKind::Staff.idle_timeout_seconds())
        .bind(now - ABSOLUTE_TIMEOUT_SECONDS),
    )
    .await?;
    // A used token shows the reset's confirmation only while its cookie lives, which is as
    // long as the token (both start at issue and last `STEP_TOKEN_LIFETIME_SECONDS`).
    let step_tokens = affected(
        &mut *tx,
        sqlx::query("DELETE FROM step_tokens WHERE expires_at <= $1").bind(now),
    )
    .await?;
    // `replacement::journey` finds only journeys with expires_at > now.
    let replacement_journeys = affected(
        &mut *tx,
        sqlx::query("DELETE FROM replacement_journeys WHERE expires_at <= $1").bind(now),
    )
    .await?;
    // `throttles::reserve` restarts such a counter at 1, exactly as if it were missing.
    let throttles = affected(
        &mut *tx,
        sqlx::query("DELETE FROM throttles WHERE locked_until <= $1 AND window_started_at <= $2")
            .bind(now)
            .bind(now - longest_window_seconds()),
    )
    .await?;
    // Undelivered messages keep their body: the worker still needs it.
    let outbox_bodies = affected(
        &mut *tx,
        sqlx::query(
            "UPDATE outbox SET body = '' WHERE sent_at IS NOT NULL AND sent_at <= $1 AND body <> ''",
        )
        .bind(now - DELIVERED_BODY_KEPT_SECONDS),
    )
    .await?;
    // `staff::take_provider_login` refuses rows with expires_at <= now.
    let provider_logins = affected(
        &mut *tx,
        sqlx::query("DELETE FROM staff_provider_logins WHERE expires_at <= $1").bind(now),
    )
    .await?;
    tx.commit().await?;
    Ok(Purged {
        sessions,
        step_tokens,
        replacement_journeys,
        throttles,
        outbox_bodies,
        provider_logins,
    })
}

async fn affected<'e, 'q>(
    exec: impl Executor<'e, Database = Any>,
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
) -> Result<u64, DbError> {
    Ok(query.execute(exec).await?.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::outbox::{self, NewMessage, Purpose};
    use crate::db::replacement::{self, JOURNEY_LIFETIME_SECONDS};
    use crate::db::sessions::{
        self, SessionKind, IDLE_TIMEOUT_SECONDS, STAFF_IDLE_TIMEOUT_SECONDS,
    };
    use crate::db::step_tokens::{self, StepToken, STEP_TOKEN_LIFETIME_SECONDS};
    use crate::db::testing::each_backend;
    use crate::db::throttles;
    use crate::db::tokens::JourneyToken;
    use crate::domain::attempts::CLIENT_LIMIT;

    /// The time the tests purge at.
    const NOW: i64 = 1_000_000;

    async fn count(db: &Db, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(db.pool())
            .await
            .unwrap()
    }

    /// A practice, patient, account and PIN document for step tokens and journeys to point at.
    async fn an_account_with_a_pin_document(db: &Db) {
        for statement in [
            "INSERT INTO practices (ods_code, name, clinical_system) VALUES ('T00001', 'P', 'TPP')",
            "INSERT INTO patients (id, practice_ods, nhs_number, joined_practice_on, created_at)
                 VALUES ('p', 'T00001', '9990000018', '2020-01-01', 1)",
            "INSERT INTO online_accounts (id, patient_id, practice_ods, account_id, created_at)
                 VALUES ('a', 'p', 'T00001', '1000000001', 1)",
            "INSERT INTO pin_documents (id, online_account_id, secret_hash, printed_on, expires_on, created_at)
                 VALUES ('d', 'a', 'h', '2020-01-01', '2020-01-15', 1)",
        ] {
            sqlx::query(statement).execute(db.pool()).await.unwrap();
        }
    }

    #[tokio::test]
    async fn nothing_to_purge_in_an_empty_database() {
        each_backend(|db| async move {
            assert_eq!(purge(&db, NOW).await.unwrap(), Purged::default());
        })
        .await;
    }

    #[tokio::test]
    async fn sessions_go_when_they_can_no_longer_be_resumed() {
        each_backend(|db| async move {
            let kind = SessionKind::Patient;
            let idle_just_inside = NOW - IDLE_TIMEOUT_SECONDS + 1;
            let kept = sessions::create(db.pool(), kind, "kept", idle_just_inside)
                .await
                .unwrap();
            sessions::create(db.pool(), kind, "idle", NOW - IDLE_TIMEOUT_SECONDS)
                .await
                .unwrap();
            // Used a second ago, but started 12 hours ago.
            sessions::create(db.pool(), kind, "old", NOW - ABSOLUTE_TIMEOUT_SECONDS)
                .await
                .unwrap();
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE subject = 'old'")
                .bind(NOW - 1)
                .execute(db.pool())
                .await
                .unwrap();
            // Twelve hours less a second, used a second ago: kept.
            let long =
                sessions::create(db.pool(), kind, "long", NOW - ABSOLUTE_TIMEOUT_SECONDS + 1)
                    .await
                    .unwrap();
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE subject = 'long'")
                .bind(NOW - 1)
                .execute(db.pool())
                .await
                .unwrap();

            // Staff sessions last 30 idle minutes: one unused for 20 is kept, one for 30 goes.
            let staff = SessionKind::Staff;
            let desk = sessions::create(db.pool(), staff, "staff-kept", NOW - 20 * 60)
                .await
                .unwrap();
            sessions::create(
                db.pool(),
                staff,
                "staff-idle",
                NOW - STAFF_IDLE_TIMEOUT_SECONDS,
            )
            .await
            .unwrap();

            let purged = purge(&db, NOW).await.unwrap();
            assert_eq!(purged.sessions, 3);
            assert_eq!(purged.total(), 3);
            let mut left: Vec<String> = sqlx::query_scalar("SELECT subject FROM sessions")
                .fetch_all(db.pool())
                .await
                .unwrap();
            left.sort();
            assert_eq!(left, ["kept", "long", "staff-kept"]);
            assert!(sessions::resume(db.pool(), staff, &desk, NOW)
                .await
                .unwrap()
                .is_some());
            // What is kept still works.
            assert!(sessions::resume(db.pool(), kind, &kept, NOW)
                .await
                .unwrap()
                .is_some());
            assert!(sessions::resume(db.pool(), kind, &long, NOW)
                .await
                .unwrap()
                .is_some());
        })
        .await;
    }

    #[tokio::test]
    async fn step_tokens_and_journeys_go_when_their_time_is_up() {
        each_backend(|db| async move {
            an_account_with_a_pin_document(&db).await;
            let just_inside = NOW - STEP_TOKEN_LIFETIME_SECONDS + 1;
            let kept = StepToken::generate();
            step_tokens::issue(db.pool(), &kept, "d", just_inside)
                .await
                .unwrap();
            let used_kept = StepToken::generate();
            step_tokens::issue(db.pool(), &used_kept, "d", just_inside)
                .await
                .unwrap();
            assert!(step_tokens::consume(db.pool(), &used_kept, just_inside + 1)
                .await
                .unwrap());
            let expired = StepToken::generate();
            step_tokens::issue(db.pool(), &expired, "d", NOW - STEP_TOKEN_LIFETIME_SECONDS)
                .await
                .unwrap();
            let used_expired = StepToken::generate();
            step_tokens::issue(
                db.pool(),
                &used_expired,
                "d",
                NOW - STEP_TOKEN_LIFETIME_SECONDS,
            )
            .await
            .unwrap();
            assert!(step_tokens::consume(
                db.pool(),
                &used_expired,
                NOW - STEP_TOKEN_LIFETIME_SECONDS
            )
            .await
            .unwrap());

            let journey_inside = JourneyToken::generate();
            replacement::start_journey(
                db.pool(),
                &journey_inside,
                "p",
                "a",
                NOW - JOURNEY_LIFETIME_SECONDS + 1,
            )
            .await
            .unwrap();
            let journey_over = JourneyToken::generate();
            replacement::start_journey(
                db.pool(),
                &journey_over,
                "p",
                "a",
                NOW - JOURNEY_LIFETIME_SECONDS,
            )
            .await
            .unwrap();

            let purged = purge(&db, NOW).await.unwrap();
            assert_eq!(purged.step_tokens, 2);
            assert_eq!(purged.replacement_journeys, 1);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM step_tokens").await, 2);
            assert!(matches!(
                step_tokens::state(db.pool(), &kept, NOW).await.unwrap(),
                step_tokens::StepTokenState::Valid { .. }
            ));
            assert!(matches!(
                step_tokens::state(db.pool(), &used_kept, NOW)
                    .await
                    .unwrap(),
                step_tokens::StepTokenState::Used { .. }
            ));
            assert!(replacement::journey(db.pool(), &journey_inside, NOW)
                .await
                .unwrap()
                .is_some());
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM replacement_journeys").await,
                1
            );
        })
        .await;
    }

    #[tokio::test]
    async fn throttle_counters_go_once_their_window_and_lock_have_passed() {
        each_backend(|db| async move {
            let window = longest_window_seconds();
            throttles::reserve(
                db.pool(),
                "client:in-window",
                CLIENT_LIMIT,
                NOW - window + 1,
            )
            .await
            .unwrap();
            throttles::reserve(db.pool(), "client:past", CLIENT_LIMIT, NOW - window)
                .await
                .unwrap();
            // Its window has passed, but its lock runs until a second from now.
            throttles::reserve(db.pool(), "client:locked", CLIENT_LIMIT, NOW - 2 * window)
                .await
                .unwrap();
            sqlx::query("UPDATE throttles SET locked_until = $1 WHERE key = 'client:locked'")
                .bind(NOW + 1)
                .execute(db.pool())
                .await
                .unwrap();
            let unlocked_at_now = "client:lock-ended";
            throttles::reserve(db.pool(), unlocked_at_now, CLIENT_LIMIT, NOW - 2 * window)
                .await
                .unwrap();
            sqlx::query("UPDATE throttles SET locked_until = $1 WHERE key = $2")
                .bind(NOW)
                .bind(unlocked_at_now)
                .execute(db.pool())
                .await
                .unwrap();

            let purged = purge(&db, NOW).await.unwrap();
            assert_eq!(purged.throttles, 2);
            let mut left: Vec<String> = sqlx::query_scalar("SELECT key FROM throttles")
                .fetch_all(db.pool())
                .await
                .unwrap();
            left.sort();
            assert_eq!(left, ["client:in-window", "client:locked"]);
            // The kept counter still counts on from where it was.
            assert_eq!(
                throttles::reserve(db.pool(), "client:in-window", CLIENT_LIMIT, NOW)
                    .await
                    .unwrap()
                    .0,
                2
            );
        })
        .await;
    }

    #[tokio::test]
    async fn delivered_email_bodies_are_emptied_and_the_rest_kept() {
        each_backend(|db| async move {
            let message = |recipient| NewMessage {
                recipient,
                subject: "Your security code",
                body: "Your security code is 123456",
                purpose: Purpose::SecurityCode,
            };
            for recipient in [
                "old@example.com",
                "recent@example.com",
                "waiting@example.com",
            ] {
                outbox::enqueue(db.pool(), &message(recipient), NOW - 10 * 3600)
                    .await
                    .unwrap();
            }
            let claimed = outbox::claim_due(&db, NOW - 10 * 3600, 60, 10)
                .await
                .unwrap();
            let id = |recipient: &str| {
                claimed
                    .iter()
                    .find(|m| m.recipient == recipient)
                    .unwrap()
                    .id
            };
            let sent_old = NOW - DELIVERED_BODY_KEPT_SECONDS;
            outbox::mark_sent(db.pool(), id("old@example.com"), "smtp", sent_old)
                .await
                .unwrap();
            outbox::mark_sent(db.pool(), id("recent@example.com"), "smtp", sent_old + 1)
                .await
                .unwrap();
            outbox::mark_failed(db.pool(), id("waiting@example.com"), "refused", NOW - 10)
                .await
                .unwrap();

            let purged = purge(&db, NOW).await.unwrap();
            assert_eq!(purged.outbox_bodies, 1);
            assert_eq!(purged.total(), 1);
            let all = outbox::recent(db.pool(), 10).await.unwrap();
            assert_eq!(all.len(), 3, "every message keeps its row");
            let by = |recipient: &str| all.iter().find(|m| m.recipient == recipient).unwrap();
            let old = by("old@example.com");
            assert_eq!(old.body, "");
            assert_eq!(old.subject, "Your security code");
            assert_eq!(old.purpose, "security_code");
            assert_eq!(old.sent_at, Some(sent_old));
            assert_eq!(
                by("recent@example.com").body,
                "Your security code is 123456"
            );
            assert_eq!(
                by("waiting@example.com").body,
                "Your security code is 123456"
            );
            // A second purge finds nothing new.
            assert_eq!(purge(&db, NOW).await.unwrap(), Purged::default());
        })
        .await;
    }

    #[tokio::test]
    async fn provider_sign_ins_go_when_the_callback_would_refuse_them() {
        use crate::db::staff::{
            save_provider_login, ProviderLogin, PROVIDER_LOGIN_LIFETIME_SECONDS,
        };
        each_backend(|db| async move {
            let login = ProviderLogin {
                state: "s".into(),
                nonce: "n".into(),
                pkce_verifier: "v".into(),
                next_path: String::new(),
            };
            let lifetime = PROVIDER_LOGIN_LIFETIME_SECONDS;
            save_provider_login(db.pool(), "gone", &login, NOW - lifetime)
                .await
                .unwrap();
            save_provider_login(db.pool(), "kept", &login, NOW - lifetime + 1)
                .await
                .unwrap();
            let purged = purge(&db, NOW).await.unwrap();
            assert_eq!(purged.provider_logins, 1);
            assert_eq!(purged.total(), 1);
            let left = count(
                &db,
                "SELECT COUNT(*) FROM staff_provider_logins WHERE id_hash = 'kept'",
            );
            assert_eq!(left.await, 1);
        })
        .await;
    }

    #[test]
    fn the_counts_print_one_line_per_table() {
        let purged = Purged {
            sessions: 1,
            step_tokens: 2,
            replacement_journeys: 3,
            throttles: 4,
            outbox_bodies: 5,
            provider_logins: 6,
        };
        assert_eq!(purged.total(), 21);
        assert_eq!(
            purged.to_string(),
            "sessions deleted: 1\nstep tokens deleted: 2\nreplacement journeys deleted: 3\n\
             throttle counters deleted: 4\nstaff provider sign-ins deleted: 6\n\
             delivered email bodies removed: 5"
        );
    }
}
