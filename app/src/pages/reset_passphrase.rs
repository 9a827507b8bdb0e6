//! The TPP passphrase reset journey: PIN document details, a new passphrase, confirmation.
//!
//! Forms post to the page's own address and the server answers with the page again (with
//! errors, values kept) or a redirect (post-redirect-get), so the journey is the same with
//! JavaScript on or off. What the server decided reaches the page as a view value in context.

use crate::components::nhsuk::{Button, ButtonLink, Panel};
use leptos::prelude::*;

use crate::components::form::{BackLink, DateInput, ErrorSummary, PasswordInput, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::domain::AccessEnd;
use crate::language::{locale, long_date};
use crate::tr;
use crate::views::form::{FormErrors, FormProblem};
use crate::views::page::server_view;
use crate::views::reset::{DoneView, NewPassphraseView, ResetFormValues, ResetView};
use crate::views::routes;

/// The generic answer to any mismatch, the same whether or not the account exists. These
/// constants are the English text (benchmarks and other parts compare against them); pages
/// show [`FormProblem::message`], which is in the page's language.
pub const NO_MATCH: &str = "The details you entered do not match our records";
pub const LOCKED_OUT: &str =
    "You have entered incorrect details too many times. Try again in 15 minutes.";
pub const CLIENT_LOCKED_OUT: &str =
    "There have been too many attempts from your internet connection. Try again in 15 minutes.";

impl FormProblem {
    /// The problem as the error summary says it, in the language of the page being rendered.
    pub fn message(self) -> &'static str {
        match self {
            Self::NoMatch => tr!(reset.no_match),
            Self::LockedOut => tr!(reset.locked_out),
            Self::ClientLockedOut => tr!(reset.client_locked_out),
            Self::LockedForToday => tr!(reset.locked_for_today),
            Self::AccessEnded(AccessEnd::Deceased) => tr!(reset.access_ended.sign_in),
            Self::AccessEnded(AccessEnd::LeftPractice) => tr!(reset.access_ended.left_sign_in),
            Self::AccessEnded(AccessEnd::SystemChanged) => {
                tr!(reset.access_ended.system_sign_in)
            }
        }
    }
}

#[component]
pub fn ResetPassphrasePage() -> impl IntoView {
    match server_view::<ResetView>() {
        ResetView::Form {
            values,
            errors,
            problem,
        } => view! { <ResetForm values errors problem /> }.into_any(),
        ResetView::Expired {
            expired_on,
            practice_name,
        } => view! {
            <PageTitle heading=tr!(reset.expired.heading) />
            <BackLink href=routes::RESET />
            <h1>{tr!(reset.expired.heading)}</h1>
            <p>{tr!(reset.expired.expired_on, date = long_date(expired_on, locale()))}</p>
            <p>{tr!(reset.expired.rule)}</p>
            <h2>{tr!(reset.what_you_can_do)}</h2>
            <p>{tr!(reset.expired.ask, practice_name = practice_name)}</p>
        }
        .into_any(),
        ResetView::AlreadyUsed { practice_name } => {
            view! { <AlreadyUsed practice_name=Some(practice_name) /> }.into_any()
        }
        ResetView::EmisPractice { practice_name } => view! {
            <PageTitle heading=tr!(reset.emis.heading) />
            <BackLink href=routes::RESET />
            <h1>{tr!(reset.emis.heading)}</h1>
            <p>{tr!(reset.emis.uses_emis, practice_name = practice_name)}</p>
            <h2>{tr!(reset.what_you_can_do)}</h2>
            <p>{tr!(reset.emis.contact)}</p>
            <p>{tr!(reset.emis.identity)}</p>
        }
        .into_any(),
        ResetView::AccessEnded { practice_name, why } => {
            view! { <AccessEndedPage practice_name why back=None /> }.into_any()
        }
    }
}

