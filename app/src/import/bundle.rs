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
    FileError, ImportedPatient, JsonAt, NotABundle, Place, RowProblem, RowReason, Unreadable,
    ValueName, MAX_ROWS,
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
        .map_err(|e| FileError::NotABundle(NotABundle::SomethingFollows(at(&e))))?;
    if !walk.resource_type_seen {
        return Err(FileError::NotABundle(NotABundle::NoResourceType));
    }
    Ok(walk.rows)
}

/// Where serde_json stopped; its message is never kept, as it may quote the file.
fn at(error: &serde_json::Error) -> JsonAt {
    JsonAt {
        line: error.line(),
        column: error.column(),
    }
}

fn json_error<F>(error: &serde_json::Error, walk: &Walk<F>) -> FileError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Io => {
            let too_large = error
                .io_error_kind()
                .is_some_and(|_| walk.budget.get() == 0);
            if too_large {
                FileError::NotABundle(NotABundle::TooLarge {
                    entry: walk.rows,
                    megabytes: MAX_ENTRY_BYTES / (1024 * 1024),
                })
            } else {
                FileError::Unreadable(Unreadable::CutShort)
            }
        }
        Category::Syntax | Category::Eof => FileError::NotABundle(NotABundle::NotJson(at(error))),
        Category::Data => FileError::NotABundle(NotABundle::WrongShape(at(error))),
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
                            NotABundle::OtherResource { kind }
                        } else {
                            NotABundle::NotBundleType
                        };
                        return Err(walk.fail(FileError::NotABundle(said)));
                    }
                    walk.resource_type_seen = true;
                }
                Key::Entry => {
                    if walk.entry_seen {
                        return Err(walk.fail(FileError::NotABundle(NotABundle::TwoEntryLists)));
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
    key: &'static str,
    place: Place,
    field: Field,
) -> Result<T, RowProblem> {
    match resource.get(key) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(value) => T::deserialize(value).map_err(|_| RowProblem {
            place,
            field,
            reason: RowReason::NotInFhirShape { key },
        }),
    }
}

fn row_problem(place: Place, reason: RowReason) -> RowProblem {
    RowProblem {
        place,
        field: Field::Row,
        reason,
    }
}

/// An entry of the Bundle: its `resource` must be a Patient.
fn entry_patient(entry: Value, place: Place, today: Date) -> Result<ImportedPatient, RowProblem> {
    let Value::Object(mut entry) = entry else {
        return Err(row_problem(place, RowReason::EntryNotAnEntry));
    };
    let Some(Value::Object(resource)) = entry.remove("resource") else {
        return Err(row_problem(place, RowReason::EntryHasNoResource));
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
                RowReason::EntryIsOther {
                    kind: kind.to_owned(),
                },
            ))
        }
        _ => return Err(row_problem(place, RowReason::EntryNotAPatient)),
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
            reason: RowReason::BadPeriod,
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
    let given_name =
        name(&given.join(" "), ValueName::GivenName).map_err(problem(place, Field::GivenName))?;
    let family = current_name.and_then(|n| n.family.as_deref()).unwrap_or("");
    let family_name =
        name(family, ValueName::FamilyName).map_err(problem(place, Field::FamilyName))?;

    let birth: Option<String> = part(resource, "birthDate", place, Field::DateOfBirth)?;
    let birth = birth.unwrap_or_default();
    let date_of_birth = full_date(&birth, ValueName::DateOfBirth)
        .and_then(|d| birth_date(d, &birth, today))
        .map_err(problem(place, Field::DateOfBirth))?;

    // The current home address, unless the record is restricted.
    let meta: Option<Meta> = part(resource, "meta", place, Field::Row)?;
    let confidentiality = fhir::confidentiality(meta.as_ref().map_or(&[][..], |m| &m.security))
        .map_err(|_| row_problem(place, RowReason::BadSecurityLabel))?;
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
            reason: RowReason::NoRegistrationDate,
        });
    }
    let registered_on = full_date(start, ValueName::RegistrationDate)
        .and_then(|d| registration_date(d, start, date_of_birth, today))
        .map_err(problem(place, Field::RegisteredOn))?;

    Ok(ImportedPatient {
        place,
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
        whereabouts_withheld: confidentiality.hides_whereabouts(),
    })
}

