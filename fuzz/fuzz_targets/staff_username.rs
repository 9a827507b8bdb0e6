//! `StaffUsername::parse` on arbitrary text: never panics; whatever parses is 3 to 64 lower-case
//! letters, digits, dots and hyphens, ignores case and surrounding spaces, and parses back.
#![no_main]

use app::domain::{StaffUsername, StaffUsernameError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = StaffUsername::parse(input);
    assert_eq!(
        result == Err(StaffUsernameError::Empty),
        input.trim().is_empty(),
        "{input:?}"
    );
    assert_eq!(StaffUsername::parse(&input.to_ascii_uppercase()), result);
    assert_eq!(StaffUsername::parse(&format!(" {input}\t")), result);
    let Ok(name) = result else {
        return;
    };

    let s = name.as_str();
    assert!((3..=64).contains(&s.len()), "{input:?} -> {s:?}");
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'),
        "{input:?} -> {s:?}"
    );
    assert_eq!(input.trim().to_ascii_lowercase(), s);
    assert_eq!(name.to_string(), s);
    assert_eq!(StaffUsername::parse(s), Ok(name));
});
