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

/// One patient as the file gives them. Two are equal when they say the same of the patient,
/// wherever in a file they are.
#[derive(Debug, Clone)]
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
    /// The file says the patient's whereabouts are withheld (a restricted or very restricted
    /// label in a Bundle): no address is kept for them, not even one stored before.
    pub whereabouts_withheld: bool,
}

impl PartialEq for ImportedPatient {
    fn eq(&self, other: &Self) -> bool {
        // Every field but `place`.
        self.nhs_number == other.nhs_number
            && self.given_name == other.given_name
            && self.family_name == other.family_name
            && self.date_of_birth == other.date_of_birth
            && self.address_line == other.address_line
            && self.postcode == other.postcode
            && self.registered_on == other.registered_on
            && self.gp_ods == other.gp_ods
            && self.record_access == other.record_access
            && self.visible_from == other.visible_from
            && self.whereabouts_withheld == other.whereabouts_withheld
    }
}

impl Eq for ImportedPatient {}

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
    /// Why, for a practice manager; structured so the staff page can say it in the member's
    /// language (its `Display` is the English the command line prints).
    pub reason: RowReason,
}

/// The value a reason names, when several reasons are said the same way of different values
/// ("given name is missing", "date of birth is missing").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueName {
    GivenName,
    FamilyName,
    DateOfBirth,
    RegistrationDate,
    VisibleFrom,
}

impl std::fmt::Display for ValueName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::GivenName => "given name",
            Self::FamilyName => "family name",
            Self::DateOfBirth => "date of birth",
            Self::RegistrationDate => "registration date",
            Self::VisibleFrom => "visible from",
        })
    }
}

/// Why a row is not imported, with the values the reason quotes (as the file has them, cut
/// short by `shown`), so it can be said in English (`Display`, for the command line) or in the
/// staff member's language (`server::staff::import_wording`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowReason {
    NhsNumberMissing,
    NhsNumberNotDigits {
        value: String,
    },
    NhsNumberWrongLength {
        value: String,
    },
    /// `number` is the ten digits shown 3-3-4, as NHS letters print them.
    NhsNumberFailsCheck {
        number: String,
    },
    Missing {
        what: ValueName,
    },
    /// A name with a control character.
    NotPrintable {
        what: ValueName,
        value: String,
    },
    BornBefore1880 {
        value: String,
    },
    BirthNotInPast {
        value: String,
    },
    NotARealDate {
        what: ValueName,
        value: String,
    },
    /// A CSV date in neither `YYYY-MM-DD` nor `DD/MM/YYYY`.
    NotADate {
        what: ValueName,
        value: String,
    },
    /// A FHIR date with no day (`1980`, `1980-02`).
    NotAFullDate {
        what: ValueName,
        value: String,
    },
    NotAFhirDate {
        what: ValueName,
        value: String,
    },
    RegistrationInFuture {
        value: String,
    },
    RegistrationBeforeBirth {
        value: String,
    },
    NotAPostcode {
        value: String,
    },
    NotAPracticeCode {
        value: String,
    },
    NotARecordAccess {
        value: String,
    },
    NotAVisibleFrom {
        value: String,
    },
    /// A CSV line with another number of columns than the header.
    WrongColumnCount {
        found: usize,
        expected: usize,
    },
    /// A part of a Bundle's Patient (its JSON key) in the wrong shape.
    NotInFhirShape {
        key: &'static str,
    },
    EntryNotAnEntry,
    EntryHasNoResource,
    /// An entry of another resource type (`kind`, letters only).
    EntryIsOther {
        kind: String,
    },
    EntryNotAPatient,
    BadPeriod,
    BadSecurityLabel,
    NoRegistrationDate,
    /// The NHS number is in the file before, at `first`.
    InFileTwice {
        nhs_number: NhsNumber,
        first: Place,
    },
    /// A Bundle names another practice (`gp`) than the one imported into.
    RegisteredElsewhere {
        gp: OdsCode,
        practice: OdsCode,
    },
    TestPatient {
        nhs_number: NhsNumber,
    },
    /// A live online account at another Relink practice (`other`): the patient stays there.
    OnlineAccessElsewhere {
        nhs_number: NhsNumber,
        other: String,
    },
}

