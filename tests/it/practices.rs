//! HTTP tests of the practices page (`/staff/practices`): an administrator adds a practice (it
//! is listed and audited), a duplicate or malformed code is refused naming what is wrong and
//! writes nothing, and nobody else can see or use the page: practice staff get "not found",
//! strangers are sent to sign in, a cross-site form post is refused.

use app::db::audit::AuditKind;

use crate::common::{fixture, start, TestServer};
use crate::staff::{staff_sign_in, RIVERSIDE};

/// The demo administrator (app/src/demo.rs, `DEMO_ADMIN`).
const ADMIN: (&str, &str) = ("admin.demo", "admin-demo-password");

fn form<'a>(ods: &'a str, name: &'a str, system: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("ods_code", ods), ("name", name), ("system", system)]
}

const NAV_LINK: &str = r#"<a href="/staff/practices">GP practices</a>"#;

#[tokio::test]
async fn an_administrator_adds_a_practice_which_is_listed_and_audited() {
    let server = start(true).await;
    let db = server.database_url.as_str();
    let admin = staff_sign_in(&server, ADMIN).await;
    let home = server.get("/staff", Some(&admin)).await;
    assert!(
        home.body.contains(NAV_LINK),
        "administrators are offered the page"
    );

    let list = server.get("/staff/practices", Some(&admin)).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.cache_control.as_deref(), Some("no-store"));
    for shown in [
        "T00001",
        "Riverside Surgery",
        "E00001",
        "W00001",
        "EMIS Web (Optum)",
    ] {
        assert!(list.body.contains(shown), "{shown}");
    }
    assert_eq!(
        list.body.matches("Welsh practice</strong>").count(),
        1,
        "the demo's one Welsh practice is marked"
    );
    assert!(!list.body.contains("has been added"));

    // Lower case and spaces are accepted, as for every ODS code typed.
    let added = server
        .post(
            "/staff/practices",
            &form(" w 00002", "  Meddygfa   Newydd ", "TPP"),
            Some(&admin),
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let location = added.location.unwrap();
    assert_eq!(location, "/staff/practices?added=W00002");
    let shown = server.get(&location, Some(&admin)).await;
    assert_eq!(shown.status, 200);
    assert!(shown
        .body
        .contains("Meddygfa Newydd (W00002) has been added."));
    assert!(shown
        .body
        .contains("It is a Welsh practice: its PIN documents print in Welsh and English."));
    assert_eq!(shown.body.matches("Welsh practice</strong>").count(), 2);
    assert_eq!(
        fixture::practice_codes(db).await,
        ["E00001", "T00001", "W00001", "W00002"]
    );
    assert_eq!(
        fixture::audit_entries(db, AuditKind::PracticeAdded).await,
        [(
            "admin.demo".to_owned(),
            Some("W00002".to_owned()),
            None,
            "Practice W00002 added (TPP SystmOne, Welsh)".to_owned()
        )]
    );
    let audit = server
        .get("/staff/audit?kind=practice_added", Some(&admin))
        .await;
    assert!(audit.body.contains("Practice added"), "{}", audit.body);

    // An English practice on EMIS: no Welsh line.
    let emis = server
        .post(
            "/staff/practices",
            &form("A12345", "Abbey Surgery", "EMIS"),
            Some(&admin),
        )
        .await;
    assert_eq!(emis.status, 303, "{}", emis.body);
    let shown = server.get(&emis.location.unwrap(), Some(&admin)).await.body;
    assert!(shown.contains("Abbey Surgery (A12345) has been added."));
    assert!(!shown.contains("It is a Welsh practice"));
    // The new practice is a practice like any other: its staff can be added for it.
    let practice = app::db::practices::find(
        app::db::Db::connect(db).await.unwrap().pool(),
        &app::domain::OdsCode::parse("A12345").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(practice.clinical_system, app::domain::ClinicalSystem::Emis);
    assert_eq!(practice.services, app::db::practices::PracticeServices::ALL);
}

#[tokio::test]
async fn a_duplicate_or_malformed_practice_is_refused_and_nothing_is_written() {
    let server = start(true).await;
    let db = server.database_url.as_str();
    let admin = staff_sign_in(&server, ADMIN).await;
    let before = fixture::practice_codes(db).await;

    let duplicate = server
        .post(
            "/staff/practices",
            &form("t00001", "Somewhere Else", "EMIS"),
            Some(&admin),
        )
        .await;
    assert_eq!(duplicate.status, 422);
    assert_eq!(
        duplicate.summary(),
        ["A practice with the ODS code T00001 already exists"]
    );
    assert!(
        duplicate.body.contains(r#"value="Somewhere Else""#),
        "what was typed stays"
    );
    assert!(duplicate.body.contains("<title>Error: GP practices"));

    let malformed = server
        .post(
            "/staff/practices",
            &form("T0001", "New Surgery", "TPP"),
            Some(&admin),
        )
        .await;
    assert_eq!(malformed.status, 422);
    assert_eq!(
        malformed.summary(),
        ["ODS code must be a letter followed by 5 numbers, like A12345"]
    );

    let too_long = "a".repeat(101);
    for (fields, expected) in [
        (
            form("", " ", ""),
            vec![
                "Enter the practice's ODS code",
                "Enter the practice's name",
                "Select the practice's clinical system",
            ],
        ),
        (
            form("T00002", &too_long, "VISION"),
            vec![
                "Practice name must be 100 characters or fewer",
                "Select the practice's clinical system",
            ],
        ),
    ] {
        let refused = server.post("/staff/practices", &fields, Some(&admin)).await;
        assert_eq!(refused.status, 422);
        let summary = refused.summary();
        let summary: Vec<String> = summary.iter().map(|s| s.replace("&#x27;", "'")).collect();
        assert_eq!(summary, expected);
    }
    assert_eq!(fixture::practice_codes(db).await, before);
    assert_eq!(fixture::audit_count(db, AuditKind::PracticeAdded).await, 0);
    let riverside = app::db::practices::find(
        app::db::Db::connect(db).await.unwrap().pool(),
        &app::domain::OdsCode::parse("T00001").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(riverside.name, "Riverside Surgery", "never overwritten");
}

/// A raw form post with extra headers, as a browser on another site would send it.
async fn post_with(server: &TestServer, cookie: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = server
        .client
        .post(format!("{}/staff/practices", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body("ods_code=T00009&name=Forged+Surgery&system=TPP");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn only_administrators_may_see_or_add_practices() {
    let server = start(true).await;
    let db = server.database_url.as_str();
    let before = fixture::practice_codes(db).await;
    let valid = form("T00009", "Forged Surgery", "TPP");

    // Practice staff: the staff area's "not found", and no link to it.
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let page = server.get("/staff/practices", Some(&riverside)).await;
    assert_eq!(page.status, 404);
    assert!(!page.body.contains("Add a practice"));
    let posted = server
        .post("/staff/practices", &valid, Some(&riverside))
        .await;
    assert_eq!(posted.status, 404);
    let home = server.get("/staff", Some(&riverside)).await.body;
    assert!(!home.contains(NAV_LINK), "no link for practice staff");

    // Signed out: asked to sign in; a post is refused with the sign-in page.
    let page = server.get("/staff/practices", None).await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location.as_deref(),
        Some("/staff/sign-in?next=%2Fstaff%2Fpractices")
    );
    let posted = server.post("/staff/practices", &valid, None).await;
    assert_eq!(posted.status, 403);
    assert!(posted.body.contains(r#"action="/staff/sign-in""#));

    // An administrator's browser tricked by another site: refused before any handler.
    let admin = staff_sign_in(&server, ADMIN).await;
    for forged in [
        [("sec-fetch-site", "cross-site")],
        [("origin", "https://evil.example")],
    ] {
        let (status, body) = post_with(&server, &admin, &forged).await;
        assert_eq!(status, 403, "{forged:?}");
        assert!(body.contains("Nothing has been changed"), "{forged:?}");
    }
    assert_eq!(fixture::practice_codes(db).await, before);
    assert_eq!(fixture::audit_count(db, AuditKind::PracticeAdded).await, 0);

    // The same post from the site itself works: the refusals above were the checks.
    let (status, _) = post_with(&server, &admin, &[("sec-fetch-site", "same-origin")]).await;
    assert_eq!(status, 303);
    assert!(fixture::practice_codes(db)
        .await
        .contains(&"T00009".to_owned()));
}
