//! Well-formed import files for every layer, as a careful export or hand-made file would look, and
//! what the importer must make of each feature. The mutation properties start from these and break
//! one thing at a time.

use std::f64::consts::{SQRT_2, TAU};

use gridmap::domain::{Crs, Layer, LonLat, StationKind};
use gridmap::import::{ImportError, InputFile, Parsed, TIERS, parse_files};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// A ring as written in a file: `[lon, lat]` positions, first and last equal.
pub type Ring = Vec<[f64; 2]>;

/// A feature's geometry, in the CRS of the file.
#[derive(Debug, Clone)]
pub enum Shape {
    Point([f64; 2]),
    /// Rings with the exterior counter-clockwise and holes clockwise (RFC 7946).
    Polygon(Vec<Ring>),
    MultiPolygon(Vec<Vec<Ring>>),
}

impl Shape {
    /// The GeoJSON geometry; `reversed` writes every ring the other way round, which RFC 7946 asks
    /// readers to accept.
    pub fn to_json(&self, reversed: bool) -> Value {
        let ring = |r: &Ring| {
            let mut r = r.clone();
            if reversed {
                r.reverse();
            }
            json!(r)
        };
        let polygon = |p: &Vec<Ring>| Value::Array(p.iter().map(ring).collect());
        match self {
            Shape::Point(p) => json!({"type": "Point", "coordinates": p}),
            Shape::Polygon(p) => json!({"type": "Polygon", "coordinates": polygon(p)}),
            Shape::MultiPolygon(ps) => {
                json!({"type": "MultiPolygon", "coordinates": ps.iter().map(polygon).collect::<Vec<_>>()})
            }
        }
    }

    /// A position well inside the shape (the centre of its first part).
    pub fn anchor(&self) -> [f64; 2] {
        match self {
            Shape::Point(p) => *p,
            Shape::Polygon(rings) => centre(&rings[0]),
            Shape::MultiPolygon(parts) => centre(&parts[0][0]),
        }
    }
}

fn centre(ring: &Ring) -> [f64; 2] {
    let n = (ring.len() - 1) as f64;
    let (x, y) = ring[..ring.len() - 1]
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p[0], y + p[1]));
    [x / n, y / n]
}

/// One feature as the generator wrote it.
#[derive(Debug, Clone)]
pub struct Feature {
    /// The code the importer must report.
    pub code: String,
    /// Carry the code as the feature `id` instead of a property (the importer accepts either).
    pub code_in_id: bool,
    /// Known properties exactly as written (text may carry spaces the importer trims).
    pub known: Map<String, Value>,
    /// Properties gridmap has no column for; they must come back unchanged.
    pub extra: Map<String, Value>,
    pub shape: Shape,
    pub reversed: bool,
}

impl Feature {
    pub fn to_json(&self) -> Value {
        let mut properties = self.known.clone();
        properties.extend(self.extra.clone());
        let mut f = json!({"type": "Feature", "properties": properties, "geometry": self.shape.to_json(self.reversed)});
        if self.code_in_id {
            f["id"] = self.code.clone().into();
        } else {
            f["properties"]["code"] = self.code.clone().into();
        }
        f
    }
}

/// A FeatureCollection of one layer, and the CRS it is written in.
#[derive(Debug, Clone)]
pub struct Collection {
    pub layer: Layer,
    pub crs: Crs,
    pub features: Vec<Feature>,
}

impl Collection {
    pub fn to_json(&self) -> Value {
        json!({"type": "FeatureCollection", "features": self.features.iter().map(Feature::to_json).collect::<Vec<_>>()})
    }

    pub fn file(&self) -> InputFile {
        file("layer.geojson", self.to_json().to_string().into_bytes())
    }
}

pub fn file(name: &str, bytes: Vec<u8>) -> InputFile {
    InputFile {
        name: name.to_owned(),
        bytes,
    }
}

/// Runs the importer's parse step, with a progress callback that checks it only counts up.
pub fn parse(layer: Layer, crs: Crs, files: &[InputFile]) -> Result<Parsed, ImportError> {
    let mut last = 0;
    parse_files(layer, crs, files, &mut |n| {
        assert!(n > last, "progress went from {last} to {n}");
        last = n;
    })
}

/// The layers of governance features. Paths (lines, all properties optional) are checked by the
/// API tests and the parser's unit tests, not fuzzed here.
pub fn any_layer() -> impl Strategy<Value = Layer> {
    prop::sample::select(
        Layer::ALL
            .into_iter()
            .filter(|l| *l != Layer::Paths)
            .collect::<Vec<_>>(),
    )
}

pub fn any_crs() -> impl Strategy<Value = Crs> {
    prop_oneof![Just(Crs::Wgs84), Just(Crs::Gcj02), Just(Crs::Bd09)]
}

