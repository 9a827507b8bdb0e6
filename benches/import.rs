//! How fast does an import go, and does its memory stay the same whatever the file's size?
//! (issue #20, "Speed": a benchmark, not a timed test.)
//!
//! Run with `cargo bench --bench import -- [--rows N] [--format csv|bundle]
//! [--backend sqlite|postgres] [--scale-check]`, or `bench/import.sh` for every case. One case
//! per process, so the peak resident memory (VmHWM) printed is that case's own:
//! 1. generates N patients (default 100,000) into a file in a temporary directory, streamed, as
//!    a CSV with the documented header or a FHIR Bundle of UK Core Patients: valid NHS numbers
//!    (modulus-11 check digit, outside the 999 test range), names, birth dates, postcodes and
//!    registration dates drawn from a fixed-seed generator, so every run imports the same file;
//! 2. opens a fresh database (a SQLite file in the same directory, or a new PostgreSQL database
//!    on `RELINK_TEST_POSTGRES_URL`, dropped afterwards) with one practice;
//! 3. times `import_patients` (a real run), then a second import of the same file (every row
//!    unchanged: what idempotence costs), checking each report (all added, then all unchanged).
//!
//! `--scale-check` runs this binary twice more, at N / 10 and N rows (CSV on SQLite unless
//! `--format`/`--backend` say otherwise), and fails when the larger file's peak memory is more
//! than 1.5 times the smaller's: memory must not grow with the file. On SQLite the import sets
//! a fixed page cache for its connection (`db::import::IMPORT_CACHE_KIB`, 16 MiB) that a small
//! database does not fill and a large one does: the limit allows for it, as a constant, and
//! says so.
//!
//! The peak is reset (`/proc/self/clear_refs`) after the set-up and between the two imports,
//! so each figure is the peak of that step alone, the process's baseline included.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use app::db::practices::{self, Practice, PracticeServices};
use app::db::Db;
use app::domain::{ClinicalSystem, OdsCode};
use app::import::{Format, CSV_HEADER};
use app::server::imports::import_patients;
use serde_json::json;
use sqlx::{Connection, Executor};
use time::{Date, Duration, Month};

/// The practice every generated patient is registered at.
const ODS: &str = "B82033";
/// The ODS identifier system in a Bundle's `generalPractitioner`.
const ODS_SYSTEM: &str = "https://fhir.nhs.uk/Id/ods-organization-code";
/// The NHS number identifier system.
const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// The same file on every run.
const SEED: u64 = 0x2020_1d5e_ed00_0020;
/// How much more memory the larger file of `--scale-check` may take.
const SCALE_LIMIT: f64 = 1.5;
const DEFAULT_ROWS: u64 = 100_000;

const GIVEN: &[&str] = &[
    "Oliver", "Amelia", "George", "Isla", "Noah", "Ava", "Arthur", "Mia", "Muhammad", "Ivy", "Leo",
    "Lily", "Harry", "Isabella", "Oscar", "Rosie", "Archie", "Sophia", "Henry", "Grace",
    "Theodore", "Freya", "Jack", "Willow", "Charlie", "Florence", "Thomas", "Emily", "Jacob",
    "Ella", "Alfie", "Poppy", "Priya", "Aisha", "Dylan", "Seren", "Rhys", "Cerys", "Siobhan",
    "Callum", "Zara", "Yusuf", "Margaret", "Brian", "Susan", "David", "Patricia", "John",
];
const FAMILY: &[&str] = &[
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Khan",
    "O'Brien",
    "Ali",
    "Begum",
    "Nowak",
    "Okafor",
];
const STREETS: &[&str] = &[
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Road",
    "Green Lane",
    "Manor Road",
    "Park Avenue",
    "Mill Lane",
    "Queens Road",
    "New Street",
    "Kings Road",
    "The Crescent",
];
/// Postcode areas and a town in each.
const AREAS: &[(&str, &str)] = &[
    ("LS", "Leeds"),
    ("M", "Manchester"),
    ("B", "Birmingham"),
    ("CF", "Cardiff"),
    ("NE", "Newcastle"),
    ("BS", "Bristol"),
    ("SW", "London"),
    ("EX", "Exeter"),
    ("YO", "York"),
    ("NG", "Nottingham"),
];
/// The letters Royal Mail uses in an inward code.
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// A small fixed-seed generator (SplitMix64): the same file every run, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The NHS number of nine digits `base` with its modulus-11 check digit, or `None` when no
/// check digit exists for it.
fn nhs_number(base: u64) -> Option<String> {
    let digits = format!("{base:09}");
    let sum: u64 = digits
        .bytes()
        .zip((2..=10).rev())
        .map(|(d, w)| u64::from(d - b'0') * w)
        .sum();
    match 11 - sum % 11 {
        10 => None,
        11 => Some(format!("{digits}0")),
        check => Some(format!("{digits}{check}")),
    }
}

