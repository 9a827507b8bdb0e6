//! Relink: pages, components, server functions, domain types and database access.
//!
//! Built twice: with `ssr` into the `relink` server, and with `hydrate` into the browser bundle
//! (`frontend/`), which holds only the islands of `components::islands`: pages are rendered on
//! the server. Modules that touch the database or secrets exist only in the server build.
#![recursion_limit = "256"]

pub mod components;
pub mod demo;
pub mod domain;
pub mod language;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use components::islands::HydrationMarker;
use components::layout::{
    provide_demo_mode, provide_signed_in, DemoNotice, Footer, Header, SkipLink,
};
use pages::account::{AccountPage, NotMePage, SignInPage};
use pages::cannot_sign_in::{CannotSignInPage, DeleteAccountPage, PinProblemPage};
use pages::demo::MailboxPage;
use pages::replace_account::{
    CheckAnswersPage, ReplaceAccountPage, ReplaceDonePage, ReplaceEmailPage, ReplacementStatusPage,
    SecurityCodePage,
};
use pages::reset_passphrase::{NewPassphrasePage, ResetDonePage, ResetPassphrasePage};
use pages::staff::{
    AuditPage, FindPatientPage, MismatchesPage, NewTestPatientPage, PreviewPage, PreviewStartPage,
    PrintPage, ReissuePage, RequestsPage, StaffHomePage, StaffPatientPage, StaffSignInPage,
    TestPatientsPage,
};
use pages::{demo::DemoPage, home::HomePage, not_found::NotFound};

/// The service name in English, for logs and the server's own plain pages; pages show
/// `common.service_name` in the reader's language.
pub const SERVICE_NAME: &str = "Manage your GP online account";

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang=language::html_lang(language::locale())>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#005eb8" />
                <link rel="icon" href="/assets/images/favicon.ico" sizes="48x48" />
                <link rel="icon" href="/assets/images/favicon.svg" sizes="any" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/assets/images/nhsuk-icon-180.png" />
                <link rel="stylesheet" href="/pkg/relink.css" />
                <script type="module" src="/assets/js/init.js"></script>
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The whole application: NHS page furniture around the routed pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_demo_mode();
    provide_signed_in();

    view! {
        <Router>
            <SkipLink />
            <Header />
            <div class="nhsuk-width-container">
                <DemoNotice />
                <main class="nhsuk-main-wrapper" id="maincontent">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/demo") view=DemoPage />
                        <Route path=path!("/reset-passphrase") view=ResetPassphrasePage />
                        <Route path=path!("/reset-passphrase/new-passphrase") view=NewPassphrasePage />
                        <Route path=path!("/reset-passphrase/done") view=ResetDonePage />
                        <Route path=path!("/sign-in") view=SignInPage />
                        <Route path=path!("/account") view=AccountPage />
                        <Route path=path!("/account/this-was-not-me") view=NotMePage />
                        <Route path=path!("/cannot-sign-in") view=CannotSignInPage />
                        <Route path=path!("/cannot-sign-in/pin-document") view=PinProblemPage />
                        <Route path=path!("/cannot-sign-in/delete-account") view=DeleteAccountPage />
                        <Route path=path!("/replace-account") view=ReplaceAccountPage />
                        <Route path=path!("/replace-account/email") view=ReplaceEmailPage />
                        <Route path=path!("/replace-account/security-code") view=SecurityCodePage />
                        <Route path=path!("/replace-account/check-answers") view=CheckAnswersPage />
                        <Route path=path!("/replace-account/done") view=ReplaceDonePage />
                        <Route path=path!("/replace-account/status") view=ReplacementStatusPage />
                        <Route path=path!("/demo/mailbox") view=MailboxPage />
                        <Route path=path!("/staff/sign-in") view=StaffSignInPage />
                        <Route path=path!("/staff") view=StaffHomePage />
                        <Route path=path!("/staff/test-patients") view=TestPatientsPage />
                        <Route path=path!("/staff/test-patients/new") view=NewTestPatientPage />
                        <Route path=path!("/staff/patients") view=FindPatientPage />
                        <Route path=path!("/staff/patients/:id") view=StaffPatientPage />
                        <Route path=path!("/staff/patients/:id/pin-document") view=ReissuePage />
                        <Route path=path!("/staff/patients/:id/preview") view=PreviewStartPage />
                        <Route path=path!("/staff/previews/:id") view=PreviewPage />
                        <Route path=path!("/staff/pin-documents/:id/print") view=PrintPage />
                        <Route path=path!("/staff/replacement-requests") view=RequestsPage />
                        <Route path=path!("/staff/mismatches") view=MismatchesPage />
                        <Route path=path!("/staff/audit") view=AuditPage />
                    </Routes>
                </main>
            </div>
            <Footer />
            <HydrationMarker />
        </Router>
    }
}

// The `i18n` module generated by `build.rs` from `locales/`: the `Locale` enum and one
// checked accessor per translation key (see `language`).
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
