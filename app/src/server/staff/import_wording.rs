//! An import's report in the staff member's language: where a row is, why it was not
//! imported, why a whole file was refused. The readers and the importer give these as
//! structured values ([`RowReason`], [`FileError`]); here, on the server, they become text from
//! the locale files (`staff.imports.*`), so the page itself carries only plain strings. The
//! English in `en` is the values' `Display` (the command line's words), which the tests below
//! check for every variant.

use crate::i18n::{td_string, Locale};
use crate::import::{
    FileError, HeaderFound, JsonAt, NotABundle, Place, RowReason, Unreadable, ValueName,
};

/// "line 6", "llinell 6": where in the file a row is.
pub fn place(locale: Locale, place: Place) -> String {
    match place {
        Place::Line(n) => td_string!(locale, staff.imports.places.line, n = n),
        Place::Entry(n) => td_string!(locale, staff.imports.places.entry, n = n),
    }
}

/// The value a reason names, as the reason says it.
fn value_name(locale: Locale, what: ValueName) -> &'static str {
    match what {
        ValueName::GivenName => td_string!(locale, staff.imports.values.given_name),
        ValueName::FamilyName => td_string!(locale, staff.imports.values.family_name),
        ValueName::DateOfBirth => td_string!(locale, staff.imports.values.date_of_birth),
        ValueName::RegistrationDate => {
            td_string!(locale, staff.imports.values.registration_date)
        }
        ValueName::VisibleFrom => td_string!(locale, staff.imports.values.visible_from),
    }
}

/// Why a row was not imported.
pub fn reason(locale: Locale, reason: &RowReason) -> String {
    use RowReason as R;
    let what = |what: &ValueName| value_name(locale, *what);
    match reason {
        R::NhsNumberMissing => {
            td_string!(locale, staff.imports.reasons.nhs_number_missing).to_owned()
        }
        R::NhsNumberNotDigits { value } => {
            td_string!(
                locale,
                staff.imports.reasons.nhs_number_not_digits,
                value = value
            )
        }
        R::NhsNumberWrongLength { value } => {
            td_string!(
                locale,
                staff.imports.reasons.nhs_number_wrong_length,
                value = value
            )
        }
        R::NhsNumberFailsCheck { number } => {
            td_string!(
                locale,
                staff.imports.reasons.nhs_number_fails_check,
                number = number
            )
        }
        R::Missing { what: w } => td_string!(locale, staff.imports.reasons.missing, what = what(w)),
        R::NotPrintable { what: w, value } => td_string!(
            locale,
            staff.imports.reasons.not_printable,
            what = what(w),
            value = value
        ),
        R::BornBefore1880 { value } => {
            td_string!(
                locale,
                staff.imports.reasons.born_before_1880,
                value = value
            )
        }
        R::BirthNotInPast { value } => {
            td_string!(
                locale,
                staff.imports.reasons.birth_not_in_past,
                value = value
            )
        }
        R::NotARealDate { what: w, value } => td_string!(
            locale,
            staff.imports.reasons.not_a_real_date,
            what = what(w),
            value = value
        ),
        R::NotADate { what: w, value } => td_string!(
            locale,
            staff.imports.reasons.not_a_date,
            what = what(w),
            value = value
        ),
        R::NotAFullDate { what: w, value } => td_string!(
            locale,
            staff.imports.reasons.not_a_full_date,
            what = what(w),
            value = value
        ),
        R::NotAFhirDate { what: w, value } => td_string!(
            locale,
            staff.imports.reasons.not_a_fhir_date,
            what = what(w),
            value = value
        ),
        R::RegistrationInFuture { value } => {
            td_string!(
                locale,
                staff.imports.reasons.registration_in_future,
                value = value
            )
        }
        R::RegistrationBeforeBirth { value } => {
            td_string!(
                locale,
                staff.imports.reasons.registration_before_birth,
                value = value
            )
        }
        R::NotAPostcode { value } => {
            td_string!(locale, staff.imports.reasons.not_a_postcode, value = value)
        }
        R::NotAPracticeCode { value } => {
            td_string!(
                locale,
                staff.imports.reasons.not_a_practice_code,
                value = value
            )
        }
        R::NotARecordAccess { value } => {
            td_string!(
                locale,
                staff.imports.reasons.not_a_record_access,
                value = value
            )
        }
        R::NotAVisibleFrom { value } => {
            td_string!(
                locale,
                staff.imports.reasons.not_a_visible_from,
                value = value
            )
        }
        R::WrongColumnCount { found, expected } => td_string!(
            locale,
            staff.imports.reasons.wrong_column_count,
            count = *found,
            expected = expected
        ),
        R::NotInFhirShape { key } => {
            td_string!(locale, staff.imports.reasons.not_in_fhir_shape, key = key)
        }
        R::EntryNotAnEntry => {
            td_string!(locale, staff.imports.reasons.entry_not_an_entry).to_owned()
        }
        R::EntryHasNoResource => {
            td_string!(locale, staff.imports.reasons.entry_has_no_resource).to_owned()
        }
        R::EntryIsOther { kind } => {
            td_string!(locale, staff.imports.reasons.entry_is_other, kind = kind)
        }
        R::EntryNotAPatient => {
            td_string!(locale, staff.imports.reasons.entry_not_a_patient).to_owned()
        }
        R::BadPeriod => td_string!(locale, staff.imports.reasons.bad_period).to_owned(),
        R::BadSecurityLabel => {
            td_string!(locale, staff.imports.reasons.bad_security_label).to_owned()
        }
        R::NoRegistrationDate => {
            td_string!(locale, staff.imports.reasons.no_registration_date).to_owned()
        }
        R::InFileTwice { nhs_number, first } => td_string!(
            locale,
            staff.imports.reasons.in_file_twice,
            number = nhs_number,
            first = place(locale, *first)
        ),
        R::RegisteredElsewhere { gp, practice } => td_string!(
            locale,
            staff.imports.reasons.registered_elsewhere,
            other = gp,
            practice = practice
        ),
        R::TestPatient { nhs_number } => {
            td_string!(
                locale,
                staff.imports.reasons.test_patient,
                number = nhs_number
            )
        }
        R::OnlineAccessElsewhere { nhs_number, other } => td_string!(
            locale,
            staff.imports.reasons.online_access_elsewhere,
            number = nhs_number,
            other = other
        ),
    }
}

