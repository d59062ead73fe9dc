//! The smallest inputs of the bugs the properties found, as plain tests: each names what went wrong.

use gridmap::domain::{Crs, Layer};
use gridmap::import::{ImportError, InputFile, parse_files};
use gridmap::store::Batch;
use serde_json::{Value, json};

use crate::fixtures::{file, parse};
use crate::invariants::{assert_short, check, refused_at};

fn collection(features: Vec<Value>) -> InputFile {
    file(
        "f.geojson",
        json!({"type": "FeatureCollection", "features": features})
            .to_string()
            .into_bytes(),
    )
}

fn county(code: &str, ring: Value) -> Value {
    json!({"type": "Feature", "properties": {"code": code, "name": "县", "level": "county"},
           "geometry": {"type": "Polygon", "coordinates": [ring]}})
}

fn station(code: &str, coordinates: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"code":"{code}","kind":"red_station"}},"geometry":{{"type":"Point","coordinates":{coordinates}}}}}"#
    )
}

/// Progress was `records kept + 1`, so it repeated itself on every bad feature and a file of bad
/// features looked stuck.
#[test]
fn progress_counts_bad_features_too() {
    let files = [file(
        "s.geojson",
        format!(
            r#"{{"type":"FeatureCollection","features":[{},{},{}]}}"#,
            station("S1", "[32, 112]"),
            station("S2", "[32, 112]"),
            station("S3", "[112, 32]")
        )
        .into_bytes(),
    )];
    let mut seen = vec![];
    let result = parse_files(Layer::Stations, Crs::Wgs84, &files, &mut |n| seen.push(n));
    assert_eq!(seen, [1, 2, 3]);
    assert!(matches!(result, Err(ImportError::Features { total: 2, .. })));
}

/// A position repeated in place made a zero-length edge whose ends touched the non-neighbouring
/// edges, reported as "intersects itself". It is legal; it is now dropped.
#[test]
fn repeated_positions_are_not_a_self_intersection() {
    let ring = json!([
        [112.0, 31.0],
        [112.01, 31.0],
        [112.01, 31.0],
        [112.01, 31.01],
        [112.0, 31.0]
    ]);
    let result = parse(Layer::Areas, Crs::Wgs84, &[collection(vec![county("420624", ring)])]);
    let Ok(parsed) = result else {
        panic!("refused: {}", result.err().unwrap())
    };
    let Batch::Areas(areas) = &parsed.batch else {
        unreachable!()
    };
    assert_eq!(
        areas[0].geometry.0[0].exterior().0.len(),
        4,
        "the repetition is dropped"
    );
    // Too few positions once repetitions are gone is said so, not called a self-intersection.
    let ring = json!([[112.0, 31.0], [112.0, 31.0], [112.01, 31.0], [112.0, 31.0]]);
    let result = parse(Layer::Areas, Crs::Wgs84, &[collection(vec![county("420624", ring)])]);
    refused_at(
        &result,
        0,
        &["the exterior ring has 2 distinct position(s); a ring needs at least 3"],
    );
}

/// A ring of three positions on one line has only neighbouring edges, so the pairwise test passed
/// it and geo called it valid: an area with no inside and no winding was imported.
#[test]
fn a_ring_along_one_line_is_refused() {
    let ring = json!([[112.0, 31.0], [112.01, 31.0], [112.02, 31.0], [112.0, 31.0]]);
    let files = [collection(vec![county("420624", ring)])];
    let result = parse(Layer::Areas, Crs::Wgs84, &files);
    refused_at(
        &result,
        0,
        &["the exterior ring encloses no area: its positions lie on one line"],
    );
}

/// The same line in GCJ-02 bends into a sliver on its way to WGS 84 and slipped through.
#[test]
fn a_ring_along_one_line_is_refused_in_gcj02_too() {
    let ring = json!([[112.0, 31.0], [112.01, 31.0], [112.02, 31.0], [112.0, 31.0]]);
    let result = parse(Layer::Areas, Crs::Gcj02, &[collection(vec![county("420624", ring)])]);
    refused_at(&result, 0, &["encloses no area"]);
}

