//! [`StoreError`]: how a failed database operation looks to handlers,
//! whichever backend failed.

/// A failed database operation, as handlers see it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process held the lock longer than the busy timeout.
    #[error("the database is busy, try again shortly")]
    Busy,
    /// The database server cannot be reached (503, retried by the client).
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(#[source] tokio_postgres::Error),
    #[error("database task failed: {0}")]
    Task(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match err.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(err),
        }
    }
}
