//! The crate's error types below HTTP: [`DbError`] (storage) and [`ServerError`] (starting the server,
//! seeding, the CLI). The HTTP answer type is `http_error::ApiError`.

use std::net::SocketAddr;

/// A storage failure. `Conflict` is a uniqueness clash the caller may report; everything else is internal.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sqlx(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                DbError::Conflict(d.message().to_string())
            }
            _ => DbError::Sqlx(e),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// Why the server (or seeding) could not do its job. Messages are one line, fit for stderr.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("unsupported database URL ({0}): use sqlite:PATH, postgres://USER@HOST:PORT/DB or postgresql://USER@HOST:PORT/DB")]
    UnsupportedDatabaseUrl(String),
    #[error("SQLite database {0} is already used by another kontor-server")]
    DatabaseInUse(String),
    #[error("{0}")]
    Database(String),
    #[error("address {0} is already in use")]
    AddressInUse(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("invalid seed option: {0}")]
    InvalidSeed(String),
    #[error("database error: {0}")]
    Storage(DbError),
    #[error("internal error: {0}")]
    Internal(String),
    /// A command-line request that cannot be carried out as given (e.g. an unknown account).
    #[error("{0}")]
    Usage(String),
    /// The license signing key file cannot be used (permissions, unreadable, garbled).
    #[error("{0}")]
    SigningKey(String),
}

impl From<DbError> for ServerError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict(m) => ServerError::Conflict(m),
            other => ServerError::Storage(other),
        }
    }
}
