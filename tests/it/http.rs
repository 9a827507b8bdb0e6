//! Drives the real router over HTTP on a loopback port, backed by a fresh SQLite file.

use crate::common::{fixture, start, TestServer};

async fn get(server: &TestServer, path: &str) -> (u16, String) {
    let page = server.get(path, None).await;
    (page.status, page.body)
}

/// The script nonce a Content-Security-Policy allows.
fn nonce_in(policy: &str) -> String {
    policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {policy}"))
        .to_owned()
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let server = start(false).await;
    assert_eq!(get(&server, "/healthz").await, (200, "ok".to_owned()));
    assert_eq!(
        get(&server, "/readyz").await,
        (
            200,
            "ready\nmail: not configured (SMTP_URL), messages waiting: 0".to_owned()
        )
    );
    let demo = start(true).await;
    assert_eq!(get(&demo, "/readyz").await, (200, "ready".to_owned()));
}

/// Outside demo mode without SMTP_URL, an email waits in the outbox (never marked delivered,
/// never shown in a mailbox) and `/readyz` says how many wait.
#[tokio::test]
async fn without_smtp_outside_demo_mode_emails_wait_and_readiness_says_so() {
    let server = start(false).await;
    fixture::queue_security_code_email(&server.database_url, "pat@example.com", "482913").await;
    fixture::queue_security_code_email(&server.database_url, "sam@example.com", "105738").await;
    // Longer than the outbox worker's poll, were there one.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        get(&server, "/readyz").await,
        (
            200,
            "ready\nmail: not configured (SMTP_URL), messages waiting: 2".to_owned()
        )
    );
    let (attempts, sent_at, _, _) = fixture::outbox_delivery(&server.database_url).await;
    assert_eq!(
        (attempts, sent_at),
        (0, None),
        "never tried, never delivered"
    );
    let (status, mailbox) = get(&server, "/demo/mailbox").await;
    assert_eq!(status, 404);
    assert!(!mailbox.contains("482913") && !mailbox.contains("pat@example.com"));
}

