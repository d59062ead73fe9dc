//! [`Planning`] in the PostGIS store.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    AreaChange, AreaVersion, ChangeNote, LineageLink, Planning, Proposal, ProposalStatus, corrupt, creatable,
    prefix_end, status,
};
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

fn links(rows: Vec<(String, String, Uuid, DateTime<Utc>)>) -> Vec<LineageLink> {
    rows.into_iter()
        .map(|(predecessor, successor, change_id, changed_at)| LineageLink {
            predecessor,
            successor,
            change_id,
            changed_at,
        })
        .collect()
}

/// The error for a guarded write that found `code` at another version than `expected`.
async fn stale(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    code: &str,
    expected: i64,
) -> Result<StoreError, StoreError> {
    let current: Option<(i64,)> = sqlx::query_as("SELECT version FROM areas WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut **tx)
        .await
        .map_err(pg_error("reading an area's version"))?;
    Ok(StoreError::Stale {
        code: code.to_owned(),
        expected,
        current: current.map(|c| c.0),
    })
}

#[async_trait]
impl Planning for PostgresStore {
    async fn commit_change(&self, change: &AreaChange, note: &ChangeNote) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg_error("starting a transaction"))?;
        // First, as every writer of the layer does: concurrent writers queue here.
        sqlx::query("UPDATE layer_revisions SET revision = revision + 1 WHERE layer = 'areas'")
            .execute(&mut *tx)
            .await
            .map_err(pg_error("bumping the layer revision"))?;
        for (code, expected) in &change.retired {
            let gone = sqlx::query("DELETE FROM areas WHERE code = $1 AND version = $2")
                .bind(code.as_str())
                .bind(expected)
                .execute(&mut *tx)
                .await
                .map_err(pg_error("retiring an area"))?;
            if gone.rows_affected() == 0 {
                return Err(stale(&mut tx, code.as_str(), *expected).await?);
            }
        }
        for e in &change.edits {
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
                return Err(stale(&mut tx, a.code.as_str(), e.expected_version).await?);
            }
        }
        for a in &change.created {
            let last: (Option<i64>,) = sqlx::query_as("SELECT max(version) FROM area_history WHERE code = $1")
                .bind(a.code.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(pg_error("reading a code's history"))?;
            creatable(a, last.0)?;
            sqlx::query(
                "INSERT INTO areas (code, id, name, level, parent_code, leader_name, leader_phone, properties, geom,
                                    version, updated_at, changed_by, change_reason, change_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, ST_Multi(ST_GeomFromWKB($9, 4326)), $10, now(),
                         $11, $12, $13)",
            )
            .bind(a.code.as_str())
            .bind(a.id)
            .bind(&a.name)
            .bind(a.level.as_str())
            .bind(a.parent_code.as_ref().map(|c| c.as_str()))
            .bind(&a.leader_name)
            .bind(&a.leader_phone)
            .bind(properties_json(&a.properties))
            .bind(to_wkb(&geo::Geometry::MultiPolygon(a.geometry.clone())))
            .bind(a.version)
            .bind(&note.by)
            .bind(&note.reason)
            .bind(note.id)
            .execute(&mut *tx)
            .await
            .map_err(pg_error("creating an area"))?;
        }
        for (from, to) in &change.lineage {
            sqlx::query("INSERT INTO area_lineage (predecessor, successor, change_id) VALUES ($1, $2, $3)")
                .bind(from.as_str())
                .bind(to.as_str())
                .bind(note.id)
                .execute(&mut *tx)
                .await
                .map_err(pg_error("recording lineage"))?;
        }
        tx.commit().await.map_err(pg_error("committing the change"))?;
        Ok(())
    }

    async fn codes_used(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT code FROM area_history WHERE code >= $1 AND code < $2 ORDER BY code")
                .bind(prefix)
                .bind(prefix_end(prefix))
                .fetch_all(&self.pool)
                .await
                .map_err(pg_error("listing codes in use"))?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn retired_codes(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT h.code FROM area_history h
             WHERE NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = h.code) ORDER BY h.code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(pg_error("listing retired codes"))?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn lineage(&self, code: &str) -> Result<Vec<LineageLink>, StoreError> {
        let rows: Vec<(String, String, Uuid, DateTime<Utc>)> = sqlx::query_as(
            "SELECT predecessor, successor, change_id, changed_at FROM area_lineage
             WHERE predecessor = $1 OR successor = $1 ORDER BY changed_at, predecessor, successor",
        )
        .bind(code)
        .fetch_all(&self.pool)
        .await
        .map_err(pg_error("reading lineage"))?;
        Ok(links(rows))
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

    async fn change_lineage(&self, id: Uuid) -> Result<Vec<LineageLink>, StoreError> {
        let rows: Vec<(String, String, Uuid, DateTime<Utc>)> = sqlx::query_as(
            "SELECT predecessor, successor, change_id, changed_at FROM area_lineage
             WHERE change_id = $1 ORDER BY predecessor, successor",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(pg_error("reading a change's lineage"))?;
        Ok(links(rows))
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
