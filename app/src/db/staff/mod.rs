//! Staff members, the practices they work for, their previews of test patients, and the
//! practice-scoped reads behind "what needs your attention". Every read that lists patients
//! or events takes the practices the signed-in member may see and filters by them in SQL.

use sqlx::{Any, Executor, Transaction};

mod listings;
mod previews;
mod provider;
mod second_factor;

pub use listings::*;
pub use previews::*;
pub use provider::*;
pub use second_factor::*;

use super::audit::{self, AuditKind, NewAuditEvent};
use super::practices::{self, Practice};
use super::DbError;
use crate::domain::{OdsCode, StaffUsername};

/// A staff member as the staff area needs them: who, and where they may look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub username: StaffUsername,
    pub is_admin: bool,
    /// The practices they work for. Administrators may see every practice.
    pub practices: Vec<OdsCode>,
}

impl StaffMember {
    /// Whether this member may see and change the patients of the practice.
    pub fn may_see(&self, ods: &OdsCode) -> bool {
        self.is_admin || self.practices.contains(ods)
    }
}

/// Why a staff member could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddStaffError {
    #[error("a staff member called {0} already exists")]
    Exists(String),
    #[error("there is no practice with the ODS code {0}")]
    NoSuchPractice(String),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// Adds a member and their practices in one transaction. The password given is a first one:
/// they must choose their own at their first sign-in (and set up an authenticator).
pub async fn add(
    db: &super::Db,
    username: &StaffUsername,
    password_hash: &str,
    is_admin: bool,
    practices: &[OdsCode],
    now: i64,
) -> Result<(), AddStaffError> {
    let mut tx = db.pool().begin().await.map_err(DbError::from)?;
    let inserted = sqlx::query(
        "INSERT INTO staff_members (username, password_hash, is_admin, created_at, must_change_password)
         VALUES ($1, $2, $3, $4, 1) ON CONFLICT (username) DO NOTHING",
    )
    .bind(username.as_str())
    .bind(password_hash)
    .bind(i64::from(is_admin))
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(DbError::from)?
    .rows_affected();
    if inserted == 0 {
        return Err(AddStaffError::Exists(username.to_string()));
    }
    for ods in practices {
        if super::practices::find(&mut *tx, ods).await?.is_none() {
            return Err(AddStaffError::NoSuchPractice(ods.to_string()));
        }
        sqlx::query("INSERT INTO staff_practices (username, practice_ods) VALUES ($1, $2)")
            .bind(username.as_str())
            .bind(ods.as_str())
            .execute(&mut *tx)
            .await
            .map_err(DbError::from)?;
    }
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::StaffAdded,
            actor: "system",
            practice_ods: practices.first().map(OdsCode::as_str),
            patient_id: None,
            detail: &format!("Staff member {username} added"),
        },
        now,
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Sets the password (demo seeding: the demo passwords are known).
pub async fn set_password_hash<'e>(
    exec: impl Executor<'e, Database = Any>,
    username: &StaffUsername,
    password_hash: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE staff_members SET password_hash = $1 WHERE username = $2")
        .bind(password_hash)
        .bind(username.as_str())
        .execute(exec)
        .await?;
    Ok(())
}

/// The member's stored Argon2id PHC string, for sign-in verification only; none for a
/// disabled member, or one who signs in with the identity provider, who is then refused like an
/// unknown username.
pub async fn password_hash<'e>(
    exec: impl Executor<'e, Database = Any>,
    username: &StaffUsername,
) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT password_hash FROM staff_members
         WHERE username = $1 AND disabled_at IS NULL AND provider_subject IS NULL",
    )
    .bind(username.as_str())
    .fetch_optional(exec)
    .await?)
}

