//! What the staff area's pages show.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::account::AccountSummary;
use super::form::{FormErrors, FormProblem};
use crate::domain::{AuditKind, Confidentiality, DemographicField, Recorded, ReplacementState};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSignInView {
    pub username: String,
    /// The sign-in step ran out of time (or was ended): start again with the password.
    pub step_ended: bool,
    pub errors: FormErrors,
    pub problem: Option<FormProblem>,
    pub signed_out: bool,
    /// The session ended unused (or elsewhere): the idle time, in minutes, the page states.
    pub timed_out_after_minutes: Option<u64>,
    /// What was typed into a form as the session ended is kept, to be put back once signed in
    /// again (at `next`).
    pub kept_form: bool,
    /// The staff page that sent them here (a checked `/staff/…` path), or empty: sent back
    /// with the form, and where they go once signed in.
    pub next: String,
    /// The identity provider's button, when one is configured.
    pub provider: Option<ProviderOffer>,
    /// The local username and password form is not offered (a provider is configured, and an
    /// administrator has not allowed passwords too).
    pub no_password_form: bool,
}

/// The "Sign in with NHS Care Identity Service 2" button.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderOffer {
    /// The configured text instead of the default (English and Welsh) one.
    pub label: Option<String>,
}

/// The page at the identity provider's callback: on to the staff area, or why not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffProviderView {
    /// Signed in: the page moves on to `to` at once (and links to it).
    Continue { to: String },
    /// The provider said who they are, and Relink does not let them in.
    Refused(ProviderRefusal),
    /// The sign-in did not complete (none in progress, used already, too old, a wrong state,
    /// or a check of the code or ID token failed): start again.
    #[default]
    Failed,
    /// The provider did not answer.
    Unavailable,
}

/// Why someone the provider signed in is not let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderRefusal {
    /// No role at any Relink practice.
    NoPractice,
    /// Their member account is disabled.
    Disabled,
    /// Their sign-in's assurance (`acr`) is below the minimum.
    LowAssurance,
}

/// The first-sign-in step where a member replaces the password they were given with their own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffNewPasswordView {
    pub errors: FormErrors,
}

/// Setting up an authenticator app: the QR code (an SVG, made on the server) and the same
/// secret as text to type; once a code from the app is confirmed, the recovery codes, shown
/// this once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAuthenticatorView {
    pub username: String,
    pub qr_svg: String,
    /// The secret in groups of four.
    pub secret: String,
    pub errors: FormErrors,
    /// Filled once the app is set up: the ten recovery codes, shown only on this answer.
    pub recovery_codes: Vec<String>,
    /// Where "Continue" goes once set up: the staff page asked for, or the staff home.
    pub next: String,
}

/// The code step of every sign-in with a password: a code from the authenticator app, or a
/// recovery code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSecurityCodeView {
    pub errors: FormErrors,
    pub problem: Option<FormProblem>,
}

/// One staff member as the administrators' pages show them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMemberRow {
    pub username: String,
    pub is_admin: bool,
    /// ODS codes, in order (none for an administrator of every practice).
    pub practices: Vec<String>,
    pub disabled: bool,
    pub has_authenticator: bool,
    /// Signs in with the identity provider (CIS2): no local password or authenticator here.
    pub signs_in_with_provider: bool,
}

/// `/staff/members` (administrators only): every staff member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMembersView {
    /// Who is signed in.
    pub username: String,
    pub members: Vec<StaffMemberRow>,
}

/// What an administrator just did to a member's account, said once on the member's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffMemberChange {
    Disabled,
    Enabled,
    PasswordReset,
    SecondFactorReset,
    /// Refused: administrators cannot disable their own account (nobody would be left to
    /// enable it).
    NotYourself,
    /// Refused: the member signs in with the identity provider, whose password and second
    /// factor are not Relink's to reset.
    SignsInWithProvider,
}

/// `/staff/members/{username}` (administrators only): one member, and what can be done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMemberView {
    /// Who is signed in.
    pub username: String,
    pub member: StaffMemberRow,
    /// The member is the administrator looking.
    pub is_self: bool,
    pub change: Option<StaffMemberChange>,
    /// Sessions the change ended.
    pub sessions_ended: u64,
    /// After a password reset: the one-time password, shown on that answer only.
    pub one_time_password: Option<String>,
}

/// What the staff navigation knows of who is signed in, provided by whoever renders a staff
/// page: only administrators are offered the administrators' pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffNavFacts {
    pub is_admin: bool,
}

/// A practice in the administrators' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeRow {
    pub ods_code: String,
    pub name: String,
    pub clinical_system: String,
    /// ODS code starting with W: PIN documents print in Welsh and English.
    pub is_welsh: bool,
    /// Patients registered (test patients not counted).
    pub patients: i64,
}

/// What was typed in "Add a practice".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeValues {
    pub ods_code: String,
    pub name: String,
    /// The clinical system's code (`TPP`, `EMIS`), or what was sent.
    pub system: String,
}

