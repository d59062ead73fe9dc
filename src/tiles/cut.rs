//! Cutting one tile of one layer: per-tile R-tree search → clip with a buffer → simplify in tile
//! units → encode. Input geometry is in world units (see [`super::source`]), output in tile units
//! (4096 across, `y` down).

use geo::{Coord, Rect};

use super::TileError;
use super::clip::{clip_line, clip_ring_in_place, contains_rect, rects_meet};
use super::coord::{BUFFER, EXTENT, TileCoord, to_lonlat};
use super::encode::{LayerBuilder, Shape, tile_bytes};
use super::layers::{
    AREA_LABELS, MINOR_PATHS_FROM, TileLayer, area_attributes, building_attributes, household_attributes,
    is_minor_path, level_minzoom, path_attributes, station_attributes,
};
use super::part::Part;
use super::simplify::{TOLERANCE, orient, simplify_line, simplify_ring, thin_into};
use super::source::{BuildingShape, TileSource};
use crate::access::Sight;
use crate::domain::Level;
use crate::index::Index;

/// The MVT bytes of `layer` at `tile`. `source` must have been built from `index`.
/// Cuts one tile. `households` says how much of each household (by index) the reader may see:
/// hidden ones are left out, masked ones carry no name.
pub fn render(
    index: &Index,
    source: &TileSource,
    layer: TileLayer,
    tile: TileCoord,
    households: &dyn Fn(u32) -> Sight,
) -> Result<Vec<u8>, TileError> {
    let search = tile.world_bounds(BUFFER);
    let mut out = LayerBuilder::new(layer.name());
    let mut labels = LayerBuilder::new(AREA_LABELS);
    let mut scratch = Scratch::default();
    // A label point belongs to the one tile that holds it (half-open), so each area is named once;
    // renderers draw a symbol past its tile's edge.
    let own = tile.world_bounds(0.0);
    let owns = |c: Coord<f64>| own.min().x <= c.x && c.x < own.max().x && own.min().y <= c.y && c.y < own.max().y;
    let fail = |cause: String| TileError::Encode {
        layer: layer.name(),
        tile: tile.to_string(),
        cause,
    };
    if tile.z() >= layer.minzoom() {
        match layer {
            TileLayer::Areas => {
                for level in Level::ALL.into_iter().filter(|l| level_minzoom(*l) <= tile.z()) {
                    for i in source.areas_in(level, search) {
                        let attributes = area_attributes(index.areas.get(i));
                        if let Some(shape) = area_shape(index, source, i, tile, &mut scratch) {
                            out.add(shape, &attributes).map_err(&fail)?;
                        }
                        if let Some(at) = source.area_labels[i as usize].filter(|c| owns(*c)) {
                            labels.add(point(at, tile), &attributes).map_err(&fail)?;
                        }
                    }
                }
            }
            TileLayer::Buildings => {
                for i in source.buildings_in(search) {
                    let shape = match &source.building_shapes[i as usize] {
                        BuildingShape::Point(c) => Some(point(*c, tile)),
                        BuildingShape::Parts(parts) => polygons(parts, tile, &mut scratch),
                    };
                    if let Some(shape) = shape {
                        out.add(shape, &building_attributes(index.buildings.get(i)))
                            .map_err(fail)?;
                    }
                }
            }
            TileLayer::Households => {
                for (i, c) in source.households_in(search, tile.z()) {
                    if let Some(attributes) = household_attributes(index.households.get(i), households(i)) {
                        out.add(point(c, tile), &attributes).map_err(fail)?;
                    }
                }
            }
            TileLayer::Stations => {
                for (i, c) in source.stations_in(search) {
                    out.add(point(c, tile), &station_attributes(index.stations.get(i)))
                        .map_err(fail)?;
                }
            }
            TileLayer::Paths => {
                for i in source.paths_in(search) {
                    if tile.z() < MINOR_PATHS_FROM && is_minor_path(index.paths.get(i)) {
                        continue;
                    }
                    if let Some(shape) = lines(&source.path_lines[i as usize], tile, &mut scratch) {
                        out.add(shape, &path_attributes(index.paths.get(i))).map_err(fail)?;
                    }
                }
            }
        }
    }
    Ok(tile_bytes([out, labels]))
}

