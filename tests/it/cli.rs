//! The `relink` binary refuses bad configuration with one clear line and a non-zero exit.

use std::process::Command;

use crate::common::fixture;

fn relink(args: &[&str], envs: &[(&str, &str)]) -> (Option<i32>, String) {
    let (code, _, stderr) = relink_with_output(args, envs);
    (code, stderr)
}

/// Runs the binary; its exit code, standard output and standard error.
fn relink_with_output(args: &[&str], envs: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_relink"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("LEPTOS_SITE_ADDR")
        .env_remove("SMTP_URL")
        .env_remove("MAIL_FROM")
        .env_remove("RELINK_AUDIT_SIGNING_KEY_FILE")
        .env_remove("RELINK_AUDIT_PUBLIC_KEY")
        .envs(envs.iter().copied())
        .output()
        .expect("run relink");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn bad_address_is_refused() {
    let (code, stderr) = relink(&[], &[("LEPTOS_SITE_ADDR", "not-an-address")]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("relink: LEPTOS_SITE_ADDR must be an address and port"),
        "{stderr}"
    );
}

#[test]
fn unwritable_database_is_refused() {
    let (code, stderr) = relink(&[], &[("DATABASE_URL", "sqlite:///proc/relink.db")]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("relink: cannot write the SQLite database file /proc/relink.db"),
        "{stderr}"
    );
}

#[test]
fn unreachable_database_is_refused() {
    let (code, stderr) = relink(
        &[],
        &[("DATABASE_URL", "postgres://nobody@127.0.0.1:1/relink")],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("relink: cannot open the database"),
        "{stderr}"
    );
}

#[test]
fn unknown_database_kind_is_refused() {
    let (code, stderr) = relink(&[], &[("DATABASE_URL", "mysql://localhost/relink")]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("relink: DATABASE_URL is not valid"),
        "{stderr}"
    );
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_relink"))
        .env("DATABASE_URL", &database)
        .env("LEPTOS_SITE_ADDR", &address)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start relink");
    // Wait until it listens, then ask it to stop.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(&address).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "relink did not start listening"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("shutting down"));
}

#[test]
fn bad_mail_settings_are_refused_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let (code, stderr) = relink(
        &[],
        &[
            ("DATABASE_URL", &database),
            ("SMTP_URL", "ftp://mail.example.com"),
        ],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("relink: SMTP_URL is not valid"), "{stderr}");
    let (code, stderr) = relink(
        &[],
        &[("DATABASE_URL", &database), ("MAIL_FROM", "not an address")],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("relink: MAIL_FROM is not a valid address"),
        "{stderr}"
    );
}

#[test]
fn audit_verify_names_the_first_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let victim: i64 = runtime.block_on(async {
        let db = app::db::Db::connect(&database).await.unwrap();
        for detail in ["one", "two", "three"] {
            let event = app::db::audit::NewAuditEvent {
                kind: app::db::audit::AuditKind::SignedIn,
                actor: "patient",
                practice_ods: Some("T00001"),
                patient_id: None,
                detail,
            };
            app::db::audit::record(db.pool(), &event, 1).await.unwrap();
        }
        db.close().await;
        fixture::audit_event_id(&database, "two").await
    });
    let (code, _) = relink(&["audit", "verify"], &[("DATABASE_URL", &database)]);
    assert_eq!(code, Some(0));

    let tamper = fixture::tamper_with_audit_actor(&database, "two", "staff.x");
    runtime.block_on(tamper);
    let (code, stderr) = relink(&["audit", "verify"], &[("DATABASE_URL", &database)]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "relink: audit log broken at entry {victim}: its contents were changed"
        )),
        "{stderr}"
    );
}

