//! Bringing a practice's patients in (issue #20): readers for the two files a practice has —
//! a CSV with a documented header, and a FHIR R4 Bundle of UK Core Patients as a clinical
//! system or PDS gives them. Each row is parsed by the domain types once, here; a row that
//! does not parse becomes a [`RowProblem`] naming where it is, which field and why, in words a
//! practice manager understands. Readers stream: memory does not grow with the file, and the
//! caller decides what to do with each row as it comes (`db::import` writes them in one
//! transaction).

use time::Date;

use crate::domain::{NhsNumber, OdsCode, Postcode, RecordAccessLevel};

/// The most rows one file may hold: a file with more is refused whole (nothing is written).
pub const MAX_ROWS: u64 = 150_000;

/// One patient as the file gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPatient {
    /// Where in the file the patient is (for reporting a duplicate, or a patient registered
    /// elsewhere).
    pub place: Place,
    pub nhs_number: NhsNumber,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
    /// The address's lines joined by ", "; empty when the file has none (the CSV has none).
    pub address_line: String,
    pub postcode: Option<Postcode>,
    /// When the patient registered at the practice.
    pub registered_on: Date,
    /// The practice the file says the patient is registered at (a Bundle's
    /// `generalPractitioner`); `None` when the file does not say (CSV).
    pub gp_ods: Option<OdsCode>,
    /// Record access to set, when the file says (CSV's optional column).
    pub record_access: Option<RecordAccessLevel>,
    /// The "visible from" rule to set, when the file says (CSV's optional column).
    pub visible_from: Option<VisibleFrom>,
}

/// The date a patient's online record is visible from, as a file states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisibleFrom {
    /// From when they joined the practice.
    JoinedPractice,
    /// From when they asked for online access.
    RequestedAccess,
    /// From a date the practice set.
    From(Date),
}

/// Where in the file a row is: a CSV line (1 is the header) or a Bundle entry (from 0, as
/// `entry[0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Line(u64),
    Entry(u64),
}

/// The field a problem is with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    NhsNumber,
    GivenName,
    FamilyName,
    DateOfBirth,
    Postcode,
    RegisteredOn,
    RecordAccess,
    VisibleFrom,
    /// The practice a Bundle's `generalPractitioner` names.
    Practice,
    /// The row as a whole (wrong number of columns, an entry that is not a Patient).
    Row,
}

/// One row that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub place: Place,
    pub field: Field,
    /// Why, for a practice manager: "NHS number 943 476 5918 fails the check digit".
    pub reason: String,
}

/// Why a whole file is refused: nothing in it is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("The file is not text in UTF-8 (line {line}). Save it as CSV UTF-8 and try again.")]
    NotUtf8 { line: u64 },
    #[error("The first line must be the header {expected}; the file's first line is {found}")]
    WrongHeader { expected: String, found: String },
    #[error("The file is neither a CSV with the header {expected} nor a FHIR Bundle")]
    UnknownFormat { expected: String },
    #[error("The file is not a FHIR Bundle: {0}")]
    NotABundle(String),
    #[error("The file has more than {limit} patients. Split it into smaller files.")]
    TooManyRows { limit: u64 },
    #[error("The file could not be read: {0}")]
    Unreadable(String),
}

// TEMPORARY until the readers land (helper D): replaced at merge.
pub const CSV_HEADER_DOC: &str =
    "nhs_number,given_name,family_name,date_of_birth,postcode,registration_date[,record_access,visible_from]";
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Bundle,
}
pub fn read_any(
    _input: impl std::io::BufRead,
    _today: Date,
    _each: impl FnMut(Result<ImportedPatient, RowProblem>) -> std::ops::ControlFlow<()>,
) -> Result<(Format, u64), FileError> {
    unimplemented!("TEMPORARY")
}
