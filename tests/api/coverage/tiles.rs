//! Coverage tiles (`/tiles/coverage/{kind}/{radius_m}/{z}/{x}/{y}.mvt`), decoded with
//! `mvt-reader`: households flagged as `/api/v1/coverage` counts them, reach circles of the true
//! ground radius, the choropleth's shares equal to the API's, and who sees what.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::header::AUTHORIZATION;
use axum::http::{Request, StatusCode};
use geo::{BoundingRect, Destination, Geodesic, Geometry, Point};
use gridmap::access::Role;
use gridmap::tiles::{EXTENT, to_world};
use mvt_reader::Reader;
use mvt_reader::feature::Value as Mvt;
use serde_json::Value;

use crate::fixture::P;
use crate::{TestApp, apps, error_of};

pub(super) struct Feature {
    pub(super) geometry: Geometry<f32>,
    pub(super) props: HashMap<String, Mvt>,
}

impl Feature {
    pub(super) fn str(&self, key: &str) -> Option<&str> {
        match self.props.get(key) {
            Some(Mvt::String(s)) => Some(s),
            _ => None,
        }
    }
}

pub(super) fn tile_at(z: u8, lon: f64, lat: f64) -> (u32, u32) {
    let w = to_world(lon, lat);
    let n = f64::from(1u32 << z);
    ((w.x * n) as u32, (w.y * n) as u32)
}

/// Tile units of tile `z/x/y` back to WGS 84 degrees.
pub(super) fn to_lonlat(z: u8, (x, y): (u32, u32), px: f64, py: f64) -> (f64, f64) {
    let n = f64::from(1u32 << z);
    let wx = (f64::from(x) + px / f64::from(EXTENT)) / n;
    let wy = (f64::from(y) + py / f64::from(EXTENT)) / n;
    let lon = wx * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * wy)).sinh().atan().to_degrees();
    (lon, lat)
}

