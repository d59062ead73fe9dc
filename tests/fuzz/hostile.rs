//! Input nobody should send, sent anyway: random bytes, files cut short or with flipped bytes,
//! literals JSON does not have, numbers at the edges of `f64`, and polygons drawn at random on a
//! small grid (where collinear, touching and repeated positions are common). Whatever comes in, the
//! importer answers; when it accepts, what it accepted keeps its promises.

use gridmap::domain::{Crs, Layer, LonLat};
use gridmap::import::ImportError;
use gridmap::store::Batch;
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::cases::fuzz_config;
use crate::fixtures::{any_collection, any_crs, any_layer, file, parse};
use crate::invariants::{check, describe, refused_at};

/// Numbers at the edges: signed zeros, subnormals, the extremes of `f64`, the limits of longitude
/// and latitude and just past them, and ordinary values.
fn nasty_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::sample::select(vec![
            0.0,
            -0.0,
            5e-324,
            -5e-324,
            1e-300,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            1e300,
            180.0,
            -180.0,
            180.000_000_000_000_03,
            90.0,
            -90.0,
            90.000_000_000_000_01,
            -90.000_000_000_000_01,
            112.0,
            32.0,
        ]),
        -200.0f64..200.0,
        any::<f64>().prop_filter("JSON has no NaN or infinity", |v| v.is_finite()),
    ]
}

/// A polygon ring on a 5×5 grid 0.01° apart near 襄阳: small enough that random rings often are
/// collinear, repeat positions, touch or cross.
fn grid_ring() -> impl Strategy<Value = Vec<[f64; 2]>> {
    (vec((0u8..5, 0u8..5), 0..8), prop::bool::weighted(0.8)).prop_map(|(cells, close)| {
        let mut ring: Vec<[f64; 2]> = cells
            .into_iter()
            .map(|(i, j)| [112.0 + f64::from(i) * 0.01, 32.0 + f64::from(j) * 0.01])
            .collect();
        if close && let Some(&first) = ring.first() {
            ring.push(first);
        }
        ring
    })
}

fn grid_geometry() -> impl Strategy<Value = Value> {
    let polygon = || vec(grid_ring(), 0..4);
    prop_oneof![
        polygon().prop_map(|p| json!({"type": "Polygon", "coordinates": p})),
        vec(polygon(), 0..3).prop_map(|ps| json!({"type": "MultiPolygon", "coordinates": ps})),
    ]
}

/// Random JSON, for places where a geometry, a property or a whole feature is expected.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        nasty_number().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "Feature",
            "FeatureCollection",
            "Point",
            "Polygon",
            "MultiPolygon",
            "GeometryCollection",
            "coordinates",
            "code",
        ])
        .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 40, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    prop::sample::select(vec![
                        "type",
                        "coordinates",
                        "geometry",
                        "properties",
                        "features",
                        "geometries",
                        "id",
                        "code",
                        "crs"
                    ])
                    .prop_map(str::to_owned),
                    "[a-z]{1,4}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn file_name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["in.geojson", "in.json", "in.csv", "IN.CSV", "in"]).prop_map(str::to_owned)
}

proptest! {
    #![proptest_config(fuzz_config(512))]

    /// Any bytes at all, under any name, for any layer and CRS: an answer, never a panic.
    #[test]
    fn arbitrary_bytes_get_an_answer(bytes in vec(any::<u8>(), 0..512), name in file_name(), layer in any_layer(), crs in any_crs()) {
        let files = [file(&name, bytes)];
        check(layer, &files, None, &parse(layer, crs, &files));
    }

    /// Random JSON wherever the importer looks: as the file, a feature, a geometry or the properties.
    #[test]
    fn arbitrary_json_gets_an_answer(c in any_collection(), junk in any_json(), place in 0u8..5, at in any::<prop::sample::Index>()) {
        let mut v = c.to_json();
        let i = at.index(c.features.len());
        match place {
            0 => v = junk,
            1 => v["features"][i] = junk,
            2 => v["features"][i]["geometry"] = junk,
            3 => v["features"][i]["properties"] = junk,
            _ => v["crs"] = junk,
        }
        let files = [file("junk.geojson", v.to_string().into_bytes())];
        let counts = [v["features"].as_array().map_or(0, Vec::len)];
        let known = (place != 0).then_some(&counts[..]);
        check(c.layer, &files, known, &parse(c.layer, c.crs, &files));
    }
}

