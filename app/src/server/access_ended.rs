//! One decision for every door a patient's credentials open (sign-in, activating a replacement):
//! once they matched, an account whose patient PDS records as deceased, or whose online access
//! the practice ended, opens nothing. The refusal is audited, and the caller shows the reason.

use crate::db::accounts::{AccountStatus, OnlineAccount};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::{pds, Db, DbError};
use crate::domain::AccessEnd;

/// Why `account` opens nothing, if it does not; the refusal is recorded, with `door` ("sign-in",
/// "replacement activation") saying where.
pub async fn refusal(
    db: &Db,
    account: &OnlineAccount,
    door: &str,
    timestamp: i64,
) -> Result<Option<AccessEnd>, DbError> {
    let (why, kind, detail) = if pds::is_deceased(db.pool(), &account.patient_id).await? {
        (
            AccessEnd::Deceased,
            AuditKind::RefusedDeceased,
            format!("{door} refused: PDS records the patient as deceased"),
        )
    } else if let AccountStatus::Ended { reason, .. } = account.status {
        (
            reason,
            AuditKind::RefusedAccessEnded,
            format!("{door} refused: the practice ended online access"),
        )
    } else {
        return Ok(None);
    };
    let event = NewAuditEvent {
        kind,
        actor: "patient",
        practice_ods: Some(account.practice_ods.as_str()),
        patient_id: Some(&account.patient_id),
        detail: &detail,
    };
    audit::record(db.pool(), &event, timestamp).await?;
    Ok(Some(why))
}
