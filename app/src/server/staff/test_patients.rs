//! Test patients: the list, and setting one up (a GP record only, in the 999 NHS number range).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use time::{Date, Month};

use super::{now, SignedInStaff};
use crate::db::patients::{self, DemographicSource, Demographics, Patient, PatientServiceSettings};
use crate::db::pin_documents::AccessSettings;
use crate::db::staff::{self, PatientListing, StaffMember};
use crate::db::tokens::new_record_id;
use crate::db::DbError;
use crate::domain::{
    parse_test_nhs_number, DateOfBirth, DateOfBirthError, OdsCode, OnlineService,
    RecordAccessLevel, VisibleFromRule,
};
use crate::i18n::td_string;
use crate::language::{Locale, Localize as _};
use crate::server::reset::date_error_target;
use crate::server::{render, request_locale, AppState, JourneyError};
use crate::views::form::FormErrors;
use crate::views::routes;
use crate::views::staff::{NewTestPatientView, PatientRow, TestPatientValues, TestPatientsView};

/// A listed patient as the staff tables show them.
pub(super) fn row(listing: PatientListing) -> PatientRow {
    PatientRow {
        id: listing.id,
        name: format!("{} {}", listing.given_name, listing.family_name),
        nhs_number: listing.nhs_number.to_string(),
        practice_ods: listing.practice_ods.to_string(),
        is_test: listing.is_test,
    }
}

/// The practices the member may choose from, as (ODS code, name).
async fn practice_choices(
    state: &AppState,
    member: &StaffMember,
) -> Result<Vec<(String, String)>, DbError> {
    Ok(staff::practices_of(&state.db, member)
        .await?
        .into_iter()
        .map(|p| (p.ods_code.to_string(), p.name))
        .collect())
}

/// The member's practices' test patients, newest first.
pub(super) async fn list(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let patients = staff::test_patients(&state.db, &member)
        .await?
        .into_iter()
        .map(row)
        .collect();
    let view = TestPatientsView {
        username: member.username.to_string(),
        patients,
        created: None,
    };
    Ok(render(&state, routes::TEST_PATIENTS, view, StatusCode::OK).await)
}

/// The form to set up a test patient, with the usual choices made.
pub(super) async fn show_new(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let practices = practice_choices(&state, &member).await?;
    let values = TestPatientValues {
        practice: practices.first().map(|p| p.0.clone()).unwrap_or_default(),
        access: "dcr".to_owned(),
        rule: "requested".to_owned(),
        services: OnlineService::ALL
            .map(|service| service.form_value().to_owned())
            .to_vec(),
        ..TestPatientValues::default()
    };
    let view = NewTestPatientView {
        username: member.username.to_string(),
        practices,
        values,
        errors: FormErrors::default(),
    };
    Ok(render(&state, routes::NEW_TEST_PATIENT, view, StatusCode::OK).await)
}

/// A date typed in three boxes, for dates that are not a date of birth; the problem, in the
/// request's language, if it is not one.
fn parse_plain_date(
    day: &str,
    month: &str,
    year: &str,
    locale: Locale,
) -> Result<Date, &'static str> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Err(td_string!(
            locale,
            staff.new_test_patient.enter_visible_from
        ));
    }
    let not_real = td_string!(locale, staff.new_test_patient.visible_from_real);
    let (Ok(d), Ok(m), Ok(y)) = (day.parse::<u8>(), month.parse::<u8>(), year.parse::<i32>())
    else {
        return Err(not_real);
    };
    Month::try_from(m)
        .ok()
        .filter(|_| (1900..=9999).contains(&y))
        .and_then(|m| Date::from_calendar_date(y, m, d).ok())
        .ok_or(not_real)
}

/// The record access level, the "visible from" rule (with its date when the practice sets it)
/// and the services, as a form posts them; each problem is added to `errors` in `locale`.
pub(super) fn parse_access_settings(
    access: &str,
    rule: &str,
    visible: &(String, String, String),
    services: &[String],
    locale: Locale,
    errors: &mut FormErrors,
) -> Option<AccessSettings> {
    let access = RecordAccessLevel::from_code(access);
    if access.is_none() {
        errors.add(
            "access",
            td_string!(locale, staff.new_test_patient.select_access),
        );
    }
    let rule = VisibleFromRule::from_code(rule);
    if rule.is_none() {
        errors.add(
            "rule",
            td_string!(locale, staff.new_test_patient.select_rule),
        );
    }
    let visible_from = if rule == Some(VisibleFromRule::PracticeSetDate) {
        match parse_plain_date(&visible.0, &visible.1, &visible.2, locale) {
            Ok(date) => Some(date),
            Err(message) => {
                errors.add("visible-from-day", message);
                return None;
            }
        }
    } else {
        None
    };
    let on = |service: &str| services.iter().any(|s| s == service);
    Some(AccessSettings {
        record_access: access?,
        visible_from_rule: rule?,
        visible_from_set: visible_from,
        services: PatientServiceSettings {
            appointments: on("appointments"),
            prescriptions: on("prescriptions"),
            record: on("record"),
            messages: on("messages"),
        },
    })
}

