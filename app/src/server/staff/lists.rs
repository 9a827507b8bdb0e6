//! What needs the practice's attention, as lists: replacement requests, and patients whose GP
//! record and PDS disagree.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use time::OffsetDateTime;

use super::SignedInStaff;
use crate::db::staff::{self, Recorded};
use crate::i18n::td_string;
use crate::language::{long_date, Locale};
use crate::server::{render, request_locale, AppState, JourneyError};
use crate::views::routes;
use crate::views::staff::{MismatchRow, MismatchesView, RequestRow, RequestsView};

/// The member's practices' replacement requests, newest first, and whether each is complete.
pub(super) async fn requests(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let locale = request_locale();
    let rows = staff::replacement_requests(&state.db, &member)
        .await?
        .into_iter()
        .map(|r| RequestRow {
            reference: r.reference,
            patient_id: r.patient_id,
            name: format!("{} {}", r.given_name, r.family_name),
            nhs_number: r.nhs_number.to_string(),
            requested_on: OffsetDateTime::from_unix_timestamp(r.created_at)
                .map(|t| long_date(t.date(), locale))
                .unwrap_or_default(),
            status: if r.passphrase_set {
                td_string!(locale, staff.requests.complete).to_owned()
            } else {
                td_string!(locale, staff.requests.waiting).to_owned()
            },
        })
        .collect();
    Ok(render(
        &state,
        routes::REQUESTS,
        RequestsView {
            username: member.username.to_string(),
            rows,
        },
        StatusCode::OK,
    )
    .await)
}

/// Every field on which the GP record and PDS disagree, and who fixes it.
pub(super) async fn mismatches(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let locale = request_locale();
    let shown = |value: Recorded| match value {
        Recorded::Text(text) => text,
        Recorded::Date(date) => long_date(date, locale),
    };
    let rows = staff::demographic_mismatches(&state.db, &member)
        .await?
        .into_iter()
        .map(|m| MismatchRow {
            who_fixes: match m.field {
                "Address" | "Postcode" => {
                    td_string!(locale, staff.mismatches.practice_fixes)
                }
                _ => td_string!(locale, staff.mismatches.pds_fixes),
            }
            .to_owned(),
            patient_id: m.patient_id,
            nhs_number: m.nhs_number.to_string(),
            field: mismatch_field(m.field, locale).to_owned(),
            gp_record: shown(m.gp_record),
            pds: shown(m.pds),
        })
        .collect();
    Ok(render(
        &state,
        routes::MISMATCHES,
        MismatchesView {
            username: member.username.to_string(),
            rows,
        },
        StatusCode::OK,
    )
    .await)
}

/// A field of the demographic records (as `db::staff` names it), in the request's language.
fn mismatch_field(field: &str, locale: Locale) -> &'static str {
    match field {
        "Given name" => td_string!(locale, staff.mismatches.given_name),
        "Family name" => td_string!(locale, staff.mismatches.family_name),
        "Date of birth" => td_string!(locale, staff.date_of_birth),
        "Address" => td_string!(locale, staff.mismatches.address),
        _ => td_string!(locale, staff.mismatches.postcode),
    }
}
