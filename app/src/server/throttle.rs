//! The credential-attempt policy, applied: every check of a secret (a PIN document, a patient's
//! or a staff member's passphrase, a replacement's identity check or status lookup) goes
//! through [`begin`] and then reports its outcome. The rules themselves are pure
//! ([`crate::domain::attempts`]); the counters live in the database, so every instance applies
//! the same limits.
//!
//! The attempt is counted **before** the secret is checked: requests in flight at the same time
//! each get their own number, and those past the limit are refused without being checked, so no
//! burst of parallel guesses gets more tries than the limit. A client's counter keeps failures
//! only (a success gives its attempt back). The lockout an attempt causes is audited, and what
//! the person is told, and with which status, is decided here for every journey.
//!
//! A kind may also have a daily cap ([`CredentialKind::daily_cap`]): its failures are counted a
//! second time on a counter of their own that only a day clears, so waiting out each short lock
//! does not buy more guesses than the cap.

use axum::http::StatusCode;

use super::hashing::HashingPool;
use super::{ClientAddress, JourneyError};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::throttles;
use crate::db::{Db, DbError};
use crate::domain::attempts::{
    keep_alive_counter, ClientKey, CredentialKey, DailyCap, CLIENT_LIMIT, KEEP_ALIVE_LIMIT,
    STAFF_ALERT,
};
use crate::domain::StaffUsername;
use crate::secrets::SecretHasher;
use crate::views::form::FormProblem;

/// Why an attempt was not let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too many failures from this client.
    ClientLocked,
    /// Too many failures on this credential.
    CredentialLocked,
    /// The credential reached its daily cap.
    DailyCapReached,
}

/// How a failed attempt ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// The details did not match; the person may try again.
    NoMatch,
    /// The details did not match, and this failure locked the credential.
    LockedNow,
    /// The details did not match, and this failure reached the credential's daily cap.
    DailyCapReached,
}

/// What the form says, and with which status, for a refused or failed attempt: the same in
/// every journey.
pub trait Answer {
    fn problem(self) -> FormProblem;
    fn status(self) -> StatusCode;
}

impl Answer for Refused {
    fn problem(self) -> FormProblem {
        match self {
            Self::ClientLocked => FormProblem::ClientLockedOut,
            Self::CredentialLocked => FormProblem::LockedOut,
            Self::DailyCapReached => FormProblem::LockedForToday,
        }
    }

    fn status(self) -> StatusCode {
        StatusCode::TOO_MANY_REQUESTS
    }
}

impl Answer for Failed {
    fn problem(self) -> FormProblem {
        match self {
            Self::NoMatch => FormProblem::NoMatch,
            Self::LockedNow => FormProblem::LockedOut,
            Self::DailyCapReached => FormProblem::LockedForToday,
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::NoMatch => StatusCode::UNPROCESSABLE_ENTITY,
            Self::LockedNow | Self::DailyCapReached => StatusCode::TOO_MANY_REQUESTS,
        }
    }
}

/// An attempt the policy let through: already counted against the credential and the client.
/// Report how it went with [`Attempt::succeeded`] or [`Attempt::failed`]; one dropped without
/// either (the request went away) stays counted, as a failure.
#[must_use = "report the attempt's outcome"]
#[derive(Debug)]
pub struct Attempt {
    credential: CredentialKey,
    client: ClientKey,
    /// This attempt's number in the credential's window, and in the client's.
    number: i64,
    client_number: i64,
    /// The credential's daily counter, if its kind has a cap.
    daily: Option<Daily>,
}

/// An attempt's place on its credential's daily counter.
#[derive(Debug)]
struct Daily {
    key: String,
    cap: DailyCap,
    /// This attempt's number in the day's window.
    number: i64,
}

/// Counts a "Stay signed in" press from `client` and says whether it may go on: false once the
/// client has pressed [`KEEP_ALIVE_LIMIT`] times in 15 minutes (then for 15 minutes).
pub async fn keep_alive_allowed(
    db: &Db,
    client: &ClientAddress,
    now: i64,
) -> Result<bool, DbError> {
    let counter = keep_alive_counter(client.key());
    let (presses, locked_until) =
        throttles::reserve(db.pool(), &counter, KEEP_ALIVE_LIMIT, now).await?;
    Ok(locked_until <= now && presses <= KEEP_ALIVE_LIMIT.max)
}

