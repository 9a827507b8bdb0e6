//! HTTP tests of "I cannot sign in" and the replacement journey, against the real router with
//! a real SMTP listener on loopback receiving the emails.

use app::db::audit::AuditKind;

use crate::common::{
    fixture, start, start_with_smtp, without_typed_values, Page, SmtpSink, TestServer,
};
use crate::staff::{staff_sign_in, HILLVIEW, RIVERSIDE};

/// Dana Hughes in the demo data: account not used for 90 days, so it may be replaced.
const DANA: IdentityInput = ("999 000 0069", ("6", "7", "1972"), "rv6 7lm");
/// Lee Roberts: signed in 3 days ago.
const LEE: IdentityInput = ("9990000077", ("7", "8", "1995"), "RV7 8NP");
const NO_MATCH: &str = "The details you entered do not match our records";

type IdentityInput = (
    &'static str,
    (&'static str, &'static str, &'static str),
    &'static str,
);

async fn identify(server: &TestServer, (nhs, (d, m, y), postcode): IdentityInput) -> Page {
    server
        .post(
            "/replace-account",
            &[
                ("nhs_number", nhs),
                ("date_of_birth_day", d),
                ("date_of_birth_month", m),
                ("date_of_birth_year", y),
                ("postcode", postcode),
            ],
            None,
        )
        .await
}

/// Passes the identity check and returns the journey cookie.
pub(crate) async fn start_journey(server: &TestServer) -> String {
    let page = identify(server, DANA).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/replace-account/email"));
    let cookie = page.cookie();
    assert!(cookie.starts_with("__Host-relink-replace="));
    let attributes = page.set_cookie.unwrap();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(attributes.contains(attribute), "{attributes}");
    }
    cookie
}