/// One generated patient.
struct Person {
    nhs_number: String,
    given: &'static str,
    family: &'static str,
    born: Date,
    house: u64,
    street: &'static str,
    town: &'static str,
    postcode: String,
    registered: Date,
}

/// `rows` distinct patients, made one at a time (never all held in memory).
fn people(rows: u64) -> impl Iterator<Item = Person> {
    let mut rng = Rng(SEED);
    let earliest = Date::from_calendar_date(1930, Month::January, 1).unwrap();
    let latest_registration = Date::from_calendar_date(2024, Month::December, 31).unwrap();
    // Ordinary numbers begin at 400 000 000 (the 999 range is for tests).
    (400_000_000u64..)
        .filter_map(nhs_number)
        .take(rows as usize)
        .map(move |nhs_number| {
            let born = earliest + Duration::days(rng.below(33_000) as i64);
            let span = (latest_registration - born).whole_days().max(1) as u64;
            let registered = born + Duration::days(rng.below(span) as i64);
            let (area, town) = *rng.pick(AREAS);
            let postcode = format!(
                "{area}{} {}{}{}",
                1 + rng.below(20),
                rng.below(10),
                char::from(*rng.pick(INWARD_LETTERS)),
                char::from(*rng.pick(INWARD_LETTERS)),
            );
            Person {
                nhs_number,
                given: rng.pick::<&str>(GIVEN),
                family: rng.pick::<&str>(FAMILY),
                born,
                house: 1 + rng.below(200),
                street: rng.pick::<&str>(STREETS),
                town,
                postcode,
                registered,
            }
        })
}

fn write_csv(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(out, "{CSV_HEADER}")?;
    for p in people(rows) {
        writeln!(
            out,
            "{},{},{},{},{},{}",
            p.nhs_number,
            p.given,
            p.family,
            p.born,
            p.postcode,
            // Half the dates as UK spreadsheets write them.
            if p.house % 2 == 0 {
                p.registered.to_string()
            } else {
                format!(
                    "{:02}/{:02}/{}",
                    p.registered.day(),
                    u8::from(p.registered.month()),
                    p.registered.year()
                )
            },
        )?;
    }
    out.flush()
}