/// A FHIR date (or dateTime) to the day, with the reason when it is not one.
fn full_date(text: &str, what: ValueName) -> Result<Date, RowReason> {
    if text.trim().is_empty() {
        return Err(RowReason::Missing { what });
    }
    match fhir::full_date(text, "date") {
        Ok(Some(date)) => Ok(date),
        Ok(None) => Err(RowReason::NotAFullDate {
            what,
            value: shown(text),
        }),
        Err(_) => Err(RowReason::NotAFhirDate {
            what,
            value: shown(text),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NhsNumber, OdsCode, Postcode};
    use serde_json::json;
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};
    use time::macros::date;

    const TODAY: Date = date!(2026 - 03 - 01);

    type Rows = Vec<Result<ImportedPatient, RowProblem>>;

    fn read(bytes: impl AsRef<[u8]>) -> Result<Rows, FileError> {
        let mut rows = Vec::new();
        let count = read_bundle(bytes.as_ref(), TODAY, |row| {
            rows.push(row);
            ControlFlow::Continue(())
        })?;
        assert_eq!(count, rows.len() as u64);
        Ok(rows)
    }

    fn bundle(entries: Vec<Value>) -> Value {
        json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
    }

    fn entry(resource: Value) -> Value {
        json!({"fullUrl": "urn:uuid:x", "resource": resource})
    }

    /// A UK Core Patient as a clinical system exports one.
    fn jane() -> Value {
        json!({
            "resourceType": "Patient",
            "id": "a-local-id",
            "identifier": [
                {"system": "https://example.org/local", "value": "123"},
                {"system": NHS_NUMBER_SYSTEM, "value": "9434765919"}
            ],
            "name": [
                {"use": "usual", "period": {"start": "2000-01-01", "end": "2019-12-31"},
                 "given": ["Janet"], "family": "Jones"},
                {"use": "usual", "period": {"start": "2020-01-01"},
                 "given": ["Jane", " Mary "], "family": " Smith "}
            ],
            "birthDate": "1980-02-01",
            "address": [
                {"use": "home", "line": ["1 High Street", " ", "Leeds"], "postalCode": "ls1 4ap"},
                {"use": "temp", "line": ["Elsewhere"], "postalCode": "M1 1AA"}
            ],
            "generalPractitioner": [{
                "type": "Organization",
                "identifier": {"system": ODS_SYSTEM, "value": "b82033",
                               "period": {"start": "2001-05-30"}}
            }]
        })
    }

    fn jane_imported() -> ImportedPatient {
        ImportedPatient {
            place: Place::Entry(0),
            nhs_number: NhsNumber::parse("9434765919").unwrap(),
            given_name: "Jane Mary".into(),
            family_name: "Smith".into(),
            date_of_birth: date!(1980 - 02 - 01),
            address_line: "1 High Street, Leeds".into(),
            postcode: Some(Postcode::parse("LS1 4AP").unwrap()),
            registered_on: date!(2001 - 05 - 30),
            gp_ods: Some(OdsCode::parse("B82033").unwrap()),
            record_access: None,
            visible_from: None,
            whereabouts_withheld: false,
        }
    }

    fn one(resource: Value) -> Result<ImportedPatient, RowProblem> {
        let mut rows = read(serde_json::to_vec(&bundle(vec![entry(resource)])).unwrap()).unwrap();
        assert_eq!(rows.len(), 1);
        rows.remove(0)
    }

    fn problem_with(resource: Value) -> (Field, String) {
        let problem = one(resource).unwrap_err();
        assert_eq!(problem.place, Place::Entry(0));
        (problem.field, problem.reason.to_string())
    }

    #[test]
    fn a_good_bundle_with_its_keys_in_any_order() {
        assert_eq!(one(jane()), Ok(jane_imported()));
        // `entry` before `resourceType`, unknown keys around, the NHS number as the id only.
        let mut second = jane();
        second["identifier"] = json!([]);
        second["id"] = json!("9990000018");
        let text = format!(
            r#"{{"meta": {{"lastUpdated": "2026-01-01"}}, "entry": [{}, {}],
                "link": [{{"relation": "self", "url": "https://example.org"}}],
                "resourceType": "Bundle", "total": 2}}"#,
            entry(jane()),
            entry(second)
        );
        let rows = read(text).unwrap();
        assert_eq!(rows[0], Ok(jane_imported()));
        assert_eq!(rows[1].clone().unwrap().nhs_number.digits(), "9990000018");
        // A Bundle with no entries, or an empty list, reads no rows.
        assert_eq!(read(r#"{"resourceType": "Bundle"}"#), Ok(vec![]));
        assert_eq!(
            read(r#" {"entry": [], "resourceType": "Bundle"} "#),
            Ok(vec![])
        );
    }

    #[test]
    fn a_restricted_record_brings_no_address() {
        let mut value = jane();
        value["meta"] =
            json!({"security": [{"system": fhir::CONFIDENTIALITY_SYSTEM, "code": "R"}]});
        let patient = one(value.clone()).unwrap();
        assert_eq!(
            (patient.address_line.as_str(), patient.postcode),
            ("", None)
        );
        value["meta"]["security"][0]["code"] = json!("X");
        assert_eq!(
            problem_with(value),
            (
                Field::Row,
                "the Patient's security label is not U, R or V".into()
            )
        );
    }

    #[test]
    fn entries_that_are_not_patients() {
        let text = serde_json::to_vec(&bundle(vec![
            entry(json!({"resourceType": "OperationOutcome", "issue": []})),
            json!({"fullUrl": "urn:uuid:x"}),
            json!(42),
            entry(json!({"resourceType": 7})),
            entry(json!({"resourceType": "Pa tient <b>"})),
            entry(jane()),
        ]))
        .unwrap();
        let rows = read(text).unwrap();
        let problems: Vec<_> = rows[..5].iter().map(|r| r.clone().unwrap_err()).collect();
        let texts: Vec<String> = problems.iter().map(|p| p.reason.to_string()).collect();
        let reasons: Vec<_> = problems
            .iter()
            .zip(&texts)
            .map(|(p, text)| (p.place, p.field, text.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    Place::Entry(0),
                    Field::Row,
                    "the entry is a OperationOutcome, not a Patient"
                ),
                (Place::Entry(1), Field::Row, "the entry has no resource"),
                (Place::Entry(2), Field::Row, "the entry is not a FHIR entry"),
                (Place::Entry(3), Field::Row, "the entry is not a Patient"),
                (Place::Entry(4), Field::Row, "the entry is not a Patient"),
            ]
        );
        assert_eq!(rows[5], Ok(jane_imported()));
    }

    #[test]
    fn each_field_of_a_patient_has_its_reason() {
        let with = |path: &[&str], value: Value| {
            let mut resource = jane();
            let mut at = &mut resource;
            for key in &path[..path.len() - 1] {
                at = match key.parse::<usize>() {
                    Ok(i) => &mut at[i],
                    Err(_) => &mut at[*key],
                };
            }
            at[path[path.len() - 1]] = value;
            problem_with(resource)
        };
        let gp_period = ["generalPractitioner", "0", "identifier", "period", "start"];
        let cases = [
            (
                with(&["identifier", "1", "value"], json!("9434765918")),
                Field::NhsNumber,
                "NHS number 943 476 5918 fails the check digit",
            ),
            (
                with(&["identifier"], json!([])),
                Field::NhsNumber,
                "NHS number a-local-id must only include numbers, spaces and dashes",
            ),
            (
                with(&["identifier"], json!({"system": NHS_NUMBER_SYSTEM})),
                Field::NhsNumber,
                "the Patient's identifier is not in FHIR's shape",
            ),
            (
                with(&["name", "1", "given"], json!("Jane")),
                Field::GivenName,
                "the Patient's name is not in FHIR's shape",
            ),
            (
                with(&["name", "1", "given"], json!([" "])),
                Field::GivenName,
                "given name is missing",
            ),
            (
                with(&["name", "1", "family"], Value::Null),
                Field::FamilyName,
                "family name is missing",
            ),
            (
                with(&["name"], json!([])),
                Field::GivenName,
                "given name is missing",
            ),
            (
                with(&["name", "1", "period", "start"], json!("soon")),
                Field::GivenName,
                "a period in the Patient is not a FHIR date",
            ),
            (
                with(&["birthDate"], json!("1980")),
                Field::DateOfBirth,
                "date of birth 1980 is not a full date",
            ),
            (
                with(&["birthDate"], json!("01/02/1980")),
                Field::DateOfBirth,
                "date of birth 01/02/1980 is not a FHIR date like 2001-02-28",
            ),
            (
                with(&["birthDate"], Value::Null),
                Field::DateOfBirth,
                "date of birth is missing",
            ),
            (
                with(&["birthDate"], json!(1980)),
                Field::DateOfBirth,
                "the Patient's birthDate is not in FHIR's shape",
            ),
            (
                with(&["birthDate"], json!("1870-01-01")),
                Field::DateOfBirth,
                "date of birth 1870-01-01 is before 1880",
            ),
            (
                with(&["birthDate"], json!("2026-03-01")),
                Field::DateOfBirth,
                "date of birth 2026-03-01 is not in the past",
            ),
            (
                with(&["address", "0", "postalCode"], json!("LS1")),
                Field::Postcode,
                "postcode LS1 is not a real postcode, like LS1 4AP",
            ),
            (
                with(&["address", "0", "line"], json!("1 High Street")),
                Field::Postcode,
                "the Patient's address is not in FHIR's shape",
            ),
            (
                with(
                    &["generalPractitioner", "0", "identifier", "value"],
                    json!("RX1"),
                ),
                Field::Practice,
                "practice code RX1 is not a letter followed by 5 numbers, like A12345",
            ),
            (
                with(&gp_period, Value::Null),
                Field::RegisteredOn,
                "no registration date",
            ),
            (
                with(&["generalPractitioner"], json!([])),
                Field::RegisteredOn,
                "no registration date",
            ),
            (
                with(&gp_period, json!("2001")),
                Field::RegisteredOn,
                "registration date 2001 is not a full date",
            ),
            (
                with(&gp_period, json!("2026-03-02")),
                Field::RegisteredOn,
                "registration date 2026-03-02 is in the future",
            ),
            (
                with(&gp_period, json!("1980-01-31T23:00:00+00:00")),
                Field::RegisteredOn,
                "registration date 1980-01-31T23:00:00+00:00 is before the date of birth",
            ),
        ];
        for (got, field, reason) in cases {
            assert_eq!(got, (field, reason.to_owned()));
        }
        // A dateTime is read to its day; a postcode may be missing.
        let mut value = jane();
        value["generalPractitioner"][0]["identifier"]["period"]["start"] =
            json!("2001-05-30T09:00:00+01:00");
        value["address"][0]["postalCode"] = Value::Null;
        let patient = one(value).unwrap();
        assert_eq!(
            (patient.registered_on, patient.postcode),
            (date!(2001 - 05 - 30), None)
        );
    }

    fn not_a_bundle(bytes: &[u8]) -> String {
        match read(bytes) {
            Err(FileError::NotABundle(reason)) => reason.to_string(),
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(bytes)),
        }
    }

    #[test]
    fn what_is_not_a_bundle_says_why_without_the_content() {
        for (text, reason) in [
            ("", "it is not JSON (line 1, column 0)"),
            ("Jane Smith", "it is not JSON (line 1, column 1)"),
            (
                "[1, 2]",
                "it does not have the shape of a FHIR Bundle (line 1, column 1)",
            ),
            (
                "\"Jane\"",
                "it does not have the shape of a FHIR Bundle (line 1, column 6)",
            ),
            ("{}", "it has no resourceType"),
            (
                r#"{"resourceType": "Patient", "name": [{"given": ["Jane"]}]}"#,
                "it is a Patient, not a Bundle",
            ),
            (
                r#"{"resourceType": "Jane Smith"}"#,
                "its resourceType is not Bundle",
            ),
            (
                r#"{"resourceType": 1}"#,
                "it does not have the shape of a FHIR Bundle (line 1, column 19)",
            ),
            (
                r#"{"resourceType": "Bundle", "entry": {"resource": {}}}"#,
                "it does not have the shape of a FHIR Bundle (line 1, column 37)",
            ),
            (
                r#"{"resourceType": "Bundle", "entry": [], "entry": []}"#,
                "it has more than one entry list",
            ),
            (
                r#"{"resourceType": "Bundle", "entry": [{"resource": "#,
                "it is not JSON (line 1, column 50)",
            ),
            (
                r#"{"resourceType": "Bundle"} {"#,
                "something follows the Bundle (line 1, column 28)",
            ),
        ] {
            assert_eq!(not_a_bundle(text.as_bytes()), reason, "{text}");
        }
        // The entries before a wrong resourceType were read, and the file is refused still.
        let text = format!(
            r#"{{"entry": [{}], "resourceType": "Parameters"}}"#,
            entry(jane())
        );
        assert_eq!(
            not_a_bundle(text.as_bytes()),
            "it is a Parameters, not a Bundle"
        );
    }

    #[test]
    fn no_part_larger_than_the_budget_is_held() {
        let big = "x".repeat(usize::try_from(MAX_ENTRY_BYTES).unwrap());
        let text = format!(
            r#"{{"resourceType": "Bundle", "entry": [{}, {{"resource": {{"resourceType": "Patient", "id": "{big}"}}}}]}}"#,
            entry(jane())
        );
        assert_eq!(
            not_a_bundle(text.as_bytes()),
            "a part of it (at entry 1) is larger than 1 MB, more than any Patient"
        );
        let text = format!(r#"{{"resourceType": "Bundle", "{big}": 1}}"#);
        assert!(not_a_bundle(text.as_bytes()).starts_with("a part of it"));
        // The budget is per key and per entry: a large value under a key that is skipped is
        // refused too, as serde_json holds a string while skipping it.
        let text = format!(r#"{{"resourceType": "Bundle", "meta": "{big}"}}"#);
        assert!(not_a_bundle(text.as_bytes()).starts_with("a part of it"));
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack() {
        for at in [
            "{\"meta\": ",
            "{\"entry\": [",
            "{\"entry\": [{\"resource\": ",
        ] {
            let text = format!("{at}{}", "[".repeat(100_000));
            assert!(
                not_a_bundle(text.as_bytes()).starts_with("it is not JSON"),
                "{at}"
            );
        }
    }

    #[test]
    fn each_can_stop_the_reading() {
        let text = serde_json::to_vec(&bundle(vec![entry(jane()); 5])).unwrap();
        let mut seen = 0;
        let count = read_bundle(&text[..], TODAY, |_| {
            seen += 1;
            if seen == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!((seen, count), (2, Ok(2)));
    }

    /// A Bundle of `entries` copies of one Patient, generated as it is read (never held whole).
    struct Generated {
        entries: u64,
        made: u64,
        entry: Vec<u8>,
        pending: Vec<u8>,
        at: usize,
        done: bool,
    }

    impl Generated {
        fn new(entries: u64, patient: Value) -> Self {
            Self {
                entries,
                made: 0,
                entry: serde_json::to_vec(&entry(patient)).unwrap(),
                pending: br#"{"resourceType": "Bundle", "type": "collection", "entry": ["#.to_vec(),
                at: 0,
                done: false,
            }
        }
    }

    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.pending.len() {
                if self.done {
                    return Ok(0);
                }
                self.at = 0;
                self.pending = if self.made == self.entries {
                    self.done = true;
                    b"]}".to_vec()
                } else {
                    self.made += 1;
                    let mut next = if self.made > 1 {
                        b",".to_vec()
                    } else {
                        Vec::new()
                    };
                    next.extend_from_slice(&self.entry);
                    next
                };
            }
            let n = buf.len().min(self.pending.len() - self.at);
            buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn too_many_entries_stop_at_once() {
        let mut seen = 0;
        let result = read_bundle_limited(Generated::new(1_000_000, jane()), TODAY, 10, |row| {
            assert_eq!(row, Ok(jane_imported()));
            seen += 1;
            ControlFlow::Continue(())
        });
        assert_eq!(
            (result, seen),
            (Err(FileError::TooManyRows { limit: 10 }), 10)
        );
        let result = read_bundle_limited(Generated::new(10, jane()), TODAY, 10, |_| {
            ControlFlow::Continue(())
        });
        assert_eq!(result, Ok(10));
    }

    #[test]
    fn a_bundle_of_200_000_entries_is_refused() {
        let started = Instant::now();
        let mut seen = 0u64;
        // A short Patient (without a name: a row problem), so the test is quick in a debug build.
        let patient = json!({"resourceType": "Patient", "id": "9434765919"});
        let result = read_bundle(Generated::new(200_000, patient), TODAY, |_| {
            seen += 1;
            ControlFlow::Continue(())
        });
        assert_eq!(result, Err(FileError::TooManyRows { limit: MAX_ROWS }));
        assert_eq!(seen, MAX_ROWS);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }

    fn vendor() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vendor")
    }

    fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                json_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_vendored_bundle_of_patients_reads() {
        let mut files = Vec::new();
        json_files(&vendor().join("pds-spec"), &mut files);
        json_files(&vendor().join("pds-sandbox"), &mut files);
        let mut bundles = 0;
        let mut problems = 0;
        let mut patients_read = 0;
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            // Git symlinks checked out as text, and other resources, are not Bundles of Patients.
            let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
                continue;
            };
            let Some(entries) = value["entry"].as_array() else {
                continue;
            };
            let patients = value["resourceType"] == "Bundle"
                && entries
                    .iter()
                    .all(|e| e["resource"]["resourceType"] == "Patient");
            if !patients {
                continue;
            }
            bundles += 1;
            let rows = read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(rows.len(), entries.len());
            for (row, entry) in rows.iter().zip(entries) {
                let resource = &entry["resource"];
                match row {
                    Ok(patient) => {
                        assert_eq!(
                            patient.nhs_number.digits(),
                            resource["id"].as_str().unwrap()
                        );
                        assert!(patient.gp_ods.is_some());
                        patients_read += 1;
                    }
                    Err(problem) => {
                        // Each problem is one the example really has.
                        let gp = &resource["generalPractitioner"][0]["identifier"];
                        let id = resource["id"].as_str().unwrap();
                        let explained = match problem.field {
                            // Some of PDS's examples hold numbers that fail the check digit…
                            Field::NhsNumber => NhsNumber::parse(id).is_err(),
                            Field::GivenName => resource["name"].is_null(),
                            // …or made-up postcodes.
                            Field::Postcode => resource["address"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .filter_map(|a| a["postalCode"].as_str())
                                .any(|p| Postcode::parse(p).is_err()),
                            Field::RegisteredOn => {
                                problem.reason.to_string() == "no registration date"
                                    && gp["period"]["start"].is_null()
                            }
                            _ => false,
                        };
                        assert!(explained, "{}: {problem:?}", path.display());
                        problems += 1;
                    }
                }
            }
        }
        // 32 Bundles: 20 patients, 65 problems (59 with no registration date) when written.
        assert!(
            bundles >= 20,
            "only {bundles} Bundles found under {}",
            vendor().display()
        );
        assert!(
            patients_read >= 20 && problems > 0,
            "{patients_read} patients, {problems} problems"
        );

        let search =
            vendor().join("pds-spec/karate-tests/src/test/java/mocks/stubs/searchResponses");
        let rows = read(std::fs::read(search.join("PatientSearch.json")).unwrap()).unwrap();
        assert_eq!(
            rows[0],
            Ok(ImportedPatient {
                place: Place::Entry(0),
                nhs_number: NhsNumber::parse("9000000009").unwrap(),
                given_name: "Jane".into(),
                family_name: "Smith".into(),
                date_of_birth: date!(2010 - 10 - 22),
                address_line: "1 Trevelyan Square, Boar Lane, City Centre, Leeds, West Yorkshire"
                    .into(),
                postcode: Some(Postcode::parse("LS1 6AE").unwrap()),
                registered_on: date!(2020 - 01 - 01),
                gp_ods: Some(OdsCode::parse("Y12345").unwrap()),
                record_access: None,
                visible_from: None,
                whereabouts_withheld: false,
            })
        );
    }
}
