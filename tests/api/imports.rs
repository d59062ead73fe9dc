//! Imports are all-or-nothing, name the bad feature, and show up without a restart.

use axum::http::StatusCode;
use gridmap::domain::{Crs, Layer, LonLat};
use gridmap::import::{ImportError, InputFile, parse_files};
use serde_json::json;

use crate::fixture::*;
use crate::{TestApp, apps};

/// What the store and index hold, to compare before and after a refused import.
async fn snapshot(app: &TestApp) -> (gridmap::store::Revisions, usize, usize, usize, usize) {
    let store = app.state.store();
    (
        store.revisions().await.unwrap(),
        store.load_areas().await.unwrap().len(),
        store.load_households().await.unwrap().len(),
        store.load_stations().await.unwrap().len(),
        app.state.index().areas.len(),
    )
}

fn problems(e: ImportError) -> Vec<(usize, Option<String>, String)> {
    match e {
        ImportError::Features { problems, .. } => problems.into_iter().map(|p| (p.index, p.code, p.reason)).collect(),
        other => panic!("expected feature problems, got {other}"),
    }
}

fn feature(props: serde_json::Value, geometry: serde_json::Value) -> serde_json::Value {
    json!({"type": "Feature", "properties": props, "geometry": geometry})
}

fn collection(features: Vec<serde_json::Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

#[tokio::test]
async fn one_bad_feature_changes_nothing_and_is_named() {
    let good = feature(
        json!({"code": "420001001901", "name": "新村", "level": "community", "parent_code": WEST}),
        json!({"type": "Polygon", "coordinates": [rect(112.0, 32.0, 112.01, 32.01)]}),
    );
    let bow_tie = feature(
        json!({"code": "420001001902", "name": "坏村", "level": "community", "parent_code": WEST}),
        json!({"type": "Polygon", "coordinates": [[[112.0, 32.1], [112.01, 32.11], [112.01, 32.1], [112.0, 32.11], [112.0, 32.1]]]}),
    );
    let file = collection(vec![good.clone(), bow_tie]);
    for app in apps().await {
        let before = snapshot(&app).await;
        let err = app.import(Layer::Areas, &file).await.unwrap_err();
        let listed = problems(err);
        assert_eq!(listed.len(), 1, "{}", app.backend);
        assert_eq!(listed[0].0, 1);
        assert_eq!(listed[0].1.as_deref(), Some("420001001902"));
        assert!(listed[0].2.contains("intersects itself"), "{}", listed[0].2);
        assert_eq!(snapshot(&app).await, before, "{}: nothing stored", app.backend);
        let (status, _) = app.get("/api/v1/areas/420001001901").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "the good feature was not stored either");
    }
}

