//! Rules for practice staff: usernames, the test-patient NHS number guard, the identity checks
//! a PIN document reissue records, and the shape of a fresh one-time secret.

use std::fmt;

use super::{NhsNumber, NhsNumberError};

/// A staff member's username: lower-case letters, digits, dots and hyphens, 3 to 64 long
/// (`staff.riverside`). Case is ignored when typed.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct StaffUsername(String);

/// Why a typed username was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffUsernameError {
    #[error("Enter your username")]
    Empty,
    #[error("Username must be 3 to 64 letters, numbers, dots or hyphens")]
    WrongFormat,
}

impl StaffUsername {
    pub fn parse(input: &str) -> Result<Self, StaffUsernameError> {
        let name = input.trim().to_ascii_lowercase();
        if name.is_empty() {
            return Err(StaffUsernameError::Empty);
        }
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-';
        if (3..=64).contains(&name.len()) && name.chars().all(allowed) {
            Ok(Self(name))
        } else {
            Err(StaffUsernameError::WrongFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StaffUsername {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for StaffUsername {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StaffUsername({})", self.0)
    }
}

/// Why an NHS number cannot be given to a test patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TestNhsNumberError {
    #[error("Enter the test patient's NHS number")]
    Empty,
    #[error("{0}")]
    Malformed(NhsNumberError),
    #[error("This NHS number fails the Modulus 11 check. A test patient needs a valid number from 999 000 0000 to 999 999 9999")]
    FailsCheck,
    #[error("A test patient's NHS number must be in the 999 000 0000 to 999 999 9999 range, which is never issued to real people")]
    NotTestRange,
}

/// Only numbers that are valid (Modulus 11) and in the never-issued 999 range may belong to a
/// test patient, so a test record can never be mistaken for, or linked to, a real person.
pub fn parse_test_nhs_number(input: &str) -> Result<NhsNumber, TestNhsNumberError> {
    let number = NhsNumber::parse(input).map_err(|error| match error {
        NhsNumberError::Empty => TestNhsNumberError::Empty,
        NhsNumberError::FailsCheck => TestNhsNumberError::FailsCheck,
        other => TestNhsNumberError::Malformed(other),
    })?;
    if number.is_test_range() {
        Ok(number)
    } else {
        Err(TestNhsNumberError::NotTestRange)
    }
}

/// What the staff member saw to check the patient's identity before reissuing a PIN document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IdentityCheck {
    PhotoId,
    ProofOfAddress,
    KnownToPractice,
}

impl IdentityCheck {
    pub const ALL: [Self; 3] = [Self::PhotoId, Self::ProofOfAddress, Self::KnownToPractice];

    pub fn code(self) -> &'static str {
        match self {
            Self::PhotoId => "photo-id",
            Self::ProofOfAddress => "proof-of-address",
            Self::KnownToPractice => "known-to-practice",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PhotoId => "Photo ID, like a passport or driving licence",
            Self::ProofOfAddress => {
                "Proof of address, like a recent bank statement or council tax bill"
            }
            Self::KnownToPractice => "Vouched for by a member of staff who knows the patient",
        }
    }
}

/// Characters of a one-time PIN secret: no look-alikes (0/O, 1/l/I), easy to type on a phone.
const SECRET_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A fresh one-time passphrase or linkage key, from random bytes: 10 characters in two groups
/// of five ("k7mfq-2xwpa"), inside the 6-15 characters a PIN passphrase may have.
pub fn one_time_secret(random: [u8; 10]) -> String {
    let chars: Vec<char> = random
        .iter()
        .map(|b| SECRET_ALPHABET[usize::from(*b) % SECRET_ALPHABET.len()] as char)
        .collect();
    let (first, second) = chars.split_at(5);
    format!(
        "{}-{}",
        first.iter().collect::<String>(),
        second.iter().collect::<String>()
    )
}

impl crate::language::Localize for StaffUsernameError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.staff_username.empty),
            Self::WrongFormat => td_string!(locale, errors.staff_username.wrong_format),
        }
        .to_owned()
    }
}

