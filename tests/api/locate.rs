//! Which areas contain a point: shared edges and vertices, holes, exclaves, outside, CRS input.

use axum::http::StatusCode;
use gridmap::domain::{Crs, LonLat};
use serde_json::json;

use crate::fixture::*;
use crate::{apps, area_codes};

async fn chain_at(app: &crate::TestApp, lon: f64, lat: f64) -> Vec<String> {
    let (status, body) = app.get(&format!("/api/v1/locate?lon={lon}&lat={lat}")).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.backend);
    area_codes(&body["areas"])
}

#[tokio::test]
async fn chain_top_to_bottom_with_building() {
    for app in apps().await {
        let (status, body) = app.get("/api/v1/locate?lon=112.1601&lat=32.0201").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            area_codes(&body["areas"]),
            [COUNTY, EAST, COMMUNITY, GRID_E, YARD_S],
            "{}",
            app.backend
        );
        assert_eq!(body["areas"][0]["name"], "测试县");
        assert_eq!(body["areas"][0]["level"], "county");
        assert_eq!(body["areas"][3]["leader_name"], "东网格长");
        assert!(body["areas"][0]["id"].as_str().is_some_and(|id| id.len() == 36));
        assert_eq!(body["building"]["code"], "B2");
        assert_eq!(body["lon"], 112.1601);
        assert_eq!(chain_at(&app, 112.12, 32.03).await, [COUNTY, EAST, COMMUNITY, GRID_W]);
    }
}

#[tokio::test]
async fn points_on_shared_edges_and_vertices_belong_to_exactly_one_area() {
    for app in apps().await {
        // On the grids' shared edge: the east grid, every time.
        for _ in 0..3 {
            assert_eq!(
                chain_at(&app, 112.15, 32.03).await,
                [COUNTY, EAST, COMMUNITY, GRID_E, YARD_S],
                "{}",
                app.backend
            );
        }
        // On the vertex where both grids and both red yards meet: north-east wins.
        assert_eq!(
            chain_at(&app, 112.15, 32.05).await,
            [COUNTY, EAST, COMMUNITY, GRID_E, YARD_N]
        );
        // On the yards' shared horizontal edge: the northern yard.
        assert_eq!(
            chain_at(&app, 112.17, 32.05).await,
            [COUNTY, EAST, COMMUNITY, GRID_E, YARD_N]
        );
        // On the townships' shared edge x=112.1: the eastern township and its community.
        assert_eq!(chain_at(&app, 112.1, 32.15).await, [COUNTY, EAST, NORTH_COMMUNITY]);
        // On the communities' shared edge y=32.1 (and the grids' top edge): the north community, no grid.
        assert_eq!(chain_at(&app, 112.12, 32.1).await, [COUNTY, EAST, NORTH_COMMUNITY]);
    }
}

#[tokio::test]
async fn holes_exclaves_and_outside() {
    for app in apps().await {
        assert_eq!(
            chain_at(&app, 112.06, 32.06).await,
            [ENCLAVE],
            "{}: in the hole",
            app.backend
        );
        assert_eq!(
            chain_at(&app, 112.31, 32.01).await,
            [COUNTY, EAST, COMMUNITY],
            "exclave"
        );
        let (status, body) = app.get("/api/v1/locate?lon=113.5&lat=33.5").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["areas"], json!([]));
        assert_eq!(body["building"], json!(null));
    }
}

#[tokio::test]
async fn gcj02_and_bd09_inputs_are_converted_before_locating() {
    // 30 m west of the grids' shared edge in WGS 84. Its GCJ-02/BD-09 forms lie hundreds of metres
    // east, inside the east grid: a forgotten conversion would answer the wrong grid.
    let wgs = LonLat::new(112.1497, 32.03).unwrap();
    for app in apps().await {
        assert_eq!(chain_at(&app, wgs.lon(), wgs.lat()).await.last().unwrap(), GRID_W);
        for crs in [Crs::Gcj02, Crs::Bd09] {
            let (lon, lat) = crs.from_wgs84(wgs);
            assert!(lon > 112.15, "{crs} moves the point east");
            assert_eq!(chain_at(&app, lon, lat).await[3], GRID_E, "raw {crs} point");
            let (status, body) = app.get(&format!("/api/v1/locate?lon={lon}&lat={lat}&crs={crs}")).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(area_codes(&body["areas"])[3], GRID_W, "{}: {crs}", app.backend);
            assert_eq!(body["crs"], crs.as_str());
            assert_eq!(body["lon"], lon, "the point is echoed as given");
        }
    }
}

#[tokio::test]
async fn batch_answers_in_input_order_like_single_queries() {
    let points = [
        (112.1601, 32.0201),
        (113.5, 33.5),
        (112.06, 32.06),
        (112.15, 32.05),
        (112.31, 32.01),
    ];
    for app in apps().await {
        let body = json!({"points": points.iter().map(|(x, y)| [x, y]).collect::<Vec<_>>()});
        let (status, batch) = app.post_json("/api/v1/locate", body.to_string()).await;
        assert_eq!(status, StatusCode::OK, "{batch}");
        let results = batch["results"].as_array().unwrap();
        assert_eq!(results.len(), points.len());
        for (i, (lon, lat)) in points.iter().enumerate() {
            let (_, single) = app.get(&format!("/api/v1/locate?lon={lon}&lat={lat}")).await;
            assert_eq!(results[i]["areas"], single["areas"], "{}: point {i}", app.backend);
        }
    }
}

#[tokio::test]
async fn batch_in_gcj02() {
    let wgs = LonLat::new(112.1497, 32.03).unwrap();
    let (lon, lat) = Crs::Gcj02.from_wgs84(wgs);
    for app in apps().await {
        let (status, batch) = app
            .post_json(
                "/api/v1/locate",
                json!({"points": [[lon, lat]], "crs": "gcj02"}).to_string(),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(area_codes(&batch["results"][0]["areas"]).last().unwrap(), GRID_W);
    }
}
