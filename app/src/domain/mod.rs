//! Pure domain types and rules: no I/O, no framework. Everything that crosses the boundary from
//! a form or the database is parsed into one of these once and trusted afterwards.

mod account_id;
mod dates;
mod nhs_number;
mod ods_code;
#[cfg(feature = "ssr")]
pub mod passphrase_policy;
mod pin_passphrase;
mod practice;
mod record_access;

pub use account_id::{AccountId, AccountIdError};
pub use dates::{format_long_date, DateOfBirth, DateOfBirthError, PinDocumentDates};
pub use nhs_number::{NhsNumber, NhsNumberError};
pub use ods_code::{OdsCode, OdsCodeError};
pub use pin_passphrase::{PinPassphrase, PinPassphraseError};
pub use practice::{ClinicalSystem, RecordAccessLevel, VisibleFromRule};
pub use record_access::{
    record_visibility, services_shown, OnlineService, RecordDates, RecordVisibility, ServiceState,
    ServiceSwitches,
};
