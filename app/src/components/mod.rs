//! Reusable pieces of NHS page furniture and form components.

pub mod form;
pub mod islands;
pub mod layout;
pub mod nhsuk;
pub mod sign_in;