/// Text a person might type, and text an attacker might: markup and SQL are legal names and must be
/// kept verbatim (after trimming surrounding spaces), never escaped or refused.
pub fn text() -> impl Strategy<Value = String> {
    let core = prop_oneof![
        Just("<script>alert('x')</script>".to_owned()),
        Just("'; DROP TABLE areas; --".to_owned()),
        Just("Robert'); DELETE FROM households WHERE ('1'='1".to_owned()),
        Just("\" OR 1=1 --".to_owned()),
        Just("南漳县李庙镇林家坪村".to_owned()),
        Just("{{7*7}} ${jndi:ldap://x} %s%n \\x00".to_owned()),
        Just("\u{202e}evil\u{200b} 👪".to_owned()),
        Just("line one\nline two\ttab".to_owned()),
        "\\PC{1,30}",
    ];
    (core, "[ \t\u{3000}]{0,2}", "[ \t\u{3000}]{0,2}")
        .prop_map(|(s, before, after)| format!("{before}{s}{after}"))
        .prop_filter("text must not be blank", |s| !s.trim().is_empty())
}

/// A point in Hubei, where gridmap's data lives.
pub fn hubei() -> impl Strategy<Value = [f64; 2]> {
    (108.4f64..115.9, 29.1f64..33.2).prop_map(|(lon, lat)| [lon, lat])
}

/// A point a WGS 84 file may carry: anywhere on Earth, except pairs that read as swapped.
fn anywhere() -> impl Strategy<Value = [f64; 2]> {
    (-180.0f64..=180.0, -90.0f64..=90.0)
        .prop_map(|(lon, lat)| [lon, lat])
        .prop_filter("swapped-looking pairs are refused by design", |p| {
            LonLat::new(p[0], p[1]).is_ok()
        })
}

fn point(crs: Crs) -> BoxedStrategy<[f64; 2]> {
    match crs {
        // GCJ-02 and BD-09 only mean something in China.
        Crs::Wgs84 => prop_oneof![3 => hubei(), 1 => anywhere()].boxed(),
        _ => hubei().boxed(),
    }
}

/// A simple polygon around `centre`: vertices at increasing angles, each at its own radius, so it is
/// star-shaped and cannot cross itself; sometimes with a square hole well inside every edge.
fn star(centre: [f64; 2], scale: f64) -> impl Strategy<Value = Vec<Ring>> {
    (4usize..12)
        .prop_flat_map(|k| (vec(0.0f64..0.8, k), vec(0.5f64..1.0, k), any::<bool>()))
        .prop_map(move |(jitter, radii, with_hole)| {
            let k = jitter.len() as f64;
            let angles: Vec<f64> = jitter
                .iter()
                .enumerate()
                .map(|(i, j)| (i as f64 + j) / k * TAU)
                .collect();
            let mut ring: Ring = angles
                .iter()
                .zip(&radii)
                .map(|(a, r)| [centre[0] + r * scale * a.cos(), centre[1] + r * scale * a.sin()])
                .collect();
            ring.push(ring[0]);
            let mut rings = vec![ring];
            if with_hole {
                // Every edge is at least r_min·cos(gap/2) from the centre (gap < π: jitter < 0.8
                // and k ≥ 4), so a square of half that diagonal stays clear of the exterior.
                let gap = angles
                    .windows(2)
                    .map(|w| w[1] - w[0])
                    .chain([angles[0] + TAU - angles[angles.len() - 1]])
                    .fold(0.0, f64::max);
                let h = 0.5 * (0.5 * scale * (gap / 2.0).cos()) / SQRT_2;
                let [x, y] = centre;
                rings.push(vec![
                    [x - h, y - h],
                    [x - h, y + h],
                    [x + h, y + h],
                    [x + h, y - h],
                    [x - h, y - h],
                ]);
            }
            rings
        })
}

/// A Polygon or a MultiPolygon of up to three parts, half a degree apart (each part is at most
/// 0.2° across its centre, so parts never meet).
fn polygonal() -> impl Strategy<Value = Shape> {
    ((108.4f64..114.4, 29.1f64..33.0), 0.002f64..0.2, 0usize..4).prop_flat_map(|((lon, lat), scale, parts)| {
        if parts == 0 {
            star([lon, lat], scale).prop_map(Shape::Polygon).boxed()
        } else {
            (0..parts)
                .map(|i| star([lon + 0.5 * i as f64, lat], scale))
                .collect::<Vec<_>>()
                .prop_map(Shape::MultiPolygon)
                .boxed()
        }
    })
}

/// Properties gridmap keeps as they came: any JSON value under a name it has no column for.
fn extra() -> impl Strategy<Value = Map<String, Value>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-z]{1,5}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    btree_map("x_[a-z0-9_]{1,8}", value, 0..3).prop_map(|m| m.into_iter().collect())
}

