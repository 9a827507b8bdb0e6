//! One module per page or journey.

pub mod account;
pub mod demo;
pub mod home;
pub mod not_found;
pub mod reset_passphrase;
