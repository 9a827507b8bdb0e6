//! Patients, their record-access settings, and their demographics from the two sources.

use sqlx::{Any, Executor};
use time::Date;

use super::{date_from_sql, date_to_sql, DbError};
use crate::domain::{NhsNumber, OdsCode, RecordAccessLevel, VisibleFromRule};

/// A patient registered at a practice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: String,
    pub practice_ods: OdsCode,
    pub nhs_number: NhsNumber,
    pub is_test: bool,
    pub joined_practice_on: Date,
    pub access_requested_on: Option<Date>,
    pub record_access: RecordAccessLevel,
    pub visible_from_rule: VisibleFromRule,
    /// The date set in the clinical system; used when the rule is [`VisibleFromRule::PracticeSetDate`].
    pub visible_from_set: Option<Date>,
    pub settings: PatientServiceSettings,
}

/// Services the patient (or practice, for this patient) has switched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatientServiceSettings {
    pub appointments: bool,
    pub prescriptions: bool,
    pub record: bool,
    pub messages: bool,
}

impl PatientServiceSettings {
    /// Nothing switched on: a patient brought in by an import, until they are registered for
    /// online services.
    pub const NONE: Self = Self {
        appointments: false,
        prescriptions: false,
        record: false,
        messages: false,
    };
}

impl From<PatientServiceSettings> for crate::domain::ServiceSwitches {
    fn from(s: PatientServiceSettings) -> Self {
        Self {
            appointments: s.appointments,
            prescriptions: s.prescriptions,
            record: s.record,
            messages: s.messages,
        }
    }
}

/// Where a demographic record comes from: the practice's clinical system or PDS on Spine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemographicSource {
    ClinicalSystem,
    Pds,
}

impl DemographicSource {
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "clinical_system" => Some(Self::ClinicalSystem),
            "pds" => Some(Self::Pds),
            _ => None,
        }
    }
}

/// A patient's details as one source holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demographics {
    pub source: DemographicSource,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub address_line: String,
    pub postcode: String,
}

#[derive(sqlx::FromRow)]
struct PatientRow {
    id: String,
    practice_ods: String,
    nhs_number: String,
    is_test: i64,
    joined_practice_on: String,
    access_requested_on: Option<String>,
    record_access_level: String,
    record_visible_rule: String,
    record_visible_from: Option<String>,
    wants_appointments: i64,
    wants_prescriptions: i64,
    wants_record: i64,
    wants_messages: i64,
}

impl TryFrom<PatientRow> for Patient {
    type Error = DbError;
    fn try_from(row: PatientRow) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("patient {}: {what}", row.id));
        Ok(Self {
            practice_ods: OdsCode::parse(&row.practice_ods).map_err(|_| corrupt("ODS code"))?,
            nhs_number: NhsNumber::parse(&row.nhs_number).map_err(|_| corrupt("NHS number"))?,
            is_test: row.is_test != 0,
            joined_practice_on: date_from_sql(&row.joined_practice_on)?,
            access_requested_on: row
                .access_requested_on
                .as_deref()
                .map(date_from_sql)
                .transpose()?,
            record_access: RecordAccessLevel::from_code(&row.record_access_level)
                .ok_or_else(|| corrupt("access level"))?,
            visible_from_rule: VisibleFromRule::from_code(&row.record_visible_rule)
                .ok_or_else(|| corrupt("visible-from rule"))?,
            visible_from_set: row
                .record_visible_from
                .as_deref()
                .map(date_from_sql)
                .transpose()?,
            settings: PatientServiceSettings {
                appointments: row.wants_appointments != 0,
                prescriptions: row.wants_prescriptions != 0,
                record: row.wants_record != 0,
                messages: row.wants_messages != 0,
            },
            id: row.id,
        })
    }
}