#[tokio::test]
async fn every_answer_to_cannot_sign_in_leads_somewhere_useful() {
    let server = start(true).await;
    let question = server.get("/cannot-sign-in", None).await;
    assert_eq!(question.status, 200);
    assert!(question.body.contains("What is the problem?"));
    for (answer, destination) in [
        ("forgotten-passphrase", "/reset-passphrase"),
        ("pin-document", "/cannot-sign-in/pin-document"),
        ("lost-email", "/replace-account"),
        ("technical-problem", "/replace-account"),
        ("delete-account", "/cannot-sign-in/delete-account"),
    ] {
        let page = server
            .post("/cannot-sign-in", &[("problem", answer)], None)
            .await;
        assert_eq!(page.status, 303, "{answer}");
        assert_eq!(page.location.as_deref(), Some(destination), "{answer}");
        let next = server.get(destination, None).await;
        assert_eq!(next.status, 200, "{destination}");
    }
    for answer in ["", "delete-now"] {
        let page = server
            .post("/cannot-sign-in", &[("problem", answer)], None)
            .await;
        assert_eq!(page.status, 422);
        assert_eq!(page.summary(), ["Select the problem you have signing in"]);
        assert!(page.body.contains(r#"<title>Error: I cannot sign in"#));
    }

    let pin = server.get("/cannot-sign-in/pin-document", None).await.body;
    assert!(pin.contains("within 14 days"));
    assert!(pin.contains("linkage key"));
    assert!(pin.contains("proof of address"));

    // Deleting is explained and replacement offered; there is no way to delete anything.
    let delete = server
        .get("/cannot-sign-in/delete-account", None)
        .await
        .body;
    assert!(delete.contains("Deleting an account causes problems"));
    assert!(delete.contains(r#"href="/replace-account""#));
    let main = &delete[delete.find("<main").unwrap()..delete.find("</main>").unwrap()];
    assert!(!main.contains("<form"), "no form on the delete page");
    assert!(
        !main.to_lowercase().contains(">delete"),
        "no delete button or link"
    );
}

#[tokio::test]
async fn the_identity_form_says_what_to_fix() {
    let server = start(true).await;
    let empty = identify(&server, ("", ("", "", ""), "")).await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        empty.summary(),
        [
            "Enter your NHS number",
            "Enter your date of birth",
            "Enter your postcode"
        ]
    );
    let wrong = identify(&server, ("999 000 0068", ("31", "2", "1972"), "RV6")).await;
    assert_eq!(wrong.status, 422);
    let summary = wrong.summary();
    assert_eq!(summary.len(), 3, "{summary:?}");
    assert!(summary[0].contains("NHS number"), "{summary:?}");
    assert!(summary[1].contains("real date"), "{summary:?}");
    assert_eq!(summary[2], "Enter a real postcode, like LS1 4AP");
    assert!(wrong.set_cookie.is_none());
    // What was typed comes back, so nothing has to be typed twice.
    assert!(wrong.body.contains(r#"value="999 000 0068""#));
}

#[tokio::test]
async fn a_mismatch_gets_one_generic_answer_and_five_lock_the_number() {
    let server = start(true).await;
    let mut bodies = Vec::new();
    for input in [
        ("9990000069", ("6", "7", "1972"), "RV6 7LN"), // wrong postcode
        ("9990000069", ("7", "7", "1972"), "RV6 7LM"), // wrong date of birth
        ("9990000085", ("6", "7", "1972"), "RV6 7LM"), // nobody has this number
    ] {
        let page = identify(&server, input).await;
        assert_eq!(page.status, 422, "{input:?}");
        assert_eq!(page.summary(), [NO_MATCH]);
        assert!(page.set_cookie.is_none());
        bodies.push(without_typed_values(&page.body));
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "answers differ beyond the echoed values"
    );

    // The number typed is throttled whether or not it exists: 5 failures lock it.
    for number in ["9990000069", "9990000085"] {
        let already = if number == "9990000069" { 2 } else { 1 };
        for attempt in already + 1..=5 {
            let page = identify(&server, (number, ("1", "1", "1990"), "RV6 7LM")).await;
            let expected = if attempt == 5 { 429 } else { 422 };
            assert_eq!(page.status, expected, "{number} attempt {attempt}");
        }
        let locked = identify(
            &server,
            if number == "9990000069" {
                DANA
            } else {
                (number, ("6", "7", "1972"), "RV6 7LM")
            },
        )
        .await;
        assert_eq!(
            locked.status, 429,
            "{number} stays locked, even with the right details"
        );
        assert_eq!(
            locked.summary(),
            ["You have entered incorrect details too many times. Try again in 15 minutes."]
        );
    }
    let failures =
        fixture::audit_count(&server.database_url, AuditKind::ReplacementIdentityFailed).await;
    assert_eq!(failures, 10);
}

#[tokio::test]
async fn ten_failures_in_a_day_lock_the_number_until_tomorrow_and_its_practice_is_told() {
    const TODAY: &str = "You have entered incorrect details too many times today. \
                         Try again tomorrow, or contact your GP practice.";
    let server = start(true).await;
    let wrong = ("9990000069", ("1", "1", "1990"), "RV6 7LM");
    for failure in 1..=10 {
        let page = identify(&server, wrong).await;
        let expected = match failure {
            5 => (
                429,
                "You have entered incorrect details too many times. Try again in 15 minutes.",
            ),
            10 => (429, TODAY),
            _ => (422, NO_MATCH),
        };
        assert_eq!(page.status, expected.0, "failure {failure}");
        assert_eq!(page.summary(), [expected.1], "failure {failure}");
        if failure == 5 {
            // Sixteen minutes pass: the 15-minute lock is over, the day's count is not.
            fixture::backdate_attempt_counters(&server.database_url, 16 * 60).await;
        }
    }
    // The right details are refused too, also once the 15-minute lock would have ended.
    for _ in 0..2 {
        let locked = identify(&server, DANA).await;
        assert_eq!(locked.status, 429);
        assert_eq!(locked.summary(), [TODAY]);
        assert!(locked.set_cookie.is_none());
        fixture::backdate_attempt_counters(&server.database_url, 16 * 60).await;
    }
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::IdentityCheckDailyLockout).await,
        1
    );

    // Dana's practice sees her on its home page, with a link to her; another practice does not.
    let heading = "NHS numbers locked after too many identity checks";
    let dana_link = r#"href="/staff/patients/demo-patient-9990000069""#;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let home = server.get("/staff", Some(&riverside)).await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains(heading), "{}", home.body);
    assert!(home.body.contains(dana_link), "{}", home.body);
    assert!(home.body.contains("Dana Hughes"));
    let hillview = staff_sign_in(&server, HILLVIEW).await;
    let home = server.get("/staff", Some(&hillview)).await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains(heading));
    assert!(home
        .body
        .contains("No NHS numbers have been locked in the last 24 hours."));
    assert!(!home.body.contains(dana_link));
    assert!(!home.body.contains("Dana Hughes"));

    // A day later, Dana can go on.
    fixture::backdate_attempt_counters(&server.database_url, 24 * 60 * 60).await;
    let page = identify(&server, DANA).await;
    assert_eq!(page.status, 303, "{:?}", page.summary());
}

#[tokio::test]
async fn ineligible_patients_are_told_why_and_what_to_do_instead() {
    let server = start(true).await;
    let recent = identify(&server, LEE).await;
    assert_eq!(recent.status, 403);
    assert!(recent
        .body
        .contains("You can still sign in to your account"));
    assert!(recent
        .body
        .contains("Sign in and change your email address instead."));
    assert!(recent.set_cookie.is_none());
    // Passing the identity check proves only that someone knows the details: the refusal
    // does not say when the account was used, nor where the patient is registered.
    assert!(recent.body.contains("used in the last 30 days"));
    for hidden in ["Riverside Surgery", "2026", "1000000007"] {
        assert!(!recent.body.contains(hidden), "{hidden}");
    }

    let url = &server.database_url;
    // Five accounts already (all active, at other Account IDs): the limit.
    for i in 1..=4 {
        let (id, account) = (format!("extra-{i}"), format!("10000000{i}9"));
        fixture::add_account(url, &id, "demo-patient-9990000069", "T00001", &account).await;
    }
    let too_many = identify(&server, DANA).await;
    assert_eq!(too_many.status, 403);
    assert!(too_many.body.contains("You already have 5 accounts"));

    // One of them replaced before: refused for that reason.
    fixture::mark_account_replaced(url, "extra-1", "extra-2").await;
    let replaced = identify(&server, DANA).await;
    assert_eq!(replaced.status, 403);
    assert!(replaced
        .body
        .contains("Your account has already been replaced"));

    // A patient with no account at all is sent to their practice.
    fixture::mark_other_accounts_replaced(url, "demo-patient-9990000069", "extra-2").await;
    fixture::move_account(url, "extra-2", "demo-patient-9990000018").await;
    let none = identify(&server, DANA).await;
    assert_eq!(none.status, 404);
    assert!(none.body.contains("You do not have an account to replace"));
    let refusals = fixture::audit_count(url, AuditKind::ReplacementRefused).await;
    assert_eq!(refusals, 3);
}

#[tokio::test]
async fn later_steps_need_a_live_journey() {
    let server = start(true).await;
    for path in [
        "/replace-account/email",
        "/replace-account/security-code",
        "/replace-account/check-answers",
    ] {
        let page = server.get(path, None).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(page.body.contains("You need to start again"), "{path}");
        let forged = server.get(path, Some("__Host-relink-replace=forged")).await;
        assert_eq!(forged.status, 403, "{path}");
    }
    let posted = server
        .post(
            "/replace-account/check-answers",
            &[],
            Some("__Host-relink-replace=forged"),
        )
        .await;
    assert_eq!(posted.status, 403);
    // No journey, no confirmation: sent back to the start.
    let done = server.get("/replace-account/done", None).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location.as_deref(), Some("/replace-account"));

    // A journey that has run out of time ends, and says nothing was changed.
    let cookie = start_journey(&server).await;
    fixture::expire_replacement_journeys(&server.database_url).await;
    let ended = server.get("/replace-account/email", Some(&cookie)).await;
    assert_eq!(ended.status, 403);
    assert!(ended.body.contains("Nothing has been changed"));
}

#[tokio::test]
async fn the_new_email_address_is_checked_and_a_code_is_sent_to_it() {
    let smtp = SmtpSink::start().await;
    let server = start_with_smtp(&smtp).await;
    let cookie = start_journey(&server).await;
    let form = server.get("/replace-account/email", Some(&cookie)).await;
    assert_eq!(form.status, 200);
    // Before an address is given, the code page sends the patient back for one.
    let early = server
        .get("/replace-account/security-code", Some(&cookie))
        .await;
    assert_eq!(early.location.as_deref(), Some("/replace-account/email"));

    for (typed, message) in [
        ("", "Enter your email address"),
        (
            "dana@",
            "Enter an email address in the correct format, like name@example.com",
        ),
    ] {
        let page = server
            .post("/replace-account/email", &[("email", typed)], Some(&cookie))
            .await;
        assert_eq!(page.status, 422, "{typed}");
        assert_eq!(page.summary(), [message], "{typed}");
    }
    let sent = server
        .post(
            "/replace-account/email",
            &[("email", "dana.new@example.org")],
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 303);
    assert_eq!(
        sent.location.as_deref(),
        Some("/replace-account/security-code")
    );
    let emails = smtp.wait_for("dana.new@example.org", 1).await;
    let code = emails[0]
        .security_code()
        .expect("the email carries a 6-digit code");
    assert_eq!(emails[0].subject(), "Your security code");
    // The only secret in it is the code: not the journey token, not a PIN passphrase.
    let token = cookie.split_once('=').unwrap().1;
    assert!(!emails[0].data.contains(token));
    assert!(!emails[0].data.contains("demo-pin"));
    assert_eq!(emails[0].data.matches(&code).count(), 1);
    assert!(
        smtp.received()
            .iter()
            .all(|m| m.to == "dana.new@example.org"),
        "nothing to the old address yet"
    );
}

#[tokio::test]
async fn wrong_codes_are_counted_and_new_codes_are_limited() {
    let smtp = SmtpSink::start().await;
    let server = start_with_smtp(&smtp).await;
    let cookie = start_journey(&server).await;
    let to = "dana.new@example.org";
    server
        .post("/replace-account/email", &[("email", to)], Some(&cookie))
        .await;
    let first = smtp.wait_for(to, 1).await[0].security_code().unwrap();
    let wrong = if first == "000000" {
        "111111"
    } else {
        "000000"
    };

    let format = server
        .post(
            "/replace-account/security-code",
            &[("security_code", "12 34")],
            Some(&cookie),
        )
        .await;
    assert_eq!(format.status, 422);
    assert_eq!(format.summary(), ["The security code must be 6 numbers"]);
    for left in ["4 more tries", "3 more tries", "2 more tries", "1 more try"] {
        let page = server
            .post(
                "/replace-account/security-code",
                &[("security_code", wrong)],
                Some(&cookie),
            )
            .await;
        assert_eq!(page.status, 422);
        assert!(
            page.summary()[0].ends_with(&format!("You have {left}.")),
            "{:?}",
            page.summary()
        );
    }
    let fifth = server
        .post(
            "/replace-account/security-code",
            &[("security_code", wrong)],
            Some(&cookie),
        )
        .await;
    assert_eq!(fifth.status, 429);
    assert!(fifth
        .body
        .contains("Your security code has stopped working"));
    let after = server
        .post(
            "/replace-account/security-code",
            &[("security_code", &first)],
            Some(&cookie),
        )
        .await;
    assert_eq!(
        after.status, 429,
        "the right code no longer works after 5 wrong tries"
    );

    // "Send a new code": a fresh code works; earlier ones do not. Three codes in all.
    let resent = server
        .post("/replace-account/security-code/resend", &[], Some(&cookie))
        .await;
    assert_eq!(
        resent.location.as_deref(),
        Some("/replace-account/security-code?resent=1")
    );
    let notice = server
        .get("/replace-account/security-code?resent=1", Some(&cookie))
        .await;
    assert!(notice.body.contains("We have sent a new code"));
    let second = smtp.wait_for(to, 2).await[1].security_code().unwrap();
    server
        .post("/replace-account/security-code/resend", &[], Some(&cookie))
        .await;
    let third = smtp.wait_for(to, 3).await[2].security_code().unwrap();
    let limit = server
        .post("/replace-account/security-code/resend", &[], Some(&cookie))
        .await;
    assert_eq!(limit.status, 429);
    assert!(limit
        .body
        .contains("You have asked for the most codes you can"));
    if second != third {
        let old = server
            .post(
                "/replace-account/security-code",
                &[("security_code", &second)],
                Some(&cookie),
            )
            .await;
        assert_eq!(old.status, 422, "an earlier code stops working");
    }
    let ok = server
        .post(
            "/replace-account/security-code",
            &[("security_code", &third)],
            Some(&cookie),
        )
        .await;
    assert_eq!(ok.status, 303);
    assert_eq!(
        ok.location.as_deref(),
        Some("/replace-account/check-answers")
    );
}

/// Runs the journey up to the request for Dana's account with a new address, and returns the
/// journey cookie and the reference shown on the confirmation.
async fn request_replacement(server: &TestServer, smtp: &SmtpSink, to: &str) -> (String, String) {
    let cookie = start_journey(server).await;
    server
        .post("/replace-account/email", &[("email", to)], Some(&cookie))
        .await;
    let code = smtp.wait_for(to, 1).await[0].security_code().unwrap();
    let confirmed = server
        .post(
            "/replace-account/security-code",
            &[("security_code", &code)],
            Some(&cookie),
        )
        .await;
    assert_eq!(
        confirmed.location.as_deref(),
        Some("/replace-account/check-answers")
    );
    let requested = server
        .post("/replace-account/check-answers", &[], Some(&cookie))
        .await;
    assert_eq!(requested.location.as_deref(), Some("/replace-account/done"));
    let done = server.get("/replace-account/done", Some(&cookie)).await;
    assert_eq!(done.status, 200);
    let start = done.body.find("RPL-").expect("a reference number");
    (cookie, done.body[start..start + 13].to_owned())
}

/// `/replace-account/activate` with a reference and a PIN passphrase.
async fn activate(server: &TestServer, reference: &str, pin: &str) -> Page {
    server
        .post(
            "/replace-account/activate",
            &[("reference", reference), ("pin_passphrase", pin)],
            None,
        )
        .await
}

/// The status page for Dana's request.
async fn status_of(server: &TestServer, reference: &str, dob: (&str, &str, &str)) -> Page {
    server
        .post(
            "/replace-account/status",
            &[
                ("reference", reference),
                ("date_of_birth_day", dob.0),
                ("date_of_birth_month", dob.1),
                ("date_of_birth_year", dob.2),
            ],
            None,
        )
        .await
}

#[tokio::test]
async fn a_request_leaves_the_old_account_working_until_a_pin_document_activates_it() {
    let smtp = SmtpSink::start().await;
    let server = start_with_smtp(&smtp).await;
    let cookie = start_journey(&server).await;
    let to = "dana.new@example.org";
    server
        .post("/replace-account/email", &[("email", to)], Some(&cookie))
        .await;
    let code = smtp.wait_for(to, 1).await[0].security_code().unwrap();
    // Check your answers is not reachable before the code is confirmed.
    let early = server
        .get("/replace-account/check-answers", Some(&cookie))
        .await;
    assert_eq!(
        early.location.as_deref(),
        Some("/replace-account/security-code")
    );
    server
        .post(
            "/replace-account/security-code",
            &[("security_code", &code)],
            Some(&cookie),
        )
        .await;
    let check = server
        .get("/replace-account/check-answers", Some(&cookie))
        .await;
    assert_eq!(check.status, 200);
    for shown in ["999 000 0069", to, "Request replacement"] {
        assert!(check.body.contains(shown), "{shown}");
    }
    // Nothing of the old account: not its Account ID, not the practice.
    for hidden in ["1000000006", "Riverside Surgery", "dana.hughes@example.com"] {
        assert!(!check.body.contains(hidden), "{hidden}");
    }
    let requested = server
        .post("/replace-account/check-answers", &[], Some(&cookie))
        .await;
    assert_eq!(requested.status, 303);
    assert_eq!(requested.location.as_deref(), Some("/replace-account/done"));
    let again = server
        .post("/replace-account/check-answers", &[], Some(&cookie))
        .await;
    assert_eq!(
        again.location.as_deref(),
        Some("/replace-account/done"),
        "a second click changes nothing"
    );
    let done = server.get("/replace-account/done", Some(&cookie)).await;
    assert_eq!(done.status, 200);
    assert!(done
        .body
        .contains("We have your request to replace your account"));
    for hidden in ["1000000006", "Riverside Surgery"] {
        assert!(!done.body.contains(hidden), "{hidden}");
    }
    let start = done.body.find("RPL-").expect("a reference number");
    let reference = done.body[start..start + 13].to_owned();
    assert!(
        reference
            .chars()
            .skip(4)
            .all(|c| c == '-' || "234679ACDEFGHJKMNPQRTWXYZ".contains(c)),
        "{reference}"
    );

    // What happens next, to the new address (no practice named); a notice with a cancel link
    // to the old one (the new address not named).
    let next = &smtp.wait_for(to, 2).await[1];
    assert_eq!(
        next.subject(),
        "We have your request to replace your account"
    );
    let next_text = email_text(next);
    assert!(next_text.contains(&reference));
    assert!(next_text.contains("/replace-account/activate"));
    assert!(!next_text.contains("Riverside"));
    let notice = &smtp.wait_for("dana.hughes@example.com", 1).await[0];
    assert_eq!(notice.subject(), "Someone asked to replace your account");
    let notice_text = email_text(notice);
    assert!(notice_text.contains("/replace-account/cancel?token="));
    assert!(
        !notice_text.contains(to),
        "the notice does not reveal the new address"
    );

    // The old account is untouched: still the only, active one, its PIN document unused.
    let rows = fixture::accounts_with_account_id(&server.database_url, "1000000006").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].1, "active");

    // Progress by reference and date of birth only; anything else is the generic answer.
    let wrong_dob = status_of(&server, &reference, ("7", "7", "1972")).await;
    let unknown = status_of(&server, "RPL-2222-2222", ("6", "7", "1972")).await;
    for page in [&wrong_dob, &unknown] {
        assert_eq!(page.status, 422);
        assert_eq!(page.summary(), [NO_MATCH]);
        assert!(!page.body.contains("Progress of your replacement"));
    }
    assert_eq!(
        without_typed_values(&wrong_dob.body),
        without_typed_values(&unknown.body)
    );
    let progress = status_of(&server, &reference.to_lowercase(), ("6", "7", "1972")).await;
    assert_eq!(progress.status, 200);
    assert!(progress.body.contains("Progress of your replacement"));
    assert!(progress.body.contains("In progress"));
    assert!(!progress.body.contains("Riverside Surgery"));

    // Phase two: the reference and the PIN document's passphrase open the new-passphrase step.
    assert_eq!(
        server.get("/replace-account/activate", None).await.status,
        200
    );
    let wrong = activate(&server, &reference, "wrong-pin-1").await;
    assert_eq!(wrong.status, 422);
    assert_eq!(wrong.summary(), [NO_MATCH]);
    let verified = activate(&server, &reference, "demo-pin-6").await;
    assert_eq!(verified.status, 303, "{}", verified.body);
    assert_eq!(
        verified.location.as_deref(),
        Some("/reset-passphrase/new-passphrase")
    );
    let chosen = server
        .post(
            "/reset-passphrase/new-passphrase",
            &[
                ("new_passphrase", "harbour violet engine seventy"),
                ("confirm_passphrase", "harbour violet engine seventy"),
            ],
            Some(&verified.cookie()),
        )
        .await;
    assert_eq!(chosen.location.as_deref(), Some("/reset-passphrase/done"));
    let finished = server
        .get("/reset-passphrase/done", Some(&verified.cookie()))
        .await;
    assert!(finished.body.contains("Your new account is active"));

    let rows = fixture::accounts_with_account_id(&server.database_url, "1000000006").await;
    assert_eq!(rows.len(), 2, "the old account is kept: {rows:?}");
    let old = rows.iter().find(|r| r.1 == "replaced").unwrap();
    let new = rows.iter().find(|r| r.1 == "active").unwrap();
    assert_eq!(old.2.as_deref(), Some(new.0.as_str()));
    let new_has_passphrase =
        fixture::active_accounts_with_a_passphrase(&server.database_url, "1000000006").await;
    assert_eq!(new_has_passphrase, 1);
    let confirmation = &smtp.wait_for(to, 3).await[2];
    assert_eq!(confirmation.subject(), "Your account has been replaced");
    assert!(confirmation.outbox_id().is_some());
    let alert = &smtp.wait_for("dana.hughes@example.com", 2).await[1];
    assert_eq!(alert.subject(), "Your account was replaced");
    assert!(!alert.data.contains(to));
    let complete = status_of(&server, &reference, ("6", "7", "1972")).await;
    assert!(complete.body.contains("Complete"), "{}", complete.body);
    // The request is spent: activating it again says so.
    let twice = activate(&server, &reference, "demo-pin-6").await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("already active"));
}

