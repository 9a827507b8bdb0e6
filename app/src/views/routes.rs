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
/// The accessibility statement, linked from every page's footer.
pub const ACCESSIBILITY: &str = "/accessibility";
/// The header's language link: remembers the choice and goes back.
pub const LANGUAGE: &str = "/language";
/// Liveness and readiness, for load balancers.
pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";

/// Reset a TPP passphrase with a PIN document.
pub const RESET: &str = "/reset-passphrase";
pub const NEW_PASSPHRASE: &str = "/reset-passphrase/new-passphrase";
pub const RESET_DONE: &str = "/reset-passphrase/done";
/// "I need more time" in the new-passphrase step's warning: extends the step (a post from the
/// warning's script; no page of its own).
pub const RESET_MORE_TIME: &str = "/reset-passphrase/more-time";

/// Patient sign-in, "Your account" and sign-out.
pub const SIGN_IN: &str = "/sign-in";
pub const SIGN_OUT: &str = "/sign-out";
pub const ACCOUNT: &str = "/account";
pub const NOT_ME: &str = "/account/this-was-not-me";
/// "Sign out of all devices" (a form post from "Your account"; no page of its own).
pub const SIGN_OUT_EVERYWHERE: &str = "/account/sign-out-everywhere";
/// "Stay signed in" in the timeout warning: keeps the patient's session alive (a post from the
/// warning's script; no page of its own).
pub const KEEP_ALIVE: &str = "/account/keep-alive";

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
/// "I need more time" in the replacement journey's warning (see [`RESET_MORE_TIME`]).
pub const REPLACE_MORE_TIME: &str = "/replace-account/more-time";

/// The staff area.
pub const STAFF_SIGN_IN: &str = "/staff/sign-in";
pub const STAFF_SIGN_OUT: &str = "/staff/sign-out";
/// "Stay signed in" in a staff page's timeout warning (see [`KEEP_ALIVE`]).
pub const STAFF_KEEP_ALIVE: &str = "/staff/keep-alive";
/// Every staff member (administrators only).
pub const STAFF_MEMBERS: &str = "/staff/members";
/// One staff member, and the changes administrators may make (administrators only).
pub const STAFF_MEMBER: &str = "/staff/members/{id}";
/// Disables the member (a form post from their page).
pub const STAFF_MEMBER_DISABLE: &str = "/staff/members/{id}/disable";
/// Lets a disabled member sign in again.
pub const STAFF_MEMBER_ENABLE: &str = "/staff/members/{id}/enable";
/// Gives the member a new one-time password.
pub const STAFF_MEMBER_RESET_PASSWORD: &str = "/staff/members/{id}/reset-password";
/// Removes the member's authenticator app and recovery codes.
pub const STAFF_MEMBER_RESET_SECOND_FACTOR: &str = "/staff/members/{id}/reset-second-factor";
/// After a first or reset password: the member chooses their own.
pub const STAFF_NEW_PASSWORD: &str = "/staff/sign-in/new-password";
/// After the password, for a member with no authenticator app yet: set one up.
pub const STAFF_AUTHENTICATOR: &str = "/staff/sign-in/authenticator";
/// After the password: the code from the authenticator app (or a recovery code).
pub const STAFF_SECURITY_CODE: &str = "/staff/sign-in/security-code";
/// "I need more time" in a sign-in step's warning (see [`RESET_MORE_TIME`]).
pub const STAFF_SIGN_IN_MORE_TIME: &str = "/staff/sign-in/more-time";
/// "Sign in with CIS2" links here (no page of its own): on to the identity provider. A link, not
/// a form: the Content-Security-Policy's `form-action 'self'` would stop a form's redirect to
/// the provider's site.
pub const STAFF_PROVIDER_START: &str = "/staff/sign-in/provider";
/// Where the identity provider sends staff back (the redirect URI registered with it).
pub const STAFF_PROVIDER_CALLBACK: &str = "/staff/sign-in/callback";
pub const STAFF_HOME: &str = "/staff";
pub const TEST_PATIENTS: &str = "/staff/test-patients";
pub const NEW_TEST_PATIENT: &str = "/staff/test-patients/new";
pub const FIND_PATIENT: &str = "/staff/patients";
pub const REQUESTS: &str = "/staff/replacement-requests";
pub const MISMATCHES: &str = "/staff/mismatches";
pub const AUDIT: &str = "/staff/audit";
/// The audit log filtered to the staff sign-in alerts (linked from administrators' home page).
pub const AUDIT_SIGN_IN_ALERTS: &str = "/staff/audit?kind=staff_sign_in_alert";
/// Bringing a practice's patients in from a file.
pub const IMPORTS: &str = "/staff/imports";
/// The practices and "Add a practice" (administrators only).
pub const PRACTICES: &str = "/staff/practices";
/// Where the staff area's "not found" page is rendered (no route answers it, so the app shows
/// its not-found page); deliberately not in [`PAGES`].
pub const STAFF_NOT_FOUND: &str = "/staff/not-found";

