//! Writing an import: every valid row of one file in one transaction, keyed by NHS number
//! within the practice, so importing the same file twice changes nothing. A patient already
//! at another Relink practice is moved here only if they have no live online account there
//! (they left it, and it ended their online access, or they never had one), and every move is
//! listed in the report and audited under the practice they left; one with a live account
//! there is reported and left where they are. A dry run does the same work and rolls it back.
//!
//! Rows are handled [`BATCH`] at a time (issue #20's speed budget): the patients a batch names
//! are looked up with one query (so memory grows neither with the file nor with the
//! database), and what is to be written goes in two statements a batch, not two a row. The
//! report is the same as row by row: rows are decided in file order, problems listed in file
//! order.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use sqlx::{Any, Transaction};
use time::Date;

use super::audit::{self, AuditKind, NewAuditEvent};
use super::tokens::new_record_id;
use super::{date_from_sql, date_to_sql, Backend, Db, DbError};
use crate::domain::{NhsNumber, OdsCode, RecordAccessLevel, VisibleFromRule};
use crate::import::{Field, ImportedPatient, Place, RowProblem, RowReason, VisibleFrom};

/// How many row problems a report lists; the rest are counted.
pub const LISTED_PROBLEMS: usize = 1_000;

/// How many rows one statement looks up or writes. Six values a row: 600 bound values, far
/// below SQLite's limit (32,766) and PostgreSQL's (65,535). Not larger: binding costs sqlx's
/// SQLite driver time in the square of a statement's values (it asks SQLite each value's name,
/// a linear search), which took half the import's time at 500 rows a batch.
const BATCH: usize = 100;

/// The page cache SQLite may use for the import's connection, in KiB (`PRAGMA cache_size`
/// takes a negative number as KiB): room for the primary-key indexes a large import inserts
/// into at random places (patient ids are random), so they are not written out and read back
/// again and again within the transaction. Set for the import only, then put back.
pub const IMPORT_CACHE_KIB: i64 = 16 * 1024;

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Patients moved here from another Relink practice (not counted as added or updated).
    pub moved: u64,
    /// The first [`LISTED_PROBLEMS`] of them, in file order.
    pub moves: Vec<PatientMove>,
    /// The first [`LISTED_PROBLEMS`] rows that were not imported, in file order.
    pub problems: Vec<RowProblem>,
    /// How many rows were not imported, listed or not.
    pub rejected: u64,
    /// Whether the rows were written (false for a dry run).
    pub written: bool,
}

/// A patient an import moved here from another Relink practice: where in the file, and from
/// which practice, so the report says so rather than moving them silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientMove {
    pub place: Place,
    pub nhs_number: NhsNumber,
    pub from: OdsCode,
}

/// A patient the database already holds, as far as an import compares them.
struct Existing {
    id: String,
    practice_ods: String,
    /// PDS withholds the patient's whereabouts: no address is kept, whatever the file says.
    hides_whereabouts: bool,
    /// A test patient: never changed by an import.
    is_test: bool,
    /// The patient has an online account that still works (not ended, not replaced): they are
    /// never moved to another practice.
    has_live_account: bool,
    row: ComparedRow,
}

/// What an import sets, for comparing a row with what is stored.
#[derive(PartialEq, Eq)]
struct ComparedRow {
    given_name: String,
    family_name: String,
    date_of_birth: Date,
    address_line: String,
    postcode: String,
    joined_practice_on: Date,
    record_access: String,
    visible_rule: String,
    visible_from: Option<Date>,
}

/// A row or a problem waiting for its batch, kept in file order.
enum Queued {
    Row(ImportedPatient),
    Problem(RowProblem),
}

/// A patient to add or update, waiting for its batch's statements.
struct Pending {
    id: String,
    nhs_number: String,
    row: ComparedRow,
    /// The file withholds the patient's whereabouts: the Spine values lose their address too.
    whereabouts_withheld: bool,
    /// The practice the patient is moved from, if they are.
    moved_from: Option<String>,
}

/// One import in progress: its transaction, the rows waiting for their batch, and the report
/// so far.
pub struct Importer {
    /// Open until the import ends ([`Importer::finish`], [`Importer::abandon`], or a drop).
    tx: Option<Transaction<'static, Any>>,
    practice: OdsCode,
    dry_run: bool,
    now: i64,
    /// Who imports (a staff username, or "cli"), for the audit events.
    actor: String,
    /// SQLite's page cache size before the import set its own, to put back.
    cache_size: Option<i64>,
    /// Rows and problems not yet decided, in file order (at most [`BATCH`]).
    queued: Vec<Queued>,
    /// Patients decided on, not yet written (at most [`BATCH`]).
    pending: Vec<Pending>,
    /// Where each NHS number was first seen in this file: the one thing an import keeps for
    /// every row (to say "in the file twice (first at line 6)"), so kept small: the number as
    /// [`NhsNumber::as_u64`], the line or entry number (a file is one format throughout), 17
    /// bytes a slot with the table's own; about 4.5 MB at the 150,000-row cap (262,144 slots).
    seen: HashMap<u64, u64>,
    report: ImportReport,
}

