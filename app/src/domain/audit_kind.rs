//! The kinds of event the audit log records. A domain type, so the pages can say what each one
//! means (to staff, and to the patient in their recent activity) without knowing the database.

use serde::{Deserialize, Serialize};

/// What happened; stored as its code so the log stays readable in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditKind {
    DemoSeeded,
    PinVerificationFailed,
    PinLockout,
    PinExpiredSeen,
    PinUsedSeen,
    PassphraseReset,
    SignedIn,
    SignInFailed,
    SignedOut,
    ReplacementIdentityFailed,
    ReplacementLockout,
    ReplacementRefused,
    SecurityCodeSent,
    SecurityCodeFailed,
    AccountReplaced,
    StaffAdded,
    StaffSignedIn,
    StaffSignInFailed,
    StaffSignedOut,
    TestPatientCreated,
    PreviewStarted,
    PreviewEnded,
    PinDocumentIssued,
    SignInLockout,
    StaffSignInLockout,
    StatusLookupLockout,
    ClientLockout,
    ReplacementRequested,
    ReplacementCancelled,
    SignedOutEverywhere,
    NewPassphraseLockout,
    /// A staff member opened a patient's page. Every staff read of a record is logged.
    StaffViewedPatient,
    /// A staff member searched for a patient by NHS number (how many were found, and who).
    StaffSearchedPatients,
    /// A staff member was shown a PIN document to print, with its one-time secret.
    StaffPrintedPinDocument,
    /// A staff member viewed the demographic mismatches list.
    StaffViewedMismatches,
    /// A staff member viewed the replacement requests list.
    StaffViewedRequests,
    /// An NHS number reached the daily cap on identity-check failures: staff are shown it.
    IdentityCheckDailyLockout,
    /// A staff member pressed "Check against PDS" for a patient (what PDS answered).
    StaffCheckedPds,
    /// PDS returned the record under a new NHS number: the patient was re-keyed to it (or
    /// could not be, when another patient has it).
    PdsRecordSuperseded,
    /// PDS no longer holds the patient's record (not found, or invalidated).
    PdsRecordGone,
    /// Someone with a deceased patient's credentials was refused (sign-in, reset, replacement).
    RefusedDeceased,
    /// A file of patients was imported into a practice (how many added, updated, rejected).
    PatientsImported,
    /// A patient was registered for online services (settings, identity check, first PIN
    /// document).
    RegisteredForOnlineServices,
    /// A practice was added (from the command line or by an administrator).
    PracticeAdded,
    /// A registered patient's record access or services were changed, with the reason.
    RecordAccessChanged,
    /// Staff ended a patient's online access (they left the practice), with the reason.
    OnlineAccessEnded,
    /// A practice moved to another clinical system: every live account there ended.
    PracticeSystemChanged,
    /// Someone with the credentials of an account whose access the practice ended was refused
    /// (sign-in, reset, replacement).
    RefusedAccessEnded,
    /// An import moved a patient here from another Relink practice, where they had no live
    /// online account (recorded under the practice they left, so its staff see where they went).
    PatientMovedPractice,
    /// A staff member was disabled (a leaver): their sessions ended, they cannot sign in.
    StaffDisabled,
    /// A disabled staff member may sign in again.
    StaffEnabled,
    /// A staff member's password was reset to a new one-time password; their sessions ended.
    StaffPasswordReset,
    /// Many failed sign-ins on one staff username from anywhere within 15 minutes: an alert to
    /// administrators (no lock, which a stranger could force on the member).
    StaffSignInAlert,
    /// A staff member changed their password (the first one, at first sign-in, or after a reset).
    StaffPasswordChanged,
    /// A staff member set up an authenticator app and was given new recovery codes.
    StaffSecondFactorEnrolled,
    /// A wrong (or already used) authenticator or recovery code at staff sign-in.
    StaffSecondFactorFailed,
    /// Too many wrong security codes for one staff member: locked for 15 minutes.
    StaffSecondFactorLockout,
    /// A staff member signed in with one of their recovery codes (it cannot be used again).
    StaffRecoveryCodeUsed,
    /// A staff member's authenticator and recovery codes were removed: they set up a new one at their next sign-in; their sessions ended.
    StaffSecondFactorReset,
    /// Someone who signed in with the identity provider was refused: no role at a Relink
    /// practice, too weak a sign-in (`acr`), or a disabled member.
    StaffProviderSignInRefused,
    /// A sign-in with the identity provider did not complete: no such sign-in in progress (or
    /// used already), a wrong `state`, or a code or ID token the checks refused.
    StaffProviderSignInFailed,
    /// A member who signed in with the identity provider was given the practices and role
    /// their claims say (made, or brought up to date).
    StaffProviderAccessSet,
}

