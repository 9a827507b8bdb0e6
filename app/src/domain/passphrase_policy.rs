//! The rules a new patient passphrase must meet, and the reason given when it does not.
//!
//! Long passphrases, no composition rules (NCSC and NIST advice): 15 to 128 characters, spaces
//! allowed, strong enough by zxcvbn's estimate (score 3 or more) with the patient's own details
//! as known words, not built from those details, and not the PIN document's passphrase.

use time::Date;
use zxcvbn::feedback::Warning;

use crate::i18n::td_string;
use crate::language::{Locale, Localize};

/// What zxcvbn must rate a passphrase at least: 10^10 guesses or more.
pub const MIN_ZXCVBN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;
pub const MIN_CHARS: usize = 15;
pub const MAX_CHARS: usize = 128;

/// The suggestion every refusal ends with.
pub const SUGGESTION: &str = "Try 3 or more random words, like ‘carpet orbit lemon harbour’.";

/// The patient's details a passphrase must not be built from.
#[derive(Debug, Clone)]
pub struct PersonalDetails<'a> {
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub date_of_birth: Date,
    pub account_id: &'a str,
    pub ods_code: &'a str,
}

impl PersonalDetails<'_> {
    /// The words zxcvbn treats as easy to guess for this patient, and the ones Relink refuses.
    fn words(&self) -> Vec<String> {
        let d = self.date_of_birth;
        let (day, month, year) = (d.day(), u8::from(d.month()), d.year());
        let mut words = vec![
            self.given_name.to_lowercase(),
            self.family_name.to_lowercase(),
            self.account_id.to_lowercase(),
            self.ods_code.to_lowercase(),
            year.to_string(),
            format!("{day:02}{month:02}{year}"),
            format!("{day}{month}{year}"),
            format!("{day:02}{month:02}{:02}", year % 100),
            format!("{year}{month:02}{day:02}"),
        ];
        words.retain(|w| w.chars().count() >= 3);
        words
    }
}

/// Why a new passphrase was refused. The text says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PassphraseRejection {
    #[error("Enter a new passphrase")]
    Empty,
    #[error("New passphrase must be 15 characters or more. {SUGGESTION}")]
    TooShort,
    #[error("New passphrase must be 128 characters or fewer")]
    TooLong,
    #[error(
        "New passphrase must be different from the passphrase on your PIN document. {SUGGESTION}"
    )]
    SameAsPin,
    #[error("New passphrase must not include your name, date of birth, Account ID or ODS code. {SUGGESTION}")]
    PersonalDetails,
    #[error("New passphrase is too easy to guess{}", match warning {
        Some(warning) => format!(": {warning} {SUGGESTION}"),
        None => format!(". {SUGGESTION}"),
    })]
    TooWeak { warning: Option<Warning> },
    #[error("Confirm your new passphrase")]
    ConfirmationEmpty,
    #[error("Passphrases do not match. Enter the same new passphrase in both boxes")]
    ConfirmationMismatch,
}

/// Which box a rejection belongs to, for the error summary and the field message.
impl PassphraseRejection {
    pub fn is_about_confirmation(&self) -> bool {
        matches!(self, Self::ConfirmationEmpty | Self::ConfirmationMismatch)
    }
}

/// A new passphrase that met every rule: only this can be hashed and stored.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassphrase(String);

impl NewPassphrase {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassphrase(<redacted>)")
    }
}

/// Checks a new passphrase and its confirmation; returns every applicable reason, first the
/// one for the new passphrase, then the one for the confirmation.
///
/// The PIN passphrase is stored only as a hash, so the caller compares and passes
/// `same_as_pin` (see [`could_equal_pin_passphrase`]).
pub fn check_new_passphrase(
    new: &str,
    confirmation: &str,
    same_as_pin: bool,
    details: &PersonalDetails<'_>,
) -> Result<NewPassphrase, Vec<PassphraseRejection>> {
    let mut problems = Vec::new();
    if let Err(rejection) = check_strength(new, same_as_pin, details) {
        problems.push(rejection);
    }
    if confirmation.is_empty() {
        problems.push(PassphraseRejection::ConfirmationEmpty);
    } else if !new.is_empty() && confirmation != new {
        problems.push(PassphraseRejection::ConfirmationMismatch);
    }
    if problems.is_empty() {
        Ok(NewPassphrase(new.to_owned()))
    } else {
        Err(problems)
    }
}

