//! The PostGIS store: the four layers as tables with real `geometry(…, 4326)` columns, so a planner can
//! open them in QGIS as they are.
//!
//! Same semantics as [`super::SqliteStore`]; only the write path differs, because it must carry imports
//! of millions of households. A batch is written as chunks of [`CHUNK`] features, each chunk one
//! `INSERT … SELECT FROM UNNEST(arrays) ON CONFLICT (code) DO UPDATE` statement with every column bound
//! as an array and geometry as WKB (`bytea[]`), so two million households cost four hundred round
//! trips, not two million.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::TryStreamExt;
use sqlx::postgres::{PgArguments, PgDatabaseError, PgPool, PgPoolOptions, PgRow};
use sqlx::query::QueryAs;
use sqlx::{FromRow, Postgres, Transaction};

use super::geometry::to_wkb;
use super::rows::{AreaRow, BuildingRow, HouseholdRow, PathRow, StationRow, point_wkb, properties_json};
use super::sqlite::revisions_from;
use super::{Batch, Revisions, Store, StoreError, UpsertSummary};
use crate::domain::{Area, Building, Code, Household, Path, Station};

/// Features per `INSERT` statement: large enough that round trips stop mattering, small enough that
/// one statement's arrays stay a few megabytes.
const CHUNK: usize = 5_000;

/// Longest a statement waits for a connection. sqlx keeps retrying a refused connection until then,
/// so this is also how soon a request that needs the database fails while it is down: its default
/// (30 s) would hold every write, login and `/readyz` that long. Ten connections for short statements
/// are never all busy for seconds.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long [`PostgresStore::open`] waits for a database that refuses connections (sqlx's default
/// acquire timeout, which used to be this wait).
const STARTUP_WAIT: Duration = Duration::from_secs(30);

type Tx<'a> = Transaction<'a, Postgres>;

/// One chunk's statement with its arrays bound; it answers how many of its rows were new.
type ChunkQuery<'a> = QueryAs<'a, Postgres, (i64,), PgArguments>;

/// The store behind a `postgres://` URL. The database needs the PostGIS extension available; the
/// first migration creates it, which takes a superuser unless a DBA already did.
pub struct PostgresStore {
    pub(super) pool: PgPool,
}

impl PostgresStore {
    /// Connects to `postgres://…` with a connection pool and migrates the schema. A database that
    /// refuses connections is waited for up to [`STARTUP_WAIT`] (it may be starting beside us).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let connect_error = |source| StoreError::Connect {
            url: super::redact_url(url),
            source,
        };
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy(url)
            .map_err(connect_error)?;
        let deadline = Instant::now() + STARTUP_WAIT;
        loop {
            match pool.acquire().await {
                Ok(_) => break,
                Err(sqlx::Error::PoolTimedOut) if Instant::now() < deadline => continue,
                Err(source) => return Err(connect_error(source)),
            }
        }
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                backend: "postgres",
                source,
            })?;
        Ok(Self { pool })
    }

    /// Streams the rows of `sql` into features, so a big layer is never held twice in memory.
    async fn load<R, T>(&self, sql: &'static str, doing: &'static str) -> Result<Vec<T>, StoreError>
    where
        R: for<'r> FromRow<'r, PgRow> + Send + Unpin,
        T: TryFrom<R, Error = StoreError> + Send,
    {
        let mut rows = sqlx::query_as::<_, R>(sql).fetch(&self.pool);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await.map_err(pg_error(doing))? {
            out.push(T::try_from(row)?);
        }
        Ok(out)
    }
}

/// One row to write for a code that may occur several times in a batch.
struct Pick<'a, T> {
    /// The first occurrence: an area inserted by it keeps its id through the later ones.
    first: &'a T,
    /// The last occurrence, whose values win.
    last: &'a T,
    occurrences: i64,
}

/// The batch with every code once, in order of first appearance.
///
/// PostgreSQL refuses an `ON CONFLICT DO UPDATE` that meets the same row twice in one statement
/// ("cannot affect row a second time"), while SQLite writes repeated codes one after the other. Folding
/// repeats into one row that carries the last values (and, for areas, the first id and the number of
/// occurrences) ends in the state SQLite's sequential writes reach.
fn dedupe<'a, T>(items: &'a [T], code: impl Fn(&'a T) -> &'a str) -> Vec<Pick<'a, T>> {
    let mut slots: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    let mut picks: Vec<Pick<'a, T>> = Vec::with_capacity(items.len());
    for item in items {
        match slots.entry(code(item)) {
            Entry::Occupied(slot) => {
                let pick = &mut picks[*slot.get()];
                pick.last = item;
                pick.occurrences += 1;
            }
            Entry::Vacant(slot) => {
                slot.insert(picks.len());
                picks.push(Pick {
                    first: item,
                    last: item,
                    occurrences: 1,
                });
            }
        }
    }
    picks
}

