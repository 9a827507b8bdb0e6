//! What can go wrong on our side, and the complete NHS page that says so.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::hashing::PoolBusy;
use super::request_locale;
use crate::db::DbError;
use crate::language::Locale;

/// What can go wrong inside a journey that is not the patient's doing.
#[derive(Debug, thiserror::Error)]
pub enum JourneyError {
    #[error("hashing pool busy")]
    Busy(#[from] PoolBusy),
    #[error(transparent)]
    Database(#[from] DbError),
}

impl IntoResponse for JourneyError {
    fn into_response(self) -> Response {
        // The detail goes to the log only; the patient gets a plain page and a time to retry.
        let problem = match &self {
            Self::Busy(_) => Problem::Busy,
            Self::Database(error) => {
                tracing::error!(%error, "database error in a journey");
                Problem::ServiceDown
            }
        };
        let page = problem_page(problem, request_locale());
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        response
    }
}

/// What went wrong, for [`problem_page`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Every hashing slot is taken.
    Busy,
    /// The database (or something else of ours) failed.
    ServiceDown,
    /// More header bytes than any browser sends.
    HeadersTooLarge,
    /// A form posted from another website.
    CrossSite,
    /// A form body over the limit.
    TooLarge,
    /// A method the address does not take.
    MethodNotAllowed,
    /// Anything else the framework could not read.
    Unreadable,
}

impl Problem {
    /// The page's heading and advice, in the reader's language.
    fn text(self, locale: Locale) -> (&'static str, &'static str) {
        use crate::i18n::td_string;
        match self {
            Self::Busy => (
                td_string!(locale, common.problem.busy_heading),
                td_string!(locale, common.problem.busy_advice),
            ),
            Self::ServiceDown => (
                td_string!(locale, common.problem.service_heading),
                td_string!(locale, common.problem.service_advice),
            ),
            Self::HeadersTooLarge => (
                td_string!(locale, common.problem.unreadable_heading),
                td_string!(locale, common.problem.headers_advice),
            ),
            Self::CrossSite => (
                td_string!(locale, common.problem.cross_site_heading),
                td_string!(locale, common.problem.cross_site_advice),
            ),
            Self::TooLarge => (
                td_string!(locale, common.problem.too_large_heading),
                td_string!(locale, common.problem.go_back_advice),
            ),
            Self::MethodNotAllowed => (
                td_string!(locale, common.problem.method_heading),
                td_string!(locale, common.problem.start_again_advice),
            ),
            Self::Unreadable => (
                td_string!(locale, common.problem.unreadable_heading),
                td_string!(locale, common.problem.go_back_advice),
            ),
        }
    }
}

/// A complete NHS page for when something went wrong on our side. Plain HTML: it needs no
/// database and no hydration.
pub(crate) fn problem_page(problem: Problem, locale: Locale) -> String {
    let (heading, advice) = problem.text(locale);
    crate::problem_document(locale, heading, advice)
}
