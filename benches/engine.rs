//! Engine benchmarks: gridmap's in-memory index on the generated city, no I/O.
//!
//! `cargo bench --bench engine` (scale from `GRIDMAP_BENCH_SCALE`, `small` by default; `city` for the
//! full 襄阳-sized data set). Measures: index build; locate one point (the area chain, and the chain
//! plus building as `GET /locate` answers it); locate a batch of 1,000,000 points on one core;
//! nearest red station with k = 1 and k = 5; coverage of all households by red stations within
//! 100 m (the flags alone, and the API's report with every household's nearest station), and ten
//! suggested sites for the most populous township; the area layer's vector tile at zooms 10, 12 and 14; and prints the process's resident
//! memory once the index is built. Query points are
//! households' locations moved up to 50 m ([`gridmap::citygen::points`]). See BENCHMARKS.md.

#[global_allocator]
static ALLOCATOR: gridmap::Allocator = gridmap::Allocator;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput};
use gridmap::access::Sight;
use gridmap::citygen::{self, Scale, Summary};
use gridmap::coverage::{self, Question, Source};
use gridmap::domain::{Level, StationKind};
use gridmap::index::Index;
use gridmap::tiles::{self, TileCoord, TileLayer, TileSource};

/// Points in the batch-locate benchmark.
const BATCH: usize = 1_000_000;
/// Seed of the query points (shared with the side-by-side runner).
const POINTS_SEED: u64 = 7;

fn scale() -> Scale {
    let name = std::env::var("GRIDMAP_BENCH_SCALE").unwrap_or_else(|_| "small".to_owned());
    Scale::parse(&name).unwrap_or_else(|| panic!("GRIDMAP_BENCH_SCALE={name:?}: use small or city"))
}

/// Resident set size of this process in MiB (Linux `/proc/self/status`), if known.
fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let scale = scale();
    let started = Instant::now();
    let data = citygen::generate(Path::new(citygen::DEFAULT_SOURCE), scale).expect("generating the city");
    eprintln!(
        "scale {scale}: generated in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        Summary::of(&data)
    );
    let before = rss_mib();
    let started = Instant::now();
    let index = Index::build(data.clone());
    eprintln!(
        "index built once in {:.2} s; resident memory {:.0} MiB with data and index ({:.0} MiB before the index)",
        started.elapsed().as_secs_f64(),
        rss_mib().unwrap_or(f64::NAN),
        before.unwrap_or(f64::NAN),
    );
    eprintln!("areas: {}", index.areas.describe_cells());
    eprintln!("stations: {}", index.stations.describe());
    eprintln!("households: {}", index.households.points().describe());
    let points = citygen::points::near_households(&data.households, BATCH, POINTS_SEED);
    let red = StationKind::parse("red_station").expect("a known kind");

    let mut g = c.benchmark_group("build");
    g.sample_size(10);
    g.bench_function("index", |b| {
        b.iter_batched(|| data.clone(), Index::build, BatchSize::PerIteration)
    });
    g.finish();

    let mut g = c.benchmark_group("locate");
    g.throughput(Throughput::Elements(1));
    let mut i = 0;
    g.bench_function("one_point_areas", |b| {
        b.iter(|| {
            i = (i + 1) % points.len();
            black_box(index.areas.locate(points[i]))
        })
    });
    g.bench_function("one_point_areas_and_building", |b| {
        b.iter(|| {
            i = (i + 1) % points.len();
            black_box(index.locate(points[i]))
        })
    });
    g.throughput(Throughput::Elements(points.len() as u64));
    g.sample_size(10);
    g.bench_function("batch_1m_one_core", |b| {
        b.iter(|| {
            points
                .iter()
                .filter(|p| index.areas.locate(**p).get(Level::Grid).is_some())
                .count()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("nearest");
    g.throughput(Throughput::Elements(1));
    for k in [1, 5] {
        g.bench_function(format!("red_station_k{k}"), |b| {
            b.iter(|| {
                i = (i + 1) % points.len();
                black_box(index.stations.nearest(points[i], &red, k, None))
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("coverage");
    g.sample_size(10);
    g.throughput(Throughput::Elements(data.households.len() as u64));
    g.bench_function("red_station_100m", |b| b.iter(|| index.coverage(&red, 100.0).covered));
    // The API's answer: every household's nearest red station, tallied by township.
    g.bench_function("report_red_station_100m", |b| {
        b.iter(|| {
            let question = Question::parse(&index, "red_station", 100.0, None, None).expect("a question");
            coverage::report(&index, question).total.covered
        })
    });
    g.finish();

    // Ten new red stations for the township with the most households, from its buildings.
    let township = (0..index.areas.len() as u32)
        .filter(|&a| index.areas.get(a).level == Level::Township)
        .max_by_key(|&a| index.stats(a).households)
        .map(|a| index.areas.get(a).code.to_string());
    if let Some(township) = township {
        let question = Question::parse(&index, "red_station", 100.0, Some(&township), None).expect("a question");
        let report = coverage::report(&index, question);
        let mut g = c.benchmark_group("coverage_suggest");
        g.sample_size(10);
        g.bench_function("red_station_100m_k10_buildings", |b| {
            b.iter(|| {
                coverage::suggest(&index, &report, Source::Buildings, 10)
                    .expect("suggestions")
                    .sites
                    .len()
            })
        });
        g.finish();
    }

    // The area layer as a map draws it: at z10 and z12 (the zooms of the PostGIS figures)
    // and z14 (street level, every area level drawn), at tiles holding the query points.
    let started = Instant::now();
    let source = TileSource::build(&index);
    eprintln!("tile source built in {:.2} s", started.elapsed().as_secs_f64());
    let mut g = c.benchmark_group("tiles");
    g.throughput(Throughput::Elements(1));
    for z in [10, 12, 14] {
        let tiles: Vec<TileCoord> = points
            .iter()
            .take(10_000)
            .map(|p| TileCoord::containing(p.lon(), p.lat(), z))
            .collect();
        g.bench_function(format!("areas_z{z}"), |b| {
            b.iter(|| {
                i = (i + 1) % tiles.len();
                black_box(tiles::render(&index, &source, TileLayer::Areas, tiles[i], &|_| Sight::Full).map(|t| t.len()))
            })
        });
    }
    g.finish();

    c.final_summary();
}
