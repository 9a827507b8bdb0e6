//! "Import patients": a member uploads a practice's file (CSV or FHIR Bundle) for one of their
//! practices; it is checked or imported (`server::imports`), and the page shows the report.
//! The upload is streamed to a temporary file, never held whole in memory, and refused beyond
//! [`MAX_UPLOAD_BYTES`].

use std::io::Write as _;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::import_wording;
use super::SignedInStaff;
use crate::db::staff::{self, StaffMember};
use crate::db::DbError;
use crate::domain::OdsCode;
use crate::i18n::td_string;
use crate::import::{Format, CSV_HEADER_DOC};
use crate::server::imports::{import_patients, ImportError};
use crate::server::{render, request_locale, AppState, JourneyError};
use crate::views::form::FormErrors;
use crate::views::routes;
use crate::views::staff::{ImportReportView, ImportView};

/// The largest file the staff area takes: a 100,000-patient CSV is about 8 MB; bigger files
/// (a large FHIR Bundle) go through `relink import patients`.
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

/// The most a request to the upload may carry: past [`MAX_UPLOAD_BYTES`] the rest is read and
/// thrown away, so the page can say the file is too big; past this the connection is cut.
pub const MAX_REQUEST_BYTES: u64 = 4 * MAX_UPLOAD_BYTES;

/// The form, for the member's practices.
pub(super) async fn show(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
) -> Result<Response, JourneyError> {
    let view = blank_view(&state, &member).await?;
    Ok(render(&state, routes::IMPORTS, view, StatusCode::OK).await)
}

async fn blank_view(state: &AppState, member: &StaffMember) -> Result<ImportView, DbError> {
    let practices: Vec<(String, String)> = staff::practices_of(&state.db, member)
        .await?
        .into_iter()
        .map(|p| (p.ods_code.to_string(), p.name))
        .collect();
    Ok(ImportView {
        username: member.username.to_string(),
        practice: practices.first().map(|p| p.0.clone()).unwrap_or_default(),
        practices,
        csv_header: CSV_HEADER_DOC.to_owned(),
        ..ImportView::default()
    })
}

/// An upload: the practice (one of the member's), the file, and whether only to check it.
pub(super) async fn upload(
    State(state): State<AppState>,
    SignedInStaff(member): SignedInStaff,
    mut form: Multipart,
) -> Result<Response, JourneyError> {
    let locale = request_locale();
    let mut view = blank_view(&state, &member).await?;
    let mut errors = FormErrors::default();
    let mut file: Option<(String, tempfile_path::TempPath)> = None;
    let mut too_large = false;
    // A body that breaks off (the connection dropped, a malformed part) is never imported.
    let mut broken = false;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                too_large = error.status() == StatusCode::PAYLOAD_TOO_LARGE;
                broken = !too_large;
                break;
            }
        };
        match field.name() {
            Some("practice") => view.practice = field.text().await.unwrap_or_default(),
            Some("dry_run") => view.dry_run = true,
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let path = tempfile_path::TempPath::new()?;
                let mut out = std::io::BufWriter::new(std::fs::File::create(path.as_ref())?);
                let mut size = 0u64;
                loop {
                    let chunk = match field.chunk().await {
                        Ok(Some(chunk)) => chunk,
                        Ok(None) => break,
                        Err(error) => {
                            too_large = error.status() == StatusCode::PAYLOAD_TOO_LARGE;
                            broken = !too_large;
                            break;
                        }
                    };
                    size += chunk.len() as u64;
                    if size > MAX_UPLOAD_BYTES {
                        // Read the rest and throw it away (up to the route's hard limit), so
                        // the browser finishes sending and shows the answer rather than a
                        // connection reset.
                        too_large = true;
                        continue;
                    }
                    out.write_all(&chunk)?;
                }
                out.flush()?;
                if size > 0 && !too_large && !broken {
                    file = Some((name, path));
                }
                if broken {
                    break;
                }
            }
            _ => {}
        }
    }
    let practice = OdsCode::parse(&view.practice)
        .ok()
        .filter(|code| view.practices.iter().any(|(ods, _)| *ods == code.as_str()));
    if practice.is_none() {
        errors.add(
            "practice",
            td_string!(locale, staff.imports.select_practice),
        );
    }
    if too_large {
        errors.add("file", td_string!(locale, staff.imports.file_too_large));
    } else if broken {
        errors.add("file", td_string!(locale, staff.imports.upload_broken));
    } else if file.is_none() {
        errors.add("file", td_string!(locale, staff.imports.select_file));
    }
    let (Some(practice), Some((file_name, path)), true) = (practice, file, errors.is_empty())
    else {
        view.errors = errors;
        return Ok(render(
            &state,
            routes::IMPORTS,
            view,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    };
    let input = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path.as_ref())?);
    let actor = member.username.to_string();
    match import_patients(&state.db, &practice, input, view.dry_run, &actor).await {
        Ok((format, report)) => {
            if report.written && report.added + report.updated + report.moved > 0 {
                // New and changed patients are read from PDS now, not at the next round.
                state.pds_wake.notify_one();
            }
            let listed = report.problems.len() as u64;
            view.report = Some(ImportReportView {
                file_name,
                format: match format {
                    Format::Csv => td_string!(locale, staff.imports.csv),
                    Format::Bundle => td_string!(locale, staff.imports.bundle),
                }
                .to_owned(),
                written: report.written,
                added: report.added,
                updated: report.updated,
                unchanged: report.unchanged,
                moved: report.moved,
                moves: report
                    .moves
                    .into_iter()
                    .map(|m| {
                        (
                            import_wording::place(locale, m.place),
                            m.nhs_number.to_string(),
                            m.from.to_string(),
                        )
                    })
                    .collect(),
                rejected: report.rejected,
                problems: report
                    .problems
                    .into_iter()
                    .map(|p| {
                        (
                            import_wording::place(locale, p.place),
                            import_wording::reason(locale, &p.reason),
                        )
                    })
                    .collect(),
                more: report.rejected.saturating_sub(listed),
            });
            Ok(render(&state, routes::IMPORTS, view, StatusCode::OK).await)
        }
        Err(ImportError::File(refused)) => {
            errors.add("file", import_wording::file_error(locale, &refused));
            view.errors = errors;
            Ok(render(
                &state,
                routes::IMPORTS,
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await)
        }
        Err(ImportError::Db(error)) => Err(error.into()),
    }
}

/// A temporary file that is deleted when dropped, in the system's temporary folder.
mod tempfile_path {
    use std::path::PathBuf;

    pub struct TempPath(PathBuf);

    impl TempPath {
        pub fn new() -> std::io::Result<Self> {
            let name = crate::db::tokens::new_record_id("relink-upload");
            Ok(Self(std::env::temp_dir().join(name)))
        }
    }

    impl AsRef<std::path::Path> for TempPath {
        fn as_ref(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}
