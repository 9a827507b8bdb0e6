//! The Personal Demographics Service (PDS) FHIR R4 API: what Relink reads of a patient's
//! national record, and the client that reads it.
//!
//! - [`fhir`] parses the API's JSON (a `Patient`, an `OperationOutcome`) into [`PdsRecord`]
//!   and [`OperationOutcome`], once, at the boundary.
//! - [`auth`] obtains access tokens for application-restricted access (a signed JWT exchanged
//!   at the token endpoint) and keeps one until it expires.
//! - [`limiter`] keeps every task of this instance under one configured rate.
//! - [`client`] asks `GET /Patient/{nhs-number}` and turns every documented answer into a
//!   [`Lookup`] or a [`PdsError`].
//!
//! Nothing here touches the database or the UI: the server stores what a lookup found
//! (`db::pds`) and the pages show it.

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod config;
// Pure parsing, also built for the import readers alone (feature `import`: the fuzz targets).
pub mod fhir;
#[cfg(feature = "ssr")]
pub mod limiter;

#[cfg(feature = "ssr")]
pub use client::PdsClient;

use time::Date;

use crate::domain::{Confidentiality, NhsNumber, OdsCode};

/// The part of a PDS `Patient` that Relink uses. A record PDS sends with a restricted or very
/// restricted label never carries an address here, whatever the JSON held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdsRecord {
    /// The record's NHS number (its `id`): differs from the one asked for when the record asked
    /// for was superseded.
    pub nhs_number: NhsNumber,
    /// `meta.versionId` (the `ETag`'s value): which version of the record this is.
    pub version: Option<String>,
    /// The current `usual` name, given names joined by a space.
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<Date>,
    /// The current `home` address; always `None` when [`Confidentiality::hides_whereabouts`].
    pub address: Option<PdsAddress>,
    /// `gender` as PDS codes it (`male`, `female`, `other`, `unknown`).
    pub gender: Option<String>,
    /// The registered GP practice (`generalPractitioner`'s ODS code), when it is a practice code.
    pub gp_ods: Option<OdsCode>,
    /// The date of `deceasedDateTime`.
    pub deceased_on: Option<Date>,
    pub confidentiality: Confidentiality,
}

/// A home address as PDS holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdsAddress {
    /// The non-empty `line` entries, in order.
    pub lines: Vec<String>,
    pub postcode: Option<String>,
}

/// What PDS answered for one NHS number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The record, under the NHS number asked for.
    Found(PdsRecord),
    /// The number asked for was superseded: the record comes back under its current number
    /// (`record.nhs_number`), and local data must be re-keyed to it.
    Superseded { asked: NhsNumber, record: PdsRecord },
    /// 404 `RESOURCE_NOT_FOUND`: PDS holds no record with this number.
    NotFound,
    /// 404 `INVALIDATED_RESOURCE`: the record was invalidated (a duplicate or an error).
    Invalidated,
}

/// Why a lookup gave no answer about the patient. Each says what staff can do about it; none
/// carries personal data, so they can be logged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdsError {
    /// 400 `INVALID_RESOURCE_ID` (or `INVALID_VALUE`): PDS does not accept the NHS number.
    #[error("PDS does not accept this NHS number")]
    InvalidNhsNumber,
    /// 401 or 403: Relink's credentials were refused (a configuration problem, not the patient's).
    #[error("PDS refused Relink's credentials (HTTP {status})")]
    AccessDenied { status: u16 },
    /// 429, still, after backing off.
    #[error("PDS is receiving too many requests")]
    RateLimited,
    /// 408, or no answer within the time allowed, after retrying.
    #[error("PDS did not answer in time")]
    TimedOut,
    /// 5xx, or the connection failed, after retrying.
    #[error("PDS is not available (HTTP {status})")]
    Unavailable { status: u16 },
    /// An answer Relink cannot read: not JSON, not a Patient, an unexpected status.
    #[error("PDS sent an answer Relink cannot read: {0}")]
    Malformed(String),
    /// The access token could not be obtained (application-restricted access).
    #[error("Relink could not get a PDS access token: {0}")]
    Token(String),
    /// Relink's own PDS settings are unusable (a base URL that is not a URL, a correlation ID
    /// that cannot be a header): found before anything is sent.
    #[error("Relink's PDS settings are wrong: {0}")]
    Config(String),
}

/// An `OperationOutcome`: the first issue's code from the Spine error code system, with its
/// HTTP-level meaning decided by [`client`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationOutcome {
    /// The `details.coding[].code` from `https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode`
    /// (such as `RESOURCE_NOT_FOUND`), or the issue's `code` when there is none.
    pub spine_code: String,
    /// The issue's `diagnostics`, for logs (PDS puts no personal data there).
    pub diagnostics: Option<String>,
}

/// How to reach PDS; built once from the environment (`PDS_*`, see the README).
#[derive(Clone)]
pub struct PdsConfig {
    /// The API's base URL without a trailing slash: `http://127.0.0.1:9000` for the sandbox,
    /// `https://int.api.service.nhs.uk/personal-demographics/FHIR/R4` for integration.
    pub base_url: String,
    pub auth: PdsAuth,
    /// The most requests per second this instance sends, across all its tasks (PDS allows about
    /// 5 per application).
    pub requests_per_second: std::num::NonZeroU32,
    /// How long one attempt may take before it counts as timed out.
    pub attempt_timeout: std::time::Duration,
    /// How many times one lookup is tried in all (408, 429, 5xx and timeouts are retried).
    pub attempts: u32,
}

/// How Relink proves who it is to PDS.
#[derive(Clone)]
pub enum PdsAuth {
    /// No credentials: the sandbox.
    None,
    /// Application-restricted access: an RS512 JWT signed with the application's private key,
    /// exchanged at the token endpoint for an access token.
    SignedJwt(SignedJwtConfig),
}

/// What application-restricted access needs (`PDS_PRIVATE_KEY_FILE`, `PDS_KEY_ID`,
/// `PDS_API_KEY`, `PDS_TOKEN_URL`).
#[derive(Clone)]
pub struct SignedJwtConfig {
    /// The PEM of the RSA private key (the file's contents, never logged).
    pub private_key_pem: std::sync::Arc<[u8]>,
    /// The `kid` of the public key registered with the API platform.
    pub key_id: String,
    /// The application's API key: the JWT's `iss` and `sub`.
    pub api_key: String,
    /// The OAuth token endpoint: the JWT's `aud`, and where it is exchanged.
    pub token_url: String,
}

/// Debug output that names the settings but never prints the private key or the API key.
impl std::fmt::Debug for PdsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let auth = match &self.auth {
            PdsAuth::None => "none",
            PdsAuth::SignedJwt(_) => "signed-jwt",
        };
        f.debug_struct("PdsConfig")
            .field("base_url", &self.base_url)
            .field("auth", &auth)
            .field("requests_per_second", &self.requests_per_second)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("attempts", &self.attempts)
            .finish()
    }
}
