//! nhsuk-frontend form components: the markup of the NHS design system's macros, as Leptos
//! components. Field errors come from the server and are shown by the field and in the summary.

use crate::tr;
use crate::views::form::{FormErrors, SummaryRow};
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

/// The error message shown by a field.
#[component]
fn FieldErrorMessage(id: String, message: String) -> impl IntoView {
    view! {
        <span class="nhsuk-error-message" id=id>
            <span class="nhsuk-u-visually-hidden">{tr!(common.error_prefix)}" "</span>
            {message}
        </span>
    }
}

/// A labelled text input with an optional hint and error.
#[component]
pub fn TextInput(
    id: &'static str,
    name: &'static str,
    label: &'static str,
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
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let mut class = String::from("nhsuk-input");
    if error.is_some() {
        class.push_str(" nhsuk-input--error");
    }
    if let Some(width) = width_class {
        class.push(' ');
        class.push_str(width);
    }
    let group = if error.is_some() {
        "nhsuk-form-group nhsuk-form-group--error"
    } else {
        "nhsuk-form-group"
    };
    view! {
        <div class=group>
            <label class="nhsuk-label nhsuk-label--s" for=id>
                {label}
            </label>
            {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id.clone()>{h}</div> })}
            {error.zip(error_id.clone()).map(|(message, eid)| view! { <FieldErrorMessage id=eid message /> })}
            <input
                class=class
                id=id
                name=name
                type=input_type.unwrap_or("text")
                value=value
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
    name_prefix: &'static str,
    legend: &'static str,
    hint: &'static str,
    day: String,
    month: String,
    year: String,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] autocomplete_bday: bool,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let has_error = error.is_some();
    let describedby = described_by(Some(hint_id.clone()), error_id.clone());
    let group = if has_error {
        "nhsuk-form-group nhsuk-form-group--error"
    } else {
        "nhsuk-form-group"
    };
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
        view! {
            <div class="nhsuk-date-input__item">
                <div class="nhsuk-form-group">
                    <label class="nhsuk-label nhsuk-date-input__label" for=format!("{id}-{part}")>
                        {label}
                    </label>
                    <input
                        class=class
                        id=format!("{id}-{part}")
                        name=format!("{name_prefix}_{part}")
                        type="text"
                        inputmode="numeric"
                        value=value
                        autocomplete=autocomplete_bday.then_some(auto)
                    />
                </div>
            </div>
        }
    };
    view! {
        <div class=group>
            <fieldset class="nhsuk-fieldset" role="group" aria-describedby=describedby>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
                <div class="nhsuk-hint" id=hint_id>
                    {hint}
                </div>
                {error.zip(error_id).map(|(message, eid)| view! { <FieldErrorMessage id=eid message /> })}
                <div class="nhsuk-date-input" id=id>
                    {item("day", tr!(common.day), "nhsuk-input--width-2", day, "bday-day")}
                    {item("month", tr!(common.month), "nhsuk-input--width-2", month, "bday-month")}
                    {item("year", tr!(common.year), "nhsuk-input--width-4", year, "bday-year")}
                </div>
            </fieldset>
        </div>
    }
}

/// The nhsuk password input: a "Show" button appears when JavaScript is on.
#[component]
pub fn PasswordInput(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = None)] error: Option<String>,
    autocomplete: &'static str,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let group = if error.is_some() {
        "nhsuk-form-group nhsuk-form-group--error nhsuk-password-input"
    } else {
        "nhsuk-form-group nhsuk-password-input"
    };
    let class = if error.is_some() {
        "nhsuk-input nhsuk-input--error nhsuk-password-input__input nhsuk-js-password-input-input"
    } else {
        "nhsuk-input nhsuk-password-input__input nhsuk-js-password-input-input"
    };
    view! {
        // nhsuk-frontend says "password"; Relink's secrets are passphrases.
        <div
            class=group
            data-module="nhsuk-password-input"
            data-i18n.show-password=tr!(common.show)
            data-i18n.hide-password=tr!(common.hide)
            data-i18n.show-password-aria-label=tr!(common.show_passphrase)
            data-i18n.hide-password-aria-label=tr!(common.hide_passphrase)
            data-i18n.password-shown-announcement=tr!(common.passphrase_shown)
            data-i18n.password-hidden-announcement=tr!(common.passphrase_hidden)
        >
            <label class="nhsuk-label nhsuk-label--s" for=id>
                {label}
            </label>
            {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id.clone()>{h}</div> })}
            {error.zip(error_id.clone()).map(|(message, eid)| view! { <FieldErrorMessage id=eid message /> })}
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
                    aria-label=tr!(common.show_passphrase)
                    aria-controls=id
                    hidden
                >
                    {tr!(common.show)}
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
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let describedby = described_by(hint_id.clone(), error_id.clone());
    let group = if error.is_some() {
        "nhsuk-form-group nhsuk-form-group--error"
    } else {
        "nhsuk-form-group"
    };
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
                    <label class="nhsuk-label nhsuk-radios__label" for=input_id>
                        {choice.label}
                    </label>
                    {choice.hint.map(|h| view! { <div class="nhsuk-hint nhsuk-radios__hint" id=choice_hint_id>{h}</div> })}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class=group>
            <fieldset class="nhsuk-fieldset" aria-describedby=describedby>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--l">
                    <h1 class="nhsuk-fieldset__heading">{heading}</h1>
                </legend>
                {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id>{h}</div> })}
                {error.zip(error_id).map(|(message, eid)| view! { <FieldErrorMessage id=eid message /> })}
                <div class="nhsuk-radios" data-module="nhsuk-radios">{items}</div>
            </fieldset>
        </div>
    }
}

#[component]
pub fn SummaryList(rows: Vec<SummaryRow>) -> impl IntoView {
    view! {
        <dl class="nhsuk-summary-list">
            {rows
                .into_iter()
                .map(|row| {
                    view! {
                        <div class="nhsuk-summary-list__row">
                            <dt class="nhsuk-summary-list__key">{row.key}</dt>
                            <dd class="nhsuk-summary-list__value">{row.value}</dd>
                            {row.change.map(|(href, what)| view! {
                                <dd class="nhsuk-summary-list__actions">
                                    <a href=href>
                                        {tr!(common.change)}<span class="nhsuk-u-visually-hidden">{format!(" {what}")}</span>
                                    </a>
                                </dd>
                            })}
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}