/// `f64`'s `Display` wrote the start of this ring as 327 characters of zeros and digits.
#[test]
fn tiny_numbers_in_an_unclosed_ring_are_quoted_briefly() {
    let ring = json!([[-5e-324, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]);
    let result = parse(Layer::Areas, Crs::Wgs84, &[collection(vec![county("C1", ring)])]);
    refused_at(&result, 0, &["is not closed: it starts at -5e-324,0 and ends at 0,0"]);
}

/// A feature geojson could not read (here a number too big for `f64`) was named by index only,
/// though its code was right there.
#[test]
fn a_feature_too_broken_to_read_is_still_named_by_its_code() {
    let files = [file(
        "s.geojson",
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            station("S-9", "[1e400, 32]")
        )
        .into_bytes(),
    )];
    let result = parse(Layer::Stations, Crs::Wgs84, &files);
    assert_eq!(refused_at(&result, 0, &["number out of range"]).as_deref(), Some("S-9"));
    // The same when the code comes as the feature id and the trouble is depth.
    let deep = format!("{}0{}", "[".repeat(200), "]".repeat(200));
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":7,"properties":{{"kind":"red_station","x":{deep}}},"geometry":null}}]}}"#
    );
    let result = parse(Layer::Stations, Crs::Wgs84, &[file("d.geojson", text.into_bytes())]);
    assert_eq!(refused_at(&result, 0, &["recursion limit"]).as_deref(), Some("7"));
}

/// Windows tools put a byte order mark before the JSON: it was refused as "expected value at line 1
/// column 1" while the same mark in a CSV was skipped.
#[test]
fn a_byte_order_mark_is_skipped() {
    let text = format!(
        r#"{}{{"type":"FeatureCollection","features":[{}]}}"#,
        '\u{feff}',
        station("S1", "[112, 32]")
    );
    let result = parse(Layer::Stations, Crs::Wgs84, &[file("bom.geojson", text.into_bytes())]);
    assert_eq!(result.map(|p| p.batch.len()).ok(), Some(1));
}

/// Values were quoted whole: a 100,000-character `level` came back in the message, and so did a
/// whole `crs` member.
#[test]
fn huge_values_are_quoted_in_part() {
    let mut f = county(
        "C1",
        json!([[112.0, 31.0], [112.01, 31.0], [112.01, 31.01], [112.0, 31.0]]),
    );
    f["properties"]["level"] = "x".repeat(100_000).into();
    let files = [collection(vec![f])];
    let result = parse(Layer::Areas, Crs::Wgs84, &files);
    check(Layer::Areas, &files, Some(&[1]), &result);
    refused_at(&result, 0, &["property 'level' must be one of"]);

    let crs = json!({"type": "FeatureCollection", "features": [], "crs": {"type": "name", "properties": {"name": "y".repeat(100_000)}}});
    let files = [file("crs.geojson", crs.to_string().into_bytes())];
    match parse(Layer::Areas, Crs::Wgs84, &files) {
        Err(ImportError::Malformed { reason, .. }) => assert_short(&reason),
        other => panic!("{:?}", other.map(|p| p.batch.len())),
    }
}

/// U+0000 imported into SQLite but PostgreSQL refused it at write time, with a message naming no
/// feature; now both refuse it while reading, naming feature and property.
#[test]
fn nul_in_text_is_refused_naming_the_property() {
    let mut f = county(
        "C1",
        json!([[112.0, 31.0], [112.01, 31.0], [112.01, 31.01], [112.0, 31.0]]),
    );
    f["properties"]["note"] = json!({"lines": ["a\u{0}b"]});
    let result = parse(Layer::Areas, Crs::Wgs84, &[collection(vec![f])]);
    refused_at(&result, 0, &["property \"note\" contains a NUL character"]);
}
