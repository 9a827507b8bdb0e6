//! The language a page is in: English or Welsh (Cymraeg).
//!
//! Every user-facing string lives in `locales/{en,cy}/*.json`, read at compile time by
//! `leptos_i18n` (see `build.rs`): a key used here that a locale file lacks fails the build.
//! The server decides the language of each request (the `relink-lang` cookie the language link
//! sets, else the browser's `Accept-Language`) and provides it as context; components read it
//! with [`locale`] or the [`tr!`](crate::tr) macro. Server code that builds messages (errors,
//! emails) passes the locale explicitly to `td_string!`.

use leptos::prelude::*;
use time::Date;

use crate::i18n::td_string;
pub use crate::i18n::Locale;

/// The cookie that remembers the language chosen with the header's language link.
pub const LANGUAGE_COOKIE: &str = "relink-lang";

/// The language of the page being rendered (English when none was provided). On the server it
/// also makes sure leptos_i18n has the plural rules a count needs ([`install_plural_rules`]).
pub fn locale() -> Locale {
    #[cfg(feature = "ssr")]
    install_plural_rules();
    use_context::<Locale>().unwrap_or_default()
}

/// Gives leptos_i18n ICU's CLDR plural rules (compiled into the server by `icu_plurals`), which
/// choose a count's form: "1 difference", "2 differences", and in Welsh one of six. Without
/// them, rendering a plural key panics, so the router installs them when it is built and
/// [`locale`] before any page renders; only the first call does anything.
#[cfg(feature = "ssr")]
pub fn install_plural_rules() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| leptos_i18n::custom_provider::set_icu_data_provider(CldrPluralRules));
}

/// The plural rules of the locales leptos_i18n asks for, from ICU's compiled data.
#[cfg(feature = "ssr")]
struct CldrPluralRules;

#[cfg(feature = "ssr")]
impl leptos_i18n::custom_provider::IcuDataProvider for CldrPluralRules {
    fn try_new_plural_rules(
        &self,
        locale: &leptos_i18n::reexports::icu::locid::Locale,
        rule_type: icu_plurals::PluralRuleType,
    ) -> Result<icu_plurals::PluralRules, leptos_i18n::reexports::icu::provider::DataError> {
        let options = icu_plurals::PluralRulesOptions::default().with_type(rule_type);
        icu_plurals::PluralRules::try_new(locale.into(), options)
    }
}

/// A translated string in the language of the page being rendered:
/// `tr!(common.service_name)`, or with values, `tr!(reset.expired_on, date = when)`.
#[macro_export]
macro_rules! tr {
    ($($key:tt)+) => {
        $crate::i18n::td_string!($crate::language::locale(), $($key)+)
    };
}

/// A message for a person in their language: the problems of the domain types (a field left
/// empty, a code in the wrong form) say what to do in English or Welsh. `Display` stays the
/// English text, for logs and tests.
pub trait Localize {
    fn localize(&self, locale: Locale) -> String;
}

/// The value of `<html lang>` and of `lang` attributes: British English or Welsh.
pub fn html_lang(locale: Locale) -> &'static str {
    match locale {
        Locale::en => "en-GB",
        Locale::cy => "cy",
    }
}

/// The other language, which the header's language link offers.
pub fn other(locale: Locale) -> Locale {
    match locale {
        Locale::en => Locale::cy,
        Locale::cy => Locale::en,
    }
}

/// The CLDR plural category of a whole number in a language: English has "one" and "other";
/// Welsh has "zero", "one", "two", "few" (3), "many" (6) and "other". The timeout warning's
/// script asks the browser's `Intl.PluralRules` the same question for the countdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

impl PluralCategory {
    /// The category of `n` in `locale`.
    pub fn of(n: u64, locale: Locale) -> Self {
        match (locale, n) {
            (Locale::en, 1) => Self::One,
            (Locale::en, _) => Self::Other,
            (Locale::cy, 0) => Self::Zero,
            (Locale::cy, 1) => Self::One,
            (Locale::cy, 2) => Self::Two,
            (Locale::cy, 3) => Self::Few,
            (Locale::cy, 6) => Self::Many,
            (Locale::cy, _) => Self::Other,
        }
    }

    /// CLDR's name of the category, as `Intl.PluralRules` gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Zero => "zero",
            Self::One => "one",
            Self::Two => "two",
            Self::Few => "few",
            Self::Many => "many",
            Self::Other => "other",
        }
    }
}

