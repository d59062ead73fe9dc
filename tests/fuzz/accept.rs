//! Valid files are accepted and every feature comes back as written: the code, text trimmed but
//! otherwise verbatim (markup and SQL included), unknown properties unchanged, positions converted
//! from the file's CRS and rings wound the RFC 7946 way whatever the file's winding.

use geo::{Geometry, LineString, MultiPolygon, Point, Polygon};
use gridmap::domain::Crs;
use gridmap::import::Parsed;
use gridmap::store::Batch;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::cases::fuzz_config;
use crate::fixtures::{Collection, Feature, Ring, Shape, any_collection, file, parse, polygon_collection};
use crate::invariants::check;

/// The properties the importer should have kept: nulls dropped, everything else as sent.
fn kept(extra: &Map<String, Value>) -> Map<String, Value> {
    extra
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn text(f: &Feature, key: &str) -> Option<String> {
    f.known.get(key).map(|v| match v {
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    })
}

fn whole(f: &Feature, key: &str) -> Option<i32> {
    f.known.get(key).map(|v| match v {
        Value::String(s) => s.parse().unwrap(),
        other => other.as_i64().unwrap() as i32,
    })
}

fn flag(f: &Feature, key: &str) -> bool {
    match f.known.get(key) {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_u64() == Some(1),
        Some(Value::String(s)) => matches!(s.to_lowercase().as_str(), "true" | "1" | "yes" | "是"),
        Some(other) => panic!("the generator wrote flag {other}"),
    }
}

fn services(f: &Feature) -> Vec<String> {
    match f.known.get("services") {
        None => vec![],
        Some(Value::Array(items)) => items.iter().map(|v| v.as_str().unwrap().trim().to_owned()).collect(),
        Some(Value::String(s)) => s.split(';').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        Some(other) => panic!("the generator wrote services {other}"),
    }
}

/// The WGS 84 geometry a shape written in `crs` must become.
fn converted(shape: &Shape, crs: Crs) -> Geometry<f64> {
    let at = |p: &[f64; 2]| {
        let ll = crs.to_wgs84(p[0], p[1]).expect("the fixtures write valid positions");
        (ll.lon(), ll.lat())
    };
    let ring = |r: &Ring| LineString::from(r.iter().map(at).collect::<Vec<_>>());
    let polygon = |rings: &Vec<Ring>| Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect());
    match shape {
        Shape::Point(p) => Geometry::Point(Point::from(at(p))),
        Shape::Polygon(rings) => Geometry::Polygon(polygon(rings)),
        Shape::MultiPolygon(parts) => Geometry::MultiPolygon(MultiPolygon::new(parts.iter().map(polygon).collect())),
    }
}

/// Areas are always multipolygons, whatever the file said.
fn as_multi(g: Geometry<f64>) -> MultiPolygon<f64> {
    match g {
        Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
        Geometry::MultiPolygon(mp) => mp,
        other => panic!("not polygonal: {other:?}"),
    }
}

fn point_of(g: Geometry<f64>) -> (f64, f64) {
    match g {
        Geometry::Point(p) => (p.x(), p.y()),
        other => panic!("not a point: {other:?}"),
    }
}

