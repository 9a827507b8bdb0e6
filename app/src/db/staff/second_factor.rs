//! A local staff member's way from a right password to a session: the sign-in step the browser
//! holds a token for, a first password that must be changed, the authenticator being set up
//! (its secret waits on the step until a code from it is confirmed), the codes at every sign-in
//! (no step's code works twice), and the single-use recovery codes (SHA-256 only).

use sqlx::{Any, Executor};

use super::{commit_audited, end_sessions, StaffChange};
use crate::db::audit::AuditKind;
use crate::db::tokens::StaffSignInToken;
use crate::db::DbError;
use crate::domain::second_factor::TotpSecret;
use crate::domain::{StaffUsername, StepWindow};

/// How long a member has from the right password to the last step of signing in.
pub const SIGN_IN_STEP_LIFETIME_SECONDS: i64 = 10 * 60;

/// What a member who gave the right password must do next, decided from their account as it
/// is now (never stored, so a reset by an administrator takes effect at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStage {
    /// Their password is a first or reset one: they choose their own before anything else.
    ChangePassword,
    /// No authenticator yet: they set one up (the secret being set up, once one is made).
    SetUpAuthenticator { pending: Option<TotpSecret> },
    /// A code from their authenticator, or a recovery code.
    EnterCode,
    /// Every step done: the session starts.
    Finished,
}

/// A live sign-in step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInStep {
    pub username: StaffUsername,
    /// The staff page to go on to once signed in (checked when the step began), or empty.
    pub next: String,
    pub stage: SignInStage,
    /// When the step began and when it ends.
    pub window: StepWindow,
}

/// Starts a sign-in step for a member whose password was right.
pub async fn begin_sign_in_step<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StaffSignInToken,
    username: &StaffUsername,
    next: &str,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO staff_sign_in_steps (token_hash, username, next_path, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.digest())
    .bind(username.as_str())
    .bind(next)
    .bind(now)
    .bind(now + SIGN_IN_STEP_LIFETIME_SECONDS)
    .execute(exec)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct StepRow {
    username: String,
    next_path: String,
    pending_secret: Option<String>,
    second_factor_done: i64,
    must_change_password: i64,
    totp_secret: Option<String>,
    created_at: i64,
    expires_at: i64,
}

/// The step this token holds, if it is live and its member may still sign in (not disabled).
pub async fn sign_in_step<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StaffSignInToken,
    now: i64,
) -> Result<Option<SignInStep>, DbError> {
    let row: Option<StepRow> = sqlx::query_as(
        "SELECT s.username, s.next_path, s.pending_secret, s.second_factor_done,
                m.must_change_password, m.totp_secret, s.created_at, s.expires_at
         FROM staff_sign_in_steps s JOIN staff_members m ON m.username = s.username
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND m.disabled_at IS NULL",
    )
    .bind(token.digest())
    .bind(now)
    .fetch_optional(exec)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let username = StaffUsername::parse(&row.username)
        .map_err(|_| DbError::Corrupt(format!("username {:?}", row.username)))?;
    let secret = |text: &str| {
        TotpSecret::parse_base32(text).map_err(|_| DbError::Corrupt("a TOTP secret".into()))
    };
    // A member with an authenticator proves it first, so a one-time password someone else
    // read (a reset) cannot be changed by them; a first password is changed before an
    // authenticator is set up.
    let enrolled = row.totp_secret.is_some();
    let stage = if enrolled && row.second_factor_done == 0 {
        SignInStage::EnterCode
    } else if row.must_change_password != 0 {
        SignInStage::ChangePassword
    } else if !enrolled {
        SignInStage::SetUpAuthenticator {
            pending: row.pending_secret.as_deref().map(secret).transpose()?,
        }
    } else {
        SignInStage::Finished
    };
    Ok(Some(SignInStep {
        username,
        next: row.next_path,
        stage,
        window: StepWindow {
            started_at: row.created_at,
            lifetime_seconds: SIGN_IN_STEP_LIFETIME_SECONDS,
            expires_at: row.expires_at,
        },
    }))
}

