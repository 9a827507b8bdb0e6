//! What PDS last said about each patient (`pds_records`), stored so that a PDS that is down
//! never breaks a journey: pages show the last values read, with the date they were read.
//!
//! A restricted or very restricted record never has an address here, and storing one makes
//! the patient's GP-record address go too, in the same transaction: Relink keeps no address
//! for a patient whose whereabouts PDS withholds (the table's CHECK refuses one as well).

use sqlx::{Any, Executor};
use time::Date;

use super::audit::{self, NewAuditEvent};
use super::{date_from_sql, date_to_sql, Db, DbError};
use crate::domain::{Confidentiality, NhsNumber, OdsCode};
use crate::pds::PdsRecord;

/// One patient's PDS values as stored, with when they were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdsSnapshot {
    pub version: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<Date>,
    /// The address's lines joined by ", "; never set when the record is restricted.
    pub address_line: Option<String>,
    pub postcode: Option<String>,
    pub gender: Option<String>,
    pub gp_ods: Option<OdsCode>,
    pub deceased_on: Option<Date>,
    pub confidentiality: Confidentiality,
    /// What the last lookup found.
    pub status: RecordStatus,
    /// Unix seconds: when PDS was last asked.
    pub read_at: i64,
}

/// What the last lookup said of the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordStatus {
    Found,
    /// PDS has no record with the patient's NHS number.
    NotFound,
    /// PDS invalidated the record.
    Invalidated,
}

impl RecordStatus {
    fn code(self) -> &'static str {
        match self {
            Self::Found => "found",
            Self::NotFound => "not_found",
            Self::Invalidated => "invalidated",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        [Self::Found, Self::NotFound, Self::Invalidated]
            .into_iter()
            .find(|status| status.code() == code)
    }
}

impl PdsSnapshot {
    /// What a lookup found, read at `now`. The address is dropped for a restricted record
    /// even if one came (the parser drops it too: two locks on one door).
    pub fn from_record(record: &PdsRecord, now: i64) -> Self {
        let hides = record.confidentiality.hides_whereabouts();
        let address = record.address.as_ref().filter(|_| !hides);
        Self {
            version: record.version.clone(),
            given_name: record.given_name.clone(),
            family_name: record.family_name.clone(),
            date_of_birth: record.birth_date,
            address_line: address
                .map(|a| a.lines.join(", "))
                .filter(|line| !line.is_empty()),
            postcode: address.and_then(|a| a.postcode.clone()),
            gender: record.gender.clone(),
            gp_ods: record.gp_ods.clone(),
            deceased_on: record.deceased_on,
            confidentiality: record.confidentiality,
            status: RecordStatus::Found,
            read_at: now,
        }
    }
}

#[derive(sqlx::FromRow)]
struct SnapshotRow {
    version_id: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    date_of_birth: Option<String>,
    address_line: Option<String>,
    postcode: Option<String>,
    gender: Option<String>,
    gp_ods: Option<String>,
    deceased_on: Option<String>,
    confidentiality: String,
    status: String,
    read_at: i64,
}

impl TryFrom<SnapshotRow> for PdsSnapshot {
    type Error = DbError;
    fn try_from(row: SnapshotRow) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("PDS record: {what}"));
        Ok(Self {
            version: row.version_id,
            given_name: row.given_name,
            family_name: row.family_name,
            date_of_birth: row
                .date_of_birth
                .as_deref()
                .map(date_from_sql)
                .transpose()?,
            address_line: row.address_line,
            postcode: row.postcode,
            gender: row.gender,
            gp_ods: row
                .gp_ods
                .as_deref()
                .map(|code| OdsCode::parse(code).map_err(|_| corrupt("GP ODS code")))
                .transpose()?,
            deceased_on: row.deceased_on.as_deref().map(date_from_sql).transpose()?,
            confidentiality: Confidentiality::from_code(&row.confidentiality)
                .ok_or_else(|| corrupt("confidentiality"))?,
            status: RecordStatus::from_code(&row.status).ok_or_else(|| corrupt("status"))?,
            read_at: row.read_at,
        })
    }
}

