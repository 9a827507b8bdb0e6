//! The steps of a staff sign-in with a password, after the password: choosing their own password
//! (first sign-in, or after a reset), setting up an authenticator app, and the code at every
//! sign-in. Plain forms: they work without JavaScript.

use crate::components::nhsuk::{Button, ButtonLink, CalloutText, WarningCallout};
use leptos::prelude::*;

use crate::components::form::{PasswordInput, SummaryListOf, SummaryListRow, TextInput};
use crate::components::sign_in::SignInFrame;
use crate::tr;
use crate::views::form::FormProblem;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{StaffAuthenticatorView, StaffNewPasswordView, StaffSecurityCodeView};

/// Replaces the password the member was given with their own.
#[component]
pub fn StaffNewPasswordPage() -> impl IntoView {
    let view = server_view::<StaffNewPasswordView>();
    view! {
        <SignInFrame heading=tr!(staff.new_password.heading) summary=view.errors.clone() signed_out=None>
            <p>{tr!(staff.new_password.intro)}</p>
            <form method="post" action=routes::STAFF_NEW_PASSWORD novalidate>
                <PasswordInput
                    id="password"
                    name="password"
                    label=tr!(staff.new_password.password)
                    hint=tr!(staff.new_password.hint)
                    error=view.errors.for_field("password")
                    autocomplete="new-password"
                />
                <PasswordInput
                    id="confirmation"
                    name="confirmation"
                    label=tr!(staff.new_password.confirmation)
                    error=view.errors.for_field("confirmation")
                    autocomplete="new-password"
                />
                <Button>{tr!(staff.new_password.button)}</Button>
            </form>
        </SignInFrame>
    }
}

/// Sets up an authenticator app (QR code, or the secret typed), confirmed with a code from it;
/// then shows the recovery codes, this once.
#[component]
pub fn StaffAuthenticatorPage() -> impl IntoView {
    let view = server_view::<StaffAuthenticatorView>();
    if !view.recovery_codes.is_empty() {
        let next = match view.next.as_str() {
            "" => routes::STAFF_HOME.to_owned(),
            next => next.to_owned(),
        };
        return view! {
            <SignInFrame heading=tr!(staff.authenticator.codes_heading) summary=Default::default() signed_out=None>
                <WarningCallout heading=tr!(staff.authenticator.codes_warning_heading) heading_level=2>
                    <CalloutText>{tr!(staff.authenticator.codes_warning)}</CalloutText>
                </WarningCallout>
                <p>{tr!(staff.authenticator.codes_intro)}</p>
                <ul class="nhsuk-list relink-recovery-codes" aria-label=tr!(staff.authenticator.codes_label)>
                    {view.recovery_codes.iter().map(|code| view! { <li><code>{code.clone()}</code></li> }).collect_view()}
                </ul>
                <ButtonLink href=next>{tr!(staff.authenticator.continue_link)}</ButtonLink>
            </SignInFrame>
        }
        .into_any();
    }
    view! {
        <SignInFrame heading=tr!(staff.authenticator.heading) summary=view.errors.clone() signed_out=None>
            <p>{tr!(staff.authenticator.intro)}</p>
            <h2 class="nhsuk-heading-s">{tr!(staff.authenticator.scan_heading)}</h2>
            <div class="relink-qr" role="img" aria-label=tr!(staff.authenticator.qr_label) inner_html=view.qr_svg.clone()></div>
            <h2 class="nhsuk-heading-s">{tr!(staff.authenticator.type_heading)}</h2>
            <p>{tr!(staff.authenticator.type_intro)}</p>
            <SummaryListOf>
                <SummaryListRow key=tr!(staff.authenticator.account)>{format!("Relink: {}", view.username)}</SummaryListRow>
                <SummaryListRow key=tr!(staff.authenticator.key)><code class="relink-secret">{view.secret.clone()}</code></SummaryListRow>
                <SummaryListRow key=tr!(staff.authenticator.kind)>{tr!(staff.authenticator.kind_value)}</SummaryListRow>
            </SummaryListOf>
            <form method="post" action=routes::STAFF_AUTHENTICATOR novalidate>
                <TextInput
                    id="code"
                    name="code"
                    label=tr!(staff.authenticator.code)
                    hint=tr!(staff.authenticator.code_hint)
                    error=view.errors.for_field("code")
                    width_class="nhsuk-input--width-10"
                    autocomplete="one-time-code"
                    spellcheck_off=true
                    numeric=true
                />
                <Button>{tr!(staff.authenticator.button)}</Button>
            </form>
        </SignInFrame>
    }
    .into_any()
}

/// The code from the member's authenticator app, or one of their recovery codes.
#[component]
pub fn StaffSecurityCodePage() -> impl IntoView {
    let view = server_view::<StaffSecurityCodeView>();
    let mut summary = view.errors.clone();
    let mut field_error = view.errors.for_field("code");
    let problem = match view.problem {
        Some(FormProblem::NoMatch) => Some(tr!(staff.security_code.no_match)),
        Some(FormProblem::LockedOut) => Some(tr!(staff.security_code.locked_out)),
        Some(FormProblem::ClientLockedOut) => Some(tr!(staff.sign_in.client_locked_out)),
        Some(FormProblem::LockedForToday) => Some(tr!(staff.sign_in.locked_for_today)),
        Some(FormProblem::AccessEnded(_)) | None => None,
    };
    if let Some(message) = problem {
        summary.add("code", message);
        field_error = Some(message.to_owned());
    }
    view! {
        <SignInFrame heading=tr!(staff.security_code.heading) summary signed_out=None>
            <p>{tr!(staff.security_code.intro)}</p>
            <form method="post" action=routes::STAFF_SECURITY_CODE novalidate>
                <TextInput
                    id="code"
                    name="code"
                    label=tr!(staff.security_code.code)
                    hint=tr!(staff.security_code.hint)
                    error=field_error
                    width_class="nhsuk-input--width-20"
                    autocomplete="one-time-code"
                    spellcheck_off=true
                />
                <Button>{tr!(staff.security_code.button)}</Button>
            </form>
            <p>{tr!(staff.security_code.lost_phone)}</p>
        </SignInFrame>
    }
}
