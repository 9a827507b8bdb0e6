//! What pages show, as plain data, and where everything is: the layer both the server and the
//! UI depend on. The server decides a page's view model and provides it with the page's facts
//! ([`page::PageFacts`]) as context; the pages and components render them. Nothing here, in
//! `components/` or in `pages/` imports the server or the database (`tests/layers.rs` checks).

pub mod account;
pub mod cannot_sign_in;
pub mod demo;
pub mod form;
pub mod page;
pub mod problem;
pub mod replacement;
pub mod reset;
pub mod routes;
pub mod staff;
