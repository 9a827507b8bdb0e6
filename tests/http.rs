//! Drives the real router over HTTP on a loopback port, backed by a fresh SQLite file.

mod common;

use common::{start, TestServer};

async fn get(server: &TestServer, path: &str) -> (u16, String) {
    let page = server.get(path, None).await;
    (page.status, page.body)
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let server = start(false).await;
    assert_eq!(get(&server, "/healthz").await, (200, "ok".to_owned()));
    assert_eq!(get(&server, "/readyz").await, (200, "ready".to_owned()));
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
