//! The storage layer's error.

/// What went wrong in the store, with what it was doing at the time.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot connect to {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot create the folder for {path}: {source}")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("migrating the {backend} schema failed: {source}")]
    Migrate {
        backend: &'static str,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("database error while {doing}: {source}")]
    Query {
        doing: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// A stored row that cannot be turned back into a feature (corrupt geometry, bad code).
    #[error("stored {layer} feature {code:?} is unreadable: {reason}")]
    Corrupt {
        layer: &'static str,
        code: String,
        reason: String,
    },
    /// A guarded write found the row at another version than the writer read (`None`: gone).
    #[error("{code} is at version {}, not {expected}", current.map_or("(none)".to_owned(), |v| v.to_string()))]
    Stale {
        code: String,
        expected: i64,
        current: Option<i64>,
    },
    /// A new area was given a code some area held before: codes are never issued twice.
    #[error("code {code} was held by an area before; a retired code is never issued again")]
    CodeUsed { code: String },
    /// A write refused by a constraint (unique code, parent link); nothing was written.
    #[error("{0}")]
    Constraint(String),
}

impl StoreError {
    /// Wraps a sqlx error, turning constraint violations into [`StoreError::Constraint`] so callers
    /// can answer them as bad input rather than as an outage.
    pub fn query(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |source| match &source {
            sqlx::Error::Database(db)
                if db.is_unique_violation() || db.is_foreign_key_violation() || db.is_check_violation() =>
            {
                StoreError::Constraint(format!("{doing}: {}", db.message()))
            }
            _ => StoreError::Query { doing, source },
        }
    }

    /// True when the database could not be reached (as opposed to refusing a statement).
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Connect { .. } => true,
            Self::Query { source, .. } => match source {
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => true,
                // PostgreSQL shutting down under a running statement (57P01–57P03: admin or crash
                // shutdown, cannot connect now) or a broken connection (class 08): the server is
                // going away, not refusing the statement.
                sqlx::Error::Database(db) => db
                    .code()
                    .is_some_and(|c| matches!(c.as_ref(), "57P01" | "57P02" | "57P03") || c.starts_with("08")),
                _ => false,
            },
            _ => false,
        }
    }
}
