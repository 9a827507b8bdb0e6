//! HTTP tests of what PDS values do in Relink: "Check against PDS" on a staff patient page,
//! against NHS England's own sandbox (full, restricted, minimal, not-found records) and a
//! local server for what the sandbox never does (a superseded record); restricted records
//! leave no address anywhere; a deceased patient's account opens nothing; a PDS that is down
//! changes nothing; the background refresh.

use std::num::NonZeroU32;
use std::time::Duration;

use app::db::audit::AuditKind;
use app::pds::{PdsAuth, PdsConfig};
use app::server::AppState;

use crate::common::{fixture, pds_sandbox, start, start_configured, TestServer};
use crate::staff::{staff_sign_in, HILLVIEW, RIVERSIDE};

/// Robin: a Riverside patient with a passphrase (river otter lantern forty two).
const ROBIN: &str = "demo-patient-9990000050";
const ROBIN_NHS: &str = "9990000050";
/// Dana: a Riverside patient with a GP-record address.
const DANA: &str = "demo-patient-9990000069";
const DANA_NHS: &str = "9990000069";

fn pds_config(base_url: String) -> PdsConfig {
    PdsConfig {
        base_url,
        auth: PdsAuth::None,
        requests_per_second: NonZeroU32::new(50).unwrap(),
        attempt_timeout: Duration::from_secs(5),
        attempts: 2,
    }
}

/// A demo server whose PDS is at `base_url`, with no background refresh (the tests drive it),
/// and its state for calling the refresh directly.
async fn start_with_pds(base_url: String) -> (TestServer, AppState) {
    let mut state = None;
    let server = start_configured(
        true,
        |config| {
            config.pds = Some(pds_config(base_url));
            config.pds_refresh_interval = None;
        },
        |s| state = Some(s.clone()),
    )
    .await;
    // The demo seeds its Spine values as read at start: make them an hour old, so a check is
    // not answered with "checked less than a minute ago".
    fixture::backdate_pds_reads(&server.database_url, 3600).await;
    (server, state.unwrap())
}

/// The patient now has NHS number `to` (a sandbox scenario).
async fn renumber(server: &TestServer, from: &str, to: &str) {
    fixture::change_patient(&server.database_url, from, |patient| {
        patient.nhs_number = app::domain::NhsNumber::parse(to).unwrap();
    })
    .await;
}

