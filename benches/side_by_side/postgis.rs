//! The PostGIS side: loading the city through gridmap's own PostGIS store, the query points table,
//! and the SQL that answers the same questions as the engine.
//!
//! Queries (all exact, all on gridmap's schema and its GIST indexes, plus one index made here):
//! - which grid: `ST_Contains` of the grid polygons, one point per statement ([`LOCATE_SQL`]); a
//!   batch of points in one statement, point-first (the points as they come, probing the areas'
//!   GIST index) and grid-first (the points indexed first, then each grid polygon, prepared once,
//!   collects its points — the index build is timed too); every household, grid-first;
//! - nearest: geography KNN (`<->`, sphere) over an expression index on `stations.geom::geography`
//!   narrowed to [`CANDIDATES`] candidates, then ranked by `ST_Distance(…, true)` on the spheroid
//!   ([`NEAREST_SQL`]); the answers are checked against gridmap's exact ones;
//! - coverage: `ST_DWithin` on geography (spheroid), both household-first (each household looks for a
//!   station) and station-first (each station collects the households in a degree box that surely
//!   holds the radius, then the exact test); the faster one counts.

use std::time::{Duration, Instant};

use anyhow::Context;
use gridmap::citygen::{self, Scale};
use gridmap::domain::LonLat;
use gridmap::store::{PostgresStore, Store};
use sqlx::postgres::{PgPool, PgPoolOptions};

/// Stations fetched by sphere order before ranking on the spheroid.
pub const CANDIDATES: i64 = 15;

/// pgbench: the grid holding query point `:i`.
pub const LOCATE_SQL: &str = "\\set i random(1, :points)
SELECT a.code FROM bench_points p JOIN areas a ON a.level = 'grid' AND ST_Contains(a.geom, p.geom) WHERE p.i = :i;
";

/// pgbench: the `:k` nearest red stations to query point `:i`, geodesic metres on the spheroid.
pub const NEAREST_SQL: &str = "\\set i random(1, :points)
SELECT c.code, ST_Distance(c.geom::geography, p.geom::geography, true) AS distance_m
FROM bench_points p
CROSS JOIN LATERAL (SELECT s.code, s.geom FROM stations s WHERE s.kind = 'red_station'
                    ORDER BY s.geom::geography <-> p.geom::geography LIMIT :candidates) c
WHERE p.i = :i ORDER BY distance_m, c.code LIMIT :k;
";

/// pgbench, indicative only: a martin-style `ST_AsMVT` tile of all areas at zoom 14 around query
/// point `:i` (clipped with a 64-unit buffer by `ST_AsMVTGeom`; no labels layer and no simplification
/// beyond the tile grid, which gridmap's tiles have).
pub const TILE_SQL: &str = "\\set i random(1, :points)
WITH p AS (SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM bench_points WHERE i = :i),
t AS (SELECT ST_TileEnvelope(14, floor((lon + 180) / 360 * 16384)::int,
             floor((1 - ln(tan(radians(lat)) + 1 / cos(radians(lat))) / pi()) / 2 * 16384)::int) AS env FROM p),
f AS (SELECT a.code, a.name, a.level, ST_AsMVTGeom(ST_Transform(a.geom, 3857), t.env, 4096, 64, true) AS geom
      FROM t JOIN areas a ON a.geom && ST_Transform(t.env, 4326))
SELECT length(ST_AsMVT(f, 'areas', 4096, 'geom')) FROM f;
";

pub struct Postgis {
    pub pool: PgPool,
    url: String,
}

/// Time of one statement answering one count. The statements are built here from numbers only.
async fn timed(pool: &PgPool, sql: impl Into<String>) -> anyhow::Result<(i64, Duration)> {
    let sql: String = sql.into();
    let started = Instant::now();
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .fetch_one(pool)
        .await
        .with_context(|| format!("running {sql}"))?;
    Ok((n, started.elapsed()))
}

