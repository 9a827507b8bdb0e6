//! Staff members, the practices they work for, their previews of test patients, and the
//! practice-scoped reads behind "what needs your attention". Every read that lists patients
//! or events takes the practices the signed-in member may see and filters by them in SQL.

use sqlx::{Any, Executor};

use super::audit::{self, AuditEvent, AuditKind, NewAuditEvent};
use super::practices::{self, Practice};
use super::{date_from_sql, DbError};
use crate::domain::{DemographicField, NhsNumber, OdsCode, Recorded, StaffUsername};

/// A staff member as the staff area needs them: who, and where they may look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub username: StaffUsername,
    pub is_admin: bool,
    /// The practices they work for. Administrators may see every practice.
    pub practices: Vec<OdsCode>,
}

impl StaffMember {
    /// Whether this member may see and change the patients of the practice.
    pub fn may_see(&self, ods: &OdsCode) -> bool {
        self.is_admin || self.practices.contains(ods)
    }
}

/// Why a staff member could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddStaffError {
    #[error("a staff member called {0} already exists")]
    Exists(String),
    #[error("there is no practice with the ODS code {0}")]
    NoSuchPractice(String),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// Adds a member and their practices in one transaction.
pub async fn add(
    db: &super::Db,
    username: &StaffUsername,
    password_hash: &str,
    is_admin: bool,
    practices: &[OdsCode],
    now: i64,
) -> Result<(), AddStaffError> {
    let mut tx = db.pool().begin().await.map_err(DbError::from)?;
    let inserted = sqlx::query(
        "INSERT INTO staff_members (username, password_hash, is_admin, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING",
    )
    .bind(username.as_str())
    .bind(password_hash)
    .bind(i64::from(is_admin))
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(DbError::from)?
    .rows_affected();
    if inserted == 0 {
        return Err(AddStaffError::Exists(username.to_string()));
    }
    for ods in practices {
        if super::practices::find(&mut *tx, ods).await?.is_none() {
            return Err(AddStaffError::NoSuchPractice(ods.to_string()));
        }
        sqlx::query("INSERT INTO staff_practices (username, practice_ods) VALUES ($1, $2)")
            .bind(username.as_str())
            .bind(ods.as_str())
            .execute(&mut *tx)
            .await
            .map_err(DbError::from)?;
    }
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::StaffAdded,
            actor: "system",
            practice_ods: practices.first().map(OdsCode::as_str),
            patient_id: None,
            detail: &format!("Staff member {username} added"),
        },
        now,
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Sets the password (demo seeding: the demo passwords are known).
pub async fn set_password_hash<'e>(
    exec: impl Executor<'e, Database = Any>,
    username: &StaffUsername,
    password_hash: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE staff_members SET password_hash = $1 WHERE username = $2")
        .bind(password_hash)
        .bind(username.as_str())
        .execute(exec)
        .await?;
    Ok(())
}

/// The member's stored Argon2id PHC string, for sign-in verification only.
pub async fn password_hash<'e>(
    exec: impl Executor<'e, Database = Any>,
    username: &StaffUsername,
) -> Result<Option<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM staff_members WHERE username = $1")
            .bind(username.as_str())
            .fetch_optional(exec)
            .await?,
    )
}

/// The member with this username and the practices they work for, if there is one: who a
/// live staff session belongs to.
pub async fn find(db: &super::Db, username: &str) -> Result<Option<StaffMember>, DbError> {
    let Some(is_admin) =
        sqlx::query_scalar::<_, i64>("SELECT is_admin FROM staff_members WHERE username = $1")
            .bind(username)
            .fetch_optional(db.pool())
            .await?
    else {
        return Ok(None);
    };
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT practice_ods FROM staff_practices WHERE username = $1 ORDER BY practice_ods",
    )
    .bind(username)
    .fetch_all(db.pool())
    .await?;
    let practices = codes
        .iter()
        .map(|c| OdsCode::parse(c).map_err(|_| DbError::Corrupt(format!("ODS code {c:?}"))))
        .collect::<Result<_, _>>()?;
    let username = StaffUsername::parse(username)
        .map_err(|_| DbError::Corrupt(format!("username {username:?}")))?;
    Ok(Some(StaffMember {
        username,
        is_admin: is_admin != 0,
        practices,
    }))
}

/// The practices the member may see, with their names, in ODS code order: every practice for
/// an administrator. A code that names no practice (or is not a valid one) is left out.
pub async fn practices_of(db: &super::Db, member: &StaffMember) -> Result<Vec<Practice>, DbError> {
    let codes: Vec<OdsCode> = if member.is_admin {
        practices::all_ods_codes(db.pool())
            .await?
            .iter()
            .filter_map(|code| OdsCode::parse(code).ok())
            .collect()
    } else {
        member.practices.clone()
    };
    let mut out = Vec::new();
    for ods in &codes {
        if let Some(practice) = practices::find(db.pool(), ods).await? {
            out.push(practice);
        }
    }
    Ok(out)
}

/// `practice_ods IN (...)` for the member's practices, with placeholders from `$first`, or no
/// filter for an administrator. An empty list matches nothing.
fn practice_filter(member: &StaffMember, column: &str, first: usize) -> (String, Vec<String>) {
    if member.is_admin {
        return ("1 = 1".to_owned(), Vec::new());
    }
    if member.practices.is_empty() {
        return ("1 = 0".to_owned(), Vec::new());
    }
    let placeholders: Vec<String> = (0..member.practices.len())
        .map(|i| format!("${}", first + i))
        .collect();
    let codes = member.practices.iter().map(|p| p.to_string()).collect();
    (format!("{column} IN ({})", placeholders.join(", ")), codes)
}

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
            practice_ods: OdsCode::parse(&row.practice_ods)
                .map_err(|_| DbError::Corrupt(format!("patient {}: ODS code", row.id)))?,
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