/// Presses "Check against PDS" and returns where it led, then the page there.
async fn check(server: &TestServer, cookie: &str, patient: &str) -> (String, String) {
    let pressed = server
        .post(
            &format!("/staff/patients/{patient}/check-pds"),
            &[],
            Some(cookie),
        )
        .await;
    assert_eq!(pressed.status, 303, "{}", pressed.body);
    let location = pressed.location.unwrap();
    let page = server.get(&location, Some(cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    (location, page.body)
}

#[tokio::test]
async fn a_full_record_is_read_stored_and_shown_with_its_date_and_a_deceased_patient_is_refused_everything(
) {
    let (server, _) = start_with_pds(pds_sandbox::url().await).await;
    let db = &server.database_url;
    renumber(&server, ROBIN_NHS, "9000000009").await;
    let staff = staff_sign_in(&server, RIVERSIDE).await;

    let (location, body) = check(&server, &staff, ROBIN).await;
    assert_eq!(location, format!("/staff/patients/{ROBIN}?pds=checked"));
    for shown in [
        "Checked against PDS just now.",
        "Jane Smith",
        "1 Trevelyan Square, Boar Lane, City Centre, Leeds, West Yorkshire, LS1 6AE",
        "Y12345",
        "Female",
        "Not restricted",
        "Recorded as deceased",
        "PDS records that this patient died on 22 October 2010",
        "PDS has this patient registered at another practice",
    ] {
        assert!(
            body.contains(shown),
            "{shown:?} missing from the patient page"
        );
    }
    assert!(body.contains("Read from PDS on "), "the read date is shown");
    let snapshot = fixture::pds_snapshot(db, ROBIN).await.unwrap();
    assert_eq!(snapshot.version.as_deref(), Some("2"));
    assert_eq!(snapshot.family_name.as_deref(), Some("Smith"));
    assert_eq!(
        fixture::audit_count(db, AuditKind::StaffCheckedPds).await,
        1
    );

    // Pressed again at once: PDS is not asked again.
    let (location, body) = check(&server, &staff, ROBIN).await;
    assert!(location.ends_with("?pds=checked-just-now"), "{location}");
    assert!(body.contains("less than a minute ago"));
    assert_eq!(
        fixture::audit_count(db, AuditKind::StaffCheckedPds).await,
        1
    );

    // The right passphrase opens nothing now, and says why.
    let form = [
        ("account_id", "1000000005"),
        ("ods_code", "T00001"),
        ("passphrase", "river otter lantern forty two"),
    ];
    let page = server.post("/sign-in", &form, None).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(
        page.body.contains("online access has ended"),
        "{}",
        page.body
    );
    assert_eq!(page.set_cookie, None, "no session");
    // A reset with a good PIN document ends on the same answer, and sets nothing.
    fixture::renew_pin_document(db, "demo-pin-document-1000000005", "demo-pin-5").await;
    let reset = [
        ("account_id", "1000000005"),
        ("ods_code", "T00001"),
        ("pin_passphrase", "demo-pin-5"),
        ("date_of_birth_day", "5"),
        ("date_of_birth_month", "6"),
        ("date_of_birth_year", "1968"),
    ];
    let page = server.post("/reset-passphrase", &reset, None).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(
        page.body.contains("You cannot use this account"),
        "{}",
        page.body
    );
    assert_eq!(
        fixture::audit_count(db, AuditKind::RefusedDeceased).await,
        2
    );
    // Nor is a new PIN document issued (nor an email sent to their address).
    let reissue = server
        .post(
            &format!("/staff/patients/{ROBIN}/pin-document"),
            &[("identity_check", "photo-id")],
            Some(&staff),
        )
        .await;
    assert_eq!(reissue.status, 422, "{}", reissue.body);
    assert!(reissue.body.contains("no PIN document can be issued"));
}

#[tokio::test]
async fn a_restricted_record_leaves_no_address_on_any_page_or_in_the_database() {
    let (server, _) = start_with_pds(pds_sandbox::url().await).await;
    let db = &server.database_url;
    renumber(&server, DANA_NHS, "9000000025").await;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let before = fixture::stored_addresses(db, DANA).await;
    assert!(
        before.iter().any(|(line, _)| !line.is_empty()),
        "Dana had an address: {before:?}"
    );

    let (_, body) = check(&server, &staff, DANA).await;
    for shown in [
        "Restricted record",
        "Withheld: the record is restricted",
        "Restricted (R)",
        "Janet Smythe",
    ] {
        assert!(
            body.contains(shown),
            "{shown:?} missing from the patient page"
        );
    }
    for (line, postcode) in fixture::stored_addresses(db, DANA).await {
        assert_eq!(
            (line.as_str(), postcode.as_str()),
            ("", ""),
            "an address was kept"
        );
    }
    for (old_line, old_postcode) in before.iter().filter(|(line, _)| !line.is_empty()) {
        for path in ["/staff/mismatches", &format!("/staff/patients/{DANA}")] {
            let page = server.get(path, Some(&staff)).await;
            assert!(
                !page.body.contains(old_line.as_str())
                    && !page.body.contains(old_postcode.as_str()),
                "{path} shows the withheld address"
            );
        }
    }
}

#[tokio::test]
async fn a_minimal_record_and_a_number_pds_does_not_know_keep_the_values_there_are() {
    let (server, _) = start_with_pds(pds_sandbox::url().await).await;
    let db = &server.database_url;
    let staff = staff_sign_in(&server, RIVERSIDE).await;

    renumber(&server, DANA_NHS, "9000000033").await;
    let (location, body) = check(&server, &staff, DANA).await;
    assert!(location.ends_with("?pds=checked"), "{location}");
    assert!(
        body.contains("Not given by PDS"),
        "the minimal record gives no name"
    );
    let snapshot = fixture::pds_snapshot(db, DANA).await.unwrap();
    assert_eq!((snapshot.given_name, snapshot.date_of_birth), (None, None));

    renumber(&server, ROBIN_NHS, "9111231130").await;
    let kept = fixture::pds_snapshot(db, ROBIN).await.unwrap();
    let (location, body) = check(&server, &staff, ROBIN).await;
    assert!(location.ends_with("?pds=not-found"), "{location}");
    assert!(
        body.contains("PDS has no record with this NHS number"),
        "{body}"
    );
    let after = fixture::pds_snapshot(db, ROBIN).await.unwrap();
    assert_eq!(
        after.family_name, kept.family_name,
        "the last values read stay"
    );
    assert_eq!(after.status, app::db::pds::RecordStatus::NotFound);
    assert_eq!(fixture::audit_count(db, AuditKind::PdsRecordGone).await, 1);
}

#[tokio::test]
async fn a_pds_that_is_down_changes_nothing_and_says_what_to_do() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (server, _) = start_with_pds(base).await;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let before = fixture::pds_snapshot(&server.database_url, ROBIN).await;
    let started = std::time::Instant::now();
    let (location, body) = check(&server, &staff, ROBIN).await;
    assert!(started.elapsed() < Duration::from_secs(20), "bounded");
    assert!(location.ends_with("?pds=unavailable"), "{location}");
    assert!(
        body.contains("PDS is not available at the moment"),
        "{body}"
    );
    assert!(
        body.contains("Read from PDS on "),
        "the stored values are still shown"
    );
    assert_eq!(
        fixture::pds_snapshot(&server.database_url, ROBIN).await,
        before
    );

    // The patient's own pages never ask PDS: they work, with the stored values and their date.
    let form = [
        ("account_id", "1000000005"),
        ("ods_code", "T00001"),
        ("passphrase", "river otter lantern forty two"),
    ];
    let signed_in = server.post("/sign-in", &form, None).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let account = server.get("/account", Some(&signed_in.cookie())).await;
    assert_eq!(account.status, 200);
    assert!(
        account.body.contains("From the NHS Spine, checked on "),
        "{}",
        account.body
    );
}

#[tokio::test]
async fn a_superseded_record_moves_the_patient_to_the_new_number() {
    // A PDS that answers every number with the record of 9000000009 (as PDS does for a
    // superseded number: the record under its current number).
    let body = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/vendor/pds-sandbox/mocks/Patient.json"),
    )
    .unwrap();
    let app = axum::Router::new().route(
        "/Patient/{nhs}",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/fhir+json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let (server, _) = start_with_pds(base).await;
    let staff = staff_sign_in(&server, RIVERSIDE).await;

    let (location, body) = check(&server, &staff, DANA).await;
    assert!(location.ends_with("?pds=superseded"), "{location}");
    assert!(
        body.contains("900 000 0009"),
        "the page shows the new number: {body}"
    );
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::PdsRecordSuperseded).await,
        1
    );
    // Another patient superseded by the same number: nothing moves, staff are told.
    let (location, _) = check(&server, &staff, ROBIN).await;
    assert!(location.ends_with("?pds=superseded-conflict"), "{location}");
    let found = server
        .get("/staff/patients?nhs_number=9990000050", Some(&staff))
        .await;
    assert!(found.body.contains(ROBIN), "Robin keeps his number");
}

