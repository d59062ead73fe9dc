//! gridmap next to PostGIS on the same data, in the same run (`scripts/bench.sh` runs this).
//!
//! 1. Loads the generated city into PostGIS through gridmap's own `PostgresStore` (unless it is
//!    already there), then builds gridmap's index from that same store — timed: *index build from store*.
//! 2. Writes the query points (households moved up to 50 m) into `bench_points` and asks the same
//!    questions of the engine (one core, in process) and of PostGIS (SQL, see [`postgis`]): which grid
//!    for one point and for a batch, every household's grid, nearest red stations (k = 1, 5), and
//!    coverage within 100 m — and checks that both gave the same answers.
//! 3. Runs `pgbench` (single which-grid and nearest queries) and `wrk` against a release
//!    `gridmap serve` on 127.0.0.1 at the same concurrencies, for throughput and p50/p99.
//! 4. Prints the table (gridmap, PostGIS, ratio, target, met?) and writes it as Markdown.
//!
//! Settings come from the environment (read here only): `GRIDMAP_BENCH_DATABASE` (a `postgres://`
//! URL; without it this bench does nothing), `GRIDMAP_BENCH_SCALE` (`small`|`city`),
//! `GRIDMAP_BENCH_BIN` (the release `gridmap`), `GRIDMAP_BENCH_SECS` (per load run),
//! `GRIDMAP_BENCH_CONCURRENCY` (e.g. `1,8,32,64`), `GRIDMAP_BENCH_OUT` (folder for the report and
//! scratch files), `PGBENCH`, `WRK`. Nothing is sent anywhere but 127.0.0.1.