/// Gives a live sign-in step until `new_end` (see [`StepWindow::more_time`]). Returns whether
/// it did.
pub async fn extend_sign_in_step<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StaffSignInToken,
    new_end: i64,
    now: i64,
) -> Result<bool, DbError> {
    let result = sqlx::query(
        "UPDATE staff_sign_in_steps SET expires_at = $1
         WHERE token_hash = $2 AND expires_at > $3 AND expires_at < $1",
    )
    .bind(new_end)
    .bind(token.digest())
    .bind(now)
    .execute(exec)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Keeps the secret of the authenticator being set up on the step, until a code confirms it.
pub async fn set_pending_secret<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StaffSignInToken,
    secret: &TotpSecret,
) -> Result<(), DbError> {
    sqlx::query("UPDATE staff_sign_in_steps SET pending_secret = $1 WHERE token_hash = $2")
        .bind(secret.base32())
        .bind(token.digest())
        .execute(exec)
        .await?;
    Ok(())
}

/// Notes on the step that the member's code (or a recovery code) was right.
pub async fn pass_second_factor<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StaffSignInToken,
) -> Result<(), DbError> {
    sqlx::query("UPDATE staff_sign_in_steps SET second_factor_done = 1 WHERE token_hash = $1")
        .bind(token.digest())
        .execute(exec)
        .await?;
    Ok(())
}

/// Ends a step: the member is signed in, or must start again.
pub async fn end_sign_in_step<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StaffSignInToken,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM staff_sign_in_steps WHERE token_hash = $1")
        .bind(token.digest())
        .execute(exec)
        .await?;
    Ok(())
}

/// The member's authenticator secret, if they have one (and are not disabled).
pub async fn authenticator<'e>(
    exec: impl Executor<'e, Database = Any>,
    username: &StaffUsername,
) -> Result<Option<TotpSecret>, DbError> {
    let secret: Option<Option<String>> = sqlx::query_scalar(
        "SELECT totp_secret FROM staff_members WHERE username = $1 AND disabled_at IS NULL",
    )
    .bind(username.as_str())
    .fetch_optional(exec)
    .await?;
    secret
        .flatten()
        .map(|text| {
            TotpSecret::parse_base32(&text).map_err(|_| DbError::Corrupt("a TOTP secret".into()))
        })
        .transpose()
}

/// Replaces a first (or reset) password with the member's own, in one transaction: audited.
pub async fn change_password(
    db: &crate::db::Db,
    username: &StaffUsername,
    password_hash: &str,
    now: i64,
) -> Result<(), DbError> {
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "UPDATE staff_members SET password_hash = $1, must_change_password = 0 WHERE username = $2",
    )
    .bind(password_hash)
    .bind(username.as_str())
    .execute(&mut *tx)
    .await?;
    let detail = format!("Staff member {username} chose a new password");
    commit_audited(
        tx,
        AuditKind::StaffPasswordChanged,
        username.as_str(),
        &detail,
        now,
    )
    .await
}

/// Sets the member's authenticator (confirmed by a code of `step`, which then cannot be used
/// again) and their recovery codes (SHA-256 each), replacing any old ones, and ends the step:
/// one transaction, audited. `false` when they already have one (set up in another tab).
pub async fn enrol(
    db: &crate::db::Db,
    token: &StaffSignInToken,
    username: &StaffUsername,
    secret: &TotpSecret,
    step: u64,
    recovery_code_hashes: &[String],
    now: i64,
) -> Result<bool, DbError> {
    let mut tx = db.pool().begin().await?;
    let set = sqlx::query(
        "UPDATE staff_members SET totp_secret = $1, totp_last_step = $2
         WHERE username = $3 AND totp_secret IS NULL",
    )
    .bind(secret.base32())
    .bind(step_value(step))
    .bind(username.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if set == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("DELETE FROM staff_recovery_codes WHERE username = $1")
        .bind(username.as_str())
        .execute(&mut *tx)
        .await?;
    for hash in recovery_code_hashes {
        sqlx::query("INSERT INTO staff_recovery_codes (username, code_hash) VALUES ($1, $2)")
            .bind(username.as_str())
            .bind(hash)
            .execute(&mut *tx)
            .await?;
    }
    end_sign_in_step(&mut *tx, token).await?;
    let detail = format!(
        "Staff member {username} set up an authenticator app; {} recovery codes issued",
        recovery_code_hashes.len()
    );
    commit_audited(
        tx,
        AuditKind::StaffSecondFactorEnrolled,
        username.as_str(),
        &detail,
        now,
    )
    .await?;
    Ok(true)
}

/// Steps are Unix time / 30: far inside an i64.
fn step_value(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}

/// Takes the code of this step as used, if no code of it or of a later step was used before:
/// one conditional update, so of two sign-ins with one code only one gets through.
pub async fn use_authenticator_step<'e>(
    exec: impl Executor<'e, Database = Any>,
    username: &StaffUsername,
    step: u64,
) -> Result<bool, DbError> {
    let used = sqlx::query(
        "UPDATE staff_members SET totp_last_step = $1
         WHERE username = $2 AND totp_secret IS NOT NULL
           AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step_value(step))
    .bind(username.as_str())
    .execute(exec)
    .await?
    .rows_affected();
    Ok(used == 1)
}

