//! The demo's features as the generator builds them, before they are written out as GeoJSON.
//! Coordinates are WGS 84 degrees rounded to 7 decimals.

use serde_json::{Map, Value};

use super::geom::IndexedPolygon;
use super::topology::{Rings, Topology};
use crate::domain::Level;

/// Whether an area is built up (apartment blocks) or countryside (single houses in hamlets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Rural,
    Urban,
}

/// A governance area of any level.
#[derive(Debug, Clone)]
pub struct DemoArea {
    pub code: String,
    pub name: String,
    /// The name used in addresses (李庙镇, 滋坪村, 闸口社区).
    pub short_name: String,
    pub level: Level,
    /// Index of the parent in the area list.
    pub parent: Option<usize>,
    /// Polygons as shared vertex ids (several only for counties with exclaves).
    pub parts: Vec<Rings>,
    pub leader_name: Option<String>,
    pub leader_phone: Option<String>,
    /// Whether the geometry is generated (everything below the county level) or real.
    pub generated: bool,
    /// Properties beyond the import names (`type`, `short_name`, …).
    pub extra: Map<String, Value>,
    pub setting: Setting,
    /// Households planned inside (villages, grids and red yards that get people), else 0.
    pub households: usize,
}

impl DemoArea {
    /// The first polygon, fully expanded, indexed for containment and clearance queries.
    pub fn indexed(&self, topo: &Topology) -> IndexedPolygon {
        IndexedPolygon::new(topo.expand(&self.parts[0]).all().map(|r| topo.coords_of(r)).collect())
    }
}

/// A building's geometry: a footprint (open counter-clockwise ring) or, for a few, a point.
#[derive(Debug, Clone)]
pub enum Shape {
    Footprint(Vec<[f64; 2]>),
    Point([f64; 2]),
}

#[derive(Debug, Clone)]
pub struct DemoBuilding {
    pub code: String,
    /// 标准地址, e.g. 湖北省襄阳市南漳县李庙镇滋坪村3组12号.
    pub address: String,
    pub floors: u32,
    pub shape: Shape,
    /// Centre of the footprint (or the point).
    pub centre: [f64; 2],
    /// Index of the smallest area holding it (red yard, else grid).
    pub leaf: usize,
}

#[derive(Debug, Clone)]
pub struct DemoHousehold {
    pub code: String,
    pub head_name: String,
    pub phone: String,
    pub members: u32,
    pub address: String,
    pub building_code: String,
    pub party_member: bool,
    pub center_household: bool,
    pub center_code: Option<String>,
    pub location: [f64; 2],
    /// Index of the smallest area holding it (red yard, else grid).
    pub leaf: usize,
}

#[derive(Debug, Clone)]
pub struct DemoStation {
    pub code: String,
    pub kind: &'static str,
    pub name: String,
    /// For governance centers: city, county, township or village.
    pub tier: Option<&'static str>,
    pub phone: String,
    pub open_hours: &'static str,
    pub services: Vec<&'static str>,
    pub location: [f64; 2],
}

/// Builds the `extra` map from pairs.
pub fn extra<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
