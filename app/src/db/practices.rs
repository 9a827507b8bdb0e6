//! GP practices: the ODS code, name, clinical system and which online services they offer.

use sqlx::{Any, Executor};

use super::audit::{self, AuditKind, NewAuditEvent};
use super::{Db, DbError};
use crate::domain::{ClinicalSystem, OdsCode};

/// A GP practice as Relink knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    pub ods_code: OdsCode,
    pub name: String,
    pub clinical_system: ClinicalSystem,
    pub services: PracticeServices,
}

/// The online services a practice has switched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PracticeServices {
    pub appointments: bool,
    pub prescriptions: bool,
    pub record: bool,
    pub messages: bool,
}

impl PracticeServices {
    pub const ALL: Self = Self {
        appointments: true,
        prescriptions: true,
        record: true,
        messages: true,
    };
}

impl From<PracticeServices> for crate::domain::ServiceSwitches {
    fn from(s: PracticeServices) -> Self {
        Self {
            appointments: s.appointments,
            prescriptions: s.prescriptions,
            record: s.record,
            messages: s.messages,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PracticeRow {
    ods_code: String,
    name: String,
    clinical_system: String,
    offers_appointments: i64,
    offers_prescriptions: i64,
    offers_record: i64,
    offers_messages: i64,
}

impl TryFrom<PracticeRow> for Practice {
    type Error = DbError;
    fn try_from(row: PracticeRow) -> Result<Self, DbError> {
        Ok(Self {
            ods_code: OdsCode::parse(&row.ods_code)
                .map_err(|_| DbError::Corrupt(format!("ODS code {:?}", row.ods_code)))?,
            name: row.name,
            clinical_system: ClinicalSystem::from_code(&row.clinical_system).ok_or_else(|| {
                DbError::Corrupt(format!("clinical system {:?}", row.clinical_system))
            })?,
            services: PracticeServices {
                appointments: row.offers_appointments != 0,
                prescriptions: row.offers_prescriptions != 0,
                record: row.offers_record != 0,
                messages: row.offers_messages != 0,
            },
        })
    }
}

/// Creates the practice or brings its details up to date.
pub async fn upsert<'e>(
    exec: impl Executor<'e, Database = Any>,
    practice: &Practice,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO practices (ods_code, name, clinical_system, offers_appointments, offers_prescriptions, offers_record, offers_messages)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (ods_code) DO UPDATE SET name = excluded.name, clinical_system = excluded.clinical_system,
             offers_appointments = excluded.offers_appointments, offers_prescriptions = excluded.offers_prescriptions,
             offers_record = excluded.offers_record, offers_messages = excluded.offers_messages",
    )
    .bind(practice.ods_code.as_str())
    .bind(&practice.name)
    .bind(practice.clinical_system.code())
    .bind(i64::from(practice.services.appointments))
    .bind(i64::from(practice.services.prescriptions))
    .bind(i64::from(practice.services.record))
    .bind(i64::from(practice.services.messages))
    .execute(exec)
    .await?;
    Ok(())
}

pub async fn find<'e>(
    exec: impl Executor<'e, Database = Any>,
    ods_code: &OdsCode,
) -> Result<Option<Practice>, DbError> {
    sqlx::query_as::<_, PracticeRow>(
        "SELECT ods_code, name, clinical_system, offers_appointments, offers_prescriptions, offers_record, offers_messages
         FROM practices WHERE ods_code = $1",
    )
    .bind(ods_code.as_str())
    .fetch_optional(exec)
    .await?
    .map(Practice::try_from)
    .transpose()
}

/// The longest practice name Relink keeps: room for any real one, not for pasted documents.
pub const MAX_NAME_CHARS: usize = 100;

/// Why a practice name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PracticeNameError {
    #[error("the practice name is empty")]
    Empty,
    #[error("the practice name must be {MAX_NAME_CHARS} characters or fewer")]
    TooLong,
}

/// A practice name as typed, made fit to print on one line of a PIN document, a table or a
/// terminal: runs of whitespace (newlines, tabs) become one space and other control characters
/// are dropped; then it must be neither empty nor longer than [`MAX_NAME_CHARS`].
pub fn practice_name(input: &str) -> Result<String, PracticeNameError> {
    let name = input
        .split_whitespace()
        .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        Err(PracticeNameError::Empty)
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(PracticeNameError::TooLong)
    } else {
        Ok(name)
    }
}

/// What [`add`] did: a practice is added once; its ODS code is its identity, so a second add
/// with the same code changes nothing (the caller tells the person, who may have mistyped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Added,
    AlreadyExists,
}

