//! PDS's FHIR R4 JSON, read once at the boundary: a `Patient` becomes a [`PdsRecord`], an
//! `OperationOutcome` an [`OperationOutcome`]. Only the fields Relink uses are read; unknown
//! fields (the many UK Core extensions, telecom, contacts) are ignored, so PDS adding one never
//! breaks a lookup.
//!
//! No error here carries a value from the JSON: serde's own messages quote the offending value
//! (a name, a date of birth), so only their position is kept.

use serde::Deserialize;
use time::{Date, Month};

use super::{OperationOutcome, PdsAddress, PdsRecord};
use crate::domain::{Confidentiality, NhsNumber, OdsCode};

/// The code system of PDS's own error codes (`RESOURCE_NOT_FOUND`, `INVALID_RESOURCE_ID`…).
pub const SPINE_ERROR_SYSTEM: &str = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode";
/// The identifier system of a GP practice's ODS code in `generalPractitioner`.
pub const ODS_SYSTEM: &str = "https://fhir.nhs.uk/Id/ods-organization-code";
/// The code system of the confidentiality label in `meta.security`.
pub const CONFIDENTIALITY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

/// Why a body from PDS could not be read as the resource expected. The messages say where and
/// what kind of problem, never the value (so they can be logged and shown to staff).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FhirError {
    /// Not JSON at all (or cut short).
    #[error("the body is not JSON (line {line}, column {column})")]
    NotJson { line: usize, column: usize },
    /// JSON, but a field has the wrong type for a FHIR `Patient`/`OperationOutcome`.
    #[error(
        "the JSON does not have the shape of a FHIR {expected} (line {line}, column {column})"
    )]
    Shape {
        expected: &'static str,
        line: usize,
        column: usize,
    },
    /// JSON whose `resourceType` is not the one expected (or missing).
    #[error("the JSON is not a FHIR {expected}")]
    NotA { expected: &'static str },
    /// The Patient has no `id`.
    #[error("the Patient has no id")]
    MissingId,
    /// The Patient's `id` is not a 10-digit NHS number with a right check digit.
    #[error("the Patient's id is not a valid NHS number")]
    BadId,
    /// A confidentiality label other than U, R or V.
    #[error("the Patient's security label is not U, R or V")]
    BadLabel,
    /// A date that is not a FHIR date or dateTime.
    #[error("the Patient's {field} is not a FHIR date")]
    BadDate { field: &'static str },
    /// A `gender` outside FHIR's administrative genders.
    #[error("the Patient's gender is not male, female, other or unknown")]
    BadGender,
    /// An OperationOutcome with no issue, or whose first issue has no code anywhere.
    #[error("the OperationOutcome has no issue code")]
    NoIssueCode,
}

// ---- The JSON, as far as Relink reads it ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    resource_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Patient {
    id: Option<String>,
    meta: Option<Meta>,
    #[serde(default)]
    name: Vec<HumanName>,
    gender: Option<String>,
    birth_date: Option<String>,
    deceased_date_time: Option<String>,
    #[serde(default)]
    address: Vec<Address>,
    #[serde(default)]
    general_practitioner: Vec<Reference>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    version_id: Option<String>,
    #[serde(default)]
    security: Vec<Coding>,
}

