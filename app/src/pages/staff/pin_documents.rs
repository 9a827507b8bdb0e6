//! Reissuing a PIN document, and the print-ready document (bilingual for Welsh practices).

use crate::components::nhsuk::{Button, CalloutText, WarningCallout};
use leptos::prelude::*;
use time::Date;

use super::StaffNav;
use crate::components::form::{ErrorSummary, RadioChoice, Radios};
use crate::components::islands::PrintButton;
use crate::components::layout::{error_title, PageTitle};
use crate::i18n::td_string;
use crate::language::{long_date, Locale};
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{PrintView, PrintedDocument, ReissueView};

/// How the patient's identity was checked, before a new PIN document is issued.
#[component]
pub fn ReissuePage() -> impl IntoView {
    let view = server_view::<ReissueView>();
    let heading = if view.is_emis {
        tr!(staff.reset_linkage_key)
    } else {
        tr!(staff.issue_passphrase)
    };
    let choices = crate::domain::IdentityCheck::ALL
        .into_iter()
        .map(|c| RadioChoice {
            value: c.code(),
            label: identity_check_label(c),
            hint: None,
        })
        .collect::<Vec<_>>();
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=routes::staff_patient(&view.id)>{tr!(common.back)}</a>
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=view.errors.clone() />
                <span class="nhsuk-caption-l">{tr!(staff.reissue.caption, action = heading, name = view.name.clone())}</span>
                <form method="post" action=routes::staff_reissue(&view.id) novalidate>
                    <Radios
                        id="identity-check"
                        name="identity_check"
                        heading=tr!(staff.reissue.question)
                        hint=tr!(staff.reissue.hint)
                        choices
                        selected=view.selected.clone()
                        error=view.errors.for_field("identity-check")
                    />
                    <WarningCallout heading=tr!(staff.reissue.warning_heading)>
                        <CalloutText>{tr!(staff.reissue.warning_text)}</CalloutText>
                    </WarningCallout>
                    <Button>{tr!(staff.reissue.button)}</Button>
                </form>
            </div>
        </div>
    }
}

/// How the patient's identity was checked, in the page's language.
pub(super) fn identity_check_label(check: crate::domain::IdentityCheck) -> &'static str {
    use crate::domain::IdentityCheck;
    match check {
        IdentityCheck::PhotoId => tr!(staff.reissue.photo_id),
        IdentityCheck::ProofOfAddress => tr!(staff.reissue.proof_of_address),
        IdentityCheck::KnownToPractice => tr!(staff.reissue.known_to_practice),
    }
}

/// A heading or label of the printed document: "ID Cyfrif / Account ID" on a bilingual
/// document, else in the page's language.
macro_rules! printed_label {
    ($bilingual:expr, $($key:tt)+) => {
        if $bilingual {
            view! {
                <span lang="cy">{td_string!(Locale::cy, $($key)+)}</span>
                " / "
                <span lang="en">{td_string!(Locale::en, $($key)+)}</span>
            }
            .into_any()
        } else {
            tr!($($key)+).into_any()
        }
    };
}

/// A sentence of the printed document: on a bilingual document the Welsh, then the English on
/// the next line; else in the page's language.
macro_rules! printed_text {
    ($bilingual:expr, $($key:tt)+) => {
        if $bilingual {
            view! {
                <span lang="cy">{td_string!(Locale::cy, $($key)+)}</span>
                <br />
                <span lang="en">{td_string!(Locale::en, $($key)+)}</span>
            }
            .into_any()
        } else {
            tr!($($key)+).into_any()
        }
    };
}

/// A date of the printed document, in both languages on a bilingual one.
fn printed_date(bilingual: bool, date: Date) -> AnyView {
    if bilingual {
        view! {
            <span lang="cy">{long_date(date, Locale::cy)}</span>
            " / "
            <span lang="en">{long_date(date, Locale::en)}</span>
        }
        .into_any()
    } else {
        long_date(date, crate::language::locale()).into_any()
    }
}

