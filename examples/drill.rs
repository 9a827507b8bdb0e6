//! Reliability drills (issue #7) against real `relink` processes, driven by the scripts in
//! `scripts/reliability/`. One binary with four jobs, so the scripts stay plain shell:
//!
//! - `seed`: a fresh database with the demo practices and N patients
//!   (`tests/it/common/seed.rs`), each with an online account, an email address and a valid PIN
//!   document;
//! - `nhs-numbers`: those patients' NHS numbers, for load scripts;
//! - `smtp-sink`: a real SMTP server that logs every message it accepts to a file;
//! - `journeys`: patients going through reset + sign-in, or account replacement, over HTTP
//!   (strictly, through a load balancer; or tolerating a server killed under them);
//! - `check`: the invariants that must hold in the database afterwards, whatever happened.
//!
//! Even-numbered patients reset their passphrase and sign in; odd-numbered ones replace their
//! account (the request, then its activation with their PIN document). Every patient's details follow from their number, so the jobs need no shared state
//! but the database and the two log files.

#[path = "../tests/it/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::db::{audit, demo, Db};
use clap::{Parser, Subcommand, ValueEnum};
use common::seed::{self, account_id, nhs_number, DATE_OF_BIRTH as DOB, ODS, PIN};
use common::{recreate_postgres_database, Page, SmtpSink, TestServer};
use sqlx::Connection;

const NEW_PASSPHRASE: &str = "carpet orbit lemon harbour";

#[derive(Parser)]
#[command(about = "Reliability drills against running relink servers")]
struct Drill {
    #[command(subcommand)]
    job: Job,
}