#[derive(Deserialize)]
pub(crate) struct Coding {
    pub(crate) system: Option<String>,
    pub(crate) code: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Period {
    pub(crate) start: Option<String>,
    pub(crate) end: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct HumanName {
    #[serde(rename = "use")]
    pub(crate) use_: Option<String>,
    pub(crate) period: Option<Period>,
    #[serde(default)]
    pub(crate) given: Vec<String>,
    pub(crate) family: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Address {
    #[serde(rename = "use")]
    pub(crate) use_: Option<String>,
    pub(crate) period: Option<Period>,
    #[serde(default)]
    pub(crate) line: Vec<String>,
    pub(crate) postal_code: Option<String>,
}

#[derive(Deserialize)]
struct Reference {
    identifier: Option<Identifier>,
}

#[derive(Deserialize)]
pub(crate) struct Identifier {
    pub(crate) system: Option<String>,
    pub(crate) value: Option<String>,
}

#[derive(Deserialize)]
struct Outcome {
    #[serde(default)]
    issue: Vec<Issue>,
}

#[derive(Deserialize)]
struct Issue {
    code: Option<String>,
    details: Option<CodeableConcept>,
    diagnostics: Option<String>,
}

#[derive(Deserialize)]
struct CodeableConcept {
    #[serde(default)]
    coding: Vec<Coding>,
}

/// Reads a `Patient` as PDS returns it from `GET /Patient/{id}`. `today` decides which name and
/// address are current (by their `period`). A restricted or very restricted record never comes
/// back with an address, whatever the JSON held.
pub fn parse_patient(body: &[u8], today: Date) -> Result<PdsRecord, FhirError> {
    let patient: Patient = parse_resource(body, "Patient")?;

    let id = patient.id.as_deref().ok_or(FhirError::MissingId)?;
    if id.len() != 10 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FhirError::BadId);
    }
    let nhs_number = NhsNumber::parse(id).map_err(|_| FhirError::BadId)?;

    let (version, confidentiality) = match &patient.meta {
        Some(meta) => (
            meta.version_id.clone().filter(|v| !v.trim().is_empty()),
            confidentiality(&meta.security)?,
        ),
        None => (None, Confidentiality::Unrestricted),
    };

    let name = match current(&patient.name, |n| (&n.use_, &n.period), "usual", today)? {
        Some(name) => Some(name),
        None => patient.name.first(),
    };
    let given_name = name.and_then(|n| {
        let given: Vec<&str> = n
            .given
            .iter()
            .map(|g| g.trim())
            .filter(|g| !g.is_empty())
            .collect();
        (!given.is_empty()).then(|| given.join(" "))
    });
    let family_name = name.and_then(|n| non_empty(n.family.as_deref()));

    let address = if confidentiality.hides_whereabouts() {
        None
    } else {
        current(&patient.address, |a| (&a.use_, &a.period), "home", today)?.and_then(|a| {
            let lines: Vec<String> = a
                .line
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            let postcode = non_empty(a.postal_code.as_deref());
            (!lines.is_empty() || postcode.is_some()).then_some(PdsAddress { lines, postcode })
        })
    };

    let gender = match patient.gender.as_deref() {
        None => None,
        Some(g @ ("male" | "female" | "other" | "unknown")) => Some(g.to_owned()),
        Some(_) => return Err(FhirError::BadGender),
    };

    let gp_ods = patient
        .general_practitioner
        .iter()
        .filter_map(|gp| gp.identifier.as_ref())
        .filter(|i| i.system.as_deref() == Some(ODS_SYSTEM))
        .find_map(|i| i.value.as_deref().and_then(|v| OdsCode::parse(v).ok()));

    let birth_date = match patient.birth_date.as_deref() {
        Some(text) => full_date(text, "birthDate")?,
        None => None,
    };
    let deceased_on = match patient.deceased_date_time.as_deref() {
        Some(text) => full_date(text, "deceasedDateTime")?,
        None => None,
    };

    Ok(PdsRecord {
        nhs_number,
        version,
        given_name,
        family_name,
        birth_date,
        address,
        gender,
        gp_ods,
        deceased_on,
        confidentiality,
    })
}

/// Reads an `OperationOutcome` (PDS's error bodies): the first issue's Spine error code (else any
/// coding's code, else the issue's own `code`) and its `diagnostics`.
pub fn parse_outcome(body: &[u8]) -> Result<OperationOutcome, FhirError> {
    let outcome: Outcome = parse_resource(body, "OperationOutcome")?;
    let issue = outcome.issue.first().ok_or(FhirError::NoIssueCode)?;
    let codings = issue.details.as_ref().map_or(&[][..], |d| &d.coding[..]);
    let code_of = |c: &Coding| non_empty(c.code.as_deref());
    let spine_code = codings
        .iter()
        .filter(|c| c.system.as_deref() == Some(SPINE_ERROR_SYSTEM))
        .find_map(code_of)
        .or_else(|| codings.iter().find_map(code_of))
        .or_else(|| non_empty(issue.code.as_deref()))
        .ok_or(FhirError::NoIssueCode)?;
    Ok(OperationOutcome {
        spine_code,
        diagnostics: issue.diagnostics.clone(),
    })
}

/// Checks `resourceType` first (so a Bundle or an OperationOutcome is named as such rather than
/// failing on some field's shape), then reads the resource.
fn parse_resource<T: serde::de::DeserializeOwned>(
    body: &[u8],
    expected: &'static str,
) -> Result<T, FhirError> {
    let head: Head = serde_json::from_slice(body).map_err(|e| json_error(&e, expected))?;
    if head.resource_type.as_deref() != Some(expected) {
        return Err(FhirError::NotA { expected });
    }
    serde_json::from_slice(body).map_err(|e| json_error(&e, expected))
}

/// Keeps serde's position and kind of error but drops its message, which quotes values.
fn json_error(e: &serde_json::Error, expected: &'static str) -> FhirError {
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Data => FhirError::Shape {
            expected,
            line,
            column,
        },
        _ => FhirError::NotJson { line, column },
    }
}

