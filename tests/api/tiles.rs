//! Vector tiles, decoded (with `mvt-reader`, not the encoder's own crate) and checked feature by
//! feature: attributes, levels per zoom, label points, clipping, orientation, thinning, ETags.

use std::collections::{BTreeSet, HashMap};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use geo::{Area, BoundingRect, Geometry};
use gridmap::domain::Layer;
use gridmap::tiles::{AREA_LABELS, BUFFER, EXTENT, to_world};
use mvt_reader::Reader;
use mvt_reader::feature::Value as Mvt;
use serde_json::json;

use crate::fixture::*;
use crate::{TestApp, apps};

mod paths;

pub const HOST: &str = "gridmap.test:8080";

/// A decoded feature: its geometry in tile units and its attributes.
struct Feature {
    geometry: Geometry<f32>,
    props: HashMap<String, Mvt>,
}

impl Feature {
    fn str(&self, key: &str) -> Option<&str> {
        match self.props.get(key) {
            Some(Mvt::String(s)) => Some(s),
            _ => None,
        }
    }

    fn bool(&self, key: &str) -> Option<bool> {
        match self.props.get(key) {
            Some(Mvt::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn int(&self, key: &str) -> Option<i64> {
        match self.props.get(key) {
            Some(Mvt::Int(i) | Mvt::SInt(i)) => Some(*i),
            Some(Mvt::UInt(u)) => Some(*u as i64),
            _ => None,
        }
    }
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).header("host", HOST).body(Body::empty()).unwrap()
}

/// The `(x, y)` of the tile holding a WGS 84 point at zoom `z`.
fn tile_at(z: u8, lon: f64, lat: f64) -> (u32, u32) {
    let w = to_world(lon, lat);
    let n = f64::from(1u32 << z);
    ((w.x * n) as u32, (w.y * n) as u32)
}

/// Fetches and decodes one tile: its layers by name, each checked for its extent.
async fn tile_layers(app: &TestApp, layer: &str, z: u8, (x, y): (u32, u32)) -> HashMap<String, Vec<Feature>> {
    let (status, headers, bytes) = app.raw(get(&format!("/tiles/{layer}/{z}/{x}/{y}.mvt"))).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}: {}",
        app.backend,
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(headers["content-type"], "application/vnd.mapbox-vector-tile");
    // Residents' data is for the caller alone: no shared cache may keep it.
    let cache = if layer == "households" {
        "private, no-cache"
    } else {
        "no-cache"
    };
    assert_eq!(headers["cache-control"], cache);
    assert!(headers.contains_key("etag"));
    let mut out = HashMap::new();
    if bytes.is_empty() {
        return out;
    }
    let reader = Reader::new(bytes).expect("a decodable tile");
    for (i, meta) in reader.get_layer_metadata().unwrap().into_iter().enumerate() {
        assert_eq!(meta.extent, EXTENT);
        let allowed = if layer == "areas" {
            vec!["areas", AREA_LABELS]
        } else {
            vec![layer]
        };
        assert!(
            allowed.contains(&meta.name.as_str()),
            "layer {} in a {layer} tile",
            meta.name
        );
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

/// The features of the tile's layer named like the tile.
async fn tile(app: &TestApp, layer: &str, z: u8, xy: (u32, u32)) -> Vec<Feature> {
    tile_layers(app, layer, z, xy).await.remove(layer).unwrap_or_default()
}

fn codes(features: &[Feature]) -> BTreeSet<String> {
    features.iter().map(|f| f.str("code").unwrap().to_owned()).collect()
}

fn by_code<'a>(features: &'a [Feature], code: &str) -> &'a Feature {
    features
        .iter()
        .find(|f| f.str("code") == Some(code))
        .unwrap_or_else(|| panic!("no {code} in {:?}", codes(features)))
}

/// Tile units of tile `z/x/y` back to WGS 84 degrees.
fn to_lonlat(z: u8, (x, y): (u32, u32), px: f64, py: f64) -> (f64, f64) {
    let n = f64::from(1u32 << z);
    let wx = (f64::from(x) + px / f64::from(EXTENT)) / n;
    let wy = (f64::from(y) + py / f64::from(EXTENT)) / n;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * wy)).sinh().atan().to_degrees();
    (wx * 360.0 - 180.0, lat)
}

