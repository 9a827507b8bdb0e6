//! `AccountId::parse` on arbitrary text: never panics; whatever parses is 6 to 15 upper-case
//! letters and digits, ignores case and spaces, and parses back from its own form.
#![no_main]

use app::domain::{AccountId, AccountIdError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = AccountId::parse(input);
    assert_eq!(
        result == Err(AccountIdError::Empty),
        input.chars().all(char::is_whitespace),
        "{input:?}"
    );
    assert_eq!(AccountId::parse(&input.to_ascii_lowercase()), result);
    let Ok(id) = result else {
        return;
    };

    let s = id.as_str();
    assert!((6..=15).contains(&s.len()), "{input:?} -> {s:?}");
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
        "{s:?}"
    );
    let typed: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(typed.to_ascii_uppercase(), s);
    assert_eq!(id.to_string(), s);
    assert_eq!(AccountId::parse(s), Ok(id.clone()));
    assert_eq!(AccountId::try_from(String::from(id.clone())), Ok(id));
});
