//! The NHS header, footer, skip link, page titles and the demo notice.

use crate::components::nhsuk::{ButtonLink, ButtonVariant, Tag, TagColour};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::language::PluralCategory;
use crate::language::{countdown, html_lang, locale, minutes, minutes_form, other, seconds_form};
use crate::tr;
use crate::views::form::FormErrors;
use crate::views::page::{page_facts, TimeLimited};
use crate::views::routes;

/// True when the server runs in demo mode.
pub fn is_demo() -> bool {
    page_facts().demo
}

/// "Error: " before the heading in the page title when the form has problems, as the NHS
/// service manual asks.
pub fn error_title(heading: &str, errors: &FormErrors) -> String {
    if !errors.is_empty() {
        format!("{} {heading}", tr!(common.error_prefix))
    } else {
        heading.to_owned()
    }
}

/// Sets the document title in the form "Page heading – Manage your GP online account – NHS"
/// ("… – GIG" in Welsh).
#[component]
pub fn PageTitle(#[prop(into)] heading: String) -> impl IntoView {
    let service = tr!(common.service_name);
    let nhs = tr!(common.nhs);
    let text = if heading == service {
        format!("{service} – {nhs}")
    } else {
        format!("{heading} – {service} – {nhs}")
    };
    view! { <Title text /> }
}

/// The header's link to the same page in the other language. A plain link to
/// `/language?to=cy&return=<this page>`, so it works without JavaScript; the server remembers
/// the choice in a cookie.
#[component]
pub fn LanguageLink() -> impl IntoView {
    let here = page_facts().path;
    let target = other(locale());
    let href = format!(
        "{}?{}",
        routes::LANGUAGE,
        form_urlencoded::Serializer::new(String::new())
            .append_pair("to", target.as_ref())
            .append_pair("return", &here)
            .finish()
    );
    view! {
        <div class="relink-language">
            <a class="relink-language__link" href=href lang=html_lang(target) hreflang=html_lang(target)>
                {tr!(common.language_link)}
            </a>
        </div>
    }
}

#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent">
            {tr!(common.skip_link)}
        </a>
    }
}

/// The NHS logo as nhsuk-frontend draws it: an image named "NHS" (its own `aria-label` in
/// the page's language, so the link's name reads "NHS …").
#[component]
fn NhsLogo() -> impl IntoView {
    view! {
        <svg
            class="nhsuk-header__logo"
            xmlns="http://www.w3.org/2000/svg"
            viewBox="0 0 200 80"
            height="40"
            width="100"
            focusable="false"
            role="img"
            aria-label=tr!(common.nhs)
        >
            <title>{tr!(common.nhs)}</title>
            <path
                fill="currentcolor"
                d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"
            ></path>
        </svg>
    }
}

/// One entry of the header's account navigation: a link, or a form posted by a button
/// (signing out changes something, so it is a POST).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderAccountItem {
    Link { href: String, text: String },
    Action { action: String, text: String },
}

