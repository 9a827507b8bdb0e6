//! Attempt counters that lock a key (a credential, or a client) after too many failures in a
//! window: the storage of the credential-attempt policy (`server::throttle`, whose rules are
//! `domain::attempts`). Kept in the database so every instance enforces the same limits, and
//! updated with one atomic statement each, so concurrent attempts are all counted.

use sqlx::{Any, Executor};

use super::DbError;
use crate::domain::attempts::AttemptLimit as Limit;

/// Counts an attempt on the key before its secret is checked, in one atomic statement, so
/// requests in flight at the same time each get their own number. Returns the attempt's number
/// in the current window and when the key is locked until (a past time when it is not). A new
/// window starts when the last one has passed and the key is not locked.
pub async fn reserve<'e>(
    exec: impl Executor<'e, Database = Any>,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<(i64, i64), DbError> {
    let reserved = sqlx::query_as::<_, (i64, i64)>(
        "INSERT INTO throttles (key, count, window_started_at, locked_until)
         VALUES ($1, 1, $2, 0)
         ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN throttles.window_started_at <= $3 AND throttles.locked_until <= $2
                          THEN 1 ELSE throttles.count + 1 END,
             window_started_at = CASE WHEN throttles.window_started_at <= $3 AND throttles.locked_until <= $2
                          THEN $2 ELSE throttles.window_started_at END
         RETURNING count, locked_until",
    )
    .bind(key)
    .bind(now)
    .bind(now - limit.window_seconds)
    .fetch_one(exec)
    .await?;
    Ok(reserved)
}

/// Gives back one reserved attempt (one that turned out not to count: a success, on a
/// client's counter, which counts failures only).
pub async fn release<'e>(
    exec: impl Executor<'e, Database = Any>,
    key: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE throttles SET count = count - 1 WHERE key = $1 AND count > 0")
        .bind(key)
        .execute(exec)
        .await?;
    Ok(())
}

/// Locks the key for the limit's lock time from now (a lock already running longer stays).
/// Returns when the key is locked until.
pub async fn lock<'e>(
    exec: impl Executor<'e, Database = Any>,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<i64, DbError> {
    let until = sqlx::query_scalar::<_, i64>(
        "UPDATE throttles SET locked_until =
             CASE WHEN locked_until > $2 THEN locked_until ELSE $2 END
         WHERE key = $1
         RETURNING locked_until",
    )
    .bind(key)
    .bind(now + limit.lock_seconds)
    .fetch_optional(exec)
    .await?;
    Ok(until.unwrap_or(now + limit.lock_seconds))
}

/// When the key is locked until (0 when it has no counter), without counting an attempt: to
/// say which of two locks holds when a shorter one has already refused an attempt.
pub async fn locked_until<'e>(
    exec: impl Executor<'e, Database = Any>,
    key: &str,
) -> Result<i64, DbError> {
    let until = sqlx::query_scalar::<_, i64>("SELECT locked_until FROM throttles WHERE key = $1")
        .bind(key)
        .fetch_optional(exec)
        .await?;
    Ok(until.unwrap_or(0))
}

