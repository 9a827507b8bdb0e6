//! The staff area's endpoints. Each one finds the signed-in staff member from their own session
//! cookie, and every page about a patient, document or preview checks that it belongs to one of
//! the member's practices: anything else is "not found", whatever id is guessed.

use crate::language::Localize as _;
use axum::body::Bytes;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use rand::{Rng, RngCore};
use serde::Deserialize;
use time::{Date, Month, OffsetDateTime};

use super::account::patient_summary;
use super::{
    admit_attempt, host_cookie, render, request_cookie, request_locale, respond, AppState,
    ClientAddress, JourneyError,
};
use crate::db::audit::{self, AuditKind, NewAuditEvent};
use crate::db::patients::{self, DemographicSource, Demographics, Patient, PatientServiceSettings};
use crate::db::sessions::{self, SessionKind};
use crate::db::staff::{self, Preview, Recorded, StaffMember, PREVIEW_SECONDS};
use crate::db::throttles::{self, PIN_PAIR_LIMIT};
use crate::db::tokens::{new_record_id, SessionId};
use crate::db::{accounts, pin_documents, practices, DbError};
use crate::domain::{
    one_time_secret, parse_test_nhs_number, AccountId, ClinicalSystem, DateOfBirth, IdentityCheck,
    OnlineService, PinDocumentDates, RecordAccessLevel, StaffUsername, VisibleFromRule,
};
use crate::i18n::td_string;
use crate::language::{long_date, Locale};
use crate::views::form::{FormErrors, FormProblem};
use crate::views::routes;
use crate::views::staff::*;

/// The staff area. Every page but sign-in and sign-out is for signed-in staff only.
pub fn routes(_state: &AppState) -> Router<AppState> {
    Router::new()
        .route(routes::STAFF_SIGN_IN, get(show_sign_in).post(sign_in))
        .route(routes::STAFF_SIGN_OUT, post(sign_out))
        .route(routes::STAFF_HOME, get(home))
        .route(routes::TEST_PATIENTS, get(test_patients))
        .route(
            routes::NEW_TEST_PATIENT,
            get(show_new_test_patient).post(create_test_patient),
        )
        .route(routes::FIND_PATIENT, get(find_patient))
        .route(routes::STAFF_PATIENT, get(patient_page))
        .route(routes::STAFF_REISSUE, get(show_reissue).post(reissue))
        .route(
            routes::STAFF_PREVIEW_START,
            get(show_preview_start).post(start_preview),
        )
        .route(routes::STAFF_PREVIEW, get(show_preview))
        .route(routes::STAFF_PREVIEW_END, post(end_preview))
        .route(routes::STAFF_PRINT, get(print))
        .route(routes::REQUESTS, get(requests))
        .route(routes::MISMATCHES, get(mismatches))
        .route(routes::AUDIT, get(audit_log))
}

/// The staff session cookie: separate from the patients' one.
pub const STAFF_COOKIE: &str = "__Host-relink-staff";
/// Carries a new PIN document's secret to its print page, once; never stored on the server.
pub const PIN_SECRET_COOKIE: &str = "__Secure-relink-new-pin";

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn random_id(prefix: &str) -> String {
    new_record_id(prefix)
}

/// The signed-in staff member, if the staff session is live.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(SessionId, StaffMember)>, JourneyError> {
    let Some(value) = request_cookie(headers, STAFF_COOKIE) else {
        return Ok(None);
    };
    let id = SessionId::from_cookie(&value);
    let Some(username) = sessions::resume(
        state.db.pool(),
        SessionKind::Staff,
        &id,
        now().unix_timestamp(),
    )
    .await?
    else {
        return Ok(None);
    };
    Ok(staff::find(&state.db, &username)
        .await?
        .map(|member| (id, member)))
}

/// Either the signed-in member, or the answer for someone who is not: a page asks them to sign
/// in (303); a form post is refused (403) without doing anything.
async fn require_staff(
    state: &AppState,
    headers: &HeaderMap,
    method: &Method,
) -> Result<Result<StaffMember, Response>, JourneyError> {
    if let Some((_, member)) = signed_in(state, headers).await? {
        return Ok(Ok(member));
    }
    if method == Method::GET {
        return Ok(Err(Redirect::to(routes::STAFF_SIGN_IN).into_response()));
    }
    let view = StaffSignInView {
        problem: None,
        ..StaffSignInView::default()
    };
    Ok(Err(render(
        state,
        routes::STAFF_SIGN_IN,
        view,
        StatusCode::FORBIDDEN,
    )
    .await))
}

