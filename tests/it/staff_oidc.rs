//! Staff sign-in with an OpenID Connect provider, end to end against a real one: `oidc-provider`
//! (OpenID Certified, `scripts/oidc-provider/`) on loopback, with CIS2's scopes and claims, the
//! real authorisation code flow with PKCE, and real signed tokens. The people it knows work at
//! the demo practices (Riverside T00001, Hillview E00001), at no Relink practice, or sign in
//! with a password only (AAL1); for the ID token checks its login form can ask for a token with
//! one claim wrong, re-signed with the provider's own published key (or with a key it never
//! published), so each refusal below is Relink's own check.

use app::db::audit::AuditKind;
use app::server::staff_oidc_from_env;

use crate::common::oidc_provider::{self, Answer, Browser, Registered};
use crate::common::{fixture, start_listening, TestServer};

/// Sam Patel, a demo patient at Riverside (T00001); Chris Evans, one at Hillview (E00001).
const RIVERSIDE_PATIENT: &str = "/staff/patients/demo-patient-9990000018";
const HILLVIEW_PATIENT: &str = "/staff/patients/demo-patient-9990000042";
/// The administrators' role code the tests configure (the practice manager holds it).
const ADMIN_ROLE: &str = "R8008";

/// A demo server whose staff sign in with the test provider, its client registered there.
struct Cis2Server {
    server: TestServer,
    issuer: String,
    /// What the authorisation request's `acr_values` must say.
    acr_values: String,
}

/// Settings beyond the issuer and client (`STAFF_OIDC_*` name and value).
async fn cis2_server(extra: &[(&str, &str)]) -> Cis2Server {
    cis2_server_with(extra, None).await
}