/// nhsuk's header with the service name linked with the logo (nhsuk-frontend's "with service
/// name (linked with logo)"), the account navigation when there is one, and `children` (Relink's
/// language link) between the two. The logo link is named after what it shows ("NHS Manage your
/// GP online account homepage"), so a voice-control user can say the words they see.
#[component]
pub fn NhsukHeader(
    #[prop(into)] service_name: String,
    #[prop(into)] href: String,
    #[prop(into)] logo_label: String,
    #[prop(optional)] account: Vec<HeaderAccountItem>,
    /// The account navigation's name ("Account").
    #[prop(optional, into)]
    account_label: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let account = (!account.is_empty()).then(|| {
        let items = account
            .into_iter()
            .map(|item| match item {
                HeaderAccountItem::Link { href, text } => view! {
                    <li class="nhsuk-header__account-item">
                        <a class="nhsuk-header__account-link" href=href>{text}</a>
                    </li>
                }
                .into_any(),
                HeaderAccountItem::Action { action, text } => view! {
                    <li class="nhsuk-header__account-item">
                        <form class="nhsuk-header__account-form" action=action method="post" novalidate>
                            <button class="nhsuk-header__account-button">{text}</button>
                        </form>
                    </li>
                }
                .into_any(),
            })
            .collect_view();
        view! {
            <nav class="nhsuk-header__account" aria-label=account_label>
                <ul class="nhsuk-header__account-list">{items}</ul>
            </nav>
        }
    });
    view! {
        <header class="nhsuk-header" data-module="nhsuk-header" role="banner">
            <div class="nhsuk-header__container nhsuk-width-container">
                <div class="nhsuk-header__service">
                    <a class="nhsuk-header__service-logo" href=href aria-label=logo_label>
                        <NhsLogo />
                        <span class="nhsuk-header__service-name">{service_name}</span>
                    </a>
                </div>
                {children.map(|extra| extra())}
                {account}
            </div>
        </header>
    }
}

/// Relink's header: the service, the language link and, for a signed-in patient, their
/// account and Sign out.
#[component]
pub fn Header() -> impl IntoView {
    let account = if page_facts().signed_in {
        vec![
            HeaderAccountItem::Link {
                href: routes::ACCOUNT.to_owned(),
                text: tr!(common.your_account).to_owned(),
            },
            HeaderAccountItem::Action {
                action: routes::SIGN_OUT.to_owned(),
                text: tr!(common.sign_out).to_owned(),
            },
        ]
    } else {
        Vec::new()
    };
    view! {
        <NhsukHeader
            service_name=tr!(common.service_name)
            href=routes::HOME
            logo_label=tr!(common.logo_label)
            account
            account_label=tr!(common.account_nav)
        >
            <LanguageLink />
        </NhsukHeader>
    }
}

/// A data table wider than the window (a phone, or 400% zoom) scrolls sideways inside its own
/// frame while the page only scrolls down: WCAG 1.4.10 lets a data table keep its two
/// dimensions. The frame can be focused, so it scrolls with the arrow keys too, and is named
/// after the table.
#[component]
pub fn TableScroll(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="relink-table-scroll" role="region" aria-label=label tabindex="0">
            {children()}
        </div>
    }
}

/// On every page of a session that ends when unused, or of a journey step that ends after a
/// time: how long it lasts, said before it matters (WCAG 2.2.1), with JavaScript or without.
#[component]
pub fn TimeLimitNotice() -> impl IntoView {
    page_facts().time_limit.map(|limit| {
        let duration = minutes(limit.minutes_left(), locale());
        let statement = match limit.what {
            TimeLimited::PatientSession | TimeLimited::StaffSession => {
                tr!(common.timeout.statement, duration = duration)
            }
            TimeLimited::ResetStep | TimeLimited::ActivationStep => {
                tr!(common.timeout.step_reset, duration = duration)
            }
            TimeLimited::ReplacementJourney => {
                tr!(common.timeout.step_replace, duration = duration)
            }
            TimeLimited::StaffSignInStep => {
                tr!(common.timeout.step_staff_sign_in, duration = duration)
            }
        };
        view! {
            <p class="nhsuk-body-s relink-time-limit" data-testid="time-limit">{statement}</p>
        }
    })
}

/// Where the warning's buttons and its script go for one kind of time limit.
struct WarningEnds {
    /// The storage key's name, shared by the tabs of one session or step.
    name: &'static str,
    /// Where "Stay signed in" or "I need more time" posts.
    more_time: &'static str,
    /// A session: the sign-out form's action; a step: "Start again", the journey's first page.
    leave: &'static str,
    /// Where the page goes when time runs out: a session's sign-out (`?timed_out=1`, posted),
    /// a step's own page, which then says the step ended.
    timed_out: String,
    /// The sign-in page another tab's sign-out takes this one to (sessions only).
    sign_in: Option<&'static str>,
}