pub(crate) fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The most restrictive label among `meta.security`'s confidentiality codes (a coding from another
/// system is not a confidentiality label and is skipped); none means unrestricted.
pub(crate) fn confidentiality(security: &[Coding]) -> Result<Confidentiality, FhirError> {
    let mut label = Confidentiality::Unrestricted;
    for coding in security {
        if coding
            .system
            .as_deref()
            .is_some_and(|s| s != CONFIDENTIALITY_SYSTEM)
        {
            continue;
        }
        let code = coding.code.as_deref().ok_or(FhirError::BadLabel)?;
        let this = Confidentiality::from_code(code).ok_or(FhirError::BadLabel)?;
        label = match (label, this) {
            (Confidentiality::VeryRestricted, _) | (_, Confidentiality::VeryRestricted) => {
                Confidentiality::VeryRestricted
            }
            (Confidentiality::Restricted, _) | (_, Confidentiality::Restricted) => {
                Confidentiality::Restricted
            }
            _ => Confidentiality::Unrestricted,
        };
    }
    Ok(label)
}

/// The entry of `wanted_use` that is current on `today`: the first whose `period` covers it
/// (either end may be open); if none does, the one whose period starts latest; `None` when there
/// is no entry of that use.
pub(crate) fn current<'a, T>(
    items: &'a [T],
    use_and_period: impl Fn(&'a T) -> (&'a Option<String>, &'a Option<Period>),
    wanted_use: &str,
    today: Date,
) -> Result<Option<&'a T>, FhirError> {
    let mut latest: Option<(Option<Date>, &'a T)> = None;
    for item in items {
        let (use_, period) = use_and_period(item);
        if use_.as_deref() != Some(wanted_use) {
            continue;
        }
        let (start, end) = match period {
            Some(p) => (
                p.start.as_deref().map(|s| bound(s, false)).transpose()?,
                p.end.as_deref().map(|s| bound(s, true)).transpose()?,
            ),
            None => (None, None),
        };
        if start.is_none_or(|s| s <= today) && end.is_none_or(|e| today <= e) {
            return Ok(Some(item));
        }
        if latest.is_none_or(|(latest_start, _)| start > latest_start) {
            latest = Some((start, item));
        }
    }
    Ok(latest.map(|(_, item)| item))
}

/// A FHIR date or dateTime, at the precision it was given.
enum FhirDate {
    Year(i32),
    Month(i32, Month),
    Day(Date),
}

fn fhir_date(text: &str) -> Option<FhirDate> {
    let text = text.trim();
    let number = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    if text.len() > 10 {
        // A dateTime: FHIR requires the offset whenever a time is given.
        let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .ok()?;
        return Some(FhirDate::Day(at.date()));
    }
    let mut parts = text.split('-');
    let year = i32::try_from(number(parts.next()?, 4)?).ok()?;
    let Some(month) = parts.next() else {
        return Some(FhirDate::Year(year));
    };
    let month = Month::try_from(u8::try_from(number(month, 2)?).ok()?).ok()?;
    let Some(day) = parts.next() else {
        return Some(FhirDate::Month(year, month));
    };
    let day = u8::try_from(number(day, 2)?).ok()?;
    if parts.next().is_some() {
        return None;
    }
    Date::from_calendar_date(year, month, day)
        .ok()
        .map(FhirDate::Day)
}

