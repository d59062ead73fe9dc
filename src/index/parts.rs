//! Polygon layers (areas, building footprints) as an R-tree of their parts' bounding boxes over
//! prepared point-in-polygon shapes: the shared machinery of *which polygons contain this point*.
//! Coordinates are WGS 84 degrees.

use geo::Coord;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::pip::PreparedMultiPolygon;

/// One part's bounding box, tagged with (owner index, part index).
type PartBox = GeomWithData<Rectangle<[f64; 2]>, (u32, u32)>;

pub struct PartTree {
    /// Indexed like the layer; `None` for features without area (point buildings).
    shapes: Vec<Option<PreparedMultiPolygon>>,
    tree: RTree<PartBox>,
}

impl PartTree {
    pub fn new(shapes: Vec<Option<PreparedMultiPolygon>>) -> Self {
        let boxes = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|s| (i as u32, s)))
            .flat_map(|(owner, shape)| {
                shape.parts.iter().enumerate().map(move |(j, part)| {
                    let b = part.bbox();
                    let rect = Rectangle::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]);
                    GeomWithData::new(rect, (owner, j as u32))
                })
            })
            .collect();
        Self {
            shapes,
            tree: RTree::bulk_load(boxes),
        }
    }

    /// Whether `owner` contains `c` under the half-open rule of [`super::pip`].
    pub fn contains(&self, owner: u32, c: Coord<f64>) -> bool {
        self.shapes
            .get(owner as usize)
            .and_then(Option::as_ref)
            .is_some_and(|shape| shape.contains(c))
    }

    /// The owners one of whose parts contains `c` under the half-open rule of [`super::pip`], in
    /// no particular order.
    pub fn containing(&self, c: Coord<f64>) -> impl Iterator<Item = u32> + '_ {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([c.x, c.y]))
            .filter_map(move |hit| {
                let (owner, part) = hit.data;
                let shape = self.shapes[owner as usize].as_ref()?;
                shape.parts[part as usize].contains(c).then_some(owner)
            })
    }
}
