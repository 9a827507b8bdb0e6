//! nhsuk-frontend form components: the markup of the NHS design system's macros, as Leptos
//! components. Field errors come from the server and are shown by the field and in the summary.

use crate::components::nhsuk::{ErrorMessage, Hint, Label, Legend, Size};
use crate::tr;
use crate::views::form::{FormErrors, SummaryRow};
use crate::views::page::{kept_choice, kept_value, restoring_kept};
use leptos::prelude::*;

/// "There is a problem", with a link to each field. Rendered first in the page so that screen
/// readers announce it; nhsuk-frontend's script moves focus to it when JavaScript is on.
#[component]
pub fn ErrorSummary(errors: FormErrors) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        view! {
            <div class="nhsuk-error-summary" data-module="nhsuk-error-summary">
                <div role="alert">
                    <h2 class="nhsuk-error-summary__heading">{tr!(common.problem_heading)}</h2>
                    <div class="nhsuk-error-summary__body">
                        <ul class="nhsuk-list nhsuk-error-summary__list">
                            {errors
                                .0
                                .into_iter()
                                .map(|e| {
                                    view! {
                                        <li>
                                            <a href=format!("#{}", e.id)>{e.message}</a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                </div>
            </div>
        }
    })
}

fn described_by(hint_id: Option<String>, error_id: Option<String>) -> Option<String> {
    let ids: Vec<String> = hint_id.into_iter().chain(error_id).collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn form_group(error: bool, extra: Option<&str>) -> String {
    let mut class = String::from("nhsuk-form-group");
    if error {
        class.push_str(" nhsuk-form-group--error");
    }
    if let Some(extra) = extra {
        class.push(' ');
        class.push_str(extra);
    }
    class
}

/// A labelled text input with an optional hint and error.
#[component]
pub fn TextInput(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    /// Relink's form fields have small bold labels; a page that asks one question makes the
    /// label its heading instead.
    #[prop(default = Some(Size::S))]
    label_size: Option<Size>,
    #[prop(optional)] label_is_page_heading: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: String,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] width_class: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] spellcheck_off: bool,
    /// Shows a number keypad on phones (NHS numbers, codes).
    #[prop(optional)]
    numeric: bool,
    /// A code people copy character by character (monospaced, letters spaced).
    #[prop(optional)]
    code: bool,
) -> impl IntoView {
    let value = kept_value(name).unwrap_or(value);
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let mut class = String::from("nhsuk-input");
    if code {
        class.push_str(" nhsuk-input--code");
    }
    if error.is_some() {
        class.push_str(" nhsuk-input--error");
    }
    if let Some(width) = width_class {
        class.push(' ');
        class.push_str(width);
    }
    let group = form_group(error.is_some(), None);
    view! {
        <div class=group>
            <Label text=label for_id=id nostrip:size=label_size nostrip:heading_level=label_is_page_heading.then_some(1) />
            {hint.map(|h| view! { <Hint text=h nostrip:id=hint_id.clone() /> })}
            {error.zip(error_id.clone()).map(|(message, eid)| view! { <ErrorMessage message id=eid /> })}
            <input
                class=class
                id=id
                name=name
                type=input_type.unwrap_or("text")
                value=(!value.is_empty()).then_some(value)
                autocomplete=autocomplete
                spellcheck=spellcheck_off.then_some("false")
                inputmode=numeric.then_some("numeric")
                aria-describedby=described_by(hint_id, error_id)
            />
        </div>
    }
}

/// The nhsuk date input: Day, Month, Year boxes in one fieldset.
#[component]
pub fn DateInput(
    id: &'static str,
    /// The boxes are posted as `{prefix}_day`, `{prefix}_month` and `{prefix}_year` (plain
    /// `day`, `month`, `year` without one).
    name_prefix: &'static str,
    legend: &'static str,
    #[prop(default = Some(Size::S))] legend_size: Option<Size>,
    #[prop(optional)] legend_is_page_heading: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] day: String,
    #[prop(optional)] month: String,
    #[prop(optional)] year: String,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] autocomplete_bday: bool,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let has_error = error.is_some();
    let describedby = described_by(hint_id.clone(), error_id.clone());
    let item = move |part: &'static str,
                     label: &'static str,
                     width: &'static str,
                     value: String,
                     auto: &'static str| {
        let class = if has_error {
            format!("nhsuk-input nhsuk-date-input__input {width} nhsuk-input--error")
        } else {
            format!("nhsuk-input nhsuk-date-input__input {width}")
        };
        let name = if name_prefix.is_empty() {
            part.to_owned()
        } else {
            format!("{name_prefix}_{part}")
        };
        let value = kept_value(&name).unwrap_or(value);
        view! {
            <div class="nhsuk-date-input__item">
                <div class=form_group(has_error, None)>
                    <Label text=label for_id=format!("{id}-{part}") classes="nhsuk-date-input__label" />
                    <input
                        class=class
                        id=format!("{id}-{part}")
                        name=name
                        type="text"
                        inputmode="numeric"
                        value=(!value.is_empty()).then_some(value)
                        autocomplete=autocomplete_bday.then_some(auto)
                    />
                </div>
            </div>
        }
    };
    view! {
        <div class=form_group(has_error, None)>
            <fieldset class="nhsuk-fieldset" role="group" aria-describedby=describedby>
                <Legend text=legend nostrip:size=legend_size is_page_heading=legend_is_page_heading />
                {hint.map(|h| view! { <Hint text=h nostrip:id=hint_id.clone() /> })}
                {error.zip(error_id).map(|(message, eid)| view! { <ErrorMessage message id=eid /> })}
                <div class="nhsuk-date-input" id=id>
                    {item("day", tr!(common.day), "nhsuk-input--width-2", day, "bday-day")}
                    {item("month", tr!(common.month), "nhsuk-input--width-2", month, "bday-month")}
                    {item("year", tr!(common.year), "nhsuk-input--width-4", year, "bday-year")}
                </div>
            </fieldset>
        </div>
    }
}

/// What the password input's Show button says and announces, in the page's language. Relink's
/// secrets are passphrases, so it says "passphrase" where nhsuk-frontend says "password".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordToggleText {
    pub show: String,
    pub hide: String,
    pub show_aria_label: String,
    pub hide_aria_label: String,
    pub shown_announcement: String,
    pub hidden_announcement: String,
}

