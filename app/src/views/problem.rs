//! The problems a request can meet that no journey answers: ours (busy, down) and the
//! framework's (unreadable, too large, wrong method, from another site).

/// What went wrong on our side, or with a request the server could not read: the page that
/// says so is the same whoever answers (see `crate::problem_document`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
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
