//! Areas of all five levels in an R-tree of their parts' bounding boxes, for *which area contains
//! this point* at every level at once. Coordinates are WGS 84 degrees.

use std::collections::HashMap;
use std::sync::Arc;

use geo::Coord;

use super::cells::{CellGrid, Shape};
use super::chain::Chain;
use super::parts::PartTree;
use super::pip::PreparedMultiPolygon;
use crate::domain::{Area, Code, Level, LonLat};

/// The area layer prepared for point location.
pub struct AreaIndex {
    /// Sorted by code, so "the lowest index" is "the lowest code" wherever a tie is broken.
    areas: Arc<Vec<Area>>,
    parts: PartTree,
    /// The shortcut in front of `parts`; see [`super::cells`].
    cells: CellGrid,
    by_code: HashMap<Code, u32>,
    parent: Vec<Option<u32>>,
    children: Vec<Vec<u32>>,
}

impl AreaIndex {
    /// Builds the index; `areas` must be sorted by code (the stores load them so).
    pub fn new(areas: Arc<Vec<Area>>) -> Self {
        let shapes: Vec<PreparedMultiPolygon> = areas.iter().map(|a| PreparedMultiPolygon::new(&a.geometry)).collect();
        let by_code: HashMap<Code, u32> = areas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), i as u32))
            .collect();
        let parent: Vec<Option<u32>> = areas
            .iter()
            .map(|a| a.parent_code.as_ref().and_then(|c| by_code.get(c).copied()))
            .collect();
        let mut children = vec![Vec::new(); areas.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p as usize].push(i as u32);
            }
        }
        let parts = PartTree::new(shapes.into_iter().map(Some).collect());
        let cell_shapes: Vec<Shape<'_>> = areas
            .iter()
            .enumerate()
            .map(|(i, a)| Shape {
                area: i as u32,
                level: a.level,
                geometry: &a.geometry,
            })
            .collect();
        let cells = CellGrid::new(
            &cell_shapes,
            |c| locate_exact(&areas, &parts, c),
            |c| overlaps_at(&areas, &parts, c),
        );
        drop(cell_shapes);
        Self {
            areas,
            by_code,
            parent,
            children,
            parts,
            cells,
        }
    }

    pub fn len(&self) -> usize {
        self.areas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    pub fn get(&self, i: u32) -> &Area {
        &self.areas[i as usize]
    }

    pub fn all(&self) -> &Arc<Vec<Area>> {
        &self.areas
    }

    /// The area with `code` (a [`Code`] or a `str`).
    pub fn find<Q>(&self, code: &Q) -> Option<u32>
    where
        Code: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.by_code.get(code).copied()
    }

    pub fn parent(&self, i: u32) -> Option<u32> {
        self.parent[i as usize]
    }

    pub fn children(&self, i: u32) -> &[u32] {
        &self.children[i as usize]
    }

    /// The area and its ancestors, top to bottom.
    /// Whether area `outer` is `inner` or one of its ancestors.
    pub fn holds(&self, outer: u32, inner: u32) -> bool {
        self.ancestry(inner).contains(&outer)
    }

    pub fn ancestry(&self, i: u32) -> Vec<u32> {
        let mut out = vec![i];
        let mut cur = i;
        while let Some(p) = self.parent(cur) {
            // Parent links come from validated imports and cannot loop, but a corrupt store must not hang us.
            if out.len() > Level::ALL.len() {
                break;
            }
            out.push(p);
            cur = p;
        }
        out.reverse();
        out
    }

    /// The containing area at every level. A point on an edge shared by two areas belongs to the
    /// one east (or north) of it (see [`super::pip`]); should two areas of one level overlap (bad
    /// data), the one with the lowest code wins, so the answer is always the same.
    pub fn locate(&self, p: LonLat) -> Chain {
        let c = p.to_coord();
        self.cells
            .locate(c)
            .unwrap_or_else(|| locate_exact(&self.areas, &self.parts, c))
    }

    /// Whether area `i` contains the point at `lon`, `lat` (WGS 84 degrees), by the same rule as
    /// [`Self::locate`].
    pub fn contains(&self, i: u32, lon: f64, lat: f64) -> bool {
        self.parts.contains(i, Coord { x: lon, y: lat })
    }

    /// [`Self::locate`] without the cell grid: every candidate part tested point-in-polygon.
    pub fn locate_exact(&self, p: LonLat) -> Chain {
        locate_exact(&self.areas, &self.parts, p.to_coord())
    }

    /// The cell grid's shape, for build logs and benchmarks.
    pub fn describe_cells(&self) -> String {
        self.cells.describe()
    }
}