impl crate::language::Localize for TestNhsNumberError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.test_nhs_number.empty).to_owned(),
            Self::Malformed(error) => error.localize(locale),
            Self::FailsCheck => td_string!(locale, errors.test_nhs_number.fails_check).to_owned(),
            Self::NotTestRange => {
                td_string!(locale, errors.test_nhs_number.not_test_range).to_owned()
            }
        }
    }
}

/// Where staff go after signing in, when a staff page sent them to sign in first: a path of
/// the staff area only (never another site, never the sign-in page), so a link someone sends
/// cannot use the sign-in page to lead staff anywhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffReturnPath(String);

impl StaffReturnPath {
    /// The longest path kept; longer ones are not needed by any staff page.
    pub const MAX_LEN: usize = 200;

    /// `/staff/…` made only of the characters staff addresses use (letters, digits, `/`, `-`,
    /// `_`, `.`), with no empty or dot-only segment; anything else is `None` (staff then land
    /// on their home page).
    pub fn parse(input: &str) -> Option<Self> {
        let rest = input.strip_prefix("/staff/")?;
        let fine = input.len() <= Self::MAX_LEN
            && !rest.is_empty()
            && rest
                .split('/')
                .all(|segment| !segment.is_empty() && segment.chars().any(|c| c != '.'))
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
            && input != "/staff/sign-in";
        fine.then(|| Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a staff member had typed into a form when their session ended before they sent it:
/// kept for them (JavaScript off, WCAG 2.2.1) and put back in the form once they sign in
/// again. Never a secret: passwords, codes and anything named like a secret are left out, and
/// so is what the page filled in itself (`next`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptForm {
    fields: Vec<(String, String)>,
}

impl KeptForm {
    /// At most this many fields are kept (no staff form has half as many).
    pub const MAX_FIELDS: usize = 40;
    /// At most this many bytes of names and values, so the whole fits in a cookie.
    pub const MAX_BYTES: usize = 2_000;

    /// The fields worth keeping of a posted form, in order; `None` when none is, or when they
    /// are more than a form could hold (kept whole or not at all, never cut half-way).
    pub fn from_posted(pairs: impl IntoIterator<Item = (String, String)>) -> Option<Self> {
        let fields: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(name, value)| !value.trim().is_empty() && !Self::is_secret(name))
            .collect();
        let bytes: usize = fields.iter().map(|(n, v)| n.len() + v.len()).sum();
        let fits =
            !fields.is_empty() && fields.len() <= Self::MAX_FIELDS && bytes <= Self::MAX_BYTES;
        fits.then_some(Self { fields })
    }

    /// Whether a field of that name is one never kept: a secret, or the page's own.
    pub fn is_secret(name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        ["password", "passphrase", "secret", "token", "confirmation"]
            .iter()
            .any(|word| name.contains(word))
            || name == "code"
            || name.ends_with("_code") && name != "ods_code"
            || name == "next"
    }

    /// The kept fields, as `(name, value)` in the order they were posted.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    pub fn into_fields(self) -> Vec<(String, String)> {
        self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PinPassphrase;
    use proptest::prelude::*;

    #[test]
    fn a_kept_form_leaves_out_secrets_and_blanks_and_is_kept_whole_or_not_at_all() {
        let posted = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let kept = KeptForm::from_posted(posted(&[
            ("given_name", "Sam"),
            ("password", "hunter2 hunter2"),
            ("confirmation", "hunter2 hunter2"),
            ("code", "123456"),
            ("security_code", "123456"),
            ("New_Passphrase", "x"),
            ("next", "/staff"),
            ("ods_code", "T00001"),
            ("family_name", "  "),
            ("services", "appointments"),
            ("services", "repeat_prescriptions"),
        ]))
        .unwrap();
        assert_eq!(
            kept.fields(),
            posted(&[
                ("given_name", "Sam"),
                ("ods_code", "T00001"),
                ("services", "appointments"),
                ("services", "repeat_prescriptions"),
            ])
        );
        assert_eq!(KeptForm::from_posted(posted(&[("password", "x")])), None);
        assert_eq!(KeptForm::from_posted(Vec::new()), None);
        let long = "x".repeat(KeptForm::MAX_BYTES);
        assert_eq!(KeptForm::from_posted(posted(&[("reason", &long)])), None);
        let many: Vec<(String, String)> = (0..=KeptForm::MAX_FIELDS)
            .map(|i| (format!("f{i}"), "v".to_owned()))
            .collect();
        assert_eq!(KeptForm::from_posted(many), None);
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(
            StaffUsername::parse(" Staff.Riverside ").unwrap().as_str(),
            "staff.riverside"
        );
        assert_eq!(StaffUsername::parse(""), Err(StaffUsernameError::Empty));
        for bad in [
            "ab",
            "staff riverside",
            "staff_riverside",
            "s@x",
            &"a".repeat(65),
        ] {
            assert_eq!(
                StaffUsername::parse(bad),
                Err(StaffUsernameError::WrongFormat),
                "{bad}"
            );
        }
    }

    #[test]
    fn only_valid_numbers_in_the_999_range_may_be_test_patients() {
        assert!(parse_test_nhs_number("999 000 0018").is_ok());
        // Valid, but a real number range.
        assert_eq!(
            parse_test_nhs_number("943 476 5919"),
            Err(TestNhsNumberError::NotTestRange)
        );
        // In the range, but the check digit is wrong: these two are printed in NHS examples.
        for invalid in ["999 123 4560", "999 123 4567"] {
            assert_eq!(
                parse_test_nhs_number(invalid),
                Err(TestNhsNumberError::FailsCheck),
                "{invalid}"
            );
        }
        assert_eq!(parse_test_nhs_number(""), Err(TestNhsNumberError::Empty));
        assert!(matches!(
            parse_test_nhs_number("999 000"),
            Err(TestNhsNumberError::Malformed(_))
        ));
    }

    #[test]
    fn return_paths_stay_in_the_staff_area() {
        for good in [
            "/staff/patients/demo-test-patient-9990000107/preview",
            "/staff/audit",
        ] {
            assert_eq!(StaffReturnPath::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "/staff",
            "/staff/",
            "/staff/sign-in",
            "//evil.example/staff/x",
            "https://evil.example/staff/x",
            "/staff//evil.example",
            "/staff/../account",
            "/staff/x/..",
            "/staff/a?b=c",
            "/staff/a\\b",
            "/staff/a%2F..",
            "/account",
            "/staff/\u{e9}",
        ] {
            assert_eq!(StaffReturnPath::parse(bad), None, "{bad:?}");
        }
        assert!(StaffReturnPath::parse(&format!("/staff/{}", "a".repeat(200))).is_none());
    }

    #[test]
    fn identity_checks_round_trip_through_their_codes() {
        for check in IdentityCheck::ALL {
            assert_eq!(IdentityCheck::from_code(check.code()), Some(check));
        }
        assert_eq!(IdentityCheck::from_code("nothing"), None);
    }

    proptest! {
        #[test]
        fn every_secret_is_a_valid_pin_passphrase(random in any::<[u8; 10]>()) {
            let secret = one_time_secret(random);
            prop_assert_eq!(secret.len(), 11);
            let parsed = PinPassphrase::parse(&secret).unwrap();
            prop_assert_eq!(parsed.expose(), secret.as_str());
        }

        #[test]
        fn usernames_never_panic(s in "\\PC{0,80}") {
            let _ = StaffUsername::parse(&s);
        }

        /// Whatever is offered, a return path that parses stays in the staff area.
        #[test]
        fn a_return_path_never_leaves_the_staff_area(s in "\\PC{0,120}") {
            if let Some(path) = StaffReturnPath::parse(&s) {
                prop_assert!(path.as_str().starts_with("/staff/"));
                prop_assert!(!path.as_str().contains("//"));
                prop_assert!(!path.as_str().contains(".."));
            }
        }
    }
}
