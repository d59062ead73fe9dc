//! The planner's desk: validation reports.

use axum::http::StatusCode;
use gridmap::access::Role;
use gridmap::domain::Layer;
use serde_json::{Value, json};

use super::apps;
use super::fixture::{COMMUNITY, COUNTY, EAST, GRID_E, GRID_W, WEST, rect};

fn codes(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_parent_tiled_by_its_children_validates_clean_with_counts_per_child() {
    for app in apps().await {
        let (status, r) = app.get(&format!("/api/v1/areas/{COUNTY}/validate")).await;
        assert_eq!(status, StatusCode::OK, "{}: {r}", app.backend);
        assert_eq!(r["clean"], true, "{}: {r}", app.backend);
        assert_eq!(r["children_level"], "township");
        let children = r["children"].as_array().unwrap();
        assert_eq!(children.len(), 2);
        assert_eq!(children[0]["code"], WEST);
        assert_eq!(children[1]["code"], EAST);
        // Every fixture household lies in the east township.
        assert_eq!(children[1]["households"], 4);
        assert_eq!(children[1]["people"], 12);
        assert_eq!(children[1]["center_households"], 1);
        assert_eq!(children[0]["households"], 0);
        // The east township has an exclave; townships may.
        assert_eq!(children[1]["parts"], 2);
        assert!(r["gaps"].as_array().unwrap().is_empty());
        assert!(r["overlaps"].as_array().unwrap().is_empty());
        assert!(r["non_contiguous"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_gap_is_reported_with_its_ground_area_and_small_grids_are_named() {
    for app in apps().await {
        // The south community's exclave has no grid: a gap of 0.02° × 0.02° at 32°N.
        let (status, r) = app.get(&format!("/api/v1/areas/{COMMUNITY}/validate")).await;
        assert_eq!(status, StatusCode::OK, "{}: {r}", app.backend);
        assert_eq!(r["clean"], false);
        let gaps = r["gaps"].as_array().unwrap();
        assert_eq!(gaps.len(), 1, "{r}");
        let area = gaps[0]["area_m2"].as_f64().unwrap();
        // 0.02° of latitude ≈ 2,218 m, of longitude at 32°N ≈ 1,889 m.
        assert!((4.1e6..4.3e6).contains(&area), "{area}");
        assert_eq!(gaps[0]["geometry"]["type"], "Polygon");
        let ring = gaps[0]["geometry"]["coordinates"][0].as_array().unwrap();
        assert!(ring.iter().all(|p| p[0].as_f64().unwrap() >= 112.3 - 1e-9), "{ring:?}");

        // Grids of 3 and 1 households are below the default band of 100..600.
        let outliers = r["balance"]["outliers"].as_array().unwrap();
        let named: Vec<(&str, &str)> = outliers
            .iter()
            .map(|o| (o["code"].as_str().unwrap(), o["side"].as_str().unwrap()))
            .collect();
        assert_eq!(named, [(GRID_W, "low"), (GRID_E, "low")], "{r}");
        assert_eq!(outliers[0]["measure"], "households");
        assert_eq!(outliers[0]["band"], "100..600");
        assert_eq!(r["balance"]["households"]["min"], 1);
        assert_eq!(r["balance"]["households"]["max"], 3);
        assert_eq!(r["balance"]["households"]["spread"], 2);

        // A band the planner gives replaces the default; a wide tolerance swallows the gap.
        let (_, r) = app
            .get(&format!(
                "/api/v1/areas/{COMMUNITY}/validate?households=..2&tolerance_m2=5000000"
            ))
            .await;
        assert!(r["gaps"].as_array().unwrap().is_empty(), "{r}");
        assert_eq!(r["slivers"]["count"], 1);
        let outliers = r["balance"]["outliers"].as_array().unwrap();
        assert_eq!(outliers.len(), 1, "{r}");
        assert_eq!(outliers[0]["code"], GRID_W);
        assert_eq!(outliers[0]["side"], "high");
    }
}

/// A grid redrawn to reach into its neighbour, the county and out of its community.
fn west_grid_reaching(e: f64) -> String {
    json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"code": GRID_W, "name": "西网格", "level": "grid", "parent_code": COMMUNITY},
        "geometry": {"type": "Polygon", "coordinates": [rect(112.09, 32.0, e, 32.1)]}}]})
    .to_string()
}

