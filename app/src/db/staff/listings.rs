//! What the staff area lists: test patients, replacement requests, the differences between
//! GP records and PDS, the NHS numbers locked for the day, and the audit log, each for the
//! member's practices only.

use super::{practice_filter, StaffMember};
use crate::db::audit::{AuditEvent, AuditKind};
use crate::db::{date_from_sql, Db, DbError};
use crate::domain::{DemographicField, NhsNumber, OdsCode, Recorded, ReplacementState};

/// A patient as the staff lists show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientListing {
    pub id: String,
    pub practice_ods: OdsCode,
    pub nhs_number: NhsNumber,
    /// From the GP record; empty if there is none.
    pub given_name: String,
    pub family_name: String,
    pub is_test: bool,
}

#[derive(sqlx::FromRow)]
struct PatientListingRow {
    id: String,
    practice_ods: String,
    nhs_number: String,
    given_name: String,
    family_name: String,
    is_test: i64,
}

impl TryFrom<PatientListingRow> for PatientListing {
    type Error = DbError;
    fn try_from(row: PatientListingRow) -> Result<Self, DbError> {
        Ok(Self {
            practice_ods: stored_ods_code(&row.id, &row.practice_ods)?,
            nhs_number: stored_nhs_number(&row.id, &row.nhs_number)?,
            given_name: row.given_name,
            family_name: row.family_name,
            is_test: row.is_test != 0,
            id: row.id,
        })
    }
}

/// An NHS number as stored (10 digits), or the error saying whose is not one.
fn stored_nhs_number(patient_id: &str, digits: &str) -> Result<NhsNumber, DbError> {
    NhsNumber::parse(digits)
        .map_err(|_| DbError::Corrupt(format!("patient {patient_id}: NHS number")))
}

/// A practice's ODS code as stored, or the error saying whose is not one.
fn stored_ods_code(patient_id: &str, code: &str) -> Result<OdsCode, DbError> {
    OdsCode::parse(code).map_err(|_| DbError::Corrupt(format!("patient {patient_id}: ODS code")))
}

const LISTING: &str = "SELECT p.id, p.practice_ods, p.nhs_number,
        COALESCE(d.given_name, '') AS given_name, COALESCE(d.family_name, '') AS family_name, p.is_test
     FROM patients p
     LEFT JOIN demographics d ON d.patient_id = p.id AND d.source = 'clinical_system'";

/// The member's practices' test patients, newest first.
pub async fn test_patients(db: &Db, member: &StaffMember) -> Result<Vec<PatientListing>, DbError> {
    let (filter, codes) = practice_filter(member, "p.practice_ods", 1);
    let sql =
        format!("{LISTING} WHERE p.is_test = 1 AND {filter} ORDER BY p.created_at DESC, p.id");
    let mut query = sqlx::query_as::<_, PatientListingRow>(&sql);
    for code in &codes {
        query = query.bind(code);
    }
    query
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(PatientListing::try_from)
        .collect()
}

/// A replacement request of one of the member's practices' patients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestListing {
    pub reference: String,
    pub patient_id: String,
    /// The patient's practice: whose log the staff member's reading it goes in.
    pub practice_ods: OdsCode,
    pub nhs_number: NhsNumber,
    /// From the GP record; empty if there is none.
    pub given_name: String,
    pub family_name: String,
    /// When the request was made (Unix seconds).
    pub created_at: i64,
    /// Pending (waiting for a PIN document), cancelled or completed.
    pub state: ReplacementState,
}

#[derive(sqlx::FromRow)]
struct RequestListingRow {
    reference: String,
    patient_id: String,
    practice_ods: String,
    nhs_number: String,
    given_name: String,
    family_name: String,
    created_at: i64,
    status: String,
}