/// Area `i` (an index into the snapshot's areas) as it shows in `tile`, if it does.
pub(super) fn area_shape(
    index: &Index,
    source: &TileSource,
    i: u32,
    tile: TileCoord,
    scratch: &mut Scratch,
) -> Option<Shape> {
    let search = tile.world_bounds(BUFFER);
    let parts = &source.area_parts[i as usize];
    if parts.iter().any(|p| p.edges_meet(search)) {
        polygons(parts, tile, scratch)
    } else {
        // No edge of the area near the tile: the tile is wholly inside it or wholly outside,
        // which one point tells (typical of counties and townships at street zooms, whose
        // outlines have thousands of vertices).
        let (lon, lat) = to_lonlat(search.center());
        index
            .areas
            .contains(i, lon, lat)
            .then(|| Shape::Polygons(vec![vec![buffered_square()]]))
    }
}

pub(super) fn point(world: Coord<f64>, tile: TileCoord) -> Shape {
    let c = tile.to_tile(world);
    Shape::Point([c.x.round() as i32, c.y.round() as i32])
}

/// Buffers one tile's rings pass through, reused from ring to ring.
#[derive(Default)]
pub(super) struct Scratch {
    ring: Vec<Coord<f64>>,
    spare: Vec<Coord<f64>>,
}

/// The parts of a polygon feature that show in `tile`, clipped to the tile plus its buffer and
/// simplified; `None` when nothing with area is left.
pub(super) fn polygons(parts: &[Part], tile: TileCoord, scratch: &mut Scratch) -> Option<Shape> {
    let search = tile.world_bounds(BUFFER);
    let clip_box = clip_box();
    let mut out = Vec::new();
    for part in parts.iter().filter(|p| rects_meet(p.bbox, search)) {
        let inside = contains_rect(search, part.bbox);
        let mut rings = Vec::with_capacity(part.rings.len());
        for k in 0..part.rings.len() {
            let exterior = k == 0;
            let ring = &mut scratch.ring;
            if inside {
                thin_into(part.rings[k].iter().map(|c| tile.to_tile(*c)), TOLERANCE, ring);
            } else {
                thin_into(part.ring_near(k, search).map(|c| tile.to_tile(c)), TOLERANCE, ring);
                clip_ring_in_place(ring, &mut scratch.spare, clip_box);
            }
            match simplify_ring(ring, TOLERANCE) {
                Some(mut r) => {
                    orient(&mut r, exterior);
                    rings.push(r);
                }
                // Without its exterior the part is gone; a vanished hole is just left out.
                None if exterior => break,
                None => {}
            }
        }
        if !rings.is_empty() {
            out.push(rings);
        }
    }
    (!out.is_empty()).then_some(Shape::Polygons(out))
}

/// Lines (world units) as they show in `tile`: thinned and clipped to the tile plus its buffer in
/// tile units, then simplified as rings are; `None` when nothing longer than a tile unit is left.
pub(super) fn lines(lines: &[Vec<Coord<f64>>], tile: TileCoord, scratch: &mut Scratch) -> Option<Shape> {
    let clip_box = clip_box();
    let mut pieces = Vec::new();
    for line in lines {
        thin_into(line.iter().map(|c| tile.to_tile(*c)), TOLERANCE, &mut scratch.ring);
        // Thinning keeps the first point; the last must stay too, or a line would stop short.
        if let (Some(&last), Some(&end)) = (scratch.ring.last(), line.last()) {
            let end = tile.to_tile(end);
            if last != end {
                scratch.ring.push(end);
            }
        }
        clip_line(&scratch.ring, clip_box, &mut pieces);
    }
    let out: Vec<Vec<[i32; 2]>> = pieces.iter().filter_map(|p| simplify_line(p, TOLERANCE)).collect();
    (!out.is_empty()).then_some(Shape::Lines(out))
}

/// The tile plus its buffer, in tile units.
fn clip_box() -> Rect<f64> {
    Rect::new(
        Coord { x: -BUFFER, y: -BUFFER },
        Coord {
            x: f64::from(EXTENT) + BUFFER,
            y: f64::from(EXTENT) + BUFFER,
        },
    )
}

