//! A small world around (112.1, 32.1) built to exercise the edge cases:
//!
//! ```text
//! county 420001  [112.0,112.2]×[32.0,32.2] with a hole = county 420002 [112.05,112.07]×[32.05,32.07]
//!                and an exclave [112.30,112.32]×[32.00,32.02]
//!   township 420001001 west half (with the hole), 420001002 east half (+ the exclave)
//!     community 420001002001 [112.1,112.2]×[32.0,32.1] (+ the exclave), 420001002002 north of it
//!       grid …001 [112.10,112.15]×[32.0,32.1]   grid …002 [112.15,112.2]×[32.0,32.1]  (shared edge x=112.15)
//!         red yards …00201 [112.15,112.2]×[32.0,32.05], …00202 [112.15,112.2]×[32.05,32.1]
//! ```
//! Shared edges are written in opposite directions in the two neighbours, as real data has them.

use gridmap::domain::Layer;
use serde_json::{Value, json};

pub const COUNTY: &str = "420001";
pub const ENCLAVE: &str = "420002";
pub const WEST: &str = "420001001";
pub const EAST: &str = "420001002";
pub const COMMUNITY: &str = "420001002001";
pub const NORTH_COMMUNITY: &str = "420001002002";
pub const GRID_W: &str = "420001002001001";
pub const GRID_E: &str = "420001002001002";
pub const YARD_S: &str = "42000100200100201";
pub const YARD_N: &str = "42000100200100202";

/// A counter-clockwise rectangle ring.
pub fn rect(w: f64, s: f64, e: f64, n: f64) -> Value {
    json!([[w, s], [e, s], [e, n], [w, n], [w, s]])
}

/// A clockwise rectangle ring (a hole).
fn hole(w: f64, s: f64, e: f64, n: f64) -> Value {
    json!([[w, s], [w, n], [e, n], [e, s], [w, s]])
}

fn area(code: &str, name: &str, level: &str, parent: Option<&str>, geometry: Value) -> Value {
    let mut props = json!({"code": code, "name": name, "level": level, "leader_name": format!("{name}长"), "leader_phone": "13800000000"});
    if let Some(p) = parent {
        props["parent_code"] = json!(p);
    }
    json!({"type": "Feature", "properties": props, "geometry": geometry})
}

fn polygon(rings: Vec<Value>) -> Value {
    json!({"type": "Polygon", "coordinates": rings})
}

fn multipolygon(polys: Vec<Vec<Value>>) -> Value {
    json!({"type": "MultiPolygon", "coordinates": polys})
}

