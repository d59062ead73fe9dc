//! gridmap next to PostGIS on the same data, in the same run (`scripts/bench.sh` runs this).
//!
//! 1. Loads the generated city into PostGIS through gridmap's own `PostgresStore` (unless it is
//!    already there), then builds gridmap's index from that same store — timed: *index build from store*.
//! 2. Writes the query points (households moved up to 50 m) into `bench_points` and asks the same
//!    questions of the engine (one core, in process) and of PostGIS (SQL, see [`postgis`]): which grid
//!    for one point and for a batch, every household's grid, nearest red stations (k = 1, 5), and
//!    coverage within 100 m — and checks that both gave the same answers.
//! 3. Runs `pgbench` (single which-grid and nearest queries, and a martin-style `ST_AsMVT` tile) and
//!    `wrk` against a release `gridmap serve` on 127.0.0.1 (locate, nearest, area tiles at zoom 14)
//!    at the same concurrencies, for throughput and p50/p99.
//! 4. Prints the table (gridmap, PostGIS, ratio, target, met?) and writes it as Markdown.
//!
//! Settings come from the environment (read here only): `GRIDMAP_BENCH_DATABASE` (a `postgres://`
//! URL; without it this bench does nothing), `GRIDMAP_BENCH_SCALE` (`small`|`city`),
//! `GRIDMAP_BENCH_BIN` (the release `gridmap`), `GRIDMAP_BENCH_SECS` (per load run),
//! `GRIDMAP_BENCH_CONCURRENCY` (e.g. `1,8,32,64`), `GRIDMAP_BENCH_OUT` (folder for the report and
//! scratch files), `PGBENCH`, `WRK`. Nothing is sent anywhere but 127.0.0.1.

#[global_allocator]
static ALLOCATOR: gridmap::Allocator = gridmap::Allocator;

mod engine;
mod http;
mod load;
mod postgis;
mod report;
mod table;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use gridmap::citygen::{self, Scale};
use gridmap::domain::LonLat;
use gridmap::tiles::TileCoord;
use load::LoadResult;
use report::load_average;

/// Query points in the batch (and in `bench_points`).
const BATCH: usize = 1_000_000;
/// Query points the single-query runs (pgbench, wrk, per-call timings) draw from.
const SINGLE: usize = 100_000;
/// Points whose grid codes are compared.
const CHECK_GRIDS: usize = 10_000;
/// Points whose 5 nearest red stations are compared.
const CHECK_NEAREST: usize = 1_000;
/// Coverage radius, metres.
const RADIUS_M: f64 = 100.0;
/// Seed of the query points (the engine bench uses the same).
const POINTS_SEED: u64 = 7;
/// Zoom of the tiles requested (street level: every area level is drawn).
const TILE_ZOOM: u8 = 14;

struct Config {
    database: String,
    scale: Scale,
    bin: PathBuf,
    secs: u64,
    concurrency: Vec<usize>,
    out: PathBuf,
    pgbench: String,
    wrk: String,
}

impl Config {
    fn from_env() -> anyhow::Result<Option<Self>> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let Some(database) = var("GRIDMAP_BENCH_DATABASE") else {
            return Ok(None);
        };
        let scale_name = var("GRIDMAP_BENCH_SCALE").unwrap_or_else(|| "small".into());
        let scale = Scale::parse(&scale_name).with_context(|| format!("GRIDMAP_BENCH_SCALE={scale_name}"))?;
        let concurrency = var("GRIDMAP_BENCH_CONCURRENCY")
            .unwrap_or_else(|| "1,8,32,64".into())
            .split(',')
            .map(|c| c.trim().parse::<usize>().context("GRIDMAP_BENCH_CONCURRENCY"))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Some(Self {
            database,
            scale,
            bin: var("GRIDMAP_BENCH_BIN")
                .unwrap_or_else(|| "target/release/gridmap".into())
                .into(),
            secs: var("GRIDMAP_BENCH_SECS")
                .map_or(Ok(10), |s| s.parse())
                .context("GRIDMAP_BENCH_SECS")?,
            concurrency,
            out: var("GRIDMAP_BENCH_OUT").unwrap_or_else(|| "target/bench".into()).into(),
            pgbench: var("PGBENCH").unwrap_or_else(|| "pgbench".into()),
            wrk: var("WRK").unwrap_or_else(|| "wrk".into()),
        }))
    }
}