/// One coverage tile's layers by name, as `token` (the admin without one) gets it.
pub(super) async fn layers(app: &TestApp, token: Option<&str>, path: &str) -> HashMap<String, Vec<Feature>> {
    // A query (`?distance=walking`) goes after the `.mvt`.
    let uri = match path.split_once('?') {
        Some((p, query)) => format!("/tiles/coverage/{p}.mvt?{query}"),
        None => format!("/tiles/coverage/{path}.mvt"),
    };
    let mut req = Request::get(uri);
    if let Some(t) = token {
        req = req.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    let (status, headers, bytes) = app.raw(req.body(Body::empty()).unwrap()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}: {path}: {}",
        app.backend,
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(headers["content-type"], "application/vnd.mapbox-vector-tile");
    assert_eq!(headers["cache-control"], "private, no-cache");
    assert_eq!(headers["vary"], "Authorization");
    let mut out = HashMap::new();
    if bytes.is_empty() {
        return out;
    }
    let reader = Reader::new(bytes).expect("a decodable tile");
    for (i, meta) in reader.get_layer_metadata().unwrap().into_iter().enumerate() {
        assert_eq!(meta.extent, EXTENT);
        let features = reader
            .get_features(i)
            .unwrap()
            .into_iter()
            .map(|f| Feature {
                geometry: f.geometry,
                props: f.properties.unwrap_or_default(),
            })
            .collect();
        out.insert(meta.name, features);
    }
    out
}

pub(super) fn path(kind: &str, radius: u32, z: u8, (x, y): (u32, u32)) -> String {
    format!("{kind}/{radius}/{z}/{x}/{y}")
}

#[tokio::test]
async fn households_are_flagged_as_the_coverage_answer_counts_them() {
    for app in apps().await {
        let b = app.backend;
        let at = |lon, lat| path("red_station", 100, 16, tile_at(16, lon, lat));
        // H1 and H2 (112.1201, 32.0501) are 85.7 m from RS-A: covered at 100 m.
        let tile = layers(&app, None, &at(112.1201, 32.0501)).await;
        let dots = &tile["coverage_households"];
        for code in ["H1", "H2"] {
            let h = dots.iter().find(|f| f.str("code") == Some(code)).expect(code);
            assert_eq!(h.props["covered"], Mvt::Bool(true), "{b}: {code}");
        }
        // H4 is 4970 m from its nearest red station: not covered at 100 m, covered at 5000 m.
        let h4 = |tile: &HashMap<String, Vec<Feature>>| {
            tile["coverage_households"]
                .iter()
                .find(|f| f.str("code") == Some("H4"))
                .map(|f| f.props["covered"].clone())
        };
        let xy = tile_at(16, 112.1602, 32.0201);
        let near = layers(&app, None, &path("red_station", 100, 16, xy)).await;
        assert_eq!(h4(&near), Some(Mvt::Bool(false)), "{b}");
        let far = layers(&app, None, &path("red_station", 5000, 16, xy)).await;
        assert_eq!(h4(&far), Some(Mvt::Bool(true)), "{b}");
        // Below zoom 14 no households.
        let low = layers(
            &app,
            None,
            &path("red_station", 100, 13, tile_at(13, 112.1201, 32.0501)),
        )
        .await;
        assert!(!low.contains_key("coverage_households"), "{b}");
    }
}

#[tokio::test]
async fn a_reach_circle_spans_the_radius_on_the_ground() {
    for app in apps().await {
        let b = app.backend;
        let (lon, lat) = (P.0 + 0.0010, P.1); // RS-A
        for radius in [100u32, 1000] {
            // The deepest zoom whose tile holds the whole circle, so it is not clipped.
            let centre = Point::new(lon, lat);
            let east = Geodesic.destination(centre, 90.0, f64::from(radius));
            let north = Geodesic.destination(centre, 0.0, f64::from(radius));
            let (dlon, dlat) = (east.x() - lon, north.y() - lat);
            let z = (10..=16u8)
                .rev()
                .find(|&z| tile_at(z, lon - dlon, lat + dlat) == tile_at(z, lon + dlon, lat - dlat))
                .expect("a tile holding the circle");
            let xy = tile_at(z, lon, lat);
            let tile = layers(&app, None, &path("red_station", radius, z, xy)).await;
            let circle = tile["coverage_reach"]
                .iter()
                .find(|f| f.str("code") == Some("RS-A"))
                .unwrap_or_else(|| panic!("{b}: no RS-A circle at z{z}"));
            assert_eq!(circle.props["radius_m"], Mvt::SInt(i64::from(radius)), "{b}");
            let r = circle.geometry.bounding_rect().unwrap();
            let (w, n) = to_lonlat(z, xy, f64::from(r.min().x), f64::from(r.min().y));
            let (e, s) = to_lonlat(z, xy, f64::from(r.max().x), f64::from(r.max().y));
            // One tile unit is the rounding; allow two, plus the 128-gon's chords (≤ 0.03 %).
            let tol_lon = 2.0 * 360.0 / f64::from(1u32 << z) / f64::from(EXTENT) + 0.001 * dlon;
            let tol_lat = 2.0 * 360.0 / f64::from(1u32 << z) / f64::from(EXTENT) + 0.001 * dlat;
            assert!(
                ((e - w) / 2.0 - dlon).abs() < tol_lon,
                "{b}: {radius} m at z{z}: {w}..{e} vs ±{dlon}"
            );
            assert!(
                ((n - s) / 2.0 - dlat).abs() < tol_lat,
                "{b}: {radius} m at z{z}: {s}..{n} vs ±{dlat}"
            );
            assert!(
                ((e + w) / 2.0 - lon).abs() < tol_lon && ((n + s) / 2.0 - lat).abs() < tol_lat,
                "{b}: centred"
            );
            // A degree of longitude is shorter than one of latitude here: the circle is wider in degrees.
            assert!(dlon > dlat * 1.1);
        }
        // Circles only from zoom 10.
        let low = layers(&app, None, &path("red_station", 100, 9, tile_at(9, lon, lat))).await;
        assert!(!low.contains_key("coverage_reach"), "{b}");
    }
}

#[tokio::test]
async fn the_choropleth_shares_are_those_of_the_coverage_answer() {
    for app in apps().await {
        let b = app.backend;
        for (z, level) in [(9u8, "township"), (11, "community"), (13, "grid")] {
            let (status, answer) = app
                .get(&format!("/api/v1/coverage?kind=red_station&radius_m=100&level={level}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{b}: {answer}");
            let tile = layers(&app, None, &path("red_station", 100, z, tile_at(z, 112.1201, 32.0501))).await;
            let areas = &tile["coverage_areas"];
            assert!(!areas.is_empty(), "{b}: z{z}");
            for f in areas {
                assert_eq!(f.str("level"), Some(level), "{b}: z{z}");
                let row = area_row(b, &answer, f);
                area_agrees(b, f, row, &row["covered"], &row["share"]);
            }
        }
    }
}

/// The row of a coverage answer's `by_area` for the area feature `f`.
pub fn area_row<'a>(b: &str, answer: &'a Value, f: &Feature) -> &'a Value {
    let code = f.str("code").unwrap();
    answer["by_area"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("{b}: {code} not in {answer}"))
}

