//! Pure domain types and rules: no I/O, no framework. Everything that crosses the boundary from
//! a form or the database is parsed into one of these once and trusted afterwards.

mod account_id;
pub mod attempts;
mod audit_kind;
mod dates;
mod demographics;
#[cfg(feature = "email")]
mod email_address;
mod nhs_number;
mod ods_code;
#[cfg(feature = "ssr")]
pub mod passphrase_policy;
mod pin_passphrase;
mod postcode;
mod practice;
mod record_access;
pub mod replacement;
#[cfg(feature = "ssr")]
pub mod second_factor;
mod security_code;
mod sign_in_problem;
pub mod staff;
#[cfg(feature = "ssr")]
pub mod staff_password;
pub mod staff_provider;
pub mod time_limit;

pub use account_id::{AccountId, AccountIdError};
pub use audit_kind::{AuditKind, PatientActivity};
pub use dates::{DateOfBirth, DateOfBirthError, PinDocumentDates};
pub use demographics::{Confidentiality, DemographicField, FixedBy, Recorded};
#[cfg(feature = "email")]
pub use email_address::{EmailAddress, EmailAddressError};
pub use nhs_number::{NhsNumber, NhsNumberError};
pub use ods_code::{OdsCode, OdsCodeError};
pub use pin_passphrase::{PinPassphrase, PinPassphraseError};
pub use postcode::{Postcode, PostcodeError};
pub use practice::{AccessEnd, ClinicalSystem, RecordAccessLevel, VisibleFromRule};
pub use record_access::{
    record_visibility, services_shown, OnlineService, RecordDates, RecordVisibility, ServiceState,
    ServiceSwitches,
};
pub use replacement::{
    check_eligibility, Ineligible, ReferenceError, ReplacementFacts, ReplacementReference,
    ReplacementState, CANCEL_LINK_DAYS,
};
pub use security_code::{
    SecurityCode, SecurityCodeError, CODE_LIFETIME_SECONDS, CODE_MAX_ATTEMPTS, CODE_MAX_SENDS,
};
pub use sign_in_problem::{NextStep, SignInProblem};
pub use staff::{
    one_time_secret, parse_test_nhs_number, IdentityCheck, KeptForm, StaffReturnPath,
    StaffUsername, StaffUsernameError, TestNhsNumberError,
};
pub use time_limit::{MoreTime, StepWindow, MAX_EXTENSIONS};