#[tokio::test]
async fn start_page_is_a_complete_nhs_page() {
    let server = start(false).await;
    let (status, html) = get(&server, "/").await;
    assert_eq!(status, 200);
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains(r#"<html lang="en-GB""#));
    assert!(html.contains("<title>Manage your GP online account – NHS</title>"));
    assert!(html.contains(r#"class="nhsuk-skip-link""#));
    assert!(html.contains(
        r#"<span class="nhsuk-header__service-name">Manage your GP online account</span>"#
    ));
    assert!(html.contains(r#"id="maincontent""#));
    assert!(html.contains(r#"class="nhsuk-footer""#));
    assert!(html.contains("/pkg/relink.css"));
    assert!(
        html.contains("/pkg/relink.wasm"),
        "hydration script must ask for relink.wasm"
    );
    assert!(
        !html.contains("demo-notice"),
        "no demo notice outside demo mode"
    );
}

#[tokio::test]
async fn demo_mode_shows_the_notice_and_the_demo_details() {
    let server = start(true).await;
    let (_, home) = get(&server, "/").await;
    assert!(home.contains(r#"data-testid="demo-notice""#));
    let (status, demo) = get(&server, "/demo").await;
    assert_eq!(status, 200);
    assert!(demo.contains("<title>Demo details – Manage your GP online account – NHS</title>"));
    for detail in [
        "1000000001",
        "demo-pin-1",
        "1 February 1980",
        "2000000001",
        "Hillview Medical Centre",
        "999 000 0042",
    ] {
        assert!(demo.contains(detail), "/demo should list {detail}");
    }
}

#[tokio::test]
async fn demo_page_does_not_exist_outside_demo_mode() {
    let server = start(false).await;
    let (status, html) = get(&server, "/demo").await;
    assert_eq!(status, 404);
    assert!(!html.contains("demo-pin-1"));
}

#[tokio::test]
async fn unknown_pages_get_a_helpful_404() {
    let server = start(false).await;
    let (status, html) = get(&server, "/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("<title>Page not found – Manage your GP online account – NHS</title>"));
    assert!(html.contains("Go to the start page"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_fresh_script_nonce() {
    let server = start(true).await;
    let mut nonces = Vec::new();
    for path in [
        "/",
        "/reset-passphrase",
        "/staff/sign-in",
        "/no-such-page",
        "/healthz",
    ] {
        let response = server
            .client
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .unwrap_or_else(|| panic!("{path}: no {name}"))
                .to_str()
                .unwrap()
                .to_owned()
        };
        let policy = header("content-security-policy");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}");
        assert!(
            policy.contains("object-src 'none'") && policy.contains("base-uri 'none'"),
            "{path}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert!(
            header("strict-transport-security").starts_with("max-age="),
            "{path}"
        );
        assert!(header("permissions-policy").contains("camera=()"), "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(
            header("cross-origin-opener-policy"),
            "same-origin",
            "{path}"
        );
        let nonce = nonce_in(&policy);
        let body = response.text().await.unwrap();
        // Every inline script of the page carries this response's nonce, and no other.
        let scripts = body.matches("<script").count();
        let external = body.matches("<script type=\"module\" src=").count();
        assert_eq!(
            body.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts - external,
            "{path}"
        );
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "a new nonce for every response");
}

/// Fresh forms are rendered once and then served with each response's own nonce: the pages
/// must stay identical to a render apart from the nonce, and the signed-in header must follow
/// each request's cookie, never the cookie of the request that filled the cache.
#[tokio::test]
async fn cached_fresh_forms_differ_only_by_nonce_and_follow_the_session_cookie() {
    let server = start(true).await;
    let get = |cookie: Option<&'static str>| {
        let mut request = server
            .client
            .get(format!("{}/reset-passphrase", server.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            let policy = response.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .to_owned();
            let nonce = nonce_in(&policy);
            let body = response.text().await.unwrap();
            assert!(body.contains(&format!("nonce=\"{nonce}\"")));
            let body = body.replace(&nonce, "NONCE");
            (nonce, body)
        }
    };
    let (first_nonce, first) = get(None).await;
    let (signed_in_nonce, signed_in) = get(Some("__Host-relink-session=abc")).await;
    let (second_nonce, second) = get(None).await;
    let (_, signed_in_again) = get(Some("theme=x; __Host-relink-session=def")).await;
    let (_, empty_cookie) = get(Some("__Host-relink-session=")).await;

    assert_eq!(first, second, "the same page but for the nonce");
    assert_ne!(first_nonce, second_nonce);
    assert_ne!(first_nonce, signed_in_nonce);
    assert!(
        !first.contains("Sign out"),
        "no session, no sign-out button"
    );
    assert!(signed_in.contains("Sign out") && signed_in.contains("Your account"));
    assert_eq!(signed_in, signed_in_again);
    assert_eq!(empty_cookie, first, "an empty session cookie is no session");
    assert!(first.contains("Reset your passphrase") && first.contains("name=\"account_id\""));
}

#[tokio::test]
async fn cross_site_form_posts_are_refused_and_change_nothing() {
    let server = start(true).await;
    let form = "account_id=1000000005&ods_code=T00001&passphrase=river+otter+lantern+forty+two";
    let post = |headers: Vec<(&'static str, String)>| {
        let mut request = server
            .client
            .post(format!("{}/sign-in", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    for forged in [
        vec![("sec-fetch-site", "cross-site".to_owned())],
        vec![("sec-fetch-site", "same-site".to_owned())],
        vec![("origin", "https://evil.example".to_owned())],
    ] {
        let response = post(forged.clone()).await.unwrap();
        assert_eq!(response.status(), 403, "{forged:?}");
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{forged:?}: no session"
        );
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Nothing has been changed"));
    }
    // The same form from the site itself (as a browser sends it, or with no such headers).
    for own in [
        vec![("sec-fetch-site", "same-origin".to_owned())],
        vec![("origin", server.base.clone())],
        vec![],
    ] {
        let response = post(own.clone()).await.unwrap();
        assert_eq!(response.status(), 303, "{own:?}");
    }
}

#[tokio::test]
async fn abusive_requests_get_a_4xx_nhs_page_never_a_5xx() {
    let server = start(true).await;
    let url = |path: &str| format!("{}{path}", server.base);
    let form = |path: &str, body: Vec<u8>| {
        server
            .client
            .post(url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let cases: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        (
            "oversized body",
            form("/reset-passphrase", vec![b'a'; 64 * 1024]),
            413,
        ),
        (
            "invalid UTF-8",
            form("/sign-in", b"account_id=%FF%FE&ods_code=\xff\xfe".to_vec()),
            422,
        ),
        (
            "malformed encoding",
            form("/replace-account", b"nhs_number=%zz%&&==".to_vec()),
            422,
        ),
        (
            "duplicate fields",
            form("/cannot-sign-in", b"problem=a&problem=b".to_vec()),
            422,
        ),
        (
            "wrong content type",
            server
                .client
                .post(url("/reset-passphrase"))
                .header("content-type", "application/json")
                .body("{}"),
            415,
        ),
        (
            "wrong method",
            server.client.delete(url("/reset-passphrase")),
            405,
        ),
        (
            "post to a page without a form",
            server.client.post(url("/demo")).body("x=1"),
            405,
        ),
        (
            "unknown server function",
            server.client.post(url("/api/no_such_function")).body("x=1"),
            404,
        ),
        ("unknown page", server.client.get(url("/no/such/page")), 404),
    ];
    for (what, request, expected) in cases {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.text().await.unwrap();
        assert_eq!(status, expected, "{what}: {body}");
        assert!(
            content_type.starts_with("text/html"),
            "{what}: {content_type}"
        );
        assert!(
            body.contains("<h1>") && body.contains("nhsuk-header"),
            "{what}: a complete page"
        );
    }
    // Headers too large are refused by the HTTP layer before any handler runs.
    let huge = server
        .client
        .get(url("/"))
        .header("x-padding", "a".repeat(128 * 1024))
        .send()
        .await;
    match huge {
        Ok(response) => assert_eq!(response.status().as_u16(), 431),
        Err(error) => assert!(error.is_request() || error.is_connect(), "{error}"),
    }
    assert_eq!(
        server.get("/healthz", None).await.status,
        200,
        "the server is still up"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_throttled_on_its_own_address() {
    let attempt = |server: &TestServer, i: usize, client: &'static str| {
        let request = server
            .client
            .post(format!("{}/sign-in", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", client)
            .body(format!(
                "account_id=1999999{i:03}&ods_code=T00001&passphrase=wrong"
            ));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let trusting = crate::common::start_configured(
        true,
        |config| config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()],
        |_| {},
    )
    .await;
    for i in 0..30 {
        assert_eq!(
            attempt(&trusting, i, "198.51.100.7").await,
            422,
            "attempt {i}"
        );
    }
    assert_eq!(
        attempt(&trusting, 30, "198.51.100.7").await,
        429,
        "that client is locked"
    );
    assert_eq!(
        attempt(&trusting, 31, "203.0.113.5").await,
        422,
        "another client is not"
    );

    // Without a trusted proxy the header is ignored: everyone here is 127.0.0.1.
    let plain = start(true).await;
    for i in 0..30 {
        assert_eq!(attempt(&plain, i, "198.51.100.7").await, 422, "attempt {i}");
    }
    assert_eq!(
        attempt(&plain, 31, "203.0.113.5").await,
        429,
        "a forged header changes nothing"
    );
}

/// An attacker behind one IPv6 /64 network, or one IPv4 address written with a port or as
/// IPv4-mapped IPv6, is one client: changing the address's spelling or its last 64 bits buys
/// no more attempts.
#[tokio::test]
async fn addresses_of_one_client_share_its_limit_however_they_are_written() {
    let trusting = crate::common::start_configured(
        true,
        |config| config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()],
        |_| {},
    )
    .await;
    let attempt = |i: usize, client: String| {
        let request = trusting
            .client
            .post(format!("{}/sign-in", trusting.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", client)
            .body(format!(
                "account_id=1888888{i:03}&ods_code=T00001&passphrase=wrong"
            ));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    for i in 0..30 {
        let client = format!("[2001:db8::{:x}]:443", i + 1);
        assert_eq!(attempt(i, client).await, 422, "attempt {i}");
    }
    assert_eq!(
        attempt(30, "2001:db8::ffff".to_owned()).await,
        429,
        "the /64 is locked"
    );
    assert_eq!(
        attempt(31, "2001:db8:0:1::1".to_owned()).await,
        422,
        "the next /64 is another client"
    );

    for i in 0..30 {
        let client = if i % 2 == 0 {
            "198.51.100.9:5555".to_owned()
        } else {
            "[::ffff:198.51.100.9]".to_owned()
        };
        assert_eq!(attempt(100 + i, client).await, 422, "attempt {i}");
    }
    assert_eq!(
        attempt(200, "198.51.100.9".to_owned()).await,
        429,
        "one IPv4 client however written"
    );
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_ask_and_keep_their_security_headers() {
    let server = start(false).await;
    let plain = get(&server, "/reset-passphrase").await.1;
    for encoding in ["br", "gzip"] {
        let response = server
            .client
            .get(format!("{}/reset-passphrase", server.base))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], encoding);
        assert!(response.headers().contains_key("content-security-policy"));
        assert_eq!(response.headers()["x-frame-options"], "DENY");
        let compressed = response.bytes().await.unwrap();
        assert!(
            compressed.len() * 2 < plain.len(),
            "{encoding}: {} of {} bytes",
            compressed.len(),
            plain.len()
        );
    }
}