/// Creates the patient or brings their settings up to date (matched on id).
pub async fn upsert<'e>(
    exec: impl Executor<'e, Database = Any>,
    patient: &Patient,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO patients (id, practice_ods, nhs_number, is_test, joined_practice_on, access_requested_on,
             record_access_level, record_visible_rule, record_visible_from,
             wants_appointments, wants_prescriptions, wants_record, wants_messages, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (id) DO UPDATE SET practice_ods = excluded.practice_ods, nhs_number = excluded.nhs_number,
             is_test = excluded.is_test, joined_practice_on = excluded.joined_practice_on,
             access_requested_on = excluded.access_requested_on, record_access_level = excluded.record_access_level,
             record_visible_rule = excluded.record_visible_rule, record_visible_from = excluded.record_visible_from,
             wants_appointments = excluded.wants_appointments, wants_prescriptions = excluded.wants_prescriptions,
             wants_record = excluded.wants_record, wants_messages = excluded.wants_messages",
    )
    .bind(&patient.id)
    .bind(patient.practice_ods.as_str())
    .bind(patient.nhs_number.digits())
    .bind(i64::from(patient.is_test))
    .bind(date_to_sql(patient.joined_practice_on))
    .bind(patient.access_requested_on.map(date_to_sql))
    .bind(patient.record_access.code())
    .bind(patient.visible_from_rule.code())
    .bind(patient.visible_from_set.map(date_to_sql))
    .bind(i64::from(patient.settings.appointments))
    .bind(i64::from(patient.settings.prescriptions))
    .bind(i64::from(patient.settings.record))
    .bind(i64::from(patient.settings.messages))
    .bind(now)
    .execute(exec)
    .await?;
    Ok(())
}

const PATIENT_COLUMNS: &str =
    "id, practice_ods, nhs_number, is_test, joined_practice_on, access_requested_on,
    record_access_level, record_visible_rule, record_visible_from,
    wants_appointments, wants_prescriptions, wants_record, wants_messages";

/// The patient with this id, if there is one.
pub async fn find<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<Patient>, DbError> {
    sqlx::query_as::<_, PatientRow>(&format!(
        "SELECT {PATIENT_COLUMNS} FROM patients WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(exec)
    .await?
    .map(Patient::try_from)
    .transpose()
}

/// The patient with this NHS number, if there is one.
pub async fn find_by_nhs_number<'e>(
    exec: impl Executor<'e, Database = Any>,
    nhs_number: &NhsNumber,
) -> Result<Option<Patient>, DbError> {
    sqlx::query_as::<_, PatientRow>(&format!(
        "SELECT {PATIENT_COLUMNS} FROM patients WHERE nhs_number = $1"
    ))
    .bind(nhs_number.digits())
    .fetch_optional(exec)
    .await?
    .map(Patient::try_from)
    .transpose()
}

/// Stores what one source holds for the patient, replacing that source's previous record.
/// A PDS record goes to `pds_records` (as read now, unrestricted: the demo and tests seed
/// Spine values this way); a GP record's address is not kept for a patient whose PDS record
/// is restricted.
pub async fn upsert_demographics<'e, E>(
    exec: E,
    patient_id: &str,
    record: &Demographics,
    now: i64,
) -> Result<(), DbError>
where
    E: Executor<'e, Database = Any>,
{
    let query = match record.source {
        DemographicSource::ClinicalSystem => sqlx::query(
            "INSERT INTO demographics (patient_id, source, given_name, family_name, date_of_birth, address_line, postcode, updated_at)
             SELECT $1, 'clinical_system', $2, $3, $4,
                    CASE WHEN r.hidden THEN '' ELSE $5 END, CASE WHEN r.hidden THEN '' ELSE $6 END, $7
             FROM (SELECT EXISTS (SELECT 1 FROM pds_records WHERE patient_id = $1 AND confidentiality <> 'U') AS hidden) r
             WHERE true
             ON CONFLICT (patient_id, source) DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,
                 date_of_birth = excluded.date_of_birth, address_line = excluded.address_line,
                 postcode = excluded.postcode, updated_at = excluded.updated_at",
        ),
        DemographicSource::Pds => sqlx::query(
            "INSERT INTO pds_records (patient_id, given_name, family_name, date_of_birth, address_line, postcode, read_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (patient_id) DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,
                 date_of_birth = excluded.date_of_birth, address_line = excluded.address_line,
                 postcode = excluded.postcode, read_at = excluded.read_at",
        ),
    };
    query
        .bind(patient_id)
        .bind(&record.given_name)
        .bind(&record.family_name)
        .bind(date_to_sql(record.date_of_birth))
        .bind(&record.address_line)
        .bind(&record.postcode)
        .bind(now)
        .execute(exec)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct DemographicsRow {
    source: String,
    given_name: String,
    family_name: String,
    date_of_birth: String,
    address_line: String,
    postcode: String,
}

/// Every source's record for the patient, clinical system first. The PDS one is there when
/// PDS gave a name and a birth date (a minimal record gives neither: see `db::pds::find`).
pub async fn demographics<'e>(
    exec: impl Executor<'e, Database = Any>,
    patient_id: &str,
) -> Result<Vec<Demographics>, DbError> {
    let rows = sqlx::query_as::<_, DemographicsRow>(
        "SELECT source, given_name, family_name, date_of_birth, address_line, postcode
         FROM demographics WHERE patient_id = $1
         UNION ALL
         SELECT 'pds', given_name, family_name, date_of_birth,
                COALESCE(address_line, ''), COALESCE(postcode, '')
         FROM pds_records WHERE patient_id = $2
             AND given_name IS NOT NULL AND family_name IS NOT NULL AND date_of_birth IS NOT NULL
         ORDER BY source",
    )
    .bind(patient_id)
    .bind(patient_id)
    .fetch_all(exec)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(Demographics {
                source: DemographicSource::from_code(&row.source).ok_or_else(|| {
                    DbError::Corrupt(format!("demographic source {:?}", row.source))
                })?,
                given_name: row.given_name,
                family_name: row.family_name,
                date_of_birth: date_from_sql(&row.date_of_birth)?,
                address_line: row.address_line,
                postcode: row.postcode,
            })
        })
        .collect()
}

