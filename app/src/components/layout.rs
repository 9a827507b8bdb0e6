//! The NHS header, footer, skip link, page titles and the demo notice.

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

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="nhsuk-header" data-module="nhsuk-header" role="banner">
            <div class="nhsuk-header__container nhsuk-width-container">
                <div class="nhsuk-header__service">
                    <a class="nhsuk-header__service-logo" href=routes::HOME aria-label=tr!(common.logo_label)>
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
                            <path
                                fill="currentcolor"
                                d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"
                            ></path>
                        </svg>
                        <span class="nhsuk-header__service-name">{tr!(common.service_name)}</span>
                    </a>
                </div>
                <LanguageLink />
                {page_facts()
                    .signed_in
                    .then(|| {
                        view! {
                            <nav class="nhsuk-header__account" aria-label=tr!(common.account_nav)>
                                <ul class="nhsuk-header__account-list">
                                    <li class="nhsuk-header__account-item">
                                        <a class="nhsuk-header__account-link" href=routes::ACCOUNT>
                                            {tr!(common.your_account)}
                                        </a>
                                    </li>
                                    <li class="nhsuk-header__account-item">
                                        <form class="nhsuk-header__account-form" action=routes::SIGN_OUT method="post" novalidate>
                                            <button class="nhsuk-header__account-button">{tr!(common.sign_out)}</button>
                                        </form>
                                    </li>
                                </ul>
                            </nav>
                        }
                    })}
            </div>
        </header>
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
                    <strong class="nhsuk-tag nhsuk-tag--orange">{tr!(common.demo_tag)}</strong>
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
    view! {
        <footer class="nhsuk-footer" role="contentinfo">
            <div class="nhsuk-width-container">
                <div class="nhsuk-footer__meta">
                    <h2 class="nhsuk-u-visually-hidden">{tr!(common.support_links)}</h2>
                    <ul class="nhsuk-footer__list">
                        <li class="nhsuk-footer__list-item">
                            <a class="nhsuk-footer__list-item-link" href=routes::HOME>
                                {tr!(common.service_name)}
                            </a>
                        </li>
                        <li class="nhsuk-footer__list-item">
                            <a class="nhsuk-footer__list-item-link" href=routes::ACCESSIBILITY>
                                {tr!(common.accessibility_link)}
                            </a>
                        </li>
                        {is_demo()
                            .then(|| {
                                view! {
                                    <li class="nhsuk-footer__list-item">
                                        <a class="nhsuk-footer__list-item-link" href=routes::DEMO>
                                            {tr!(common.demo_details)}
                                        </a>
                                    </li>
                                }
                            })}
                    </ul>
                    <p class="nhsuk-body-s">{tr!(common.copyright)}</p>
                </div>
            </div>
        </footer>
    }
}
