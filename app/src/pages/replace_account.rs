//! `/replace-account`: identity check, eligibility, new email address confirmed by a code,
//! check your answers, confirmation with a reference number, and a status page. One thing per
//! page; every page works with JavaScript off (forms post to their own address).

use leptos::prelude::*;

use crate::components::form::{BackLink, DateInput, ErrorSummary, SummaryList, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::domain::Ineligible;
use crate::language::{locale, long_date};
use crate::tr;
use crate::views::form::{FormErrors, FormProblem};
use crate::views::page::server_view;
use crate::views::replacement::{
    CheckView, CodeView, EmailView, IdentityValues, IdentityView, ReplaceDoneView, RequestStatus,
    StatusView,
};
use crate::views::routes;

/// The generic answer to a mismatch or too many tries, in the page's language.
fn problem_message(problem: Option<FormProblem>) -> Option<&'static str> {
    match problem {
        Some(FormProblem::NoMatch) => Some(tr!(replace.problem.no_match)),
        Some(FormProblem::LockedOut) => Some(tr!(replace.problem.locked_out)),
        Some(FormProblem::ClientLockedOut) => Some(tr!(replace.problem.client_locked_out)),
        None => None,
    }
}

#[component]
fn JourneyEnded() -> impl IntoView {
    view! {
        <PageTitle heading=tr!(replace.ended.heading) />
        <h1>{tr!(replace.ended.heading)}</h1>
        <p>{tr!(replace.ended.time)}</p>
        <p>{tr!(replace.ended.nothing_changed)}</p>
        <a class="nhsuk-button" data-module="nhsuk-button" href=routes::REPLACE role="button" draggable="false">
            {tr!(replace.ended.start_again)}
        </a>
    }
}

#[component]
pub fn ReplaceAccountPage() -> impl IntoView {
    match server_view::<IdentityView>() {
        IdentityView::Form {
            values,
            errors,
            problem,
        } => view! { <IdentityForm values errors problem /> }.into_any(),
        IdentityView::Ineligible {
            reason,
            practice_name,
        } => view! { <IneligiblePage reason practice_name /> }.into_any(),
        IdentityView::NoAccount { practice_name } => view! {
            <PageTitle heading=tr!(replace.no_account.heading) />
            <BackLink href=routes::REPLACE />
            <h1>{tr!(replace.no_account.heading)}</h1>
            <p>{tr!(replace.no_account.not_found)}</p>
            <h2>{tr!(replace.what_you_can_do)}</h2>
            <p>{tr!(replace.no_account.ask, practice = practice_name)}</p>
        }
        .into_any(),
    }
}

#[component]
fn IdentityForm(
    values: IdentityValues,
    errors: FormErrors,
    problem: Option<FormProblem>,
) -> impl IntoView {
    let mut summary = errors.clone();
    if let Some(message) = problem_message(problem) {
        summary.add("nhs-number", message);
    }
    let heading = tr!(replace.identity.heading);
    view! {
        <PageTitle heading=error_title(heading, &summary) />
        <BackLink href=routes::CANNOT_SIGN_IN />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=summary />
                <h1>{heading}</h1>
                <p>{tr!(replace.identity.intro)}</p>
                <p>{tr!(replace.identity.moves)}</p>
                <p>{tr!(replace.identity.first)}</p>
                <form method="post" action=routes::REPLACE novalidate>
                    <TextInput
                        id="nhs-number"
                        name="nhs_number"
                        label=tr!(replace.identity.nhs_number_label)
                        hint=tr!(replace.identity.nhs_number_hint)
                        value=values.nhs_number
                        error=errors.for_field("nhs-number")
                        width_class="nhsuk-input--width-10"
                        autocomplete="off"
                        spellcheck_off=true
                        numeric=true
                    />
                    <DateInput
                        id="date-of-birth"
                        name_prefix="date_of_birth"
                        legend=tr!(replace.dob_legend)
                        hint=tr!(replace.dob_hint)
                        day=values.dob_day
                        month=values.dob_month
                        year=values.dob_year
                        error=errors.for_field("date-of-birth")
                        autocomplete_bday=true
                    />
                    <TextInput
                        id="postcode"
                        name="postcode"
                        label=tr!(replace.identity.postcode_label)
                        hint=tr!(replace.identity.postcode_hint)
                        value=values.postcode
                        error=errors.for_field("postcode")
                        width_class="nhsuk-input--width-10"
                        autocomplete="postal-code"
                    />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                        {tr!(replace.continue_button)}
                    </button>
                </form>
                <p>
                    <a href=routes::REPLACE_STATUS>{tr!(replace.identity.status_link)}</a>
                </p>
            </div>
        </div>
    }
}

