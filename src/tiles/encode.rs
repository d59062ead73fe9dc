//! Features in integer tile units → Mapbox Vector Tile bytes (specification 2.1).
//!
//! The protobuf messages and the attribute tables come from `geozero` (feature `with-mvt`): it is
//! part of the georust family gridmap already builds on (`geo`, `geojson`), is maintained by several
//! people and released regularly, and ships the generated protobuf types (prost) so no `protoc` is
//! needed to build. The `mvt` crate was the alternative: also maintained, but a one-person project
//! with its own geometry types. Tests decode with a different crate (`mvt-reader`), so an encoder
//! mistake cannot hide behind a matching decoder.
//!
//! The geometry commands (specification 4.3) are written here, straight from the integer rings:
//! geozero's writer takes `geo` geometries in floating point, and converting every ring of every
//! tile into one, then growing the command buffer a value at a time, was a third of the time spent
//! cutting a street-level tile. Rings are written in the order given; callers hand them in already
//! in MVT's orientation (see [`super::simplify::orient`]).

use std::collections::HashMap;

use geozero::mvt::{Message, Tile, tile};

use super::coord::EXTENT;

/// A feature's shape in integer tile units. Polygon parts are lists of rings, exterior first;
/// lines are open lists of two or more points.
pub enum Shape {
    Point([i32; 2]),
    Lines(Vec<Vec<[i32; 2]>>),
    Polygons(Vec<Vec<Vec<[i32; 2]>>>),
}

/// An attribute value as tiles carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value<'a> {
    Str(&'a str),
    Int(i64),
    Bool(bool),
    /// A double, kept as its bits so values can be compared and hashed (see [`Value::double`]).
    Double(u64),
}

impl Value<'_> {
    pub fn double(v: f64) -> Self {
        Self::Double(v.to_bits())
    }
}

impl From<Value<'_>> for tile::Value {
    fn from(v: Value<'_>) -> Self {
        let mut out = tile::Value::default();
        match v {
            Value::Str(s) => out.string_value = Some(s.to_owned()),
            Value::Int(i) => out.sint_value = Some(i),
            Value::Bool(b) => out.bool_value = Some(b),
            Value::Double(bits) => out.double_value = Some(f64::from_bits(bits)),
        }
        out
    }
}

/// Attribute name and value pairs of one feature.
pub type Attributes<'a> = Vec<(&'static str, Value<'a>)>;

/// One layer of a tile being filled, borrowing attribute values for `'a`.
///
/// The layer's key and value tables (specification 4.2: each feature's tags are pairs of indexes
/// into them) are kept here: geozero's table builder owns a `String` for every value it is offered
/// and hashes it with SipHash, which was a fifth of the time spent cutting a street-level tile; here
/// a value is borrowed until it is first seen and the hasher is foldhash. Keys are a handful per
/// layer, so a list.
pub struct LayerBuilder<'a> {
    name: &'static str,
    features: Vec<tile::Feature>,
    keys: Vec<&'static str>,
    values: Vec<Value<'a>>,
    value_ids: HashMap<Value<'a>, u32, foldhash::fast::RandomState>,
}

impl<'a> LayerBuilder<'a> {
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            features: Vec::new(),
            keys: Vec::new(),
            values: Vec::new(),
            value_ids: HashMap::default(),
        }
    }

    /// Adds one feature; `None`-valued attributes are simply left out by the caller.
    pub fn add(&mut self, shape: Shape, attributes: &Attributes<'a>) -> Result<(), String> {
        let mut feature = feature(&shape)?;
        feature.tags.reserve(2 * attributes.len());
        for &(key, value) in attributes {
            let k = match self.keys.iter().position(|k| *k == key) {
                Some(k) => k,
                None => {
                    self.keys.push(key);
                    self.keys.len() - 1
                }
            };
            let next = self.values.len() as u32;
            let v = *self.value_ids.entry(value).or_insert(next);
            if v == next {
                self.values.push(value);
            }
            feature.tags.extend([k as u32, v]);
        }
        self.features.push(feature);
        Ok(())
    }

    fn into_layer(self) -> Option<tile::Layer> {
        if self.features.is_empty() {
            return None;
        }
        Some(tile::Layer {
            version: 2,
            name: self.name.to_owned(),
            features: self.features,
            keys: self.keys.into_iter().map(str::to_owned).collect(),
            values: self.values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT),
        })
    }
}

