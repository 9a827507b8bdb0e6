//! GP practices: the ODS code, name, clinical system and which online services they offer.

use sqlx::{Any, Executor};

use super::DbError;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::each_backend;

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
