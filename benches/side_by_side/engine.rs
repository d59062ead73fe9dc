//! The gridmap side in process: the index built from the PostGIS store, and the engine calls that
//! answer the same questions as the SQL, timed on one core.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gridmap::domain::{Level, LonLat, StationKind};
use gridmap::index::Index;
use gridmap::state::{AppState, Limits};
use gridmap::store::PostgresStore;

/// Loads all four layers from the store and builds the index, as `gridmap serve` does at start.
pub async fn build_from_store(url: &str) -> anyhow::Result<(Arc<Index>, Duration)> {
    let store = Arc::new(PostgresStore::open(url).await?);
    let started = Instant::now();
    let state = AppState::load(store.clone(), Limits::default()).await?;
    let took = started.elapsed();
    let index = state.index();
    // The server prepares its tile source in the background after a load; let that finish so it
    // does not compete with the engine's timings.
    state.tiles().source(&index).await?;
    gridmap::store::Store::close(store.as_ref()).await;
    Ok((index, took))
}

/// Seconds per call of `f` over `points` (one pass, one thread), and what it returned per point.
fn per_point<T>(points: &[LonLat], mut f: impl FnMut(LonLat) -> T) -> (f64, Vec<T>) {
    let started = Instant::now();
    let out: Vec<T> = points.iter().map(|p| f(*p)).collect();
    (started.elapsed().as_secs_f64() / points.len().max(1) as f64, out)
}

pub struct EngineTimes {
    /// Seconds per point, locating a batch of all query points.
    pub locate_each: f64,
    /// Seconds per point over the single-query sample (same loop, fewer points).
    pub locate_single: f64,
    pub households_to_grids: Duration,
    pub nearest_k1: f64,
    pub nearest_k5: f64,
    pub coverage: Duration,
    pub covered: usize,
    /// Grid code per check point.
    pub grid_codes: Vec<Option<String>>,
    /// The 5 nearest red stations' codes per check point.
    pub nearest_codes: Vec<Vec<String>>,
}

/// Times the engine on `points` (the first `single` of them for single-point figures).
pub fn measure(index: &Index, points: &[LonLat], single: usize, check: usize, radius_m: f64) -> EngineTimes {
    let red = StationKind::parse("red_station").expect("a known kind");
    let grid_of = |p: LonLat| index.areas.locate(p).get(Level::Grid);
    // Warm up caches once, then one timed pass over the whole batch.
    black_box(per_point(&points[..single.min(points.len())], grid_of));
    let (locate_each, grids) = per_point(points, grid_of);
    let (locate_single, _) = per_point(&points[..single.min(points.len())], |p| black_box(grid_of(p)));
    let grid_codes = grids[..check]
        .iter()
        .map(|g| g.map(|g| index.areas.get(g).code.to_string()))
        .collect();

    let homes: Vec<LonLat> = index.households.all().iter().map(|h| h.location).collect();
    let started = Instant::now();
    let assigned = homes.iter().filter(|p| grid_of(**p).is_some()).count();
    let households_to_grids = started.elapsed();
    black_box(assigned);

    let sample = &points[..single.min(points.len())];
    let (nearest_k1, _) = per_point(sample, |p| black_box(index.stations.nearest(p, &red, 1, None)));
    let (nearest_k5, near) = per_point(sample, |p| index.stations.nearest(p, &red, 5, None));
    let nearest_codes = near[..check]
        .iter()
        .map(|list| {
            list.iter()
                .map(|n| index.stations.get(n.station).code.to_string())
                .collect()
        })
        .collect();

    black_box(index.coverage(&red, radius_m));
    let started = Instant::now();
    let covered = index.coverage(&red, radius_m).covered;
    let coverage = started.elapsed();

    EngineTimes {
        locate_each,
        locate_single,
        households_to_grids,
        nearest_k1,
        nearest_k5,
        coverage,
        covered,
        grid_codes,
        nearest_codes,
    }
}
