//! `parse_test_nhs_number` on arbitrary text: never panics, accepts exactly the valid NHS numbers
//! in the never-issued 999 range, and gives the reason `NhsNumber::parse` gives otherwise.
#![no_main]

use app::domain::{parse_test_nhs_number, NhsNumber, NhsNumberError, TestNhsNumberError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let result = parse_test_nhs_number(input);
    match NhsNumber::parse(input) {
        Ok(number) if number.digits().starts_with("999") => {
            assert_eq!(result, Ok(number));
            assert!(number.is_test_range());
            assert_eq!(parse_test_nhs_number(&number.to_string()), Ok(number));
        }
        Ok(_) => assert_eq!(result, Err(TestNhsNumberError::NotTestRange)),
        Err(NhsNumberError::Empty) => assert_eq!(result, Err(TestNhsNumberError::Empty)),
        Err(NhsNumberError::FailsCheck) => {
            assert_eq!(result, Err(TestNhsNumberError::FailsCheck))
        }
        Err(other) => assert_eq!(result, Err(TestNhsNumberError::Malformed(other))),
    }
});
