use std::fmt;

/// The Organisation Data Service code of a GP practice: one letter and five digits, upper case.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OdsCode(String);

/// Why a typed ODS code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OdsCodeError {
    #[error("Enter your ODS code")]
    Empty,
    #[error("ODS code must be a letter followed by 5 numbers, like A12345")]
    WrongFormat,
}

impl OdsCode {
    /// Accepts lower case and spaces anywhere ("t 00001"), as people copy it from paper.
    pub fn parse(input: &str) -> Result<Self, OdsCodeError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(OdsCodeError::Empty);
        }
        let upper = compact.to_ascii_uppercase();
        let mut chars = upper.chars();
        let well_formed = upper.len() == 6
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_digit());
        if well_formed {
            Ok(Self(upper))
        } else {
            Err(OdsCodeError::WrongFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Practices in Wales have codes starting with W; their patients may use Welsh.
    pub fn is_welsh(&self) -> bool {
        self.0.starts_with('W')
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OdsCode({})", self.0)
    }
}

impl TryFrom<String> for OdsCode {
    type Error = OdsCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OdsCode> for String {
    fn from(value: OdsCode) -> Self {
        value.0
    }
}

impl crate::language::Localize for OdsCodeError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.ods_code.empty),
            Self::WrongFormat => td_string!(locale, errors.ods_code.wrong_format),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_case_and_spaces() {
        assert_eq!(OdsCode::parse(" t 00001 ").unwrap().as_str(), "T00001");
        assert_eq!(OdsCode::parse("a81001").unwrap().as_str(), "A81001");
        assert!(OdsCode::parse("W12345").unwrap().is_welsh());
        assert!(!OdsCode::parse("E00001").unwrap().is_welsh());
    }

    #[test]
    fn refuses_wrong_shapes() {
        assert_eq!(OdsCode::parse(""), Err(OdsCodeError::Empty));
        for bad in ["A1234", "A123456", "123456", "AB1234", "A1234X", "Ä12345"] {
            assert_eq!(OdsCode::parse(bad), Err(OdsCodeError::WrongFormat), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_letter_and_five_digits_parse_to_upper_case(l in "[a-zA-Z]", d in "[0-9]{5}") {
            let code = OdsCode::parse(&format!("{l} {d}")).unwrap();
            prop_assert_eq!(code.as_str(), format!("{}{d}", l.to_ascii_uppercase()));
            prop_assert_eq!(OdsCode::parse(code.as_str()), Ok(code.clone()));
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = OdsCode::parse(&s);
        }
    }
}