#[tokio::test]
async fn area_levels_appear_at_their_zooms() {
    for app in apps().await {
        let at = (112.17, 32.02);
        let levels_at = |features: &[Feature]| -> BTreeSet<String> {
            features.iter().map(|f| f.str("level").unwrap().to_owned()).collect()
        };
        let expect = [
            (4, vec!["county"]),
            (7, vec!["county"]),
            (8, vec!["county", "township"]),
            (10, vec!["community", "county", "township"]),
            (12, vec!["community", "county", "grid", "township"]),
            (13, vec!["community", "county", "grid", "red_yard", "township"]),
        ];
        for (z, levels) in expect {
            let features = tile(&app, "areas", z, tile_at(z, at.0, at.1)).await;
            let want: BTreeSet<String> = levels.into_iter().map(str::to_owned).collect();
            assert_eq!(levels_at(&features), want, "{} z{z}", app.backend);
        }
        let z13 = tile(&app, "areas", 13, tile_at(13, at.0, at.1)).await;
        let yard = by_code(&z13, YARD_S);
        assert_eq!(yard.str("name"), Some("南屋场"));
        assert_eq!(yard.str("level"), Some("red_yard"));
        assert_eq!(yard.str("parent_code"), Some(GRID_E));
        assert_eq!(yard.int("minzoom"), Some(13));
        let county = by_code(&z13, COUNTY);
        assert_eq!(county.str("parent_code"), None);
        assert_eq!(county.int("minzoom"), Some(0));
    }
}

#[tokio::test]
async fn each_area_is_labelled_in_one_tile_only() {
    for app in apps().await {
        // At z12 the fixture spans several tiles; every area of the levels shown there has exactly
        // one label point over all of them.
        let z = 12;
        let (x0, y0) = tile_at(z, 111.99, 32.21);
        let (x1, y1) = tile_at(z, 112.33, 31.99);
        let mut labelled: Vec<String> = Vec::new();
        for x in x0..=x1 {
            for y in y0..=y1 {
                let mut layers = tile_layers(&app, "areas", z, (x, y)).await;
                for f in layers.remove(AREA_LABELS).unwrap_or_default() {
                    assert!(matches!(f.geometry, Geometry::Point(_) | Geometry::MultiPoint(_)));
                    if let Geometry::MultiPoint(mp) = &f.geometry {
                        let p = mp.0[0];
                        assert!((0.0..4096.0).contains(&p.x()) && (0.0..4096.0).contains(&p.y()));
                    }
                    labelled.push(f.str("code").unwrap().to_owned());
                }
            }
        }
        labelled.sort();
        let mut want = vec![COUNTY, ENCLAVE, WEST, EAST, COMMUNITY, NORTH_COMMUNITY, GRID_W, GRID_E];
        want.sort();
        assert_eq!(labelled, want, "{}", app.backend);
    }
}

#[tokio::test]
async fn a_polygon_crossing_tile_edges_is_clipped_to_the_buffer() {
    for app in apps().await {
        // At z12 the county (0.2° across) covers the whole tile around (112.1, 32.1) and more.
        let z = 12;
        let features = tile(&app, "areas", z, tile_at(z, 112.1, 32.1)).await;
        let county = by_code(&features, COUNTY);
        let rect = county.geometry.bounding_rect().unwrap();
        let (lo, hi) = (-BUFFER as f32, EXTENT as f32 + BUFFER as f32);
        assert_eq!(
            (rect.min().x, rect.min().y, rect.max().x, rect.max().y),
            (lo, lo, hi, hi),
            "{}: clipped to the tile and its buffer",
            app.backend
        );
        // MVT orientation: exteriors have positive area in tile units (clockwise on screen).
        let polygons = match &county.geometry {
            Geometry::Polygon(p) => vec![p.clone()],
            Geometry::MultiPolygon(mp) => mp.0.clone(),
            other => panic!("not a polygon: {other:?}"),
        };
        for p in &polygons {
            assert!(geo::Polygon::new(p.exterior().clone(), vec![]).signed_area() > 0.0);
        }
    }
}

