use std::fmt;

/// A 10-digit NHS number whose Modulus 11 check digit is right.
///
/// Built only through [`NhsNumber::parse`], so holding one means the check has passed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber([u8; 10]);

/// Why a typed NHS number was refused; each says how to fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    #[error("Enter your NHS number")]
    Empty,
    #[error("NHS number must only include numbers, spaces and dashes")]
    NotDigits,
    #[error("NHS number must be 10 numbers")]
    WrongLength,
    #[error(
        "Enter a valid NHS number. Check it against a letter from your GP practice or the NHS"
    )]
    FailsCheck,
}

impl NhsNumber {
    /// Accepts the ways people type NHS numbers: spaces and dashes anywhere.
    pub fn parse(input: &str) -> Result<Self, NhsNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        let mut digits = Vec::with_capacity(10);
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c as u8 - b'0'),
                ' ' | '-' | '\u{2010}'..='\u{2015}' => {}
                _ => return Err(NhsNumberError::NotDigits),
            }
        }
        let digits: [u8; 10] = digits.try_into().map_err(|_| NhsNumberError::WrongLength)?;
        if check_digit(&digits[..9]) != Some(digits[9]) {
            return Err(NhsNumberError::FailsCheck);
        }
        Ok(Self(digits))
    }

    /// Numbers 999 000 0000 to 999 999 9999 are valid but never issued: the only ones a test
    /// patient may use.
    pub fn is_test_range(&self) -> bool {
        self.0[..3] == [9, 9, 9]
    }

    /// The 10 digits with no separators, as stored.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The ten digits as one number: a compact key where many numbers are kept at once (an
    /// import remembers every number of its file).
    pub fn as_u64(&self) -> u64 {
        self.0.iter().fold(0, |n, d| n * 10 + u64::from(*d))
    }
}

/// Modulus 11: weights 10..2 on the first nine digits; 11 becomes 0 and 10 means no valid number.
fn check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10u32).rev())
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        check => Some(check as u8),
    }
}

/// Shown as 3-3-4, the way NHS letters print it.
impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "{} {} {}", &d[..3], &d[3..6], &d[6..])
    }
}

impl fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NhsNumber({self})")
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = NhsNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NhsNumber> for String {
    fn from(value: NhsNumber) -> Self {
        value.digits()
    }
}

impl crate::language::Localize for NhsNumberError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.nhs_number.empty),
            Self::NotDigits => td_string!(locale, errors.nhs_number.not_digits),
            Self::WrongLength => td_string!(locale, errors.nhs_number.wrong_length),
            Self::FailsCheck => td_string!(locale, errors.nhs_number.fails_check),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_demo_numbers_in_any_layout() {
        for n in [
            "9990000018",
            "999 000 0026",
            "999-000-0034",
            " 999 000 0042 ",
        ] {
            let parsed = NhsNumber::parse(n).unwrap_or_else(|e| panic!("{n}: {e}"));
            assert!(parsed.is_test_range());
        }
        assert_eq!(
            NhsNumber::parse("9990000018").unwrap().to_string(),
            "999 000 0018"
        );
    }

    #[test]
    fn refuses_numbers_printed_in_some_nhs_examples() {
        assert_eq!(
            NhsNumber::parse("999 123 4560"),
            Err(NhsNumberError::FailsCheck)
        );
        assert_eq!(
            NhsNumber::parse("999 123 4567"),
            Err(NhsNumberError::FailsCheck)
        );
    }

    #[test]
    fn refuses_bad_shapes_with_the_reason() {
        assert_eq!(NhsNumber::parse("  "), Err(NhsNumberError::Empty));
        assert_eq!(
            NhsNumber::parse("999000001"),
            Err(NhsNumberError::WrongLength)
        );
        assert_eq!(
            NhsNumber::parse("99900000188"),
            Err(NhsNumberError::WrongLength)
        );
        assert_eq!(
            NhsNumber::parse("999O000018"),
            Err(NhsNumberError::NotDigits)
        );
    }

    #[test]
    fn check_digit_of_ten_means_invalid() {
        // 1000000010: sum = 10*1 + 2*1 = 12, 11 - 1 = 10: no valid check digit.
        for last in 0..=9 {
            assert!(NhsNumber::parse(&format!("100000001{last}")).is_err());
        }
    }

    #[test]
    fn real_range_number_is_valid_but_not_test_range() {
        let n = NhsNumber::parse("943 476 5919").unwrap();
        assert!(!n.is_test_range());
    }

    proptest! {
        #[test]
        fn the_number_key_is_the_digits_read_as_one_number(prefix in "[0-9]{9}") {
            if let Some(check) = check_digit(&prefix.bytes().map(|b| b - b'0').collect::<Vec<_>>()) {
                let n = NhsNumber::parse(&format!("{prefix}{check}")).unwrap();
                prop_assert_eq!(n.as_u64(), n.digits().parse::<u64>().unwrap());
            }
        }

        #[test]
        fn every_nine_digit_prefix_has_at_most_one_valid_number(prefix in "[0-9]{9}") {
            let valid: Vec<_> = (0..=9)
                .filter(|d| NhsNumber::parse(&format!("{prefix}{d}")).is_ok())
                .collect();
            prop_assert!(valid.len() <= 1);
        }

        #[test]
        fn display_then_parse_round_trips(prefix in "[0-9]{9}") {
            if let Some(check) = check_digit(&prefix.bytes().map(|b| b - b'0').collect::<Vec<_>>()) {
                let n = NhsNumber::parse(&format!("{prefix}{check}")).unwrap();
                prop_assert_eq!(NhsNumber::parse(&n.to_string()), Ok(n));
                prop_assert_eq!(n.digits(), format!("{prefix}{check}"));
            }
        }

        #[test]
        fn changing_one_digit_is_always_caught(prefix in "[0-9]{9}", pos in 0usize..10, delta in 1u8..10) {
            let digits: Vec<u8> = prefix.bytes().map(|b| b - b'0').collect();
            if let Some(check) = check_digit(&digits) {
                let mut all = digits.clone();
                all.push(check);
                all[pos] = (all[pos] + delta) % 10;
                let typed: String = all.iter().map(|d| char::from(b'0' + d)).collect();
                prop_assert!(NhsNumber::parse(&typed).is_err());
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = NhsNumber::parse(&s);
        }
    }
}