/// The newest 100 replacement requests of the member's practices' patients, newest first.
pub async fn replacement_requests(
    db: &Db,
    member: &StaffMember,
) -> Result<Vec<RequestListing>, DbError> {
    let (filter, codes) = practice_filter(member, "r.practice_ods", 1);
    let sql = format!(
        "SELECT r.reference, r.patient_id, p.practice_ods, p.nhs_number,
                COALESCE(d.given_name, '') AS given_name, COALESCE(d.family_name, '') AS family_name,
                r.created_at, r.status
         FROM replacement_requests r
         JOIN patients p ON p.id = r.patient_id
         LEFT JOIN demographics d ON d.patient_id = p.id AND d.source = 'clinical_system'
         WHERE {filter} ORDER BY r.created_at DESC LIMIT 100"
    );
    let mut query = sqlx::query_as::<_, RequestListingRow>(&sql);
    for code in &codes {
        query = query.bind(code);
    }
    query
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|row| {
            Ok(RequestListing {
                nhs_number: stored_nhs_number(&row.patient_id, &row.nhs_number)?,
                practice_ods: stored_ods_code(&row.patient_id, &row.practice_ods)?,
                reference: row.reference,
                patient_id: row.patient_id,
                given_name: row.given_name,
                family_name: row.family_name,
                created_at: row.created_at,
                state: ReplacementState::from_code(&row.status)
                    .ok_or_else(|| DbError::Corrupt(format!("request status {:?}", row.status)))?,
            })
        })
        .collect()
}

/// One field on which the GP record and PDS disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub patient_id: String,
    /// The patient's practice: whose log the staff member's reading it goes in.
    pub practice_ods: OdsCode,
    pub nhs_number: NhsNumber,
    pub field: DemographicField,
    pub gp_record: Recorded,
    pub pds: Recorded,
}

#[derive(sqlx::FromRow)]
struct PairRow {
    patient_id: String,
    practice_ods: String,
    nhs_number: String,
    gp_given: String,
    gp_family: String,
    gp_dob: String,
    gp_address: String,
    gp_postcode: String,
    pds_given: Option<String>,
    pds_family: Option<String>,
    pds_dob: Option<String>,
    pds_address: Option<String>,
    pds_postcode: Option<String>,
}

/// Every field that differs between the two sources, for the member's practices' patients.
pub async fn demographic_mismatches(
    db: &Db,
    member: &StaffMember,
) -> Result<Vec<Mismatch>, DbError> {
    let (filter, codes) = practice_filter(member, "p.practice_ods", 1);
    let sql = format!(
        "SELECT p.id AS patient_id, p.practice_ods, p.nhs_number,
                g.given_name AS gp_given, g.family_name AS gp_family, g.date_of_birth AS gp_dob,
                g.address_line AS gp_address, g.postcode AS gp_postcode,
                s.given_name AS pds_given, s.family_name AS pds_family, s.date_of_birth AS pds_dob,
                s.address_line AS pds_address, s.postcode AS pds_postcode
         FROM patients p
         JOIN demographics g ON g.patient_id = p.id AND g.source = 'clinical_system'
         JOIN pds_records s ON s.patient_id = p.id
         WHERE {filter} ORDER BY p.nhs_number"
    );
    let mut query = sqlx::query_as::<_, PairRow>(&sql);
    for code in &codes {
        query = query.bind(code);
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut out = Vec::new();
    for row in rows {
        let nhs_number = stored_nhs_number(&row.patient_id, &row.nhs_number)?;
        let practice_ods = stored_ods_code(&row.patient_id, &row.practice_ods)?;
        // A field PDS left out (a minimal record) is not a difference: nothing to compare.
        let mut push = |field: DemographicField, gp: Recorded, pds: Option<Recorded>| {
            if let Some(pds) = pds.filter(|pds| !gp.same_as(pds)) {
                out.push(Mismatch {
                    patient_id: row.patient_id.clone(),
                    practice_ods: practice_ods.clone(),
                    nhs_number,
                    field,
                    gp_record: gp,
                    pds,
                });
            }
        };
        use DemographicField as Field;
        use Recorded::Text;
        push(
            Field::GivenName,
            Text(row.gp_given),
            row.pds_given.map(Text),
        );
        push(
            Field::FamilyName,
            Text(row.gp_family),
            row.pds_family.map(Text),
        );
        let gp_dob = Recorded::Date(date_from_sql(&row.gp_dob)?);
        let pds_dob = row
            .pds_dob
            .as_deref()
            .map(date_from_sql)
            .transpose()?
            .map(Recorded::Date);
        push(Field::DateOfBirth, gp_dob, pds_dob);
        push(
            Field::Address,
            Text(row.gp_address),
            row.pds_address.map(Text),
        );
        push(
            Field::Postcode,
            Text(row.gp_postcode),
            row.pds_postcode.map(Text),
        );
    }
    Ok(out)
}

/// A patient whose NHS number reached the daily cap on identity checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyLockListing {
    pub patient_id: String,
    pub practice_ods: OdsCode,
    pub nhs_number: NhsNumber,
    /// From the GP record; empty if there is none.
    pub given_name: String,
    pub family_name: String,
    /// When the cap was last reached (Unix seconds).
    pub locked_at: i64,
}