#[tokio::test]
async fn a_small_footprint_lands_where_it_is_on_the_ground() {
    for app in apps().await {
        let z = 14;
        let xy = tile_at(z, 112.1201, 32.0501);
        let features = tile(&app, "buildings", z, xy).await;
        let b1 = by_code(&features, "B1");
        assert_eq!(b1.str("address"), Some("测试县东镇西网格1号"));
        assert_eq!(b1.int("floors"), Some(2));
        let r = b1.geometry.bounding_rect().unwrap();
        let (w, n) = to_lonlat(z, xy, f64::from(r.min().x), f64::from(r.min().y));
        let (e, s) = to_lonlat(z, xy, f64::from(r.max().x), f64::from(r.max().y));
        // One tile unit at z14 is ~0.6 m, ~6e-6°.
        for (got, want) in [(w, 112.120), (e, 112.1202), (s, 32.050), (n, 32.0502)] {
            assert!((got - want).abs() < 1e-5, "{}: {got} vs {want}", app.backend);
        }
    }
}

#[tokio::test]
async fn households_are_thinned_to_center_households_below_zoom_16() {
    for app in apps().await {
        let at = (112.1201, 32.0501);
        let z14 = tile(&app, "households", 14, tile_at(14, at.0, at.1)).await;
        assert_eq!(codes(&z14), BTreeSet::from(["H1".to_owned()]), "{}", app.backend);
        let z16 = tile(&app, "households", 16, tile_at(16, at.0, at.1)).await;
        assert_eq!(codes(&z16), BTreeSet::from(["H1".to_owned(), "H2".to_owned()]));
        let h1 = by_code(&z16, "H1");
        assert_eq!(h1.str("head_name"), Some("张三"));
        assert_eq!(h1.bool("center_household"), Some(true));
        assert_eq!(h1.bool("party_member"), Some(true));
        assert_eq!(by_code(&z16, "H2").bool("center_household"), Some(false));
        assert!(tile(&app, "households", 13, tile_at(13, at.0, at.1)).await.is_empty());
    }
}

#[tokio::test]
async fn stations_carry_kind_name_and_tier() {
    for app in apps().await {
        let z = 12;
        let features = tile(&app, "stations", z, tile_at(z, 112.17, 32.12)).await;
        let gc = by_code(&features, "GC-1");
        assert_eq!(gc.str("kind"), Some("governance_center"));
        assert_eq!(gc.str("tier"), Some("township"));
        assert_eq!(gc.str("name"), Some("东镇综治中心"));
        // mvt-reader reads every point feature as a multipoint.
        match &gc.geometry {
            Geometry::Point(_) => {}
            Geometry::MultiPoint(mp) => assert_eq!(mp.0.len(), 1),
            other => panic!("not a point: {other:?}"),
        }
        assert!(tile(&app, "stations", 9, tile_at(9, 112.17, 32.12)).await.is_empty());
    }
}

#[tokio::test]
async fn an_import_shows_in_the_next_tile_with_a_new_etag() {
    for app in apps().await {
        let z = 15;
        let at = (112.19, 32.19);
        let (x, y) = tile_at(z, at.0, at.1);
        let uri = format!("/tiles/stations/{z}/{x}/{y}.mvt");
        let (_, headers, _) = app.raw(get(&uri)).await;
        let before = headers["etag"].to_str().unwrap().to_owned();
        let again = Request::get(&uri).header("host", HOST).header("if-none-match", &before);
        let (status, headers, body) = app.raw(again.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{}", app.backend);
        assert_eq!(headers["etag"], before.as_str());
        assert!(body.is_empty());
        assert!(tile(&app, "stations", z, (x, y)).await.is_empty());

        let new = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"code": "VS-1", "kind": "volunteer_station", "name": "新志愿服务站"},
            "geometry": {"type": "Point", "coordinates": [at.0, at.1]}}]});
        app.import(Layer::Stations, &new.to_string()).await.unwrap();

        let stale = Request::get(&uri).header("host", HOST).header("if-none-match", &before);
        let (status, headers, _) = app.raw(stale.body(Body::empty()).unwrap()).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{}: the old ETag no longer matches",
            app.backend
        );
        assert_ne!(headers["etag"].to_str().unwrap(), before);
        let features = tile(&app, "stations", z, (x, y)).await;
        assert_eq!(by_code(&features, "VS-1").str("name"), Some("新志愿服务站"));
    }
}
