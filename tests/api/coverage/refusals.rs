//! Coverage questions the engine refuses, each in the API's error shape naming what is wrong, and
//! the coverage endpoints in the OpenAPI document.

use crate::{apps, error_of};
use axum::body::Body;
use axum::http::{Request, StatusCode};

#[tokio::test]
async fn bad_questions_are_refused_in_the_error_shape() {
    for app in apps().await {
        let b = app.backend;
        for (uri, status, code) in [
            ("/api/v1/coverage?radius_m=100", 400, "invalid_parameter"),
            ("/api/v1/coverage?kind=red_station", 400, "invalid_parameter"),
            ("/api/v1/coverage?kind=spaceport&radius_m=100", 400, "unknown_kind"),
            ("/api/v1/coverage?kind=Red%20Station&radius_m=100", 400, "unknown_kind"),
            ("/api/v1/coverage?kind=red_station&radius_m=0", 400, "invalid_parameter"),
            (
                "/api/v1/coverage?kind=red_station&radius_m=-5",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage?kind=red_station&radius_m=50001",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage?kind=red_station&radius_m=NaN",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage?kind=red_station&radius_m=far",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage?kind=red_station&radius_m=100&area_code=999999",
                404,
                "not_found",
            ),
            (
                "/api/v1/coverage?kind=red_station&radius_m=100&area_code=%3Cscript%3E",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage?kind=red_station&radius_m=100&level=village",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage?kind=red_station&radius_m=100&area_code=420001002001&level=township",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage/uncovered?kind=red_station&radius_m=100&limit=0",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage/uncovered?kind=red_station&radius_m=100&crs=utm",
                400,
                "invalid_parameter",
            ),
            ("/api/v1/coverage/uncovered?kind=nope&radius_m=100", 400, "unknown_kind"),
            (
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&k=0",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&k=101",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&k=2.5",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=5001",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&candidates=roofs",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&candidates=grid&spacing_m=1",
                400,
                "invalid_parameter",
            ),
            (
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=4000&candidates=grid&spacing_m=10",
                400,
                "too_many_candidates",
            ),
            (
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&area_code=420009",
                404,
                "not_found",
            ),
        ] {
            let (got, body) = app.get(uri).await;
            assert_eq!(got.as_u16(), status, "{b}: {uri}: {body}");
            let (c, message) = error_of(&body);
            assert_eq!(c, code, "{b}: {uri}: {message}");
        }
        let (_, body) = app.get("/api/v1/coverage?kind=red_station&radius_m=50001").await;
        assert!(error_of(&body).1.contains("radius_m"), "{body}");
        let (_, body) = app.get("/api/v1/coverage?kind=spaceport&radius_m=100").await;
        assert!(
            error_of(&body).1.contains("red_station"),
            "the message lists the known kinds: {body}"
        );
        // Without a token: 401, like every data route.
        let (status, _, _) = app
            .anonymous(
                Request::get("/api/v1/coverage?kind=red_station&radius_m=100")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn openapi_lists_the_coverage_endpoints() {
    for app in apps().await {
        let (status, doc) = app.get("/api/v1/openapi.json").await;
        assert_eq!(status, StatusCode::OK);
        for path in [
            "/api/v1/coverage",
            "/api/v1/coverage/uncovered",
            "/api/v1/coverage/suggestions",
            "/api/v1/maps/coverage.png",
        ] {
            let get = &doc["paths"][path]["get"];
            assert!(get.is_object(), "{path} missing from the OpenAPI document");
            let params: Vec<&str> = get["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert!(
                params.contains(&"kind") && params.contains(&"radius_m"),
                "{path}: {params:?}"
            );
        }
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["CoverageAnswer"].is_object() && schemas["SuggestionsAnswer"].is_object());
        let answer = schemas["CoverageAnswer"].to_string();
        assert!(answer.contains("by_area") && answer.contains("Figures"), "{answer}");
    }
}
