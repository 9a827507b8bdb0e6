//! `import::read_bundle` on arbitrary bytes: never panics; hands `each` exactly the entries it
//! counts, placed `entry[0]`, `entry[1]`… in order; every patient it reads keeps the rules (born
//! from 1880 and before today, registered between birth and today, names trimmed and not
//! empty); every problem has a reason on one line; and `read_any` reads a file that starts
//! with `{` the same way.
#![no_main]

use std::ops::ControlFlow;

use app::import::{read_any, read_bundle, Format, ImportedPatient, Place, RowProblem};
use libfuzzer_sys::fuzz_target;
use time::{Date, Month};

fuzz_target!(|data: &[u8]| {
    let today = Date::from_calendar_date(2026, Month::March, 1).unwrap();
    let born_from = Date::from_calendar_date(1880, Month::January, 1).unwrap();
    let mut rows: Vec<Result<ImportedPatient, RowProblem>> = Vec::new();
    let result = read_bundle(data, today, |row| {
        rows.push(row);
        ControlFlow::Continue(())
    });
    if let Ok(count) = &result {
        assert_eq!(*count, rows.len() as u64);
    }
    for (index, row) in rows.iter().enumerate() {
        match row {
            Ok(p) => {
                assert!(
                    p.date_of_birth >= born_from && p.date_of_birth < today,
                    "{p:?}"
                );
                assert!(
                    p.registered_on >= p.date_of_birth && p.registered_on <= today,
                    "{p:?}"
                );
                for name in [&p.given_name, &p.family_name] {
                    assert!(!name.is_empty() && name.trim() == name, "{p:?}");
                    assert!(!name.chars().any(char::is_control), "{p:?}");
                }
                assert!(!p.address_line.chars().any(char::is_control), "{p:?}");
                assert!(
                    p.record_access.is_none() && p.visible_from.is_none(),
                    "{p:?}"
                );
            }
            Err(problem) => {
                assert_eq!(problem.place, Place::Entry(index as u64), "{problem:?}");
                let reason = problem.reason.to_string();
                assert!(!reason.is_empty(), "{problem:?}");
                assert!(!reason.chars().any(char::is_control), "{problem:?}");
            }
        }
    }

    // A file that starts with `{` (after a BOM and blank space) reads the same through read_any.
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let starts_as_bundle = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if starts_as_bundle && body.len() == data.len() && data.len() < 64 * 1024 {
        let mut again: Vec<Result<ImportedPatient, RowProblem>> = Vec::new();
        let any = read_any(data, today, |row| {
            again.push(row);
            ControlFlow::Continue(())
        });
        assert_eq!(any, result.map(|n| (Format::Bundle, n)));
        assert_eq!(again, rows);
    }
});
