//! Fresh stores for integration tests: a new SQLite file or a new PostgreSQL database per call, so tests
//! never share data and can run in parallel.
//!
//! Test binaries include this with `#[path = "../support/mod.rs"] mod support;`.

// Each test binary uses only part of this module.
#![allow(dead_code)]

pub mod postgres;

pub use postgres::fresh_postgres_url;

/// A `sqlite://` URL for a new database file inside `dir` (the file is created when a store opens it).
pub async fn fresh_sqlite_url(dir: &tempfile::TempDir) -> String {
    let file = dir.path().join(format!("gridmap-{}.db", uuid::Uuid::new_v4().simple()));
    format!("sqlite://{}", file.display())
}