fn locate_exact(areas: &[Area], parts: &PartTree, c: Coord<f64>) -> Chain {
    let mut chain = Chain::default();
    for area in parts.containing(c) {
        let level = areas[area as usize].level;
        if chain.get(level).is_none_or(|have| area < have) {
            chain.set(level, area);
        }
    }
    chain
}

/// Whether two areas of one level both contain `c` (bad data, but it must not fool the grid).
fn overlaps_at(areas: &[Area], parts: &PartTree, c: Coord<f64>) -> bool {
    let mut seen = [false; Level::ALL.len()];
    parts.containing(c).any(|area| {
        let depth = areas[area as usize].level.depth();
        std::mem::replace(&mut seen[depth], true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, wkt};
    use uuid::Uuid;

    pub(crate) fn area(code: &str, level: Level, parent: Option<&str>, geometry: MultiPolygon<f64>) -> Area {
        Area {
            id: Uuid::nil(),
            code: Code::parse(code).unwrap(),
            name: code.to_owned(),
            level,
            parent_code: parent.map(|p| Code::parse(p).unwrap()),
            leader_name: None,
            leader_phone: None,
            properties: Default::default(),
            geometry,
            version: 1,
        }
    }

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    fn codes(index: &AreaIndex, chain: Chain) -> Vec<&str> {
        chain.iter().map(|i| index.get(i).code.as_str()).collect()
    }

    /// A county with a hole (an enclave of another county) and an exclave, split into two townships.
    fn sample() -> AreaIndex {
        let mut areas = vec![
            area(
                "420001",
                Level::County,
                None,
                wkt!(MULTIPOLYGON(((110. 30.,112. 30.,112. 32.,110. 32.,110. 30.),(110.5 30.5,110.5 31.,111. 31.,111. 30.5,110.5 30.5)),((115. 30.,115.5 30.,115.5 30.5,115. 30.5,115. 30.)))),
            ),
            area(
                "420002",
                Level::County,
                None,
                wkt!(MULTIPOLYGON(((110.5 30.5,111. 30.5,111. 31.,110.5 31.,110.5 30.5)))),
            ),
            area(
                "420001001",
                Level::Township,
                Some("420001"),
                wkt!(MULTIPOLYGON(((110. 30.,111.2 30.,111.2 32.,110. 32.,110. 30.),(110.5 30.5,110.5 31.,111. 31.,111. 30.5,110.5 30.5)))),
            ),
            area(
                "420001002",
                Level::Township,
                Some("420001"),
                wkt!(MULTIPOLYGON(((111.2 30.,112. 30.,112. 32.,111.2 32.,111.2 30.)),((115. 30.,115.5 30.,115.5 30.5,115. 30.5,115. 30.)))),
            ),
        ];
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        AreaIndex::new(Arc::new(areas))
    }

    #[test]
    fn locates_every_level_top_to_bottom() {
        let idx = sample();
        assert_eq!(codes(&idx, idx.locate(ll(110.2, 31.5))), ["420001", "420001001"]);
        assert_eq!(codes(&idx, idx.locate(ll(111.5, 31.5))), ["420001", "420001002"]);
    }

    #[test]
    fn holes_belong_to_the_enclave_and_exclaves_to_their_area() {
        let idx = sample();
        assert_eq!(codes(&idx, idx.locate(ll(110.75, 30.75))), ["420002"]);
        assert_eq!(codes(&idx, idx.locate(ll(115.2, 30.2))), ["420001", "420001002"]);
    }

    #[test]
    fn outside_everything_is_empty() {
        let idx = sample();
        assert!(idx.locate(ll(113.0, 31.0)).is_empty());
    }

    #[test]
    fn shared_edge_goes_east_deterministically() {
        let idx = sample();
        assert_eq!(codes(&idx, idx.locate(ll(111.2, 31.0))), ["420001", "420001002"]);
        // On the enclave's east edge the point leaves the enclave and is back in the county.
        assert_eq!(codes(&idx, idx.locate(ll(111.0, 30.75))), ["420001", "420001001"]);
        // On its west edge it is in the enclave.
        assert_eq!(codes(&idx, idx.locate(ll(110.5, 30.75))), ["420002"]);
    }

    #[test]
    fn ancestry_and_children() {
        let idx = sample();
        let t = idx.find(&Code::parse("420001002").unwrap()).unwrap();
        let chain: Vec<&str> = idx.ancestry(t).into_iter().map(|i| idx.get(i).code.as_str()).collect();
        assert_eq!(chain, ["420001", "420001002"]);
        let c = idx.find(&Code::parse("420001").unwrap()).unwrap();
        assert_eq!(idx.children(c).len(), 2);
    }
}
