//! Conformance with nhsuk-frontend: each Relink component rendered with the parameters of
//! nhsuk-frontend's own fixtures (`fixtures.json` beside each component in the npm package,
//! the HTML its Nunjucks macro renders for them) must give the same HTML, compared after
//! normalising whitespace, attribute order and the order of class names.
//!
//! Each component has an adapter that reads a fixture's parameters into the Relink component's
//! props. A fixture is out of scope when it uses an option Relink's component does not offer
//! (the adapter never reads it, or says why it cannot honour its value); the report in
//! `docs/NHSUK-CONFORMANCE.md` lists, per component, the fixtures compared and the reason for
//! each one left out. The test fails when a compared fixture differs, when a component compares
//! none, or when the report is out of date (`RELINK_UPDATE_CONFORMANCE=1` rewrites it).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt::Write as _;

use ego_tree::NodeRef;
use leptos::prelude::*;
use scraper::{Html, Node};
use serde_json::Value;

use crate::components::form::{
    BackLink, CheckboxChoice, Checkboxes, DateInput, ErrorSummary, PasswordInput,
    PasswordToggleText, RadioChoice, Radios, Select, SelectOption, SummaryList, TextInput,
};
use crate::components::layout::{HeaderAccountItem, NhsukFooter, NhsukHeader};
use crate::components::nhsuk::{
    Button, ButtonLink, ButtonVariant, CalloutText, Card, ErrorMessage, Hint, InsetText, Label,
    Panel, Size, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag, TagColour,
    WarningCallout,
};
use crate::i18n::Locale;
use crate::views::form::{FieldError, FormErrors, SummaryRow};

const NHSUK_VERSION: &str = "10.6.1";

/// One of nhsuk-frontend's examples of a component.
struct Fixture {
    name: String,
    context: Value,
    html: String,
    call_block: bool,
}

impl Fixture {
    fn title(&self, description: Option<&str>) -> String {
        match description {
            Some(d) if !d.is_empty() => format!("{} ({d})", self.name),
            _ => self.name.clone(),
        }
    }
}

fn components_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../node_modules/nhsuk-frontend/dist/nhsuk/components")
}

fn fixtures(component: &str) -> Vec<(String, Fixture)> {
    let package = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../node_modules/nhsuk-frontend/package.json");
    let package: Value = serde_json::from_str(
        &std::fs::read_to_string(&package)
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup.sh)", package.display())),
    )
    .expect("nhsuk-frontend's package.json");
    assert_eq!(
        package["version"], NHSUK_VERSION,
        "the fixtures are nhsuk-frontend {NHSUK_VERSION}'s: update NHSUK_VERSION and the report"
    );
    let path = components_dir().join(component).join("fixtures.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup.sh)", path.display()));
    let file: Value = serde_json::from_str(&text).expect("fixtures.json is JSON");
    file["fixtures"]
        .as_array()
        .expect("fixtures.json has fixtures")
        .iter()
        .map(|f| {
            let fixture = Fixture {
                name: f["name"].as_str().unwrap_or_default().to_owned(),
                context: f["context"].clone(),
                html: f["html"].as_str().unwrap_or_default().to_owned(),
                call_block: f.get("callBlock").is_some(),
            };
            (fixture.title(f["description"].as_str()), fixture)
        })
        .collect()
}

/// A fixture's parameters as an adapter reads them: every option read is recorded, so the
/// options no adapter read (those Relink's component does not offer) can be named.
#[derive(Clone, Copy)]
struct Options<'a> {
    value: &'a Value,
    path: &'a str,
    read: &'a RefCell<BTreeSet<String>>,
}

type Adapted = Result<AnyView, String>;

