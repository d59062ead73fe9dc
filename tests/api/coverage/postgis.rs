//! The fixture against PostGIS, household by household.

use axum::http::StatusCode;

use crate::apps;

/// The fixture, household by household, against PostGIS's own `ST_DWithin` and `ST_Distance` on
/// geography (see `tests/support/coverage.rs`), including a radius exactly at H3's distance to
/// RS-B as gridmap measures it: H3 is then the edge case, skipped by the comparison.
#[tokio::test]
async fn the_fixture_agrees_with_postgis_household_by_household() {
    use gridmap::domain::LonLat;
    use gridmap::index::geodesic::ground_distance_m;
    let h3_to_rs_b = ground_distance_m(
        LonLat::new(112.13, 32.06).unwrap(),
        LonLat::new(112.12, 32.0509).unwrap(),
    );
    for app in apps().await {
        if app.backend != "postgres" {
            continue;
        }
        let get = async |uri: String| {
            let (status, body) = app.get(&uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}: {body}");
            body
        };
        for (kind, radius, at_the_edge) in [
            ("red_station", 100.0, 0),
            ("red_station", h3_to_rs_b, 1),
            ("red_station", 5000.0, 0),
            ("police_room", 1100.0, 0),
            ("governance_center", 8000.0, 0),
            ("legal_office", 500.0, 0),
        ] {
            let index = app.state.index();
            let a = crate::support::coverage::check_against_postgis(&app.url, &get, kind, radius, Some(&index)).await;
            assert_eq!(
                (a.households, a.at_the_edge),
                (4, at_the_edge),
                "{kind} within {radius} m"
            );
        }
        // gridmap's radius is inclusive: at exactly its own distance, H3 is covered.
        let (_, body) = app
            .get(&format!("/api/v1/coverage?kind=red_station&radius_m={h3_to_rs_b}"))
            .await;
        assert_eq!(body["covered"], 3);
    }
}
