//! Sign in, "Your account", and help for activity the patient does not recognise.
//!
//! [`AccountSummary`] is plain data and [`AccountDetails`] only renders it, so the staff
//! preview of a test patient can show exactly what the patient sees.

use crate::components::nhsuk::{Button, ButtonVariant, Tag, TagColour};
use leptos::prelude::*;

use crate::components::form::{PasswordInput, SummaryListOf, SummaryListRow, TextInput};
use crate::components::layout::PageTitle;
use crate::components::sign_in::{session_ended_note, SignInFrame};
use crate::domain::{
    OnlineService, PatientActivity, RecordAccessLevel, RecordVisibility, ServiceState,
    VisibleFromRule,
};
use crate::language::{locale, long_date};
use crate::tr;
use crate::views::account::{AccountSummary, DetailField, DetailSource, DetailValue, SignInView};
use crate::views::page::server_view;
use crate::views::routes;

fn detail_label(field: DetailField) -> &'static str {
    match field {
        DetailField::Name => tr!(account.details.name),
        DetailField::DateOfBirth => tr!(account.details.date_of_birth),
        DetailField::Address => tr!(account.details.address),
        DetailField::NhsNumber => tr!(account.details.nhs_number),
    }
}

/// A detail written in the page's language (dates as "1 February 1980").
fn detail_value(value: DetailValue) -> String {
    match value {
        DetailValue::Text(text) => text,
        DetailValue::Date(date) => long_date(date, locale()),
        DetailValue::NoAddress => tr!(account.details.no_address).to_owned(),
    }
}

/// What an event of the patient's recent activity says to them.
fn activity_description(activity: PatientActivity) -> &'static str {
    match activity {
        PatientActivity::SignedIn => tr!(account.activity.signed_in),
        PatientActivity::SignInFailed => tr!(account.activity.sign_in_failed),
        PatientActivity::SignInLockout => tr!(account.activity.sign_in_lockout),
        PatientActivity::PassphraseReset => tr!(account.activity.passphrase_reset),
        PatientActivity::PinVerificationFailed => tr!(account.activity.pin_verification_failed),
        PatientActivity::PinLockout => tr!(account.activity.pin_lockout),
        PatientActivity::SignedOut => tr!(account.activity.signed_out),
        PatientActivity::SignedOutEverywhere => tr!(account.activity.signed_out_everywhere),
        PatientActivity::AccountReplaced => tr!(account.activity.account_replaced),
        PatientActivity::ReplacementIdentityFailed => {
            tr!(account.activity.replacement_identity_failed)
        }
        PatientActivity::ReplacementRequested => tr!(account.activity.replacement_requested),
        PatientActivity::ReplacementCancelled => tr!(account.activity.replacement_cancelled),
    }
}