/// Sets up a test patient in one transaction: the patient, their GP record (test patients are
/// never sent to PDS) and the audit event naming the staff member who did it.
pub async fn create_test_patient(
    db: &super::Db,
    patient: &Patient,
    record: &Demographics,
    created_by: &str,
    now: i64,
) -> Result<(), DbError> {
    use super::audit::{self, AuditKind, NewAuditEvent};
    let mut tx = db.pool().begin().await?;
    upsert(&mut *tx, patient, now).await?;
    upsert_demographics(&mut *tx, &patient.id, record, now).await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::TestPatientCreated,
            actor: created_by,
            practice_ods: Some(patient.practice_ods.as_str()),
            patient_id: Some(&patient.id),
            detail: &format!("Test patient with NHS number {} set up", patient.nhs_number),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a registered patient's record access and services, in one transaction with the
/// audit event naming the staff member and their reason. The patient's account page shows the
/// new settings from then on (it reads them from the patient).
pub async fn change_access(
    db: &super::Db,
    patient: &Patient,
    settings: &super::pin_documents::AccessSettings,
    actor: &str,
    reason: &str,
    now: i64,
) -> Result<(), DbError> {
    use super::audit::{self, AuditKind, NewAuditEvent};
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "UPDATE patients SET record_access_level = $1, record_visible_rule = $2,
             record_visible_from = $3, wants_appointments = $4, wants_prescriptions = $5,
             wants_record = $6, wants_messages = $7
         WHERE id = $8",
    )
    .bind(settings.record_access.code())
    .bind(settings.visible_from_rule.code())
    .bind(settings.visible_from_set.map(date_to_sql))
    .bind(i64::from(settings.services.appointments))
    .bind(i64::from(settings.services.prescriptions))
    .bind(i64::from(settings.services.record))
    .bind(i64::from(settings.services.messages))
    .bind(&patient.id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::RecordAccessChanged,
            actor,
            practice_ods: Some(patient.practice_ods.as_str()),
            patient_id: Some(&patient.id),
            detail: &format!("Changed to {}; reason: {reason}", settings.describe()),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deregisters a patient who left the practice: in one transaction, ends online access to their
/// live accounts ([`super::accounts::end_access`]) and audits it with the staff member and
/// their reason. Returns how many accounts ended (none: nothing was written).
pub async fn end_online_access(
    db: &super::Db,
    patient: &Patient,
    actor: &str,
    reason: &str,
    now: i64,
) -> Result<u64, DbError> {
    use super::accounts::{self, EndScope};
    use super::audit::{self, AuditKind, NewAuditEvent};
    use crate::domain::AccessEnd;
    let mut tx = db.pool().begin().await?;
    let ended = accounts::end_access(
        &mut tx,
        EndScope::Patient(&patient.id),
        AccessEnd::LeftPractice,
        now,
    )
    .await?;
    if ended == 0 {
        tx.rollback().await?;
        return Ok(0);
    }
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::OnlineAccessEnded,
            actor,
            practice_ods: Some(patient.practice_ods.as_str()),
            patient_id: Some(&patient.id),
            detail: &format!("Online access ended: left the practice; reason: {reason}"),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::db::practices::{self, Practice, PracticeServices};
    use crate::db::testing::each_backend;
    use crate::domain::ClinicalSystem;
    use time::macros::date;

    pub(crate) fn sample_patient() -> Patient {
        Patient {
            id: "patient-1".into(),
            practice_ods: OdsCode::parse("T00001").unwrap(),
            nhs_number: NhsNumber::parse("9990000018").unwrap(),
            is_test: false,
            joined_practice_on: date!(2015 - 06 - 01),
            access_requested_on: Some(date!(2024 - 01 - 10)),
            record_access: RecordAccessLevel::DetailedCoded,
            visible_from_rule: VisibleFromRule::RequestedAccess,
            visible_from_set: None,
            settings: PatientServiceSettings {
                appointments: true,
                prescriptions: true,
                record: true,
                messages: false,
            },
        }
    }

    pub(crate) async fn insert_practice(db: &crate::db::Db, ods: &str, system: ClinicalSystem) {
        practices::upsert(
            db.pool(),
            &Practice {
                ods_code: OdsCode::parse(ods).unwrap(),
                name: format!("Practice {ods}"),
                clinical_system: system,
                services: PracticeServices::ALL,
            },
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn patients_and_both_demographic_sources_round_trip() {
        each_backend(|db| async move {
            insert_practice(&db, "T00001", ClinicalSystem::Tpp).await;
            let patient = sample_patient();
            upsert(db.pool(), &patient, 1).await.unwrap();
            assert_eq!(
                find(db.pool(), "patient-1").await.unwrap(),
                Some(patient.clone())
            );
            assert_eq!(
                find_by_nhs_number(db.pool(), &patient.nhs_number)
                    .await
                    .unwrap(),
                Some(patient.clone())
            );

            let gp = Demographics {
                source: DemographicSource::ClinicalSystem,
                given_name: "Sam".into(),
                family_name: "Patel".into(),
                date_of_birth: date!(1980 - 02 - 01),
                address_line: "1 River Road, Riverton".into(),
                postcode: "RV1 2AB".into(),
            };
            let pds = Demographics {
                source: DemographicSource::Pds,
                address_line: "3 Hill Street, Riverton".into(),
                ..gp.clone()
            };
            upsert_demographics(db.pool(), &patient.id, &pds, 1)
                .await
                .unwrap();
            upsert_demographics(db.pool(), &patient.id, &gp, 1)
                .await
                .unwrap();
            assert_eq!(
                demographics(db.pool(), &patient.id).await.unwrap(),
                vec![gp, pds]
            );
        })
        .await;
    }

    #[tokio::test]
    async fn nhs_numbers_are_unique() {
        each_backend(|db| async move {
            insert_practice(&db, "T00001", ClinicalSystem::Tpp).await;
            upsert(db.pool(), &sample_patient(), 1).await.unwrap();
            let twin = Patient {
                id: "patient-2".into(),
                ..sample_patient()
            };
            assert!(upsert(db.pool(), &twin, 1).await.is_err());
        })
        .await;
    }
}