#[component]
fn AlreadyUsed(practice_name: Option<String>) -> impl IntoView {
    let ask = match practice_name {
        Some(practice_name) => tr!(reset.already_used.ask, practice_name = practice_name),
        None => tr!(reset.already_used.ask_your_practice).to_owned(),
    };
    view! {
        <PageTitle heading=tr!(reset.already_used.heading) />
        <BackLink href=routes::RESET />
        <h1>{tr!(reset.already_used.heading)}</h1>
        <p>{tr!(reset.already_used.once)}</p>
        <h2>{tr!(reset.what_you_can_do)}</h2>
        <p>{tr!(reset.already_used.sign_in)}</p>
        <p>{ask}</p>
    }
}

#[component]
fn ResetForm(
    values: ResetFormValues,
    errors: FormErrors,
    problem: Option<FormProblem>,
) -> impl IntoView {
    let mut summary = errors.clone();
    if let Some(problem) = problem {
        summary.add("account-id", problem.message());
    }
    let heading = tr!(reset.form.heading);
    let title = error_title(heading, &summary);
    view! {
        <PageTitle heading=title />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=summary />
                <h1>{heading}</h1>
                <p>{tr!(reset.form.intro)}</p>
                <form method="post" action=routes::RESET novalidate>
                    <TextInput
                        id="account-id"
                        name="account_id"
                        label=tr!(reset.form.account_id_label)
                        hint=tr!(reset.form.account_id_hint)
                        value=values.account_id
                        error=errors.for_field("account-id")
                        width_class="nhsuk-input--width-10"
                        autocomplete="username"
                        spellcheck_off=true
                    />
                    <TextInput
                        id="ods-code"
                        name="ods_code"
                        label=tr!(reset.form.ods_code_label)
                        hint=tr!(reset.form.ods_code_hint)
                        value=values.ods_code
                        error=errors.for_field("ods-code")
                        width_class="nhsuk-input--width-5"
                        autocomplete="off"
                        spellcheck_off=true
                    />
                    <TextInput
                        id="pin-passphrase"
                        name="pin_passphrase"
                        label=tr!(reset.form.pin_passphrase_label)
                        hint=tr!(reset.form.pin_passphrase_hint)
                        error=errors.for_field("pin-passphrase")
                        width_class="nhsuk-input--width-20"
                        autocomplete="one-time-code"
                        spellcheck_off=true
                    />
                    <DateInput
                        id="date-of-birth"
                        name_prefix="date_of_birth"
                        legend=tr!(reset.form.date_of_birth_legend)
                        hint=tr!(reset.form.date_of_birth_hint)
                        day=values.dob_day
                        month=values.dob_month
                        year=values.dob_year
                        error=errors.for_field("date-of-birth")
                        autocomplete_bday=true
                    />
                    <Button>
                        {tr!(reset.form.continue_button)}
                    </Button>
                </form>
                <details class="nhsuk-details">
                    <summary class="nhsuk-details__summary">
                        <span class="nhsuk-details__summary-text">{tr!(reset.form.no_pin_summary)}</span>
                    </summary>
                    <div class="nhsuk-details__text">
                        <p>{tr!(reset.form.no_pin_ask)}</p>
                        <p>{tr!(reset.form.no_pin_lasts)}</p>
                    </div>
                </details>
            </div>
        </div>
    }
}