impl DetailSource {
    fn label(self) -> &'static str {
        match self {
            Self::GpRecord => tr!(account.details.from_gp_record),
            Self::NhsSpine => tr!(account.details.from_spine),
        }
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let view = server_view::<SignInView>();
    let mut summary = view.errors.clone();
    if let Some(problem) = view.problem {
        summary.add("account-id", problem.message());
    }
    let signed_out = if let Some(minutes) = view.timed_out_after_minutes {
        Some(session_ended_note(minutes))
    } else if view.signed_out_everywhere {
        Some(tr!(account.sign_in.signed_out_everywhere).to_owned())
    } else {
        view.signed_out
            .then(|| tr!(account.sign_in.signed_out).to_owned())
    };
    view! {
        <SignInFrame heading=tr!(account.sign_in.heading) summary signed_out>
                <form method="post" action=routes::SIGN_IN novalidate>
                    <TextInput
                        id="account-id"
                        name="account_id"
                        label=tr!(account.sign_in.account_id_label)
                        hint=tr!(account.sign_in.account_id_hint)
                        value=view.account_id
                        error=view.errors.for_field("account-id")
                        width_class="nhsuk-input--width-10"
                        autocomplete="username"
                        spellcheck_off=true
                    />
                    <TextInput
                        id="ods-code"
                        name="ods_code"
                        label=tr!(account.sign_in.ods_code_label)
                        hint=tr!(account.sign_in.ods_code_hint)
                        value=view.ods_code
                        error=view.errors.for_field("ods-code")
                        width_class="nhsuk-input--width-5"
                        autocomplete="off"
                        spellcheck_off=true
                    />
                    <PasswordInput
                        id="passphrase"
                        name="passphrase"
                        label=tr!(account.sign_in.passphrase_label)
                        error=view.errors.for_field("passphrase")
                        autocomplete="current-password"
                    />
                    <Button>
                        {tr!(account.sign_in.submit)}
                    </Button>
                </form>
                <p>
                    <a href=routes::RESET>{tr!(account.sign_in.forgotten)}</a>
                </p>
                <p>
                    <a href=routes::CANNOT_SIGN_IN>{tr!(account.sign_in.other_reason)}</a>
                </p>
        </SignInFrame>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    match server_view::<Option<AccountSummary>>() {
        Some(summary) => view! {
            <PageTitle heading=tr!(account.page.heading) />
            <h1>{tr!(account.page.heading)}</h1>
            <AccountDetails summary />
            <form method="post" action=routes::SIGN_OUT>
                <Button variant=ButtonVariant::Secondary>
                    {tr!(account.page.sign_out)}
                </Button>
            </form>
            <h2>{tr!(account.page.sign_out_everywhere_heading)}</h2>
            <p>{tr!(account.page.sign_out_everywhere_hint)}</p>
            <form method="post" action=routes::SIGN_OUT_EVERYWHERE>
                <Button variant=ButtonVariant::Secondary>
                    {tr!(account.page.sign_out_everywhere)}
                </Button>
            </form>
        }
        .into_any(),
        None => view! {
            <PageTitle heading=tr!(account.page.sign_in_heading) />
            <h1>{tr!(account.page.sign_in_heading)}</h1>
            <p><a href=routes::SIGN_IN>{tr!(account.page.sign_in_link)}</a></p>
        }
        .into_any(),
    }
}

fn service_state_text(state: ServiceState) -> (&'static str, TagColour) {
    match state {
        ServiceState::Available => (tr!(account.services.available), TagColour::Green),
        ServiceState::NotOfferedByPractice => (tr!(account.services.not_offered), TagColour::Grey),
        ServiceState::NotSwitchedOnForYou => {
            (tr!(account.services.not_switched_on), TagColour::Grey)
        }
    }
}

fn service_name(service: OnlineService) -> &'static str {
    match service {
        OnlineService::Appointments => tr!(account.services.appointments),
        OnlineService::RepeatPrescriptions => tr!(account.services.repeat_prescriptions),
        OnlineService::HealthRecord => tr!(account.services.health_record),
        OnlineService::Messages => tr!(account.services.messages),
    }
}

fn level_name(level: RecordAccessLevel) -> &'static str {
    match level {
        RecordAccessLevel::None => tr!(account.level.none),
        RecordAccessLevel::Summary => tr!(account.level.summary),
        RecordAccessLevel::DetailedCoded => tr!(account.level.detailed_coded),
        RecordAccessLevel::Full => tr!(account.level.full),
    }
}

/// Which date the record is visible from, as a sentence.
fn visible_from_sentence(rule: VisibleFromRule) -> &'static str {
    match rule {
        VisibleFromRule::PracticeSetDate => tr!(account.record.from_practice_set),
        VisibleFromRule::JoinedPractice => tr!(account.record.from_joined),
        VisibleFromRule::RequestedAccess => tr!(account.record.from_requested),
    }
}

/// Access is on but the date its rule needs is missing, as a sentence.
fn date_missing_sentence(level: RecordAccessLevel, rule: VisibleFromRule) -> String {
    let level = level_name(level);
    match rule {
        VisibleFromRule::PracticeSetDate => tr!(account.record.missing_practice_set, level = level),
        VisibleFromRule::JoinedPractice => tr!(account.record.missing_joined, level = level),
        VisibleFromRule::RequestedAccess => tr!(account.record.missing_requested, level = level),
    }
}

