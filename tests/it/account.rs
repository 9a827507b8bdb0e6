//! Sign-in, "Your account" and sign-out over HTTP.

use app::domain::RecordAccessLevel;

use crate::common::{fixture, start, Page, TestServer};

const NO_MATCH: &str = "The details you entered do not match our records";

async fn sign_in(
    server: &TestServer,
    account_id: &str,
    ods: &str,
    passphrase: &str,
    cookie: Option<&str>,
) -> Page {
    let form = [
        ("account_id", account_id),
        ("ods_code", ods),
        ("passphrase", passphrase),
    ];
    server.post("/sign-in", &form, cookie).await
}

pub(crate) async fn signed_in(server: &TestServer) -> String {
    let page = sign_in(
        server,
        "1000000005",
        "t00001",
        "river otter lantern forty two",
        None,
    )
    .await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/account")),
        "{}",
        page.body
    );
    let set_cookie = page.set_cookie.clone().unwrap();
    for attribute in [
        "__Host-relink-session=",
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
    ] {
        assert!(
            set_cookie.contains(attribute),
            "{set_cookie} lacks {attribute}"
        );
    }
    page.cookie()
}

#[tokio::test]
async fn a_patient_signs_in_and_sees_their_account() {
    let server = start(true).await;
    let cookie = signed_in(&server).await;
    let account = server.get("/account", Some(&cookie)).await;
    assert_eq!(account.status, 200);
    let body = &account.body;
    for text in [
        "<title>Your account – Manage your GP online account – NHS</title>",
        "Riverside Surgery",
        "T00001",
        "TPP SystmOne",
        "Full record",
        "1 June 2015",
        "You can see your record from the date you joined the practice.",
        "Appointments",
        "Repeat prescriptions",
        "Messages",
        "999 000 0050",
        "From the NHS Spine",
        "From your GP record",
        "14 Orchard Way, Riverton, RV5 6JK",
        "Something wrong?",
        "Signed in",
        "This was not me",
    ] {
        assert!(body.contains(text), "/account should show {text:?}");
    }
    // "Sign out" is in the header on every page while signed in.
    assert!(body.contains(r#"<button class="nhsuk-header__account-button">Sign out</button>"#));
    assert!(server
        .get("/", Some(&cookie))
        .await
        .body
        .contains("nhsuk-header__account-button"));
    assert!(!server
        .get("/", None)
        .await
        .body
        .contains("nhsuk-header__account-button"));
    // The surname differs between PDS and the clinical system: shown from PDS, flagged.
    assert!(body.contains("Robin Taylor-Reid"));
    assert!(body.contains("Does not match"));
    assert!(body.contains("your GP record has: Robin Taylor"));
}

#[tokio::test]
async fn wrong_details_get_the_generic_message_and_five_lock_the_pair() {
    let server = start(true).await;
    let empty = sign_in(&server, "", "", "", None).await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        empty.summary(),
        [
            "Enter your Account ID",
            "Enter your ODS code",
            "Enter your passphrase"
        ]
    );

    for (account, passphrase) in [
        ("1000000005", "wrong passphrase"),
        ("1999999999", "river otter lantern forty two"),
        ("1000000001", "anything at all"),
    ] {
        let page = sign_in(&server, account, "T00001", passphrase, None).await;
        assert_eq!(
            (page.status, page.summary()),
            (422, vec![NO_MATCH.to_owned()]),
            "{account}"
        );
        assert!(page.set_cookie.is_none());
    }
    for _ in 0..4 {
        sign_in(&server, "1000000005", "T00001", "wrong passphrase", None).await;
    }
    let locked = sign_in(
        &server,
        "1000000005",
        "T00001",
        "river otter lantern forty two",
        None,
    )
    .await;
    assert_eq!(locked.status, 429);
    assert_eq!(
        locked.summary(),
        ["You have entered incorrect details too many times. Try again in 15 minutes."]
    );
}

#[tokio::test]
async fn the_account_page_needs_a_live_session() {
    let server = start(true).await;
    assert_eq!(
        server.get("/account", None).await.location.as_deref(),
        Some("/sign-in")
    );
    // A cookie of no live session is taken away, and the sign-in page says the session ended.
    let forged = server
        .get("/account", Some("__Host-relink-session=forged"))
        .await;
    assert_eq!(
        forged.location.as_deref(),
        Some("/sign-in?signed_out=timeout")
    );
    assert!(forged.set_cookie.unwrap().contains("Max-Age=0"));

    // 15 idle minutes end the session; so do 12 hours.
    let cookie = signed_in(&server).await;
    fixture::backdate_session_activity(&server.database_url, 901).await;
    assert_eq!(
        server
            .get("/account", Some(&cookie))
            .await
            .location
            .as_deref(),
        Some("/sign-in?signed_out=timeout")
    );
    let cookie = signed_in(&server).await;
    fixture::backdate_session_start(&server.database_url, 43201).await;
    assert_eq!(
        server
            .get("/account", Some(&cookie))
            .await
            .location
            .as_deref(),
        Some("/sign-in?signed_out=timeout")
    );
}

#[tokio::test]
async fn signing_in_again_rotates_the_session_and_signing_out_ends_it() {
    let server = start(true).await;
    let first = signed_in(&server).await;
    let second = sign_in(
        &server,
        "1000000005",
        "T00001",
        "river otter lantern forty two",
        Some(&first),
    )
    .await;
    let second = second.cookie();
    assert_ne!(first, second);
    assert_eq!(
        server
            .get("/account", Some(&first))
            .await
            .location
            .as_deref(),
        Some("/sign-in?signed_out=timeout"),
        "old id ended"
    );
    assert_eq!(server.get("/account", Some(&second)).await.status, 200);

    let out = server.post("/sign-out", &[], Some(&second)).await;
    assert_eq!(
        (out.status, out.location.as_deref()),
        (303, Some("/sign-in?signed_out=1"))
    );
    assert!(out.set_cookie.unwrap().contains("Max-Age=0"));
    assert_eq!(
        server
            .get("/account", Some(&second))
            .await
            .location
            .as_deref(),
        Some("/sign-in?signed_out=timeout")
    );
    assert!(server
        .get("/sign-in?signed_out=1", None)
        .await
        .body
        .contains("You have signed out."));
}

#[tokio::test]
async fn a_patient_with_an_unused_pin_document_is_sent_to_reset_their_passphrase() {
    let server = start(true).await;
    // Give the demo patient with a valid PIN document a passphrase too.
    fixture::set_passphrase(
        &server.database_url,
        "T00001",
        "1000000001",
        "violet tractor biscuit canyon",
    )
    .await;
    let page = sign_in(
        &server,
        "1000000001",
        "T00001",
        "violet tractor biscuit canyon",
        None,
    )
    .await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/reset-passphrase"))
    );
    assert!(
        page.set_cookie.is_none(),
        "no session until the passphrase is reset"
    );
}

