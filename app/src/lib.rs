//! Relink: pages, components, server functions, domain types and database access.
//!
//! Built twice: with `ssr` into the `relink` server, and with `hydrate` into the browser bundle
//! (`frontend/`), which holds only the islands of `components::islands`: pages are rendered on
//! the server. Modules that touch the database or secrets exist only in the server build.
#![recursion_limit = "256"]

pub mod components;
#[cfg(all(test, feature = "ssr"))]
mod conformance;
pub mod demo;
pub mod domain;
pub mod language;
pub mod pages;
pub mod views;

#[cfg(feature = "ssr")]
pub mod audit_checkpoint;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "import")]
pub mod import;
// The import readers (without `ssr`, as the fuzz targets build them) reuse `pds::fhir`.
#[cfg(any(feature = "ssr", feature = "import"))]
pub mod pds;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use i18n::Locale;

use components::islands::HydrationMarker;
use components::layout::{DemoNotice, Footer, Header, SkipLink, TimeLimitNotice, TimeoutWarning};
use pages::accessibility::AccessibilityPage;
use pages::account::{AccountPage, NotMePage, SignInPage};
use pages::cannot_sign_in::{CannotSignInPage, DeleteAccountPage, PinProblemPage};
use pages::demo::MailboxPage;
use pages::replacement::activate::ActivateReplacementPage;
use pages::replacement::cancel::CancelReplacementPage;
use pages::replacement::check::{CheckAnswersPage, ReplaceDonePage};
use pages::replacement::code::SecurityCodePage;
use pages::replacement::email::ReplaceEmailPage;
use pages::replacement::identity::ReplaceAccountPage;
use pages::replacement::status::ReplacementStatusPage;
use pages::reset_passphrase::{NewPassphrasePage, ResetDonePage, ResetPassphrasePage};
use pages::staff::attention::StaffHomePage;
use pages::staff::audit::AuditPage;
use pages::staff::auth::{StaffProviderPage, StaffSignInPage};
use pages::staff::imports::ImportPage;
use pages::staff::lists::{MismatchesPage, RequestsPage};
use pages::staff::members::{StaffMemberPage, StaffMembersPage};
use pages::staff::patients::{FindPatientPage, StaffPatientPage};
use pages::staff::pin_documents::{PrintPage, ReissuePage};
use pages::staff::practices::PracticesPage;
use pages::staff::preview::{PreviewPage, PreviewStartPage};
use pages::staff::registration::{ChangeAccessPage, EndAccessPage, RegisterPage};
use pages::staff::second_factor::{
    StaffAuthenticatorPage, StaffNewPasswordPage, StaffSecurityCodePage,
};
use pages::staff::test_patients::{NewTestPatientPage, TestPatientsPage};
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

/// A complete NHS page saying what went wrong on our side, for answers that cannot render the
/// app (the database is down, the request could not be read). Plain HTML: no hydration.
pub fn problem_document(problem: views::problem::Problem, locale: Locale) -> String {
    let (heading, advice) = problem_text(problem, locale);
    let owner = Owner::new();
    owner.with(|| {
        provide_context(locale);
        view! {
            <!DOCTYPE html>
            <html lang=language::html_lang(locale)>
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <link rel="stylesheet" href="/pkg/relink.css" />
                    <title>
                        {format!(
                            "{heading} – {} – {}",
                            i18n::td_string!(locale, common.service_name),
                            i18n::td_string!(locale, common.nhs),
                        )}
                    </title>
                </head>
                <body>
                    <SkipLink />
                    <Header />
                    <div class="nhsuk-width-container">
                        <main class="nhsuk-main-wrapper" id="maincontent">
                            <h1>{heading}</h1>
                            <p>{advice}</p>
                            <p>
                                <a href=views::routes::HOME>{i18n::td_string!(locale, common.go_to_start)}</a>
                            </p>
                        </main>
                    </div>
                    <Footer />
                </body>
            </html>
        }
        .to_html()
    })
}

/// A problem page's heading and advice, in the reader's language.
fn problem_text(problem: views::problem::Problem, locale: Locale) -> (&'static str, &'static str) {
    use i18n::td_string;
    use views::problem::Problem;
    match problem {
        Problem::Busy => (
            td_string!(locale, common.problem.busy_heading),
            td_string!(locale, common.problem.busy_advice),
        ),
        Problem::ServiceDown => (
            td_string!(locale, common.problem.service_heading),
            td_string!(locale, common.problem.service_advice),
        ),
        Problem::HeadersTooLarge => (
            td_string!(locale, common.problem.unreadable_heading),
            td_string!(locale, common.problem.headers_advice),
        ),
        Problem::CrossSite => (
            td_string!(locale, common.problem.cross_site_heading),
            td_string!(locale, common.problem.cross_site_advice),
        ),
        Problem::TooLarge => (
            td_string!(locale, common.problem.too_large_heading),
            td_string!(locale, common.problem.go_back_advice),
        ),
        Problem::MethodNotAllowed => (
            td_string!(locale, common.problem.method_heading),
            td_string!(locale, common.problem.start_again_advice),
        ),
        Problem::Unreadable => (
            td_string!(locale, common.problem.unreadable_heading),
            td_string!(locale, common.problem.go_back_advice),
        ),
    }
}

