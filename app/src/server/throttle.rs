//! Counting attempts on credentials, so guessing is slow and visible.

use super::ClientAddress;
use crate::db::{Db, DbError};
use crate::views::form::FormProblem;

/// Decides whether an attempt on a credential may go ahead: refused while the client or the
/// credential (`pair_key`) is locked; otherwise counted against the client.
pub async fn admit_attempt(
    db: &Db,
    client: &ClientAddress,
    pair_key: &str,
    now: i64,
) -> Result<Option<FormProblem>, DbError> {
    use crate::db::throttles::{self, CLIENT_LIMIT};
    let client_key = format!("client:{}", client.0);
    if throttles::locked_until(db.pool(), &client_key, now)
        .await?
        .is_some()
    {
        return Ok(Some(FormProblem::ClientLockedOut));
    }
    if throttles::locked_until(db.pool(), pair_key, now)
        .await?
        .is_some()
    {
        return Ok(Some(FormProblem::LockedOut));
    }
    throttles::record(db.pool(), &client_key, CLIENT_LIMIT, now).await?;
    Ok(None)
}

/// Records a failed attempt on a throttled key: the failure event, then, when this failure
/// locks the key, the lockout event. Says whether the key is now locked.
pub(crate) async fn record_failure(
    db: &Db,
    key: &str,
    failure: &crate::db::audit::NewAuditEvent<'_>,
    lockout: &crate::db::audit::NewAuditEvent<'_>,
    now: i64,
) -> Result<bool, DbError> {
    use crate::db::throttles::{self, PIN_PAIR_LIMIT};
    crate::db::audit::record(db.pool(), failure, now).await?;
    let locked = throttles::record(db.pool(), key, PIN_PAIR_LIMIT, now)
        .await?
        .is_some();
    if locked {
        crate::db::audit::record(db.pool(), lockout, now).await?;
    }
    Ok(locked)
}
