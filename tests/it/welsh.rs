//! Every page in Welsh (issue #9): walks every route of the app (and the problem pages of each
//! form) with the language cookie set to Welsh, and fails on any English text left: any string
//! of the English locale files that differs from its Welsh translation, or common English words.
//! Names and codes are allowed; text kept in English on purpose (stored audit details, the
//! English half of a bilingual PIN document) is marked `lang="en-GB"` and skipped, as a screen
//! reader would switch voice for it. Also checks that the walk covered every route in `lib.rs`.

use std::collections::BTreeSet;

use crate::common::{start, Page, TestServer};

const WELSH: &str = "relink-lang=cy";

/// English words that no Welsh sentence of this service contains.
const ENGLISH_WORDS: [&str; 16] = [
    "the", "your", "you", "and", "must", "enter", "with", "this", "continue", "have", "from",
    "what", "not", "for", "sign", "page",
];

/// The strings of the English locale files that a Welsh page must not show: each value that
/// differs from its Welsh value, cut at `{{ placeholders }}`, keeping pieces of 2 words or more.
fn english_strings() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("app/locales");
    let mut strings = Vec::new();
    for entry in std::fs::read_dir(dir.join("en")).unwrap() {
        let path = entry.unwrap().path();
        let namespace = path.file_stem().unwrap().to_string_lossy().into_owned();
        let read = |p: &std::path::Path| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        };
        let english = read(&path);
        let welsh = read(&dir.join("cy").join(path.file_name().unwrap()));
        collect(&namespace, &english, &welsh, &mut strings);
    }
    assert!(strings.len() > 100, "the locale files were read");
    strings
}

fn collect(
    key: &str,
    en: &serde_json::Value,
    cy: &serde_json::Value,
    out: &mut Vec<(String, String)>,
) {
    match (en, cy) {
        (serde_json::Value::Object(en), _) => {
            for (k, v) in en {
                collect(&format!("{key}.{k}"), v, &cy[k], out);
            }
        }
        (serde_json::Value::String(en), serde_json::Value::String(cy)) if en != cy => {
            for piece in en.split("{{").enumerate().flat_map(|(i, part)| {
                let text = if i == 0 {
                    part
                } else {
                    part.split_once("}}").map_or("", |p| p.1)
                };
                std::iter::once(text.trim().to_owned())
            }) {
                if piece.split_whitespace().count() >= 2 {
                    out.push((key.to_owned(), piece));
                }
            }
        }
        _ => {}
    }
}

/// The text a person meets on the page: element text, titles, labels for assistive technology
/// and button values, without scripts, styles, SVG paths or anything marked as English.
fn readable_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    // While skipping: the element skipped and how deep inside same-named elements we are.
    let mut skipping: Option<(String, usize)> = None;
    while let Some(open) = rest.find('<') {
        if skipping.is_none() {
            text.push_str(&rest[..open]);
            text.push(' ');
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let void = tag.ends_with('/')
            || matches!(
                name.as_str(),
                "input" | "meta" | "link" | "br" | "img" | "hr"
            );
        if let Some((skipped, depth)) = &mut skipping {
            if *skipped == name && !void {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else {
                    *depth += 1;
                }
            }
            continue;
        }
        if closing {
            continue;
        }
        let english = tag.contains(r#" lang="en"#);
        if !void && (matches!(name.as_str(), "script" | "style" | "svg") || english) {
            skipping = Some((name, 1));
            continue;
        }
        for attribute in ["aria-label", "title", "alt", "placeholder", "value"] {
            if attribute == "value" && name != "button" {
                continue;
            }
            if let Some(value) = attribute_value(tag, attribute) {
                text.push(' ');
                text.push_str(&value);
                text.push(' ');
            }
        }
    }
    decode_entities(&text)
}

fn attribute_value(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_owned())
}