#[tokio::test]
async fn references_are_checked_before_writing() {
    let poly = json!({"type": "Polygon", "coordinates": [rect(112.0, 32.0, 112.01, 32.01)]});
    for app in apps().await {
        let before = snapshot(&app).await;
        // Problems a feature shows on its own are all reported together …
        let file = collection(vec![
            feature(
                json!({"code": "420003", "name": "县", "level": "county", "parent_code": COUNTY}),
                poly.clone(),
            ),
            feature(
                json!({"code": "420001001905", "name": "村", "level": "village", "parent_code": WEST}),
                poly.clone(),
            ),
        ]);
        let listed = problems(app.import(Layer::Areas, &file).await.unwrap_err());
        assert_eq!(listed.len(), 2, "{}: {listed:?}", app.backend);
        assert!(listed[0].2.contains("a county has no parent_code"), "{listed:?}");
        assert!(listed[1].2.contains("'level' must be one of"), "{listed:?}");
        // … and so are the references that do not resolve in the file or the store.
        let file = collection(vec![
            feature(
                json!({"code": "420001001903", "name": "孤村", "level": "community", "parent_code": "420009009"}),
                poly.clone(),
            ),
            feature(
                json!({"code": "420001001904", "name": "跳级村", "level": "community", "parent_code": COUNTY}),
                poly.clone(),
            ),
        ]);
        let listed = problems(app.import(Layer::Areas, &file).await.unwrap_err());
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert_eq!((listed[0].0, listed[0].1.as_deref()), (0, Some("420001001903")));
        assert!(
            listed[0].2.contains("parent_code 420009009 does not exist"),
            "{listed:?}"
        );
        assert!(
            listed[1]
                .2
                .contains("parent 420001 is a county, but the parent of a community must be a township"),
            "{listed:?}"
        );
        let swapped = collection(vec![feature(
            json!({"code": "H11"}),
            json!({"type": "Point", "coordinates": [32.05, 112.12]}),
        )]);
        let listed = problems(app.import(Layer::Households, &swapped).await.unwrap_err());
        assert_eq!((listed[0].0, listed[0].1.as_deref()), (0, Some("H11")));
        assert!(listed[0].2.contains("swapped"), "{listed:?}");
        let twice = collection(vec![
            feature(
                json!({"code": "H12"}),
                json!({"type": "Point", "coordinates": [112.12, 32.05]}),
            ),
            feature(
                json!({"code": "H12"}),
                json!({"type": "Point", "coordinates": [112.13, 32.05]}),
            ),
        ]);
        let listed = problems(app.import(Layer::Households, &twice).await.unwrap_err());
        assert_eq!(listed[0].0, 1);
        assert!(
            listed[0]
                .2
                .contains("code H12 already used by households.geojson: feature 0"),
            "{listed:?}"
        );
        let listed_refs = problems(
            app.import(
                Layer::Households,
                &collection(vec![
                    feature(
                        json!({"code": "H9", "building_code": "B404"}),
                        json!({"type": "Point", "coordinates": [112.12, 32.05]}),
                    ),
                    feature(
                        json!({"code": "H10", "center_code": "H2"}),
                        json!({"type": "Point", "coordinates": [112.12, 32.05]}),
                    ),
                ]),
            )
            .await
            .unwrap_err(),
        );
        assert!(
            listed_refs[0].2.contains("building_code B404 does not exist"),
            "{listed_refs:?}"
        );
        assert!(
            listed_refs[1].2.contains("H2 is not a center household"),
            "{listed_refs:?}"
        );
        assert_eq!(snapshot(&app).await, before, "{}: nothing stored", app.backend);
    }
}

#[tokio::test]
async fn malformed_files_are_refused_whole() {
    for app in apps().await {
        for (text, words) in [
            (
                r#"{"type": "FeatureCollection", "features": [ {"type": "Feature""#,
                "not valid GeoJSON",
            ),
            (r#"{"type": "Topology"}"#, "expected a FeatureCollection"),
            (
                r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}, "features": []}"#,
                "crs",
            ),
        ] {
            let err = app.import(Layer::Stations, text).await.unwrap_err();
            assert!(matches!(err, ImportError::Malformed { .. }), "{err}");
            assert!(err.to_string().contains(words), "{err}");
        }
    }
}

#[tokio::test]
async fn reimport_updates_and_is_visible_at_once() {
    for app in apps().await {
        let (_, before) = app.get(&format!("/api/v1/areas/{GRID_W}")).await;
        let moved = collection(vec![
            json!({"type": "Feature", "properties": {"code": "RS-C", "kind": "red_station", "name": "丙驿站(新址)"}, "geometry": {"type": "Point", "coordinates": [P.0 + 0.0001, P.1]}}),
        ]);
        let summary = app.import(Layer::Stations, &moved).await.unwrap();
        assert_eq!((summary.inserted, summary.updated), (0, 1), "{}", app.backend);
        let (_, body) = app
            .get(&format!("/api/v1/nearest?lon={}&lat={}&kind=red_station&k=1", P.0, P.1))
            .await;
        assert_eq!(body["results"][0]["station"]["name"], "丙驿站(新址)", "{}", app.backend);
        let renamed = collection(vec![
            json!({"type": "Feature", "properties": {"code": GRID_W, "name": "西网格(改)", "level": "grid", "parent_code": COMMUNITY}, "geometry": {"type": "Polygon", "coordinates": [[[112.10, 32.0], [112.15, 32.0], [112.15, 32.05], [112.15, 32.1], [112.10, 32.1], [112.10, 32.0]]]}}),
        ]);
        app.import(Layer::Areas, &renamed).await.unwrap();
        let (_, after) = app.get(&format!("/api/v1/areas/{GRID_W}")).await;
        assert_eq!(after["name"], "西网格(改)");
        assert_eq!(after["version"], 2);
        assert_eq!(after["id"], before["id"], "the id survives an update");
    }
}

