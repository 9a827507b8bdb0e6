//! PIN documents: the printed one-time secret that lets a patient (re)set their credentials.

use sqlx::{Any, Executor};
use time::Date;

use super::{date_from_sql, date_to_sql, DbError};
use crate::domain::PinDocumentDates;

/// A PIN document as stored: the secret only as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinDocument {
    pub id: String,
    pub online_account_id: String,
    pub secret_hash: String,
    pub dates: PinDocumentDates,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The fields to write when (re)issuing a document.
#[derive(Debug, Clone)]
pub struct IssuedPinDocument<'a> {
    pub id: &'a str,
    pub online_account_id: &'a str,
    pub secret_hash: &'a str,
    pub printed_on: Date,
    pub used_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PinDocumentRow {
    id: String,
    online_account_id: String,
    secret_hash: String,
    printed_on: String,
    used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl TryFrom<PinDocumentRow> for PinDocument {
    type Error = DbError;
    fn try_from(row: PinDocumentRow) -> Result<Self, DbError> {
        Ok(Self {
            dates: PinDocumentDates {
                printed_on: date_from_sql(&row.printed_on)?,
            },
            id: row.id,
            online_account_id: row.online_account_id,
            secret_hash: row.secret_hash,
            used_at: row.used_at,
            revoked_at: row.revoked_at,
        })
    }
}

/// Writes the document, replacing any earlier state of the same id (used by demo re-issue).
pub async fn upsert<'e>(
    exec: impl Executor<'e, Database = Any>,
    doc: &IssuedPinDocument<'_>,
    now: i64,
) -> Result<(), DbError> {
    let dates = PinDocumentDates {
        printed_on: doc.printed_on,
    };
    sqlx::query(
        "INSERT INTO pin_documents (id, online_account_id, secret_hash, printed_on, expires_on, used_at, revoked_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)
         ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, printed_on = excluded.printed_on,
             expires_on = excluded.expires_on, used_at = excluded.used_at, revoked_at = NULL",
    )
    .bind(doc.id)
    .bind(doc.online_account_id)
    .bind(doc.secret_hash)
    .bind(date_to_sql(dates.printed_on))
    .bind(date_to_sql(dates.expires_on()))
    .bind(doc.used_at)
    .bind(now)
    .execute(exec)
    .await?;
    Ok(())
}

/// The newest document for the account that has not been revoked (used or not, expired or not:
/// the caller decides what to tell the patient).
pub async fn current_for_account<'e>(
    exec: impl Executor<'e, Database = Any>,
    online_account_id: &str,
) -> Result<Option<PinDocument>, DbError> {
    sqlx::query_as::<_, PinDocumentRow>(
        "SELECT id, online_account_id, secret_hash, printed_on, used_at, revoked_at FROM pin_documents
         WHERE online_account_id = $1 AND revoked_at IS NULL ORDER BY printed_on DESC, created_at DESC LIMIT 1",
    )
    .bind(online_account_id)
    .fetch_optional(exec)
    .await?
    .map(PinDocument::try_from)
    .transpose()
}

/// Marks the document used if, and only if, nobody has used it yet. Returns whether this call
/// won: the single-use guarantee rests on this one conditional UPDATE.
pub async fn mark_used<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
    now: i64,
) -> Result<bool, DbError> {
    let result = sqlx::query("UPDATE pin_documents SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(exec)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Stops every other unused document of the account from working (when a new one is printed).
pub async fn revoke_others<'e>(
    exec: impl Executor<'e, Database = Any>,
    online_account_id: &str,
    keep_id: &str,
    now: i64,
) -> Result<u64, DbError> {
    let result = sqlx::query(
        "UPDATE pin_documents SET revoked_at = $1
         WHERE online_account_id = $2 AND id <> $3 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(online_account_id)
    .bind(keep_id)
    .execute(exec)
    .await?;
    Ok(result.rows_affected())
}

/// A PIN document issued by a staff member after an identity check.
#[derive(Debug, Clone)]
pub struct Reissue<'a> {
    pub document_id: &'a str,
    pub patient_id: &'a str,
    pub practice_ods: &'a crate::domain::OdsCode,
    /// Used when the patient has no active account yet (a new test patient): it is created.
    pub new_account: (&'a str, &'a crate::domain::AccountId),
    pub secret_hash: &'a str,
    pub printed_on: Date,
    pub issued_by: &'a str,
    pub identity_check: crate::domain::IdentityCheck,
    /// Registering the patient for online services: these settings are set in the same
    /// transaction, and the audit event says so.
    pub registration: Option<&'a AccessSettings>,
}

/// What registering a patient for online services sets: how much of their record they see,
/// from when, and which services are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessSettings {
    pub record_access: crate::domain::RecordAccessLevel,
    pub visible_from_rule: crate::domain::VisibleFromRule,
    /// The date for [`crate::domain::VisibleFromRule::PracticeSetDate`].
    pub visible_from_set: Option<Date>,
    pub services: super::patients::PatientServiceSettings,
}