macro_rules! staff_or_return {
    ($state:expr, $headers:expr, $method:expr) => {
        match require_staff($state, $headers, $method).await? {
            Ok(member) => member,
            Err(response) => return Ok(response),
        }
    };
}

async fn not_found(state: &AppState) -> Response {
    render(state, "/staff/not-found", (), StatusCode::NOT_FOUND).await
}

/// The patient, only if they belong to one of the member's practices.
async fn authorised_patient(
    state: &AppState,
    member: &StaffMember,
    id: &str,
) -> Result<Option<Patient>, DbError> {
    Ok(patients::find(state.db.pool(), id)
        .await?
        .filter(|p| member.may_see(&p.practice_ods)))
}

fn patient_name(records: &[Demographics]) -> String {
    records
        .iter()
        .find(|r| r.source == DemographicSource::ClinicalSystem)
        .or_else(|| records.first())
        .map(|r| format!("{} {}", r.given_name, r.family_name))
        .unwrap_or_default()
}

// ----- sign in and out -------------------------------------------------------------------------

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInQuery {
    signed_out: Option<String>,
}

pub async fn show_sign_in(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
) -> Response {
    let view = StaffSignInView {
        signed_out: query.signed_out.is_some(),
        ..StaffSignInView::default()
    };
    render(&state, routes::STAFF_SIGN_IN, view, StatusCode::OK).await
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    username: String,
    password: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    respond(sign_in_inner(&state, &client, &headers, form).await)
}

async fn sign_in_inner(
    state: &AppState,
    client: &ClientAddress,
    headers: &HeaderMap,
    form: SignInForm,
) -> Result<Response, JourneyError> {
    let mut view = StaffSignInView {
        username: form.username.trim().to_owned(),
        ..StaffSignInView::default()
    };
    let mut errors = FormErrors::default();
    let username = StaffUsername::parse(&form.username)
        .map_err(|e| errors.add("username", e.localize(super::request_locale())))
        .ok();
    let locale = request_locale();
    if form.password.is_empty() {
        errors.add("password", td_string!(locale, staff.sign_in.enter_password));
    } else if form.password.chars().count() > 128 {
        errors.add(
            "password",
            td_string!(locale, staff.sign_in.password_too_long),
        );
    }
    let (Some(username), true) = (username, errors.is_empty()) else {
        view.errors = errors;
        return Ok(render(
            state,
            routes::STAFF_SIGN_IN,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    let db = &state.db;
    let timestamp = now().unix_timestamp();
    let key = format!("staff:{username}");
    if let Some(problem) = admit_attempt(db, client, &key, timestamp).await? {
        view.problem = Some(problem);
        return Ok(render(
            state,
            routes::STAFF_SIGN_IN,
            view,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await);
    }
    // The same Argon2 work whether or not the username exists.
    let stored = staff::password_hash(db.pool(), &username).await?;
    let known = stored.is_some();
    let hash = stored.unwrap_or_else(|| state.dummy_hash.to_string());
    let typed = form.password.clone();
    let matches = state
        .hashing
        .run(move |hasher| hasher.verify(&typed, &hash))
        .await?
        && known;
    if !matches {
        audit::record(
            db.pool(),
            &NewAuditEvent {
                kind: AuditKind::StaffSignInFailed,
                actor: username.as_str(),
                practice_ods: None,
                patient_id: None,
                detail: "",
            },
            timestamp,
        )
        .await?;
        let locked = throttles::record(db.pool(), &key, PIN_PAIR_LIMIT, timestamp)
            .await?
            .is_some();
        view.problem = Some(if locked {
            FormProblem::LockedOut
        } else {
            FormProblem::NoMatch
        });
        let status = if locked {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok(render(state, routes::STAFF_SIGN_IN, view, status).await);
    }
    throttles::clear(db.pool(), &key, timestamp).await?;
    if let Some(old) = request_cookie(headers, STAFF_COOKIE) {
        sessions::end(db.pool(), &SessionId::from_cookie(&old)).await?;
    }
    let id = sessions::create(db.pool(), SessionKind::Staff, username.as_str(), timestamp).await?;
    audit::record(
        db.pool(),
        &NewAuditEvent {
            kind: AuditKind::StaffSignedIn,
            actor: username.as_str(),
            practice_ods: None,
            patient_id: None,
            detail: "",
        },
        timestamp,
    )
    .await?;
    let mut response = Redirect::to(routes::STAFF_HOME).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        host_cookie(STAFF_COOKIE, Some(id.expose()), "Strict", None),
    );
    Ok(response)
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    respond(
        async {
            if let Some((id, member)) = signed_in(&state, &headers).await? {
                sessions::end(state.db.pool(), &id).await?;
                audit::record(
                    state.db.pool(),
                    &NewAuditEvent {
                        kind: AuditKind::StaffSignedOut,
                        actor: member.username.as_str(),
                        practice_ods: None,
                        patient_id: None,
                        detail: "",
                    },
                    now().unix_timestamp(),
                )
                .await?;
            }
            let mut response =
                Redirect::to(&format!("{}?signed_out=1", routes::STAFF_SIGN_IN)).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                host_cookie(STAFF_COOKIE, None, "Strict", None),
            );
            Ok(response)
        }
        .await,
    )
}

// ----- what needs attention --------------------------------------------------------------------

async fn practice_names(
    state: &AppState,
    member: &StaffMember,
) -> Result<Vec<(String, String)>, DbError> {
    let codes: Vec<String> = if member.is_admin {
        sqlx::query_scalar("SELECT ods_code FROM practices ORDER BY ods_code")
            .fetch_all(state.db.pool())
            .await?
    } else {
        member.practices.iter().map(ToString::to_string).collect()
    };
    let mut out = Vec::new();
    for code in codes {
        if let Ok(ods) = crate::domain::OdsCode::parse(&code) {
            if let Some(p) = practices::find(state.db.pool(), &ods).await? {
                out.push((code, p.name));
            }
        }
    }
    Ok(out)
}

pub async fn home(State(state): State<AppState>, headers: HeaderMap, method: Method) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let practices = practice_names(&state, &member).await?;
            let view = StaffHomeView {
                username: member.username.to_string(),
                practices: practices
                    .into_iter()
                    .map(|(code, name)| format!("{name} ({code})"))
                    .collect(),
                requests: staff::replacement_requests(&state.db, &member).await?.len(),
                mismatches: staff::demographic_mismatches(&state.db, &member)
                    .await?
                    .len(),
                test_patients: staff::test_patients(&state.db, &member).await?.len(),
            };
            Ok(render(&state, routes::STAFF_HOME, view, StatusCode::OK).await)
        }
        .await,
    )
}