impl Postgis {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect(url)
            .await
            .context("connecting to PostGIS")?;
        Ok(Self {
            pool,
            url: url.to_owned(),
        })
    }

    /// Loads the city at `scale` through gridmap's PostGIS store unless it is already there.
    pub async fn ensure_loaded(&self, scale: Scale) -> anyhow::Result<()> {
        let store = PostgresStore::open(&self.url).await?;
        let want = scale.plan().households as i64;
        let (have,): (i64,) = sqlx::query_as("SELECT count(*) FROM households")
            .fetch_one(&self.pool)
            .await?;
        if have == want {
            eprintln!("PostGIS already holds the city at scale {scale} ({have} households)");
            store.close().await;
            return Ok(());
        }
        if have > 0 {
            sqlx::query("TRUNCATE households, buildings, stations, areas")
                .execute(&self.pool)
                .await?;
        }
        let started = Instant::now();
        let data = tokio::task::spawn_blocking(move || {
            citygen::generate(std::path::Path::new(citygen::DEFAULT_SOURCE), scale)
        })
        .await??;
        eprintln!(
            "generated the city at scale {scale} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        citygen::write(&store, data, |w| {
            eprintln!(
                "  PostGIS load: {} {} in {:.1} s",
                w.features,
                w.layer,
                w.took.as_secs_f64()
            )
        })
        .await?;
        store.close().await;
        for table in ["areas", "buildings", "households", "stations"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM ANALYZE {table}")))
                .execute(&self.pool)
                .await?;
        }
        eprintln!("PostGIS load done in {:.1} s", started.elapsed().as_secs_f64());
        Ok(())
    }

    /// The query points as table `bench_points (i, geom)`, `i` from 1, and the geography index the
    /// nearest and coverage queries use.
    pub async fn prepare(&self, points: &[LonLat]) -> anyhow::Result<()> {
        sqlx::query("DROP TABLE IF EXISTS bench_points")
            .execute(&self.pool)
            .await?;
        sqlx::query("CREATE TABLE bench_points (i integer PRIMARY KEY, geom geometry(Point, 4326) NOT NULL)")
            .execute(&self.pool)
            .await?;
        for (c, chunk) in points.chunks(100_000).enumerate() {
            let base = (c * 100_000) as i32;
            let ids: Vec<i32> = (0..chunk.len() as i32).map(|k| base + k + 1).collect();
            let lons: Vec<f64> = chunk.iter().map(|p| p.lon()).collect();
            let lats: Vec<f64> = chunk.iter().map(|p| p.lat()).collect();
            sqlx::query(
                "INSERT INTO bench_points (i, geom)
                 SELECT i, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
                 FROM UNNEST($1::int4[], $2::float8[], $3::float8[]) AS t (i, lon, lat)",
            )
            .bind(ids)
            .bind(lons)
            .bind(lats)
            .execute(&self.pool)
            .await?;
        }
        sqlx::query("CREATE INDEX IF NOT EXISTS bench_stations_geog ON stations USING gist ((geom::geography))")
            .execute(&self.pool)
            .await?;
        sqlx::query("VACUUM ANALYZE bench_points").execute(&self.pool).await?;
        sqlx::query("ANALYZE stations").execute(&self.pool).await?;
        Ok(())
    }

    /// One statement assigning the first `n` query points to grids: (points in a grid, time).
    pub async fn batch_locate(&self, n: usize) -> anyhow::Result<(i64, Duration)> {
        timed(
            &self.pool,
            format!(
                "SELECT count(a.code) FROM bench_points p
                 JOIN areas a ON a.level = 'grid' AND ST_Contains(a.geom, p.geom) WHERE p.i <= {n}"
            ),
        )
        .await
    }

    /// One statement assigning every household to its grid, grid-first: each grid polygon is
    /// prepared once and probes the GIST index of `households.geom`. `OFFSET 0` keeps PostgreSQL from
    /// flattening the `LATERAL` into a point-first join, its own choice on the city and 20× slower.
    pub async fn households_to_grids(&self) -> anyhow::Result<(i64, Duration)> {
        timed(
            &self.pool,
            "SELECT count(*) FROM areas a CROSS JOIN LATERAL (
                 SELECT 1 FROM households h WHERE ST_Contains(a.geom, h.geom) OFFSET 0) inside
             WHERE a.level = 'grid'",
        )
        .await
    }

    /// The batch grid-first: index the first `n` query points (GIST), then each grid polygon
    /// collects its points. Returns (points in a grid, time to index, time of the join).
    pub async fn batch_locate_grid_first(&self, n: usize) -> anyhow::Result<(i64, Duration, Duration)> {
        let started = Instant::now();
        sqlx::query("CREATE INDEX IF NOT EXISTS bench_points_geom ON bench_points USING gist (geom)")
            .execute(&self.pool)
            .await?;
        let indexing = started.elapsed();
        sqlx::query("ANALYZE bench_points").execute(&self.pool).await?;
        let (count, join) = timed(
            &self.pool,
            format!(
                "SELECT count(*) FROM areas a CROSS JOIN LATERAL (
                     SELECT 1 FROM bench_points p WHERE p.i <= {n} AND ST_Contains(a.geom, p.geom) OFFSET 0) inside
                 WHERE a.level = 'grid'"
            ),
        )
        .await?;
        Ok((count, indexing, join))
    }

    /// Households with a red station within `radius_m` (spheroid), household-first.
    pub async fn coverage_household_first(&self, radius_m: f64) -> anyhow::Result<(i64, Duration)> {
        timed(
            &self.pool,
            format!(
                "SELECT count(*) FROM households h WHERE EXISTS (
                     SELECT 1 FROM stations s WHERE s.kind = 'red_station'
                     AND ST_DWithin(s.geom::geography, h.geom::geography, {radius_m}, true))"
            ),
        )
        .await
    }

    /// The same count station-first: households in a degree box around each station that surely
    /// holds `radius_m` at these latitudes (GIST on `households.geom`), then the exact test.
    pub async fn coverage_station_first(&self, radius_m: f64, box_deg: f64) -> anyhow::Result<(i64, Duration)> {
        timed(
            &self.pool,
            format!(
                "SELECT count(*) FROM (SELECT DISTINCT h.code FROM stations s JOIN households h
                     ON h.geom && ST_Expand(s.geom, {box_deg})
                     AND ST_DWithin(s.geom::geography, h.geom::geography, {radius_m}, true)
                 WHERE s.kind = 'red_station') covered"
            ),
        )
        .await
    }

    /// The grid code (if any) of each of the first `n` query points, in order.
    pub async fn grid_codes(&self, n: usize) -> anyhow::Result<Vec<Option<String>>> {
        let rows: Vec<(i32, Option<String>)> = sqlx::query_as(
            "SELECT p.i, min(a.code) FROM bench_points p
             LEFT JOIN areas a ON a.level = 'grid' AND ST_Contains(a.geom, p.geom)
             WHERE p.i <= $1 GROUP BY p.i ORDER BY p.i",
        )
        .bind(n as i32)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.1).collect())
    }

    /// The codes of the `k` nearest red stations of each of the first `n` query points, in order,
    /// from one statement, and how long it took.
    pub async fn nearest_codes(&self, n: usize, k: i64) -> anyhow::Result<(Vec<Vec<String>>, Duration)> {
        let start = Instant::now();
        let rows: Vec<(i32, String)> = sqlx::query_as(
            "SELECT p.i, n.code FROM bench_points p CROSS JOIN LATERAL (
                 SELECT c.code, ST_Distance(c.geom::geography, p.geom::geography, true) AS distance_m
                 FROM (SELECT s.code, s.geom FROM stations s WHERE s.kind = 'red_station'
                       ORDER BY s.geom::geography <-> p.geom::geography LIMIT $2) c
                 ORDER BY distance_m, c.code LIMIT $3) n
             WHERE p.i <= $1 ORDER BY p.i, n.distance_m, n.code",
        )
        .bind(n as i32)
        .bind(CANDIDATES)
        .bind(k)
        .fetch_all(&self.pool)
        .await?;
        let took = start.elapsed();
        let mut out = vec![Vec::new(); n];
        for (i, code) in rows {
            out[i as usize - 1].push(code);
        }
        Ok((out, took))
    }

    /// PostgreSQL and PostGIS versions.
    pub async fn versions(&self) -> anyhow::Result<String> {
        let (pg, gis): (String, String) =
            sqlx::query_as("SELECT current_setting('server_version'), postgis_full_version()")
                .fetch_one(&self.pool)
                .await?;
        let gis = gis.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
        Ok(format!("PostgreSQL {pg}, {gis}"))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
