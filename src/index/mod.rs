//! The in-memory engine: every layer loaded from the store into spatial indexes and lookup tables.
//!
//! An [`Index`] is an immutable snapshot. Writers build a new one from the store's data and swap it
//! in atomically (see [`crate::state`]), so readers never wait and never see half a write. Nothing in
//! here does I/O or knows about HTTP or SQL.
//!
//! Build order: areas first (exact half-open point-in-polygon over an R-tree of part boxes, and the
//! cell grid of `cells.rs` in front of it), then every building, household and station is located
//! once, giving each its chain of containing areas; the per-area counts come from those chains.

mod areas;
mod buildings;
mod cells;
mod chain;
mod coverage;
pub mod geodesic;
mod households;
mod parts;
mod paths;
pub mod pip;
mod points;
pub mod segment;
mod stations;
mod stats;

use std::sync::Arc;

pub use areas::AreaIndex;
pub use buildings::BuildingIndex;
pub use chain::Chain;
pub use coverage::Coverage;
pub use households::{HouseholdIndex, Page, Search};
pub use paths::PathIndex;
pub use points::PointGrid;
pub use stations::{Nearby, StationIndex};
pub use stats::AreaStats;

use crate::domain::{Area, Building, Household, LonLat, Path, Station};

/// The layers as loaded from the store. Shared (`Arc`) so that a rebuild after a write to one
/// layer reuses the others without copying.
#[derive(Clone, Default)]
pub struct Dataset {
    pub areas: Arc<Vec<Area>>,
    pub buildings: Arc<Vec<Building>>,
    pub households: Arc<Vec<Household>>,
    pub stations: Arc<Vec<Station>>,
    pub paths: Arc<Vec<Path>>,
}

/// One consistent snapshot of everything gridmap answers from.
pub struct Index {
    pub areas: AreaIndex,
    pub buildings: BuildingIndex,
    pub households: HouseholdIndex,
    pub stations: StationIndex,
    /// The path network for walking distances (empty when no paths are loaded).
    pub paths: PathIndex,
    building_chains: Vec<Chain>,
    station_chains: Vec<Chain>,
    stats: Vec<AreaStats>,
    generation: u64,
}

/// What [`Index::locate`] found at a point.
#[derive(Debug, Clone, Copy)]
pub struct Located {
    pub chain: Chain,
    pub building: Option<u32>,
}

impl Index {
    /// Builds every structure from `data`. Areas must be sorted by code (stores load them so; this
    /// sorts defensively if they are not).
    pub fn build(mut data: Dataset) -> Self {
        if !data.areas.is_sorted_by(|a, b| a.code <= b.code) {
            let mut areas = (*data.areas).clone();
            areas.sort_by(|a, b| a.code.cmp(&b.code));
            data.areas = Arc::new(areas);
        }
        let areas = AreaIndex::new(data.areas.clone());
        let buildings = BuildingIndex::new(data.buildings.clone());
        let building_chains: Vec<Chain> = (0..data.buildings.len() as u32)
            .map(|i| buildings.anchor(i).map(|p| areas.locate(p)).unwrap_or_default())
            .collect();
        let household_chains: Vec<Chain> = data.households.iter().map(|h| areas.locate(h.location)).collect();
        let station_chains: Vec<Chain> = data.stations.iter().map(|s| areas.locate(s.location)).collect();
        let stats = stats::compute(
            areas.len(),
            &data.households,
            &household_chains,
            &building_chains,
            &data.stations,
            &station_chains,
        );
        Self {
            households: HouseholdIndex::new(data.households.clone(), household_chains),
            stations: StationIndex::new(data.stations.clone()),
            paths: PathIndex::new(data.paths.clone()),
            areas,
            buildings,
            building_chains,
            station_chains,
            stats,
            generation: 0,
        }
    }

    /// Stamps the snapshot with the number its owner gives it (see [`Index::generation`]).
    pub fn with_generation(mut self, generation: u64) -> Self {
        self.generation = generation;
        self
    }

    /// A number that differs between any two snapshots one process serves (and, as it starts from
    /// the clock, between processes): HTTP caches key on it to see that the data changed.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The data this snapshot was built from.
    pub fn dataset(&self) -> Dataset {
        Dataset {
            areas: self.areas.all().clone(),
            buildings: self.buildings.all().clone(),
            households: self.households.all().clone(),
            stations: self.stations.all().clone(),
            paths: self.paths.all().clone(),
        }
    }

    /// Containing areas at every level and the building footprint, if any, at `p` (WGS 84).
    pub fn locate(&self, p: LonLat) -> Located {
        Located {
            chain: self.areas.locate(p),
            building: self.buildings.locate(p),
        }
    }

    /// Which households have a station of `kind` within `radius_m` metres (geodesic, WGS 84).
    pub fn coverage(&self, kind: &crate::domain::StationKind, radius_m: f64) -> Coverage {
        coverage::compute(self, kind, radius_m)
    }

    pub fn stats(&self, area: u32) -> &AreaStats {
        &self.stats[area as usize]
    }

    pub fn building_chain(&self, i: u32) -> Chain {
        self.building_chains[i as usize]
    }

    pub fn station_chain(&self, i: u32) -> Chain {
        self.station_chains[i as usize]
    }
}