/// The form's fields as typed (trimmed), with the two dates' boxes.
fn read_form(body: &[u8]) -> TestPatientValues {
    let mut values = TestPatientValues::default();
    for (key, value) in form_urlencoded::parse(body) {
        let value = value.trim().to_owned();
        match key.as_ref() {
            "practice" => values.practice = value,
            "given_name" => values.given_name = value,
            "family_name" => values.family_name = value,
            "date_of_birth_day" => values.dob.0 = value,
            "date_of_birth_month" => values.dob.1 = value,
            "date_of_birth_year" => values.dob.2 = value,
            "nhs_number" => values.nhs_number = value,
            "access" => values.access = value,
            "rule" => values.rule = value,
            "visible_from_day" => values.visible_from.0 = value,
            "visible_from_month" => values.visible_from.1 = value,
            "visible_from_year" => values.visible_from.2 = value,
            "services" => values.services.push(value),
            _ => {}
        }
    }
    values
}

/// Checks the form and sets up the test patient, or shows the form again with what to fix.
pub(super) async fn create(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    body: Bytes,
) -> Result<Response, JourneyError> {
    let values = read_form(&body);
    let (dob, visible) = (&values.dob, &values.visible_from);
    let today = now().date();
    let locale = request_locale();
    let mut errors = FormErrors::default();
    let practice = OdsCode::parse(&values.practice)
        .ok()
        .filter(|ods| member.may_see(ods));
    if practice.is_none() {
        errors.add(
            "practice",
            td_string!(locale, staff.new_test_patient.select_practice),
        );
    }
    // (what is typed, field id, "Enter …" message, "… must be 100 characters or fewer" message)
    let names = [
        (
            &values.given_name,
            "given-name",
            td_string!(locale, staff.new_test_patient.enter_first_name),
            td_string!(locale, staff.new_test_patient.first_name_too_long),
        ),
        (
            &values.family_name,
            "family-name",
            td_string!(locale, staff.new_test_patient.enter_last_name),
            td_string!(locale, staff.new_test_patient.last_name_too_long),
        ),
    ];
    for (value, id, missing, too_long) in names {
        if value.is_empty() {
            errors.add(id, missing);
        } else if value.chars().count() > 100 {
            errors.add(id, too_long);
        }
    }
    let date_of_birth = DateOfBirth::parse(&dob.0, &dob.1, &dob.2, today)
        .map_err(|e| {
            errors.add(
                date_error_target(e),
                // Staff enter someone else's date of birth: "the date", not "your date".
                if e == DateOfBirthError::Empty {
                    td_string!(locale, errors.date_of_birth.staff_empty).to_owned()
                } else {
                    e.localize(locale)
                },
            )
        })
        .ok();
    let nhs_number = parse_test_nhs_number(&values.nhs_number)
        .map_err(|e| errors.add("nhs-number", e.localize(locale)))
        .ok();
    let settings = parse_access_settings(
        &values.access,
        &values.rule,
        visible,
        &values.services,
        locale,
        &mut errors,
    );
    if let Some(number) = &nhs_number {
        if patients::find_by_nhs_number(state.db.pool(), number)
            .await?
            .is_some()
        {
            errors.add(
                "nhs-number",
                td_string!(locale, staff.new_test_patient.nhs_number_exists),
            );
        }
    }
    let (Some(practice), Some(date_of_birth), Some(nhs_number), Some(settings), true) = (
        practice,
        date_of_birth,
        nhs_number,
        settings,
        errors.is_empty(),
    ) else {
        let view = NewTestPatientView {
            username: member.username.to_string(),
            practices: practice_choices(&state, &member).await?,
            values,
            errors,
        };
        return Ok(render(
            &state,
            routes::NEW_TEST_PATIENT,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    let patient = Patient {
        id: new_record_id("test"),
        practice_ods: practice,
        nhs_number,
        is_test: true,
        joined_practice_on: today,
        access_requested_on: Some(today),
        record_access: settings.record_access,
        visible_from_rule: settings.visible_from_rule,
        visible_from_set: settings.visible_from_set,
        settings: settings.services,
    };
    // Test patients have a GP record only: they are never sent to PDS.
    let record = Demographics {
        source: DemographicSource::ClinicalSystem,
        given_name: values.given_name.clone(),
        family_name: values.family_name.clone(),
        date_of_birth: date_of_birth.date(),
        // No address: the patient's page says so in the reader's language.
        address_line: String::new(),
        postcode: String::new(),
    };
    patients::create_test_patient(
        &state.db,
        &patient,
        &record,
        member.username.as_str(),
        now().unix_timestamp(),
    )
    .await?;
    Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response())
}
