//! `relink`: the Relink web server.
//!
//! Configured by environment: `DATABASE_URL` (default a SQLite file `relink.db`, created on
//! first start), `LEPTOS_SITE_ADDR` (default 127.0.0.1:3000), `LEPTOS_SITE_ROOT` (the built
//! assets, default `target/site`), `SMTP_URL` and `MAIL_FROM` (where emails go, and from whom),
//! `RELINK_RETENTION_INTERVAL` (seconds between purges of expired rows), `RUST_LOG`, and
//! `RELINK_LOG_FORMAT=json` for JSON logs.

use std::path::PathBuf;
use std::process::ExitCode;

use app::server::{self, Config};
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Manage your GP online account: the Relink server.
#[derive(Debug, Parser)]
#[command(name = "relink", version)]
struct Cli {
    /// Seed made-up practices, patients and PIN documents, and show a demo notice on every page.
    #[arg(long)]
    demo: bool,

    #[arg(long, env = "DATABASE_URL", default_value = server::config_defaults::DATABASE_URL)]
    database_url: String,

    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = server::config_defaults::SITE_ADDR)]
    site_addr: String,

    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = server::config_defaults::SITE_ROOT)]
    site_root: PathBuf,

    /// Where emails go: smtp://host:port, or smtps://user:password@host. Without it, demo mode
    /// shows emails at /demo/mailbox; otherwise they wait in the outbox.
    #[arg(long, env = "SMTP_URL")]
    smtp_url: Option<String>,

    #[arg(long, env = "MAIL_FROM", default_value = server::config_defaults::MAIL_FROM)]
    mail_from: String,

    /// The address patients reach the service at, printed on PIN documents.
    #[arg(long, env = "RELINK_PUBLIC_URL")]
    public_url: Option<String>,

    /// Load balancers (IP addresses, comma-separated) whose X-Forwarded-For is believed.
    #[arg(long, env = "RELINK_TRUSTED_PROXIES", default_value = "")]
    trusted_proxies: String,

    /// Seconds between purges of expired sessions, tokens, journeys, throttle counters and
    /// delivered email bodies; 0 never purges (run `relink purge` instead).
    #[arg(long, env = "RELINK_RETENTION_INTERVAL", default_value_t = server::config_defaults::RETENTION_INTERVAL_SECONDS)]
    retention_interval: u64,

    #[command(subcommand)]
    command: Option<Command>,
}

/// Administration, run against the same database as the server.
#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Manage staff members.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Delete what is past its retention now, and print how much went from each table.
    Purge,
}

#[derive(Debug, clap::Subcommand)]
enum AuditCommand {
    /// Recompute the audit log's hash chain; exit 1 and name the first broken entry if any.
    Verify,
}

#[derive(Debug, clap::Subcommand)]
enum StaffCommand {
    /// Add a staff member and print a one-time initial password.
    Add {
        /// Lower-case letters, digits, dots and hyphens, like staff.riverside.
        username: String,
        /// A practice they work for (ODS code); repeat for several.
        #[arg(long = "practice", required_unless_present = "admin")]
        practices: Vec<String>,
        /// An administrator may see every practice.
        #[arg(long)]
        admin: bool,
    },
}

fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    let cli = Cli::parse();
    init_tracing();
    if let Some(command) = cli.command {
        let runtime = match tokio::runtime::Runtime::new() {
            Ok(runtime) => runtime,
            Err(error) => return fail(&error),
        };
        return match command {
            Command::Staff(StaffCommand::Add {
                username,
                practices,
                admin,
            }) => runtime.block_on(add_staff(&cli.database_url, &username, &practices, admin)),
            Command::Audit(AuditCommand::Verify) => {
                runtime.block_on(verify_audit(&cli.database_url))
            }
            Command::Purge => runtime.block_on(purge(&cli.database_url)),
        };
    }
    let mut config = match Config::new(cli.database_url, &cli.site_addr, cli.site_root, cli.demo) {
        Ok(config) => config,
        Err(error) => return fail(&error),
    };
    config.smtp_url = cli.smtp_url.filter(|url| !url.is_empty());
    config.mail_from = cli.mail_from;
    config.public_url = cli.public_url.filter(|url| !url.is_empty());
    config.retention_interval = (cli.retention_interval > 0)
        .then(|| std::time::Duration::from_secs(cli.retention_interval));
    config.trusted_proxies = match server::parse_trusted_proxies(&cli.trusted_proxies) {
        Ok(proxies) => proxies,
        Err(error) => return fail(&error),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&error),
    };
    runtime.block_on(run(config))
}