/// Counts a failed sign-in on a staff member's username from any client; the failure that
/// reaches [`STAFF_ALERT`] is audited once for administrators (`staff_sign_in_alert`). Never a
/// lock: the member's own lock is per client. Returns whether this failure raised the alert.
pub async fn staff_failure(db: &Db, username: &StaffUsername, now: i64) -> Result<bool, DbError> {
    let counter = CredentialKey::staff_alert_counter(username);
    let (failures, _) = throttles::reserve(db.pool(), &counter, STAFF_ALERT, now).await?;
    if failures != STAFF_ALERT.max {
        return Ok(false);
    }
    let detail = format!(
        "{} failed sign-ins as {username} from any connection within 15 minutes: not locked; check who is trying",
        STAFF_ALERT.max
    );
    let event = NewAuditEvent {
        kind: AuditKind::StaffSignInAlert,
        actor: "system",
        practice_ods: None,
        patient_id: None,
        detail: &detail,
    };
    audit::record(db.pool(), &event, now).await?;
    Ok(true)
}

/// Counts an attempt on `credential` from `client`, then lets it through or refuses it.
pub async fn begin(
    db: &Db,
    client: &ClientAddress,
    credential: CredentialKey,
    now: i64,
) -> Result<Result<Attempt, Refused>, DbError> {
    let client = client.key().clone();
    let (client_number, client_locked_until) =
        throttles::reserve(db.pool(), client.as_str(), CLIENT_LIMIT, now).await?;
    if client_locked_until > now || client_number > CLIENT_LIMIT.max {
        return Ok(Err(Refused::ClientLocked));
    }
    let limit = credential.kind().limit();
    let daily_key = credential.daily_counter();
    let (number, locked_until) =
        throttles::reserve(db.pool(), credential.as_str(), limit, now).await?;
    if locked_until > now || number > limit.max {
        // Refused without a check: it does not count against the client (nor the day). When
        // the day's lock holds too, that is the one to tell: the short one ends sooner.
        throttles::release(db.pool(), client.as_str()).await?;
        if let Some(key) = &daily_key {
            if throttles::locked_until(db.pool(), key).await? > now {
                return Ok(Err(Refused::DailyCapReached));
            }
        }
        return Ok(Err(Refused::CredentialLocked));
    }
    // Reserved after the short counter, so a burst refused there never reaches this one.
    let daily = match (daily_key, credential.kind().daily_cap()) {
        (Some(key), Some(cap)) => {
            let (number, locked_until) =
                throttles::reserve(db.pool(), &key, cap.limit, now).await?;
            if locked_until > now || number > cap.limit.max {
                // Not checked, so not a failure on any counter.
                throttles::release(db.pool(), &key).await?;
                throttles::release(db.pool(), credential.as_str()).await?;
                throttles::release(db.pool(), client.as_str()).await?;
                return Ok(Err(Refused::DailyCapReached));
            }
            Some(Daily { key, cap, number })
        }
        _ => None,
    };
    Ok(Ok(Attempt {
        credential,
        client,
        number,
        client_number,
        daily,
    }))
}

impl Attempt {
    /// The secret matched: the credential's failures are forgotten and the client's attempt is
    /// given back. The day's failures are **not** forgotten, only this attempt given back: the
    /// owner getting their details right proves nothing about the guesses before, which may
    /// have been someone else's, and forgetting them would let a guesser who also knows the
    /// details (a relative, say) reset the cap at will.
    pub async fn succeeded(self, db: &Db, now: i64) -> Result<(), DbError> {
        throttles::clear(db.pool(), self.credential.as_str(), now).await?;
        if let Some(daily) = &self.daily {
            throttles::release(db.pool(), &daily.key).await?;
        }
        throttles::release(db.pool(), self.client.as_str()).await
    }

    /// The attempt did what it was for and the credential is spent (a reset's step token used
    /// up, or found used by another submission): the client's attempt is given back, but the
    /// credential's count stays, so no more attempts than the limit ever run on it.
    pub async fn spent(self, db: &Db) -> Result<(), DbError> {
        throttles::release(db.pool(), self.client.as_str()).await
    }