/// The practices page: the list, what was just added (post-redirect-get), and the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticesView {
    pub username: String,
    pub practices: Vec<PracticeRow>,
    /// The practice just added, said once above the list.
    pub added: Option<PracticeRow>,
    pub values: PracticeValues,
    pub errors: FormErrors,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffHomeView {
    pub username: String,
    pub practices: Vec<String>,
    pub requests: usize,
    pub mismatches: usize,
    pub test_patients: usize,
    /// Patients whose NHS number is locked for the day after too many identity checks.
    pub daily_locks: Vec<DailyLockRow>,
    /// Administrators only (0 for anyone else): alerts of many failed staff sign-ins on one
    /// username in the last 24 hours.
    pub staff_sign_in_alerts: i64,
}

/// A patient whose NHS number reached the daily cap on identity checks, and until when
/// replacing their account is locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyLockRow {
    pub patient_id: String,
    pub name: String,
    pub nhs_number: String,
    pub practice_ods: String,
    pub locked_until: OffsetDateTime,
}

/// A patient in a staff list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRow {
    pub id: String,
    pub name: String,
    pub nhs_number: String,
    pub practice_ods: String,
    pub is_test: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestPatientsView {
    pub username: String,
    pub patients: Vec<PatientRow>,
    /// Set after a test patient was created.
    pub created: Option<String>,
}

/// What was typed in "Set up a test patient".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestPatientValues {
    pub practice: String,
    pub given_name: String,
    pub family_name: String,
    pub dob: (String, String, String),
    pub nhs_number: String,
    pub access: String,
    pub rule: String,
    pub visible_from: (String, String, String),
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTestPatientView {
    pub username: String,
    pub practices: Vec<(String, String)>,
    pub values: TestPatientValues,
    pub errors: FormErrors,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindPatientView {
    pub username: String,
    pub query: String,
    pub errors: FormErrors,
    pub results: Option<Vec<PatientRow>>,
}

/// A patient as the staff patient page shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPatientView {
    pub username: String,
    pub id: String,
    pub name: String,
    pub nhs_number: String,
    pub date_of_birth: String,
    pub practice: String,
    pub clinical_system: String,
    pub is_emis: bool,
    pub is_test: bool,
    pub account_id: Option<String>,
    pub document: Option<String>,
    /// The patient has no online account yet: staff may register them for online services.
    pub can_register: bool,
    /// The patient is registered (not a test patient): staff may change their record access
    /// and services, or end online access when they leave the practice.
    pub can_change_access: bool,
    /// The practice ended the patient's online access and they have no live account: when
    /// and why, as staff read it.
    pub access_ended: Option<String>,
    /// What PDS last said about the patient, if it was ever read.
    pub spine: Option<SpineView>,
    /// Whether "Check against PDS" is offered: PDS is configured and this is not a test patient.
    pub can_check_pds: bool,
    /// What the last "Check against PDS" found, said once after it (post-redirect-get).
    pub pds_notice: Option<PdsNotice>,
}

/// The patient's NHS Spine (PDS) values as last read, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpineView {
    pub read_on: Date,
    pub version: Option<String>,
    pub name: Option<String>,
    pub date_of_birth: Option<Date>,
    pub address: SpineAddress,
    /// As PDS codes it: `male`, `female`, `other`, `unknown`.
    pub gender: Option<String>,
    pub gp_ods: Option<String>,
    /// PDS has the patient registered at another practice than this one.
    pub gp_elsewhere: bool,
    pub deceased_on: Option<Date>,
    pub confidentiality: Confidentiality,
    /// The last lookup found no record (`NotFound` or `Invalidated`): these are older values.
    pub gone: Option<PdsNotice>,
}

/// The address PDS gave, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpineAddress {
    Recorded(String),
    NoneRecorded,
    /// The record is restricted: PDS withholds the address, and Relink keeps none.
    Withheld,
}

/// What a "Check against PDS" came to, as the patient page says it after the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PdsNotice {
    /// The values below were just read.
    Checked,
    /// The record came back under a new NHS number; the patient now has it.
    Superseded,
    /// The new NHS number belongs to another patient here: nothing changed.
    SupersededConflict,
    NotFound,
    Invalidated,
    InvalidNumber,
    Unavailable,
    TimedOut,
    RateLimited,
    CredentialsRefused,
    Unreadable,
    /// Checked less than a minute ago: not asked again.
    CheckedJustNow,
}

impl PdsNotice {
    /// Every notice, for the query parameter's parser.
    pub const ALL: [Self; 12] = [
        Self::Checked,
        Self::Superseded,
        Self::SupersededConflict,
        Self::NotFound,
        Self::Invalidated,
        Self::InvalidNumber,
        Self::Unavailable,
        Self::TimedOut,
        Self::RateLimited,
        Self::CredentialsRefused,
        Self::Unreadable,
        Self::CheckedJustNow,
    ];