/// Adds a new practice and audits it, in one transaction (`actor` is the staff username, or
/// "system" from the command line). A practice with that ODS code already there is
/// [`Added::AlreadyExists`] and nothing is written: an existing practice's details are never
/// overwritten by an add. The insert comes first, so on SQLite the transaction takes the
/// write lock at once rather than failing with SQLITE_BUSY after a read.
pub async fn add(db: &Db, practice: &Practice, actor: &str, now: i64) -> Result<Added, DbError> {
    let mut tx = db.pool().begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO practices (ods_code, name, clinical_system, offers_appointments, offers_prescriptions, offers_record, offers_messages)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (ods_code) DO NOTHING",
    )
    .bind(practice.ods_code.as_str())
    .bind(&practice.name)
    .bind(practice.clinical_system.code())
    .bind(i64::from(practice.services.appointments))
    .bind(i64::from(practice.services.prescriptions))
    .bind(i64::from(practice.services.record))
    .bind(i64::from(practice.services.messages))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        tx.rollback().await?;
        return Ok(Added::AlreadyExists);
    }
    let detail = format!(
        "Practice {} added ({}{})",
        practice.ods_code,
        practice.clinical_system.display_name(),
        if practice.ods_code.is_welsh() {
            ", Welsh"
        } else {
            ""
        }
    );
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::PracticeAdded,
            actor,
            practice_ods: Some(practice.ods_code.as_str()),
            patient_id: None,
            detail: &detail,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Added::Added)
}

/// Every practice, in ODS code order: the list administrators manage.
pub async fn list<'e>(exec: impl Executor<'e, Database = Any>) -> Result<Vec<Practice>, DbError> {
    sqlx::query_as::<_, PracticeRow>(
        "SELECT ods_code, name, clinical_system, offers_appointments, offers_prescriptions, offers_record, offers_messages
         FROM practices ORDER BY ods_code",
    )
    .fetch_all(exec)
    .await?
    .into_iter()
    .map(Practice::try_from)
    .collect()
}

/// How many patients each practice has (test patients not counted: they are staff's own
/// made-up records), by ODS code; a practice with none is not in the map.
pub async fn patient_counts<'e>(
    exec: impl Executor<'e, Database = Any>,
) -> Result<std::collections::BTreeMap<OdsCode, i64>, DbError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT practice_ods, COUNT(*) FROM patients WHERE is_test = 0 GROUP BY practice_ods",
    )
    .fetch_all(exec)
    .await?;
    rows.into_iter()
        .map(|(ods, count)| {
            OdsCode::parse(&ods)
                .map(|code| (code, count))
                .map_err(|_| DbError::Corrupt(format!("ODS code {ods:?}")))
        })
        .collect()
}

/// The ODS code of every practice, in order: the practices an administrator may see.
pub async fn all_ods_codes<'e>(
    exec: impl Executor<'e, Database = Any>,
) -> Result<Vec<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT ods_code FROM practices ORDER BY ods_code")
            .fetch_all(exec)
            .await?,
    )
}

/// What [`change_system`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemChange {
    /// No practice has that ODS code; nothing written.
    NoSuchPractice,
    /// The practice already uses that system; nothing written.
    Unchanged,
    /// The system changed, and online access to this many live accounts ended.
    Changed { accounts_ended: u64 },
}