/// Every record of `parsed` is the corresponding feature of `c`, as the importer must read it.
pub fn assert_as_written(c: &Collection, parsed: &Parsed) {
    assert_eq!(parsed.batch.len(), c.features.len());
    let origins: Vec<usize> = parsed.origins.iter().map(|(_, i)| *i).collect();
    assert_eq!(origins, (0..c.features.len()).collect::<Vec<_>>());
    let fs = &c.features;
    match &parsed.batch {
        Batch::Areas(v) => v.iter().zip(fs).for_each(|(a, f)| {
            assert_eq!(a.code.as_str(), f.code);
            assert_eq!(Some(a.name.clone()), text(f, "name"));
            assert_eq!(a.level.as_str(), "county");
            assert_eq!(a.parent_code, None);
            assert_eq!(a.leader_name, text(f, "leader_name"));
            assert_eq!(a.leader_phone, text(f, "leader_phone"));
            assert_eq!(a.properties, kept(&f.extra));
            assert_eq!(a.geometry, as_multi(converted(&f.shape, c.crs)));
        }),
        Batch::Buildings(v) => v.iter().zip(fs).for_each(|(b, f)| {
            assert_eq!(b.code.as_str(), f.code);
            assert_eq!(b.address, text(f, "address"));
            assert_eq!(b.floors, whole(f, "floors"));
            assert_eq!(b.properties, kept(&f.extra));
            assert_eq!(b.geometry, converted(&f.shape, c.crs));
        }),
        Batch::Households(v) => v.iter().zip(fs).for_each(|(h, f)| {
            assert_eq!(h.code.as_str(), f.code);
            assert_eq!(h.head_name, text(f, "head_name"));
            assert_eq!(h.phone, text(f, "phone"));
            assert_eq!(h.members, whole(f, "members"));
            assert_eq!(h.address, text(f, "address"));
            assert_eq!(h.party_member, flag(f, "party_member"));
            assert_eq!(h.center_household, flag(f, "center_household"));
            assert_eq!(h.properties, kept(&f.extra));
            assert_eq!(
                (h.location.lon(), h.location.lat()),
                point_of(converted(&f.shape, c.crs))
            );
        }),
        Batch::Stations(v) => v.iter().zip(fs).for_each(|(s, f)| {
            assert_eq!(s.code.as_str(), f.code);
            assert_eq!(Some(s.kind.as_str().to_owned()), text(f, "kind"));
            assert_eq!(s.name, text(f, "name"));
            assert_eq!(s.tier, text(f, "tier"));
            assert_eq!(s.phone, text(f, "phone"));
            assert_eq!(s.open_hours, text(f, "open_hours"));
            assert_eq!(s.services, services(f));
            assert_eq!(s.properties, kept(&f.extra));
            assert_eq!(
                (s.location.lon(), s.location.lat()),
                point_of(converted(&f.shape, c.crs))
            );
        }),
        Batch::Paths(_) => unreachable!("paths are not fuzzed (see fixtures::any_layer)"),
    }
}

/// Changes a reader must take in its stride: none of them changes what is imported.
#[derive(Debug, Clone)]
enum Harmless {
    /// A legacy `crs` member naming WGS 84 in one of its spellings.
    CrsMember(&'static str),
    /// A third number (height) on every position.
    Heights(f64),
    /// Foreign members on the collection, features and geometries (RFC 7946 §6.1).
    ForeignMembers,
    /// One feature's position repeated in place, as digitising tools leave behind; the importer
    /// drops the repetition.
    RepeatedPosition { feature: usize, position: usize },
    /// A UTF-8 byte order mark before the JSON, as Windows tools write.
    ByteOrderMark,
}

fn harmless() -> impl Strategy<Value = Harmless> {
    prop_oneof![
        prop::sample::select(vec![
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "urn:ogc:def:crs:EPSG::4326",
            "EPSG:4326",
            "EPSG:4490",
        ])
        .prop_map(Harmless::CrsMember),
        prop_oneof![Just(0.0), -500.0f64..9000.0].prop_map(Harmless::Heights),
        Just(Harmless::ForeignMembers),
        Just(Harmless::ByteOrderMark),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(f, p)| Harmless::RepeatedPosition {
            feature: f.index(usize::MAX),
            position: p.index(usize::MAX),
        }),
    ]
}

/// Adds a height to every position of a GeoJSON geometry.
fn with_heights(v: &mut Value, h: f64) {
    if let Value::Array(items) = v {
        if items.first().is_some_and(Value::is_number) {
            items.push(h.into());
        } else {
            items.iter_mut().for_each(|i| with_heights(i, h));
        }
    }
}

