//! What browsers and proxies may keep: every page of the route table is asked for, signed in
//! where it needs it, and a page marked as showing personal data must answer
//! `Cache-Control: no-store` while a public one keeps its headers (none); any form's answer is
//! `no-store` too.

use std::collections::BTreeSet;

use app::views::routes::{self, Shows, PAGES};

use crate::common::{start, Page, TestServer};

/// The pages walked so far, by their template in the table.
#[derive(Default)]
struct Walk {
    visited: BTreeSet<&'static str>,
}

impl Walk {
    /// Asks for `path` (with `cookie`) and checks its caching against the table.
    async fn get(&mut self, server: &TestServer, path: &str, cookie: &str) -> Page {
        let page = server.get(path, Some(cookie)).await;
        assert_eq!(page.status, 200, "{path}: {}\n{}", page.status, page.body);
        let address = path.split('?').next().unwrap();
        let (template, _, shows) =
            routes::page_at(address).unwrap_or_else(|| panic!("{path} is not in PAGES"));
        match shows {
            Shows::Personal => assert_eq!(
                page.cache_control.as_deref(),
                Some("no-store"),
                "{path} shows personal data"
            ),
            Shows::Public => assert_eq!(page.cache_control, None, "{path} is public"),
        }
        self.visited.insert(template);
        page
    }
}

/// A form's answer (here, refused with what was typed in it) is never kept.
fn assert_not_kept(path: &str, page: &Page) {
    assert_eq!(
        page.cache_control.as_deref(),
        Some("no-store"),
        "{path}: {}",
        page.status
    );
}