/// Reads a fixture's parameters into a Relink component, or says why it cannot.
type Adapter = fn(Options<'_>) -> Adapted;

impl<'a> Options<'a> {
    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        let value = self.value.get(key)?;
        self.read.borrow_mut().insert(self.child_path(key));
        Some(value)
    }

    fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Value::as_bool)
    }

    /// A nested option object (`label`, `hint`, `fieldset.legend`).
    fn obj(&self, key: &str) -> Option<Options<'a>> {
        let value = self.get(key)?;
        value.is_object().then(|| Options {
            value,
            path: leak(self.child_path(key)),
            read: self.read,
        })
    }

    fn list(&self, key: &str) -> Vec<Options<'a>> {
        let Some(Value::Array(items)) = self.get(key) else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .map(|(i, value)| Options {
                value,
                path: leak(format!("{}[{i}]", self.child_path(key))),
                read: self.read,
            })
            .collect()
    }

    /// The text of an option that nhsuk-frontend takes as a string or as `{ text }`.
    fn text(&self, key: &str) -> Option<String> {
        match self.value.get(key)? {
            Value::String(_) => self.str(key),
            Value::Object(_) => self.obj(key)?.str("text"),
            _ => None,
        }
    }

    /// An option whose value Relink's component always has: fine when absent or the same.
    fn fixed(&self, key: &str, relink: &str) -> Result<(), String> {
        match self.str(key) {
            Some(value) if value != relink => Err(format!(
                "`{}` is \"{value}\": Relink's component always says \"{relink}\"",
                self.child_path(key)
            )),
            _ => Ok(()),
        }
    }

    fn size(&self, key: &str) -> Result<Option<Size>, String> {
        match self.str(key) {
            None => Ok(None),
            Some(name) => Size::parse(&name)
                .map(Some)
                .ok_or_else(|| format!("unknown size {name}")),
        }
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The options present in a fixture that no adapter read, with list indices folded.
fn unread(value: &Value, path: String, read: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if read.contains(&child_path) || !child.is_object() && !child.is_array() {
                    if !read.contains(&child_path) {
                        out.insert(fold_indices(&child_path));
                    }
                    if child.is_object() || child.is_array() {
                        unread(child, child_path, read, out);
                    }
                } else {
                    out.insert(fold_indices(&child_path));
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                unread(child, format!("{path}[{i}]"), read, out);
            }
        }
        _ => {}
    }
}