/// "15 minutes", "1 minute", "2 funud": the form of a number of minutes for its category,
/// with `%n` standing for the number (the same forms the timeout warning's script uses).
pub fn minutes_form(category: PluralCategory, locale: Locale) -> &'static str {
    match category {
        PluralCategory::Zero => td_string!(locale, common.timeout.minutes.zero),
        PluralCategory::One => td_string!(locale, common.timeout.minutes.one),
        PluralCategory::Two => td_string!(locale, common.timeout.minutes.two),
        PluralCategory::Few => td_string!(locale, common.timeout.minutes.few),
        PluralCategory::Many => td_string!(locale, common.timeout.minutes.many),
        PluralCategory::Other => td_string!(locale, common.timeout.minutes.other),
    }
}

/// The form of a number of seconds for its category (see [`minutes_form`]).
pub fn seconds_form(category: PluralCategory, locale: Locale) -> &'static str {
    match category {
        PluralCategory::Zero => td_string!(locale, common.timeout.seconds.zero),
        PluralCategory::One => td_string!(locale, common.timeout.seconds.one),
        PluralCategory::Two => td_string!(locale, common.timeout.seconds.two),
        PluralCategory::Few => td_string!(locale, common.timeout.seconds.few),
        PluralCategory::Many => td_string!(locale, common.timeout.seconds.many),
        PluralCategory::Other => td_string!(locale, common.timeout.seconds.other),
    }
}

/// Seconds as whole minutes, rounded up: a page never promises less time than there is.
pub fn whole_minutes(seconds: i64) -> u64 {
    seconds.max(0).unsigned_abs().div_ceil(60)
}

/// A number of minutes in words a page can show: "15 minutes", "1 minute", "30 munud".
pub fn minutes(n: u64, locale: Locale) -> String {
    minutes_form(PluralCategory::of(n, locale), locale).replace("%n", &n.to_string())
}

/// What the timeout warning's countdown says for `seconds` left: whole minutes (rounded up)
/// from a minute, seconds below it. The warning's script says the same as time passes.
pub fn countdown(seconds: i64, locale: Locale) -> String {
    let seconds = seconds.max(0).unsigned_abs();
    if seconds >= 60 {
        return minutes(seconds.div_ceil(60), locale);
    }
    seconds_form(PluralCategory::of(seconds, locale), locale).replace("%n", &seconds.to_string())
}

/// Reads a language code as the cookie and the language link carry it (`en` or `cy`).
pub fn parse_code(code: &str) -> Option<Locale> {
    match code.trim() {
        "en" => Some(Locale::en),
        "cy" => Some(Locale::cy),
        _ => None,
    }
}

/// The language of a request: the remembered choice if there is one, else the first of the
/// browser's languages (by `q` weight) that Relink has, else English.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
    if let Some(chosen) = cookie.and_then(parse_code) {
        return chosen;
    }
    let Some(header) = accept_language else {
        return Locale::en;
    };
    let mut best: Option<(f32, usize, Locale)> = None;
    for (position, item) in header.split(',').enumerate().take(32) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .filter(|q| q.is_finite() && (0.0..=1.0).contains(q))
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let locale = match primary {
            "cy" => Locale::cy,
            "en" => Locale::en,
            _ => continue,
        };
        if weight <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((w, p, _)) => weight > w || (weight == w && position < p),
        };
        if better {
            best = Some((weight, position, locale));
        }
    }
    best.map_or(Locale::en, |(_, _, locale)| locale)
}