impl PasswordToggleText {
    /// Relink's wording in the language of the page being rendered.
    pub fn from_locale() -> Self {
        PasswordToggleText {
            show: tr!(common.show).to_owned(),
            hide: tr!(common.hide).to_owned(),
            show_aria_label: tr!(common.show_passphrase).to_owned(),
            hide_aria_label: tr!(common.hide_passphrase).to_owned(),
            shown_announcement: tr!(common.passphrase_shown).to_owned(),
            hidden_announcement: tr!(common.passphrase_hidden).to_owned(),
        }
    }
}

/// The nhsuk password input: a "Show" button appears when JavaScript is on.
#[component]
pub fn PasswordInput(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = Some(Size::S))] label_size: Option<Size>,
    #[prop(optional)] label_is_page_heading: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = None)] error: Option<String>,
    autocomplete: &'static str,
    /// Relink's own wording ([`PasswordToggleText::from_locale`]) unless given.
    #[prop(optional)]
    toggle_text: Option<PasswordToggleText>,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let class = if error.is_some() {
        "nhsuk-input nhsuk-input--error nhsuk-password-input__input nhsuk-js-password-input-input"
    } else {
        "nhsuk-input nhsuk-password-input__input nhsuk-js-password-input-input"
    };
    let text = toggle_text.unwrap_or_else(PasswordToggleText::from_locale);
    let group = form_group(error.is_some(), Some("nhsuk-password-input"));
    let (show, show_aria_label) = (text.show.clone(), text.show_aria_label.clone());
    view! {
        <div
            class=group
            data-module="nhsuk-password-input"
            data-i18n.show-password=text.show
            data-i18n.hide-password=text.hide
            data-i18n.show-password-aria-label=text.show_aria_label
            data-i18n.hide-password-aria-label=text.hide_aria_label
            data-i18n.password-shown-announcement=text.shown_announcement
            data-i18n.password-hidden-announcement=text.hidden_announcement
        >
            <Label text=label for_id=id nostrip:size=label_size nostrip:heading_level=label_is_page_heading.then_some(1) />
            {hint.map(|h| view! { <Hint text=h nostrip:id=hint_id.clone() /> })}
            {error.zip(error_id.clone()).map(|(message, eid)| view! { <ErrorMessage message id=eid /> })}
            <div class="nhsuk-input-wrapper">
                <input
                    class=class
                    id=id
                    name=name
                    type="password"
                    spellcheck="false"
                    autocomplete=autocomplete
                    autocapitalize="none"
                    aria-describedby=described_by(hint_id, error_id)
                />
                <button
                    class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-password-input__toggle nhsuk-js-password-input-toggle"
                    data-module="nhsuk-button"
                    type="button"
                    aria-label=show_aria_label
                    aria-controls=id
                    hidden
                >
                    {show}
                </button>
            </div>
        </div>
    }
}

