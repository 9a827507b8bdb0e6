use std::fmt;

/// The 6-digit code emailed to prove a patient can read the new email address.
///
/// Debug never shows the digits: it is a secret until it is used.
#[derive(Clone, PartialEq, Eq)]
pub struct SecurityCode(String);

/// Why a typed security code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecurityCodeError {
    #[error("Enter the security code")]
    Empty,
    #[error("The security code must be 6 numbers")]
    WrongFormat,
}

/// How long a code works, how many tries each code gets, and how many codes a journey may send.
pub const CODE_LIFETIME_SECONDS: i64 = 10 * 60;
pub const CODE_MAX_ATTEMPTS: i64 = 5;
pub const CODE_MAX_SENDS: i64 = 3;

impl SecurityCode {
    /// Spaces and dashes are ignored ("123 456", "123-456"), as codes are often copied that way.
    pub fn parse(input: &str) -> Result<Self, SecurityCodeError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.is_empty() {
            return Err(SecurityCodeError::Empty);
        }
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(compact))
        } else {
            Err(SecurityCodeError::WrongFormat)
        }
    }

    /// Makes a code from a random number (taken modulo a million).
    pub fn from_random(random: u32) -> Self {
        Self(format!("{:06}", random % 1_000_000))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecurityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecurityCode(******)")
    }
}

impl crate::language::Localize for SecurityCodeError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.security_code.empty),
            Self::WrongFormat => td_string!(locale, errors.security_code.wrong_format),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_six_digits_with_spacing() {
        assert_eq!(SecurityCode::parse(" 123 456 ").unwrap().expose(), "123456");
        assert_eq!(SecurityCode::parse("012-345").unwrap().expose(), "012345");
        assert_eq!(SecurityCode::parse(""), Err(SecurityCodeError::Empty));
        for typed in ["12345", "1234567", "12345a", "١٢٣٤٥٦"] {
            assert_eq!(
                SecurityCode::parse(typed),
                Err(SecurityCodeError::WrongFormat),
                "{typed}"
            );
        }
        assert_eq!(
            format!("{:?}", SecurityCode::from_random(7)),
            "SecurityCode(******)"
        );
        assert_eq!(SecurityCode::from_random(7).expose(), "000007");
    }

    proptest! {
        #[test]
        fn every_generated_code_parses(random in any::<u32>()) {
            let code = SecurityCode::from_random(random);
            prop_assert_eq!(SecurityCode::parse(code.expose()), Ok(code.clone()));
        }

        #[test]
        fn never_panics(s in "\\PC{0,12}") {
            let _ = SecurityCode::parse(&s);
        }
    }
}
