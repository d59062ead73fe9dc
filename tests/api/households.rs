//! Household search and detail.

use axum::http::StatusCode;

use crate::fixture::*;
use crate::{apps, area_codes};

fn codes(body: &serde_json::Value) -> Vec<&str> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["code"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn search_by_name_phone_address_and_code() {
    for app in apps().await {
        let (status, body) = app.get("/api/v1/households?q=%E6%9D%8E%E5%9B%9B").await; // 李四
        assert_eq!(status, StatusCode::OK);
        assert_eq!(codes(&body), ["H2"], "{}", app.backend);
        assert_eq!(body["total"], 1);
        let (_, body) = app.get("/api/v1/households?q=13900000004").await;
        assert_eq!(codes(&body), ["H4"]);
        let (_, body) = app.get("/api/v1/households?q=h3").await;
        assert_eq!(codes(&body), ["H3"], "codes match case-insensitively");
        let (_, body) = app.get("/api/v1/households?q=%E5%AE%B6").await; // 家, in every address
        assert_eq!(body["total"], 4);
        let (_, body) = app.get("/api/v1/households?q=%E5%AE%B6&limit=2&offset=1").await;
        assert_eq!(codes(&body), ["H2", "H3"]);
        assert_eq!(body["total"], 4);
    }
}

#[tokio::test]
async fn search_within_an_area_and_by_flags() {
    for app in apps().await {
        let (_, body) = app.get(&format!("/api/v1/households?area_code={GRID_W}")).await;
        assert_eq!(codes(&body), ["H1", "H2", "H3"], "{}", app.backend);
        let (_, body) = app.get(&format!("/api/v1/households?area_code={YARD_S}")).await;
        assert_eq!(codes(&body), ["H4"]);
        let (_, body) = app
            .get(&format!("/api/v1/households?area_code={COUNTY}&party_member=true"))
            .await;
        assert_eq!(codes(&body), ["H1", "H4"]);
        let (_, body) = app.get("/api/v1/households?center_household=true").await;
        assert_eq!(codes(&body), ["H1"]);
        let (status, _) = app.get("/api/v1/households?area_code=999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.get("/api/v1/households?party_member=maybe").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn detail_with_building_chain_and_center_household() {
    for app in apps().await {
        let (status, body) = app.get("/api/v1/households/H2").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["head_name"], "李四");
        assert_eq!(body["building"]["code"], "B1");
        assert_eq!(body["building"]["address"], "测试县东镇西网格1号");
        assert_eq!(
            area_codes(&body["areas"]),
            [COUNTY, EAST, COMMUNITY, GRID_W],
            "{}",
            app.backend
        );
        assert_eq!(body["center"]["code"], "H1");
        assert_eq!(body["properties"]["note"], "kept as given");
        let (_, center) = app.get("/api/v1/households/H1").await;
        let looked: Vec<&str> = center["looks_after"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["code"].as_str().unwrap())
            .collect();
        assert_eq!(looked, ["H2", "H3"]);
        assert_eq!(center["center_household"], true);
        let (status, _) = app.get("/api/v1/households/NOPE").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