/// A date as NHS pages write it, in the page's language: "14 March 2026", "14 Mawrth 2026".
pub fn long_date(date: Date, locale: Locale) -> String {
    let month = match date.month() as u8 {
        1 => td_string!(locale, common.month_1),
        2 => td_string!(locale, common.month_2),
        3 => td_string!(locale, common.month_3),
        4 => td_string!(locale, common.month_4),
        5 => td_string!(locale, common.month_5),
        6 => td_string!(locale, common.month_6),
        7 => td_string!(locale, common.month_7),
        8 => td_string!(locale, common.month_8),
        9 => td_string!(locale, common.month_9),
        10 => td_string!(locale, common.month_10),
        11 => td_string!(locale, common.month_11),
        _ => td_string!(locale, common.month_12),
    };
    format!("{} {month} {}", date.day(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn numbers_of_minutes_take_their_language_s_plural_form() {
        assert_eq!(minutes(1, Locale::en), "1 minute");
        assert_eq!(minutes(2, Locale::en), "2 minutes");
        assert_eq!(minutes(15, Locale::en), "15 minutes");
        assert_eq!(minutes(1, Locale::cy), "1 munud");
        assert_eq!(minutes(2, Locale::cy), "2 funud");
        assert_eq!(minutes(30, Locale::cy), "30 munud");
        assert_eq!(countdown(120, Locale::en), "2 minutes");
        assert_eq!(countdown(61, Locale::en), "2 minutes");
        assert_eq!(countdown(60, Locale::en), "1 minute");
        assert_eq!(countdown(59, Locale::en), "59 seconds");
        assert_eq!(countdown(1, Locale::en), "1 second");
        assert_eq!(countdown(120, Locale::cy), "2 funud");
        assert_eq!(countdown(20, Locale::cy), "20 eiliad");
        let welsh: Vec<_> = [0, 1, 2, 3, 4, 6, 15]
            .map(|n| PluralCategory::of(n, Locale::cy).as_str())
            .into();
        assert_eq!(
            welsh,
            ["zero", "one", "two", "few", "other", "many", "other"]
        );
    }

    #[test]
    fn the_remembered_choice_wins_over_the_browser() {
        assert_eq!(negotiate(Some("cy"), Some("en-GB")), Locale::cy);
        assert_eq!(negotiate(Some("en"), Some("cy")), Locale::en);
        assert_eq!(negotiate(Some("fr"), Some("cy")), Locale::cy);
    }

    #[test]
    fn the_browser_languages_are_read_by_weight_then_order() {
        assert_eq!(negotiate(None, None), Locale::en);
        assert_eq!(negotiate(None, Some("cy-GB,cy;q=0.9,en;q=0.8")), Locale::cy);
        assert_eq!(negotiate(None, Some("en-GB,cy;q=0.5")), Locale::en);
        assert_eq!(negotiate(None, Some("fr, cy;q=0.4, en;q=0.3")), Locale::cy);
        assert_eq!(negotiate(None, Some("en;q=0.2, CY;q=0.9")), Locale::cy);
        assert_eq!(negotiate(None, Some("cy;q=0, en;q=0.1")), Locale::en);
        assert_eq!(negotiate(None, Some("fr, de")), Locale::en);
    }

    #[test]
    fn dates_are_written_in_the_page_language() {
        assert_eq!(
            long_date(date!(2026 - 03 - 14), Locale::en),
            "14 March 2026"
        );
        assert_eq!(
            long_date(date!(1980 - 02 - 01), Locale::en),
            "1 February 1980"
        );
        assert_eq!(
            long_date(date!(2026 - 03 - 14), Locale::cy),
            "14 Mawrth 2026"
        );
        assert_eq!(
            long_date(date!(2026 - 12 - 01), Locale::cy),
            "1 Rhagfyr 2026"
        );
    }

    /// Counts take the plural form of their number (issue #23): English "1 difference", "2
    /// differences"; Welsh has a form for 0, 1, 2, 3 and 6, and one for the rest (CLDR).
    #[cfg(feature = "ssr")]
    #[test]
    fn counts_agree_with_their_number_in_english_and_welsh() {
        install_plural_rules();
        let differences = |locale: Locale, n: usize| {
            td_string!(locale, staff.home.mismatches_count, count = n).to_string()
        };
        let pds = "between your clinical system and PDS";
        assert_eq!(differences(Locale::en, 1), format!("1 difference {pds}"));
        for n in [0, 2, 3, 6, 11] {
            assert_eq!(differences(Locale::en, n), format!("{n} differences {pds}"));
        }
        let rhwng = "rhwng eich system glinigol a PDS";
        for (n, welsh) in [
            (0, format!("Dim gwahaniaethau {rhwng}")),
            (1, format!("1 gwahaniaeth {rhwng}")),
            (2, format!("2 wahaniaeth {rhwng}")),
            (3, format!("3 gwahaniaeth {rhwng}")),
            (4, format!("4 o wahaniaethau {rhwng}")),
            (6, format!("6 gwahaniaeth {rhwng}")),
            (11, format!("11 o wahaniaethau {rhwng}")),
        ] {
            assert_eq!(differences(Locale::cy, n), welsh);
        }

        let tries = |locale: Locale, n: i64| {
            td_string!(locale, replace.code.more_tries, count = n).to_string()
        };
        assert_eq!(tries(Locale::en, 1), "1 more try");
        assert_eq!(tries(Locale::en, 4), "4 more tries");
        assert_eq!(tries(Locale::cy, 1), "1 cynnig arall");
        assert_eq!(tries(Locale::cy, 2), "2 gynnig arall");
        assert_eq!(tries(Locale::cy, 3), "3 chynnig arall");
        assert_eq!(tries(Locale::cy, 4), "4 cynnig arall");

        let rows =
            |locale: Locale, n: u64| td_string!(locale, staff.imports.more, count = n).to_string();
        assert!(rows(Locale::en, 1).starts_with("And 1 more row not imported."));
        assert!(rows(Locale::en, 2).starts_with("And 2 more rows not imported."));
        assert!(rows(Locale::cy, 2).starts_with("Mae 2 res arall heb eu mewnforio hefyd."));

        let test_patients = |locale: Locale, n: usize| {
            td_string!(locale, staff.home.test_patients_count, count = n).to_string()
        };
        assert_eq!(
            test_patients(Locale::en, 1),
            "1 test patient you can preview"
        );
        assert_eq!(
            test_patients(Locale::cy, 6),
            "6 chlaf prawf y gallwch gael rhagolwg ohonynt"
        );
    }

    /// Every problem of the domain types reads the same in English as its `Display` text (which
    /// the tests and logs know), and differently in Welsh.
    #[cfg(feature = "ssr")]
    #[test]
    fn domain_problems_read_the_same_in_english_and_are_translated_to_welsh() {
        use crate::domain::passphrase_policy::PassphraseRejection;
        use crate::domain::*;
        use zxcvbn::feedback::Warning;

        fn check(problem: &(impl Localize + std::fmt::Display)) {
            let english = problem.to_string();
            assert_eq!(problem.localize(Locale::en), english);
            let welsh = problem.localize(Locale::cy);
            assert_ne!(welsh, english, "{english} has no Welsh");
            assert!(!welsh.trim().is_empty());
        }
        for e in [
            AccountIdError::Empty,
            AccountIdError::NotAlphanumeric,
            AccountIdError::WrongLength,
        ] {
            check(&e);
        }
        for e in [OdsCodeError::Empty, OdsCodeError::WrongFormat] {
            check(&e);
        }
        for e in [PinPassphraseError::Empty, PinPassphraseError::WrongLength] {
            check(&e);
        }
        for e in [PostcodeError::Empty, PostcodeError::WrongFormat] {
            check(&e);
        }
        for e in [
            NhsNumberError::Empty,
            NhsNumberError::NotDigits,
            NhsNumberError::WrongLength,
            NhsNumberError::FailsCheck,
        ] {
            check(&e);
            check(&TestNhsNumberError::Malformed(e));
        }
        for e in [
            EmailAddressError::Empty,
            EmailAddressError::WrongFormat,
            EmailAddressError::TooLong,
        ] {
            check(&e);
        }
        for e in [SecurityCodeError::Empty, SecurityCodeError::WrongFormat] {
            check(&e);
        }
        for e in [
            DateOfBirthError::Empty,
            DateOfBirthError::MissingDay,
            DateOfBirthError::MissingMonth,
            DateOfBirthError::MissingYear,
            DateOfBirthError::NotReal,
            DateOfBirthError::NotInPast,
        ] {
            check(&e);
        }
        for e in [ReferenceError::Empty, ReferenceError::WrongFormat] {
            check(&e);
        }
        for e in [
            crate::domain::staff::StaffUsernameError::Empty,
            crate::domain::staff::StaffUsernameError::WrongFormat,
        ] {
            check(&e);
        }
        for e in [
            TestNhsNumberError::Empty,
            TestNhsNumberError::FailsCheck,
            TestNhsNumberError::NotTestRange,
        ] {
            check(&e);
        }
        let warnings = [
            Warning::StraightRowsOfKeysAreEasyToGuess,
            Warning::ShortKeyboardPatternsAreEasyToGuess,
            Warning::RepeatsLikeAaaAreEasyToGuess,
            Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
            Warning::ThisIsATop10Password,
            Warning::ThisIsATop100Password,
            Warning::ThisIsACommonPassword,
            Warning::ThisIsSimilarToACommonlyUsedPassword,
            Warning::SequencesLikeAbcAreEasyToGuess,
            Warning::RecentYearsAreEasyToGuess,
            Warning::AWordByItselfIsEasyToGuess,
            Warning::DatesAreOftenEasyToGuess,
            Warning::NamesAndSurnamesByThemselvesAreEasyToGuess,
            Warning::CommonNamesAndSurnamesAreEasyToGuess,
        ];
        let mut rejections = vec![
            PassphraseRejection::Empty,
            PassphraseRejection::TooShort,
            PassphraseRejection::TooLong,
            PassphraseRejection::SameAsPin,
            PassphraseRejection::PersonalDetails,
            PassphraseRejection::TooWeak { warning: None },
            PassphraseRejection::ConfirmationEmpty,
            PassphraseRejection::ConfirmationMismatch,
        ];
        rejections.extend(warnings.map(|w| PassphraseRejection::TooWeak { warning: Some(w) }));
        for e in rejections {
            check(&e);
        }
    }

    proptest! {
        #[test]
        fn any_header_gives_a_language_without_panicking(header in ".{0,200}", cookie in ".{0,8}") {
            let _ = negotiate(Some(&cookie), Some(&header));
        }
    }
}