/// Staff addresses with an id, in axum's syntax (`{id}`), which Leptos' route list uses too.
pub const STAFF_PATIENT: &str = "/staff/patients/{id}";
pub const STAFF_REISSUE: &str = "/staff/patients/{id}/pin-document";
pub const STAFF_CHECK_PDS: &str = "/staff/patients/{id}/check-pds";
pub const STAFF_REGISTER: &str = "/staff/patients/{id}/register";
pub const STAFF_ACCESS: &str = "/staff/patients/{id}/access";
pub const STAFF_END_ACCESS: &str = "/staff/patients/{id}/end-access";
pub const STAFF_PREVIEW_START: &str = "/staff/patients/{id}/preview";
pub const STAFF_PREVIEW: &str = "/staff/previews/{id}";
pub const STAFF_PREVIEW_END: &str = "/staff/previews/{id}/end";
pub const STAFF_PRINT: &str = "/staff/pin-documents/{id}/print";

/// Where a staff page about one patient lives.
pub fn staff_patient(patient_id: &str) -> String {
    with_id(STAFF_PATIENT, patient_id)
}

/// A staff member's page in the administrators' area.
pub fn staff_member(username: &str) -> String {
    with_id(STAFF_MEMBER, username)
}

/// Where a change to a staff member's account is posted (one of the `STAFF_MEMBER_*` routes).
pub fn staff_member_action(action: &str, username: &str) -> String {
    with_id(action, username)
}

/// Where a patient's PIN document is reissued.
pub fn staff_reissue(patient_id: &str) -> String {
    with_id(STAFF_REISSUE, patient_id)
}

/// Where a patient is registered for online services.
pub fn staff_register(patient_id: &str) -> String {
    with_id(STAFF_REGISTER, patient_id)
}

/// Where a registered patient's record access and services are changed.
pub fn staff_access(patient_id: &str) -> String {
    with_id(STAFF_ACCESS, patient_id)
}

/// The staff sign-in page, going on to `next` once signed in.
pub fn staff_sign_in_then(next: &crate::domain::StaffReturnPath) -> String {
    // A return path is letters, digits and `/-_.` only: nothing to escape but the slashes.
    format!("{STAFF_SIGN_IN}?next={}", next.as_str().replace('/', "%2F"))
}

/// The staff sign-in page saying the session ended (see [`timed_out`]), going on to `next`
/// once signed in again.
pub fn staff_timed_out_then(next: &crate::domain::StaffReturnPath) -> String {
    format!(
        "{}&next={}",
        timed_out(STAFF_SIGN_IN),
        next.as_str().replace('/', "%2F")
    )
}

/// "Sign in with CIS2", going on to `next` (a checked staff path, or empty) once signed in.
pub fn staff_provider_start(next: &str) -> String {
    match next {
        "" => STAFF_PROVIDER_START.to_owned(),
        // A return path is letters, digits and `/-_.` only: nothing to escape but the slashes.
        next => format!("{STAFF_PROVIDER_START}?next={}", next.replace('/', "%2F")),
    }
}

/// Where a patient who left the practice is deregistered (online access ended).
pub fn staff_end_access(patient_id: &str) -> String {
    with_id(STAFF_END_ACCESS, patient_id)
}

/// Where "Check against PDS" posts for a patient.
pub fn staff_check_pds(patient_id: &str) -> String {
    with_id(STAFF_CHECK_PDS, patient_id)
}

