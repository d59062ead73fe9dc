//! Building footprints in an R-tree, for *which building is this point in*. WGS 84 degrees.

use std::collections::HashMap;
use std::sync::Arc;

use geo::{Coord, Geometry, MultiPolygon};

use super::parts::PartTree;
use super::pip::PreparedMultiPolygon;
use crate::domain::{Building, Code, LonLat};

pub struct BuildingIndex {
    buildings: Arc<Vec<Building>>,
    /// Footprints of polygon buildings; point buildings contain no point.
    parts: PartTree,
    by_code: HashMap<Code, u32>,
}

impl BuildingIndex {
    pub fn new(buildings: Arc<Vec<Building>>) -> Self {
        let shapes: Vec<Option<PreparedMultiPolygon>> = buildings
            .iter()
            .map(|b| match &b.geometry {
                Geometry::Polygon(p) => Some(PreparedMultiPolygon::new(&MultiPolygon::new(vec![p.clone()]))),
                Geometry::MultiPolygon(mp) => Some(PreparedMultiPolygon::new(mp)),
                _ => None,
            })
            .collect();
        let by_code = buildings
            .iter()
            .enumerate()
            .map(|(i, b)| (b.code.clone(), i as u32))
            .collect();
        Self {
            buildings,
            parts: PartTree::new(shapes),
            by_code,
        }
    }

    pub fn get(&self, i: u32) -> &Building {
        &self.buildings[i as usize]
    }

    pub fn all(&self) -> &Arc<Vec<Building>> {
        &self.buildings
    }

    pub fn find(&self, code: &Code) -> Option<u32> {
        self.by_code.get(code).copied()
    }

    /// The building whose footprint contains `p` (lowest code if footprints overlap).
    pub fn locate(&self, p: LonLat) -> Option<u32> {
        self.parts.containing(Coord { x: p.lon(), y: p.lat() }).min()
    }

    /// A representative point of a building: the point itself, or the footprint's interior point.
    pub fn anchor(&self, i: u32) -> Option<LonLat> {
        use geo::InteriorPoint;
        let p = self.buildings[i as usize].geometry.interior_point()?;
        LonLat::new(p.x(), p.y()).ok()
    }
}
