//! Reissuing a PIN document after an identity check, and its print page (shown once, with the
//! one-time secret and a QR code of the reset address).

use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rand::{Rng, RngCore};
use serde::Deserialize;

use super::{audit_read, authorised_patient, not_found, now, patient_name, SignedInStaff};
use crate::db::audit::AuditKind;
use crate::db::patients::{self, Patient};
use crate::db::staff::StaffMember;
use crate::db::tokens::new_record_id;
use crate::db::{date_from_sql, pin_documents, practices, DbError};
use crate::domain::{
    one_time_secret, AccountId, ClinicalSystem, IdentityCheck, OdsCode, PinDocumentDates,
};
use crate::i18n::td_string;
use crate::server::{notices, render, request_cookie, request_locale, AppState, JourneyError};
use crate::views::form::FormErrors;
use crate::views::routes;
use crate::views::staff::{PrintView, PrintedDocument, ReissueView};

/// Carries a new PIN document's secret to its print page, once; never stored on the server.
pub const PIN_SECRET_COOKIE: &str = "__Secure-relink-new-pin";

/// The reissue form for the patient, with what was chosen and what to fix.
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

/// A patient (not a test patient, who is set up with an account) with no live online account:
/// never registered, or their access ended.
async fn needs_registration(state: &AppState, patient: &Patient) -> Result<bool, DbError> {
    if patient.is_test {
        return Ok(false);
    }
    let live = crate::db::accounts::latest_active_for_patient(state.db.pool(), &patient.id).await?;
    Ok(live.is_none())
}

/// The reissue form: how the patient's identity was checked.
pub(super) async fn show_reissue(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    if needs_registration(&state, &patient).await? {
        return Ok(Redirect::to(&routes::staff_register(&patient.id)).into_response());
    }
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

/// What the reissue form posts.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct ReissueForm {
    identity_check: String,
}

/// Issues a new PIN document (older unused ones stop working) and sends its secret, in a
/// short-lived cookie for the print page only, to the print page.
pub(super) async fn reissue(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    Path(id): Path<String>,
    Form(form): Form<ReissueForm>,
) -> Result<Response, JourneyError> {
    let Some(patient) = authorised_patient(&state, &member, &id).await? else {
        return Ok(not_found(&state).await);
    };
    // A first PIN document comes with a registration (its access settings), never from here:
    // nor does one revive an account whose online access the practice ended.
    if needs_registration(&state, &patient).await? {
        return Ok(Redirect::to(&routes::staff_register(&patient.id)).into_response());
    }
    let Some(check) = IdentityCheck::from_code(&form.identity_check) else {
        let mut errors = FormErrors::default();
        errors.add(
            "identity-check",
            td_string!(request_locale(), staff.reissue.select_check),
        );
        let view = reissue_view(&state, &member, &patient, String::new(), errors).await?;
        return Ok(render(
            &state,
            &routes::staff_reissue(&id),
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    issue_document(&state, &member, &patient, check, None).await
}

/// Issues the patient's next PIN document (for `registration`, their first, with their access
/// settings) and sends its secret, in a short-lived cookie for the print page only, to the
/// print page. The reissue and the registration both end here.
pub(super) async fn issue_document(
    state: &AppState,
    member: &StaffMember,
    patient: &Patient,
    check: IdentityCheck,
    registration: Option<&pin_documents::AccessSettings>,
) -> Result<Response, JourneyError> {
    // PDS records the patient as deceased: no PIN document (and no email to their address).
    if crate::db::pds::is_deceased(state.db.pool(), &patient.id).await? {
        let mut errors = FormErrors::default();
        errors.add(
            "identity-check",
            td_string!(request_locale(), staff.reissue.deceased),
        );
        let view = reissue_view(state, member, patient, check.code().to_owned(), errors).await?;
        let path = routes::staff_reissue(&patient.id);
        return Ok(render(state, &path, view, StatusCode::UNPROCESSABLE_ENTITY).await);
    }
    let mut random = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let secret = one_time_secret(random);
    let to_hash = secret.clone();
    let secret_hash = state
        .hashing
        .run(move |hasher| hasher.hash(&to_hash))
        .await?;
    let document_id = new_record_id("pin");
    let new_account_row = new_record_id("acc");
    let account_id = AccountId::parse(&format!(
        "{:010}",
        rand::rngs::OsRng.gen_range(1_000_000_000u64..10_000_000_000)
    ))
    .expect("10 digits are an Account ID");
    let practice = practices::find(state.db.pool(), &patient.practice_ods)
        .await?
        .map_or_else(|| patient.practice_ods.to_string(), |p| p.name);
    let ods = patient.practice_ods.clone();
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
            registration,
        },
        |contact| notices::pin_document_reissued(contact, &ods, &practice),
        now().unix_timestamp(),
    )
    .await?;
    state.outbox_wake.notify_one();
    let print = routes::staff_print(&document_id);
    let mut response = Redirect::to(&print).into_response();
    let cookie = format!(
        "{PIN_SECRET_COOKIE}={secret}; Path={print}; HttpOnly; Secure; SameSite=Strict; Max-Age=300"
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("the secret is ASCII"),
    );
    Ok(response)
}

/// The QR code of `url`, as an SVG hidden from screen readers.
pub(super) fn qr_svg(url: &str) -> String {
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

/// The print-ready document, for the browser holding its secret and only once (audited);
/// "already shown" otherwise. Never cached, and the secret's cookie is cleared.
pub(super) async fn print(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, JourneyError> {
    let pool = state.db.pool();
    let Some(owner) = pin_documents::owner(pool, &id).await? else {
        return Ok(not_found(&state).await);
    };
    let Ok(ods) = OdsCode::parse(&owner.practice_ods) else {
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
            let hash = pin_documents::secret_hash(pool, &id).await?;
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
            audit_read(
                &state,
                &member,
                AuditKind::StaffPrintedPinDocument,
                Some(&owner.patient_id),
                [&ods],
                |_| format!("PIN document {id} shown for printing"),
            )
            .await?;
            let printed_on = date_from_sql(&owner.printed_on)?;
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
    let clear =
        format!("{PIN_SECRET_COOKIE}=; Path={path}; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
    headers.append(
        header::SET_COOKIE,
        HeaderValue::from_str(&clear).expect("ASCII"),
    );
    Ok(response)
}
