//! A deterministic city-scale data set for benchmarks, shaped like 襄阳市: ~5,000 grids,
//! 2,000,000 households, ~40,000 center households, 25,000 buildings and 10,000 stations of all
//! kinds ([`Scale::City`]), or about a twentieth of that ([`Scale::Small`]).
//!
//! Pipeline ([`generate`]):
//! 1. the 9 real county polygons of `geodata/source/xiangyang_counties.geojson` (WGS 84) are the top
//!    level, with their real enclave hole and exclaves;
//! 2. each level is tiled exactly into the next ([`areas`]): townships, villages/communities (some
//!    with a lake as a hole and an island as an exclave, [`lakes`]), grids, and red house-yards in a
//!    few rural townships — through the demo's shared-vertex Voronoi tiler, so siblings share every
//!    border vertex and a random point falls in exactly one grid;
//! 3. buildings, households, party members and center households fill the leaves ([`people`]);
//! 4. stations of all seven kinds are placed near households ([`stations`]);
//! 5. everything becomes domain records in code order ([`records`]).
//!
//! Every random draw comes from the demo's keyed xoshiro256** streams ([`crate::demo::rng`]) and no
//! platform maths function is used, so a scale always gives the same data. Nothing here is real below
//! the county level; all names and phone numbers are fictional (phones start with `100`).

mod areas;
mod lakes;
mod load;
mod people;
pub mod points;
mod records;
mod scale;
mod stations;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

pub use load::{Written, write};
pub use scale::{Plan, Scale, Stations};

use crate::domain::Level;
use crate::index::Dataset;

/// Where the real county polygons live, relative to the repository root.
pub const DEFAULT_SOURCE: &str = "geodata/source";

/// Generates the city at `scale` from the county polygons in `source_dir` (`geodata/source`).
pub fn generate(source_dir: &Path, scale: Scale) -> anyhow::Result<Dataset> {
    generate_plan(source_dir, &scale.plan())
}

/// Generates a city following `plan` (for tests and custom sizes).
pub fn generate_plan(source_dir: &Path, plan: &Plan) -> anyhow::Result<Dataset> {
    let src = crate::demo::source::Source::load(source_dir)
        .with_context(|| format!("reading the county polygons in {}", source_dir.display()))?;
    let mut topo = crate::demo::topology::Topology::new();
    let areas = areas::build(&src.counties, plan, &mut topo)?;
    let leaves = areas::leaves(&areas);
    let people = people::populate(&topo, &areas, &leaves, plan);
    let stations = stations::build(&areas, &people.households, &people.ranges, &plan.stations);
    let data = records::dataset(&topo, &areas, &people.buildings, &people.households, &stations)?;
    anyhow::ensure!(
        data.households.is_sorted_by(|a, b| a.code < b.code) && data.buildings.is_sorted_by(|a, b| a.code < b.code),
        "generated households or buildings are not in code order"
    );
    Ok(data)
}

/// Counts of what a data set holds, for logs and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub areas: BTreeMap<Level, usize>,
    /// Areas with more than one polygon, and areas with holes.
    pub multipolygons: usize,
    pub with_holes: usize,
    pub buildings: usize,
    pub households: usize,
    pub center_households: usize,
    pub stations: BTreeMap<String, usize>,
}