impl Importer {
    /// Opens the transaction, taking SQLite's write lock first so the reads that follow cannot
    /// make the writes fail.
    pub async fn begin(
        db: &Db,
        practice: &OdsCode,
        dry_run: bool,
        now: i64,
        actor: &str,
    ) -> Result<Self, DbError> {
        let mut tx = db.pool().begin().await?;
        sqlx::query("UPDATE practices SET ods_code = ods_code WHERE ods_code = $1")
            .bind(practice.as_str())
            .execute(&mut *tx)
            .await?;
        let cache_size = match db.backend() {
            Backend::Sqlite => {
                let before: i64 = sqlx::query_scalar("PRAGMA cache_size")
                    .fetch_one(&mut *tx)
                    .await?;
                set_cache_size(&mut tx, -IMPORT_CACHE_KIB).await?;
                Some(before)
            }
            Backend::Postgres => {
                // A statement prepared once and run a thousand times gets PostgreSQL's generic
                // plan after five runs, costed while the tables were small: the look-up became
                // a scan of every patient, each batch. Planned for each batch's values instead,
                // in this transaction only (SET LOCAL ends with it).
                sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
                    .execute(&mut *tx)
                    .await?;
                None
            }
        };
        Ok(Self {
            tx: Some(tx),
            practice: practice.clone(),
            dry_run,
            now,
            actor: actor.to_owned(),
            cache_size,
            queued: Vec::with_capacity(BATCH),
            pending: Vec::with_capacity(BATCH),
            seen: HashMap::new(),
            report: ImportReport::default(),
        })
    }

    /// A row the reader could not parse.
    pub async fn reject(&mut self, problem: RowProblem) -> Result<(), DbError> {
        self.queue(Queued::Problem(problem)).await
    }

    /// A parsed row: added, updated, unchanged, or rejected (at another practice, twice in
    /// the file, registered elsewhere according to the file), once its batch is full.
    pub async fn row(&mut self, patient: ImportedPatient) -> Result<(), DbError> {
        self.queue(Queued::Row(patient)).await
    }

    async fn queue(&mut self, item: Queued) -> Result<(), DbError> {
        self.queued.push(item);
        if self.queued.len() >= BATCH {
            self.decide_queued().await?;
        }
        Ok(())
    }

    /// Decides every queued row in file order, with the stored patients they name looked up
    /// in one query.
    async fn decide_queued(&mut self) -> Result<(), DbError> {
        let queued = std::mem::take(&mut self.queued);
        let numbers: Vec<String> = queued
            .iter()
            .filter_map(|item| match item {
                Queued::Row(patient) => Some(patient.nhs_number.digits()),
                Queued::Problem(_) => None,
            })
            .collect();
        let existing = self.look_up(&numbers).await?;
        for item in queued {
            match item {
                Queued::Row(patient) => self.decide(patient, &existing).await?,
                Queued::Problem(problem) => self.record(problem),
            }
        }
        self.queued = Vec::with_capacity(BATCH);
        Ok(())
    }

    /// The stored patients with these NHS numbers (at most [`BATCH`]), by NHS number.
    async fn look_up(&mut self, numbers: &[String]) -> Result<HashMap<String, Existing>, DbError> {
        let Some(first) = numbers.first() else {
            return Ok(HashMap::new());
        };
        // Always BATCH placeholders (the first number again fills the rest), so the statement
        // is prepared once per connection.
        let mut query = sqlx::query_as::<_, ExistingRow>(look_up_sql());
        for n in 0..BATCH {
            query = query.bind(numbers.get(n).unwrap_or(first));
        }
        let rows = query.fetch_all(open(&mut self.tx)).await?;
        let mut existing = HashMap::with_capacity(rows.len());
        for row in rows {
            let (nhs, patient) = row.into_existing()?;
            existing.insert(nhs, patient);
        }
        Ok(existing)
    }

    /// A row that is not imported.
    fn record(&mut self, problem: RowProblem) {
        self.report.rejected += 1;
        if self.report.problems.len() < LISTED_PROBLEMS {
            self.report.problems.push(problem);
        }
    }

