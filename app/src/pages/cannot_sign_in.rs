//! `/cannot-sign-in`: one question, and an answer for every problem that leads somewhere
//! useful. There is no "delete" action anywhere: deleting an account causes errors, so every
//! route ends at a reset, the practice, or a replacement.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::{BackLink, ErrorSummary, FormErrors, RadioChoice, Radios};
use crate::components::layout::PageTitle;
use crate::pages::reset_passphrase::{server_view, RESET_PATH};

pub const CANNOT_SIGN_IN_PATH: &str = "/cannot-sign-in";
pub const PIN_PROBLEM_PATH: &str = "/cannot-sign-in/pin-document";
pub const DELETE_ACCOUNT_PATH: &str = "/cannot-sign-in/delete-account";
pub const REPLACE_PATH: &str = "/replace-account";

/// The answers and where each one leads.
pub const PROBLEMS: [(RadioChoice, &str); 5] = [
    (
        RadioChoice {
            value: "forgotten-passphrase",
            label: "I have forgotten my passphrase and I have my PIN document",
            hint: None,
        },
        RESET_PATH,
    ),
    (
        RadioChoice {
            value: "pin-document",
            label: "My PIN document has expired or has already been used",
            hint: None,
        },
        PIN_PROBLEM_PATH,
    ),
    (
        RadioChoice {
            value: "lost-email",
            label: "I cannot access the email address linked to my account and cannot remember my password",
            hint: None,
        },
        REPLACE_PATH,
    ),
    (
        RadioChoice {
            value: "technical-problem",
            label: "A technical problem stops me signing in",
            hint: Some("For example, an error message every time you try"),
        },
        REPLACE_PATH,
    ),
    (
        RadioChoice {
            value: "delete-account",
            label: "I want to delete my account",
            hint: None,
        },
        DELETE_ACCOUNT_PATH,
    ),
];

pub const SELECT_PROBLEM: &str = "Select the problem you have signing in";

/// Where an answer leads, if it is one of ours.
pub fn destination(answer: &str) -> Option<&'static str> {
    PROBLEMS
        .iter()
        .find(|(choice, _)| choice.value == answer)
        .map(|(_, path)| *path)
}

/// What `/cannot-sign-in` shows: the question, with an error when nothing was chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannotSignInView {
    pub errors: FormErrors,
}

#[component]
pub fn CannotSignInPage() -> impl IntoView {
    let CannotSignInView { errors } = server_view::<CannotSignInView>();
    let heading = "What is the problem?";
    let title = if errors.is_empty() {
        "I cannot sign in".to_owned()
    } else {
        "Error: I cannot sign in".to_owned()
    };
    view! {
        <PageTitle heading=title />
        <BackLink href="/" />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=errors.clone() />
                <form method="post" action=CANNOT_SIGN_IN_PATH novalidate>
                    <Radios
                        id="problem"
                        name="problem"
                        heading=heading
                        hint="Select the option that best describes why you cannot sign in to your GP online services."
                        choices=PROBLEMS.iter().map(|(choice, _)| *choice).collect()
                        error=errors.for_field("problem")
                    />
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
                        "Continue"
                    </button>
                </form>
            </div>
        </div>
    }
}

#[component]
pub fn PinProblemPage() -> impl IntoView {
    view! {
        <PageTitle heading="Your PIN document has expired or been used" />
        <BackLink href=CANNOT_SIGN_IN_PATH />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>"Your PIN document has expired or been used"</h1>
                <p>"A PIN document can only be used once, within 14 days of the date printed on it. After that it will not work, and you need a new one."</p>
                <h2>"What to ask your GP practice for"</h2>
                <p>"Phone or visit your GP practice and ask for a new PIN document for GP online services. Tell them if your old one expired or was already used."</p>
                <p>"They will check who you are before they give you a new one. Take photo ID or proof of address, like a recent bank statement or council tax bill."</p>
                <div class="nhsuk-inset-text">
                    <span class="nhsuk-u-visually-hidden">"Information: "</span>
                    <p>"If your practice uses EMIS Web, staff reset your linkage key after checking your identity, for example with proof of address, then print a new PIN document for you."</p>
                </div>
                <h2>"When you get your new PIN document"</h2>
                <p>"Use it within 14 days. If your practice uses SystmOne (TPP), you can "<a href=RESET_PATH>"reset your passphrase"</a>" with it."</p>
            </div>
        </div>
    }
}

#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    view! {
        <PageTitle heading="You cannot delete your account, but you can replace it" />
        <BackLink href=CANNOT_SIGN_IN_PATH />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>"You cannot delete your account, but you can replace it"</h1>
                <p>"Deleting an account causes problems. Your GP practice's records stay linked to it, and you may see error messages when you try to use GP online services again."</p>
                <p>"If you cannot sign in because you lost access to your email address or cannot remember your password, replace your account instead. Your new account keeps your link to your GP practice and what you can see online."</p>
                <a class="nhsuk-button" data-module="nhsuk-button" href=REPLACE_PATH role="button" draggable="false">
                    "Replace your account"
                </a>
                <h2>"If you want to stop using GP online services"</h2>
                <p>"You do not need to do anything. Your account stays safe if you do not use it. If you are worried someone else is using it, contact your GP practice."</p>
            </div>
        </div>
    }
}
