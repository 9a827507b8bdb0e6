//! Previews of a test patient by a staff member: started with a reason, ended once, audited.

use sqlx::{Any, Executor};

use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::{Db, DbError};
use crate::domain::{OdsCode, StaffUsername};

/// A preview of a test patient by a staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub id: String,
    /// Who previews: only they may see it.
    pub username: StaffUsername,
    pub patient_id: String,
    pub reason: String,
    pub started_at: i64,
    pub expires_at: i64,
    pub ended_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PreviewRow {
    id: String,
    username: String,
    patient_id: String,
    reason: String,
    started_at: i64,
    expires_at: i64,
    ended_at: Option<i64>,
}

impl TryFrom<PreviewRow> for Preview {
    type Error = DbError;
    fn try_from(row: PreviewRow) -> Result<Self, DbError> {
        Ok(Self {
            username: StaffUsername::parse(&row.username).map_err(|_| {
                DbError::Corrupt(format!("preview {}: username {:?}", row.id, row.username))
            })?,
            id: row.id,
            patient_id: row.patient_id,
            reason: row.reason,
            started_at: row.started_at,
            expires_at: row.expires_at,
            ended_at: row.ended_at,
        })
    }
}

impl Preview {
    /// Whether the preview may still be shown: not ended, and not past its 30 minutes.
    pub fn is_live(&self, now: i64) -> bool {
        self.ended_at.is_none() && now < self.expires_at
    }
}

/// How long a preview lasts.
pub const PREVIEW_SECONDS: i64 = 30 * 60;

/// Starts a preview in one transaction with its audit event (which keeps the reason given),
/// at `preview.started_at`; `practice_ods` is the patient's practice.
pub async fn start_preview(
    db: &Db,
    preview: &Preview,
    practice_ods: &OdsCode,
) -> Result<(), DbError> {
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO previews (id, username, patient_id, reason, started_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&preview.id)
    .bind(preview.username.as_str())
    .bind(&preview.patient_id)
    .bind(&preview.reason)
    .bind(preview.started_at)
    .bind(preview.expires_at)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::PreviewStarted,
            actor: preview.username.as_str(),
            practice_ods: Some(practice_ods.as_str()),
            patient_id: Some(&preview.patient_id),
            detail: &format!("Reason: {}", preview.reason),
        },
        preview.started_at,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The preview with this id, if there is one (whoever started it: the caller checks).
pub async fn find_preview<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<Preview>, DbError> {
    sqlx::query_as::<_, PreviewRow>(
        "SELECT id, username, patient_id, reason, started_at, expires_at, ended_at
         FROM previews WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(exec)
    .await?
    .map(Preview::try_from)
    .transpose()
}

/// Ends a live preview; true if this call ended it (so its end is audited once).
pub async fn end_preview<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
    now: i64,
) -> Result<bool, DbError> {
    Ok(
        sqlx::query("UPDATE previews SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(exec)
            .await?
            .rows_affected()
            == 1,
    )
}
