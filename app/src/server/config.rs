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
    /// Staff sign-in with an OpenID Connect provider such as NHS CIS2 (`STAFF_OIDC_*`);
    /// `None`: local usernames and passwords only.
    pub staff_oidc: Option<StaffOidcConfig>,
    /// How long sessions last unused and the warning before they end (the defaults: 15 minutes
    /// for patients, 30 for staff, a 2-minute warning).
    pub session_timeouts: crate::db::sessions::SessionTimeouts,
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
            staff_oidc: None,
            session_timeouts: crate::db::sessions::SessionTimeouts::default(),
        })
    }
}

/// How staff sign in with an OpenID Connect provider (NHS CIS2, or any other): read once at
/// start-up from the `STAFF_OIDC_*` variables by [`staff_oidc_from_env`], so a mistake stops
/// the server rather than the first member's sign-in.
#[derive(Clone)]
pub struct StaffOidcConfig {
    /// The provider's issuer identifier: discovery reads
    /// `{issuer}/.well-known/openid-configuration`, and every ID token must name it.
    pub issuer: String,
    /// Relink's client id at the provider: every ID token's audience must hold it.
    pub client_id: String,
    /// How Relink proves it is that client at the token endpoint.
    pub client_auth: StaffOidcClientAuth,
    /// The least assurance a sign-in must have (`STAFF_OIDC_ACR_VALUES`, default AAL2).
    pub minimum_assurance: crate::domain::staff_provider::MinimumAssurance,
    /// The national RBAC role code that makes a member an administrator.
    pub admin_role_code: Option<String>,
    /// The local username and password form is offered too (an administrator's choice); by
    /// default only the provider is.
    pub password_sign_in: bool,
    /// The button's text instead of "Sign in with NHS Care Identity Service 2".
    pub label: Option<String>,
    /// The scopes asked for (`openid` always among them).
    pub scopes: Vec<String>,
}

/// How Relink authenticates to the provider's token endpoint.
#[derive(Clone)]
pub enum StaffOidcClientAuth {
    /// `client_secret_basic`: the secret the provider issued.
    Secret(String),
    /// `private_key_jwt`: a JWT signed (RS512) with this RSA key, whose public half the provider
    /// holds under `key_id`.
    PrivateKeyJwt {
        private_key_pem: std::sync::Arc<[u8]>,
        key_id: String,
    },
}

/// Names the settings but never prints the client secret or the private key.
impl std::fmt::Debug for StaffOidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let auth = match &self.client_auth {
            StaffOidcClientAuth::Secret(_) => "client_secret_basic".to_owned(),
            StaffOidcClientAuth::PrivateKeyJwt { key_id, .. } => {
                format!("private_key_jwt (key {key_id})")
            }
        };
        f.debug_struct("StaffOidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_auth", &auth)
            .field("minimum_assurance", &self.minimum_assurance)
            .field("admin_role_code", &self.admin_role_code)
            .field("password_sign_in", &self.password_sign_in)
            .field("label", &self.label)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// What is wrong with the `STAFF_OIDC_*` settings, in one line naming the variable; never a
/// secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffOidcConfigError {
    #[error("STAFF_OIDC_ISSUER must be an https:// URL (http:// only on loopback) with no query")]
    Issuer,
    #[error("{0} must be set when STAFF_OIDC_ISSUER is")]
    Missing(&'static str),
    #[error(
        "set either STAFF_OIDC_CLIENT_SECRET or STAFF_OIDC_PRIVATE_KEY_FILE (with STAFF_OIDC_KEY_ID), not both"
    )]
    ClientAuth,
    #[error("STAFF_OIDC_KEY_ID must be set with STAFF_OIDC_PRIVATE_KEY_FILE")]
    KeyId,
    /// The path is the operator's own setting, not a secret; the reason says what is wrong.
    #[error("STAFF_OIDC_PRIVATE_KEY_FILE ({path}) cannot be used: {reason}")]
    KeyFile { path: String, reason: String },
    #[error("STAFF_OIDC_ACR_VALUES: {0}")]
    AcrValues(crate::domain::staff_provider::MinimumAssuranceError),
    #[error("STAFF_OIDC_PASSWORD_SIGN_IN must be on or off")]
    PasswordSignIn,
    #[error("STAFF_OIDC_SCOPES must be scopes separated by spaces")]
    Scopes,
    #[error("RELINK_PUBLIC_URL must be set when STAFF_OIDC_ISSUER is: the provider sends staff back to it")]
    PublicUrl,
}

/// CIS2's scopes: who the person is, their national RBAC roles and organisations, and the role
/// they chose for this session.
pub const CIS2_SCOPES: &str =
    "openid profile email nhsperson nationalrbacaccess associatedorgs selectedrole";

