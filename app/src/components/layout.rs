//! The NHS header, footer, skip link, page titles and the demo notice.

use crate::components::nhsuk::{Tag, TagColour};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::language::PluralCategory;
use crate::language::{countdown, html_lang, locale, minutes, minutes_form, other, seconds_form};
use crate::tr;
use crate::views::form::FormErrors;
use crate::views::page::page_facts;
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

/// On every page of a session that ends when unused: how long it lasts, said before it
/// matters (WCAG 2.2.1), with JavaScript or without.
#[component]
pub fn TimeLimitNotice() -> impl IntoView {
    page_facts().time_limit.map(|limit| {
        let duration = minutes(limit.idle_minutes(), locale());
        view! {
            <p class="nhsuk-body-s relink-time-limit" data-testid="time-limit">
                {tr!(common.timeout.statement, duration = duration)}
            </p>
        }
    })
}

/// The warning before a session ends unused, for `public/assets/js/timeout-warning.js` to
/// open: a modal dialog saying "For your security, we will sign you out in 2 minutes", with
/// **Stay signed in** (which keeps the session alive on the server) and **Sign out**. A closed
/// `<dialog>` shows nothing, so without JavaScript there is no warning, only the
/// [`TimeLimitNotice`]. The words for the countdown ("%n minute", "%n funud", "%n eiliad")
/// come in the page's language, one attribute for each plural category the script's
/// `Intl.PluralRules` may give.
#[component]
pub fn TimeoutWarning() -> impl IntoView {
    page_facts().time_limit.map(|limit| {
        let locale = locale();
        let (session, keep_alive, sign_out, sign_in) = if limit.staff {
            ("staff", routes::STAFF_KEEP_ALIVE, routes::STAFF_SIGN_OUT, routes::STAFF_SIGN_IN)
        } else {
            ("patient", routes::KEEP_ALIVE, routes::SIGN_OUT, routes::SIGN_IN)
        };
        let minute = |category| minutes_form(category, locale);
        let second = |category| seconds_form(category, locale);
        view! {
            <dialog
                class="relink-timeout"
                id="relink-timeout"
                data-relink-timeout=session
                data-idle-seconds=limit.idle_seconds
                data-warning-seconds=limit.warning_seconds
                data-keep-alive=keep_alive
                data-timed-out=routes::sign_out_timed_out(sign_out)
                data-sign-in-page=sign_in
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
                <h2 class="nhsuk-heading-m" id="relink-timeout-heading">{tr!(common.timeout.heading)}</h2>
                <p class="nhsuk-body" id="relink-timeout-text">
                    {tr!(common.timeout.text_before)}
                    <span data-relink-countdown="">{countdown(limit.warning_seconds, locale)}</span>
                    {tr!(common.timeout.text_after)}
                </p>
                <p class="nhsuk-u-visually-hidden" aria-live="polite" data-relink-announce=""></p>
                <form method="post" action=sign_out novalidate data-relink-sign-out="">
                    <div class="nhsuk-button-group">
                        <button type="button" class="nhsuk-button" data-relink-stay="" autofocus>
                            {tr!(common.timeout.stay)}
                        </button>
                        <button type="submit" class="nhsuk-button nhsuk-button--secondary">
                            {tr!(common.timeout.sign_out)}
                        </button>
                    </div>
                </form>
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