/// One array column of a chunk.
fn column<'a, T, V>(picks: &[Pick<'a, T>], value: impl Fn(&Pick<'a, T>) -> V) -> Vec<V> {
    picks.iter().map(value).collect()
}

fn opt_code(code: &Option<Code>) -> Option<&str> {
    code.as_ref().map(Code::as_str)
}

/// Writes a batch chunk by chunk and counts like SQLite: an occurrence that created its code is an
/// insert, every other occurrence (a repeat within the batch included) is an update.
async fn write_chunks<'a, T: Sync>(
    tx: &mut Tx<'_>,
    items: &'a [T],
    code: impl Fn(&'a T) -> &'a str,
    chunk: impl Fn(&[Pick<'a, T>]) -> ChunkQuery<'a> + Sync,
    doing: &'static str,
) -> Result<UpsertSummary, StoreError> {
    let picks = dedupe(items, code);
    let mut inserted = 0;
    for part in picks.chunks(CHUNK) {
        let (new_rows,) = chunk(part).fetch_one(&mut **tx).await.map_err(pg_error(doing))?;
        inserted += usize::try_from(new_rows).unwrap_or_default();
    }
    Ok(UpsertSummary {
        inserted,
        updated: items.len() - inserted,
    })
}

fn areas_chunk<'a>(picks: &[Pick<'a, Area>]) -> ChunkQuery<'a> {
    sqlx::query_as(include_str!("sql/postgres/upsert_areas.sql"))
        .bind(column(picks, |p| p.last.code.as_str()))
        .bind(column(picks, |p| p.first.id))
        .bind(column(picks, |p| p.last.name.as_str()))
        .bind(column(picks, |p| p.last.level.as_str()))
        .bind(column(picks, |p| opt_code(&p.last.parent_code)))
        .bind(column(picks, |p| p.last.leader_name.as_deref()))
        .bind(column(picks, |p| p.last.leader_phone.as_deref()))
        .bind(column(picks, |p| properties_json(&p.last.properties)))
        .bind(column(picks, |p| {
            to_wkb(&geo::Geometry::MultiPolygon(p.last.geometry.clone()))
        }))
        .bind(column(picks, |p| p.occurrences))
}

fn buildings_chunk<'a>(picks: &[Pick<'a, Building>]) -> ChunkQuery<'a> {
    sqlx::query_as(include_str!("sql/postgres/upsert_buildings.sql"))
        .bind(column(picks, |p| p.last.code.as_str()))
        .bind(column(picks, |p| p.last.address.as_deref()))
        .bind(column(picks, |p| p.last.floors))
        .bind(column(picks, |p| properties_json(&p.last.properties)))
        .bind(column(picks, |p| to_wkb(&p.last.geometry)))
}

fn households_chunk<'a>(picks: &[Pick<'a, Household>]) -> ChunkQuery<'a> {
    sqlx::query_as(include_str!("sql/postgres/upsert_households.sql"))
        .bind(column(picks, |p| p.last.code.as_str()))
        .bind(column(picks, |p| p.last.head_name.as_deref()))
        .bind(column(picks, |p| p.last.phone.as_deref()))
        .bind(column(picks, |p| p.last.members))
        .bind(column(picks, |p| p.last.address.as_deref()))
        .bind(column(picks, |p| opt_code(&p.last.building_code)))
        .bind(column(picks, |p| p.last.party_member))
        .bind(column(picks, |p| p.last.center_household))
        .bind(column(picks, |p| opt_code(&p.last.center_code)))
        .bind(column(picks, |p| properties_json(&p.last.properties)))
        .bind(column(picks, |p| point_wkb(p.last.location)))
}

fn stations_chunk<'a>(picks: &[Pick<'a, Station>]) -> ChunkQuery<'a> {
    sqlx::query_as(include_str!("sql/postgres/upsert_stations.sql"))
        .bind(column(picks, |p| p.last.code.as_str()))
        .bind(column(picks, |p| p.last.kind.as_str()))
        .bind(column(picks, |p| p.last.name.as_deref()))
        .bind(column(picks, |p| p.last.tier.as_deref()))
        .bind(column(picks, |p| p.last.phone.as_deref()))
        .bind(column(picks, |p| p.last.open_hours.as_deref()))
        .bind(column(picks, |p| services_json(&p.last.services)))
        .bind(column(picks, |p| properties_json(&p.last.properties)))
        .bind(column(picks, |p| point_wkb(p.last.location)))
}

fn paths_chunk<'a>(picks: &[Pick<'a, Path>]) -> ChunkQuery<'a> {
    sqlx::query_as(include_str!("sql/postgres/upsert_paths.sql"))
        .bind(column(picks, |p| p.last.code.as_str()))
        .bind(column(picks, |p| p.last.name.as_deref()))
        .bind(column(picks, |p| p.last.highway.as_deref()))
        .bind(column(picks, |p| properties_json(&p.last.properties)))
        .bind(column(picks, |p| {
            to_wkb(&geo::Geometry::MultiLineString(p.last.geometry.clone()))
        }))
}

