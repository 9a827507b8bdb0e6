use std::fmt;

/// A UK postcode, upper case with one space before the inward code ("RV1 2AB").
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

/// Why a typed postcode was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    #[error("Enter your postcode")]
    Empty,
    #[error("Enter a real postcode, like LS1 4AP")]
    WrongFormat,
}

impl Postcode {
    /// Accepts lower case and any spacing ("ls14ap", " LS1  4AP "), as people type it.
    ///
    /// The shapes are those of the Royal Mail: an outward code of A9, A99, AA9, AA99, A9A or
    /// AA9A, then an inward code of 9AA; plus GIR 0AA.
    pub fn parse(input: &str) -> Result<Self, PostcodeError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(PostcodeError::Empty);
        }
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return Err(PostcodeError::WrongFormat);
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if !(is_outward(outward) && is_inward(inward)) && compact != "GIR0AA" {
            return Err(PostcodeError::WrongFormat);
        }
        Ok(Self(format!("{outward} {inward}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_inward(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1].is_ascii_uppercase() && b[2].is_ascii_uppercase()
}

fn is_outward(code: &str) -> bool {
    // L = letter, D = digit.
    let shape: String = code
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' => 'L',
            b'0'..=b'9' => 'D',
            _ => '?',
        })
        .collect();
    matches!(
        shape.as_str(),
        "LD" | "LDD" | "LLD" | "LLDD" | "LDL" | "LLDL"
    )
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Postcode({})", self.0)
    }
}

impl TryFrom<String> for Postcode {
    type Error = PostcodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Postcode> for String {
    fn from(value: Postcode) -> Self {
        value.0
    }
}

impl crate::language::Localize for PostcodeError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.postcode.empty),
            Self::WrongFormat => td_string!(locale, errors.postcode.wrong_format),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_every_royal_mail_shape() {
        for (typed, stored) in [
            ("m1 1aa", "M1 1AA"),
            ("M60 1NW", "M60 1NW"),
            ("cr2 6xh", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 1HQ", "W1A 1HQ"),
            ("EC1A1BB", "EC1A 1BB"),
            (" ls1   4ap ", "LS1 4AP"),
            ("GIR 0AA", "GIR 0AA"),
        ] {
            assert_eq!(Postcode::parse(typed).unwrap().as_str(), stored, "{typed}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_postcode() {
        assert_eq!(Postcode::parse("  "), Err(PostcodeError::Empty));
        for typed in [
            "12345",
            "LS1",
            "LS1 4A",
            "LS1 44P",
            "LSS1 4AP",
            "L$1 4AP",
            "ÉC1A 1BB",
        ] {
            assert_eq!(
                Postcode::parse(typed),
                Err(PostcodeError::WrongFormat),
                "{typed}"
            );
        }
    }

    proptest! {
        #[test]
        fn valid_shapes_round_trip(
            outward in "[A-Z]{1,2}[0-9]{1,2}|[A-Z]{1,2}[0-9][A-Z]",
            inward in "[0-9][A-Z]{2}",
            lower in any::<bool>(),
        ) {
            let typed = format!("{outward}{inward}");
            let typed = if lower { typed.to_lowercase() } else { typed };
            let code = Postcode::parse(&typed).unwrap();
            prop_assert_eq!(code.as_str(), format!("{outward} {inward}"));
            prop_assert_eq!(Postcode::parse(code.as_str()), Ok(code.clone()));
        }

        #[test]
        fn never_panics(s in "\\PC{0,12}") {
            let _ = Postcode::parse(&s);
        }
    }
}
