//! The demo's test patient (issue #20): seeded ready to preview, listed on `/demo` in English
//! and Welsh with the staff member to sign in as, and a preview link that works for that staff
//! member (by way of sign-in, with no dead end) and for nobody at another practice.

use crate::common::{start, start_on, Page, TestServer};
use crate::staff::{staff_sign_in, HILLVIEW, RIVERSIDE};

const WELSH: &str = "relink-lang=cy";
const PATIENT_ID: &str = "demo-test-patient-9990000107";
const PREVIEW: &str = "/staff/patients/demo-test-patient-9990000107/preview";

/// The `href` of the link whose text contains `text` (the first one), if the page has it.
fn link_to(page: &Page, text: &str) -> Option<String> {
    page.body.split("<a ").skip(1).find_map(|a| {
        let (attributes, rest) = a.split_once('>')?;
        let (inner, _) = rest.split_once("</a>")?;
        if !inner.contains(text) {
            return None;
        }
        let start = attributes.find(r#"href=""#)? + 6;
        let end = attributes[start..].find('"')? + start;
        Some(attributes[start..end].to_owned())
    })
}

/// (rows with the test patient's NHS number, of them test patients, their practice).
async fn patients_with_the_number(server: &TestServer) -> Vec<(String, i64, String)> {
    let db = app::db::Db::connect(&server.database_url).await.unwrap();
    let rows = sqlx::query_as(
        "SELECT id, is_test, practice_ods FROM patients WHERE nhs_number = '9990000107'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    db.close().await;
    rows
}

#[tokio::test]
async fn the_demo_lists_its_test_patient_with_the_staff_member_and_the_preview_link() {
    let server = start(true).await;
    assert_eq!(
        patients_with_the_number(&server).await,
        [(PATIENT_ID.to_owned(), 1, "T00001".to_owned())]
    );

    let english = server.get("/demo", None).await;
    assert_eq!(english.status, 200);
    for detail in [
        "Preview a test patient",
        "Pat Tester is a test patient at Riverside Surgery (T00001): NHS number 999 000 0107, date of birth 1 March 1985.",
        "<strong>staff.riverside</strong>",
        "<code>riverside-demo-password</code>",
    ] {
        assert!(english.body.contains(detail), "/demo should show {detail}");
    }
    assert_eq!(
        link_to(&english, "Open the preview of Pat Tester").as_deref(),
        Some(PREVIEW)
    );
    assert_eq!(
        link_to(&english, "Sign in to the staff area").as_deref(),
        Some("/staff/sign-in")
    );

    let welsh = server.get("/demo", Some(WELSH)).await;
    assert_eq!(welsh.status, 200);
    for detail in [
        "Cael rhagolwg o glaf prawf",
        "Mae Pat Tester yn glaf prawf yn Riverside Surgery (T00001): rhif GIG 999 000 0107, dyddiad geni 1 Mawrth 1985.",
        "<strong>staff.riverside</strong>",
    ] {
        assert!(welsh.body.contains(detail), "/demo in Welsh should show {detail}");
    }
    assert!(!welsh.body.contains("Preview a test patient"));
    assert_eq!(
        link_to(&welsh, "Agor y rhagolwg o Pat Tester").as_deref(),
        Some(PREVIEW)
    );
}

#[tokio::test]
async fn the_preview_link_works_for_the_demo_staff_member_only() {
    let server = start(true).await;
    let link = link_to(&server.get("/demo", None).await, "Open the preview of").unwrap();

    // Not signed in: asked to sign in, and brought back to the preview once signed in.
    let stranger = server.get(&link, None).await;
    let sign_in = format!("/staff/sign-in?next={}", PREVIEW.replace('/', "%2F"));
    assert_eq!(
        (stranger.status, stranger.location.as_deref()),
        (303, Some(sign_in.as_str()))
    );
    let form = server.get(&sign_in, None).await;
    assert!(
        form.body.contains(&format!(
            r#"<input type="hidden" name="next" value="{PREVIEW}""#
        )),
        "{}",
        form.body
    );
    let (username, password) = RIVERSIDE;
    let signed_in = server
        .post(
            "/staff/sign-in",
            &[
                ("username", username),
                ("password", password),
                ("next", PREVIEW),
            ],
            None,
        )
        .await;
    let signed_in = crate::common::finish_staff_sign_in(&server, &signed_in).await;
    assert_eq!(
        (signed_in.status, signed_in.location.as_deref()),
        (303, Some(PREVIEW))
    );
    // The path from the staff home page leads there too.
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let home = server.get("/staff", Some(&riverside)).await;
    let list = link_to(&home, "Test patients").expect("home links to the list");
    let list = server.get(&list, Some(&riverside)).await;
    assert_eq!(list.status, 200);
    let patient_page = link_to(&list, "Pat Tester").expect("the list links to the patient");
    assert_eq!(patient_page, format!("/staff/patients/{PATIENT_ID}"));
    let patient_page = server.get(&patient_page, Some(&riverside)).await;
    assert_eq!(patient_page.status, 200);
    assert!(
        patient_page.body.contains(&format!(r#"href="{PREVIEW}""#)),
        "the patient's page offers the preview"
    );

    // Signed in at Riverside: the link asks for a reason, and the preview shows Pat's account.
    let start_page = server.get(&link, Some(&riverside)).await;
    assert_eq!(start_page.status, 200, "{}", start_page.body);
    assert!(start_page
        .body
        .contains("Preview of test patient Pat Tester"));
    let started = server
        .post(&link, &[("reason", "trying the demo")], Some(&riverside))
        .await;
    assert_eq!(started.status, 303, "{:?}", started.summary());
    let preview_path = started.location.unwrap();
    assert!(
        preview_path.starts_with("/staff/previews/"),
        "{preview_path}"
    );
    let preview = server.get(&preview_path, Some(&riverside)).await;
    assert_eq!(preview.status, 200);
    assert!(preview
        .body
        .contains("You are seeing what Pat Tester sees."));
    assert!(preview.body.contains("Detailed Coded Record"));

    // Another practice's staff member: nothing there, whether they look or post.
    let hillview = staff_sign_in(&server, HILLVIEW).await;
    assert_eq!(server.get(&link, Some(&hillview)).await.status, 404);
    let posted = server
        .post(&link, &[("reason", "curious")], Some(&hillview))
        .await;
    assert_eq!(posted.status, 404);
    assert_eq!(
        server.get(&preview_path, Some(&hillview)).await.status,
        404,
        "nor Riverside's running preview"
    );
}

#[tokio::test]
async fn seeding_twice_leaves_one_demo_test_patient_ready_to_preview() {
    let first = start(true).await;
    // A restart on the same database seeds again.
    let second = start_on(Some(first.database_url.clone()), true, |_| {}, |_| {}).await;
    assert_eq!(
        patients_with_the_number(&second).await,
        [(PATIENT_ID.to_owned(), 1, "T00001".to_owned())]
    );
    let riverside = staff_sign_in(&second, RIVERSIDE).await;
    let list = second.get("/staff/test-patients", Some(&riverside)).await;
    assert_eq!(list.body.matches("Pat Tester").count(), 1, "listed once");
    assert_eq!(second.get(PREVIEW, Some(&riverside)).await.status, 200);
}
