//! [`Planning`] in the SQLite store.

use async_trait::async_trait;
use uuid::Uuid;

use super::{
    AreaChange, AreaVersion, ChangeNote, LineageLink, Planning, Proposal, ProposalStatus, corrupt, creatable,
    prefix_end, status,
};
use crate::domain::Area;
use crate::store::accounts::{parse_time, time_text};
use crate::store::geometry::to_wkb;
use crate::store::rows::{AreaRow, properties_json};
use crate::store::{SqliteStore, StoreError};

#[derive(sqlx::FromRow)]
struct HistoryRow {
    #[sqlx(flatten)]
    area: AreaRow,
    changed_by: String,
    change_reason: Option<String>,
    change_id: Option<String>,
    changed_at: String,
}

/// The columns a [`HistoryRow`] reads (a macro so queries stay literals).
macro_rules! history_columns {
    () => {
        "code, id, name, level, parent_code, leader_name, leader_phone, properties, geom, version, \
         changed_by, change_reason, change_id, changed_at"
    };
}

fn uuid(what: &str, s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| corrupt(what, format!("{s:?} is not a UUID: {e}")))
}

fn version(r: HistoryRow) -> Result<AreaVersion, StoreError> {
    Ok(AreaVersion {
        change_id: r.change_id.as_deref().map(|s| uuid("area history", s)).transpose()?,
        changed_at: parse_time(&r.changed_at)?,
        changed_by: r.changed_by,
        change_reason: r.change_reason,
        area: Area::try_from(r.area)?,
    })
}

type ProposalRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn proposal(r: ProposalRow) -> Result<Proposal, StoreError> {
    let (id, parent_code, title, created_by, created_at, areas, st, change_id) = r;
    Ok(Proposal {
        id: uuid("proposal", &id)?,
        areas: serde_json::from_str(&areas).map_err(|e| corrupt("proposal", format!("{id}: areas: {e}")))?,
        status: status(&st)?,
        change_id: change_id.as_deref().map(|s| uuid("proposal", s)).transpose()?,
        created_at: parse_time(&created_at)?,
        parent_code,
        title,
        created_by,
    })
}

macro_rules! proposal_columns {
    () => {
        "id, parent_code, title, created_by, created_at, areas, status, change_id"
    };
}

fn links(rows: Vec<(String, String, String, String)>) -> Result<Vec<LineageLink>, StoreError> {
    rows.into_iter()
        .map(|(predecessor, successor, change_id, changed_at)| {
            Ok(LineageLink {
                change_id: uuid("lineage", &change_id)?,
                changed_at: parse_time(&changed_at)?,
                predecessor,
                successor,
            })
        })
        .collect()
}

/// The error for a guarded write that found `code` at another version than `expected`.
async fn stale(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    code: &str,
    expected: i64,
) -> Result<StoreError, StoreError> {
    let current: Option<(i64,)> = sqlx::query_as("SELECT version FROM areas WHERE code = ?")
        .bind(code)
        .fetch_optional(&mut **tx)
        .await
        .map_err(StoreError::query("reading an area's version"))?;
    Ok(StoreError::Stale {
        code: code.to_owned(),
        expected,
        current: current.map(|c| c.0),
    })
}