/// The patient's stored PDS values, if PDS was ever read for them (or the demo seeded them).
pub async fn find<'e>(
    exec: impl Executor<'e, Database = Any>,
    patient_id: &str,
) -> Result<Option<PdsSnapshot>, DbError> {
    sqlx::query_as::<_, SnapshotRow>(
        "SELECT version_id, given_name, family_name, date_of_birth, address_line, postcode,
                gender, gp_ods, deceased_on, confidentiality, status, read_at
         FROM pds_records WHERE patient_id = $1",
    )
    .bind(patient_id)
    .fetch_optional(exec)
    .await?
    .map(PdsSnapshot::try_from)
    .transpose()
}

/// Whether PDS records the patient as deceased: no reset, sign-in or replacement then.
pub async fn is_deceased<'e>(
    exec: impl Executor<'e, Database = Any>,
    patient_id: &str,
) -> Result<bool, DbError> {
    let found = sqlx::query_scalar::<_, i64>(
        "SELECT 1 FROM pds_records WHERE patient_id = $1 AND deceased_on IS NOT NULL",
    )
    .bind(patient_id)
    .fetch_optional(exec)
    .await?;
    Ok(found.is_some())
}

/// Writes the snapshot, replacing the previous one; a restricted record also takes the
/// address off the patient's GP record. Part of a caller's transaction.
pub async fn upsert<'e, E>(
    exec: &mut E,
    patient_id: &str,
    snapshot: &PdsSnapshot,
) -> Result<(), DbError>
where
    for<'c> &'c mut E: Executor<'c, Database = Any>,
{
    sqlx::query(
        "INSERT INTO pds_records (patient_id, version_id, given_name, family_name, date_of_birth,
             address_line, postcode, gender, gp_ods, deceased_on, confidentiality, status, read_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (patient_id) DO UPDATE SET version_id = excluded.version_id,
             given_name = excluded.given_name, family_name = excluded.family_name,
             date_of_birth = excluded.date_of_birth, address_line = excluded.address_line,
             postcode = excluded.postcode, gender = excluded.gender, gp_ods = excluded.gp_ods,
             deceased_on = excluded.deceased_on, confidentiality = excluded.confidentiality,
             status = excluded.status, read_at = excluded.read_at",
    )
    .bind(patient_id)
    .bind(snapshot.version.as_deref())
    .bind(snapshot.given_name.as_deref())
    .bind(snapshot.family_name.as_deref())
    .bind(snapshot.date_of_birth.map(date_to_sql))
    .bind(snapshot.address_line.as_deref())
    .bind(snapshot.postcode.as_deref())
    .bind(snapshot.gender.as_deref())
    .bind(snapshot.gp_ods.as_ref().map(OdsCode::as_str))
    .bind(snapshot.deceased_on.map(date_to_sql))
    .bind(snapshot.confidentiality.code())
    .bind(snapshot.status.code())
    .bind(snapshot.read_at)
    .execute(&mut *exec)
    .await?;
    if snapshot.confidentiality.hides_whereabouts() {
        sqlx::query(
            "UPDATE demographics SET address_line = '', postcode = '' WHERE patient_id = $1",
        )
        .bind(patient_id)
        .execute(&mut *exec)
        .await?;
    }
    Ok(())
}

/// What storing a lookup changed, beyond the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// The values were stored under the patient's NHS number.
    Values,
    /// The record was superseded: the patient now has the record's NHS number.
    Rekeyed { from: NhsNumber, to: NhsNumber },
    /// The record was superseded by a number another patient here already has: nothing was
    /// stored; staff must merge the two by hand.
    RekeyConflict { to: NhsNumber },
}