#[derive(Subcommand)]
enum Job {
    /// Recreate the database (SQLite file or PostgreSQL database) and seed drill patients.
    Seed {
        #[arg(long)]
        database: String,
        #[arg(long)]
        patients: usize,
    },
    /// Print the NHS numbers of seeded patients `0..count`, one per line (for load scripts).
    NhsNumbers {
        #[arg(long)]
        count: usize,
    },
    /// Accept email on `listen` and append one line per message to `log`.
    SmtpSink {
        #[arg(long)]
        listen: String,
        #[arg(long)]
        log: PathBuf,
    },
    /// Take patients `from..from+count` through their journeys, `workers` at a time.
    Journeys {
        #[arg(long)]
        base: String,
        #[arg(long)]
        mail_log: PathBuf,
        /// Journeys that the server confirmed are appended here (one line each).
        #[arg(long)]
        acks: PathBuf,
        #[arg(long, default_value_t = 0)]
        from: usize,
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 4)]
        workers: usize,
        #[arg(long, value_enum)]
        mode: Mode,
    },
    /// Check the invariants; exit 1 naming each one that does not hold.
    Check {
        #[arg(long)]
        database: String,
        #[arg(long)]
        mail_log: PathBuf,
        #[arg(long)]
        acks: PathBuf,
        /// Fail if any message reached the SMTP server twice (no crashes were caused).
        #[arg(long)]
        no_repeats: bool,
        /// How long to wait for the outbox to empty.
        #[arg(long, default_value_t = 120)]
        drain_seconds: u64,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// Every step must answer as designed, and each journey must be served by several
    /// instances (read from the load balancer's `X-Upstream` header).
    Instances,
    /// The server may be killed at any moment: a failed step ends that journey, nothing more.
    Crashes,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    sqlx::any::install_default_drivers();
    match Drill::parse().job {
        Job::Seed { database, patients } => seed(&database, patients).await,
        Job::NhsNumbers { count } => {
            for number in seed::nhs_numbers().take(count) {
                println!("{}", number.digits());
            }
        }
        Job::SmtpSink { listen, log } => smtp_sink(&listen, &log).await,
        Job::Journeys {
            base,
            mail_log,
            acks,
            from,
            count,
            workers,
            mode,
        } => {
            let outcome = journeys(base, mail_log, acks, from..from + count, workers, mode).await;
            println!("{outcome}");
            // Under crashes some journeys must still finish, or the drill proved nothing.
            let too_few = outcome.resets == 0 || outcome.replacements == 0;
            if !outcome.failures.is_empty() || too_few {
                return std::process::ExitCode::FAILURE;
            }
        }
        Job::Check {
            database,
            mail_log,
            acks,
            no_repeats,
            drain_seconds,
        } => {
            let problems = check(&database, &mail_log, &acks, no_repeats, drain_seconds).await;
            if !problems.is_empty() {
                for problem in problems {
                    eprintln!("INVARIANT BROKEN: {problem}");
                }
                return std::process::ExitCode::FAILURE;
            }
            println!("all invariants hold");
        }
    }
    std::process::ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------------------------
// The drill patients: everything follows from the number.

fn new_email(n: usize) -> String {
    format!("patient{n}.new@example.org")
}

/// Each patient comes from their own address (the per-client throttle counts every attempt).
fn client_address(n: usize) -> String {
    let n = n as u32 + 1;
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

fn resets(n: usize) -> bool {
    n.is_multiple_of(2)
}

async fn seed(database: &str, count: usize) {
    recreate(database).await;
    let db = Db::connect(database).await.expect("connect and migrate");
    let now = time::OffsetDateTime::now_utc();
    demo::seed(&db, now.date(), now.unix_timestamp())
        .await
        .expect("demo practices");
    seed::seed_patients(&db, count).await;
    db.close().await;
    println!("seeded {count} patients");
}

/// Deletes a SQLite file, or drops and creates a PostgreSQL database.
async fn recreate(database: &str) {
    if let Some(path) = database.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        return;
    }
    let (server, name) = database
        .rsplit_once('/')
        .expect("a database name in the URL");
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .expect("PostgreSQL reachable");
    recreate_postgres_database(&mut admin, name).await;
}

// ---------------------------------------------------------------------------------------------
// Email.

async fn smtp_sink(listen: &str, log: &Path) {
    let sink = SmtpSink::start_on(listen).await;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    println!("SMTP sink on {}", sink.url);
    let mut written = 0;
    loop {
        let received = sink.received();
        for message in &received[written..] {
            let id = message.outbox_id().map_or(-1, |id| id);
            let code = message.security_code().unwrap_or_else(|| "-".into());
            writeln!(file, "{id}\t{}\t{code}", message.to).unwrap();
        }
        written = received.len();
        file.flush().unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One line of the sink's log.
struct Logged {
    outbox_id: i64,
    to: String,
    code: Option<String>,
}

fn read_mail_log(log: &Path) -> Vec<Logged> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            Some(Logged {
                outbox_id: fields.next()?.parse().ok()?,
                to: fields.next()?.to_owned(),
                code: fields.next().filter(|c| *c != "-").map(str::to_owned),
            })
        })
        .collect()
}