/// The exterior ring of a polygon covering the tile and its buffer, oriented as MVT wants it.
fn buffered_square() -> Vec<[i32; 2]> {
    let b = clip_box();
    let ring = [
        b.min(),
        Coord {
            x: b.max().x,
            y: b.min().y,
        },
        b.max(),
        Coord {
            x: b.min().x,
            y: b.max().y,
        },
    ];
    let mut ring: Vec<[i32; 2]> = ring.iter().map(|c| [c.x.round() as i32, c.y.round() as i32]).collect();
    orient(&mut ring, true);
    ring
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use geo::{LineString, MultiPolygon, Polygon};
    use geozero::mvt::{Message, Tile};

    use super::*;
    use crate::domain::{Area, Code};
    use crate::index::Dataset;
    use crate::tiles::to_world;

    /// A county drawn as a circle of 20,000 vertices, 0.3° across, around (112, 32).
    fn detailed_county() -> Index {
        let ring: Vec<(f64, f64)> = (0..=20_000)
            .map(|i| {
                let a = f64::from(i % 20_000) / 20_000.0 * std::f64::consts::TAU;
                (112.0 + 0.3 * a.cos(), 32.0 + 0.3 * a.sin())
            })
            .collect();
        let area = Area {
            id: uuid::Uuid::nil(),
            code: Code::parse("420001").unwrap(),
            name: "测试县".into(),
            level: Level::County,
            parent_code: None,
            leader_name: None,
            leader_phone: None,
            properties: Default::default(),
            geometry: MultiPolygon::new(vec![Polygon::new(LineString::from(ring), vec![])]),
            version: 1,
        };
        Index::build(Dataset {
            areas: Arc::new(vec![area]),
            ..Default::default()
        })
    }

    /// Vertices of every polygon feature of a tile's `areas` layer.
    fn vertices(bytes: &[u8]) -> usize {
        let tile = Tile::decode(bytes).unwrap();
        // Each MoveTo/LineTo parameter pair is one vertex: (command count) = total - vertices * 2.
        let Some(layer) = tile.layers.iter().find(|l| l.name == "areas") else {
            return 0;
        };
        layer
            .features
            .iter()
            .map(|f| {
                let mut n = 0;
                let mut i = 0;
                while i < f.geometry.len() {
                    let (id, count) = (f.geometry[i] & 7, (f.geometry[i] >> 3) as usize);
                    i += 1;
                    if id != 7 {
                        n += count;
                        i += 2 * count;
                    }
                }
                n
            })
            .sum()
    }

    fn tile_of(z: u8, lon: f64, lat: f64) -> TileCoord {
        let w = to_world(lon, lat);
        let n = f64::from(1u32 << z);
        TileCoord::new(u64::from(z), (w.x * n) as u64, (w.y * n) as u64).unwrap()
    }

    #[test]
    fn a_detailed_outline_is_simplified_at_low_zoom_and_kept_at_high_zoom() {
        let index = detailed_county();
        let source = TileSource::build(&index);
        // At z6 the county is ~50 tile units across per 0.3°: a few dozen vertices draw it.
        let low = render(&index, &source, TileLayer::Areas, tile_of(6, 112.0, 32.0), &|_| {
            Sight::Full
        })
        .unwrap();
        let n_low = vertices(&low);
        assert!((8..200).contains(&n_low), "z6: {n_low} vertices");
        // At z10 (a ~0.35° tile) the whole edge is ~1,400 units long: more detail, still far from 20,000.
        let mid = render(&index, &source, TileLayer::Areas, tile_of(10, 112.0, 32.3), &|_| {
            Sight::Full
        })
        .unwrap();
        let n_mid = vertices(&mid);
        assert!(n_mid > n_low && n_mid < 2_000, "z10: {n_mid} vertices");
    }

    #[test]
    fn a_tile_in_a_hole_far_from_every_edge_shows_nothing_of_the_area() {
        // A 1° square with a 0.5° square hole; a z14 tile (~0.02°) at the middle of the hole.
        let mut index = detailed_county();
        let mut areas = (**index.areas.all()).clone();
        areas[0].geometry = geo::wkt!(MULTIPOLYGON(((111.5 31.5,112.5 31.5,112.5 32.5,111.5 32.5,111.5 31.5),(111.75 31.75,111.75 32.25,112.25 32.25,112.25 31.75,111.75 31.75))));
        index = Index::build(Dataset {
            areas: Arc::new(areas),
            ..Default::default()
        });
        let source = TileSource::build(&index);
        let in_hole = render(&index, &source, TileLayer::Areas, tile_of(14, 112.0, 32.0), &|_| {
            Sight::Full
        })
        .unwrap();
        assert_eq!(vertices(&in_hole), 0, "the hole is not the county's");
        let in_ring = render(&index, &source, TileLayer::Areas, tile_of(14, 111.6, 32.0), &|_| {
            Sight::Full
        })
        .unwrap();
        assert_eq!(
            vertices(&in_ring),
            4,
            "between the outer edge and the hole, the whole tile"
        );
    }

    #[test]
    fn a_tile_inside_a_polygon_is_the_buffered_square() {
        let index = detailed_county();
        let source = TileSource::build(&index);
        let bytes = render(&index, &source, TileLayer::Areas, tile_of(14, 112.0, 32.0), &|_| {
            Sight::Full
        })
        .unwrap();
        assert_eq!(vertices(&bytes), 4, "the county covers the whole tile");
    }
}
