//! Every address of the service, written once. Pages link with these constants, journeys
//! route with them, and the list of pages the server answers itself (which Leptos must not
//! route) is derived from [`PAGES`]. Addresses with an id have a builder, so no page or handler
//! writes one with `format!`.

/// The home page.
pub const HOME: &str = "/";
/// The demo's made-up details (demo mode only).
pub const DEMO: &str = "/demo";
/// The demo's emails, when no SMTP relay is configured (demo mode only).
pub const MAILBOX: &str = "/demo/mailbox";
/// The header's language link: remembers the choice and goes back.
pub const LANGUAGE: &str = "/language";
/// Liveness and readiness, for load balancers.
pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";

/// Reset a TPP passphrase with a PIN document.
pub const RESET: &str = "/reset-passphrase";
pub const NEW_PASSPHRASE: &str = "/reset-passphrase/new-passphrase";
pub const RESET_DONE: &str = "/reset-passphrase/done";

/// Patient sign-in, "Your account" and sign-out.
pub const SIGN_IN: &str = "/sign-in";
pub const SIGN_OUT: &str = "/sign-out";
pub const ACCOUNT: &str = "/account";
pub const NOT_ME: &str = "/account/this-was-not-me";
/// "Sign out of all devices" (a form post from "Your account"; no page of its own).
pub const SIGN_OUT_EVERYWHERE: &str = "/account/sign-out-everywhere";

/// "I cannot sign in": one question, and where each answer leads.
pub const CANNOT_SIGN_IN: &str = "/cannot-sign-in";
pub const PIN_PROBLEM: &str = "/cannot-sign-in/pin-document";
pub const DELETE_ACCOUNT: &str = "/cannot-sign-in/delete-account";

/// Replacing an account the patient cannot get into.
pub const REPLACE: &str = "/replace-account";
pub const REPLACE_EMAIL: &str = "/replace-account/email";
pub const REPLACE_CODE: &str = "/replace-account/security-code";
pub const REPLACE_RESEND: &str = "/replace-account/security-code/resend";
pub const REPLACE_CHECK: &str = "/replace-account/check-answers";
pub const REPLACE_DONE: &str = "/replace-account/done";
pub const REPLACE_STATUS: &str = "/replace-account/status";
/// The second phase: a PIN document activates a pending request.
pub const REPLACE_ACTIVATE: &str = "/replace-account/activate";
/// The old account's owner cancels a pending request (the link in their email, `?token=`).
pub const REPLACE_CANCEL: &str = "/replace-account/cancel";

/// The staff area.
pub const STAFF_SIGN_IN: &str = "/staff/sign-in";
pub const STAFF_SIGN_OUT: &str = "/staff/sign-out";
pub const STAFF_HOME: &str = "/staff";
pub const TEST_PATIENTS: &str = "/staff/test-patients";
pub const NEW_TEST_PATIENT: &str = "/staff/test-patients/new";
pub const FIND_PATIENT: &str = "/staff/patients";
pub const REQUESTS: &str = "/staff/replacement-requests";
pub const MISMATCHES: &str = "/staff/mismatches";
pub const AUDIT: &str = "/staff/audit";
/// Where the staff area's "not found" page is rendered (no route answers it, so the app shows
/// its not-found page); deliberately not in [`PAGES`].
pub const STAFF_NOT_FOUND: &str = "/staff/not-found";

/// Staff addresses with an id, in axum's syntax (`{id}`), which Leptos' route list uses too.
pub const STAFF_PATIENT: &str = "/staff/patients/{id}";
pub const STAFF_REISSUE: &str = "/staff/patients/{id}/pin-document";
pub const STAFF_PREVIEW_START: &str = "/staff/patients/{id}/preview";
pub const STAFF_PREVIEW: &str = "/staff/previews/{id}";
pub const STAFF_PREVIEW_END: &str = "/staff/previews/{id}/end";
pub const STAFF_PRINT: &str = "/staff/pin-documents/{id}/print";

/// Where a staff page about one patient lives.
pub fn staff_patient(patient_id: &str) -> String {
    with_id(STAFF_PATIENT, patient_id)
}

/// Where a patient's PIN document is reissued.
pub fn staff_reissue(patient_id: &str) -> String {
    with_id(STAFF_REISSUE, patient_id)
}

/// Where a preview of a test patient is started.
pub fn staff_preview_start(patient_id: &str) -> String {
    with_id(STAFF_PREVIEW_START, patient_id)
}

/// Where a running preview is shown.
pub fn staff_preview(preview_id: &str) -> String {
    with_id(STAFF_PREVIEW, preview_id)
}

/// Where a running preview is ended.
pub fn staff_preview_end(preview_id: &str) -> String {
    with_id(STAFF_PREVIEW_END, preview_id)
}

