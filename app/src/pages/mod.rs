//! One module per page or journey.

pub mod account;
pub mod cannot_sign_in;
pub mod demo;
pub mod home;
pub mod not_found;
pub mod replace_account;
pub mod reset_passphrase;
pub mod staff;
