//! The side-by-side table built from one run's measurements: rows with gridmap, PostGIS, their
//! ratio, the target and whether it was met, and the checks that both gave the same answers.

use std::time::Duration;

use gridmap::citygen::Scale;

use super::engine::EngineTimes;
use super::load::LoadResult;
use super::report::{Report, Row, load_average, rate, secs, us};
use super::{BATCH, CHECK_GRIDS, CHECK_NEAREST, RADIUS_M, SINGLE, TILE_ZOOM};

/// Everything one run measured, for the table.
pub struct Measured {
    /// Index build from the store.
    pub build: Duration,
    /// Server memory (MiB) once ready, and after the HTTP runs.
    pub rss: Option<f64>,
    pub rss_after: Option<f64>,
    /// The engine's figures and answers.
    pub eng: EngineTimes,
    /// Query points in a grid per gridmap, per PostGIS point-first and grid-first; households PostGIS put in a grid.
    pub engine_in_grid: usize,
    pub pg_in_grid: i64,
    pub pg_in_grid_gf: i64,
    pub pg_assigned: i64,
    /// Households in the data.
    pub households: usize,
    /// pgbench, one client: which grid, nearest k=1 and k=5.
    pub pg_one_locate: LoadResult,
    pub pg_one_k1: LoadResult,
    pub pg_one_k5: LoadResult,
    /// One statement: nearest k=1 and k=5 for the first CHECK_NEAREST query points.
    pub pg_batch_k1: Duration,
    pub pg_batch_k5: Duration,
    /// The batch point-first; indexing the points; the batch grid-first.
    pub pg_batch: Duration,
    pub pg_batch_index: Duration,
    pub pg_batch_gf: Duration,
    /// All households to grids, grid-first.
    pub pg_households: Duration,
    /// Coverage counts and times, station-first and household-first.
    pub pg_cov_s: i64,
    pub pg_cov_s_t: Duration,
    pub pg_cov_h: i64,
    pub pg_cov_h_t: Duration,
    /// PostGIS's answers for the checks.
    pub pg_grids: Vec<Option<String>>,
    pub pg_nearest: Vec<Vec<String>>,
    /// Load runs per concurrency: gridmap HTTP and PostGIS pgbench.
    pub gm_locate: Vec<LoadResult>,
    pub pg_locate: Vec<LoadResult>,
    pub gm_near: Vec<LoadResult>,
    pub pg_near: Vec<LoadResult>,
    pub gm_tile: Vec<LoadResult>,
    pub pg_tile: Vec<LoadResult>,
    /// PostgreSQL/PostGIS versions, the data summary, the load average at the start.
    pub versions: String,
    pub summary: String,
    pub load_at_start: String,
    /// The run's settings.
    pub scale: Scale,
    pub load_secs: u64,
    pub concurrency: Vec<usize>,
}

/// The report of one run.
pub fn report(m: &Measured) -> Report {
    let &Measured {
        build,
        rss,
        rss_after,
        ref eng,
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
        ref pg_grids,
        ref pg_nearest,
        ref gm_locate,
        ref pg_locate,
        ref gm_near,
        ref pg_near,
        ref gm_tile,
        ref pg_tile,
        ref versions,
        ref summary,
        ref load_at_start,
        scale,
        load_secs,
        ref concurrency,
    } = m;
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

    for (k, gm, pgr, batch) in [
        (1, eng.nearest_k1, &pg_one_k1, pg_batch_k1),
        (5, eng.nearest_k5, &pg_one_k5, pg_batch_k5),
    ] {
        let pg_t = 1.0 / pgr.per_s;
        let pg_each = batch.as_secs_f64() / CHECK_NEAREST as f64;
        let mut row = Row::new(format!(
            "Nearest red stations k={k}: engine call vs one SQL round trip (1 client), and vs one statement for {CHECK_NEAREST} points"
        ));
        row.gridmap = us(gm);
        row.postgis = format!("{} a round trip; {} a point in one statement", us(pg_t), us(pg_each));
        // The ratio against PostGIS's better per-point rate.
        let pg_best = pg_t.min(pg_each);
        row.ratio = Some(pg_best / gm);
        row.target = if k == 1 {
            "≥ 5 M/s per core (≤ 0.2 µs); ≥ 20×"
        } else {
            "≥ 5 M/s per core; ≥ 20×"
        }
        .into();
        row.met = Some(gm <= 2e-7 && pg_best / gm >= 20.0);
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
        for ((c, g), p) in concurrency.iter().zip(gm.iter()).zip(pgr.iter()) {
            let mut row = Row::new(format!("HTTP {name}, {c} connections"));
            row.gridmap = g.show();
            row.postgis = p.show();
            row.ratio = Some(g.per_s / p.per_s);
            // One connection keeps one request in flight: its rate is 1 / round trip, a latency
            // figure, so the capacity target applies from 2 connections on.
            if *c == 1 {
                row.target = format!("≥ {want}× (one connection: latency, not capacity)");
                row.met = Some(g.per_s / p.per_s >= want && g.errors == 0);
            } else {
                row.target = format!("≥ 60 k req/s, p99 < 5 ms; ≥ {want}×");
                row.met = Some(g.per_s >= 60_000.0 && g.p99_ms < 5.0 && g.per_s / p.per_s >= want && g.errors == 0);
            }
            rows.push(row);
        }
    }
    for ((c, g), p) in concurrency.iter().zip(gm_tile).zip(pg_tile) {
        let mut row = Row::new(format!(
            "HTTP `GET /tiles/areas/{TILE_ZOOM}/{{x}}/{{y}}.mvt` vs `ST_AsMVT`, {c} connections"
        ));
        row.gridmap = g.show();
        row.postgis = p.show();
        row.ratio = Some(g.per_s / p.per_s);
        row.target = "p50 < 2 ms; ≥ 5×".into();
        row.met = Some(g.p50_ms < 2.0 && g.per_s / p.per_s >= 5.0 && g.errors == 0);
        rows.push(row);
    }

    let grids_same = eng.grid_codes.iter().zip(pg_grids).filter(|(a, b)| a == b).count();
    let nearest_same = eng.nearest_codes.iter().zip(pg_nearest).filter(|(a, b)| a == b).count();
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
    Report {
        title: format!("Scale `{}`: gridmap beside {versions}", scale),
        notes: vec![
            format!("data: {summary}"),
            format!(
                "load runs: {} s each; pgbench and wrk on 127.0.0.1, sharing the machine's cores with the server they load",
                load_secs
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
    }
}