/// Where a PIN document is printed.
pub fn staff_print(document_id: &str) -> String {
    with_id(STAFF_PRINT, document_id)
}

/// A sign-in page (the patients' or the staff's) saying that its reader has just signed out.
pub fn signed_out(sign_in_page: &str) -> String {
    format!("{sign_in_page}?signed_out=1")
}

/// The patients' sign-in page saying that every session of the account was just ended.
pub fn signed_out_everywhere() -> String {
    format!("{SIGN_IN}?signed_out=everywhere")
}

/// The security code page saying that a new code was sent.
pub fn replace_code_resent() -> String {
    format!("{REPLACE_CODE}?resent=1")
}

/// The link in the old address's notice that cancels a pending replacement. The token rides
/// in the query, which the request log never writes.
pub fn replace_cancel(token: &str) -> String {
    format!("{REPLACE_CANCEL}?token={token}")
}

fn with_id(template: &str, id: &str) -> String {
    template.replace("{id}", id)
}

/// Who answers a page's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// A journey's handler on the server decides what the page shows, then renders it.
    ByJourney,
    /// Leptos renders the page as it is: it depends on nothing but the request's language.
    ByLeptos,
}

/// Every page (an address that renders an NHS page), and who answers it. The Leptos routes in
/// `App` must be exactly these (a test checks), and the journeys' routers answer every
/// [`Answered::ByJourney`] one (the server derives Leptos' exclusion list from this table).
pub const PAGES: &[(&str, Answered)] = &[
    (HOME, Answered::ByLeptos),
    (DEMO, Answered::ByJourney),
    (MAILBOX, Answered::ByJourney),
    (RESET, Answered::ByJourney),
    (NEW_PASSPHRASE, Answered::ByJourney),
    (RESET_DONE, Answered::ByJourney),
    (SIGN_IN, Answered::ByJourney),
    (ACCOUNT, Answered::ByJourney),
    (NOT_ME, Answered::ByLeptos),
    (CANNOT_SIGN_IN, Answered::ByJourney),
    (PIN_PROBLEM, Answered::ByLeptos),
    (DELETE_ACCOUNT, Answered::ByLeptos),
    (REPLACE, Answered::ByJourney),
    (REPLACE_EMAIL, Answered::ByJourney),
    (REPLACE_CODE, Answered::ByJourney),
    (REPLACE_CHECK, Answered::ByJourney),
    (REPLACE_DONE, Answered::ByJourney),
    (REPLACE_STATUS, Answered::ByJourney),
    (REPLACE_ACTIVATE, Answered::ByJourney),
    (REPLACE_CANCEL, Answered::ByJourney),
    (STAFF_SIGN_IN, Answered::ByJourney),
    (STAFF_HOME, Answered::ByJourney),
    (TEST_PATIENTS, Answered::ByJourney),
    (NEW_TEST_PATIENT, Answered::ByJourney),
    (FIND_PATIENT, Answered::ByJourney),
    (STAFF_PATIENT, Answered::ByJourney),
    (STAFF_REISSUE, Answered::ByJourney),
    (STAFF_PREVIEW_START, Answered::ByJourney),
    (STAFF_PREVIEW, Answered::ByJourney),
    (STAFF_PRINT, Answered::ByJourney),
    (REQUESTS, Answered::ByJourney),
    (MISMATCHES, Answered::ByJourney),
    (AUDIT, Answered::ByJourney),
];

/// The pages the journeys answer, for Leptos to leave alone.
pub fn answered_by_journeys() -> Vec<String> {
    PAGES
        .iter()
        .filter(|(_, answered)| *answered == Answered::ByJourney)
        .map(|(path, _)| (*path).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fill_the_template() {
        assert_eq!(staff_patient("p-1"), "/staff/patients/p-1");
        assert_eq!(staff_reissue("p-1"), "/staff/patients/p-1/pin-document");
        assert_eq!(staff_preview_start("p-1"), "/staff/patients/p-1/preview");
        assert_eq!(staff_preview("v-2"), "/staff/previews/v-2");
        assert_eq!(staff_preview_end("v-2"), "/staff/previews/v-2/end");
        assert_eq!(staff_print("d-3"), "/staff/pin-documents/d-3/print");
        assert_eq!(signed_out(SIGN_IN), "/sign-in?signed_out=1");
        assert_eq!(signed_out_everywhere(), "/sign-in?signed_out=everywhere");
        assert_eq!(
            replace_code_resent(),
            "/replace-account/security-code?resent=1"
        );
    }

    #[test]
    fn every_page_is_listed_once() {
        let mut paths: Vec<&str> = PAGES.iter().map(|(path, _)| *path).collect();
        paths.sort_unstable();
        let count = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), count);
    }
}