fn row(listing: staff::PatientListing) -> PatientRow {
    let nhs = crate::domain::NhsNumber::parse(&listing.nhs_number)
        .map_or(listing.nhs_number.clone(), |n| n.to_string());
    PatientRow {
        id: listing.id,
        name: format!("{} {}", listing.given_name, listing.family_name),
        nhs_number: nhs,
        practice_ods: listing.practice_ods,
        is_test: listing.is_test != 0,
    }
}

pub async fn test_patients(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
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
        .await,
    )
}

pub async fn show_new_test_patient(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let practices = practice_names(&state, &member).await?;
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
        .await,
    )
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

pub async fn create_test_patient(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    body: Bytes,
) -> Response {
    respond(create_test_patient_inner(&state, &headers, &method, &body).await)
}

async fn create_test_patient_inner(
    state: &AppState,
    headers: &HeaderMap,
    method: &Method,
    body: &[u8],
) -> Result<Response, JourneyError> {
    let member = staff_or_return!(state, headers, method);
    let mut values = TestPatientValues::default();
    let mut dob = (String::new(), String::new(), String::new());
    let mut visible = (String::new(), String::new(), String::new());
    for (key, value) in form_urlencoded::parse(body) {
        let value = value.trim().to_owned();
        match key.as_ref() {
            "practice" => values.practice = value,
            "given_name" => values.given_name = value,
            "family_name" => values.family_name = value,
            "date_of_birth_day" => dob.0 = value,
            "date_of_birth_month" => dob.1 = value,
            "date_of_birth_year" => dob.2 = value,
            "nhs_number" => values.nhs_number = value,
            "access" => values.access = value,
            "rule" => values.rule = value,
            "visible_from_day" => visible.0 = value,
            "visible_from_month" => visible.1 = value,
            "visible_from_year" => visible.2 = value,
            "services" => values.services.push(value),
            _ => {}
        }
    }
    values.dob = dob.clone();
    values.visible_from = visible.clone();
    let today = now().date();
    let locale = request_locale();
    let mut errors = FormErrors::default();
    let practice = crate::domain::OdsCode::parse(&values.practice)
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
                super::reset::date_error_target(e),
                // Staff enter someone else's date of birth: "the date", not "your date".
                if e == crate::domain::DateOfBirthError::Empty {
                    td_string!(super::request_locale(), errors.date_of_birth.staff_empty).to_owned()
                } else {
                    e.localize(super::request_locale())
                },
            )
        })
        .ok();
    let nhs_number = parse_test_nhs_number(&values.nhs_number)
        .map_err(|e| errors.add("nhs-number", e.localize(super::request_locale())))
        .ok();
    let access = RecordAccessLevel::from_code(&values.access);
    if access.is_none() {
        errors.add(
            "access",
            td_string!(locale, staff.new_test_patient.select_access),
        );
    }
    let rule = VisibleFromRule::from_code(&values.rule);
    if rule.is_none() {
        errors.add(
            "rule",
            td_string!(locale, staff.new_test_patient.select_rule),
        );
    }
    let visible_from = if rule == Some(VisibleFromRule::PracticeSetDate) {
        parse_plain_date(&visible.0, &visible.1, &visible.2, locale)
            .map_err(|m| errors.add("visible-from-day", m))
            .ok()
    } else {
        None
    };
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
    let (Some(practice), Some(date_of_birth), Some(nhs_number), Some(access), Some(rule), true) = (
        practice,
        date_of_birth,
        nhs_number,
        access,
        rule,
        errors.is_empty(),
    ) else {
        let view = NewTestPatientView {
            username: member.username.to_string(),
            practices: practice_names(state, &member).await?,
            values,
            errors,
        };
        return Ok(render(
            state,
            routes::NEW_TEST_PATIENT,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    let on = |service: &str| values.services.iter().any(|s| s == service);
    let patient = Patient {
        id: random_id("test"),
        practice_ods: practice.clone(),
        nhs_number,
        is_test: true,
        joined_practice_on: today,
        access_requested_on: Some(today),
        record_access: access,
        visible_from_rule: rule,
        visible_from_set: visible_from,
        settings: PatientServiceSettings {
            appointments: on("appointments"),
            prescriptions: on("prescriptions"),
            record: on("record"),
            messages: on("messages"),
        },
    };
    let timestamp = now().unix_timestamp();
    let mut tx = state.db.pool().begin().await.map_err(DbError::from)?;
    patients::upsert(&mut *tx, &patient, timestamp).await?;
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
    patients::upsert_demographics(&mut *tx, &patient.id, &record, timestamp).await?;
    audit::record(
        &mut *tx,
        &NewAuditEvent {
            kind: AuditKind::TestPatientCreated,
            actor: member.username.as_str(),
            practice_ods: Some(practice.as_str()),
            patient_id: Some(&patient.id),
            detail: &format!("Test patient with NHS number {} set up", patient.nhs_number),
        },
        timestamp,
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response())
}

// ----- find a patient, and the patient page ----------------------------------------------------

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct FindQuery {
    nhs_number: Option<String>,
}

pub async fn find_patient(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Query(query): Query<FindQuery>,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let mut view = FindPatientView {
                username: member.username.to_string(),
                ..FindPatientView::default()
            };
            let mut status = StatusCode::OK;
            if let Some(typed) = query.nhs_number {
                view.query = typed.trim().to_owned();
                match crate::domain::NhsNumber::parse(&typed) {
                    Err(error) => {
                        view.errors
                            .add("nhs-number", error.localize(super::request_locale()));
                        status = StatusCode::UNPROCESSABLE_ENTITY;
                    }
                    Ok(number) => {
                        let found = patients::find_by_nhs_number(state.db.pool(), &number)
                            .await?
                            .filter(|p| member.may_see(&p.practice_ods));
                        let mut rows = Vec::new();
                        if let Some(patient) = found {
                            let records =
                                patients::demographics(state.db.pool(), &patient.id).await?;
                            rows.push(PatientRow {
                                id: patient.id.clone(),
                                name: patient_name(&records),
                                nhs_number: patient.nhs_number.to_string(),
                                practice_ods: patient.practice_ods.to_string(),
                                is_test: patient.is_test,
                            });
                        }
                        view.results = Some(rows);
                    }
                }
            }
            Ok(render(&state, routes::FIND_PATIENT, view, status).await)
        }
        .await,
    )
}

