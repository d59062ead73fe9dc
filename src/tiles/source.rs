//! One snapshot's features reprojected once into Web Mercator world units and indexed in R-trees,
//! ready to be cut into any tile.
//!
//! Built from an [`Index`] in the background right after each load or swap (see
//! [`super::TileCache`]): under a second for a city, paid once per data change instead of per tile.

use geo::{BoundingRect, Coord, Geometry, InteriorPoint, MultiPolygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::coord::to_world;
use super::layers::{ALL_HOUSEHOLDS_FROM, TileLayer};
use super::part::Part;
use crate::domain::Level;
use crate::index::Index;

/// A box in world units tagged with the feature's index in its layer.
type BoxItem = GeomWithData<Rectangle<[f64; 2]>, u32>;
/// A point in world units tagged with the feature's index in its layer.
type PointItem = GeomWithData<[f64; 2], u32>;

/// A building's shape in world units.
pub enum BuildingShape {
    Point(Coord<f64>),
    Parts(Vec<Part>),
}

pub struct TileSource {
    generation: u64,
    /// One tree per level, [`Level::depth`] order, so a low-zoom tile never walks the grids.
    area_trees: Vec<RTree<BoxItem>>,
    pub(super) area_parts: Vec<Vec<Part>>,
    /// Where each area's name goes: a point inside its largest part, world units.
    pub(super) area_labels: Vec<Option<Coord<f64>>>,
    building_tree: RTree<BoxItem>,
    pub(super) building_shapes: Vec<BuildingShape>,
    center_households: RTree<PointItem>,
    households: RTree<PointItem>,
    stations: RTree<PointItem>,
    path_tree: RTree<BoxItem>,
    /// Per path, its lines in world units.
    pub(super) path_lines: Vec<Vec<Vec<Coord<f64>>>>,
    /// Per layer ([`TileLayer::ALL`] order), WGS 84 degrees `[west, south, east, north]`; `None`
    /// for an empty layer.
    bounds: [Option<[f64; 4]>; 5],
}

impl TileSource {
    /// Projects and indexes everything in `index`.
    pub fn build(index: &Index) -> Self {
        let areas = index.areas.all();
        let area_parts: Vec<Vec<Part>> = areas.iter().map(|a| parts(&a.geometry)).collect();
        let area_labels = areas
            .iter()
            .map(|a| a.geometry.interior_point().map(|p| to_world(p.x(), p.y())))
            .collect();
        let area_trees = Level::ALL
            .iter()
            .map(|level| {
                let items = areas
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.level == *level)
                    .filter_map(|(i, _)| boxed(&area_parts[i], i));
                RTree::bulk_load(items.collect())
            })
            .collect();
        let buildings = index.buildings.all();
        let building_shapes: Vec<BuildingShape> = buildings
            .iter()
            .map(|b| match &b.geometry {
                Geometry::Polygon(p) => BuildingShape::Parts(parts(&MultiPolygon::new(vec![p.clone()]))),
                Geometry::MultiPolygon(mp) => BuildingShape::Parts(parts(mp)),
                other => {
                    let c = other.bounding_rect().map(|r| r.center()).unwrap_or_default();
                    BuildingShape::Point(to_world(c.x, c.y))
                }
            })
            .collect();
        let building_tree = RTree::bulk_load(
            building_shapes
                .iter()
                .enumerate()
                .filter_map(|(i, s)| match s {
                    BuildingShape::Point(c) => Some(GeomWithData::new(
                        Rectangle::from_corners([c.x, c.y], [c.x, c.y]),
                        i as u32,
                    )),
                    BuildingShape::Parts(p) => boxed(p, i),
                })
                .collect(),
        );
        let households = index.households.all();
        let point = |i: usize, lon: f64, lat: f64| {
            let c = to_world(lon, lat);
            GeomWithData::new([c.x, c.y], i as u32)
        };
        let household_points: Vec<PointItem> = households
            .iter()
            .enumerate()
            .map(|(i, h)| point(i, h.location.lon(), h.location.lat()))
            .collect();
        let centers = household_points
            .iter()
            .filter(|p| households[p.data as usize].center_household)
            .cloned()
            .collect();
        let stations = index.stations.all();
        let station_points = stations
            .iter()
            .enumerate()
            .map(|(i, s)| point(i, s.location.lon(), s.location.lat()))
            .collect();
        let paths = index.paths.all();
        let path_lines: Vec<Vec<Vec<Coord<f64>>>> = paths
            .iter()
            .map(|p| {
                p.geometry
                    .iter()
                    .map(|l| l.coords().map(|c| to_world(c.x, c.y)).collect())
                    .collect()
            })
            .collect();
        let path_tree = RTree::bulk_load(
            path_lines
                .iter()
                .enumerate()
                .filter_map(|(i, lines)| {
                    let r = geo::MultiLineString::new(lines.iter().map(|l| geo::LineString::new(l.clone())).collect())
                        .bounding_rect()?;
                    Some(GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i as u32,
                    ))
                })
                .collect(),
        );
        let lonlat_bounds = |rects: &mut dyn Iterator<Item = Rect<f64>>| {
            rects
                .reduce(|a, b| {
                    Rect::new(
                        Coord {
                            x: a.min().x.min(b.min().x),
                            y: a.min().y.min(b.min().y),
                        },
                        Coord {
                            x: a.max().x.max(b.max().x),
                            y: a.max().y.max(b.max().y),
                        },
                    )
                })
                .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        };
        let bounds = [
            lonlat_bounds(&mut areas.iter().filter_map(|a| a.geometry.bounding_rect())),
            lonlat_bounds(&mut buildings.iter().filter_map(|b| b.geometry.bounding_rect())),
            lonlat_bounds(&mut households.iter().map(|h| {
                let c = Coord {
                    x: h.location.lon(),
                    y: h.location.lat(),
                };
                Rect::new(c, c)
            })),
            lonlat_bounds(&mut stations.iter().map(|s| {
                let c = Coord {
                    x: s.location.lon(),
                    y: s.location.lat(),
                };
                Rect::new(c, c)
            })),
            lonlat_bounds(&mut paths.iter().filter_map(|p| p.geometry.bounding_rect())),
        ];
        Self {
            generation: index.generation(),
            area_trees,
            area_parts,
            area_labels,
            building_tree,
            building_shapes,
            center_households: RTree::bulk_load(centers),
            households: RTree::bulk_load(household_points),
            stations: RTree::bulk_load(station_points),
            path_tree,
            path_lines,
            bounds,
        }
    }

    /// The [`Index::generation`] this was built from.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The extent of a layer's data, WGS 84 degrees `[west, south, east, north]`.
    pub fn bounds(&self, layer: TileLayer) -> Option<[f64; 4]> {
        let slot = TileLayer::ALL.iter().position(|l| *l == layer).unwrap_or_default();
        self.bounds[slot]
    }

    /// Areas of `level` whose box meets `bounds` (world units), in index (code) order.
    pub fn areas_in(&self, level: Level, bounds: Rect<f64>) -> Vec<u32> {
        sorted(
            self.area_trees[level.depth()]
                .locate_in_envelope_intersecting(&aabb(bounds))
                .map(|i| i.data),
        )
    }

    pub fn buildings_in(&self, bounds: Rect<f64>) -> Vec<u32> {
        sorted(
            self.building_tree
                .locate_in_envelope_intersecting(&aabb(bounds))
                .map(|i| i.data),
        )
    }

    /// Households inside `bounds`: only center households below [`ALL_HOUSEHOLDS_FROM`].
    pub fn households_in(&self, bounds: Rect<f64>, z: u8) -> Vec<(u32, Coord<f64>)> {
        let tree = if z >= ALL_HOUSEHOLDS_FROM {
            &self.households
        } else {
            &self.center_households
        };
        points_in(tree, bounds)
    }

    /// Every household inside `bounds`, whatever the zoom.
    pub fn all_households_in(&self, bounds: Rect<f64>) -> Vec<(u32, Coord<f64>)> {
        points_in(&self.households, bounds)
    }

    pub fn stations_in(&self, bounds: Rect<f64>) -> Vec<(u32, Coord<f64>)> {
        points_in(&self.stations, bounds)
    }

    /// Paths whose box meets `bounds` (world units), in index (code) order.
    pub fn paths_in(&self, bounds: Rect<f64>) -> Vec<u32> {
        sorted(
            self.path_tree
                .locate_in_envelope_intersecting(&aabb(bounds))
                .map(|i| i.data),
        )
    }

    /// Features of `layer` (areas: of `level` only, when given) whose bounding box meets `bbox`
    /// (WGS 84 degrees `[west, south, east, north]`, edges included), in index (code) order. Boxes,
    /// not shapes: callers that need exact answers test each candidate's geometry. Points are
    /// exact up to the projection, which maps equal inputs to equal outputs, so a point on the
    /// box's edge is found.
    pub fn candidates(&self, layer: TileLayer, level: Option<Level>, bbox: [f64; 4]) -> Vec<u32> {
        let nw = to_world(bbox[0], bbox[3]);
        let se = to_world(bbox[2], bbox[1]);
        let world = Rect::new(nw, se);
        match layer {
            TileLayer::Areas => {
                let levels: Vec<Level> = level.map_or_else(|| Level::ALL.to_vec(), |l| vec![l]);
                sorted(levels.into_iter().flat_map(|l| {
                    self.area_trees[l.depth()]
                        .locate_in_envelope_intersecting(&aabb(world))
                        .map(|i| i.data)
                }))
            }
            TileLayer::Buildings => self.buildings_in(world),
            TileLayer::Households => points_in(&self.households, world).into_iter().map(|(i, _)| i).collect(),
            TileLayer::Stations => points_in(&self.stations, world).into_iter().map(|(i, _)| i).collect(),
            TileLayer::Paths => self.paths_in(world),
        }
    }
}