mod engine;
mod http;
mod load;
mod postgis;
mod report;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use gridmap::citygen::{self, Scale};
use load::LoadResult;
use report::{Report, Row, load_average, rate, secs, us};

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
    let pg_nearest = rt.block_on(pg.nearest_codes(CHECK_NEAREST, 5))?;
    let versions = rt.block_on(pg.versions())?;

    eprintln!("pgbench…");
    let scratch = cfg.out.join("scratch");
    std::fs::create_dir_all(&scratch)?;
    let locate_sql = scratch.join("locate.sql");
    let nearest_sql = scratch.join("nearest.sql");
    std::fs::write(&locate_sql, postgis::LOCATE_SQL)?;
    std::fs::write(&nearest_sql, postgis::NEAREST_SQL)?;
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
    for &c in &cfg.concurrency {
        pg_locate.push(pgb(&locate_sql, c, 5, "locate")?);
        pg_near.push(pgb(&nearest_sql, c, 5, "nearest")?);
        eprintln!(
            "  c={c}: locate {}; nearest {}",
            pg_locate.last().map_or(String::new(), LoadResult::show),
            pg_near.last().map_or(String::new(), LoadResult::show)
        );
    }
    let pg_one_locate = pgb(&locate_sql, 1, 5, "locate1")?;
    let pg_one_k1 = pgb(&nearest_sql, 1, 1, "nearest1")?;
    let pg_one_k5 = pgb(&nearest_sql, 1, 5, "nearest5")?;
    rt.block_on(pg.close());

    eprintln!("gridmap serve + wrk…");
    let points_file = scratch.join("points.csv");
    let text: String = points[..SINGLE]
        .iter()
        .map(|p| format!("{},{}\n", p.lon(), p.lat()))
        .collect();
    std::fs::write(&points_file, text)?;
    let lua = scratch.join("points.lua");
    std::fs::write(&lua, load::WRK_SCRIPT)?;
    let mut server = http::Server::start(
        &cfg.bin,
        &cfg.database,
        &cfg.out.join("serve.log"),
        Duration::from_secs(900),
    )?;
    let rss = server.rss_mib();
    let p0 = points[0];
    anyhow::ensure!(
        server.ok(&format!("/api/v1/locate?lon={}&lat={}", p0.lon(), p0.lat()))
            && server.ok(&format!(
                "/api/v1/nearest?lon={}&lat={}&kind=red_station&k=5",
                p0.lon(),
                p0.lat()
            )),
        "the server does not answer locate and nearest"
    );
    let wrk = load::Wrk {
        bin: &cfg.wrk,
        base: &server.base,
        script: &lua,
        points: &points_file,
    };
    let mut gm_locate: Vec<LoadResult> = Vec::new();
    let mut gm_near: Vec<LoadResult> = Vec::new();
    for &c in &cfg.concurrency {
        let run = |path: &str, suffix: &str| wrk.run(path, suffix, c, cfg.secs);
        gm_locate.push(run("/api/v1/locate?", "")?);
        gm_near.push(run("/api/v1/nearest?", "&kind=red_station&k=5")?);
        eprintln!(
            "  c={c}: locate {}; nearest {}",
            gm_locate.last().map_or(String::new(), LoadResult::show),
            gm_near.last().map_or(String::new(), LoadResult::show)
        );
    }
    let rss_after = server.rss_mib();
    server.stop();

    // The table.
    let mut rows = Vec::new();
    let mut row = Row::new("Index build from store (load 4 layers from PostGIS + build)");
    row.gridmap = secs(build.as_secs_f64());
    row.target = "< 10 s".into();
    row.met = Some(build.as_secs_f64() < 10.0);
    rows.push(row);

    let mut row = Row::new("Resident memory of `gridmap serve` after load (after the HTTP runs)");
    row.gridmap = format!(
        "{:.0} MiB ({:.0} MiB)",
        rss.unwrap_or(f64::NAN),
        rss_after.unwrap_or(f64::NAN)
    );
    row.target = "< 2 GB".into();
    row.met = rss.map(|r| r.max(rss_after.unwrap_or(0.0)) < 2048.0);
    rows.push(row);

    let pg_one = 1.0 / pg_one_locate.per_s;
    let mut row = Row::new("Which grid, one point: engine call vs one SQL round trip (1 client)");
    row.gridmap = us(eng.locate_single);
    row.postgis = us(pg_one);
    row.ratio = Some(pg_one / eng.locate_single);
    row.target = "< 1 µs; ≥ 20×".into();
    row.met = Some(eng.locate_single < 1e-6 && pg_one / eng.locate_single >= 20.0);
    rows.push(row);

    let gm_rate = 1.0 / eng.locate_each;
    // PostGIS's better of: point-first as the points come, or indexing them and joining grid-first.
    let pg_gf_total = pg_batch_index + pg_batch_gf;
    let pg_rate = BATCH as f64 / pg_batch.min(pg_gf_total).as_secs_f64();
    let mut row = Row::new(format!(
        "Which grid, batch of {BATCH} points: one core vs one SQL statement"
    ));
    row.gridmap = rate(gm_rate, "points");
    row.postgis = format!(
        "{} (point-first {}; grid-first {} + {} to index the points)",
        rate(pg_rate, "points"),
        secs(pg_batch.as_secs_f64()),
        secs(pg_batch_gf.as_secs_f64()),
        secs(pg_batch_index.as_secs_f64()),
    );
    row.ratio = Some(gm_rate / pg_rate);
    row.target = "≥ 5 M points/s per core; ≥ 20×".into();
    row.met = Some(gm_rate >= 5e6 && gm_rate / pg_rate >= 20.0);
    rows.push(row);

    let mut row = Row::new(format!("All {households} households to their grids"));
    row.gridmap = secs(eng.households_to_grids.as_secs_f64());
    row.postgis = secs(pg_households.as_secs_f64());
    row.ratio = Some(pg_households.as_secs_f64() / eng.households_to_grids.as_secs_f64());
    row.target = "≥ 20×".into();
    row.met = row.ratio.map(|r| r >= 20.0);
    rows.push(row);

    for (k, gm, pgr) in [(1, eng.nearest_k1, &pg_one_k1), (5, eng.nearest_k5, &pg_one_k5)] {
        let pg_t = 1.0 / pgr.per_s;
        let mut row = Row::new(format!(
            "Nearest red stations k={k}: engine call vs one SQL round trip (1 client)"
        ));
        row.gridmap = us(gm);
        row.postgis = us(pg_t);
        row.ratio = Some(pg_t / gm);
        row.target = if k == 1 {
            "≥ 5 M/s per core (≤ 0.2 µs); ≥ 20×"
        } else {
            "≥ 5 M/s per core; ≥ 20×"
        }
        .into();
        row.met = Some(gm <= 2e-7 && pg_t / gm >= 20.0);
        rows.push(row);
    }

    let pg_cov = pg_cov_s_t.min(pg_cov_h_t);
    let mut row = Row::new(format!("Coverage: households within {RADIUS_M} m of a red station"));
    row.gridmap = format!("{} ({} covered)", secs(eng.coverage.as_secs_f64()), eng.covered);
    row.postgis = format!(
        "{} (station-first; household-first {})",
        secs(pg_cov_s_t.as_secs_f64()),
        secs(pg_cov_h_t.as_secs_f64())
    );
    row.ratio = Some(pg_cov.as_secs_f64() / eng.coverage.as_secs_f64());
    row.target = "< 0.5 s; ≥ 20×".into();
    row.met = Some(eng.coverage.as_secs_f64() < 0.5 && pg_cov.as_secs_f64() / eng.coverage.as_secs_f64() >= 20.0);
    rows.push(row);

    for (name, gm, pgr, want) in [
        ("`GET /api/v1/locate` vs which-grid SQL", &gm_locate, &pg_locate, 1.5),
        (
            "`GET /api/v1/nearest` (red_station, k=5) vs nearest SQL",
            &gm_near,
            &pg_near,
            5.0,
        ),
    ] {
        for ((c, g), p) in cfg.concurrency.iter().zip(gm.iter()).zip(pgr.iter()) {
            let mut row = Row::new(format!("HTTP {name}, {c} connections"));
            row.gridmap = g.show();
            row.postgis = p.show();
            row.ratio = Some(g.per_s / p.per_s);
            row.target = format!("≥ 60 k req/s, p99 < 5 ms; ≥ {want}×");
            row.met = Some(g.per_s >= 60_000.0 && g.p99_ms < 5.0 && g.per_s / p.per_s >= want && g.errors == 0);
            rows.push(row);
        }
    }
    let mut row = Row::new("HTTP tiles `GET /tiles/{layer}/{z}/{x}/{y}.mvt`");
    row.gridmap = "not yet: tiles land with the web-map issue".into();
    rows.push(row);

    let grids_same = eng.grid_codes.iter().zip(&pg_grids).filter(|(a, b)| a == b).count();
    let nearest_same = eng
        .nearest_codes
        .iter()
        .zip(&pg_nearest)
        .filter(|(a, b)| a == b)
        .count();
    let checks = vec![
        (
            format!(
                "grid codes of the first {CHECK_GRIDS} query points: {grids_same} of {} equal",
                pg_grids.len()
            ),
            grids_same == CHECK_GRIDS && pg_grids.len() == CHECK_GRIDS,
        ),
        (
            format!(
                "5 nearest red stations (codes, in order) of the first {CHECK_NEAREST} query points: {nearest_same} of {} equal",
                pg_nearest.len()
            ),
            nearest_same == CHECK_NEAREST,
        ),
        (
            format!(
                "query points in a grid: gridmap {engine_in_grid}, PostGIS {pg_in_grid} point-first and {pg_in_grid_gf} grid-first (of {BATCH})"
            ),
            engine_in_grid as i64 == pg_in_grid && pg_in_grid == pg_in_grid_gf,
        ),
        (
            format!("households in a grid: PostGIS {pg_assigned} of {households}"),
            pg_assigned == households as i64,
        ),
        (
            format!(
                "households covered: gridmap {}, PostGIS {pg_cov_s} (station-first) and {pg_cov_h} (household-first)",
                eng.covered
            ),
            eng.covered as i64 == pg_cov_s && pg_cov_s == pg_cov_h,
        ),
    ];
    let report = Report {
        title: format!("Scale `{}`: gridmap beside {versions}", cfg.scale),
        notes: vec![
            format!("data: {summary}"),
            format!(
                "load runs: {} s each; pgbench and wrk on 127.0.0.1, sharing the machine's cores with the server they load",
                cfg.secs
            ),
            format!("engine figures: one thread, {SINGLE} query points; batch: {BATCH} points"),
            format!(
                "load average (1, 5, 15 min) at the start: {load_at_start}; at the end: {} (the machine is shared; \
                 a load well above 0 before the run means other work was competing)",
                load_average()
            ),
        ],
        rows,
        checks,
    };
    let md = report.markdown();
    println!("\n{md}");
    let file = cfg.out.join(format!("side_by_side-{}.md", cfg.scale));
    std::fs::write(&file, &md).with_context(|| format!("writing {}", file.display()))?;
    eprintln!("report written to {}", file.display());
    Ok(())
}