/// Forgets the key's failures (after a success).
pub async fn clear<'e>(
    exec: impl Executor<'e, Database = Any>,
    key: &str,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM throttles WHERE key = $1 AND locked_until <= $2")
        .bind(key)
        .bind(now)
        .execute(exec)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;
    use crate::domain::attempts::CredentialKind;

    /// The PIN document's limit: 5 wrong attempts in 15 minutes lock it for 15 minutes.
    const PIN_PAIR_LIMIT: Limit = CredentialKind::PinDocument.limit();

    #[tokio::test]
    async fn the_fifth_failure_locks_for_fifteen_minutes_then_counting_starts_again() {
        each_backend(|db| async move {
            let key = "pin:T00001:1000000001";
            for i in 0..5 {
                assert_eq!(
                    reserve(db.pool(), key, PIN_PAIR_LIMIT, 1_000 + i)
                        .await
                        .unwrap(),
                    (i + 1, 0),
                    "failure {i}"
                );
            }
            // The policy locks the key when the fifth attempt fails.
            assert_eq!(
                lock(db.pool(), key, PIN_PAIR_LIMIT, 1_004).await.unwrap(),
                1_904
            );
            assert_eq!(
                reserve(db.pool(), key, PIN_PAIR_LIMIT, 1_500)
                    .await
                    .unwrap(),
                (6, 1_904)
            );
            // More failures while locked do not extend the lock.
            assert_eq!(
                lock(db.pool(), key, PIN_PAIR_LIMIT, 1_000).await.unwrap(),
                1_904
            );
            // After the lock, an attempt starts a new window.
            assert_eq!(
                reserve(db.pool(), key, PIN_PAIR_LIMIT, 2_000)
                    .await
                    .unwrap(),
                (1, 1_904)
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_lock_can_be_read_without_counting_an_attempt() {
        each_backend(|db| async move {
            let key = "daily:identity:9434765919";
            assert_eq!(locked_until(db.pool(), key).await.unwrap(), 0, "no counter");
            reserve(db.pool(), key, PIN_PAIR_LIMIT, 1_000)
                .await
                .unwrap();
            assert_eq!(locked_until(db.pool(), key).await.unwrap(), 0, "not locked");
            lock(db.pool(), key, PIN_PAIR_LIMIT, 1_000).await.unwrap();
            assert_eq!(locked_until(db.pool(), key).await.unwrap(), 1_900);
            assert_eq!(
                reserve(db.pool(), key, PIN_PAIR_LIMIT, 1_001)
                    .await
                    .unwrap(),
                (2, 1_900),
                "reading counted nothing"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn failures_outside_the_window_do_not_add_up() {
        each_backend(|db| async move {
            let key = "pin:slow";
            for i in 0..10 {
                assert_eq!(
                    reserve(db.pool(), key, PIN_PAIR_LIMIT, i * 1_000)
                        .await
                        .unwrap()
                        .0,
                    1
                );
            }
        })
        .await;
    }

    #[tokio::test]
    async fn reservations_number_attempts_and_a_lock_holds_for_its_time() {
        each_backend(|db| async move {
            let key = "pin:reserved";
            for expected in 1..=5 {
                let (number, until) = reserve(db.pool(), key, PIN_PAIR_LIMIT, 1_000)
                    .await
                    .unwrap();
                assert_eq!((number, until), (expected, 0));
            }
            assert_eq!(
                lock(db.pool(), key, PIN_PAIR_LIMIT, 1_010).await.unwrap(),
                1_910
            );
            // Locked: numbers go on, the lock stays, and no new window starts.
            assert_eq!(
                reserve(db.pool(), key, PIN_PAIR_LIMIT, 1_500)
                    .await
                    .unwrap(),
                (6, 1_910)
            );
            // A later lock does not shorten it; after it, a new window starts at 1.
            assert_eq!(
                lock(db.pool(), key, PIN_PAIR_LIMIT, 100).await.unwrap(),
                1_910
            );
            assert_eq!(
                reserve(db.pool(), key, PIN_PAIR_LIMIT, 1_910)
                    .await
                    .unwrap(),
                (1, 1_910)
            );
            release(db.pool(), key).await.unwrap();
            release(db.pool(), key).await.unwrap();
            assert_eq!(
                reserve(db.pool(), key, PIN_PAIR_LIMIT, 1_911)
                    .await
                    .unwrap(),
                (1, 1_910)
            );
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_failures_are_all_counted() {
        each_backend(|db| async move {
            let key = "pin:concurrent";
            let tasks: Vec<_> = (0..5)
                .map(|_| {
                    let pool = db.pool().clone();
                    tokio::spawn(async move { reserve(&pool, key, PIN_PAIR_LIMIT, 5_000).await })
                })
                .collect();
            let mut numbers = Vec::new();
            for task in tasks {
                numbers.push(task.await.unwrap().unwrap().0);
            }
            numbers.sort_unstable();
            assert_eq!(numbers, [1, 2, 3, 4, 5], "each attempt has its own number");
        })
        .await;
    }
}
