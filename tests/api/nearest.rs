//! Nearest stations by ground distance on the WGS 84 ellipsoid.

use axum::http::StatusCode;
use geo::{Distance, Geodesic, Point};

use crate::fixture::P;
use crate::{apps, error_of};

#[tokio::test]
async fn ranks_by_ground_distance_where_degrees_disagree() {
    for app in apps().await {
        let (status, body) = app
            .get(&format!("/api/v1/nearest?lon={}&lat={}&kind=red_station&k=3", P.0, P.1))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let results = body["results"].as_array().unwrap();
        let codes: Vec<&str> = results.iter().map(|r| r["station"]["code"].as_str().unwrap()).collect();
        // In raw degrees RS-B (0.0009°) beats RS-A (0.0010°); on the ground at 32°N RS-A is nearer.
        assert_eq!(codes, ["RS-A", "RS-B", "RS-C"], "{}", app.backend);
        let p = Point::new(P.0, P.1);
        for r in results {
            let s = Point::new(
                r["station"]["lon"].as_f64().unwrap(),
                r["station"]["lat"].as_f64().unwrap(),
            );
            let expected = Geodesic.distance(p, s);
            let got = r["distance_m"].as_f64().unwrap();
            assert!((got - expected).abs() < 0.01, "{got} vs {expected}");
        }
        assert!((results[0]["distance_m"].as_f64().unwrap() - 94.5).abs() < 1.0);
        assert_eq!(results[0]["station"]["name"], "甲驿站");
        assert_eq!(results[0]["station"]["services"][0], "调解");
    }
}

#[tokio::test]
async fn kind_k_and_max_distance() {
    for app in apps().await {
        let url = |q: &str| format!("/api/v1/nearest?lon={}&lat={}&{q}", P.0, P.1);
        let (_, body) = app.get(&url("kind=red_station")).await;
        assert_eq!(
            body["results"].as_array().unwrap().len(),
            3,
            "default k=5 capped by what exists"
        );
        let (_, body) = app.get(&url("kind=red_station&k=1")).await;
        assert_eq!(body["results"].as_array().unwrap().len(), 1);
        let (_, body) = app.get(&url("kind=red_station&max_distance_m=97")).await;
        assert_eq!(body["results"].as_array().unwrap().len(), 1, "only RS-A within 97 m");
        let (_, body) = app.get(&url("kind=police_room")).await;
        assert_eq!(body["results"][0]["station"]["code"], "PR-1");
        let (_, body) = app.get(&url("kind=governance_center")).await;
        assert_eq!(body["results"][0]["station"]["tier"], "township");
        // A known kind with no stations is an empty answer, not an error.
        let (status, body) = app.get(&url("kind=legal_office")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["results"].as_array().unwrap().len(), 0);
        for bad in [
            "kind=red_station&k=0",
            "kind=red_station&k=101",
            "kind=red_station&k=two",
            "kind=red_station&max_distance_m=-1",
            "kind=spaceport",
            "k=3",
        ] {
            let (status, body) = app.get(&url(bad)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
            error_of(&body);
        }
    }
}

#[tokio::test]
async fn answers_in_the_requested_crs() {
    use gridmap::domain::{Crs, LonLat};
    let wgs = LonLat::new(P.0, P.1).unwrap();
    let (lon, lat) = Crs::Gcj02.from_wgs84(wgs);
    for app in apps().await {
        let (_, body) = app
            .get(&format!(
                "/api/v1/nearest?lon={lon}&lat={lat}&crs=gcj02&kind=red_station&k=1"
            ))
            .await;
        assert_eq!(body["results"][0]["station"]["code"], "RS-A", "{}", app.backend);
        let station_gcj = Crs::Gcj02.from_wgs84(LonLat::new(P.0 + 0.0010, P.1).unwrap());
        assert!((body["results"][0]["station"]["lon"].as_f64().unwrap() - station_gcj.0).abs() < 1e-9);
        assert!((body["results"][0]["distance_m"].as_f64().unwrap() - 94.5).abs() < 1.0);
    }
}