const LISTING: &str = "SELECT p.id, p.practice_ods, p.nhs_number,
        COALESCE(d.given_name, '') AS given_name, COALESCE(d.family_name, '') AS family_name, p.is_test
     FROM patients p
     LEFT JOIN demographics d ON d.patient_id = p.id AND d.source = 'clinical_system'";

/// The member's practices' test patients, newest first.
pub async fn test_patients(
    db: &super::Db,
    member: &StaffMember,
) -> Result<Vec<PatientListing>, DbError> {
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
    pub nhs_number: NhsNumber,
    /// From the GP record; empty if there is none.
    pub given_name: String,
    pub family_name: String,
    /// When the request was made (Unix seconds).
    pub created_at: i64,
    /// Whether the new account has a passphrase yet: the request is complete.
    pub passphrase_set: bool,
}

#[derive(sqlx::FromRow)]
struct RequestListingRow {
    reference: String,
    patient_id: String,
    nhs_number: String,
    given_name: String,
    family_name: String,
    created_at: i64,
    passphrase_set: i64,
}

/// The newest 100 replacement requests of the member's practices' patients, newest first.
pub async fn replacement_requests(
    db: &super::Db,
    member: &StaffMember,
) -> Result<Vec<RequestListing>, DbError> {
    let (filter, codes) = practice_filter(member, "r.practice_ods", 1);
    let sql = format!(
        "SELECT r.reference, r.patient_id, p.nhs_number,
                COALESCE(d.given_name, '') AS given_name, COALESCE(d.family_name, '') AS family_name,
                r.created_at,
                CASE WHEN a.passphrase_hash IS NULL THEN 0 ELSE 1 END AS passphrase_set
         FROM replacement_requests r
         JOIN patients p ON p.id = r.patient_id
         JOIN online_accounts a ON a.id = r.new_account_id
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
                reference: row.reference,
                patient_id: row.patient_id,
                given_name: row.given_name,
                family_name: row.family_name,
                created_at: row.created_at,
                passphrase_set: row.passphrase_set != 0,
            })
        })
        .collect()
}

/// One field on which the GP record and PDS disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub patient_id: String,
    pub nhs_number: NhsNumber,
    pub field: DemographicField,
    pub gp_record: Recorded,
    pub pds: Recorded,
}

#[derive(sqlx::FromRow)]
struct PairRow {
    patient_id: String,
    nhs_number: String,
    gp_given: String,
    gp_family: String,
    gp_dob: String,
    gp_address: String,
    gp_postcode: String,
    pds_given: String,
    pds_family: String,
    pds_dob: String,
    pds_address: String,
    pds_postcode: String,
}

/// Every field that differs between the two sources, for the member's practices' patients.
pub async fn demographic_mismatches(
    db: &super::Db,
    member: &StaffMember,
) -> Result<Vec<Mismatch>, DbError> {
    let (filter, codes) = practice_filter(member, "p.practice_ods", 1);
    let sql = format!(
        "SELECT p.id AS patient_id, p.nhs_number,
                g.given_name AS gp_given, g.family_name AS gp_family, g.date_of_birth AS gp_dob,
                g.address_line AS gp_address, g.postcode AS gp_postcode,
                s.given_name AS pds_given, s.family_name AS pds_family, s.date_of_birth AS pds_dob,
                s.address_line AS pds_address, s.postcode AS pds_postcode
         FROM patients p
         JOIN demographics g ON g.patient_id = p.id AND g.source = 'clinical_system'
         JOIN demographics s ON s.patient_id = p.id AND s.source = 'pds'
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
        let mut push = |field: DemographicField, gp: Recorded, pds: Recorded| {
            if !gp.same_as(&pds) {
                out.push(Mismatch {
                    patient_id: row.patient_id.clone(),
                    nhs_number,
                    field,
                    gp_record: gp,
                    pds,
                });
            }
        };
        use DemographicField as Field;
        use Recorded::Text;
        push(Field::GivenName, Text(row.gp_given), Text(row.pds_given));
        push(Field::FamilyName, Text(row.gp_family), Text(row.pds_family));
        let gp_dob = Recorded::Date(date_from_sql(&row.gp_dob)?);
        let pds_dob = Recorded::Date(date_from_sql(&row.pds_dob)?);
        push(Field::DateOfBirth, gp_dob, pds_dob);
        push(Field::Address, Text(row.gp_address), Text(row.pds_address));
        push(
            Field::Postcode,
            Text(row.gp_postcode),
            Text(row.pds_postcode),
        );
    }
    Ok(out)
}

/// How many audit entries one page of the log shows.
pub const AUDIT_PAGE_SIZE: i64 = 20;

/// One page of the audit log of the member's practices, newest first, optionally for one
/// patient and one kind of event; also says whether there is a next page.
pub async fn audit_page(
    db: &super::Db,
    member: &StaffMember,
    patient_id: Option<&str>,
    kind: Option<&str>,
    page: i64,
) -> Result<(Vec<AuditEvent>, bool), DbError> {
    let (filter, codes) = practice_filter(member, "practice_ods", 5);
    let sql = format!(
        "SELECT id, occurred_at, kind, actor, practice_ods, patient_id, detail FROM audit_events
         WHERE ($1 = '' OR patient_id = $1) AND ($2 = '' OR kind = $2)
           AND practice_ods IS NOT NULL AND {filter}
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
    db: &super::Db,
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
