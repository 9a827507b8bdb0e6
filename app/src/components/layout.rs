//! The NHS header, footer, skip link, page titles and the demo notice.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::language::{html_lang, locale, other};
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
