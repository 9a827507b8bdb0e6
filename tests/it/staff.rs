//! HTTP tests of the staff area: who may see and change what (a table of route × role ×
//! practice), the test-patient NHS number guard, the preview's time-box and banner, and PIN
//! document reissue feeding the patients' reset journey.

use app::db::audit::{AuditKind, NewAuditEvent};
use app::db::patients::DemographicSource;

use crate::common::{finish_staff_sign_in, fixture, start, Page, TestServer};

pub(crate) const RIVERSIDE: (&str, &str) = ("staff.riverside", "riverside-demo-password");
pub(crate) const HILLVIEW: (&str, &str) = ("staff.hillview", "hillview-demo-password");
/// Sam Patel, a real (non-test) demo patient at Riverside (T00001) with an unused PIN document.
const SAM: &str = "demo-patient-9990000018";

pub(crate) async fn staff_sign_in(
    server: &TestServer,
    (username, password): (&str, &str),
) -> String {
    let page = server
        .post(
            "/staff/sign-in",
            &[("username", username), ("password", password)],
            None,
        )
        .await;
    let page = finish_staff_sign_in(server, &page).await;
    assert_eq!(page.location.as_deref(), Some("/staff"));
    let cookie = page.cookie();
    assert!(cookie.starts_with("__Host-relink-staff="), "{cookie}");
    cookie
}

pub(crate) fn test_patient_form<'a>(nhs: &'a str, given: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("practice", "T00001"),
        ("given_name", given),
        ("family_name", "Test"),
        ("date_of_birth_day", "1"),
        ("date_of_birth_month", "2"),
        ("date_of_birth_year", "1990"),
        ("nhs_number", nhs),
        ("access", "dcr"),
        ("rule", "requested"),
        ("services", "record"),
        ("services", "appointments"),
    ]
}

/// Sets up a test patient at Riverside and returns its id.
async fn create_test_patient(server: &TestServer, cookie: &str, nhs: &str, given: &str) -> String {
    let page = server
        .post(
            "/staff/test-patients/new",
            &test_patient_form(nhs, given),
            Some(cookie),
        )
        .await;
    assert_eq!(page.status, 303, "{:?}", page.summary());
    page.location
        .unwrap()
        .trim_start_matches("/staff/patients/")
        .to_owned()
}