pub async fn patient_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Path(id): Path<String>,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let Some(patient) = authorised_patient(&state, &member, &id).await? else {
                return Ok(not_found(&state).await);
            };
            let pool = state.db.pool();
            let records = patients::demographics(pool, &patient.id).await?;
            let practice = practices::find(pool, &patient.practice_ods).await?;
            let account = sqlx::query_scalar::<_, String>(
                "SELECT id FROM online_accounts WHERE patient_id = $1 AND status = 'active' ORDER BY created_at DESC LIMIT 1",
            )
            .bind(&patient.id)
            .fetch_optional(pool)
            .await
            .map_err(DbError::from)?;
            let account = match account {
                Some(id) => accounts::find(pool, &id).await?,
                None => None,
            };
            let document = match &account {
                Some(a) => pin_documents::current_for_account(pool, &a.id).await?,
                None => None,
            };
            let today = now().date();
            let locale = request_locale();
            let document = document.map(|d| {
                let printed = long_date(d.dates.printed_on, locale);
                let expires = long_date(d.dates.expires_on(), locale);
                if d.used_at.is_some() {
                    td_string!(locale, staff.patient_page.document_used, printed = printed)
                } else if d.dates.is_expired(today) {
                    td_string!(locale, staff.patient_page.document_expired, printed = printed, expired = expires)
                } else {
                    td_string!(locale, staff.patient_page.document_unused, printed = printed, use_by = expires)
                }
            });
            let view = StaffPatientView {
                username: member.username.to_string(),
                id: patient.id.clone(),
                name: patient_name(&records),
                nhs_number: patient.nhs_number.to_string(),
                date_of_birth: records.first().map(|r| long_date(r.date_of_birth, locale)).unwrap_or_default(),
                practice: practice.as_ref().map(|p| format!("{} {}", p.name, p.ods_code)).unwrap_or_default(),
                clinical_system: practice.as_ref().map(|p| p.clinical_system.display_name().to_owned()).unwrap_or_default(),
                is_emis: practice.as_ref().is_some_and(|p| p.clinical_system == ClinicalSystem::Emis),
                is_test: patient.is_test,
                account_id: account.map(|a| a.account_id.to_string()),
                document,
            };
            Ok(render(&state, &routes::staff_patient(&patient.id), view, StatusCode::OK).await)
        }
        .await,
    )
}