#[derive(sqlx::FromRow)]
struct DailyLockRow {
    id: String,
    practice_ods: String,
    nhs_number: String,
    given_name: String,
    family_name: String,
    locked_at: i64,
}

/// The member's practices' patients whose NHS number reached the daily cap on identity checks
/// after `since` (so is locked still, when `since` is the cap's lock time ago), most recent
/// first, at most 100. Read from the audit log, which names the patient; a number that belongs
/// to nobody has no practice to tell.
pub async fn daily_locked_patients(
    db: &Db,
    member: &StaffMember,
    since: i64,
) -> Result<Vec<DailyLockListing>, DbError> {
    let (filter, codes) = practice_filter(member, "p.practice_ods", 3);
    let sql = format!(
        "SELECT p.id, p.practice_ods, p.nhs_number,
                COALESCE(d.given_name, '') AS given_name, COALESCE(d.family_name, '') AS family_name,
                MAX(e.occurred_at) AS locked_at
         FROM audit_events e
         JOIN patients p ON p.id = e.patient_id
         LEFT JOIN demographics d ON d.patient_id = p.id AND d.source = 'clinical_system'
         WHERE e.kind = $1 AND e.occurred_at > $2 AND {filter}
         GROUP BY p.id, p.practice_ods, p.nhs_number, d.given_name, d.family_name
         ORDER BY locked_at DESC, p.id LIMIT 100"
    );
    let mut query = sqlx::query_as::<_, DailyLockRow>(&sql)
        .bind(AuditKind::IdentityCheckDailyLockout.code())
        .bind(since);
    for code in &codes {
        query = query.bind(code);
    }
    query
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|row| {
            Ok(DailyLockListing {
                practice_ods: OdsCode::parse(&row.practice_ods)
                    .map_err(|_| DbError::Corrupt(format!("patient {}: ODS code", row.id)))?,
                nhs_number: stored_nhs_number(&row.id, &row.nhs_number)?,
                given_name: row.given_name,
                family_name: row.family_name,
                locked_at: row.locked_at,
                patient_id: row.id,
            })
        })
        .collect()
}

/// How many staff sign-in alerts (`staff_sign_in_alert`, many failures on one username from
/// anywhere) were raised after `since`: for administrators' home page. Counted from the audit
/// log by its kind index.
pub async fn staff_sign_in_alerts(db: &Db, since: i64) -> Result<i64, DbError> {
    Ok(
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE kind = $1 AND occurred_at > $2",
        )
        .bind(AuditKind::StaffSignInAlert.code())
        .bind(since)
        .fetch_one(db.pool())
        .await?,
    )
}

/// How many audit entries one page of the log shows.
pub const AUDIT_PAGE_SIZE: i64 = 20;