fn services_json(services: &[String]) -> String {
    serde_json::Value::from(services).to_string()
}

/// Like [`StoreError::query`], with two PostgreSQL specifics: a value PostgreSQL cannot store (SQLSTATE
/// class 22, such as a NUL character in text, which SQLite accepts) is refused input too, and the
/// message carries PostgreSQL's detail, which names the offending key ("Key (parent_code)=(…) is not
/// present in table …").
pub(super) fn pg_error(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| {
        if let sqlx::Error::Database(db) = &source {
            let bad_value = db.code().is_some_and(|code| code.starts_with("22"));
            if bad_value || db.is_unique_violation() || db.is_foreign_key_violation() || db.is_check_violation() {
                let detail = db
                    .try_downcast_ref::<PgDatabaseError>()
                    .and_then(PgDatabaseError::detail)
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                return StoreError::Constraint(format!("{doing}: {}{detail}", db.message()));
            }
        }
        StoreError::query(doing)(source)
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(pg_error("checking the connection"))?;
        Ok(())
    }

    async fn revisions(&self) -> Result<Revisions, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT layer, revision FROM layer_revisions")
            .fetch_all(&self.pool)
            .await
            .map_err(pg_error("reading layer revisions"))?;
        Ok(revisions_from(rows))
    }

    async fn load_areas(&self) -> Result<Vec<Area>, StoreError> {
        self.load::<AreaRow, _>(
            "SELECT code, id::text AS id, name, level, parent_code, leader_name, leader_phone,
                    properties::text AS properties, ST_AsBinary(geom) AS geom, version
             FROM areas ORDER BY code",
            "loading areas",
        )
        .await
    }

    async fn load_buildings(&self) -> Result<Vec<Building>, StoreError> {
        self.load::<BuildingRow, _>(
            "SELECT code, address, floors, properties::text AS properties, ST_AsBinary(geom) AS geom
             FROM buildings ORDER BY code",
            "loading buildings",
        )
        .await
    }

    async fn load_households(&self) -> Result<Vec<Household>, StoreError> {
        self.load::<HouseholdRow, _>(
            "SELECT code, head_name, phone, members, address, building_code, party_member, center_household,
                    center_code, properties::text AS properties, ST_AsBinary(geom) AS geom
             FROM households ORDER BY code",
            "loading households",
        )
        .await
    }

    async fn load_stations(&self) -> Result<Vec<Station>, StoreError> {
        self.load::<StationRow, _>(
            "SELECT code, kind, name, tier, phone, open_hours, services::text AS services,
                    properties::text AS properties, ST_AsBinary(geom) AS geom
             FROM stations ORDER BY code",
            "loading stations",
        )
        .await
    }

    async fn load_paths(&self) -> Result<Vec<Path>, StoreError> {
        self.load::<PathRow, _>(
            "SELECT code, name, highway, properties::text AS properties, ST_AsBinary(geom) AS geom
             FROM paths ORDER BY code",
            "loading paths",
        )
        .await
    }

    async fn upsert(&self, batch: &Batch) -> Result<UpsertSummary, StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg_error("starting a transaction"))?;
        // Bumped first: the row lock makes concurrent writers of one layer wait for this one instead of
        // deadlocking on each other's codes.
        sqlx::query("UPDATE layer_revisions SET revision = revision + 1 WHERE layer = $1")
            .bind(batch.layer().as_str())
            .execute(&mut *tx)
            .await
            .map_err(pg_error("bumping the layer revision"))?;
        let summary = match batch {
            Batch::Areas(v) => write_chunks(&mut tx, v, |a| a.code.as_str(), areas_chunk, "writing areas").await?,
            Batch::Buildings(v) => {
                write_chunks(&mut tx, v, |b| b.code.as_str(), buildings_chunk, "writing buildings").await?
            }
            Batch::Households(v) => {
                write_chunks(&mut tx, v, |h| h.code.as_str(), households_chunk, "writing households").await?
            }
            Batch::Stations(v) => {
                write_chunks(&mut tx, v, |s| s.code.as_str(), stations_chunk, "writing stations").await?
            }
            Batch::Paths(v) => write_chunks(&mut tx, v, |p| p.code.as_str(), paths_chunk, "writing paths").await?,
        };
        // Deferred foreign keys are checked here; a violation rolls everything back.
        tx.commit().await.map_err(pg_error("committing the write"))?;
        Ok(summary)
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_codes_fold_into_their_last_occurrence() {
        let items = [("a", 1), ("b", 2), ("a", 3), ("a", 4)];
        let picks = dedupe(&items, |i| i.0);
        let folded: Vec<_> = picks.iter().map(|p| (p.first.1, p.last.1, p.occurrences)).collect();
        assert_eq!(folded, [(1, 4, 3), (2, 2, 1)]);
    }
}
