//! Shared test support (temporary until the PostGIS helpers land).
#![allow(dead_code)]
pub mod postgres;

pub async fn fresh_sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("gridmap.db").display())
}

pub use postgres::fresh_postgres_url;