/// The back link at the top of a journey page.
#[component]
pub fn BackLink(href: &'static str) -> impl IntoView {
    view! {
        <a class="nhsuk-back-link" href=href>
            {tr!(common.back)}
        </a>
    }
}

/// One choice of a [`Radios`] question: the value posted and the label shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RadioChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
}

/// The nhsuk radios, with the question as the page heading (one question per page). The first
/// input has the plain `id`, so the error summary's link lands on it.
#[component]
pub fn Radios(
    id: &'static str,
    name: &'static str,
    heading: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    choices: Vec<RadioChoice>,
    #[prop(optional, into)] selected: String,
    #[prop(default = None)] error: Option<String>,
    /// The question is the page's heading, in large type, unless said otherwise.
    #[prop(default = Some(Size::L))]
    legend_size: Option<Size>,
    #[prop(default = true)] legend_is_page_heading: bool,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let describedby = described_by(hint_id.clone(), error_id.clone());
    let group = form_group(error.is_some(), None);
    let selected = kept_value(name).unwrap_or(selected);
    let items = choices
        .into_iter()
        .enumerate()
        .map(|(i, choice)| {
            let input_id = if i == 0 { id.to_owned() } else { format!("{id}-{}", i + 1) };
            let choice_hint_id = choice.hint.map(|_| format!("{input_id}-item-hint"));
            view! {
                <div class="nhsuk-radios__item">
                    <input
                        class="nhsuk-radios__input"
                        id=input_id.clone()
                        name=name
                        type="radio"
                        value=choice.value
                        checked=selected == choice.value
                        aria-describedby=choice_hint_id.clone()
                    />
                    <Label text=choice.label for_id=input_id classes="nhsuk-radios__label" />
                    {choice.hint.map(|h| view! { <Hint text=h nostrip:id=choice_hint_id classes="nhsuk-radios__hint" /> })}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class=group>
            <fieldset class="nhsuk-fieldset" aria-describedby=describedby>
                <Legend text=heading nostrip:size=legend_size is_page_heading=legend_is_page_heading />
                {hint.map(|h| view! { <Hint text=h nostrip:id=hint_id /> })}
                {error.zip(error_id).map(|(message, eid)| view! { <ErrorMessage message id=eid /> })}
                <div class="nhsuk-radios" data-module="nhsuk-radios">{items}</div>
            </fieldset>
        </div>
    }
}

/// nhsuk's summary list of plain rows: a key, a text value and an optional Change link.
#[component]
pub fn SummaryList(rows: Vec<SummaryRow>) -> impl IntoView {
    view! {
        <SummaryListOf>
            {rows
                .into_iter()
                .map(|row| {
                    view! {
                        <SummaryListRow key=row.key nostrip:change=row.change>
                            {row.value}
                        </SummaryListRow>
                    }
                })
                .collect_view()}
        </SummaryListOf>
    }
}

/// nhsuk's summary list around rows written out as [`SummaryListRow`]s, for values that are
/// more than text (a link, a tag, several lines).
#[component]
pub fn SummaryListOf(children: Children) -> impl IntoView {
    view! { <dl class="nhsuk-summary-list">{children()}</dl> }
}

/// One row of a summary list: the key, the value (the children) and, optionally, a Change
/// link `(href, what it changes)`, the latter said only to screen readers.
#[component]
pub fn SummaryListRow(
    #[prop(into)] key: String,
    #[prop(optional)] change: Option<(String, String)>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">{key}</dt>
            <dd class="nhsuk-summary-list__value">{children()}</dd>
            {change.map(|(href, what)| view! {
                <dd class="nhsuk-summary-list__actions">
                    <a class="nhsuk-link" href=href>
                        {tr!(common.change)}<span class="nhsuk-u-visually-hidden">{format!(" {what}")}</span>
                    </a>
                </dd>
            })}
        </div>
    }
}

/// One option of a [`Select`]: the value posted and the text shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectOption {
    pub value: String,
    pub text: String,
}

