//! The PostGIS store (placeholder until implemented).
use async_trait::async_trait;

use super::{Batch, Revisions, Store, StoreError, UpsertSummary};
use crate::domain::{Area, Building, Household, Station};

pub struct PostgresStore {
    pool: sqlx::PgPool,
}

impl PostgresStore {
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let pool = sqlx::PgPool::connect(url).await.map_err(|source| StoreError::Connect {
            url: super::redact_url(url),
            source,
        })?;
        Ok(Self { pool })
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }
    async fn ping(&self) -> Result<(), StoreError> {
        todo!()
    }
    async fn revisions(&self) -> Result<Revisions, StoreError> {
        todo!()
    }
    async fn load_areas(&self) -> Result<Vec<Area>, StoreError> {
        todo!()
    }
    async fn load_buildings(&self) -> Result<Vec<Building>, StoreError> {
        todo!()
    }
    async fn load_households(&self) -> Result<Vec<Household>, StoreError> {
        todo!()
    }
    async fn load_stations(&self) -> Result<Vec<Station>, StoreError> {
        todo!()
    }
    async fn upsert(&self, _batch: &Batch) -> Result<UpsertSummary, StoreError> {
        todo!()
    }
    async fn close(&self) {
        self.pool.close().await;
    }
}
