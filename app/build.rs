//! Generates the `i18n` module from the locale files (`locales/{en,cy}/<namespace>.json`): one
//! accessor per key, so a key used in code but missing from the files fails the build. This
//! script also fails the build when the English and Welsh files do not have the same keys, or a
//! value is empty (leptos_i18n would only warn and show English), so no page shows a blank or a
//! string in the wrong language.
//!
//! Counts are plural keys (`key_one`, `key_other`…, merged by leptos_i18n into one accessor
//! `key` that takes `count`): each locale must give exactly the forms its language's CLDR
//! plural rules use, so Welsh gives all six (zero, one, two, few, many, other) and English two.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::path::{Path, PathBuf};

/// One file per part of the service, so translators (and reviewers) work on one at a time.
const NAMESPACES: [&str; 11] = [
    "common",
    "errors",
    "home",
    "reset",
    "account",
    "cannot",
    "replace",
    "staff",
    "demo",
    "emails",
    "accessibility",
];
const LOCALES: [&str; 2] = ["en", "cy"];

/// The CLDR cardinal plural categories of each locale: English says "1 difference" and
/// "2 differences"; Welsh has a form for 0, 1, 2, 3 and 6 (mutations after "dau", "tri",
/// "chwe") and another for the rest.
const PLURAL_FORMS: [(&str, &[&str]); 2] = [
    ("en", &["one", "other"]),
    ("cy", &["zero", "one", "two", "few", "many", "other"]),
];
const ALL_PLURAL_FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

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
        let forms = PLURAL_FORMS
            .iter()
            .find(|(l, _)| *l == locale)
            .map(|(_, forms)| *forms)
            .ok_or("every locale has its plural forms")?;
        collect_keys(&value, "", &mut keys, &path, forms)?;
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

/// The keys of `value` under `prefix`, a plural key once under its base name, after checking
/// that it has exactly the locale's plural `forms`. Keys are grouped as leptos_i18n groups
/// them: siblings `base_<form>`, two or more, one of them `base_other`.
fn collect_keys(
    value: &serde_json::Value,
    prefix: &str,
    keys: &mut BTreeSet<String>,
    path: &Path,
    forms: &[&str],
) -> Result<(), Box<dyn Error>> {
    let full = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        serde_json::Value::Object(map) => {
            let mut groups: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for (key, value) in map {
                if let Some((base, form)) = key.rsplit_once('_') {
                    if value.is_string() && ALL_PLURAL_FORMS.contains(&form) {
                        groups.entry(base).or_default().insert(form);
                    }
                }
            }
            groups.retain(|_, found| found.len() > 1 && found.contains("other"));
            for (base, found) in &groups {
                let wanted: BTreeSet<&str> = forms.iter().copied().collect();
                if *found != wanted {
                    return Err(format!(
                        "{}: {} has the plural forms {found:?}; this language needs {wanted:?}",
                        path.display(),
                        full(base)
                    )
                    .into());
                }
                keys.insert(format!("{} (plural)", full(base)));
            }
            for (key, value) in map {
                let plural = key.rsplit_once('_').is_some_and(|(base, form)| {
                    groups.contains_key(base) && ALL_PLURAL_FORMS.contains(&form)
                });
                if plural {
                    if value.as_str().is_some_and(|text| text.trim().is_empty()) {
                        return Err(format!("{}: {} is empty", path.display(), full(key)).into());
                    }
                    continue;
                }
                collect_keys(value, &full(key), keys, path, forms)?;
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