/// Optional known properties: `(name, value)` pairs, each present or not.
fn optional(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> impl Strategy<Value = Map<String, Value>> {
    fields
        .into_iter()
        .map(|(name, value)| proptest::option::of(value).prop_map(move |v| v.map(|v| (name.to_owned(), v))))
        .collect::<Vec<_>>()
        .prop_map(|pairs| pairs.into_iter().flatten().collect())
}

fn text_value() -> BoxedStrategy<Value> {
    text().prop_map(Value::from).boxed()
}

/// A whole number in `lo..=hi`, as a JSON number or as text (the CSV form, accepted in GeoJSON too).
fn whole(lo: i64, hi: i64) -> BoxedStrategy<Value> {
    prop_oneof![
        (lo..=hi).prop_map(Value::from),
        (lo..=hi).prop_map(|n| Value::from(n.to_string()))
    ]
    .boxed()
}

fn flag() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::from),
        prop::sample::select(vec!["true", "false", "1", "0", "是", "否", "YES", "no"]).prop_map(Value::from),
        (0u8..=1).prop_map(Value::from),
    ]
    .boxed()
}

fn known(layer: Layer) -> BoxedStrategy<Map<String, Value>> {
    match layer {
        Layer::Areas => (
            text(),
            optional(vec![("leader_name", text_value()), ("leader_phone", text_value())]),
        )
            .prop_map(|(name, mut m)| {
                m.insert("name".into(), name.into());
                m.insert("level".into(), "county".into());
                m
            })
            .boxed(),
        Layer::Buildings => optional(vec![("address", text_value()), ("floors", whole(0, 300))]).boxed(),
        Layer::Households => optional(vec![
            ("head_name", text_value()),
            ("phone", text_value()),
            ("members", whole(0, 100)),
            ("address", text_value()),
            ("party_member", flag()),
            ("center_household", flag()),
        ])
        .boxed(),
        Layer::Stations => {
            let kind = prop_oneof![
                prop::sample::select(StationKind::KNOWN.iter().map(|(k, _)| *k).collect::<Vec<_>>())
                    .prop_map(str::to_owned),
                "[a-z0-9_]{1,40}",
            ];
            let tier = prop::sample::select(TIERS.to_vec()).prop_map(Value::from).boxed();
            let services = prop_oneof![
                vec(text(), 0..4).prop_map(|v| json!(v)),
                vec("[a-z]{1,6}", 0..4).prop_map(|v| Value::from(v.join(";"))),
            ]
            .boxed();
            (
                kind,
                optional(vec![
                    ("name", text_value()),
                    ("tier", tier),
                    ("phone", text_value()),
                    ("open_hours", text_value()),
                    ("services", services),
                ]),
            )
                .prop_map(|(kind, mut m)| {
                    m.insert("kind".into(), kind.into());
                    m
                })
                .boxed()
        }
        Layer::Paths => optional(vec![("name", text_value()), ("highway", text_value())]).boxed(),
    }
}

fn shape(layer: Layer, crs: Crs) -> BoxedStrategy<Shape> {
    match layer {
        Layer::Areas => polygonal().boxed(),
        Layer::Buildings => prop_oneof![point(crs).prop_map(Shape::Point), polygonal()].boxed(),
        Layer::Households | Layer::Stations => point(crs).prop_map(Shape::Point).boxed(),
        Layer::Paths => unreachable!("paths are not fuzzed (see any_layer)"),
    }
}

/// A valid collection of `layer` with 1 to 5 features, unique codes.
pub fn collection(layer: Layer) -> impl Strategy<Value = Collection> {
    (any_crs(), 1usize..6).prop_flat_map(move |(crs, n)| {
        let feature = (
            "[A-Za-z0-9._-]{0,12}",
            any::<bool>(),
            known(layer),
            extra(),
            shape(layer, crs),
            any::<bool>(),
        );
        vec(feature, n).prop_map(move |fs| Collection {
            layer,
            crs,
            features: fs
                .into_iter()
                .enumerate()
                .map(|(i, (prefix, code_in_id, known, extra, shape, reversed))| Feature {
                    // The index keeps codes unique and non-empty.
                    code: format!("{prefix}{i}"),
                    code_in_id,
                    known,
                    extra,
                    shape,
                    reversed,
                })
                .collect(),
        })
    })
}

pub fn any_collection() -> impl Strategy<Value = Collection> {
    any_layer().prop_flat_map(collection)
}

/// Layers whose features are polygons (buildings may be either; these fixtures' buildings are
/// polygons when the strategy says so).
pub fn polygon_collection() -> impl Strategy<Value = Collection> {
    prop_oneof![collection(Layer::Areas), collection(Layer::Buildings)].prop_filter("needs a polygonal feature", |c| {
        c.features.iter().any(|f| !matches!(f.shape, Shape::Point(_)))
    })
}
