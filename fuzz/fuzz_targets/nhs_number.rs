//! `NhsNumber::parse` on arbitrary text: never panics; whatever parses is 10 digits that pass
//! Modulus 11, keeps exactly the digits typed, and parses back from its display and stored forms.
#![no_main]

use app::domain::{NhsNumber, NhsNumberError};
use libfuzzer_sys::fuzz_target;

/// Modulus 11, written out again from the NHS definition rather than borrowed from the parser.
fn passes_modulus_11(digits: &[u8]) -> bool {
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * (10 - i as u32))
        .sum();
    let check = (11 - sum % 11) % 11;
    check != 10 && u32::from(digits[9] - b'0') == check
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = NhsNumber::parse(input);
    if input.trim().is_empty() {
        assert_eq!(result, Err(NhsNumberError::Empty));
    }
    let Ok(number) = result else {
        return;
    };

    let digits = number.digits();
    assert_eq!(digits.len(), 10, "{input:?}");
    assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{input:?}");
    assert!(
        passes_modulus_11(digits.as_bytes()),
        "{input:?} -> {digits}"
    );
    let typed: String = input.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(typed, digits, "the digits typed are the digits kept");
    assert_eq!(number.is_test_range(), digits.starts_with("999"));

    let shown = number.to_string();
    assert_eq!(
        shown,
        format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..])
    );
    assert_eq!(NhsNumber::parse(&shown), Ok(number));
    assert_eq!(NhsNumber::parse(&digits), Ok(number));
    assert_eq!(NhsNumber::try_from(String::from(number)), Ok(number));
});