#[tokio::test]
async fn the_old_addresss_owner_cancels_with_one_click_and_nothing_was_changed() {
    let smtp = SmtpSink::start().await;
    let server = start_with_smtp(&smtp).await;
    let (_, reference) = request_replacement(&server, &smtp, "stranger@example.net").await;
    let notice = email_text(&smtp.wait_for("dana.hughes@example.com", 1).await[0]);
    let start = notice.find("/replace-account/cancel?token=").unwrap();
    let link: String = notice[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();

    // Following the link changes nothing by itself (mail scanners fetch links).
    let page = server.get(&link, None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Cancel this replacement"));
    assert!(page.body.contains(&reference));
    let pending = status_of(&server, &reference, ("6", "7", "1972")).await;
    assert!(pending.body.contains("In progress"));
    let token = link.split_once("token=").unwrap().1;
    let forged = server
        .post("/replace-account/cancel", &[("token", "forged")], None)
        .await;
    assert_eq!(forged.status, 404);
    assert!(forged.body.contains("This link does not work"));
    let cancelled = server
        .post("/replace-account/cancel", &[("token", token)], None)
        .await;
    assert_eq!(cancelled.status, 200);
    assert!(cancelled.body.contains("Replacement cancelled"));
    let again = server
        .post("/replace-account/cancel", &[("token", token)], None)
        .await;
    assert!(
        again.body.contains("Replacement cancelled"),
        "single use, same answer"
    );
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::ReplacementCancelled).await,
        1
    );
    let status = status_of(&server, &reference, ("6", "7", "1972")).await;
    assert!(status.body.contains("Cancelled"));

    // The stranger's request can no longer be activated, even with a real PIN document...
    let refused = activate(&server, &reference, "demo-pin-6").await;
    assert_eq!(refused.status, 410);
    assert!(refused.body.contains("This request was cancelled"));
    // ...and the owner's account and PIN document work as before.
    let rows = fixture::accounts_with_account_id(&server.database_url, "1000000006").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, "active");
    let reset = server
        .post(
            "/reset-passphrase",
            &[
                ("account_id", "1000000006"),
                ("ods_code", "T00001"),
                ("pin_passphrase", "demo-pin-6"),
                ("date_of_birth_day", "6"),
                ("date_of_birth_month", "7"),
                ("date_of_birth_year", "1972"),
            ],
            None,
        )
        .await;
    assert_eq!(reset.status, 303, "{}", reset.body);
}

