//! The plain facts every page may read, provided as context by whoever renders it (the server,
//! from the request and its configuration). Components read these and nothing else of the
//! server, so the UI never depends on how the facts were worked out.

use leptos::prelude::*;

/// What a page knows of the request it answers and the service it is part of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFacts {
    /// The server runs with `--demo`: the demo notice and links show on every page.
    pub demo: bool,
    /// The browser holds a patient session cookie: the header offers "Your account" and
    /// "Sign out". (Only the server decides what the cookie is worth.)
    pub signed_in: bool,
    /// The page's own address with its query, as the browser asked for it: the language link
    /// returns here.
    pub path: String,
    /// The page belongs to a session that ends when unused, or to a journey step that ends
    /// after a time: the page says how long it lasts, and with JavaScript warns before it ends
    /// and offers more time (WCAG 2.2.1 Timing Adjustable).
    pub time_limit: Option<TimeLimit>,
    /// What was typed into this page's form before a session ended, to put back (see
    /// [`kept_value`]); empty when nothing is being put back.
    pub kept: Vec<(String, String)>,
}

/// The value kept for the field `name`, when the page is putting back what was typed before a
/// session ended (the first, for a field posted more than once).
pub fn kept_value(name: &str) -> Option<String> {
    page_facts()
        .kept
        .into_iter()
        .find_map(|(n, v)| (n == name).then_some(v))
}

/// Whether the page is putting back what was typed: then a choice is chosen only if it was
/// kept (one left unticked was not posted), whatever the form's defaults.
pub fn restoring_kept() -> bool {
    !page_facts().kept.is_empty()
}

/// Whether the choice `value` of the field `name` was kept (a ticked checkbox, a radio).
pub fn kept_choice(name: &str, value: &str) -> bool {
    page_facts()
        .kept
        .iter()
        .any(|(n, v)| n == name && v == value)
}

/// What ends after a time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLimited {
    /// A patient's signed-in session, when unused.
    PatientSession,
    /// A staff session, when unused.
    StaffSession,
    /// The new-passphrase step of a reset, after the PIN document matched.
    ResetStep,
    /// The same step when it activates a replacement account (begun at its activation page).
    ActivationStep,
    /// Asking to replace an account, after the identity check.
    ReplacementJourney,
    /// A local staff member's sign-in, from the right password to the last code.
    StaffSignInStep,
}

impl TimeLimited {
    /// A session (signed out at the end), rather than a journey step (started again).
    pub fn is_session(self) -> bool {
        matches!(self, Self::PatientSession | Self::StaffSession)
    }
}

/// How the session or step a page belongs to ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimit {
    pub what: TimeLimited,
    /// How long is left as the page is sent: a session's whole idle time (the request used
    /// it), what remains of a step.
    pub seconds_left: i64,
    /// How long is left after asking for more time: a session's idle time, a step's lifetime.
    pub extend_seconds: i64,
    /// How long before the end the warning shows.
    pub warning_seconds: i64,
}

impl TimeLimit {
    /// The time left in whole minutes, as pages say it (rounded up: never less than it is).
    pub fn minutes_left(self) -> u64 {
        crate::language::whole_minutes(self.seconds_left)
    }
}

/// Makes `facts` the current page's.
pub fn provide_page_facts(facts: PageFacts) {
    provide_context(facts);
}

/// The current page's facts; the defaults (not demo, signed out, `/`) when none were given.
pub fn page_facts() -> PageFacts {
    use_context::<PageFacts>().unwrap_or_else(|| PageFacts {
        path: "/".to_owned(),
        ..PageFacts::default()
    })
}

/// The view the server chose for this page, provided as context by the handler that rendered
/// it; the default (a fresh form) when nothing was provided. Pages are rendered on the server
/// only (islands mode), so the choice never has to travel to the browser.
pub fn server_view<T>() -> T
where
    T: Clone + Default + Send + Sync + 'static,
{
    use_context::<T>().unwrap_or_default()
}
