//! Server configuration, from the environment and the command line.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:` file (created if missing) or `postgres://` URL.
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// Where the built CSS, JS and wasm live (`target/site` after `scripts/build.sh`).
    pub site_root: PathBuf,
    pub demo: bool,
    /// How long a request may wait for a turn at Argon2 before it is told to try again.
    pub hashing_max_wait: std::time::Duration,
    /// `smtp://host:port` (or `smtps://user:pass@host`): where emails go. Unset in demo mode,
    /// they go to `/demo/mailbox`; unset otherwise, they wait in the outbox.
    pub smtp_url: Option<String>,
    /// The sender of every email.
    pub mail_from: String,
    /// The address patients use to reach the service, printed (and QR-coded) on PIN
    /// documents. Defaults to `http://` and the listening address.
    pub public_url: Option<String>,
    /// Load balancers in front of this instance: from these peers only, the client's address is
    /// taken from `X-Forwarded-For` (for per-client throttling). Empty: the socket peer is it.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How often expired rows are purged (`db::retention`); `None`: never, for operators who
    /// run `relink purge` from a scheduler instead.
    pub retention_interval: Option<std::time::Duration>,
    /// How to reach PDS (`PDS_*`); `None`: the stored (or demo) Spine values are all there is.
    pub pds: Option<crate::pds::PdsConfig>,
    /// How old a patient's PDS values may grow before the background refresh reads them again.
    pub pds_max_age: std::time::Duration,
    /// How often the background refresh looks for records due; `None`: never (staff checks
    /// only).
    pub pds_refresh_interval: Option<std::time::Duration>,
}

/// A configuration value that cannot be used, said in one line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("LEPTOS_SITE_ADDR must be an address and port like 127.0.0.1:3000, got {0:?}")]
    BadAddress(String),
    #[error("RELINK_TRUSTED_PROXIES must be IP addresses separated by commas, got {0:?}")]
    BadProxy(String),
    #[error("cannot write the SQLite database file {path}: {reason}")]
    UnwritableDatabase { path: String, reason: String },
}

/// Defaults for the command line, kept beside the checks that apply to them.
pub mod defaults {
    pub const DATABASE_URL: &str = "sqlite://relink.db";
    pub const SITE_ADDR: &str = "127.0.0.1:3000";
    pub const SITE_ROOT: &str = "target/site";
    pub const MAIL_FROM: &str = "Manage your GP online account <no-reply@relink.localhost>";
    /// An hour: nothing kept past its retention waits much longer than that to go.
    pub const RETENTION_INTERVAL_SECONDS: u64 = 60 * 60;
    /// A week: demographics change rarely, and PDS is asked at most 5 times a second.
    pub const PDS_MAX_AGE_HOURS: u64 = 7 * 24;
    /// Ten minutes between looks for records due a refresh.
    pub const PDS_REFRESH_INTERVAL_SECONDS: u64 = 10 * 60;
}

impl Config {
    /// Checks each value before anything starts, so a mistake fails fast with its reason.
    pub fn new(
        database_url: String,
        site_addr: &str,
        site_root: PathBuf,
        demo: bool,
    ) -> Result<Self, ConfigError> {
        let site_addr = site_addr
            .parse()
            .map_err(|_| ConfigError::BadAddress(site_addr.to_owned()))?;
        check_sqlite_file_writable(&database_url)?;
        Ok(Self {
            database_url,
            site_addr,
            site_root,
            demo,
            hashing_max_wait: std::time::Duration::from_secs(5),
            smtp_url: None,
            mail_from: defaults::MAIL_FROM.to_owned(),
            public_url: None,
            trusted_proxies: Vec::new(),
            retention_interval: Some(std::time::Duration::from_secs(
                defaults::RETENTION_INTERVAL_SECONDS,
            )),
            pds: None,
            pds_max_age: std::time::Duration::from_secs(defaults::PDS_MAX_AGE_HOURS * 3600),
            pds_refresh_interval: Some(std::time::Duration::from_secs(
                defaults::PDS_REFRESH_INTERVAL_SECONDS,
            )),
        })
    }
}

/// Parses `RELINK_TRUSTED_PROXIES`: IP addresses separated by commas (spaces allowed).
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<std::net::IpAddr>, ConfigError> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse()
                .map_err(|_| ConfigError::BadProxy(part.to_owned()))
        })
        .collect()
}

/// SQLite reports an unwritable file only at the first write, as "unable to open database
/// file"; this names the file and the reason up front.
fn check_sqlite_file_writable(url: &str) -> Result<(), ConfigError> {
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return Ok(());
    };
    let path = rest.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") || url.contains("mode=ro") {
        return Ok(());
    }
    let unwritable = |reason: String| ConfigError::UnwritableDatabase {
        path: path.to_owned(),
        reason,
    };
    let file = std::path::Path::new(path);
    if file.exists() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(file)
            .map_err(|e| unwritable(e.to_string()))?;
    } else {
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if !dir.is_dir() {
            return Err(unwritable(format!(
                "the folder {} does not exist",
                dir.display()
            )));
        }
        let probe = dir.join(format!(".relink-write-check-{}", std::process::id()));
        std::fs::write(&probe, b"").map_err(|e| unwritable(e.to_string()))?;
        let _ = std::fs::remove_file(probe);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::defaults::*;
    use super::*;

    #[test]
    fn refuses_a_bad_address() {
        let err =
            Config::new(DATABASE_URL.into(), "localhost", SITE_ROOT.into(), false).unwrap_err();
        assert!(matches!(err, ConfigError::BadAddress(_)));
    }

    #[test]
    fn refuses_a_database_in_a_missing_folder() {
        let err = Config::new(
            "sqlite:///no/such/folder/relink.db".into(),
            SITE_ADDR,
            SITE_ROOT.into(),
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[test]
    fn accepts_a_new_file_in_a_writable_folder() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("new.db").display());
        Config::new(url, SITE_ADDR, SITE_ROOT.into(), true).unwrap();
    }
}
