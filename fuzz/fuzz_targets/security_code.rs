//! `SecurityCode::parse` on arbitrary text: never panics; whatever parses is exactly the six
//! ASCII digits typed (spaces and dashes ignored) and parses back, however it is grouped.
#![no_main]

use app::domain::{SecurityCode, SecurityCodeError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = SecurityCode::parse(input);
    assert_eq!(
        result == Err(SecurityCodeError::Empty),
        input.chars().all(|c| c.is_whitespace() || c == '-'),
        "{input:?}"
    );
    let Ok(code) = result else {
        return;
    };

    let s = code.expose();
    assert!(
        s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()),
        "{input:?}"
    );
    let typed: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    assert_eq!(typed, s);
    assert_eq!(SecurityCode::parse(s), Ok(code.clone()));
    assert_eq!(
        SecurityCode::parse(&format!("{}-{}", &s[..3], &s[3..])),
        Ok(code.clone())
    );
    let from_number = SecurityCode::from_random(s.parse().unwrap());
    assert_eq!(from_number, code);
    assert!(!format!("{code:?}").contains(s), "Debug shows the code");
});
