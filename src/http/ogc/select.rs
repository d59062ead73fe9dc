//! Which features of a collection a query matches, from the index snapshot: the tile source's
//! R-trees find the candidates whose boxes meet `bbox`, and each candidate's own geometry decides.
//! Without a `bbox`, or with one holding the whole layer, the matches are a range of indices, so a
//! page of two million households costs only that page.

use geo::{Coord, Geometry, Intersects, Rect};

use super::collections::Collection;
use super::params::Bbox;
use crate::domain::Layer;
use crate::index::Dataset;
use crate::tiles::TileSource;

/// The matching features (indices into their layer), in code order.
pub enum Matches {
    /// Every feature of a layer of this many.
    All(usize),
    Some(Vec<u32>),
}

impl Matches {
    pub fn len(&self) -> usize {
        match self {
            Self::All(n) => *n,
            Self::Some(v) => v.len(),
        }
    }

    /// Keeps the matches `keep` accepts.
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        let kept: Vec<u32> = match self {
            Self::All(n) => (0..*n as u32).filter(|&i| keep(i)).collect(),
            Self::Some(v) => v.iter().copied().filter(|&i| keep(i)).collect(),
        };
        *self = Self::Some(kept);
    }

    /// At most `limit` matches from the `offset`-th on.
    pub fn page(&self, offset: usize, limit: usize) -> Vec<u32> {
        let end = offset.saturating_add(limit).min(self.len());
        let start = offset.min(end);
        match self {
            Self::All(_) => (start as u32..end as u32).collect(),
            Self::Some(v) => v[start..end].to_vec(),
        }
    }
}

pub fn select(data: &Dataset, source: &TileSource, collection: Collection, bbox: Option<Bbox>) -> Matches {
    let layer = collection.layer();
    let Some(bbox) = bbox else {
        return match collection.level() {
            None => Matches::All(crate::features::count(data, layer)),
            Some(level) => Matches::Some(
                (0..data.areas.len() as u32)
                    .filter(|&i| data.areas[i as usize].level == level)
                    .collect(),
            ),
        };
    };
    // A box holding the layer's whole extent (as map clients send when zoomed out) meets every
    // feature: no search, and a page costs only that page again.
    if collection.level().is_none()
        && source
            .bounds(collection.tile_layer())
            .is_some_and(|[w, s, e, n]| bbox.west <= w && bbox.south <= s && bbox.east >= e && bbox.north >= n)
    {
        return Matches::All(crate::features::count(data, layer));
    }
    let rect = Rect::new(
        Coord {
            x: bbox.west,
            y: bbox.south,
        },
        Coord {
            x: bbox.east,
            y: bbox.north,
        },
    );
    let candidates = source.candidates(collection.tile_layer(), collection.level(), bbox.as_array());
    let meets = |i: u32| {
        let i = i as usize;
        match layer {
            Layer::Areas => data.areas[i].geometry.intersects(&rect),
            Layer::Buildings => data.buildings[i].geometry.intersects(&rect),
            Layer::Households => Geometry::Point(data.households[i].location.to_point()).intersects(&rect),
            Layer::Stations => Geometry::Point(data.stations[i].location.to_point()).intersects(&rect),
            Layer::Paths => data.paths[i].geometry.intersects(&rect),
        }
    };
    Matches::Some(candidates.into_iter().filter(|&i| meets(i)).collect())
}
