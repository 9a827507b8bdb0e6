//! Time limits the user can see and extend (WCAG 2.2.1): the statement on each page of a
//! session, the warning's markup and endpoints, "Stay signed in" on the server, and what a
//! page says once a session has ended. The warning's behaviour in a browser is tested in
//! end2end/tests/timeout.spec.ts.

use app::db::sessions::SessionTimeouts;

use crate::account::signed_in;
use crate::common::fixture::TimedStep;
use crate::common::{fixture, start, start_configured, unix_now, TestServer};
use crate::staff::{staff_sign_in, RIVERSIDE};

const WELSH: &str = "relink-lang=cy";

/// The session's last use, as the database holds it (there is one session in these tests).
async fn last_seen(server: &TestServer) -> i64 {
    fixture::on(&server.database_url, async |db| {
        sqlx::query_scalar::<_, i64>("SELECT MAX(last_seen_at) FROM sessions")
            .fetch_one(db)
            .await
            .unwrap()
    })
    .await
}

async fn keep_alive(server: &TestServer, path: &str, cookie: Option<&str>) -> u16 {
    server.post(path, &[], cookie).await.status
}

#[tokio::test]
async fn a_patient_s_account_page_states_its_time_limit_and_carries_the_warning() {
    let server = start(true).await;
    let cookie = signed_in(&server).await;
    let account = server.get("/account", Some(&cookie)).await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains(
        "For your security, we will sign you out if you do not use this service for 15 minutes."
    ));
    for attribute in [
        r#"data-relink-timeout="patient""#,
        r#"data-seconds-left="900""#,
        r#"data-warning-seconds="120""#,
        r#"data-keep-alive="/account/keep-alive""#,
        r#"data-timed-out="/sign-out?timed_out=1""#,
        r#"data-minutes-one="%n minute""#,
        r#"data-minutes-other="%n minutes""#,
        r#"aria-labelledby="relink-timeout-heading""#,
    ] {
        assert!(account.body.contains(attribute), "no {attribute}");
    }
    // Closed: without JavaScript nothing of it shows.
    assert!(!account.body.contains("<dialog open"));
    assert!(account
        .body
        .contains("we will sign you out in <span data-relink-countdown=\"\">2 minutes</span>."));

    // In Welsh, with Welsh plural forms for the countdown.
    let cookies = format!("{cookie}; {WELSH}");
    let welsh = server.get("/account", Some(&cookies)).await;
    assert!(welsh.body.contains(
        "byddwn yn eich allgofnodi os na fyddwch yn defnyddio'r gwasanaeth hwn am 15 munud."
    ));
    assert!(welsh.body.contains(r#"data-minutes-two="%n funud""#));
    assert!(welsh.body.contains("Aros wedi mewngofnodi"));

    // Pages that do not keep the session alive state no limit, even with the cookie.
    for path in ["/", "/reset-passphrase", "/cannot-sign-in"] {
        let page = server.get(path, Some(&cookie)).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("data-relink-timeout"), "{path}");
        assert!(
            !page
                .body
                .contains("For your security, we will sign you out"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn stay_signed_in_keeps_a_live_patient_session_and_nothing_else() {
    let server = start(true).await;
    let cookie = signed_in(&server).await;
    // Thirteen minutes unused: the warning would be showing.
    fixture::backdate_session_activity(&server.database_url, 13 * 60).await;
    let before = last_seen(&server).await;
    assert_eq!(
        keep_alive(&server, "/account/keep-alive", Some(&cookie)).await,
        204
    );
    let after = last_seen(&server).await;
    assert!(after >= before + 13 * 60, "{before} -> {after}");
    assert_eq!(server.get("/account", Some(&cookie)).await.status, 200);

    // No session, a made-up one, or one past its time: 401 (and an ended one's cookie goes).
    assert_eq!(keep_alive(&server, "/account/keep-alive", None).await, 401);
    let forged = Some("__Host-relink-session=forged");
    assert_eq!(
        keep_alive(&server, "/account/keep-alive", forged).await,
        401
    );
    fixture::backdate_session_activity(&server.database_url, 15 * 60 + 1).await;
    let late = server.post("/account/keep-alive", &[], Some(&cookie)).await;
    assert_eq!(late.status, 401);
    assert!(late.set_cookie.unwrap().contains("Max-Age=0"));
    // Pressing it late does not bring the session back.
    let account = server.get("/account", Some(&cookie)).await;
    assert_eq!(
        account.location.as_deref(),
        Some("/sign-in?signed_out=timeout")
    );
}

#[tokio::test]
async fn stay_signed_in_cannot_be_pressed_from_another_site_or_without_end() {
    let server = start(true).await;
    let cookie = signed_in(&server).await;
    // A page on another site cannot keep someone's session alive (or learn whether it is).
    let cross_site = reqwest::Client::new()
        .post(format!("{}/account/keep-alive", server.base))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);

    // 60 presses in 15 minutes from one connection, then 429 for patients' and staff's alike.
    for press in 1..=60 {
        let status = keep_alive(&server, "/account/keep-alive", Some(&cookie)).await;
        assert_eq!(status, 204, "press {press}");
    }
    assert_eq!(
        keep_alive(&server, "/account/keep-alive", Some(&cookie)).await,
        429
    );
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    assert_eq!(
        keep_alive(&server, "/staff/keep-alive", Some(&staff)).await,
        429
    );
}

#[tokio::test]
async fn when_time_runs_out_the_sign_in_page_says_the_session_ended() {
    let server = start(true).await;
    let cookie = signed_in(&server).await;
    // The warning's form, sent when its time runs out.
    let out = server
        .post("/sign-out?timed_out=1", &[], Some(&cookie))
        .await;
    assert_eq!(out.location.as_deref(), Some("/sign-in?signed_out=timeout"));
    assert!(out.set_cookie.unwrap().contains("Max-Age=0"));
    assert_eq!(
        server
            .get("/account", Some(&cookie))
            .await
            .location
            .as_deref(),
        Some("/sign-in?signed_out=timeout")
    );
    let page = server.get("/sign-in?signed_out=timeout", None).await;
    assert!(page.body.contains(
        "You have been signed out. For your security, we sign you out if you do not use this service for 15 minutes."
    ));
    let welsh = server.get("/sign-in?signed_out=timeout", Some(WELSH)).await;
    assert!(welsh.body.contains("Rydych chi wedi cael eich allgofnodi."));
    // A plain sign-out still says only that.
    let cookie = signed_in(&server).await;
    let out = server.post("/sign-out", &[], Some(&cookie)).await;
    assert_eq!(out.location.as_deref(), Some("/sign-in?signed_out=1"));
}

#[tokio::test]
async fn staff_pages_state_30_minutes_and_a_staff_session_is_kept_alive_by_its_own_endpoint() {
    let server = start(true).await;
    let cookie = staff_sign_in(&server, RIVERSIDE).await;
    let home = server.get("/staff", Some(&cookie)).await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains(
        "For your security, we will sign you out if you do not use this service for 30 minutes."
    ));
    for attribute in [
        r#"data-relink-timeout="staff""#,
        r#"data-seconds-left="1800""#,
        r#"data-keep-alive="/staff/keep-alive""#,
        r#"data-timed-out="/staff/sign-out?timed_out=1""#,
    ] {
        assert!(home.body.contains(attribute), "no {attribute}");
    }
    // The sign-in pages belong to no session.
    let sign_in = server.get("/staff/sign-in", None).await;
    assert!(!sign_in.body.contains("data-relink-timeout"));

    fixture::backdate_session_activity(&server.database_url, 28 * 60).await;
    let before = last_seen(&server).await;
    assert_eq!(
        keep_alive(&server, "/staff/keep-alive", Some(&cookie)).await,
        204
    );
    assert!(last_seen(&server).await >= before + 28 * 60);
    // A patient's cookie keeps no staff session, and nobody's keeps nothing.
    let patient = signed_in(&server).await;
    assert_eq!(
        keep_alive(&server, "/staff/keep-alive", Some(&patient)).await,
        403
    );
    assert_eq!(keep_alive(&server, "/staff/keep-alive", None).await, 403);
    assert_eq!(
        keep_alive(&server, "/account/keep-alive", Some(&cookie)).await,
        401
    );
}

#[tokio::test]
async fn an_ended_staff_session_says_so_and_comes_back_to_the_page_after_sign_in() {
    let server = start(true).await;
    let cookie = staff_sign_in(&server, RIVERSIDE).await;
    fixture::backdate_session_activity(&server.database_url, 30 * 60 + 1).await;
    let page = server.get("/staff/test-patients", Some(&cookie)).await;
    assert_eq!(
        page.location.as_deref(),
        Some("/staff/sign-in?signed_out=timeout&next=%2Fstaff%2Ftest-patients")
    );
    assert!(page.set_cookie.unwrap().contains("Max-Age=0"));
    let sign_in = server.get(page.location.as_deref().unwrap(), None).await;
    assert!(sign_in
        .body
        .contains("we sign you out if you do not use this service for 30 minutes."));
    assert!(sign_in.body.contains(r#"value="/staff/test-patients""#));

    // A form sent after the end does nothing, and says why.
    let sent = server
        .post(
            "/staff/test-patients/new",
            &[("given_name", "Ada")],
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 403);
    assert!(sent.body.contains("You have been signed out."));

    // Without a cookie, the sign-in page as before.
    let stranger = server.get("/staff/test-patients", None).await;
    assert_eq!(
        stranger.location.as_deref(),
        Some("/staff/sign-in?next=%2Fstaff%2Ftest-patients")
    );
    // The warning's form when time runs out.
    let cookie = staff_sign_in(&server, RIVERSIDE).await;
    let out = server
        .post("/staff/sign-out?timed_out=1", &[], Some(&cookie))
        .await;
    assert_eq!(
        out.location.as_deref(),
        Some("/staff/sign-in?signed_out=timeout")
    );
}

#[tokio::test]
async fn shorter_configured_times_are_what_pages_state_and_sessions_keep() {
    let timeouts = SessionTimeouts::new(30, 40, 20).unwrap();
    let server = start_configured(
        true,
        move |config| config.session_timeouts = timeouts,
        |_| {},
    )
    .await;
    let cookie = signed_in(&server).await;
    let account = server.get("/account", Some(&cookie)).await;
    assert!(account.body.contains(r#"data-seconds-left="30""#));
    assert!(account.body.contains(r#"data-warning-seconds="20""#));
    assert!(account
        .body
        .contains("do not use this service for 1 minute."));
    assert!(account
        .body
        .contains("sign you out in <span data-relink-countdown=\"\">20 seconds</span>."));
    fixture::backdate_session_activity(&server.database_url, 31).await;
    assert_eq!(
        keep_alive(&server, "/account/keep-alive", Some(&cookie)).await,
        401
    );

    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let home = server.get("/staff", Some(&staff)).await;
    assert!(home.body.contains(r#"data-seconds-left="40""#));
    fixture::backdate_session_activity(&server.database_url, 35).await;
    assert_eq!(
        keep_alive(&server, "/staff/keep-alive", Some(&staff)).await,
        204
    );
    fixture::backdate_session_activity(&server.database_url, 41).await;
    assert_eq!(
        keep_alive(&server, "/staff/keep-alive", Some(&staff)).await,
        403
    );
}

/// The number in the warning's `data-<name>="…"` attribute.
fn warning_number(body: &str, name: &str) -> i64 {
    let start = format!(r#"data-{name}=""#);
    let from = body
        .find(&start)
        .unwrap_or_else(|| panic!("no data-{name}"))
        + start.len();
    let digits: String = body[from..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

/// "I need more time": the answer's status and body.
async fn more_time(server: &TestServer, path: &str, cookie: Option<&str>) -> (u16, String) {
    let page = server.post(path, &[], cookie).await;
    (page.status, page.body)
}

#[tokio::test]
async fn a_reset_step_states_its_time_left_and_i_need_more_time_extends_it_a_bounded_number_of_times(
) {
    let server = start(true).await;
    let step = crate::reset::matched(&server).await;
    let page = server
        .get("/reset-passphrase/new-passphrase", Some(&step))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(
        "For your security, you have 10 minutes to create a new passphrase. After that, you will need to enter your PIN document details again."
    ));
    for attribute in [
        r#"data-relink-timeout="reset-step""#,
        r#"data-ends="step""#,
        r#"data-extend-seconds="600""#,
        r#"data-warning-seconds="120""#,
        r#"data-keep-alive="/reset-passphrase/more-time""#,
        r#"data-timed-out="/reset-passphrase/new-passphrase""#,
        "Do you need more time?",
        "I need more time",
        r#"href="/reset-passphrase" role="button""#,
    ] {
        assert!(page.body.contains(attribute), "no {attribute}");
    }
    assert!((595..=600).contains(&warning_number(&page.body, "seconds-left")));

    // Eight and a half minutes on: the page says what is left, rounded up.
    fixture::backdate_steps(&server.database_url, TimedStep::ResetStepTokens, 510).await;
    let late = server
        .get("/reset-passphrase/new-passphrase", Some(&step))
        .await;
    assert!(late
        .body
        .contains("you have 2 minutes to create a new passphrase"));
    assert!((85..=90).contains(&warning_number(&late.body, "seconds-left")));
    // A refused passphrase keeps the step, and its warning.
    let weak = server
        .post(
            "/reset-passphrase/new-passphrase",
            &[("new_passphrase", "short"), ("confirm_passphrase", "short")],
            Some(&step),
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(weak.body.contains(r#"data-relink-timeout="reset-step""#));

    // More time: a whole 10 minutes from now, for the cookie too.
    let extended = server
        .post("/reset-passphrase/more-time", &[], Some(&step))
        .await;
    assert_eq!(extended.status, 200);
    assert_eq!(extended.body, "600");
    assert_eq!(extended.cache_control.as_deref(), Some("no-store"));
    let cookie = extended.set_cookie.unwrap();
    assert!(cookie.starts_with("__Host-relink-reset="), "{cookie}");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Max-Age=600"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let page = server
        .get("/reset-passphrase/new-passphrase", Some(&step))
        .await;
    assert!(page
        .body
        .contains("you have 10 minutes to create a new passphrase"));

    // Asked for again at once: it already has 10 minutes, and keeps them.
    let again = more_time(&server, "/reset-passphrase/more-time", Some(&step)).await;
    assert_eq!(again.0, 200);
    assert!(
        (595..=600).contains(&again.1.parse::<i64>().unwrap()),
        "{}",
        again.1
    );

    // Never past eleven lifetimes from the start: near that end, only what is left of it, then
    // no more (409), and the step still ends when it would.
    let now = unix_now() as i64;
    fixture::set_step_token_window(&server.database_url, now, 11 * 600 - 300, 100).await;
    let last = more_time(&server, "/reset-passphrase/more-time", Some(&step)).await;
    assert_eq!(last.0, 200);
    assert!(
        (295..=300).contains(&last.1.parse::<i64>().unwrap()),
        "{}",
        last.1
    );
    let refused = more_time(&server, "/reset-passphrase/more-time", Some(&step)).await;
    assert_eq!(refused.0, 409);
    assert_eq!(
        server
            .get("/reset-passphrase/new-passphrase", Some(&step))
            .await
            .status,
        200
    );

    // No step, a made-up one, or one that has run out: nothing to extend (403), and a step run
    // out stays ended.
    assert_eq!(
        more_time(&server, "/reset-passphrase/more-time", None)
            .await
            .0,
        403
    );
    let forged = Some("__Host-relink-reset=forged");
    assert_eq!(
        more_time(&server, "/reset-passphrase/more-time", forged)
            .await
            .0,
        403
    );
    fixture::expire_step_tokens(&server.database_url).await;
    assert_eq!(
        more_time(&server, "/reset-passphrase/more-time", Some(&step))
            .await
            .0,
        403
    );
    let ended = server
        .get("/reset-passphrase/new-passphrase", Some(&step))
        .await;
    assert_eq!(ended.status, 403);
    assert!(ended
        .body
        .contains("You need to enter your PIN document details again"));
    assert!(!ended.body.contains("data-relink-timeout"));
}

#[tokio::test]
async fn a_used_step_gets_no_more_time_and_another_site_cannot_ask_for_it() {
    let server = start(true).await;
    let step = crate::reset::matched(&server).await;
    let cross_site = reqwest::Client::new()
        .post(format!("{}/reset-passphrase/more-time", server.base))
        .header("cookie", &step)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let done = server
        .post(
            "/reset-passphrase/new-passphrase",
            &[
                ("new_passphrase", "carpet orbit lemon harbour"),
                ("confirm_passphrase", "carpet orbit lemon harbour"),
            ],
            Some(&step),
        )
        .await;
    assert_eq!(done.location.as_deref(), Some("/reset-passphrase/done"));
    assert_eq!(
        more_time(&server, "/reset-passphrase/more-time", Some(&step))
            .await
            .0,
        403
    );
    // The confirmation is not a step: no time limit there.
    let confirmation = server.get("/reset-passphrase/done", Some(&step)).await;
    assert_eq!(confirmation.status, 200);
    assert!(!confirmation.body.contains("data-relink-timeout"));
}

#[tokio::test]
async fn asking_to_replace_an_account_states_its_time_left_and_can_have_more_in_welsh_too() {
    let server = start(true).await;
    let journey = crate::replacement::start_journey(&server).await;
    let email = server.get("/replace-account/email", Some(&journey)).await;
    assert_eq!(email.status, 200);
    assert!(email.body.contains(
        "For your security, you have 30 minutes left to finish asking to replace your account. After that, you will need to start again."
    ));
    for attribute in [
        r#"data-relink-timeout="replacement""#,
        r#"data-extend-seconds="1800""#,
        r#"data-keep-alive="/replace-account/more-time""#,
        r#"data-timed-out="/replace-account/email""#,
        r#"href="/replace-account" role="button""#,
    ] {
        assert!(email.body.contains(attribute), "no {attribute}");
    }
    let welsh_cookies = format!("{journey}; {WELSH}");
    let welsh = server
        .get("/replace-account/email", Some(&welsh_cookies))
        .await;
    assert!(welsh.body.contains(
        "Er eich diogelwch, mae gennych chi 30 munud ar ôl i orffen gofyn am amnewid eich cyfrif."
    ));
    assert!(welsh.body.contains("Oes angen mwy o amser arnoch chi?"));
    assert!(welsh.body.contains("Mae angen mwy o amser arnaf"));

    // 29 minutes on, one press gives 30 minutes again.
    fixture::backdate_steps(
        &server.database_url,
        TimedStep::ReplacementJourneys,
        29 * 60,
    )
    .await;
    let late = server.get("/replace-account/email", Some(&journey)).await;
    assert!(late.body.contains("you have 1 minute left"));
    let (status, seconds) = more_time(&server, "/replace-account/more-time", Some(&journey)).await;
    assert_eq!((status, seconds.as_str()), (200, "1800"));
    let later = server.get("/replace-account/email", Some(&journey)).await;
    assert!(later.body.contains("you have 30 minutes left"));
    // A wrong address keeps the journey and its warning.
    let wrong = server
        .post(
            "/replace-account/email",
            &[("email", "not an address")],
            Some(&journey),
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains(r#"data-relink-timeout="replacement""#));

    // No journey, or one run out: 403, and nothing comes back.
    assert_eq!(
        more_time(&server, "/replace-account/more-time", None)
            .await
            .0,
        403
    );
    fixture::expire_replacement_journeys(&server.database_url).await;
    assert_eq!(
        more_time(&server, "/replace-account/more-time", Some(&journey))
            .await
            .0,
        403
    );
    let ended = server.get("/replace-account/email", Some(&journey)).await;
    assert_eq!(ended.status, 403);
    assert!(!ended.body.contains("data-relink-timeout"));
}

#[tokio::test]
async fn a_staff_sign_in_step_states_its_time_left_and_can_have_more() {
    let server = start(true).await;
    let (username, password) = RIVERSIDE;
    let given = server
        .post(
            "/staff/sign-in",
            &[("username", username), ("password", password)],
            None,
        )
        .await;
    assert_eq!(
        given.location.as_deref(),
        Some("/staff/sign-in/security-code")
    );
    let step = given.cookie();
    let page = server
        .get("/staff/sign-in/security-code", Some(&step))
        .await;
    assert!(page.body.contains(
        "You have 10 minutes to finish signing in. After that you will need to sign in again."
    ));
    for attribute in [
        r#"data-relink-timeout="staff-sign-in-step""#,
        r#"data-keep-alive="/staff/sign-in/more-time""#,
        r#"data-timed-out="/staff/sign-in/security-code""#,
        r#"href="/staff/sign-in" role="button""#,
    ] {
        assert!(page.body.contains(attribute), "no {attribute}");
    }
    // A wrong code keeps the step, and its warning.
    let wrong = server
        .post(
            "/staff/sign-in/security-code",
            &[("code", "12")],
            Some(&step),
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong
        .body
        .contains(r#"data-relink-timeout="staff-sign-in-step""#));

    // Just begun, it already has its 10 minutes; 8½ minutes on, it gets 10 again.
    let (status, seconds) = more_time(&server, "/staff/sign-in/more-time", Some(&step)).await;
    assert_eq!(status, 200);
    assert!(
        (595..=600).contains(&seconds.parse::<i64>().unwrap()),
        "{seconds}"
    );
    fixture::backdate_steps(&server.database_url, TimedStep::StaffSignInSteps, 510).await;
    let (status, seconds) = more_time(&server, "/staff/sign-in/more-time", Some(&step)).await;
    assert_eq!((status, seconds.as_str()), (200, "600"));
    assert_eq!(
        more_time(&server, "/staff/sign-in/more-time", None).await.0,
        403
    );
    // In Welsh.
    let welsh_cookies = format!("{step}; {WELSH}");
    let welsh = server
        .get("/staff/sign-in/security-code", Some(&welsh_cookies))
        .await;
    assert!(welsh
        .body
        .contains("Mae gennych 10 munud i orffen mewngofnodi."));
}

/// Signs `who` in again in a browser that holds `kept` (the kept-form cookie), coming back to
/// `next`; returns the session cookie.
async fn sign_in_again(
    server: &TestServer,
    (username, password): (&str, &str),
    next: &str,
) -> String {
    let given = server
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
    let done = crate::common::finish_staff_sign_in(server, &given).await;
    assert_eq!(done.location.as_deref(), Some(next));
    done.cookie()
}

#[tokio::test]
async fn what_was_typed_as_a_staff_session_ended_is_kept_for_that_member_and_put_back_after_sign_in(
) {
    let server = start(true).await;
    let cookie = staff_sign_in(&server, RIVERSIDE).await;
    fixture::backdate_session_activity(&server.database_url, 30 * 60 + 1).await;
    let mut form = crate::staff::test_patient_form("999 000 0093", "Ada");
    form.push(("password", "a secret never kept"));
    let sent = server
        .post("/staff/test-patients/new", &form, Some(&cookie))
        .await;
    // Refused as before: nothing was done.
    assert_eq!(sent.status, 403);
    assert!(sent.body.contains("You have been signed out."));
    assert!(sent.body.contains(
        "What you typed on that page has not been sent, but we have kept it (except passwords and codes): sign in again to go back to it."
    ));
    assert!(sent
        .body
        .contains(r#"name="next" value="/staff/test-patients/new""#));
    let kept = sent
        .cookie_named("__Host-relink-staff-kept")
        .expect("the form is kept");
    let attributes = sent
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-relink-staff-kept="))
        .unwrap();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Max-Age=900"] {
        assert!(attributes.contains(attribute), "{attributes}");
    }
    assert!(!kept.contains("secret"), "{kept}");
    let list = server
        .get(
            "/staff/test-patients",
            Some(&staff_sign_in(&server, RIVERSIDE).await),
        )
        .await;
    assert!(!list.body.contains("Ada"), "nothing was created");

    // Someone else signing in on the same browser gets nothing back, and the kept form goes.
    let other = sign_in_again(&server, crate::staff::HILLVIEW, "/staff/test-patients/new").await;
    let theirs = server
        .get(
            "/staff/test-patients/new",
            Some(&format!("{other}; {kept}")),
        )
        .await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.body.contains(r#"value="Ada""#));

    // The member it was kept for signs in again and lands on the form as they left it.
    let again = sign_in_again(&server, RIVERSIDE, "/staff/test-patients/new").await;
    let page = server
        .get(
            "/staff/test-patients/new",
            Some(&format!("{again}; {kept}")),
        )
        .await;
    assert_eq!(page.status, 200);
    for kept_value in [
        r#"value="Ada""#,
        r#"value="Test""#,
        r#"value="1990""#,
        r#"value="999 000 0093""#,
    ] {
        assert!(page.body.contains(kept_value), "no {kept_value}");
    }
    for choice in [
        r#"value="dcr" checked"#,
        r#"value="record" checked"#,
        r#"value="appointments" checked"#,
    ] {
        assert!(page.body.contains(choice), "not chosen: {choice}");
    }
    assert!(!page.body.contains("a secret never kept"));
    assert!(page
        .cookie_named("__Host-relink-staff-kept")
        .is_some_and(|c| c == "__Host-relink-staff-kept="));
    // Put back once: the page without the cookie is a fresh form again.
    let fresh = server.get("/staff/test-patients/new", Some(&again)).await;
    assert!(!fresh.body.contains(r#"value="Ada""#));

    // A post to an action with no page of its own keeps nothing (there is nowhere to put it).
    fixture::backdate_session_activity(&server.database_url, 30 * 60 + 1).await;
    let action = server
        .post("/staff/previews/v-1/end", &[("reason", "x")], Some(&again))
        .await;
    assert_eq!(action.status, 403);
    assert_eq!(action.cookie_named("__Host-relink-staff-kept"), None);
}

#[tokio::test]
async fn an_email_address_sent_after_the_replacement_journey_ended_is_shown_back_not_lost() {
    let server = start(true).await;
    let journey = crate::replacement::start_journey(&server).await;
    fixture::expire_replacement_journeys(&server.database_url).await;
    let late = server
        .post(
            "/replace-account/email",
            &[("email", " sam.new@example.com ")],
            Some(&journey),
        )
        .await;
    assert_eq!(late.status, 403);
    assert!(late.body.contains("You need to start again"));
    assert!(late.body.contains(
        "The email address you entered was sam.new@example.com. Nothing was sent to it."
    ));
    // Nothing was sent, and the answer is not kept by the browser.
    assert!(fixture::outbox_messages(&server.database_url)
        .await
        .is_empty());
    assert_eq!(late.cache_control.as_deref(), Some("no-store"));
    // In Welsh too; and with nothing typed, only that the journey ended.
    let welsh_cookies = format!("{journey}; {WELSH}");
    let welsh = server
        .post(
            "/replace-account/email",
            &[("email", "sam.new@example.com")],
            Some(&welsh_cookies),
        )
        .await;
    assert!(welsh
        .body
        .contains("Y cyfeiriad e-bost a roesoch oedd sam.new@example.com."));
    let empty = server
        .post("/replace-account/email", &[("email", "")], Some(&journey))
        .await;
    assert_eq!(empty.status, 403);
    assert!(!empty.body.contains("The email address you entered"));
}
