//! Retention in the background: every instance runs [`db::retention::purge`] at start and then
//! at an interval (`RELINK_RETENTION_INTERVAL`, an hour by default). Purging is idempotent, so
//! instances sharing one database need not take turns.

use std::time::Duration;

use time::OffsetDateTime;

use crate::db::{self, Db};

/// Runs until the process ends: a purge now, then one every `every`.
pub fn spawn(db: Db, every: Duration) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            purge_once(&db).await;
        }
    });
}

/// One purge, logged by counts only (nothing in these rows is for a log).
async fn purge_once(db: &Db) {
    match db::retention::purge(db, OffsetDateTime::now_utc().unix_timestamp()).await {
        Ok(purged) if purged.total() > 0 => tracing::info!(
            sessions = purged.sessions,
            step_tokens = purged.step_tokens,
            replacement_journeys = purged.replacement_journeys,
            throttles = purged.throttles,
            outbox_bodies = purged.outbox_bodies,
            "retention: expired rows purged"
        ),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "retention: purge failed; will try again"),
    }
}