fn point(lon: f64, lat: f64) -> Value {
    json!({"type": "Point", "coordinates": [lon, lat]})
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

pub fn geojson(layer: Layer) -> String {
    match layer {
        Layer::Areas => areas(),
        Layer::Buildings => buildings(),
        Layer::Households => households(),
        Layer::Stations => stations(),
        // The base fixture has no path network (walking distance is refused there); the walking
        // tests import [`paths`] themselves.
        Layer::Paths => collection(vec![]),
    }
}

fn areas() -> String {
    let exclave = rect(112.30, 32.00, 112.32, 32.02);
    collection(vec![
        area(
            COUNTY,
            "测试县",
            "county",
            None,
            multipolygon(vec![
                vec![rect(112.0, 32.0, 112.2, 32.2), hole(112.05, 32.05, 112.07, 32.07)],
                vec![exclave.clone()],
            ]),
        ),
        area(
            ENCLAVE,
            "飞地县",
            "county",
            None,
            polygon(vec![rect(112.05, 32.05, 112.07, 32.07)]),
        ),
        area(
            WEST,
            "西镇",
            "township",
            Some(COUNTY),
            polygon(vec![rect(112.0, 32.0, 112.1, 32.2), hole(112.05, 32.05, 112.07, 32.07)]),
        ),
        area(
            EAST,
            "东镇",
            "township",
            Some(COUNTY),
            multipolygon(vec![vec![rect(112.1, 32.0, 112.2, 32.2)], vec![exclave.clone()]]),
        ),
        area(
            COMMUNITY,
            "南社区",
            "community",
            Some(EAST),
            multipolygon(vec![vec![rect(112.1, 32.0, 112.2, 32.1)], vec![exclave]]),
        ),
        area(
            NORTH_COMMUNITY,
            "北社区",
            "community",
            Some(EAST),
            polygon(vec![rect(112.1, 32.1, 112.2, 32.2)]),
        ),
        // The west grid's east edge runs north→south, the east grid's west edge south→north.
        area(
            GRID_W,
            "西网格",
            "grid",
            Some(COMMUNITY),
            polygon(vec![json!([
                [112.10, 32.0],
                [112.15, 32.0],
                [112.15, 32.05],
                [112.15, 32.1],
                [112.10, 32.1],
                [112.10, 32.0]
            ])]),
        ),
        area(
            GRID_E,
            "东网格",
            "grid",
            Some(COMMUNITY),
            polygon(vec![json!([
                [112.15, 32.0],
                [112.2, 32.0],
                [112.2, 32.1],
                [112.15, 32.1],
                [112.15, 32.05],
                [112.15, 32.0]
            ])]),
        ),
        area(
            YARD_S,
            "南屋场",
            "red_yard",
            Some(GRID_E),
            polygon(vec![rect(112.15, 32.0, 112.2, 32.05)]),
        ),
        area(
            YARD_N,
            "北屋场",
            "red_yard",
            Some(GRID_E),
            polygon(vec![rect(112.15, 32.05, 112.2, 32.1)]),
        ),
    ])
}

/// Building B1 in the west grid, B2 in the south yard, B3 a point building.
fn buildings() -> String {
    collection(vec![
        json!({"type": "Feature", "properties": {"code": "B1", "address": "测试县东镇西网格1号", "floors": 2}, "geometry": polygon(vec![rect(112.120, 32.050, 112.1202, 32.0502)])}),
        json!({"type": "Feature", "properties": {"code": "B2", "address": "测试县东镇南屋场2号", "floors": 6}, "geometry": polygon(vec![rect(112.160, 32.020, 112.1605, 32.0203)])}),
        json!({"type": "Feature", "properties": {"code": "B3", "address": "测试县东镇北社区3号"}, "geometry": point(112.15, 32.15)}),
    ])
}

/// A household feature; `flags` are (party_member, center_household).
fn household(
    code: &str,
    name: &str,
    phone: &str,
    building: Option<&str>,
    flags: (bool, bool),
    center_code: Option<&str>,
    at: (f64, f64),
) -> Value {
    json!({"type": "Feature", "properties": {
        "code": code, "head_name": name, "phone": phone, "members": 3, "address": format!("{name}家"),
        "building_code": building, "party_member": flags.0, "center_household": flags.1, "center_code": center_code,
        "note": "kept as given"
    }, "geometry": point(at.0, at.1)})
}

/// H1 is a center household looking after H2 and H3; H4 lives in the south red yard.
fn households() -> String {
    collection(vec![
        // Listed before its center household: the import must resolve links within the file.
        household(
            "H2",
            "李四",
            "13900000002",
            Some("B1"),
            (false, false),
            Some("H1"),
            (112.1201, 32.0501),
        ),
        household(
            "H1",
            "张三",
            "13900000001",
            Some("B1"),
            (true, true),
            None,
            (112.1201, 32.0501),
        ),
        household(
            "H3",
            "王五",
            "13900000003",
            None,
            (false, false),
            Some("H1"),
            (112.13, 32.06),
        ),
        household(
            "H4",
            "赵六",
            "13900000004",
            Some("B2"),
            (true, false),
            None,
            (112.1602, 32.0201),
        ),
    ])
}

/// Around P = (112.12, 32.05): A is 0.0010° east (~94 m), B is 0.0009° north (~100 m). In raw
/// degrees B is nearer; on the ground A is.
pub const P: (f64, f64) = (112.12, 32.05);

fn stations() -> String {
    let s = |code: &str, kind: &str, name: &str, at: (f64, f64)| json!({"type": "Feature", "properties": {"code": code, "kind": kind, "name": name, "phone": "0710-1234567", "open_hours": "08:30-17:30", "services": ["调解", "代办"]}, "geometry": point(at.0, at.1)});
    collection(vec![
        s("RS-A", "red_station", "甲驿站", (P.0 + 0.0010, P.1)),
        s("RS-B", "red_station", "乙驿站", (P.0, P.1 + 0.0009)),
        s("RS-C", "red_station", "丙驿站", (112.18, 32.15)),
        s("PR-1", "police_room", "警务室", (112.16, 32.03)),
        json!({"type": "Feature", "properties": {"code": "GC-1", "kind": "governance_center", "tier": "township", "name": "东镇综治中心"}, "geometry": point(112.17, 32.12)}),
    ])
}

/// A small path network around the west grid's households and the red stations A and B:
///
/// ```text
///   (112.119,32.0509) ─L2─ RS-B (112.12,32.0509)                      H3 (112.13,32.06)
///         │                                                             │ L3 (no code)
///        L2                                                             │
///         │                                                             │
///   (112.119,32.0501) ──────── R1 (along 32.0501°N) ──── H1,H2 ─── ─── ┴(112.13) ── (112.131)
///                           RS-A hangs 0.0001° below R1 at 112.121, P likewise at 112.12
/// ```
/// L3 starts on R1 between two of R1's vertices (a T junction the graph must find); L2 shares R1's
/// west end. See `walking.rs` for the distances.
pub fn paths() -> String {
    let line = |coords: Value| json!({"type": "LineString", "coordinates": coords});
    collection(vec![
        json!({"type": "Feature", "properties": {"code": "R1", "name": "东西路", "highway": "residential"},
               "geometry": line(json!([[112.119, 32.0501], [112.131, 32.0501]]))}),
        json!({"type": "Feature", "properties": {"code": "L2", "highway": "footway"},
               "geometry": line(json!([[112.119, 32.0501], [112.119, 32.0509], [112.12, 32.0509]]))}),
        json!({"type": "Feature", "properties": {"highway": "path", "surface": "gravel"},
               "geometry": {"type": "MultiLineString", "coordinates": [[[112.13, 32.0501], [112.13, 32.06]]]}}),
    ])
}