/// Waits up to 20 seconds for the `nth` (from 1) security code sent to `to`.
async fn security_code(log: &Path, to: &str, nth: usize) -> Option<String> {
    for _ in 0..400 {
        let codes: Vec<String> = read_mail_log(log)
            .into_iter()
            .filter(|m| m.to == to)
            .filter_map(|m| m.code)
            .collect();
        if let Some(code) = codes.get(nth - 1) {
            return Some(code.clone());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Journeys.

#[derive(Default)]
struct Outcome {
    resets: usize,
    replacements: usize,
    interrupted: usize,
    upstreams: BTreeSet<String>,
    failures: Vec<String>,
    seconds: f64,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "journeys: {} resets with sign-in completed, {} replacements completed, {} interrupted, {} failed, in {:.1} s; instances that answered: {}",
            self.resets,
            self.replacements,
            self.interrupted,
            self.failures.len(),
            self.seconds,
            if self.upstreams.is_empty() {
                "(no load balancer)".to_owned()
            } else {
                self.upstreams.iter().cloned().collect::<Vec<_>>().join(", ")
            }
        )?;
        for failure in &self.failures {
            write!(f, "\n  FAILED: {failure}")?;
        }
        Ok(())
    }
}

/// Why a journey stopped early: the server went away (expected while crashing it), or it
/// answered something it should not have.
enum Stop {
    Interrupted,
    Wrong(String),
}

impl From<reqwest::Error> for Stop {
    fn from(_: reqwest::Error) -> Self {
        Stop::Interrupted
    }
}

/// One patient's HTTP client, noting which instances answered.
struct Visit {
    server: TestServer,
    upstreams: Vec<String>,
    mode: Mode,
}

impl Visit {
    async fn get(&mut self, path: &str, cookie: Option<&str>) -> Result<Page, Stop> {
        let page = self.server.try_get(path, cookie).await?;
        self.seen(page)
    }

    async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Result<Page, Stop> {
        let page = self.server.try_post(path, form, cookie).await?;
        self.seen(page)
    }

    fn seen(&mut self, page: Page) -> Result<Page, Stop> {
        if let Some(upstream) = &page.upstream {
            self.upstreams.push(upstream.clone());
        }
        // A 502/503/504 from the load balancer or the server while it restarts.
        if self.mode == Mode::Crashes && page.status >= 500 {
            return Err(Stop::Interrupted);
        }
        Ok(page)
    }

    /// `page` must have `status` and, for redirects, go to `location`.
    fn expect(
        &self,
        step: &str,
        page: &Page,
        status: u16,
        location: Option<&str>,
    ) -> Result<(), Stop> {
        if page.status == status && (location.is_none() || page.location.as_deref() == location) {
            return Ok(());
        }
        Err(Stop::Wrong(format!(
            "{step}: expected {status} {location:?}, got {} {:?} from {:?}",
            page.status, page.location, page.upstream
        )))
    }
}

async fn journeys(
    base: String,
    mail_log: PathBuf,
    acks: PathBuf,
    patients: std::ops::Range<usize>,
    workers: usize,
    mode: Mode,
) -> Outcome {
    let base = Arc::new(base);
    let next = Arc::new(AtomicUsize::new(patients.start));
    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let acks = Arc::new(Mutex::new(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(acks)
            .unwrap(),
    ));
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let (base, next, outcome, acks, mail_log) = (
                base.clone(),
                next.clone(),
                outcome.clone(),
                acks.clone(),
                mail_log.clone(),
            );
            let end = patients.end;
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= end {
                        return;
                    }
                    let mut visit = Visit {
                        server: TestServer::remote(&base, &client_address(n)),
                        upstreams: Vec::new(),
                        mode,
                    };
                    let result = if resets(n) {
                        reset_and_sign_in(&mut visit, n).await
                    } else {
                        replace(&mut visit, n, &mail_log).await
                    };
                    let interrupted = matches!(result, Err(Stop::Interrupted));
                    {
                        let mut outcome = outcome.lock().unwrap();
                        outcome.upstreams.extend(visit.upstreams.iter().cloned());
                        let distinct: HashSet<_> = visit.upstreams.iter().collect();
                        match result {
                            Ok(ack) => {
                                writeln!(acks.lock().unwrap(), "{ack}").unwrap();
                                if resets(n) {
                                    outcome.resets += 1;
                                } else {
                                    outcome.replacements += 1;
                                }
                                if mode == Mode::Instances && distinct.len() < 2 {
                                    outcome.failures.push(format!(
                                    "patient {n}: every request went to one instance ({distinct:?})"
                                ));
                                }
                            }
                            // Nothing is killed in the instances drill: a lost connection fails it.
                            Err(Stop::Interrupted) if mode == Mode::Instances => outcome
                                .failures
                                .push(format!("patient {n}: a request got no answer")),
                            Err(Stop::Interrupted) => outcome.interrupted += 1,
                            Err(Stop::Wrong(why)) => {
                                outcome.failures.push(format!("patient {n}: {why}"))
                            }
                        }
                    }
                    if interrupted {
                        // The server is restarting: wait a moment, as a person would.
                        tokio::time::sleep(Duration::from_millis(300)).await;
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let mut outcome = Arc::try_unwrap(outcome).ok().unwrap().into_inner().unwrap();
    if mode == Mode::Instances {
        if let Err(why) = throttle_is_shared(&base, patients.end).await {
            outcome.failures.push(why);
        }
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    outcome
}

fn reset_form(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("account_id", account_id(n)),
        ("ods_code", ODS.to_owned()),
        ("pin_passphrase", PIN.to_owned()),
        ("date_of_birth_day", DOB.0.into()),
        ("date_of_birth_month", DOB.1.into()),
        ("date_of_birth_year", DOB.2.into()),
    ]
}

fn borrowed<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Reset with the PIN document, try it again (used), sign in, see the account twice, sign out.
async fn reset_and_sign_in(visit: &mut Visit, n: usize) -> Result<String, Stop> {
    let form = reset_form(n);
    let verified = visit
        .post("/reset-passphrase", &borrowed(&form), None)
        .await?;
    choose_passphrase(visit, "PIN document", &verified).await?;
    let ack = format!("reset\t{n}");

    if visit.mode == Mode::Instances {
        // The document is used up on every instance.
        let again = visit
            .post("/reset-passphrase", &borrowed(&form), None)
            .await?;
        visit.expect("the same PIN document again", &again, 409, None)?;
    }
    let account = account_id(n);
    let signed_in = visit
        .post(
            "/sign-in",
            &[
                ("account_id", &account),
                ("ods_code", ODS),
                ("passphrase", NEW_PASSPHRASE),
            ],
            None,
        )
        .await?;
    visit.expect("sign in", &signed_in, 303, Some("/account"))?;
    let session = signed_in.cookie();
    for _ in 0..2 {
        let page = visit.get("/account", Some(&session)).await?;
        visit.expect("your account", &page, 200, None)?;
        if !page.body.contains(&format!("Patient {n}")) {
            return Err(Stop::Wrong("your account does not name the patient".into()));
        }
    }
    let out = visit.post("/sign-out", &[], Some(&session)).await?;
    visit.expect("sign out", &out, 303, Some("/sign-in?signed_out=1"))?;
    if visit.mode == Mode::Instances {
        for _ in 0..2 {
            // The signed-out cookie, replayed on every instance, is a dead session: sign in
            // again, the sign-in page saying the session ended.
            let after = visit.get("/account", Some(&session)).await?;
            visit.expect(
                "account after sign-out",
                &after,
                303,
                Some("/sign-in?signed_out=timeout"),
            )?;
        }
    }
    Ok(ack)
}

/// The whole replacement journey, the code read from the email the server sent, then its
/// activation with the patient's PIN document.
async fn replace(visit: &mut Visit, n: usize, mail_log: &Path) -> Result<String, Stop> {
    let nhs = nhs_number(n).to_string();
    // Typed as a patient might: lower case.
    let postcode = seed::POSTCODE.to_lowercase();
    let identity = [
        ("nhs_number", nhs.as_str()),
        ("date_of_birth_day", DOB.0),
        ("date_of_birth_month", DOB.1),
        ("date_of_birth_year", DOB.2),
        ("postcode", &postcode),
    ];
    let found = visit.post("/replace-account", &identity, None).await?;
    visit.expect("identity", &found, 303, Some("/replace-account/email"))?;
    let journey = found.cookie();
    let email = new_email(n);
    let sent = visit
        .post(
            "/replace-account/email",
            &[("email", email.as_str())],
            Some(&journey),
        )
        .await?;
    visit.expect(
        "new email",
        &sent,
        303,
        Some("/replace-account/security-code"),
    )?;
    let Some(code) = security_code(mail_log, &email, 1).await else {
        // In a crash drill the message may wait for its lease to end; the journey stops here.
        return match visit.mode {
            Mode::Crashes => Err(Stop::Interrupted),
            Mode::Instances => Err(Stop::Wrong(format!("no security code reached {email}"))),
        };
    };
    let confirmed = visit
        .post(
            "/replace-account/security-code",
            &[("security_code", code.as_str())],
            Some(&journey),
        )
        .await?;
    visit.expect(
        "security code",
        &confirmed,
        303,
        Some("/replace-account/check-answers"),
    )?;
    let check = visit
        .get("/replace-account/check-answers", Some(&journey))
        .await?;
    visit.expect("check your answers", &check, 200, None)?;
    let requested = visit
        .post("/replace-account/check-answers", &[], Some(&journey))
        .await?;
    visit.expect(
        "request replacement",
        &requested,
        303,
        Some("/replace-account/done"),
    )?;
    let done = visit.get("/replace-account/done", Some(&journey)).await?;
    visit.expect("done", &done, 200, None)?;
    let Some(start) = done.body.find("RPL-") else {
        return Err(Stop::Wrong("no reference on the done page".into()));
    };
    let reference = done.body[start..start + 13].to_owned();
    if visit.mode == Mode::Instances {
        let status = visit
            .post(
                "/replace-account/status",
                &[
                    ("reference", reference.as_str()),
                    ("date_of_birth_day", DOB.0),
                    ("date_of_birth_month", DOB.1),
                    ("date_of_birth_year", DOB.2),
                ],
                None,
            )
            .await?;
        visit.expect("status", &status, 200, None)?;
        if !status.body.contains(&format!("Reference {reference}")) {
            return Err(Stop::Wrong(
                "the status page does not show the request".into(),
            ));
        }
    }
    // The second phase: the PIN document activates the request, then a new passphrase.
    let activated = visit
        .post(
            "/replace-account/activate",
            &[("reference", reference.as_str()), ("pin_passphrase", PIN)],
            None,
        )
        .await?;
    choose_passphrase(visit, "activate with the PIN document", &activated).await?;
    Ok(format!("replacement\t{n}\t{reference}"))
}

/// The new-passphrase step after a PIN document matched (`matched`, the answer that sent the
/// browser there with its step token), for a reset or an activation alike.
async fn choose_passphrase(visit: &mut Visit, step_name: &str, matched: &Page) -> Result<(), Stop> {
    visit.expect(
        step_name,
        matched,
        303,
        Some("/reset-passphrase/new-passphrase"),
    )?;
    let set = visit
        .post(
            "/reset-passphrase/new-passphrase",
            &[
                ("new_passphrase", NEW_PASSPHRASE),
                ("confirm_passphrase", NEW_PASSPHRASE),
            ],
            Some(&matched.cookie()),
        )
        .await?;
    visit.expect("new passphrase", &set, 303, Some("/reset-passphrase/done"))
}

/// Five wrong PIN passphrases, each answered by whichever instance nginx chose, lock the
/// Account ID everywhere: the fifth is told so, and a sixth try with the right passphrase is
/// refused too.
async fn throttle_is_shared(base: &str, spare: usize) -> Result<(), String> {
    let mut visit = Visit {
        server: TestServer::remote(base, &client_address(spare)),
        upstreams: Vec::new(),
        mode: Mode::Instances,
    };
    let mut form = reset_form(spare);
    form[2].1 = "wrong-pin-1".into();
    for attempt in 1..=5 {
        let page = visit
            .post("/reset-passphrase", &borrowed(&form), None)
            .await
            .map_err(|_| "the throttle check could not reach the server".to_owned())?;
        let expected = if attempt < 5 { 422 } else { 429 };
        if page.status != expected {
            return Err(format!(
                "wrong PIN attempt {attempt}: expected {expected}, got {}",
                page.status
            ));
        }
    }
    form[2].1 = PIN.into();
    let locked = visit
        .post("/reset-passphrase", &borrowed(&form), None)
        .await
        .map_err(|_| "the throttle check could not reach the server".to_owned())?;
    let distinct: HashSet<_> = visit.upstreams.iter().collect();
    if locked.status != 429 {
        return Err(format!(
            "after 5 wrong attempts on {} instances, the right PIN got {} (expected 429)",
            distinct.len(),
            locked.status
        ));
    }
    if distinct.len() < 2 {
        return Err("the throttle check reached only one instance".into());
    }
    println!(
        "throttle: 5 wrong attempts spread over {} instances lock the Account ID on all of them",
        distinct.len()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Invariants.

async fn check(
    database: &str,
    mail_log: &Path,
    acks: &Path,
    no_repeats: bool,
    drain_seconds: u64,
) -> Vec<String> {
    let db = Db::connect(database).await.expect("connect");
    let pool = db.pool();
    let mut problems = Vec::new();

    // 1. The outbox empties: every message written is delivered.
    let deadline = Instant::now() + Duration::from_secs(drain_seconds);
    let unsent = loop {
        let (unsent,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(pool)
            .await
            .unwrap();
        if unsent == 0 || Instant::now() > deadline {
            break unsent;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    if unsent > 0 {
        problems.push(format!(
            "{unsent} outbox messages still unsent after {drain_seconds} s"
        ));
    }
    // Give the sink a moment to log what was just sent.
    tokio::time::sleep(Duration::from_millis(500)).await;

    // 2. Every sent message reached the SMTP server; count any that reached it twice.
    let sent: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, recipient FROM outbox WHERE sent_at IS NOT NULL")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut deliveries: BTreeMap<i64, usize> = BTreeMap::new();
    for logged in read_mail_log(mail_log) {
        *deliveries.entry(logged.outbox_id).or_default() += 1;
    }
    let lost: Vec<i64> = sent
        .iter()
        .filter(|(id, _)| !deliveries.contains_key(id))
        .map(|(id, _)| *id)
        .collect();
    if !lost.is_empty() {
        problems.push(format!(
            "outbox messages marked sent but never received: {lost:?}"
        ));
    }
    let repeated: Vec<(i64, usize)> = deliveries
        .iter()
        .filter(|(_, times)| **times > 1)
        .map(|(id, times)| (*id, *times))
        .collect();
    let unknown = deliveries.keys().filter(|id| **id < 0).count();
    if unknown > 0 {
        problems.push(format!("{unknown} received messages carry no outbox id"));
    }
    if !repeated.is_empty() {
        // A repeat must be a message whose first sender died before recording it as sent:
        // claimed again once its lease ran out (attempts > 1).
        let mut claims = Vec::new();
        for (id, _) in &repeated {
            let (attempts,): (i64,) = sqlx::query_as("SELECT attempts FROM outbox WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await
                .unwrap();
            claims.push(attempts);
        }
        println!(
            "repeated messages (id, times received, times claimed): {:?}",
            repeated
                .iter()
                .zip(&claims)
                .map(|((id, times), claims)| (id, times, claims))
                .collect::<Vec<_>>()
        );
        if claims.iter().any(|c| *c < 2) {
            problems.push("a message was received twice from a single claim".into());
        }
    }
    if no_repeats && !repeated.is_empty() {
        problems.push(format!("messages delivered more than once: {repeated:?}"));
    }

    // 3. Resets and activations: a used PIN document if and only if a new passphrase, and one
    //    audit entry each (a reset, or the replacement the PIN document activated).
    let reset_rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.patient_id,
                (SELECT COUNT(*) FROM pin_documents d WHERE d.online_account_id = a.id AND d.used_at IS NOT NULL),
                CASE WHEN a.passphrase_hash IS NULL THEN 0 ELSE 1 END,
                (SELECT COUNT(*) FROM audit_events e WHERE e.patient_id = a.patient_id AND e.kind IN ('passphrase_reset', 'account_replaced'))
         FROM online_accounts a WHERE a.patient_id LIKE 'seeded-patient-%' AND a.status = 'active'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut reset_done = 0;
    for (patient, used, has_passphrase, audited) in &reset_rows {
        if used != has_passphrase || used != audited {
            problems.push(format!(
                "{patient}: {used} used PIN documents, passphrase set: {has_passphrase}, {audited} reset audit entries"
            ));
        }
        reset_done += used;
    }

    // 4. Replacements: one active account per patient; each replaced account points at it and
    //    has one completed request, one confirmation to the new address and one alert to the
    //    old. A request still pending (interrupted before its activation) changed nothing.
    let patients: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT p.id,
                (SELECT COUNT(*) FROM online_accounts a WHERE a.patient_id = p.id AND a.status = 'active'),
                (SELECT COUNT(*) FROM online_accounts a WHERE a.patient_id = p.id AND a.status = 'replaced'),
                (SELECT COUNT(*) FROM replacement_requests r
                 WHERE r.patient_id = p.id AND r.status = 'completed')
         FROM patients p WHERE p.id LIKE 'seeded-patient-%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut replaced_total = 0;
    for (patient, active, replaced, requests) in &patients {
        if *active != 1 || replaced != requests || *replaced > 1 {
            problems.push(format!(
                "{patient}: {active} active accounts, {replaced} replaced, {requests} requests"
            ));
        }
        replaced_total += replaced;
    }
    let pending_changed: Vec<(String,)> = sqlx::query_as(
        "SELECT r.id FROM replacement_requests r
         JOIN online_accounts old ON old.id = r.old_account_id
         WHERE r.status = 'pending' AND (old.status <> 'active' OR r.new_account_id IS NOT NULL)",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (request,) in pending_changed {
        problems.push(format!(
            "replacement request {request} is pending but its old account changed"
        ));
    }
    let dangling: Vec<(String,)> = sqlx::query_as(
        "SELECT r.id FROM replacement_requests r
         JOIN online_accounts old ON old.id = r.old_account_id
         JOIN online_accounts new ON new.id = r.new_account_id
         WHERE old.status <> 'replaced' OR old.replaced_by IS NULL OR old.replaced_by <> new.id
            OR new.status <> 'active'
            OR (SELECT COUNT(*) FROM outbox o WHERE o.purpose = 'replacement_confirmed' AND o.recipient = new.email) <> 1
            OR (SELECT COUNT(*) FROM outbox o WHERE o.purpose = 'replacement_alert' AND o.recipient = old.email) <> 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (request,) in dangling {
        problems.push(format!(
            "replacement request {request}: accounts or emails do not match"
        ));
    }

    // 5. What the server confirmed to a patient is in the database.
    let confirmed = std::fs::read_to_string(acks).unwrap_or_default();
    let mut acked = (0, 0);
    for line in confirmed.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["reset", n] => {
                acked.0 += 1;
                let (used,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM pin_documents WHERE id = $1 AND used_at IS NOT NULL",
                )
                .bind(seed::pin_document_row(n.parse().unwrap_or(usize::MAX)))
                .fetch_one(pool)
                .await
                .unwrap();
                if used != 1 {
                    problems.push(format!("patient {n} was told the reset worked; it is lost"));
                }
            }
            ["replacement", n, reference] => {
                acked.1 += 1;
                let (found,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM replacement_requests WHERE reference = $1 AND status = 'completed'",
                )
                .bind(*reference)
                .fetch_one(pool)
                .await
                .unwrap();
                if found != 1 {
                    problems.push(format!(
                        "patient {n} was given reference {reference}; it is lost"
                    ));
                }
            }
            _ => problems.push(format!("unreadable acknowledgement: {line}")),
        }
    }

    // 6. The audit chain.
    let chain = audit::verify_chain(&db).await.unwrap();
    if let Some((id, why)) = &chain.first_broken {
        problems.push(format!("audit chain broken at entry {id}: {why}"));
    }

    println!(
        "database: {reset_done} PIN documents used, each with its passphrase change and audit entry; \
         {replaced_total} accounts replaced, each with one request, confirmation and alert; \
         {} outbox messages sent, {} received more than once (same Message-ID); \
         {} + {} confirmed journeys all present; audit chain of {} entries intact: {}",
        sent.len(),
        repeated.len(),
        acked.0,
        acked.1,
        chain.checked,
        chain.first_broken.is_none()
    );
    db.close().await;
    problems
}