// ----- PIN document reissue and print ----------------------------------------------------------

async fn reissue_view(
    state: &AppState,
    member: &StaffMember,
    patient: &Patient,
    selected: String,
    errors: FormErrors,
) -> Result<ReissueView, DbError> {
    let records = patients::demographics(state.db.pool(), &patient.id).await?;
    let practice = practices::find(state.db.pool(), &patient.practice_ods).await?;
    Ok(ReissueView {
        username: member.username.to_string(),
        id: patient.id.clone(),
        name: patient_name(&records),
        is_emis: practice.is_some_and(|p| p.clinical_system == ClinicalSystem::Emis),
        selected,
        errors,
    })
}

pub async fn show_reissue(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Path(id): Path<String>,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let Some(patient) = authorised_patient(&state, &member, &id).await? else {
                return Ok(not_found(&state).await);
            };
            let view = reissue_view(
                &state,
                &member,
                &patient,
                String::new(),
                FormErrors::default(),
            )
            .await?;
            Ok(render(&state, &routes::staff_reissue(&id), view, StatusCode::OK).await)
        }
        .await,
    )
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ReissueForm {
    identity_check: String,
}

pub async fn reissue(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Path(id): Path<String>,
    Form(form): Form<ReissueForm>,
) -> Response {
    respond(reissue_inner(&state, &headers, &method, &id, form).await)
}

