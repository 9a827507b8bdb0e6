//! The small components of the NHS design system (nhsuk-frontend 10), as Leptos components that
//! render the markup of its Nunjucks macros. Pages use these rather than writing the classes out,
//! so the markup stays nhsuk-frontend's own: `components::conformance` renders each of them with
//! the parameters of nhsuk-frontend's fixtures and compares the result with the fixture's HTML.

use crate::tr;
use leptos::prelude::*;

/// The size modifier of a label, legend or heading (`nhsuk-label--l` and so on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    S,
    M,
    L,
    Xl,
}

impl Size {
    /// The size as nhsuk-frontend spells it in its options and class names.
    pub fn parse(name: &str) -> Option<Size> {
        match name {
            "s" => Some(Size::S),
            "m" => Some(Size::M),
            "l" => Some(Size::L),
            "xl" => Some(Size::Xl),
            _ => None,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Size::S => "s",
            Size::M => "m",
            Size::L => "l",
            Size::Xl => "xl",
        }
    }

    /// The class of a block with this size: `class("nhsuk-label")` is `nhsuk-label--l`.
    pub fn class(self, block: &str) -> String {
        format!("{block}--{}", self.suffix())
    }
}

/// `block` followed by its size modifier, when it has one.
pub(crate) fn with_size(block: &str, size: Option<Size>) -> String {
    match size {
        Some(size) => format!("{block} {}", size.class(block)),
        None => block.to_owned(),
    }
}

/// A heading element of the given level (1 to 6), for components whose heading level is an
/// option (panel, warning callout, a label or legend that is the page's heading).
pub(crate) fn heading_element(level: u8, class: Option<String>, content: AnyView) -> AnyView {
    match level {
        1 => view! { <h1 class=class>{content}</h1> }.into_any(),
        2 => view! { <h2 class=class>{content}</h2> }.into_any(),
        3 => view! { <h3 class=class>{content}</h3> }.into_any(),
        4 => view! { <h4 class=class>{content}</h4> }.into_any(),
        5 => view! { <h5 class=class>{content}</h5> }.into_any(),
        _ => view! { <h6 class=class>{content}</h6> }.into_any(),
    }
}

/// nhsuk's label. When it is the page's question, `heading_level` wraps it in a heading (one
/// question per page: the label is the `h1`).
#[component]
pub fn Label(
    #[prop(into)] text: String,
    #[prop(optional, into)] for_id: Option<String>,
    #[prop(optional)] size: Option<Size>,
    #[prop(optional)] heading_level: Option<u8>,
    /// The component's own classes (`nhsuk-radios__label`, `nhsuk-date-input__label`).
    #[prop(optional)]
    classes: Option<&'static str>,
) -> impl IntoView {
    let mut class = with_size("nhsuk-label", size);
    if let Some(extra) = classes {
        class.push(' ');
        class.push_str(extra);
    }
    let label = view! { <label class=class for=for_id>{text}</label> }.into_any();
    match heading_level {
        Some(level) => heading_element(level, Some("nhsuk-label-wrapper".to_owned()), label),
        None => label,
    }
}

/// nhsuk's fieldset legend. As the page's question it holds the page's `h1`.
#[component]
pub fn Legend(
    #[prop(into)] text: String,
    #[prop(optional)] size: Option<Size>,
    #[prop(optional)] is_page_heading: bool,
) -> impl IntoView {
    let class = with_size("nhsuk-fieldset__legend", size);
    view! {
        <legend class=class>
            {if is_page_heading {
                view! { <h1 class="nhsuk-fieldset__heading">{text}</h1> }.into_any()
            } else {
                text.into_any()
            }}
        </legend>
    }
}

/// nhsuk's hint: what the answer looks like, read out with the field (`aria-describedby`).
#[component]
pub fn Hint(
    #[prop(into)] text: String,
    #[prop(optional, into)] id: Option<String>,
    #[prop(optional)] classes: Option<&'static str>,
) -> impl IntoView {
    let class = match classes {
        Some(extra) => format!("nhsuk-hint {extra}"),
        None => "nhsuk-hint".to_owned(),
    };
    view! { <div class=class id=id>{text}</div> }
}

/// nhsuk's error message, shown by the field it is about; "Error:" is read out first.
#[component]
pub fn ErrorMessage(
    #[prop(into)] message: String,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    view! {
        <span class="nhsuk-error-message" id=id>
            <span class="nhsuk-u-visually-hidden">{tr!(common.error_prefix)}" "</span>
            {message}
        </span>
    }
}

/// The look of a button: the page's main action, a secondary one, or one that destroys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonVariant {
    #[default]
    Primary,
    Secondary,
    Warning,
}

