//! HTTP and command-line tests of online access a practice ends (issue #20): staff deregister a
//! patient who left the practice, or a practice moves to another clinical system. The account
//! is kept; whoever uses its old credentials is told why they no longer work and what to do,
//! in English and Welsh; nothing opened with them outlives the change; and the patient can be
//! registered again.

use app::db::audit::AuditKind;

use crate::common::{fixture, start, TestServer};
use crate::staff::{run_relink, staff_sign_in, HILLVIEW, RIVERSIDE};

/// Robin Taylor: Riverside (T00001), account 1000000005 with a passphrase.
const ROBIN: &str = "demo-patient-9990000050";
const ROBIN_SIGN_IN: [(&str, &str); 3] = [
    ("account_id", "1000000005"),
    ("ods_code", "T00001"),
    ("passphrase", "river otter lantern forty two"),
];
/// Dana Hughes: Riverside, account 1000000006 not used for 90 days (she could replace it).
const DANA: &str = "demo-patient-9990000069";

const LEFT: &str =
    "Your GP practice has ended online access: ask your new GP practice for a PIN document.";

async fn end_access(server: &TestServer, staff: &str, patient: &str, reason: &str) -> u16 {
    let path = format!("/staff/patients/{patient}/end-access");
    server
        .post(&path, &[("reason", reason)], Some(staff))
        .await
        .status
}

async fn reset_with_pin(server: &TestServer, cookie: Option<&str>) -> crate::common::Page {
    fixture::renew_pin_document(
        &server.database_url,
        "demo-pin-document-1000000005",
        "demo-pin-5",
    )
    .await;
    let form = [
        ("account_id", "1000000005"),
        ("ods_code", "T00001"),
        ("pin_passphrase", "demo-pin-5"),
        ("date_of_birth_day", "5"),
        ("date_of_birth_month", "6"),
        ("date_of_birth_year", "1968"),
    ];
    server.post("/reset-passphrase", &form, cookie).await
}

#[tokio::test]
async fn a_patient_who_left_is_deregistered_told_why_on_every_door_and_can_come_back() {
    let server = start(true).await;
    let db = &server.database_url;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    // Robin is signed in on some device.
    let signed_in = server.post("/sign-in", &ROBIN_SIGN_IN, None).await;
    assert_eq!(signed_in.location.as_deref(), Some("/account"));
    let robin_session = signed_in.cookie();

    // The confirmation says what stops working and what is kept.
    let path = format!("/staff/patients/{ROBIN}/end-access");
    let form = server.get(&path, Some(&staff)).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<h1>End online access</h1>"));
    assert!(form.body.contains("Account ID 1000000005"));
    assert!(form.body.contains("Nothing is deleted"));
    // A reason is required, and kept to 500 characters.
    let missing = server.post(&path, &[("reason", "  ")], Some(&staff)).await;
    assert_eq!(missing.status, 422);
    assert_eq!(
        missing.summary(),
        ["Enter why you are ending online access"]
    );
    let long = "x".repeat(501);
    let too_long = server.post(&path, &[("reason", &long)], Some(&staff)).await;
    assert_eq!(too_long.status, 422);
    assert_eq!(
        fixture::audit_count(db, AuditKind::OnlineAccessEnded).await,
        0
    );
    // Staff of another practice cannot even see the page.
    let hillview = staff_sign_in(&server, HILLVIEW).await;
    assert_eq!(server.get(&path, Some(&hillview)).await.status, 404);
    assert_eq!(
        end_access(&server, &hillview, ROBIN, "moved away").await,
        404
    );

    assert_eq!(
        end_access(&server, &staff, ROBIN, "Registered with\n another practice").await,
        303
    );
    let details = fixture::audit_details(db, AuditKind::OnlineAccessEnded).await;
    assert_eq!(
        details,
        ["Online access ended: left the practice; reason: Registered with another practice"]
    );
    // The patient page says so, and offers registering them again; the end page is gone.
    let page = server
        .get(&format!("/staff/patients/{ROBIN}"), Some(&staff))
        .await
        .body;
    assert!(page.contains("the patient left the practice"), "{page}");
    assert!(page.contains(&format!("/staff/patients/{ROBIN}/register")));
    assert!(!page.contains(&path));
    assert_eq!(end_access(&server, &staff, ROBIN, "again").await, 409);

    // Robin's session ended with it.
    let account = server.get("/account", Some(&robin_session)).await;
    assert_ne!(
        account.status, 200,
        "the old session still opens the account"
    );
    // The right passphrase opens nothing, and says what to do.
    let refused = server.post("/sign-in", &ROBIN_SIGN_IN, None).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.summary(), [LEFT]);
    assert_eq!(refused.set_cookie, None, "no session");
    // A wrong passphrase is told nothing more than any mismatch.
    let mut wrong = ROBIN_SIGN_IN;
    wrong[2].1 = "not the passphrase at all";
    let mismatch = server.post("/sign-in", &wrong, None).await;
    assert_eq!(
        mismatch.summary(),
        ["The details you entered do not match our records"]
    );
    // In Welsh too.
    let welsh = server
        .post("/sign-in", &ROBIN_SIGN_IN, Some("relink-lang=cy"))
        .await;
    assert_eq!(welsh.status, 403);
    assert_eq!(
        welsh.summary(),
        ["Mae eich practis meddyg teulu wedi dod â mynediad ar-lein i ben: gofynnwch i'ch practis meddyg teulu newydd am ddogfen PIN."]
    );
    // A PIN document that matches ends on the same answer, and sets nothing.
    let reset = reset_with_pin(&server, None).await;
    assert_eq!(reset.status, 403, "{}", reset.body);
    assert!(reset
        .body
        .contains("<h1>Your GP practice has ended online access</h1>"));
    assert!(reset
        .body
        .contains("Ask your new GP practice for a PIN document"));
    assert_eq!(reset.set_cookie, None, "no step token");
    assert_eq!(
        fixture::audit_count(db, AuditKind::RefusedAccessEnded).await,
        3
    );
    // No new PIN document from the reissue form: a first one comes with a registration.
    let reissue = server
        .post(
            &format!("/staff/patients/{ROBIN}/pin-document"),
            &[("identity_check", "photo-id")],
            Some(&staff),
        )
        .await;
    assert_eq!(reissue.status, 303);
    assert_eq!(
        reissue.location,
        Some(format!("/staff/patients/{ROBIN}/register"))
    );
    assert_eq!(
        fixture::active_account_id(db, ROBIN).await.as_deref(),
        Some("1000000005"),
        "kept"
    );

    // Robin comes back: registered again, with a new Account ID; the old one still explains.
    let registered = server
        .post(
            &format!("/staff/patients/{ROBIN}/register"),
            &[
                ("access", "summary"),
                ("rule", "joined"),
                ("services", "appointments"),
                ("identity_check", "photo-id"),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(registered.status, 303, "{}", registered.body);
    let accounts = fixture::patient_account_ids(db, ROBIN).await;
    assert_eq!(accounts.len(), 2, "{accounts:?}");
    let new_account = accounts
        .iter()
        .find(|id| id.as_str() != "1000000005")
        .unwrap();
    let page = server
        .get(&format!("/staff/patients/{ROBIN}"), Some(&staff))
        .await
        .body;
    assert!(page.contains(new_account.as_str()));
    assert!(!page.contains("the patient left the practice"));
    let refused = server.post("/sign-in", &ROBIN_SIGN_IN, None).await;
    assert_eq!(refused.summary(), [LEFT]);
}

#[tokio::test]
async fn a_deregistered_patient_cannot_replace_their_account_and_is_told_why() {
    let server = start(true).await;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    assert_eq!(
        end_access(&server, &staff, DANA, "Moved to Wales").await,
        303
    );
    let page = server
        .post(
            "/replace-account",
            &[
                ("nhs_number", "9990000069"),
                ("date_of_birth_day", "6"),
                ("date_of_birth_month", "7"),
                ("date_of_birth_year", "1972"),
                ("postcode", "RV6 7LM"),
            ],
            None,
        )
        .await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page
        .body
        .contains("<h1>Your GP practice has ended online access</h1>"));
    assert_eq!(page.set_cookie, None, "no journey");
}