fn six_digit_code(text: &str) -> String {
    let at = text.find("security code is ").expect("a security code") + 17;
    text[at..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take(6)
        .collect()
}

/// The pages the issue names must stay marked personal in the table.
#[test]
fn the_pages_with_personal_data_are_marked_so() {
    for path in [
        routes::ACCOUNT,
        routes::NEW_PASSPHRASE,
        routes::RESET_DONE,
        routes::REPLACE_EMAIL,
        routes::REPLACE_CODE,
        routes::REPLACE_CHECK,
        routes::REPLACE_DONE,
        routes::REPLACE_STATUS,
        routes::REPLACE_CANCEL,
        routes::MAILBOX,
        routes::STAFF_HOME,
        routes::STAFF_PATIENT,
        routes::STAFF_PRINT,
        routes::STAFF_PREVIEW,
        routes::AUDIT,
    ] {
        assert_eq!(routes::page_at(path).unwrap().2, Shows::Personal, "{path}");
    }
}

#[tokio::test]
async fn every_page_with_personal_data_is_no_store_and_public_pages_keep_their_headers() {
    let server = start(true).await;
    let mut walk = Walk::default();

    for (path, _, _) in PAGES.iter().filter(|(path, ..)| !path.contains('{')) {
        if matches!(routes::page_at(path), Some((_, _, Shows::Public))) {
            walk.get(&server, path, "").await;
            // A cached fresh form, the second time, keeps its headers too.
            walk.get(&server, path, "").await;
        }
    }

    // Reset: the step and its confirmation.
    let wrong = [
        ("account_id", "1000000001"),
        ("ods_code", "T00001"),
        ("pin_passphrase", "wrong-pin"),
        ("date_of_birth_day", "1"),
        ("date_of_birth_month", "2"),
        ("date_of_birth_year", "1980"),
    ];
    let refused = server.post(routes::RESET, &wrong, None).await;
    assert_not_kept(routes::RESET, &refused);
    let mut right = wrong;
    right[2].1 = "demo-pin-1";
    let matched = server.post(routes::RESET, &right, None).await;
    assert_eq!(matched.status, 303, "{}", matched.body);
    assert_not_kept(routes::RESET, &matched);
    let step = matched.cookie();
    walk.get(&server, routes::NEW_PASSPHRASE, &step).await;
    let passphrase = "carpet orbit lemon harbour";
    let set = server
        .post(
            routes::NEW_PASSPHRASE,
            &[
                ("new_passphrase", passphrase),
                ("confirm_passphrase", passphrase),
            ],
            Some(&step),
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.body);
    walk.get(&server, routes::RESET_DONE, &step).await;

    // Signing in: its results, and the account.
    let typed = [
        ("account_id", "1000000005"),
        ("ods_code", "T00001"),
        ("passphrase", "not the passphrase at all"),
    ];
    let refused = server.post(routes::SIGN_IN, &typed, None).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_not_kept(routes::SIGN_IN, &refused);
    let signed_in = server
        .post(
            routes::SIGN_IN,
            &[
                ("account_id", "1000000005"),
                ("ods_code", "T00001"),
                ("passphrase", "river otter lantern forty two"),
            ],
            None,
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = signed_in.cookie();
    walk.get(&server, routes::ACCOUNT, &session).await;
    // Public pages stay public for a signed-in patient.
    walk.get(&server, routes::HOME, &session).await;
    walk.get(&server, routes::RESET, &session).await;

    // Replacing an account, step by step.
    let mismatch = [
        ("nhs_number", "999 000 0069"),
        ("date_of_birth_day", "6"),
        ("date_of_birth_month", "7"),
        ("date_of_birth_year", "1972"),
        ("postcode", "RV1 1AA"),
    ];
    let refused = server.post(routes::REPLACE, &mismatch, None).await;
    assert_not_kept(routes::REPLACE, &refused);
    let mut identity = mismatch;
    identity[4].1 = "RV6 7LM";
    let identified = server.post(routes::REPLACE, &identity, None).await;
    assert_eq!(identified.status, 303, "{}", identified.body);
    let journey = identified.cookie();
    walk.get(&server, routes::REPLACE_EMAIL, &journey).await;
    let sent = server
        .post(
            routes::REPLACE_EMAIL,
            &[("email", "dana.new@example.org")],
            Some(&journey),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    walk.get(&server, routes::REPLACE_CODE, &journey).await;
    let mailbox = walk.get(&server, routes::MAILBOX, "").await;
    let code = six_digit_code(&mailbox.body);
    let confirmed = server
        .post(
            routes::REPLACE_CODE,
            &[("security_code", &code)],
            Some(&journey),
        )
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    walk.get(&server, routes::REPLACE_CHECK, &journey).await;
    let requested = server
        .post(routes::REPLACE_CHECK, &[], Some(&journey))
        .await;
    assert_eq!(requested.status, 303, "{}", requested.body);
    let done = walk.get(&server, routes::REPLACE_DONE, &journey).await;
    let at = done.body.find("RPL-").expect("a reference number");
    let reference = done.body[at..at + 13].to_owned();
    walk.get(&server, routes::REPLACE_STATUS, "").await;
    let shown = server
        .post(
            routes::REPLACE_STATUS,
            &[
                ("reference", &reference),
                ("date_of_birth_day", "6"),
                ("date_of_birth_month", "7"),
                ("date_of_birth_year", "1972"),
            ],
            None,
        )
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_not_kept(routes::REPLACE_STATUS, &shown);
    // The cancel link in the notice to the old address.
    let mailbox = walk.get(&server, routes::MAILBOX, "").await;
    let text = mailbox.body.replace("&amp;", "&");
    let at = text
        .find("/replace-account/cancel?token=")
        .expect("the cancel link in the old address's notice");
    let link: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/-_?=".contains(*c))
        .collect();
    walk.get(&server, &link, "").await;

    // The staff area: every page, with ids made on the way.
    let staff = server
        .post(
            routes::STAFF_SIGN_IN,
            &[
                ("username", "staff.riverside"),
                ("password", "riverside-demo-password"),
            ],
            None,
        )
        .await;
    assert_not_kept(routes::STAFF_SIGN_IN, &staff);
    walk.get(&server, routes::STAFF_SECURITY_CODE, &staff.cookie())
        .await;
    let staff = crate::common::finish_staff_sign_in(&server, &staff).await;
    assert_not_kept(routes::STAFF_SECURITY_CODE, &staff);
    let staff = staff.cookie();
    for path in [
        routes::STAFF_HOME,
        routes::TEST_PATIENTS,
        routes::NEW_TEST_PATIENT,
        routes::REQUESTS,
        routes::MISMATCHES,
        routes::AUDIT,
    ] {
        walk.get(&server, path, &staff).await;
    }
    // The administrators' page, as the demo administrator.
    let admin = server
        .post(
            routes::STAFF_SIGN_IN,
            &[
                ("username", "admin.demo"),
                ("password", "admin-demo-password"),
            ],
            None,
        )
        .await;
    let admin = crate::common::finish_staff_sign_in(&server, &admin).await;
    walk.get(&server, routes::PRACTICES, &admin.cookie()).await;
    walk.get(&server, routes::STAFF_MEMBERS, &admin.cookie())
        .await;
    walk.get(&server, "/staff/members/staff.riverside", &admin.cookie())
        .await;
    // A new starter's first sign-in: their own password, then an authenticator (its key).
    crate::common::fixture::add_new_member(
        &server.database_url,
        "new.starter",
        "given-once-password",
        &["T00001"],
    )
    .await;
    let given = server
        .post(
            routes::STAFF_SIGN_IN,
            &[
                ("username", "new.starter"),
                ("password", "given-once-password"),
            ],
            None,
        )
        .await;
    let step = given.cookie();
    walk.get(&server, routes::STAFF_NEW_PASSWORD, &step).await;
    let own = "copper kettle sunrise meadow";
    let chosen = server
        .post(
            routes::STAFF_NEW_PASSWORD,
            &[("password", own), ("confirmation", own)],
            Some(&step),
        )
        .await;
    assert_not_kept(routes::STAFF_NEW_PASSWORD, &chosen);
    walk.get(&server, routes::STAFF_AUTHENTICATOR, &step).await;
    let created = server
        .post(
            routes::NEW_TEST_PATIENT,
            &[
                ("practice", "T00001"),
                ("given_name", "Tess"),
                ("family_name", "Test"),
                ("date_of_birth_day", "1"),
                ("date_of_birth_month", "2"),
                ("date_of_birth_year", "1990"),
                ("nhs_number", "999 000 0085"),
                ("access", "dcr"),
                ("rule", "requested"),
                ("services", "record"),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let patient = created.location.unwrap();
    walk.get(
        &server,
        &format!("{}?nhs_number=9990000085", routes::FIND_PATIENT),
        &staff,
    )
    .await;
    walk.get(&server, &patient, &staff).await;
    walk.get(&server, &format!("{patient}/register"), &staff)
        .await;
    walk.get(&server, routes::IMPORTS, &staff).await;
    let access = "/staff/patients/demo-patient-9990000050/access";
    walk.get(&server, access, &staff).await;
    walk.get(
        &server,
        "/staff/patients/demo-patient-9990000069/end-access",
        &staff,
    )
    .await;
    let reissue = format!("{patient}/pin-document");
    walk.get(&server, &reissue, &staff).await;
    let issued = server
        .post(
            &reissue,
            &[("identity_check", "proof-of-address")],
            Some(&staff),
        )
        .await;
    assert_eq!(issued.status, 303, "{}", issued.body);
    let print = issued.location.clone().unwrap();
    let secret = issued.cookie();
    walk.get(&server, &print, &format!("{staff}; {secret}"))
        .await;
    let preview_start = format!("{patient}/preview");
    walk.get(&server, &preview_start, &staff).await;
    let preview = server
        .post(&preview_start, &[("reason", "checking")], Some(&staff))
        .await;
    assert_eq!(preview.status, 303, "{}", preview.body);
    walk.get(&server, &preview.location.unwrap(), &staff).await;

    // The identity provider's callback page (here a sign-in that did not complete; a member's
    // own is the same page) is never kept.
    let provider = crate::staff_oidc::server_with_provider_down().await;
    let callback = provider
        .get("/staff/sign-in/callback?code=c&state=s", None)
        .await;
    assert_eq!(callback.status, 400, "{}", callback.body);
    assert_eq!(callback.cache_control.as_deref(), Some("no-store"));
    walk.visited.insert(routes::STAFF_PROVIDER_CALLBACK);

    let every: BTreeSet<&str> = PAGES.iter().map(|(path, ..)| *path).collect();
    let unvisited: Vec<_> = every.difference(&walk.visited).collect();
    assert!(unvisited.is_empty(), "pages not checked: {unvisited:?}");
}