/// A member as `relink staff list` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffListing {
    pub username: String,
    pub is_admin: bool,
    /// ODS codes, in order.
    pub practices: Vec<String>,
    /// When they were disabled, if they are.
    pub disabled_at: Option<i64>,
    /// Whether they have set up an authenticator app.
    pub has_authenticator: bool,
    /// Whether they sign in with the identity provider (CIS2), not a local password.
    pub signs_in_with_provider: bool,
}

/// Every member, by username.
pub async fn list(db: &super::Db) -> Result<Vec<StaffListing>, DbError> {
    let members: Vec<(String, i64, Option<i64>, i64, i64)> = sqlx::query_as(
        "SELECT username, is_admin, disabled_at,
                CAST(CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END AS BIGINT),
                CAST(CASE WHEN provider_subject IS NULL THEN 0 ELSE 1 END AS BIGINT)
         FROM staff_members ORDER BY username",
    )
    .fetch_all(db.pool())
    .await?;
    let links: Vec<(String, String)> = sqlx::query_as(
        "SELECT username, practice_ods FROM staff_practices ORDER BY username, practice_ods",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(members
        .into_iter()
        .map(
            |(username, is_admin, disabled_at, authenticator, provider)| StaffListing {
                practices: links
                    .iter()
                    .filter(|(member, _)| *member == username)
                    .map(|(_, ods)| ods.clone())
                    .collect(),
                username,
                is_admin: is_admin != 0,
                disabled_at,
                has_authenticator: authenticator != 0,
                signs_in_with_provider: provider != 0,
            },
        )
        .collect())
}

/// What a change to a member's account did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffChange {
    NoSuchMember,
    /// Already as asked (disabling a disabled member, enabling an enabled one): nothing written.
    Unchanged,
    Changed {
        /// The member's sessions ended by the change, on every device and instance.
        sessions_ended: u64,
    },
}

/// Disables a member (they left, or must be stopped now) or enables them again, in one
/// transaction: disabling ends every session they hold at once. Audited.
pub async fn set_disabled(
    db: &super::Db,
    username: &StaffUsername,
    disabled: bool,
    actor: &str,
    now: i64,
) -> Result<StaffChange, DbError> {
    let mut tx = db.pool().begin().await?;
    // Writes first (SQLite takes its write lock here), then reads.
    let changed = if disabled {
        sqlx::query(
            "UPDATE staff_members SET disabled_at = $1 WHERE username = $2 AND disabled_at IS NULL",
        )
        .bind(now)
        .bind(username.as_str())
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query(
            "UPDATE staff_members SET disabled_at = NULL WHERE username = $1 AND disabled_at IS NOT NULL",
        )
        .bind(username.as_str())
        .execute(&mut *tx)
        .await?
    }
    .rows_affected();
    if changed == 0 {
        let exists: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM staff_members WHERE username = $1")
                .bind(username.as_str())
                .fetch_one(&mut *tx)
                .await?;
        tx.rollback().await?;
        return Ok(if exists == 0 {
            StaffChange::NoSuchMember
        } else {
            StaffChange::Unchanged
        });
    }
    let sessions_ended = if disabled {
        end_sign_in_steps(&mut *tx, username).await?;
        end_sessions(&mut tx, username).await?
    } else {
        0
    };
    let (kind, detail) = if disabled {
        (
            AuditKind::StaffDisabled,
            format!("Staff member {username} disabled: {sessions_ended} session(s) ended"),
        )
    } else {
        (
            AuditKind::StaffEnabled,
            format!("Staff member {username} enabled again"),
        )
    };
    commit_audited(tx, kind, actor, &detail, now).await?;
    Ok(StaffChange::Changed { sessions_ended })
}