#[tokio::test]
async fn access_ended_half_way_through_a_reset_changes_nothing() {
    let server = start(true).await;
    let db = &server.database_url;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let before = fixture::passphrase_hash(db, "T00001", "1000000005").await;
    let step = reset_with_pin(&server, None).await;
    assert_eq!(step.status, 303, "{}", step.body);
    let step_cookie = step.cookie();
    assert_eq!(end_access(&server, &staff, ROBIN, "Left").await, 303);
    let chosen = server
        .post(
            "/reset-passphrase/new-passphrase",
            &[
                ("new_passphrase", "a brand new passphrase to use"),
                ("confirm_passphrase", "a brand new passphrase to use"),
            ],
            Some(&step_cookie),
        )
        .await;
    assert_ne!(chosen.status, 303, "{}", chosen.body);
    assert!(chosen.status >= 400 && chosen.status < 500);
    assert_eq!(
        fixture::passphrase_hash(db, "T00001", "1000000005").await,
        before
    );
    assert_eq!(
        fixture::audit_count(db, AuditKind::PassphraseReset).await,
        0
    );
}

#[tokio::test]
async fn a_practice_that_changes_clinical_system_ends_every_account_and_patients_are_told() {
    let server = start(true).await;
    let db = &server.database_url;
    let signed_in = server.post("/sign-in", &ROBIN_SIGN_IN, None).await;
    let robin_session = signed_in.cookie();

    let output = run_relink(&["practice", "set-system", "T00001", "emis"], db).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("T00001 now uses EMIS Web (Optum). Online access ended for "),
        "{stdout}"
    );
    assert_eq!(
        fixture::audit_count(db, AuditKind::PracticeSystemChanged).await,
        1
    );
    // Said again, or of a practice that does not exist: one line, exit 2, nothing written.
    for (args, said) in [
        (
            ["practice", "set-system", "T00001", "EMIS"],
            "already uses EMIS Web",
        ),
        (
            ["practice", "set-system", "T09999", "tpp"],
            "no practice with the ODS code T09999",
        ),
        (
            ["practice", "set-system", "T00001", "vision"],
            "not a clinical system Relink knows",
        ),
    ] {
        let output = run_relink(&args, db).await;
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(said), "{stderr}");
    }
    assert_eq!(
        fixture::audit_count(db, AuditKind::PracticeSystemChanged).await,
        1
    );

    assert_ne!(
        server.get("/account", Some(&robin_session)).await.status,
        200
    );
    let refused = server.post("/sign-in", &ROBIN_SIGN_IN, None).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(
        refused.summary(),
        ["Your Account ID no longer works: your GP practice now uses a different clinical system. Ask your GP practice for a new PIN document."]
    );
    let reset = reset_with_pin(&server, Some("relink-lang=cy")).await;
    assert_eq!(reset.status, 403, "{}", reset.body);
    assert!(
        reset
            .body
            .contains("<h1>Nid yw eich dogfen PIN a'ch ID Cyfrif yn gweithio mwyach</h1>"),
        "{}",
        reset.body
    );
    // Staff see it on the patient's page.
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let page = server
        .get(&format!("/staff/patients/{ROBIN}"), Some(&staff))
        .await
        .body;
    assert!(page.contains("the practice moved to another clinical system"));
}
