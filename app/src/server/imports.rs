//! Running an import: the file is read on a blocking thread (the readers are synchronous and
//! stream), each row handed over a bounded channel to the importer, which writes them in one
//! transaction. Memory stays bounded whatever the file's size; a file refused whole (not UTF-8,
//! wrong header, too many rows) rolls everything back. The command line (`relink import
//! patients`) and the staff area's upload both run imports through here.

use std::io::BufRead;
use std::ops::ControlFlow;

use time::OffsetDateTime;

use crate::db::import::{ImportReport, Importer};
use crate::db::{Db, DbError};
use crate::domain::OdsCode;
use crate::import::{read_any, FileError, Format};

/// How many parsed rows may wait for the importer: the reader pauses beyond that.
const IN_FLIGHT_ROWS: usize = 1_024;

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file was refused whole.
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Imports (or, with `dry_run`, checks) the file's patients into the practice, as `actor`.
pub async fn import_patients<R>(
    db: &Db,
    practice: &OdsCode,
    input: R,
    dry_run: bool,
    actor: &str,
) -> Result<(Format, ImportReport), ImportError>
where
    R: BufRead + Send + 'static,
{
    let now = OffsetDateTime::now_utc();
    let today = now.date();
    let mut importer = Importer::begin(db, practice, dry_run, now.unix_timestamp(), actor).await?;
    let (rows, mut received) = tokio::sync::mpsc::channel(IN_FLIGHT_ROWS);
    let reader = tokio::task::spawn_blocking(move || {
        read_any(input, today, |row| match rows.blocking_send(row) {
            Ok(()) => ControlFlow::Continue(()),
            // The importer stopped (a database error): stop reading.
            Err(_) => ControlFlow::Break(()),
        })
    });
    let handed: Result<(), DbError> = async {
        while let Some(row) = received.recv().await {
            match row {
                Ok(patient) => importer.row(patient).await?,
                Err(problem) => importer.reject(problem).await?,
            }
        }
        Ok(())
    }
    .await;
    if let Err(failed) = handed {
        // Stops the reader (its next row finds no one waiting).
        drop(received);
        importer.abandon().await;
        return Err(failed.into());
    }
    let read = match reader.await {
        Ok(read) => read,
        Err(panicked) => std::panic::resume_unwind(panicked.into_panic()),
    };
    match read {
        Ok((format, _rows)) => Ok((format, importer.finish(true).await?)),
        Err(refused) => {
            importer.finish(false).await?;
            Err(ImportError::File(refused))
        }
    }
}
