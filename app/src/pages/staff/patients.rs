//! Finding a patient by NHS number, and the patient page.

use crate::components::nhsuk::{
    Button, ButtonLink, ButtonVariant, CalloutText, InsetText, Tag, TagColour, WarningCallout,
};
use leptos::prelude::*;

use super::{PatientTable, StaffNav};
use crate::components::form::{ErrorSummary, SummaryListOf, SummaryListRow, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::domain::Confidentiality;
use crate::language::{locale, long_date};
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{FindPatientView, PdsNotice, SpineAddress, SpineView, StaffPatientView};

/// The NHS number search and, once searched, what it found.
#[component]
pub fn FindPatientPage() -> impl IntoView {
    let view = server_view::<FindPatientView>();
    let heading = tr!(staff.find.heading);
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <ErrorSummary errors=view.errors.clone() />
        <h1>{heading}</h1>
        <form method="get" action=routes::FIND_PATIENT novalidate>
            <TextInput id="nhs-number" name="nhs_number" label=tr!(staff.nhs_number) hint=tr!(staff.find.hint) value=view.query.clone() error=view.errors.for_field("nhs-number") width_class="nhsuk-input--width-10" autocomplete="off" numeric=true />
            <Button>{tr!(staff.find.button)}</Button>
        </form>
        {view.results.map(|rows| if rows.is_empty() {
            view! { <p>{tr!(staff.find.none)}</p> }.into_any()
        } else {
            view! { <PatientTable caption=tr!(staff.find.caption) rows /> }.into_any()
        })}
    }
}

/// A patient's details, account and PIN document, and what staff can do for them.
#[component]
pub fn StaffPatientPage() -> impl IntoView {
    let view = server_view::<StaffPatientView>();
    let action = if view.is_emis {
        tr!(staff.reset_linkage_key)
    } else {
        tr!(staff.issue_passphrase)
    };
    view! {
        <PageTitle heading=view.name.clone() />
        <StaffNav username=view.username.clone() />
        <h1>
            {view.name.clone()}
            {view.is_test.then(|| view! { " "<Tag text=tr!(staff.test_patient_tag) colour=TagColour::Purple /> })}
        </h1>
        <SummaryListOf>
            <SummaryListRow key=tr!(staff.nhs_number)>{view.nhs_number.clone()}</SummaryListRow>
            <SummaryListRow key=tr!(staff.date_of_birth)>{view.date_of_birth.clone()}</SummaryListRow>
            <SummaryListRow key=tr!(staff.practice)>{format!("{} ({})", view.practice, view.clinical_system)}</SummaryListRow>
            <SummaryListRow key=tr!(staff.account_id)>{view.account_id.clone().unwrap_or_else(|| tr!(staff.patient_page.no_account).to_owned())}</SummaryListRow>
            {view.access_ended.clone().map(|ended| view! {
                <SummaryListRow key=tr!(staff.end_access.access_ended_label)>{ended}</SummaryListRow>
            })}
            <SummaryListRow key=tr!(staff.pin_document)>{view.document.clone().unwrap_or_else(|| tr!(staff.patient_page.no_document).to_owned())}</SummaryListRow>
        </SummaryListOf>
        <div class="nhsuk-button-group">
            {if view.can_register {
                view! { <ButtonLink href=routes::staff_register(&view.id)>{tr!(staff.register.heading)}</ButtonLink> }.into_any()
            } else {
                view! { <ButtonLink href=routes::staff_reissue(&view.id)>{action}</ButtonLink> }.into_any()
            }}
            {view.is_test.then(|| view! {
                <ButtonLink href=routes::staff_preview_start(&view.id) variant=ButtonVariant::Secondary>{tr!(staff.patient_page.preview_button)}</ButtonLink>
            })}
            {view.can_change_access.then(|| view! {
                <ButtonLink href=routes::staff_access(&view.id) variant=ButtonVariant::Secondary>{tr!(staff.access_change.heading)}</ButtonLink>
                <ButtonLink href=routes::staff_end_access(&view.id) variant=ButtonVariant::Secondary>{tr!(staff.end_access.heading)}</ButtonLink>
            })}
        </div>
        <h2 id="spine">{tr!(staff.pds.heading)}</h2>
        {view.pds_notice.map(|notice| view! { <PdsNoticeMessage notice just_checked=true /> })}
        {match view.spine.clone() {
            Some(spine) => view! { <SpineDetails spine /> }.into_any(),
            None => view! { <p>{tr!(staff.pds.never_read)}</p> }.into_any(),
        }}
        {if view.can_check_pds {
            view! {
                <form method="post" action=routes::staff_check_pds(&view.id) novalidate>
                    <Button variant=ButtonVariant::Secondary>{tr!(staff.pds.check_button)}</Button>
                </form>
            }.into_any()
        } else if view.is_test {
            view! { <p>{tr!(staff.pds.test_patient)}</p> }.into_any()
        } else {
            view! { <p>{tr!(staff.pds.not_configured)}</p> }.into_any()
        }}
    }
}