impl std::fmt::Display for RowReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NhsNumberMissing => write!(f, "NHS number is missing"),
            Self::NhsNumberNotDigits { value } => write!(
                f,
                "NHS number {value} must only include numbers, spaces and dashes"
            ),
            Self::NhsNumberWrongLength { value } => {
                write!(f, "NHS number {value} must be 10 numbers")
            }
            Self::NhsNumberFailsCheck { number } => {
                write!(f, "NHS number {number} fails the check digit")
            }
            Self::Missing { what } => write!(f, "{what} is missing"),
            Self::NotPrintable { what, value } => write!(
                f,
                "{what} {value} has a character that is not a letter or punctuation"
            ),
            Self::BornBefore1880 { value } => write!(f, "date of birth {value} is before 1880"),
            Self::BirthNotInPast { value } => {
                write!(f, "date of birth {value} is not in the past")
            }
            Self::NotARealDate { what, value } => write!(f, "{what} {value} is not a real date"),
            Self::NotADate { what, value } => write!(
                f,
                "{what} {value} is not a date like 2001-02-28 or 28/02/2001"
            ),
            Self::NotAFullDate { what, value } => write!(f, "{what} {value} is not a full date"),
            Self::NotAFhirDate { what, value } => {
                write!(f, "{what} {value} is not a FHIR date like 2001-02-28")
            }
            Self::RegistrationInFuture { value } => {
                write!(f, "registration date {value} is in the future")
            }
            Self::RegistrationBeforeBirth { value } => {
                write!(f, "registration date {value} is before the date of birth")
            }
            Self::NotAPostcode { value } => {
                write!(f, "postcode {value} is not a real postcode, like LS1 4AP")
            }
            Self::NotAPracticeCode { value } => write!(
                f,
                "practice code {value} is not a letter followed by 5 numbers, like A12345"
            ),
            Self::NotARecordAccess { value } => write!(
                f,
                "record access {value} is not none, summary, dcr (Detailed Coded Record) or full"
            ),
            Self::NotAVisibleFrom { value } => write!(
                f,
                "visible from {value} is not joined, requested or a date"
            ),
            Self::WrongColumnCount { found, expected } => write!(
                f,
                "the line has {found} columns; the header has {expected}"
            ),
            Self::NotInFhirShape { key } => {
                write!(f, "the Patient's {key} is not in FHIR's shape")
            }
            Self::EntryNotAnEntry => write!(f, "the entry is not a FHIR entry"),
            Self::EntryHasNoResource => write!(f, "the entry has no resource"),
            Self::EntryIsOther { kind } => write!(f, "the entry is a {kind}, not a Patient"),
            Self::EntryNotAPatient => write!(f, "the entry is not a Patient"),
            Self::BadPeriod => write!(f, "a period in the Patient is not a FHIR date"),
            Self::BadSecurityLabel => {
                write!(f, "the Patient's security label is not U, R or V")
            }
            Self::NoRegistrationDate => write!(f, "no registration date"),
            Self::InFileTwice { nhs_number, first } => write!(
                f,
                "NHS number {nhs_number} is in the file twice (first at {first})"
            ),
            Self::RegisteredElsewhere { gp, practice } => write!(
                f,
                "The file says this patient is registered at {gp}, not {practice}"
            ),
            Self::TestPatient { nhs_number } => write!(
                f,
                "NHS number {nhs_number} belongs to a test patient in Relink: not imported"
            ),
            Self::OnlineAccessElsewhere { nhs_number, other } => write!(
                f,
                "NHS number {nhs_number} has online access at another Relink practice ({other}): not moved. If the patient has left that practice, ask it to end their online access, then import the file again."
            ),
        }
    }
}

/// "line 4", "entry 3": where a row is, as the command line and the English report say it.
impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Line(line) => write!(f, "line {line}"),
            Self::Entry(entry) => write!(f, "entry {entry}"),
        }
    }
}

/// Why a whole file is refused: nothing in it is imported. Structured like [`RowReason`], so
/// the staff page can say it in the member's language; `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("The file is not text in UTF-8 (line {line}). Save it as CSV UTF-8 and try again.")]
    NotUtf8 { line: u64 },
    #[error("The first line must be the header {expected}; the file's first line is {found}")]
    WrongHeader {
        expected: String,
        found: HeaderFound,
    },
    #[error("The file is neither a CSV with the header {expected} nor a FHIR Bundle")]
    UnknownFormat { expected: String },
    #[error("The file is not a FHIR Bundle: {0}")]
    NotABundle(NotABundle),
    #[error("The file has more than {limit} patients. Split it into smaller files.")]
    TooManyRows { limit: u64 },
    #[error("The file could not be read: {0}")]
    Unreadable(Unreadable),
}