/// The tile's bytes: the layers that have features, or nothing at all (an empty tile is a valid
/// tile of zero bytes).
pub fn tile_bytes<'a>(layers: impl IntoIterator<Item = LayerBuilder<'a>>) -> Vec<u8> {
    let layers: Vec<tile::Layer> = layers.into_iter().filter_map(LayerBuilder::into_layer).collect();
    if layers.is_empty() {
        return Vec::new();
    }
    Tile { layers }.encode_to_vec()
}

/// MVT command integers (specification 4.3.1).
const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

fn command(id: u32, count: usize) -> Result<u32, String> {
    // The count has 29 bits.
    u32::try_from(count)
        .ok()
        .filter(|c| *c < 1 << 29)
        .map(|c| id | (c << 3))
        .ok_or_else(|| format!("a ring of {count} points is more than a vector tile can hold"))
}

/// Zig-zag encoding of a parameter (specification 4.3.2).
fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// A feature with its geometry type and command stream; tags are added by the caller.
fn feature(shape: &Shape) -> Result<tile::Feature, String> {
    let (kind, geometry) = match shape {
        Shape::Point([x, y]) => (
            tile::GeomType::Point,
            vec![command(MOVE_TO, 1)?, zigzag(*x), zigzag(*y)],
        ),
        Shape::Polygons(parts) => {
            // Per ring: MoveTo, LineTo with the other points, ClosePath; two parameters a point.
            let len = parts.iter().flatten().map(|r| 2 * r.len() + 3).sum();
            let mut out = Vec::with_capacity(len);
            // The cursor carries over from ring to ring and from polygon to polygon.
            let mut cursor = [0i32, 0i32];
            for ring in parts.iter().flatten().filter(|r| r.len() >= 3) {
                let mut to = |out: &mut Vec<u32>, p: [i32; 2]| {
                    out.push(zigzag(p[0].wrapping_sub(cursor[0])));
                    out.push(zigzag(p[1].wrapping_sub(cursor[1])));
                    cursor = p;
                };
                out.push(command(MOVE_TO, 1)?);
                to(&mut out, ring[0]);
                out.push(command(LINE_TO, ring.len() - 1)?);
                for &p in &ring[1..] {
                    to(&mut out, p);
                }
                out.push(command(CLOSE_PATH, 1)?);
            }
            (tile::GeomType::Polygon, out)
        }
        Shape::Lines(lines) => {
            // Per line: MoveTo, LineTo with the other points; the cursor carries over.
            let len = lines.iter().map(|l| 2 * l.len() + 2).sum();
            let mut out = Vec::with_capacity(len);
            let mut cursor = [0i32, 0i32];
            for line in lines.iter().filter(|l| l.len() >= 2) {
                let mut to = |out: &mut Vec<u32>, p: [i32; 2]| {
                    out.push(zigzag(p[0].wrapping_sub(cursor[0])));
                    out.push(zigzag(p[1].wrapping_sub(cursor[1])));
                    cursor = p;
                };
                out.push(command(MOVE_TO, 1)?);
                to(&mut out, line[0]);
                out.push(command(LINE_TO, line.len() - 1)?);
                for &p in &line[1..] {
                    to(&mut out, p);
                }
            }
            (tile::GeomType::Linestring, out)
        }
    };
    Ok(tile::Feature {
        id: None,
        tags: Vec::new(),
        r#type: Some(kind as i32),
        geometry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_decodable_layer() {
        let mut layer = LayerBuilder::new("things");
        layer
            .add(
                Shape::Point([10, 20]),
                &vec![("name", Value::Str("甲")), ("n", Value::Int(3))],
            )
            .unwrap();
        let square = vec![vec![[0, 0], [100, 0], [100, 100], [0, 100]]];
        layer
            .add(Shape::Polygons(vec![square]), &vec![("ok", Value::Bool(true))])
            .unwrap();
        let bytes = tile_bytes([layer, LayerBuilder::new("empty")]);
        let tile = Tile::decode(bytes.as_slice()).unwrap();
        assert_eq!(tile.layers.len(), 1, "empty layers are left out");
        let l = &tile.layers[0];
        assert_eq!((l.name.as_str(), l.extent, l.features.len()), ("things", Some(4096), 2));
        assert_eq!(l.features[0].r#type, Some(tile::GeomType::Point as i32));
        // MoveTo(1) then zig-zag encoded 10, 20.
        assert_eq!(l.features[0].geometry, [9, 20, 40]);
        assert_eq!(l.features[1].r#type, Some(tile::GeomType::Polygon as i32));
        // MoveTo(1) 0,0; LineTo(3) +100,0 0,+100 -100,0; ClosePath(1).
        assert_eq!(l.features[1].geometry, [9, 0, 0, 26, 200, 0, 0, 200, 199, 0, 15]);
    }

    #[test]
    fn keys_and_values_are_shared_between_features() {
        let mut layer = LayerBuilder::new("areas");
        let point = Shape::Point([1, 1]);
        layer
            .add(point, &vec![("level", Value::Str("grid")), ("code", Value::Str("a"))])
            .unwrap();
        let point = Shape::Point([2, 2]);
        layer
            .add(
                point,
                &vec![
                    ("code", Value::Str("b")),
                    ("level", Value::Str("grid")),
                    ("n", Value::Int(7)),
                ],
            )
            .unwrap();
        let point = Shape::Point([3, 3]);
        layer
            .add(
                point,
                &vec![("n", Value::Str("7")), ("ok", Value::Bool(false)), ("m", Value::Int(7))],
            )
            .unwrap();
        let tile = Tile::decode(tile_bytes([layer]).as_slice()).unwrap();
        let l = &tile.layers[0];
        assert_eq!(l.keys, ["level", "code", "n", "ok", "m"]);
        let text = |s: &str| tile::Value {
            string_value: Some(s.to_owned()),
            ..Default::default()
        };
        let int = tile::Value {
            sint_value: Some(7),
            ..Default::default()
        };
        let no = tile::Value {
            bool_value: Some(false),
            ..Default::default()
        };
        // The string "7" and the integer 7 are different values; the integer is stored once.
        assert_eq!(
            l.values,
            [text("grid"), text("a"), text("b"), int.clone(), text("7"), no]
        );
        assert_eq!(l.features[0].tags, [0, 0, 1, 1]);
        assert_eq!(l.features[1].tags, [1, 2, 0, 0, 2, 3]);
        assert_eq!(l.features[2].tags, [2, 4, 3, 5, 4, 3]);
    }

    #[test]
    fn the_cursor_carries_over_from_ring_to_ring_and_polygon_to_polygon() {
        let square = |x: i32, y: i32| vec![[x, y], [x + 10, y], [x + 10, y + 10], [x, y + 10]];
        let mut layer = LayerBuilder::new("parts");
        let shape = Shape::Polygons(vec![vec![square(0, 0), square(2, 2)], vec![square(50, 50)]]);
        layer.add(shape, &vec![]).unwrap();
        let tile = Tile::decode(tile_bytes([layer]).as_slice()).unwrap();
        let g = &tile.layers[0].features[0].geometry;
        // The second ring starts 2,2 from the first ring's last point (0,10): -> +2,-8.
        assert_eq!(&g[11..14], &[9, zigzag(2), zigzag(-8)]);
        // The second polygon starts at 50,50, from the second ring's last point (2,12).
        assert_eq!(&g[22..25], &[9, zigzag(48), zigzag(38)]);
        assert_eq!(g.len(), 33);
    }

    #[test]
    fn lines_are_move_to_then_line_to_without_closing() {
        let mut layer = LayerBuilder::new("paths");
        let shape = Shape::Lines(vec![vec![[0, 0], [10, 0], [10, 5]], vec![[20, 20], [30, 20]]]);
        layer.add(shape, &vec![]).unwrap();
        let tile = Tile::decode(tile_bytes([layer]).as_slice()).unwrap();
        let f = &tile.layers[0].features[0];
        assert_eq!(f.r#type, Some(tile::GeomType::Linestring as i32));
        // MoveTo(1) 0,0; LineTo(2) +10,0 0,+5; MoveTo(1) +10,+15; LineTo(1) +10,0.
        assert_eq!(f.geometry, [9, 0, 0, 18, 20, 0, 0, 10, 9, 20, 30, 10, 20, 0]);
    }

    #[test]
    fn zigzag_matches_the_specification() {
        for (v, z) in [
            (0, 0),
            (-1, 1),
            (1, 2),
            (-2, 3),
            (2, 4),
            (i32::MAX, u32::MAX - 1),
            (i32::MIN, u32::MAX),
        ] {
            assert_eq!(zigzag(v), z, "{v}");
        }
    }

    #[test]
    fn an_empty_layer_is_an_empty_tile() {
        assert!(tile_bytes([LayerBuilder::new("none")]).is_empty());
    }
}