fn fold_indices(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// HTML as a list of lines, one element or text per line and indented by depth: attributes
/// sorted by name, class names sorted, whitespace runs in text made one space and text trimmed,
/// comments (Leptos's hydration markers) dropped.
fn normalise(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::new();
    for child in fragment.root_element().children() {
        write_node(child, 0, &mut out);
    }
    out
}

fn write_node(node: NodeRef<'_, Node>, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    match node.value() {
        Node::Text(text) => {
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !words.is_empty() {
                let _ = writeln!(out, "{indent}{}", words.replace('<', "&lt;"));
            }
        }
        Node::Element(element) => {
            let mut attrs: Vec<(String, String)> = element
                .attrs()
                .map(|(name, value)| {
                    let value = if name == "class" {
                        let mut classes: Vec<&str> = value.split_whitespace().collect();
                        classes.sort_unstable();
                        classes.join(" ")
                    } else {
                        value.to_owned()
                    };
                    (name.to_owned(), value)
                })
                .collect();
            attrs.sort();
            let _ = write!(out, "{indent}<{}", element.name());
            for (name, value) in attrs {
                let _ = write!(out, " {name}=\"{value}\"");
            }
            let _ = writeln!(out, ">");
            for child in node.children() {
                write_node(child, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// What became of one fixture.
enum Outcome {
    Same,
    Different { expected: String, actual: String },
    OutOfScope(String),
}

fn render(locale: Locale, adapt: impl FnOnce() -> Adapted) -> Result<String, String> {
    let owner = Owner::new();
    owner.with(|| {
        provide_context(locale);
        adapt().map(|view| view.to_html())
    })
}

fn try_fixture(fixture: &Fixture, locale: Locale, adapter: fn(Options<'_>) -> Adapted) -> Outcome {
    if fixture.call_block {
        return Outcome::OutOfScope(
            "its content is a call block (HTML written in the template); Relink passes text and components".into(),
        );
    }
    let read = RefCell::new(BTreeSet::new());
    let options = Options {
        value: &fixture.context,
        path: "",
        read: &read,
    };
    let rendered = match render(locale, || adapter(options)) {
        Ok(html) => html,
        Err(reason) => return Outcome::OutOfScope(reason),
    };
    let mut left_out = BTreeSet::new();
    unread(
        &fixture.context,
        String::new(),
        &read.borrow(),
        &mut left_out,
    );
    if !left_out.is_empty() {
        let names: Vec<String> = left_out.into_iter().map(|o| format!("`{o}`")).collect();
        return Outcome::OutOfScope(format!(
            "uses options Relink's component does not offer: {}",
            names.join(", ")
        ));
    }
    let (expected, actual) = (normalise(&fixture.html), normalise(&rendered));
    if expected == actual {
        Outcome::Same
    } else {
        Outcome::Different { expected, actual }
    }
}

// ---------------------------------------------------------------------------------------------
// Adapters: a fixture's parameters as the props of Relink's component.

fn static_text(options: &Options<'_>, key: &str) -> Option<&'static str> {
    options.text(key).map(leak)
}

fn no_html(options: &Options<'_>) -> Result<(), String> {
    if options.value.get("html").is_some() {
        return Err(
            "gives its content as `html`: Relink passes text or components, never an HTML string"
                .into(),
        );
    }
    Ok(())
}

fn skip_link(o: Options<'_>) -> Adapted {
    o.fixed("href", "#maincontent")?;
    o.fixed("text", "Skip to main content")?;
    Ok(view! { <crate::components::layout::SkipLink /> }.into_any())
}

fn back_link(o: Options<'_>) -> Adapted {
    no_html(&o)?;
    o.fixed("text", "Back")?;
    if o.value.get("href").is_none() {
        return Err("a back link without `href` is a button: Relink's back links are links".into());
    }
    let href = leak(o.str("href").unwrap_or_default());
    Ok(view! { <BackLink href /> }.into_any())
}

fn error_message(o: Options<'_>) -> Adapted {
    no_html(&o)?;
    // Relink's prefix is the page's language's ("Error", "Gwall"); nhsuk adds the colon.
    o.fixed(
        "visuallyHiddenText",
        crate::tr!(common.error_prefix).trim_end_matches(':'),
    )?;
    let message = o.str("text").unwrap_or_default();
    let id = o.str("id");
    Ok(view! { <ErrorMessage message nostrip:id=id /> }.into_any())
}

fn hint(o: Options<'_>) -> Adapted {
    no_html(&o)?;
    let text = o.str("text").unwrap_or_default();
    let id = o.str("id");
    Ok(view! { <Hint text nostrip:id=id /> }.into_any())
}

/// A heading's `level` option, `default` when it has none.
fn heading_level_of(o: &Options<'_>, default: u8) -> Result<u8, String> {
    o.str("level")
        .map(|l| l.parse::<u8>().map_err(|e| e.to_string()))
        .transpose()
        .map(|level| level.unwrap_or(default))
}

/// nhsuk's label options: `text` or `heading` (a string, `true`, or `{ text, level, size }`).
struct LabelOptions {
    text: String,
    size: Option<Size>,
    heading_level: Option<u8>,
}

fn label_options(o: &Options<'_>) -> Result<LabelOptions, String> {
    no_html(o)?;
    let mut size = o.size("size")?;
    let mut text = o.str("text");
    let mut heading_level = None;
    match o.value.get("heading") {
        Some(Value::String(_)) => {
            text = o.str("heading");
            heading_level = Some(1);
        }
        Some(Value::Bool(true)) => {
            o.get("heading");
            heading_level = Some(1);
        }
        Some(Value::Object(_)) => {
            let h = o.obj("heading").expect("an object");
            if let Some(t) = h.str("text") {
                text = Some(t);
            }
            if let Some(s) = h.size("size")? {
                size = Some(s);
            }
            heading_level = Some(heading_level_of(&h, 1)?);
        }
        _ => {}
    }
    Ok(LabelOptions {
        text: text.ok_or("a label without text")?,
        size,
        heading_level,
    })
}

fn label(o: Options<'_>) -> Adapted {
    let LabelOptions {
        text,
        size,
        heading_level,
    } = label_options(&o)?;
    let for_id = o.str("for");
    Ok(view! { <Label text nostrip:for_id=for_id nostrip:size=size nostrip:heading_level=heading_level /> }.into_any())
}

/// What the single-field components (input, password input, select) read alike.
struct Field {
    name: &'static str,
    id: &'static str,
    label: LabelOptions,
    hint: Option<&'static str>,
    error: Option<String>,
}

fn field_options(o: &Options<'_>) -> Result<Field, String> {
    let name = leak(o.str("name").ok_or("no name")?);
    let id = leak(o.str("id").unwrap_or_else(|| name.to_owned()));
    let label = label_options(&o.obj("label").ok_or("no label")?)?;
    if label.heading_level.is_some_and(|level| level != 1) {
        return Err("a label heading other than h1: Relink's question pages use h1".into());
    }
    Ok(Field {
        name,
        id,
        label,
        hint: static_text(o, "hint"),
        error: o.text("errorMessage"),
    })
}

fn input(o: Options<'_>) -> Adapted {
    let Field {
        name,
        id,
        label,
        hint,
        error,
    } = field_options(&o)?;
    let width_class = o
        .str("width")
        .map(|w| leak(format!("nhsuk-input--width-{w}")));
    let autocomplete = o.str("autocomplete").map(leak);
    let input_type = o.str("type").map(leak);
    let spellcheck_off = match o.bool("spellcheck") {
        Some(false) => true,
        Some(true) => return Err("`spellcheck: true`: Relink only turns spellcheck off".into()),
        None => false,
    };
    let numeric = match o.str("inputmode").as_deref() {
        Some("numeric") => true,
        Some(other) => return Err(format!("`inputmode` {other}: Relink offers numeric only")),
        None => false,
    };
    let code = o.bool("code").unwrap_or(false);
    let value = o.str("value").unwrap_or_default();
    Ok(view! {
        <TextInput
            id
            name
            label=leak(label.text)
            label_size=label.size
            label_is_page_heading=label.heading_level.is_some()
            nostrip:hint=hint
            value
            error
            nostrip:width_class=width_class
            nostrip:autocomplete=autocomplete
            nostrip:input_type=input_type
            spellcheck_off
            numeric
            code
        />
    }
    .into_any())
}

fn password_input(o: Options<'_>) -> Adapted {
    let Field {
        name,
        id,
        label,
        hint,
        error,
    } = field_options(&o)?;
    let autocomplete = leak(
        o.str("autocomplete")
            .unwrap_or_else(|| "current-password".into()),
    );
    let wording = [
        "showPasswordText",
        "hidePasswordText",
        "showPasswordAriaLabel",
        "hidePasswordAriaLabel",
        "passwordShownAnnouncementText",
        "passwordHiddenAnnouncementText",
    ]
    .map(|key| o.str(key));
    let [Some(show), Some(hide), Some(show_aria_label), Some(hide_aria_label), Some(shown_announcement), Some(hidden_announcement)] =
        wording
    else {
        return Err("the toggle's wording is nhsuk-frontend's default: Relink always gives its own (\"passphrase\"), in English or Welsh, as in \"with translations\"".into());
    };
    let toggle_text = PasswordToggleText {
        show,
        hide,
        show_aria_label,
        hide_aria_label,
        shown_announcement,
        hidden_announcement,
    };
    Ok(view! {
        <PasswordInput
            id
            name
            label=leak(label.text)
            label_size=label.size
            label_is_page_heading=label.heading_level.is_some()
            nostrip:hint=hint
            error
            autocomplete
            toggle_text
        />
    }
    .into_any())
}

/// nhsuk's `fieldset.legend`: a string, or `{ text | heading, size, isPageHeading }`.
fn legend_options(o: &Options<'_>) -> Result<(String, Option<Size>, bool), String> {
    let fieldset = o.obj("fieldset").ok_or("no fieldset")?;
    match fieldset.value.get("legend") {
        Some(Value::String(_)) => Ok((fieldset.str("legend").unwrap_or_default(), None, false)),
        Some(Value::Object(_)) => {
            let legend = fieldset.obj("legend").expect("an object");
            no_html(&legend)?;
            let size = legend.size("size")?;
            if let Some(text) = legend.str("heading") {
                return Ok((text, size, true));
            }
            let is_heading = legend.bool("isPageHeading").unwrap_or(false);
            Ok((
                legend.str("text").ok_or("no legend text")?,
                size,
                is_heading,
            ))
        }
        _ => Err("no legend".into()),
    }
}

fn date_input(o: Options<'_>) -> Adapted {
    let id = leak(o.str("id").ok_or("no id")?);
    let (legend, legend_size, legend_is_page_heading) = legend_options(&o)?;
    let hint = static_text(&o, "hint");
    let error = o.text("errorMessage");
    for part in ["day", "month", "year"] {
        if o.value.get(part) == Some(&Value::Bool(false)) {
            return Err(format!(
                "leaves out the {part}: Relink's dates have all three boxes"
            ));
        }
    }
    let autocomplete_bday = match (o.obj("day"), o.obj("month"), o.obj("year")) {
        (None, None, None) => false,
        (Some(d), Some(m), Some(y))
            if d.str("autocomplete").as_deref() == Some("bday-day")
                && m.str("autocomplete").as_deref() == Some("bday-month")
                && y.str("autocomplete").as_deref() == Some("bday-year") =>
        {
            true
        }
        _ => return Err("per-box options other than the birthday autocomplete".into()),
    };
    let values = o.obj("values");
    let value = |part: &str| values.and_then(|v| v.str(part)).unwrap_or_default();
    let (day, month, year) = (value("day"), value("month"), value("year"));
    Ok(view! {
        <DateInput
            id
            name_prefix=""
            legend=leak(legend)
            legend_size
            legend_is_page_heading
            nostrip:hint=hint
            day
            month
            year
            error
            autocomplete_bday
        />
    }
    .into_any())
}

/// What the fieldset components (radios, checkboxes) read alike; `legend` is `None` without a
/// fieldset.
struct Group {
    name: &'static str,
    id: &'static str,
    legend: Option<(String, Option<Size>, bool)>,
    hint: Option<&'static str>,
    error: Option<String>,
}

fn group_options(o: &Options<'_>) -> Result<Group, String> {
    let name = leak(o.str("name").ok_or("no name")?);
    let id = leak(o.str("idPrefix").unwrap_or_else(|| name.to_owned()));
    let legend = match o.value.get("fieldset") {
        None => None,
        Some(_) => Some(legend_options(o)?),
    };
    Ok(Group {
        name,
        id,
        legend,
        hint: static_text(o, "hint"),
        error: o.text("errorMessage"),
    })
}

fn radios(o: Options<'_>) -> Adapted {
    let Group {
        name,
        id,
        legend,
        hint,
        error,
    } = group_options(&o)?;
    let (legend, legend_size, legend_is_page_heading) = legend.ok_or("no fieldset")?;
    let mut selected = o.str("value").unwrap_or_default();
    let mut choices = Vec::new();
    for item in o.list("items") {
        no_html(&item)?;
        let value = leak(item.str("value").ok_or("an item without value")?);
        if item.bool("checked") == Some(true) {
            selected = value.to_owned();
        }
        choices.push(RadioChoice {
            value,
            label: leak(item.str("text").ok_or("an item without text")?),
            hint: item.text("hint").map(leak),
        });
    }
    Ok(view! {
        <Radios
            id
            name
            heading=leak(legend)
            legend_size
            legend_is_page_heading
            nostrip:hint=hint
            choices
            selected
            error
        />
    }
    .into_any())
}

fn error_summary(o: Options<'_>) -> Adapted {
    o.fixed("heading", "There is a problem")?;
    if let Some(heading) = o.obj("heading") {
        no_html(&heading)?;
        heading.fixed("text", "There is a problem")?;
    }
    let mut errors = FormErrors::default();
    for item in o.list("errorList") {
        no_html(&item)?;
        let href = item
            .str("href")
            .ok_or("an error without a link: Relink links every error to its field")?;
        let id = href
            .strip_prefix('#')
            .ok_or("a link to another page: Relink links to the field")?;
        errors.0.push(FieldError {
            id: id.to_owned(),
            message: item.str("text").unwrap_or_default(),
        });
    }
    if errors.is_empty() {
        return Err("no errors: Relink shows the summary only when there is a problem".into());
    }
    Ok(view! { <ErrorSummary errors /> }.into_any())
}

fn summary_list(o: Options<'_>) -> Adapted {
    let mut rows = Vec::new();
    for row in o.list("rows") {
        let key = row.obj("key").ok_or("a row without key")?;
        let value = row.obj("value").ok_or("a row without value")?;
        no_html(&key)?;
        no_html(&value)?;
        let change = match row.obj("actions") {
            None => None,
            Some(actions) => {
                let items = actions.list("items");
                let [item] = items.as_slice() else {
                    return Err(
                        "more than one action a row: Relink's rows have one Change link".into(),
                    );
                };
                item.fixed("text", "Change")?;
                Some((
                    item.str("href").ok_or("an action without href")?,
                    item.str("visuallyHiddenText").unwrap_or_default(),
                ))
            }
        };
        rows.push(SummaryRow {
            key: key.str("text").unwrap_or_default(),
            value: value.str("text").unwrap_or_default(),
            change,
        });
    }
    Ok(view! { <SummaryList rows /> }.into_any())
}

fn button_variant(o: &Options<'_>) -> Result<ButtonVariant, String> {
    Ok(match o.str("variant").as_deref() {
        None => ButtonVariant::Primary,
        Some("secondary") => ButtonVariant::Secondary,
        Some("warning") => ButtonVariant::Warning,
        Some(other) => {
            return Err(format!(
                "the {other} variant: Relink's buttons are primary, secondary or warning"
            ))
        }
    })
}

fn button(o: Options<'_>) -> Adapted {
    no_html(&o)?;
    let variant = button_variant(&o)?;
    let small = o.bool("small").unwrap_or(false);
    let text = o.str("text").unwrap_or_default();
    match o.str("href") {
        Some(href) => Ok(view! { <ButtonLink href variant small>{text}</ButtonLink> }.into_any()),
        None => {
            let prevent_double_click = match o.bool("preventDoubleClick") {
                Some(true) => true,
                Some(false) => {
                    return Err(
                        "`preventDoubleClick: false` is written out; Relink leaves it unsaid"
                            .into(),
                    )
                }
                None => false,
            };
            Ok(view! { <Button variant small prevent_double_click>{text}</Button> }.into_any())
        }
    }
}

fn tag(o: Options<'_>) -> Adapted {
    no_html(&o)?;
    let colour =
        match o.get("colour") {
            None => None,
            Some(Value::String(name)) => {
                Some(TagColour::parse(name).ok_or_else(|| format!("unknown colour {name}"))?)
            }
            Some(_) => return Err(
                "`colour: false` (no colour class): Relink's tags have nhsuk's default or a colour"
                    .into(),
            ),
        };
    let text = o.str("text").unwrap_or_default();
    Ok(view! { <Tag text nostrip:colour=colour /> }.into_any())
}

fn inset_text(o: Options<'_>) -> Adapted {
    no_html(&o)?;
    let text = o.str("text").unwrap_or_default();
    Ok(view! { <InsetText><p>{text}</p></InsetText> }.into_any())
}

fn panel(o: Options<'_>) -> Adapted {
    no_html(&o)?;
    let heading = o.obj("heading");
    let (text, level) = match heading {
        Some(h) => {
            no_html(&h)?;
            (
                h.str("text").ok_or("no heading text")?,
                heading_level_of(&h, 1)?,
            )
        }
        None => (o.str("heading").ok_or("no heading")?, 1),
    };
    let body = o.str("text");
    Ok(match body {
        Some(body) => view! { <Panel heading=text heading_level=level>{body}</Panel> }.into_any(),
        None => view! { <Panel heading=text heading_level=level /> }.into_any(),
    })
}

fn warning_callout(o: Options<'_>) -> Adapted {
    no_html(&o)?;
    let heading = o.text("heading");
    if let Some(h) = o.obj("heading") {
        no_html(&h)?;
    }
    let text = o.str("text").unwrap_or_default();
    Ok(match heading {
        Some(heading) => {
            view! { <WarningCallout heading><CalloutText>{text}</CalloutText></WarningCallout> }
                .into_any()
        }
        None => {
            view! { <WarningCallout><CalloutText>{text}</CalloutText></WarningCallout> }.into_any()
        }
    })
}

fn select(o: Options<'_>) -> Adapted {
    let Field {
        name,
        id,
        label,
        hint,
        error,
    } = field_options(&o)?;
    let mut selected = o.str("value").unwrap_or_default();
    let mut options = Vec::new();
    for item in o.list("items") {
        no_html(&item)?;
        let value = item.str("value").ok_or("an option without value")?;
        if item.bool("selected") == Some(true) {
            selected = value.clone();
        }
        options.push(SelectOption {
            value,
            text: item.str("text").unwrap_or_default(),
        });
    }
    Ok(view! {
        <Select
            id
            name
            label=leak(label.text)
            label_size=label.size
            label_is_page_heading=label.heading_level.is_some()
            nostrip:hint=hint
            error
            options
            selected
        />
    }
    .into_any())
}

fn checkboxes(o: Options<'_>) -> Adapted {
    let Group {
        name,
        id,
        legend,
        hint,
        error,
    } = group_options(&o)?;
    let (legend, legend_size, legend_is_page_heading) = match legend {
        None => (None, None, false),
        Some((text, size, heading)) => (Some(text), size, heading),
    };
    let small = o.bool("small").unwrap_or(false);
    let mut choices = Vec::new();
    for item in o.list("items") {
        no_html(&item)?;
        choices.push(CheckboxChoice {
            value: item.str("value").ok_or("an item without value")?,
            label: item.str("text").ok_or("an item without text")?,
            checked: item.bool("checked").unwrap_or(false),
        });
    }
    Ok(view! {
        <Checkboxes
            id
            name
            nostrip:legend=legend
            legend_size
            legend_is_page_heading
            nostrip:hint=hint
            error
            small
            choices
        />
    }
    .into_any())
}

/// A table cell's text and whether it is a number.
fn cell(o: &Options<'_>) -> Result<(String, bool), String> {
    if let Value::String(text) = o.value {
        o.read.borrow_mut().insert(o.path.to_owned());
        return Ok((text.clone(), false));
    }
    no_html(o)?;
    let numeric = match o.str("format").as_deref() {
        None => false,
        Some("numeric") => true,
        Some(other) => return Err(format!("the {other} cell format")),
    };
    Ok((o.str("text").unwrap_or_default(), numeric))
}

fn table(o: Options<'_>) -> Adapted {
    let caption = o.text("caption");
    let caption_size = match o.obj("caption") {
        Some(c) => c.size("size")?,
        None => None,
    };
    let first_cell_is_header = o.bool("firstCellIsHeader").unwrap_or(false);
    let head = o.list("head");
    if head.is_empty() {
        return Err("no head: Relink's tables name their columns".into());
    }
    let head = head.iter().map(cell).collect::<Result<Vec<_>, _>>()?;
    // nhsuk's macro gives a numeric column's cells the numeric format; Relink's pages say so
    // on each cell of such a column.
    let numeric_columns: Vec<bool> = head.iter().map(|(_, numeric)| *numeric).collect();
    let mut rows = Vec::new();
    for row in o.list("rows") {
        rows.push(row_cells(&row)?);
    }
    let head = head
        .into_iter()
        .map(|(text, numeric)| view! { <TableHeader numeric>{text}</TableHeader> })
        .collect_view();
    let rows = rows
        .into_iter()
        .map(|cells| {
            let cells = cells
                .into_iter()
                .enumerate()
                .map(|(i, (text, numeric))| {
                    let numeric = numeric || numeric_columns.get(i).copied().unwrap_or(false);
                    if i == 0 && first_cell_is_header {
                        view! { <TableHeader row=true numeric>{text}</TableHeader> }.into_any()
                    } else {
                        view! { <TableCell numeric>{text}</TableCell> }.into_any()
                    }
                })
                .collect_view();
            view! { <TableRow>{cells}</TableRow> }
        })
        .collect_view();
    Ok(view! {
        <Table nostrip:caption=caption nostrip:caption_size=caption_size>
            <TableHead>{head}</TableHead>
            <TableBody>{rows}</TableBody>
        </Table>
    }
    .into_any())
}

fn row_cells(row: &Options<'_>) -> Result<Vec<(String, bool)>, String> {
    let Value::Array(items) = row.value else {
        return Err("a row that is not a list of cells".into());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, value)| {
            cell(&Options {
                value,
                path: leak(format!("{}[{i}]", row.path)),
                read: row.read,
            })
        })
        .collect()
}

fn card(o: Options<'_>) -> Adapted {
    no_html(&o)?;
    let (heading, heading_size, heading_level) = match o.value.get("heading") {
        Some(Value::String(_)) => (o.str("heading").unwrap_or_default(), None, 2),
        Some(Value::Object(_)) => {
            let h = o.obj("heading").expect("an object");
            no_html(&h)?;
            (
                h.str("text").ok_or("no heading text")?,
                h.size("size")?,
                heading_level_of(&h, 2)?,
            )
        }
        _ => return Err("no heading: Relink's cards have one".into()),
    };
    let href = o.str("href");
    if o.bool("clickable").unwrap_or(false) != href.is_some() {
        return Err("a link that is not the whole card, or a clickable card without a link".into());
    }
    let description = o.text("description");
    Ok(view! {
        <Card
            heading
            nostrip:heading_size=heading_size
            heading_level
            nostrip:href=href
            nostrip:description=description
        />
    }
    .into_any())
}

fn header(o: Options<'_>) -> Adapted {
    let service = o
        .obj("service")
        .ok_or("no service name: Relink's header names the service")?;
    let service_name = service.str("text").ok_or("no service name")?;
    let href = service
        .str("href")
        .ok_or("the service name apart from the logo: Relink links it with the logo")?;
    if let Some(logo) = o.obj("logo") {
        logo.fixed("href", &href)?;
    }
    let mut account = Vec::new();
    if let Some(items) = o.obj("account") {
        for item in items.list("items") {
            no_html(&item)?;
            let text = item.str("text").ok_or("an account item without text")?;
            account.push(match (item.str("href"), item.str("action")) {
                (Some(href), None) => HeaderAccountItem::Link { href, text },
                (None, Some(action)) => HeaderAccountItem::Action { action, text },
                _ => return Err("an account item that is neither a link nor a form".into()),
            });
        }
    }
    let logo_label = format!("NHS {service_name} homepage");
    Ok(view! {
        <NhsukHeader service_name href logo_label account account_label="Account" />
    }
    .into_any())
}

fn footer(o: Options<'_>) -> Adapted {
    o.fixed("copyright", "© NHS England")?;
    if let Some(copyright) = o.obj("copyright") {
        copyright.fixed("text", "© NHS England")?;
    }
    let meta = o
        .obj("meta")
        .ok_or("no support links: Relink's footer has them")?;
    let links = meta
        .list("items")
        .iter()
        .map(|item| {
            no_html(item)?;
            Ok((
                item.str("href").ok_or("a link without href")?,
                item.str("text").ok_or("a link without text")?,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if links.is_empty() {
        return Err("no support links: Relink's footer has them".into());
    }
    Ok(view! { <NhsukFooter links /> }.into_any())
}

// ---------------------------------------------------------------------------------------------

/// Every component Relink renders with its adapter, in the order of the report.
const COMPONENTS: &[(&str, Adapter)] = &[
    ("header", header),
    ("footer", footer),
    ("skip-link", skip_link),
    ("back-link", back_link),
    ("button", button),
    ("error-summary", error_summary),
    ("error-message", error_message),
    ("hint", hint),
    ("label", label),
    ("input", input),
    ("date-input", date_input),
    ("radios", radios),
    ("checkboxes", checkboxes),
    ("select", select),
    ("password-input", password_input),
    ("summary-list", summary_list),
    ("panel", panel),
    ("warning-callout", warning_callout),
    ("inset-text", inset_text),
    ("tag", tag),
    ("card", card),
    ("tables", table),
];

/// The Welsh fixtures ("with translations") are rendered in Welsh, the rest in English.
fn locale_for(fixture: &Fixture) -> Locale {
    if fixture.name.contains("translations") {
        Locale::cy
    } else {
        Locale::en
    }
}

#[test]
fn relink_components_render_nhsuk_frontends_fixtures() {
    let mut report = format!(
        "# Conformance with nhsuk-frontend {NHSUK_VERSION}\n\n\
         Written by `cargo test -p app --features ssr --lib conformance` \
         (`RELINK_UPDATE_CONFORMANCE=1` rewrites it; the test fails when it is out of date).\n\n\
         Each Relink component is rendered with the parameters of nhsuk-frontend's own fixtures \
         (`node_modules/nhsuk-frontend/dist/nhsuk/components/*/fixtures.json`) and compared with \
         the HTML nhsuk-frontend's macro renders for them, after normalising whitespace, \
         attribute order and the order of class names. A fixture is out of scope when it uses an \
         option Relink's component does not offer; the reason is given.\n"
    );
    let mut failures = Vec::new();
    for (component, adapter) in COMPONENTS {
        let fixtures = fixtures(component);
        let mut compared = Vec::new();
        let mut out_of_scope = Vec::new();
        for (title, fixture) in &fixtures {
            match try_fixture(fixture, locale_for(fixture), *adapter) {
                Outcome::Same => compared.push(title.clone()),
                Outcome::Different { expected, actual } => {
                    compared.push(title.clone());
                    failures.push(format!(
                        "{component} / {title}\n--- nhsuk-frontend\n{expected}--- Relink\n{actual}"
                    ));
                }
                Outcome::OutOfScope(reason) => out_of_scope.push((title.clone(), reason)),
            }
        }
        if compared.is_empty() {
            failures.push(format!("{component}: no fixture compared"));
        }
        let _ = write!(
            report,
            "\n## {component}\n\n{} of {} fixtures compared: {}.\n",
            compared.len(),
            fixtures.len(),
            compared
                .iter()
                .map(|t| format!("“{t}”"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if !out_of_scope.is_empty() {
            let _ = writeln!(report, "\nOut of scope:\n");
            for (title, reason) in out_of_scope {
                let _ = writeln!(report, "- “{title}”: {reason}");
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixtures differ from Relink's rendering:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/NHSUK-CONFORMANCE.md");
    if std::env::var_os("RELINK_UPDATE_CONFORMANCE").is_some() {
        std::fs::write(&path, &report).expect("write the report");
    } else {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == report,
            "docs/NHSUK-CONFORMANCE.md is out of date: run with RELINK_UPDATE_CONFORMANCE=1"
        );
    }
}

#[test]
fn normalising_ignores_attribute_order_whitespace_and_comments_only() {
    let a = normalise("<p class=\"b a\" id=\"x\">\n  Some   text <!-- marker --></p>");
    let b = normalise("<p id=\"x\" class=\"a b\">Some text</p>");
    assert_eq!(a, b);
    assert_ne!(
        normalise("<p>Some text</p>"),
        normalise("<p>Other text</p>")
    );
    assert_ne!(normalise("<p id=\"x\"></p>"), normalise("<p id=\"y\"></p>"));
    assert_ne!(normalise("<p><span>a</span></p>"), normalise("<p>a</p>"));
}

#[test]
fn options_no_adapter_reads_are_named() {
    let value: Value = serde_json::json!({ "text": "a", "label": { "text": "b", "size": "l" }, "items": [{ "x": 1 }] });
    let read = RefCell::new(BTreeSet::from([
        "text".to_owned(),
        "label".to_owned(),
        "label.text".to_owned(),
    ]));
    let mut out = BTreeSet::new();
    unread(&value, String::new(), &read.borrow(), &mut out);
    assert_eq!(
        out,
        BTreeSet::from(["label.size".to_owned(), "items".to_owned()])
    );
}