fn main() -> anyhow::Result<()> {
    let Some(cfg) = Config::from_env()? else {
        eprintln!("side_by_side: skipped; set GRIDMAP_BENCH_DATABASE=postgres://… (scripts/bench.sh does)");
        return Ok(());
    };
    std::fs::create_dir_all(&cfg.out).with_context(|| format!("creating {}", cfg.out.display()))?;
    let load_at_start = load_average();
    let rt = tokio::runtime::Runtime::new()?;
    let pg = rt.block_on(postgis::Postgis::connect(&cfg.database))?;
    rt.block_on(pg.ensure_loaded(cfg.scale))?;

    eprintln!("building gridmap's index from the PostGIS store…");
    let (index, build) = rt.block_on(engine::build_from_store(&cfg.database))?;
    let summary = citygen::Summary::of(&index.dataset());
    eprintln!("index built in {:.2} s: {summary}", build.as_secs_f64());
    let points = citygen::points::near_households(index.households.all(), BATCH, POINTS_SEED);
    rt.block_on(pg.prepare(&points))?;

    eprintln!("engine, one core…");
    let eng = engine::measure(&index, &points, SINGLE, CHECK_GRIDS, RADIUS_M);
    let engine_in_grid = points
        .iter()
        .filter(|p| index.areas.locate(**p).get(gridmap::domain::Level::Grid).is_some())
        .count();
    let households = index.households.len();
    let max_lat = index
        .households
        .all()
        .iter()
        .map(|h| h.location.lat())
        .fold(0.0f64, f64::max);
    drop(index);

    eprintln!("PostGIS statements…");
    let (pg_in_grid, pg_batch) = rt.block_on(pg.batch_locate(BATCH))?;
    let (pg_in_grid_gf, pg_batch_index, pg_batch_gf) = rt.block_on(pg.batch_locate_grid_first(BATCH))?;
    let (pg_assigned, pg_households) = rt.block_on(pg.households_to_grids())?;
    // Degrees of longitude per metre grow towards the pole; 2 % slack on top.
    let box_deg = RADIUS_M / (111_320.0 * max_lat.to_radians().cos()) * 1.02;
    let (pg_cov_s, pg_cov_s_t) = rt.block_on(pg.coverage_station_first(RADIUS_M, box_deg))?;
    let (pg_cov_h, pg_cov_h_t) = rt.block_on(pg.coverage_household_first(RADIUS_M))?;
    let pg_grids = rt.block_on(pg.grid_codes(CHECK_GRIDS))?;
    // One statement for many points, as for the batch locate: the check points' 5 nearest, and
    // (timed only) their nearest.
    let (pg_nearest, pg_batch_k5) = rt.block_on(pg.nearest_codes(CHECK_NEAREST, 5))?;
    let (_, pg_batch_k1) = rt.block_on(pg.nearest_codes(CHECK_NEAREST, 1))?;
    let versions = rt.block_on(pg.versions())?;

    eprintln!("pgbench…");
    let scratch = cfg.out.join("scratch");
    std::fs::create_dir_all(&scratch)?;
    let locate_sql = scratch.join("locate.sql");
    let nearest_sql = scratch.join("nearest.sql");
    let tile_sql = scratch.join("tile.sql");
    std::fs::write(&locate_sql, postgis::LOCATE_SQL)?;
    std::fs::write(&nearest_sql, postgis::NEAREST_SQL)?;
    std::fs::write(&tile_sql, postgis::TILE_SQL)?;
    let defs = |k: i64| {
        vec![
            ("points", SINGLE.to_string()),
            ("k", k.to_string()),
            ("candidates", postgis::CANDIDATES.to_string()),
        ]
    };
    let pgbench = load::Pgbench {
        bin: &cfg.pgbench,
        url: &cfg.database,
        dir: &scratch,
    };
    let pgb = |script: &PathBuf, c: usize, k: i64, tag: &str| pgbench.run(script, c, cfg.secs, &defs(k), tag);
    let mut pg_locate: Vec<LoadResult> = Vec::new();
    let mut pg_near: Vec<LoadResult> = Vec::new();
    let mut pg_tile: Vec<LoadResult> = Vec::new();
    for &c in &cfg.concurrency {
        pg_locate.push(pgb(&locate_sql, c, 5, "locate")?);
        pg_near.push(pgb(&nearest_sql, c, 5, "nearest")?);
        pg_tile.push(pgb(&tile_sql, c, 5, "tile")?);
        eprintln!(
            "  c={c}: locate {}; nearest {}; tile {}",
            pg_locate.last().map_or(String::new(), LoadResult::show),
            pg_near.last().map_or(String::new(), LoadResult::show),
            pg_tile.last().map_or(String::new(), LoadResult::show)
        );
    }
    let pg_one_locate = pgb(&locate_sql, 1, 5, "locate1")?;
    let pg_one_k1 = pgb(&nearest_sql, 1, 1, "nearest1")?;
    let pg_one_k5 = pgb(&nearest_sql, 1, 5, "nearest5")?;
    rt.block_on(pg.close());

    eprintln!("gridmap serve + wrk…");
    // The same query points as request paths, one file per endpoint.
    let single = &points[..SINGLE];
    let write_paths = |name: &str, path: &dyn Fn(LonLat) -> String| -> anyhow::Result<PathBuf> {
        let file = scratch.join(name);
        std::fs::write(&file, single.iter().map(|p| path(*p) + "\n").collect::<String>())?;
        Ok(file)
    };
    let locate_paths = write_paths("locate.paths", &|p| {
        format!("/api/v1/locate?lon={}&lat={}", p.lon(), p.lat())
    })?;
    let nearest_paths = write_paths("nearest.paths", &|p| {
        format!("/api/v1/nearest?lon={}&lat={}&kind=red_station&k=5", p.lon(), p.lat())
    })?;
    let tile_paths = write_paths("tile.paths", &|p| {
        let t = TileCoord::containing(p.lon(), p.lat(), TILE_ZOOM);
        format!("/tiles/areas/{TILE_ZOOM}/{}/{}.mvt", t.x(), t.y())
    })?;
    let lua = scratch.join("paths.lua");
    std::fs::write(&lua, load::WRK_SCRIPT)?;
    let token = http::bench_token(&rt, &cfg.database)?;
    let mut server = http::Server::start(
        &cfg.bin,
        &cfg.database,
        token,
        &cfg.out.join("serve.log"),
        Duration::from_secs(900),
    )?;
    let rss = server.rss_mib();
    for file in [&locate_paths, &nearest_paths, &tile_paths] {
        let first = std::fs::read_to_string(file)?
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        anyhow::ensure!(server.ok(&first), "the server does not answer {first} with 200");
    }
    let wrk = load::Wrk {
        bin: &cfg.wrk,
        base: &server.base,
        script: &lua,
        token: &server.token,
    };
    let mut gm_locate: Vec<LoadResult> = Vec::new();
    let mut gm_near: Vec<LoadResult> = Vec::new();
    let mut gm_tile: Vec<LoadResult> = Vec::new();
    for &c in &cfg.concurrency {
        gm_locate.push(wrk.run(&locate_paths, c, cfg.secs)?);
        gm_near.push(wrk.run(&nearest_paths, c, cfg.secs)?);
        gm_tile.push(wrk.run(&tile_paths, c, cfg.secs)?);
        eprintln!(
            "  c={c}: locate {}; nearest {}; tile {}",
            gm_locate.last().map_or(String::new(), LoadResult::show),
            gm_near.last().map_or(String::new(), LoadResult::show),
            gm_tile.last().map_or(String::new(), LoadResult::show)
        );
    }
    let rss_after = server.rss_mib();
    server.stop();

    let measured = table::Measured {
        build,
        rss,
        rss_after,
        eng,
        engine_in_grid,
        pg_in_grid,
        pg_in_grid_gf,
        pg_assigned,
        households,
        pg_one_locate,
        pg_one_k1,
        pg_one_k5,
        pg_batch_k1,
        pg_batch_k5,
        pg_batch,
        pg_batch_index,
        pg_batch_gf,
        pg_households,
        pg_cov_s,
        pg_cov_s_t,
        pg_cov_h,
        pg_cov_h_t,
        pg_grids,
        pg_nearest,
        gm_locate,
        pg_locate,
        gm_near,
        pg_near,
        gm_tile,
        pg_tile,
        versions,
        load_at_start,
        summary: summary.to_string(),
        scale: cfg.scale,
        load_secs: cfg.secs,
        concurrency: cfg.concurrency.clone(),
    };
    let report = table::report(&measured);
    let md = report.markdown();
    println!("\n{md}");
    let file = cfg.out.join(format!("side_by_side-{}.md", cfg.scale));
    std::fs::write(&file, &md).with_context(|| format!("writing {}", file.display()))?;
    eprintln!("report written to {}", file.display());
    Ok(())
}