    async fn decide(
        &mut self,
        patient: ImportedPatient,
        existing: &HashMap<String, Existing>,
    ) -> Result<(), DbError> {
        let place = patient.place;
        let (Place::Line(at) | Place::Entry(at)) = place;
        if let Some(first) = self.seen.get(&patient.nhs_number.as_u64()) {
            let first = match place {
                Place::Line(_) => Place::Line(*first),
                Place::Entry(_) => Place::Entry(*first),
            };
            let reason = RowReason::InFileTwice {
                nhs_number: patient.nhs_number,
                first,
            };
            self.record(problem(place, Field::NhsNumber, reason));
            return Ok(());
        }
        self.seen.insert(patient.nhs_number.as_u64(), at);
        if let Some(gp) = patient.gp_ods.as_ref().filter(|gp| **gp != self.practice) {
            let reason = RowReason::RegisteredElsewhere {
                gp: gp.clone(),
                practice: self.practice.clone(),
            };
            self.record(problem(place, Field::Practice, reason));
            return Ok(());
        }
        let digits = patient.nhs_number.digits();
        let existing = existing.get(&digits);
        if existing.is_some_and(|e| e.is_test) {
            let reason = RowReason::TestPatient {
                nhs_number: patient.nhs_number,
            };
            self.record(problem(place, Field::NhsNumber, reason));
            return Ok(());
        }
        let moved_from = existing
            .filter(|e| e.practice_ods != self.practice.as_str())
            .map(|e| (e.practice_ods.clone(), e.has_live_account));
        if let Some((other, true)) = &moved_from {
            let reason = RowReason::OnlineAccessElsewhere {
                nhs_number: patient.nhs_number,
                other: other.clone(),
            };
            self.record(problem(place, Field::NhsNumber, reason));
            return Ok(());
        }
        let moved_from = moved_from.map(|(other, _)| other);
        let mut wanted = compared(&patient, existing.map(|e| &e.row));
        if patient.whereabouts_withheld || existing.is_some_and(|e| e.hides_whereabouts) {
            wanted.address_line.clear();
            wanted.postcode.clear();
        }
        match (existing, &moved_from) {
            (Some(_), Some(from)) => {
                self.report.moved += 1;
                if self.report.moves.len() < LISTED_PROBLEMS {
                    // Stored codes were parsed when they were written.
                    let from = OdsCode::parse(from).map_err(|_| {
                        DbError::Corrupt(format!("a stored practice code is not one: {from}"))
                    })?;
                    self.report.moves.push(PatientMove {
                        place,
                        nhs_number: patient.nhs_number,
                        from,
                    });
                }
            }
            (Some(e), None) if e.row == wanted => {
                self.report.unchanged += 1;
                return Ok(());
            }
            (Some(_), None) => self.report.updated += 1,
            (None, _) => self.report.added += 1,
        }
        self.pending.push(Pending {
            id: existing.map_or_else(|| new_record_id("patient"), |e| e.id.clone()),
            nhs_number: digits,
            row: wanted,
            whereabouts_withheld: patient.whereabouts_withheld,
            moved_from,
        });
        if self.pending.len() >= BATCH {
            self.write_pending().await?;
        }
        Ok(())
    }

    /// Writes the patients decided on: their settings, then their GP record, a statement each
    /// for the whole batch.
    async fn write_pending(&mut self) -> Result<(), DbError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        // A patient already stored keeps what the file does not carry (services, when access
        // was asked for); a new one has no services until registered for online services.
        let sql = insert_patients_sql(pending.len());
        let mut query = sqlx::query(&sql)
            .bind(self.practice.as_str())
            .bind(self.now);
        for p in &pending {
            query = query
                .bind(&p.id)
                .bind(&p.nhs_number)
                .bind(date_to_sql(p.row.joined_practice_on))
                .bind(&p.row.record_access)
                .bind(&p.row.visible_rule)
                .bind(p.row.visible_from.map(date_to_sql));
        }
        query.execute(open(&mut self.tx)).await?;

        let sql = upsert_demographics_sql(pending.len());
        let mut query = sqlx::query(&sql).bind(self.now);
        for p in &pending {
            query = query
                .bind(&p.id)
                .bind(&p.row.given_name)
                .bind(&p.row.family_name)
                .bind(date_to_sql(p.row.date_of_birth))
                .bind(&p.row.address_line)
                .bind(&p.row.postcode);
        }
        query.execute(open(&mut self.tx)).await?;

