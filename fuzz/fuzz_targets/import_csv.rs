//! `import::read_csv` on arbitrary bytes: never panics; hands `each` exactly the rows it counts,
//! in the order of their lines, none on the header's line; every patient it reads keeps the
//! rules (born from 1880 and before today, registered between birth and today, names trimmed
//! and not empty, nothing a CSV does not hold); every problem has a reason on one line; and
//! `read_any` reads the same file the same way unless it starts as a Bundle.
#![no_main]

use std::ops::ControlFlow;

use app::import::{read_any, read_csv, Format, ImportedPatient, Place, RowProblem};
use libfuzzer_sys::fuzz_target;
use time::{Date, Month};

fuzz_target!(|data: &[u8]| {
    let today = Date::from_calendar_date(2026, Month::March, 1).unwrap();
    let born_from = Date::from_calendar_date(1880, Month::January, 1).unwrap();
    let mut rows: Vec<Result<ImportedPatient, RowProblem>> = Vec::new();
    let result = read_csv(data, today, |row| {
        rows.push(row);
        ControlFlow::Continue(())
    });
    if let Ok(count) = &result {
        assert_eq!(*count, rows.len() as u64);
    }
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let mut last_line = 1;
    for row in &rows {
        let place = match row {
            Ok(_) => None,
            Err(problem) => Some(problem.place),
        };
        if let Some(Place::Line(line)) = place {
            assert!(
                line > last_line && line <= lines,
                "line {line} after {last_line} of {lines}"
            );
            last_line = line;
        } else if let Some(place) = place {
            panic!("a CSV row placed at {place:?}");
        }
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
                assert!(p.address_line.is_empty() && p.gp_ods.is_none(), "{p:?}");
            }
            Err(problem) => {
                let reason = problem.reason.to_string();
                assert!(!reason.is_empty(), "{problem:?}");
                assert!(!reason.chars().any(char::is_control), "{problem:?}");
            }
        }
    }

    // The same file through read_any: the same answer, unless it starts as a Bundle.
    let mut again: Vec<Result<ImportedPatient, RowProblem>> = Vec::new();
    let any = read_any(data, today, |row| {
        again.push(row);
        ControlFlow::Continue(())
    });
    let starts_as_bundle = data
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(data)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'{');
    let blank = !data
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(data)
        .iter()
        .any(|b| !b.is_ascii_whitespace());
    if !starts_as_bundle && !blank && data.len() < 64 * 1024 {
        assert_eq!(
            any.map(|(format, n)| (format, n)),
            result.map(|n| (Format::Csv, n))
        );
        assert_eq!(again, rows);
    }
});