#[tokio::test]
async fn only_the_patients_practice_may_check_and_test_patients_are_never_sent() {
    let (server, _) = start_with_pds(pds_sandbox::url().await).await;
    let hillview = staff_sign_in(&server, HILLVIEW).await;
    let page = server
        .post(
            &format!("/staff/patients/{ROBIN}/check-pds"),
            &[],
            Some(&hillview),
        )
        .await;
    assert_eq!(page.status, 404);
    let stranger = server
        .post(&format!("/staff/patients/{ROBIN}/check-pds"), &[], None)
        .await;
    assert_ne!(stranger.status, 303, "no check without a staff session");
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::StaffCheckedPds).await,
        0
    );

    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let form = [
        ("practice", "T00001"),
        ("given_name", "Tess"),
        ("family_name", "Test"),
        ("date_of_birth_day", "1"),
        ("date_of_birth_month", "2"),
        ("date_of_birth_year", "1990"),
        ("nhs_number", "9990000093"),
        ("access", "dcr"),
        ("rule", "requested"),
        ("services", "record"),
    ];
    let created = server
        .post("/staff/test-patients/new", &form, Some(&riverside))
        .await;
    assert_eq!(created.status, 303, "{:?}", created.summary());
    let patient_page = created.location.unwrap();
    let patient_page = patient_page.split('?').next().unwrap().to_owned();
    let page = server.get(&patient_page, Some(&riverside)).await;
    assert!(page
        .body
        .contains("Test patients are never checked against PDS."));
    assert!(!page.body.contains("check-pds"), "no button");
    let pressed = server
        .post(&format!("{patient_page}/check-pds"), &[], Some(&riverside))
        .await;
    assert_eq!(pressed.location.as_deref(), Some(patient_page.as_str()));
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::StaffCheckedPds).await,
        0
    );
}

