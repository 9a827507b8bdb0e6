//! Writing an import: every valid row of one file in one transaction, keyed by NHS number
//! within the practice, so importing the same file twice changes nothing. A patient already
//! registered at another Relink practice is reported, never moved. A dry run does the same
//! work and rolls it back.

use std::collections::HashMap;

use sqlx::{Any, Transaction};
use time::Date;

use super::audit::{self, AuditKind, NewAuditEvent};
use super::patients::{self, DemographicSource, Demographics, Patient, PatientServiceSettings};
use super::tokens::new_record_id;
use super::{date_from_sql, Db, DbError};
use crate::domain::{NhsNumber, OdsCode, RecordAccessLevel, VisibleFromRule};
use crate::import::{Field, ImportedPatient, Place, RowProblem, VisibleFrom};

/// How many row problems a report lists; the rest are counted.
pub const LISTED_PROBLEMS: usize = 1_000;

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// The first [`LISTED_PROBLEMS`] rows that were not imported, in file order.
    pub problems: Vec<RowProblem>,
    /// How many rows were not imported, listed or not.
    pub rejected: u64,
    /// Whether the rows were written (false for a dry run).
    pub written: bool,
}

/// A patient the database already holds, as far as an import compares them.
struct Existing {
    id: String,
    practice_ods: String,
    /// PDS withholds the patient's whereabouts: no address is kept, whatever the file says.
    hides_whereabouts: bool,
    /// A test patient: never changed by an import.
    is_test: bool,
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

/// One import in progress: its transaction, what the database held when it began, and the
/// report so far.
pub struct Importer {
    tx: Transaction<'static, Any>,
    practice: OdsCode,
    dry_run: bool,
    now: i64,
    existing: HashMap<String, Existing>,
    /// Where each NHS number was first seen in this file.
    seen: HashMap<NhsNumber, Place>,
    report: ImportReport,
}

impl Importer {
    /// Opens the transaction (taking SQLite's write lock first, so the reads that follow cannot
    /// make the writes fail) and loads the patients the database holds, once.
    pub async fn begin(
        db: &Db,
        practice: &OdsCode,
        dry_run: bool,
        now: i64,
    ) -> Result<Self, DbError> {
        let mut tx = db.pool().begin().await?;
        sqlx::query("UPDATE practices SET ods_code = ods_code WHERE ods_code = $1")
            .bind(practice.as_str())
            .execute(&mut *tx)
            .await?;
        let rows = sqlx::query_as::<_, ExistingRow>(
            "SELECT p.id, p.practice_ods, p.nhs_number, p.joined_practice_on, p.record_access_level,
                    p.record_visible_rule, p.record_visible_from, p.is_test,
                    d.given_name, d.family_name, d.date_of_birth, d.address_line, d.postcode,
                    COALESCE(r.confidentiality, 'U') AS confidentiality
             FROM patients p
             LEFT JOIN demographics d ON d.patient_id = p.id AND d.source = 'clinical_system'
             LEFT JOIN pds_records r ON r.patient_id = p.id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut existing = HashMap::with_capacity(rows.len());
        for row in rows {
            let (nhs, patient) = row.into_existing()?;
            existing.insert(nhs, patient);
        }
        Ok(Self {
            tx,
            practice: practice.clone(),
            dry_run,
            now,
            existing,
            seen: HashMap::new(),
            report: ImportReport::default(),
        })
    }

    /// A row the reader could not parse.
    pub fn reject(&mut self, problem: RowProblem) {
        self.report.rejected += 1;
        if self.report.problems.len() < LISTED_PROBLEMS {
            self.report.problems.push(problem);
        }
    }

    /// A parsed row: added, updated, unchanged, or rejected (at another practice, twice in
    /// the file, registered elsewhere according to the file).
    pub async fn row(&mut self, patient: ImportedPatient) -> Result<(), DbError> {
        let place = patient.place;
        if let Some(first) = self.seen.get(&patient.nhs_number) {
            let reason = format!(
                "NHS number {} is in the file twice (first at {})",
                patient.nhs_number,
                describe(*first)
            );
            self.reject(problem(place, Field::NhsNumber, reason));
            return Ok(());
        }
        self.seen.insert(patient.nhs_number, place);
        if let Some(gp) = patient.gp_ods.as_ref().filter(|gp| **gp != self.practice) {
            let reason = format!(
                "The file says this patient is registered at {gp}, not {}",
                self.practice
            );
            self.reject(problem(place, Field::Practice, reason));
            return Ok(());
        }
        let digits = patient.nhs_number.digits();
        let existing = self.existing.get(&digits);
        if existing.is_some_and(|e| e.is_test) {
            let reason = format!(
                "NHS number {} belongs to a test patient in Relink: not imported",
                patient.nhs_number
            );
            self.reject(problem(place, Field::NhsNumber, reason));
            return Ok(());
        }
        if let Some(other) = existing.filter(|e| e.practice_ods != self.practice.as_str()) {
            let reason = format!(
                "NHS number {} is registered at another Relink practice ({}): not moved. That practice must remove them first.",
                patient.nhs_number, other.practice_ods
            );
            self.reject(problem(place, Field::NhsNumber, reason));
            return Ok(());
        }
        let mut wanted = compared(&patient, existing.map(|e| &e.row));
        if patient.whereabouts_withheld || existing.is_some_and(|e| e.hides_whereabouts) {
            wanted.address_line.clear();
            wanted.postcode.clear();
        }
        match existing {
            Some(e) if e.row == wanted => {
                self.report.unchanged += 1;
                return Ok(());
            }
            Some(_) => self.report.updated += 1,
            None => self.report.added += 1,
        }
        let (id, known) = match existing {
            Some(e) => (e.id.clone(), true),
            None => (new_record_id("patient"), false),
        };
        self.write(&id, known, &patient, &wanted).await
    }

    async fn write(
        &mut self,
        id: &str,
        known: bool,
        patient: &ImportedPatient,
        row: &ComparedRow,
    ) -> Result<(), DbError> {
        // What the file does not carry (services, when access was asked for) stays as stored.
        let stored = match known {
            true => patients::find(&mut *self.tx, id).await?,
            false => None,
        };
        let record = Patient {
            id: id.to_owned(),
            practice_ods: self.practice.clone(),
            nhs_number: patient.nhs_number,
            is_test: false,
            joined_practice_on: row.joined_practice_on,
            access_requested_on: stored.as_ref().and_then(|s| s.access_requested_on),
            record_access: RecordAccessLevel::from_code(&row.record_access)
                .unwrap_or(RecordAccessLevel::None),
            visible_from_rule: VisibleFromRule::from_code(&row.visible_rule)
                .unwrap_or(VisibleFromRule::JoinedPractice),
            visible_from_set: row.visible_from,
            settings: stored.map_or(PatientServiceSettings::NONE, |s| s.settings),
        };
        patients::upsert(&mut *self.tx, &record, self.now).await?;
        let gp = Demographics {
            source: DemographicSource::ClinicalSystem,
            given_name: row.given_name.clone(),
            family_name: row.family_name.clone(),
            date_of_birth: row.date_of_birth,
            address_line: row.address_line.clone(),
            postcode: row.postcode.clone(),
        };
        patients::upsert_demographics(&mut *self.tx, id, &gp, self.now).await?;
        if patient.whereabouts_withheld {
            // Nor is an address kept from the Spine values stored before.
            sqlx::query(
                "UPDATE pds_records SET address_line = NULL, postcode = NULL WHERE patient_id = $1",
            )
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Ends the import: commits it with its audit event, or rolls it back (a dry run, or a
    /// file refused whole).
    pub async fn finish(mut self, keep: bool, actor: &str) -> Result<ImportReport, DbError> {
        if self.dry_run || !keep {
            self.tx.rollback().await?;
            return Ok(self.report);
        }
        let detail = format!(
            "Import: {} added, {} updated, {} unchanged, {} rejected",
            self.report.added, self.report.updated, self.report.unchanged, self.report.rejected
        );
        let event = NewAuditEvent {
            kind: AuditKind::PatientsImported,
            actor,
            practice_ods: Some(self.practice.as_str()),
            patient_id: None,
            detail: &detail,
        };
        audit::record(&mut *self.tx, &event, self.now).await?;
        self.tx.commit().await?;
        self.report.written = true;
        Ok(self.report)
    }
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

fn problem(place: Place, field: Field, reason: String) -> RowProblem {
    RowProblem {
        place,
        field,
        reason,
    }
}

/// "line 4", "entry 3".
pub fn describe(place: Place) -> String {
    match place {
        Place::Line(line) => format!("line {line}"),
        Place::Entry(entry) => format!("entry {entry}"),
    }
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
                row,
            },
        ))
    }
}