/// The audit log anchored outside the database: a key made by `keygen`, checkpoints appended by
/// `checkpoint`, and `verify --checkpoints` failing once the newest entries were cut and the
/// head wound back (which `verify` alone cannot see), and on a checkpoint line not signed with
/// the key.
#[test]
fn audit_checkpoints_catch_a_cut_log_and_a_forged_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let key_file = dir.path().join("audit.key");
    let key_path = key_file.to_str().unwrap();
    let checkpoints = dir.path().join("checkpoints.jsonl");
    let checkpoints = checkpoints.to_str().unwrap();
    let db_env = [("DATABASE_URL", database.as_str())];

    let (code, public_key, stderr) = relink_with_output(&["audit", "keygen", key_path], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let public_key = public_key.trim().to_owned();
    assert_eq!(public_key.len(), 44, "a base64 Ed25519 key: {public_key}");
    let (code, stderr) = relink(&["audit", "keygen", key_path], &[]);
    assert_eq!(code, Some(2), "an existing key is never overwritten");
    assert!(
        stderr.contains("cannot create the signing key file"),
        "{stderr}"
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let append = |details: &[&str]| {
        runtime.block_on(async {
            for detail in details {
                let event = app::db::audit::NewAuditEvent {
                    kind: app::db::audit::AuditKind::StaffSignedIn,
                    actor: "staff.riverside",
                    practice_ods: None,
                    patient_id: None,
                    detail,
                };
                fixture::record_audit_event(&database, &event, 1).await;
            }
        })
    };
    // `relink migrate` creates the database; the key comes from the environment too.
    let (code, stdout, _) = relink_with_output(&["migrate"], &db_env);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("Applied"), "{stdout}");
    let (_, stdout, _) = relink_with_output(&["migrate"], &db_env);
    assert!(stdout.contains("up to date"), "{stdout}");
    append(&["one", "two", "three"]);
    let checkpoint = ["audit", "checkpoint", "--to", checkpoints];
    let with_key = [db_env[0], ("RELINK_AUDIT_SIGNING_KEY_FILE", key_path)];
    assert_eq!(relink(&checkpoint, &with_key).0, Some(0));
    append(&["four", "five"]);
    assert_eq!(relink(&checkpoint, &with_key).0, Some(0));
    // To standard output, for a log collector: one line.
    let (code, line, _) = relink_with_output(&["audit", "checkpoint"], &with_key);
    assert_eq!(code, Some(0));
    assert_eq!(line.lines().count(), 1);
    assert!(line.contains("\"seq\":5"), "{line}");

    let verify = [
        "audit",
        "verify",
        "--checkpoints",
        checkpoints,
        "--public-key",
        &public_key,
    ];
    let (code, stdout, stderr) = relink_with_output(&verify, &db_env);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("all 2 signed checkpoints"), "{stdout}");
    // The public key can be derived from the signing key file instead.
    let derived = ["audit", "verify", "--checkpoints", checkpoints];
    assert_eq!(relink(&derived, &with_key).0, Some(0));
    assert_eq!(relink(&derived, &db_env).0, Some(2), "no key at all");

    runtime.block_on(fixture::cut_audit_log_and_wind_back(&database, 4));
    let (code, _) = relink(&["audit", "verify"], &db_env);
    assert_eq!(code, Some(0), "the chain alone looks whole");
    let (code, stderr) = relink(&verify, &db_env);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("relink: audit log broken: the chain ends at entry number 4"),
        "{stderr}"
    );

    // A line signed with another key (a forger's), even of the true head, is refused.
    let forger = app::audit_checkpoint::new_signing_key();
    let forged = app::audit_checkpoint::Checkpoint::sign(4, "0", 1, &forger).to_line();
    let forged_file = dir.path().join("forged.jsonl");
    std::fs::write(&forged_file, format!("{forged}\n")).unwrap();
    let forged_path = forged_file.to_str().unwrap();
    let (code, stderr) = relink(
        &[
            "audit",
            "verify",
            "--checkpoints",
            forged_path,
            "--public-key",
            &public_key,
        ],
        &db_env,
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("checkpoint on line 1 has a signature that does not verify"),
        "{stderr}"
    );
}