fn decode_entities(text: &str) -> String {
    text.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Fails when the page is not wholly in Welsh.
struct Checker {
    english: Vec<(String, String)>,
    visited: BTreeSet<String>,
}

impl Checker {
    fn check(&mut self, route: &str, page: &Page) {
        assert!(
            page.status < 500,
            "{route}: status {} in Welsh\n{}",
            page.status,
            page.body
        );
        assert!(
            page.body.contains(r#"<html lang="cy""#),
            "{route}: <html lang> is not Welsh"
        );
        let text = readable_text(&page.body);
        let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for (key, english) in &self.english {
            assert!(
                !squeezed.contains(english.as_str()),
                "{route}: English left from {key}: {english:?}\n\n{squeezed}"
            );
        }
        for word in squeezed
            .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .map(str::to_lowercase)
        {
            assert!(
                !ENGLISH_WORDS.contains(&word.as_str()),
                "{route}: the English word {word:?} is on the page\n\n{squeezed}"
            );
        }
        self.visited.insert(route.to_owned());
    }

    async fn get(&mut self, server: &TestServer, route: &str, path: &str, cookie: &str) -> Page {
        let page = server.get(path, Some(&with_welsh(cookie))).await;
        assert_eq!(
            page.status / 100,
            2,
            "{path}: {}\n{}",
            page.status,
            page.body
        );
        self.check(route, &page);
        page
    }

    /// Posts a form expected to be refused: the page with its problems, in Welsh.
    async fn refused(
        &mut self,
        server: &TestServer,
        route: &str,
        path: &str,
        form: &[(&str, &str)],
        cookie: &str,
    ) {
        let page = server.post(path, form, Some(&with_welsh(cookie))).await;
        assert_eq!(
            page.status / 100,
            4,
            "{path}: {}\n{}",
            page.status,
            page.body
        );
        assert!(
            !page.summary().is_empty() || page.status == 404,
            "{path}: no problems shown"
        );
        self.check(route, &page);
    }
}

fn with_welsh(cookie: &str) -> String {
    if cookie.is_empty() {
        WELSH.to_owned()
    } else {
        format!("{WELSH}; {cookie}")
    }
}

/// The routes of `lib.rs`, as `path!("…")` there writes them.
fn app_routes() -> BTreeSet<String> {
    let lib =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/app/src/lib.rs")).unwrap();
    lib.split("path!(\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(route, _)| route.to_owned()))
        .collect()
}

fn six_digit_code(text: &str) -> String {
    let digits: Vec<char> = text.chars().collect();
    for start in 0..digits.len().saturating_sub(6) {
        let window = &digits[start..start + 6];
        let before = start.checked_sub(1).map(|i| digits[i]);
        let after = digits.get(start + 6);
        if window.iter().all(char::is_ascii_digit)
            && !before.is_some_and(|c| c.is_ascii_digit())
            && !after.is_some_and(char::is_ascii_digit)
        {
            return window.iter().collect();
        }
    }
    panic!("no security code in the mailbox")
}

#[tokio::test]
async fn every_route_and_every_problem_reads_in_welsh() {
    let server = start(true).await;
    let mut welsh = Checker {
        english: english_strings(),
        visited: BTreeSet::new(),
    };

    // Pages anyone can open.
    for route in [
        "/",
        "/accessibility",
        "/demo",
        "/reset-passphrase",
        "/sign-in",
        "/cannot-sign-in",
        "/cannot-sign-in/pin-document",
        "/cannot-sign-in/delete-account",
        "/replace-account",
        "/replace-account/status",
        "/staff/sign-in",
    ] {
        welsh.get(&server, route, route, "").await;
    }
    let missing = server.get("/no-such-page", Some(WELSH)).await;
    assert_eq!(missing.status, 404);
    welsh.check("not found", &missing);

    // Reset: problems, the documents that cannot be used, then the whole journey.
    welsh
        .refused(&server, "/reset-passphrase", "/reset-passphrase", &[], "")
        .await;
    for (account, ods, pin, (day, month, year)) in [
        ("1000000002", "T00001", "demo-pin-2", ("2", "3", "1975")),
        ("1000000003", "T00001", "demo-pin-3", ("3", "4", "1990")),
        ("2000000001", "E00001", "demo-pin-4", ("4", "5", "1985")),
        ("1000000001", "T00001", "wrong-pin", ("1", "2", "1980")),
    ] {
        let form = [
            ("account_id", account),
            ("ods_code", ods),
            ("pin_passphrase", pin),
            ("date_of_birth_day", day),
            ("date_of_birth_month", month),
            ("date_of_birth_year", year),
        ];
        let page = server.post("/reset-passphrase", &form, Some(WELSH)).await;
        welsh.check("/reset-passphrase", &page);
    }
    let matched = server
        .post(
            "/reset-passphrase",
            &[
                ("account_id", "1000000001"),
                ("ods_code", "T00001"),
                ("pin_passphrase", "demo-pin-1"),
                ("date_of_birth_day", "1"),
                ("date_of_birth_month", "2"),
                ("date_of_birth_year", "1980"),
            ],
            Some(WELSH),
        )
        .await;
    assert_eq!(matched.status, 303, "{}", matched.body);
    let step = matched.cookie();
    let route = "/reset-passphrase/new-passphrase";
    welsh.get(&server, route, route, &step).await;
    welsh
        .refused(
            &server,
            route,
            route,
            &[("new_passphrase", "password"), ("confirm_passphrase", "x")],
            &step,
        )
        .await;
    welsh
        .refused(
            &server,
            route,
            route,
            &[
                ("new_passphrase", "passwordpassword"),
                ("confirm_passphrase", "passwordpassword"),
            ],
            &step,
        )
        .await;
    // Five refusals on one step token end it, with a page saying to start again.
    let ended = server
        .post(
            "/reset-passphrase",
            &[
                ("account_id", "1000000001"),
                ("ods_code", "T00001"),
                ("pin_passphrase", "demo-pin-1"),
                ("date_of_birth_day", "1"),
                ("date_of_birth_month", "2"),
                ("date_of_birth_year", "1980"),
            ],
            Some(WELSH),
        )
        .await
        .cookie();
    for _ in 0..4 {
        let refused = server
            .post(
                route,
                &[("new_passphrase", "short")],
                Some(&with_welsh(&ended)),
            )
            .await;
        assert_eq!(refused.status, 422);
    }
    let too_many = server
        .post(
            route,
            &[("new_passphrase", "short")],
            Some(&with_welsh(&ended)),
        )
        .await;
    assert_eq!(too_many.status, 429);
    welsh.check(route, &too_many);
    assert!(too_many.body.contains("ormod o weithiau"));
    let passphrase = "carpet orbit lemon harbour";
    let set = server
        .post(
            route,
            &[
                ("new_passphrase", passphrase),
                ("confirm_passphrase", passphrase),
            ],
            Some(&with_welsh(&step)),
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.body);
    let done = set.location.clone().unwrap();
    welsh
        .get(&server, "/reset-passphrase/done", &done, &step)
        .await;

    // Signing in and the account.
    welsh
        .refused(&server, "/sign-in", "/sign-in", &[], "")
        .await;
    let signed_in = server
        .post(
            "/sign-in",
            &[
                ("account_id", "1000000001"),
                ("ods_code", "T00001"),
                ("passphrase", passphrase),
            ],
            Some(WELSH),
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = signed_in.cookie();
    welsh.get(&server, "/account", "/account", &session).await;
    welsh
        .get(
            &server,
            "/account/this-was-not-me",
            "/account/this-was-not-me",
            &session,
        )
        .await;
    // Signing out of all devices, and the note the sign-in page then shows.
    let everywhere = server
        .post(
            "/account/sign-out-everywhere",
            &[],
            Some(&with_welsh(&session)),
        )
        .await;
    assert_eq!(everywhere.status, 303);
    let note = everywhere.location.clone().unwrap();
    let page = welsh.get(&server, "/sign-in", &note, "").await;
    assert!(page
        .body
        .contains("Rydych chi wedi allgofnodi o bob dyfais."));

    // I cannot sign in, then replacing an account.
    welsh
        .refused(&server, "/cannot-sign-in", "/cannot-sign-in", &[], "")
        .await;
    welsh
        .refused(&server, "/replace-account", "/replace-account", &[], "")
        .await;
    let identity = |nhs, day, month, year, postcode| {
        [
            ("nhs_number", nhs),
            ("date_of_birth_day", day),
            ("date_of_birth_month", month),
            ("date_of_birth_year", year),
            ("postcode", postcode),
        ]
    };
    let lee = identity("999 000 0077", "7", "8", "1995", "RV7 8NP");
    let recently_used = server.post("/replace-account", &lee, Some(WELSH)).await;
    welsh.check("/replace-account", &recently_used);
    let wrong = identity("999 000 0077", "7", "8", "1995", "RV1 1AA");
    let mismatch = server.post("/replace-account", &wrong, Some(WELSH)).await;
    welsh.check("/replace-account", &mismatch);
    let identified = server
        .post(
            "/replace-account",
            &[
                ("nhs_number", "999 000 0069"),
                ("date_of_birth_day", "6"),
                ("date_of_birth_month", "7"),
                ("date_of_birth_year", "1972"),
                ("postcode", "rv6 7lm"),
            ],
            Some(WELSH),
        )
        .await;
    assert_eq!(identified.status, 303, "{}", identified.body);
    let journey = identified.cookie();
    let email = "/replace-account/email";
    welsh.get(&server, email, email, &journey).await;
    welsh
        .refused(
            &server,
            email,
            email,
            &[("email", "not an address")],
            &journey,
        )
        .await;
    let sent = server
        .post(
            email,
            &[("email", "dana.new@example.org")],
            Some(&with_welsh(&journey)),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let code = "/replace-account/security-code";
    welsh.get(&server, code, code, &journey).await;
    welsh
        .refused(&server, code, code, &[("security_code", "12")], &journey)
        .await;
    let mailbox = welsh
        .get(&server, "/demo/mailbox", "/demo/mailbox", "")
        .await;
    let security_code = six_digit_code(&readable_text(&mailbox.body));
    let confirmed = server
        .post(
            code,
            &[("security_code", &security_code)],
            Some(&with_welsh(&journey)),
        )
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let check = "/replace-account/check-answers";
    welsh.get(&server, check, check, &journey).await;
    let requested = server.post(check, &[], Some(&with_welsh(&journey))).await;
    assert_eq!(requested.status, 303, "{}", requested.body);
    let done = welsh
        .get(
            &server,
            "/replace-account/done",
            "/replace-account/done",
            &journey,
        )
        .await;
    let at = done.body.find("RPL-").expect("a reference number");
    let reference = done.body[at..at + 13].to_owned();
    let status = "/replace-account/status";
    welsh
        .refused(&server, status, status, &[("reference", "nonsense")], "")
        .await;
    let shown = server
        .post(
            status,
            &[
                ("reference", &reference),
                ("date_of_birth_day", "6"),
                ("date_of_birth_month", "7"),
                ("date_of_birth_year", "1972"),
            ],
            Some(WELSH),
        )
        .await;
    welsh.check(status, &shown);
    // The second phase and the old address's cancel link, in Welsh.
    let activate = "/replace-account/activate";
    welsh.get(&server, activate, activate, "").await;
    welsh
        .refused(
            &server,
            activate,
            activate,
            &[("reference", "nonsense")],
            "",
        )
        .await;
    let mailbox = welsh
        .get(&server, "/demo/mailbox", "/demo/mailbox", "")
        .await;
    let text = decode_entities(&mailbox.body);
    let at = text
        .find("/replace-account/cancel?token=")
        .expect("the cancel link in the old address's notice");
    let link: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/-_?=".contains(*c))
        .collect();
    let cancel = "/replace-account/cancel";
    welsh.get(&server, cancel, &link, "").await;
    let token = link.split_once("token=").unwrap().1;
    let cancelled = server.post(cancel, &[("token", token)], Some(WELSH)).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    welsh.check(cancel, &cancelled);
    let dead = server
        .post(cancel, &[("token", "forged")], Some(WELSH))
        .await;
    assert_eq!(dead.status, 404);
    welsh.check(cancel, &dead);
    let lee = identity("9990000077", "7", "8", "1995", "RV7 8NP");
    let refused = server.post("/replace-account", &lee, Some(WELSH)).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    welsh.check("/replace-account", &refused);

    // The staff area.
    welsh
        .refused(&server, "/staff/sign-in", "/staff/sign-in", &[], "")
        .await;
    let staff = server
        .post(
            "/staff/sign-in",
            &[
                ("username", "staff.riverside"),
                ("password", "riverside-demo-password"),
            ],
            Some(WELSH),
        )
        .await;
    // The security-code step in Welsh, then signed in with the demo authenticator's code.
    let step = with_welsh(&staff.cookie());
    let code_page = "/staff/sign-in/security-code";
    welsh.get(&server, code_page, code_page, &step).await;
    let staff = crate::common::finish_staff_sign_in(&server, &staff).await;
    let staff = with_welsh(&staff.cookie());
    for route in [
        "/staff",
        "/staff/test-patients",
        "/staff/test-patients/new",
        "/staff/replacement-requests",
        "/staff/mismatches",
        "/staff/audit",
    ] {
        welsh.get(&server, route, route, &staff).await;
    }
    // The practices page, for administrators (the demo's): the list, a refusal, an addition.
    let admin = server
        .post(
            "/staff/sign-in",
            &[
                ("username", "admin.demo"),
                ("password", "admin-demo-password"),
            ],
            Some(WELSH),
        )
        .await;
    let admin = crate::common::finish_staff_sign_in(&server, &admin).await;
    let admin = with_welsh(&admin.cookie());
    // A new starter's first sign-in in Welsh: their own password, then an authenticator.
    crate::common::fixture::add_new_member(
        &server.database_url,
        "new.starter",
        "given-once-password",
        &["T00001"],
    )
    .await;
    let given = server
        .post(
            "/staff/sign-in",
            &[
                ("username", "new.starter"),
                ("password", "given-once-password"),
            ],
            Some(WELSH),
        )
        .await;
    let step = with_welsh(&given.cookie());
    let new_password = "/staff/sign-in/new-password";
    welsh.get(&server, new_password, new_password, &step).await;
    let weak = server
        .post(
            new_password,
            &[("password", "short"), ("confirmation", "short")],
            Some(&step),
        )
        .await;
    welsh.check(new_password, &weak);
    assert_eq!(
        weak.summary(),
        ["Rhaid i'r cyfrinair newydd fod yn 12 nod neu fwy"]
    );
    let own = "copper kettle sunrise meadow";
    let chosen = server
        .post(
            new_password,
            &[("password", own), ("confirmation", own)],
            Some(&step),
        )
        .await;
    assert_eq!(chosen.status, 303, "{}", chosen.body);
    let authenticator = "/staff/sign-in/authenticator";
    welsh
        .get(&server, authenticator, authenticator, &step)
        .await;
    let wrong = server
        .post(authenticator, &[("code", "12ab56")], Some(&step))
        .await;
    assert_eq!(wrong.summary(), ["Rhaid i'r cod diogelwch fod yn 6 digid"]);
    let practices = "/staff/practices";
    welsh.get(&server, practices, practices, &admin).await;
    let members = "/staff/members";
    welsh.get(&server, members, members, &admin).await;
    let member = welsh
        .get(
            &server,
            "/staff/members/:id",
            "/staff/members/staff.riverside",
            &admin,
        )
        .await;
    assert!(member.body.contains("Analluogi'r cyfrif"));
    welsh
        .refused(
            &server,
            practices,
            practices,
            &[("ods_code", "t00001")],
            &admin,
        )
        .await;
    let added = server
        .post(
            practices,
            &[
                ("ods_code", "W00002"),
                ("name", "Meddygfa Newydd"),
                ("system", "TPP"),
            ],
            Some(&with_welsh(&admin)),
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let page = welsh
        .get(&server, practices, &added.location.unwrap(), &admin)
        .await;
    assert!(page.body.contains("Mae Meddygfa Newydd (W00002) wedi"));
    let new_patient = "/staff/test-patients/new";
    welsh
        .refused(&server, new_patient, new_patient, &[], &staff)
        .await;
    let created = server
        .post(
            new_patient,
            &[
                ("practice", "T00001"),
                ("given_name", "Tess"),
                ("family_name", "Test"),
                ("date_of_birth_day", "1"),
                ("date_of_birth_month", "2"),
                ("date_of_birth_year", "1990"),
                ("nhs_number", "999 000 0085"),
                ("access", "dcr"),
                ("rule", "requested"),
                ("services", "record"),
                ("services", "appointments"),
            ],
            Some(&with_welsh(&staff)),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let patient_path = created.location.unwrap();
    welsh
        .get(
            &server,
            "/staff/patients",
            "/staff/patients?nhs_number=9990000085",
            &staff,
        )
        .await;
    welsh
        .get(&server, "/staff/patients/:id", &patient_path, &staff)
        .await;
    let register = format!("{patient_path}/register");
    welsh
        .get(&server, "/staff/patients/:id/register", &register, &staff)
        .await;
    welsh
        .refused(
            &server,
            "/staff/patients/:id/register",
            &register,
            &[],
            &staff,
        )
        .await;
    welsh
        .get(&server, "/staff/imports", "/staff/imports", &staff)
        .await;
    let access = "/staff/patients/demo-patient-9990000050/access";
    welsh
        .get(&server, "/staff/patients/:id/access", access, &staff)
        .await;
    welsh
        .refused(&server, "/staff/patients/:id/access", access, &[], &staff)
        .await;
    let end_access = "/staff/patients/demo-patient-9990000069/end-access";
    welsh
        .get(
            &server,
            "/staff/patients/:id/end-access",
            end_access,
            &staff,
        )
        .await;
    welsh
        .refused(
            &server,
            "/staff/patients/:id/end-access",
            end_access,
            &[],
            &staff,
        )
        .await;
    let reissue = format!("{patient_path}/pin-document");
    welsh
        .get(
            &server,
            "/staff/patients/:id/pin-document",
            &reissue,
            &staff,
        )
        .await;
    welsh
        .refused(
            &server,
            "/staff/patients/:id/pin-document",
            &reissue,
            &[],
            &staff,
        )
        .await;
    let issued = server
        .post(
            &reissue,
            &[("identity_check", "proof-of-address")],
            Some(&with_welsh(&staff)),
        )
        .await;
    assert_eq!(issued.status, 303, "{}", issued.body);
    let print = issued.location.clone().unwrap();
    let secret = issued.cookie();
    welsh
        .get(
            &server,
            "/staff/pin-documents/:id/print",
            &print,
            &format!("{staff}; {secret}"),
        )
        .await;
    let preview_start = format!("{patient_path}/preview");
    welsh
        .get(
            &server,
            "/staff/patients/:id/preview",
            &preview_start,
            &staff,
        )
        .await;
    welsh
        .refused(
            &server,
            "/staff/patients/:id/preview",
            &preview_start,
            &[],
            &staff,
        )
        .await;
    let preview = server
        .post(
            &preview_start,
            &[("reason", "gwirio")],
            Some(&with_welsh(&staff)),
        )
        .await;
    assert_eq!(preview.status, 303, "{}", preview.body);
    welsh
        .get(
            &server,
            "/staff/previews/:id",
            &preview.location.unwrap(),
            &staff,
        )
        .await;

    // Staff sign-in with the identity provider: the button, and the callback's page (a
    // sign-in that did not complete; the others are read in Welsh in `staff_oidc`).
    let provider = crate::staff_oidc::server_with_provider_down().await;
    let page = welsh
        .get(&provider, "/staff/sign-in", "/staff/sign-in", "")
        .await;
    assert!(page
        .body
        .contains("Mewngofnodi gyda Gwasanaeth Hunaniaeth Gofal y GIG 2"));
    let failed = provider
        .get("/staff/sign-in/callback?code=c&state=s", Some(WELSH))
        .await;
    assert_eq!(failed.status, 400, "{}", failed.body);
    welsh.check("/staff/sign-in/callback", &failed);
    let down = provider.get("/staff/sign-in/provider", Some(WELSH)).await;
    assert_eq!(down.status, 503);
    assert!(down
        .body
        .contains("Nid yw Gwasanaeth Hunaniaeth Gofal y GIG 2 ar gael ar hyn o bryd"));

    let unvisited: Vec<_> = app_routes().difference(&welsh.visited).cloned().collect();
    assert!(
        unvisited.is_empty(),
        "routes not checked in Welsh: {unvisited:?}"
    );
}

/// An import's report and a refused file for a Welsh-speaking member: not only the page
/// around them but each rejected row's place and reason, and why the file was refused, are in
/// Welsh, quoting the values as the file has them.
#[tokio::test]
async fn an_import_report_and_a_refused_file_read_in_welsh() {
    use crate::imports::{csv, nhs_numbers, upload};
    let server = start(true).await;
    let staff = with_welsh(&crate::staff::staff_sign_in(&server, crate::staff::RIVERSIDE).await);
    let mut welsh = Checker {
        english: english_strings(),
        visited: BTreeSet::new(),
    };
    let numbers = nhs_numbers(2);
    let rows = [
        format!("{},Ada,Lovelace,1985-12-10,RV1 3AA,2020-01-06", numbers[0]),
        "9434765918,Bad,Checkdigit,1990-01-01,RV1 3AD,2021-01-01".to_owned(),
        format!("{},Bad,Date,1990-02-30,RV1 3AE,2021-01-01", numbers[1]),
        format!("{},Ada,Lovelace,1985-12-10,RV1 3AA,2020-01-06", numbers[0]),
    ];
    let page = upload(&server, &staff, "T00001", csv(&rows).into_bytes(), true).await;
    assert_eq!(page.status, 200, "{}", page.body);
    welsh.check("/staff/imports (report)", &page);
    let text = readable_text(&page.body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for said in [
        "llinell 3 Nid yw digid gwirio rhif GIG 943 476 5918 yn gywir",
        "llinell 4 Nid yw'r dyddiad geni 1990-02-30 yn ddyddiad go iawn",
        "(y tro cyntaf: llinell 2)",
    ] {
        assert!(text.contains(said), "{said:?} is not on the page:\n{text}");
    }
    assert!(!text.contains("line 3") && !text.contains("fails the check digit"));

    // A file whose first line is a patient's row, not the header: refused, in Welsh.
    let data_first = format!("{}\n", rows[0]).into_bytes();
    let page = upload(&server, &staff, "T00001", data_first, false).await;
    assert_eq!(page.status, 422, "{}", page.body);
    let text = readable_text(&page.body);
    let refused = "Rhaid i linell gyntaf y ffeil fod yn y pennawd nhs_number,given_name,family_name,date_of_birth,postcode,registration_date[,record_access,visible_from]; llinell gyntaf y ffeil yw rhes o ddata, nid y pennawd";
    assert!(text.contains(refused), "{text}");
    assert!(
        page.summary()
            .iter()
            .any(|s| decode_entities(s).contains("rhes o ddata")),
        "{:?}",
        page.summary()
    );
    assert!(!text.contains("The first line must be"), "{text}");
}

#[tokio::test]
async fn the_language_link_switches_and_remembers_the_language() {
    let server = start(false).await;
    let english = server.get("/reset-passphrase", None).await;
    assert!(english.body.contains(r#"<html lang="en-GB""#));
    assert!(english.body.contains(
        r#"href="/language?to=cy&amp;return=%2Freset-passphrase" lang="cy" hreflang="cy""#
    ));
    let switched = server
        .get("/language?to=cy&return=%2Freset-passphrase", None)
        .await;
    assert_eq!(switched.status, 303);
    assert_eq!(switched.location.as_deref(), Some("/reset-passphrase"));
    let cookie = switched.cookie();
    assert_eq!(cookie, "relink-lang=cy");
    let attributes = switched.set_cookie.clone().unwrap();
    for attribute in [
        "Path=/",
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Max-Age=31536000",
    ] {
        assert!(attributes.contains(attribute), "{attributes}");
    }
    let welsh = server.get("/reset-passphrase", Some(&cookie)).await;
    assert!(welsh.body.contains(r#"<html lang="cy""#));
    assert!(welsh.body.contains(">English</a>"));

    // The browser's languages decide until a choice is made; the choice wins after.
    let with_languages = |languages: &'static str, cookie: Option<&'static str>| {
        let mut request = server
            .client
            .get(format!("{}/", server.base))
            .header("accept-language", languages);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    assert!(with_languages("cy-GB,cy;q=0.9,en;q=0.5", None)
        .await
        .contains(r#"<html lang="cy""#));
    assert!(with_languages("en-GB,en;q=0.9", None)
        .await
        .contains(r#"<html lang="en-GB""#));
    assert!(with_languages("cy", Some("relink-lang=en"))
        .await
        .contains(r#"<html lang="en-GB""#));
    // Only a path on this site is a place to go back to; an unknown language is not a page.
    for target in ["//evil.example", "https://evil.example/", "/\\evil.example"] {
        let page = server
            .get(
                &format!("/language?to=en&return={}", urlencoding(target)),
                None,
            )
            .await;
        assert_eq!(page.location.as_deref(), Some("/"), "{target}");
    }
    assert_eq!(
        server.get("/language?to=fr&return=%2F", None).await.status,
        404
    );
}

fn urlencoding(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Every translation uses the glossary's Welsh form of each NHS term its English uses
/// (`app/locales/glossary.json`), so a patient meets one word for one thing. Longer terms are
/// matched first ("NHS number" before "NHS").
#[test]
fn translations_use_the_glossary_terms() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("app/locales");
    let glossary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("glossary.json")).unwrap()).unwrap();
    let mut terms: Vec<(String, Vec<String>)> = glossary["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let forms = t["cy"].as_array().unwrap();
            (
                t["en"].as_str().unwrap().to_lowercase(),
                forms
                    .iter()
                    .map(|f| f.as_str().unwrap().to_lowercase())
                    .collect(),
            )
        })
        .collect();
    terms.sort_by_key(|(en, _)| std::cmp::Reverse(en.len()));

    let mut pairs = Vec::new();
    for entry in std::fs::read_dir(dir.join("en")).unwrap() {
        let path = entry.unwrap().path();
        let read = |p: &std::path::Path| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        };
        let namespace = path.file_stem().unwrap().to_string_lossy().into_owned();
        strings(
            &namespace,
            &read(&path),
            &read(&dir.join("cy").join(path.file_name().unwrap())),
            &mut pairs,
        );
    }
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (key, english, welsh) in &pairs {
        let mut english = english.to_lowercase();
        let welsh = welsh.to_lowercase();
        for (term, forms) in &terms {
            if !contains_word(&english, term) {
                continue;
            }
            checked += 1;
            if !forms.iter().any(|form| welsh.contains(form.as_str())) {
                wrong.push(format!(
                    "{key}: uses \"{term}\" but the Welsh has none of {forms:?}: {welsh}"
                ));
            }
            english = english.replace(term.as_str(), " ");
        }
    }
    assert!(
        checked > 50,
        "the glossary applies to the translations ({checked} uses)"
    );
    assert!(
        wrong.is_empty(),
        "{} translations break the glossary:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn strings(
    key: &str,
    en: &serde_json::Value,
    cy: &serde_json::Value,
    out: &mut Vec<(String, String, String)>,
) {
    match (en, cy) {
        (serde_json::Value::Object(en), _) => {
            for (k, v) in en {
                strings(&format!("{key}.{k}"), v, &cy[k], out);
            }
        }
        (serde_json::Value::String(en), serde_json::Value::String(cy)) => {
            out.push((key.to_owned(), en.clone(), cy.clone()));
        }
        _ => panic!("{key}: not a string in both languages"),
    }
}

/// `term` as whole words of `text` (so "GP" is not found in "GPS").
fn contains_word(text: &str, term: &str) -> bool {
    text.match_indices(term).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + term.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}
