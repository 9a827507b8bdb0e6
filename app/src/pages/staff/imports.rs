//! "Import patients": a practice's file of patients (CSV or FHIR Bundle), checked or imported,
//! and the report of what it did row by row.

use crate::components::nhsuk::{
    Button, InsetText, Table, TableBody, TableCell, TableHead, TableHeader, TableRow,
};
use leptos::prelude::*;

use crate::components::layout::TableScroll;

use super::StaffNav;
use crate::components::form::{
    CheckboxChoice, Checkboxes, ErrorSummary, Select, SummaryListOf, SummaryListRow,
};
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
                    <Select
                        id="practice"
                        name="practice"
                        label=tr!(staff.practice)
                        error=practice_error
                        options=super::test_patients::practice_options(&view.practices)
                        selected=view.practice.clone()
                    />
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
                    <Checkboxes
                        id="dry-run"
                        name="dry_run"
                        choices=vec![CheckboxChoice {
                            value: "yes".to_owned(),
                            label: tr!(staff.imports.dry_run).to_owned(),
                            checked: view.dry_run,
                        }]
                    />
                    <Button>{tr!(staff.imports.button)}</Button>
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
            <SummaryListRow key=key>{value.to_string()}</SummaryListRow>
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
            .clone()
            .into_iter()
            .map(|(place, reason)| {
                view! {
                    <TableRow>
                        <TableCell>{place}</TableCell>
                        <TableCell>{reason}</TableCell>
                    </TableRow>
                }
            })
            .collect_view();
        view! {
            <TableScroll label=(tr!(staff.imports.problems_caption)).to_string()><Table caption=tr!(staff.imports.problems_caption)>
                <TableHead>
                        <TableHeader>{tr!(staff.imports.where_column)}</TableHeader>
                        <TableHeader>{tr!(staff.imports.reason_column)}</TableHeader>
                    </TableHead>
                <TableBody>{rows}</TableBody>
            </Table></TableScroll>
        }
    });
    let moves = (!report.moves.is_empty()).then(|| {
        let rows = report
            .moves
            .clone()
            .into_iter()
            .map(|(place, nhs_number, from)| {
                view! {
                    <TableRow>
                        <TableCell>{place}</TableCell>
                        <TableCell>{nhs_number}</TableCell>
                        <TableCell>{from}</TableCell>
                    </TableRow>
                }
            })
            .collect_view();
        view! {
            <TableScroll label=(tr!(staff.imports.moves_caption)).to_string()><Table caption=tr!(staff.imports.moves_caption)>
                <TableHead>
                        <TableHeader>{tr!(staff.imports.where_column)}</TableHeader>
                        <TableHeader>{tr!(staff.imports.nhs_number_column)}</TableHeader>
                        <TableHeader>{tr!(staff.imports.from_column)}</TableHeader>
                    </TableHead>
                <TableBody>{rows}</TableBody>
            </Table></TableScroll>
        }
    });
    let more =
        (report.more > 0).then(|| view! { <p>{tr!(staff.imports.more, count = report.more)}</p> });
    view! {
        <InsetText role="status"><p>{summary}</p></InsetText>
        <SummaryListOf>
            {count(added, report.added)}
            {count(updated, report.updated)}
            {count(tr!(staff.imports.unchanged), report.unchanged)}
            {(report.moved > 0).then(|| count(moved, report.moved))}
            {count(tr!(staff.imports.rejected), report.rejected)}
        </SummaryListOf>
        {moves}
        {problems}
        {more}
    }
}