/// The file `c` with `change` applied; the importer must read `c` from it all the same.
fn apply(c: &Collection, change: &Harmless) -> Vec<u8> {
    let mut c = c.clone();
    if let Harmless::RepeatedPosition { feature, position } = *change {
        let n = c.features.len();
        let f = &mut c.features[feature % n];
        let ring = match &mut f.shape {
            Shape::Point(_) => None,
            Shape::Polygon(rings) => Some(&mut rings[0]),
            Shape::MultiPolygon(parts) => Some(&mut parts[0][0]),
        };
        if let Some(ring) = ring {
            let at = position % ring.len();
            let p = ring[at];
            ring.insert(at, p);
        }
    }
    let mut v = c.to_json();
    match change {
        Harmless::CrsMember(name) => {
            v["crs"] = json!({"type": "name", "properties": {"name": name}});
        }
        Harmless::Heights(h) => {
            for f in v["features"].as_array_mut().unwrap() {
                with_heights(&mut f["geometry"]["coordinates"], *h);
            }
        }
        Harmless::ForeignMembers => {
            v["title"] = "网格 <b>export</b>".into();
            for f in v["features"].as_array_mut().unwrap() {
                f["bbox"] = json!([100.0, 20.0, 120.0, 40.0]);
                f["geometry"]["note"] = json!({"source": "survey"});
            }
        }
        Harmless::RepeatedPosition { .. } => {}
        Harmless::ByteOrderMark => return format!("\u{feff}{v}").into_bytes(),
    }
    v.to_string().into_bytes()
}

proptest! {
    #![proptest_config(fuzz_config(256))]

    /// Valid collections of every layer, in every CRS, import as written.
    #[test]
    fn valid_collections_import_as_written(c in any_collection()) {
        let files = [c.file()];
        let result = parse(c.layer, c.crs, &files);
        check(c.layer, &files, Some(&[c.features.len()]), &result);
        let parsed = result.unwrap_or_else(|e| panic!("a valid file was refused: {e}"));
        assert_as_written(&c, &parsed);
    }

    /// Heights, foreign members, a `crs` member naming WGS 84, a byte order mark and repeated
    /// positions change nothing.
    #[test]
    fn harmless_variations_are_accepted(c in any_collection(), change in harmless()) {
        let files = [file("variant.json", apply(&c, &change))];
        let result = parse(c.layer, c.crs, &files);
        check(c.layer, &files, Some(&[c.features.len()]), &result);
        let parsed = result.unwrap_or_else(|e| panic!("{change:?} was refused: {e}"));
        assert_as_written(&c, &parsed);
    }

    /// A file may hold a single Feature instead of a collection; several files make one batch whose
    /// origins name the file and the index within it.
    #[test]
    fn single_features_and_several_files(a in polygon_collection(), split in any::<prop::sample::Index>()) {
        let at = split.index(a.features.len() + 1);
        let (first, second) = a.features.split_at(at);
        let mut files = vec![file("first.geojson", Collection { features: first.to_vec(), ..a.clone() }.to_json().to_string().into_bytes())];
        files.extend(second.iter().enumerate().map(|(i, f)| file(&format!("single-{i}.geojson"), f.to_json().to_string().into_bytes())));
        let result = parse(a.layer, a.crs, &files);
        let counts: Vec<usize> = std::iter::once(first.len()).chain(second.iter().map(|_| 1)).collect();
        check(a.layer, &files, Some(&counts), &result);
        let parsed = result.unwrap_or_else(|e| panic!("refused: {e}"));
        let expected_origins: Vec<(String, usize)> = (0..first.len())
            .map(|i| ("first.geojson".to_owned(), i))
            .chain((0..second.len()).map(|i| (format!("single-{i}.geojson"), 0)))
            .collect();
        prop_assert_eq!(&parsed.origins, &expected_origins);
        let mut renumbered = parsed;
        renumbered.origins = (0..a.features.len()).map(|i| (String::new(), i)).collect();
        assert_as_written(&a, &renumbered);
    }
}