/// What a CSV's first line is, when it is not the header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderFound {
    /// The line as the error quotes it (at most 120 characters); never a row of data.
    #[error("{0}")]
    Line(String),
    /// A line with a digit: a patient's row, not quoted (errors may be logged).
    #[error("a row of data, not the header")]
    Data,
    #[error("nothing: the file is empty")]
    Empty,
}

/// Where serde_json stopped in a file that is not a Bundle (its message, which may quote the
/// file, is never kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}")]
pub struct JsonAt {
    pub line: usize,
    pub column: usize,
}

/// Why a file that starts as JSON is not a FHIR Bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotABundle {
    #[error("it is not JSON ({0})")]
    NotJson(JsonAt),
    #[error("it does not have the shape of a FHIR Bundle ({0})")]
    WrongShape(JsonAt),
    #[error("something follows the Bundle ({0})")]
    SomethingFollows(JsonAt),
    #[error("it has no resourceType")]
    NoResourceType,
    /// Another resource type (`kind`, letters only).
    #[error("it is a {kind}, not a Bundle")]
    OtherResource { kind: String },
    #[error("its resourceType is not Bundle")]
    NotBundleType,
    #[error("it has more than one entry list")]
    TwoEntryLists,
    #[error(
        "a part of it (at entry {entry}) is larger than {megabytes} MB, more than any Patient"
    )]
    TooLarge { entry: u64, megabytes: u64 },
}

/// Why a file could not be read to its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// The system's own words (they say nothing of the file's content).
    #[error("{0}")]
    Io(String),
    #[error("the file could not be read to its end")]
    CutShort,
    #[error("line {line} is longer than {limit} characters, more than any patient's row")]
    LineTooLong { line: u64, limit: usize },
    #[error("the CSV cannot be read at line {line}")]
    Csv { line: u64 },
}

pub mod bundle;
pub mod csv;

pub use self::bundle::read_bundle;
pub use self::csv::{read_csv, CSV_HEADER, CSV_HEADER_OPTIONAL};

/// The header as the staff page shows it: the required columns, then the optional two.
pub const CSV_HEADER_DOC: &str = "nhs_number,given_name,family_name,date_of_birth,postcode,registration_date,record_access,visible_from";

use std::io::{BufRead, Read};
use std::ops::ControlFlow;

/// The earliest date of birth a file may give: anyone born before is a typing mistake.
const EARLIEST_BIRTH: Date = time::macros::date!(1880 - 01 - 01);

/// Which kind of file [`read_any`] found, so the report can say what it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Bundle,
}

/// The most blank space a file may start with before its first character: past this it is not
/// a patient file, and peeking further would hold the blank space in memory.
const MAX_LEADING_SPACE: usize = 64 * 1024;

/// Reads either kind of file, so the practice manager need not say which they have: one whose
/// first character (after a UTF-8 byte order mark and blank space) is `{` is read as a FHIR
/// Bundle, anything else as a CSV. An empty (or blank) file is [`FileError::UnknownFormat`].
///
/// As with the readers, rows already handed to `each` before a [`FileError`] must be dropped
/// by the caller: a file with an error is refused whole.
pub fn read_any(
    mut input: impl BufRead,
    today: Date,
    each: impl FnMut(Result<ImportedPatient, RowProblem>) -> ControlFlow<()>,
) -> Result<(Format, u64), FileError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let unknown = || FileError::UnknownFormat {
        expected: CSV_HEADER.to_owned(),
    };
    // The bytes taken to find the first character; handed on in front of the rest.
    let mut head: Vec<u8> = Vec::new();
    let first = 'peek: loop {
        let buf = input.fill_buf().map_err(unreadable)?;
        if buf.is_empty() {
            // A file that ends inside a byte order mark is not UTF-8: the CSV reader says so,
            // as it does for any other bytes that are not (found by fuzzing).
            if !head.is_empty() && head.len() < BOM.len() && BOM.starts_with(&head) {
                break 'peek head[0];
            }
            return Err(unknown());
        }
        let mut used = 0;
        let mut found = None;
        for &byte in buf {
            used += 1;
            head.push(byte);
            let after_bom = if head.starts_with(BOM) {
                &head[BOM.len()..]
            } else if BOM.starts_with(&head) {
                continue;
            } else {
                &head[..]
            };
            if let Some(first) = after_bom.iter().find(|b| !b.is_ascii_whitespace()) {
                found = Some(*first);
                break;
            }
        }
        input.consume(used);
        if let Some(byte) = found {
            break 'peek byte;
        }
        if head.len() > MAX_LEADING_SPACE {
            return Err(unknown());
        }
    };
    if first == b'{' {
        let body = head.strip_prefix(BOM).unwrap_or(&head).to_vec();
        let rows = read_bundle(std::io::Cursor::new(body).chain(input), today, each)?;
        Ok((Format::Bundle, rows))
    } else {
        let rows = read_csv(std::io::Cursor::new(head).chain(input), today, each)?;
        Ok((Format::Csv, rows))
    }
}