impl AuditKind {
    /// Every kind, for filters.
    pub const ALL: [Self; 62] = [
        Self::DemoSeeded,
        Self::PinVerificationFailed,
        Self::PinLockout,
        Self::PinExpiredSeen,
        Self::PinUsedSeen,
        Self::PassphraseReset,
        Self::SignedIn,
        Self::SignInFailed,
        Self::SignedOut,
        Self::ReplacementIdentityFailed,
        Self::ReplacementLockout,
        Self::ReplacementRefused,
        Self::SecurityCodeSent,
        Self::SecurityCodeFailed,
        Self::AccountReplaced,
        Self::StaffAdded,
        Self::StaffSignedIn,
        Self::StaffSignInFailed,
        Self::StaffSignedOut,
        Self::TestPatientCreated,
        Self::PreviewStarted,
        Self::PreviewEnded,
        Self::PinDocumentIssued,
        Self::SignInLockout,
        Self::StaffSignInLockout,
        Self::StatusLookupLockout,
        Self::ClientLockout,
        Self::ReplacementRequested,
        Self::ReplacementCancelled,
        Self::SignedOutEverywhere,
        Self::NewPassphraseLockout,
        Self::StaffViewedPatient,
        Self::StaffSearchedPatients,
        Self::StaffPrintedPinDocument,
        Self::StaffViewedMismatches,
        Self::StaffViewedRequests,
        Self::IdentityCheckDailyLockout,
        Self::StaffCheckedPds,
        Self::PdsRecordSuperseded,
        Self::PdsRecordGone,
        Self::RefusedDeceased,
        Self::PatientsImported,
        Self::RegisteredForOnlineServices,
        Self::PracticeAdded,
        Self::RecordAccessChanged,
        Self::OnlineAccessEnded,
        Self::PracticeSystemChanged,
        Self::RefusedAccessEnded,
        Self::PatientMovedPractice,
        Self::StaffDisabled,
        Self::StaffEnabled,
        Self::StaffPasswordReset,
        Self::StaffSignInAlert,
        Self::StaffPasswordChanged,
        Self::StaffSecondFactorEnrolled,
        Self::StaffSecondFactorFailed,
        Self::StaffSecondFactorLockout,
        Self::StaffRecoveryCodeUsed,
        Self::StaffSecondFactorReset,
        Self::StaffProviderSignInRefused,
        Self::StaffProviderSignInFailed,
        Self::StaffProviderAccessSet,
    ];