fn warning_ends(what: TimeLimited, path: &str) -> WarningEnds {
    let step = |name, more_time, leave| WarningEnds {
        name,
        more_time,
        leave,
        timed_out: path.split('?').next().unwrap_or(path).to_owned(),
        sign_in: None,
    };
    match what {
        TimeLimited::PatientSession => WarningEnds {
            name: "patient",
            more_time: routes::KEEP_ALIVE,
            leave: routes::SIGN_OUT,
            timed_out: routes::sign_out_timed_out(routes::SIGN_OUT),
            sign_in: Some(routes::SIGN_IN),
        },
        TimeLimited::StaffSession => WarningEnds {
            name: "staff",
            more_time: routes::STAFF_KEEP_ALIVE,
            leave: routes::STAFF_SIGN_OUT,
            timed_out: routes::sign_out_timed_out(routes::STAFF_SIGN_OUT),
            sign_in: Some(routes::STAFF_SIGN_IN),
        },
        TimeLimited::ResetStep => step("reset-step", routes::RESET_MORE_TIME, routes::RESET),
        TimeLimited::ActivationStep => step(
            "reset-step",
            routes::RESET_MORE_TIME,
            routes::REPLACE_ACTIVATE,
        ),
        TimeLimited::ReplacementJourney => {
            step("replacement", routes::REPLACE_MORE_TIME, routes::REPLACE)
        }
        TimeLimited::StaffSignInStep => step(
            "staff-sign-in-step",
            routes::STAFF_SIGN_IN_MORE_TIME,
            routes::STAFF_SIGN_IN,
        ),
    }
}

/// The warning before a session ends unused or a journey step runs out, for
/// `public/assets/js/timeout-warning.js` to open: a modal dialog saying "For your security, we
/// will sign you out in 2 minutes" with **Stay signed in** (which keeps the session alive on
/// the server) and **Sign out**, or "this step will end in 2 minutes" with **I need more time**
/// (which extends the step on the server) and **Start again**. A closed `<dialog>` shows
/// nothing, so without JavaScript there is no warning, only the [`TimeLimitNotice`]. The words
/// for the countdown ("%n minute", "%n funud", "%n eiliad") come in the page's language, one
/// attribute for each plural category the script's `Intl.PluralRules` may give.
#[component]
pub fn TimeoutWarning() -> impl IntoView {
    let facts = page_facts();
    facts.time_limit.map(|limit| {
        let locale = locale();
        let ends = warning_ends(limit.what, &facts.path);
        let session = limit.what.is_session();
        let (heading, text_before, more_time, leave) = if session {
            (
                tr!(common.timeout.heading),
                tr!(common.timeout.text_before),
                tr!(common.timeout.stay),
                tr!(common.timeout.sign_out),
            )
        } else {
            (
                tr!(common.timeout.step_heading),
                tr!(common.timeout.step_text_before),
                tr!(common.timeout.more_time),
                tr!(common.timeout.start_again),
            )
        };
        let minute = |category| minutes_form(category, locale);
        let second = |category| seconds_form(category, locale);
        view! {
            <dialog
                class="relink-timeout"
                id="relink-timeout"
                data-relink-timeout=ends.name
                data-ends=if session { "session" } else { "step" }
                data-seconds-left=limit.seconds_left
                data-extend-seconds=limit.extend_seconds
                data-warning-seconds=limit.warning_seconds
                data-keep-alive=ends.more_time
                data-timed-out=ends.timed_out
                data-sign-in-page=ends.sign_in
                data-minutes-zero=minute(PluralCategory::Zero)
                data-minutes-one=minute(PluralCategory::One)
                data-minutes-two=minute(PluralCategory::Two)
                data-minutes-few=minute(PluralCategory::Few)
                data-minutes-many=minute(PluralCategory::Many)
                data-minutes-other=minute(PluralCategory::Other)
                data-seconds-zero=second(PluralCategory::Zero)
                data-seconds-one=second(PluralCategory::One)
                data-seconds-two=second(PluralCategory::Two)
                data-seconds-few=second(PluralCategory::Few)
                data-seconds-many=second(PluralCategory::Many)
                data-seconds-other=second(PluralCategory::Other)
                aria-labelledby="relink-timeout-heading"
                aria-describedby="relink-timeout-text"
            >
                <h2 class="nhsuk-heading-m" id="relink-timeout-heading">{heading}</h2>
                <p class="nhsuk-body" id="relink-timeout-text">
                    {text_before}
                    <span data-relink-countdown="">{countdown(limit.warning_seconds, locale)}</span>
                    {tr!(common.timeout.text_after)}
                </p>
                <p class="nhsuk-u-visually-hidden" aria-live="polite" data-relink-announce=""></p>
                {if session {
                    view! {
                        <form method="post" action=ends.leave novalidate data-relink-sign-out="">
                            <div class="nhsuk-button-group">
                                <button type="button" class="nhsuk-button" data-relink-stay="" autofocus>
                                    {more_time}
                                </button>
                                <button type="submit" class="nhsuk-button nhsuk-button--secondary">
                                    {leave}
                                </button>
                            </div>
                        </form>
                    }
                    .into_any()
                } else {
                    view! {
                        <div class="nhsuk-button-group">
                            <button type="button" class="nhsuk-button" data-relink-stay="" autofocus>
                                {more_time}
                            </button>
                            <ButtonLink href=ends.leave variant=ButtonVariant::Secondary>
                                {leave}
                            </ButtonLink>
                        </div>
                    }
                    .into_any()
                }}
            </dialog>
        }
    })
}