    /// The value of the patient page's `pds` query parameter.
    pub fn code(self) -> &'static str {
        match self {
            Self::Checked => "checked",
            Self::Superseded => "superseded",
            Self::SupersededConflict => "superseded-conflict",
            Self::NotFound => "not-found",
            Self::Invalidated => "invalidated",
            Self::InvalidNumber => "invalid-number",
            Self::Unavailable => "unavailable",
            Self::TimedOut => "timed-out",
            Self::RateLimited => "rate-limited",
            Self::CredentialsRefused => "credentials-refused",
            Self::Unreadable => "unreadable",
            Self::CheckedJustNow => "checked-just-now",
        }
    }

    /// The notice a query value names; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|notice| notice.code() == code)
    }

    /// Whether the check got an answer about the patient (green), or not (the stored values
    /// stand, and staff may try again).
    pub fn is_success(self) -> bool {
        matches!(
            self,
            Self::Checked | Self::Superseded | Self::CheckedJustNow
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReissueView {
    pub username: String,
    pub id: String,
    pub name: String,
    pub is_emis: bool,
    pub selected: String,
    pub errors: FormErrors,
}

/// Everything printed on a PIN document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedDocument {
    pub practice_name: String,
    pub ods_code: String,
    pub account_id: String,
    pub secret: String,
    pub printed_on: Date,
    pub expires_on: Date,
    pub is_emis: bool,
    /// A practice in Wales (ODS code starting with "W"): the document is printed in Welsh and
    /// English together, Welsh first as NHS Wales prints, whatever the page's language.
    pub bilingual: bool,
    pub qr_svg: String,
    pub reset_url: String,
    pub patient_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrintView {
    Shown(Box<PrintedDocument>),
    #[default]
    AlreadyShown,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewStartView {
    pub username: String,
    pub id: String,
    pub name: String,
    pub reason: String,
    pub errors: FormErrors,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreviewView {
    Live {
        username: String,
        preview_id: String,
        patient_id: String,
        patient_name: String,
        ends_at: String,
        summary: Box<AccountSummary>,
    },
    #[default]
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRow {
    pub reference: String,
    pub patient_id: String,
    pub name: String,
    pub nhs_number: String,
    pub requested_on: Date,
    /// Pending (the patient needs a PIN document), cancelled or completed.
    pub state: ReplacementState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsView {
    pub username: String,
    pub rows: Vec<RequestRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MismatchRow {
    pub patient_id: String,
    pub nhs_number: String,
    pub field: DemographicField,
    pub gp_record: Recorded,
    pub pds: Recorded,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MismatchesView {
    pub username: String,
    pub rows: Vec<MismatchRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub when: OffsetDateTime,
    /// The event's kind; `None` for a code this version does not know (shown as stored).
    pub kind: Option<AuditKind>,
    pub code: String,
    pub actor: String,
    pub patient_id: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub username: String,
    pub rows: Vec<AuditRow>,
    pub patient: String,
    /// The kind the log is filtered on, if any.
    pub kind: Option<AuditKind>,
    pub page: i64,
    pub more: bool,
}

/// "Import patients": the upload form and, after an upload, its report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub username: String,
    /// The practices the member may import into, as (ODS code, name).
    pub practices: Vec<(String, String)>,
    pub practice: String,
    pub dry_run: bool,
    /// The CSV header the readers expect, shown as it must be typed.
    pub csv_header: String,
    pub errors: FormErrors,
    pub report: Option<ImportReportView>,
}

/// What an import did, or (a dry run) would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReportView {
    pub file_name: String,
    /// "CSV" or "FHIR Bundle".
    pub format: String,
    pub written: bool,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Patients moved here from another Relink practice.
    pub moved: u64,
    /// The listed moves: where in the file, the NHS number, the practice they left.
    pub moves: Vec<(String, String, String)>,
    pub rejected: u64,
    /// The listed rejected rows: where, and why.
    pub problems: Vec<(String, String)>,
    /// Rejected rows beyond those listed.
    pub more: u64,
}

/// "Register for online services": the access settings, the identity check, and what to fix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterView {
    pub username: String,
    pub id: String,
    pub name: String,
    /// EMIS practices print a "linkage key" rather than a passphrase.
    pub is_emis: bool,
    pub settings: AccessValues,
    pub identity_check: String,
    pub errors: FormErrors,
}

/// The access settings' fields as typed: record access, the "visible from" rule and its date's
/// three boxes, the services ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessValues {
    pub access: String,
    pub rule: String,
    pub visible_from: (String, String, String),
    pub services: Vec<String>,
}

/// "Change record access or services" for a registered patient: the settings, and why.
/// "End online access" for a registered patient who left the practice: the confirmation, with
/// the reason (it goes in the audit log).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndAccessView {
    pub username: String,
    pub id: String,
    pub name: String,
    pub account_id: String,
    pub reason: String,
    pub errors: FormErrors,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessChangeView {
    pub username: String,
    pub id: String,
    pub name: String,
    pub settings: AccessValues,
    pub reason: String,
    pub errors: FormErrors,
}
