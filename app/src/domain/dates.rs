use time::{Date, Duration, Month};

/// How long a PIN document can be used after the date printed on it.
pub const PIN_DOCUMENT_VALID_DAYS: i64 = 14;

/// A date of birth typed into the nhsuk date input: a real date, in the past.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct DateOfBirth(Date);

/// Why a typed date of birth was refused, in the words of the NHS design system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateOfBirthError {
    #[error("Enter your date of birth")]
    Empty,
    #[error("Date of birth must include a day")]
    MissingDay,
    #[error("Date of birth must include a month")]
    MissingMonth,
    #[error("Date of birth must include a year")]
    MissingYear,
    #[error("Date of birth must be a real date")]
    NotReal,
    #[error("Date of birth must be in the past")]
    NotInPast,
}

impl DateOfBirth {
    /// Parses the three boxes of a date input; `today` comes from the caller so this stays pure.
    /// Month may be a number or a name ("3", "mar", "March").
    pub fn parse(
        day: &str,
        month: &str,
        year: &str,
        today: Date,
    ) -> Result<Self, DateOfBirthError> {
        let (day, month, year) = (day.trim(), month.trim(), year.trim());
        match (day.is_empty(), month.is_empty(), year.is_empty()) {
            (true, true, true) => return Err(DateOfBirthError::Empty),
            (true, _, _) => return Err(DateOfBirthError::MissingDay),
            (_, true, _) => return Err(DateOfBirthError::MissingMonth),
            (_, _, true) => return Err(DateOfBirthError::MissingYear),
            _ => {}
        }
        let day: u8 = day.parse().map_err(|_| DateOfBirthError::NotReal)?;
        let month = parse_month(month).ok_or(DateOfBirthError::NotReal)?;
        if year.len() != 4 {
            return Err(DateOfBirthError::NotReal);
        }
        let year: i32 = year.parse().map_err(|_| DateOfBirthError::NotReal)?;
        let date =
            Date::from_calendar_date(year, month, day).map_err(|_| DateOfBirthError::NotReal)?;
        if year < 1850 {
            return Err(DateOfBirthError::NotReal);
        }
        if date >= today {
            return Err(DateOfBirthError::NotInPast);
        }
        Ok(Self(date))
    }

    /// Wraps a date already known to be valid (from the database).
    pub fn from_date(date: Date) -> Self {
        Self(date)
    }

    pub fn date(&self) -> Date {
        self.0
    }
}

fn parse_month(input: &str) -> Option<Month> {
    if let Ok(n) = input.parse::<u8>() {
        return Month::try_from(n).ok();
    }
    let lower = input.to_ascii_lowercase();
    let months = [
        Month::January,
        Month::February,
        Month::March,
        Month::April,
        Month::May,
        Month::June,
        Month::July,
        Month::August,
        Month::September,
        Month::October,
        Month::November,
        Month::December,
    ];
    months.into_iter().find(|m| {
        let name = m.to_string().to_ascii_lowercase();
        lower.len() >= 3 && name.starts_with(&lower)
    })
}

/// The dates on a PIN document and what follows from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PinDocumentDates {
    pub printed_on: Date,
}

impl PinDocumentDates {
    /// The last day the document can be used: 14 days after the date printed.
    pub fn expires_on(&self) -> Date {
        self.printed_on + Duration::days(PIN_DOCUMENT_VALID_DAYS)
    }

    /// Usable up to and including its expiry date.
    pub fn is_expired(&self, today: Date) -> bool {
        today > self.expires_on()
    }
}

impl crate::language::Localize for DateOfBirthError {
    fn localize(&self, locale: crate::language::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::Empty => td_string!(locale, errors.date_of_birth.empty),
            Self::MissingDay => td_string!(locale, errors.date_of_birth.missing_day),
            Self::MissingMonth => td_string!(locale, errors.date_of_birth.missing_month),
            Self::MissingYear => td_string!(locale, errors.date_of_birth.missing_year),
            Self::NotReal => td_string!(locale, errors.date_of_birth.not_real),
            Self::NotInPast => td_string!(locale, errors.date_of_birth.not_in_past),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    #[test]
    fn parses_real_dates_in_the_past() {
        let dob = DateOfBirth::parse("1", "2", "1980", TODAY).unwrap();
        assert_eq!(dob.date(), date!(1980 - 02 - 01));
        assert_eq!(DateOfBirth::parse("01", "feb", "1980", TODAY), Ok(dob));
        assert_eq!(
            DateOfBirth::parse(" 1 ", "February", "1980", TODAY),
            Ok(dob)
        );
    }

    #[test]
    fn says_what_is_missing_or_wrong() {
        use DateOfBirthError::*;
        assert_eq!(DateOfBirth::parse("", "", "", TODAY), Err(Empty));
        assert_eq!(DateOfBirth::parse("", "2", "1980", TODAY), Err(MissingDay));
        assert_eq!(
            DateOfBirth::parse("1", "", "1980", TODAY),
            Err(MissingMonth)
        );
        assert_eq!(DateOfBirth::parse("1", "2", "", TODAY), Err(MissingYear));
        assert_eq!(DateOfBirth::parse("31", "2", "1980", TODAY), Err(NotReal));
        assert_eq!(DateOfBirth::parse("1", "13", "1980", TODAY), Err(NotReal));
        assert_eq!(DateOfBirth::parse("1", "2", "80", TODAY), Err(NotReal));
        assert_eq!(DateOfBirth::parse("x", "2", "1980", TODAY), Err(NotReal));
        assert_eq!(
            DateOfBirth::parse("27", "11", "2026", TODAY),
            Err(NotInPast)
        );
        assert_eq!(DateOfBirth::parse("1", "1", "2030", TODAY), Err(NotInPast));
    }

    #[test]
    fn pin_document_lasts_fourteen_days_inclusive() {
        let doc = PinDocumentDates {
            printed_on: date!(2026 - 03 - 01),
        };
        assert_eq!(doc.expires_on(), date!(2026 - 03 - 15));
        assert!(!doc.is_expired(date!(2026 - 03 - 15)));
        assert!(doc.is_expired(date!(2026 - 03 - 16)));
    }

    proptest! {
        #[test]
        fn any_real_past_date_round_trips(days_ago in 1i64..60_000) {
            let d = TODAY - Duration::days(days_ago);
            let parsed = DateOfBirth::parse(
                &d.day().to_string(), &u8::from(d.month()).to_string(), &d.year().to_string(), TODAY);
            if d.year() >= 1850 {
                prop_assert_eq!(parsed.map(|p| p.date()), Ok(d));
            }
        }

        #[test]
        fn never_panics(a in "\\PC{0,6}", b in "\\PC{0,10}", c in "\\PC{0,6}") {
            let _ = DateOfBirth::parse(&a, &b, &c, TODAY);
        }
    }
}