async fn cis2_server_with(
    extra: &[(&str, &str)],
    key: Option<(String, serde_json::Value)>,
) -> Cis2Server {
    let issuer = oidc_provider::issuer().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let redirect_uri = format!("{base}/staff/sign-in/callback");
    let key_dir = tempfile::tempdir().unwrap();
    let mut vars: Vec<(String, String)> = vec![("STAFF_OIDC_ISSUER".into(), issuer.clone())];
    let Registered {
        client_id,
        client_secret,
    } = oidc_provider::register(&issuer, &redirect_uri, key.as_ref().map(|(_, jwk)| jwk)).await;
    vars.push(("STAFF_OIDC_CLIENT_ID".into(), client_id));
    match (client_secret, key) {
        (Some(secret), None) => vars.push(("STAFF_OIDC_CLIENT_SECRET".into(), secret)),
        (_, Some((pem, jwk))) => {
            let path = key_dir.path().join("relink-oidc.pem");
            std::fs::write(&path, pem).unwrap();
            vars.push((
                "STAFF_OIDC_PRIVATE_KEY_FILE".into(),
                path.display().to_string(),
            ));
            vars.push((
                "STAFF_OIDC_KEY_ID".into(),
                jwk["kid"].as_str().unwrap().to_owned(),
            ));
        }
        (None, None) => panic!("the provider issued no client secret"),
    }
    vars.push(("STAFF_OIDC_ADMIN_ROLE_CODE".into(), ADMIN_ROLE.into()));
    vars.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let oidc =
        staff_oidc_from_env(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .unwrap()
            .expect("configured");
    let server = start_listening(
        Some(listener),
        None,
        true,
        move |config| {
            config.public_url = Some(base);
            config.staff_oidc = Some(oidc);
        },
        |_| {},
    )
    .await;
    drop(key_dir);
    let acr_values = extra
        .iter()
        .find(|(k, _)| *k == "STAFF_OIDC_ACR_VALUES")
        .map_or("AAL2_OR_AAL3_ANY", |(_, v)| v)
        .to_owned();
    Cis2Server {
        server,
        issuer,
        acr_values,
    }
}

impl Cis2Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    /// Presses "Sign in with NHS Care Identity Service 2" (going on to `next`), chooses
    /// `person` on the provider's login page (asking for the ID token `tamper`ed, or as issued
    /// when empty), and returns the URL the provider sends the browser back to: the callback,
    /// with the code and state. The browser holds the sign-in's cookie by then.
    async fn to_callback(
        &self,
        browser: &mut Browser,
        person: &str,
        tamper: &str,
        next: &str,
    ) -> String {
        // The sign-in page (sent there from `next`) links to the provider, keeping `next`.
        let (page, start) = match next {
            "" => (
                "/staff/sign-in".to_owned(),
                "/staff/sign-in/provider".to_owned(),
            ),
            next => {
                let escaped = next.replace('/', "%2F");
                (
                    format!("/staff/sign-in?next={escaped}"),
                    format!("/staff/sign-in/provider?next={escaped}"),
                )
            }
        };
        let page = browser.get(&self.url(&page)).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(&format!(r#"href="{start}""#)),
            "{start} in {}",
            page.body
        );
        let started = browser.get(&self.url(&start)).await;
        assert_eq!(started.status, 303, "{}", started.body);
        let authorize = started.location.clone().unwrap();
        assert!(
            authorize.starts_with(&format!("{}/auth?", self.issuer)),
            "{authorize}"
        );
        let acr = format!("acr_values={}", self.acr_values);
        for wanted in [
            "response_type=code",
            "code_challenge_method=S256",
            acr.as_str(),
            "nationalrbacaccess",
            "nonce=",
            "state=",
        ] {
            assert!(authorize.contains(wanted), "{wanted} in {authorize}");
        }
        let login_cookie = started
            .set_cookies
            .iter()
            .find(|c| c.starts_with("__Host-relink-staff-login="))
            .expect("the sign-in's cookie");
        assert!(login_cookie.contains("SameSite=Lax"), "{login_cookie}");
        assert!(login_cookie.contains("HttpOnly"), "{login_cookie}");

        let to_login = browser.get(&authorize).await;
        assert_eq!(to_login.status, 303, "{}", to_login.body);
        let interaction = to_login.location.unwrap();
        if interaction.starts_with(&self.url("/staff/sign-in/callback?")) {
            // Signed in at the provider already (single sign-on): straight back.
            return interaction;
        }
        let form = browser.get(&interaction).await;
        assert_eq!(form.status, 200, "{}", form.body);
        let done = browser
            .post(
                &format!("{interaction}/login"),
                &[("person", person), ("tamper", tamper)],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let resumed = browser.get(&done.location.unwrap()).await;
        assert_eq!(resumed.status, 303, "{}", resumed.body);
        let callback = resumed.location.unwrap();
        assert!(
            callback.starts_with(&self.url("/staff/sign-in/callback?")),
            "{callback}"
        );
        callback
    }

    /// The whole flow for `person`: Relink's answer to the callback.
    async fn sign_in(&self, browser: &mut Browser, person: &str, tamper: &str) -> Answer {
        let callback = self.to_callback(browser, person, tamper, "").await;
        browser.get(&callback).await
    }

    /// Signs `person` in and follows the page's same-site hop: the staff cookie.
    async fn signed_in(&self, browser: &mut Browser, person: &str) -> String {
        let answer = self.sign_in(browser, person, "").await;
        assert_signed_in(&answer, "/staff");
        let home = browser.get(&self.url("/staff")).await;
        assert_eq!(home.status, 200, "{}", home.body);
        browser
            .cookie(&self.server.base, "__Host-relink-staff")
            .expect("the staff cookie")
    }
}

/// The callback's answer for a member let in: a page that moves on to `to` at once (a
/// same-site navigation, which carries the Strict staff cookie), with the cookie set.
fn assert_signed_in(answer: &Answer, to: &str) {
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.refresh.as_deref(),
        Some(format!("0; url={to}").as_str())
    );
    assert!(answer.body.contains("You are signed in"), "{}", answer.body);
    assert!(
        answer.body.contains(&format!(r#"href="{to}""#)),
        "{}",
        answer.body
    );
    let staff = answer
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-relink-staff="))
        .expect("the staff cookie");
    assert!(staff.contains("SameSite=Strict"), "{staff}");
}

/// The callback's answer for a sign-in that did not complete: 400, no staff session, the NHS
/// page that says to start again.
fn assert_failed(answer: &Answer) {
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(
        answer.body.contains("We could not sign you in"),
        "{}",
        answer.body
    );
    assert!(
        !answer
            .set_cookies
            .iter()
            .any(|c| c.starts_with("__Host-relink-staff=")),
        "{:?}",
        answer.set_cookies
    );
}

fn assert_refused(answer: &Answer, why: &str) {
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer
            .body
            .contains("You cannot use the staff area with this account"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains(why), "{why} in {}", answer.body);
    assert!(!answer
        .set_cookies
        .iter()
        .any(|c| c.starts_with("__Host-relink-staff=")));
}

async fn last_detail(server: &TestServer, kind: AuditKind) -> String {
    fixture::audit_details(&server.database_url, kind)
        .await
        .pop()
        .unwrap_or_else(|| panic!("no {kind:?} event"))
}

#[tokio::test]
async fn a_member_signs_in_with_cis2_and_sees_only_their_practices_patients() {
    let cis2 = cis2_server(&[]).await;
    let mut browser = Browser::new();
    let page = browser.get(&cis2.url("/staff/sign-in")).await;
    assert!(page
        .body
        .contains("Sign in with NHS Care Identity Service 2"));
    // Provider only (the default): no local form.
    assert!(!page.body.contains(r#"name="password""#), "{}", page.body);

    cis2.signed_in(&mut browser, "riverside").await;
    let own = browser.get(&cis2.url(RIVERSIDE_PATIENT)).await;
    assert_eq!(own.status, 200);
    assert!(own.body.contains("Sam"), "{}", own.body);
    let other = browser.get(&cis2.url(HILLVIEW_PATIENT)).await;
    assert_eq!(other.status, 404);
    // Not an administrator.
    assert_eq!(browser.get(&cis2.url("/staff/practices")).await.status, 404);
    let detail = last_detail(&cis2.server, AuditKind::StaffProviderAccessSet).await;
    assert!(
        detail.contains("practices T00001 (first sign-in); not an administrator"),
        "{detail}"
    );
    let signed_in =
        fixture::audit_entries(&cis2.server.database_url, AuditKind::StaffSignedIn).await;
    assert!(
        signed_in
            .iter()
            .any(|(actor, ..)| actor == "cis2.555000000001"),
        "{signed_in:?}"
    );

    // Hillview's member holds a role at a trust too: only Hillview counts.
    let mut hillview = Browser::new();
    cis2.signed_in(&mut hillview, "hillview").await;
    assert_eq!(hillview.get(&cis2.url(HILLVIEW_PATIENT)).await.status, 200);
    assert_eq!(hillview.get(&cis2.url(RIVERSIDE_PATIENT)).await.status, 404);
}

#[tokio::test]
async fn the_admin_role_code_makes_an_administrator() {
    let cis2 = cis2_server(&[]).await;
    let mut browser = Browser::new();
    cis2.signed_in(&mut browser, "manager").await;
    let practices = browser.get(&cis2.url("/staff/practices")).await;
    assert_eq!(practices.status, 200, "{}", practices.body);
    // Administrators see every practice's patients.
    assert_eq!(browser.get(&cis2.url(HILLVIEW_PATIENT)).await.status, 200);
    let detail = last_detail(&cis2.server, AuditKind::StaffProviderAccessSet).await;
    assert!(detail.ends_with("; administrator"), "{detail}");
}

#[tokio::test]
async fn the_return_path_survives_the_flow() {
    let cis2 = cis2_server(&[]).await;
    let mut browser = Browser::new();
    let callback = cis2
        .to_callback(&mut browser, "riverside", "", "/staff/audit")
        .await;
    let answer = browser.get(&callback).await;
    assert_signed_in(&answer, "/staff/audit");
    assert_eq!(browser.get(&cis2.url("/staff/audit")).await.status, 200);
}

#[tokio::test]
async fn a_wrong_state_is_refused() {
    let cis2 = cis2_server(&[]).await;
    let mut browser = Browser::new();
    let callback = cis2.to_callback(&mut browser, "riverside", "", "").await;
    let url = reqwest::Url::parse(&callback).unwrap();
    let mut forged = url.clone();
    forged
        .query_pairs_mut()
        .clear()
        .extend_pairs(url.query_pairs().map(|(k, v)| {
            if k == "state" {
                (k, "someone-elses-state".into())
            } else {
                (k, v)
            }
        }));
    let answer = browser.get(forged.as_str()).await;
    assert_failed(&answer);
    let detail = last_detail(&cis2.server, AuditKind::StaffProviderSignInFailed).await;
    assert!(detail.contains("state did not match"), "{detail}");
    // The sign-in was used up by the attempt: the real callback is refused too.
    assert_failed(&browser.get(&callback).await);
}

#[tokio::test]
async fn a_callback_is_honoured_once() {
    let cis2 = cis2_server(&[]).await;
    let mut browser = Browser::new();
    let callback = cis2.to_callback(&mut browser, "riverside", "", "").await;
    let login = browser
        .cookie(&cis2.server.base, "__Host-relink-staff-login")
        .unwrap();
    assert_signed_in(&browser.get(&callback).await, "/staff");
    // Replayed, with the sign-in's cookie as it was.
    let mut replay = Browser::new();
    replay.set_cookie(&cis2.server.base, "__Host-relink-staff-login", &login);
    assert_failed(&replay.get(&callback).await);
    let detail = last_detail(&cis2.server, AuditKind::StaffProviderSignInFailed).await;
    assert!(detail.contains("already used"), "{detail}");
    // And without any cookie at all (another browser).
    assert_failed(&Browser::new().get(&callback).await);
}

#[tokio::test]
async fn a_used_code_is_refused_in_another_sign_in() {
    let cis2 = cis2_server(&[]).await;
    let mut browser = Browser::new();
    let first = cis2.to_callback(&mut browser, "riverside", "", "").await;
    assert_signed_in(&browser.get(&first).await, "/staff");
    let used_code = reqwest::Url::parse(&first)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    // A fresh sign-in (its own browser, cookie and state), given the first one's code.
    let mut other = Browser::new();
    let second = cis2.to_callback(&mut other, "riverside", "", "").await;
    let url = reqwest::Url::parse(&second).unwrap();
    let mut replayed = url.clone();
    replayed
        .query_pairs_mut()
        .clear()
        .extend_pairs(url.query_pairs().map(|(k, v)| {
            if k == "code" {
                (k, used_code.clone().into())
            } else {
                (k, v)
            }
        }));
    assert_failed(&other.get(replayed.as_str()).await);
    let detail = last_detail(&cis2.server, AuditKind::StaffProviderSignInFailed).await;
    assert!(
        detail.contains("the provider refused the code: invalid_grant"),
        "{detail}"
    );
    // A second sign-in in the same browser is the provider's single sign-on: let in again.
    let again = cis2.to_callback(&mut browser, "riverside", "", "").await;
    assert_signed_in(&browser.get(&again).await, "/staff");
}

#[tokio::test]
async fn id_tokens_with_a_wrong_claim_or_signature_are_refused() {
    let cis2 = cis2_server(&[]).await;
    for (tamper, reason) in [
        ("audience", "audience"),
        ("expired", "expired"),
        ("nonce", "nonce"),
        ("signature", "signature"),
    ] {
        let mut browser = Browser::new();
        let answer = cis2.sign_in(&mut browser, "riverside", tamper).await;
        assert_failed(&answer);
        let detail = last_detail(&cis2.server, AuditKind::StaffProviderSignInFailed).await;
        assert!(
            detail.starts_with("ID token refused") && detail.to_lowercase().contains(reason),
            "{tamper}: {detail}"
        );
        assert!(browser
            .cookie(&cis2.server.base, "__Host-relink-staff")
            .is_none());
    }
    // As issued, the same person is let in: the refusals were the tampered claims'.
    assert_signed_in(
        &cis2.sign_in(&mut Browser::new(), "riverside", "").await,
        "/staff",
    );
}

#[tokio::test]
async fn a_sign_in_below_the_minimum_assurance_is_refused() {
    let cis2 = cis2_server(&[]).await;
    let answer = cis2.sign_in(&mut Browser::new(), "password", "").await;
    assert_refused(&answer, "not strong enough");
    let detail = last_detail(&cis2.server, AuditKind::StaffProviderSignInRefused).await;
    assert!(detail.contains("AAL1_USERPASS"), "{detail}");
    // AAL3 required: Windows Hello (AAL2) is not enough, a smartcard is.
    let aal3 = cis2_server(&[("STAFF_OIDC_ACR_VALUES", "AAL3_ANY")]).await;
    assert_refused(
        &aal3.sign_in(&mut Browser::new(), "hillview", "").await,
        "not strong enough",
    );
    assert_signed_in(
        &aal3.sign_in(&mut Browser::new(), "riverside", "").await,
        "/staff",
    );
}

#[tokio::test]
async fn a_person_with_no_role_at_a_relink_practice_is_refused() {
    let cis2 = cis2_server(&[]).await;
    let answer = cis2.sign_in(&mut Browser::new(), "elsewhere", "").await;
    assert_refused(
        &answer,
        "has no role at a GP practice that uses this service",
    );
    let events = fixture::audit_entries(
        &cis2.server.database_url,
        AuditKind::StaffProviderSignInRefused,
    )
    .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "cis2.555000000004");
    let detail = last_detail(&cis2.server, AuditKind::StaffProviderSignInRefused).await;
    assert!(detail.contains("organisations: X26"), "{detail}");
    // No member was made for them.
    let listing = app::db::staff::list(
        &app::db::Db::connect(&cis2.server.database_url)
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    assert!(!listing.iter().any(|m| m.username == "cis2.555000000004"));
}

#[tokio::test]
async fn a_disabled_member_is_refused_by_the_provider_path_too() {
    let cis2 = cis2_server(&[]).await;
    let mut browser = Browser::new();
    let session = cis2.signed_in(&mut browser, "riverside").await;
    let db = app::db::Db::connect(&cis2.server.database_url)
        .await
        .unwrap();
    let username = app::domain::StaffUsername::parse("cis2.555000000001").unwrap();
    app::db::staff::set_disabled(&db, &username, true, "test", 1)
        .await
        .unwrap();
    // Their session ended with the change.
    let home = cis2
        .server
        .get("/staff", Some(&format!("__Host-relink-staff={session}")))
        .await;
    assert_eq!(home.status, 303);
    let answer = cis2.sign_in(&mut Browser::new(), "riverside", "").await;
    assert_refused(&answer, "Your staff account has been disabled");
    let detail = last_detail(&cis2.server, AuditKind::StaffProviderSignInRefused).await;
    assert!(detail.contains("disabled"), "{detail}");
}

#[tokio::test]
async fn the_local_form_is_offered_and_honoured_only_when_allowed() {
    let only = cis2_server(&[]).await;
    let refused = only
        .server
        .post(
            "/staff/sign-in",
            &[
                ("username", "staff.riverside"),
                ("password", "riverside-demo-password"),
            ],
            None,
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(refused.set_cookie.is_none());
    assert!(refused
        .body
        .contains("Sign in with NHS Care Identity Service 2"));

    let both = cis2_server(&[
        ("STAFF_OIDC_PASSWORD_SIGN_IN", "on"),
        ("STAFF_OIDC_LABEL", "Sign in with Example ID"),
    ])
    .await;
    let page = both.server.get("/staff/sign-in", None).await;
    assert!(
        page.body.contains("Sign in with Example ID"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"name="password""#));
    assert!(page
        .body
        .contains("Or sign in with a username and password"));
    crate::staff::staff_sign_in(&both.server, crate::staff::RIVERSIDE).await;
    // A member made by the provider never signs in with the form.
    let mut browser = Browser::new();
    both.signed_in(&mut browser, "riverside").await;
    let form = both
        .server
        .post(
            "/staff/sign-in",
            &[
                ("username", "cis2.555000000001"),
                ("password", "!signs-in-with-provider"),
            ],
            None,
        )
        .await;
    assert_eq!(form.status, 422, "{}", form.body);
    assert!(form.set_cookie.is_none());
}

/// A demo server whose identity provider is down (its issuer a loopback port nothing listens
/// on): its pages need no provider until a sign-in starts.
pub(crate) async fn server_with_provider_down() -> TestServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let vars = [
        ("STAFF_OIDC_ISSUER", format!("http://127.0.0.1:{port}")),
        ("STAFF_OIDC_CLIENT_ID", "relink".to_owned()),
        ("STAFF_OIDC_CLIENT_SECRET", "secret".to_owned()),
    ];
    let oidc = staff_oidc_from_env(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    start_listening(
        None,
        None,
        true,
        move |config| {
            config.public_url = Some("http://127.0.0.1:1".into());
            config.staff_oidc = oidc;
        },
        |_| {},
    )
    .await
}

#[tokio::test]
async fn a_provider_that_is_down_gives_a_clear_page() {
    let server = server_with_provider_down().await;
    let answer = server.get("/staff/sign-in/provider", None).await;
    assert_eq!(answer.status, 503);
    assert!(
        answer
            .body
            .contains("NHS Care Identity Service 2 is not available at the moment"),
        "{}",
        answer.body
    );
    assert!(!answer.body.contains("127.0.0.1"), "{}", answer.body);
}

#[tokio::test]
async fn the_pages_read_in_welsh() {
    let cis2 = cis2_server(&[]).await;
    let mut browser = Browser::new();
    browser.set_cookie(&cis2.server.base, "relink-lang", "cy");
    let refused = cis2.sign_in(&mut browser, "elsewhere", "").await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains(r#"<html lang="cy""#));
    assert!(
        refused
            .body
            .contains("Ni allwch chi ddefnyddio ardal y staff"),
        "{}",
        refused.body
    );
    let mut browser = Browser::new();
    browser.set_cookie(&cis2.server.base, "relink-lang", "cy");
    let answer = cis2.sign_in(&mut browser, "riverside", "").await;
    assert_eq!(answer.status, 200);
    assert!(
        answer.body.contains("Rydych chi wedi mewngofnodi"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn private_key_jwt_authenticates_relink_to_the_token_endpoint() {
    let key = oidc_provider::rsa_key("relink-test-client-key");
    let cis2 = cis2_server_with(&[], Some(key)).await;
    let mut browser = Browser::new();
    cis2.signed_in(&mut browser, "hillview").await;
    assert_eq!(browser.get(&cis2.url(HILLVIEW_PATIENT)).await.status, 200);
}

#[tokio::test]
async fn one_client_cannot_start_sign_ins_without_end() {
    // Each start keeps a row for 10 minutes: the 31st from one client in 15 minutes is refused
    // before anything is kept (the provider being down makes the first 30 cheap here).
    let server = server_with_provider_down().await;
    for start in 1..=30 {
        let answer = server.get("/staff/sign-in/provider", None).await;
        assert_eq!(answer.status, 503, "start {start}");
    }
    let refused = server.get("/staff/sign-in/provider", None).await;
    assert_eq!(refused.status, 429);
    assert!(
        refused.body.contains("There is a problem"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn failed_callbacks_count_against_the_client_and_stop_writing_after_thirty() {
    // Each failed callback is audited: a client that fails without end is stopped at the
    // client limit (30 in 15 minutes), and nothing more is written for it.
    let cis2 = cis2_server(&[]).await;
    let server = &cis2.server;
    for attempt in 1..=30 {
        let answer = server
            .get("/staff/sign-in/callback?code=made-up&state=made-up", None)
            .await;
        assert_eq!(answer.status, 400, "callback {attempt}");
    }
    let written = last_detail_count(server).await;
    assert_eq!(written, 30);
    let refused = server
        .get("/staff/sign-in/callback?code=made-up&state=made-up", None)
        .await;
    assert_eq!(refused.status, 429);
    assert_eq!(last_detail_count(server).await, 30, "nothing more written");
}

async fn last_detail_count(server: &TestServer) -> i64 {
    fixture::audit_count(&server.database_url, AuditKind::StaffProviderSignInFailed).await
}
