//! [`Planning`] in the PostGIS store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{AreaEdit, AreaVersion, ChangeNote, Planning, Proposal, ProposalStatus, corrupt, status};
use crate::domain::Area;
use crate::store::geometry::to_wkb;
use crate::store::postgres::pg_error;
use crate::store::rows::{AreaRow, properties_json};
use crate::store::{PostgresStore, StoreError};

#[derive(sqlx::FromRow)]
struct HistoryRow {
    #[sqlx(flatten)]
    area: AreaRow,
    changed_by: String,
    change_reason: Option<String>,
    change_id: Option<Uuid>,
    changed_at: DateTime<Utc>,
}

/// The columns a [`HistoryRow`] reads, as the SQLite store has them.
macro_rules! history_columns {
    () => {
        "code, id::text AS id, name, level, parent_code, leader_name, leader_phone, properties::text AS properties, \
         ST_AsBinary(geom) AS geom, version, changed_by, change_reason, change_id, changed_at"
    };
}

fn version(r: HistoryRow) -> Result<AreaVersion, StoreError> {
    Ok(AreaVersion {
        change_id: r.change_id,
        changed_at: r.changed_at,
        changed_by: r.changed_by,
        change_reason: r.change_reason,
        area: Area::try_from(r.area)?,
    })
}

type ProposalRow = (
    Uuid,
    String,
    Option<String>,
    String,
    DateTime<Utc>,
    serde_json::Value,
    String,
    Option<Uuid>,
);

fn proposal(r: ProposalRow) -> Result<Proposal, StoreError> {
    let (id, parent_code, title, created_by, created_at, areas, st, change_id) = r;
    if !areas.is_array() {
        return Err(corrupt("proposal", format!("{id}: areas is not an array")));
    }
    Ok(Proposal {
        id,
        parent_code,
        title,
        created_by,
        created_at,
        areas,
        status: status(&st)?,
        change_id,
    })
}

macro_rules! proposal_columns {
    () => {
        "id, parent_code, title, created_by, created_at, areas, status, change_id"
    };
}

#[async_trait]
impl Planning for PostgresStore {
    async fn commit_areas(&self, edits: &[AreaEdit], note: &ChangeNote) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg_error("starting a transaction"))?;
        // First, as every writer of the layer does: concurrent writers queue here.
        sqlx::query("UPDATE layer_revisions SET revision = revision + 1 WHERE layer = 'areas'")
            .execute(&mut *tx)
            .await
            .map_err(pg_error("bumping the layer revision"))?;
        for e in edits {
            let a = &e.area;
            let written = sqlx::query(
                "UPDATE areas SET name = $1, leader_name = $2, leader_phone = $3, properties = $4::jsonb,
                        geom = ST_Multi(ST_GeomFromWKB($5, 4326)), version = version + 1, updated_at = now(),
                        changed_by = $6, change_reason = $7, change_id = $8
                 WHERE code = $9 AND version = $10",
            )
            .bind(&a.name)
            .bind(&a.leader_name)
            .bind(&a.leader_phone)
            .bind(properties_json(&a.properties))
            .bind(to_wkb(&geo::Geometry::MultiPolygon(a.geometry.clone())))
            .bind(&note.by)
            .bind(&note.reason)
            .bind(note.id)
            .bind(a.code.as_str())
            .bind(e.expected_version)
            .execute(&mut *tx)
            .await
            .map_err(pg_error("committing an area"))?;
            if written.rows_affected() == 0 {
                let current: Option<(i64,)> = sqlx::query_as("SELECT version FROM areas WHERE code = $1")
                    .bind(a.code.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(pg_error("reading an area's version"))?;
                return Err(StoreError::Stale {
                    code: a.code.to_string(),
                    expected: e.expected_version,
                    current: current.map(|c| c.0),
                });
            }
        }
        tx.commit().await.map_err(pg_error("committing the change"))?;
        Ok(())
    }

    async fn area_history(&self, code: &str) -> Result<Vec<AreaVersion>, StoreError> {
        let rows: Vec<HistoryRow> = sqlx::query_as(concat!(
            "SELECT ",
            history_columns!(),
            " FROM area_history WHERE code = $1 ORDER BY version DESC"
        ))
        .bind(code)
        .fetch_all(&self.pool)
        .await
        .map_err(pg_error("reading an area's history"))?;
        rows.into_iter().map(version).collect()
    }

    async fn change(&self, id: Uuid) -> Result<Vec<AreaVersion>, StoreError> {
        let rows: Vec<HistoryRow> = sqlx::query_as(concat!(
            "SELECT ",
            history_columns!(),
            " FROM area_history WHERE change_id = $1 ORDER BY code, version"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(pg_error("reading a change"))?;
        rows.into_iter().map(version).collect()
    }

    async fn add_proposal(&self, p: &Proposal) -> Result<(), StoreError> {
        sqlx::query(concat!(
            "INSERT INTO proposals (",
            proposal_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(p.id)
        .bind(&p.parent_code)
        .bind(&p.title)
        .bind(&p.created_by)
        .bind(p.created_at)
        .bind(&p.areas)
        .bind(p.status.as_str())
        .bind(p.change_id)
        .execute(&self.pool)
        .await
        .map_err(pg_error("keeping a proposal"))?;
        Ok(())
    }

    async fn proposals(&self, parent_code: &str) -> Result<Vec<Proposal>, StoreError> {
        let rows: Vec<ProposalRow> = sqlx::query_as(concat!(
            "SELECT ",
            proposal_columns!(),
            " FROM proposals WHERE parent_code = $1 ORDER BY created_at DESC, id"
        ))
        .bind(parent_code)
        .fetch_all(&self.pool)
        .await
        .map_err(pg_error("listing proposals"))?;
        rows.into_iter().map(proposal).collect()
    }

    async fn proposal(&self, id: Uuid) -> Result<Option<Proposal>, StoreError> {
        let row: Option<ProposalRow> =
            sqlx::query_as(concat!("SELECT ", proposal_columns!(), " FROM proposals WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(pg_error("reading a proposal"))?;
        row.map(proposal).transpose()
    }

    async fn close_proposal(
        &self,
        id: Uuid,
        status: ProposalStatus,
        change_id: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE proposals SET status = $1, change_id = $2 WHERE id = $3 AND status = 'open'")
            .bind(status.as_str())
            .bind(change_id)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(pg_error("closing a proposal"))?;
        Ok(done.rows_affected() > 0)
    }
}
