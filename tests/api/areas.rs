//! Area detail, children and stats.

use axum::http::StatusCode;

use crate::fixture::*;
use crate::{apps, area_codes};

#[tokio::test]
async fn detail_has_geometry_ancestors_and_version() {
    for app in apps().await {
        let (status, body) = app.get(&format!("/api/v1/areas/{GRID_E}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["code"], GRID_E);
        assert_eq!(body["level"], "grid");
        assert_eq!(body["parent_code"], COMMUNITY);
        assert_eq!(body["version"], 1);
        assert_eq!(
            area_codes(&body["ancestors"]),
            [COUNTY, EAST, COMMUNITY],
            "{}",
            app.backend
        );
        assert_eq!(body["children_count"], 2);
        assert_eq!(body["bbox"], serde_json::json!([112.15, 32.0, 112.2, 32.1]));
        assert_eq!(body["geometry"]["type"], "MultiPolygon");
        let (_, county) = app.get(&format!("/api/v1/areas/{COUNTY}")).await;
        let parts = county["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(parts.len(), 2, "the exclave survives the store");
        assert_eq!(parts[0].as_array().unwrap().len(), 2, "the hole survives the store");
    }
}

#[tokio::test]
async fn children_and_stats() {
    for app in apps().await {
        let (_, body) = app.get(&format!("/api/v1/areas/{EAST}/children")).await;
        assert_eq!(
            area_codes(&body["children"]),
            [COMMUNITY, NORTH_COMMUNITY],
            "{}",
            app.backend
        );
        let (_, stats) = app.get(&format!("/api/v1/areas/{COUNTY}/stats")).await;
        assert_eq!(stats["households"], 4);
        assert_eq!(stats["people"], 12);
        assert_eq!(stats["party_members"], 2);
        assert_eq!(stats["center_households"], 1);
        assert_eq!(stats["buildings"], 3);
        assert_eq!(stats["stations"]["red_station"], 3);
        assert_eq!(stats["stations"]["police_room"], 1);
        let (_, yard) = app.get(&format!("/api/v1/areas/{YARD_S}/stats")).await;
        assert_eq!(yard["households"], 1);
        assert_eq!(yard["buildings"], 1);
        assert_eq!(yard["stations"]["police_room"], 1);
        let (status, _) = app.get("/api/v1/areas/000000/stats").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn health_readiness_and_openapi() {
    for app in apps().await {
        let (status, _) = app.get("/healthz").await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app.get("/readyz").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["store"], app.backend);
        let (status, doc) = app.get("/api/v1/openapi.json").await;
        assert_eq!(status, StatusCode::OK);
        for path in [
            "/api/v1/locate",
            "/api/v1/nearest",
            "/api/v1/households",
            "/api/v1/households/{code}",
            "/api/v1/areas/{code}",
            "/api/v1/areas/{code}/children",
            "/api/v1/areas/{code}/stats",
            "/api/v1/auth/token",
            "/api/v1/auth/me",
            "/api/v1/import/{layer}",
            "/healthz",
            "/readyz",
        ] {
            assert!(
                doc["paths"].get(path).is_some(),
                "{path} missing from the OpenAPI document"
            );
        }
        assert!(doc["paths"]["/api/v1/locate"].get("post").is_some());
        assert!(doc["paths"]["/api/v1/auth/token"].get("delete").is_some());
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    }
}