/// The whole application: NHS page furniture around the routed pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Router>
            <SkipLink />
            <Header />
            <div class="nhsuk-width-container">
                <DemoNotice />
                <TimeLimitNotice />
                <main class="nhsuk-main-wrapper" id="maincontent">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/accessibility") view=AccessibilityPage />
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
                        <Route path=path!("/replace-account/activate") view=ActivateReplacementPage />
                        <Route path=path!("/replace-account/cancel") view=CancelReplacementPage />
                        <Route path=path!("/demo/mailbox") view=MailboxPage />
                        <Route path=path!("/staff/sign-in") view=StaffSignInPage />
                        <Route path=path!("/staff/members") view=StaffMembersPage />
                        <Route path=path!("/staff/members/:id") view=StaffMemberPage />
                        <Route path=path!("/staff/sign-in/new-password") view=StaffNewPasswordPage />
                        <Route path=path!("/staff/sign-in/authenticator") view=StaffAuthenticatorPage />
                        <Route path=path!("/staff/sign-in/security-code") view=StaffSecurityCodePage />
                        <Route path=path!("/staff/sign-in/callback") view=StaffProviderPage />
                        <Route path=path!("/staff") view=StaffHomePage />
                        <Route path=path!("/staff/test-patients") view=TestPatientsPage />
                        <Route path=path!("/staff/test-patients/new") view=NewTestPatientPage />
                        <Route path=path!("/staff/patients") view=FindPatientPage />
                        <Route path=path!("/staff/patients/:id") view=StaffPatientPage />
                        <Route path=path!("/staff/patients/:id/pin-document") view=ReissuePage />
                        <Route path=path!("/staff/patients/:id/register") view=RegisterPage />
                        <Route path=path!("/staff/patients/:id/access") view=ChangeAccessPage />
                        <Route path=path!("/staff/patients/:id/end-access") view=EndAccessPage />
                        <Route path=path!("/staff/patients/:id/preview") view=PreviewStartPage />
                        <Route path=path!("/staff/previews/:id") view=PreviewPage />
                        <Route path=path!("/staff/pin-documents/:id/print") view=PrintPage />
                        <Route path=path!("/staff/replacement-requests") view=RequestsPage />
                        <Route path=path!("/staff/mismatches") view=MismatchesPage />
                        <Route path=path!("/staff/audit") view=AuditPage />
                        <Route path=path!("/staff/imports") view=ImportPage />
                        <Route path=path!("/staff/practices") view=PracticesPage />
                    </Routes>
                </main>
            </div>
            <Footer />
            <TimeoutWarning />
            <HydrationMarker />
        </Router>
    }
}

#[cfg(test)]
mod layers {
    //! The layers' rule, checked on the source: the UI (`components/`, `pages/`, `views/`)
    //! imports nothing of the server or the database, and the server and database import
    //! nothing of the UI but the views. A file that breaks it fails this test by name.

    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).expect("source folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
        files
    }

    /// Each line of the layer's files that names one of `forbidden`.
    fn offences(layers: &[&str], forbidden: &[&str]) -> Vec<String> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for layer in layers {
            let files = rust_files(&src.join(layer));
            assert!(!files.is_empty(), "no files in {layer}");
            for file in files {
                let text = std::fs::read_to_string(&file).expect("readable source");
                for (number, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    if let Some(name) = forbidden.iter().find(|name| code.contains(*name)) {
                        found.push(format!("{}:{}: {name}", file.display(), number + 1));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn the_ui_knows_nothing_of_the_server() {
        let found = offences(
            &["components", "pages", "views"],
            &[
                "crate::server",
                "crate::db",
                "crate::secrets",
                "sqlx",
                "axum::",
                "feature = \"ssr\"",
            ],
        );
        assert!(
            found.is_empty(),
            "the UI reaches into the server: {found:#?}"
        );
    }

    #[test]
    fn the_server_and_database_know_the_views_only() {
        let found = offences(
            &["server", "db", "pds", "import"],
            &[
                "crate::pages",
                "crate::components",
                "use crate::{shell, App}",
            ],
        );
        let found: Vec<_> = found
            .into_iter()
            .filter(|line| !line.ends_with("use crate::{shell, App}"))
            .collect();
        assert!(
            found.is_empty(),
            "the server reaches into the UI: {found:#?}"
        );
    }

    #[test]
    fn the_check_finds_what_it_looks_for() {
        // The rule is checked by text, so prove the text search itself sees an import.
        assert!(!offences(&["server"], &["crate::views"]).is_empty());
    }
}

// The `i18n` module generated by `build.rs` from `locales/`: the `Locale` enum and one
// checked accessor per translation key (see `language`).
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