/// An I/O error's own words say nothing of the file's content.
fn unreadable(error: std::io::Error) -> FileError {
    FileError::Unreadable(Unreadable::Io(error.to_string()))
}

// ---- The checks both readers make, with the reasons a practice manager reads ----
//
// Reasons name the value the file holds (so the manager can find and fix it): they are for the
// report only and never for logs.

/// A value as a reason quotes it: trimmed, at most 40 characters, control characters shown as
/// `?` (so a reason is always one printable line).
fn shown(value: &str) -> String {
    let value = value.trim();
    let mut out: String = value
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if value.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

fn nhs_number(value: &str) -> Result<NhsNumber, RowReason> {
    use crate::domain::NhsNumberError;
    NhsNumber::parse(value).map_err(|error| match error {
        NhsNumberError::Empty => RowReason::NhsNumberMissing,
        NhsNumberError::NotDigits => RowReason::NhsNumberNotDigits {
            value: shown(value),
        },
        NhsNumberError::WrongLength => RowReason::NhsNumberWrongLength {
            value: shown(value),
        },
        NhsNumberError::FailsCheck => {
            // Ten digits, shown 3-3-4 as NHS letters print them.
            let d: String = value.chars().filter(char::is_ascii_digit).collect();
            RowReason::NhsNumberFailsCheck {
                number: format!("{} {} {}", &d[..3], &d[3..6], &d[6..]),
            }
        }
    })
}

/// A given or family name: trimmed, not empty, no control characters (which no name holds and
/// which PostgreSQL refuses in text).
fn name(value: &str, what: ValueName) -> Result<String, RowReason> {
    let value = value.trim();
    if value.is_empty() {
        return Err(RowReason::Missing { what });
    }
    if value.chars().any(char::is_control) {
        return Err(RowReason::NotPrintable {
            what,
            value: shown(value),
        });
    }
    Ok(value.to_owned())
}

/// A date of birth already read as a date (`text` is how the file wrote it): from 1880 and in
/// the past (the rule of [`crate::domain::DateOfBirth`]).
fn birth_date(date: Date, text: &str, today: Date) -> Result<Date, RowReason> {
    use crate::domain::{DateOfBirth, DateOfBirthError};
    if date < EARLIEST_BIRTH {
        return Err(RowReason::BornBefore1880 { value: shown(text) });
    }
    let (year, month, day) = date.to_calendar_date();
    DateOfBirth::parse(
        &day.to_string(),
        &u8::from(month).to_string(),
        &format!("{year:04}"),
        today,
    )
    .map(|dob| dob.date())
    .map_err(|error| match error {
        DateOfBirthError::NotInPast => RowReason::BirthNotInPast { value: shown(text) },
        _ => RowReason::NotARealDate {
            what: ValueName::DateOfBirth,
            value: shown(text),
        },
    })
}

/// A registration date already read as a date: not in the future, not before the birth.
fn registration_date(date: Date, text: &str, born: Date, today: Date) -> Result<Date, RowReason> {
    if date > today {
        Err(RowReason::RegistrationInFuture { value: shown(text) })
    } else if date < born {
        Err(RowReason::RegistrationBeforeBirth { value: shown(text) })
    } else {
        Ok(date)
    }
}

/// An empty postcode is none (a patient of no fixed abode); anything else must be one.
fn postcode(value: &str) -> Result<Option<Postcode>, RowReason> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    Postcode::parse(value)
        .map(Some)
        .map_err(|_| RowReason::NotAPostcode {
            value: shown(value),
        })
}

fn practice(value: &str) -> Result<OdsCode, RowReason> {
    OdsCode::parse(value).map_err(|_| RowReason::NotAPracticeCode {
        value: shown(value),
    })
}

