//! [`PdsConfig`] from the `PDS_*` environment variables, checked once at start-up so that a
//! mistake stops the server with a message naming the variable, rather than failing the first
//! lookup.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use super::{PdsAuth, PdsConfig, SignedJwtConfig};

/// What is wrong with the `PDS_*` settings. Each names the variable and what it accepts, and
/// never a value that could be a secret (the key, the API key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdsConfigError {
    #[error("PDS_BASE_URL must be an http:// or https:// URL with a host and no query")]
    BaseUrl,
    #[error("PDS_TOKEN_URL must be an http:// or https:// URL with a host")]
    TokenUrl,
    #[error("PDS_AUTH must be none or signed-jwt")]
    Auth,
    #[error("{0} must be set when PDS_AUTH=signed-jwt")]
    Missing(&'static str),
    /// The path is the operator's own setting, not a secret; the reason is the I/O error.
    #[error("PDS_PRIVATE_KEY_FILE ({path}) cannot be read: {reason}")]
    KeyFile { path: String, reason: String },
    #[error("{var} must be a whole number from {min} to {max}")]
    Number {
        var: &'static str,
        min: u32,
        max: u32,
    },
}

/// None when PDS_BASE_URL is unset or empty (the embedded data is used).
///
/// `var` reads one variable (`|name| std::env::var(name).ok()` in the server), so tests give
/// their own settings without touching the process environment. Values are trimmed; an empty
/// value counts as unset.
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Option<PdsConfig>, PdsConfigError> {
    let var = |name: &str| {
        var(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let Some(base_url) = var("PDS_BASE_URL") else {
        return Ok(None);
    };
    let base_url = http_url(&base_url, true).ok_or(PdsConfigError::BaseUrl)?;

    let auth = match var("PDS_AUTH")
        .map(|value| value.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("none") => PdsAuth::None,
        Some("signed-jwt") => PdsAuth::SignedJwt(signed_jwt(&var)?),
        Some(_) => return Err(PdsConfigError::Auth),
    };
    let requests_per_second = number(&var, "PDS_REQUESTS_PER_SECOND", 5, 1, 1000)?;
    let timeout_seconds = number(&var, "PDS_TIMEOUT_SECONDS", 10, 1, 120)?;
    let attempts = number(&var, "PDS_ATTEMPTS", 3, 1, 10)?;

    Ok(Some(PdsConfig {
        base_url,
        auth,
        requests_per_second: NonZeroU32::new(requests_per_second)
            .expect("PDS_REQUESTS_PER_SECOND is at least 1"),
        attempt_timeout: Duration::from_secs(u64::from(timeout_seconds)),
        attempts,
    }))
}

fn signed_jwt(var: &impl Fn(&str) -> Option<String>) -> Result<SignedJwtConfig, PdsConfigError> {
    let required = |name: &'static str| var(name).ok_or(PdsConfigError::Missing(name));
    let key_file = required("PDS_PRIVATE_KEY_FILE")?;
    let key_id = required("PDS_KEY_ID")?;
    let api_key = required("PDS_API_KEY")?;
    let token_url = required("PDS_TOKEN_URL")?;
    // The JWT's `aud` must be the token URL exactly as the platform names it: no slash removed.
    http_url(&token_url, false).ok_or(PdsConfigError::TokenUrl)?;

    let key_error = |reason: String| PdsConfigError::KeyFile {
        path: key_file.clone(),
        reason,
    };
    let pem = std::fs::read(&key_file).map_err(|error| key_error(error.to_string()))?;
    if pem.iter().all(u8::is_ascii_whitespace) {
        return Err(key_error("the file is empty".to_owned()));
    }
    Ok(SignedJwtConfig {
        private_key_pem: Arc::from(pem),
        key_id,
        api_key,
        token_url,
    })
}

/// The URL when it is http(s) with a host and no query or fragment; a base URL loses its
/// trailing slashes (paths are appended to it).
fn http_url(value: &str, base: bool) -> Option<String> {
    let url = reqwest::Url::parse(value).ok()?;
    let acceptable = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|host| !host.is_empty())
        && url.query().is_none()
        && url.fragment().is_none();
    if !acceptable {
        return None;
    }
    if base {
        Some(url.as_str().trim_end_matches('/').to_owned())
    } else {
        Some(value.to_owned())
    }
}

fn number(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, PdsConfigError> {
    let Some(value) = var(name) else {
        return Ok(default);
    };
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or(PdsConfigError::Number {
            var: name,
            min,
            max,
        })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::Write;

    use super::*;

    const KEY: &[u8] = include_bytes!("../../tests/fixtures/pds-test-private.pem");

    fn config(vars: &[(&str, &str)]) -> Result<Option<PdsConfig>, PdsConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        from_env(|name| vars.get(name).cloned())
    }

    fn key_file() -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(KEY).unwrap();
        file
    }

    /// Every variable signed-jwt needs, with the key in `key_path`.
    fn signed_jwt_vars(key_path: &str) -> Vec<(&'static str, String)> {
        vec![
            (
                "PDS_BASE_URL",
                "https://int.api.service.nhs.uk/personal-demographics/FHIR/R4".to_owned(),
            ),
            ("PDS_AUTH", "signed-jwt".to_owned()),
            ("PDS_PRIVATE_KEY_FILE", key_path.to_owned()),
            ("PDS_KEY_ID", "test-1".to_owned()),
            ("PDS_API_KEY", "secret-api-key".to_owned()),
            (
                "PDS_TOKEN_URL",
                "https://int.api.service.nhs.uk/oauth2/token".to_owned(),
            ),
        ]
    }

    fn with(vars: &[(&'static str, String)]) -> Result<Option<PdsConfig>, PdsConfigError> {
        let borrowed: Vec<(&str, &str)> = vars
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        config(&borrowed)
    }

    #[test]
    fn no_base_url_means_no_pds() {
        assert!(config(&[]).unwrap().is_none());
        assert!(config(&[("PDS_BASE_URL", "")]).unwrap().is_none());
        assert!(config(&[("PDS_BASE_URL", "  "), ("PDS_AUTH", "bogus")])
            .unwrap()
            .is_none());
    }

    #[test]
    fn the_defaults_are_the_sandbox_without_credentials_at_five_a_second() {
        let config = config(&[("PDS_BASE_URL", "http://127.0.0.1:9000/")])
            .unwrap()
            .unwrap();
        assert_eq!(config.base_url, "http://127.0.0.1:9000");
        assert!(matches!(config.auth, PdsAuth::None));
        assert_eq!(config.requests_per_second.get(), 5);
        assert_eq!(config.attempt_timeout, Duration::from_secs(10));
        assert_eq!(config.attempts, 3);
    }

    #[test]
    fn the_base_url_loses_its_trailing_slashes_and_keeps_its_path() {
        let config = config(&[
            (
                "PDS_BASE_URL",
                " https://int.api.service.nhs.uk/personal-demographics/FHIR/R4// ",
            ),
            ("PDS_AUTH", "none"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            config.base_url,
            "https://int.api.service.nhs.uk/personal-demographics/FHIR/R4"
        );
    }

    #[test]
    fn a_base_url_that_is_not_http_is_refused() {
        for url in [
            "127.0.0.1:9000",
            "ftp://example.org",
            "file:///etc/passwd",
            "http://",
            "https://example.org/R4?x=1",
            "https://example.org/R4#top",
            "not a url",
        ] {
            assert_eq!(
                config(&[("PDS_BASE_URL", url)]).err(),
                Some(PdsConfigError::BaseUrl),
                "{url}"
            );
        }
        assert_eq!(
            PdsConfigError::BaseUrl.to_string(),
            "PDS_BASE_URL must be an http:// or https:// URL with a host and no query"
        );
    }

    #[test]
    fn an_unknown_auth_mode_is_refused() {
        let error = config(&[
            ("PDS_BASE_URL", "http://127.0.0.1:9000"),
            ("PDS_AUTH", "jwt"),
        ])
        .unwrap_err();
        assert_eq!(error, PdsConfigError::Auth);
        assert_eq!(error.to_string(), "PDS_AUTH must be none or signed-jwt");
    }

    #[test]
    fn signed_jwt_reads_the_key_file_and_the_settings() {
        let file = key_file();
        let mut vars = signed_jwt_vars(file.path().to_str().unwrap());
        vars[1].1 = "Signed-JWT".to_owned();
        let config = with(&vars).unwrap().unwrap();
        let PdsAuth::SignedJwt(jwt) = &config.auth else {
            panic!("expected signed-jwt");
        };
        assert_eq!(&*jwt.private_key_pem, KEY);
        assert_eq!(jwt.key_id, "test-1");
        assert_eq!(jwt.api_key, "secret-api-key");
        assert_eq!(jwt.token_url, "https://int.api.service.nhs.uk/oauth2/token");
        // The Debug output names the mode and shows neither key.
        let debug = format!("{config:?}");
        assert!(debug.contains("signed-jwt"), "{debug}");
        assert!(
            !debug.contains("secret-api-key") && !debug.contains("PRIVATE KEY"),
            "{debug}"
        );
    }

    #[test]
    fn signed_jwt_names_each_missing_setting() {
        let file = key_file();
        for missing in [
            "PDS_PRIVATE_KEY_FILE",
            "PDS_KEY_ID",
            "PDS_API_KEY",
            "PDS_TOKEN_URL",
        ] {
            let vars: Vec<_> = signed_jwt_vars(file.path().to_str().unwrap())
                .into_iter()
                .filter(|(name, _)| *name != missing)
                .collect();
            let error = with(&vars).unwrap_err();
            assert_eq!(error, PdsConfigError::Missing(missing));
            assert_eq!(
                error.to_string(),
                format!("{missing} must be set when PDS_AUTH=signed-jwt")
            );
        }
    }

    #[test]
    fn signed_jwt_refuses_a_token_url_that_is_not_http() {
        let file = key_file();
        let mut vars = signed_jwt_vars(file.path().to_str().unwrap());
        vars[5].1 = "int.api.service.nhs.uk/oauth2/token".to_owned();
        assert_eq!(with(&vars).unwrap_err(), PdsConfigError::TokenUrl);
    }

    #[test]
    fn an_unreadable_key_file_is_named_and_its_contents_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent.pem");
        let path = path.to_str().unwrap();
        let error = with(&signed_jwt_vars(path)).unwrap_err();
        assert!(
            matches!(&error, PdsConfigError::KeyFile { path: named, .. } if named == path),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("PDS_PRIVATE_KEY_FILE ({path}) cannot be read: ")),
            "{message}"
        );

        let empty = tempfile::NamedTempFile::new().unwrap();
        let error = with(&signed_jwt_vars(empty.path().to_str().unwrap())).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("cannot be read: the file is empty"),
            "{error}"
        );
    }

    #[test]
    fn the_numbers_must_be_in_range() {
        let cases = [
            ("PDS_REQUESTS_PER_SECOND", 1, 1000),
            ("PDS_TIMEOUT_SECONDS", 1, 120),
            ("PDS_ATTEMPTS", 1, 10),
        ];
        for (var, min, max) in cases {
            let error = PdsConfigError::Number { var, min, max };
            for bad in [
                "0",
                &(max + 1).to_string(),
                "-1",
                "five",
                "2.5",
                "99999999999",
            ] {
                let result = config(&[("PDS_BASE_URL", "http://127.0.0.1:9000"), (var, bad)]);
                assert_eq!(result.err(), Some(error.clone()), "{var}={bad}");
            }
            assert_eq!(
                error.to_string(),
                format!("{var} must be a whole number from {min} to {max}")
            );
            for good in [min, max] {
                let result = config(&[
                    ("PDS_BASE_URL", "http://127.0.0.1:9000"),
                    (var, &good.to_string()),
                ]);
                assert!(result.is_ok(), "{var}={good}");
            }
        }
        let config = config(&[
            ("PDS_BASE_URL", "http://127.0.0.1:9000"),
            ("PDS_REQUESTS_PER_SECOND", "1000"),
            ("PDS_TIMEOUT_SECONDS", "120"),
            ("PDS_ATTEMPTS", "1"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(config.requests_per_second.get(), 1000);
        assert_eq!(config.attempt_timeout, Duration::from_secs(120));
        assert_eq!(config.attempts, 1);
    }
}
