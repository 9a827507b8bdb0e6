//! `Postcode::parse` on arbitrary text: never panics; whatever parses has a Royal Mail shape
//! (outward code, one space, inward code 9AA; or GIR 0AA), keeps the characters typed, ignores
//! case and spacing, and parses back from its own form.
#![no_main]

use app::domain::{Postcode, PostcodeError};
use libfuzzer_sys::fuzz_target;

/// L for a capital letter, D for a digit.
fn shape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'A'..='Z' => 'L',
            '0'..='9' => 'D',
            other => other,
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = Postcode::parse(input);
    assert_eq!(
        result == Err(PostcodeError::Empty),
        input.chars().all(char::is_whitespace),
        "{input:?}"
    );
    assert_eq!(Postcode::parse(&input.to_ascii_lowercase()), result);
    let Ok(code) = result else {
        return;
    };

    let s = code.as_str();
    let Some((outward, inward)) = s.split_once(' ') else {
        panic!("no space in {s:?}");
    };
    assert!(
        matches!(
            shape(outward).as_str(),
            "LD" | "LDD" | "LLD" | "LLDD" | "LDL" | "LLDL"
        ) || s == "GIR 0AA",
        "{input:?} -> {s:?}"
    );
    assert_eq!(shape(inward), "DLL", "{input:?} -> {s:?}");
    let typed: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(typed.to_ascii_uppercase(), format!("{outward}{inward}"));
    assert_eq!(code.to_string(), s);
    assert_eq!(Postcode::parse(s), Ok(code.clone()));
    assert_eq!(Postcode::parse(&s.replace(' ', "")), Ok(code.clone()));
    assert_eq!(Postcode::try_from(String::from(code.clone())), Ok(code));
});
