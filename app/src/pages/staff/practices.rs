//! The practices (administrators only): every practice Relink serves, and "Add a practice".
//! One page for both, so a refused form shows again above the same list.

use crate::components::nhsuk::{
    Button, InsetText, Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag,
    TagColour,
};
use leptos::prelude::*;

use crate::components::layout::TableScroll;

use super::StaffNav;
use crate::components::form::{ErrorSummary, TextInput};
use crate::components::layout::{error_title, PageTitle};
use crate::domain::ClinicalSystem;
use crate::tr;
use crate::views::page::{kept_value, server_view};
use crate::views::routes;
use crate::views::staff::{PracticeRow, PracticesView};

/// The list of practices, what was just added, and the form to add another.
#[component]
pub fn PracticesPage() -> impl IntoView {
    let view = server_view::<PracticesView>();
    let heading = tr!(staff.practices.heading);
    let errors = view.errors.clone();
    let values = view.values.clone();
    view! {
        <PageTitle heading=error_title(heading, &errors) />
        <StaffNav username=view.username.clone() />
        <ErrorSummary errors=errors.clone() />
        <h1>{heading}</h1>
        {view.added.map(|added| view! { <AddedMessage added /> })}
        <p>{tr!(staff.practices.intro)}</p>
        {if view.practices.is_empty() {
            view! { <p>{tr!(staff.practices.none)}</p> }.into_any()
        } else {
            view! { <PracticeTable rows=view.practices /> }.into_any()
        }}
        <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
                <h2 id="add-practice">{tr!(staff.practices.add_heading)}</h2>
                <form method="post" action=routes::PRACTICES novalidate aria-labelledby="add-practice">
                    <TextInput
                        id="ods-code"
                        name="ods_code"
                        label=tr!(staff.practices.ods_code)
                        hint=tr!(staff.practices.ods_hint)
                        value=values.ods_code.clone()
                        error=errors.for_field("ods-code")
                        width_class="nhsuk-input--width-10"
                        autocomplete="off"
                        spellcheck_off=true
                    />
                    <TextInput
                        id="practice-name"
                        name="name"
                        label=tr!(staff.practices.name_label)
                        value=values.name.clone()
                        error=errors.for_field("practice-name")
                        width_class="nhsuk-input--width-30"
                        autocomplete="off"
                    />
                    <SystemRadios selected=values.system.clone() error=errors.for_field("system") />
                    <Button>{tr!(staff.practices.button)}</Button>
                </form>
            </div>
        </div>
    }
}

/// Says once, after the redirect, which practice was added (and, for a Welsh one, that its
/// PIN documents print in both languages).
#[component]
fn AddedMessage(added: PracticeRow) -> impl IntoView {
    let text = tr!(
        staff.practices.added,
        name = added.name.clone(),
        code = added.ods_code.clone()
    );
    view! {
        <InsetText role="status">
            <p>{text}</p>
            {added.is_welsh.then(|| view! { <p>{tr!(staff.practices.added_welsh)}</p> })}
        </InsetText>
    }
}

/// Every practice: code, name (Welsh ones tagged), clinical system and patients.
#[component]
fn PracticeTable(rows: Vec<PracticeRow>) -> impl IntoView {
    view! {
        <TableScroll label=(tr!(staff.practices.caption)).to_string()><Table caption=tr!(staff.practices.caption)>
            <TableHead>
                    <TableHeader>{tr!(staff.practices.ods_code)}</TableHeader>
                    <TableHeader>{tr!(staff.name)}</TableHeader>
                    <TableHeader>{tr!(staff.practices.clinical_system)}</TableHeader>
                    <TableHeader numeric=true>{tr!(staff.practices.patients)}</TableHeader>
                </TableHead>
            <TableBody>
                {rows
                    .into_iter()
                    .map(|p| view! {
                        <TableRow>
                            <TableCell>{p.ods_code}</TableCell>
                            <TableCell>
                                {p.name}
                                {p.is_welsh.then(|| view! { " "<Tag text=tr!(staff.practices.welsh_tag) colour=TagColour::Blue /> })}
                            </TableCell>
                            <TableCell>{p.clinical_system}</TableCell>
                            <TableCell numeric=true>{p.patients}</TableCell>
                        </TableRow>
                    })
                    .collect_view()}
            </TableBody>
        </Table></TableScroll>
    }
}

/// The clinical system question: one radio per system, named as staff know them.
#[component]
fn SystemRadios(selected: String, error: Option<String>) -> impl IntoView {
    let selected = kept_value("system").unwrap_or(selected);
    let group = if error.is_some() {
        "nhsuk-form-group nhsuk-form-group--error"
    } else {
        "nhsuk-form-group"
    };
    let describedby = error.as_ref().map(|_| "system-error");
    let choices = [
        (ClinicalSystem::Tpp, "system", tr!(staff.practices.tpp_hint)),
        (
            ClinicalSystem::Emis,
            "system-2",
            tr!(staff.practices.emis_hint),
        ),
    ];
    view! {
        <div class=group>
            <fieldset class="nhsuk-fieldset" aria-describedby=describedby>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{tr!(staff.practices.system_legend)}</legend>
                {error.map(|message| view! {
                    <span class="nhsuk-error-message" id="system-error">
                        <span class="nhsuk-u-visually-hidden">{format!("{} ", tr!(common.error_prefix))}</span>{message}
                    </span>
                })}
                <div class="nhsuk-radios" data-module="nhsuk-radios">
                    {choices.into_iter().map(|(system, id, hint)| {
                        let hint_id = format!("{id}-item-hint");
                        view! {
                            <div class="nhsuk-radios__item">
                                <input class="nhsuk-radios__input" id=id name="system" type="radio" value=system.code() checked=selected == system.code() aria-describedby=hint_id.clone() />
                                <label class="nhsuk-label nhsuk-radios__label" for=id>{system.display_name()}</label>
                                <div class="nhsuk-hint nhsuk-radios__hint" id=hint_id>{hint}</div>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}