    /// Runs this attempt's hashing `work` (checking the secret, or hashing a new one) on the
    /// pool. When every slot stays busy the attempt is given back on every counter (a busy
    /// service never locks anyone out) and the busy error returned, for the page that asks to
    /// try again in a moment.
    pub async fn hash<T: Send + 'static>(
        &self,
        db: &Db,
        hashing: &HashingPool,
        work: impl FnOnce(&mut SecretHasher) -> T + Send + 'static,
    ) -> Result<T, JourneyError> {
        match hashing.run(work).await {
            Ok(value) => Ok(value),
            Err(busy) => {
                self.give_back(db).await?;
                Err(busy.into())
            }
        }
    }

    /// The secret could not be checked (every hashing slot was busy): the attempt is given back
    /// on every counter, so a busy service never locks anyone out.
    async fn give_back(&self, db: &Db) -> Result<(), DbError> {
        throttles::release(db.pool(), self.credential.as_str()).await?;
        if let Some(daily) = &self.daily {
            throttles::release(db.pool(), &daily.key).await?;
        }
        throttles::release(db.pool(), self.client.as_str()).await
    }

    /// The secret did not match: `failure`, if given, is audited; when this was the last attempt the limit
    /// allows, the credential is locked and `lockout` is audited too (and likewise the client,
    /// with an event of its own). When it was the last the daily cap allows, the credential is
    /// locked for the cap's time and the cap's own event is audited, with the practice and
    /// patient of `lockout`.
    pub async fn failed(
        self,
        db: &Db,
        failure: Option<&NewAuditEvent<'_>>,
        lockout: &NewAuditEvent<'_>,
        now: i64,
    ) -> Result<Failed, DbError> {
        if let Some(failure) = failure {
            audit::record(db.pool(), failure, now).await?;
        }
        if self.client_number >= CLIENT_LIMIT.max {
            throttles::lock(db.pool(), self.client.as_str(), CLIENT_LIMIT, now).await?;
            let event = NewAuditEvent {
                kind: AuditKind::ClientLockout,
                actor: "system",
                practice_ods: None,
                patient_id: None,
                detail: "a client was locked for 15 minutes after 30 failures",
            };
            audit::record(db.pool(), &event, now).await?;
        }
        let limit = self.credential.kind().limit();
        let locked_now = self.number >= limit.max;
        if locked_now {
            throttles::lock(db.pool(), self.credential.as_str(), limit, now).await?;
            audit::record(db.pool(), lockout, now).await?;
        }
        if let Some(daily) = &self.daily {
            if daily.number >= daily.cap.limit.max {
                throttles::lock(db.pool(), &daily.key, daily.cap.limit, now).await?;
                let detail = format!(
                    "locked for {} hours after {} failures in {} hours",
                    daily.cap.limit.lock_seconds / 3600,
                    daily.cap.limit.max,
                    daily.cap.limit.window_seconds / 3600
                );
                let event = NewAuditEvent {
                    kind: daily.cap.lockout,
                    actor: "system",
                    detail: &detail,
                    ..lockout.clone()
                };
                audit::record(db.pool(), &event, now).await?;
                return Ok(Failed::DailyCapReached);
            }
        }
        Ok(if locked_now {
            Failed::LockedNow
        } else {
            Failed::NoMatch
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;
    use crate::db::testing::each_backend;
    use crate::domain::{AccountId, NhsNumber, OdsCode, ReplacementReference, StaffUsername};

    fn every_kind() -> Vec<CredentialKey> {
        let ods = OdsCode::parse("T00001").unwrap();
        let account = AccountId::parse("1000000001").unwrap();
        vec![
            CredentialKey::pin_document(&ods, &account),
            CredentialKey::patient_sign_in(&ods, &account),
            CredentialKey::staff_sign_in(
                &StaffUsername::parse("admin.riverside").unwrap(),
                &ClientKey::unknown(),
            ),
            CredentialKey::identity_check(&NhsNumber::parse("9434765919").unwrap()),
            CredentialKey::status_lookup(&ReplacementReference::parse("RPL-7K3D-9QX2").unwrap()),
            CredentialKey::new_passphrase("0123abcd"),
        ]
    }

    fn event(kind: AuditKind) -> NewAuditEvent<'static> {
        NewAuditEvent {
            kind,
            actor: "patient",
            practice_ods: None,
            patient_id: None,
            detail: "test",
        }
    }

    /// Many wrong guesses at once: each is counted before its check, so no more are checked
    /// than the limit allows, whatever the timing.
    async fn parallel_wrong_attempts(db: Db, client: ClientAddress, key: CredentialKey) -> usize {
        let checked = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (db, client, key, checked) =
                    (db.clone(), client.clone(), key.clone(), checked.clone());
                tokio::spawn(async move {
                    match begin(&db, &client, key, 10_000).await.unwrap() {
                        Ok(attempt) => {
                            checked.fetch_add(1, Ordering::SeqCst);
                            // The secret check takes a while (Argon2), so others overlap it.
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                            let failure = event(AuditKind::PinVerificationFailed);
                            let lockout = event(AuditKind::PinLockout);
                            attempt
                                .failed(&db, Some(&failure), &lockout, 10_000)
                                .await
                                .unwrap();
                        }
                        Err(refused) => assert_eq!(refused, Refused::CredentialLocked),
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        checked.load(Ordering::SeqCst)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn parallel_wrong_attempts_check_no_more_secrets_than_the_limit() {
        each_backend(|db| async move {
            for (i, key) in every_kind().into_iter().enumerate() {
                let client = ClientAddress::test(&format!("198.51.100.{i}"));
                let limit = key.kind().limit().max as usize;
                let checked =
                    parallel_wrong_attempts(db.clone(), client.clone(), key.clone()).await;
                assert_eq!(checked, limit, "{key:?}");
                // And the credential is now locked for everyone.
                let other = ClientAddress::test("203.0.113.1");
                assert_eq!(
                    begin(&db, &other, key.clone(), 10_001)
                        .await
                        .unwrap()
                        .unwrap_err(),
                    Refused::CredentialLocked
                );
                let lockouts = audit::count_of_kind(db.pool(), AuditKind::PinLockout)
                    .await
                    .unwrap();
                assert_eq!(lockouts, i as i64 + 1, "one lockout audited per credential");
            }
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_client_gets_no_more_than_thirty_failures_across_credentials() {
        each_backend(|db| async move {
            let client = ClientAddress::test("2001:db8::1");
            let checked = Arc::new(AtomicUsize::new(0));
            let tasks: Vec<_> = (0..40u32)
                .map(|i| {
                    let (db, checked) = (db.clone(), checked.clone());
                    // Each from another address of the same /64 network.
                    let client = ClientAddress::test(&format!("2001:db8::{:x}", i + 1));
                    tokio::spawn(async move {
                        let account = AccountId::parse(&format!("10000001{i:02}")).unwrap();
                        let ods = OdsCode::parse("T00001").unwrap();
                        let key = CredentialKey::pin_document(&ods, &account);
                        if let Ok(attempt) = begin(&db, &client, key, 20_000).await.unwrap() {
                            checked.fetch_add(1, Ordering::SeqCst);
                            let failure = event(AuditKind::PinVerificationFailed);
                            let lockout = event(AuditKind::PinLockout);
                            attempt
                                .failed(&db, Some(&failure), &lockout, 20_000)
                                .await
                                .unwrap();
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            assert_eq!(checked.load(Ordering::SeqCst), 30);
            let account = AccountId::parse("1000000999").unwrap();
            let key = CredentialKey::pin_document(&OdsCode::parse("T00001").unwrap(), &account);
            assert_eq!(
                begin(&db, &client, key, 20_001).await.unwrap().unwrap_err(),
                Refused::ClientLocked
            );
            let client_lockouts = audit::count_of_kind(db.pool(), AuditKind::ClientLockout)
                .await
                .unwrap();
            assert_eq!(client_lockouts, 1);
        })
        .await;
    }

    #[tokio::test]
    async fn a_success_forgets_the_failures_and_does_not_count_against_the_client() {
        each_backend(|db| async move {
            let client = ClientAddress::test("192.0.2.7");
            let [key, ..] = &every_kind()[..] else {
                unreachable!()
            };
            for _ in 0..4 {
                let attempt = begin(&db, &client, key.clone(), 1_000)
                    .await
                    .unwrap()
                    .unwrap();
                let failure = event(AuditKind::PinVerificationFailed);
                let lockout = event(AuditKind::PinLockout);
                assert_eq!(
                    attempt
                        .failed(&db, Some(&failure), &lockout, 1_000)
                        .await
                        .unwrap(),
                    Failed::NoMatch
                );
            }
            let attempt = begin(&db, &client, key.clone(), 1_000)
                .await
                .unwrap()
                .unwrap();
            attempt.succeeded(&db, 1_000).await.unwrap();
            // Five more tries are allowed again, and the client's count holds 4 failures only.
            for _ in 0..4 {
                let attempt = begin(&db, &client, key.clone(), 1_001)
                    .await
                    .unwrap()
                    .unwrap();
                let failure = event(AuditKind::PinVerificationFailed);
                let lockout = event(AuditKind::PinLockout);
                attempt
                    .failed(&db, Some(&failure), &lockout, 1_001)
                    .await
                    .unwrap();
            }
            let (client_count, _) =
                throttles::reserve(db.pool(), client.key().as_str(), CLIENT_LIMIT, 1_002)
                    .await
                    .unwrap();
            assert_eq!(client_count, 9, "8 failures and this reservation");
        })
        .await;
    }

    #[tokio::test]
    async fn a_spent_credential_keeps_its_count_and_gives_the_client_its_attempt_back() {
        each_backend(|db| async move {
            let client = ClientAddress::test("192.0.2.9");
            let key = CredentialKey::new_passphrase("spent");
            for _ in 0..5 {
                let attempt = begin(&db, &client, key.clone(), 1_000)
                    .await
                    .unwrap()
                    .unwrap();
                attempt.spent(&db).await.unwrap();
            }
            assert_eq!(
                begin(&db, &client, key.clone(), 1_000)
                    .await
                    .unwrap()
                    .unwrap_err(),
                Refused::CredentialLocked,
                "no more than the limit run on one credential"
            );
            let (client_count, _) =
                throttles::reserve(db.pool(), client.key().as_str(), CLIENT_LIMIT, 1_001)
                    .await
                    .unwrap();
            assert_eq!(client_count, 1, "only this reservation counts");
        })
        .await;
    }

    fn identity_key() -> CredentialKey {
        CredentialKey::identity_check(&NhsNumber::parse("9434765919").unwrap())
    }

    /// The events the replacement's identity check reports, for a patient of T00001.
    fn identity_events() -> (NewAuditEvent<'static>, NewAuditEvent<'static>) {
        let event = |kind, actor| NewAuditEvent {
            kind,
            actor,
            practice_ods: Some("T00001"),
            patient_id: Some("patient-1"),
            detail: "test",
        };
        (
            event(AuditKind::ReplacementIdentityFailed, "patient"),
            event(AuditKind::ReplacementLockout, "system"),
        )
    }

    /// One attempt on `key` at `now` that is let through and fails.
    async fn fail_once(db: &Db, client: &ClientAddress, key: &CredentialKey, now: i64) -> Failed {
        let (failure, lockout) = identity_events();
        begin(db, client, key.clone(), now)
            .await
            .unwrap()
            .unwrap_or_else(|refused| panic!("at {now}: {refused:?}"))
            .failed(db, Some(&failure), &lockout, now)
            .await
            .unwrap()
    }

    const HOUR: i64 = 3_600;
    const DAY: i64 = 24 * HOUR;

    #[tokio::test]
    async fn ten_failures_spread_over_hours_lock_the_number_for_the_day() {
        each_backend(|db| async move {
            let client = ClientAddress::test("192.0.2.10");
            let key = identity_key();
            let start = 100_000;
            // An hour apart: never 5 in 15 minutes, so the short lock never starts.
            for i in 0..9 {
                let now = start + i * HOUR;
                assert_eq!(fail_once(&db, &client, &key, now).await, Failed::NoMatch);
            }
            let tenth = start + 9 * HOUR;
            assert_eq!(
                fail_once(&db, &client, &key, tenth).await,
                Failed::DailyCapReached
            );
            // The 11th, even with the right details, is refused before any check, by anyone.
            for (now, from) in [
                (tenth + HOUR, "192.0.2.10"),
                (tenth + DAY - 1, "203.0.113.9"),
            ] {
                let refused = begin(&db, &ClientAddress::test(from), key.clone(), now)
                    .await
                    .unwrap()
                    .unwrap_err();
                assert_eq!(refused, Refused::DailyCapReached, "at {now}");
                assert_eq!(refused.problem(), FormProblem::LockedForToday);
            }
            // A day after the tenth failure, it works.
            begin(&db, &client, key.clone(), tenth + DAY)
                .await
                .unwrap()
                .unwrap()
                .succeeded(&db, tenth + DAY)
                .await
                .unwrap();
            let kind = AuditKind::IdentityCheckDailyLockout;
            assert_eq!(audit::count_of_kind(db.pool(), kind).await.unwrap(), 1);
            let events = audit::recent_for_patient(db.pool(), "patient-1", 50)
                .await
                .unwrap();
            let lockout = events.iter().find(|e| e.kind == kind.code()).unwrap();
            assert_eq!(lockout.practice_ods.as_deref(), Some("T00001"));
            assert_eq!(lockout.occurred_at, tenth);
            assert_eq!(lockout.actor, "system");
            // A refused attempt is not a failure: the other client's one was given back.
            let other = ClientAddress::test("203.0.113.9");
            let (count, _) =
                throttles::reserve(db.pool(), other.key().as_str(), CLIENT_LIMIT, tenth + DAY)
                    .await
                    .unwrap();
            assert_eq!(count, 1, "this reservation only");
        })
        .await;
    }

    #[tokio::test]
    async fn waiting_out_each_short_lock_still_stops_at_ten_a_day() {
        each_backend(|db| async move {
            let client = ClientAddress::test("192.0.2.11");
            let key = identity_key();
            let start = 50_000;
            for i in 0..4 {
                assert_eq!(
                    fail_once(&db, &client, &key, start + i).await,
                    Failed::NoMatch
                );
            }
            assert_eq!(
                fail_once(&db, &client, &key, start + 4).await,
                Failed::LockedNow
            );
            assert_eq!(
                begin(&db, &client, key.clone(), start + 60)
                    .await
                    .unwrap()
                    .unwrap_err(),
                Refused::CredentialLocked,
                "only the short lock holds"
            );
            // The short lock lapses; five more use up the day.
            let later = start + 16 * 60;
            for i in 0..4 {
                assert_eq!(
                    fail_once(&db, &client, &key, later + i).await,
                    Failed::NoMatch
                );
            }
            assert_eq!(
                fail_once(&db, &client, &key, later + 4).await,
                Failed::DailyCapReached
            );
            // Both locks hold now: the person is told about the longer one.
            for now in [later + 5, later + 16 * 60, later + 4 + DAY - 1] {
                assert_eq!(
                    begin(&db, &client, key.clone(), now)
                        .await
                        .unwrap()
                        .unwrap_err(),
                    Refused::DailyCapReached,
                    "at {now}"
                );
            }
            assert_eq!(
                audit::count_of_kind(db.pool(), AuditKind::ReplacementLockout)
                    .await
                    .unwrap(),
                2,
                "each short lock audited"
            );
            assert_eq!(
                audit::count_of_kind(db.pool(), AuditKind::IdentityCheckDailyLockout)
                    .await
                    .unwrap(),
                1
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_success_gives_its_attempt_back_but_does_not_forget_the_days_failures() {
        each_backend(|db| async move {
            let client = ClientAddress::test("192.0.2.12");
            let key = identity_key();
            let mut now = 10_000;
            for _ in 0..4 {
                assert_eq!(fail_once(&db, &client, &key, now).await, Failed::NoMatch);
                now += HOUR;
            }
            begin(&db, &client, key.clone(), now)
                .await
                .unwrap()
                .unwrap()
                .succeeded(&db, now)
                .await
                .unwrap();
            now += HOUR;
            // Five more failures make nine: not yet the cap (the success was not one)...
            for _ in 0..5 {
                assert_eq!(fail_once(&db, &client, &key, now).await, Failed::NoMatch);
                now += HOUR;
            }
            // ...and the tenth failure reaches it, the success notwithstanding.
            assert_eq!(
                fail_once(&db, &client, &key, now).await,
                Failed::DailyCapReached
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_kind_without_a_daily_cap_never_reaches_one() {
        each_backend(|db| async move {
            let client = ClientAddress::test("192.0.2.13");
            let ods = OdsCode::parse("T00001").unwrap();
            let account = AccountId::parse("1000000001").unwrap();
            let key = CredentialKey::pin_document(&ods, &account);
            for i in 0..15 {
                assert_eq!(
                    fail_once(&db, &client, &key, 10_000 + i * HOUR).await,
                    Failed::NoMatch
                );
            }
            assert_eq!(
                audit::count_of_kind(db.pool(), AuditKind::IdentityCheckDailyLockout)
                    .await
                    .unwrap(),
                0
            );
        })
        .await;
    }

    #[test]
    fn every_refusal_and_failure_has_its_message_and_status() {
        assert_eq!(
            Refused::ClientLocked.problem(),
            FormProblem::ClientLockedOut
        );
        assert_eq!(Refused::CredentialLocked.problem(), FormProblem::LockedOut);
        assert_eq!(
            Refused::CredentialLocked.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(Failed::NoMatch.problem(), FormProblem::NoMatch);
        assert_eq!(Failed::NoMatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(Failed::LockedNow.problem(), FormProblem::LockedOut);
        assert_eq!(Failed::LockedNow.status(), StatusCode::TOO_MANY_REQUESTS);
        for day in [
            Refused::DailyCapReached.problem(),
            Failed::DailyCapReached.problem(),
        ] {
            assert_eq!(day, FormProblem::LockedForToday);
        }
        assert_eq!(
            Refused::DailyCapReached.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            Failed::DailyCapReached.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
}
