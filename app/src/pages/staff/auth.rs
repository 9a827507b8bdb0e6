//! Staff sign-in.

use leptos::prelude::*;

use crate::components::form::{PasswordInput, TextInput};
use crate::components::sign_in::SignInFrame;
use crate::tr;
use crate::views::form::FormProblem;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::StaffSignInView;

/// The sign-in form, with what went wrong, or a note that the member signed out.
#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let view = server_view::<StaffSignInView>();
    let mut summary = view.errors.clone();
    match view.problem {
        Some(FormProblem::NoMatch) => summary.add("username", tr!(staff.sign_in.no_match)),
        Some(FormProblem::LockedOut) => summary.add("username", tr!(staff.sign_in.locked_out)),
        Some(FormProblem::ClientLockedOut) => {
            summary.add("username", tr!(staff.sign_in.client_locked_out))
        }
        Some(FormProblem::LockedForToday) => {
            summary.add("username", tr!(staff.sign_in.locked_for_today))
        }
        // Staff accounts have no PDS record: never decided for them.
        Some(FormProblem::AccessEnded(_)) | None => {}
    }
    let signed_out = if view.step_ended {
        Some(tr!(staff.sign_in.step_ended))
    } else {
        view.signed_out.then(|| tr!(staff.sign_in.signed_out))
    };
    view! {
        <SignInFrame heading=tr!(staff.sign_in.heading) summary signed_out>
                <p>
                    {tr!(staff.sign_in.intro_before)}
                    <a href=routes::SIGN_IN>{tr!(staff.sign_in.intro_link)}</a>
                    {tr!(staff.sign_in.intro_after)}
                </p>
                <form method="post" action=routes::STAFF_SIGN_IN novalidate>
                    {(!view.next.is_empty()).then(|| view! { <input type="hidden" name="next" value=view.next.clone() /> })}
                    <TextInput
                        id="username"
                        name="username"
                        label=tr!(staff.sign_in.username)
                        value=view.username
                        error=view.errors.for_field("username")
                        width_class="nhsuk-input--width-20"
                        autocomplete="username"
                        spellcheck_off=true
                    />
                    <PasswordInput
                        id="password"
                        name="password"
                        label=tr!(staff.sign_in.password)
                        error=view.errors.for_field("password")
                        autocomplete="current-password"
                    />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">{tr!(staff.sign_in.button)}</button>
                </form>
        </SignInFrame>
    }
}
