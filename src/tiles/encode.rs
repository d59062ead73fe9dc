//! Features in integer tile units → Mapbox Vector Tile bytes (specification 2.1).
//!
//! The encoder is `geozero`'s MVT writer (crate `geozero`, feature `with-mvt`): it is part of the
//! georust family gridmap already builds on (`geo`, `geojson`), is maintained by several people and
//! released regularly, takes `geo` geometries directly, and ships the generated protobuf types
//! (prost) so no `protoc` is needed to build. The `mvt` crate was the alternative: also maintained,
//! but a one-person project with its own geometry types. Tests decode with a different crate
//! (`mvt-reader`), so an encoder mistake cannot hide behind a matching decoder.
//!
//! geozero writes rings in the order given; callers hand in rings already in MVT's orientation
//! (see [`super::simplify::orient`]).

use geo::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon};
use geozero::ToMvt;
use geozero::mvt::{Message, TagsBuilder, Tile, TileValue, tile};

use super::coord::EXTENT;

/// A feature's shape in integer tile units. Polygon parts are lists of rings, exterior first.
pub enum Shape {
    Point([i32; 2]),
    Polygons(Vec<Vec<Vec<[i32; 2]>>>),
}

/// An attribute value as tiles carry it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Str(&'a str),
    Int(i64),
    Bool(bool),
}

/// Attribute name and value pairs of one feature.
pub type Attributes<'a> = Vec<(&'static str, Value<'a>)>;

/// One layer of a tile being filled.
pub struct LayerBuilder {
    name: &'static str,
    features: Vec<tile::Feature>,
    tags: TagsBuilder,
}

impl LayerBuilder {
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            features: Vec::new(),
            tags: TagsBuilder::new(),
        }
    }

    /// Adds one feature; `None`-valued attributes are simply left out by the caller.
    pub fn add(&mut self, shape: Shape, attributes: &Attributes<'_>) -> Result<(), String> {
        let mut feature = geometry(shape).to_mvt_unscaled().map_err(|e| e.to_string())?;
        for (key, value) in attributes {
            let value = match value {
                Value::Str(s) => TileValue::Str((*s).to_owned()),
                Value::Int(i) => TileValue::Sint(*i),
                Value::Bool(b) => TileValue::Bool(*b),
            };
            let (k, v) = self.tags.insert_ref(key, value);
            feature.tags.extend([k, v]);
        }
        self.features.push(feature);
        Ok(())
    }

    fn into_layer(self) -> Option<tile::Layer> {
        if self.features.is_empty() {
            return None;
        }
        let (keys, values) = self.tags.into_tags();
        Some(tile::Layer {
            version: 2,
            name: self.name.to_owned(),
            features: self.features,
            keys,
            values: values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT),
        })
    }
}

/// The tile's bytes: the layers that have features, or nothing at all (an empty tile is a valid
/// tile of zero bytes).
pub fn tile_bytes(layers: impl IntoIterator<Item = LayerBuilder>) -> Vec<u8> {
    let layers: Vec<tile::Layer> = layers.into_iter().filter_map(LayerBuilder::into_layer).collect();
    if layers.is_empty() {
        return Vec::new();
    }
    Tile { layers }.encode_to_vec()
}

fn geometry(shape: Shape) -> Geometry<f64> {
    let coord = |[x, y]: [i32; 2]| Coord {
        x: f64::from(x),
        y: f64::from(y),
    };
    let ring = |r: Vec<[i32; 2]>| LineString::from(r.into_iter().map(coord).collect::<Vec<_>>());
    match shape {
        Shape::Point(p) => Geometry::Point(Point(coord(p))),
        Shape::Polygons(parts) => {
            let polygons: Vec<Polygon<f64>> = parts
                .into_iter()
                .filter_map(|rings| {
                    let mut rings = rings.into_iter();
                    let exterior = ring(rings.next()?);
                    Some(Polygon::new(exterior, rings.map(ring).collect()))
                })
                .collect();
            Geometry::MultiPolygon(MultiPolygon(polygons))
        }
    }
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
    }

    #[test]
    fn an_empty_layer_is_an_empty_tile() {
        assert!(tile_bytes([LayerBuilder::new("none")]).is_empty());
    }
}