impl Summary {
    pub fn of(data: &Dataset) -> Self {
        let mut areas = BTreeMap::new();
        for a in data.areas.iter() {
            *areas.entry(a.level).or_insert(0) += 1;
        }
        let mut stations = BTreeMap::new();
        for s in data.stations.iter() {
            *stations.entry(s.kind.to_string()).or_insert(0) += 1;
        }
        Self {
            areas,
            multipolygons: data.areas.iter().filter(|a| a.geometry.0.len() > 1).count(),
            with_holes: data
                .areas
                .iter()
                .filter(|a| a.geometry.0.iter().any(|p| !p.interiors().is_empty()))
                .count(),
            buildings: data.buildings.len(),
            households: data.households.len(),
            center_households: data.households.iter().filter(|h| h.center_household).count(),
            stations,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let areas: Vec<String> = self.areas.iter().map(|(l, n)| format!("{l} {n}")).collect();
        let stations: Vec<String> = self.stations.iter().map(|(k, n)| format!("{k} {n}")).collect();
        write!(
            f,
            "areas: {} ({} multipolygons, {} with holes); buildings: {}; households: {} ({} center households); stations: {}",
            areas.join(", "),
            self.multipolygons,
            self.with_holes,
            self.buildings,
            self.households,
            self.center_households,
            stations.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::rng::Rng;
    use crate::domain::LonLat;
    use crate::index::Index;
    use crate::index::pip::PreparedMultiPolygon;
    use geo::{BoundingRect, Coord};

    fn small() -> Dataset {
        generate(Path::new(DEFAULT_SOURCE), Scale::Small).unwrap()
    }

    #[test]
    fn the_small_city_is_deterministic_counted_and_every_household_lies_in_exactly_one_grid() {
        let data = small();
        let again = small();
        assert!(data.areas == again.areas, "areas differ between two runs");
        assert!(
            data.households == again.households,
            "households differ between two runs"
        );
        assert!(data.stations == again.stations && data.buildings == again.buildings);

        let summary = Summary::of(&data);
        let plan = Scale::Small.plan();
        assert_eq!(summary.households, plan.households);
        assert_eq!(summary.buildings, plan.buildings);
        assert_eq!(summary.stations.values().sum::<usize>(), plan.stations.total());
        assert_eq!(summary.stations["red_station"], plan.stations.red_station);
        assert_eq!(summary.areas[&Level::County], 9);
        let grids = summary.areas[&Level::Grid];
        assert!((230..=270).contains(&grids), "{grids} grids");
        assert!(summary.areas[&Level::RedYard] > 0);
        let centers = summary.center_households as f64 / summary.households as f64;
        assert!((0.018..0.025).contains(&centers), "center share {centers}");
        assert!(summary.multipolygons > 0 && summary.with_holes > 0, "{summary}");

        let index = Index::build(data.clone());
        let grid_shapes: Vec<(geo::Rect<f64>, PreparedMultiPolygon)> = data
            .areas
            .iter()
            .filter(|a| a.level == Level::Grid)
            .filter_map(|a| Some((a.geometry.bounding_rect()?, PreparedMultiPolygon::new(&a.geometry))))
            .collect();
        let owners = |p: LonLat| {
            let c = Coord { x: p.lon(), y: p.lat() };
            grid_shapes
                .iter()
                .filter(|(r, s)| {
                    r.min().x <= c.x && c.x <= r.max().x && r.min().y <= c.y && c.y <= r.max().y && s.contains(c)
                })
                .count()
        };
        for (i, h) in data.households.iter().enumerate() {
            let grid = index.households.chain(i as u32).get(Level::Grid);
            let grid = grid.map(|g| index.areas.get(g).code.as_str());
            assert!(
                grid.is_some_and(|g| h.code.as_str()[1..].starts_with(g)),
                "household {} lies in grid {grid:?}",
                h.code
            );
            if i % 50 == 0 {
                assert_eq!(owners(h.location), 1, "household {} is in several grids", h.code);
            }
        }
        // Random points: in a community means in exactly one grid; lakes are in neither.
        let mut rng = Rng::keyed(1, "points");
        let (mut in_grid, mut tried) = (0, 0);
        while in_grid < 2_000 && tried < 20_000 {
            tried += 1;
            let p = LonLat::new(rng.range(110.6, 113.2), rng.range(31.2, 32.7)).unwrap();
            let chain = index.areas.locate(p);
            let n = owners(p);
            assert_eq!(n, usize::from(chain.get(Level::Community).is_some()), "{p}");
            assert_eq!(chain.get(Level::Grid).is_some(), n == 1, "{p}");
            in_grid += n;
        }
        assert_eq!(in_grid, 2_000);
    }
}

#[cfg(test)]
mod cell_grid_tests {
    use super::*;
    use crate::demo::rng::Rng;
    use crate::domain::LonLat;
    use crate::index::Index;
    use geo::{Coord, CoordsIter};

    /// The cell grid is a shortcut: on the small city it must give exactly what testing every
    /// candidate polygon gives, at random points and at the hard ones — vertices, points on edges
    /// (shared between areas and levels), and points a hair beside them.
    #[test]
    fn the_cell_grid_agrees_with_exact_point_in_polygon_everywhere() {
        let data = generate(Path::new(DEFAULT_SOURCE), Scale::Small).unwrap();
        let index = Index::build(data.clone());
        let mut checked = 0;
        let mut check = |lon: f64, lat: f64| {
            let Ok(p) = LonLat::new(lon, lat) else { return };
            assert_eq!(index.areas.locate(p), index.areas.locate_exact(p), "at {p}");
            checked += 1;
        };
        let mut rng = Rng::keyed(3, "cell grid");
        for _ in 0..200_000 {
            check(rng.range(110.5, 113.3), rng.range(31.1, 32.8));
        }
        for h in data.households.iter().step_by(7) {
            check(h.location.lon(), h.location.lat());
        }
        for area in data.areas.iter().filter(|a| a.level >= Level::Community) {
            let coords: Vec<Coord<f64>> = area.geometry.coords_iter().collect();
            for w in coords.windows(2).step_by(3) {
                let (a, b) = (w[0], w[1]);
                check(a.x, a.y);
                check((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
                for d in [1e-12, 1e-9, 1e-7] {
                    check(a.x + d, a.y - d);
                    check(a.x - d, a.y + d);
                    check((a.x + b.x) / 2.0 + d, (a.y + b.y) / 2.0);
                }
            }
        }
        assert!(checked > 300_000, "{checked} points checked");
        eprintln!("{checked} points; {}", index.areas.describe_cells());
    }
}