/// What a "Check against PDS" found: a status line when it got an answer, a warning callout
/// (with what to do) when it did not. Announced (`status`, `alert`) only right after the
/// check (`just_checked`); the lasting note of a record PDS no longer has is plain content.
#[component]
fn PdsNoticeMessage(notice: PdsNotice, just_checked: bool) -> impl IntoView {
    let text = match notice {
        PdsNotice::Checked => tr!(staff.pds.notice.checked),
        PdsNotice::Superseded => tr!(staff.pds.notice.superseded),
        PdsNotice::CheckedJustNow => tr!(staff.pds.notice.checked_just_now),
        PdsNotice::SupersededConflict => tr!(staff.pds.notice.superseded_conflict),
        PdsNotice::NotFound => tr!(staff.pds.notice.not_found),
        PdsNotice::Invalidated => tr!(staff.pds.notice.invalidated),
        PdsNotice::InvalidNumber => tr!(staff.pds.notice.invalid_number),
        PdsNotice::Unavailable => tr!(staff.pds.notice.unavailable),
        PdsNotice::TimedOut => tr!(staff.pds.notice.timed_out),
        PdsNotice::RateLimited => tr!(staff.pds.notice.rate_limited),
        PdsNotice::CredentialsRefused => tr!(staff.pds.notice.credentials_refused),
        PdsNotice::Unreadable => tr!(staff.pds.notice.unreadable),
    };
    if notice.is_success() {
        let role = just_checked.then_some("status");
        view! { <InsetText nostrip:role=role><p>{text}</p></InsetText> }.into_any()
    } else {
        let role = just_checked.then_some("alert");
        view! {
            <WarningCallout heading=tr!(staff.pds.notice.not_checked) nostrip:role=role>
                <CalloutText>{text}</CalloutText>
            </WarningCallout>
        }
        .into_any()
    }
}

/// Each value PDS gave, with the date it was read; why an address is missing, and what a
/// deceased or restricted record means for the practice.
#[component]
fn SpineDetails(spine: SpineView) -> impl IntoView {
    let l = locale();
    let missing = || tr!(staff.pds.not_given).to_owned();
    let row = |key: &'static str, value: String| {
        view! {
            <SummaryListRow key=key>{value}</SummaryListRow>
        }
    };
    let address = match spine.address.clone() {
        SpineAddress::Recorded(text) => text,
        SpineAddress::NoneRecorded => missing(),
        SpineAddress::Withheld => tr!(staff.pds.address_withheld).to_owned(),
    };
    let gender = spine.gender.as_deref().map(|code| match code {
        "male" => tr!(staff.pds.gender_male).to_owned(),
        "female" => tr!(staff.pds.gender_female).to_owned(),
        "other" => tr!(staff.pds.gender_other).to_owned(),
        "unknown" => tr!(staff.pds.gender_unknown).to_owned(),
        other => other.to_owned(),
    });
    let gp = spine.gp_ods.clone().unwrap_or_else(missing);
    let label = match spine.confidentiality {
        Confidentiality::Unrestricted => tr!(staff.pds.label_unrestricted),
        Confidentiality::Restricted => tr!(staff.pds.label_restricted),
        Confidentiality::VeryRestricted => tr!(staff.pds.label_very_restricted),
    };
    view! {
        {spine.gone.map(|notice| view! { <PdsNoticeMessage notice just_checked=false /> })}
        {spine.deceased_on.map(|date| view! {
            <WarningCallout heading=tr!(staff.pds.deceased_heading)>
                <CalloutText>{tr!(staff.pds.deceased, date = long_date(date, l))}</CalloutText>
            </WarningCallout>
        })}
        {spine.confidentiality.hides_whereabouts().then(|| view! {
            <WarningCallout heading=tr!(staff.pds.restricted_heading)>
                <CalloutText>{tr!(staff.pds.restricted)}</CalloutText>
            </WarningCallout>
        })}
        <p>{tr!(staff.pds.read_on, date = long_date(spine.read_on, l))}</p>
        <SummaryListOf>
            {row(tr!(staff.pds.name), spine.name.clone().unwrap_or_else(missing))}
            {row(tr!(staff.date_of_birth), spine.date_of_birth.map(|d| long_date(d, l)).unwrap_or_else(missing))}
            {row(tr!(staff.pds.address), address)}
            {row(tr!(staff.pds.gender), gender.unwrap_or_else(missing))}
            {row(tr!(staff.pds.gp_practice), gp)}
            {row(tr!(staff.pds.label), label.to_owned())}
            {row(tr!(staff.pds.version), spine.version.clone().unwrap_or_else(missing))}
        </SummaryListOf>
        {spine.gp_elsewhere.then(|| view! { <p>{tr!(staff.pds.gp_elsewhere)}</p> })}
    }
}
