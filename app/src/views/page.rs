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