#[tokio::test]
async fn with_record_access_switched_off_the_page_says_to_ask_the_practice() {
    let server = start(true).await;
    fixture::change_patient(&server.database_url, "9990000050", |patient| {
        patient.record_access = RecordAccessLevel::None;
        patient.settings.messages = false;
    })
    .await;
    fixture::change_practice(&server.database_url, "T00001", |practice| {
        practice.services.appointments = false;
    })
    .await;
    let cookie = signed_in(&server).await;
    let body = server.get("/account", Some(&cookie)).await.body;
    assert!(body.contains("You cannot see your GP health record online yet."));
    assert!(body.contains("Ask your GP practice to switch on access."));
    assert!(
        body.contains("Not offered by your practice"),
        "appointments are off at the practice"
    );
    assert!(
        body.contains("Not switched on for you"),
        "messages and the record are off for the patient"
    );
}

/// Patient pages carry no identifiers: everything comes from the session. Two patients signed
/// in at once each see only their own details, and neither cookie opens the other's account.
#[tokio::test]
async fn patient_a_never_sees_patient_b() {
    let server = start(true).await;
    // Sam Patel (1000000001) sets a passphrase with the demo PIN document first.
    let verified = server
        .post(
            "/reset-passphrase",
            &[
                ("account_id", "1000000001"),
                ("ods_code", "T00001"),
                ("pin_passphrase", "demo-pin-1"),
                ("date_of_birth_day", "1"),
                ("date_of_birth_month", "2"),
                ("date_of_birth_year", "1980"),
            ],
            None,
        )
        .await;
    assert_eq!(verified.status, 303, "{}", verified.body);
    let passphrase = "copper meadow violin seventy";
    let set = server
        .post(
            "/reset-passphrase/new-passphrase",
            &[
                ("new_passphrase", passphrase),
                ("confirm_passphrase", passphrase),
            ],
            Some(&verified.cookie()),
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.body);

    let sam = sign_in(&server, "1000000001", "T00001", passphrase, None).await;
    assert_eq!(sam.location.as_deref(), Some("/account"), "{}", sam.body);
    let sam = sam.cookie();
    let robin = signed_in(&server).await;
    let own = [("Sam", "999 000 0018"), ("Robin", "999 000 0050")];
    for (cookie, (mine, theirs)) in [(&sam, (own[0], own[1])), (&robin, (own[1], own[0]))] {
        for path in ["/account", "/account/this-was-not-me"] {
            let page = server.get(path, Some(cookie)).await;
            assert_eq!(page.status, 200, "{path}");
            if path == "/account" {
                assert!(page.body.contains(mine.0) && page.body.contains(mine.1));
            }
            assert!(
                !page.body.contains(theirs.0) && !page.body.contains(theirs.1),
                "{path} shows the other patient"
            );
        }
    }
    // Signing one out leaves the other signed in.
    server.post("/sign-out", &[], Some(&sam)).await;
    assert_eq!(
        server.get("/account", Some(&sam)).await.location.as_deref(),
        Some("/sign-in?signed_out=timeout")
    );
    assert_eq!(server.get("/account", Some(&robin)).await.status, 200);
}