async fn reissue_inner(
    state: &AppState,
    headers: &HeaderMap,
    method: &Method,
    id: &str,
    form: ReissueForm,
) -> Result<Response, JourneyError> {
    let member = staff_or_return!(state, headers, method);
    let Some(patient) = authorised_patient(state, &member, id).await? else {
        return Ok(not_found(state).await);
    };
    let Some(check) = IdentityCheck::from_code(&form.identity_check) else {
        let mut errors = FormErrors::default();
        errors.add(
            "identity-check",
            td_string!(request_locale(), staff.reissue.select_check),
        );
        let view = reissue_view(state, &member, &patient, String::new(), errors).await?;
        return Ok(render(
            state,
            &routes::staff_reissue(id),
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    let mut random = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let secret = one_time_secret(random);
    let to_hash = secret.clone();
    let secret_hash = state
        .hashing
        .run(move |hasher| hasher.hash(&to_hash))
        .await?;
    let document_id = random_id("pin");
    let new_account_row = random_id("acc");
    let account_id = AccountId::parse(&format!(
        "{:010}",
        rand::rngs::OsRng.gen_range(1_000_000_000u64..10_000_000_000)
    ))
    .expect("10 digits are an Account ID");
    pin_documents::reissue(
        &state.db,
        &pin_documents::Reissue {
            document_id: &document_id,
            patient_id: &patient.id,
            practice_ods: &patient.practice_ods,
            new_account: (&new_account_row, &account_id),
            secret_hash: &secret_hash,
            printed_on: now().date(),
            issued_by: member.username.as_str(),
            identity_check: check,
        },
        now().unix_timestamp(),
    )
    .await?;
    let print = routes::staff_print(&document_id);
    let mut response = Redirect::to(&print).into_response();
    let cookie = format!("{PIN_SECRET_COOKIE}={secret}; Path={print}; HttpOnly; Secure; SameSite=Strict; Max-Age=300");
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("the secret is ASCII"),
    );
    Ok(response)
}

fn qr_svg(url: &str) -> String {
    use qrcode::render::svg;
    qrcode::QrCode::new(url.as_bytes())
        .map(|code| {
            code.render::<svg::Color>()
                .min_dimensions(160, 160)
                .dark_color(svg::Color("#000000"))
                .light_color(svg::Color("#ffffff"))
                .build()
        })
        .unwrap_or_default()
        // The SVG is decorative next to the printed address: hide it from screen readers.
        .replacen("<svg ", r#"<svg aria-hidden="true" focusable="false" "#, 1)
}

pub async fn print(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Path(id): Path<String>,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let pool = state.db.pool();
            let Some(owner) = pin_documents::owner(pool, &id).await? else {
                return Ok(not_found(&state).await);
            };
            let Ok(ods) = crate::domain::OdsCode::parse(&owner.practice_ods) else {
                return Ok(not_found(&state).await);
            };
            if !member.may_see(&ods) {
                return Ok(not_found(&state).await);
            }
            let path = routes::staff_print(&id);
            let typed = request_cookie(&headers, PIN_SECRET_COOKIE);
            // The cookie must hold this document's secret (checked against its hash), once.
            let secret = match typed {
                Some(secret) if owner.used_at.is_none() && owner.revoked_at.is_none() => {
                    let hash = sqlx::query_scalar::<_, String>(
                        "SELECT secret_hash FROM pin_documents WHERE id = $1",
                    )
                    .bind(&id)
                    .fetch_one(pool)
                    .await
                    .map_err(DbError::from)?;
                    let candidate = secret.clone();
                    state
                        .hashing
                        .run(move |hasher| hasher.verify(&candidate, &hash))
                        .await?
                        .then_some(secret)
                }
                _ => None,
            };
            let practice = practices::find(pool, &ods).await?;
            let view = match (secret, practice) {
                (Some(secret), Some(practice)) => {
                    let printed_on = crate::db::date_from_sql(&owner.printed_on)?;
                    let dates = PinDocumentDates { printed_on };
                    let reset_url = format!("{}{}", state.public_url, routes::RESET);
                    PrintView::Shown(Box::new(PrintedDocument {
                        practice_name: practice.name,
                        ods_code: ods.to_string(),
                        account_id: owner.account_id.clone(),
                        secret,
                        printed_on,
                        expires_on: dates.expires_on(),
                        is_emis: practice.clinical_system == ClinicalSystem::Emis,
                        bilingual: ods.is_welsh(),
                        qr_svg: qr_svg(&reset_url),
                        reset_url,
                        patient_id: owner.patient_id.clone(),
                    }))
                }
                _ => PrintView::AlreadyShown,
            };
            let mut response = render(&state, &path, view, StatusCode::OK).await;
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            let clear = format!(
                "{PIN_SECRET_COOKIE}=; Path={path}; HttpOnly; Secure; SameSite=Strict; Max-Age=0"
            );
            headers.append(
                header::SET_COOKIE,
                HeaderValue::from_str(&clear).expect("ASCII"),
            );
            Ok(response)
        }
        .await,
    )
}

// ----- preview ---------------------------------------------------------------------------------

/// A test patient of the member's practices; real patients can never be previewed.
async fn previewable(
    state: &AppState,
    member: &StaffMember,
    id: &str,
) -> Result<Option<Patient>, DbError> {
    Ok(authorised_patient(state, member, id)
        .await?
        .filter(|p| p.is_test))
}

pub async fn show_preview_start(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Path(id): Path<String>,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let Some(patient) = previewable(&state, &member, &id).await? else {
                return Ok(not_found(&state).await);
            };
            let records = patients::demographics(state.db.pool(), &patient.id).await?;
            let view = PreviewStartView {
                username: member.username.to_string(),
                id: id.clone(),
                name: patient_name(&records),
                ..PreviewStartView::default()
            };
            Ok(render(
                &state,
                &routes::staff_preview_start(&id),
                view,
                StatusCode::OK,
            )
            .await)
        }
        .await,
    )
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct PreviewForm {
    reason: String,
}

