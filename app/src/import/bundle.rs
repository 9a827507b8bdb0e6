//! A FHIR R4 Bundle of UK Core Patients, as a clinical system exports them or a PDS search
//! returns them. Streamed: the Bundle is walked with a serde visitor, and `entry[]` is read one
//! element at a time (each held only while it is turned into a row), so memory is one entry's,
//! whatever the file's size; no part of the file larger than [`MAX_ENTRY_BYTES`] is read into
//! memory.
//!
//! A Patient is read as PDS's is (`pds::fhir`): the current `usual` name and `home` address by
//! their `period`, the ODS code in `generalPractitioner`, and no address for a restricted record.

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufReader, Read};
use std::ops::ControlFlow;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use time::Date;

use super::{
    birth_date, name, nhs_number, postcode, practice, problem, registration_date, shown, Field,
    FileError, ImportedPatient, Place, RowProblem, MAX_ROWS,
};
use crate::pds::fhir::{self, Address, Coding, HumanName, Identifier, Period, ODS_SYSTEM};

/// The identifier system of an NHS number.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// Far larger than any Patient (PDS's fullest example is 10 KB): a larger entry (or key, or
/// `resourceType`) stops the file rather than being held in memory.
pub const MAX_ENTRY_BYTES: u64 = 1024 * 1024;

/// Reads a FHIR Bundle of Patients, handing each entry to `each` as it is read: a patient, or
/// the problem with the entry (its index, field and a reason). `each` may stop the reading with
/// [`ControlFlow::Break`]. Returns how many entries were read.
///
/// The Bundle's keys may come in any order. The registration date is the `period.start` of the
/// `generalPractitioner`'s ODS identifier; the NHS number is the identifier of system
/// [`NHS_NUMBER_SYSTEM`], else the resource's `id`.
///
/// The whole file is refused ([`FileError`]) when it is not JSON, not an object, its
/// `resourceType` is not `Bundle`, or it has more than [`MAX_ROWS`] entries (at once, without
/// reading on). As `resourceType` may come after `entry`, rows handed to `each` before such an
/// error must be dropped by the caller.
pub fn read_bundle(
    input: impl Read,
    today: Date,
    each: impl FnMut(Result<ImportedPatient, RowProblem>) -> ControlFlow<()>,
) -> Result<u64, FileError> {
    read_bundle_limited(input, today, MAX_ROWS, each)
}

/// What the visitor hands back through serde's error channel: serde's errors carry only text,
/// so why the walk stopped is kept here.
enum Stop {
    /// `each` said stop: not an error.
    Break,
    Fail(FileError),
}

/// The walk's state, shared by the visitors of the Bundle and of its `entry` list.
struct Walk<F> {
    today: Date,
    limit: u64,
    each: F,
    rows: u64,
    resource_type_seen: bool,
    entry_seen: bool,
    stop: Option<Stop>,
    budget: Rc<Cell<u64>>,
}

impl<F> Walk<F> {
    fn fail<E: de::Error>(&mut self, error: FileError) -> E {
        self.stop = Some(Stop::Fail(error));
        E::custom("stopped")
    }

    /// Every key and entry may use up to [`MAX_ENTRY_BYTES`] again.
    fn refill(&self) {
        self.budget.set(MAX_ENTRY_BYTES);
    }
}

