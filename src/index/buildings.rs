//! Building footprints in an R-tree, for *which building is this point in*. WGS 84 degrees.

use std::collections::HashMap;
use std::sync::Arc;

use geo::{Coord, Geometry, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::pip::PreparedMultiPolygon;
use crate::domain::{Building, Code, LonLat};

type PartBox = GeomWithData<Rectangle<[f64; 2]>, (u32, u32)>;

pub struct BuildingIndex {
    buildings: Arc<Vec<Building>>,
    /// Footprints of polygon buildings; `None` for point buildings, which contain no point.
    shapes: Vec<Option<PreparedMultiPolygon>>,
    by_code: HashMap<Code, u32>,
    tree: RTree<PartBox>,
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
        let boxes = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|s| (i, s)))
            .flat_map(|(i, shape)| {
                shape.parts.iter().enumerate().map(move |(j, part)| {
                    let b = part.bbox();
                    GeomWithData::new(
                        Rectangle::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]),
                        (i as u32, j as u32),
                    )
                })
            })
            .collect();
        let by_code = buildings
            .iter()
            .enumerate()
            .map(|(i, b)| (b.code.clone(), i as u32))
            .collect();
        Self {
            buildings,
            shapes,
            by_code,
            tree: RTree::bulk_load(boxes),
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
        let c = Coord { x: p.lon(), y: p.lat() };
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([c.x, c.y]))
            .filter(|hit| {
                let (b, part) = hit.data;
                self.shapes[b as usize]
                    .as_ref()
                    .is_some_and(|s| s.parts[part as usize].contains(c))
            })
            .map(|hit| hit.data.0)
            .min()
    }

    /// A representative point of a building: the point itself, or the footprint's interior point.
    pub fn anchor(&self, i: u32) -> Option<LonLat> {
        use geo::InteriorPoint;
        let p = self.buildings[i as usize].geometry.interior_point()?;
        LonLat::new(p.x(), p.y()).ok()
    }
}
