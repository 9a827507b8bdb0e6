//! `OdsCode::parse` on arbitrary text: never panics; whatever parses is one upper-case letter and
//! five digits, ignores case and spaces, and parses back from its own form.
#![no_main]

use app::domain::{OdsCode, OdsCodeError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = OdsCode::parse(input);
    assert_eq!(
        result == Err(OdsCodeError::Empty),
        input.chars().all(char::is_whitespace),
        "{input:?}"
    );
    // Case never matters: lower-case typing gives the same answer.
    assert_eq!(OdsCode::parse(&input.to_ascii_lowercase()), result);
    let Ok(code) = result else {
        return;
    };

    let s = code.as_str();
    let b = s.as_bytes();
    assert!(b.len() == 6, "{input:?} -> {s:?}");
    assert!(
        b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit),
        "{s:?}"
    );
    let typed: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(typed.to_ascii_uppercase(), s);
    assert_eq!(code.is_welsh(), s.starts_with('W'));
    assert_eq!(code.to_string(), s);
    assert_eq!(OdsCode::parse(s), Ok(code.clone()));
    assert_eq!(OdsCode::try_from(String::from(code.clone())), Ok(code));
});