/// PIN passphrases are at most 15 characters: only a new passphrase of that length can equal
/// one, so only then is the (slow) hash comparison worth making.
pub fn could_equal_pin_passphrase(new: &str) -> bool {
    new.trim().chars().count() <= 15
}

fn check_strength(
    new: &str,
    same_as_pin: bool,
    details: &PersonalDetails<'_>,
) -> Result<(), PassphraseRejection> {
    let length = new.chars().count();
    if new.trim().is_empty() {
        return Err(PassphraseRejection::Empty);
    }
    if length < MIN_CHARS {
        return Err(PassphraseRejection::TooShort);
    }
    if length > MAX_CHARS {
        return Err(PassphraseRejection::TooLong);
    }
    if same_as_pin {
        return Err(PassphraseRejection::SameAsPin);
    }
    let words = details.words();
    let compact: String = new
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if words
        .iter()
        .any(|w| w.chars().count() >= 4 && compact.contains(w.as_str()))
    {
        return Err(PassphraseRejection::PersonalDetails);
    }
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(new, &inputs);
    if estimate.score() < MIN_ZXCVBN_SCORE {
        let warning = estimate.feedback().and_then(|f| f.warning());
        return Err(PassphraseRejection::TooWeak { warning });
    }
    Ok(())
}

impl Localize for PassphraseRejection {
    fn localize(&self, locale: Locale) -> String {
        let suggestion = td_string!(locale, errors.passphrase.suggestion);
        match self {
            Self::Empty => td_string!(locale, errors.passphrase.empty).to_owned(),
            Self::TooShort => format!(
                "{} {suggestion}",
                td_string!(locale, errors.passphrase.too_short)
            ),
            Self::TooLong => td_string!(locale, errors.passphrase.too_long).to_owned(),
            Self::SameAsPin => format!(
                "{} {suggestion}",
                td_string!(locale, errors.passphrase.same_as_pin)
            ),
            Self::PersonalDetails => {
                format!(
                    "{} {suggestion}",
                    td_string!(locale, errors.passphrase.personal_details)
                )
            }
            Self::TooWeak { warning } => {
                let too_weak = td_string!(locale, errors.passphrase.too_weak);
                match warning {
                    Some(warning) => format!(
                        "{too_weak}: {} {suggestion}",
                        localize_warning(*warning, locale)
                    ),
                    None => format!("{too_weak}. {suggestion}"),
                }
            }
            Self::ConfirmationEmpty => {
                td_string!(locale, errors.passphrase.confirmation_empty).to_owned()
            }
            Self::ConfirmationMismatch => {
                td_string!(locale, errors.passphrase.confirmation_mismatch).to_owned()
            }
        }
    }
}

