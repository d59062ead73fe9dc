//! The embedded default store: one SQLite file, geometry as WKB BLOBs.

use std::str::FromStr;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};

use super::geometry::to_wkb;
use super::rows::{AreaRow, BuildingRow, HouseholdRow, PathRow, StationRow, point_wkb, properties_json};
use super::{Batch, Revisions, Store, StoreError, UpsertSummary};
use crate::domain::{Area, Building, Household, Layer, Path, Station};

pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

type Tx<'a> = Transaction<'a, Sqlite>;

impl SqliteStore {
    /// Opens `sqlite://PATH` (creating the file and its folder if missing) and migrates it.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| StoreError::Connect {
                url: url.to_owned(),
                source,
            })?
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(30));
        if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect {
                url: url.to_owned(),
                source,
            })?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                backend: "sqlite",
                source,
            })?;
        Ok(Self { pool })
    }

    async fn exists(tx: &mut Tx<'_>, sql: &'static str, code: &str) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as(sql)
            .bind(code)
            .fetch_optional(&mut **tx)
            .await
            .map_err(StoreError::query("checking for an existing code"))?;
        Ok(row.is_some())
    }

    async fn upsert_areas(tx: &mut Tx<'_>, areas: &[Area], now: &str) -> Result<UpsertSummary, StoreError> {
        let mut summary = UpsertSummary::default();
        for a in areas {
            let version: (i64,) = sqlx::query_as(
                "INSERT INTO areas (code, id, name, level, parent_code, leader_name, leader_phone, properties, geom, version, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                 ON CONFLICT (code) DO UPDATE SET
                    name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
                    leader_name = excluded.leader_name, leader_phone = excluded.leader_phone,
                    properties = excluded.properties, geom = excluded.geom,
                    version = areas.version + 1, updated_at = excluded.updated_at,
                    changed_by = 'import', change_reason = NULL, change_id = NULL
                 RETURNING version",
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
            .bind(now)
            .fetch_one(&mut **tx)
            .await
            .map_err(StoreError::query("writing an area"))?;
            count(&mut summary, version.0 > 1);
        }
        Ok(summary)
    }

    async fn upsert_buildings(tx: &mut Tx<'_>, buildings: &[Building], now: &str) -> Result<UpsertSummary, StoreError> {
        let mut summary = UpsertSummary::default();
        for b in buildings {
            let existed = Self::exists(tx, "SELECT 1 FROM buildings WHERE code = ?", b.code.as_str()).await?;
            sqlx::query(
                "INSERT INTO buildings (code, address, floors, properties, geom, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (code) DO UPDATE SET
                    address = excluded.address, floors = excluded.floors, properties = excluded.properties,
                    geom = excluded.geom, updated_at = excluded.updated_at",
            )
            .bind(b.code.as_str())
            .bind(&b.address)
            .bind(b.floors)
            .bind(properties_json(&b.properties))
            .bind(to_wkb(&b.geometry))
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(StoreError::query("writing a building"))?;
            count(&mut summary, existed);
        }
        Ok(summary)
    }

    async fn upsert_households(
        tx: &mut Tx<'_>,
        households: &[Household],
        now: &str,
    ) -> Result<UpsertSummary, StoreError> {
        let mut summary = UpsertSummary::default();
        for h in households {
            let existed = Self::exists(tx, "SELECT 1 FROM households WHERE code = ?", h.code.as_str()).await?;
            sqlx::query(
                "INSERT INTO households (code, head_name, phone, members, address, building_code, party_member,
                                         center_household, center_code, properties, geom, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (code) DO UPDATE SET
                    head_name = excluded.head_name, phone = excluded.phone, members = excluded.members,
                    address = excluded.address, building_code = excluded.building_code,
                    party_member = excluded.party_member, center_household = excluded.center_household,
                    center_code = excluded.center_code, properties = excluded.properties,
                    geom = excluded.geom, updated_at = excluded.updated_at",
            )
            .bind(h.code.as_str())
            .bind(&h.head_name)
            .bind(&h.phone)
            .bind(h.members)
            .bind(&h.address)
            .bind(h.building_code.as_ref().map(|c| c.as_str()))
            .bind(h.party_member)
            .bind(h.center_household)
            .bind(h.center_code.as_ref().map(|c| c.as_str()))
            .bind(properties_json(&h.properties))
            .bind(point_wkb(h.location))
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(StoreError::query("writing a household"))?;
            count(&mut summary, existed);
        }
        Ok(summary)
    }

    async fn upsert_stations(tx: &mut Tx<'_>, stations: &[Station], now: &str) -> Result<UpsertSummary, StoreError> {
        let mut summary = UpsertSummary::default();
        for s in stations {
            let existed = Self::exists(tx, "SELECT 1 FROM stations WHERE code = ?", s.code.as_str()).await?;
            sqlx::query(
                "INSERT INTO stations (code, kind, name, tier, phone, open_hours, services, properties, geom, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (code) DO UPDATE SET
                    kind = excluded.kind, name = excluded.name, tier = excluded.tier, phone = excluded.phone,
                    open_hours = excluded.open_hours, services = excluded.services,
                    properties = excluded.properties, geom = excluded.geom, updated_at = excluded.updated_at",
            )
            .bind(s.code.as_str())
            .bind(s.kind.as_str())
            .bind(&s.name)
            .bind(&s.tier)
            .bind(&s.phone)
            .bind(&s.open_hours)
            .bind(serde_json::to_string(&s.services).unwrap_or_else(|_| "[]".into()))
            .bind(properties_json(&s.properties))
            .bind(point_wkb(s.location))
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(StoreError::query("writing a station"))?;
            count(&mut summary, existed);
        }
        Ok(summary)
    }

    async fn upsert_paths(tx: &mut Tx<'_>, paths: &[Path], now: &str) -> Result<UpsertSummary, StoreError> {
        let mut summary = UpsertSummary::default();
        for p in paths {
            let existed = Self::exists(tx, "SELECT 1 FROM paths WHERE code = ?", p.code.as_str()).await?;
            sqlx::query(
                "INSERT INTO paths (code, name, highway, properties, geom, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (code) DO UPDATE SET
                    name = excluded.name, highway = excluded.highway, properties = excluded.properties,
                    geom = excluded.geom, updated_at = excluded.updated_at",
            )
            .bind(p.code.as_str())
            .bind(&p.name)
            .bind(&p.highway)
            .bind(properties_json(&p.properties))
            .bind(to_wkb(&geo::Geometry::MultiLineString(p.geometry.clone())))
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(StoreError::query("writing a path"))?;
            count(&mut summary, existed);
        }
        Ok(summary)
    }
}

