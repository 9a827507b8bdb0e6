//! Step tokens: after a patient matches a PIN document, a random token (kept by the browser in
//! a cookie) lets them set a new passphrase for that document only, once, within 10 minutes.
//! Only its SHA-256 is stored, so a copy of the database does not let anyone finish a reset.

use sqlx::{Any, Executor};

use super::DbError;
use crate::domain::StepWindow;

/// How long a step token stays valid.
pub const STEP_TOKEN_LIFETIME_SECONDS: i64 = 10 * 60;

pub use super::tokens::StepToken;

/// Where a presented token stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepTokenState {
    /// Valid: the PIN document it was issued for, and the step's time window.
    Valid {
        pin_document_id: String,
        window: StepWindow,
    },
    /// Already used to finish a reset, at this time.
    Used {
        pin_document_id: String,
        used_at: i64,
    },
    /// Unknown or expired.
    Invalid,
}

pub async fn issue<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StepToken,
    pin_document_id: &str,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO step_tokens (token_hash, pin_document_id, expires_at, created_at) VALUES ($1, $2, $3, $4)")
        .bind(token.digest())
        .bind(pin_document_id)
        .bind(now + STEP_TOKEN_LIFETIME_SECONDS)
        .bind(now)
        .execute(exec)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct StepTokenRow {
    pin_document_id: String,
    expires_at: i64,
    created_at: i64,
    used_at: Option<i64>,
}

pub async fn state<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StepToken,
    now: i64,
) -> Result<StepTokenState, DbError> {
    let row = sqlx::query_as::<_, StepTokenRow>(
        "SELECT pin_document_id, expires_at, created_at, used_at FROM step_tokens WHERE token_hash = $1",
    )
    .bind(token.digest())
    .fetch_optional(exec)
    .await?;
    Ok(match row {
        Some(StepTokenRow {
            pin_document_id,
            used_at: Some(used_at),
            ..
        }) => StepTokenState::Used {
            pin_document_id,
            used_at,
        },
        Some(StepTokenRow {
            pin_document_id,
            expires_at,
            created_at,
            used_at: None,
        }) if expires_at > now => StepTokenState::Valid {
            pin_document_id,
            window: StepWindow {
                started_at: created_at,
                lifetime_seconds: STEP_TOKEN_LIFETIME_SECONDS,
                expires_at,
            },
        },
        _ => StepTokenState::Invalid,
    })
}

/// Issues a token whose step finishes a pending replacement request instead of a reset: the
/// PIN document matched at `/replace-account/activate` activates the request.
pub async fn issue_for_replacement<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StepToken,
    pin_document_id: &str,
    replacement_request_id: &str,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO step_tokens (token_hash, pin_document_id, expires_at, created_at, replacement_request_id)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.digest())
    .bind(pin_document_id)
    .bind(now + STEP_TOKEN_LIFETIME_SECONDS)
    .bind(now)
    .bind(replacement_request_id)
    .execute(exec)
    .await?;
    Ok(())
}

/// The replacement request a token's step activates, if it was issued for one.
pub async fn replacement_request<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StepToken,
) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar::<_, Option<String>>(
        "SELECT replacement_request_id FROM step_tokens WHERE token_hash = $1",
    )
    .bind(token.digest())
    .fetch_optional(exec)
    .await?
    .flatten())
}

/// Uses the token up if it is still valid. Returns whether this call consumed it.
pub async fn consume<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StepToken,
    now: i64,
) -> Result<bool, DbError> {
    let result = sqlx::query("UPDATE step_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(token.digest())
        .execute(exec)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Gives an unused, unexpired token's step until `new_end` (see [`StepWindow::more_time`]).
/// Returns whether it did: a token used or run out in the meantime keeps its end.
pub async fn extend<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StepToken,
    new_end: i64,
    now: i64,
) -> Result<bool, DbError> {
    let result = sqlx::query(
        "UPDATE step_tokens SET expires_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 AND expires_at < $1",
    )
    .bind(new_end)
    .bind(token.digest())
    .bind(now)
    .execute(exec)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Ends an unused token now (after too many attempts at its step): it is then no longer valid,
/// and never counts as having finished a reset.
pub async fn end<'e>(
    exec: impl Executor<'e, Database = Any>,
    token: &StepToken,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query("UPDATE step_tokens SET expires_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(token.digest())
        .execute(exec)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_never_debug_printed() {
        let a = StepToken::generate();
        assert_ne!(a, StepToken::generate());
        assert_eq!(a.expose().len(), 43);
        assert!(!format!("{a:?}").contains(a.expose()));
        assert_eq!(a.digest().len(), 64);
        assert_ne!(a.digest(), a.expose());
    }
}