    /// The code stored in the log.
    pub fn code(self) -> &'static str {
        match self {
            Self::DemoSeeded => "demo_seeded",
            Self::PinVerificationFailed => "pin_verification_failed",
            Self::PinLockout => "pin_lockout",
            Self::PinExpiredSeen => "pin_expired_seen",
            Self::PinUsedSeen => "pin_used_seen",
            Self::PassphraseReset => "passphrase_reset",
            Self::SignedIn => "signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignedOut => "signed_out",
            Self::ReplacementIdentityFailed => "replacement_identity_failed",
            Self::ReplacementLockout => "replacement_lockout",
            Self::ReplacementRefused => "replacement_refused",
            Self::SecurityCodeSent => "security_code_sent",
            Self::SecurityCodeFailed => "security_code_failed",
            Self::AccountReplaced => "account_replaced",
            Self::StaffAdded => "staff_added",
            Self::StaffSignedIn => "staff_signed_in",
            Self::StaffSignInFailed => "staff_sign_in_failed",
            Self::StaffSignedOut => "staff_signed_out",
            Self::TestPatientCreated => "test_patient_created",
            Self::PreviewStarted => "preview_started",
            Self::PreviewEnded => "preview_ended",
            Self::PinDocumentIssued => "pin_document_issued",
            Self::SignInLockout => "sign_in_lockout",
            Self::StaffSignInLockout => "staff_sign_in_lockout",
            Self::StatusLookupLockout => "status_lookup_lockout",
            Self::ClientLockout => "client_lockout",
            Self::ReplacementRequested => "replacement_requested",
            Self::ReplacementCancelled => "replacement_cancelled",
            Self::SignedOutEverywhere => "signed_out_everywhere",
            Self::NewPassphraseLockout => "new_passphrase_lockout",
            Self::StaffViewedPatient => "staff_viewed_patient",
            Self::StaffSearchedPatients => "staff_searched_patients",
            Self::StaffPrintedPinDocument => "staff_printed_pin_document",
            Self::StaffViewedMismatches => "staff_viewed_mismatches",
            Self::StaffViewedRequests => "staff_viewed_requests",
            Self::IdentityCheckDailyLockout => "identity_check_daily_lockout",
            Self::StaffCheckedPds => "staff_checked_pds",
            Self::PdsRecordSuperseded => "pds_record_superseded",
            Self::PdsRecordGone => "pds_record_gone",
            Self::RefusedDeceased => "refused_deceased",
            Self::PatientsImported => "patients_imported",
            Self::RegisteredForOnlineServices => "registered_for_online_services",
            Self::PracticeAdded => "practice_added",
            Self::RecordAccessChanged => "record_access_changed",
            Self::OnlineAccessEnded => "online_access_ended",
            Self::PracticeSystemChanged => "practice_system_changed",
            Self::RefusedAccessEnded => "refused_access_ended",
            Self::PatientMovedPractice => "patient_moved_practice",
            Self::StaffDisabled => "staff_disabled",
            Self::StaffEnabled => "staff_enabled",
            Self::StaffPasswordReset => "staff_password_reset",
            Self::StaffSignInAlert => "staff_sign_in_alert",
            Self::StaffPasswordChanged => "staff_password_changed",
            Self::StaffSecondFactorEnrolled => "staff_second_factor_enrolled",
            Self::StaffSecondFactorFailed => "staff_second_factor_failed",
            Self::StaffSecondFactorLockout => "staff_second_factor_lockout",
            Self::StaffRecoveryCodeUsed => "staff_recovery_code_used",
            Self::StaffSecondFactorReset => "staff_second_factor_reset",
            Self::StaffProviderSignInRefused => "staff_provider_sign_in_refused",
            Self::StaffProviderSignInFailed => "staff_provider_sign_in_failed",
            Self::StaffProviderAccessSet => "staff_provider_access_set",
        }
    }

    /// The kind a stored code names, if it is one of ours.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// The events a patient sees in "Recent security activity": what they did, or what someone
/// did with their details. Staff actions are for staff only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PatientActivity {
    SignedIn,
    SignInFailed,
    SignInLockout,
    PassphraseReset,
    PinVerificationFailed,
    PinLockout,
    SignedOut,
    SignedOutEverywhere,
    AccountReplaced,
    ReplacementIdentityFailed,
    ReplacementRequested,
    ReplacementCancelled,
}

impl PatientActivity {
    /// The patient's view of an event, if they are shown it.
    pub fn from_kind(kind: AuditKind) -> Option<Self> {
        Some(match kind {
            AuditKind::SignedIn => Self::SignedIn,
            AuditKind::SignInFailed => Self::SignInFailed,
            AuditKind::SignInLockout => Self::SignInLockout,
            AuditKind::PassphraseReset => Self::PassphraseReset,
            AuditKind::PinVerificationFailed => Self::PinVerificationFailed,
            AuditKind::PinLockout => Self::PinLockout,
            AuditKind::SignedOut => Self::SignedOut,
            AuditKind::SignedOutEverywhere => Self::SignedOutEverywhere,
            AuditKind::AccountReplaced => Self::AccountReplaced,
            AuditKind::ReplacementIdentityFailed => Self::ReplacementIdentityFailed,
            AuditKind::ReplacementRequested => Self::ReplacementRequested,
            AuditKind::ReplacementCancelled => Self::ReplacementCancelled,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_code_that_reads_back() {
        let mut codes: Vec<_> = AuditKind::ALL.iter().map(|kind| kind.code()).collect();
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::from_code(kind.code()), Some(kind));
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AuditKind::ALL.len());
        assert_eq!(AuditKind::from_code("nonsense"), None);
    }

    #[test]
    fn patients_see_their_own_events_and_no_staff_actions() {
        assert_eq!(
            PatientActivity::from_kind(AuditKind::SignInLockout),
            Some(PatientActivity::SignInLockout)
        );
        for kind in [
            AuditKind::StaffSignedIn,
            AuditKind::PreviewStarted,
            AuditKind::ClientLockout,
            AuditKind::TestPatientCreated,
        ] {
            assert_eq!(PatientActivity::from_kind(kind), None, "{kind:?}");
        }
    }
}