proptest! {
    #![proptest_config(fuzz_config(256))]

    /// A valid file cut short anywhere is not JSON any more: refused as malformed, naming the file.
    #[test]
    fn truncated_files_are_malformed(c in any_collection(), cut in any::<prop::sample::Index>()) {
        let bytes = c.file().bytes;
        let files = [file("cut.geojson", bytes[..cut.index(bytes.len())].to_vec())];
        let result = parse(c.layer, c.crs, &files);
        check(c.layer, &files, None, &result);
        prop_assert!(matches!(&result, Err(ImportError::Malformed { file, .. }) if file == "cut.geojson"), "{}", describe(&result));
    }

    /// A few flipped bytes: accepted or refused, with the promises kept either way.
    #[test]
    fn flipped_bytes_get_an_answer(c in any_collection(), flips in vec((any::<prop::sample::Index>(), 1u8..=255), 1..4)) {
        let mut bytes = c.file().bytes;
        for (at, x) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= x;
        }
        let files = [file("flipped.geojson", bytes)];
        check(c.layer, &files, None, &parse(c.layer, c.crs, &files));
    }

    /// Literals JSON does not have (`NaN`, `Infinity`) make the file malformed; numbers too big
    /// for `f64` (`1e400`) are JSON, so they make the feature that carries them bad.
    #[test]
    fn non_finite_literals_are_refused(c in any_collection(), at in any::<prop::sample::Index>(), literal in prop::sample::select(vec!["NaN", "-NaN", "Infinity", "-Infinity", "inf", "nan", "1e400", "-1e400", "1e999999999", "-2.5e309"])) {
        let i = at.index(c.features.len());
        let mut v = c.to_json();
        let coordinates = &mut v["features"][i]["geometry"]["coordinates"];
        let mut first = coordinates;
        while first[0].is_array() {
            first = &mut first[0];
        }
        first[0] = "@NUMBER@".into();
        let text = v.to_string().replace("\"@NUMBER@\"", literal);
        let files = [file("literal.geojson", text.into_bytes())];
        let result = parse(c.layer, c.crs, &files);
        check(c.layer, &files, Some(&[c.features.len()]), &result);
        if literal.contains('e') {
            refused_at(&result, i, &["out of range"]);
        } else {
            prop_assert!(matches!(&result, Err(ImportError::Malformed { reason, .. }) if reason.contains("line 1")), "{}", describe(&result));
        }
    }

    /// One coordinate of a point replaced by an edge-case number: accepted exactly when it is a valid
    /// position (the importer and `LonLat` agree), and then stored bit for bit.
    #[test]
    fn edge_numbers_in_points(layer in prop::sample::select(vec![Layer::Households, Layer::Stations]), c in crate::fixtures::collection(Layer::Stations), lon in nasty_number(), lat in nasty_number()) {
        let mut c = c;
        c.layer = layer;
        c.crs = Crs::Wgs84;
        if layer == Layer::Households {
            // Households have no required property besides the code.
            for f in &mut c.features {
                f.known.clear();
            }
        }
        let mut v = c.to_json();
        v["features"][0]["geometry"]["coordinates"] = json!([lon, lat]);
        let files = [file("edge.geojson", v.to_string().into_bytes())];
        let result = parse(layer, Crs::Wgs84, &files);
        check(layer, &files, Some(&[c.features.len()]), &result);
        match LonLat::new(lon, lat) {
            Ok(_) => {
                let parsed = result.unwrap_or_else(|e| panic!("{lon},{lat} refused: {e}"));
                let stored = match &parsed.batch {
                    Batch::Households(h) => h[0].location,
                    Batch::Stations(s) => s[0].location,
                    _ => unreachable!(),
                };
                prop_assert_eq!((stored.lon().to_bits(), stored.lat().to_bits()), (lon.to_bits(), lat.to_bits()));
            }
            Err(_) => {
                refused_at(&result, 0, &["out of range", "swapped"]);
            }
        }
    }

    /// One position of a polygon replaced by an edge-case number: whatever the answer, the promises
    /// hold (in particular, messages quoting the position stay short).
    #[test]
    fn edge_numbers_in_polygons(c in crate::fixtures::polygon_collection(), at in any::<prop::sample::Index>(), axis in 0usize..2, x in nasty_number()) {
        let i = c.features.iter().position(|f| !matches!(f.shape, crate::fixtures::Shape::Point(_))).unwrap();
        let mut v = c.to_json();
        let g = &mut v["features"][i]["geometry"];
        let ring = if g["type"] == "Polygon" { &mut g["coordinates"][0] } else { &mut g["coordinates"][0][0] };
        let n = ring.as_array().unwrap().len();
        ring[at.index(n)][axis] = x.into();
        let files = [file("edge.geojson", v.to_string().into_bytes())];
        check(c.layer, &files, Some(&[c.features.len()]), &parse(c.layer, c.crs, &files));
    }

    /// Polygons drawn at random on a small grid: most are invalid in some way. Each is accepted only
    /// if it is valid, closed, wound RFC 7946's way and encloses an area.
    #[test]
    fn grid_polygons_are_valid_or_refused(geometries in vec(grid_geometry(), 1..4), layer in prop::sample::select(vec![Layer::Areas, Layer::Buildings])) {
        let features: Vec<Value> = geometries
            .into_iter()
            .enumerate()
            .map(|(i, g)| json!({"type": "Feature", "properties": {"code": format!("g{i}"), "name": "格", "level": "county"}, "geometry": g}))
            .collect();
        let n = features.len();
        let files = [file("grid.geojson", json!({"type": "FeatureCollection", "features": features}).to_string().into_bytes())];
        check(layer, &files, Some(&[n]), &parse(layer, Crs::Wgs84, &files));
    }
}

proptest! {
    #![proptest_config(fuzz_config(32))]

    /// Megabyte-sized text where the file's type or `crs` name goes: refused as malformed, with the
    /// text quoted only in part.
    #[test]
    fn huge_file_members_are_quoted_briefly(c in any_collection(), member in prop::sample::select(vec!["type", "crs", "features"]), unit in "[a-z<>'\"\\\\网]{1,3}", times in 1000usize..300_000) {
        let text = unit.repeat(times);
        let mut v = c.to_json();
        v[member] = match member {
            "crs" => json!({"type": "name", "properties": {"name": text}}),
            _ => text.into(),
        };
        let files = [file("huge.geojson", v.to_string().into_bytes())];
        let result = parse(c.layer, c.crs, &files);
        check(c.layer, &files, None, &result);
        prop_assert!(matches!(&result, Err(ImportError::Malformed { .. })), "{}", describe(&result));
    }
}