/// A practice moves to another clinical system: in one transaction, the system changes and
/// every live account there ends ([`super::accounts::end_access`]: what the old system printed
/// no longer works, and the patients are told so and asked for a new PIN document), audited
/// once for the practice. The update comes first, so SQLite's write lock is held before any read.
pub async fn change_system(
    db: &Db,
    ods: &OdsCode,
    system: ClinicalSystem,
    actor: &str,
    now: i64,
) -> Result<SystemChange, DbError> {
    use super::accounts::{self, EndScope};
    use crate::domain::AccessEnd;
    let mut tx = db.pool().begin().await?;
    let changed = sqlx::query(
        "UPDATE practices SET clinical_system = $1 WHERE ods_code = $2 AND clinical_system <> $1",
    )
    .bind(system.code())
    .bind(ods.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        let exists = find(&mut *tx, ods).await?.is_some();
        tx.rollback().await?;
        return Ok(if exists {
            SystemChange::Unchanged
        } else {
            SystemChange::NoSuchPractice
        });
    }
    let ended = accounts::end_access(
        &mut tx,
        EndScope::Practice(ods),
        AccessEnd::SystemChanged,
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::PracticeSystemChanged,
            actor,
            practice_ods: Some(ods.as_str()),
            patient_id: None,
            detail: &format!(
                "Clinical system changed to {}; online access to {ended} account(s) ended",
                system.display_name()
            ),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(SystemChange::Changed {
        accounts_ended: ended,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;

    fn practice(code: &str, name: &str, system: ClinicalSystem) -> Practice {
        Practice {
            ods_code: OdsCode::parse(code).unwrap(),
            name: name.into(),
            clinical_system: system,
            services: PracticeServices::ALL,
        }
    }

    #[test]
    fn names_are_one_line_and_not_empty() {
        assert_eq!(
            practice_name("  Riverside\n Surgery\t").as_deref(),
            Ok("Riverside Surgery")
        );
        assert_eq!(
            practice_name("Glan\u{7}yr Afon").as_deref(),
            Ok("Glanyr Afon")
        );
        assert_eq!(practice_name(" \n "), Err(PracticeNameError::Empty));
        assert_eq!(practice_name("\u{1b}"), Err(PracticeNameError::Empty));
        assert_eq!(practice_name(&"é".repeat(100)).map(|n| n.len()), Ok(200));
        assert_eq!(
            practice_name(&"a".repeat(101)),
            Err(PracticeNameError::TooLong)
        );
    }

    #[tokio::test]
    async fn add_writes_once_with_an_audit_event_and_list_is_in_code_order() {
        each_backend(|db| async move {
            let before = list(db.pool()).await.unwrap().len();
            let riverside = practice("T00002", "Riverside Two", ClinicalSystem::Tpp);
            let welsh = practice("W00002", "Meddygfa Newydd", ClinicalSystem::Emis);
            let early = practice("A00002", "Abbey Surgery", ClinicalSystem::Emis);
            for p in [&riverside, &welsh, &early] {
                assert_eq!(add(&db, p, "admin.one", 100).await.unwrap(), Added::Added);
            }
            // The same code again, with other details: nothing changes, nothing is logged.
            let mut clash = riverside.clone();
            clash.name = "Somewhere Else".into();
            clash.clinical_system = ClinicalSystem::Emis;
            assert_eq!(
                add(&db, &clash, "admin.one", 101).await.unwrap(),
                Added::AlreadyExists
            );
            assert_eq!(
                find(db.pool(), &riverside.ods_code).await.unwrap(),
                Some(riverside.clone())
            );
            let listed = list(db.pool()).await.unwrap();
            assert_eq!(listed.len(), before + 3);
            let codes: Vec<&str> = listed.iter().map(|p| p.ods_code.as_str()).collect();
            let mut sorted = codes.clone();
            sorted.sort_unstable();
            assert_eq!(codes, sorted);
            assert!(listed.contains(&welsh) && listed.contains(&early));
            assert_eq!(
                audit::count_of_kind(db.pool(), AuditKind::PracticeAdded)
                    .await
                    .unwrap(),
                3
            );
            let (actor, ods, detail): (String, String, String) = sqlx::query_as(
                "SELECT actor, practice_ods, detail FROM audit_events WHERE kind = 'practice_added' AND practice_ods = 'W00002'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!(
                (actor.as_str(), ods.as_str(), detail.as_str()),
                (
                    "admin.one",
                    "W00002",
                    "Practice W00002 added (EMIS Web (Optum), Welsh)"
                )
            );
            assert!(audit::verify_chain(&db).await.unwrap().first_broken.is_none());
        })
        .await;
    }

    #[tokio::test]
    async fn patient_counts_leave_out_test_patients() {
        each_backend(|db| async move {
            add(&db, &practice("T00002", "Riverside Two", ClinicalSystem::Tpp), "system", 1)
                .await
                .unwrap();
            add(&db, &practice("T00003", "Empty", ClinicalSystem::Tpp), "system", 1)
                .await
                .unwrap();
            for (id, nhs, is_test) in [
                ("p1", "9990000018", 0),
                ("p2", "9990000026", 0),
                ("p3", "9990000034", 1),
            ] {
                sqlx::query(
                    "INSERT INTO patients (id, practice_ods, nhs_number, is_test, joined_practice_on, created_at)
                     VALUES ($1, 'T00002', $2, $3, '2020-01-01', 1)",
                )
                .bind(id)
                .bind(nhs)
                .bind(is_test)
                .execute(db.pool())
                .await
                .unwrap();
            }
            let counts = patient_counts(db.pool()).await.unwrap();
            assert_eq!(counts.get(&OdsCode::parse("T00002").unwrap()), Some(&2));
            assert_eq!(counts.get(&OdsCode::parse("T00003").unwrap()), None);
        })
        .await;
    }

    #[tokio::test]
    async fn upsert_then_find_on_each_backend() {
        each_backend(|db| async move {
            let mut practice = Practice {
                ods_code: OdsCode::parse("T00001").unwrap(),
                name: "Riverside Surgery".into(),
                clinical_system: ClinicalSystem::Tpp,
                services: PracticeServices::ALL,
            };
            upsert(db.pool(), &practice).await.unwrap();
            practice.name = "Riverside Surgery (renamed)".into();
            practice.services.messages = false;
            upsert(db.pool(), &practice).await.unwrap();
            assert_eq!(
                find(db.pool(), &practice.ods_code).await.unwrap(),
                Some(practice)
            );
            assert_eq!(
                find(db.pool(), &OdsCode::parse("X99999").unwrap())
                    .await
                    .unwrap(),
                None
            );
        })
        .await;
    }
}
