//! "Import patients": a practice's file of patients (CSV or FHIR Bundle), checked or imported,
//! and the report of what it did row by row.

use leptos::prelude::*;

use crate::components::layout::TableScroll;

use super::StaffNav;
use crate::components::form::ErrorSummary;
use crate::components::layout::{error_title, PageTitle};
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{ImportReportView, ImportView};

/// The upload form, with the report of the last upload above it.
#[component]
pub fn ImportPage() -> impl IntoView {
    let view = server_view::<ImportView>();
    let heading = tr!(staff.imports.heading);
    let errors = view.errors.clone();
    let file_error = errors.for_field("file");
    let practice_error = errors.for_field("practice");
    let group = |error: &Option<String>, extra: &str| {
        let error = if error.is_some() {
            " nhsuk-form-group--error"
        } else {
            ""
        };
        format!("nhsuk-form-group{error}{extra}")
    };
    let practice_group = group(&practice_error, "");
    let file_group = group(&file_error, " nhsuk-file-upload");
    let (file_input, file_describedby) = if file_error.is_some() {
        (
            "nhsuk-file-upload__input nhsuk-file-upload__input--error",
            "file-hint file-error",
        )
    } else {
        ("nhsuk-file-upload__input", "file-hint")
    };
    view! {
        <PageTitle heading=error_title(heading, &view.errors) />
        <StaffNav username=view.username.clone() />
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <ErrorSummary errors=errors.clone() />
                <h1>{heading}</h1>
                {view.report.clone().map(|report| view! { <Report report /> })}
                <p>{tr!(staff.imports.intro)}</p>
                <p>{tr!(staff.imports.csv_header_intro)}</p>
                <pre class="relink-code"><code lang="en">{view.csv_header.clone()}</code></pre>
                <form method="post" action=routes::IMPORTS enctype="multipart/form-data" novalidate>
                    <div class=practice_group>
                        <label class="nhsuk-label nhsuk-label--s" for="practice">{tr!(staff.practice)}</label>
                        {practice_error.map(|m| view! { <span class="nhsuk-error-message" id="practice-error"><span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(common.error_prefix))}</span>{m}</span> })}
                        <select class="nhsuk-select" id="practice" name="practice">
                            {view.practices.iter().map(|(code, name)| {
                                let selected = view.practice == *code;
                                view! { <option value=code.clone() selected=selected>{format!("{name} ({code})")}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class=file_group>
                        <label class="nhsuk-label nhsuk-label--s" for="file">{tr!(staff.imports.file_label)}</label>
                        <div class="nhsuk-hint" id="file-hint">{tr!(staff.imports.file_hint)}</div>
                        {file_error.map(|m| view! { <span class="nhsuk-error-message" id="file-error"><span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(common.error_prefix))}</span>{m}</span> })}
                        <input
                            class=file_input
                            id="file"
                            name="file"
                            type="file"
                            accept=".csv,.json,text/csv,application/json,application/fhir+json"
                            aria-describedby=file_describedby
                        />
                    </div>
                    <div class="nhsuk-form-group">
                        <div class="nhsuk-checkboxes">
                            <div class="nhsuk-checkboxes__item">
                                <input class="nhsuk-checkboxes__input" id="dry-run" name="dry_run" type="checkbox" value="yes" checked=view.dry_run />
                                <label class="nhsuk-label nhsuk-checkboxes__label" for="dry-run">{tr!(staff.imports.dry_run)}</label>
                            </div>
                        </div>
                    </div>
                    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">{tr!(staff.imports.button)}</button>
                </form>
            </div>
        </div>
    }
}

/// What the upload did: the counts, then each rejected row.
#[component]
fn Report(report: ImportReportView) -> impl IntoView {
    let summary = if report.written {
        tr!(
            staff.imports.done,
            file = report.file_name.clone(),
            format = report.format.clone()
        )
    } else {
        tr!(
            staff.imports.checked,
            file = report.file_name.clone(),
            format = report.format.clone()
        )
    };
    let count = |key: &'static str, value: u64| {
        view! {
            <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">{key}</dt>
                <dd class="nhsuk-summary-list__value">{value.to_string()}</dd>
            </div>
        }
    };
    let (added, updated, moved) = if report.written {
        (
            tr!(staff.imports.added),
            tr!(staff.imports.updated),
            tr!(staff.imports.moved),
        )
    } else {
        (
            tr!(staff.imports.would_add),
            tr!(staff.imports.would_update),
            tr!(staff.imports.would_move),
        )
    };
    let problems = (!report.problems.is_empty()).then(|| {
        let rows = report
            .problems
            .iter()
            .map(|(place, reason)| {
                view! {
                    <tr class="nhsuk-table__row">
                        <td class="nhsuk-table__cell">{place.clone()}</td>
                        <td class="nhsuk-table__cell">{reason.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <TableScroll label=(tr!(staff.imports.problems_caption)).to_string()><table class="nhsuk-table">
                <caption class="nhsuk-table__caption">{tr!(staff.imports.problems_caption)}</caption>
                <thead class="nhsuk-table__head">
                    <tr class="nhsuk-table__row">
                        <th scope="col" class="nhsuk-table__header">{tr!(staff.imports.where_column)}</th>
                        <th scope="col" class="nhsuk-table__header">{tr!(staff.imports.reason_column)}</th>
                    </tr>
                </thead>
                <tbody class="nhsuk-table__body">{rows}</tbody>
            </table></TableScroll>
        }
    });
    let moves = (!report.moves.is_empty()).then(|| {
        let rows = report
            .moves
            .iter()
            .map(|(place, nhs_number, from)| {
                view! {
                    <tr class="nhsuk-table__row">
                        <td class="nhsuk-table__cell">{place.clone()}</td>
                        <td class="nhsuk-table__cell">{nhs_number.clone()}</td>
                        <td class="nhsuk-table__cell">{from.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <TableScroll label=(tr!(staff.imports.moves_caption)).to_string()><table class="nhsuk-table">
                <caption class="nhsuk-table__caption">{tr!(staff.imports.moves_caption)}</caption>
                <thead class="nhsuk-table__head">
                    <tr class="nhsuk-table__row">
                        <th scope="col" class="nhsuk-table__header">{tr!(staff.imports.where_column)}</th>
                        <th scope="col" class="nhsuk-table__header">{tr!(staff.imports.nhs_number_column)}</th>
                        <th scope="col" class="nhsuk-table__header">{tr!(staff.imports.from_column)}</th>
                    </tr>
                </thead>
                <tbody class="nhsuk-table__body">{rows}</tbody>
            </table></TableScroll>
        }
    });
    let more =
        (report.more > 0).then(|| view! { <p>{tr!(staff.imports.more, count = report.more)}</p> });
    view! {
        <div class="nhsuk-inset-text" role="status"><p>{summary}</p></div>
        <dl class="nhsuk-summary-list">
            {count(added, report.added)}
            {count(updated, report.updated)}
            {count(tr!(staff.imports.unchanged), report.unchanged)}
            {(report.moved > 0).then(|| count(moved, report.moved))}
            {count(tr!(staff.imports.rejected), report.rejected)}
        </dl>
        {moves}
        {problems}
        {more}
    }
}