pub async fn start_preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Path(id): Path<String>,
    Form(form): Form<PreviewForm>,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let Some(patient) = previewable(&state, &member, &id).await? else {
                return Ok(not_found(&state).await);
            };
            let reason = form.reason.trim().to_owned();
            let locale = request_locale();
            let problem = if reason.is_empty() {
                Some(td_string!(locale, staff.preview_start.enter_reason))
            } else if reason.chars().count() > 500 {
                Some(td_string!(locale, staff.preview_start.reason_too_long))
            } else {
                None
            };
            if let Some(message) = problem {
                let records = patients::demographics(state.db.pool(), &patient.id).await?;
                let mut errors = FormErrors::default();
                errors.add("reason", message);
                let view = PreviewStartView {
                    username: member.username.to_string(),
                    id: id.clone(),
                    name: patient_name(&records),
                    reason,
                    errors,
                };
                return Ok(render(
                    &state,
                    &routes::staff_preview_start(&id),
                    view,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await);
            }
            let timestamp = now().unix_timestamp();
            let preview = Preview {
                id: random_id("preview"),
                username: member.username.to_string(),
                patient_id: patient.id.clone(),
                reason: reason.clone(),
                started_at: timestamp,
                expires_at: timestamp + PREVIEW_SECONDS,
                ended_at: None,
            };
            let mut tx = state.db.pool().begin().await.map_err(DbError::from)?;
            staff::start_preview(&mut *tx, &preview).await?;
            audit::record(
                &mut *tx,
                &NewAuditEvent {
                    kind: AuditKind::PreviewStarted,
                    actor: member.username.as_str(),
                    practice_ods: Some(patient.practice_ods.as_str()),
                    patient_id: Some(&patient.id),
                    detail: &format!("Reason: {reason}"),
                },
                timestamp,
            )
            .await?;
            tx.commit().await.map_err(DbError::from)?;
            Ok(Redirect::to(&routes::staff_preview(&preview.id)).into_response())
        }
        .await,
    )
}

/// The member's own preview of a test patient they may see, if it exists.
async fn own_preview(
    state: &AppState,
    member: &StaffMember,
    id: &str,
) -> Result<Option<(Preview, Patient)>, DbError> {
    let Some(preview) = staff::find_preview(state.db.pool(), id)
        .await?
        .filter(|p| p.username == member.username.as_str())
    else {
        return Ok(None);
    };
    Ok(previewable(state, member, &preview.patient_id)
        .await?
        .map(|p| (preview, p)))
}

async fn end_and_audit(
    state: &AppState,
    preview: &Preview,
    patient: &Patient,
    why: &str,
) -> Result<(), DbError> {
    let timestamp = now().unix_timestamp();
    if staff::end_preview(state.db.pool(), &preview.id, timestamp).await? {
        audit::record(
            state.db.pool(),
            &NewAuditEvent {
                kind: AuditKind::PreviewEnded,
                actor: &preview.username,
                practice_ods: Some(patient.practice_ods.as_str()),
                patient_id: Some(&patient.id),
                detail: why,
            },
            timestamp,
        )
        .await?;
    }
    Ok(())
}

