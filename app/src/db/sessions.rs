//! Server-side sessions. The browser holds a random id in a `__Host-` cookie; the database
//! holds its hash, who it belongs to, and when it was created and last used, so a session ends
//! after its idle time (15 minutes for patients, 30 for staff, who work through a surgery's
//! interruptions) or 12 hours at most, on whichever instance the next request lands.

use sqlx::{Acquire, Any, Executor};

use super::accounts::OnlineAccount;
use super::audit::{self, AuditKind, NewAuditEvent};
use super::tokens::SessionId;
use super::{Db, DbError};

/// A patient's session ends after this long unused.
pub const IDLE_TIMEOUT_SECONDS: i64 = 15 * 60;
/// A staff session ends after this long unused (issue #22: 30 minutes).
pub const STAFF_IDLE_TIMEOUT_SECONDS: i64 = 30 * 60;
/// Any session ends this long after sign-in, however busy.
pub const ABSOLUTE_TIMEOUT_SECONDS: i64 = 12 * 60 * 60;

/// Whose session it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Patient,
    Staff,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Staff => "staff",
        }
    }

    /// How long a session of this kind lasts unused, by default.
    pub fn idle_timeout_seconds(self) -> i64 {
        match self {
            Self::Patient => IDLE_TIMEOUT_SECONDS,
            Self::Staff => STAFF_IDLE_TIMEOUT_SECONDS,
        }
    }
}

/// How long sessions last unused on this server, and how long before the end the warning comes:
/// the defaults, or shorter times an operator sets (`RELINK_PATIENT_IDLE_SECONDS`,
/// `RELINK_STAFF_IDLE_SECONDS`, `RELINK_TIMEOUT_WARNING_SECONDS`), as the end-to-end tests of
/// the timeout warning do. Never longer idle times: the defaults are the service's promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimeouts {
    patient_idle_seconds: i64,
    staff_idle_seconds: i64,
    warning_seconds: i64,
}

/// Why session times cannot be used, naming the setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionTimeoutsError {
    #[error("{setting} must be a number of seconds from {least} to {most}")]
    OutOfRange {
        setting: &'static str,
        least: i64,
        most: i64,
    },
}

/// Two minutes' warning, as GOV.UK and HMRC services give.
pub const WARNING_SECONDS: i64 = 2 * 60;

impl Default for SessionTimeouts {
    fn default() -> Self {
        Self {
            patient_idle_seconds: IDLE_TIMEOUT_SECONDS,
            staff_idle_seconds: STAFF_IDLE_TIMEOUT_SECONDS,
            warning_seconds: WARNING_SECONDS,
        }
    }
}

impl SessionTimeouts {
    /// The least warning: WCAG 2.2.1 gives a user at least 20 seconds to answer it.
    pub const SHORTEST_WARNING_SECONDS: i64 = 20;

    /// Idle times and the warning in seconds: the warning from 20 seconds to 2 minutes, each
    /// idle time from 10 seconds more than the warning to its default.
    pub fn new(
        patient_idle_seconds: i64,
        staff_idle_seconds: i64,
        warning_seconds: i64,
    ) -> Result<Self, SessionTimeoutsError> {
        let check = |setting, value, least, most| {
            if (least..=most).contains(&value) {
                Ok(value)
            } else {
                Err(SessionTimeoutsError::OutOfRange {
                    setting,
                    least,
                    most,
                })
            }
        };
        let warning_seconds = check(
            "RELINK_TIMEOUT_WARNING_SECONDS",
            warning_seconds,
            Self::SHORTEST_WARNING_SECONDS,
            WARNING_SECONDS,
        )?;
        let least_idle = warning_seconds + 10;
        Ok(Self {
            patient_idle_seconds: check(
                "RELINK_PATIENT_IDLE_SECONDS",
                patient_idle_seconds,
                least_idle,
                IDLE_TIMEOUT_SECONDS,
            )?,
            staff_idle_seconds: check(
                "RELINK_STAFF_IDLE_SECONDS",
                staff_idle_seconds,
                least_idle,
                STAFF_IDLE_TIMEOUT_SECONDS,
            )?,
            warning_seconds,
        })
    }

