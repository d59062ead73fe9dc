//! Coverage of the demo data checked against PostGIS household by household (every household, for
//! several kinds and radii; see `tests/support/coverage.rs` for how), and stations built at the
//! suggested sites raising coverage by exactly the gains reported — then checked against PostGIS
//! again with the new stations in its table.

use std::path::Path;

use gridmap::domain::{Crs, Layer};
use gridmap::import::{InputFile, parse_files};
use gridmap::state::{AppState, Limits};
use serde_json::{Value, json};

use crate::support::coverage::check_against_postgis;
use crate::{LIMIAO, dispatcher, get, support};

#[tokio::test]
async fn coverage_of_the_demo_agrees_with_postgis() {
    if !support::backends().contains(&"postgres") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = support::fresh_url("postgres", &dir).await;
    let state = AppState::load(gridmap::store::open(&url).await.unwrap(), Limits::default())
        .await
        .unwrap();
    gridmap::cli::load_demo(&state, Path::new("geodata")).await.unwrap();
    let client = dispatcher(&state).await;
    let ask = async |uri: String| get(&client, &uri).await;

    for (kind, radius) in [
        ("red_station", 100.0),
        ("red_station", 500.0),
        ("talk_room", 300.0),
        ("police_room", 1_000.0),
        ("governance_center", 2_000.0),
        ("legal_office", 5_000.0),
    ] {
        let a = check_against_postgis(&url, &ask, kind, radius, Some(&state.index())).await;
        eprintln!(
            "{kind} within {radius} m: {} households agree with PostGIS ({} covered, {} within 1 mm of the radius \
             left out, {} reported distances compared, worst {:.4} m; unrounded, worst {:.6} m)",
            a.households, a.covered, a.at_the_edge, a.distances, a.worst_distance_m, a.worst_unrounded_m
        );
        assert!(a.households > 20_000);
    }

    // Five new red stations for 李庙镇 at building anchors, built through the import path.
    let coverage = format!("/api/v1/coverage?kind=red_station&radius_m=100&area_code={LIMIAO}");
    let before = ask(coverage.clone()).await;
    let body = ask(format!(
        "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&area_code={LIMIAO}&k=5"
    ))
    .await;
    assert_eq!(body["covered_before"], before["covered"], "{body}");
    let sites = body["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 5, "{body}");
    let gains: Vec<u64> = sites.iter().map(|s| s["gain"].as_u64().unwrap()).collect();
    assert!(
        gains.windows(2).all(|w| w[0] >= w[1]),
        "greedy gains never grow: {gains:?}"
    );
    assert!(gains[4] > 0);
    let features: Vec<Value> = sites
        .iter()
        .map(|s| {
            json!({"type": "Feature",
                   "properties": {"code": format!("NEW-RS-{}", s["rank"]), "kind": "red_station", "name": "新红色驿站"},
                   "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]}})
        })
        .collect();
    let file = InputFile {
        name: "sites.geojson".into(),
        bytes: json!({"type": "FeatureCollection", "features": features})
            .to_string()
            .into_bytes(),
    };
    let parsed = parse_files(Layer::Stations, Crs::Wgs84, &[file], &mut |_| {}).unwrap();
    state.import(parsed).await.unwrap();
    let after = ask(coverage).await;
    let total_gain: u64 = gains.iter().sum();
    assert_eq!(
        after["covered"].as_u64().unwrap(),
        before["covered"].as_u64().unwrap() + total_gain,
        "coverage rises by exactly the gains reported: {before} → {after}"
    );
    assert_eq!(after["covered"], body["covered_after"]);
    eprintln!(
        "five suggested red stations in 李庙镇: {} → {} households within 100 m (gains {gains:?})",
        before["covered"], after["covered"]
    );
    let a = check_against_postgis(&url, &ask, "red_station", 100.0, Some(&state.index())).await;
    assert!(a.households > 20_000);

    // Within a 15-minute walk (1,200 m along the paths): five sites chosen by the households they
    // reach on foot, built, raise coverage on foot by exactly the gains.
    let walk = format!("/api/v1/coverage?kind=red_station&radius_m=1200&distance=walking&area_code={LIMIAO}");
    let before = ask(walk.clone()).await;
    let body = ask(format!(
        "/api/v1/coverage/suggestions?kind=red_station&radius_m=1200&distance=walking&area_code={LIMIAO}&k=5"
    ))
    .await;
    assert_eq!(body["distance"], "walking");
    assert_eq!(body["covered_before"], before["walking"]["covered"], "{body}");
    let sites = body["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 5, "{body}");
    let features: Vec<Value> = sites
        .iter()
        .map(|s| {
            json!({"type": "Feature",
                   "properties": {"code": format!("NEW-WALK-{}", s["rank"]), "kind": "red_station", "name": "新红色驿站"},
                   "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]}})
        })
        .collect();
    let file = InputFile {
        name: "walk-sites.geojson".into(),
        bytes: json!({"type": "FeatureCollection", "features": features})
            .to_string()
            .into_bytes(),
    };
    let parsed = parse_files(Layer::Stations, Crs::Wgs84, &[file], &mut |_| {}).unwrap();
    state.import(parsed).await.unwrap();
    let after = ask(walk).await;
    assert_eq!(
        after["walking"]["covered"], body["covered_after"],
        "{before} → {after}: {body}"
    );
    assert!(
        after["walking"]["share"].as_f64() > before["walking"]["share"].as_f64(),
        "{before} → {after}"
    );
    eprintln!(
        "five suggested red stations in 李庙镇 within a 15-minute walk: {} → {} households",
        before["walking"]["covered"], after["walking"]["covered"]
    );
}
