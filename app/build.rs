//! Generates the `i18n` module from the locale files (`locales/{en,cy}/<namespace>.json`): one
//! accessor per key, so a key used in code but missing from the files fails the build. This
//! script also fails the build when the English and Welsh files do not have the same keys, or a
//! value is empty (leptos_i18n would only warn and show English), so no page shows a blank or a
//! string in the wrong language.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::collections::BTreeSet;
use std::error::Error;
use std::path::{Path, PathBuf};

/// One file per part of the service, so translators (and reviewers) work on one at a time.
const NAMESPACES: [&str; 10] = [
    "common", "errors", "home", "reset", "account", "cannot", "replace", "staff", "demo", "emails",
];
const LOCALES: [&str; 2] = ["en", "cy"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    for namespace in NAMESPACES {
        check_same_keys(namespace)?;
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is set by cargo")?);
    let config = Config::new(LOCALES[0])?
        .add_locale(LOCALES[1])?
        .add_namespaces(NAMESPACES)?
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out.join("i18n"))?;
    Ok(())
}

/// Fails unless every locale's file for `namespace` has the same keys with non-empty values.
fn check_same_keys(namespace: &str) -> Result<(), Box<dyn Error>> {
    let mut first: Option<(&str, BTreeSet<String>)> = None;
    for locale in LOCALES {
        let path = Path::new("locales")
            .join(locale)
            .join(format!("{namespace}.json"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut keys = BTreeSet::new();
        collect_keys(&value, "", &mut keys, &path)?;
        match &first {
            None => first = Some((locale, keys)),
            Some((first_locale, first_keys)) => {
                let missing: Vec<_> = first_keys.difference(&keys).collect();
                let extra: Vec<_> = keys.difference(first_keys).collect();
                if !missing.is_empty() || !extra.is_empty() {
                    return Err(format!(
                        "{}: keys differ from {first_locale}: missing {missing:?}, extra {extra:?}",
                        path.display()
                    )
                    .into());
                }
            }
        }
    }
    Ok(())
}

fn collect_keys(
    value: &serde_json::Value,
    prefix: &str,
    keys: &mut BTreeSet<String>,
    path: &Path,
) -> Result<(), Box<dyn Error>> {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let full = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                collect_keys(value, &full, keys, path)?;
            }
        }
        serde_json::Value::String(text) if text.trim().is_empty() => {
            return Err(format!("{}: {prefix} is empty", path.display()).into());
        }
        _ => {
            keys.insert(prefix.to_owned());
        }
    }
    Ok(())
}