fn button_class(variant: ButtonVariant, small: bool) -> String {
    let mut class = String::from("nhsuk-button");
    match variant {
        ButtonVariant::Primary => {}
        ButtonVariant::Secondary => class.push_str(" nhsuk-button--secondary"),
        ButtonVariant::Warning => class.push_str(" nhsuk-button--warning"),
    }
    if small {
        class.push_str(" nhsuk-button--small");
    }
    class
}

/// nhsuk's button: submits its form.
#[component]
pub fn Button(
    #[prop(optional)] variant: ButtonVariant,
    #[prop(optional)] small: bool,
    /// nhsuk-frontend's script ignores a second click within a second (a form sent twice).
    #[prop(optional)]
    prevent_double_click: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <button
            class=button_class(variant, small)
            data-module="nhsuk-button"
            data-prevent-double-click=prevent_double_click.then_some("true")
            type="submit"
        >
            {children()}
        </button>
    }
}

/// nhsuk's button as a link: the start of a journey, or a step that only goes somewhere.
#[component]
pub fn ButtonLink(
    #[prop(into)] href: String,
    #[prop(optional)] variant: ButtonVariant,
    #[prop(optional)] small: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <a
            class=button_class(variant, small)
            data-module="nhsuk-button"
            href=href
            role="button"
            draggable="false"
        >
            {children()}
        </a>
    }
}

/// The colours of nhsuk's tag, each for one kind of status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagColour {
    White,
    Grey,
    Green,
    AquaGreen,
    Blue,
    Purple,
    Pink,
    Red,
    Orange,
    Yellow,
}

impl TagColour {
    /// The colour as nhsuk-frontend spells it in its options.
    pub fn parse(name: &str) -> Option<TagColour> {
        Some(match name {
            "white" => TagColour::White,
            "grey" => TagColour::Grey,
            "green" => TagColour::Green,
            "aqua-green" => TagColour::AquaGreen,
            "blue" => TagColour::Blue,
            "purple" => TagColour::Purple,
            "pink" => TagColour::Pink,
            "red" => TagColour::Red,
            "orange" => TagColour::Orange,
            "yellow" => TagColour::Yellow,
            _ => return None,
        })
    }

    fn class(self) -> &'static str {
        match self {
            TagColour::White => "nhsuk-tag nhsuk-tag--white",
            TagColour::Grey => "nhsuk-tag nhsuk-tag--grey",
            TagColour::Green => "nhsuk-tag nhsuk-tag--green",
            TagColour::AquaGreen => "nhsuk-tag nhsuk-tag--aqua-green",
            TagColour::Blue => "nhsuk-tag nhsuk-tag--blue",
            TagColour::Purple => "nhsuk-tag nhsuk-tag--purple",
            TagColour::Pink => "nhsuk-tag nhsuk-tag--pink",
            TagColour::Red => "nhsuk-tag nhsuk-tag--red",
            TagColour::Orange => "nhsuk-tag nhsuk-tag--orange",
            TagColour::Yellow => "nhsuk-tag nhsuk-tag--yellow",
        }
    }
}

/// nhsuk's tag: a short status beside what it is about. No colour is nhsuk's default blue.
#[component]
pub fn Tag(
    #[prop(into)] text: String,
    #[prop(optional)] colour: Option<TagColour>,
) -> impl IntoView {
    let class = colour.map_or("nhsuk-tag", TagColour::class);
    view! { <strong class=class>{text}</strong> }
}

/// nhsuk's inset text: information set apart from what is around it, with "Information:"
/// read out first. Its children are the paragraphs.
#[component]
pub fn InsetText(
    /// `status` or `alert` when the text reports what just happened.
    #[prop(optional)]
    role: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="nhsuk-inset-text" role=role>
            <span class="nhsuk-u-visually-hidden">{tr!(common.information)}" "</span>
            {children()}
        </div>
    }
}

/// nhsuk's confirmation panel: what has just been done, at the top of the page that says so.
#[component]
pub fn Panel(
    #[prop(into)] heading: String,
    #[prop(default = 1)] heading_level: u8,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="nhsuk-panel">
            {heading_level_view(heading_level, "nhsuk-panel__heading", heading)}
            {children.map(|body| view! { <div class="nhsuk-panel__body">{body()}</div> })}
        </div>
    }
}

fn heading_level_view(level: u8, class: &str, text: String) -> AnyView {
    heading_element(level, Some(class.to_owned()), text.into_any())
}