    /// How long a session of `kind` lasts unused here.
    pub fn idle_seconds(self, kind: SessionKind) -> i64 {
        match kind {
            SessionKind::Patient => self.patient_idle_seconds,
            SessionKind::Staff => self.staff_idle_seconds,
        }
    }

    /// How long before a session ends the warning shows.
    pub fn warning_seconds(self) -> i64 {
        self.warning_seconds
    }
}

/// Starts a session for `subject` (an online account id for patients) and returns the id to
/// put in the cookie. A fresh id at every sign-in: an id planted before sign-in is worthless.
pub async fn create<'e>(
    exec: impl Executor<'e, Database = Any>,
    kind: SessionKind,
    subject: &str,
    now: i64,
) -> Result<SessionId, DbError> {
    let id = SessionId::generate();
    sqlx::query("INSERT INTO sessions (id_hash, kind, subject, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(id.digest())
        .bind(kind.code())
        .bind(subject)
        .bind(now)
        .execute(exec)
        .await?;
    Ok(id)
}

/// Starts a session at sign-in, in one transaction: the session id the browser brought (if
/// any) is ended and a new one issued, so an id planted before sign-in is worth nothing after.
pub async fn rotate<'c>(
    conn: impl Acquire<'c, Database = Any>,
    kind: SessionKind,
    old: Option<&SessionId>,
    subject: &str,
    now: i64,
) -> Result<SessionId, DbError> {
    let mut tx = conn.begin().await?;
    if let Some(old) = old {
        end(&mut *tx, old).await?;
    }
    let id = create(&mut *tx, kind, subject, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The subject of a live session, marking it used now. `None` when unknown or timed out
/// (after the default idle time: see [`resume_within`]).
pub async fn resume<'e>(
    exec: impl Executor<'e, Database = Any>,
    kind: SessionKind,
    id: &SessionId,
    now: i64,
) -> Result<Option<String>, DbError> {
    resume_within(exec, kind, SessionTimeouts::default(), id, now).await
}

/// [`resume`] with this server's session times: the subject of a session used within its
/// idle time (and started within the absolute one), marking it used now.
pub async fn resume_within<'e>(
    exec: impl Executor<'e, Database = Any>,
    kind: SessionKind,
    timeouts: SessionTimeouts,
    id: &SessionId,
    now: i64,
) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar::<_, String>(
        "UPDATE sessions SET last_seen_at = $1
         WHERE id_hash = $2 AND kind = $3 AND last_seen_at > $4 AND created_at > $5
         RETURNING subject",
    )
    .bind(now)
    .bind(id.digest())
    .bind(kind.code())
    .bind(now - timeouts.idle_seconds(kind))
    .bind(now - ABSOLUTE_TIMEOUT_SECONDS)
    .fetch_optional(exec)
    .await?)
}

/// Whose session this was, live or not, as long as it is still on record (a session that
/// timed out is; one signed out is not): so what its member typed as it ended is kept for
/// them alone. Marks nothing used.
pub async fn subject_on_record<'e>(
    exec: impl Executor<'e, Database = Any>,
    kind: SessionKind,
    id: &SessionId,
) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT subject FROM sessions WHERE id_hash = $1 AND kind = $2",
    )
    .bind(id.digest())
    .bind(kind.code())
    .fetch_optional(exec)
    .await?)
}

/// Ends the session (sign out).
pub async fn end<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &SessionId,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id.digest())
        .execute(exec)
        .await?;
    Ok(())
}

/// Ends every session of `subject` (sign out everywhere), on every device and instance, and
/// returns how many were ended. Used whenever the credentials that protected those sessions
/// change (a passphrase reset, a PIN document reissued, an account replaced) and when the
/// patient asks to sign out of all devices; pass the change's transaction, so the sessions end
/// exactly when the change commits.
pub async fn end_all_for<'e>(
    exec: impl Executor<'e, Database = Any>,
    kind: SessionKind,
    subject: &str,
) -> Result<u64, DbError> {
    let ended = sqlx::query("DELETE FROM sessions WHERE kind = $1 AND subject = $2")
        .bind(kind.code())
        .bind(subject)
        .execute(exec)
        .await?;
    Ok(ended.rows_affected())
}