/// Why a whole file was refused: the upload's error message.
pub fn file_error(locale: Locale, error: &FileError) -> String {
    match error {
        FileError::NotUtf8 { line } => {
            td_string!(locale, staff.imports.file_errors.not_utf8, line = line)
        }
        FileError::WrongHeader { expected, found } => {
            let found = match found {
                HeaderFound::Line(line) => line.clone(),
                HeaderFound::Data => {
                    td_string!(locale, staff.imports.file_errors.header_is_data).to_owned()
                }
                HeaderFound::Empty => {
                    td_string!(locale, staff.imports.file_errors.header_is_empty).to_owned()
                }
            };
            td_string!(
                locale,
                staff.imports.file_errors.wrong_header,
                expected = expected,
                found = found
            )
        }
        FileError::UnknownFormat { expected } => td_string!(
            locale,
            staff.imports.file_errors.unknown_format,
            expected = expected
        ),
        FileError::NotABundle(why) => td_string!(
            locale,
            staff.imports.file_errors.not_a_bundle,
            why = not_a_bundle(locale, why)
        ),
        FileError::TooManyRows { limit } => {
            td_string!(
                locale,
                staff.imports.file_errors.too_many_rows,
                limit = limit
            )
        }
        FileError::Unreadable(why) => {
            let why = match why {
                Unreadable::Io(error) => {
                    td_string!(locale, staff.imports.file_errors.io, error = error)
                }
                Unreadable::CutShort => {
                    td_string!(locale, staff.imports.file_errors.cut_short).to_owned()
                }
                Unreadable::LineTooLong { line, limit } => td_string!(
                    locale,
                    staff.imports.file_errors.line_too_long,
                    line = line,
                    limit = limit
                ),
                Unreadable::Csv { line } => {
                    td_string!(locale, staff.imports.file_errors.csv_at, line = line)
                }
            };
            td_string!(locale, staff.imports.file_errors.unreadable, why = why)
        }
    }
}