/// [`read_bundle`] with the entry limit as a parameter, so tests can pass a small one.
fn read_bundle_limited<F>(
    input: impl Read,
    today: Date,
    limit: u64,
    each: F,
) -> Result<u64, FileError>
where
    F: FnMut(Result<ImportedPatient, RowProblem>) -> ControlFlow<()>,
{
    let budget = Rc::new(Cell::new(MAX_ENTRY_BYTES));
    let reader = Budgeted {
        inner: BufReader::new(input),
        left: Rc::clone(&budget),
    };
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut walk = Walk {
        today,
        limit,
        each,
        rows: 0,
        resource_type_seen: false,
        entry_seen: false,
        stop: None,
        budget,
    };
    let walked = (&mut deserializer).deserialize_map(BundleVisitor { walk: &mut walk });
    match (walked, walk.stop.take()) {
        (_, Some(Stop::Break)) => return Ok(walk.rows),
        (_, Some(Stop::Fail(error))) => return Err(error),
        (Err(error), None) => return Err(json_error(&error, &walk)),
        (Ok(()), None) => {}
    }
    walk.refill();
    deserializer
        .end()
        .map_err(|e| not_a_bundle(format!("something follows the Bundle ({})", at(&e))))?;
    if !walk.resource_type_seen {
        return Err(not_a_bundle("it has no resourceType".to_owned()));
    }
    Ok(walk.rows)
}

fn not_a_bundle(reason: String) -> FileError {
    FileError::NotABundle(reason)
}

/// Where serde_json stopped; its message is never kept, as it may quote the file.
fn at(error: &serde_json::Error) -> String {
    format!("line {}, column {}", error.line(), error.column())
}

fn json_error<F>(error: &serde_json::Error, walk: &Walk<F>) -> FileError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Io => {
            let too_large = error
                .io_error_kind()
                .is_some_and(|_| walk.budget.get() == 0);
            if too_large {
                not_a_bundle(format!(
                    "a part of it (at entry {}) is larger than {} MB, more than any Patient",
                    walk.rows,
                    MAX_ENTRY_BYTES / (1024 * 1024)
                ))
            } else {
                FileError::Unreadable("the file could not be read to its end".to_owned())
            }
        }
        Category::Syntax | Category::Eof => not_a_bundle(format!("it is not JSON ({})", at(error))),
        Category::Data => not_a_bundle(format!(
            "it does not have the shape of a FHIR Bundle ({})",
            at(error)
        )),
    }
}

/// The Bundle's keys that matter; the rest (`type`, `total`, `meta`, `link`…) are skipped
/// without being held.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum Key {
    ResourceType,
    Entry,
    #[serde(other)]
    Other,
}

struct BundleVisitor<'w, F> {
    walk: &'w mut Walk<F>,
}

impl<'de, F> Visitor<'de> for BundleVisitor<'_, F>
where
    F: FnMut(Result<ImportedPatient, RowProblem>) -> ControlFlow<()>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a FHIR Bundle")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let walk = self.walk;
        loop {
            walk.refill();
            let Some(key) = map.next_key::<Key>()? else {
                return Ok(());
            };
            walk.refill();
            match key {
                Key::ResourceType => {
                    let kind: String = map.next_value()?;
                    if kind != "Bundle" {
                        let said = if !kind.is_empty()
                            && kind.len() <= 40
                            && kind.bytes().all(|b| b.is_ascii_alphabetic())
                        {
                            format!("it is a {kind}, not a Bundle")
                        } else {
                            "its resourceType is not Bundle".to_owned()
                        };
                        return Err(walk.fail(not_a_bundle(said)));
                    }
                    walk.resource_type_seen = true;
                }
                Key::Entry => {
                    if walk.entry_seen {
                        return Err(
                            walk.fail(not_a_bundle("it has more than one entry list".to_owned()))
                        );
                    }
                    walk.entry_seen = true;
                    map.next_value_seed(Entries { walk: &mut *walk })?;
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
    }
}

/// The `entry` list, read element by element.
struct Entries<'w, F> {
    walk: &'w mut Walk<F>,
}

