//! The passphrase reset journey over HTTP: every outcome the patient can meet.

use app::db::audit::AuditKind;

use crate::common::{fixture, start, start_with, without_typed_values, Page, TestServer};

const RESET: &str = "/reset-passphrase";
const NEW: &str = "/reset-passphrase/new-passphrase";
const DONE: &str = "/reset-passphrase/done";
const NO_MATCH: &str = "The details you entered do not match our records";
const LOCKED: &str = "You have entered incorrect details too many times. Try again in 15 minutes.";
const GOOD: &str = "carpet orbit lemon harbour";

async fn verify(
    server: &TestServer,
    account_id: &str,
    ods: &str,
    pin: &str,
    dob: (&str, &str, &str),
) -> Page {
    let form = [
        ("account_id", account_id),
        ("ods_code", ods),
        ("pin_passphrase", pin),
        ("date_of_birth_day", dob.0),
        ("date_of_birth_month", dob.1),
        ("date_of_birth_year", dob.2),
    ];
    server.post(RESET, &form, None).await
}

/// Matches the valid demo document and returns the step cookie.
pub(crate) async fn matched(server: &TestServer) -> String {
    let page = verify(
        server,
        "1000000001",
        "T00001",
        "demo-pin-1",
        ("1", "2", "1980"),
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some(NEW));
    let set_cookie = page.set_cookie.clone().unwrap();
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=600",
    ] {
        assert!(
            set_cookie.contains(attribute),
            "{set_cookie} lacks {attribute}"
        );
    }
    assert!(set_cookie.starts_with("__Host-relink-reset="));
    page.cookie()
}

async fn choose(server: &TestServer, cookie: &str, new: &str, confirm: &str) -> Page {
    server
        .post(
            NEW,
            &[("new_passphrase", new), ("confirm_passphrase", confirm)],
            Some(cookie),
        )
        .await
}