/// A date to the day; a partial date ("2010", "2010-10") is `None`, not an error.
pub(crate) fn full_date(text: &str, field: &'static str) -> Result<Option<Date>, FhirError> {
    match fhir_date(text).ok_or(FhirError::BadDate { field })? {
        FhirDate::Day(date) => Ok(Some(date)),
        FhirDate::Year(_) | FhirDate::Month(..) => Ok(None),
    }
}

/// A period's end as a day: a partial start is its first day, a partial end its last.
fn bound(text: &str, is_end: bool) -> Result<Date, FhirError> {
    let bad = FhirError::BadDate { field: "period" };
    let date = match fhir_date(text).ok_or(bad.clone())? {
        FhirDate::Day(date) => Some(date),
        FhirDate::Year(year) if is_end => Date::from_calendar_date(year, Month::December, 31).ok(),
        FhirDate::Year(year) => Date::from_calendar_date(year, Month::January, 1).ok(),
        FhirDate::Month(year, month) if is_end => {
            Date::from_calendar_date(year, month, month.length(year)).ok()
        }
        FhirDate::Month(year, month) => Date::from_calendar_date(year, month, 1).ok(),
    };
    date.ok_or(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};
    use std::path::{Path, PathBuf};
    use time::macros::date;

    const TODAY: Date = date!(2026 - 03 - 01);

    fn vendor() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vendor")
    }

    fn patient(value: &Value) -> Result<PdsRecord, FhirError> {
        parse_patient(&serde_json::to_vec(value).unwrap(), TODAY)
    }

    /// Every JSON file under `dir`, recursively, as (path, bytes).
    fn json_files(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
            panic!(
                "{} must exist (the vendored PDS material, ../shared/vendor): {e}",
                dir.display()
            )
        });
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                json_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path, bytes));
            }
        }
    }

    /// What the vendored material holds: each Patient (alone or in a Bundle's entries) and each
    /// OperationOutcome, with the file it came from.
    struct Corpus {
        patients: Vec<(String, Value)>,
        outcomes: Vec<(String, Vec<u8>)>,
    }

    fn corpus() -> Corpus {
        let mut files = Vec::new();
        json_files(&vendor().join("pds-spec"), &mut files);
        json_files(&vendor().join("pds-sandbox/mocks"), &mut files);
        let mut corpus = Corpus {
            patients: Vec::new(),
            outcomes: Vec::new(),
        };
        for (path, bytes) in files {
            let name = path.display().to_string();
            let value: Value = match serde_json::from_slice(&bytes) {
                Ok(value) => value,
                // git stores the spec's symlinks to the sandbox's mocks as a text file holding
                // the link's target; those mocks are read from pds-sandbox/mocks.
                Err(_) if bytes.starts_with(b"../") => continue,
                Err(e) => panic!("{name} is not JSON: {e}"),
            };
            match value["resourceType"].as_str() {
                Some("Patient") => corpus.patients.push((name, value)),
                Some("OperationOutcome") => corpus.outcomes.push((name, bytes)),
                Some("Bundle") => {
                    for entry in value["entry"].as_array().into_iter().flatten() {
                        if entry["resource"]["resourceType"] == "Patient" {
                            corpus
                                .patients
                                .push((name.clone(), entry["resource"].clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        corpus
    }

    #[test]
    fn every_vendored_patient_parses() {
        let corpus = corpus();
        assert!(
            corpus.patients.len() > 50,
            "only {} patients found",
            corpus.patients.len()
        );
        let mut parsed = 0;
        for (name, value) in &corpus.patients {
            let result = patient(value);
            // The spec's own exceptions: requests to create a record have no id yet, and
            // 9000000015 (a compound-name example) fails the Modulus 11 check.
            if name.contains("/requests/PatientCreate/") {
                assert_eq!(result, Err(FhirError::MissingId), "{name}");
            } else if value["id"] == "9000000015" {
                assert_eq!(result, Err(FhirError::BadId), "{name}");
            } else {
                let record = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    Some(record.nhs_number.digits().as_str()),
                    value["id"].as_str()
                );
                if record.confidentiality.hides_whereabouts() {
                    assert_eq!(record.address, None, "{name}");
                }
                parsed += 1;
            }
        }
        assert!(parsed > 50, "only {parsed} patients parsed");
    }

    #[test]
    fn every_vendored_operation_outcome_parses() {
        let corpus = corpus();
        assert!(corpus.outcomes.len() >= 20, "{}", corpus.outcomes.len());
        for (name, bytes) in &corpus.outcomes {
            let outcome = parse_outcome(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            let stem = Path::new(name).file_stem().unwrap().to_str().unwrap();
            // The error stubs are named after their Spine code (NOT_SUPPORTED_SEARCH has only
            // an issue code; MULTIPLE_MATCHES_FOUND and SINGLE_MATCH_FOUND hold a shorter one).
            if name.contains("/errorResponses/") && stem != "NOT_SUPPORTED_SEARCH" {
                assert_eq!(outcome.spine_code, stem, "{name}");
            }
        }
        let named = |stem: &str| {
            let (_, bytes) = corpus
                .outcomes
                .iter()
                .find(|(n, _)| n.ends_with(&format!("/{stem}.json")))
                .unwrap();
            parse_outcome(bytes).unwrap()
        };
        assert_eq!(named("NOT_SUPPORTED_SEARCH").spine_code, "not-supported");
        assert_eq!(named("RESOURCE_NOT_FOUND").spine_code, "RESOURCE_NOT_FOUND");
        assert_eq!(
            named("INVALIDATED_RESOURCE").spine_code,
            "INVALIDATED_RESOURCE"
        );
        assert_eq!(
            named("INVALID_RESOURCE_ID").spine_code,
            "INVALID_RESOURCE_ID"
        );
    }

    fn vendored(file: &str) -> Vec<u8> {
        std::fs::read(vendor().join(file)).unwrap()
    }

    const STUBS: &str = "pds-spec/karate-tests/src/test/java/mocks/stubs/patientResponses";

    #[test]
    fn the_full_record_9000000009() {
        for file in [
            format!("{STUBS}/patient_9000000009.json"),
            "pds-sandbox/mocks/Patient.json".to_owned(),
        ] {
            let record = parse_patient(&vendored(&file), TODAY).unwrap();
            assert_eq!(record.nhs_number, NhsNumber::parse("9000000009").unwrap());
            assert_eq!(record.version.as_deref(), Some("2"));
            assert_eq!(record.given_name.as_deref(), Some("Jane"));
            assert_eq!(record.family_name.as_deref(), Some("Smith"));
            assert_eq!(record.birth_date, Some(date!(2010 - 10 - 22)));
            assert_eq!(record.gender.as_deref(), Some("female"));
            assert_eq!(record.gp_ods, Some(OdsCode::parse("Y12345").unwrap()));
            assert_eq!(record.deceased_on, Some(date!(2010 - 10 - 22)));
            assert_eq!(record.confidentiality, Confidentiality::Unrestricted);
            let address = record.address.unwrap();
            assert_eq!(address.postcode.as_deref(), Some("LS1 6AE"));
            assert_eq!(
                address.lines,
                [
                    "1 Trevelyan Square",
                    "Boar Lane",
                    "City Centre",
                    "Leeds",
                    "West Yorkshire"
                ]
            );
        }
    }

    #[test]
    fn the_restricted_record_9000000025() {
        for file in [
            format!("{STUBS}/patient_9000000025.json"),
            "pds-sandbox/mocks/Sensitive_Patient.json".to_owned(),
        ] {
            let record = parse_patient(&vendored(&file), TODAY).unwrap();
            assert_eq!(record.nhs_number.digits(), "9000000025");
            assert_eq!(record.confidentiality, Confidentiality::Restricted);
            assert_eq!(record.address, None);
            assert_eq!(record.gp_ods, None);
            assert_eq!(record.given_name.as_deref(), Some("Janet"));
            assert_eq!(record.family_name.as_deref(), Some("Smythe"));
        }
    }

    #[test]
    fn the_minimal_record_9000000033() {
        let record = parse_patient(
            &vendored(&format!("{STUBS}/patient_9000000033.json")),
            TODAY,
        )
        .unwrap();
        assert_eq!(
            record,
            PdsRecord {
                nhs_number: NhsNumber::parse("9000000033").unwrap(),
                version: Some("2".into()),
                given_name: None,
                family_name: None,
                birth_date: None,
                address: None,
                gender: None,
                gp_ods: None,
                deceased_on: None,
                confidentiality: Confidentiality::Unrestricted,
            }
        );
    }

    fn full() -> Value {
        serde_json::from_slice(&vendored(&format!("{STUBS}/patient_9000000009.json"))).unwrap()
    }

    #[test]
    fn a_restricted_label_drops_an_address_the_json_wrongly_holds() {
        for code in ["R", "V"] {
            let mut value = full();
            value["meta"]["security"][0]["code"] = json!(code);
            assert!(value["address"].as_array().is_some_and(|a| !a.is_empty()));
            let record = patient(&value).unwrap();
            assert_eq!(record.confidentiality.code(), code);
            assert_eq!(record.address, None);
            // The rest of the record is still read.
            assert_eq!(record.family_name.as_deref(), Some("Smith"));
        }
    }

    #[test]
    fn the_most_restrictive_label_wins_and_other_systems_are_not_labels() {
        let mut value = full();
        value["meta"]["security"] = json!([
            {"system": CONFIDENTIALITY_SYSTEM, "code": "U"},
            {"code": "V"},
            {"system": "https://example.org/other-labels", "code": "XYZ"}
        ]);
        assert_eq!(
            patient(&value).unwrap().confidentiality,
            Confidentiality::VeryRestricted
        );
        value["meta"]["security"] = json!([]);
        assert_eq!(
            patient(&value).unwrap().confidentiality,
            Confidentiality::Unrestricted
        );
        value["meta"]["security"] = json!([{"system": CONFIDENTIALITY_SYSTEM, "code": "N"}]);
        assert_eq!(patient(&value), Err(FhirError::BadLabel));
    }

    #[test]
    fn the_current_usual_name_is_chosen_by_period() {
        let mut value = full();
        value["name"] = json!([
            {"use": "official", "given": ["Official"], "family": "Name"},
            {"use": "usual", "period": {"start": "2019-01-01", "end": "2020-12-31"},
             "given": ["Old"], "family": "Name"},
            {"use": "usual", "period": {"start": "2021-01-01"},
             "given": ["  Mary ", "", "Ann"], "family": " Current "},
            {"use": "usual", "period": {"start": "2030-01-01"}, "given": ["Future"]}
        ]);
        let record = patient(&value).unwrap();
        assert_eq!(record.given_name.as_deref(), Some("Mary Ann"));
        assert_eq!(record.family_name.as_deref(), Some("Current"));

        // None covers today: the one that starts latest.
        value["name"] = json!([
            {"use": "usual", "period": {"start": "2019-01-01", "end": "2020-12-31"}, "given": ["A"]},
            {"use": "usual", "period": {"start": "2020-06", "end": "2021"}, "given": ["B"]},
            {"use": "usual", "period": {"end": "2018-01-01"}, "given": ["C"]}
        ]);
        assert_eq!(patient(&value).unwrap().given_name.as_deref(), Some("B"));

        // No usual name: the first name.
        value["name"] = json!([
            {"use": "nickname", "given": ["First"]},
            {"use": "official", "given": ["Second"]}
        ]);
        assert_eq!(
            patient(&value).unwrap().given_name.as_deref(),
            Some("First")
        );

        // A partial end covers the whole month or year it names.
        value["name"] = json!([
            {"use": "usual", "period": {"end": "2026-03"}, "given": ["Month"]},
            {"use": "usual", "period": {"start": "2026-03-02"}, "given": ["Later"]}
        ]);
        assert_eq!(
            patient(&value).unwrap().given_name.as_deref(),
            Some("Month")
        );

        value["name"] = json!([{"use": "usual", "period": {"start": "last week"}}]);
        assert_eq!(patient(&value), Err(FhirError::BadDate { field: "period" }));
    }

    #[test]
    fn the_current_home_address_is_chosen_by_period() {
        let mut value = full();
        value["address"] = json!([
            {"use": "temp", "line": ["Temp"], "postalCode": "LS1 1AA"},
            {"use": "home", "period": {"start": "2010-01-01", "end": "2015-01-01"},
             "line": ["Old"], "postalCode": "LS2 2BB"},
            {"use": "home", "period": {"start": "2015-01-02T00:00:00+00:00"},
             "line": [" 2 New Street ", "  ", "Leeds"], "postalCode": " LS3 3CC "}
        ]);
        let address = patient(&value).unwrap().address.unwrap();
        assert_eq!(address.lines, ["2 New Street", "Leeds"]);
        assert_eq!(address.postcode.as_deref(), Some("LS3 3CC"));

        // Only a temporary address: no home address.
        value["address"] = json!([{"use": "temp", "line": ["Temp"]}]);
        assert_eq!(patient(&value).unwrap().address, None);
        // A home address with nothing in it is no address.
        value["address"] = json!([{"use": "home", "line": [" "], "postalCode": ""}]);
        assert_eq!(patient(&value).unwrap().address, None);
    }

    #[test]
    fn dates_partial_or_with_times() {
        let mut value = full();
        for (text, expected) in [
            ("2010", None),
            ("2010-10", None),
            ("2010-10-22", Some(date!(2010 - 10 - 22))),
        ] {
            value["birthDate"] = json!(text);
            assert_eq!(patient(&value).unwrap().birth_date, expected, "{text}");
        }
        for text in ["22/10/2010", "2010-13-01", "2010-02-30", "", "20101022"] {
            value["birthDate"] = json!(text);
            assert_eq!(
                patient(&value),
                Err(FhirError::BadDate { field: "birthDate" }),
                "{text}"
            );
        }
        value["birthDate"] = json!("2010-10-22");
        for (text, expected) in [
            ("2020-05-01T23:30:00+01:00", Some(date!(2020 - 05 - 01))),
            ("2020-05-01", Some(date!(2020 - 05 - 01))),
            ("2020", None),
        ] {
            value["deceasedDateTime"] = json!(text);
            assert_eq!(patient(&value).unwrap().deceased_on, expected, "{text}");
        }
        value["deceasedDateTime"] = json!("2020-05-01T23:30:00");
        assert_eq!(
            patient(&value),
            Err(FhirError::BadDate {
                field: "deceasedDateTime"
            })
        );
    }

    #[test]
    fn the_gp_is_a_practice_ods_code_or_nothing() {
        let mut value = full();
        value["generalPractitioner"] = json!([
            {"identifier": {"system": "https://example.org/other", "value": "A11111"}},
            {"identifier": {"system": ODS_SYSTEM, "value": "RX1"}},
            {"identifier": {"system": ODS_SYSTEM, "value": "b82033"}}
        ]);
        assert_eq!(patient(&value).unwrap().gp_ods.unwrap().as_str(), "B82033");
        value["generalPractitioner"] =
            json!([{"identifier": {"system": ODS_SYSTEM, "value": "RX1"}}]);
        assert_eq!(patient(&value).unwrap().gp_ods, None);
    }

    #[test]
    fn refusals_say_what_without_the_values() {
        let mut value = full();
        value["id"] = json!("9000000001");
        assert_eq!(patient(&value), Err(FhirError::BadId));
        value["id"] = json!("900 000 0009");
        assert_eq!(patient(&value), Err(FhirError::BadId));
        value["id"] = json!("9000000009");
        value["gender"] = json!("f");
        assert_eq!(patient(&value), Err(FhirError::BadGender));

        value["gender"] = json!("female");
        value["name"][0]["given"] = json!("Jane");
        let error = patient(&value).unwrap_err();
        assert!(matches!(
            error,
            FhirError::Shape {
                expected: "Patient",
                ..
            }
        ));
        assert!(!error.to_string().contains("Jane"), "{error}");

        assert!(matches!(
            parse_patient(b"{\"resourceType\": \"Patient\", ", TODAY),
            Err(FhirError::NotJson { .. })
        ));
        assert!(matches!(
            parse_patient(b"<html>Bad gateway</html>", TODAY),
            Err(FhirError::NotJson { .. })
        ));
        let not_found = vendored(
            "pds-spec/karate-tests/src/test/java/mocks/stubs/errorResponses/RESOURCE_NOT_FOUND.json",
        );
        assert_eq!(
            parse_patient(&not_found, TODAY),
            Err(FhirError::NotA {
                expected: "Patient"
            })
        );
        assert_eq!(
            parse_outcome(&serde_json::to_vec(&full()).unwrap()),
            Err(FhirError::NotA {
                expected: "OperationOutcome"
            })
        );
        assert!(matches!(
            parse_patient(b"[1, 2]", TODAY),
            Err(FhirError::Shape { .. })
        ));
    }

    #[test]
    fn an_outcome_falls_back_to_any_code() {
        let outcome = |value: Value| parse_outcome(&serde_json::to_vec(&value).unwrap());
        let issue = |issue: Value| json!({"resourceType": "OperationOutcome", "issue": [issue]});
        assert_eq!(
            outcome(issue(json!({
                "code": "value",
                "diagnostics": "Invalid NHS number",
                "details": {"coding": [
                    {"system": "https://example.org", "code": "OTHER"},
                    {"system": SPINE_ERROR_SYSTEM, "code": "INVALID_VALUE"}
                ]}
            }))),
            Ok(OperationOutcome {
                spine_code: "INVALID_VALUE".into(),
                diagnostics: Some("Invalid NHS number".into()),
            })
        );
        assert_eq!(
            outcome(issue(
                json!({"code": "value", "details": {"coding": [{"code": "OTHER"}]}})
            ))
            .unwrap()
            .spine_code,
            "OTHER"
        );
        assert_eq!(
            outcome(issue(json!({"code": "not-found"})))
                .unwrap()
                .spine_code,
            "not-found"
        );
        assert_eq!(
            outcome(issue(json!({"severity": "error"}))),
            Err(FhirError::NoIssueCode)
        );
        assert_eq!(
            outcome(json!({"resourceType": "OperationOutcome", "issue": []})),
            Err(FhirError::NoIssueCode)
        );
    }

    /// JSON-ish values whose keys are the ones the parser looks at, so the generated objects
    /// reach deep into its code paths.
    fn json_ish() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("resourceType"),
            Just("id"),
            Just("meta"),
            Just("versionId"),
            Just("security"),
            Just("system"),
            Just("code"),
            Just("name"),
            Just("use"),
            Just("period"),
            Just("start"),
            Just("end"),
            Just("given"),
            Just("family"),
            Just("birthDate"),
            Just("deceasedDateTime"),
            Just("address"),
            Just("line"),
            Just("postalCode"),
            Just("gender"),
            Just("generalPractitioner"),
            Just("identifier"),
            Just("value"),
            Just("issue"),
            Just("details"),
            Just("coding"),
            Just("diagnostics"),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            prop_oneof![
                Just("Patient".to_owned()),
                Just("OperationOutcome".to_owned()),
                Just("9000000009".to_owned()),
                Just("usual".to_owned()),
                Just("home".to_owned()),
                Just("R".to_owned()),
                Just(SPINE_ERROR_SYSTEM.to_owned()),
                Just(ODS_SYSTEM.to_owned()),
                "[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9:]{8}[+-][0-9:]{5})?)?)?",
                ".{0,12}",
            ]
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(5, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec((key.clone(), inner), 0..6).prop_map(|fields| {
                    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_patient(&bytes, TODAY);
            let _ = parse_outcome(&bytes);
        }

        #[test]
        fn arbitrary_json_never_panics(mut value in json_ish(), patient_type in any::<bool>()) {
            if let Value::Object(fields) = &mut value {
                let kind = if patient_type { "Patient" } else { "OperationOutcome" };
                fields.insert("resourceType".into(), json!(kind));
            }
            let bytes = serde_json::to_vec(&value).unwrap();
            if let Ok(record) = parse_patient(&bytes, TODAY) {
                prop_assert!(!record.confidentiality.hides_whereabouts() || record.address.is_none());
            }
            let _ = parse_outcome(&bytes);
        }
    }
}