/// nhsuk's warning callout: something people must know before they go on. A heading other
/// than "Important" is read out as "Important: …"; without one there is no heading.
#[component]
pub fn WarningCallout(
    #[prop(optional, into)] heading: Option<String>,
    #[prop(default = 3)] heading_level: u8,
    /// `alert` when the callout reports what just happened.
    #[prop(optional)]
    role: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let important = tr!(common.important);
    let title = heading.map(|text| {
        let content = if text == important {
            text.into_any()
        } else {
            view! {
                <span role="text">
                    <span class="nhsuk-u-visually-hidden">{format!("{important}: ")}</span>
                    {text}
                </span>
            }
            .into_any()
        };
        heading_element(
            heading_level,
            Some("nhsuk-card__heading".to_owned()),
            content,
        )
    });
    view! {
        <div class="nhsuk-card nhsuk-card--warning" role=role>
            <div class="nhsuk-card__content">
                {title}
                {children()}
            </div>
        </div>
    }
}

/// A paragraph of a warning callout (`nhsuk-card__description`, as nhsuk's macro writes text).
#[component]
pub fn CalloutText(children: Children) -> impl IntoView {
    view! { <p class="nhsuk-card__description">{children()}</p> }
}

/// nhsuk's table. Its children are the [`TableHead`] and [`TableBody`]; a table wider than a
/// phone goes inside `layout::TableScroll`.
#[component]
pub fn Table(
    #[prop(optional, into)] caption: Option<String>,
    #[prop(optional)] caption_size: Option<Size>,
    /// The caption is for screen readers only, where a heading just above says the same.
    #[prop(optional)]
    caption_hidden: bool,
    children: Children,
) -> impl IntoView {
    let mut caption_class = with_size("nhsuk-table__caption", caption_size);
    if caption_hidden {
        caption_class.push_str(" nhsuk-u-visually-hidden");
    }
    view! {
        <table class="nhsuk-table">
            {caption.map(|text| view! { <caption class=caption_class>{text}</caption> })}
            {children()}
        </table>
    }
}

/// The head of a [`Table`]: one row of [`TableHeader`]s.
#[component]
pub fn TableHead(children: Children) -> impl IntoView {
    view! {
        <thead class="nhsuk-table__head">
            <tr class="nhsuk-table__row">{children()}</tr>
        </thead>
    }
}

/// The body of a [`Table`]: its [`TableRow`]s.
#[component]
pub fn TableBody(children: Children) -> impl IntoView {
    view! { <tbody class="nhsuk-table__body">{children()}</tbody> }
}

/// A row of a [`TableBody`].
#[component]
pub fn TableRow(children: Children) -> impl IntoView {
    view! { <tr class="nhsuk-table__row">{children()}</tr> }
}

/// A header cell: a column's (in [`TableHead`]) or a row's (`row`, the first cell of a row).
#[component]
pub fn TableHeader(
    #[prop(optional)] row: bool,
    /// Numbers line up on the right.
    #[prop(optional)]
    numeric: bool,
    children: Children,
) -> impl IntoView {
    let class = if numeric {
        "nhsuk-table__header nhsuk-table__header--numeric"
    } else {
        "nhsuk-table__header"
    };
    view! {
        <th class=class scope=if row { "row" } else { "col" }>
            {children()}
        </th>
    }
}

/// A data cell of a [`TableRow`].
#[component]
pub fn TableCell(
    #[prop(optional)] numeric: bool,
    /// The language of the cell when it is not the page's (an address, a name in English).
    #[prop(optional)]
    lang: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let class = if numeric {
        "nhsuk-table__cell nhsuk-table__cell--numeric"
    } else {
        "nhsuk-table__cell"
    };
    view! {
        <td class=class lang=lang>
            {children()}
        </td>
    }
}

/// nhsuk's card: a summary that leads somewhere (clickable, the whole card is the link) or
/// holds content of its own (its children).
#[component]
pub fn Card(
    #[prop(into)] heading: String,
    #[prop(optional)] heading_size: Option<Size>,
    #[prop(default = 2)] heading_level: u8,
    #[prop(optional, into)] href: Option<String>,
    #[prop(optional, into)] description: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let mut heading_class = String::from("nhsuk-card__heading");
    if let Some(size) = heading_size {
        heading_class.push_str(" nhsuk-heading-");
        heading_class.push_str(size.suffix());
    }
    let clickable = href.is_some();
    let title = match href {
        Some(href) => view! { <a class="nhsuk-card__link" href=href>{heading}</a> }.into_any(),
        None => heading.into_any(),
    };
    view! {
        <div class=if clickable { "nhsuk-card nhsuk-card--clickable" } else { "nhsuk-card" }>
            <div class="nhsuk-card__content">
                {heading_element(heading_level, Some(heading_class), title)}
                {description.map(|text| view! { <p class="nhsuk-card__description">{text}</p> })}
                {children.map(|content| content())}
            </div>
        </div>
    }
}