pub async fn show_preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Path(id): Path<String>,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let Some((preview, patient)) = own_preview(&state, &member, &id).await? else {
                return Ok(not_found(&state).await);
            };
            let timestamp = now().unix_timestamp();
            if !preview.is_live(timestamp) {
                end_and_audit(&state, &preview, &patient, "Ended after 30 minutes").await?;
                return Ok(render(
                    &state,
                    &routes::staff_preview(&id),
                    PreviewView::Ended,
                    StatusCode::GONE,
                )
                .await);
            }
            let Some(summary) = patient_summary(&state, &patient.id).await? else {
                return Ok(not_found(&state).await);
            };
            let records = patients::demographics(state.db.pool(), &patient.id).await?;
            let ends = OffsetDateTime::from_unix_timestamp(preview.expires_at).unwrap_or(now());
            let view = PreviewView::Live {
                username: member.username.to_string(),
                preview_id: preview.id.clone(),
                patient_id: patient.id.clone(),
                patient_name: patient_name(&records),
                ends_at: format!("{:02}:{:02} UTC", ends.hour(), ends.minute()),
                summary: Box::new(summary),
            };
            let mut response =
                render(&state, &routes::staff_preview(&id), view, StatusCode::OK).await;
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        .await,
    )
}

pub async fn end_preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Path(id): Path<String>,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let Some((preview, patient)) = own_preview(&state, &member, &id).await? else {
                return Ok(not_found(&state).await);
            };
            end_and_audit(&state, &preview, &patient, "Ended by the staff member").await?;
            Ok(Redirect::to(&routes::staff_patient(&patient.id)).into_response())
        }
        .await,
    )
}

// ----- the lists -------------------------------------------------------------------------------

pub async fn requests(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let locale = request_locale();
            let rows = staff::replacement_requests(&state.db, &member)
                .await?
                .into_iter()
                .map(|r| RequestRow {
                    reference: r.reference,
                    patient_id: r.patient_id,
                    name: format!("{} {}", r.given_name, r.family_name),
                    nhs_number: crate::domain::NhsNumber::parse(&r.nhs_number)
                        .map_or(r.nhs_number.clone(), |n| n.to_string()),
                    requested_on: OffsetDateTime::from_unix_timestamp(r.created_at)
                        .map(|t| long_date(t.date(), locale))
                        .unwrap_or_default(),
                    status: if r.passphrase_set != 0 {
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
        .await,
    )
}

pub async fn mismatches(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
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
                    nhs_number: crate::domain::NhsNumber::parse(&m.nhs_number)
                        .map_or(m.nhs_number.clone(), |n| n.to_string()),
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
        .await,
    )
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

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    patient: String,
    kind: String,
    page: Option<String>,
}

pub async fn audit_log(
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    Query(query): Query<AuditQuery>,
) -> Response {
    respond(
        async {
            let member = staff_or_return!(&state, &headers, &method);
            let locale = request_locale();
            let page = query
                .page
                .as_deref()
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(0)
                .clamp(0, 10_000);
            let patient = query.patient.trim().to_owned();
            let kind = query.kind.trim().to_owned();
            let (events, more) = staff::audit_page(
                &state.db,
                &member,
                (!patient.is_empty()).then_some(patient.as_str()),
                (!kind.is_empty()).then_some(kind.as_str()),
                page,
            )
            .await?;
            let rows = events
                .into_iter()
                .map(|e| AuditRow {
                    when: OffsetDateTime::from_unix_timestamp(e.occurred_at)
                        .map(|t| {
                            format!(
                                "{} {:02}:{:02}",
                                long_date(t.date(), locale),
                                t.hour(),
                                t.minute()
                            )
                        })
                        .unwrap_or_default(),
                    kind: e.kind,
                    actor: e.actor,
                    patient_id: e.patient_id,
                    detail: e.detail,
                })
                .collect();
            let kinds = crate::db::audit::AuditKind::ALL
                .iter()
                .map(|k| k.code().to_owned())
                .collect();
            let view = AuditView {
                username: member.username.to_string(),
                rows,
                patient,
                kind,
                kinds,
                page,
                more,
            };
            Ok(render(&state, routes::AUDIT, view, StatusCode::OK).await)
        }
        .await,
    )
}