/// Stores what a lookup found for the patient, in one transaction: the values; for a
/// superseded record, the patient re-keyed to the current NHS number; for a newly deceased
/// patient, every session of theirs ended; and an audit event when `event` is given (staff
/// checks) or the record was re-keyed (always).
pub async fn record_read(
    db: &Db,
    patient_id: &str,
    asked: &NhsNumber,
    record: &PdsRecord,
    event: Option<&NewAuditEvent<'_>>,
    now: i64,
) -> Result<Stored, DbError> {
    // Read before the transaction: on SQLite, a transaction that reads and then writes fails
    // (SQLITE_BUSY, not waited for) when another writer committed in between, so each
    // statement in it writes, or follows a write. At worst two reads at once both end the
    // sessions, which is harmless.
    let was_deceased = is_deceased(db.pool(), patient_id).await?;
    let mut tx = db.pool().begin().await?;
    let mut stored = Stored::Values;
    if record.nhs_number != *asked {
        let moved = sqlx::query(
            "UPDATE patients SET nhs_number = $1 WHERE id = $2
             AND NOT EXISTS (SELECT 1 FROM patients other WHERE other.nhs_number = $1 AND other.id <> $2)",
        )
        .bind(record.nhs_number.digits())
        .bind(patient_id)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            let detail = format!(
                "PDS says NHS number {asked} was superseded by {}, which another patient here has: nothing changed",
                record.nhs_number
            );
            audit::record(&mut *tx, &superseded_event(event, patient_id, &detail), now).await?;
            // Asked and answered: not due again (nor re-asked by a second press) until it ages.
            sqlx::query(
                "INSERT INTO pds_records (patient_id, read_at) VALUES ($1, $2)
                 ON CONFLICT (patient_id) DO UPDATE SET read_at = excluded.read_at",
            )
            .bind(patient_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(Stored::RekeyConflict {
                to: record.nhs_number,
            });
        }
        let detail = format!(
            "PDS says NHS number {asked} was superseded by {}: the patient now has the new number",
            record.nhs_number
        );
        audit::record(&mut *tx, &superseded_event(event, patient_id, &detail), now).await?;
        stored = Stored::Rekeyed {
            from: *asked,
            to: record.nhs_number,
        };
    }
    upsert(&mut *tx, patient_id, &PdsSnapshot::from_record(record, now)).await?;
    if record.deceased_on.is_some() && !was_deceased {
        sqlx::query(
            "DELETE FROM sessions WHERE kind = 'patient'
             AND subject IN (SELECT id FROM online_accounts WHERE patient_id = $1)",
        )
        .bind(patient_id)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(event) = event {
        audit::record(&mut *tx, event, now).await?;
    }
    tx.commit().await?;
    Ok(stored)
}

/// Records that PDS no longer has the patient's record, in one transaction with its audit
/// event: the last values read (if any) stay, marked, and the record is not due again until
/// `max_age` has passed like any other.
pub async fn record_gone(
    db: &Db,
    patient_id: &str,
    status: RecordStatus,
    event: &NewAuditEvent<'_>,
    now: i64,
) -> Result<(), DbError> {
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO pds_records (patient_id, status, read_at) VALUES ($1, $2, $3)
         ON CONFLICT (patient_id) DO UPDATE SET status = excluded.status, read_at = excluded.read_at",
    )
    .bind(patient_id)
    .bind(status.code())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(&mut *tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

fn superseded_event<'a>(
    event: Option<&NewAuditEvent<'a>>,
    patient_id: &'a str,
    detail: &'a str,
) -> NewAuditEvent<'a> {
    NewAuditEvent {
        kind: audit::AuditKind::PdsRecordSuperseded,
        actor: event.map_or("system", |e| e.actor),
        practice_ods: event.and_then(|e| e.practice_ods),
        patient_id: Some(patient_id),
        detail,
    }
}

