//! Storage: one [`Store`] trait with a SQLite and a PostGIS implementation behind it.
//!
//! The store is the durable truth; the in-memory index is rebuilt from it. Every write is one
//! transaction that also bumps the written layer's revision, so readers (the index refresher of a
//! running server) can tell that something changed even when another process wrote it.

mod accounts;
mod error;
mod geometry;
mod planning;
mod postgres;
mod rows;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::{Area, Building, Household, Layer, Path, Station};

pub use accounts::Accounts;
pub use error::StoreError;
pub use planning::{AreaChange, AreaEdit, AreaVersion, ChangeNote, LineageLink, Planning, Proposal, ProposalStatus};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Features of one layer to insert or update (by `code`) in a single transaction.
#[derive(Debug, Clone)]
pub enum Batch {
    Areas(Vec<Area>),
    Buildings(Vec<Building>),
    Households(Vec<Household>),
    Stations(Vec<Station>),
    Paths(Vec<Path>),
}

impl Batch {
    pub fn layer(&self) -> Layer {
        match self {
            Self::Areas(_) => Layer::Areas,
            Self::Buildings(_) => Layer::Buildings,
            Self::Households(_) => Layer::Households,
            Self::Stations(_) => Layer::Stations,
            Self::Paths(_) => Layer::Paths,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Self::Areas(v) => v.len(),
            Self::Buildings(v) => v.len(),
            Self::Households(v) => v.len(),
            Self::Stations(v) => v.len(),
            Self::Paths(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertSummary {
    pub inserted: usize,
    pub updated: usize,
}

/// Per-layer revision counters, in [`Layer::ALL`] order. A layer's counter grows with every
/// committed write to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Revisions(pub [i64; 5]);

impl Revisions {
    pub fn get(&self, layer: Layer) -> i64 {
        self.0[layer_slot(layer)]
    }

    pub fn set(&mut self, layer: Layer, rev: i64) {
        self.0[layer_slot(layer)] = rev;
    }
}

fn layer_slot(layer: Layer) -> usize {
    Layer::ALL.iter().position(|l| *l == layer).unwrap_or_default()
}

/// Durable storage of the layers.
///
/// Implementations keep every geometry in WGS 84 (EPSG:4326) and never interpret it: validation
/// happens before a batch reaches the store, the store only guarantees atomicity and constraints
/// (unique codes, parent links, household → building and center-household links).
#[async_trait]
pub trait Store: Accounts + Planning + Send + Sync + 'static {
    /// `sqlite` or `postgres`, for logs and `/readyz`.
    fn backend(&self) -> &'static str;

    /// A cheap round trip that fails when the database cannot be reached.
    async fn ping(&self) -> Result<(), StoreError>;

    async fn revisions(&self) -> Result<Revisions, StoreError>;

    async fn load_areas(&self) -> Result<Vec<Area>, StoreError>;
    async fn load_buildings(&self) -> Result<Vec<Building>, StoreError>;
    async fn load_households(&self) -> Result<Vec<Household>, StoreError>;
    async fn load_stations(&self) -> Result<Vec<Station>, StoreError>;
    async fn load_paths(&self) -> Result<Vec<Path>, StoreError>;

    /// Inserts new codes and updates existing ones, all in one transaction that also bumps the
    /// layer's revision. On any error nothing is written. Areas keep their `id` on update and their
    /// `version` grows by one.
    async fn upsert(&self, batch: &Batch) -> Result<UpsertSummary, StoreError>;

    /// Closes the connection pool.
    async fn close(&self);
}

/// Opens (creating and migrating if needed) the store a `sqlite://PATH` or `postgres://…` URL names.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::open(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(redact_url(url)))
    }
}

/// The URL with any password replaced by `***`, for logs and messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://gm:secret@db:5432/gm"),
            "postgres://gm:***@db:5432/gm"
        );
        assert_eq!(redact_url("postgres://gm@db/gm"), "postgres://gm@db/gm");
        assert_eq!(redact_url("sqlite://data/gridmap.db"), "sqlite://data/gridmap.db");
    }
}
