//! Local staff accounts made safe (issue #22, part 2): a first password changed at the first
//! sign-in, an authenticator app set up (QR code and the key as text, confirmed with a code),
//! ten recovery codes shown once and stored hashed, a code at every sign-in that works once,
//! wrong codes locked after five, and `relink staff reset-second-factor` for a lost phone.

use app::db::audit::AuditKind;

use crate::common::{
    demo_staff_code, finish_staff_sign_in, fixture, shown_key, start, unix_now, Page, TestServer,
};
use crate::staff::{run_relink, staff_sign_in, RIVERSIDE};

async fn password(server: &TestServer, username: &str, password: &str) -> Page {
    server
        .post(
            "/staff/sign-in",
            &[("username", username), ("password", password)],
            None,
        )
        .await
}

fn code_of(key: &str, at: u64) -> String {
    app::domain::second_factor::TotpSecret::parse_base32(key)
        .unwrap()
        .code_at(at)
}

/// The recovery codes shown once on the answer that finished setting up.
fn shown_recovery_codes(page: &Page) -> Vec<String> {
    page.body
        .split("<li><code>")
        .skip(1)
        .map(|rest| rest[..rest.find("</code>").unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn a_new_member_chooses_a_password_sets_up_an_authenticator_and_keeps_recovery_codes() {
    let server = start(true).await;
    let db = server.database_url.as_str();
    fixture::add_new_member(db, "new.starter", "given-once-password", &["T00001"]).await;

    let given = password(&server, "new.starter", "given-once-password").await;
    assert_eq!(
        (given.status, given.location.as_deref()),
        (303, Some("/staff/sign-in/new-password"))
    );
    let step = given.cookie();
    assert!(step.starts_with("__Host-relink-staff-step="), "{step}");
    assert!(given
        .set_cookie
        .as_deref()
        .is_some_and(|c| c.contains("HttpOnly") && c.contains("SameSite=Strict")));
    // A step is not a session, and its pages come in their order.
    assert_eq!(
        server.get("/staff", Some(&step)).await.location.as_deref(),
        Some("/staff/sign-in")
    );
    assert_eq!(
        server
            .get("/staff/sign-in/authenticator", Some(&step))
            .await
            .location
            .as_deref(),
        Some("/staff/sign-in/new-password")
    );
    let form = server.get("/staff/sign-in/new-password", Some(&step)).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Choose your own password"));
    assert!(form
        .body
        .contains("You have 10 minutes to finish signing in."));

    for (typed, confirmation, problem) in [
        (
            "short",
            "short",
            "New password must be 12 characters or more",
        ),
        (
            "password1234",
            "password1234",
            "New password is too easy to guess. Try 3 or more random words",
        ),
        (
            "starter kettle sunrise",
            "starter kettle sunrise",
            "New password must not include your username",
        ),
        (
            "copper kettle sunrise meadow",
            "copper kettle sunrise",
            "Passwords do not match. Enter the same new password in both boxes",
        ),
        (
            "given-once-password",
            "given-once-password",
            "New password must be different from the password you were given",
        ),
    ] {
        let refused = server
            .post(
                "/staff/sign-in/new-password",
                &[("password", typed), ("confirmation", confirmation)],
                Some(&step),
            )
            .await;
        assert_eq!(refused.status, 422, "{typed}");
        assert_eq!(refused.summary(), [problem], "{typed}");
    }
    let own = "copper kettle sunrise meadow";
    let chosen = server
        .post(
            "/staff/sign-in/new-password",
            &[("password", own), ("confirmation", own)],
            Some(&step),
        )
        .await;
    assert_eq!(
        (chosen.status, chosen.location.as_deref()),
        (303, Some("/staff/sign-in/authenticator"))
    );

    let setup = server
        .get("/staff/sign-in/authenticator", Some(&step))
        .await;
    assert_eq!(setup.status, 200);
    assert!(setup.body.contains("Set up an authenticator app"));
    assert!(setup.body.contains("<svg"), "a QR code");
    assert!(setup.body.contains("Relink: new.starter"));
    let key = shown_key(&setup);
    assert_eq!(key.len(), 32, "{key}");
    // The same key on a reload, until it is confirmed.
    let again = server
        .get("/staff/sign-in/authenticator", Some(&step))
        .await;
    assert_eq!(shown_key(&again), key);

    let now = unix_now();
    let right = code_of(&key, now);
    let wrong = if right == "000000" {
        "000001"
    } else {
        "000000"
    };
    let refused = server
        .post(
            "/staff/sign-in/authenticator",
            &[("code", wrong)],
            Some(&step),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.summary()[0].starts_with("The security code is not correct."));
    let letters = server
        .post(
            "/staff/sign-in/authenticator",
            &[("code", "12ab56")],
            Some(&step),
        )
        .await;
    assert_eq!(letters.summary(), ["The security code must be 6 digits"]);

    let done = server
        .post(
            "/staff/sign-in/authenticator",
            &[("code", &right)],
            Some(&step),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Save your recovery codes now"));
    let codes = shown_recovery_codes(&done);
    assert_eq!(codes.len(), 10, "{codes:?}");
    assert!(codes
        .iter()
        .all(|c| c.len() == 19 && c.matches('-').count() == 3));
    let session = done.cookie();
    assert!(session.starts_with("__Host-relink-staff="), "{session}");
    assert!(done
        .cache_control
        .as_deref()
        .is_some_and(|c| c.contains("no-store")));
    assert_eq!(server.get("/staff", Some(&session)).await.status, 200);
    // The step is over: its cookie leads back to the password.
    assert_eq!(
        server
            .get("/staff/sign-in/authenticator", Some(&step))
            .await
            .location
            .as_deref(),
        Some("/staff/sign-in?step_ended=1")
    );

    // Stored: the key, and the codes only as SHA-256.
    let stored: Vec<String> = fixture::on(db, async |db| {
        sqlx::query_scalar("SELECT code_hash FROM staff_recovery_codes WHERE username = $1")
            .bind("new.starter")
            .fetch_all(&mut *db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(stored.len(), 10);
    for code in &codes {
        let compact = code.replace('-', "");
        assert!(!stored.iter().any(|hash| hash.contains(&compact)));
        assert!(stored.contains(&app::db::tokens::sha256_hex(&compact)));
    }

    // Next sign-in: the code already used does not work again; a recovery code does, once.
    server.post("/staff/sign-out", &[], Some(&session)).await;
    let next = password(&server, "new.starter", own).await;
    assert_eq!(
        next.location.as_deref(),
        Some("/staff/sign-in/security-code")
    );
    let step = next.cookie();
    let replayed = server
        .post(
            "/staff/sign-in/security-code",
            &[("code", &right)],
            Some(&step),
        )
        .await;
    assert_eq!(replayed.status, 422, "a used code works once");
    assert_eq!(
        replayed.summary(),
        ["The security code is not correct or has already been used. Enter the code your app shows now"]
    );
    let recovered = server
        .post(
            "/staff/sign-in/security-code",
            &[("code", &codes[3].to_uppercase())],
            Some(&step),
        )
        .await;
    assert_eq!(
        (recovered.status, recovered.location.as_deref()),
        (303, Some("/staff"))
    );
    let later = password(&server, "new.starter", own).await;
    let reused = server
        .post(
            "/staff/sign-in/security-code",
            &[("code", &codes[3])],
            Some(&later.cookie()),
        )
        .await;
    assert_eq!(reused.status, 422, "a recovery code works once");

    assert_eq!(
        fixture::audit_details(db, AuditKind::StaffPasswordChanged).await,
        ["Staff member new.starter chose a new password"]
    );
    assert_eq!(
        fixture::audit_details(db, AuditKind::StaffSecondFactorEnrolled).await,
        ["Staff member new.starter set up an authenticator app; 10 recovery codes issued"]
    );
    assert_eq!(
        fixture::audit_details(db, AuditKind::StaffRecoveryCodeUsed).await,
        ["Staff member new.starter used a recovery code; 9 left"]
    );
}

#[tokio::test]
async fn five_wrong_codes_lock_the_members_codes_and_an_old_code_never_works() {
    let server = start(true).await;
    let db = server.database_url.as_str();
    let (username, secret) = RIVERSIDE;
    let first = password(&server, username, secret).await;
    let step = first.cookie();
    let now = unix_now();
    // A code of two steps ago (a minute old) is refused like a wrong one.
    let stale = demo_staff_code(now - 60);
    let fresh: Vec<String> = [now - 30, now, now + 30]
        .into_iter()
        .map(demo_staff_code)
        .collect();
    let wrong = ["000000", "111111", "222222", "333333", "444444", "555555"]
        .into_iter()
        .filter(|c| !fresh.iter().any(|f| f == c) && *c != stale)
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let mut tries = vec![stale];
    tries.extend(wrong.into_iter().take(4));
    for (number, code) in tries.iter().enumerate() {
        let page = server
            .post(
                "/staff/sign-in/security-code",
                &[("code", code)],
                Some(&step),
            )
            .await;
        let last = number == 4;
        assert_eq!(page.status, if last { 429 } else { 422 }, "try {number}");
    }
    let locked = server
        .post(
            "/staff/sign-in/security-code",
            &[("code", &demo_staff_code(unix_now()))],
            Some(&step),
        )
        .await;
    assert_eq!(locked.status, 429, "the right code waits for the lock");
    assert_eq!(
        locked.summary(),
        ["You have entered a wrong security code too many times. Try again in 15 minutes."]
    );
    assert_eq!(
        fixture::audit_count(db, AuditKind::StaffSecondFactorFailed).await,
        5
    );
    assert_eq!(
        fixture::audit_count(db, AuditKind::StaffSecondFactorLockout).await,
        1
    );
    // The lock is the member's: a new step (the password again) does not lift it.
    let again = password(&server, username, secret).await;
    let still = server
        .post(
            "/staff/sign-in/security-code",
            &[("code", &demo_staff_code(unix_now()))],
            Some(&again.cookie()),
        )
        .await;
    assert_eq!(still.status, 429);
}

#[tokio::test]
async fn a_step_cookie_that_is_not_a_live_step_goes_back_to_the_password() {
    let server = start(true).await;
    let forged = "__Host-relink-staff-step=made-up";
    for page in [
        "/staff/sign-in/security-code",
        "/staff/sign-in/new-password",
        "/staff/sign-in/authenticator",
    ] {
        let got = server.get(page, Some(forged)).await;
        assert_eq!(
            got.location.as_deref(),
            Some("/staff/sign-in?step_ended=1"),
            "{page}"
        );
        let posted = server.post(page, &[("code", "123456")], None).await;
        assert_eq!(
            posted.location.as_deref(),
            Some("/staff/sign-in?step_ended=1"),
            "{page}"
        );
    }
    let told = server.get("/staff/sign-in?step_ended=1", None).await;
    assert!(told
        .body
        .contains("Your sign-in timed out or was ended. Sign in again."));
    // A member disabled half-way cannot finish.
    let (username, secret) = RIVERSIDE;
    let step = password(&server, username, secret).await.cookie();
    let output = run_relink(&["staff", "disable", username], &server.database_url).await;
    assert!(output.status.success());
    let late = server
        .post(
            "/staff/sign-in/security-code",
            &[("code", &demo_staff_code(unix_now()))],
            Some(&step),
        )
        .await;
    assert_eq!(
        late.location.as_deref(),
        Some("/staff/sign-in?step_ended=1")
    );
}

#[tokio::test]
async fn a_lost_phone_is_reset_on_the_command_line_and_the_member_sets_up_a_new_app() {
    let server = start(true).await;
    let db = server.database_url.as_str();
    let session = staff_sign_in(&server, RIVERSIDE).await;
    let output = run_relink(&["staff", "reset-second-factor", "staff.riverside"], db).await;
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{out}");
    assert!(
        out.starts_with(
            "Authenticator app and recovery codes of staff.riverside removed; 1 session(s) ended."
        ),
        "{out}"
    );
    assert_eq!(server.get("/staff", Some(&session)).await.status, 303);
    let (username, secret) = RIVERSIDE;
    let next = password(&server, username, secret).await;
    assert_eq!(
        next.location.as_deref(),
        Some("/staff/sign-in/authenticator")
    );
    // The old app's codes are no use now.
    let step = next.cookie();
    let setup = server
        .get("/staff/sign-in/authenticator", Some(&step))
        .await;
    let key = shown_key(&setup);
    assert_ne!(key, app::demo::DEMO_TOTP_SECRET);
    let old_app = server
        .post(
            "/staff/sign-in/authenticator",
            &[("code", &demo_staff_code(unix_now()))],
            Some(&step),
        )
        .await;
    assert_eq!(old_app.status, 422);
    let done = server
        .post(
            "/staff/sign-in/authenticator",
            &[("code", &code_of(&key, unix_now()))],
            Some(&step),
        )
        .await;
    assert_eq!(done.status, 200);
    assert_eq!(
        fixture::audit_details(db, AuditKind::StaffSecondFactorReset).await,
        ["Authenticator and recovery codes of staff.riverside removed: 1 session(s) ended"]
    );
    let missing = run_relink(&["staff", "reset-second-factor", "no.such"], db).await;
    assert_eq!(missing.status.code(), Some(2));
    // The demo's own page still finishes a sign-in for the others.
    let hillview = finish_staff_sign_in(
        &server,
        &password(&server, "staff.hillview", "hillview-demo-password").await,
    )
    .await;
    assert_eq!(hillview.location.as_deref(), Some("/staff"));
}