/// Uses up one of the member's recovery codes, if this is one not used before; returns how
/// many they have left. Audited, in one transaction.
pub async fn use_recovery_code(
    db: &crate::db::Db,
    username: &StaffUsername,
    code_hash: &str,
    now: i64,
) -> Result<Option<i64>, DbError> {
    let mut tx = db.pool().begin().await?;
    let used = sqlx::query(
        "UPDATE staff_recovery_codes SET used_at = $1
         WHERE username = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(username.as_str())
    .bind(code_hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if used == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_recovery_codes WHERE username = $1 AND used_at IS NULL",
    )
    .bind(username.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let detail = format!("Staff member {username} used a recovery code; {left} left");
    commit_audited(
        tx,
        AuditKind::StaffRecoveryCodeUsed,
        username.as_str(),
        &detail,
        now,
    )
    .await?;
    Ok(Some(left))
}

/// Removes a member's authenticator and recovery codes (a lost phone): they set up a new one
/// at their next sign-in, after their password. Ends their sessions and sign-in steps, in one
/// transaction; audited.
pub async fn reset_second_factor(
    db: &crate::db::Db,
    username: &StaffUsername,
    actor: &str,
    now: i64,
) -> Result<StaffChange, DbError> {
    let mut tx = db.pool().begin().await?;
    let changed = sqlx::query(
        "UPDATE staff_members SET totp_secret = NULL, totp_last_step = NULL WHERE username = $1",
    )
    .bind(username.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Ok(StaffChange::NoSuchMember);
    }
    sqlx::query("DELETE FROM staff_recovery_codes WHERE username = $1")
        .bind(username.as_str())
        .execute(&mut *tx)
        .await?;
    end_sign_in_steps(&mut *tx, username).await?;
    let sessions_ended = end_sessions(&mut tx, username).await?;
    let detail = format!(
        "Authenticator and recovery codes of {username} removed: {sessions_ended} session(s) ended"
    );
    commit_audited(tx, AuditKind::StaffSecondFactorReset, actor, &detail, now).await?;
    Ok(StaffChange::Changed { sessions_ended })
}

/// Ends every sign-in step of the member (their password or authenticator changed, or they
/// were disabled): a half-finished sign-in cannot be finished after it.
pub(super) async fn end_sign_in_steps<'e>(
    exec: impl Executor<'e, Database = Any>,
    username: &StaffUsername,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM staff_sign_in_steps WHERE username = $1")
        .bind(username.as_str())
        .execute(exec)
        .await?;
    Ok(())
}

/// Gives a member a known password and authenticator, ready to sign in with no first-time
/// steps: the demo's staff (their secret is on `/demo`) and tests only.
pub async fn set_known_credentials<'e>(
    exec: impl Executor<'e, Database = Any>,
    username: &StaffUsername,
    password_hash: &str,
    secret: &TotpSecret,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE staff_members
         SET password_hash = $1, must_change_password = 0, totp_secret = $2, totp_last_step = NULL
         WHERE username = $3",
    )
    .bind(password_hash)
    .bind(secret.base32())
    .bind(username.as_str())
    .execute(exec)
    .await?;
    Ok(())
}