/// "Sign out of all devices": in one transaction, ends every session of the patient's
/// account (the one asking included) and audits it. Returns how many sessions ended.
pub async fn sign_out_everywhere(
    db: &Db,
    account: &OnlineAccount,
    now: i64,
) -> Result<u64, DbError> {
    let mut tx = db.pool().begin().await?;
    let ended = end_all_for(&mut *tx, SessionKind::Patient, &account.id).await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::SignedOutEverywhere,
            actor: "patient",
            practice_ods: Some(account.practice_ods.as_str()),
            patient_id: Some(&account.patient_id),
            detail: &format!("signed out of all devices: {ended} session(s) ended"),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;

    #[test]
    fn session_times_may_be_shorter_than_the_defaults_never_longer() {
        let short = SessionTimeouts::new(30, 40, 20).unwrap();
        assert_eq!(short.idle_seconds(SessionKind::Patient), 30);
        assert_eq!(short.idle_seconds(SessionKind::Staff), 40);
        assert_eq!(short.warning_seconds(), 20);
        assert_eq!(
            SessionTimeouts::new(
                IDLE_TIMEOUT_SECONDS,
                STAFF_IDLE_TIMEOUT_SECONDS,
                WARNING_SECONDS
            ),
            Ok(SessionTimeouts::default())
        );
        let refused =
            |patient, staff, warning| SessionTimeouts::new(patient, staff, warning).unwrap_err();
        let SessionTimeoutsError::OutOfRange { setting, .. } =
            refused(IDLE_TIMEOUT_SECONDS + 1, 60, 20);
        assert_eq!(setting, "RELINK_PATIENT_IDLE_SECONDS");
        let SessionTimeoutsError::OutOfRange { setting, .. } =
            refused(60, STAFF_IDLE_TIMEOUT_SECONDS + 1, 20);
        assert_eq!(setting, "RELINK_STAFF_IDLE_SECONDS");
        // Less than 20 seconds to answer, more than two minutes, or no time before it.
        for warning in [19, WARNING_SECONDS + 1] {
            let SessionTimeoutsError::OutOfRange { setting, .. } = refused(600, 600, warning);
            assert_eq!(setting, "RELINK_TIMEOUT_WARNING_SECONDS");
        }
        let SessionTimeoutsError::OutOfRange { setting, least, .. } = refused(29, 600, 20);
        assert_eq!((setting, least), ("RELINK_PATIENT_IDLE_SECONDS", 30));
    }

    #[tokio::test]
    async fn a_shorter_idle_time_ends_sessions_sooner() {
        each_backend(|db| async move {
            let short = SessionTimeouts::new(30, 30, 20).unwrap();
            for kind in [SessionKind::Patient, SessionKind::Staff] {
                let id = create(db.pool(), kind, "someone", 1_000).await.unwrap();
                let kept = resume_within(db.pool(), kind, short, &id, 1_029)
                    .await
                    .unwrap();
                assert_eq!(kept.as_deref(), Some("someone"));
                assert_eq!(
                    resume_within(db.pool(), kind, short, &id, 1_059)
                        .await
                        .unwrap(),
                    None
                );
            }
        })
        .await;
    }

    #[tokio::test]
    async fn rotating_ends_the_id_the_browser_brought_and_issues_a_new_one() {
        each_backend(|db| async move {
            let kind = SessionKind::Patient;
            let planted = create(db.pool(), kind, "acc-1", 0).await.unwrap();
            let fresh = rotate(db.pool(), kind, Some(&planted), "acc-1", 10)
                .await
                .unwrap();
            assert_ne!(fresh, planted);
            assert_eq!(resume(db.pool(), kind, &planted, 20).await.unwrap(), None);
            assert_eq!(
                resume(db.pool(), kind, &fresh, 20)
                    .await
                    .unwrap()
                    .as_deref(),
                Some("acc-1")
            );
            let first = rotate(db.pool(), kind, None, "acc-2", 30).await.unwrap();
            assert_eq!(
                resume(db.pool(), kind, &first, 40)
                    .await
                    .unwrap()
                    .as_deref(),
                Some("acc-2")
            );
        })
        .await;
    }

    #[tokio::test]
    async fn sessions_end_after_idle_or_absolute_timeouts_and_on_sign_out() {
        each_backend(|db| async move {
            let id = create(db.pool(), SessionKind::Patient, "acc-1", 0)
                .await
                .unwrap();
            assert_eq!(
                resume(db.pool(), SessionKind::Patient, &id, 60)
                    .await
                    .unwrap()
                    .as_deref(),
                Some("acc-1")
            );
            assert_eq!(
                resume(db.pool(), SessionKind::Staff, &id, 61)
                    .await
                    .unwrap(),
                None,
                "kinds are separate"
            );
            // Each use pushes the idle timeout on...
            let mut t = 60;
            while t + IDLE_TIMEOUT_SECONDS - 1 < ABSOLUTE_TIMEOUT_SECONDS {
                t += IDLE_TIMEOUT_SECONDS - 1;
                assert!(
                    resume(db.pool(), SessionKind::Patient, &id, t)
                        .await
                        .unwrap()
                        .is_some(),
                    "at {t}"
                );
            }
            // ...but never past 12 hours.
            assert_eq!(
                resume(
                    db.pool(),
                    SessionKind::Patient,
                    &id,
                    ABSOLUTE_TIMEOUT_SECONDS
                )
                .await
                .unwrap(),
                None
            );

            let idle = create(db.pool(), SessionKind::Patient, "acc-2", 1_000)
                .await
                .unwrap();
            assert_eq!(
                resume(
                    db.pool(),
                    SessionKind::Patient,
                    &idle,
                    1_000 + IDLE_TIMEOUT_SECONDS
                )
                .await
                .unwrap(),
                None
            );

            // A staff session outlives a patient's idle time, up to its own 30 minutes.
            let staff = create(db.pool(), SessionKind::Staff, "staff.one", 1_000)
                .await
                .unwrap();
            let later = 1_000 + IDLE_TIMEOUT_SECONDS + 60;
            assert_eq!(
                resume(db.pool(), SessionKind::Staff, &staff, later)
                    .await
                    .unwrap()
                    .as_deref(),
                Some("staff.one")
            );
            assert_eq!(
                resume(
                    db.pool(),
                    SessionKind::Staff,
                    &staff,
                    later + STAFF_IDLE_TIMEOUT_SECONDS
                )
                .await
                .unwrap(),
                None
            );

            let signed_out = create(db.pool(), SessionKind::Patient, "acc-3", 2_000)
                .await
                .unwrap();
            end(db.pool(), &signed_out).await.unwrap();
            assert_eq!(
                resume(db.pool(), SessionKind::Patient, &signed_out, 2_001)
                    .await
                    .unwrap(),
                None
            );
        })
        .await;
    }

    #[tokio::test]
    async fn ending_all_sessions_of_a_subject_leaves_everyone_else_signed_in() {
        each_backend(|db| async move {
            let patient = SessionKind::Patient;
            let phone = create(db.pool(), patient, "acc-1", 0).await.unwrap();
            let laptop = create(db.pool(), patient, "acc-1", 5).await.unwrap();
            let someone_else = create(db.pool(), patient, "acc-2", 5).await.unwrap();
            // A staff member whose username happens to equal the subject is another kind.
            let staff = create(db.pool(), SessionKind::Staff, "acc-1", 5)
                .await
                .unwrap();

            let mut tx = db.pool().begin().await.unwrap();
            assert_eq!(end_all_for(&mut *tx, patient, "acc-1").await.unwrap(), 2);
            tx.rollback().await.unwrap();
            assert!(
                resume(db.pool(), patient, &phone, 10)
                    .await
                    .unwrap()
                    .is_some(),
                "a rolled-back change ends nothing"
            );

            assert_eq!(end_all_for(db.pool(), patient, "acc-1").await.unwrap(), 2);
            for ended in [&phone, &laptop] {
                assert_eq!(resume(db.pool(), patient, ended, 11).await.unwrap(), None);
            }
            assert_eq!(
                resume(db.pool(), patient, &someone_else, 11)
                    .await
                    .unwrap()
                    .as_deref(),
                Some("acc-2")
            );
            assert!(resume(db.pool(), SessionKind::Staff, &staff, 11)
                .await
                .unwrap()
                .is_some());
            assert_eq!(end_all_for(db.pool(), patient, "acc-1").await.unwrap(), 0);
        })
        .await;
    }
}