/// The PIN document to print, shown once; "already shown" after that.
#[component]
pub fn PrintPage() -> impl IntoView {
    match server_view::<PrintView>() {
        PrintView::AlreadyShown => view! {
            <PageTitle heading=tr!(staff.print.already_shown_heading) />
            <h1>{tr!(staff.print.already_shown_heading)}</h1>
            <p>{tr!(staff.print.already_shown_once)}</p>
            <p>{tr!(staff.print.already_shown_again)}</p>
            <p><a href=routes::FIND_PATIENT>{tr!(staff.print.find_patient)}</a></p>
        }
        .into_any(),
        PrintView::Shown(document) => {
            let PrintedDocument {
                practice_name,
                ods_code,
                account_id,
                secret,
                printed_on,
                expires_on,
                is_emis,
                bilingual,
                qr_svg,
                reset_url,
                patient_id,
            } = *document;
            let shown_once = if is_emis {
                tr!(staff.print.shown_once_linkage_key)
            } else {
                tr!(staff.print.shown_once_passphrase)
            };
            let secret_label = if is_emis {
                printed_label!(bilingual, staff.print.linkage_key)
            } else {
                printed_label!(bilingual, staff.print.one_time_passphrase)
            };
            view! {
                <PageTitle heading=tr!(staff.pin_document) />
                <div class="relink-no-print">
                    <a class="nhsuk-back-link" href=routes::staff_patient(&patient_id)>{tr!(staff.print.back)}</a>
                    <WarningCallout heading=tr!(staff.print.print_now) heading_level=2>
                        <CalloutText>{shown_once}</CalloutText>
                    </WarningCallout>
                    <p>{tr!(staff.print.how_to_print)}</p>
                    <PrintButton>{tr!(staff.print.print_button)}</PrintButton>
                </div>
                <article class="relink-pin-document" aria-labelledby="pin-document-heading">
                    <h1 id="pin-document-heading">{printed_label!(bilingual, staff.print.document_heading)}</h1>
                    <p class="nhsuk-lede-text">{practice_name.clone()}</p>
                    <dl class="nhsuk-summary-list">
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{printed_label!(bilingual, staff.print.ods_code)}</dt><dd class="nhsuk-summary-list__value"><code>{ods_code}</code></dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{printed_label!(bilingual, staff.account_id)}</dt><dd class="nhsuk-summary-list__value"><code>{account_id}</code></dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{secret_label}</dt><dd class="nhsuk-summary-list__value"><code class="relink-pin-secret">{secret}</code></dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{printed_label!(bilingual, staff.print.date_printed)}</dt><dd class="nhsuk-summary-list__value">{printed_date(bilingual, printed_on)}</dd></div>
                        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{printed_label!(bilingual, staff.print.use_by)}</dt><dd class="nhsuk-summary-list__value">{printed_date(bilingual, expires_on)}</dd></div>
                    </dl>
                    <h2>{printed_label!(bilingual, staff.print.how_heading)}</h2>
                    {if is_emis {
                        view! {
                            <ol>
                                <li>{printed_text!(bilingual, staff.print.emis_step_1)}</li>
                                <li>{printed_text!(bilingual, staff.print.emis_step_2)}</li>
                            </ol>
                        }.into_any()
                    } else {
                        view! {
                            <ol>
                                <li>{printed_text!(bilingual, staff.print.tpp_step_1, url = &reset_url)}</li>
                                <li>{printed_text!(bilingual, staff.print.tpp_step_2)}</li>
                                <li>{printed_text!(bilingual, staff.print.tpp_step_3)}</li>
                            </ol>
                        }.into_any()
                    }}
                    <p>{printed_text!(bilingual, staff.print.keep_private)}</p>
                    <div class="relink-qr" inner_html=qr_svg></div>
                </article>
            }
            .into_any()
        }
    }
}