#[tokio::test]
async fn overlaps_and_overreach_name_the_children_and_what_lies_in_two() {
    for app in apps().await {
        app.import(Layer::Areas, &west_grid_reaching(112.17)).await.unwrap();
        let (status, r) = app.get(&format!("/api/v1/areas/{COMMUNITY}/validate")).await;
        assert_eq!(status, StatusCode::OK, "{}: {r}", app.backend);
        assert_eq!(r["clean"], false);
        let overlaps = r["overlaps"].as_array().unwrap();
        assert_eq!(overlaps.len(), 1, "{r}");
        assert_eq!(codes(&overlaps[0]["codes"]), [GRID_W, GRID_E]);
        // 0.02° × 0.1° at 32°N ≈ 1,889 m × 11,090 m.
        let area = overlaps[0]["area_m2"].as_f64().unwrap();
        assert!((2.05e7..2.15e7).contains(&area), "{area}");
        let outside = r["outside_parent"].as_array().unwrap();
        assert_eq!(outside.len(), 1, "{r}");
        assert_eq!(outside[0]["code"], GRID_W);
        // H4 and its building B2 sit at 112.160: in both grids now.
        assert_eq!(codes(&r["in_two_children"]["household_codes"]), ["H4"]);
        assert_eq!(codes(&r["in_two_children"]["buildings"]), ["B2"]);
        assert_eq!(r["in_two_children"]["households"], 1);
    }
}

#[tokio::test]
async fn a_report_shows_each_role_only_what_it_may_see() {
    for app in apps().await {
        app.import(Layer::Areas, &west_grid_reaching(112.17)).await.unwrap();
        let uri = format!("/api/v1/areas/{COMMUNITY}/validate");
        // Where grids overlap, `locate` puts H4 in the lower code, the west grid: the east grid's
        // leader no longer sees it. Counted, not named.
        let leader = app.token_for("leader-e", Role::GridLeader, Some(GRID_E)).await;
        let (status, r) = app.get_as(&leader, &uri).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["in_two_children"]["households"], 1);
        assert!(codes(&r["in_two_children"]["household_codes"]).is_empty(), "{r}");
        // A viewer gets the topology but no counts of residents.
        let viewer = app.token_for("viewer", Role::Viewer, None).await;
        let (status, r) = app.get_as(&viewer, &uri).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["overlaps"].as_array().unwrap().len(), 1);
        assert!(r["balance"].is_null(), "{r}");
        assert!(r["children"][0]["households"].is_null(), "{r}");
        assert!(r["in_two_children"]["households"].is_null());
        assert!(codes(&r["in_two_children"]["household_codes"]).is_empty());
        // Without a token, nothing.
        let (status, _, _) = app
            .anonymous(axum::http::Request::get(&uri).body(axum::body::Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn bad_validation_requests_say_what_is_wrong() {
    for app in apps().await {
        for (query, words) in [
            ("tolerance_m2=-1", "tolerance_m2"),
            ("tolerance_m2=NaN", "tolerance_m2"),
            ("households=300", "households"),
            ("people=9..1", "minimum above its maximum"),
            ("center_households=a..b", "center_households"),
        ] {
            let (status, r) = app.get(&format!("/api/v1/areas/{COMMUNITY}/validate?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {r}");
            assert_eq!(r["error"]["code"], "invalid_parameter");
            let message = r["error"]["message"].as_str().unwrap();
            assert!(message.contains(words), "{query}: {message}");
        }
        let (status, r) = app.get("/api/v1/areas/420999/validate").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{r}");
        let (status, _) = app.get("/api/v1/areas/a%20b/validate").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // A red house-yard has no children: nothing to tile, nothing wrong.
        let (status, r) = app.get("/api/v1/areas/42000100200100201/validate").await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["clean"], true);
        assert!(r["children_level"].is_null());
    }
}