/// zxcvbn's reason a passphrase is easy to guess, in the reader's language.
fn localize_warning(warning: Warning, locale: Locale) -> &'static str {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => td_string!(locale, errors.weak.straight_rows),
        Warning::ShortKeyboardPatternsAreEasyToGuess => {
            td_string!(locale, errors.weak.keyboard_patterns)
        }
        Warning::RepeatsLikeAaaAreEasyToGuess => td_string!(locale, errors.weak.repeats),
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            td_string!(locale, errors.weak.repeated_groups)
        }
        Warning::ThisIsATop10Password => td_string!(locale, errors.weak.top_10),
        Warning::ThisIsATop100Password => td_string!(locale, errors.weak.top_100),
        Warning::ThisIsACommonPassword => td_string!(locale, errors.weak.common),
        Warning::ThisIsSimilarToACommonlyUsedPassword => td_string!(locale, errors.weak.similar),
        Warning::SequencesLikeAbcAreEasyToGuess => td_string!(locale, errors.weak.sequences),
        Warning::RecentYearsAreEasyToGuess => td_string!(locale, errors.weak.recent_years),
        Warning::AWordByItselfIsEasyToGuess => td_string!(locale, errors.weak.one_word),
        Warning::DatesAreOftenEasyToGuess => td_string!(locale, errors.weak.dates),
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
            td_string!(locale, errors.weak.names)
        }
        Warning::CommonNamesAndSurnamesAreEasyToGuess => {
            td_string!(locale, errors.weak.common_names)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn sam() -> PersonalDetails<'static> {
        PersonalDetails {
            given_name: "Sam",
            family_name: "Patel",
            date_of_birth: date!(1980 - 02 - 01),
            account_id: "1000000001",
            ods_code: "T00001",
        }
    }

    fn check(new: &str) -> Result<NewPassphrase, Vec<PassphraseRejection>> {
        check_new_passphrase(new, new, false, &sam())
    }

    #[test]
    fn accepts_random_words_with_spaces() {
        assert!(check("carpet orbit lemon harbour").is_ok());
        assert!(check("violet tractor biscuit canyon").is_ok());
    }

    #[test]
    fn gives_the_reason_for_each_refusal() {
        use PassphraseRejection::*;
        assert_eq!(check(""), Err(vec![Empty, ConfirmationEmpty]));
        assert_eq!(check("short words"), Err(vec![TooShort]));
        assert_eq!(check(&"a".repeat(129)), Err(vec![TooLong]));
        let same = check_new_passphrase(
            "violet tractor biscuit",
            "violet tractor biscuit",
            true,
            &sam(),
        );
        assert_eq!(same, Err(vec![SameAsPin]));
        assert!(could_equal_pin_passphrase(" fifteen-chars-x "));
        assert!(!could_equal_pin_passphrase("sixteen-chars-xx"));
        assert_eq!(check("patel family forever"), Err(vec![PersonalDetails]));
        assert_eq!(check("born on 01021980 yes"), Err(vec![PersonalDetails]));
        assert_eq!(check("account 1000000001 ok"), Err(vec![PersonalDetails]));
        assert!(matches!(
            check("passwordpassword1").unwrap_err()[..],
            [TooWeak { .. }]
        ));
        assert!(matches!(
            check("aaaaaaaaaaaaaaaaaaaa").unwrap_err()[..],
            [TooWeak { .. }]
        ));
    }

    #[test]
    fn confirmation_must_match() {
        use PassphraseRejection::*;
        let result = check_new_passphrase(
            "carpet orbit lemon harbour",
            "carpet orbit lemon",
            false,
            &sam(),
        );
        assert_eq!(result, Err(vec![ConfirmationMismatch]));
        let result = check_new_passphrase("carpet orbit lemon harbour", "", false, &sam());
        assert_eq!(result, Err(vec![ConfirmationEmpty]));
    }

    #[test]
    fn every_refusal_suggests_random_words_or_says_what_to_enter() {
        for rejection in [
            PassphraseRejection::TooShort,
            PassphraseRejection::SameAsPin,
            PassphraseRejection::PersonalDetails,
            PassphraseRejection::TooWeak { warning: None },
        ] {
            assert!(
                rejection.to_string().contains("3 or more random words"),
                "{rejection}"
            );
        }
    }

    #[test]
    fn never_shows_the_passphrase_in_debug() {
        let ok = check("carpet orbit lemon harbour").unwrap();
        assert!(!format!("{ok:?}").contains("carpet"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn anything_shorter_than_15_characters_is_refused(s in "\\PC{1,14}") {
            prop_assert!(check(&s).is_err());
        }

        #[test]
        fn never_panics(s in "\\PC{0,140}", c in "\\PC{0,20}") {
            let _ = check_new_passphrase(&s, &c, false, &sam());
        }
    }
}
