//! `/accessibility`: the accessibility statement every public sector service publishes (the
//! Public Sector Bodies Accessibility Regulations 2018), in the NHS's form: using the service,
//! how accessible it is, feedback, enforcement, compliance with WCAG 2.2 AA, what does not meet
//! it, what is being done, and how the statement was prepared. It says only what the tests
//! show: what they check is listed, and what is not yet checked or not yet met is said.

use leptos::prelude::*;
use time::macros::date;
use time::Date;

use crate::components::layout::{is_demo, PageTitle};
use crate::language::{locale, long_date};
use crate::tr;

/// When the statement was first prepared.
const PREPARED: Date = date!(2026 - 12 - 03);
/// When it was last reviewed against the service and its tests.
const REVIEWED: Date = date!(2026 - 12 - 04);

/// Where AbilityNet's advice on making a device easier to use lives (in English).
const ABILITYNET: &str = "https://mcmw.abilitynet.org.uk/";
/// The Equality Advisory and Support Service, for complaints the service did not resolve.
const EASS: &str = "https://www.equalityadvisoryservice.com/";
/// The standard the service is measured against.
const WCAG_22: &str = "https://www.w3.org/TR/WCAG22/";

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let prepared = long_date(PREPARED, locale());
    let reviewed = long_date(REVIEWED, locale());
    view! {
        <PageTitle heading=tr!(common.accessibility_link) />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h1>{tr!(accessibility.heading)}</h1>
                <p>{tr!(accessibility.applies)}</p>

                <h2>{tr!(accessibility.using_heading)}</h2>
                <p>{tr!(accessibility.using_intro)}</p>
                <ul>
                    <li>{tr!(accessibility.using_colours)}</li>
                    <li>{tr!(accessibility.using_zoom)}</li>
                    <li>{tr!(accessibility.using_keyboard)}</li>
                    <li>{tr!(accessibility.using_screen_reader)}</li>
                    <li>{tr!(accessibility.using_no_javascript)}</li>
                    <li>{tr!(accessibility.using_welsh)}</li>
                </ul>
                <p>{tr!(accessibility.using_simple)}</p>
                <p><a href=ABILITYNET hreflang="en">{tr!(accessibility.abilitynet)}</a>"."</p>

                <h2>{tr!(accessibility.how_heading)}</h2>
                <p>{tr!(accessibility.how_intro)}</p>
                <ul>
                    <li>{tr!(accessibility.how_time_limits)}</li>
                    <li>{tr!(accessibility.how_assistive)}</li>
                    <li>{tr!(accessibility.how_keyboard)}</li>
                </ul>

                <h2>{tr!(accessibility.feedback_heading)}</h2>
                <p>{tr!(accessibility.feedback_formats)}</p>
                <p>{tr!(accessibility.feedback_practice)}</p>

                <h2>{tr!(accessibility.reporting_heading)}</h2>
                <p>{tr!(accessibility.reporting_text)}</p>

                <h2>{tr!(accessibility.enforcement_heading)}</h2>
                <p>{tr!(accessibility.enforcement_text)}</p>
                <p>
                    {tr!(accessibility.enforcement_complaint)}
                    <a href=EASS>{tr!(accessibility.enforcement_eass)}</a>"."
                </p>

                <h2>{tr!(accessibility.technical_heading)}</h2>
                <p>{tr!(accessibility.technical_text)}</p>
                <h3>{tr!(accessibility.compliance_heading)}</h3>
                <p>
                    {tr!(accessibility.compliance_before)}
                    <a href=WCAG_22 hreflang="en">{tr!(accessibility.compliance_link)}</a>
                    {tr!(accessibility.compliance_after)}
                </p>

                <h2>{tr!(accessibility.non_accessible_heading)}</h2>
                <p>{tr!(accessibility.non_accessible_intro)}</p>
                <h3>{tr!(accessibility.non_compliance_heading)}</h3>
                <p>{tr!(accessibility.time_limits)}</p>
                <p>{tr!(accessibility.time_limits_start_again)}</p>
                <p>{tr!(accessibility.time_limits_plan)}</p>
                <h3>{tr!(accessibility.untested_heading)}</h3>
                <p>{tr!(accessibility.untested_text)}</p>
                {is_demo().then(|| view! {
                    <h3>{tr!(accessibility.demo_heading)}</h3>
                    <p>{tr!(accessibility.demo_text)}</p>
                })}

                <h2>{tr!(accessibility.improving_heading)}</h2>
                <p>{tr!(accessibility.improving_tested)}</p>
                <ul>
                    <li>{tr!(accessibility.tested_axe)}</li>
                    <li>{tr!(accessibility.tested_languages)}</li>
                    <li>{tr!(accessibility.tested_sizes)}</li>
                    <li>{tr!(accessibility.tested_browser)}</li>
                    <li>{tr!(accessibility.tested_other)}</li>
                </ul>
                <p>{tr!(accessibility.improving_adding)}</p>
                <ul>
                    <li>{tr!(accessibility.adding_time_limits)}</li>
                    <li>{tr!(accessibility.adding_keyboard)}</li>
                    <li>{tr!(accessibility.adding_reflow)}</li>
                </ul>
                <p>{tr!(accessibility.improving_manual)}</p>

                <h2>{tr!(accessibility.preparation_heading)}</h2>
                <p>{tr!(accessibility.prepared, prepared = prepared, reviewed = reviewed.clone())}</p>
                <p>{tr!(accessibility.tested_on, date = reviewed)}</p>
            </div>
        </div>
    }
}