/// Chris Evans in the demo data: never signed in, no email address, at Hillview (EMIS).
const CHRIS: IdentityInput = ("999 000 0042", ("4", "5", "1985"), "HV1 5GH");

#[tokio::test]
async fn an_emis_practices_patient_is_sent_to_the_practice_to_activate() {
    let smtp = SmtpSink::start().await;
    let server = start_with_smtp(&smtp).await;
    let found = identify(&server, CHRIS).await;
    assert_eq!(found.status, 303, "{}", found.body);
    let cookie = found.cookie();
    let to = "chris.new@example.org";
    server
        .post("/replace-account/email", &[("email", to)], Some(&cookie))
        .await;
    let code = smtp.wait_for(to, 1).await[0].security_code().unwrap();
    server
        .post(
            "/replace-account/security-code",
            &[("security_code", &code)],
            Some(&cookie),
        )
        .await;
    server
        .post("/replace-account/check-answers", &[], Some(&cookie))
        .await;
    let done = server.get("/replace-account/done", Some(&cookie)).await;
    let start = done.body.find("RPL-").expect("a reference number");
    let reference = done.body[start..start + 13].to_owned();

    // EMIS Web sets its own passwords: Relink does not, as in a reset; nothing changes.
    let refused = activate(&server, &reference, "demo-pin-4").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused
        .body
        .contains("Hillview Medical Centre uses EMIS Web"));
    assert!(refused.set_cookie.is_none(), "no step token");
    let rows = fixture::accounts_with_account_id(&server.database_url, "2000000001").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, "active");
    let status = status_of(&server, &reference, ("4", "5", "1985")).await;
    assert!(status.body.contains("In progress"));
}

