//! The deterministic demo data generator: real counties of 襄阳市 with generated townships,
//! villages, grids, red house-yards, buildings, households and stations inside them.
//!
//! Pipeline ([`generate`]):
//! 1. read the real sources in `geodata/source/` ([`source`]): county polygons and NBS code tables;
//! 2. tile real boundaries into generated children, level by level ([`areas`], [`grids`]) — each
//!    tiling is a Voronoi partition with wiggled borders cut out of the parent as a planar
//!    arrangement ([`tiling`], [`voronoi`], [`arrangement`]), sharing vertices through one
//!    [`topology::Topology`], so children cover their parent with no gap, no overlap and no T-junction;
//! 3. place houses or apartment blocks and their households in every leaf area ([`people`]),
//!    then party members, center households and red-yard leaders ([`party`]);
//! 4. place stations ([`stations`]);
//! 5. lay roads along grid borders and a lane to every building ([`paths`]), and write five GeoJSON
//!    files ([`output`]).
//!
//! Every random choice comes from [`rng::Rng`] streams keyed by [`SEED`] and a label; iteration is
//! over ordered collections only, and no platform maths library is used, so the same sources
//! always give byte-identical files. Coordinates are WGS 84 degrees rounded to 7 decimals.

mod areas;
mod arrangement;
mod faces;
pub(crate) mod frame;
pub(crate) mod geom;
pub(crate) mod grids;
mod model;
pub(crate) mod names;
mod output;
mod party;
pub(crate) mod paths;
mod people;
pub(crate) mod rng;
mod rural;
pub(crate) mod seeds;
pub(crate) mod source;
mod stations;
pub(crate) mod tiling;
pub(crate) mod topology;
mod urban;
pub(crate) mod voronoi;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

pub use areas::LIMIAO;

/// The master seed of every random stream in the demo (襄阳市's code).
pub const SEED: u64 = 420_600;

/// The four files [`generate`] writes, in import order.
pub const FILES: [&str; 5] = [
    "areas.geojson",
    "buildings.geojson",
    "households.geojson",
    "stations.geojson",
    "paths.geojson",
];

/// What [`generate`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Areas per level (`county`, `township`, …).
    pub areas: BTreeMap<String, usize>,
    pub buildings: usize,
    pub households: usize,
    pub party_members: usize,
    pub center_households: usize,
    /// Stations per kind.
    pub stations: BTreeMap<String, usize>,
    /// Roads, lanes and footpaths.
    pub paths: usize,
    /// File name and size in bytes, in [`FILES`] order.
    pub files: Vec<(String, u64)>,
}

impl std::fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list =
            |m: &BTreeMap<String, usize>| m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ");
        writeln!(f, "areas: {}", list(&self.areas))?;
        writeln!(
            f,
            "buildings: {}, households: {} ({} party members, {} center households)",
            self.buildings, self.households, self.party_members, self.center_households
        )?;
        writeln!(f, "stations: {}", list(&self.stations))?;
        writeln!(f, "paths: {}", self.paths)?;
        for (name, size) in &self.files {
            writeln!(f, "{name}: {:.1} MB", *size as f64 / 1e6)?;
        }
        Ok(())
    }
}

/// Builds the demo data set from the real sources in `source_dir` and writes [`FILES`] into
/// `out_dir` (created if missing). The result depends only on the sources: running it twice gives
/// byte-identical files. The CLI runs it as `gridmap demo generate` with `geodata/source` → `geodata`.
pub fn generate(source_dir: &Path, out_dir: &Path) -> anyhow::Result<DemoSummary> {
    let src = source::Source::load(source_dir)?;
    let mut topo = topology::Topology::new();
    let mut areas = areas::build(&src, &mut topo)?;
    grids::add_grids(&mut topo, &mut areas)?;
    grids::add_red_yards(&mut topo, &mut areas, areas::LIMIAO, grids::RED_YARDS_IN_LIMIAO)?;
    let (buildings, households) = people::populate(&topo, &mut areas)?;
    let stations = stations::build(&topo, &areas, &buildings, &households)?;
    let paths = paths::build(&topo, &areas, &buildings);

    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let sizes = [
        output::write_areas(&out_dir.join(FILES[0]), &topo, &areas)?,
        output::write_buildings(&out_dir.join(FILES[1]), &buildings)?,
        output::write_households(&out_dir.join(FILES[2]), &households)?,
        output::write_stations(&out_dir.join(FILES[3]), &stations)?,
        output::write_paths(&out_dir.join(FILES[4]), &paths)?,
    ];
    let mut by_level = BTreeMap::new();
    for a in &areas {
        *by_level.entry(a.level.as_str().to_owned()).or_insert(0) += 1;
    }
    let mut by_kind = BTreeMap::new();
    for s in &stations {
        *by_kind.entry(s.kind.to_owned()).or_insert(0) += 1;
    }
    Ok(DemoSummary {
        areas: by_level,
        buildings: buildings.len(),
        households: households.len(),
        party_members: households.iter().filter(|h| h.party_member).count(),
        center_households: households.iter().filter(|h| h.center_household).count(),
        stations: by_kind,
        paths: paths.len(),
        files: FILES.iter().map(|f| f.to_string()).zip(sizes).collect(),
    })
}
