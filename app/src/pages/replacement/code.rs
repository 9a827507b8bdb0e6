//! `/replace-account/security-code`: the code sent to the new address, and sending another.

use crate::components::nhsuk::{Button, ButtonLink, ButtonVariant, InsetText};
use leptos::prelude::*;

use super::JourneyEnded;
use crate::components::form::{BackLink, ErrorSummary, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::tr;
use crate::views::page::server_view;
use crate::views::replacement::CodeView;
use crate::views::routes;

/// "Send a new code", or where to go once no more may be sent.
#[component]
fn ResendForm(can_resend: bool) -> impl IntoView {
    if can_resend {
        view! {
            <form method="post" action=routes::REPLACE_RESEND novalidate>
                <Button variant=ButtonVariant::Secondary>
                    {tr!(replace.resend.button)}
                </Button>
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

/// The security code form, or "this code has expired".
#[component]
pub fn SecurityCodePage() -> impl IntoView {
    match server_view::<CodeView>() {
        CodeView::JourneyEnded => view! { <JourneyEnded /> }.into_any(),
        CodeView::SameAsOld => view! {
            <PageTitle heading=tr!(replace.code.same_heading) />
            <h1>{tr!(replace.code.same_heading)}</h1>
            <p>{tr!(replace.code.same_text)}</p>
            <p>{tr!(replace.code.same_next)}</p>
            <ButtonLink href=routes::SIGN_IN>
                {tr!(replace.used_recently.sign_in)}
            </ButtonLink>
            <p><a href=routes::RESET>{tr!(replace.used_recently.reset_link)}</a></p>
        }
        .into_any(),
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
                            <InsetText role="status">
                                <p>{tr!(replace.code.resent)}</p>
                            </InsetText>
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
                            <Button>
                                {tr!(replace.continue_button)}
                            </Button>
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