/// Issues a PIN document and returns (print path, secret cookie).
async fn reissue(server: &TestServer, cookie: &str, patient: &str) -> (String, String) {
    let page = server
        .post(
            &format!("/staff/patients/{patient}/pin-document"),
            &[("identity_check", "proof-of-address")],
            Some(cookie),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    (page.location.clone().unwrap(), page.cookie())
}

fn secret_on(page: &Page) -> String {
    let start = page
        .body
        .find(r#"relink-pin-secret">"#)
        .expect("the secret is shown")
        + 19;
    page.body[start..start + 11].to_owned()
}

#[tokio::test]
async fn every_staff_route_is_closed_to_other_practices_patients_and_strangers() {
    let server = start(true).await;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let hillview = staff_sign_in(&server, HILLVIEW).await;
    let patient = create_test_patient(&server, &riverside, "999 000 0085", "Tess").await;
    let (print, _) = reissue(&server, &riverside, &patient).await;
    let preview = server
        .post(
            &format!("/staff/patients/{patient}/preview"),
            &[("reason", "checking DCR")],
            Some(&riverside),
        )
        .await
        .location
        .unwrap();
    // A signed-in patient (Robin, demo account 1000000005) is nobody in the staff area.
    let patient_session = server
        .post(
            "/sign-in",
            &[
                ("account_id", "1000000005"),
                ("ods_code", "T00001"),
                ("passphrase", "river otter lantern forty two"),
            ],
            None,
        )
        .await
        .cookie();
    assert!(patient_session.starts_with("__Host-relink-session="));

    let by_id = [
        format!("/staff/patients/{patient}"),
        format!("/staff/patients/{patient}/pin-document"),
        format!("/staff/patients/{patient}/preview"),
        preview.clone(),
        print.clone(),
        format!("/staff/patients/{SAM}"),
        format!("/staff/patients/{SAM}/pin-document"),
    ];
    let lists = [
        "/staff",
        "/staff/test-patients",
        "/staff/test-patients/new",
        "/staff/patients?nhs_number=9990000085",
        "/staff/replacement-requests",
        "/staff/mismatches",
        "/staff/audit",
    ];
    let posts = [
        (
            format!("/staff/patients/{patient}/pin-document"),
            vec![("identity_check", "photo-id")],
        ),
        (
            format!("/staff/patients/{SAM}/pin-document"),
            vec![("identity_check", "photo-id")],
        ),
        (
            format!("/staff/patients/{patient}/preview"),
            vec![("reason", "x")],
        ),
        (format!("{preview}/end"), vec![]),
        (
            "/staff/test-patients/new".to_owned(),
            test_patient_form("999 000 0093", "Mallory"),
        ),
    ];

    for (who, cookie) in [
        ("nobody", None),
        ("a patient", Some(patient_session.as_str())),
    ] {
        for path in by_id.iter().map(String::as_str).chain(lists) {
            let page = server.get(path, cookie).await;
            assert_eq!(page.status, 303, "{who} GET {path}");
            // Asked to sign in, and brought back to the page after (the staff home needs no
            // return path).
            let expected = match path {
                "/staff" => "/staff/sign-in".to_owned(),
                // The page, not its query (a search is typed again).
                _ => {
                    let page = path.split('?').next().unwrap();
                    format!("/staff/sign-in?next={}", page.replace('/', "%2F"))
                }
            };
            assert_eq!(
                page.location.as_deref(),
                Some(expected.as_str()),
                "{who} GET {path}"
            );
        }
        for (path, form) in &posts {
            let page = server.post(path, form, cookie).await;
            assert_eq!(page.status, 403, "{who} POST {path}");
            assert!(!page.body.contains("Tess"), "{who} POST {path}");
        }
    }

    // Another practice's staff: every id is "not found", every list leaves the patient out.
    for path in &by_id {
        let page = server.get(path, Some(&hillview)).await;
        assert_eq!(page.status, 404, "hillview GET {path}");
        assert!(
            !page.body.contains("Tess") && !page.body.contains("999 000 0085"),
            "hillview GET {path}"
        );
    }
    for (path, form) in &posts[..4] {
        let page = server.post(path, form, Some(&hillview)).await;
        assert_eq!(page.status, 404, "hillview POST {path}");
    }
    let refused = server
        .post(
            "/staff/test-patients/new",
            &test_patient_form("999 000 0093", "Mallory"),
            Some(&hillview),
        )
        .await;
    assert_eq!(refused.status, 422, "a practice that is not theirs");
    assert_eq!(refused.summary(), ["Select one of your practices"]);
    for path in lists {
        let page = server.get(path, Some(&hillview)).await;
        assert_eq!(page.status, 200, "hillview GET {path}");
        for secret in ["Tess", "999 000 0085", "Taylor-Reid", "T00001"] {
            assert!(
                !page.body.contains(secret),
                "hillview GET {path} shows {secret}"
            );
        }
    }

    // The practice's own staff see and use all of it.
    for path in by_id.iter().filter(|p| **p != print) {
        let page = server.get(path, Some(&riverside)).await;
        let expected = if path.ends_with(&format!("{SAM}/preview")) {
            404
        } else {
            200
        };
        assert_eq!(page.status, expected, "riverside GET {path}");
    }
    for path in lists {
        assert_eq!(
            server.get(path, Some(&riverside)).await.status,
            200,
            "riverside GET {path}"
        );
    }
    let mismatches = server.get("/staff/mismatches", Some(&riverside)).await.body;
    assert!(mismatches.contains("Taylor-Reid") && mismatches.contains("Family name"));
    let audit = server.get("/staff/audit", Some(&riverside)).await.body;
    assert!(audit.contains("test_patient_created") && audit.contains("preview_started"));
    assert!(!audit.contains("E00001"), "only Riverside's events");
}

#[tokio::test]
async fn a_test_patient_needs_a_valid_999_range_nhs_number() {
    let server = start(true).await;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    for (nhs, message) in [
        ("", "Enter the test patient's NHS number"),
        ("999 123 4560", "This NHS number fails the Modulus 11 check. A test patient needs a valid number from 999 000 0000 to 999 999 9999"),
        ("999 123 4567", "This NHS number fails the Modulus 11 check. A test patient needs a valid number from 999 000 0000 to 999 999 9999"),
        ("943 476 5919", "A test patient's NHS number must be in the 999 000 0000 to 999 999 9999 range, which is never issued to real people"),
        ("999 000 0018", "A patient with this NHS number already exists. Use a different test number."),
    ] {
        let page = server.post("/staff/test-patients/new", &test_patient_form(nhs, "Tess"), Some(&riverside)).await;
        assert_eq!(page.status, 422, "{nhs}");
        assert_eq!(page.summary(), [message], "{nhs}");
    }
    let id = create_test_patient(&server, &riverside, "9990000085", "Tess").await;
    let page = server
        .get(&format!("/staff/patients/{id}"), Some(&riverside))
        .await;
    assert!(page.body.contains("Test patient") && page.body.contains("999 000 0085"));
    let list = server.get("/staff/test-patients", Some(&riverside)).await;
    assert!(list.body.contains("Tess Test"));
    // Never sent to PDS: a test patient has a GP record only.
    let sources = fixture::demographic_sources(&server.database_url, &id).await;
    assert_eq!(sources, [DemographicSource::ClinicalSystem]);
}

#[tokio::test]
async fn a_preview_shows_the_patient_view_under_a_banner_and_ends_after_30_minutes() {
    let server = start(true).await;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let id = create_test_patient(&server, &riverside, "9990000085", "Tess").await;
    let no_reason = server
        .post(
            &format!("/staff/patients/{id}/preview"),
            &[("reason", " ")],
            Some(&riverside),
        )
        .await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(
        no_reason.summary(),
        ["Enter why you are previewing this patient"]
    );
    let started = server
        .post(
            &format!("/staff/patients/{id}/preview"),
            &[("reason", "checking DCR")],
            Some(&riverside),
        )
        .await;
    let preview = started.location.unwrap();
    let live = server.get(&preview, Some(&riverside)).await;
    assert_eq!(live.status, 200);
    for shown in [
        "Test patient preview",
        "Nothing here can be changed",
        "Detailed Coded Record",
        "Your GP health record",
    ] {
        assert!(live.body.contains(shown), "{shown}");
    }
    // A real patient can never be previewed, even by their own practice.
    assert_eq!(
        server
            .get(&format!("/staff/patients/{SAM}/preview"), Some(&riverside))
            .await
            .status,
        404
    );
    assert_eq!(
        server
            .post(
                &format!("/staff/patients/{SAM}/preview"),
                &[("reason", "x")],
                Some(&riverside)
            )
            .await
            .status,
        404
    );

    fixture::expire_previews(&server.database_url).await;
    let ended = server.get(&preview, Some(&riverside)).await;
    assert_eq!(ended.status, 410);
    assert!(ended.body.contains("This preview has ended"));
    assert!(!ended.body.contains("Your GP health record"));
    let events = fixture::audit_events(
        &server.database_url,
        &[AuditKind::PreviewStarted, AuditKind::PreviewEnded],
    )
    .await;
    assert_eq!(
        events,
        [
            (
                "preview_started".to_owned(),
                "Reason: checking DCR".to_owned()
            ),
            (
                "preview_ended".to_owned(),
                "Ended after 30 minutes".to_owned()
            )
        ]
    );
}

#[tokio::test]
async fn a_reissued_pin_document_replaces_older_ones_and_works_in_the_reset_journey() {
    let server = start(true).await;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let missing = server
        .post(
            &format!("/staff/patients/{SAM}/pin-document"),
            &[],
            Some(&riverside),
        )
        .await;
    assert_eq!(missing.status, 422);
    assert_eq!(
        missing.summary(),
        ["Select how you checked the patient's identity"]
    );

    let (print, secret_cookie) = reissue(&server, &riverside, SAM).await;
    assert!(secret_cookie.starts_with("__Secure-relink-new-pin="));
    let shown = server
        .get(&print, Some(&format!("{riverside}; {secret_cookie}")))
        .await;
    assert_eq!(shown.status, 200);
    let secret = secret_on(&shown);
    assert_eq!(secret, secret_cookie.split_once('=').unwrap().1);
    for printed in [
        "Riverside Surgery",
        "T00001",
        "1000000001",
        "Date printed",
        "Use it by",
        "/reset-passphrase",
        "<svg aria-hidden=\"true\"",
    ] {
        assert!(shown.body.contains(printed), "{printed}");
    }
    // Shown once: reloading (the cookie is cleared) or forging the cookie shows nothing.
    assert!(shown
        .set_cookie
        .as_deref()
        .is_some_and(|c| c.contains("Max-Age=0")));
    for cookie in [
        riverside.clone(),
        format!("{riverside}; __Secure-relink-new-pin=abcde-fghij"),
    ] {
        let again = server.get(&print, Some(&cookie)).await;
        assert!(again
            .body
            .contains("This PIN document has already been shown"));
        assert!(!again.body.contains(&secret));
    }

    let reset = |pin: String| {
        let server = &server;
        async move {
            server
                .post(
                    "/reset-passphrase",
                    &[
                        ("account_id", "1000000001"),
                        ("ods_code", "T00001"),
                        ("pin_passphrase", &pin),
                        ("date_of_birth_day", "1"),
                        ("date_of_birth_month", "2"),
                        ("date_of_birth_year", "1980"),
                    ],
                    None,
                )
                .await
        }
    };
    let old = reset("demo-pin-1".to_owned()).await;
    assert_eq!(old.status, 422, "the older document stopped working");
    let new = reset(secret).await;
    assert_eq!(new.status, 303, "{}", new.body);
    assert_eq!(
        new.location.as_deref(),
        Some("/reset-passphrase/new-passphrase")
    );

    let details = fixture::audit_details(&server.database_url, AuditKind::PinDocumentIssued).await;
    let detail = &details[0];
    assert!(
        detail.contains("proof-of-address") && detail.contains("1 older unused"),
        "{detail}"
    );
}

/// A sign-in link someone sends cannot take staff off the staff area: only a `/staff/…` path
/// is kept, and anything else lands on the staff home page.
#[tokio::test]
async fn signing_in_goes_back_to_a_staff_page_and_nowhere_else() {
    let server = start(true).await;
    // No authenticator code works twice: the demo's four members take turns, so no member
    // needs more than the codes of now and of the next step.
    let members: Vec<(&str, &str)> = app::demo::DEMO_STAFF
        .iter()
        .map(|(username, password, _)| (*username, *password))
        .chain([app::demo::DEMO_ADMIN])
        .collect();
    for (turn, (next, lands)) in [
        ("/staff/audit", "/staff/audit"),
        ("https://evil.example/staff/x", "/staff"),
        ("//evil.example/staff/x", "/staff"),
        ("/staff/../account", "/staff"),
        ("/staff//evil.example", "/staff"),
        ("/account", "/staff"),
        ("/staff/sign-in", "/staff"),
        ("", "/staff"),
    ]
    .into_iter()
    .enumerate()
    {
        let (username, password) = members[turn % members.len()];
        let shown = server
            .get(
                &format!("/staff/sign-in?next={}", next.replace('/', "%2F")),
                None,
            )
            .await;
        assert_eq!(shown.status, 200);
        let kept = shown.body.contains(r#"type="hidden" name="next""#);
        assert_eq!(kept, lands != "/staff", "{next:?} kept: {kept}");
        let page = server
            .post(
                "/staff/sign-in",
                &[
                    ("username", username),
                    ("password", password),
                    ("next", next),
                ],
                None,
            )
            .await;
        let page = finish_staff_sign_in(&server, &page).await;
        assert_eq!(page.status, 303, "{next:?}");
        assert_eq!(page.location.as_deref(), Some(lands), "{next:?}");
    }
    let (username, _) = RIVERSIDE;
    // A wrong password keeps the page to go back to, and goes nowhere.
    let wrong = server
        .post(
            "/staff/sign-in",
            &[
                ("username", username),
                ("password", "wrong"),
                ("next", "/staff/audit"),
            ],
            None,
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(wrong
        .body
        .contains(r#"<input type="hidden" name="next" value="/staff/audit""#));
}

#[tokio::test]
async fn staff_sign_in_is_generic_throttled_and_separate_from_patients() {
    let server = start(true).await;
    for (username, password) in [
        ("staff.riverside", "wrong"),
        ("nobody.here", "riverside-demo-password"),
    ] {
        let page = server
            .post(
                "/staff/sign-in",
                &[("username", username), ("password", password)],
                None,
            )
            .await;
        assert_eq!(page.status, 422);
        assert_eq!(page.summary(), ["The username or password is not correct"]);
    }
    for attempt in 2..=5 {
        let page = server
            .post(
                "/staff/sign-in",
                &[("username", "staff.riverside"), ("password", "wrong")],
                None,
            )
            .await;
        assert_eq!(page.status, if attempt == 5 { 429 } else { 422 });
    }
    let locked = server
        .post(
            "/staff/sign-in",
            &[
                ("username", "staff.riverside"),
                ("password", "riverside-demo-password"),
            ],
            None,
        )
        .await;
    assert_eq!(locked.status, 429);
    let cookie = staff_sign_in(&server, HILLVIEW).await;
    // A staff session is not a patient session.
    assert_eq!(
        server
            .get("/account", Some(&cookie))
            .await
            .location
            .as_deref(),
        Some("/sign-in")
    );
    let out = server.post("/staff/sign-out", &[], Some(&cookie)).await;
    assert_eq!(out.location.as_deref(), Some("/staff/sign-in?signed_out=1"));
    assert_eq!(
        server.get("/staff", Some(&cookie)).await.status,
        303,
        "the session ended"
    );
}

#[tokio::test]
async fn staff_added_on_the_command_line_sign_in_with_the_printed_password() {
    let server = start(true).await;
    let add = |args: &'static [&'static str]| run_relink(args, &server.database_url);
    let output = add(&["staff", "add", "admin.one", "--admin"]).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let password = crate::common::printed_password(&stdout);
    assert_eq!(password.len(), 23, "{stdout}");
    let admin = crate::common::first_staff_sign_in(
        &server,
        "admin.one",
        &password,
        "copper kettle sunrise meadow",
    )
    .await;
    let home = server.get("/staff", Some(&admin)).await.body;
    assert!(
        home.contains("T00001") && home.contains("E00001"),
        "an administrator sees every practice"
    );

    let again = add(&["staff", "add", "admin.one", "--admin"]).await;
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let unknown = add(&["staff", "add", "someone", "--practice", "Z99999"]).await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no practice with the ODS code Z99999")
    );
    let neither = add(&["staff", "add", "someone"]).await;
    assert_eq!(
        neither.status.code(),
        Some(2),
        "a practice or --admin is required"
    );
}

#[tokio::test]
async fn the_audit_log_filters_by_patient_and_event_and_pages_by_20() {
    let server = start(true).await;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    // 25 failed resets of Sam's document: 25 events about Sam, at Riverside.
    let failed_reset = NewAuditEvent {
        kind: AuditKind::PinVerificationFailed,
        actor: "patient",
        practice_ods: Some("T00001"),
        patient_id: Some(SAM),
        detail: "test",
    };
    for i in 0..25 {
        fixture::record_audit_event(&server.database_url, &failed_reset, 1_000 + i).await;
    }
    let filter = format!("/staff/audit?patient={SAM}&kind=pin_verification_failed");
    let first = server.get(&filter, Some(&riverside)).await.body;
    assert_eq!(
        first
            .matches(r#"<td class="nhsuk-table__cell">PIN document check failed</td>"#)
            .count(),
        20
    );
    assert!(first.contains("page=1") && first.contains(">Next<"));
    assert!(!first.contains(">Previous<"));
    let second = server
        .get(&format!("{filter}&page=1"), Some(&riverside))
        .await
        .body;
    assert_eq!(
        second
            .matches(r#"<td class="nhsuk-table__cell">PIN document check failed</td>"#)
            .count(),
        5
    );
    assert!(second.contains(">Previous<") && !second.contains(">Next<"));
    let other_kind = server
        .get(
            &format!("/staff/audit?patient={SAM}&kind=signed_in"),
            Some(&riverside),
        )
        .await
        .body;
    assert_eq!(
        other_kind
            .matches(r#"<td class="nhsuk-table__cell">PIN document check failed</td>"#)
            .count(),
        0
    );
    // Hillview sees none of Riverside's events, even asking for Sam by id.
    let hillview = staff_sign_in(&server, HILLVIEW).await;
    let theirs = server.get(&filter, Some(&hillview)).await.body;
    assert!(theirs.contains("No events match."));
}

/// The text of the printed document (the `<article>`), tags removed and spaces collapsed.
fn document_text(page: &Page) -> String {
    let start = page
        .body
        .find(r#"class="relink-pin-document">"#)
        .unwrap_or_else(|| panic!("the document is shown: {}", page.body));
    let end = start + page.body[start..].find("</article>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in page.body[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn staff_pages_follow_the_welsh_language_choice() {
    let server = start(true).await;
    let welsh = "relink-lang=cy";
    let sign_in = server.get("/staff/sign-in", Some(welsh)).await;
    assert_eq!(sign_in.status, 200);
    assert!(sign_in
        .body
        .contains("<h1>Mewngofnodi i ardal y staff</h1>"));
    let wrong = server
        .post(
            "/staff/sign-in",
            &[("username", "staff.riverside"), ("password", "wrong")],
            Some(welsh),
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(
        wrong.summary(),
        ["Mae'r enw defnyddiwr neu'r cyfrinair yn anghywir"]
    );

    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let cookie = format!("{riverside}; {welsh}");
    let home = server.get("/staff", Some(&cookie)).await.body;
    assert!(
        home.contains("<h1>Beth sydd angen eich sylw</h1>"),
        "{home}"
    );
    let missing = server
        .post(
            "/staff/test-patients/new",
            &test_patient_form("", "Tess"),
            Some(&cookie),
        )
        .await;
    assert_eq!(missing.status, 422);
    assert!(missing.body.contains("<h1>Sefydlu claf prawf</h1>"));
    assert!(missing.body.contains(
        "<title>Gwall: Sefydlu claf prawf – Rheoli eich cyfrif ar-lein meddyg teulu – GIG</title>"
    ));
    let no_check = server
        .post(
            &format!("/staff/patients/{SAM}/pin-document"),
            &[],
            Some(&cookie),
        )
        .await;
    assert_eq!(
        no_check.summary(),
        ["Dewiswch sut gwnaethoch chi wirio pwy yw'r claf"]
    );
    // The mismatch list names the field, and writes the dates, in Welsh.
    let mismatches = server.get("/staff/mismatches", Some(&cookie)).await.body;
    assert!(mismatches.contains("<h1>Gwahaniaethau demograffig</h1>"));
    assert!(
        mismatches.contains(r#"<td class="nhsuk-table__cell">Cyfenw</td>"#)
            && mismatches.contains("Taylor-Reid")
    );
    assert!(!mismatches.contains("Family name"));
}

#[tokio::test]
async fn a_welsh_practice_prints_its_pin_documents_in_welsh_and_english() {
    use app::db::practices::{Practice, PracticeServices};
    use app::domain::{ClinicalSystem, OdsCode};
    use app::language::{long_date, Locale};

    let server = start(true).await;
    // A practice in Wales (ODS code starting with W), with its own member of staff.
    fixture::add_practice(
        &server.database_url,
        &Practice {
            ods_code: OdsCode::parse("W00001").unwrap(),
            name: "Meddygfa Glan yr Afon".to_owned(),
            clinical_system: ClinicalSystem::Tpp,
            services: PracticeServices::ALL,
        },
    )
    .await;
    let output = run_relink(
        &["staff", "add", "staff.afon", "--practice", "W00001"],
        &server.database_url,
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let password = crate::common::printed_password(&stdout);
    let afon = crate::common::first_staff_sign_in(
        &server,
        "staff.afon",
        &password,
        "copper kettle sunrise meadow",
    )
    .await;
    let mut form = test_patient_form("999 000 0085", "Tess");
    form[0] = ("practice", "W00001");
    let created = server
        .post("/staff/test-patients/new", &form, Some(&afon))
        .await;
    assert_eq!(created.status, 303, "{:?}", created.summary());
    let patient = created
        .location
        .unwrap()
        .trim_start_matches("/staff/patients/")
        .to_owned();

    // Printed from an English page: every heading, label and instruction in Welsh, then English.
    let (print, secret) = reissue(&server, &afon, &patient).await;
    let page = server.get(&print, Some(&format!("{afon}; {secret}"))).await;
    assert_eq!(page.status, 200);
    let text = document_text(&page);
    for both in [
        "Eich dogfen PIN ar gyfer gwasanaethau ar-lein meddyg teulu / Your GP online services PIN document",
        "Cod ODS y practis / Practice ODS code W00001",
        "ID Cyfrif / Account ID",
        "Cyfrinymadrodd untro / One-time passphrase",
        "Dyddiad argraffu / Date printed",
        "Defnyddiwch hi erbyn / Use it by",
        "Sut i'w defnyddio / How to use it",
        "Dewiswch gyfrinymadrodd newydd. Choose a new passphrase.",
    ] {
        assert!(text.contains(both), "{both} in {text}");
    }
    assert!(page
        .body
        .contains(r#"<span lang="cy">ID Cyfrif</span> / <span lang="en">Account ID</span>"#));
    let today = time::OffsetDateTime::now_utc().date();
    assert!(
        [today, today.previous_day().unwrap()]
            .iter()
            .any(|d| text.contains(&format!(
                "{} / {}",
                long_date(*d, Locale::cy),
                long_date(*d, Locale::en)
            ))),
        "the dates in both languages: {text}"
    );
    // The staff's own instructions around it stay in the page's language.
    assert!(page.body.contains("Print this now"));
    assert!(!page.body.contains("Argraffwch hon nawr"));

    // An English practice's document is in the page's language only.
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let (print, secret) = reissue(&server, &riverside, SAM).await;
    let english = document_text(
        &server
            .get(&print, Some(&format!("{riverside}; {secret}")))
            .await,
    );
    assert!(english.contains("Account ID") && english.contains("Date printed"));
    for welsh in ["ID Cyfrif", "Dyddiad argraffu", "Mawrth", " / "] {
        assert!(!english.contains(welsh), "{welsh} in {english}");
    }
    let (print, secret) = reissue(&server, &riverside, SAM).await;
    let in_welsh = document_text(
        &server
            .get(
                &print,
                Some(&format!("{riverside}; {secret}; relink-lang=cy")),
            )
            .await,
    );
    assert!(in_welsh.contains("ID Cyfrif") && in_welsh.contains("Dyddiad argraffu"));
    assert!(!in_welsh.contains("Account ID") && !in_welsh.contains("Date printed"));
}

/// A PIN document reissued by staff ends every session of the patient's account, and its
/// email address is told, in the language the patient last used; when that is not known, a
/// Welsh practice's patient is told in Welsh, then English. No address, no message.
#[tokio::test]
async fn a_reissue_signs_out_every_device_and_tells_the_accounts_email_address() {
    let server = start(true).await;
    let sign_in = |language: Option<&'static str>| {
        let server = &server;
        async move {
            let form = [
                ("account_id", "1000000005"),
                ("ods_code", "T00001"),
                ("passphrase", "river otter lantern forty two"),
            ];
            let page = server.post("/sign-in", &form, language).await;
            assert_eq!(page.location.as_deref(), Some("/account"), "{}", page.body);
            page.cookie()
        }
    };
    let phone = sign_in(None).await;
    // The last sign-in was in Welsh: the patient's language is Welsh.
    let laptop = sign_in(Some("relink-lang=cy")).await;
    fixture::set_email(
        &server.database_url,
        "T00001",
        "1000000005",
        "robin@example.com",
    )
    .await;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;

    reissue(&server, &riverside, SAM).await;
    assert!(
        fixture::outbox_messages(&server.database_url)
            .await
            .is_empty(),
        "Sam's account has no email address"
    );

    reissue(&server, &riverside, "demo-patient-9990000050").await;
    for cookie in [&phone, &laptop] {
        let page = server.get("/account", Some(cookie)).await;
        assert_eq!(
            (page.status, page.location.as_deref()),
            (303, Some("/sign-in?signed_out=timeout")),
            "signed out by the reissue"
        );
    }
    let details = fixture::audit_details(&server.database_url, AuditKind::PinDocumentIssued).await;
    assert!(details[1].ends_with("; 2 session(s) ended"), "{details:?}");
    let messages = fixture::outbox_messages(&server.database_url).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let (to, subject, body, purpose) = &messages[0];
    assert_eq!(
        (to.as_str(), subject.as_str(), purpose.as_str()),
        (
            "robin@example.com",
            "Cafodd dogfen PIN newydd ei rhoi ar gyfer eich cyfrif",
            "pin_document_reissued"
        )
    );
    assert!(body.contains("Mae Riverside Surgery wedi rhoi dogfen PIN newydd"));
    assert!(body.contains("cysylltwch gyda Riverside Surgery ar unwaith"));
    assert!(!body.contains("If you did not ask"), "Welsh only: {body}");

    // Gethin Lewis (W00001) has an address but has not signed in since: Welsh, then English.
    let afon = staff_sign_in(&server, ("staff.glanyrafon", "glanyrafon-demo-password")).await;
    reissue(&server, &afon, "demo-patient-9990000328").await;
    let messages = fixture::outbox_messages(&server.database_url).await;
    let (to, subject, body, _) = &messages[1];
    assert_eq!(to, "gethin.lewis@example.com");
    assert_eq!(
        subject,
        "Cafodd dogfen PIN newydd ei rhoi ar gyfer eich cyfrif / A new PIN document was issued for your account"
    );
    let welsh = body.find("Mae Meddygfa Glan yr Afon wedi rhoi").unwrap();
    let english = body
        .find("If you did not ask for a new PIN document, contact Meddygfa Glan yr Afon straight away.")
        .unwrap();
    assert!(welsh < english, "{body}");
}

/// Every staff read of an identifiable record appends exactly one event naming the member,
/// the practice and (when one patient is shown) the patient: the patient page, a search, the
/// replacement requests and mismatch lists, and the printed PIN document.
#[tokio::test]
async fn every_staff_read_of_a_patients_record_is_audited() {
    let server = start(true).await;
    let db = server.database_url.as_str();
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let entries = |kind| fixture::audit_entries(db, kind);
    let entry = |practice: Option<&str>, patient: Option<&str>, detail: &str| {
        (
            RIVERSIDE.0.to_owned(),
            practice.map(str::to_owned),
            patient.map(str::to_owned),
            detail.to_owned(),
        )
    };

    assert_eq!(
        server
            .get(&format!("/staff/patients/{SAM}"), Some(&riverside))
            .await
            .status,
        200
    );
    assert_eq!(
        entries(AuditKind::StaffViewedPatient).await,
        [entry(Some("T00001"), Some(SAM), "")]
    );

    let search = server
        .get("/staff/patients?nhs_number=9990000018", Some(&riverside))
        .await;
    assert!(search.body.contains(SAM), "Sam is found");
    // A number that is not one searches nothing, and is not a read.
    let typo = server
        .get("/staff/patients?nhs_number=12345", Some(&riverside))
        .await;
    assert_eq!(typo.status, 422);
    // Hillview's patient is not shown: a search that found nobody, in Riverside's log.
    let hillview_patient = server
        .get("/staff/patients?nhs_number=9990000042", Some(&riverside))
        .await;
    assert!(!hillview_patient.body.contains("demo-patient-9990000042"));
    assert_eq!(
        entries(AuditKind::StaffSearchedPatients).await,
        [
            entry(
                Some("T00001"),
                Some(SAM),
                "Search by NHS number: 1 patient(s) found"
            ),
            entry(
                Some("T00001"),
                None,
                "Search by NHS number: 0 patient(s) found"
            ),
        ]
    );

    for (path, kind) in [
        (
            "/staff/replacement-requests",
            AuditKind::StaffViewedRequests,
        ),
        ("/staff/mismatches", AuditKind::StaffViewedMismatches),
    ] {
        assert_eq!(server.get(path, Some(&riverside)).await.status, 200);
        let logged = entries(kind).await;
        assert_eq!(logged.len(), 1, "{path}: {logged:?}");
        let (actor, practice, _, detail) = &logged[0];
        assert_eq!(
            (actor.as_str(), practice.as_deref()),
            (RIVERSIDE.0, Some("T00001"))
        );
        assert!(detail.ends_with("shown"), "{detail}");
    }

    let patient = create_test_patient(&server, &riverside, "999 000 0085", "Tess").await;
    let (print, secret) = reissue(&server, &riverside, &patient).await;
    let document = print.rsplit('/').nth(1).unwrap().to_owned();
    let printed = server
        .get(&print, Some(&format!("{riverside}; {secret}")))
        .await;
    secret_on(&printed);
    // Shown once: coming back (the cookie cleared) shows nothing, and logs nothing more.
    let again = server.get(&print, Some(&riverside)).await;
    assert!(again.body.contains("already been shown"));
    assert_eq!(
        entries(AuditKind::StaffPrintedPinDocument).await,
        [entry(
            Some("T00001"),
            Some(&patient),
            &format!("PIN document {document} shown for printing")
        )]
    );
}

/// Events of no practice (staff sign-ins, lockouts of a connection) are for administrators:
/// practice staff do not see them in the audit log, an administrator does.
#[tokio::test]
async fn only_administrators_see_events_of_no_practice() {
    let server = start(true).await;
    let db = server.database_url.as_str();
    let lockout = NewAuditEvent {
        kind: AuditKind::ClientLockout,
        actor: "system",
        practice_ods: None,
        patient_id: None,
        detail: "connection locked for the test",
    };
    fixture::record_audit_event(db, &lockout, 1_000).await;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    fixture::add_administrator(db, "admin.one", "admin-test-password").await;
    let admin = staff_sign_in(&server, ("admin.one", "admin-test-password")).await;

    for kind in ["client_lockout", "staff_signed_in"] {
        let path = format!("/staff/audit?kind={kind}");
        let theirs = server.get(&path, Some(&riverside)).await.body;
        assert!(theirs.contains("No events match."), "{kind}: {theirs}");
        let admins = server.get(&path, Some(&admin)).await.body;
        assert!(!admins.contains("No events match."), "{kind}: {admins}");
    }
    let admins = server
        .get("/staff/audit?kind=client_lockout", Some(&admin))
        .await
        .body;
    assert!(admins.contains("connection locked for the test"));
    // Practice events stay visible to the practice.
    server
        .get(&format!("/staff/patients/{SAM}"), Some(&riverside))
        .await;
    let theirs = server
        .get("/staff/audit?kind=staff_viewed_patient", Some(&riverside))
        .await
        .body;
    assert!(theirs.contains("Patient details viewed"), "{theirs}");
}

/// Runs `relink` with `args` on `database_url` beside a server of this test, and waits for it
/// without blocking the runtime: a test's server runs on the test's own (single) thread, so a
/// blocking wait would freeze it, perhaps inside a transaction whose SQLite write lock the
/// command then waits for until it gives up ("database is locked", seen in CI).
pub(crate) async fn run_relink(args: &[&str], database_url: &str) -> std::process::Output {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let database_url = database_url.to_owned();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_relink"))
            .args(&args)
            .env("DATABASE_URL", &database_url)
            .env_remove("SMTP_URL")
            .output()
            .expect("run relink")
    })
    .await
    .unwrap()
}

/// The staff home page's counts agree with their number (issue #23): "1 difference" and "2
/// differences", and in Welsh the form each number takes ("1 gwahaniaeth", "2 wahaniaeth",
/// "3 chlaf prawf"; none at all is "Dim").
#[tokio::test]
async fn the_staff_home_page_counts_agree_with_their_numbers_in_english_and_welsh() {
    let server = start(true).await;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let welsh = format!("{riverside}; relink-lang=cy");
    let english_home = async || server.get("/staff", Some(&riverside)).await.body;
    let welsh_home = async || server.get("/staff", Some(&welsh)).await.body;

    // The demo: one difference (Robin Taylor's family name), one test patient (Pat Tester), no
    // replacement requests.
    let home = english_home().await;
    for count in [
        "1 difference between your clinical system and PDS",
        "1 test patient you can preview",
        "0 patients replaced their account",
    ] {
        assert!(home.contains(count), "{count}\n{home}");
    }
    let home = welsh_home().await;
    for count in [
        "1 gwahaniaeth rhwng eich system glinigol a PDS",
        "1 claf prawf y gallwch gael rhagolwg ohono",
        "Dim cleifion wedi amnewid eu cyfrif",
    ] {
        assert!(home.contains(count), "{count}\n{home}");
    }

    // A second difference (the GP record's given name) and a second test patient.
    fixture::change_gp_record(&server.database_url, "demo-patient-9990000050", |record| {
        record.given_name = "Robyn".to_owned();
    })
    .await;
    create_test_patient(&server, &riverside, "9990000115", "Tess").await;
    let home = english_home().await;
    for count in [
        "2 differences between your clinical system and PDS",
        "2 test patients you can preview",
    ] {
        assert!(home.contains(count), "{count}\n{home}");
    }
    let home = welsh_home().await;
    for count in [
        "2 wahaniaeth rhwng eich system glinigol a PDS",
        "2 glaf prawf y gallwch gael rhagolwg ohonynt",
    ] {
        assert!(home.contains(count), "{count}\n{home}");
    }

    // Three, and four: Welsh has a form for 3 and another for most numbers.
    create_test_patient(&server, &riverside, "9990000123", "Tom").await;
    assert!(english_home()
        .await
        .contains("3 test patients you can preview"));
    assert!(welsh_home()
        .await
        .contains("3 chlaf prawf y gallwch gael rhagolwg ohonynt"));
    create_test_patient(&server, &riverside, "9990000131", "Tia").await;
    assert!(welsh_home()
        .await
        .contains("4 o gleifion prawf y gallwch gael rhagolwg ohonynt"));
}

/// "A date set in the clinical system" reveals its date (nhsuk's conditional reveal): the date
/// input sits under that answer, marked hidden while another answer is chosen (nhsuk-frontend
/// hides it only when its script runs) and shown when that answer is chosen, as it is when the
/// date has a problem.
#[tokio::test]
async fn the_date_set_in_the_clinical_system_is_asked_under_its_answer() {
    let server = start(true).await;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let form = server
        .get("/staff/test-patients/new", Some(&riverside))
        .await;
    assert_eq!(form.status, 200);
    let reveal = conditional_reveal(&form.body, "conditional-rule");
    assert!(
        reveal.class.contains("nhsuk-radios__conditional--hidden"),
        "another answer is chosen: {}",
        reveal.class
    );
    assert!(
        reveal.html.contains(r#"id="visible-from""#),
        "{}",
        reveal.html
    );
    assert!(reveal.html.contains("Date set in the clinical system"));
    let answer = input_tag(&form.body, r#"value="practice_set""#);
    assert!(
        answer.contains(r#"data-aria-controls="conditional-rule""#),
        "{answer}"
    );

    let mut chosen = test_patient_form("9990000115", "Tess");
    for field in &mut chosen {
        if field.0 == "rule" {
            field.1 = "practice_set";
        }
    }
    let refused = server
        .post("/staff/test-patients/new", &chosen, Some(&riverside))
        .await;
    assert_eq!(refused.status, 422, "{:?}", refused.summary());
    assert_eq!(
        refused.summary(),
        ["Enter the date set in the clinical system"]
    );
    let reveal = conditional_reveal(&refused.body, "conditional-rule");
    assert_eq!(reveal.class, "nhsuk-radios__conditional", "shown");
    assert!(
        reveal
            .html
            .contains("Enter the date set in the clinical system"),
        "the problem is in the revealed part: {}",
        reveal.html
    );
    assert!(input_tag(&refused.body, r#"value="practice_set""#).contains("checked"));

    chosen.extend([
        ("visible_from_day", "1"),
        ("visible_from_month", "4"),
        ("visible_from_year", "2024"),
    ]);
    let created = server
        .post("/staff/test-patients/new", &chosen, Some(&riverside))
        .await;
    assert_eq!(created.status, 303, "{:?}", created.summary());

    // Changing a patient's access asks the same way (registering shares the fields).
    let access = server
        .get(&format!("/staff/patients/{SAM}/access"), Some(&riverside))
        .await;
    assert_eq!(access.status, 200);
    let reveal = conditional_reveal(&access.body, "conditional-rule");
    assert!(
        reveal.html.contains(r#"id="visible-from""#),
        "{}",
        reveal.html
    );
}

/// A conditional reveal's `class` and inner HTML, found by its id.
struct Reveal {
    class: String,
    html: String,
}

fn conditional_reveal(body: &str, id: &str) -> Reveal {
    let marker = format!(r#" id="{id}""#);
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no element with id {id}"));
    let open = body[..at].rfind('<').unwrap();
    let tag = &body[open..at + body[at..].find('>').unwrap() + 1];
    assert!(tag.starts_with("<div"), "{tag}");
    let class = tag
        .split_once(r#"class=""#)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(class, _)| class.to_owned())
        .unwrap_or_default();
    assert!(class.contains("nhsuk-radios__conditional"), "{tag}");
    // The content ends where the next answer of the question starts.
    let content = &body[open + tag.len()..];
    let end = content
        .find(r#"<div class="nhsuk-radios__item""#)
        .unwrap_or(content.len());
    Reveal {
        class,
        html: content[..end].to_owned(),
    }
}

/// The `<input …>` tag that contains `attribute`.
fn input_tag<'a>(body: &'a str, attribute: &str) -> &'a str {
    let at = body
        .find(attribute)
        .unwrap_or_else(|| panic!("no {attribute}"));
    let open = body[..at].rfind("<input").unwrap();
    &body[open..at + body[at..].find('>').unwrap() + 1]
}