#[component]
fn IneligiblePage(reason: Ineligible, practice_name: String) -> impl IntoView {
    match reason {
        Ineligible::UsedRecently { last_used_on } => view! {
            <PageTitle heading=tr!(replace.used_recently.heading) />
            <BackLink href=routes::REPLACE />
            <h1>{tr!(replace.used_recently.heading)}</h1>
            <p>{tr!(replace.used_recently.used_on, date = long_date(last_used_on, locale()))}</p>
            <h2>{tr!(replace.what_you_can_do)}</h2>
            <p>{tr!(replace.used_recently.change_email)}</p>
            <p>
                {tr!(replace.used_recently.reset_before)}
                <a href=routes::RESET>{tr!(replace.used_recently.reset_link)}</a>
                {tr!(replace.used_recently.reset_after)}
            </p>
            <a class="nhsuk-button" data-module="nhsuk-button" href=routes::SIGN_IN role="button" draggable="false">
                {tr!(replace.used_recently.sign_in)}
            </a>
            <p>{tr!(replace.used_recently.not_you, practice = practice_name)}</p>
        }
        .into_any(),
        Ineligible::ReplacedBefore => view! {
            <PageTitle heading=tr!(replace.replaced_before.heading) />
            <BackLink href=routes::REPLACE />
            <h1>{tr!(replace.replaced_before.heading)}</h1>
            <p>{tr!(replace.replaced_before.once)}</p>
            <h2>{tr!(replace.what_you_can_do)}</h2>
            <p>{tr!(replace.contact_practice, practice = practice_name)}</p>
            <p>
                {tr!(replace.replaced_before.status_before)}
                <a href=routes::REPLACE_STATUS>{tr!(replace.replaced_before.status_link)}</a>
                {tr!(replace.replaced_before.status_after)}
            </p>
        }
        .into_any(),
        Ineligible::TooManyAccounts => view! {
            <PageTitle heading=tr!(replace.too_many.heading) />
            <BackLink href=routes::REPLACE />
            <h1>{tr!(replace.too_many.heading)}</h1>
            <p>{tr!(replace.too_many.limit)}</p>
            <h2>{tr!(replace.what_you_can_do)}</h2>
            <p>{tr!(replace.contact_practice, practice = practice_name)}</p>
        }
        .into_any(),
    }
}

