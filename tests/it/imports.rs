//! Importing a practice's patients, over HTTP (the staff upload) and on the command line
//! (`relink import patients`): the report names each rejected row, a dry run writes nothing,
//! a second import of the same file changes nothing, a patient at another practice moves only
//! once their online access there ended, and a file refused whole writes nothing.

use app::db::audit::AuditKind;

use crate::common::{fixture, start, Page, TestServer};
use crate::staff::{staff_sign_in, HILLVIEW, RIVERSIDE};

/// A valid NHS number from the nine digits `base` (the modulus-11 check digit appended), or
/// `None` when no check digit exists for it.
pub(crate) fn nhs_number(base: u64) -> Option<String> {
    let digits: Vec<u32> = format!("{base:09}")
        .chars()
        .map(|c| c.to_digit(10).unwrap())
        .collect();
    let sum: u32 = digits.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    let check = (11 - sum % 11) % 11;
    (check != 10).then(|| format!("{base:09}{check}"))
}

/// `count` valid, distinct NHS numbers outside the 999 test range.
pub(crate) fn nhs_numbers(count: usize) -> Vec<String> {
    (943_476_000..).filter_map(nhs_number).take(count).collect()
}

/// A CSV file of these rows, with the header their column count needs (6 or 8 columns).
pub(crate) fn csv(rows: &[String]) -> String {
    let eight = rows.first().is_some_and(|row| row.split(',').count() == 8);
    let mut text = if eight {
        String::from(app::import::CSV_HEADER_DOC)
    } else {
        String::from(app::import::CSV_HEADER)
    };
    text.push('\n');
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

pub(crate) async fn upload(
    server: &TestServer,
    cookie: &str,
    practice: &str,
    file: Vec<u8>,
    dry_run: bool,
) -> Page {
    let mut form = reqwest::multipart::Form::new()
        .text("practice", practice.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(file).file_name("patients.csv"),
        );
    if dry_run {
        form = form.text("dry_run", "yes");
    }
    let response = server
        .client
        .post(format!("{}/staff/imports", server.base))
        .header("cookie", cookie)
        .header("origin", server.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    Page {
        status,
        location: None,
        set_cookie: None,
        set_cookies: Vec::new(),
        upstream: None,
        cache_control: None,
        body: response.text().await.unwrap(),
    }
}

/// Three good rows, one with a bad check digit and one with an impossible date.
fn sample() -> (Vec<String>, String) {
    let numbers = nhs_numbers(4);
    let rows = vec![
        format!("{},Ada,Lovelace,1985-12-10,RV1 3AA,2020-01-06", numbers[0]),
        format!("{},Alan,Turing,1982-06-23,RV1 3AB,2019-05-01", numbers[1]),
        format!("{},Grace,Hopper,1990-12-09,RV1 3AC,2021-09-30", numbers[2]),
        "9434765918,Bad,Checkdigit,1990-01-01,RV1 3AD,2021-01-01".to_owned(),
        format!("{},Bad,Date,1990-02-30,RV1 3AE,2021-01-01", numbers[3]),
    ];
    (rows, numbers[0].clone())
}

#[tokio::test]
async fn a_file_is_checked_then_imported_once_and_again_changes_nothing() {
    let server = start(true).await;
    let db = &server.database_url;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let (rows, first) = sample();
    let file = csv(&rows).into_bytes();

    let checked = upload(&server, &staff, "T00001", file.clone(), true).await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert!(
        checked.body.contains("was checked. Nothing was imported."),
        "{}",
        checked.body
    );
    assert!(checked.body.contains("Patients that would be added"));
    assert!(
        checked.body.contains("line 5"),
        "the bad check digit is named by line"
    );
    assert!(
        checked.body.contains("943 476 5918"),
        "and by the number typed"
    );
    assert!(
        checked.body.contains("line 6"),
        "the impossible date is named by line"
    );
    assert_eq!(
        fixture::audit_count(db, AuditKind::PatientsImported).await,
        0
    );
    let find = async || {
        let path = format!("/staff/patients?nhs_number={first}");
        server.get(&path, Some(&staff)).await.body
    };
    assert!(
        find().await.contains("No patient"),
        "a dry run writes nothing"
    );

    let imported = upload(&server, &staff, "T00001", file.clone(), false).await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    assert!(imported.body.contains("was imported."), "{}", imported.body);
    assert!(find().await.contains("Ada Lovelace"));
    assert_eq!(
        fixture::audit_count(db, AuditKind::PatientsImported).await,
        1
    );
    let details = fixture::audit_details(db, AuditKind::PatientsImported).await;
    assert_eq!(
        details,
        ["Import: 3 added, 0 updated, 0 unchanged, 0 moved from another practice, 2 rejected"]
    );

    let again = upload(&server, &staff, "T00001", file, false).await;
    assert_eq!(again.status, 200);
    let details = fixture::audit_details(db, AuditKind::PatientsImported).await;
    assert_eq!(
        details[1],
        "Import: 0 added, 0 updated, 3 unchanged, 0 moved from another practice, 2 rejected"
    );
}

#[tokio::test]
async fn a_patient_moves_practice_only_once_their_old_practice_ended_online_access() {
    let server = start(true).await;
    let db = &server.database_url;
    let riverside = staff_sign_in(&server, RIVERSIDE).await;
    let hillview = staff_sign_in(&server, HILLVIEW).await;
    let find = async |cookie: &str| {
        server
            .get("/staff/patients?nhs_number=9990000042", Some(cookie))
            .await
            .body
    };
    // Chris is Hillview's (E00001), with an account that works there.
    let file = csv(&["9990000042,Chris,Evans,1985-05-04,RV1 1AA,2026-11-01".to_owned()]);
    let page = upload(
        &server,
        &riverside,
        "T00001",
        file.clone().into_bytes(),
        false,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(
            "NHS number 999 000 0042 has online access at another Relink practice (E00001): not moved. If the patient has left that practice, ask it to end their online access, then import the file again."
        ),
        "{}",
        page.body
    );
    assert!(
        find(&hillview).await.contains("demo-patient-9990000042"),
        "still Hillview's"
    );
    assert!(find(&riverside).await.contains("No patient"));

    // He left Hillview, which ends his online access there.
    let ended = server
        .post(
            "/staff/patients/demo-patient-9990000042/end-access",
            &[("reason", "Registered with Riverside")],
            Some(&hillview),
        )
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);

    // A check first: the move is announced, nothing is written.
    let checked = upload(
        &server,
        &riverside,
        "T00001",
        file.clone().into_bytes(),
        true,
    )
    .await;
    assert!(
        checked
            .body
            .contains("Patients that would be moved here from another Relink practice"),
        "{}",
        checked.body
    );
    assert!(find(&hillview).await.contains("demo-patient-9990000042"));

    let moved = upload(
        &server,
        &riverside,
        "T00001",
        file.clone().into_bytes(),
        false,
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert!(moved
        .body
        .contains("Patients moved here from another Relink practice"));
    assert!(
        moved
            .body
            .contains("<td class=\"nhsuk-table__cell\">999 000 0042</td><td class=\"nhsuk-table__cell\">E00001</td>"),
        "{}",
        moved.body
    );
    assert!(moved
        .body
        .contains("Rows not imported</dt><dd class=\"nhsuk-summary-list__value\">0"));
    // Now Riverside's, with the same record id: Hillview no longer finds him.
    assert!(find(&riverside).await.contains("demo-patient-9990000042"));
    assert!(find(&hillview).await.contains("No patient"));
    let patient = server
        .get("/staff/patients/demo-patient-9990000042", Some(&hillview))
        .await;
    assert_eq!(patient.status, 404, "Hillview's staff no longer see him");
    // Riverside sees the ended account and can register him (his settings at Hillview are
    // not carried over).
    let page = server
        .get("/staff/patients/demo-patient-9990000042", Some(&riverside))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ended on"), "{}", page.body);
    assert!(
        page.body.contains("Register for online services"),
        "{}",
        page.body
    );
    // Audited under the practice he left, so its staff see where he went.
    assert_eq!(
        fixture::audit_details(db, AuditKind::PatientMovedPractice).await,
        ["Moved to T00001 by an import"]
    );
    let hillview_log = server.get("/staff/audit", Some(&hillview)).await;
    assert!(
        hillview_log
            .body
            .contains("Patient moved to another practice by an import"),
        "{}",
        hillview_log.body
    );

    // Importing the same file again changes nothing.
    let again = upload(&server, &riverside, "T00001", file.into_bytes(), false).await;
    assert!(
        again
            .body
            .contains("Patients unchanged</dt><dd class=\"nhsuk-summary-list__value\">1"),
        "{}",
        again.body
    );
    assert!(!again.body.contains("moved here"));
    assert_eq!(
        fixture::audit_count(db, AuditKind::PatientMovedPractice).await,
        1
    );
}

#[tokio::test]
async fn a_file_refused_whole_writes_nothing_and_says_why() {
    let server = start(true).await;
    let db = &server.database_url;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let numbers = nhs_numbers(1);
    let wrong_header = format!("nhs,first,last\n{},A,B\n", numbers[0]);
    let not_utf8 = {
        let mut bytes = csv(&[format!(
            "{},Zoë,Smith,1990-01-01,RV1 1AA,2020-01-01",
            numbers[0]
        )])
        .into_bytes();
        let at = bytes.iter().position(|b| *b == 0xC3).unwrap();
        bytes[at] = 0xFF;
        bytes
    };
    for (file, said) in [
        (wrong_header.into_bytes(), "header"),
        (not_utf8, "UTF-8"),
        ([0x00, 0x9F, 0x92, 0x96].repeat(1_000), "file"),
    ] {
        let page = upload(&server, &staff, "T00001", file, false).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(
            page.body.contains("nhsuk-error-summary"),
            "an error summary"
        );
        assert!(page.body.contains(said), "{said}: {}", page.body);
    }
    assert_eq!(
        fixture::audit_count(db, AuditKind::PatientsImported).await,
        0
    );

    // Too big: refused before it is read, with what to do.
    let big = vec![b'a'; 51 * 1024 * 1024];
    let page = upload(&server, &staff, "T00001", big, false).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("smaller than 50 MB"), "{}", page.body);
}

#[tokio::test]
async fn staff_import_only_into_their_own_practices() {
    let server = start(true).await;
    let hillview = staff_sign_in(&server, HILLVIEW).await;
    let file = csv(&[format!(
        "{},A,B,1990-01-01,RV1 1AA,2020-01-01",
        nhs_numbers(1)[0]
    )]);
    let page = upload(
        &server,
        &hillview,
        "T00001",
        file.clone().into_bytes(),
        false,
    )
    .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Select a practice you work for"));
    let stranger = server
        .client
        .post(format!("{}/staff/imports", server.base))
        .header("origin", server.base.clone())
        .multipart(reqwest::multipart::Form::new().text("practice", "T00001"))
        .send()
        .await
        .unwrap();
    assert_ne!(stranger.status().as_u16(), 200);
    assert_eq!(
        fixture::audit_count(&server.database_url, AuditKind::PatientsImported).await,
        0
    );
}

#[tokio::test]
async fn the_command_line_imports_a_file_and_a_dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let relink = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_relink"))
            .args(args)
            .env("DATABASE_URL", &database)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (rows, _) = sample();
    let file = dir.path().join("patients.csv");
    std::fs::write(&file, csv(&rows)).unwrap();
    let path = file.to_str().unwrap();

    // No such practice yet: nothing to import into.
    let (code, _, stderr) = relink(&["import", "patients", "--practice", "T00009", path]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("there is no practice T00009"), "{stderr}");

    let server_db = app::db::Db::connect(&database).await.unwrap();
    fixture::add_practice(
        &database,
        &app::db::practices::Practice {
            ods_code: app::domain::OdsCode::parse("T00009").unwrap(),
            name: "Test Surgery".into(),
            clinical_system: app::domain::ClinicalSystem::Tpp,
            services: app::db::practices::PracticeServices::ALL,
        },
    )
    .await;
    server_db.close().await;

    let (code, stdout, stderr) = relink(&[
        "import",
        "patients",
        "--practice",
        "T00009",
        "--dry-run",
        path,
    ]);
    assert_eq!(code, Some(1), "rows were rejected: {stderr}");
    assert!(stdout.contains("3 would be added"), "{stdout}");
    assert!(stdout.contains("Dry run: nothing was written."), "{stdout}");
    assert!(stdout.contains("line 5: "), "{stdout}");
    let (_, stdout, _) = relink(&["import", "patients", "--practice", "T00009", path]);
    assert!(
        stdout.contains("3 added, 0 updated, 0 unchanged, 2 rejected"),
        "{stdout}"
    );
    let (_, stdout, _) = relink(&["import", "patients", "--practice", "T00009", path]);
    assert!(
        stdout.contains("0 added, 0 updated, 3 unchanged, 2 rejected"),
        "{stdout}"
    );

    std::fs::write(&file, "not,a,header\n").unwrap();
    let (code, _, stderr) = relink(&["import", "patients", "--practice", "T00009", path]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("Nothing was imported."), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

/// Uploads a CSV (a real import) and checks it was imported.
pub(crate) async fn upload_csv(server: &TestServer, cookie: &str, practice: &str, file: String) {
    let page = upload(server, cookie, practice, file.into_bytes(), false).await;
    assert!(page.body.contains("was imported."), "{}", page.body);
}

/// The id of the patient with this NHS number, from the staff search's link.
pub(crate) async fn patient_id(server: &TestServer, staff: &str, nhs: &str) -> String {
    let found = server
        .get(&format!("/staff/patients?nhs_number={nhs}"), Some(staff))
        .await;
    let start = found.body.find("/staff/patients/patient-").expect("found") + 16;
    let end = start + found.body[start..].find('"').unwrap();
    found.body[start..end].to_owned()
}

#[tokio::test]
async fn an_imported_patient_is_registered_for_online_services_and_resets_with_the_first_pin_document(
) {
    let server = start(true).await;
    let db = &server.database_url;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    let nhs = nhs_numbers(1).remove(0);
    let file = csv(&[format!(
        "{nhs},Mary,Seacole,1975-11-23,RV1 4AA,2018-03-01,none,joined"
    )]);
    let imported = upload(&server, &staff, "T00001", file.into_bytes(), false).await;
    assert!(imported.body.contains("was imported."), "{}", imported.body);
    let id = patient_id(&server, &staff, &nhs).await;
    let page = server
        .get(&format!("/staff/patients/{id}"), Some(&staff))
        .await;
    assert!(
        page.body.contains("Register for online services"),
        "no account yet"
    );

    let form = server
        .get(&format!("/staff/patients/{id}/register"), Some(&staff))
        .await;
    assert_eq!(form.status, 200);
    // Nothing chosen for the identity check, and a practice-set date that is not a date.
    let refused = server
        .post(
            &format!("/staff/patients/{id}/register"),
            &[
                ("access", "full"),
                ("rule", "practice_set"),
                ("visible_from_day", "31"),
                ("visible_from_month", "2"),
                ("visible_from_year", "2024"),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.summary().len(), 2, "{:?}", refused.summary());
    assert_eq!(
        fixture::active_account_id(db, &id).await,
        None,
        "nothing written"
    );

    let registered = server
        .post(
            &format!("/staff/patients/{id}/register"),
            &[
                ("access", "dcr"),
                ("rule", "requested"),
                ("services", "record"),
                ("services", "appointments"),
                ("identity_check", "photo-id"),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(registered.status, 303, "{}", registered.body);
    let print = registered.location.clone().unwrap();
    let secret_cookie = registered.cookie();
    let shown = server
        .get(&print, Some(&format!("{staff}; {secret_cookie}")))
        .await;
    assert_eq!(shown.status, 200);
    let secret = secret_cookie.split_once('=').unwrap().1.to_owned();
    assert!(
        shown.body.contains(&secret),
        "the one-time secret is printed"
    );
    let account = fixture::active_account_id(db, &id)
        .await
        .expect("an account");
    assert!(shown.body.contains(&account), "and the Account ID");
    let details = fixture::audit_details(db, AuditKind::RegisteredForOnlineServices).await;
    assert_eq!(details.len(), 1);
    assert!(
        details[0].contains("photo-id")
            && details[0].contains("record access dcr")
            && details[0].contains("services: appointments, record"),
        "{}",
        details[0]
    );
    // Registered once: the form is not offered again, and a second post is refused.
    let again = server
        .get(&format!("/staff/patients/{id}/register"), Some(&staff))
        .await;
    assert_eq!(again.status, 303);
    let twice = server
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
    assert_eq!(twice.status, 422);
    assert!(twice.body.contains("already has an online account"));

    // The patient uses the first PIN document to set their passphrase.
    let reset = server
        .post(
            "/reset-passphrase",
            &[
                ("account_id", &account),
                ("ods_code", "T00001"),
                ("pin_passphrase", &secret),
                ("date_of_birth_day", "23"),
                ("date_of_birth_month", "11"),
                ("date_of_birth_year", "1975"),
            ],
            None,
        )
        .await;
    assert_eq!(reset.status, 303, "{}", reset.body);
    assert_eq!(
        reset.location.as_deref(),
        Some("/reset-passphrase/new-passphrase")
    );
}

/// README, "Running Relink for a practice": from an empty database to a patient holding their
/// first PIN document, with exactly the commands and clicks the README gives.
#[tokio::test]
async fn a_practices_first_day_from_an_empty_database_to_the_first_pin_document() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let relink = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_relink"))
            .args(args)
            .env("DATABASE_URL", &database)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "relink {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    // 1. The practice.
    relink(&[
        "practice",
        "add",
        "A81001",
        "--name",
        "The Old Surgery",
        "--system",
        "tpp",
    ]);
    // 2. A member of its staff; the initial password is printed once.
    let added = relink(&["staff", "add", "jo.bloggs", "--practice", "A81001"]);
    let password = crate::common::printed_password(&added);
    // 3. Its patients, from the clinical system's export.
    let nhs = nhs_numbers(2);
    let file = dir.path().join("export.csv");
    std::fs::write(
        &file,
        csv(&[
            format!("{},Olu,Adeyemi,1961-07-04,LS1 4AP,2004-09-13", nhs[0]),
            format!("{},Kit,Marlowe,1999-02-26,LS1 4AQ,2019-01-07", nhs[1]),
        ]),
    )
    .unwrap();
    let report = relink(&[
        "import",
        "patients",
        "--practice",
        "A81001",
        file.to_str().unwrap(),
    ]);
    assert!(report.contains("2 added"), "{report}");

    // 4. The member signs in, finds the patient and registers them for online services.
    let server = crate::common::start_on(Some(database.clone()), false, |_| {}, |_| {}).await;
    // 4. Their first sign-in: their own password, an authenticator app set up.
    let staff = crate::common::first_staff_sign_in(
        &server,
        "jo.bloggs",
        &password,
        "copper kettle sunrise meadow",
    )
    .await;
    let id = patient_id(&server, &staff, &nhs[0]).await;
    let registered = server
        .post(
            &format!("/staff/patients/{id}/register"),
            &[
                ("access", "summary"),
                ("rule", "joined"),
                ("services", "appointments"),
                ("services", "prescriptions"),
                ("identity_check", "photo-id"),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(registered.status, 303, "{}", registered.body);
    // 5. The first PIN document, printed.
    let print = registered.location.clone().unwrap();
    let shown = server
        .get(&print, Some(&format!("{staff}; {}", registered.cookie())))
        .await;
    assert_eq!(shown.status, 200);
    for printed in ["The Old Surgery", "A81001", "relink-pin-secret"] {
        assert!(shown.body.contains(printed), "{printed} is on the document");
    }
    let account = fixture::active_account_id(&database, &id).await.unwrap();
    assert!(shown.body.contains(&account));
}

#[tokio::test]
async fn a_registered_patients_record_access_changes_with_a_reason_and_they_see_it() {
    let server = start(true).await;
    let db = &server.database_url;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    // Robin (1000000005) is registered, with his full record.
    let robin = "demo-patient-9990000050";
    let path = format!("/staff/patients/{robin}/access");
    let form = server.get(&path, Some(&staff)).await;
    assert_eq!(form.status, 200);
    let dcr = form
        .body
        .find(r#"value="full""#)
        .expect("the full record choice");
    let start = form.body[..dcr].rfind('<').unwrap();
    let tag = &form.body[start..dcr + form.body[dcr..].find('>').unwrap()];
    assert!(
        tag.contains("checked"),
        "the current level is chosen: {tag}"
    );

    let no_reason = server
        .post(
            &path,
            &[("access", "full"), ("rule", "joined")],
            Some(&staff),
        )
        .await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(
        no_reason.summary(),
        ["Enter why you are making this change"]
    );
    assert_eq!(
        fixture::audit_count(db, AuditKind::RecordAccessChanged).await,
        0
    );

    let changed = server
        .post(
            &path,
            &[
                ("access", "summary"),
                ("rule", "joined"),
                ("services", "appointments"),
                ("reason", "  GP decided:\n summary only  "),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    let details = fixture::audit_details(db, AuditKind::RecordAccessChanged).await;
    assert_eq!(
        details,
        ["Changed to record access summary, visible from joined, services: appointments; reason: GP decided: summary only"]
    );
    // Another practice's staff cannot.
    let hillview = staff_sign_in(&server, HILLVIEW).await;
    let refused = server
        .post(
            &path,
            &[("access", "full"), ("rule", "joined"), ("reason", "x")],
            Some(&hillview),
        )
        .await;
    assert_eq!(refused.status, 404);

    // Robin sees the summary record from now on.
    let form = [
        ("account_id", "1000000005"),
        ("ods_code", "T00001"),
        ("passphrase", "river otter lantern forty two"),
    ];
    let signed_in = server.post("/sign-in", &form, None).await;
    let account = server.get("/account", Some(&signed_in.cookie())).await;
    assert!(
        account
            .body
            .contains("You can see a summary of your GP health record"),
        "{}",
        account.body
    );
}

#[tokio::test]
async fn a_bundle_that_marks_a_patient_restricted_leaves_them_no_address() {
    let server = start(true).await;
    let staff = staff_sign_in(&server, RIVERSIDE).await;
    // Dana (9990000069) is Riverside's, with an address on her GP record.
    let dana = "demo-patient-9990000069";
    let before = fixture::stored_addresses(&server.database_url, dana).await;
    assert!(before.iter().any(|(line, _)| !line.is_empty()));
    let bundle = serde_json::json!({
        "resourceType": "Bundle",
        "entry": [{"resource": {
            "resourceType": "Patient",
            "id": "9990000069",
            "meta": {"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}]},
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000069"}],
            "name": [{"use": "usual", "given": ["Dana"], "family": "Hughes"}],
            "birthDate": "1972-07-06",
            "generalPractitioner": [{"identifier": {
                "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "T00001",
                "period": {"start": "2016-01-01"}}}]
        }}]
    });
    let page = upload(
        &server,
        &staff,
        "T00001",
        bundle.to_string().into_bytes(),
        false,
    )
    .await;
    assert!(page.body.contains("was imported."), "{}", page.body);
    for (line, postcode) in fixture::stored_addresses(&server.database_url, dana).await {
        assert_eq!(
            (line.as_str(), postcode.as_str()),
            ("", ""),
            "an address was kept"
        );
    }
}