        for p in pending.iter().filter(|p| p.whereabouts_withheld) {
            // Nor is an address kept from the Spine values stored before.
            sqlx::query(
                "UPDATE pds_records SET address_line = NULL, postcode = NULL WHERE patient_id = $1",
            )
            .bind(&p.id)
            .execute(open(&mut self.tx))
            .await?;
        }
        for p in &pending {
            let Some(from) = &p.moved_from else { continue };
            let detail = format!("Moved to {} by an import", self.practice);
            let event = NewAuditEvent {
                kind: AuditKind::PatientMovedPractice,
                actor: &self.actor,
                practice_ods: Some(from),
                patient_id: Some(&p.id),
                detail: &detail,
            };
            audit::record(open(&mut self.tx), &event, self.now).await?;
        }
        self.pending = pending;
        self.pending.clear();
        Ok(())
    }

    /// Ends the import: commits it with its audit event, or rolls it back (a dry run, or a
    /// file refused whole).
    pub async fn finish(mut self, keep: bool) -> Result<ImportReport, DbError> {
        if let Err(failed) = self.write_rest(keep).await {
            self.abandon().await;
            return Err(failed);
        }
        if self.dry_run || !keep {
            if let Some(tx) = self.tx.take() {
                tx.rollback().await?;
            }
            return Ok(std::mem::take(&mut self.report));
        }
        let detail = format!(
            "Import: {} added, {} updated, {} unchanged, {} moved from another practice, {} rejected",
            self.report.added,
            self.report.updated,
            self.report.unchanged,
            self.report.moved,
            self.report.rejected
        );
        let event = NewAuditEvent {
            kind: AuditKind::PatientsImported,
            actor: &self.actor,
            practice_ods: Some(self.practice.as_str()),
            patient_id: None,
            detail: &detail,
        };
        audit::record(open(&mut self.tx), &event, self.now).await?;
        if let Some(tx) = self.tx.take() {
            tx.commit().await?;
        }
        self.report.written = true;
        Ok(std::mem::take(&mut self.report))
    }

    /// Ends an import that failed part way: rolls it back and gives the connection back as it
    /// was (dropping the importer rolls back too, but leaves the import's page cache size).
    pub async fn abandon(mut self) {
        // The import failed already; a second failure here changes nothing for the caller.
        let _ = self.restore_cache_size().await;
        if let Some(tx) = self.tx.take() {
            let _ = tx.rollback().await;
        }
    }

    /// Decides and (unless the file is refused) writes the last rows, then puts the page
    /// cache size back.
    async fn write_rest(&mut self, keep: bool) -> Result<(), DbError> {
        self.decide_queued().await?;
        if keep {
            // A dry run writes too, so it meets the problems a real run would.
            self.write_pending().await?;
        }
        self.restore_cache_size().await
    }

    async fn restore_cache_size(&mut self) -> Result<(), DbError> {
        if let Some(before) = self.cache_size.take() {
            set_cache_size(open(&mut self.tx), before).await?;
        }
        Ok(())
    }
}

impl Drop for Importer {
    /// An import dropped part way (its request went away) rolls back like any transaction,
    /// but its connection would go back to the pool with the import's page cache size: a task
    /// puts the size back, then rolls back and returns the connection.
    fn drop(&mut self) {
        let (Some(before), Some(mut tx)) = (self.cache_size.take(), self.tx.take()) else {
            return;
        };
        // Outside a runtime there is no pool to go back to.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                // Nothing to report to: the import was abandoned already.
                let _ = set_cache_size(&mut tx, before).await;
                let _ = tx.rollback().await;
            });
        }
    }
}

/// The import's open transaction's connection.
fn open<'a>(tx: &'a mut Option<Transaction<'static, Any>>) -> &'a mut sqlx::AnyConnection {
    tx.as_deref_mut()
        .expect("an import's transaction stays open until the importer is consumed")
}

/// `PRAGMA cache_size` on the transaction's connection (pages, or KiB when negative).
async fn set_cache_size(conn: &mut sqlx::AnyConnection, size: i64) -> Result<(), DbError> {
    use sqlx::Executor as _;
    conn.execute(format!("PRAGMA cache_size = {size}").as_str())
        .await?;
    Ok(())
}

/// The stored patients with [`BATCH`] NHS numbers, with what an import compares.
fn look_up_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let mut sql = String::from(
            "SELECT p.id, p.practice_ods, p.nhs_number, p.joined_practice_on, p.record_access_level,
                    p.record_visible_rule, p.record_visible_from, p.is_test,
                    (SELECT COUNT(*) FROM online_accounts a
                     WHERE a.patient_id = p.id AND a.status = 'active' AND a.ended_at IS NULL)
                        AS live_accounts,
                    d.given_name, d.family_name, d.date_of_birth, d.address_line, d.postcode,
                    COALESCE(r.confidentiality, 'U') AS confidentiality
             FROM patients p
             LEFT JOIN demographics d ON d.patient_id = p.id AND d.source = 'clinical_system'
             LEFT JOIN pds_records r ON r.patient_id = p.id
             WHERE p.nhs_number IN (",
        );
        for n in 1..=BATCH {
            if n > 1 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "${n}");
        }
        sql.push(')');
        sql
    })
}