#[tokio::test]
async fn without_pds_the_page_says_so_and_offers_no_check() {
    let server = start(true).await;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let page = server
        .get(&format!("/staff/patients/{ROBIN}"), Some(&staff))
        .await;
    assert!(page
        .body
        .contains("PDS is not set up for this Relink service"));
    assert!(!page.body.contains("check-pds"));
    assert!(
        page.body.contains("Read from PDS on "),
        "the demo's values are shown"
    );
}

#[tokio::test]
async fn the_background_refresh_reads_every_patient_due_and_then_none() {
    let (server, state) = start_with_pds(pds_sandbox::url().await).await;
    let client = state.pds.clone().unwrap();
    let round =
        app::server::spine_refresh::refresh_round(&state, &client, Duration::from_secs(60), 100)
            .await
            .unwrap();
    // Every demo patient (none is a test patient): their 999 numbers are unknown to PDS.
    assert_eq!(round.asked, app::demo::DEMO_PATIENTS.len());
    assert_eq!((round.answered, round.failed), (round.asked, 0));
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::PdsRecordGone).await,
        round.asked as i64
    );
    let again =
        app::server::spine_refresh::refresh_round(&state, &client, Duration::from_secs(60), 100)
            .await
            .unwrap();
    assert_eq!(again.asked, 0, "nothing is due until the values age");
}

#[tokio::test]
async fn registering_asks_pds_first_and_refuses_a_patient_who_has_died() {
    let (server, _) = start_with_pds(pds_sandbox::url().await).await;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    // A patient with no online account, whose NHS number PDS knows as deceased.
    let nhs = crate::imports::nhs_numbers(1).remove(0);
    let file = format!(
        "{}\n{nhs},Jane,Smith,2010-10-22,LS1 6AE,2011-01-01\n",
        app::import::CSV_HEADER
    );
    crate::imports::upload_csv(&server, &staff, "T00001", file).await;
    let id = crate::imports::patient_id(&server, &staff, &nhs).await;
    renumber(&server, &nhs, "9000000009").await;
    let page = server
        .post(
            &format!("/staff/patients/{id}/register"),
            &[
                ("access", "dcr"),
                ("rule", "requested"),
                ("identity_check", "photo-id"),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("PDS records this patient as deceased"));
    assert_eq!(
        fixture::active_account_id(&server.database_url, &id).await,
        None
    );
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::StaffCheckedPds).await,
        1,
        "the check is audited as the member's"
    );
}

#[tokio::test]
async fn patients_brought_in_by_an_upload_are_read_from_pds_at_once() {
    let sandbox = pds_sandbox::url().await;
    let server = start_configured(
        true,
        |config| {
            config.pds = Some(pds_config(sandbox));
            // A round at start, then not for an hour: only the import's wake-up can read them.
            config.pds_refresh_interval = Some(Duration::from_secs(3600));
        },
        |_| {},
    )
    .await;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let nhs = crate::imports::nhs_numbers(1).remove(0);
    // Let the start-up round finish first.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let file = format!(
        "{}\n{nhs},Kit,Marlowe,1999-02-26,LS1 4AQ,2019-01-07\n",
        app::import::CSV_HEADER
    );
    crate::imports::upload_csv(&server, &staff, "T00001", file).await;
    let id = crate::imports::patient_id(&server, &staff, &nhs).await;
    let started = std::time::Instant::now();
    while fixture::pds_snapshot(&server.database_url, &id)
        .await
        .is_none()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "not read after the import"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let snapshot = fixture::pds_snapshot(&server.database_url, &id)
        .await
        .unwrap();
    assert_eq!(
        snapshot.status,
        app::db::pds::RecordStatus::NotFound,
        "PDS was asked"
    );
}
