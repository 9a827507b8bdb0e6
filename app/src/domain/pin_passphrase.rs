use std::fmt;

/// The one-time passphrase (TPP) or linkage key (EMIS) printed on a PIN document.
///
/// It is a secret: `Debug` never prints it, and it is not serialisable, so it cannot end up in
/// a log line, a hydration payload or a rendered form by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct PinPassphrase(String);

/// Why a typed PIN passphrase was refused before any comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinPassphraseError {
    #[error("Enter the passphrase from your PIN document")]
    Empty,
    #[error("Passphrase from your PIN document must be 6 to 15 characters")]
    WrongLength,
}

impl PinPassphrase {
    /// Trims spaces at either end and maps the "smart" quotes and dashes that phones substitute
    /// back to plain ones; case is kept, since the passphrase is case-sensitive.
    pub fn parse(input: &str) -> Result<Self, PinPassphraseError> {
        let normalised: String = input.trim().chars().map(unsmarten).collect();
        if normalised.is_empty() {
            return Err(PinPassphraseError::Empty);
        }
        if !(6..=15).contains(&normalised.chars().count()) {
            return Err(PinPassphraseError::WrongLength);
        }
        Ok(Self(normalised))
    }

    /// The normalised secret, for hashing and comparison only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn unsmarten(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
        other => other,
    }
}

impl fmt::Debug for PinPassphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinPassphrase(<redacted>)")
    }
}

impl crate::language::Localize for PinPassphraseError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.pin_passphrase.empty),
            Self::WrongLength => td_string!(locale, errors.pin_passphrase.wrong_length),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn maps_smart_punctuation_back_and_trims() {
        let typed = PinPassphrase::parse("  demo\u{2013}pin\u{2011}1 ").unwrap();
        assert_eq!(typed.expose(), "demo-pin-1");
        let quotes = PinPassphrase::parse("\u{201C}it\u{2019}s\u{201D}ok").unwrap();
        assert_eq!(quotes.expose(), "\"it's\"ok");
    }

    #[test]
    fn keeps_case() {
        assert_ne!(
            PinPassphrase::parse("Demo-Pin-1"),
            PinPassphrase::parse("demo-pin-1")
        );
    }

    #[test]
    fn refuses_empty_and_wrong_length() {
        assert_eq!(PinPassphrase::parse("   "), Err(PinPassphraseError::Empty));
        assert_eq!(
            PinPassphrase::parse("abcde"),
            Err(PinPassphraseError::WrongLength)
        );
        assert_eq!(
            PinPassphrase::parse("abcdefghijklmnop"),
            Err(PinPassphraseError::WrongLength)
        );
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let p = PinPassphrase::parse("demo-pin-1").unwrap();
        assert!(!format!("{p:?}").contains("demo"));
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(s in "\\PC{6,15}") {
            if let Ok(p) = PinPassphrase::parse(&s) {
                prop_assert_eq!(PinPassphrase::parse(p.expose()), Ok(p.clone()));
                let smart = ['\u{2013}', '\u{2019}', '\u{201C}'];
                prop_assert!(!p.expose().contains(smart), "smart punctuation left in");
            }
        }

        #[test]
        fn surrounding_spaces_never_matter(s in "[a-z0-9-]{6,15}", l in " {0,3}", r in " {0,3}") {
            prop_assert_eq!(PinPassphrase::parse(&format!("{l}{s}{r}")), PinPassphrase::parse(&s));
        }
    }
}