#[component]
pub fn NewPassphrasePage() -> impl IntoView {
    match server_view::<NewPassphraseView>() {
        NewPassphraseView::Ready { errors } => {
            let heading = tr!(reset.new_passphrase.heading);
            let title = error_title(heading, &errors);
            view! {
                <PageTitle heading=title />
                <BackLink href=routes::RESET />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=errors.clone() />
                        <h1>{heading}</h1>
                        <p>{tr!(reset.new_passphrase.length)}</p>
                        <p>{tr!(reset.new_passphrase.advice)}</p>
                        <form method="post" action=routes::NEW_PASSPHRASE novalidate>
                            <PasswordInput
                                id="new-passphrase"
                                name="new_passphrase"
                                label=tr!(reset.new_passphrase.new_label)
                                hint=tr!(reset.new_passphrase.new_hint)
                                error=errors.for_field("new-passphrase")
                                autocomplete="new-password"
                            />
                            <PasswordInput
                                id="confirm-passphrase"
                                name="confirm_passphrase"
                                label=tr!(reset.new_passphrase.confirm_label)
                                error=errors.for_field("confirm-passphrase")
                                autocomplete="new-password"
                            />
                            <Button>
                                {tr!(reset.new_passphrase.submit)}
                            </Button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
        NewPassphraseView::AlreadyUsed { practice_name } => {
            view! { <AlreadyUsed practice_name /> }.into_any()
        }
        NewPassphraseView::TooManyAttempts { from_connection } => view! {
            <PageTitle heading=tr!(reset.too_many_attempts.heading) />
            <h1>{tr!(reset.too_many_attempts.heading)}</h1>
            <p>
                {if from_connection {
                    tr!(reset.client_locked_out)
                } else {
                    tr!(reset.too_many_attempts.limit)
                }}
            </p>
            <p>{tr!(reset.session_ended.nothing_changed)}</p>
            <ButtonLink href=routes::RESET>
                {tr!(reset.too_many_attempts.start_again)}
            </ButtonLink>
        }
        .into_any(),
        NewPassphraseView::SessionEnded => view! {
            <PageTitle heading=tr!(reset.session_ended.heading) />
            <h1>{tr!(reset.session_ended.heading)}</h1>
            <p>{tr!(reset.session_ended.time_limit)}</p>
            <p>{tr!(reset.session_ended.nothing_changed)}</p>
            <ButtonLink href=routes::RESET>
                {tr!(reset.session_ended.enter_again)}
            </ButtonLink>
        }
        .into_any(),
    }
}

#[component]
pub fn ResetDonePage() -> impl IntoView {
    let DoneView {
        practice_name,
        activated,
    } = server_view::<DoneView>();
    let heading = if activated {
        tr!(reset.done.activated_heading)
    } else {
        tr!(reset.done.heading)
    };
    let not_you = match practice_name {
        Some(practice_name) => tr!(reset.done.not_you, practice_name = practice_name),
        None => tr!(reset.done.not_you_your_practice).to_owned(),
    };
    view! {
        <PageTitle heading=heading />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <Panel heading=heading>{tr!(reset.done.body)}</Panel>
                {activated.then(|| view! { <p>{tr!(reset.done.activated_text)}</p> })}
                <h2>{tr!(reset.done.next_heading)}</h2>
                <p>{tr!(reset.done.used_up)}</p>
                <p>{tr!(reset.done.sign_in)}</p>
                <p>{not_you}</p>
            </div>
        </div>
    }
}

/// Why an account no longer works and what to do next: the same page wherever the patient
/// typed their details (reset, replacement, activation), in the page's language.
#[component]
pub(crate) fn AccessEndedPage(
    practice_name: String,
    why: AccessEnd,
    back: Option<&'static str>,
) -> impl IntoView {
    let (heading, ended, contact) = match why {
        AccessEnd::Deceased => (
            tr!(reset.access_ended.heading),
            tr!(reset.access_ended.ended).to_owned(),
            tr!(
                reset.access_ended.contact,
                practice_name = practice_name.clone()
            ),
        ),
        AccessEnd::LeftPractice => (
            tr!(reset.access_ended.left_heading),
            tr!(
                reset.access_ended.left_ended,
                practice_name = practice_name.clone()
            ),
            tr!(
                reset.access_ended.left_contact,
                practice_name = practice_name.clone()
            ),
        ),
        AccessEnd::SystemChanged => (
            tr!(reset.access_ended.system_heading),
            tr!(
                reset.access_ended.system_ended,
                practice_name = practice_name.clone()
            ),
            tr!(
                reset.access_ended.system_contact,
                practice_name = practice_name.clone()
            ),
        ),
    };
    view! {
        <PageTitle heading=heading />
        {back.map(|href| view! { <BackLink href=href /> })}
        <h1>{heading}</h1>
        <p>{ended}</p>
        <h2>{tr!(reset.what_you_can_do)}</h2>
        <p>{contact}</p>
    }
}
