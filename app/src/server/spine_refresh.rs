//! The background refresh: keeps every patient's PDS values no older than a configured age,
//! reading the oldest first. Many lookups run at once, and the PDS client's shared limiter
//! keeps them all under the configured rate; a lookup that fails is logged (with no personal
//! data) and tried again at the next round, and the stored values stand meanwhile.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::task::JoinSet;

use super::staff::store_pds_answer;
use super::AppState;
use crate::db::{patients, pds, DbError};
use crate::pds::PdsClient;
use crate::views::staff::PdsNotice;

/// How many patients one round asks about at most; the next round takes the rest.
pub const ROUND_SIZE: i64 = 1_000;

/// How many lookups are in flight at once; the limiter decides when each is sent.
const IN_FLIGHT: usize = 16;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshRound {
    /// Patients asked about.
    pub asked: usize,
    /// Lookups that got an answer about the patient (stored, or "gone" audited).
    pub answered: usize,
    /// Lookups that got no answer (PDS down, refusing, too slow): tried again next round.
    pub failed: usize,
}

/// Starts the refresh: a round every `every`, for records older than `max_age`, and one as
/// soon as `state.pds_wake` is notified (an import brought patients in: they are read now).
pub fn spawn(state: AppState, client: PdsClient, every: Duration, max_age: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = state.pds_wake.notified() => {}
            }
            match refresh_round(&state, &client, max_age, ROUND_SIZE).await {
                Ok(round) if round.asked > 0 => tracing::info!(
                    asked = round.asked,
                    answered = round.answered,
                    failed = round.failed,
                    "PDS refresh round"
                ),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "PDS refresh round failed"),
            }
        }
    });
}

/// One round: up to `limit` patients whose PDS values are missing or older than `max_age`,
/// looked up and stored. Returns when every lookup has ended.
pub async fn refresh_round(
    state: &AppState,
    client: &PdsClient,
    max_age: Duration,
    limit: i64,
) -> Result<RefreshRound, DbError> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let max_age = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    let due = pds::due_for_refresh(state.db.pool(), now.saturating_sub(max_age), limit).await?;
    let mut round = RefreshRound {
        asked: due.len(),
        ..RefreshRound::default()
    };
    let queue = Arc::new(tokio::sync::Mutex::new(due.into_iter()));
    let mut workers = JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let (state, client, queue) = (state.clone(), client.clone(), queue.clone());
        workers.spawn(async move {
            let mut done = RefreshRound::default();
            loop {
                let Some((patient_id, _)) = queue.lock().await.next() else {
                    return Ok::<_, DbError>(done);
                };
                let Some(patient) = patients::find(state.db.pool(), &patient_id).await? else {
                    continue;
                };
                let correlation = uuid::Uuid::new_v4().to_string();
                let answer = client.read_patient(&patient.nhs_number, &correlation).await;
                let read_at = OffsetDateTime::now_utc().unix_timestamp();
                match store_pds_answer(&state, &patient, answer, "system", read_at).await? {
                    notice if answered(notice) => done.answered += 1,
                    _ => done.failed += 1,
                }
            }
        });
    }
    while let Some(worker) = workers.join_next().await {
        let done = worker.map_err(|e| DbError::Corrupt(format!("refresh worker: {e}")))??;
        round.answered += done.answered;
        round.failed += done.failed;
    }
    Ok(round)
}

/// Whether a lookup got an answer about the patient (whatever it was).
fn answered(notice: PdsNotice) -> bool {
    matches!(
        notice,
        PdsNotice::Checked
            | PdsNotice::Superseded
            | PdsNotice::SupersededConflict
            | PdsNotice::NotFound
            | PdsNotice::Invalidated
    )
}