/// One page of the audit log of the member's practices, newest first, optionally for one
/// patient and one kind of event; also says whether there is a next page. Events of no
/// practice (staff sign-ins and lockouts, lockouts of a connection, reads that showed nothing
/// of one practice) are an administrator's to see: `practice_filter` lets an administrator
/// see every row, and its `IN` list never matches a missing practice.
pub async fn audit_page(
    db: &Db,
    member: &StaffMember,
    patient_id: Option<&str>,
    kind: Option<&str>,
    page: i64,
) -> Result<(Vec<AuditEvent>, bool), DbError> {
    let (filter, codes) = practice_filter(member, "practice_ods", 5);
    let sql = format!(
        "SELECT id, occurred_at, kind, actor, practice_ods, patient_id, detail FROM audit_events
         WHERE ($1 = '' OR patient_id = $1) AND ($2 = '' OR kind = $2)
           AND {filter}
         ORDER BY occurred_at DESC, id DESC LIMIT $3 OFFSET $4"
    );
    let mut query = sqlx::query_as::<_, AuditEvent>(&sql)
        .bind(patient_id.unwrap_or_default())
        .bind(kind.unwrap_or_default())
        .bind(AUDIT_PAGE_SIZE + 1)
        .bind(page.max(0) * AUDIT_PAGE_SIZE);
    for code in &codes {
        query = query.bind(code);
    }
    let mut events = query.fetch_all(db.pool()).await?;
    let more = events.len() as i64 > AUDIT_PAGE_SIZE;
    events.truncate(AUDIT_PAGE_SIZE as usize);
    Ok((events, more))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::audit::{self, NewAuditEvent};
    use crate::db::patients::tests::{insert_practice, sample_patient};
    use crate::db::patients::{self, Patient};
    use crate::db::testing::each_backend;
    use crate::domain::{ClinicalSystem, StaffUsername};

    fn member(practices: &[&str], is_admin: bool) -> StaffMember {
        StaffMember {
            username: StaffUsername::parse("staff.test").unwrap(),
            is_admin,
            practices: practices
                .iter()
                .map(|c| OdsCode::parse(c).unwrap())
                .collect(),
        }
    }

    fn patient(id: &str, ods: &str, nhs: &str) -> Patient {
        Patient {
            id: id.into(),
            practice_ods: OdsCode::parse(ods).unwrap(),
            nhs_number: NhsNumber::parse(nhs).unwrap(),
            ..sample_patient()
        }
    }

    async fn lockout(db: &Db, kind: AuditKind, ods: &str, patient: &str, at: i64) {
        let event = NewAuditEvent {
            kind,
            actor: "system",
            practice_ods: Some(ods),
            patient_id: Some(patient),
            detail: "test",
        };
        audit::record(db.pool(), &event, at).await.unwrap();
    }

    #[tokio::test]
    async fn daily_locks_are_listed_for_the_patients_practice_and_for_a_day_only() {
        each_backend(|db| async move {
            insert_practice(&db, "T00001", ClinicalSystem::Tpp).await;
            insert_practice(&db, "E00001", ClinicalSystem::Emis).await;
            for p in [
                patient("dana", "T00001", "9990000069"),
                patient("chris", "E00001", "9990000042"),
                patient("old", "T00001", "9990000018"),
                patient("short", "T00001", "9990000050"),
            ] {
                patients::upsert(db.pool(), &p, 1).await.unwrap();
            }
            let now = 1_000_000;
            let since = now - 86_400;
            let daily = AuditKind::IdentityCheckDailyLockout;
            lockout(&db, daily, "T00001", "dana", now - 60).await;
            lockout(&db, daily, "T00001", "dana", now - 30).await;
            lockout(&db, daily, "E00001", "chris", now - 3_600).await;
            // A day ago exactly: the lock has ended.
            lockout(&db, daily, "T00001", "old", since).await;
            // A 15-minute lock is not a daily one.
            lockout(&db, AuditKind::ReplacementLockout, "T00001", "short", now).await;

            let listed = |member: StaffMember| {
                let db = db.clone();
                async move {
                    daily_locked_patients(&db, &member, since)
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|l| (l.patient_id, l.locked_at))
                        .collect::<Vec<_>>()
                }
            };
            let dana = || ("dana".to_owned(), now - 30);
            let chris = || ("chris".to_owned(), now - 3_600);
            assert_eq!(listed(member(&["T00001"], false)).await, [dana()]);
            assert_eq!(listed(member(&["E00001"], false)).await, [chris()]);
            assert_eq!(listed(member(&[], false)).await, []);
            assert_eq!(listed(member(&[], true)).await, [dana(), chris()]);
            let rows = daily_locked_patients(&db, &member(&["T00001"], false), since)
                .await
                .unwrap();
            assert_eq!(rows[0].nhs_number.digits(), "9990000069");
            assert_eq!(rows[0].practice_ods.as_str(), "T00001");
        })
        .await;
    }
}
