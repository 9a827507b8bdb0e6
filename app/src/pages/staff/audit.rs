//! The audit log of the member's practices.

use crate::components::nhsuk::{
    Button, ButtonVariant, Table, TableBody, TableCell, TableHead, TableHeader, TableRow,
};
use leptos::prelude::*;

use crate::components::layout::TableScroll;

use super::StaffNav;
use crate::components::form::{Select, SelectOption, TextInput};
use crate::components::layout::PageTitle;
use time::OffsetDateTime;

use crate::domain::AuditKind;
use crate::language::{locale, long_date};
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::AuditView;

/// One page of the log, with its filters and the links to the pages either side.
#[component]
pub fn AuditPage() -> impl IntoView {
    let view = server_view::<AuditView>();
    let link = |page: i64| {
        format!(
            "{}?patient={}&kind={}&page={page}",
            routes::AUDIT,
            view.patient,
            view.kind.map_or("", AuditKind::code)
        )
    };
    let (previous, next) = (
        (view.page > 0).then(|| link(view.page - 1)),
        view.more.then(|| link(view.page + 1)),
    );
    view! {
        <PageTitle heading=tr!(staff.audit.heading) />
        <StaffNav username=view.username.clone() />
        <h1>{tr!(staff.audit.heading)}</h1>
        <form method="get" action=routes::AUDIT class="relink-filter" novalidate>
            <TextInput id="patient" name="patient" label=tr!(staff.audit.patient_filter) value=view.patient.clone() width_class="nhsuk-input--width-20" autocomplete="off" />
            <Select
                id="kind"
                name="kind"
                label=tr!(staff.audit.event)
                options=std::iter::once(SelectOption { value: String::new(), text: tr!(staff.audit.all_events).to_owned() })
                    .chain(AuditKind::ALL.into_iter().map(|k| SelectOption { value: k.code().to_owned(), text: audit_kind_label(k).to_owned() }))
                    .collect()
                selected=view.kind.map(|k| k.code().to_owned()).unwrap_or_default()
            />
            <Button variant=ButtonVariant::Secondary>{tr!(staff.audit.filter)}</Button>
        </form>
        {if view.rows.is_empty() {
            view! { <p>{tr!(staff.audit.none)}</p> }.into_any()
        } else {
            view! {
                <TableScroll label=(tr!(staff.audit.caption, page = view.page + 1)).to_string()><Table caption=tr!(staff.audit.caption, page = view.page + 1)>
                    <TableHead>
                            <TableHeader>{tr!(staff.audit.when)}</TableHeader>
                            <TableHeader>{tr!(staff.audit.event)}</TableHeader>
                            <TableHeader>{tr!(staff.audit.by)}</TableHeader>
                            <TableHeader>{tr!(staff.patient)}</TableHeader>
                            <TableHeader>{tr!(staff.audit.detail)}</TableHeader>
                        </TableHead>
                    <TableBody>
                        {view.rows.into_iter().map(|r| view! {
                            <TableRow>
                                <TableCell>{when(r.when)}</TableCell>
                                <TableCell>{r.kind.map_or(r.code, |kind| audit_kind_label(kind).to_owned())}</TableCell>
                                <TableCell>{r.actor}</TableCell>
                                <TableCell>{r.patient_id.map(|p| view! { <a href=routes::staff_patient(&p)>{p.clone()}</a> })}</TableCell>
                                // Details are stored as they were written, in English: marked so
                                // that screen readers read them with an English voice.
                                <TableCell lang="en-GB">{r.detail}</TableCell>
                            </TableRow>
                        }).collect_view()}
                    </TableBody>
                </Table></TableScroll>
            }.into_any()
        }}
        <nav class="nhsuk-pagination" role="navigation" aria-label=tr!(staff.audit.pages)>
            <ul class="nhsuk-list nhsuk-pagination__list">
                {previous.map(|href| view! { <li class="nhsuk-pagination-item--previous"><a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href=href><span class="nhsuk-pagination__title">{tr!(staff.audit.previous)}</span></a></li> })}
                {next.map(|href| view! { <li class="nhsuk-pagination-item--next"><a class="nhsuk-pagination__link nhsuk-pagination__link--next" href=href><span class="nhsuk-pagination__title">{tr!(staff.audit.next)}</span></a></li> })}
            </ul>
        </nav>
    }
}

/// When an event happened, to the minute: "1 December 2026 20:15" (UTC, as stored).
pub(super) fn when(at: OffsetDateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        long_date(at.date(), locale()),
        at.hour(),
        at.minute()
    )
}