/// Patients due a background refresh: not test patients, never read or read before
/// `read_before`, oldest first, at most `limit`.
pub async fn due_for_refresh<'e>(
    exec: impl Executor<'e, Database = Any>,
    read_before: i64,
    limit: i64,
) -> Result<Vec<(String, NhsNumber)>, DbError> {
    let rows = sqlx::query_as::<_, (String, String)>(
        "SELECT p.id, p.nhs_number FROM patients p
         LEFT JOIN pds_records r ON r.patient_id = p.id
         WHERE p.is_test = 0 AND (r.read_at IS NULL OR r.read_at < $1)
         ORDER BY COALESCE(r.read_at, 0), p.id LIMIT $2",
    )
    .bind(read_before)
    .bind(limit)
    .fetch_all(exec)
    .await?;
    rows.into_iter()
        .map(|(id, digits)| {
            let number = NhsNumber::parse(&digits)
                .map_err(|_| DbError::Corrupt(format!("patient {id}: NHS number")))?;
            Ok((id, number))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::patients::tests::{insert_practice, sample_patient};
    use crate::db::patients::{self, DemographicSource, Demographics};
    use crate::db::testing::each_backend;
    use crate::domain::ClinicalSystem;
    use crate::pds::PdsAddress;
    use time::macros::date;

    fn full_record(number: &str) -> PdsRecord {
        PdsRecord {
            nhs_number: NhsNumber::parse(number).unwrap(),
            version: Some("2".into()),
            given_name: Some("Sam".into()),
            family_name: Some("Patel".into()),
            birth_date: Some(date!(1980 - 02 - 01)),
            address: Some(PdsAddress {
                lines: vec!["3 Hill Street".into(), "Riverton".into()],
                postcode: Some("RV1 2AB".into()),
            }),
            gender: Some("female".into()),
            gp_ods: Some(OdsCode::parse("T00001").unwrap()),
            deceased_on: None,
            confidentiality: Confidentiality::Unrestricted,
        }
    }

    fn gp_record() -> Demographics {
        Demographics {
            source: DemographicSource::ClinicalSystem,
            given_name: "Sam".into(),
            family_name: "Patel".into(),
            date_of_birth: date!(1980 - 02 - 01),
            address_line: "1 River Road, Riverton".into(),
            postcode: "RV1 2AC".into(),
        }
    }

    async fn patient_with_gp_record(db: &Db) -> crate::db::patients::Patient {
        insert_practice(db, "T00001", ClinicalSystem::Tpp).await;
        let patient = sample_patient();
        patients::upsert(db.pool(), &patient, 1).await.unwrap();
        patients::upsert_demographics(db.pool(), &patient.id, &gp_record(), 1)
            .await
            .unwrap();
        patient
    }

    #[tokio::test]
    async fn a_read_is_stored_whole_and_shown_as_the_spine_source() {
        each_backend(|db| async move {
            let patient = patient_with_gp_record(&db).await;
            let record = full_record(&patient.nhs_number.digits());
            let stored = record_read(&db, &patient.id, &patient.nhs_number, &record, None, 50)
                .await
                .unwrap();
            assert_eq!(stored, Stored::Values);
            let snapshot = find(db.pool(), &patient.id).await.unwrap().unwrap();
            assert_eq!(snapshot, PdsSnapshot::from_record(&record, 50));
            assert_eq!(
                snapshot.address_line.as_deref(),
                Some("3 Hill Street, Riverton")
            );
            let sources = patients::demographics(db.pool(), &patient.id)
                .await
                .unwrap();
            assert_eq!(sources.len(), 2);
            assert_eq!(sources[1].source, DemographicSource::Pds);
            assert_eq!(sources[1].postcode, "RV1 2AB");
        })
        .await;
    }

    #[tokio::test]
    async fn a_restricted_record_leaves_no_address_anywhere_and_keeps_none_out() {
        each_backend(|db| async move {
            let patient = patient_with_gp_record(&db).await;
            let record = PdsRecord {
                confidentiality: Confidentiality::Restricted,
                ..full_record(&patient.nhs_number.digits())
            };
            record_read(&db, &patient.id, &patient.nhs_number, &record, None, 50)
                .await
                .unwrap();
            let snapshot = find(db.pool(), &patient.id).await.unwrap().unwrap();
            assert_eq!((snapshot.address_line, snapshot.postcode), (None, None));
            // The GP record's address went too, and a later import of it is not kept.
            let addresses = || async {
                patients::demographics(db.pool(), &patient.id)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|record| (record.address_line, record.postcode))
                    .collect::<Vec<_>>()
            };
            // The GP record and the Spine record, both without an address.
            let blank = vec![(String::new(), String::new()); 2];
            assert_eq!(addresses().await, blank);
            patients::upsert_demographics(db.pool(), &patient.id, &gp_record(), 60)
                .await
                .unwrap();
            assert_eq!(addresses().await, blank);
            // Even SQL that bypasses Relink cannot give a restricted record an address.
            let direct =
                sqlx::query("UPDATE pds_records SET postcode = 'RV1 2AB' WHERE patient_id = $1")
                    .bind(&patient.id)
                    .execute(db.pool())
                    .await;
            assert!(
                direct.is_err(),
                "the CHECK refuses an address on a restricted record"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_superseded_record_rekeys_the_patient_unless_the_number_is_taken() {
        each_backend(|db| async move {
            let patient = patient_with_gp_record(&db).await;
            let new_number = NhsNumber::parse("9000000009").unwrap();
            let record = full_record(&new_number.digits());
            let stored = record_read(&db, &patient.id, &patient.nhs_number, &record, None, 50)
                .await
                .unwrap();
            assert_eq!(
                stored,
                Stored::Rekeyed {
                    from: patient.nhs_number,
                    to: new_number
                }
            );
            let rekeyed = patients::find(db.pool(), &patient.id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(rekeyed.nhs_number, new_number);
            let kinds: Vec<String> =
                sqlx::query_scalar("SELECT kind FROM audit_events WHERE patient_id = $1")
                    .bind(&patient.id)
                    .fetch_all(db.pool())
                    .await
                    .unwrap();
            assert!(
                kinds.iter().any(|k| k == "pds_record_superseded"),
                "{kinds:?}"
            );

            // A second patient whose record is superseded by the first one's number: nothing moves.
            let twin = crate::db::patients::Patient {
                id: "patient-2".into(),
                nhs_number: NhsNumber::parse("9990000026").unwrap(),
                ..sample_patient()
            };
            patients::upsert(db.pool(), &twin, 1).await.unwrap();
            let stored = record_read(&db, &twin.id, &twin.nhs_number, &record, None, 60)
                .await
                .unwrap();
            assert_eq!(stored, Stored::RekeyConflict { to: new_number });
            // Nothing of the record is kept, but the read is: not due again until it ages.
            let kept = find(db.pool(), &twin.id).await.unwrap().unwrap();
            assert_eq!((kept.given_name, kept.read_at), (None, 60));
            assert!(due_for_refresh(db.pool(), 60, 10)
                .await
                .unwrap()
                .iter()
                .all(|(id, _)| *id != twin.id));
            let twin_now = patients::find(db.pool(), &twin.id).await.unwrap().unwrap();
            assert_eq!(twin_now.nhs_number, twin.nhs_number);
        })
        .await;
    }

    #[tokio::test]
    async fn a_newly_deceased_patient_is_signed_out_everywhere() {
        each_backend(|db| async move {
            let patient = patient_with_gp_record(&db).await;
            sqlx::query(
                "INSERT INTO online_accounts (id, patient_id, practice_ods, account_id, email, status, created_at)
                 VALUES ('acct-1', $1, 'T00001', 'A1B2C3D4E5', 'sam@example.com', 'active', 1)",
            )
            .bind(&patient.id)
            .execute(db.pool())
            .await
            .unwrap();
            crate::db::sessions::rotate(
                db.pool(),
                crate::db::sessions::SessionKind::Patient,
                None,
                "acct-1",
                10,
            )
            .await
            .unwrap();
            assert!(!is_deceased(db.pool(), &patient.id).await.unwrap());
            let record = PdsRecord {
                deceased_on: Some(date!(2026 - 11 - 30)),
                ..full_record(&patient.nhs_number.digits())
            };
            record_read(&db, &patient.id, &patient.nhs_number, &record, None, 50)
                .await
                .unwrap();
            assert!(is_deceased(db.pool(), &patient.id).await.unwrap());
            let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE subject = 'acct-1'")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(sessions, 0);
        })
        .await;
    }

    #[tokio::test]
    async fn refresh_takes_the_never_read_and_the_oldest_first_and_never_test_patients() {
        each_backend(|db| async move {
            let patient = patient_with_gp_record(&db).await;
            let test_patient = crate::db::patients::Patient {
                id: "patient-test".into(),
                nhs_number: NhsNumber::parse("9990000026").unwrap(),
                is_test: true,
                ..sample_patient()
            };
            patients::upsert(db.pool(), &test_patient, 1).await.unwrap();
            let due = due_for_refresh(db.pool(), 100, 10).await.unwrap();
            assert_eq!(due, vec![(patient.id.clone(), patient.nhs_number)]);
            let record = full_record(&patient.nhs_number.digits());
            record_read(&db, &patient.id, &patient.nhs_number, &record, None, 150)
                .await
                .unwrap();
            assert!(due_for_refresh(db.pool(), 100, 10)
                .await
                .unwrap()
                .is_empty());
            assert_eq!(due_for_refresh(db.pool(), 200, 10).await.unwrap().len(), 1);
            // A record PDS no longer has is not asked for again until it is due like any other.
            let event = NewAuditEvent {
                kind: audit::AuditKind::PdsRecordGone,
                actor: "system",
                practice_ods: Some("T00001"),
                patient_id: Some(&patient.id),
                detail: "gone",
            };
            record_gone(&db, &patient.id, RecordStatus::NotFound, &event, 300)
                .await
                .unwrap();
            assert!(due_for_refresh(db.pool(), 200, 10)
                .await
                .unwrap()
                .is_empty());
            let snapshot = find(db.pool(), &patient.id).await.unwrap().unwrap();
            assert_eq!(snapshot.status, RecordStatus::NotFound);
            assert_eq!(
                snapshot.given_name.as_deref(),
                Some("Sam"),
                "last values kept"
            );
        })
        .await;
    }
}