/// `None` when STAFF_OIDC_ISSUER is unset or empty (local passwords only). `var` reads one
/// variable, so tests give their own settings; values are trimmed, an empty one is unset.
pub fn staff_oidc_from_env(
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<StaffOidcConfig>, StaffOidcConfigError> {
    use crate::domain::staff_provider::MinimumAssurance;
    let var = |name: &str| {
        var(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let Some(issuer) = var("STAFF_OIDC_ISSUER") else {
        return Ok(None);
    };
    let issuer = issuer_url(&issuer).ok_or(StaffOidcConfigError::Issuer)?;
    let client_id =
        var("STAFF_OIDC_CLIENT_ID").ok_or(StaffOidcConfigError::Missing("STAFF_OIDC_CLIENT_ID"))?;
    let client_auth = match (
        var("STAFF_OIDC_CLIENT_SECRET"),
        var("STAFF_OIDC_PRIVATE_KEY_FILE"),
    ) {
        (Some(secret), None) => StaffOidcClientAuth::Secret(secret),
        (None, Some(path)) => {
            let key_id = var("STAFF_OIDC_KEY_ID").ok_or(StaffOidcConfigError::KeyId)?;
            let key_error = |reason: String| StaffOidcConfigError::KeyFile {
                path: path.clone(),
                reason,
            };
            let pem = std::fs::read(&path).map_err(|e| key_error(e.to_string()))?;
            jsonwebtoken::EncodingKey::from_rsa_pem(&pem)
                .map_err(|_| key_error("it is not an RSA private key in PEM".to_owned()))?;
            StaffOidcClientAuth::PrivateKeyJwt {
                private_key_pem: pem.into(),
                key_id,
            }
        }
        _ => return Err(StaffOidcConfigError::ClientAuth),
    };
    let minimum_assurance = match var("STAFF_OIDC_ACR_VALUES") {
        Some(value) => MinimumAssurance::parse(&value).map_err(StaffOidcConfigError::AcrValues)?,
        None => MinimumAssurance::default(),
    };
    let password_sign_in = match var("STAFF_OIDC_PASSWORD_SIGN_IN")
        .map(|v| v.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("off") => false,
        Some("on") => true,
        Some(_) => return Err(StaffOidcConfigError::PasswordSignIn),
    };
    let scopes: Vec<String> = var("STAFF_OIDC_SCOPES")
        .unwrap_or_else(|| CIS2_SCOPES.to_owned())
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let scope_char = |c: char| c.is_ascii_graphic() && c != '"' && c != '\\';
    if !scopes.iter().all(|s| s.chars().all(scope_char)) {
        return Err(StaffOidcConfigError::Scopes);
    }
    Ok(Some(StaffOidcConfig {
        issuer,
        client_id,
        client_auth,
        minimum_assurance,
        admin_role_code: var("STAFF_OIDC_ADMIN_ROLE_CODE"),
        password_sign_in,
        label: var("STAFF_OIDC_LABEL"),
        scopes,
    }))
}

/// The issuer when it is https (or http to a loopback host, for tests and local providers),
/// with a host and no query or fragment; kept as written (ID tokens must name it exactly) but
/// for a trailing slash.
fn issuer_url(value: &str) -> Option<String> {
    let url = reqwest::Url::parse(value).ok()?;
    let host = url.host_str()?;
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let acceptable = (url.scheme() == "https" || (url.scheme() == "http" && loopback))
        && url.query().is_none()
        && url.fragment().is_none();
    acceptable.then(|| value.trim_end_matches('/').to_owned())
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

    fn oidc(vars: &[(&str, &str)]) -> Result<Option<StaffOidcConfig>, StaffOidcConfigError> {
        staff_oidc_from_env(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    const ISSUER: (&str, &str) = ("STAFF_OIDC_ISSUER", "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare");
    const CLIENT: (&str, &str) = ("STAFF_OIDC_CLIENT_ID", "relink");
    const SECRET: (&str, &str) = ("STAFF_OIDC_CLIENT_SECRET", "s3cret");

    #[test]
    fn no_issuer_is_no_provider() {
        assert!(oidc(&[]).unwrap().is_none());
        assert!(oidc(&[("STAFF_OIDC_ISSUER", "  "), CLIENT])
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_cis2_client_with_a_secret_gets_cis2s_defaults() {
        let config = oidc(&[ISSUER, CLIENT, SECRET]).unwrap().unwrap();
        assert_eq!(config.client_id, "relink");
        assert!(matches!(config.client_auth, StaffOidcClientAuth::Secret(ref s) if s == "s3cret"));
        assert_eq!(config.minimum_assurance.acr_values(), "AAL2_OR_AAL3_ANY");
        assert_eq!(config.scopes.join(" "), CIS2_SCOPES);
        assert!(!config.password_sign_in);
        assert_eq!(config.admin_role_code, None);
        // Debug output names no secret.
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    #[test]
    fn each_bad_setting_is_named() {
        use StaffOidcConfigError as E;
        let cases: &[(&[(&str, &str)], E)] = &[
            (
                &[
                    ("STAFF_OIDC_ISSUER", "http://idp.example.com"),
                    CLIENT,
                    SECRET,
                ],
                E::Issuer,
            ),
            (
                &[
                    ("STAFF_OIDC_ISSUER", "https://idp.example.com?x=1"),
                    CLIENT,
                    SECRET,
                ],
                E::Issuer,
            ),
            (
                &[("STAFF_OIDC_ISSUER", "not a url"), CLIENT, SECRET],
                E::Issuer,
            ),
            (&[ISSUER, SECRET], E::Missing("STAFF_OIDC_CLIENT_ID")),
            (&[ISSUER, CLIENT], E::ClientAuth),
            (
                &[
                    ISSUER,
                    CLIENT,
                    SECRET,
                    ("STAFF_OIDC_PRIVATE_KEY_FILE", "/k.pem"),
                ],
                E::ClientAuth,
            ),
            (
                &[ISSUER, CLIENT, ("STAFF_OIDC_PRIVATE_KEY_FILE", "/k.pem")],
                E::KeyId,
            ),
            (
                &[
                    ISSUER,
                    CLIENT,
                    SECRET,
                    ("STAFF_OIDC_PASSWORD_SIGN_IN", "yes"),
                ],
                E::PasswordSignIn,
            ),
        ];
        for (vars, expected) in cases {
            assert_eq!(oidc(vars).unwrap_err(), *expected, "{vars:?}");
        }
        let weak = oidc(&[
            ISSUER,
            CLIENT,
            SECRET,
            ("STAFF_OIDC_ACR_VALUES", "AAL1_USERPASS"),
        ]);
        assert!(matches!(weak.unwrap_err(), E::AcrValues(_)));
        let missing = oidc(&[
            ISSUER,
            CLIENT,
            ("STAFF_OIDC_PRIVATE_KEY_FILE", "/no/such/key.pem"),
            ("STAFF_OIDC_KEY_ID", "k1"),
        ]);
        let message = missing.unwrap_err().to_string();
        assert!(
            message.starts_with("STAFF_OIDC_PRIVATE_KEY_FILE (/no/such/key.pem) cannot be used"),
            "{message}"
        );
        let dir = tempfile::tempdir().unwrap();
        let not_a_key = dir.path().join("key.pem");
        std::fs::write(&not_a_key, "hello").unwrap();
        let path = not_a_key.display().to_string();
        let bad = oidc(&[
            ISSUER,
            CLIENT,
            ("STAFF_OIDC_PRIVATE_KEY_FILE", &path),
            ("STAFF_OIDC_KEY_ID", "k1"),
        ]);
        assert!(bad
            .unwrap_err()
            .to_string()
            .contains("not an RSA private key"));
    }

    #[test]
    fn http_is_for_loopback_issuers_only_and_the_rest_is_as_set() {
        let config = oidc(&[
            ("STAFF_OIDC_ISSUER", "http://127.0.0.1:4010/"),
            CLIENT,
            SECRET,
            ("STAFF_OIDC_ACR_VALUES", "AAL3_ANY"),
            ("STAFF_OIDC_ADMIN_ROLE_CODE", "R8008"),
            ("STAFF_OIDC_PASSWORD_SIGN_IN", "ON"),
            ("STAFF_OIDC_LABEL", "Sign in with Example ID"),
            ("STAFF_OIDC_SCOPES", "openid profile"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(config.issuer, "http://127.0.0.1:4010");
        assert_eq!(
            config.minimum_assurance.level(),
            crate::domain::staff_provider::AssuranceLevel::Aal3
        );
        assert_eq!(config.admin_role_code.as_deref(), Some("R8008"));
        assert!(config.password_sign_in);
        assert_eq!(config.label.as_deref(), Some("Sign in with Example ID"));
        assert_eq!(config.scopes, ["openid", "profile"]);
        for loopback in ["http://localhost:4010", "http://[::1]:4010"] {
            assert!(
                oidc(&[("STAFF_OIDC_ISSUER", loopback), CLIENT, SECRET]).is_ok(),
                "{loopback}"
            );
        }
    }

    #[test]
    fn accepts_a_new_file_in_a_writable_folder() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("new.db").display());
        Config::new(url, SITE_ADDR, SITE_ROOT.into(), true).unwrap();
    }
}