#[test]
fn purge_deletes_what_is_past_its_retention_and_prints_the_counts() {
    use app::db::{outbox, retention, sessions};
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = app::db::Db::connect(&database).await.unwrap();
        let kind = sessions::SessionKind::Patient;
        for (subject, at) in [("idle", now - 3600), ("live", now), ("gone", now - 7200)] {
            sessions::create(db.pool(), kind, subject, at)
                .await
                .unwrap();
        }
        let message = outbox::NewMessage {
            recipient: "patient@example.com",
            subject: "Your security code",
            body: "Your security code is 123456",
            purpose: outbox::Purpose::SecurityCode,
        };
        let sent_at = now - retention::DELIVERED_BODY_KEPT_SECONDS - 60;
        outbox::enqueue(db.pool(), &message, sent_at).await.unwrap();
        let claimed = outbox::claim_due(&db, sent_at, 60, 1).await.unwrap();
        outbox::mark_sent(db.pool(), claimed[0].id, "smtp", sent_at)
            .await
            .unwrap();
        db.close().await;
    });

    let output = Command::new(env!("CARGO_BIN_EXE_relink"))
        .arg("purge")
        .env("DATABASE_URL", &database)
        .output()
        .expect("run relink purge");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        "sessions deleted: 2",
        "step tokens deleted: 0",
        "replacement journeys deleted: 0",
        "throttle counters deleted: 0",
        "staff provider sign-ins deleted: 0",
        "delivered email bodies removed: 1",
    ] {
        assert!(stdout.contains(line), "{line:?} in\n{stdout}");
    }
    runtime.block_on(async {
        assert_eq!(fixture::session_subjects(&database).await, ["live"]);
        let body = fixture::oldest_outbox_body(&database).await;
        assert_eq!(body, "", "the security code is no longer readable");
    });
}

/// The lines of standard error that are relink's own messages (not log lines).
fn own_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with("relink:"))
        .collect()
}

#[test]
fn demo_mode_refuses_a_database_it_did_not_create() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = app::db::Db::connect(&database).await.unwrap();
        db.close().await;
        let practice = app::db::practices::Practice {
            ods_code: app::domain::OdsCode::parse("A81001").unwrap(),
            name: "A real surgery".to_owned(),
            clinical_system: app::domain::ClinicalSystem::Tpp,
            services: app::db::practices::PracticeServices::ALL,
        };
        fixture::add_practice(&database, &practice).await;
    });
    let (code, stderr) = relink(
        &["--demo"],
        &[
            ("DATABASE_URL", &database),
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0"),
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        own_lines(&stderr),
        ["relink: --demo refuses this database: it holds practices or staff that demo mode did not create, and the demo would add patients and staff with published passwords to it; give --demo a new database"],
        "{stderr}"
    );
    runtime.block_on(async {
        assert_eq!(
            fixture::practice_codes(&database).await,
            ["A81001"],
            "nothing was seeded"
        );
    });
}

#[test]
fn a_demo_database_is_served_only_in_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = app::db::Db::connect(&database).await.unwrap();
        assert!(app::db::instance::claim_for_demo(&db, 1).await.unwrap());
        db.close().await;
    });
    let (code, stderr) = relink(
        &[],
        &[
            ("DATABASE_URL", &database),
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0"),
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        own_lines(&stderr),
        ["relink: this database was created by --demo (its staff passwords and PIN passphrases are published): serve it only with --demo, or use another DATABASE_URL"],
        "{stderr}"
    );
}