/// `relink staff add`: the password is random, printed once, and stored only as a hash.
async fn add_staff(
    database_url: &str,
    username: &str,
    practices: &[String],
    admin: bool,
) -> ExitCode {
    use app::domain::{OdsCode, StaffUsername};
    let username = match StaffUsername::parse(username) {
        Ok(username) => username,
        Err(error) => return fail(&error),
    };
    let mut codes = Vec::new();
    for code in practices {
        match OdsCode::parse(code) {
            Ok(ods) => codes.push(ods),
            Err(error) => return fail(&format!("{code}: {error}")),
        }
    }
    let db = match app::db::Db::connect(database_url).await {
        Ok(db) => db,
        Err(error) => return fail(&error),
    };
    let password = app::secrets::new_staff_password();
    let hash = app::secrets::hash_secret(&password);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let added = app::db::staff::add(&db, &username, &hash, admin, &codes, now).await;
    db.close().await;
    match added {
        Ok(()) => {
            let scope = if admin {
                "every practice".to_owned()
            } else {
                codes
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            println!("Added staff member {username} for {scope}.");
            println!("Initial password (shown once, give it to them privately): {password}");
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

/// `relink audit verify`: 0 when the chain is intact, 1 (naming the entry) when it is not.
async fn verify_audit(database_url: &str) -> ExitCode {
    let db = match app::db::Db::connect(database_url).await {
        Ok(db) => db,
        Err(error) => return fail(&error),
    };
    let report = app::db::audit::verify_chain(&db).await;
    db.close().await;
    match report {
        Ok(report) => match report.first_broken {
            None => {
                println!(
                    "Audit log intact: {} entries checked ({} written before the chain began).",
                    report.checked, report.before_chain
                );
                ExitCode::SUCCESS
            }
            Some((0, why)) => {
                eprintln!("relink: audit log broken: {why}");
                ExitCode::from(1)
            }
            Some((id, why)) => {
                eprintln!("relink: audit log broken at entry {id}: {why}");
                ExitCode::from(1)
            }
        },
        Err(error) => fail(&error),
    }
}

/// `relink purge`: the background retention task's work, once (for a scheduler, or now).
async fn purge(database_url: &str) -> ExitCode {
    let db = match app::db::Db::connect(database_url).await {
        Ok(db) => db,
        Err(error) => return fail(&error),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let purged = app::db::retention::purge(&db, now).await;
    db.close().await;
    match purged {
        Ok(purged) => {
            println!("{purged}");
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

async fn run(config: Config) -> ExitCode {
    let shutdown = shutdown_signal();
    let state = match server::prepare(&config).await {
        Ok(state) => state,
        Err(error) => return fail(&error),
    };
    let listener = match tokio::net::TcpListener::bind(config.site_addr).await {
        Ok(listener) => listener,
        Err(error) => return fail(&format!("cannot listen on {}: {error}", config.site_addr)),
    };
    let db = state.db.clone();
    tracing::info!(address = %config.site_addr, demo = config.demo, backend = ?db.backend(), "Relink is listening");
    let app = server::service(state);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    db.close().await;
    match served {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

/// One line on standard error and exit code 2: what an operator needs for a bad configuration.
fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("relink: {error}");
    ExitCode::from(2)
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("RELINK_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the process exits.
/// The handlers are installed when this is called (before the server listens), so a signal that
/// arrives early is not lost to the default action.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let terminate = signal(SignalKind::terminate());
    let interrupt = signal(SignalKind::interrupt());
    async move {
        match (terminate, interrupt) {
            (Ok(mut terminate), Ok(mut interrupt)) => {
                tokio::select! {
                    _ = terminate.recv() => {},
                    _ = interrupt.recv() => {},
                }
            }
            (Ok(mut only), Err(_)) | (Err(_), Ok(mut only)) => {
                only.recv().await;
            }
            (Err(_), Err(_)) => std::future::pending::<()>().await,
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}

#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}

/// Each Argon2 hash allocates 19 MiB. After such a block is freed, glibc raises its mmap
/// threshold, so later blocks come from per-thread arenas and stay resident: 378 MB after a
/// load test (docs/RELIABILITY.md), 33 MB with the threshold fixed at 1 MiB, which keeps large
/// blocks mmapped and gives them back when freed. Small allocations are unaffected. Argon2's
/// own memory no longer pays for this: the hashing pool keeps one working memory per slot and
/// reuses it (app/src/secrets.rs), so no hash maps fresh pages (docs/PERFORMANCE.md, item 3).
///
/// Fixing the mmap threshold also fixes glibc's trim threshold at 128 KiB, so the heap was
/// shrunk and grown again between requests; 16 MiB keeps that much free heap for reuse:
/// cached pages 42,840 -> 48,545 requests/s, same resident memory (docs/PERFORMANCE.md, item 1).
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first thing in main, before any other thread exists; mallopt only
    // changes the allocator's settings.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 16 << 20);
    }
}