/// "Your account", from data alone: shared by the patient's page and the staff preview.
#[component]
pub fn AccountDetails(summary: AccountSummary) -> impl IntoView {
    let record = match summary.record.clone() {
        RecordVisibility::NotSwitchedOn => view! {
            <p>{tr!(account.record.not_switched_on)}</p>
            <p><strong>{tr!(account.record.ask_switch_on)}</strong></p>
        }
        .into_any(),
        RecordVisibility::SummaryOnly => view! {
            <p>{tr!(account.record.summary_only)}</p>
            <p>{tr!(account.record.ask_detailed)}</p>
        }
        .into_any(),
        RecordVisibility::Visible {
            level,
            from,
            because,
        } => view! {
            <SummaryListOf>
                <SummaryListRow key=tr!(account.record.access)>{level_name(level)}</SummaryListRow>
                <SummaryListRow key=tr!(account.record.visible_from)>{long_date(from, locale())}</SummaryListRow>
            </SummaryListOf>
            <p>{visible_from_sentence(because)}</p>
        }
        .into_any(),
        RecordVisibility::DateMissing { level, rule } => view! {
            <p>{date_missing_sentence(level, rule)}</p>
            <p><strong>{tr!(account.record.ask_check)}</strong></p>
        }
        .into_any(),
    };
    let services = summary
        .services
        .iter()
        .map(|(service, state)| {
            let (text, class) = service_state_text(*state);
            view! {
                <SummaryListRow key=service_name(*service)>
                        <Tag text colour=class />
                    </SummaryListRow>
            }
        })
        .collect_view();
    let details = summary
        .details
        .into_iter()
        .map(|row| {
            let mismatch = row.other_source_value.map(|other| {
                let other = detail_value(other);
                let other_source_has = match row.source {
                    DetailSource::GpRecord => tr!(account.details.spine_has, value = other),
                    DetailSource::NhsSpine => tr!(account.details.gp_record_has, value = other),
                };
                view! {
                    <p class="nhsuk-u-margin-bottom-0">
                        <Tag text=tr!(account.details.does_not_match) colour=TagColour::Orange />
                        {format!(" {other_source_has}")}
                    </p>
                }
            });
            view! {
                <SummaryListRow key=detail_label(row.field)>
                        <p class="nhsuk-u-margin-bottom-1">{detail_value(row.value)}</p>
                        <p class="nhsuk-body-s nhsuk-u-margin-bottom-1 nhsuk-u-secondary-text-colour">{match row.read_on {
                            Some(date) => tr!(account.details.from_spine_read, date = long_date(date, locale())),
                            None => row.source.label().to_owned(),
                        }}</p>
                        {mismatch}
                    </SummaryListRow>
            }
        })
        .collect_view();
    let activity = if summary.activity.is_empty() {
        view! { <p>{tr!(account.activity.none)}</p> }.into_any()
    } else {
        let items = summary
            .activity
            .into_iter()
            .map(|item| {
                view! {
                    <SummaryListRow key=long_date(item.date, locale())>{activity_description(item.activity)}</SummaryListRow>
                }
            })
            .collect_view();
        view! { <SummaryListOf>{items}</SummaryListOf> }.into_any()
    };
    view! {
        <h2>{tr!(account.practice.heading)}</h2>
        <SummaryListOf>
            <SummaryListRow key=tr!(account.practice.name)>{summary.practice_name.clone()}</SummaryListRow>
            <SummaryListRow key=tr!(account.practice.ods_code)>{summary.practice_ods.clone()}</SummaryListRow>
            <SummaryListRow key=tr!(account.practice.clinical_system)>{summary.clinical_system.clone()}</SummaryListRow>
        </SummaryListOf>
        <h2>{tr!(account.record.heading)}</h2>
        {record}
        <h2>{tr!(account.services.heading)}</h2>
        <SummaryListOf>{services}</SummaryListOf>
        <h2>{tr!(account.details.heading)}</h2>
        <SummaryListOf>{details}</SummaryListOf>
        <h3>{tr!(account.details.something_wrong)}</h3>
        <p>{tr!(account.details.address_source)}</p>
        <p>{tr!(account.details.spine_source)}</p>
        <h2>{tr!(account.activity.heading)}</h2>
        {activity}
        <p>
            <a href=routes::NOT_ME>{tr!(account.activity.not_me)}</a>
        </p>
    }
}

#[component]
pub fn NotMePage() -> impl IntoView {
    view! {
        <PageTitle heading=tr!(account.not_me.heading) />
        <h1>{tr!(account.not_me.heading)}</h1>
        <p>{tr!(account.not_me.intro)}</p>
        <ol>
            <li>{tr!(account.not_me.contact)}</li>
            <li>{tr!(account.not_me.new_pin)}</li>
            <li>{tr!(account.not_me.reset)}</li>
        </ol>
        <p>{tr!(account.not_me.health_information)}</p>
        <p><a href=routes::ACCOUNT>{tr!(account.not_me.back)}</a></p>
    }
}