fn count(summary: &mut UpsertSummary, existed: bool) {
    if existed {
        summary.updated += 1;
    } else {
        summary.inserted += 1;
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(StoreError::query("checking the connection"))?;
        Ok(())
    }

    async fn revisions(&self) -> Result<Revisions, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT layer, revision FROM layer_revisions")
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::query("reading layer revisions"))?;
        Ok(revisions_from(rows))
    }

    async fn load_areas(&self) -> Result<Vec<Area>, StoreError> {
        let rows: Vec<AreaRow> = sqlx::query_as(
            "SELECT code, id, name, level, parent_code, leader_name, leader_phone, properties, geom, version
             FROM areas ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("loading areas"))?;
        rows.into_iter().map(Area::try_from).collect()
    }

    async fn load_buildings(&self) -> Result<Vec<Building>, StoreError> {
        let rows: Vec<BuildingRow> =
            sqlx::query_as("SELECT code, address, floors, properties, geom FROM buildings ORDER BY code")
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::query("loading buildings"))?;
        rows.into_iter().map(Building::try_from).collect()
    }

    async fn load_households(&self) -> Result<Vec<Household>, StoreError> {
        let rows: Vec<HouseholdRow> = sqlx::query_as(
            "SELECT code, head_name, phone, members, address, building_code, party_member, center_household,
                    center_code, properties, geom
             FROM households ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("loading households"))?;
        rows.into_iter().map(Household::try_from).collect()
    }

    async fn load_stations(&self) -> Result<Vec<Station>, StoreError> {
        let rows: Vec<StationRow> = sqlx::query_as(
            "SELECT code, kind, name, tier, phone, open_hours, services, properties, geom FROM stations ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::query("loading stations"))?;
        rows.into_iter().map(Station::try_from).collect()
    }

    async fn load_paths(&self) -> Result<Vec<Path>, StoreError> {
        let rows: Vec<PathRow> =
            sqlx::query_as("SELECT code, name, highway, properties, geom FROM paths ORDER BY code")
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::query("loading paths"))?;
        rows.into_iter().map(Path::try_from).collect()
    }

    async fn upsert(&self, batch: &Batch) -> Result<UpsertSummary, StoreError> {
        let now = chrono::Utc::now().to_rfc3339();
        // IMMEDIATE takes the write lock up front. A deferred transaction starts as a reader and, in
        // WAL mode, fails at once with "database is locked" when it must become a writer while
        // another connection still holds the lock (SQLite cannot wait there); this way the busy
        // timeout waits instead.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::query("starting a transaction"))?;
        let summary = match batch {
            Batch::Areas(v) => Self::upsert_areas(&mut tx, v, &now).await?,
            Batch::Buildings(v) => Self::upsert_buildings(&mut tx, v, &now).await?,
            Batch::Households(v) => Self::upsert_households(&mut tx, v, &now).await?,
            Batch::Stations(v) => Self::upsert_stations(&mut tx, v, &now).await?,
            Batch::Paths(v) => Self::upsert_paths(&mut tx, v, &now).await?,
        };
        sqlx::query("UPDATE layer_revisions SET revision = revision + 1 WHERE layer = ?")
            .bind(batch.layer().as_str())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("bumping the layer revision"))?;
        // Deferred foreign keys are checked here; a violation rolls everything back.
        tx.commit().await.map_err(StoreError::query("committing the write"))?;
        Ok(summary)
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

/// Collects `(layer, revision)` rows (from either store) into [`Revisions`].
pub(super) fn revisions_from(rows: Vec<(String, i64)>) -> Revisions {
    let mut revs = Revisions::default();
    for (layer, rev) in rows {
        if let Some(layer) = Layer::parse(&layer) {
            revs.set(layer, rev);
        }
    }
    revs
}
