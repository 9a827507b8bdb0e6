//! Staff sign-in: the identity provider's button, the local form, or both; and the page the
//! provider's callback answers with.

use crate::components::nhsuk::{Button, ButtonLink};
use leptos::prelude::*;

use crate::components::form::{PasswordInput, TextInput};
use crate::components::layout::PageTitle;
use crate::components::sign_in::{session_ended_note, SignInFrame};
use crate::tr;
use crate::views::form::FormProblem;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{ProviderRefusal, StaffProviderView, StaffSignInView};

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
    let signed_out = if let Some(minutes) = view.timed_out_after_minutes {
        let mut note = session_ended_note(minutes);
        if view.kept_form {
            note.push(' ');
            note.push_str(tr!(staff.sign_in.kept_form));
        }
        Some(note)
    } else if view.step_ended {
        Some(tr!(staff.sign_in.step_ended).to_owned())
    } else {
        view.signed_out
            .then(|| tr!(staff.sign_in.signed_out).to_owned())
    };
    view! {
        <SignInFrame heading=tr!(staff.sign_in.heading) summary signed_out>
                <p>
                    {tr!(staff.sign_in.intro_before)}
                    <a href=routes::SIGN_IN>{tr!(staff.sign_in.intro_link)}</a>
                    {tr!(staff.sign_in.intro_after)}
                </p>
                {view.provider.clone().map(|offer| {
                    let label = offer.label.unwrap_or_else(|| tr!(staff.sign_in.provider_button).to_owned());
                    view! {
                        <p class="nhsuk-body">{tr!(staff.sign_in.provider_hint)}</p>
                        <p>
                            <ButtonLink href=routes::staff_provider_start(&view.next)>{label}</ButtonLink>
                        </p>
                    }
                })}
                {(!view.no_password_form).then(|| view! {
                    {view.provider.is_some().then(|| view! { <h2>{tr!(staff.sign_in.password_heading)}</h2> })}
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
                        <Button>{tr!(staff.sign_in.button)}</Button>
                    </form>
                })}
        </SignInFrame>
    }
}

/// The page at the identity provider's callback: moving on to the staff area (the server's
/// `Refresh` header does it; the link is for a browser that waits), or why the member was not
/// let in, or that the provider could not be reached.
#[component]
pub fn StaffProviderPage() -> impl IntoView {
    let view = server_view::<StaffProviderView>();
    let (heading, text, link, href) = match &view {
        StaffProviderView::Continue { to } => (
            tr!(staff.provider.continue_title),
            tr!(staff.provider.continue_text),
            tr!(staff.provider.continue_link),
            to.clone(),
        ),
        StaffProviderView::Refused(reason) => (
            tr!(staff.provider.refused_title),
            match reason {
                ProviderRefusal::NoPractice => tr!(staff.provider.no_practice),
                ProviderRefusal::Disabled => tr!(staff.provider.disabled),
                ProviderRefusal::LowAssurance => tr!(staff.provider.low_assurance),
            },
            tr!(staff.provider.start_again),
            routes::STAFF_SIGN_IN.to_owned(),
        ),
        StaffProviderView::Failed => (
            tr!(staff.provider.failed_title),
            tr!(staff.provider.failed_text),
            tr!(staff.provider.start_again),
            routes::STAFF_SIGN_IN.to_owned(),
        ),
        StaffProviderView::Unavailable => (
            tr!(staff.provider.unavailable_title),
            tr!(staff.provider.unavailable_text),
            tr!(staff.provider.start_again),
            routes::STAFF_SIGN_IN.to_owned(),
        ),
    };
    view! {
        <PageTitle heading=heading.to_owned() />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{heading}</h1>
                <p>{text}</p>
                <p><a href=href>{link}</a></p>
            </div>
        </div>
    }
}
