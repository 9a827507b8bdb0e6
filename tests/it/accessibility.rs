//! The accessibility statement (issue #23): `/accessibility` in English and Welsh, in the NHS
//! form, and the footer of every page links to it, as the accessibility regulations ask.

use app::views::routes::{self, Shows, PAGES};

use crate::common::start;

const WELSH: &str = "relink-lang=cy";

/// The footer's link to the statement, in the page's language.
fn footer_link(body: &str) -> Option<&str> {
    let footer = &body[body.find("<footer")?..];
    let link = &footer[footer.find(r#"href="/accessibility""#)?..];
    let text = &link[link.find('>')? + 1..];
    Some(text[..text.find("</a>")?].trim())
}

#[tokio::test]
async fn the_statement_reads_in_english_and_welsh() {
    let server = start(true).await;
    let english = server.get(routes::ACCESSIBILITY, None).await;
    assert_eq!(english.status, 200);
    assert!(english.body.contains(r#"<html lang="en-GB""#));
    assert!(
        english.body.contains(
            "<title>Accessibility statement – Manage your GP online account – NHS</title>"
        ),
        "{}",
        english.body
    );
    for part in [
        "<h1>Accessibility statement for Manage your GP online account</h1>",
        "<h2>Using this service</h2>",
        "<h2>How accessible this service is</h2>",
        "<h2>Feedback and contact information</h2>",
        "<h2>Reporting accessibility problems with this service</h2>",
        "<h2>Enforcement procedure</h2>",
        "Equality and Human Rights Commission (EHRC)",
        r#"<a href="https://www.equalityadvisoryservice.com/">Equality Advisory and Support Service (EASS)</a>"#,
        "<h2>Technical information about this service's accessibility</h2>",
        "<h3>Compliance status</h3>",
        "This service is partially compliant with the ",
        "Web Content Accessibility Guidelines version 2.2",
        "<h2>Non-accessible content</h2>",
        "This fails WCAG 2.2 success criterion 2.2.1 (Timing adjustable) when JavaScript is off.",
        "<h2>What we're doing to improve accessibility</h2>",
        "axe-core (through @axe-core/playwright)",
        "the tests use Playwright in the Chromium browser",
        "<h2>Preparation of this accessibility statement</h2>",
        "This statement was prepared on 3 December 2026. It was last reviewed on 4 December 2026.",
        // In demo mode, the demo pages are said to be no part of the service.
        "<h3>Demonstration pages</h3>",
    ] {
        assert!(english.body.contains(part), "{part}\n{}", english.body);
    }
    assert_eq!(footer_link(&english.body), Some("Accessibility statement"));

    let welsh = server.get(routes::ACCESSIBILITY, Some(WELSH)).await;
    assert_eq!(welsh.status, 200);
    assert!(welsh.body.contains(r#"<html lang="cy""#));
    for part in [
        "<h1>Datganiad hygyrchedd ar gyfer Rheoli eich cyfrif ar-lein meddyg teulu</h1>",
        "<h2>Gweithdrefn orfodi</h2>",
        "Gwasanaeth Cynghori a Chymorth Cydraddoldeb (EASS)",
        "Canllawiau Hygyrchedd Cynnwys y We fersiwn 2.2",
        "Cafodd y datganiad hwn ei baratoi ar 3 Rhagfyr 2026.",
    ] {
        assert!(welsh.body.contains(part), "{part}\n{}", welsh.body);
    }
    assert!(!welsh.body.contains("Accessibility statement"));
    assert_eq!(footer_link(&welsh.body), Some("Datganiad hygyrchedd"));

    // Outside demo mode there are no demo pages to speak of.
    let live = start(false).await;
    let statement = live.get(routes::ACCESSIBILITY, None).await;
    assert_eq!(statement.status, 200);
    assert!(statement.body.contains("<h2>Non-accessible content</h2>"));
    assert!(!statement.body.contains("Demonstration pages"));
}

/// Every page anyone can open, a page that is not found and the server's own problem pages
/// link to the statement from the footer, in English and in Welsh.
#[tokio::test]
async fn every_page_links_to_the_statement_from_its_footer() {
    let server = start(true).await;
    let mut paths: Vec<&str> = PAGES
        .iter()
        .filter(|(path, _, shows)| !path.contains('{') && *shows == Shows::Public)
        .map(|(path, ..)| *path)
        .collect();
    paths.push("/no-such-page");
    assert!(paths.len() > 10, "{paths:?}");
    for path in paths {
        for (cookie, text) in [
            (None, "Accessibility statement"),
            (Some(WELSH), "Datganiad hygyrchedd"),
        ] {
            let page = server.get(path, cookie).await;
            assert!(page.status < 500, "{path}: {}", page.status);
            assert_eq!(footer_link(&page.body), Some(text), "{path} {cookie:?}");
        }
    }

    // A signed-in staff page, and the page the server answers a cross-site form with.
    let staff = crate::staff::staff_sign_in(&server, crate::staff::RIVERSIDE).await;
    let home = server.get(routes::STAFF_HOME, Some(&staff)).await;
    assert_eq!(home.status, 200);
    assert_eq!(footer_link(&home.body), Some("Accessibility statement"));
    let refused = server
        .client
        .post(format!("{}{}", server.base, routes::SIGN_IN))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body("account_id=1000000005")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let body = refused.text().await.unwrap();
    assert_eq!(
        footer_link(&body),
        Some("Accessibility statement"),
        "{body}"
    );
}
