//! `/`: the start page.

use leptos::prelude::*;

use crate::components::layout::PageTitle;
use crate::SERVICE_NAME;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageTitle heading=SERVICE_NAME />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{SERVICE_NAME}</h1>
                <p class="nhsuk-lede-text">
                    "Get back into your GP online services account without phoning or visiting your GP practice."
                </p>
                <p>"You can use this service to:"</p>
                <ul>
                    <li>"reset your passphrase if your GP practice uses TPP SystmOne"</li>
                    <li>"replace your account if you cannot access your email address and cannot remember your password"</li>
                </ul>
                <h2>"Before you start"</h2>
                <p>
                    "You will need the PIN document your GP practice gave you. It shows your Account ID, your practice's ODS code and a one-time passphrase."
                </p>
                <p>"A PIN document can only be used once, and only within 14 days of the date printed on it."</p>
                <a class="nhsuk-button" data-module="nhsuk-button" href="/reset-passphrase" role="button" draggable="false">
                    "Reset your passphrase"
                </a>
                <h2>"If you cannot sign in"</h2>
                <p>
                    <a href="/cannot-sign-in">"Find out what to do if you cannot sign in"</a>
                    ", for example if your PIN document has expired or you lost access to your email address."
                </p>
                <h2>"If you already have a passphrase"</h2>
                <p>
                    <a href="/sign-in">"Sign in to see your account"</a>
                    ": your GP practice, what you can see of your health record, and recent activity."
                </p>
                <h2>"If you work at a GP practice"</h2>
                <p>
                    "Practice staff can set up a test patient to see what patients see, and print new PIN documents after checking a patient's identity."
                </p>
            </div>
        </div>
    }
}