/// The nhsuk select: one answer from a list too long for radios (a practice, an event kind).
#[component]
pub fn Select(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = Some(Size::S))] label_size: Option<Size>,
    #[prop(optional)] label_is_page_heading: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = None)] error: Option<String>,
    options: Vec<SelectOption>,
    #[prop(optional, into)] selected: String,
) -> impl IntoView {
    let selected = kept_value(name).unwrap_or(selected);
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let group = form_group(error.is_some(), None);
    let class = if error.is_some() {
        "nhsuk-select nhsuk-select--error"
    } else {
        "nhsuk-select"
    };
    view! {
        <div class=group>
            <Label text=label for_id=id nostrip:size=label_size nostrip:heading_level=label_is_page_heading.then_some(1) />
            {hint.map(|h| view! { <Hint text=h nostrip:id=hint_id.clone() /> })}
            {error.zip(error_id.clone()).map(|(message, eid)| view! { <ErrorMessage message id=eid /> })}
            <select class=class id=id name=name aria-describedby=described_by(hint_id, error_id)>
                {options
                    .into_iter()
                    .map(|option| {
                        let is_selected = option.value == selected;
                        view! { <option value=option.value selected=is_selected>{option.text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// One box of a [`Checkboxes`] question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckboxChoice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// The nhsuk checkboxes: any number of answers to one question, or a single yes/no box without
/// a question (`legend` left out). The first box has the plain `id`, so the error summary's
/// link lands on it.
#[component]
pub fn Checkboxes(
    id: &'static str,
    name: &'static str,
    #[prop(optional, into)] legend: Option<String>,
    #[prop(default = Some(Size::S))] legend_size: Option<Size>,
    #[prop(optional)] legend_is_page_heading: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = None)] error: Option<String>,
    /// Smaller boxes, for a list staff scan rather than a patient's one question.
    #[prop(optional)]
    small: bool,
    choices: Vec<CheckboxChoice>,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let describedby = described_by(hint_id.clone(), error_id.clone());
    let group = form_group(error.is_some(), None);
    let restoring = restoring_kept();
    let boxes_class = if small {
        "nhsuk-checkboxes nhsuk-checkboxes--small"
    } else {
        "nhsuk-checkboxes"
    };
    let items = choices
        .into_iter()
        .enumerate()
        .map(|(i, choice)| {
            let input_id = if i == 0 {
                id.to_owned()
            } else {
                format!("{id}-{}", i + 1)
            };
            view! {
                <div class="nhsuk-checkboxes__item">
                    <input
                        class="nhsuk-checkboxes__input"
                        id=input_id.clone()
                        name=name
                        type="checkbox"
                        value=choice.value.clone()
                        checked=if restoring { kept_choice(name, &choice.value) } else { choice.checked }
                    />
                    <Label text=choice.label for_id=input_id classes="nhsuk-checkboxes__label" />
                </div>
            }
        })
        .collect_view();
    let inner = view! {
        {hint.map(|h| view! { <Hint text=h nostrip:id=hint_id /> })}
        {error.zip(error_id).map(|(message, eid)| view! { <ErrorMessage message id=eid /> })}
        <div class=boxes_class data-module="nhsuk-checkboxes">{items}</div>
    };
    view! {
        <div class=group>
            {match legend {
                Some(legend) => view! {
                    <fieldset class="nhsuk-fieldset" aria-describedby=describedby>
                        <Legend text=legend nostrip:size=legend_size is_page_heading=legend_is_page_heading />
                        {inner}
                    </fieldset>
                }
                .into_any(),
                None => inner.into_any(),
            }}
        </div>
    }
}