/// Adds `rows` patients, or updates what an import sets of those already stored (matched on
/// id). `$1` is the practice, `$2` the time, then six values a patient: id, NHS number,
/// joined, record access, visible-from rule and date.
fn insert_patients_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO patients (id, practice_ods, nhs_number, is_test, joined_practice_on,
             access_requested_on, record_access_level, record_visible_rule, record_visible_from,
             wants_appointments, wants_prescriptions, wants_record, wants_messages, created_at)
         VALUES ",
    );
    for row in 0..rows {
        let n = 3 + row * 6;
        if row > 0 {
            sql.push_str(", ");
        }
        let _ = write!(
            sql,
            "(${n}, $1, ${}, 0, ${}, NULL, ${}, ${}, ${}, 0, 0, 0, 0, $2)",
            n + 1,
            n + 2,
            n + 3,
            n + 4,
            n + 5
        );
    }
    sql.push_str(
        " ON CONFLICT (id) DO UPDATE SET joined_practice_on = excluded.joined_practice_on,
             practice_ods = excluded.practice_ods,
             access_requested_on = CASE WHEN patients.practice_ods = excluded.practice_ods
                 THEN patients.access_requested_on END,
             wants_appointments = CASE WHEN patients.practice_ods = excluded.practice_ods
                 THEN patients.wants_appointments ELSE 0 END,
             wants_prescriptions = CASE WHEN patients.practice_ods = excluded.practice_ods
                 THEN patients.wants_prescriptions ELSE 0 END,
             wants_record = CASE WHEN patients.practice_ods = excluded.practice_ods
                 THEN patients.wants_record ELSE 0 END,
             wants_messages = CASE WHEN patients.practice_ods = excluded.practice_ods
                 THEN patients.wants_messages ELSE 0 END,
             record_access_level = excluded.record_access_level,
             record_visible_rule = excluded.record_visible_rule,
             record_visible_from = excluded.record_visible_from",
    );
    sql
}

/// Stores `rows` patients' GP records, replacing those stored; no address is kept for a
/// patient whose PDS record is restricted. `$1` is the time, then six values a patient: id,
/// given and family name, date of birth, address line, postcode.
fn upsert_demographics_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO demographics (patient_id, source, given_name, family_name, date_of_birth,
             address_line, postcode, updated_at)
         SELECT v.column1, 'clinical_system', v.column2, v.column3, v.column4,
                CASE WHEN r.patient_id IS NULL THEN v.column5 ELSE '' END,
                CASE WHEN r.patient_id IS NULL THEN v.column6 ELSE '' END, $1
         FROM (VALUES ",
    );
    for row in 0..rows {
        let n = 2 + row * 6;
        if row > 0 {
            sql.push_str(", ");
        }
        let _ = write!(
            sql,
            "(${n}, ${}, ${}, ${}, ${}, ${})",
            n + 1,
            n + 2,
            n + 3,
            n + 4,
            n + 5
        );
    }
    sql.push_str(
        ") AS v
         LEFT JOIN pds_records r ON r.patient_id = v.column1 AND r.confidentiality <> 'U'
         WHERE true
         ON CONFLICT (patient_id, source) DO UPDATE SET given_name = excluded.given_name,
             family_name = excluded.family_name, date_of_birth = excluded.date_of_birth,
             address_line = excluded.address_line, postcode = excluded.postcode,
             updated_at = excluded.updated_at",
    );
    sql
}

/// What the row sets, keeping what the file does not say as it is stored (or the defaults for
/// a new patient: no record access, visible from when they joined).
fn compared(patient: &ImportedPatient, stored: Option<&ComparedRow>) -> ComparedRow {
    let (visible_rule, visible_from) = match patient.visible_from {
        Some(VisibleFrom::JoinedPractice) => {
            (VisibleFromRule::JoinedPractice.code().to_owned(), None)
        }
        Some(VisibleFrom::RequestedAccess) => {
            (VisibleFromRule::RequestedAccess.code().to_owned(), None)
        }
        Some(VisibleFrom::From(date)) => (
            VisibleFromRule::PracticeSetDate.code().to_owned(),
            Some(date),
        ),
        None => stored.map_or_else(
            || (VisibleFromRule::JoinedPractice.code().to_owned(), None),
            |s| (s.visible_rule.clone(), s.visible_from),
        ),
    };
    let record_access = match patient.record_access {
        Some(level) => level.code().to_owned(),
        None => stored.map_or_else(
            || RecordAccessLevel::None.code().to_owned(),
            |s| s.record_access.clone(),
        ),
    };
    // A file without addresses (CSV) keeps the stored address line.
    let address_line = if patient.address_line.is_empty() {
        stored.map(|s| s.address_line.clone()).unwrap_or_default()
    } else {
        patient.address_line.clone()
    };
    ComparedRow {
        given_name: patient.given_name.clone(),
        family_name: patient.family_name.clone(),
        date_of_birth: patient.date_of_birth,
        address_line,
        postcode: patient
            .postcode
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        joined_practice_on: patient.registered_on,
        record_access,
        visible_rule,
        visible_from,
    }
}