#[test]
fn bad_pds_settings_are_refused_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let db = ("DATABASE_URL", database.as_str());
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("PDS_BASE_URL", "ftp://pds.example")],
            "relink: PDS_BASE_URL must be an http:// or https:// URL",
        ),
        (
            &[
                ("PDS_BASE_URL", "http://127.0.0.1:9000"),
                ("PDS_AUTH", "password"),
            ],
            "relink: PDS_AUTH must be none or signed-jwt",
        ),
        (
            &[
                ("PDS_BASE_URL", "http://127.0.0.1:9000"),
                ("PDS_AUTH", "signed-jwt"),
            ],
            "must be set when PDS_AUTH=signed-jwt",
        ),
        (
            &[
                ("PDS_BASE_URL", "http://127.0.0.1:9000"),
                ("PDS_REQUESTS_PER_SECOND", "0"),
            ],
            "relink: PDS_REQUESTS_PER_SECOND must be a whole number from 1 to",
        ),
    ];
    for (settings, said) in cases {
        let mut envs = vec![db];
        envs.extend_from_slice(settings);
        let (code, stderr) = relink(&[], &envs);
        assert_eq!(code, Some(2), "{settings:?}: {stderr}");
        assert!(stderr.contains(said), "{settings:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    }
}

/// `relink practice add` and `list`: what is added is printed in one line (Welsh practices
/// say how their PIN documents print) and listed with its patients; a malformed or duplicate
/// code, an empty name or an unknown system is one line on standard error, exit 2, and
/// nothing written.
#[test]
fn practices_are_added_and_listed_and_bad_ones_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("relink.db").display());
    let db_env = [("DATABASE_URL", database.as_str())];

    let (code, stdout, _) = relink_with_output(&["practice", "list"], &db_env);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("No practices yet"), "{stdout}");

    let (code, stdout, stderr) = relink_with_output(
        &[
            "practice",
            "add",
            "t00002",
            "--name",
            "Riverside Surgery",
            "--system",
            "tpp",
        ],
        &db_env,
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, "Added T00002 Riverside Surgery (TPP SystmOne)\n");
    let (code, stdout, stderr) = relink_with_output(
        &[
            "practice",
            "add",
            "W00002",
            "--name",
            "Meddygfa Newydd",
            "--system",
            "EMIS",
        ],
        &db_env,
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "Added W00002 Meddygfa Newydd (EMIS Web (Optum)) \
         (Welsh practice: PIN documents print in Welsh and English)\n"
    );

    let refusals: [(&[&str], &str); 5] = [
        (
            &["practice", "add", "T0002", "--name", "X", "--system", "tpp"],
            "relink: \"T0002\": ODS code must be a letter followed by 5 numbers, like A12345",
        ),
        (
            &["practice", "add", "T00002", "--name", "Another", "--system", "emis"],
            "relink: a practice with the ODS code T00002 already exists: nothing was changed",
        ),
        (
            &["practice", "add", "T00003", "--name", "  ", "--system", "tpp"],
            "relink: the practice name is empty",
        ),
        (
            &["practice", "add", "T00003", "--name", "Hillview", "--system", "vision"],
            "relink: \"vision\" is not a clinical system Relink knows: use --system tpp or --system emis",
        ),
        (
            &["practice", "add", "T00003", "--name", &"a".repeat(101), "--system", "tpp"],
            "relink: the practice name must be 100 characters or fewer",
        ),
    ];
    for (args, expected) in refusals {
        let (code, stdout, stderr) = relink_with_output(args, &db_env);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().collect::<Vec<_>>(), [expected], "{args:?}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }

    // Two patients at Riverside, and a test patient who is not counted.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = app::db::Db::connect(&database).await.unwrap();
        for (id, nhs, is_test) in [
            ("p1", "9990000018", 0),
            ("p2", "9990000026", 0),
            ("p3", "9990000034", 1),
        ] {
            sqlx::query(
                "INSERT INTO patients (id, practice_ods, nhs_number, is_test, joined_practice_on, created_at)
                 VALUES ($1, 'T00002', $2, $3, '2020-01-01', 1)",
            )
            .bind(id)
            .bind(nhs)
            .bind(is_test)
            .execute(db.pool())
            .await
            .unwrap();
        }
        db.close().await;
    });
    let (code, stdout, _) = relink_with_output(&["practice", "list"], &db_env);
    assert_eq!(code, Some(0));
    let lines: Vec<Vec<&str>> = stdout
        .lines()
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        lines,
        [
            vec!["ODS", "Name", "System", "Welsh", "Patients"],
            vec!["T00002", "Riverside Surgery", "TPP SystmOne", "no", "2"],
            vec!["W00002", "Meddygfa Newydd", "EMIS Web (Optum)", "yes", "0"],
        ],
        "{stdout}"
    );
    let widths: Vec<usize> = stdout
        .lines()
        .map(|line| {
            line.find("System")
                .or_else(|| line.find("TPP"))
                .or_else(|| line.find("EMIS"))
                .unwrap()
        })
        .collect();
    assert!(
        widths.windows(2).all(|w| w[0] == w[1]),
        "columns line up:\n{stdout}"
    );
    assert_eq!(
        runtime.block_on(fixture::audit_count(
            &database,
            app::db::audit::AuditKind::PracticeAdded
        )),
        2,
        "one event per practice added, none for the refusals"
    );
}
