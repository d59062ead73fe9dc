//! Fresh stores for integration tests: a new SQLite file or a new PostgreSQL database per call, so tests
//! never share data and can run in parallel.
//!
//! Test binaries include this with `#[path = "../support/mod.rs"] mod support;`.

// Each test binary uses only part of this module.
#![allow(dead_code)]

pub mod coverage;
pub mod postgres;

pub use postgres::fresh_postgres_url;

/// A `sqlite://` URL for a new database file inside `dir` (the file is created when a store opens it).
pub async fn fresh_sqlite_url(dir: &tempfile::TempDir) -> String {
    let file = dir.path().join(format!("gridmap-{}.db", uuid::Uuid::new_v4().simple()));
    format!("sqlite://{}", file.display())
}

/// The backends a suite runs against: both, unless `GRIDMAP_TEST_BACKENDS` names one (`sqlite` or
/// `postgres`) to narrow a quick local loop. The test command always runs both.
pub fn backends() -> Vec<&'static str> {
    match std::env::var("GRIDMAP_TEST_BACKENDS").ok().as_deref() {
        Some("sqlite") => vec!["sqlite"],
        Some("postgres") => vec!["postgres"],
        _ => vec!["sqlite", "postgres"],
    }
}

/// A fresh database URL of `backend`, files (for SQLite) inside `dir`.
pub async fn fresh_url(backend: &str, dir: &tempfile::TempDir) -> String {
    match backend {
        "sqlite" => fresh_sqlite_url(dir).await,
        _ => fresh_postgres_url().await,
    }
}