fn problem(place: Place, field: Field, reason: RowReason) -> RowProblem {
    RowProblem {
        place,
        field,
        reason,
    }
}

/// "line 4", "entry 3": where a row is, in English (the command line's report).
pub fn describe(place: Place) -> String {
    place.to_string()
}

#[derive(sqlx::FromRow)]
struct ExistingRow {
    id: String,
    practice_ods: String,
    nhs_number: String,
    joined_practice_on: String,
    record_access_level: String,
    record_visible_rule: String,
    record_visible_from: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    date_of_birth: Option<String>,
    address_line: Option<String>,
    postcode: Option<String>,
    confidentiality: String,
    is_test: i64,
    live_accounts: i64,
}

impl ExistingRow {
    fn into_existing(self) -> Result<(String, Existing), DbError> {
        let row = ComparedRow {
            given_name: self.given_name.unwrap_or_default(),
            family_name: self.family_name.unwrap_or_default(),
            date_of_birth: match self.date_of_birth.as_deref() {
                Some(text) => date_from_sql(text)?,
                None => Date::MIN,
            },
            address_line: self.address_line.unwrap_or_default(),
            postcode: self.postcode.unwrap_or_default(),
            joined_practice_on: date_from_sql(&self.joined_practice_on)?,
            record_access: self.record_access_level,
            visible_rule: self.record_visible_rule,
            visible_from: self
                .record_visible_from
                .as_deref()
                .map(date_from_sql)
                .transpose()?,
        };
        Ok((
            self.nhs_number,
            Existing {
                id: self.id,
                practice_ods: self.practice_ods,
                hides_whereabouts: self.confidentiality != "U",
                is_test: self.is_test != 0,
                has_live_account: self.live_accounts > 0,
                row,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::patients::tests::insert_practice;
    use crate::db::patients::{self, Demographics, PatientServiceSettings};
    use crate::db::testing::each_backend;
    use crate::domain::{ClinicalSystem, Postcode};
    use time::macros::date;

    const ODS: &str = "T00001";
    const OTHER: &str = "T00002";

    /// The `n`th valid NHS number from 943 476 000 on (outside the 999 test range).
    fn nhs(n: usize) -> NhsNumber {
        let digits = (943_476_000u64..)
            .filter_map(|base| {
                let text = format!("{base:09}");
                let sum: u32 = text
                    .chars()
                    .zip((2..=10).rev())
                    .map(|(d, w)| d.to_digit(10).unwrap() * w)
                    .sum();
                let check = (11 - sum % 11) % 11;
                (check != 10).then(|| format!("{text}{check}"))
            })
            .nth(n)
            .unwrap();
        NhsNumber::parse(&digits).unwrap()
    }

    fn row(line: u64, number: NhsNumber, given: &str) -> ImportedPatient {
        ImportedPatient {
            place: Place::Line(line),
            nhs_number: number,
            given_name: given.to_owned(),
            family_name: "Smith".to_owned(),
            date_of_birth: date!(1980 - 02 - 01),
            address_line: String::new(),
            postcode: Some(Postcode::parse("LS1 4AP").unwrap()),
            registered_on: date!(2001 - 05 - 30),
            gp_ods: None,
            record_access: None,
            visible_from: None,
            whereabouts_withheld: false,
        }
    }

    fn bad(line: u64) -> RowProblem {
        let reason = RowReason::NotARealDate {
            what: crate::import::ValueName::DateOfBirth,
            value: format!("bad {line}"),
        };
        problem(Place::Line(line), Field::DateOfBirth, reason)
    }

    async fn import(
        db: &Db,
        rows: &[Result<ImportedPatient, RowProblem>],
        dry_run: bool,
    ) -> ImportReport {
        let practice = OdsCode::parse(ODS).unwrap();
        let mut importer = Importer::begin(db, &practice, dry_run, 1_000, "test")
            .await
            .unwrap();
        for row in rows.iter().cloned() {
            match row {
                Ok(patient) => importer.row(patient).await.unwrap(),
                Err(problem) => importer.reject(problem).await.unwrap(),
            }
        }
        importer.finish(true).await.unwrap()
    }

    /// A stored patient with the clinical system's record.
    async fn store(db: &Db, id: &str, ods: &str, number: NhsNumber, is_test: bool) {
        let patient = patients::Patient {
            id: id.to_owned(),
            practice_ods: OdsCode::parse(ods).unwrap(),
            nhs_number: number,
            is_test,
            joined_practice_on: date!(2010 - 01 - 01),
            access_requested_on: Some(date!(2024 - 01 - 10)),
            record_access: RecordAccessLevel::DetailedCoded,
            visible_from_rule: VisibleFromRule::RequestedAccess,
            visible_from_set: None,
            settings: PatientServiceSettings {
                appointments: true,
                prescriptions: false,
                record: true,
                messages: true,
            },
        };
        patients::upsert(db.pool(), &patient, 1).await.unwrap();
        let record = Demographics {
            source: patients::DemographicSource::ClinicalSystem,
            given_name: "Stored".into(),
            family_name: "Smith".into(),
            date_of_birth: date!(1980 - 02 - 01),
            address_line: "1 Old Road".into(),
            postcode: "LS1 4AP".into(),
        };
        patients::upsert_demographics(db.pool(), id, &record, 1)
            .await
            .unwrap();
    }

    async fn count(db: &Db, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
    }

    #[tokio::test]
    async fn rows_over_several_batches_are_decided_and_reported_in_file_order() {
        each_backend(|db| async move {
            insert_practice(&db, ODS, ClinicalSystem::Emis).await;
            insert_practice(&db, OTHER, ClinicalSystem::Emis).await;
            // Numbers 0..1300 in the file; 5 is a test patient, 7 at another practice with no
            // online account (moved here), 9 stored here already (same name as the file:
            // unchanged).
            store(&db, "patient-test", ODS, nhs(5), true).await;
            store(&db, "patient-other", OTHER, nhs(7), false).await;
            store(&db, "patient-here", ODS, nhs(9), false).await;
            let mut rows = Vec::new();
            let mut line = 1;
            for n in 0..1_300 {
                line += 1;
                if n % 97 == 0 {
                    rows.push(Err(bad(line)));
                    line += 1;
                }
                rows.push(Ok(match n {
                    // As stored: unchanged.
                    9 => ImportedPatient {
                        registered_on: date!(2010 - 01 - 01),
                        ..row(line, nhs(n), "Stored")
                    },
                    _ => row(line, nhs(n), "Jane"),
                }));
            }
            // Twice in the file: once far from the first (another batch), once next to it.
            line += 1;
            rows.push(Ok(row(line, nhs(3), "Jane")));
            line += 1;
            rows.push(Ok(row(line, nhs(1_299), "Jane")));
            let file_problems = 1_300usize.div_ceil(97) as u64;

            let dry = import(&db, &rows, true).await;
            assert!(!dry.written);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM patients").await, 3);

            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM audit_events WHERE kind = 'patient_moved_practice'").await,
                0
            );

            let first = import(&db, &rows, false).await;
            assert!(first.written);
            assert_eq!(
                (first.added, first.updated, first.unchanged, first.moved, first.rejected),
                (1_300 - 3, 0, 1, 1, file_problems + 3)
            );
            assert_eq!(
                (dry.added, dry.updated, dry.unchanged, dry.moved, dry.rejected),
                (first.added, first.updated, first.unchanged, first.moved, first.rejected)
            );
            assert_eq!(dry.problems, first.problems);
            assert_eq!(dry.moves, first.moves);
            assert_eq!(
                first.moves,
                [PatientMove {
                    place: Place::Line(10),
                    nhs_number: nhs(7),
                    from: OdsCode::parse(OTHER).unwrap(),
                }]
            );
            // Moved: the same record, now this practice's, with no services from the old one.
            let moved = patients::find(db.pool(), "patient-other").await.unwrap().unwrap();
            assert_eq!(moved.practice_ods.as_str(), ODS);
            assert_eq!(moved.access_requested_on, None);
            assert!(!moved.settings.appointments && !moved.settings.record && !moved.settings.messages);
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM audit_events WHERE kind = 'patient_moved_practice' AND practice_ods = 'T00002' AND patient_id = 'patient-other'").await,
                1
            );
            let places: Vec<Place> = first.problems.iter().map(|p| p.place).collect();
            let mut sorted = places.clone();
            sorted.sort_by_key(|p| match p {
                Place::Line(n) | Place::Entry(n) => *n,
            });
            assert_eq!(places, sorted, "problems in file order");
            let reasons: Vec<String> = first
                .problems
                .iter()
                .filter(|p| p.field != Field::DateOfBirth)
                .map(|p| p.reason.to_string())
                .collect();
            assert_eq!(reasons.len(), 3);
            assert!(reasons[0].contains("test patient"), "{reasons:?}");
            assert!(reasons[1].contains("in the file twice (first at line 6)"));
            assert!(reasons[2].contains("in the file twice"));
            assert_eq!(
                count(&db, "SELECT COUNT(*) FROM patients").await,
                3 + 1_300 - 3
            );
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM demographics WHERE source = 'clinical_system' AND given_name = 'Jane' AND postcode = 'LS1 4AP'"
                )
                .await,
                1_300 - 2
            );

            let again = import(&db, &rows, false).await;
            assert_eq!(
                (again.added, again.updated, again.unchanged, again.moved, again.rejected),
                (0, 0, 1_300 - 1, 0, file_problems + 3)
            );
            assert_eq!(again.problems, first.problems);
        })
        .await;
    }