fn parts(mp: &MultiPolygon<f64>) -> Vec<Part> {
    mp.0.iter()
        .filter_map(|p| {
            let rings: Vec<Vec<Coord<f64>>> = std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|ring| {
                    let n = ring.0.len().saturating_sub(1);
                    ring.0[..n].iter().map(|c| to_world(c.x, c.y)).collect()
                })
                .collect();
            Part::new(rings)
        })
        .collect()
}

fn boxed(parts: &[Part], i: usize) -> Option<BoxItem> {
    let first = parts.first()?.bbox;
    let (min, max) = parts.iter().fold((first.min(), first.max()), |(lo, hi), p| {
        (
            Coord {
                x: lo.x.min(p.bbox.min().x),
                y: lo.y.min(p.bbox.min().y),
            },
            Coord {
                x: hi.x.max(p.bbox.max().x),
                y: hi.y.max(p.bbox.max().y),
            },
        )
    });
    Some(GeomWithData::new(
        Rectangle::from_corners([min.x, min.y], [max.x, max.y]),
        i as u32,
    ))
}

fn aabb(r: Rect<f64>) -> AABB<[f64; 2]> {
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

fn sorted(it: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut v: Vec<u32> = it.collect();
    v.sort_unstable();
    v
}

fn points_in(tree: &RTree<PointItem>, bounds: Rect<f64>) -> Vec<(u32, Coord<f64>)> {
    let mut v: Vec<(u32, Coord<f64>)> = tree
        .locate_in_envelope(&aabb(bounds))
        .map(|p| {
            (
                p.data,
                Coord {
                    x: p.geom()[0],
                    y: p.geom()[1],
                },
            )
        })
        .collect();
    v.sort_unstable_by_key(|(i, _)| *i);
    v
}