#[async_trait]
impl Planning for SqliteStore {
    async fn commit_change(&self, change: &AreaChange, note: &ChangeNote) -> Result<(), StoreError> {
        let now = time_text(chrono::Utc::now());
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::query("starting a transaction"))?;
        for (code, expected) in &change.retired {
            let gone = sqlx::query("DELETE FROM areas WHERE code = ? AND version = ?")
                .bind(code.as_str())
                .bind(expected)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query("retiring an area"))?;
            if gone.rows_affected() == 0 {
                return Err(stale(&mut tx, code.as_str(), *expected).await?);
            }
        }
        for e in &change.edits {
            let a = &e.area;
            let written = sqlx::query(
                "UPDATE areas SET name = ?, leader_name = ?, leader_phone = ?, properties = ?, geom = ?,
                        version = version + 1, updated_at = ?, changed_by = ?, change_reason = ?, change_id = ?
                 WHERE code = ? AND version = ?",
            )
            .bind(&a.name)
            .bind(&a.leader_name)
            .bind(&a.leader_phone)
            .bind(properties_json(&a.properties))
            .bind(to_wkb(&geo::Geometry::MultiPolygon(a.geometry.clone())))
            .bind(&now)
            .bind(&note.by)
            .bind(&note.reason)
            .bind(note.id.to_string())
            .bind(a.code.as_str())
            .bind(e.expected_version)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("committing an area"))?;
            if written.rows_affected() == 0 {
                return Err(stale(&mut tx, a.code.as_str(), e.expected_version).await?);
            }
        }
        for a in &change.created {
            let last: (Option<i64>,) = sqlx::query_as("SELECT max(version) FROM area_history WHERE code = ?")
                .bind(a.code.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::query("reading a code's history"))?;
            creatable(a, last.0)?;
            sqlx::query(
                "INSERT INTO areas (code, id, name, level, parent_code, leader_name, leader_phone, properties, geom,
                                    version, updated_at, changed_by, change_reason, change_id)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(a.code.as_str())
            .bind(a.id.to_string())
            .bind(&a.name)
            .bind(a.level.as_str())
            .bind(a.parent_code.as_ref().map(|c| c.as_str()))
            .bind(&a.leader_name)
            .bind(&a.leader_phone)
            .bind(properties_json(&a.properties))
            .bind(to_wkb(&geo::Geometry::MultiPolygon(a.geometry.clone())))
            .bind(a.version)
            .bind(&now)
            .bind(&note.by)
            .bind(&note.reason)
            .bind(note.id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("creating an area"))?;
        }
        for (from, to) in &change.lineage {
            sqlx::query("INSERT INTO area_lineage (predecessor, successor, change_id, changed_at) VALUES (?, ?, ?, ?)")
                .bind(from.as_str())
                .bind(to.as_str())
                .bind(note.id.to_string())
                .bind(&now)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query("recording lineage"))?;
        }
        sqlx::query("UPDATE layer_revisions SET revision = revision + 1 WHERE layer = 'areas'")
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("bumping the layer revision"))?;
        tx.commit().await.map_err(StoreError::query("committing the change"))?;
        Ok(())
    }

    async fn codes_used(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT code FROM area_history WHERE code >= ? AND code < ? ORDER BY code")
                .bind(prefix)
                .bind(prefix_end(prefix))
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::query("listing codes in use"))?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn retired_codes(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT h.code FROM area_history h
             WHERE NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = h.code) ORDER BY h.code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("listing retired codes"))?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn lineage(&self, code: &str) -> Result<Vec<LineageLink>, StoreError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT predecessor, successor, change_id, changed_at FROM area_lineage
             WHERE predecessor = ? OR successor = ? ORDER BY changed_at, predecessor, successor",
        )
        .bind(code)
        .bind(code)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("reading lineage"))?;
        links(rows)
    }

    async fn area_history(&self, code: &str) -> Result<Vec<AreaVersion>, StoreError> {
        let rows: Vec<HistoryRow> = sqlx::query_as(concat!(
            "SELECT ",
            history_columns!(),
            " FROM area_history WHERE code = ? ORDER BY version DESC"
        ))
        .bind(code)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("reading an area's history"))?;
        rows.into_iter().map(version).collect()
    }

    async fn change(&self, id: Uuid) -> Result<Vec<AreaVersion>, StoreError> {
        let rows: Vec<HistoryRow> = sqlx::query_as(concat!(
            "SELECT ",
            history_columns!(),
            " FROM area_history WHERE change_id = ? ORDER BY code, version"
        ))
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("reading a change"))?;
        rows.into_iter().map(version).collect()
    }

    async fn change_lineage(&self, id: Uuid) -> Result<Vec<LineageLink>, StoreError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT predecessor, successor, change_id, changed_at FROM area_lineage
             WHERE change_id = ? ORDER BY predecessor, successor",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("reading a change's lineage"))?;
        links(rows)
    }

    async fn add_proposal(&self, p: &Proposal) -> Result<(), StoreError> {
        sqlx::query(concat!(
            "INSERT INTO proposals (",
            proposal_columns!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(p.id.to_string())
        .bind(&p.parent_code)
        .bind(&p.title)
        .bind(&p.created_by)
        .bind(time_text(p.created_at))
        .bind(p.areas.to_string())
        .bind(p.status.as_str())
        .bind(p.change_id.map(|c| c.to_string()))
        .execute(&self.pool)
        .await
        .map_err(StoreError::query("keeping a proposal"))?;
        Ok(())
    }

    async fn proposals(&self, parent_code: &str) -> Result<Vec<Proposal>, StoreError> {
        let rows: Vec<ProposalRow> = sqlx::query_as(concat!(
            "SELECT ",
            proposal_columns!(),
            " FROM proposals WHERE parent_code = ? ORDER BY created_at DESC, id"
        ))
        .bind(parent_code)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("listing proposals"))?;
        rows.into_iter().map(proposal).collect()
    }

    async fn proposal(&self, id: Uuid) -> Result<Option<Proposal>, StoreError> {
        let row: Option<ProposalRow> =
            sqlx::query_as(concat!("SELECT ", proposal_columns!(), " FROM proposals WHERE id = ?"))
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::query("reading a proposal"))?;
        row.map(proposal).transpose()
    }

    async fn close_proposal(
        &self,
        id: Uuid,
        status: ProposalStatus,
        change_id: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE proposals SET status = ?, change_id = ? WHERE id = ? AND status = 'open'")
            .bind(status.as_str())
            .bind(change_id.map(|c| c.to_string()))
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("closing a proposal"))?;
        Ok(done.rows_affected() > 0)
    }
}