impl AccessSettings {
    /// The settings as the audit log records them.
    pub fn describe(&self) -> String {
        let services = self.services;
        let on: Vec<&str> = [
            (services.appointments, "appointments"),
            (services.prescriptions, "prescriptions"),
            (services.record, "record"),
            (services.messages, "messages"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        let from = match self.visible_from_set {
            Some(date) => format!("{} {date}", self.visible_from_rule.code()),
            None => self.visible_from_rule.code().to_owned(),
        };
        let services = if on.is_empty() {
            "none".to_owned()
        } else {
            on.join(", ")
        };
        format!(
            "record access {}, visible from {from}, services: {services}",
            self.record_access.code()
        )
    }
}

/// Issues a new PIN document in one transaction: the patient's active account (created if
/// there is none), the document, every older unused document revoked, every session of the
/// account ended (a new document is given when the old credentials may be known to someone
/// else), the email to the account's address (if it has one) written by `notice` for that
/// address and its language, and an audit event. Returns the account row the document
/// belongs to.
pub async fn reissue(
    db: &super::Db,
    reissue: &Reissue<'_>,
    notice: impl FnOnce(&super::accounts::Contact) -> super::outbox::Wording,
    now: i64,
) -> Result<String, DbError> {
    use super::accounts::{self, NewAccount};
    use super::audit::{self, AuditKind, NewAuditEvent};
    use super::sessions::{self, SessionKind};
    let mut tx = db.pool().begin().await?;
    if let Some(settings) = reissue.registration {
        sqlx::query(
            "UPDATE patients SET record_access_level = $1, record_visible_rule = $2,
                 record_visible_from = $3, wants_appointments = $4, wants_prescriptions = $5,
                 wants_record = $6, wants_messages = $7,
                 access_requested_on = COALESCE(access_requested_on, $8)
             WHERE id = $9",
        )
        .bind(settings.record_access.code())
        .bind(settings.visible_from_rule.code())
        .bind(settings.visible_from_set.map(date_to_sql))
        .bind(i64::from(settings.services.appointments))
        .bind(i64::from(settings.services.prescriptions))
        .bind(i64::from(settings.services.record))
        .bind(i64::from(settings.services.messages))
        .bind(date_to_sql(reissue.printed_on))
        .bind(reissue.patient_id)
        .execute(&mut *tx)
        .await?;
    }
    let existing = sqlx::query_scalar::<_, String>(
        "SELECT id FROM online_accounts WHERE patient_id = $1 AND practice_ods = $2
         AND status = 'active' AND ended_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(reissue.patient_id)
    .bind(reissue.practice_ods.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let account = match existing {
        Some(id) => id,
        None => {
            let (id, account_id) = reissue.new_account;
            accounts::insert_if_missing(
                &mut *tx,
                &NewAccount {
                    id,
                    patient_id: reissue.patient_id,
                    practice_ods: reissue.practice_ods,
                    account_id,
                    email: None,
                },
                now,
            )
            .await?;
            id.to_owned()
        }
    };
    let dates = PinDocumentDates {
        printed_on: reissue.printed_on,
    };
    sqlx::query(
        "INSERT INTO pin_documents (id, online_account_id, secret_hash, printed_on, expires_on, created_at, issued_by, identity_check)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(reissue.document_id)
    .bind(&account)
    .bind(reissue.secret_hash)
    .bind(date_to_sql(dates.printed_on))
    .bind(date_to_sql(dates.expires_on()))
    .bind(now)
    .bind(reissue.issued_by)
    .bind(reissue.identity_check.code())
    .execute(&mut *tx)
    .await?;
    let revoked = revoke_others(&mut *tx, &account, reissue.document_id, now).await?;
    let ended = sessions::end_all_for(&mut *tx, SessionKind::Patient, &account).await?;
    if let Some(contact) = accounts::contact(&mut *tx, &account).await? {
        let wording = notice(&contact);
        super::outbox::enqueue(&mut *tx, &wording.to(&contact.email), now).await?;
    }
    let (kind, detail) = match reissue.registration {
        Some(settings) => (
            AuditKind::RegisteredForOnlineServices,
            format!(
                "Registered for online services after identity check: {}; {}; first PIN document issued",
                reissue.identity_check.code(),
                settings.describe()
            ),
        ),
        None => (
            AuditKind::PinDocumentIssued,
            format!(
                "New PIN document after identity check: {}; {revoked} older unused document(s) stopped working; {ended} session(s) ended",
                reissue.identity_check.code()
            ),
        ),
    };
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind,
            actor: reissue.issued_by,
            practice_ods: Some(reissue.practice_ods.as_str()),
            patient_id: Some(reissue.patient_id),
            detail: &detail,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(account)
}

/// Where a document belongs: the print page authorises against the practice.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentOwner {
    pub printed_on: String,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub practice_ods: String,
    pub account_id: String,
    pub patient_id: String,
}

/// The document's dates and state and the account it belongs to, if the document exists.
pub async fn owner<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<DocumentOwner>, DbError> {
    Ok(sqlx::query_as::<_, DocumentOwner>(
        "SELECT d.printed_on, d.used_at, d.revoked_at, a.practice_ods, a.account_id, a.patient_id
         FROM pin_documents d JOIN online_accounts a ON a.id = d.online_account_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_optional(exec)
    .await?)
}

/// The stored hash of a document's one-time secret: the print page shows the secret only to
/// the browser whose cookie holds it (the hash is checked, never the secret stored).
pub async fn secret_hash<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<String, DbError> {
    Ok(
        sqlx::query_scalar::<_, String>("SELECT secret_hash FROM pin_documents WHERE id = $1")
            .bind(id)
            .fetch_one(exec)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::accounts::{self, NewAccount};
    use crate::db::patients::tests::{insert_practice, sample_patient};
    use crate::db::{patients, testing::each_backend, Db};
    use crate::domain::{AccountId, ClinicalSystem, OdsCode};
    use time::macros::date;

    async fn account(db: &Db) {
        insert_practice(db, "T00001", ClinicalSystem::Tpp).await;
        patients::upsert(db.pool(), &sample_patient(), 1)
            .await
            .unwrap();
        let ods = OdsCode::parse("T00001").unwrap();
        let account_id = AccountId::parse("1000000001").unwrap();
        accounts::insert_if_missing(
            db.pool(),
            &NewAccount {
                id: "acc-1",
                patient_id: "patient-1",
                practice_ods: &ods,
                account_id: &account_id,
                email: None,
            },
            1,
        )
        .await
        .unwrap();
    }

    fn issued(id: &str, printed_on: Date) -> IssuedPinDocument<'_> {
        IssuedPinDocument {
            id,
            online_account_id: "acc-1",
            secret_hash: "hash",
            printed_on,
            used_at: None,
        }
    }

    #[tokio::test]
    async fn a_document_is_used_once_only() {
        each_backend(|db| async move {
            account(&db).await;
            upsert(db.pool(), &issued("pin-1", date!(2026 - 03 - 01)), 1)
                .await
                .unwrap();
            let doc = current_for_account(db.pool(), "acc-1")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(doc.dates.expires_on(), date!(2026 - 03 - 15));
            assert_eq!(doc.used_at, None);

            assert!(mark_used(db.pool(), "pin-1", 10).await.unwrap());
            assert!(!mark_used(db.pool(), "pin-1", 11).await.unwrap());
            assert_eq!(
                current_for_account(db.pool(), "acc-1")
                    .await
                    .unwrap()
                    .unwrap()
                    .used_at,
                Some(10)
            );

            // Re-issuing the same id (demo mode) makes it usable again.
            upsert(db.pool(), &issued("pin-1", date!(2026 - 03 - 02)), 12)
                .await
                .unwrap();
            assert!(mark_used(db.pool(), "pin-1", 13).await.unwrap());
        })
        .await;
    }

    #[tokio::test]
    async fn a_new_document_revokes_older_unused_ones() {
        each_backend(|db| async move {
            account(&db).await;
            upsert(db.pool(), &issued("pin-old", date!(2026 - 03 - 01)), 1)
                .await
                .unwrap();
            upsert(db.pool(), &issued("pin-new", date!(2026 - 03 - 05)), 2)
                .await
                .unwrap();
            assert_eq!(
                revoke_others(db.pool(), "acc-1", "pin-new", 3)
                    .await
                    .unwrap(),
                1
            );
            assert!(
                !mark_used(db.pool(), "pin-old", 4).await.unwrap(),
                "a revoked document must not work"
            );
            assert_eq!(
                current_for_account(db.pool(), "acc-1")
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
                "pin-new"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_reissue_ends_the_accounts_sessions_and_tells_its_address_in_its_language() {
        use crate::db::outbox::{self, Purpose, Wording};
        use crate::db::sessions::{self, SessionKind};
        use crate::domain::IdentityCheck;
        use crate::language::Locale;
        each_backend(|db| async move {
            account(&db).await;
            let patient = SessionKind::Patient;
            let phone = sessions::create(db.pool(), patient, "acc-1", 10)
                .await
                .unwrap();
            let laptop = sessions::create(db.pool(), patient, "acc-1", 10)
                .await
                .unwrap();
            let ods = OdsCode::parse("T00001").unwrap();
            let unused = AccountId::parse("1999999999").unwrap();
            let issue = |document_id: &'static str| Reissue {
                document_id,
                patient_id: "patient-1",
                practice_ods: &ods,
                new_account: ("acc-unused", &unused),
                secret_hash: "hash",
                printed_on: date!(2026 - 03 - 01),
                issued_by: "staff.riverside",
                identity_check: IdentityCheck::PhotoId,
                registration: None,
            };
            let wording = |contact: &accounts::Contact| Wording {
                subject: format!("to {:?}", contact.language),
                body: "Body".to_owned(),
                purpose: Purpose::PinDocumentReissued,
            };

            // No email address: the sessions end, and nothing is queued.
            let row = reissue(&db, &issue("pin-a"), wording, 20).await.unwrap();
            assert_eq!(row, "acc-1");
            for id in [&phone, &laptop] {
                assert_eq!(
                    sessions::resume(db.pool(), patient, id, 21).await.unwrap(),
                    None
                );
            }
            assert!(outbox::recent(db.pool(), 10).await.unwrap().is_empty());

            // With an address and a remembered language, the notice is written for them.
            sqlx::query("UPDATE online_accounts SET email = 'p@example.com' WHERE id = 'acc-1'")
                .execute(db.pool())
                .await
                .unwrap();
            accounts::remember_language(db.pool(), "acc-1", Locale::cy)
                .await
                .unwrap();
            reissue(&db, &issue("pin-b"), wording, 30).await.unwrap();
            let queued = outbox::recent(db.pool(), 10).await.unwrap();
            assert_eq!(queued.len(), 1);
            assert_eq!(queued[0].recipient, "p@example.com");
            assert_eq!(queued[0].subject, "to Some(cy)");
            assert_eq!(queued[0].purpose, "pin_document_reissued");

            // A reissue that fails half-way (the document id is taken) queues nothing.
            let again = reissue(&db, &issue("pin-b"), wording, 40).await;
            assert!(again.is_err());
            assert_eq!(outbox::recent(db.pool(), 10).await.unwrap().len(), 1);
        })
        .await;
    }
}