#[component]
pub fn ReplaceEmailPage() -> impl IntoView {
    match server_view::<EmailView>() {
        EmailView::JourneyEnded => view! { <JourneyEnded /> }.into_any(),
        EmailView::Ready { value, errors } => {
            let heading = tr!(replace.email.heading);
            view! {
                <PageTitle heading=error_title(heading, &errors) />
                <BackLink href=routes::REPLACE />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=errors.clone() />
                        <h1>{heading}</h1>
                        <p>{tr!(replace.email.intro)}</p>
                        <form method="post" action=routes::REPLACE_EMAIL novalidate>
                            <TextInput
                                id="email"
                                name="email"
                                label=tr!(replace.email.label)
                                hint=tr!(replace.email.hint)
                                value=value
                                error=errors.for_field("email")
                                input_type="email"
                                autocomplete="email"
                                spellcheck_off=true
                            />
                            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                                {tr!(replace.email.send)}
                            </button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn ResendForm(can_resend: bool) -> impl IntoView {
    if can_resend {
        view! {
            <form method="post" action=routes::REPLACE_RESEND novalidate>
                <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit">
                    {tr!(replace.resend.button)}
                </button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <p>
                {tr!(replace.resend.limit_before)}
                <a href=routes::REPLACE>{tr!(replace.resend.limit_link)}</a>
                {tr!(replace.resend.limit_after)}
            </p>
        }
        .into_any()
    }
}

#[component]
pub fn SecurityCodePage() -> impl IntoView {
    match server_view::<CodeView>() {
        CodeView::JourneyEnded => view! { <JourneyEnded /> }.into_any(),
        CodeView::CodeDead { email, can_resend } => view! {
            <PageTitle heading=tr!(replace.code.dead_heading) />
            <BackLink href=routes::REPLACE_EMAIL />
            <h1>{tr!(replace.code.dead_heading)}</h1>
            <p>{tr!(replace.code.dead_text, email = email)}</p>
            <p>{tr!(replace.code.nothing_changed)}</p>
            <ResendForm can_resend />
        }
        .into_any(),
        CodeView::Ready {
            email,
            errors,
            resent,
            can_resend,
        } => {
            let heading = tr!(replace.code.heading);
            view! {
                <PageTitle heading=error_title(heading, &errors) />
                <BackLink href=routes::REPLACE_EMAIL />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=errors.clone() />
                        {resent.then(|| view! {
                            <div class="nhsuk-inset-text" role="status">
                                <span class="nhsuk-u-visually-hidden">{tr!(common.information)}" "</span>
                                <p>{tr!(replace.code.resent)}</p>
                            </div>
                        })}
                        <h1>{heading}</h1>
                        <p>{tr!(replace.code.sent, email = email)}</p>
                        <form method="post" action=routes::REPLACE_CODE novalidate>
                            <TextInput
                                id="security-code"
                                name="security_code"
                                label=tr!(replace.code.label)
                                hint=tr!(replace.code.hint)
                                error=errors.for_field("security-code")
                                width_class="nhsuk-input--width-5"
                                autocomplete="one-time-code"
                                spellcheck_off=true
                                numeric=true
                            />
                            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                                {tr!(replace.continue_button)}
                            </button>
                        </form>
                        <details class="nhsuk-details">
                            <summary class="nhsuk-details__summary">
                                <span class="nhsuk-details__summary-text">{tr!(replace.code.not_received)}</span>
                            </summary>
                            <div class="nhsuk-details__text">
                                <p>{tr!(replace.code.wait)}</p>
                                <p>
                                    {tr!(replace.code.wrong_before)}
                                    <a href=routes::REPLACE_EMAIL>{tr!(replace.code.wrong_link)}</a>
                                    {tr!(replace.code.wrong_after)}
                                </p>
                                <ResendForm can_resend />
                            </div>
                        </details>
                    </div>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
pub fn CheckAnswersPage() -> impl IntoView {
    match server_view::<CheckView>() {
        CheckView::JourneyEnded => view! { <JourneyEnded /> }.into_any(),
        CheckView::Ready { rows } => view! {
            <PageTitle heading=tr!(replace.check.heading) />
            <BackLink href=routes::REPLACE_CODE />
            <div class="nhsuk-grid-row">
                <div class="nhsuk-grid-column-two-thirds">
                    <h1>{tr!(replace.check.heading)}</h1>
                    <SummaryList rows />
                    <h2>{tr!(replace.check.what_happens)}</h2>
                    <ul>
                        <li>{tr!(replace.check.new_account)}</li>
                        <li>{tr!(replace.check.marked)}</li>
                        <li>{tr!(replace.check.moves)}</li>
                        <li>{tr!(replace.check.signed_out)}</li>
                    </ul>
                    <form method="post" action=routes::REPLACE_CHECK novalidate>
                        <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                            {tr!(replace.check.request)}
                        </button>
                    </form>
                </div>
            </div>
        }
        .into_any(),
    }
}

#[component]
pub fn ReplaceDonePage() -> impl IntoView {
    let ReplaceDoneView {
        reference,
        email,
        practice_name,
    } = server_view::<ReplaceDoneView>();
    view! {
        <PageTitle heading=tr!(replace.done.heading) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <div class="nhsuk-panel">
                    <h1 class="nhsuk-panel__heading">{tr!(replace.done.heading)}</h1>
                    <div class="nhsuk-panel__body">
                        {tr!(replace.done.reference)}<br />
                        <strong>{reference}</strong>
                    </div>
                </div>
                <p>{tr!(replace.done.sent, email = email)}</p>
                <h2>{tr!(replace.done.next_heading)}</h2>
                <p>{tr!(replace.done.passphrase)}</p>
                <p>
                    {tr!(replace.done.pin_before)}
                    <a href=routes::RESET>{tr!(replace.done.pin_link)}</a>
                    {tr!(replace.done.pin_after)}
                </p>
                <p>{tr!(replace.done.ask, practice = practice_name)}</p>
                <p>
                    {tr!(replace.done.status_before)}
                    <a href=routes::REPLACE_STATUS>{tr!(replace.done.status_link)}</a>
                    {tr!(replace.done.status_after)}
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn ReplacementStatusPage() -> impl IntoView {
    match server_view::<StatusView>() {
        StatusView::Form {
            reference,
            dob,
            errors,
            problem,
        } => {
            let mut summary = errors.clone();
            if let Some(message) = problem_message(problem) {
                summary.add("reference", message);
            }
            let heading = tr!(replace.status.heading);
            view! {
                <PageTitle heading=error_title(heading, &summary) />
                <BackLink href=routes::REPLACE />
                <div class="nhsuk-grid-row">
                    <div class="nhsuk-grid-column-two-thirds">
                        <ErrorSummary errors=summary />
                        <h1>{heading}</h1>
                        <form method="post" action=routes::REPLACE_STATUS novalidate>
                            <TextInput
                                id="reference"
                                name="reference"
                                label=tr!(replace.status.reference_label)
                                hint=tr!(replace.status.reference_hint)
                                value=reference
                                error=errors.for_field("reference")
                                width_class="nhsuk-input--width-10"
                                autocomplete="off"
                                spellcheck_off=true
                            />
                            <DateInput
                                id="date-of-birth"
                                name_prefix="date_of_birth"
                                legend=tr!(replace.dob_legend)
                                hint=tr!(replace.dob_hint)
                                day=dob.0
                                month=dob.1
                                year=dob.2
                                error=errors.for_field("date-of-birth")
                                autocomplete_bday=true
                            />
                            <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                                {tr!(replace.status.button)}
                            </button>
                        </form>
                    </div>
                </div>
            }
            .into_any()
        }
        StatusView::Found(status) => view! { <StatusFound status /> }.into_any(),
    }
}

#[component]
fn StatusFound(status: RequestStatus) -> impl IntoView {
    let (tag_class, tag_text) = if status.complete {
        ("nhsuk-tag nhsuk-tag--green", tr!(replace.status.complete))
    } else {
        ("nhsuk-tag nhsuk-tag--blue", tr!(replace.status.in_progress))
    };
    view! {
        <PageTitle heading=tr!(replace.status.found_heading) />
        <BackLink href=routes::REPLACE_STATUS />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{tr!(replace.status.found_heading)}</h1>
                <p>
                    {tr!(replace.status.summary, reference = status.reference, date = status.requested_on)}
                    <strong class=tag_class>{tag_text}</strong>
                </p>
                <ol class="nhsuk-list">
                    {status
                        .steps
                        .into_iter()
                        .map(|step| {
                            let (class, text) = if step.done {
                                ("nhsuk-tag nhsuk-tag--green", tr!(replace.status.done))
                            } else {
                                ("nhsuk-tag nhsuk-tag--grey", tr!(replace.status.to_do))
                            };
                            view! {
                                <li>
                                    <h2 class="nhsuk-heading-s">{step.title}" "<strong class=class>{text}</strong></h2>
                                    <p>{step.detail}</p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
                <p>{tr!(replace.status.contact, practice = status.practice_name)}</p>
            </div>
        </div>
    }
}