fn not_a_bundle(locale: Locale, why: &NotABundle) -> String {
    let at = |at: &JsonAt| {
        td_string!(
            locale,
            staff.imports.file_errors.json_at,
            line = at.line,
            column = at.column
        )
    };
    match why {
        NotABundle::NotJson(place) => {
            td_string!(locale, staff.imports.file_errors.not_json, at = at(place))
        }
        NotABundle::WrongShape(place) => {
            td_string!(
                locale,
                staff.imports.file_errors.wrong_shape,
                at = at(place)
            )
        }
        NotABundle::SomethingFollows(place) => {
            td_string!(
                locale,
                staff.imports.file_errors.something_follows,
                at = at(place)
            )
        }
        NotABundle::NoResourceType => {
            td_string!(locale, staff.imports.file_errors.no_resource_type).to_owned()
        }
        NotABundle::OtherResource { kind } => {
            td_string!(
                locale,
                staff.imports.file_errors.other_resource,
                kind = kind
            )
        }
        NotABundle::NotBundleType => {
            td_string!(locale, staff.imports.file_errors.not_bundle_type).to_owned()
        }
        NotABundle::TwoEntryLists => {
            td_string!(locale, staff.imports.file_errors.two_entry_lists).to_owned()
        }
        NotABundle::TooLarge { entry, megabytes } => td_string!(
            locale,
            staff.imports.file_errors.too_large,
            entry = entry,
            megabytes = megabytes
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::{NhsNumber, OdsCode};

    const WHATS: [ValueName; 5] = [
        ValueName::GivenName,
        ValueName::FamilyName,
        ValueName::DateOfBirth,
        ValueName::RegistrationDate,
        ValueName::VisibleFrom,
    ];

    /// Which variant a reason is. The match is exhaustive, so a new variant does not build
    /// until it has a number here, and then [`every_reason`] must give an example of it.
    fn variant(reason: &RowReason) -> usize {
        use RowReason as R;
        match reason {
            R::NhsNumberMissing => 0,
            R::NhsNumberNotDigits { .. } => 1,
            R::NhsNumberWrongLength { .. } => 2,
            R::NhsNumberFailsCheck { .. } => 3,
            R::Missing { .. } => 4,
            R::NotPrintable { .. } => 5,
            R::BornBefore1880 { .. } => 6,
            R::BirthNotInPast { .. } => 7,
            R::NotARealDate { .. } => 8,
            R::NotADate { .. } => 9,
            R::NotAFullDate { .. } => 10,
            R::NotAFhirDate { .. } => 11,
            R::RegistrationInFuture { .. } => 12,
            R::RegistrationBeforeBirth { .. } => 13,
            R::NotAPostcode { .. } => 14,
            R::NotAPracticeCode { .. } => 15,
            R::NotARecordAccess { .. } => 16,
            R::NotAVisibleFrom { .. } => 17,
            R::WrongColumnCount { .. } => 18,
            R::NotInFhirShape { .. } => 19,
            R::EntryNotAnEntry => 20,
            R::EntryHasNoResource => 21,
            R::EntryIsOther { .. } => 22,
            R::EntryNotAPatient => 23,
            R::BadPeriod => 24,
            R::BadSecurityLabel => 25,
            R::NoRegistrationDate => 26,
            R::InFileTwice { .. } => 27,
            R::RegisteredElsewhere { .. } => 28,
            R::TestPatient { .. } => 29,
            R::OnlineAccessElsewhere { .. } => 30,
        }
    }
    const REASONS: usize = 31;

    /// At least one of each reason, each named value with every [`ValueName`].
    fn every_reason() -> Vec<RowReason> {
        use RowReason as R;
        let value = || "30/02/1980".to_owned();
        let nhs = NhsNumber::parse("9434765919").unwrap();
        let mut reasons = vec![
            R::NhsNumberMissing,
            R::NhsNumberNotDigits {
                value: "943476591X".into(),
            },
            R::NhsNumberWrongLength {
                value: "94347659".into(),
            },
            R::NhsNumberFailsCheck {
                number: "943 476 5918".into(),
            },
            R::BornBefore1880 { value: value() },
            R::BirthNotInPast { value: value() },
            R::RegistrationInFuture { value: value() },
            R::RegistrationBeforeBirth { value: value() },
            R::NotAPostcode {
                value: "LS1 44P".into(),
            },
            R::NotAPracticeCode {
                value: "RX1".into(),
            },
            R::NotARecordAccess {
                value: "detailed".into(),
            },
            R::NotAVisibleFrom {
                value: "always".into(),
            },
            R::WrongColumnCount {
                found: 6,
                expected: 8,
            },
            R::NotInFhirShape { key: "birthDate" },
            R::EntryNotAnEntry,
            R::EntryHasNoResource,
            R::EntryIsOther {
                kind: "OperationOutcome".into(),
            },
            R::EntryNotAPatient,
            R::BadPeriod,
            R::BadSecurityLabel,
            R::NoRegistrationDate,
            R::InFileTwice {
                nhs_number: nhs,
                first: Place::Line(6),
            },
            R::InFileTwice {
                nhs_number: nhs,
                first: Place::Entry(3),
            },
            R::RegisteredElsewhere {
                gp: OdsCode::parse("B82033").unwrap(),
                practice: OdsCode::parse("T00001").unwrap(),
            },
            R::TestPatient { nhs_number: nhs },
            R::OnlineAccessElsewhere {
                nhs_number: nhs,
                other: "T00002".into(),
            },
        ];
        for what in WHATS {
            reasons.extend([
                R::Missing { what },
                R::NotPrintable {
                    what,
                    value: "Ja?ne".into(),
                },
                R::NotARealDate {
                    what,
                    value: value(),
                },
                R::NotADate {
                    what,
                    value: "1 Feb 1980".into(),
                },
                R::NotAFullDate {
                    what,
                    value: "1980".into(),
                },
                R::NotAFhirDate {
                    what,
                    value: "01/02/1980".into(),
                },
            ]);
        }
        reasons
    }

    /// Which variant a file error is, down to the reason inside it (exhaustive, as [`variant`]).
    fn file_variant(error: &FileError) -> usize {
        match error {
            FileError::NotUtf8 { .. } => 0,
            FileError::WrongHeader { found, .. } => match found {
                HeaderFound::Line(_) => 1,
                HeaderFound::Data => 2,
                HeaderFound::Empty => 3,
            },
            FileError::UnknownFormat { .. } => 4,
            FileError::NotABundle(why) => match why {
                NotABundle::NotJson(_) => 5,
                NotABundle::WrongShape(_) => 6,
                NotABundle::SomethingFollows(_) => 7,
                NotABundle::NoResourceType => 8,
                NotABundle::OtherResource { .. } => 9,
                NotABundle::NotBundleType => 10,
                NotABundle::TwoEntryLists => 11,
                NotABundle::TooLarge { .. } => 12,
            },
            FileError::TooManyRows { .. } => 13,
            FileError::Unreadable(why) => match why {
                Unreadable::Io(_) => 14,
                Unreadable::CutShort => 15,
                Unreadable::LineTooLong { .. } => 16,
                Unreadable::Csv { .. } => 17,
            },
        }
    }
    const FILE_ERRORS: usize = 18;

    fn every_file_error() -> Vec<FileError> {
        let expected = "nhs_number,given_name,family_name,date_of_birth,postcode,registration_date[,record_access,visible_from]";
        let at = JsonAt {
            line: 1,
            column: 37,
        };
        let header = |found| FileError::WrongHeader {
            expected: expected.into(),
            found,
        };
        vec![
            FileError::NotUtf8 { line: 3 },
            header(HeaderFound::Line("nhs,given,family,dob".into())),
            header(HeaderFound::Data),
            header(HeaderFound::Empty),
            FileError::UnknownFormat {
                expected: expected.into(),
            },
            FileError::NotABundle(NotABundle::NotJson(at)),
            FileError::NotABundle(NotABundle::WrongShape(at)),
            FileError::NotABundle(NotABundle::SomethingFollows(at)),
            FileError::NotABundle(NotABundle::NoResourceType),
            FileError::NotABundle(NotABundle::OtherResource {
                kind: "Parameters".into(),
            }),
            FileError::NotABundle(NotABundle::NotBundleType),
            FileError::NotABundle(NotABundle::TwoEntryLists),
            FileError::NotABundle(NotABundle::TooLarge {
                entry: 1,
                megabytes: 1,
            }),
            FileError::TooManyRows { limit: 150_000 },
            FileError::Unreadable(Unreadable::Io("permission denied".into())),
            FileError::Unreadable(Unreadable::CutShort),
            FileError::Unreadable(Unreadable::LineTooLong {
                line: 2,
                limit: 65_536,
            }),
            FileError::Unreadable(Unreadable::Csv { line: 4 }),
        ]
    }

    #[test]
    fn the_english_of_every_reason_is_its_display() {
        let reasons = every_reason();
        let seen: BTreeSet<usize> = reasons.iter().map(variant).collect();
        assert_eq!(seen, (0..REASONS).collect(), "an example of every reason");
        for r in &reasons {
            assert_eq!(reason(Locale::en, r), r.to_string(), "{r:?}");
        }
    }

    #[test]
    fn the_english_of_every_file_error_is_its_display() {
        let errors = every_file_error();
        let seen: BTreeSet<usize> = errors.iter().map(file_variant).collect();
        assert_eq!(
            seen,
            (0..FILE_ERRORS).collect(),
            "an example of every error"
        );
        for e in &errors {
            assert_eq!(file_error(Locale::en, e), e.to_string(), "{e:?}");
        }
    }

    #[test]
    fn the_english_of_every_place_is_its_display() {
        for p in [Place::Line(1), Place::Line(150_001), Place::Entry(0)] {
            assert_eq!(place(Locale::en, p), p.to_string());
        }
        assert_eq!(place(Locale::cy, Place::Line(6)), "llinell 6");
        assert_eq!(place(Locale::cy, Place::Entry(3)), "cofnod 3");
    }

    /// The values a reason quotes, which every language must show as the file has them.
    fn quoted(r: &RowReason) -> Vec<String> {
        use RowReason as R;
        match r {
            R::NhsNumberNotDigits { value }
            | R::NhsNumberWrongLength { value }
            | R::NotPrintable { value, .. }
            | R::BornBefore1880 { value }
            | R::BirthNotInPast { value }
            | R::NotARealDate { value, .. }
            | R::NotADate { value, .. }
            | R::NotAFullDate { value, .. }
            | R::NotAFhirDate { value, .. }
            | R::RegistrationInFuture { value }
            | R::RegistrationBeforeBirth { value }
            | R::NotAPostcode { value }
            | R::NotAPracticeCode { value }
            | R::NotARecordAccess { value }
            | R::NotAVisibleFrom { value } => vec![value.clone()],
            R::NhsNumberFailsCheck { number } => vec![number.clone()],
            R::WrongColumnCount { found, expected } => {
                vec![found.to_string(), expected.to_string()]
            }
            R::NotInFhirShape { key } => vec![(*key).to_owned()],
            R::EntryIsOther { kind } => vec![kind.clone()],
            R::InFileTwice { nhs_number, .. } | R::TestPatient { nhs_number } => {
                vec![nhs_number.to_string()]
            }
            R::RegisteredElsewhere { gp, practice } => vec![gp.to_string(), practice.to_string()],
            R::OnlineAccessElsewhere { nhs_number, other } => {
                vec![nhs_number.to_string(), other.clone()]
            }
            R::NhsNumberMissing
            | R::Missing { .. }
            | R::EntryNotAnEntry
            | R::EntryHasNoResource
            | R::EntryNotAPatient
            | R::BadPeriod
            | R::BadSecurityLabel
            | R::NoRegistrationDate => vec![],
        }
    }

    #[test]
    fn every_reason_and_file_error_is_in_welsh_with_its_values() {
        let mut welsh = BTreeSet::new();
        for r in every_reason() {
            let cy = reason(Locale::cy, &r);
            assert_ne!(cy, r.to_string(), "{r:?} is not translated");
            assert!(!cy.contains("{{") && !cy.contains("}}"), "{cy}");
            for value in quoted(&r) {
                assert!(cy.contains(&value), "{cy} does not quote {value}");
            }
            assert!(welsh.insert(cy.clone()), "two reasons say {cy}");
        }
        for e in every_file_error() {
            let cy = file_error(Locale::cy, &e);
            if !matches!(e, FileError::Unreadable(Unreadable::Io(_))) {
                assert_ne!(cy, e.to_string(), "{e:?} is not translated");
            }
            assert!(!cy.contains("{{") && !cy.contains("}}"), "{cy}");
        }
    }

    #[test]
    fn welsh_reasons_read_as_welsh() {
        let nhs = NhsNumber::parse("9434765919").unwrap();
        let cases = [
            (
                RowReason::NhsNumberFailsCheck {
                    number: "943 476 5918".into(),
                },
                "Nid yw digid gwirio rhif GIG 943 476 5918 yn gywir",
            ),
            (
                RowReason::NotARealDate {
                    what: ValueName::DateOfBirth,
                    value: "30/02/1980".into(),
                },
                "Nid yw'r dyddiad geni 30/02/1980 yn ddyddiad go iawn",
            ),
            (
                RowReason::Missing {
                    what: ValueName::GivenName,
                },
                "Mae'r enw cyntaf ar goll",
            ),
            (
                RowReason::NotAPostcode {
                    value: "LS1 44P".into(),
                },
                "Nid yw'r cod post LS1 44P yn god post go iawn, fel LS1 4AP",
            ),
            (
                RowReason::InFileTwice {
                    nhs_number: nhs,
                    first: Place::Entry(3),
                },
                "Mae rhif GIG 943 476 5919 yn y ffeil ddwywaith (y tro cyntaf: cofnod 3)",
            ),
            (
                RowReason::TestPatient { nhs_number: nhs },
                "Mae rhif GIG 943 476 5919 yn perthyn i glaf prawf yn Relink: heb ei fewnforio",
            ),
        ];
        for (r, welsh) in cases {
            assert_eq!(reason(Locale::cy, &r), welsh);
        }
        assert_eq!(
            file_error(
                Locale::cy,
                &FileError::WrongHeader {
                    expected: "a,b".into(),
                    found: HeaderFound::Data
                }
            ),
            "Rhaid i linell gyntaf y ffeil fod yn y pennawd a,b; llinell gyntaf y ffeil yw rhes o ddata, nid y pennawd"
        );
    }
}
