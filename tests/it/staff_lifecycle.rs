//! The staff lifecycle on the command line (issue #22, part 3): `relink staff list | disable |
//! enable | reset-password`. A leaver is disabled, never deleted: their sessions end at once and
//! their password stops working; a reset password ends every session the old one opened. Each
//! change is one transaction, audited; an unknown member or a change already made is one line,
//! exit 2, nothing written.

use app::db::audit::AuditKind;

use crate::common::{fixture, start, TestServer};
use crate::staff::{run_relink, staff_sign_in, RIVERSIDE};

async fn relink(server: &TestServer, args: &[&str]) -> (Option<i32>, String, String) {
    let output = run_relink(args, &server.database_url).await;
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn signs_in(server: &TestServer, (username, password): (&str, &str)) -> u16 {
    server
        .post(
            "/staff/sign-in",
            &[("username", username), ("password", password)],
            None,
        )
        .await
        .status
}

/// The line of `relink staff list` for `username`, split into its columns.
fn listed(list: &str, username: &str) -> Vec<String> {
    list.lines()
        .find(|line| line.split_whitespace().next() == Some(username))
        .unwrap_or_else(|| panic!("{username} not listed: {list}"))
        .split("  ")
        .map(str::trim)
        .filter(|column| !column.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_leaver_is_disabled_at_once_and_can_be_enabled_again() {
    let server = start(true).await;
    let db = &server.database_url;
    let desk = staff_sign_in(&server, RIVERSIDE).await;
    let laptop = staff_sign_in(&server, RIVERSIDE).await;

    let (code, list, _) = relink(&server, &["staff", "list"]).await;
    assert_eq!(code, Some(0));
    assert!(list.starts_with("USERNAME"), "{list}");
    assert_eq!(
        listed(&list, "staff.riverside"),
        ["staff.riverside", "staff", "active", "T00001"]
    );

    let (code, out, err) = relink(&server, &["staff", "disable", "staff.riverside"]).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out.trim(),
        "staff.riverside is disabled and cannot sign in; 2 session(s) ended."
    );
    for cookie in [&desk, &laptop] {
        let page = server.get("/staff", Some(cookie)).await;
        assert_eq!(page.status, 303, "every session ended at once");
    }
    assert_eq!(
        signs_in(&server, RIVERSIDE).await,
        422,
        "the right password no longer signs in, and says no more than a wrong one"
    );
    let (_, list, _) = relink(&server, &["staff", "list"]).await;
    assert_eq!(listed(&list, "staff.riverside")[2], "disabled");

    // Already disabled, or nobody: one line, exit 2, nothing written.
    let (code, _, err) = relink(&server, &["staff", "disable", "staff.riverside"]).await;
    assert_eq!(code, Some(2));
    assert_eq!(
        err.trim(),
        "relink: staff.riverside is already disabled: nothing was changed"
    );
    let (code, _, err) = relink(&server, &["staff", "enable", "staff.nobody"]).await;
    assert_eq!(code, Some(2));
    assert!(
        err.contains("there is no staff member called staff.nobody"),
        "{err}"
    );
    let (code, _, _) = relink(&server, &["staff", "disable", "Not A Name"]).await;
    assert_eq!(code, Some(2));
    assert_eq!(
        fixture::audit_details(db, AuditKind::StaffDisabled).await,
        ["Staff member staff.riverside disabled: 2 session(s) ended"]
    );

    let (code, out, _) = relink(&server, &["staff", "enable", "staff.riverside"]).await;
    assert_eq!(code, Some(0));
    assert_eq!(out.trim(), "staff.riverside can sign in again.");
    staff_sign_in(&server, RIVERSIDE).await;
    let (code, _, err) = relink(&server, &["staff", "enable", "staff.riverside"]).await;
    assert_eq!(code, Some(2));
    assert!(err.contains("already enabled"), "{err}");
    assert_eq!(fixture::audit_count(db, AuditKind::StaffEnabled).await, 1);
}

#[tokio::test]
async fn a_reset_password_ends_the_old_ones_sessions_and_only_the_new_one_signs_in() {
    let server = start(true).await;
    let db = &server.database_url;
    let before = staff_sign_in(&server, RIVERSIDE).await;

    let (code, out, err) = relink(&server, &["staff", "reset-password", "staff.riverside"]).await;
    assert_eq!(code, Some(0), "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("Password of staff.riverside reset; 1 session(s) ended.")
    );
    let password = lines
        .next()
        .and_then(|line| {
            line.strip_prefix("New password (shown once, give it to them privately): ")
        })
        .unwrap_or_else(|| panic!("{out}"))
        .to_owned();
    assert_eq!(password.len(), 23, "{out}");
    assert_eq!(server.get("/staff", Some(&before)).await.status, 303);
    assert_eq!(signs_in(&server, RIVERSIDE).await, 422, "the old password");
    // The one-time password, then the member's authenticator (so someone else who read the
    // one-time password cannot choose the next one), then their own password.
    let given = server
        .post(
            "/staff/sign-in",
            &[("username", "staff.riverside"), ("password", &password)],
            None,
        )
        .await;
    let coded = crate::common::finish_staff_sign_in(&server, &given).await;
    assert_eq!(
        coded.location.as_deref(),
        Some("/staff/sign-in/new-password")
    );
    let step = given.cookie();
    let same = server
        .post(
            "/staff/sign-in/new-password",
            &[("password", &password), ("confirmation", &password)],
            Some(&step),
        )
        .await;
    assert_eq!(same.status, 422, "the one-time password again");
    assert_eq!(
        same.summary(),
        ["New password must be different from the password you were given"]
    );
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
        (303, Some("/staff"))
    );
    let after = chosen.cookie();
    assert!(after.starts_with("__Host-relink-staff="), "{after}");
    assert_eq!(server.get("/staff", Some(&after)).await.status, 200);
    assert_eq!(
        signs_in(&server, ("staff.riverside", &password)).await,
        422,
        "the one-time password works once"
    );
    assert_eq!(
        fixture::audit_details(db, AuditKind::StaffPasswordReset).await,
        ["Password of staff.riverside reset: 1 session(s) ended"]
    );
    let (code, _, _) = relink(&server, &["staff", "reset-password", "staff.nobody"]).await;
    assert_eq!(code, Some(2));
    assert_eq!(
        fixture::audit_count(db, AuditKind::StaffPasswordReset).await,
        1
    );
}

/// A staff sign-in from `address` (the test server trusts 127.0.0.1 to say who it forwards for).
async fn sign_in_from(server: &TestServer, address: &str, password: &str) -> u16 {
    server
        .client
        .post(format!("{}/staff/sign-in", server.base))
        .header("x-forwarded-for", address)
        .form(&[("username", "staff.riverside"), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_stranger_who_knows_a_username_cannot_lock_the_member_out_and_many_raise_an_alert() {
    let server = crate::common::start_configured(
        true,
        |config| config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()],
        |_| {},
    )
    .await;
    let db = &server.database_url;
    let (_, password) = RIVERSIDE;
    // Five wrong passwords from the stranger's connection lock that connection out...
    for attempt in 1..=5 {
        let status = sign_in_from(&server, "203.0.113.9", "wrong").await;
        assert_eq!(status, if attempt == 5 { 429 } else { 422 });
    }
    assert_eq!(sign_in_from(&server, "203.0.113.9", password).await, 429);
    // ...not the member, at their own desk.
    assert_eq!(sign_in_from(&server, "198.51.100.7", password).await, 303);
    assert_eq!(
        fixture::audit_count(db, AuditKind::StaffSignInAlert).await,
        0
    );

    // Failures from many connections (20 in 15 minutes) raise one alert for administrators,
    // and still lock nobody out but the connections that failed.
    for client in [
        "203.0.113.10",
        "203.0.113.11",
        "203.0.113.12",
        "203.0.113.13",
    ] {
        for _ in 0..5 {
            sign_in_from(&server, client, "wrong").await;
        }
    }
    assert_eq!(
        fixture::audit_details(db, AuditKind::StaffSignInAlert).await,
        ["20 failed sign-ins as staff.riverside from any connection within 15 minutes: not locked; check who is trying"]
    );
    assert_eq!(sign_in_from(&server, "198.51.100.7", password).await, 303);
    let admin = staff_sign_in(&server, ("admin.demo", "admin-demo-password")).await;
    let home = server.get("/staff", Some(&admin)).await;
    assert!(
        home.body.contains("Alerts in the last 24 hours: 1."),
        "administrators are told on their home page: {}",
        home.body
    );
    assert!(home
        .body
        .contains(r#"<a href="/staff/audit?kind=staff_sign_in_alert">"#));
    let log = server
        .get("/staff/audit?kind=staff_sign_in_alert", Some(&admin))
        .await;
    assert!(
        log.body.contains("Alert: many failed staff sign-ins"),
        "and find it in the audit log"
    );
    // And in Welsh.
    let welsh = server
        .get("/staff", Some(&format!("relink-lang=cy; {admin}")))
        .await;
    assert!(
        welsh.body.contains("Mewngofnodi staff wedi methu")
            && welsh
                .body
                .contains("Rhybuddion yn ystod y 24 awr diwethaf: 1."),
        "{}",
        welsh.body
    );
    let member = staff_sign_in(&server, crate::staff::HILLVIEW).await;
    let home = server.get("/staff", Some(&member)).await;
    assert_eq!(home.status, 200);
    assert!(
        !home.body.contains("Failed staff sign-ins"),
        "only administrators"
    );
}

/// The demo administrator.
const ADMIN: (&str, &str) = ("admin.demo", "admin-demo-password");

#[tokio::test]
async fn administrators_run_the_lifecycle_in_the_staff_area_and_nobody_else_can() {
    let server = start(true).await;
    let db = server.database_url.as_str();
    let admin = staff_sign_in(&server, ADMIN).await;
    let member = staff_sign_in(&server, RIVERSIDE).await;

    // Everyone listed, each linking to their page.
    let list = server.get("/staff/members", Some(&admin)).await;
    assert_eq!(list.status, 200);
    for username in [
        "admin.demo",
        "staff.glanyrafon",
        "staff.hillview",
        "staff.riverside",
    ] {
        assert!(
            list.body.contains(&format!(
                r#"<a href="/staff/members/{username}">{username}</a>"#
            )),
            "{username}"
        );
    }
    let page = server
        .get("/staff/members/staff.riverside", Some(&admin))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Disable account"));

    // Practice staff and strangers see nothing and change nothing.
    for path in ["/staff/members", "/staff/members/staff.riverside"] {
        assert_eq!(server.get(path, Some(&member)).await.status, 404, "{path}");
    }
    for action in ["disable", "enable", "reset-password", "reset-second-factor"] {
        let path = format!("/staff/members/staff.hillview/{action}");
        assert_eq!(
            server.post(&path, &[], Some(&member)).await.status,
            404,
            "{path}"
        );
        assert_eq!(server.post(&path, &[], None).await.status, 403, "{path}");
    }
    assert_eq!(
        server
            .get("/staff/members/no.such", Some(&admin))
            .await
            .status,
        404
    );
    assert_eq!(
        server
            .post("/staff/members/no.such/disable", &[], Some(&admin))
            .await
            .status,
        404
    );

    // Disabling ends the member's session at once; enabling lets them back.
    let disabled = server
        .post("/staff/members/staff.riverside/disable", &[], Some(&admin))
        .await;
    assert_eq!(
        disabled.location.as_deref(),
        Some("/staff/members/staff.riverside?done=disabled")
    );
    assert_eq!(server.get("/staff", Some(&member)).await.status, 303);
    let told = server
        .get("/staff/members/staff.riverside?done=disabled", Some(&admin))
        .await;
    assert!(told
        .body
        .contains("staff.riverside is disabled and has been signed out everywhere."));
    assert!(told.body.contains("Enable account"));
    let enabled = server
        .post("/staff/members/staff.riverside/enable", &[], Some(&admin))
        .await;
    assert_eq!(
        enabled.location.as_deref(),
        Some("/staff/members/staff.riverside?done=enabled")
    );
    assert_eq!(signs_in(&server, RIVERSIDE).await, 303);

    // A new one-time password, shown once on the answer.
    let reset = server
        .post(
            "/staff/members/staff.riverside/reset-password",
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(reset.status, 200);
    assert!(reset
        .cache_control
        .as_deref()
        .is_some_and(|c| c.contains("no-store")));
    let marker = r#"<code class="relink-one-time-password">"#;
    let start = reset.body.find(marker).expect("the password is shown") + marker.len();
    let password = &reset.body[start..start + reset.body[start..].find("</code>").unwrap()];
    assert_eq!(password.len(), 23);
    assert_eq!(signs_in(&server, RIVERSIDE).await, 422, "the old password");
    assert_eq!(signs_in(&server, ("staff.riverside", password)).await, 303);
    let again = server
        .get("/staff/members/staff.riverside", Some(&admin))
        .await;
    assert!(!again.body.contains(password), "shown once only");

    // The authenticator removed: the member sets up a new one.
    let removed = server
        .post(
            "/staff/members/staff.hillview/reset-second-factor",
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(
        removed.location.as_deref(),
        Some("/staff/members/staff.hillview?done=second-factor-reset")
    );
    let hillview = server
        .post(
            "/staff/sign-in",
            &[
                ("username", "staff.hillview"),
                ("password", "hillview-demo-password"),
            ],
            None,
        )
        .await;
    assert_eq!(
        hillview.location.as_deref(),
        Some("/staff/sign-in/authenticator")
    );

    // Administrators cannot disable themselves.
    let own = server
        .post("/staff/members/admin.demo/disable", &[], Some(&admin))
        .await;
    assert_eq!(own.status, 409);
    assert!(own
        .body
        .contains("You cannot disable your own account. Ask another administrator."));
    assert_eq!(server.get("/staff", Some(&admin)).await.status, 200);

    // Each change audited with the administrator as its actor.
    let actors: Vec<(String, String)> = fixture::audit_entries(db, AuditKind::StaffDisabled)
        .await
        .into_iter()
        .chain(fixture::audit_entries(db, AuditKind::StaffEnabled).await)
        .chain(fixture::audit_entries(db, AuditKind::StaffPasswordReset).await)
        .chain(fixture::audit_entries(db, AuditKind::StaffSecondFactorReset).await)
        .map(|(actor, _, _, detail)| (actor, detail))
        .collect();
    assert_eq!(
        actors,
        [
            (
                "admin.demo".to_owned(),
                "Staff member staff.riverside disabled: 1 session(s) ended".to_owned()
            ),
            (
                "admin.demo".to_owned(),
                "Staff member staff.riverside enabled again".to_owned()
            ),
            (
                "admin.demo".to_owned(),
                "Password of staff.riverside reset: 0 session(s) ended".to_owned()
            ),
            (
                "admin.demo".to_owned(),
                "Authenticator and recovery codes of staff.hillview removed: 0 session(s) ended"
                    .to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn a_member_who_signs_in_with_cis2_has_no_password_or_authenticator_here_to_reset() {
    let server = start(true).await;
    let db = app::db::Db::connect(&server.database_url).await.unwrap();
    let username = app::domain::StaffUsername::parse("cis2.555000111222").unwrap();
    let access = app::domain::staff_provider::ProviderAccess {
        practices: vec![app::domain::OdsCode::parse("T00001").unwrap()],
        is_admin: false,
    };
    app::db::staff::sign_in_with_provider(&db, &username, "555000111222", &access, 1)
        .await
        .unwrap();
    db.close().await;
    let admin = staff_sign_in(&server, ADMIN).await;
    let page = server
        .get("/staff/members/cis2.555000111222", Some(&admin))
        .await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Signs in with NHS Care Identity Service 2 (CIS2)"));
    assert!(!page.body.contains("Reset password"));
    for action in ["reset-password", "reset-second-factor"] {
        let refused = server
            .post(
                &format!("/staff/members/cis2.555000111222/{action}"),
                &[],
                Some(&admin),
            )
            .await;
        assert_eq!(refused.status, 409, "{action}");
        assert!(refused.body.contains("managed there, not here"), "{action}");
    }
    // Disabling works for them as for anyone.
    let disabled = server
        .post(
            "/staff/members/cis2.555000111222/disable",
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(disabled.status, 303);
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::StaffPasswordReset).await,
        0
    );
}
