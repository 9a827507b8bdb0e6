//! `DateOfBirth::parse` (the day, month and year boxes of a date input) on arbitrary text: never
//! panics; says which box is empty; whatever parses is a real date from 1850 on and before today,
//! parses back from its numbers and from its month name, and stays valid on every later day.
//!
//! Input: the day, month and year boxes on separate lines, then optionally "today" as a number of
//! days after 27 November 2026 (negative for before); extra lines are ignored.
#![no_main]

use app::domain::{DateOfBirth, DateOfBirthError};
use libfuzzer_sys::fuzz_target;
use time::{Date, Duration, Month};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = input.split('\n');
    let day = lines.next().unwrap_or("");
    let month = lines.next().unwrap_or("");
    let year = lines.next().unwrap_or("");
    let base = Date::from_calendar_date(2026, Month::November, 27).unwrap();
    let today = match lines.next().and_then(|l| l.trim().parse::<i32>().ok()) {
        Some(offset) => match base.checked_add(Duration::days(i64::from(offset))) {
            Some(today) => today,
            None => return,
        },
        None => base,
    };

    let result = DateOfBirth::parse(day, month, year, today);
    let empty = (
        day.trim().is_empty(),
        month.trim().is_empty(),
        year.trim().is_empty(),
    );
    let expected_missing = match empty {
        (true, true, true) => Some(DateOfBirthError::Empty),
        (true, _, _) => Some(DateOfBirthError::MissingDay),
        (_, true, _) => Some(DateOfBirthError::MissingMonth),
        (_, _, true) => Some(DateOfBirthError::MissingYear),
        _ => None,
    };
    if let Some(missing) = expected_missing {
        assert_eq!(result, Err(missing));
    }
    // Spaces around what is typed in a box never matter.
    assert_eq!(
        DateOfBirth::parse(
            &format!(" {day} "),
            &format!("\t{month}"),
            &format!("{year} "),
            today
        ),
        result
    );
    let Ok(dob) = result else {
        return;
    };

    let date = dob.date();
    assert!(date < today, "{input:?} -> {date} not before {today}");
    assert!(date.year() >= 1850, "{input:?} -> {date}");
    let (d, m, y) = (date.day(), date.month(), date.year());
    let numbers = DateOfBirth::parse(
        &d.to_string(),
        &u8::from(m).to_string(),
        &y.to_string(),
        today,
    );
    assert_eq!(numbers, Ok(dob), "{input:?}");
    let padded = DateOfBirth::parse(
        &format!("{d:02}"),
        &format!("{:02}", u8::from(m)),
        &format!("{y:04}"),
        today,
    );
    assert_eq!(padded, Ok(dob), "{input:?}");
    let name = m.to_string();
    assert_eq!(
        DateOfBirth::parse(&d.to_string(), &name, &y.to_string(), today),
        Ok(dob)
    );
    assert_eq!(
        DateOfBirth::parse(
            &d.to_string(),
            &name[..3].to_ascii_lowercase(),
            &y.to_string(),
            today
        ),
        Ok(dob)
    );
    assert_eq!(
        DateOfBirth::parse(day, month, year, Date::MAX),
        Ok(dob),
        "valid later too"
    );
    if let Some(tomorrow) = today.next_day() {
        assert_eq!(DateOfBirth::parse(day, month, year, tomorrow), Ok(dob));
    }
});
