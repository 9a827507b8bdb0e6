//! `/replace-account`: who the patient is, and why an account cannot be replaced when it
//! cannot.

use crate::components::nhsuk::{Button, ButtonLink};
use leptos::prelude::*;

use super::problem_message;
use crate::components::form::{BackLink, DateInput, ErrorSummary, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::domain::Ineligible;
use crate::pages::reset_passphrase::AccessEndedPage;
use crate::tr;
use crate::views::form::{FormErrors, FormProblem};
use crate::views::page::server_view;
use crate::views::replacement::{IdentityValues, IdentityView};
use crate::views::routes;

/// The identity form, or why the account cannot be replaced.
#[component]
pub fn ReplaceAccountPage() -> impl IntoView {
    match server_view::<IdentityView>() {
        IdentityView::Form {
            values,
            errors,
            problem,
        } => view! { <IdentityForm values errors problem /> }.into_any(),
        IdentityView::Ineligible { reason } => view! { <IneligiblePage reason /> }.into_any(),
        IdentityView::NoAccount => view! {
            <PageTitle heading=tr!(replace.no_account.heading) />
            <BackLink href=routes::REPLACE />
            <h1>{tr!(replace.no_account.heading)}</h1>
            <p>{tr!(replace.no_account.not_found)}</p>
            <h2>{tr!(replace.what_you_can_do)}</h2>
            <p>{tr!(replace.no_account.ask, practice = tr!(replace.your_practice))}</p>
        }
        .into_any(),
    }
}

/// NHS number, date of birth and postcode, with what to fix.
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
                    <Button>
                        {tr!(replace.continue_button)}
                    </Button>
                </form>
                <p>
                    <a href=routes::REPLACE_STATUS>{tr!(replace.identity.status_link)}</a>
                </p>
            </div>
        </div>
    }
}

/// Why the account cannot be replaced, and what the patient can do instead.
#[component]
fn IneligiblePage(reason: Ineligible) -> impl IntoView {
    let practice_name = tr!(replace.your_practice);
    match reason {
        Ineligible::UsedRecently => view! {
            <PageTitle heading=tr!(replace.used_recently.heading) />
            <BackLink href=routes::REPLACE />
            <h1>{tr!(replace.used_recently.heading)}</h1>
            <p>{tr!(replace.used_recently.used_on)}</p>
            <h2>{tr!(replace.what_you_can_do)}</h2>
            <p>{tr!(replace.used_recently.change_email)}</p>
            <p>
                {tr!(replace.used_recently.reset_before)}
                <a href=routes::RESET>{tr!(replace.used_recently.reset_link)}</a>
                {tr!(replace.used_recently.reset_after)}
            </p>
            <ButtonLink href=routes::SIGN_IN>
                {tr!(replace.used_recently.sign_in)}
            </ButtonLink>
            <p>{tr!(replace.used_recently.not_you)}</p>
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
        Ineligible::AccessEnded(why) => view! {
            <AccessEndedPage practice_name=practice_name.to_owned() why back=Some(routes::REPLACE) />
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
