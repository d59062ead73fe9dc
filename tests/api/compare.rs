//! Proposals side by side: two redraws of the fixture's west grid, one moving its east border to
//! 112.13 (H3 changes grid), the other to 112.11 (H1, H2 and H3 do).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use super::fixture::{GRID_E, GRID_W, rect};
use super::{TestApp, apps, error_of};

async fn propose(app: &TestApp, east_edge: f64, title: &str) -> String {
    let body =
        json!({"title": title, "geometry": {"type": "Polygon", "coordinates": [rect(112.10, 32.0, east_edge, 32.1)]}});
    let req = Request::post(format!("/api/v1/areas/{GRID_W}/proposals"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, p) = app.request(req).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn two_proposals_compared_show_what_each_moves_and_where_they_differ() {
    for app in apps().await {
        let a = propose(&app, 112.13, "小调").await;
        let b = propose(&app, 112.11, "大调").await;
        let (status, c) = app.get(&format!("/api/v1/proposals/compare?ids={a},{b}")).await;
        assert_eq!(status, StatusCode::OK, "{}: {c}", app.backend);
        let moved: Vec<u64> = c["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["households_moved"].as_u64().unwrap())
            .collect();
        assert_eq!(moved, [1, 3], "{c}");
        assert_eq!(c["proposals"][1]["title"], "大调");
        // H3 goes east under both; H1 and H2 only under the second.
        let differ: Vec<(&str, Value)> = c["households_differ"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["code"].as_str().unwrap(), d["to"].clone()))
            .collect();
        assert_eq!(
            differ,
            [("H1", json!([GRID_W, GRID_E])), ("H2", json!([GRID_W, GRID_E]))],
            "{c}"
        );
        let east = c["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == GRID_E)
            .unwrap();
        assert_eq!(east["before"], 1);
        assert_eq!(east["after"], json!([2, 4]));
        assert_eq!(c["proposals"][0]["households_spread"], json!({"min": 2, "max": 2}));

        let (status, e) = app.get(&format!("/api/v1/proposals/compare?ids={a}")).await;
        assert_eq!((status, error_of(&e).0), (StatusCode::BAD_REQUEST, "invalid_query"));
        let (status, _) = app.get(&format!("/api/v1/proposals/compare?ids={a},nope")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_draft_answers_its_impact_and_is_not_kept() {
    for app in apps().await {
        let body =
            json!({"keep": false, "geometry": {"type": "Polygon", "coordinates": [rect(112.10, 32.0, 112.13, 32.1)]}});
        let req = Request::post(format!("/api/v1/areas/{GRID_W}/proposals"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let (status, p) = app.request(req).await;
        assert_eq!(status, StatusCode::OK, "{}: {p}", app.backend);
        assert_eq!(p["id"], Value::Null);
        assert_eq!(p["impact"]["households_moved"], 1);
        let (_, list) = app.get(&format!("/api/v1/areas/{GRID_W}/proposals")).await;
        assert_eq!(list["proposals"], json!([]), "{list}");
    }
}