fn problem(place: Place, field: Field) -> impl FnOnce(RowReason) -> RowProblem {
    move |reason| RowProblem {
        place,
        field,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};
    use time::macros::date;

    const TODAY: Date = date!(2026 - 03 - 01);
    const ROW: &str = "9434765919,Jane,Smith,1980-02-01,LS1 4AP,2001-05-30";

    fn read(bytes: &[u8]) -> Result<(Format, Vec<Result<ImportedPatient, RowProblem>>), FileError> {
        let mut rows = Vec::new();
        let (format, count) = read_any(bytes, TODAY, |row| {
            rows.push(row);
            ControlFlow::Continue(())
        })?;
        assert_eq!(count, rows.len() as u64);
        Ok((format, rows))
    }

    #[test]
    fn a_file_cut_off_inside_a_byte_order_mark_is_not_utf8_as_the_csv_reader_says() {
        // Found by the import_csv fuzz target: read_any said "unknown format" where read_csv
        // says "not UTF-8".
        for bytes in [&b"\xEF"[..], &b"\xEF\xBB"[..]] {
            assert_eq!(
                read(bytes),
                Err(FileError::NotUtf8 { line: 1 }),
                "{bytes:?}"
            );
        }
        assert!(matches!(
            read(b"\xEF\xBB\xBF"),
            Err(FileError::UnknownFormat { .. })
        ));
    }

    #[test]
    fn the_first_character_decides() {
        let bundle =
            r#"{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient"}}]}"#;
        for prefix in ["", "\u{feff}", "\u{feff} \r\n\t", "\n\n"] {
            let (format, rows) = read(format!("{prefix}{bundle}").as_bytes()).unwrap();
            assert_eq!((format, rows.len()), (Format::Bundle, 1), "{prefix:?}");

            let (format, rows) =
                read(format!("{prefix}{CSV_HEADER}\n{ROW}\nx\n").as_bytes()).unwrap();
            assert_eq!(format, Format::Csv, "{prefix:?}");
            assert!(rows[0].is_ok());
            // The blank lines read to find the first character still count.
            let lines = 3 + prefix.matches('\n').count() as u64;
            assert_eq!(
                rows[1].clone().unwrap_err().place,
                Place::Line(lines),
                "{prefix:?}"
            );
        }
        let unknown = Err(FileError::UnknownFormat {
            expected: CSV_HEADER.to_owned(),
        });
        for blank in ["", "\u{feff}", " \n\t\r\n"] {
            assert_eq!(read(blank.as_bytes()), unknown, "{blank:?}");
        }
        assert_eq!(read(" ".repeat(MAX_LEADING_SPACE + 10).as_bytes()), unknown);
        // A part of a BOM is not a BOM.
        assert!(matches!(
            read(b"\xEF\xBB{}"),
            Err(FileError::NotUtf8 { line: 1 })
        ));
        // JSON that is not an object is read as a CSV, whose header it is not.
        assert!(matches!(
            read(b"[1, 2]"),
            Err(FileError::WrongHeader { .. })
        ));
    }

    /// Pseudo-random bytes (xorshift), the same each run.
    fn junk(len: usize, seed: u64) -> Vec<u8> {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    #[test]
    fn ten_megabytes_of_junk_end_quickly_with_an_error() {
        const TEN_MB: usize = 10 * 1024 * 1024;
        let printable: Vec<u8> = junk(TEN_MB, 7).into_iter().map(|b| b' ' + b % 95).collect();
        let no_line_ends: Vec<u8> = junk(TEN_MB, 11)
            .into_iter()
            .map(|b| b'a' + b % 26)
            .collect();
        let mut brace = junk(TEN_MB, 13);
        brace[0] = b'{';
        let mut header_then_junk = format!("{CSV_HEADER}\n").into_bytes();
        header_then_junk.extend(junk(TEN_MB, 17));
        for (what, bytes) in [
            ("random", junk(TEN_MB, 3)),
            ("printable", printable),
            ("no line ends", no_line_ends),
            ("a brace then junk", brace),
            ("a header then junk", header_then_junk),
        ] {
            let started = Instant::now();
            let mut rows = 0;
            let result = read_any(&bytes[..], TODAY, |_| {
                rows += 1;
                ControlFlow::Continue(())
            });
            assert!(result.is_err(), "{what}: {result:?} after {rows} rows");
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{what}: {:?}",
                started.elapsed()
            );
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
            let _ = read(&bytes);
        }

        #[test]
        fn arbitrary_text_after_either_start_never_panics(
            csv in any::<bool>(),
            tail in "\\PC{0,300}",
        ) {
            let start = if csv { format!("{CSV_HEADER}\n") } else { r#"{"resourceType": "Bundle", "entry": ["#.to_owned() };
            let _ = read(format!("{start}{tail}").as_bytes());
        }
    }
}
