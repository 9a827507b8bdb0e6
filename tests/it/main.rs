//! The integration tests: one binary (it links the whole app once), a module per journey.
//!
//! Each module drives the real `relink` router over HTTP on a loopback port, or the built
//! `relink` binary; `common` holds the shared helpers (a test server on a fresh SQLite file, a
//! real SMTP sink, the fixture builder, the captured request log, seeded patients, NHS England's PDS sandbox).
//! Run them with `cargo test -p relink --features app/ssr --test it`.

mod common;

mod access_end;
mod accessibility;
mod account;
mod caching;
mod cli;
mod demo;
mod faults;
mod http;
mod imports;
mod pds;
mod practices;
mod replacement;
mod request_log;
mod reset;
mod retention;
mod session_timeout;
mod spine;
mod staff;
mod staff_lifecycle;
mod staff_oidc;
mod staff_second_factor;
mod welsh;