/// The area feature `f` carries the row's households and the `covered` and `share` given (the
/// straight-line or the walking ones).
pub fn area_agrees(b: &str, f: &Feature, row: &Value, covered: &Value, share: &Value) {
    let code = f.str("code").unwrap();
    let int = |k: &str| match f.props.get(k) {
        Some(Mvt::SInt(i) | Mvt::Int(i)) => Some(*i as u64),
        _ => None,
    };
    assert_eq!(int("households"), row["households"].as_u64(), "{b}: {code}");
    assert_eq!(int("covered"), covered.as_u64(), "{b}: {code}");
    match (f.props.get("share"), share) {
        (Some(Mvt::Double(s)), Value::Number(n)) => assert_eq!(Some(*s), n.as_f64(), "{b}: {code}"),
        (None, Value::Null) => {}
        (got, want) => panic!("{b}: {code}: share {got:?} vs {want}"),
    }
}

#[tokio::test]
async fn coverage_tiles_show_households_only_to_whom_may_see_them() {
    for app in apps().await {
        let b = app.backend;
        let p = path("red_station", 100, 16, tile_at(16, 112.1201, 32.0501));
        let viewer = app.token_for("viewer", Role::Viewer, None).await;
        let tile = layers(&app, Some(&viewer), &p).await;
        assert!(
            !tile.contains_key("coverage_households"),
            "{b}: a viewer gets no households"
        );
        assert!(tile.contains_key("coverage_reach"), "{b}: but the stations' reach");
        for f in &tile["coverage_areas"] {
            assert!(
                !f.props.contains_key("share") && !f.props.contains_key("households"),
                "{b}"
            );
        }
        let dispatcher = app.token_for("dispatcher", Role::Dispatcher, None).await;
        let tile = layers(&app, Some(&dispatcher), &p).await;
        let dots = &tile["coverage_households"];
        assert!(dots.iter().any(|f| f.str("code") == Some("H1")), "{b}");
        assert!(dots.iter().all(|f| !f.props.contains_key("head_name")), "{b}: no names");
        // A grid leader of the east grid sees none of the west grid's households.
        let east = app
            .token_for("east", Role::GridLeader, Some(crate::fixture::GRID_E))
            .await;
        let tile = layers(&app, Some(&east), &p).await;
        assert!(tile.get("coverage_households").is_none_or(|d| d.is_empty()), "{b}");
    }
}

#[tokio::test]
async fn bad_coverage_tile_addresses_are_refused() {
    for app in apps().await {
        let b = app.backend;
        for (uri, status) in [
            ("/tiles/coverage/red_station/0/16/1/1.mvt", StatusCode::BAD_REQUEST),
            ("/tiles/coverage/red_station/5001/16/1/1.mvt", StatusCode::BAD_REQUEST),
            ("/tiles/coverage/red_station/1.5/16/1/1.mvt", StatusCode::BAD_REQUEST),
            ("/tiles/coverage/spaceport/100/16/1/1.mvt", StatusCode::BAD_REQUEST),
            ("/tiles/coverage/red_station/100/23/1/1.mvt", StatusCode::BAD_REQUEST),
            ("/tiles/coverage/red_station/100/16/1/1.png", StatusCode::NOT_FOUND),
        ] {
            let (got, body) = app.get(uri).await;
            assert_eq!(got, status, "{b}: {uri}: {body}");
            error_of(&body);
        }
        let (status, _, _) = app
            .anonymous(
                Request::get("/tiles/coverage/red_station/100/16/1/1.mvt")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{b}");
    }
}