#[tokio::test]
async fn a_patient_resets_their_passphrase_and_the_pin_document_is_used_up() {
    let server = start(true).await;
    let form = server.get(RESET, None).await;
    assert_eq!(form.status, 200);
    assert!(form
        .body
        .contains("<title>Reset your passphrase – Manage your GP online account – NHS</title>"));
    for label in [
        "Account ID",
        "ODS code",
        "Passphrase from your PIN document",
        "Date of birth",
        "Continue",
    ] {
        assert!(form.body.contains(label), "missing {label}");
    }

    // Spaces, lower case and a phone's smart dash are all accepted.
    let page = verify(
        &server,
        "1000 000 001",
        " t00001",
        "demo\u{2010}pin-1 ",
        ("01", "02", "1980"),
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let cookie = page.cookie();

    let step = server.get(NEW, Some(&cookie)).await;
    assert_eq!(step.status, 200);
    assert!(step.body.contains("Create a new passphrase"));
    assert!(step.body.contains(r#"type="password""#));

    let done = choose(&server, &cookie, GOOD, GOOD).await;
    assert_eq!(
        (done.status, done.location.as_deref()),
        (303, Some(DONE)),
        "{}",
        done.body
    );
    let confirmation = server.get(DONE, Some(&cookie)).await;
    assert_eq!(confirmation.status, 200);
    assert!(confirmation
        .body
        .contains(r#"<h1 class="nhsuk-panel__heading">Passphrase reset</h1>"#));
    assert!(confirmation.body.contains("Riverside Surgery"));

    // The token cannot be used again, and the document is now used.
    let again = choose(
        &server,
        &cookie,
        "violet tractor biscuit canyon",
        "violet tractor biscuit canyon",
    )
    .await;
    assert_eq!(again.status, 409);
    assert!(again
        .body
        .contains("Your PIN document has already been used"));
    let reuse = verify(
        &server,
        "1000000001",
        "T00001",
        "demo-pin-1",
        ("1", "2", "1980"),
    )
    .await;
    assert_eq!(reuse.status, 409);
    assert!(reuse
        .body
        .contains("Your PIN document has already been used"));

    // The stored passphrase is an Argon2id hash with OWASP parameters, and the reset is audited.
    let hash = fixture::passphrase_hash(&server.database_url, "T00001", "1000000001")
        .await
        .expect("a passphrase is stored");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    let resets = fixture::audit_count(&server.database_url, AuditKind::PassphraseReset).await;
    assert_eq!(resets, 1);
}

#[tokio::test]
async fn each_field_says_what_is_wrong_and_keeps_what_was_typed() {
    let server = start(true).await;
    let empty = verify(&server, "", "", "", ("", "", "")).await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        empty.summary(),
        [
            "Enter your Account ID",
            "Enter your ODS code",
            "Enter the passphrase from your PIN document",
            "Enter your date of birth"
        ]
    );
    assert!(empty.body.contains(
        "<title>Error: Reset your passphrase – Manage your GP online account – NHS</title>"
    ));

    let wrong = verify(&server, "12-34", "A1234", "demo-pin-1", ("31", "2", "1980")).await;
    assert_eq!(wrong.status, 422);
    assert_eq!(
        wrong.summary(),
        [
            "Account ID must only include letters and numbers",
            "ODS code must be a letter followed by 5 numbers, like A12345",
            "Date of birth must be a real date",
        ]
    );
    assert!(
        wrong.body.contains(r#"value="A1234""#),
        "typed values are kept"
    );
    assert!(wrong.body.contains(r#"value="31""#));
    assert!(
        !wrong.body.contains("demo-pin-1"),
        "the PIN passphrase is never echoed"
    );

    let future = verify(
        &server,
        "1000000001",
        "T00001",
        "demo-pin-1",
        ("1", "1", "2999"),
    )
    .await;
    assert_eq!(future.summary(), ["Date of birth must be in the past"]);
    let short = verify(&server, "1000000001", "T00001", "abc", ("1", "2", "1980")).await;
    assert_eq!(
        short.summary(),
        ["Passphrase from your PIN document must be 6 to 15 characters"]
    );
}

#[tokio::test]
async fn any_mismatch_gets_the_same_generic_answer() {
    let server = start(true).await;
    let cases = [
        ("1000000001", "T00001", "demo-pin-9", ("1", "2", "1980")), // wrong passphrase
        ("1000000001", "T00001", "demo-pin-1", ("2", "2", "1980")), // wrong date of birth
        ("1999999999", "T00001", "demo-pin-1", ("1", "2", "1980")), // no such account
        ("1000000001", "E00001", "demo-pin-1", ("1", "2", "1980")), // wrong practice
        ("1000000001", "T00001", "DEMO-PIN-1", ("1", "2", "1980")), // case matters
    ];
    let mut bodies = Vec::new();
    for (account, ods, pin, dob) in cases {
        let page = verify(&server, account, ods, pin, dob).await;
        assert_eq!(page.status, 422, "{account} {ods} {pin}");
        assert_eq!(page.summary(), [NO_MATCH]);
        assert!(page.set_cookie.is_none());
        bodies.push(without_typed_values(&page.body));
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "answers differ beyond the echoed values"
    );
}

#[tokio::test]
async fn expired_used_and_emis_documents_are_explained_only_after_a_full_match() {
    let server = start(true).await;
    let expired = verify(
        &server,
        "1000000002",
        "T00001",
        "demo-pin-2",
        ("2", "3", "1975"),
    )
    .await;
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("Your PIN document has expired"));
    let expiry = time::OffsetDateTime::now_utc().date() - time::Duration::days(20)
        + time::Duration::days(14);
    assert!(expired.body.contains(&format!(
        "Your PIN document expired on {}.",
        app::language::long_date(expiry, app::language::Locale::en)
    )));
    assert!(expired
        .body
        .contains("Ask Riverside Surgery for a new PIN document"));

    let used = verify(
        &server,
        "1000000003",
        "T00001",
        "demo-pin-3",
        ("3", "4", "1990"),
    )
    .await;
    assert_eq!(used.status, 409);
    assert!(used
        .body
        .contains("Your PIN document has already been used"));

    let emis = verify(
        &server,
        "2000000001",
        "E00001",
        "demo-pin-4",
        ("4", "5", "1985"),
    )
    .await;
    assert_eq!(emis.status, 403);
    assert!(emis.body.contains("Hillview Medical Centre uses EMIS Web"));
    assert!(emis.body.contains("reset your linkage key"));

    // With a wrong passphrase, the expired document gets the generic answer, not its state.
    let guess = verify(
        &server,
        "1000000002",
        "T00001",
        "demo-pin-x",
        ("2", "3", "1975"),
    )
    .await;
    assert_eq!(
        (guess.status, guess.summary()),
        (422, vec![NO_MATCH.to_owned()])
    );
}

#[tokio::test]
async fn five_wrong_attempts_lock_the_pair_for_fifteen_minutes_even_for_an_unknown_account() {
    let server = start(true).await;
    for (account, right_pin) in [("1000000001", "demo-pin-1"), ("1888888888", "demo-pin-1")] {
        for attempt in 1..=4 {
            let page = verify(&server, account, "T00001", "wrong-pin", ("1", "2", "1980")).await;
            assert_eq!(page.summary(), [NO_MATCH], "{account} attempt {attempt}");
        }
        let fifth = verify(&server, account, "T00001", "wrong-pin", ("1", "2", "1980")).await;
        assert_eq!(
            (fifth.status, fifth.summary()),
            (429, vec![LOCKED.to_owned()]),
            "{account}"
        );
        // Even the right details are refused while locked.
        let right = verify(&server, account, "T00001", right_pin, ("1", "2", "1980")).await;
        assert_eq!(
            (right.status, right.summary()),
            (429, vec![LOCKED.to_owned()])
        );
    }
    // Another pair is not affected.
    let other = verify(
        &server,
        "1000000002",
        "T00001",
        "demo-pin-2",
        ("2", "3", "1975"),
    )
    .await;
    assert_eq!(other.status, 410);
}

#[tokio::test]
async fn weak_or_mismatched_passphrases_are_refused_with_the_reason() {
    let server = start(true).await;
    // A step token allows 5 attempts: a fresh one for every 4 cases, so the last still works.
    let mut cookie = matched(&server).await;
    let cases: [(&str, &str, &[&str]); 6] = [
        ("", "", &["Enter a new passphrase", "Confirm your new passphrase"]),
        ("too short", "too short", &["New passphrase must be 15 characters or more. Try 3 or more random words, like ‘carpet orbit lemon harbour’."]),
        ("sam patel 1 feb 1980", "sam patel 1 feb 1980", &["New passphrase must not include your name, date of birth, Account ID or ODS code. Try 3 or more random words, like ‘carpet orbit lemon harbour’."]),
        ("passwordpassword", "passwordpassword", &["New passphrase is too easy to guess"]),
        (GOOD, "carpet orbit lemon", &["Passphrases do not match. Enter the same new passphrase in both boxes"]),
        ("demo-pin-1", "demo-pin-1", &["New passphrase must be 15 characters or more"]),
    ];
    for (case, (new, confirm, expected)) in cases.into_iter().enumerate() {
        if case > 0 && case % 4 == 0 {
            cookie = matched(&server).await;
        }
        let page = choose(&server, &cookie, new, confirm).await;
        assert_eq!(page.status, 422, "{new}");
        let summary = page.summary();
        assert_eq!(summary.len(), expected.len(), "{new}: {summary:?}");
        for (got, want) in summary.iter().zip(expected) {
            assert!(
                got.starts_with(want),
                "{new}: {got:?} should start with {want:?}"
            );
        }
        assert!(
            !page.body.contains(&format!(r#"value="{new}""#)) || new.is_empty(),
            "passphrases are never echoed"
        );
    }
    // Still usable after refusals.
    let done = choose(&server, &cookie, GOOD, GOOD).await;
    assert_eq!(done.status, 303);
}

#[tokio::test]
async fn the_new_passphrase_must_differ_from_the_pin_passphrase() {
    let server = start(true).await;
    // Reissue the demo document with a 15-character passphrase, the one length where a new
    // passphrase could equal it.
    fixture::set_pin_passphrase(
        &server.database_url,
        "demo-pin-document-1000000001",
        "orbit lemon cat",
    )
    .await;
    let page = verify(
        &server,
        "1000000001",
        "T00001",
        "orbit lemon cat",
        ("1", "2", "1980"),
    )
    .await;
    assert_eq!(page.status, 303);
    let same = choose(
        &server,
        &page.cookie(),
        "orbit lemon cat",
        "orbit lemon cat",
    )
    .await;
    assert_eq!(same.status, 422);
    assert!(same.summary()[0]
        .starts_with("New passphrase must be different from the passphrase on your PIN document"));
}

#[tokio::test]
async fn the_second_step_needs_a_live_step_token() {
    let server = start(true).await;
    let none = server.get(NEW, None).await;
    assert_eq!(none.status, 403);
    assert!(none
        .body
        .contains("You need to enter your PIN document details again"));
    let forged = choose(&server, "__Host-relink-reset=forged", GOOD, GOOD).await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        server.get(DONE, None).await.location.as_deref(),
        Some(RESET)
    );

    // A token older than 10 minutes no longer works, and nothing changes.
    let cookie = matched(&server).await;
    fixture::expire_step_tokens(&server.database_url).await;
    let late = choose(&server, &cookie, GOOD, GOOD).await;
    assert_eq!(late.status, 403);
    let used_at =
        fixture::pin_document_used_at(&server.database_url, "demo-pin-document-1000000001").await;
    assert_eq!(used_at, None, "an expired step changes nothing");
}

/// 50 simultaneous final submissions for one PIN document (from 50 browsers on 50
/// connections, each with its own step token, so no attempt limit applies): exactly one
/// succeeds, the others are told the document has already been used.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_final_submissions_have_exactly_one_winner() {
    let server = crate::common::start_configured(
        true,
        |config| config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()],
        |_| {},
    )
    .await;
    let server = std::sync::Arc::new(server);
    let mut cookies = Vec::new();
    for _ in 0..50 {
        cookies.push(matched(&server).await);
    }
    let tasks: Vec<_> = cookies
        .into_iter()
        .enumerate()
        .map(|(i, cookie)| {
            let server = server.clone();
            tokio::spawn(async move {
                let response = server
                    .client
                    .post(format!("{}{NEW}", server.base))
                    .header("cookie", cookie)
                    .header("x-forwarded-for", format!("198.51.100.{i}"))
                    .form(&[("new_passphrase", GOOD), ("confirm_passphrase", GOOD)])
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                (status, response.text().await.unwrap())
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        if status == 409 {
            assert!(body.contains("Your PIN document has already been used"));
        }
        statuses.push(status);
    }
    let winners = statuses.iter().filter(|s| **s == 303).count();
    let told_used = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((winners, told_used), (1, 49), "{statuses:?}");
}

/// 50 simultaneous final submissions on one step token: each is an attempt counted before it
/// is checked, so no more than 5 are hashed (one wins); the rest are told the step had too
/// many attempts, or (arriving after the winner) that the document was used.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_submissions_on_one_step_token_check_at_most_five() {
    let mut pool = None;
    let server = start_with(true, |state| pool = Some(state.hashing.clone())).await;
    let (server, pool) = (std::sync::Arc::new(server), pool.unwrap());
    let cookie = matched(&server).await;
    let before = pool.work_started();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (server, cookie) = (server.clone(), cookie.clone());
            tokio::spawn(async move { choose(&server, &cookie, GOOD, GOOD).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let winners = statuses.iter().filter(|s| **s == 303).count();
    assert_eq!(winners, 1, "{statuses:?}");
    let hashed = pool.work_started() - before;
    assert!((1..=5).contains(&hashed), "{hashed} hashed: {statuses:?}");
    assert!(
        statuses.iter().all(|s| [303, 409, 429, 403].contains(s)),
        "{statuses:?}"
    );
}

/// When every Argon2 slot stays busy longer than a request may wait, the patient is told to
/// try again (503 with Retry-After) and nothing changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saturated_hashing_pool_answers_try_again_later() {
    let pool = app::server::hashing::HashingPool::new(1, std::time::Duration::from_millis(100));
    let server = start_with(true, |state| state.hashing = pool.clone()).await;
    let occupant = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.run(|_| std::thread::sleep(std::time::Duration::from_secs(2)))
                .await
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let response = server
        .client
        .post(format!("{}{RESET}", server.base))
        .form(&[
            ("account_id", "1000000001"),
            ("ods_code", "T00001"),
            ("pin_passphrase", "demo-pin-1"),
            ("date_of_birth_day", "1"),
            ("date_of_birth_month", "2"),
            ("date_of_birth_year", "1980"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "30");
    let body = response.text().await.unwrap();
    assert!(body.contains("Sorry, the service is very busy"));
    assert!(body.contains("Nothing has been changed"));
    occupant.await.unwrap().unwrap();
    // Once the pool is free, the same details work.
    let page = verify(
        &server,
        "1000000001",
        "T00001",
        "demo-pin-1",
        ("1", "2", "1980"),
    )
    .await;
    assert_eq!(page.status, 303);
}

/// With Welsh chosen (the `relink-lang` cookie), the journey's headings, problems and dates
/// are in Welsh; a locked-out pair is told so in Welsh too.
#[tokio::test]
async fn the_journey_speaks_welsh_when_welsh_is_chosen() {
    const WELSH: &str = "relink-lang=cy";
    let server = start(true).await;
    let form = server.get(RESET, Some(WELSH)).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<h1>Ailosod eich cyfrinymadrodd</h1>"));
    assert!(form.body.contains("Cod ODS"));
    assert!(!form.body.contains("Reset your passphrase"));

    let post = |pin: &'static str| {
        let server = &server;
        async move {
            let form = [
                ("account_id", "1000000002"),
                ("ods_code", "T00001"),
                ("pin_passphrase", pin),
                ("date_of_birth_day", "2"),
                ("date_of_birth_month", "3"),
                ("date_of_birth_year", "1975"),
            ];
            server.post(RESET, &form, Some(WELSH)).await
        }
    };
    let wrong = post("demo-pin-x").await;
    assert_eq!(wrong.status, 422);
    assert_eq!(
        wrong.summary(),
        ["Nid yw'r manylion a roesoch chi yn cyfateb i'n cofnodion"]
    );
    assert!(wrong
        .body
        .contains("<title>Gwall: Ailosod eich cyfrinymadrodd"));

    let expired = post("demo-pin-2").await;
    assert_eq!(expired.status, 410);
    assert!(expired
        .body
        .contains("<h1>Mae eich dogfen PIN wedi dod i ben</h1>"));
    let expiry = time::OffsetDateTime::now_utc().date() - time::Duration::days(20)
        + time::Duration::days(14);
    let welsh_date = app::language::long_date(expiry, app::language::Locale::cy);
    assert!(
        expired
            .body
            .contains(&format!("Daeth eich dogfen PIN i ben ar {welsh_date}.")),
        "{}",
        expired.body
    );

    for _ in 0..4 {
        post("demo-pin-x").await;
    }
    let locked = post("demo-pin-x").await;
    assert_eq!(locked.status, 429);
    assert_eq!(
        locked.summary(),
        ["Rydych chi wedi rhoi manylion anghywir ormod o weithiau. Rhowch gynnig arall arni ymhen 15 munud."]
    );
}

/// Signs in to account 1000000005 (which has a passphrase) and returns the session cookie.
async fn sign_in_robin(server: &TestServer, passphrase: &str, language: Option<&str>) -> String {
    let form = [
        ("account_id", "1000000005"),
        ("ods_code", "T00001"),
        ("passphrase", passphrase),
    ];
    let page = server.post("/sign-in", &form, language).await;
    assert_eq!(page.location.as_deref(), Some("/account"), "{}", page.body);
    page.cookie()
}

/// Resets 1000000005's passphrase with a freshly printed PIN document, with `language` (a
/// `relink-lang` cookie) on the final step.
async fn reset_robin(server: &TestServer, new: &str, language: Option<&str>) {
    let document = "demo-pin-document-1000000005";
    fixture::renew_pin_document(&server.database_url, document, "demo-pin-5").await;
    let step = verify(
        server,
        "1000000005",
        "T00001",
        "demo-pin-5",
        ("5", "6", "1968"),
    )
    .await;
    assert_eq!(step.status, 303, "{}", step.body);
    let cookie = match language {
        Some(language) => format!("{language}; {}", step.cookie()),
        None => step.cookie(),
    };
    let done = choose(server, &cookie, new, new).await;
    assert_eq!(done.location.as_deref(), Some(DONE), "{}", done.body);
}

/// A reset ends every session of the account (whoever knew the old passphrase is signed out),
/// and the account's email address is told, in the language of the reset, with what to do if
/// it was not them; an account without an address gets nothing.
#[tokio::test]
async fn a_reset_signs_out_every_device_and_tells_the_accounts_email_address() {
    let server = start(true).await;
    let old = "river otter lantern forty two";
    let (phone, laptop) = (
        sign_in_robin(&server, old, None).await,
        sign_in_robin(&server, old, None).await,
    );
    assert_eq!(server.get("/account", Some(&phone)).await.status, 200);

    // Account 1000000001 has no email address: its reset queues nothing.
    let step = matched(&server).await;
    assert_eq!(choose(&server, &step, GOOD, GOOD).await.status, 303);
    assert!(fixture::outbox_messages(&server.database_url)
        .await
        .is_empty());

    fixture::set_email(
        &server.database_url,
        "T00001",
        "1000000005",
        "robin@example.com",
    )
    .await;
    reset_robin(&server, GOOD, None).await;
    for cookie in [&phone, &laptop] {
        let page = server.get("/account", Some(cookie)).await;
        assert_eq!(
            (page.status, page.location.as_deref()),
            (303, Some("/sign-in?signed_out=timeout")),
            "signed out by the reset"
        );
    }
    let messages = fixture::outbox_messages(&server.database_url).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let (to, subject, body, purpose) = &messages[0];
    assert_eq!(
        (to.as_str(), subject.as_str(), purpose.as_str()),
        (
            "robin@example.com",
            "Your passphrase was reset",
            "passphrase_reset"
        )
    );
    assert!(body.contains("at Riverside Surgery was reset with a PIN document"));
    assert!(body.contains("If this was not you, someone else may know your details. Contact Riverside Surgery straight away and ask for a new PIN document"));
    assert!(!body.contains(GOOD), "no secret in the message");

    // In Welsh when the reset is made in Welsh.
    let welsh = sign_in_robin(&server, GOOD, None).await;
    let next = "violet tractor biscuit canyon";
    reset_robin(&server, next, Some("relink-lang=cy")).await;
    assert_eq!(server.get("/account", Some(&welsh)).await.status, 303);
    let messages = fixture::outbox_messages(&server.database_url).await;
    let (to, subject, body, _) = &messages[1];
    assert_eq!(
        (to.as_str(), subject.as_str()),
        ("robin@example.com", "Cafodd eich cyfrinymadrodd ei ailosod")
    );
    assert!(body.contains("Os nad chi wnaeth hyn"));
    assert!(!body.contains("If this was not you"));
}

/// One step token allows 5 attempts at a new passphrase: the fifth refusal ends the step with
/// a page saying to start again, and a sixth is refused even with a good passphrase. The
/// cheap rules refuse without any Argon2 work.
#[tokio::test]
async fn a_step_token_allows_five_attempts_and_cheap_refusals_do_no_hashing() {
    let mut pool = None;
    let server = start_with(true, |state| pool = Some(state.hashing.clone())).await;
    let pool = pool.unwrap();
    let cookie = matched(&server).await;
    let before = pool.work_started();
    for (new, confirm) in [
        ("", ""),
        ("too short", "too short"),
        ("passwordpassword", "passwordpassword"),
        (GOOD, "carpet orbit lemon"),
    ] {
        let page = choose(&server, &cookie, new, confirm).await;
        assert_eq!(page.status, 422, "{new}");
    }
    assert_eq!(
        pool.work_started(),
        before,
        "policy refusals run no Argon2 work"
    );
    let fifth = choose(&server, &cookie, "short", "short").await;
    assert_eq!(fifth.status, 429);
    assert!(fifth
        .body
        .contains("You have tried too many times to create a new passphrase"));
    assert!(fifth.body.contains("you can try 5 times"));
    assert!(fifth.body.contains(r#"href="/reset-passphrase""#));
    let sixth = choose(&server, &cookie, GOOD, GOOD).await;
    assert!(
        sixth.status == 403 || sixth.status == 429,
        "refused: {}",
        sixth.status
    );
    assert_eq!(pool.work_started(), before, "nothing hashed for the sixth");
    assert_eq!(
        fixture::pin_document_used_at(&server.database_url, "demo-pin-document-1000000001").await,
        None,
        "the PIN document still works"
    );
    assert_eq!(
        fixture::passphrase_hash(&server.database_url, "T00001", "1000000001").await,
        None
    );
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::NewPassphraseLockout).await,
        1
    );
    // Starting again with the PIN document works.
    let again = matched(&server).await;
    assert_eq!(choose(&server, &again, GOOD, GOOD).await.status, 303);
}