/// With Welsh chosen (the `relink-lang` cookie), sign-in problems and "Your account", with its
/// dates and activity, are in Welsh.
#[tokio::test]
async fn sign_in_and_the_account_page_speak_welsh_when_welsh_is_chosen() {
    const WELSH: &str = "relink-lang=cy";
    let server = start(true).await;
    let form = server.get("/sign-in", Some(WELSH)).await;
    assert!(form.body.contains("<h1>Mewngofnodi</h1>"));
    let empty = sign_in(&server, "1000000005", "T00001", "", Some(WELSH)).await;
    assert_eq!(
        (empty.status, empty.summary()),
        (422, vec!["Rhowch eich cyfrinymadrodd".to_owned()])
    );
    let wrong = sign_in(&server, "1000000005", "T00001", "wrong", Some(WELSH)).await;
    assert_eq!(
        wrong.summary(),
        ["Nid yw'r manylion a roesoch chi yn cyfateb i'n cofnodion"]
    );

    let cookie = format!("{}; {WELSH}", signed_in(&server).await);
    let account = server.get("/account", Some(&cookie)).await;
    assert_eq!(account.status, 200);
    for text in [
        "<h1>Eich cyfrif</h1>",
        "Cofnod llawn",
        "1 Mehefin 2015",
        "Gallwch chi weld eich cofnod o'r dyddiad y gwnaethoch chi ymuno â'r practis.",
        "O Spine y GIG",
        "mae gan eich cofnod meddyg teulu: Robin Taylor",
        "Wedi mewngofnodi",
        "Nid fi oedd hyn",
    ] {
        assert!(account.body.contains(text), "/account should show {text:?}");
    }
    assert!(!account.body.contains("Your GP health record"));
    let not_me = server.get("/account/this-was-not-me", Some(&cookie)).await;
    assert!(not_me
        .body
        .contains("<h1>Os nad ydych chi'n adnabod gweithgarwch ar eich cyfrif</h1>"));
}

/// "Sign out of all devices" on "Your account" ends every session of the account, the one
/// asking included, is audited, and says so; a cross-site post of the form ends nothing.
#[tokio::test]
async fn signing_out_of_all_devices_ends_every_session_of_the_account() {
    let server = start(true).await;
    let (phone, laptop) = (signed_in(&server).await, signed_in(&server).await);
    assert_ne!(phone, laptop);
    let account = server.get("/account", Some(&phone)).await;
    assert!(account
        .body
        .contains(r#"<form method="post" action="/account/sign-out-everywhere">"#));
    assert!(account.body.contains("Sign out of all devices"));

    // A form posted from another site is refused before it does anything.
    let forged = server
        .client
        .post(format!("{}/account/sign-out-everywhere", server.base))
        .header("cookie", &phone)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    assert_eq!(server.get("/account", Some(&laptop)).await.status, 200);

    let out = server
        .post("/account/sign-out-everywhere", &[], Some(&phone))
        .await;
    assert_eq!(
        (out.status, out.location.as_deref()),
        (303, Some("/sign-in?signed_out=everywhere"))
    );
    assert!(out
        .set_cookie
        .as_deref()
        .is_some_and(|c| c.contains("Max-Age=0")));
    for cookie in [&phone, &laptop] {
        let page = server.get("/account", Some(cookie)).await;
        assert_eq!(
            (page.status, page.location.as_deref()),
            (303, Some("/sign-in?signed_out=timeout")),
            "{cookie} is signed out"
        );
    }
    let note = server.get("/sign-in?signed_out=everywhere", None).await;
    assert!(note.body.contains(
        "You have signed out of all devices. Anyone using your account on another device has been signed out too."
    ));
    let note = server
        .get("/sign-in?signed_out=everywhere", Some("relink-lang=cy"))
        .await;
    assert!(note
        .body
        .contains("Rydych chi wedi allgofnodi o bob dyfais."));
    assert_eq!(
        fixture::audit_details(
            &server.database_url,
            app::db::audit::AuditKind::SignedOutEverywhere
        )
        .await,
        ["signed out of all devices: 2 session(s) ended"]
    );
    // It shows in the patient's recent activity, and without a session nothing happens.
    let again = signed_in(&server).await;
    let account = server.get("/account", Some(&again)).await;
    assert!(account.body.contains("Signed out of all devices"));
    let nobody = server.post("/account/sign-out-everywhere", &[], None).await;
    assert_eq!(nobody.location.as_deref(), Some("/sign-in"));
}