#[tokio::test]
async fn the_old_address_gets_a_code_like_any_other_and_only_its_owner_learns_it_is_the_same() {
    let smtp = SmtpSink::start().await;
    let server = start_with_smtp(&smtp).await;
    let cookie = start_journey(&server).await;
    let other = server
        .post(
            "/replace-account/email",
            &[("email", "someone.else@example.org")],
            Some(&cookie),
        )
        .await;
    let same = server
        .post(
            "/replace-account/email",
            &[("email", "Dana.Hughes@EXAMPLE.com")],
            Some(&cookie),
        )
        .await;
    // A guesser sees the same answer for the account's address as for any other.
    assert_eq!(
        (same.status, &same.location),
        (other.status, &other.location)
    );
    assert_eq!(same.status, 303);
    let code = smtp.wait_for("Dana.Hughes@example.com", 1).await[0]
        .security_code()
        .unwrap();
    let confirmed = server
        .post(
            "/replace-account/security-code",
            &[("security_code", &code)],
            Some(&cookie),
        )
        .await;
    assert_eq!(confirmed.status, 200);
    assert!(
        confirmed
            .body
            .contains("You can still use your account&#x27;s email address")
            || confirmed
                .body
                .contains("You can still use your account's email address")
    );
    let check = server
        .get("/replace-account/check-answers", Some(&cookie))
        .await;
    assert_eq!(
        check.location.as_deref(),
        Some("/replace-account/security-code"),
        "no request with the account's own address"
    );
    let posted = server
        .post("/replace-account/check-answers", &[], Some(&cookie))
        .await;
    assert_eq!(
        posted.location.as_deref(),
        Some("/replace-account/security-code")
    );
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::ReplacementRequested).await,
        0
    );
}