/// Shown on every page in demo mode, so nobody mistakes the demo for the real service.
#[component]
pub fn DemoNotice() -> impl IntoView {
    is_demo().then(|| {
        view! {
            <div class="nhsuk-inset-text relink-demo-notice" data-testid="demo-notice">
                <span class="nhsuk-u-visually-hidden">{tr!(common.information)}" "</span>
                <p>
                    <Tag text=tr!(common.demo_tag) colour=TagColour::Orange />
                    " "{tr!(common.demo_notice)}" "
                    <a href=routes::DEMO>{tr!(common.demo_notice_link)}</a>
                </p>
            </div>
        }
    })
}

/// The footer of every page: the start page, the accessibility statement (the regulations ask
/// for a link to it on every page) and, in demo mode, the demo details.
#[component]
pub fn Footer() -> impl IntoView {
    let mut links = vec![
        (routes::HOME.to_owned(), tr!(common.service_name).to_owned()),
        (
            routes::ACCESSIBILITY.to_owned(),
            tr!(common.accessibility_link).to_owned(),
        ),
    ];
    if is_demo() {
        links.push((routes::DEMO.to_owned(), tr!(common.demo_details).to_owned()));
    }
    view! { <NhsukFooter links /> }
}

/// nhsuk's footer: the support links (each `(href, text)`) and the copyright line.
#[component]
pub fn NhsukFooter(links: Vec<(String, String)>) -> impl IntoView {
    view! {
        <footer class="nhsuk-footer" role="contentinfo">
            <div class="nhsuk-width-container">
                <div class="nhsuk-footer__meta">
                    <h2 class="nhsuk-u-visually-hidden">{tr!(common.support_links)}</h2>
                    <ul class="nhsuk-footer__list">
                        {links
                            .into_iter()
                            .map(|(href, text)| view! {
                                <li class="nhsuk-footer__list-item">
                                    <a class="nhsuk-footer__list-item-link" href=href>{text}</a>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                    <p class="nhsuk-body-s">{tr!(common.copyright)}</p>
                </div>
            </div>
        </footer>
    }
}