    #[tokio::test]
    async fn an_update_keeps_what_the_file_does_not_carry() {
        each_backend(|db| async move {
            insert_practice(&db, ODS, ClinicalSystem::Emis).await;
            store(&db, "patient-here", ODS, nhs(1), false).await;
            let before = patients::find(db.pool(), "patient-here")
                .await
                .unwrap()
                .unwrap();
            let report = import(&db, &[Ok(row(2, nhs(1), "Janet"))], false).await;
            assert_eq!((report.added, report.updated), (0, 1));
            let after = patients::find(db.pool(), "patient-here")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(after.settings, before.settings);
            assert_eq!(after.access_requested_on, before.access_requested_on);
            assert_eq!(after.record_access, before.record_access);
            assert_eq!(after.visible_from_rule, before.visible_from_rule);
            assert_eq!(after.joined_practice_on, date!(2001 - 05 - 30));
            let gp = &patients::demographics(db.pool(), "patient-here")
                .await
                .unwrap()[0];
            assert_eq!(gp.given_name, "Janet");
            // A CSV has no address: the stored line stays.
            assert_eq!(gp.address_line, "1 Old Road");
        })
        .await;
    }

    #[tokio::test]
    async fn a_restricted_pds_record_leaves_no_address_in_a_batch() {
        each_backend(|db| async move {
            insert_practice(&db, ODS, ClinicalSystem::Emis).await;
            store(&db, "patient-r", ODS, nhs(1), false).await;
            store(&db, "patient-u", ODS, nhs(2), false).await;
            store(&db, "patient-w", ODS, nhs(3), false).await;
            for (id, conf, address) in [
                ("patient-r", "R", None),
                ("patient-u", "U", Some("2 Spine Road")),
                ("patient-w", "U", Some("3 Spine Road")),
            ] {
                sqlx::query(
                    "INSERT INTO pds_records (patient_id, confidentiality, address_line, postcode, read_at)
                     VALUES ($1, $2, $3, $4, 0)",
                )
                .bind(id)
                .bind(conf)
                .bind(address)
                .bind(address.map(|_| "LS1 4AP"))
                .execute(db.pool())
                .await
                .unwrap();
            }
            let with_address = |line, n| ImportedPatient {
                address_line: "9 New Street, Leeds".into(),
                ..row(line, nhs(n), "Jane")
            };
            let withheld = ImportedPatient {
                whereabouts_withheld: true,
                ..with_address(4, 3)
            };
            let report = import(
                &db,
                &[Ok(with_address(2, 1)), Ok(with_address(3, 2)), Ok(withheld)],
                false,
            )
            .await;
            assert_eq!(report.updated, 3);
            let gp = |id: &'static str| {
                let db = db.clone();
                async move {
                    let d = &patients::demographics(db.pool(), id).await.unwrap()[0];
                    (d.address_line.clone(), d.postcode.clone())
                }
            };
            assert_eq!(gp("patient-r").await, (String::new(), String::new()));
            assert_eq!(
                gp("patient-u").await,
                ("9 New Street, Leeds".to_owned(), "LS1 4AP".to_owned())
            );
            assert_eq!(gp("patient-w").await, (String::new(), String::new()));
            let spine: Option<String> = sqlx::query_scalar(
                "SELECT address_line FROM pds_records WHERE patient_id = 'patient-w'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!(spine, None);
            // Again: nothing to change.
            let again = import(
                &db,
                &[
                    Ok(with_address(2, 1)),
                    Ok(with_address(3, 2)),
                    Ok(ImportedPatient {
                        whereabouts_withheld: true,
                        ..with_address(4, 3)
                    }),
                ],
                false,
            )
            .await;
            assert_eq!((again.updated, again.unchanged), (0, 3));
        })
        .await;
    }

    #[tokio::test]
    async fn the_import_gives_its_connection_back_with_sqlites_own_page_cache() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        insert_practice(&db, ODS, ClinicalSystem::Emis).await;
        let mut conn = db.pool().acquire().await.unwrap();
        let default: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        drop(conn);
        let report = import(&db, &[Ok(row(2, nhs(1), "Jane"))], false).await;
        assert_eq!(report.added, 1);
        let practice = OdsCode::parse(ODS).unwrap();
        let importer = Importer::begin(&db, &practice, false, 1, "test")
            .await
            .unwrap();
        importer.abandon().await;
        // Nor when the importer is dropped part way (its request went away).
        let mut dropped = Importer::begin(&db, &practice, false, 1, "test")
            .await
            .unwrap();
        dropped.row(row(2, nhs(2), "Jane")).await.unwrap();
        drop(dropped);
        // Every connection the pool holds (it opens at most 4): the last waits for the one the
        // dropped import gives back.
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut conn = db.pool().acquire().await.unwrap();
            let size: i64 = sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(size, default);
            held.push(conn);
        }
    }
}