fn write_bundle(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    write!(
        out,
        r#"{{"resourceType":"Bundle","type":"collection","total":{rows},"entry":["#
    )?;
    for (n, p) in people(rows).enumerate() {
        if n > 0 {
            out.write_all(b",")?;
        }
        let entry = json!({
            "fullUrl": format!("urn:uuid:00000000-0000-4000-8000-{n:012}"),
            "resource": {
                "resourceType": "Patient",
                "id": format!("local-{n}"),
                "meta": {"profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]},
                "identifier": [{"system": NHS_NUMBER_SYSTEM, "value": p.nhs_number}],
                "name": [{"use": "usual", "given": [p.given], "family": p.family}],
                "gender": if n % 2 == 0 { "female" } else { "male" },
                "birthDate": p.born.to_string(),
                "address": [{
                    "use": "home",
                    "line": [format!("{} {}", p.house, p.street), p.town],
                    "postalCode": p.postcode
                }],
                "generalPractitioner": [{
                    "type": "Organization",
                    "identifier": {
                        "system": ODS_SYSTEM,
                        "value": ODS,
                        "period": {"start": p.registered.to_string()}
                    }
                }]
            }
        });
        serde_json::to_writer(&mut out, &entry)?;
    }
    out.write_all(b"]}")?;
    out.flush()
}

/// A line of `/proc/self/status`, in kB.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Starts the peak (VmHWM) again from the current resident size.
fn reset_peak() {
    if let Err(e) = std::fs::write("/proc/self/clear_refs", "5") {
        eprintln!("could not reset the peak memory ({e}): peaks include the set-up");
    }
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

struct Args {
    rows: u64,
    format: Format,
    postgres: bool,
    scale_check: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        rows: DEFAULT_ROWS,
        format: Format::Csv,
        postgres: false,
        scale_check: false,
    };
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        let mut value = || given.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--rows" => {
                args.rows = value()?
                    .replace(['_', ','], "")
                    .parse()
                    .map_err(|e| format!("--rows: {e}"))?
            }
            "--format" => {
                args.format = match value()?.as_str() {
                    "csv" => Format::Csv,
                    "bundle" => Format::Bundle,
                    other => return Err(format!("--format csv|bundle, not {other}")),
                }
            }
            "--backend" => {
                args.postgres = match value()?.as_str() {
                    "sqlite" => false,
                    "postgres" => true,
                    other => return Err(format!("--backend sqlite|postgres, not {other}")),
                }
            }
            "--scale-check" => args.scale_check = true,
            // cargo bench passes --bench to every harness = false target.
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.rows == 0 {
        return Err("--rows must be at least 1".into());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if args.scale_check {
        return scale_check(&args);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(&args));
    ExitCode::SUCCESS
}

/// Runs this binary at a tenth of the rows and at the rows, and compares their peaks.
fn scale_check(args: &Args) -> ExitCode {
    let me = std::env::current_exe().unwrap();
    let format = match args.format {
        Format::Csv => "csv",
        Format::Bundle => "bundle",
    };
    let backend = if args.postgres { "postgres" } else { "sqlite" };
    let mut peaks = Vec::new();
    for rows in [(args.rows / 10).max(1), args.rows] {
        let output = Command::new(&me)
            .args(["--rows", &rows.to_string(), "--format", format])
            .args(["--backend", backend])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        print!("{text}");
        if !output.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&output.stderr));
            return ExitCode::FAILURE;
        }
        let peak = text
            .lines()
            .find_map(|line| line.strip_prefix("RESULT "))
            .and_then(|result| {
                result
                    .split(' ')
                    .find_map(|kv| kv.strip_prefix("import_peak_kb="))
            })
            .and_then(|kb| kb.parse::<u64>().ok())
            .expect("a RESULT line with import_peak_kb");
        peaks.push((rows, peak));
    }
    let (small, large) = (peaks[0], peaks[1]);
    let ratio = large.1 as f64 / small.1 as f64;
    // The page cache is a constant the larger database fills; it is not the file's size.
    let cache_kb = if args.postgres {
        0
    } else {
        app::db::import::IMPORT_CACHE_KIB.unsigned_abs()
    };
    let limit_kb = small.1 as f64 * SCALE_LIMIT + cache_kb as f64;
    println!(
        "scale check: peak {:.1} MB at {} rows, {:.1} MB at {} rows: {ratio:.2}x; limit {SCALE_LIMIT}x the smaller + {:.1} MB of page cache = {:.1} MB",
        mb(small.1),
        small.0,
        mb(large.1),
        large.0,
        mb(cache_kb),
        mb(limit_kb as u64),
    );
    if large.1 as f64 > limit_kb {
        println!("FAIL: memory grows with the file");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn run(args: &Args) {
    let dir = tempfile::tempdir().unwrap();
    let (file, label) = match args.format {
        Format::Csv => (dir.path().join("patients.csv"), "csv"),
        Format::Bundle => (dir.path().join("patients.json"), "bundle"),
    };
    let started = Instant::now();
    match args.format {
        Format::Csv => write_csv(&file, args.rows),
        Format::Bundle => write_bundle(&file, args.rows),
    }
    .unwrap();
    let file_bytes = std::fs::metadata(&file).unwrap().len();
    let generated = started.elapsed().as_secs_f64();

    let (backend, url, postgres) = if args.postgres {
        let pg = ThrowawayPostgres::create().await;
        ("postgres", pg.url.clone(), Some(pg))
    } else {
        let url = format!("sqlite://{}", dir.path().join("import.db").display());
        ("sqlite", url, None)
    };
    let db = Db::connect(&url).await.unwrap();
    let practice = OdsCode::parse(ODS).unwrap();
    practices::upsert(
        db.pool(),
        &Practice {
            ods_code: practice.clone(),
            name: "Riverside Surgery".into(),
            clinical_system: ClinicalSystem::Tpp,
            services: PracticeServices::ALL,
        },
    )
    .await
    .unwrap();

    let setup_peak = status_kb("VmHWM");
    reset_peak();
    let open = || BufReader::with_capacity(64 * 1024, File::open(&file).unwrap());
    let started = Instant::now();
    let (format, first) = import_patients(&db, &practice, open(), false, "bench")
        .await
        .unwrap();
    let first_secs = started.elapsed().as_secs_f64();
    let import_peak = status_kb("VmHWM");
    assert_eq!(format, args.format);
    assert!(first.written);
    assert_eq!(
        (first.added, first.rejected),
        (args.rows, 0),
        "every row added: {:?}",
        first.problems.first()
    );

    reset_peak();
    let started = Instant::now();
    let (_, second) = import_patients(&db, &practice, open(), false, "bench")
        .await
        .unwrap();
    let second_secs = started.elapsed().as_secs_f64();
    let again_peak = status_kb("VmHWM");
    assert_eq!(
        (
            second.added,
            second.updated,
            second.unchanged,
            second.rejected
        ),
        (0, 0, args.rows, 0),
        "the second import changes nothing"
    );

    let rows = args.rows;
    println!(
        "{label} into {backend}: {rows} rows, file {:.1} MB (generated in {generated:.1} s)",
        file_bytes as f64 / 1e6
    );
    println!(
        "  first import:  {first_secs:.2} s, {:.0} rows/s, peak RSS {:.1} MB",
        rows as f64 / first_secs,
        mb(import_peak)
    );
    println!(
        "  second import (all unchanged): {second_secs:.2} s, {:.0} rows/s, peak RSS {:.1} MB",
        rows as f64 / second_secs,
        mb(again_peak)
    );
    println!(
        "  peak RSS after set-up {:.1} MB; resident now {:.1} MB",
        mb(setup_peak),
        mb(status_kb("VmRSS"))
    );
    println!(
        "RESULT format={label} backend={backend} rows={rows} file_bytes={file_bytes} \
         first_secs={first_secs:.3} first_rows_per_sec={:.0} second_secs={second_secs:.3} \
         second_rows_per_sec={:.0} setup_peak_kb={setup_peak} import_peak_kb={import_peak} \
         again_peak_kb={again_peak}",
        rows as f64 / first_secs,
        rows as f64 / second_secs,
    );

    db.close().await;
    if let Some(pg) = postgres {
        pg.drop().await;
    }
}

/// A fresh PostgreSQL database on the server of `RELINK_TEST_POSTGRES_URL` (as the tests use).
struct ThrowawayPostgres {
    admin_url: String,
    name: String,
    url: String,
}

impl ThrowawayPostgres {
    async fn create() -> Self {
        let admin_url = std::env::var("RELINK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("relink_bench_import_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL must be running ({admin_url}): {e}"));
        admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await
            .unwrap();
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let base = admin_url.rsplit_once('/').map_or(&*admin_url, |(b, _)| b);
        let url = format!("{base}/{name}");
        Self {
            admin_url,
            name,
            url,
        }
    }

    async fn drop(self) {
        let mut admin = sqlx::PgConnection::connect(&self.admin_url).await.unwrap();
        admin
            .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
            .await
            .unwrap();
    }
}