#[tokio::test]
async fn the_demo_mailbox_shows_sent_emails_in_demo_mode_only() {
    let demo = start(true).await;
    let cookie = start_journey(&demo).await;
    demo.post(
        "/replace-account/email",
        &[("email", "dana.new@example.org")],
        Some(&cookie),
    )
    .await;
    let mut shown = false;
    for _ in 0..100 {
        let page = demo.get("/demo/mailbox", None).await;
        assert_eq!(page.status, 200);
        if page.body.contains("Your security code is") && page.body.contains("delivered") {
            shown = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(shown, "the code email appears in the demo mailbox");
    let demo_page = demo.get("/demo", None).await.body;
    assert!(demo_page.contains("999 000 0069") && demo_page.contains("999 000 0077"));

    let live = start(false).await;
    assert_eq!(live.get("/demo/mailbox", None).await.status, 404);
}

#[tokio::test]
async fn an_undeliverable_email_is_kept_and_delivered_on_a_later_try() {
    use app::db::outbox::{self, NewMessage, Purpose};
    use app::server::mail::{deliver_due, Delivery};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("o.db").display());
    let db = app::db::Db::connect(&url).await.unwrap();
    let message = NewMessage {
        recipient: "sam@example.com",
        subject: "Hello",
        body: "Body",
        purpose: Purpose::ReplacementConfirmed,
    };
    outbox::enqueue(db.pool(), &message, 0).await.unwrap();

    // Nothing listens on port 1: the try fails, the message stays, with the reason.
    let from = app::server::config_defaults::MAIL_FROM;
    let down = Delivery::from_config(Some("smtp://127.0.0.1:1"), from, false)
        .unwrap()
        .unwrap();
    assert_eq!(deliver_due(&db, &down).await.unwrap(), 1);
    let row = fixture::outbox_delivery(&url).await;
    assert_eq!((row.0, row.1), (1, None));
    assert!(row.2.is_some_and(|e| !e.is_empty()));
    assert!(row.3 > 0, "retried later, not at once");
    assert_eq!(deliver_due(&db, &down).await.unwrap(), 0, "not due yet");

    // When it is due again and the server is up, it is delivered once.
    fixture::make_outbox_due(&url).await;
    let smtp = SmtpSink::start().await;
    let up = Delivery::from_config(Some(&smtp.url), from, false)
        .unwrap()
        .unwrap();
    assert_eq!(deliver_due(&db, &up).await.unwrap(), 1);
    assert_eq!(deliver_due(&db, &up).await.unwrap(), 0);
    let received = smtp.wait_for("sam@example.com", 1).await;
    assert_eq!(received[0].subject(), "Hello");
    assert_eq!(smtp.received().len(), 1);
    let sent = outbox::recent(db.pool(), 1).await.unwrap()[0].sent_at;
    assert!(sent.is_some());
}

/// The body of a received email as written: SMTP dot-stuffing and quoted-printable (if used)
/// undone.
fn email_text(email: &crate::common::ReceivedEmail) -> String {
    let (headers, body) = email.data.split_once("\n\n").unwrap_or_default();
    let body: String = body
        .lines()
        .map(|line| {
            line.strip_prefix('.')
                .filter(|l| l.starts_with('.'))
                .unwrap_or(line)
        })
        .map(|line| format!("{line}\n"))
        .collect();
    if !headers
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: quoted-printable")
    {
        return body;
    }
    let joined = body.replace("=\n", "");
    let mut bytes = Vec::new();
    let mut rest = joined.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match (b, tail.get(..2).and_then(|h| std::str::from_utf8(h).ok())) {
            (b'=', Some(hex)) if u8::from_str_radix(hex, 16).is_ok() => {
                bytes.push(u8::from_str_radix(hex, 16).unwrap());
                rest = &tail[2..];
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn a_patient_who_chose_welsh_gets_the_pages_problems_and_code_email_in_welsh() {
    const WELSH: &str = "relink-lang=cy";
    let smtp = SmtpSink::start().await;
    let server = start_with_smtp(&smtp).await;

    let question = server.get("/cannot-sign-in", Some(WELSH)).await;
    assert_eq!(question.status, 200);
    assert!(question.body.contains(r#"<html lang="cy""#));
    assert!(question.body.contains("Beth yw'r broblem?"));
    assert!(!question.body.contains("What is the problem?"));
    let unanswered = server
        .post("/cannot-sign-in", &[("problem", "")], Some(WELSH))
        .await;
    assert_eq!(unanswered.status, 422);
    assert_eq!(
        unanswered.summary(),
        ["Dewiswch y broblem sydd gennych wrth fewngofnodi"]
    );
    assert!(unanswered
        .body
        .contains("<title>Gwall: Ni allaf fewngofnodi"));

    // The identity check: a Welsh heading, and the generic mismatch answer in Welsh.
    let identity = |(nhs, (d, m, y), postcode): IdentityInput| {
        let server = &server;
        async move {
            let form = [
                ("nhs_number", nhs),
                ("date_of_birth_day", d),
                ("date_of_birth_month", m),
                ("date_of_birth_year", y),
                ("postcode", postcode),
            ];
            server.post("/replace-account", &form, Some(WELSH)).await
        }
    };
    let form = server.get("/replace-account", Some(WELSH)).await;
    assert!(form.body.contains("<h1>Amnewid eich cyfrif</h1>"));
    let mismatch = identity(("9990000069", ("6", "7", "1972"), "RV6 7LN")).await;
    assert_eq!(mismatch.status, 422);
    assert_eq!(
        mismatch.summary(),
        ["Nid yw'r manylion a roesoch chi'n cyfateb i'n cofnodion"]
    );
    // Lee signed in 3 days ago: told so in Welsh, without the day (it is not the journey's to tell).
    let recent = identity(LEE).await;
    assert_eq!(recent.status, 403);
    assert!(recent
        .body
        .contains("<h1>Gallwch chi fewngofnodi i'ch cyfrif o hyd</h1>"));
    assert!(recent
        .body
        .contains("Cafodd eich cyfrif ei ddefnyddio yn ystod y 30 diwrnod diwethaf."));

    // The new email address: a Welsh problem, then the code email in Welsh.
    let journey = start_journey(&server).await;
    let cookie = format!("{journey}; {WELSH}");
    let email = server.get("/replace-account/email", Some(&cookie)).await;
    assert!(email
        .body
        .contains("<h1>Rhowch gyfeiriad e-bost newydd</h1>"));
    let malformed = server
        .post(
            "/replace-account/email",
            &[("email", "dana@")],
            Some(&cookie),
        )
        .await;
    assert_eq!(malformed.status, 422);
    assert_eq!(
        malformed.summary(),
        ["Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.com"]
    );
    let to = "dana.cymraeg@example.org";
    let sent = server
        .post("/replace-account/email", &[("email", to)], Some(&cookie))
        .await;
    assert_eq!(sent.status, 303);
    let received = &smtp.wait_for(to, 1).await[0];
    assert_eq!(received.subject(), "Eich cod diogelwch");
    let text = email_text(received);
    assert!(!text.contains("Your security code"), "{text}");
    let code: String = text
        .split("Eich cod diogelwch yw ")
        .nth(1)
        .expect("the Welsh email carries the code")
        .chars()
        .take(6)
        .collect();
    assert!(
        code.chars().all(|c| c.is_ascii_digit()) && code.len() == 6,
        "{text}"
    );
    assert!(text.contains(
        "Ni fydd neb o'r GIG na'ch practis meddyg teulu byth yn gofyn i chi am y cod hwn."
    ));
    assert!(text
        .trim_end()
        .ends_with("Rheoli eich cyfrif ar-lein meddyg teulu"));

    // A wrong code is explained in Welsh, with the tries left.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let page = server
        .post(
            "/replace-account/security-code",
            &[("security_code", wrong)],
            Some(&cookie),
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("<h1>Gwiriwch eich e-bost</h1>"));
    assert_eq!(
        page.summary(),
        ["Nid yw'r cod diogelwch yn gywir. Gwiriwch yr e-bost a rhowch gynnig arall arni. Mae gennych chi 4 cynnig arall."]
    );
}
