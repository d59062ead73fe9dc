//! Which child each household, building and station of a parent falls in, for any set of child
//! geometries — the stored ones (validation) or a planner's proposal (impact).
//!
//! Points are tested with the same half-open point-in-polygon rule as `locate` ([`crate::index::pip`]),
//! so a point on an edge two children share is in exactly one of them, and a tally of the stored
//! children agrees with what `locate` answers. Coordinates are WGS 84 degrees.

use geo::{BoundingRect, Coord, MultiPolygon, Rect};

use crate::index::Index;
use crate::index::pip::PreparedMultiPolygon;

/// Child geometries prepared for point tests.
pub struct Children {
    shapes: Vec<(Option<Rect<f64>>, PreparedMultiPolygon)>,
}

impl Children {
    pub fn new<'a>(geometries: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        Self {
            shapes: geometries
                .into_iter()
                .map(|g| (g.bounding_rect(), PreparedMultiPolygon::new(g)))
                .collect(),
        }
    }

    /// The children containing `c`, lowest index first.
    pub fn containing(&self, c: Coord<f64>) -> impl Iterator<Item = usize> + '_ {
        self.shapes.iter().enumerate().filter_map(move |(i, (bbox, shape))| {
            let inside = bbox
                .is_some_and(|r| r.min().x <= c.x && c.x <= r.max().x && r.min().y <= c.y && c.y <= r.max().y)
                && shape.contains(c);
            inside.then_some(i)
        })
    }

    /// The child containing `c`, and whether another one does too.
    fn place(&self, c: Coord<f64>) -> Place {
        let mut it = self.containing(c);
        match (it.next(), it.next()) {
            (None, _) => Place::Nowhere,
            (Some(i), None) => Place::In(i),
            (Some(i), Some(j)) => Place::Twice(i, j),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Nowhere,
    In(usize),
    /// In two or more; the first two.
    Twice(usize, usize),
}

impl Place {
    /// The child the point counts for: the first that holds it.
    pub fn child(self) -> Option<usize> {
        match self {
            Self::Nowhere => None,
            Self::In(i) | Self::Twice(i, _) => Some(i),
        }
    }
}

/// Counts of one child, in the order of [`super::balance::Measure::ALL`], plus buildings and stations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub measures: [u64; 4],
    pub buildings: u64,
    pub stations: u64,
}

/// The households that lie in area `area` of `index` (by the snapshot's own location of them).
pub fn households_in(index: &Index, area: u32) -> Vec<u32> {
    let level = index.areas.get(area).level;
    (0..index.households.chains().len() as u32)
        .filter(|&i| index.households.chains()[i as usize].has(level, area))
        .collect()
}

/// Where every point of the parent lies among the children.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Per child.
    pub counts: Vec<Counts>,
    /// `(household index, place)` for every household of the parent.
    pub households: Vec<(u32, Place)>,
    pub buildings: Vec<(u32, Place)>,
    pub stations: Vec<(u32, Place)>,
}

impl Tally {
    /// Places every household, building and station that lies in area `parent` of `index` (by the
    /// snapshot's own location of it) among `children`.
    pub fn new(index: &Index, parent: u32, children: &Children) -> Self {
        let level = index.areas.get(parent).level;
        let mut t = Tally {
            counts: vec![Counts::default(); children.shapes.len()],
            ..Default::default()
        };
        for (i, chain) in index.households.chains().iter().enumerate() {
            if !chain.has(level, parent) {
                continue;
            }
            let h = index.households.get(i as u32);
            let place = children.place(Coord {
                x: h.location.lon(),
                y: h.location.lat(),
            });
            if let Some(c) = place.child() {
                let m = &mut t.counts[c].measures;
                m[0] += 1;
                m[1] += h.members.unwrap_or(0).max(0) as u64;
                m[2] += h.party_member as u64;
                m[3] += h.center_household as u64;
            }
            t.households.push((i as u32, place));
        }
        for b in 0..index.buildings.all().len() as u32 {
            if !index.building_chain(b).has(level, parent) {
                continue;
            }
            let Some(anchor) = index.buildings.anchor(b) else {
                continue;
            };
            let place = children.place(Coord {
                x: anchor.lon(),
                y: anchor.lat(),
            });
            if let Some(c) = place.child() {
                t.counts[c].buildings += 1;
            }
            t.buildings.push((b, place));
        }
        for s in 0..index.stations.all().len() as u32 {
            if !index.station_chain(s).has(level, parent) {
                continue;
            }
            let l = index.stations.get(s).location;
            let place = children.place(l.to_coord());
            if let Some(c) = place.child() {
                t.counts[c].stations += 1;
            }
            t.stations.push((s, place));
        }
        t
    }
}