impl<'de, F> DeserializeSeed<'de> for Entries<'_, F>
where
    F: FnMut(Result<ImportedPatient, RowProblem>) -> ControlFlow<()>,
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F> Visitor<'de> for Entries<'_, F>
where
    F: FnMut(Result<ImportedPatient, RowProblem>) -> ControlFlow<()>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let walk = self.walk;
        loop {
            walk.refill();
            if walk.rows == walk.limit {
                // One more entry (skipped, not held) means too many.
                return match seq.next_element::<IgnoredAny>()? {
                    Some(_) => Err(walk.fail(FileError::TooManyRows { limit: walk.limit })),
                    None => Ok(()),
                };
            }
            let Some(entry) = seq.next_element::<Value>()? else {
                return Ok(());
            };
            let place = Place::Entry(walk.rows);
            walk.rows += 1;
            let row = entry_patient(entry, place, walk.today);
            if (walk.each)(row).is_break() {
                walk.stop = Some(Stop::Break);
                return Err(de::Error::custom("stopped"));
            }
        }
    }
}

/// Counts down the bytes one key or entry may take ([`MAX_ENTRY_BYTES`]); the walk refills it.
/// serde_json reads a byte at a time, so the count is exact.
struct Budgeted<R> {
    inner: R,
    left: Rc<Cell<u64>>,
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left.get();
        if left == 0 {
            return Err(io::Error::other("a part of the Bundle is too large"));
        }
        let room = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..room])?;
        self.left.set(left - n as u64);
        Ok(n)
    }
}

// ---- One entry ----

/// The parts of a Patient the import reads, beyond what `pds::fhir` already names.
#[derive(Deserialize)]
struct GpReference {
    identifier: Option<GpIdentifier>,
}

#[derive(Deserialize)]
struct GpIdentifier {
    system: Option<String>,
    value: Option<String>,
    period: Option<Period>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    security: Vec<Coding>,
}

/// One field of the resource in the shape `T`, absent being `T::default()`. A field of the
/// wrong shape is the row's problem, named; serde's message (which quotes the value) is not
/// kept.
fn part<T: for<'a> Deserialize<'a> + Default>(
    resource: &serde_json::Map<String, Value>,
    key: &str,
    place: Place,
    field: Field,
) -> Result<T, RowProblem> {
    match resource.get(key) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(value) => T::deserialize(value).map_err(|_| RowProblem {
            place,
            field,
            reason: format!("the Patient's {key} is not in FHIR's shape"),
        }),
    }
}

fn row_problem(place: Place, reason: &str) -> RowProblem {
    RowProblem {
        place,
        field: Field::Row,
        reason: reason.to_owned(),
    }
}

/// An entry of the Bundle: its `resource` must be a Patient.
fn entry_patient(entry: Value, place: Place, today: Date) -> Result<ImportedPatient, RowProblem> {
    let Value::Object(mut entry) = entry else {
        return Err(row_problem(place, "the entry is not a FHIR entry"));
    };
    let Some(Value::Object(resource)) = entry.remove("resource") else {
        return Err(row_problem(place, "the entry has no resource"));
    };
    match resource.get("resourceType").and_then(Value::as_str) {
        Some("Patient") => {}
        Some(kind)
            if !kind.is_empty()
                && kind.len() <= 40
                && kind.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            return Err(row_problem(
                place,
                &format!("the entry is a {kind}, not a Patient"),
            ))
        }
        _ => return Err(row_problem(place, "the entry is not a Patient")),
    }
    patient(&resource, place, today)
}