/// Replaces a member's password with a new one-time one (its hash given), in one transaction
/// that ends every session and sign-in step they hold: whoever had the old password is signed
/// out. They must choose their own at their next sign-in. Audited.
pub async fn reset_password(
    db: &super::Db,
    username: &StaffUsername,
    password_hash: &str,
    actor: &str,
    now: i64,
) -> Result<StaffChange, DbError> {
    let mut tx = db.pool().begin().await?;
    let changed = sqlx::query(
        "UPDATE staff_members SET password_hash = $1, must_change_password = 1 WHERE username = $2",
    )
    .bind(password_hash)
    .bind(username.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Ok(StaffChange::NoSuchMember);
    }
    end_sign_in_steps(&mut *tx, username).await?;
    let sessions_ended = end_sessions(&mut tx, username).await?;
    let detail = format!("Password of {username} reset: {sessions_ended} session(s) ended");
    commit_audited(tx, AuditKind::StaffPasswordReset, actor, &detail, now).await?;
    Ok(StaffChange::Changed { sessions_ended })
}

/// Ends every session the member holds, in the change's transaction.
async fn end_sessions(
    tx: &mut Transaction<'_, Any>,
    username: &StaffUsername,
) -> Result<u64, DbError> {
    super::sessions::end_all_for(
        &mut **tx,
        super::sessions::SessionKind::Staff,
        username.as_str(),
    )
    .await
}

/// Audits a change to a member's account (an event of no practice: administrators see it) and
/// commits the change with it.
async fn commit_audited(
    mut tx: Transaction<'_, Any>,
    kind: AuditKind,
    actor: &str,
    detail: &str,
    now: i64,
) -> Result<(), DbError> {
    let event = NewAuditEvent {
        kind,
        actor,
        practice_ods: None,
        patient_id: None,
        detail,
    };
    audit::record(&mut *tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The member with this username and the practices they work for, if there is one: who a
/// live staff session belongs to.
pub async fn find(db: &super::Db, username: &str) -> Result<Option<StaffMember>, DbError> {
    let Some(is_admin) = sqlx::query_scalar::<_, i64>(
        "SELECT is_admin FROM staff_members WHERE username = $1 AND disabled_at IS NULL",
    )
    .bind(username)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT practice_ods FROM staff_practices WHERE username = $1 ORDER BY practice_ods",
    )
    .bind(username)
    .fetch_all(db.pool())
    .await?;
    let practices = codes
        .iter()
        .map(|c| OdsCode::parse(c).map_err(|_| DbError::Corrupt(format!("ODS code {c:?}"))))
        .collect::<Result<_, _>>()?;
    let username = StaffUsername::parse(username)
        .map_err(|_| DbError::Corrupt(format!("username {username:?}")))?;
    Ok(Some(StaffMember {
        username,
        is_admin: is_admin != 0,
        practices,
    }))
}

/// The practices the member may see, with their names, in ODS code order: every practice for
/// an administrator. A code that names no practice (or is not a valid one) is left out.
pub async fn practices_of(db: &super::Db, member: &StaffMember) -> Result<Vec<Practice>, DbError> {
    let codes: Vec<OdsCode> = if member.is_admin {
        practices::all_ods_codes(db.pool())
            .await?
            .iter()
            .filter_map(|code| OdsCode::parse(code).ok())
            .collect()
    } else {
        member.practices.clone()
    };
    let mut out = Vec::new();
    for ods in &codes {
        if let Some(practice) = practices::find(db.pool(), ods).await? {
            out.push(practice);
        }
    }
    Ok(out)
}

/// `practice_ods IN (...)` for the member's practices, with placeholders from `$first`, or no
/// filter for an administrator. An empty list matches nothing.
pub(super) fn practice_filter(
    member: &StaffMember,
    column: &str,
    first: usize,
) -> (String, Vec<String>) {
    if member.is_admin {
        return ("1 = 1".to_owned(), Vec::new());
    }
    if member.practices.is_empty() {
        return ("1 = 0".to_owned(), Vec::new());
    }
    let placeholders: Vec<String> = (0..member.practices.len())
        .map(|i| format!("${}", first + i))
        .collect();
    let codes = member.practices.iter().map(|p| p.to_string()).collect();
    (format!("{column} IN ({})", placeholders.join(", ")), codes)
}
