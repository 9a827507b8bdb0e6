//! One module per page or journey.

pub mod accessibility;
pub mod account;
pub mod cannot_sign_in;
pub mod demo;
pub mod home;
pub mod not_found;
pub mod replacement;
pub mod reset_passphrase;
pub mod staff;