/// The patient page after a PDS check, saying what it found.
pub fn staff_patient_checked(patient_id: &str, notice: super::staff::PdsNotice) -> String {
    format!("{}?pds={}", staff_patient(patient_id), notice.code())
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

/// The practices page saying that the practice with this ODS code was just added.
pub fn practice_added(ods_code: &str) -> String {
    format!("{PRACTICES}?added={ods_code}")
}

/// A sign-in page (the patients' or the staff's) saying that its reader has just signed out.
pub fn signed_out(sign_in_page: &str) -> String {
    format!("{sign_in_page}?signed_out=1")
}

/// A sign-in page saying that its reader's session has ended (unused for its idle time, or
/// ended elsewhere): where the timeout warning goes when time runs out, and where a page of
/// an ended session sends its reader.
pub fn timed_out(sign_in_page: &str) -> String {
    format!("{sign_in_page}?signed_out=timeout")
}

/// The sign-out form's address when the timeout warning's time runs out: it signs out and
/// goes on to [`timed_out`].
pub fn sign_out_timed_out(sign_out: &str) -> String {
    format!("{sign_out}?timed_out=1")
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

/// Whether a page shows anything about the person reading it, when asked for (GET).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    /// The same for everyone (a fresh form, guidance, the demo's published details): browsers
    /// and proxies may keep it as they see fit.
    Public,
    /// A patient's or staff member's details, a journey's answers, codes or secrets: answered
    /// with `Cache-Control: no-store`, so no browser history, shared computer or proxy keeps a
    /// copy, and never kept in the server's cache of fresh forms.
    Personal,
}

/// Every page (an address that renders an NHS page), who answers it, and whether it shows
/// personal data. The Leptos routes in `App` must be exactly these (a test checks), and the
/// journeys' routers answer every [`Answered::ByJourney`] one (the server derives Leptos'
/// exclusion list from this table). The answer to any form post is personal whatever the page
/// (it shows what was typed): see [`shows_personal_data`].
pub const PAGES: &[(&str, Answered, Shows)] = &[
    (HOME, Answered::ByLeptos, Shows::Public),
    (ACCESSIBILITY, Answered::ByLeptos, Shows::Public),
    (DEMO, Answered::ByJourney, Shows::Public),
    (MAILBOX, Answered::ByJourney, Shows::Personal),
    (RESET, Answered::ByJourney, Shows::Public),
    (NEW_PASSPHRASE, Answered::ByJourney, Shows::Personal),
    (RESET_DONE, Answered::ByJourney, Shows::Personal),
    (SIGN_IN, Answered::ByJourney, Shows::Public),
    (ACCOUNT, Answered::ByJourney, Shows::Personal),
    (NOT_ME, Answered::ByLeptos, Shows::Public),
    (CANNOT_SIGN_IN, Answered::ByJourney, Shows::Public),
    (PIN_PROBLEM, Answered::ByLeptos, Shows::Public),
    (DELETE_ACCOUNT, Answered::ByLeptos, Shows::Public),
    (REPLACE, Answered::ByJourney, Shows::Public),
    (REPLACE_EMAIL, Answered::ByJourney, Shows::Personal),
    (REPLACE_CODE, Answered::ByJourney, Shows::Personal),
    (REPLACE_CHECK, Answered::ByJourney, Shows::Personal),
    (REPLACE_DONE, Answered::ByJourney, Shows::Personal),
    (REPLACE_STATUS, Answered::ByJourney, Shows::Personal),
    (REPLACE_ACTIVATE, Answered::ByJourney, Shows::Public),
    (REPLACE_CANCEL, Answered::ByJourney, Shows::Personal),
    (STAFF_SIGN_IN, Answered::ByJourney, Shows::Public),
    (STAFF_NEW_PASSWORD, Answered::ByJourney, Shows::Personal),
    (STAFF_AUTHENTICATOR, Answered::ByJourney, Shows::Personal),
    (STAFF_SECURITY_CODE, Answered::ByJourney, Shows::Personal),
    (
        STAFF_PROVIDER_CALLBACK,
        Answered::ByJourney,
        Shows::Personal,
    ),
    (STAFF_HOME, Answered::ByJourney, Shows::Personal),
    (TEST_PATIENTS, Answered::ByJourney, Shows::Personal),
    (NEW_TEST_PATIENT, Answered::ByJourney, Shows::Personal),
    (FIND_PATIENT, Answered::ByJourney, Shows::Personal),
    (STAFF_PATIENT, Answered::ByJourney, Shows::Personal),
    (STAFF_REISSUE, Answered::ByJourney, Shows::Personal),
    (STAFF_REGISTER, Answered::ByJourney, Shows::Personal),
    (STAFF_ACCESS, Answered::ByJourney, Shows::Personal),
    (STAFF_END_ACCESS, Answered::ByJourney, Shows::Personal),
    (STAFF_PREVIEW_START, Answered::ByJourney, Shows::Personal),
    (STAFF_PREVIEW, Answered::ByJourney, Shows::Personal),
    (STAFF_PRINT, Answered::ByJourney, Shows::Personal),
    (REQUESTS, Answered::ByJourney, Shows::Personal),
    (MISMATCHES, Answered::ByJourney, Shows::Personal),
    (AUDIT, Answered::ByJourney, Shows::Personal),
    (IMPORTS, Answered::ByJourney, Shows::Personal),
    (PRACTICES, Answered::ByJourney, Shows::Personal),
    (STAFF_MEMBERS, Answered::ByJourney, Shows::Personal),
    (STAFF_MEMBER, Answered::ByJourney, Shows::Personal),
];

/// Whether `path` (without its query) is the address of a page in [`PAGES`], a `{…}` segment
/// of the table matching any one segment: somewhere a browser can be sent back to (a form
/// post's own page), unlike an action with no page of its own.
pub fn is_page(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    PAGES.iter().any(|(pattern, ..)| {
        let pattern: Vec<&str> = pattern.split('/').collect();
        pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
    })
}

/// The pages the journeys answer, for Leptos to leave alone.
pub fn answered_by_journeys() -> Vec<String> {
    PAGES
        .iter()
        .filter(|(_, answered, _)| *answered == Answered::ByJourney)
        .map(|(path, ..)| (*path).to_owned())
        .collect()
}

/// Whether the answer to a request for `path` (without its query) may show personal data: a
/// [`Shows::Personal`] page, whatever the method, or any request that is not a plain read
/// (`is_read`: GET or HEAD), since a form's answer shows what was typed. The server answers
/// these with `Cache-Control: no-store`.
pub fn shows_personal_data(is_read: bool, path: &str) -> bool {
    !is_read || page_at(path).is_some_and(|(_, _, shows)| *shows == Shows::Personal)
}

/// The page whose address `path` is: the same text, or a template whose `{id}` segments
/// stand for any one non-empty segment.
pub fn page_at(path: &str) -> Option<&'static (&'static str, Answered, Shows)> {
    PAGES.iter().find(|(template, ..)| {
        if !template.contains('{') {
            return *template == path;
        }
        let mut wanted = template.split('/');
        let mut given = path.split('/');
        loop {
            match (wanted.next(), given.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) if w.starts_with('{') && !g.is_empty() => {}
                (Some(w), Some(g)) if w == g => {}
                _ => return false,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_told_from_actions() {
        assert!(is_page(NEW_TEST_PATIENT));
        assert!(is_page("/staff/patients/p-1/pin-document"));
        assert!(is_page("/staff/members/m-1"));
        assert!(!is_page("/staff/previews/v-2/end"));
        assert!(!is_page("/staff/members/m-1/disable"));
        assert!(!is_page("/staff/patients//pin-document"));
        assert!(!is_page("/nowhere"));
    }

    #[test]
    fn ids_fill_the_template() {
        assert_eq!(staff_patient("p-1"), "/staff/patients/p-1");
        assert_eq!(staff_reissue("p-1"), "/staff/patients/p-1/pin-document");
        assert_eq!(staff_preview_start("p-1"), "/staff/patients/p-1/preview");
        assert_eq!(staff_preview("v-2"), "/staff/previews/v-2");
        assert_eq!(staff_preview_end("v-2"), "/staff/previews/v-2/end");
        assert_eq!(staff_print("d-3"), "/staff/pin-documents/d-3/print");
        assert_eq!(signed_out(SIGN_IN), "/sign-in?signed_out=1");
        assert_eq!(practice_added("W00002"), "/staff/practices?added=W00002");
        assert_eq!(signed_out_everywhere(), "/sign-in?signed_out=everywhere");
        assert_eq!(
            timed_out(STAFF_SIGN_IN),
            "/staff/sign-in?signed_out=timeout"
        );
        assert_eq!(sign_out_timed_out(SIGN_OUT), "/sign-out?timed_out=1");
        assert_eq!(
            replace_code_resent(),
            "/replace-account/security-code?resent=1"
        );
    }

    #[test]
    fn pages_are_found_by_address_and_template() {
        assert_eq!(page_at(ACCOUNT).map(|p| p.0), Some(ACCOUNT));
        assert_eq!(
            page_at("/staff/patients/p-1/preview").map(|p| p.0),
            Some(STAFF_PREVIEW_START)
        );
        assert_eq!(
            page_at("/staff/patients/p-1").map(|p| p.0),
            Some(STAFF_PATIENT)
        );
        assert_eq!(page_at("/staff/patients//preview"), None);
        assert_eq!(page_at("/staff/patients/p-1/preview/x"), None);
        assert_eq!(page_at("/no-such-page"), None);
    }

    #[test]
    fn personal_pages_and_every_form_answer_are_personal() {
        assert!(shows_personal_data(true, ACCOUNT));
        assert!(shows_personal_data(true, "/staff/pin-documents/d-3/print"));
        assert!(shows_personal_data(true, MAILBOX));
        assert!(!shows_personal_data(true, HOME));
        assert!(!shows_personal_data(true, SIGN_IN));
        assert!(!shows_personal_data(true, "/pkg/relink.css"));
        assert!(shows_personal_data(false, SIGN_IN));
        assert!(shows_personal_data(false, "/anything"));
    }

    #[test]
    fn every_staff_page_but_sign_in_is_personal() {
        for (path, _, shows) in PAGES {
            if path.starts_with("/staff") && *path != STAFF_SIGN_IN {
                assert_eq!(*shows, Shows::Personal, "{path}");
            }
        }
    }

    #[test]
    fn every_page_is_listed_once() {
        let mut paths: Vec<&str> = PAGES.iter().map(|(path, ..)| *path).collect();
        paths.sort_unstable();
        let count = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), count);
    }
}