fn patient(
    resource: &serde_json::Map<String, Value>,
    place: Place,
    today: Date,
) -> Result<ImportedPatient, RowProblem> {
    // The NHS number: its identifier, else the id (as PDS gives it).
    let identifiers: Vec<Identifier> = part(resource, "identifier", place, Field::NhsNumber)?;
    let id: Option<String> = part(resource, "id", place, Field::NhsNumber)?;
    let number = identifiers
        .iter()
        .filter(|i| i.system.as_deref() == Some(NHS_NUMBER_SYSTEM))
        .find_map(|i| i.value.clone())
        .or(id)
        .unwrap_or_default();
    let nhs = nhs_number(&number).map_err(problem(place, Field::NhsNumber))?;

    // The current usual name, else the first.
    let names: Vec<HumanName> = part(resource, "name", place, Field::GivenName)?;
    let bad_period = |field| {
        move |_| RowProblem {
            place,
            field,
            reason: "a period in the Patient is not a FHIR date".to_owned(),
        }
    };
    let current_name = fhir::current(&names, |n| (&n.use_, &n.period), "usual", today)
        .map_err(bad_period(Field::GivenName))?
        .or(names.first());
    let given: Vec<&str> = current_name.map_or(Vec::new(), |n| {
        n.given
            .iter()
            .map(|g| g.trim())
            .filter(|g| !g.is_empty())
            .collect()
    });
    let given_name = name(&given.join(" "), "given name").map_err(problem(place, Field::GivenName))?;
    let family = current_name.and_then(|n| n.family.as_deref()).unwrap_or("");
    let family_name = name(family, "family name").map_err(problem(place, Field::FamilyName))?;

    let birth: Option<String> = part(resource, "birthDate", place, Field::DateOfBirth)?;
    let birth = birth.unwrap_or_default();
    let date_of_birth = full_date(&birth, "date of birth")
        .and_then(|d| birth_date(d, &birth, today))
        .map_err(problem(place, Field::DateOfBirth))?;

    // The current home address, unless the record is restricted.
    let meta: Option<Meta> = part(resource, "meta", place, Field::Row)?;
    let confidentiality = fhir::confidentiality(meta.as_ref().map_or(&[][..], |m| &m.security))
        .map_err(|_| row_problem(place, "the Patient's security label is not U, R or V"))?;
    let addresses: Vec<Address> = part(resource, "address", place, Field::Postcode)?;
    let home = if confidentiality.hides_whereabouts() {
        None
    } else {
        fhir::current(&addresses, |a| (&a.use_, &a.period), "home", today)
            .map_err(bad_period(Field::Postcode))?
    };
    let address_line = home.map_or(String::new(), |a| {
        a.line
            .iter()
            // Control characters are never part of an address (and PostgreSQL refuses NUL).
            .map(|l| l.replace(char::is_control, " ").trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    });
    let postcode = postcode(home.and_then(|a| a.postal_code.as_deref()).unwrap_or(""))
        .map_err(problem(place, Field::Postcode))?;

    // The practice, and the date the patient registered there.
    let gps: Vec<GpReference> = part(resource, "generalPractitioner", place, Field::Practice)?;
    let gp = gps
        .iter()
        .filter_map(|gp| gp.identifier.as_ref())
        .find(|i| i.system.as_deref() == Some(ODS_SYSTEM));
    let gp_ods = match gp.and_then(|i| i.value.as_deref()) {
        Some(code) => Some(practice(code).map_err(problem(place, Field::Practice))?),
        None => None,
    };
    let start = gp
        .and_then(|i| i.period.as_ref())
        .and_then(|p| p.start.as_deref())
        .unwrap_or("");
    if start.trim().is_empty() {
        return Err(RowProblem {
            place,
            field: Field::RegisteredOn,
            reason: "no registration date".to_owned(),
        });
    }
    let registered_on = full_date(start, "registration date")
        .and_then(|d| registration_date(d, start, date_of_birth, today))
        .map_err(problem(place, Field::RegisteredOn))?;

    Ok(ImportedPatient {
        nhs_number: nhs,
        given_name,
        family_name,
        date_of_birth,
        address_line,
        postcode,
        registered_on,
        gp_ods,
        record_access: None,
        visible_from: None,
    })
}

/// A FHIR date (or dateTime) to the day, with the reason when it is not one.
fn full_date(text: &str, what: &str) -> Result<Date, String> {
    if text.trim().is_empty() {
        return Err(format!("{what} is missing"));
    }
    match fhir::full_date(text, "date") {
        Ok(Some(date)) => Ok(date),
        Ok(None) => Err(format!("{what} {} is not a full date", shown(text))),
        Err(_) => Err(format!(
            "{what} {} is not a FHIR date like 2001-02-28",
            shown(text)
        )),
    }
}