/// What an audit event's kind says to staff, in their language. Every kind has its label: a
/// new kind without one does not compile.
fn audit_kind_label(kind: AuditKind) -> &'static str {
    match kind {
        AuditKind::DemoSeeded => tr!(staff.audit.kinds.demo_seeded),
        AuditKind::PinVerificationFailed => tr!(staff.audit.kinds.pin_verification_failed),
        AuditKind::PinLockout => tr!(staff.audit.kinds.pin_lockout),
        AuditKind::PinExpiredSeen => tr!(staff.audit.kinds.pin_expired_seen),
        AuditKind::PinUsedSeen => tr!(staff.audit.kinds.pin_used_seen),
        AuditKind::PassphraseReset => tr!(staff.audit.kinds.passphrase_reset),
        AuditKind::SignedIn => tr!(staff.audit.kinds.signed_in),
        AuditKind::SignInFailed => tr!(staff.audit.kinds.sign_in_failed),
        AuditKind::SignedOut => tr!(staff.audit.kinds.signed_out),
        AuditKind::ReplacementIdentityFailed => {
            tr!(staff.audit.kinds.replacement_identity_failed)
        }
        AuditKind::ReplacementLockout => tr!(staff.audit.kinds.replacement_lockout),
        AuditKind::ReplacementRefused => tr!(staff.audit.kinds.replacement_refused),
        AuditKind::SecurityCodeSent => tr!(staff.audit.kinds.security_code_sent),
        AuditKind::SecurityCodeFailed => tr!(staff.audit.kinds.security_code_failed),
        AuditKind::AccountReplaced => tr!(staff.audit.kinds.account_replaced),
        AuditKind::ReplacementRequested => tr!(staff.audit.kinds.replacement_requested),
        AuditKind::ReplacementCancelled => tr!(staff.audit.kinds.replacement_cancelled),
        AuditKind::StaffAdded => tr!(staff.audit.kinds.staff_added),
        AuditKind::StaffSignedIn => tr!(staff.audit.kinds.staff_signed_in),
        AuditKind::StaffSignInFailed => tr!(staff.audit.kinds.staff_sign_in_failed),
        AuditKind::StaffSignedOut => tr!(staff.audit.kinds.staff_signed_out),
        AuditKind::TestPatientCreated => tr!(staff.audit.kinds.test_patient_created),
        AuditKind::PreviewStarted => tr!(staff.audit.kinds.preview_started),
        AuditKind::PreviewEnded => tr!(staff.audit.kinds.preview_ended),
        AuditKind::PinDocumentIssued => tr!(staff.audit.kinds.pin_document_issued),
        AuditKind::SignInLockout => tr!(staff.audit.kinds.sign_in_lockout),
        AuditKind::StaffSignInLockout => tr!(staff.audit.kinds.staff_sign_in_lockout),
        AuditKind::StatusLookupLockout => tr!(staff.audit.kinds.status_lookup_lockout),
        AuditKind::ClientLockout => tr!(staff.audit.kinds.client_lockout),
        AuditKind::SignedOutEverywhere => tr!(staff.audit.kinds.signed_out_everywhere),
        AuditKind::NewPassphraseLockout => tr!(staff.audit.kinds.new_passphrase_lockout),
        AuditKind::StaffViewedPatient => tr!(staff.audit.kinds.staff_viewed_patient),
        AuditKind::StaffSearchedPatients => tr!(staff.audit.kinds.staff_searched_patients),
        AuditKind::StaffPrintedPinDocument => tr!(staff.audit.kinds.staff_printed_pin_document),
        AuditKind::StaffViewedMismatches => tr!(staff.audit.kinds.staff_viewed_mismatches),
        AuditKind::StaffViewedRequests => tr!(staff.audit.kinds.staff_viewed_requests),
        AuditKind::IdentityCheckDailyLockout => {
            tr!(staff.audit.kinds.identity_check_daily_lockout)
        }
        AuditKind::StaffCheckedPds => tr!(staff.audit.kinds.staff_checked_pds),
        AuditKind::PdsRecordSuperseded => tr!(staff.audit.kinds.pds_record_superseded),
        AuditKind::PdsRecordGone => tr!(staff.audit.kinds.pds_record_gone),
        AuditKind::RefusedDeceased => tr!(staff.audit.kinds.refused_deceased),
        AuditKind::PatientsImported => tr!(staff.audit.kinds.patients_imported),
        AuditKind::RecordAccessChanged => tr!(staff.audit.kinds.record_access_changed),
        AuditKind::OnlineAccessEnded => tr!(staff.audit.kinds.online_access_ended),
        AuditKind::PracticeSystemChanged => tr!(staff.audit.kinds.practice_system_changed),
        AuditKind::RefusedAccessEnded => tr!(staff.audit.kinds.refused_access_ended),
        AuditKind::PatientMovedPractice => tr!(staff.audit.kinds.patient_moved_practice),
        AuditKind::StaffDisabled => tr!(staff.audit.kinds.staff_disabled),
        AuditKind::StaffEnabled => tr!(staff.audit.kinds.staff_enabled),
        AuditKind::StaffPasswordReset => tr!(staff.audit.kinds.staff_password_reset),
        AuditKind::StaffSignInAlert => tr!(staff.audit.kinds.staff_sign_in_alert),
        AuditKind::StaffPasswordChanged => tr!(staff.audit.kinds.staff_password_changed),
        AuditKind::StaffSecondFactorEnrolled => tr!(staff.audit.kinds.staff_second_factor_enrolled),
        AuditKind::StaffSecondFactorFailed => tr!(staff.audit.kinds.staff_second_factor_failed),
        AuditKind::StaffSecondFactorLockout => tr!(staff.audit.kinds.staff_second_factor_lockout),
        AuditKind::StaffRecoveryCodeUsed => tr!(staff.audit.kinds.staff_recovery_code_used),
        AuditKind::StaffSecondFactorReset => tr!(staff.audit.kinds.staff_second_factor_reset),
        AuditKind::StaffProviderSignInRefused => {
            tr!(staff.audit.kinds.staff_provider_sign_in_refused)
        }
        AuditKind::StaffProviderSignInFailed => {
            tr!(staff.audit.kinds.staff_provider_sign_in_failed)
        }
        AuditKind::StaffProviderAccessSet => tr!(staff.audit.kinds.staff_provider_access_set),
        AuditKind::RegisteredForOnlineServices => {
            tr!(staff.audit.kinds.registered_for_online_services)
        }
        AuditKind::PracticeAdded => tr!(staff.audit.kinds.practice_added),
    }
}
