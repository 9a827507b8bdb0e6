//! The append-only audit log of every security-relevant event. The database refuses UPDATE and
//! DELETE on it (triggers in the migrations), so history cannot be rewritten through Relink.

use sqlx::{Any, Executor};

use super::DbError;

/// What happened; stored as its code so the log stays readable in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    DemoSeeded,
    PinVerificationFailed,
    PinLockout,
    PinExpiredSeen,
    PinUsedSeen,
    PassphraseReset,
    SignedIn,
    SignInFailed,
    SignedOut,
    ReplacementIdentityFailed,
    ReplacementLockout,
    ReplacementRefused,
    SecurityCodeSent,
    SecurityCodeFailed,
    AccountReplaced,
    StaffAdded,
    StaffSignedIn,
    StaffSignInFailed,
    StaffSignedOut,
    TestPatientCreated,
    PreviewStarted,
    PreviewEnded,
    PinDocumentIssued,
}

impl AuditKind {
    /// Every kind, for filters.
    pub const ALL: [Self; 23] = [
        Self::DemoSeeded,
        Self::PinVerificationFailed,
        Self::PinLockout,
        Self::PinExpiredSeen,
        Self::PinUsedSeen,
        Self::PassphraseReset,
        Self::SignedIn,
        Self::SignInFailed,
        Self::SignedOut,
        Self::ReplacementIdentityFailed,
        Self::ReplacementLockout,
        Self::ReplacementRefused,
        Self::SecurityCodeSent,
        Self::SecurityCodeFailed,
        Self::AccountReplaced,
        Self::StaffAdded,
        Self::StaffSignedIn,
        Self::StaffSignInFailed,
        Self::StaffSignedOut,
        Self::TestPatientCreated,
        Self::PreviewStarted,
        Self::PreviewEnded,
        Self::PinDocumentIssued,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::DemoSeeded => "demo_seeded",
            Self::PinVerificationFailed => "pin_verification_failed",
            Self::PinLockout => "pin_lockout",
            Self::PinExpiredSeen => "pin_expired_seen",
            Self::PinUsedSeen => "pin_used_seen",
            Self::PassphraseReset => "passphrase_reset",
            Self::SignedIn => "signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignedOut => "signed_out",
            Self::ReplacementIdentityFailed => "replacement_identity_failed",
            Self::ReplacementLockout => "replacement_lockout",
            Self::ReplacementRefused => "replacement_refused",
            Self::SecurityCodeSent => "security_code_sent",
            Self::SecurityCodeFailed => "security_code_failed",
            Self::AccountReplaced => "account_replaced",
            Self::StaffAdded => "staff_added",
            Self::StaffSignedIn => "staff_signed_in",
            Self::StaffSignInFailed => "staff_sign_in_failed",
            Self::StaffSignedOut => "staff_signed_out",
            Self::TestPatientCreated => "test_patient_created",
            Self::PreviewStarted => "preview_started",
            Self::PreviewEnded => "preview_ended",
            Self::PinDocumentIssued => "pin_document_issued",
        }
    }
}

/// One event to append.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'a> {
    pub kind: AuditKind,
    /// Who acted: "patient", "system" or a staff username. Never a secret.
    pub actor: &'a str,
    pub practice_ods: Option<&'a str>,
    pub patient_id: Option<&'a str>,
    pub detail: &'a str,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: i64,
    pub kind: String,
    pub actor: String,
    pub practice_ods: Option<String>,
    pub patient_id: Option<String>,
    pub detail: String,
}

pub async fn record<'e>(
    exec: impl Executor<'e, Database = Any>,
    event: &NewAuditEvent<'_>,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, kind, actor, practice_ods, patient_id, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now)
    .bind(event.kind.code())
    .bind(event.actor)
    .bind(event.practice_ods)
    .bind(event.patient_id)
    .bind(event.detail)
    .execute(exec)
    .await?;
    Ok(())
}

/// The newest events about one patient, newest first.
pub async fn recent_for_patient<'e>(
    exec: impl Executor<'e, Database = Any>,
    patient_id: &str,
    limit: i64,
) -> Result<Vec<AuditEvent>, DbError> {
    Ok(sqlx::query_as::<_, AuditEvent>(
        "SELECT id, occurred_at, kind, actor, practice_ods, patient_id, detail FROM audit_events
         WHERE patient_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2",
    )
    .bind(patient_id)
    .bind(limit)
    .fetch_all(exec)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;

    #[tokio::test]
    async fn events_are_appended_and_can_never_be_changed() {
        each_backend(|db| async move {
            for (i, kind) in [AuditKind::PinVerificationFailed, AuditKind::PassphraseReset]
                .into_iter()
                .enumerate()
            {
                let event = NewAuditEvent {
                    kind,
                    actor: "patient",
                    practice_ods: Some("T00001"),
                    patient_id: Some("p1"),
                    detail: "",
                };
                record(db.pool(), &event, 100 + i as i64).await.unwrap();
            }
            let events = recent_for_patient(db.pool(), "p1", 10).await.unwrap();
            let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
            assert_eq!(kinds, ["passphrase_reset", "pin_verification_failed"]);

            assert!(sqlx::query("UPDATE audit_events SET detail = 'x'")
                .execute(db.pool())
                .await
                .is_err());
            assert!(sqlx::query("DELETE FROM audit_events")
                .execute(db.pool())
                .await
                .is_err());
            assert_eq!(
                recent_for_patient(db.pool(), "p1", 10).await.unwrap(),
                events
            );
        })
        .await;
    }
}
