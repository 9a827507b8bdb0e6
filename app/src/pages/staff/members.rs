//! The staff members (administrators only): everyone who may sign in to the staff area, and on
//! each member's page the changes administrators make when someone leaves, forgets their
//! password or loses their phone. Plain forms: they work without JavaScript.

use crate::components::nhsuk::{
    Button, ButtonVariant, CalloutText, InsetText, Panel, Table, TableBody, TableCell, TableHead,
    TableHeader, TableRow, Tag, TagColour, WarningCallout,
};
use leptos::prelude::*;

use crate::components::form::{SummaryListOf, SummaryListRow};

use crate::components::layout::TableScroll;

use super::StaffNav;
use crate::components::layout::PageTitle;
use crate::tr;
use crate::views::page::server_view;
use crate::views::routes;
use crate::views::staff::{StaffMemberChange, StaffMemberRow, StaffMemberView, StaffMembersView};

fn role(member: &StaffMemberRow) -> String {
    if member.is_admin {
        tr!(staff.members.administrator).to_owned()
    } else {
        member.practices.join(", ")
    }
}

#[component]
fn StatusTag(disabled: bool) -> impl IntoView {
    if disabled {
        view! { <Tag text=tr!(staff.members.disabled) colour=TagColour::Grey /> }
    } else {
        view! { <Tag text=tr!(staff.members.active) colour=TagColour::Green /> }
    }
}

/// Every member, each linking to their page.
#[component]
pub fn StaffMembersPage() -> impl IntoView {
    let view = server_view::<StaffMembersView>();
    let heading = tr!(staff.members.heading);
    view! {
        <PageTitle heading=heading.to_owned() />
        <StaffNav username=view.username.clone() />
        <h1>{heading}</h1>
        <p>{tr!(staff.members.intro)}</p>
        <TableScroll label=(heading).to_string()><Table caption=heading caption_hidden=true>
            <TableHead>
                    <TableHeader>{tr!(staff.members.username)}</TableHeader>
                    <TableHeader>{tr!(staff.members.practices)}</TableHeader>
                    <TableHeader>{tr!(staff.members.status)}</TableHeader>
                </TableHead>
            <TableBody>
                {view.members.iter().map(|member| {
                    let (href, username) = (routes::staff_member(&member.username), member.username.clone());
                    let (role, disabled) = (role(member), member.disabled);
                    view! {
                        <TableRow>
                            <TableCell><a href=href>{username}</a></TableCell>
                            <TableCell>{role}</TableCell>
                            <TableCell><StatusTag disabled /></TableCell>
                        </TableRow>
                    }
                }).collect_view()}
            </TableBody>
        </Table></TableScroll>
    }
}

/// What was just done, said once.
#[component]
fn ChangeMessage(
    change: StaffMemberChange,
    username: String,
    sessions_ended: u64,
) -> impl IntoView {
    let text = match change {
        StaffMemberChange::Disabled => {
            tr!(staff.members.done_disabled, username = username.clone())
        }
        StaffMemberChange::Enabled => tr!(staff.members.done_enabled, username = username.clone()),
        StaffMemberChange::PasswordReset => tr!(
            staff.members.done_password,
            username = username.clone(),
            sessions = sessions_ended
        ),
        StaffMemberChange::SecondFactorReset => {
            tr!(
                staff.members.done_second_factor,
                username = username.clone()
            )
        }
        StaffMemberChange::NotYourself => tr!(staff.members.not_yourself).to_owned(),
        StaffMemberChange::SignsInWithProvider => tr!(staff.members.provider_member).to_owned(),
    };
    let refused = matches!(
        change,
        StaffMemberChange::NotYourself | StaffMemberChange::SignsInWithProvider
    );
    // A refusal is something to act on (a warning); a change done is information.
    if refused {
        view! {
            <WarningCallout role="status">
                <CalloutText>{text}</CalloutText>
            </WarningCallout>
        }
        .into_any()
    } else {
        view! {
            <InsetText role="status">
                <p>{text}</p>
            </InsetText>
        }
        .into_any()
    }
}

/// One member: who they are, their status, and the changes.
#[component]
pub fn StaffMemberPage() -> impl IntoView {
    let view = server_view::<StaffMemberView>();
    let member = view.member.clone();
    let name = member.username.clone();
    let action = |route: &'static str| routes::staff_member_action(route, &name);
    let second_factor = if member.signs_in_with_provider {
        tr!(staff.members.provider_sign_in)
    } else if member.has_authenticator {
        tr!(staff.members.authenticator_set_up)
    } else {
        tr!(staff.members.authenticator_not_set_up)
    };
    let (member_role, disabled) = (role(&member), member.disabled);
    view! {
        <PageTitle heading=member.username.clone() />
        <StaffNav username=view.username.clone() />
        <a class="nhsuk-back-link" href=routes::STAFF_MEMBERS>{tr!(staff.members.back)}</a>
        <h1>{member.username.clone()}</h1>
        {view.change.map(|change| view! {
            <ChangeMessage change username=member.username.clone() sessions_ended=view.sessions_ended />
        })}
        {view.one_time_password.clone().map(|password| view! {
            <Panel heading=tr!(staff.members.password_heading) heading_level=2>
                <p><code class="relink-one-time-password">{password}</code></p>
                <p>{tr!(staff.members.password_once)}</p>
            </Panel>
        })}
        <SummaryListOf>
            <SummaryListRow key=tr!(staff.members.practices)>{member_role}</SummaryListRow>
            <SummaryListRow key=tr!(staff.members.status)><StatusTag disabled /></SummaryListRow>
            <SummaryListRow key=tr!(staff.members.authenticator)>{second_factor}</SummaryListRow>
        </SummaryListOf>
        <h2>{tr!(staff.members.changes_heading)}</h2>
        {if member.disabled {
            view! {
                <form method="post" action=action(routes::STAFF_MEMBER_ENABLE)>
                    <p>{tr!(staff.members.enable_text)}</p>
                    <Button variant=ButtonVariant::Secondary>
                        {tr!(staff.members.enable_button)}
                    </Button>
                </form>
            }.into_any()
        } else if view.is_self {
            view! { <p>{tr!(staff.members.not_yourself)}</p> }.into_any()
        } else {
            view! {
                <form method="post" action=action(routes::STAFF_MEMBER_DISABLE)>
                    <p>{tr!(staff.members.disable_text)}</p>
                    <Button variant=ButtonVariant::Warning>
                        {tr!(staff.members.disable_button)}
                    </Button>
                </form>
            }.into_any()
        }}
        {if member.signs_in_with_provider {
            view! { <p>{tr!(staff.members.provider_member)}</p> }.into_any()
        } else {
            view! {
                <form method="post" action=action(routes::STAFF_MEMBER_RESET_PASSWORD)>
                    <p>{tr!(staff.members.reset_password_text)}</p>
                    <Button variant=ButtonVariant::Secondary>
                        {tr!(staff.members.reset_password_button)}
                    </Button>
                </form>
                <form method="post" action=action(routes::STAFF_MEMBER_RESET_SECOND_FACTOR)>
                    <p>{tr!(staff.members.reset_second_factor_text)}</p>
                    <Button variant=ButtonVariant::Secondary>
                        {tr!(staff.members.reset_second_factor_button)}
                    </Button>
                </form>
            }.into_any()
        }}
    }
}