#[tokio::test]
async fn writes_by_another_process_are_picked_up_by_refresh() {
    for app in apps().await {
        // A second state on the same database stands in for `gridmap import` in another process.
        let other = gridmap::state::AppState::load(gridmap::store::open(&app.url).await.unwrap(), Default::default())
            .await
            .unwrap();
        let file = InputFile {
            name: "new.csv".into(),
            bytes: "lon,lat,code,kind,name\n112.121,32.05,LO-1,legal_office,法律诊所\n".into(),
        };
        other
            .import(parse_files(Layer::Stations, Crs::Wgs84, &[file], &mut |_| {}).unwrap())
            .await
            .unwrap();
        let (_, body) = app
            .get(&format!("/api/v1/nearest?lon={}&lat={}&kind=legal_office", P.0, P.1))
            .await;
        assert_eq!(body["results"].as_array().unwrap().len(), 0, "not yet refreshed");
        assert!(
            app.state.refresh().await.unwrap(),
            "{}: the refresh sees the new revision",
            app.backend
        );
        let (_, body) = app
            .get(&format!("/api/v1/nearest?lon={}&lat={}&kind=legal_office", P.0, P.1))
            .await;
        assert_eq!(body["results"][0]["station"]["code"], "LO-1");
        assert!(!app.state.refresh().await.unwrap(), "nothing new the second time");
    }
}

#[tokio::test]
async fn csv_points_in_gcj02_are_converted() {
    let wgs = LonLat::new(112.1497, 32.03).unwrap();
    let (lon, lat) = Crs::Gcj02.from_wgs84(wgs);
    for app in apps().await {
        let file = InputFile {
            name: "s.csv".into(),
            bytes: format!("lon,lat,code,kind,services\n{lon},{lat},VS-1,volunteer_station,助老;助学\n").into_bytes(),
        };
        let parsed = parse_files(Layer::Stations, Crs::Gcj02, &[file], &mut |_| {}).unwrap();
        app.state.import(parsed).await.unwrap();
        let (_, body) = app
            .get(&format!(
                "/api/v1/nearest?lon={}&lat={}&kind=volunteer_station&k=1",
                wgs.lon(),
                wgs.lat()
            ))
            .await;
        assert!(
            body["results"][0]["distance_m"].as_f64().unwrap() < 0.01,
            "{}: {body}",
            app.backend
        );
        assert_eq!(body["results"][0]["station"]["services"], json!(["助老", "助学"]));
    }
}

#[tokio::test]
async fn export_then_import_loses_nothing() {
    for app in apps().await {
        let data = app.state.index().dataset();
        let fresh = crate::empty_apps()
            .await
            .into_iter()
            .find(|a| a.backend == app.backend)
            .unwrap();
        for layer in Layer::ALL {
            let mut first = Vec::new();
            gridmap::export::write_geojson(&data, layer, &mut first).unwrap();
            fresh.import(layer, std::str::from_utf8(&first).unwrap()).await.unwrap();
        }
        let again = fresh.state.index().dataset();
        for layer in Layer::ALL {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            gridmap::export::write_geojson(&data, layer, &mut a).unwrap();
            gridmap::export::write_geojson(&again, layer, &mut b).unwrap();
            assert_eq!(
                String::from_utf8(a).unwrap(),
                String::from_utf8(b).unwrap(),
                "{}: {layer}",
                app.backend
            );
        }
        // CSV round trip for a point layer.
        let mut csv = Vec::new();
        gridmap::export::write_csv(&data, Layer::Stations, &mut csv).unwrap();
        let parsed = parse_files(
            Layer::Stations,
            Crs::Wgs84,
            &[InputFile {
                name: "s.csv".into(),
                bytes: csv,
            }],
            &mut |_| {},
        )
        .unwrap();
        match parsed.batch {
            gridmap::store::Batch::Stations(s) => assert_eq!(s, *data.stations),
            _ => unreachable!(),
        }
    }
}
