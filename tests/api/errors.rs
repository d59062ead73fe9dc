//! Bad input gets a 4xx in the contract's shape, saying what and where.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use crate::{apps, error_of};

#[tokio::test]
async fn bad_points_in_query_strings() {
    for app in apps().await {
        let cases = [
            ("lon=31.6&lat=112.1", "invalid_coordinate", "swapped"),
            ("lon=112.1&lat=95", "invalid_coordinate", "latitude 95"),
            ("lon=200&lat=31", "invalid_coordinate", "longitude 200"),
            ("lon=abc&lat=31", "invalid_parameter", "'lon'"),
            ("lon=NaN&lat=31", "invalid_parameter", "'lon'"),
            ("lon=112&lat=inf", "invalid_parameter", "'lat'"),
            ("lon=112", "invalid_parameter", "'lat' is required"),
            ("lon=112&lat=31&crs=mars", "invalid_parameter", "crs"),
        ];
        for (query, code, words) in cases {
            let (status, body) = app.get(&format!("/api/v1/locate?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{}: {query}: {body}", app.backend);
            let (c, message) = error_of(&body);
            assert_eq!(c, code, "{query}");
            assert!(message.contains(words), "{query}: {message:?} should mention {words:?}");
        }
    }
}

#[tokio::test]
async fn bad_batch_bodies() {
    for app in apps().await {
        let cases = [
            (
                r#"{"points": [[112.1, 32.0], "#,
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "line 1",
            ),
            (
                r#"{"points": "everywhere"}"#,
                StatusCode::BAD_REQUEST,
                "invalid_body",
                "points",
            ),
            (
                r#"{"points": [[112.1, 32.0], [112.1]]}"#,
                StatusCode::BAD_REQUEST,
                "invalid_coordinate",
                "points[1]",
            ),
            (
                r#"{"points": [[112.1, 32.0], [32.0, 112.1]]}"#,
                StatusCode::BAD_REQUEST,
                "invalid_coordinate",
                "points[1]",
            ),
            (
                r#"{"points": [[112.1, 32.0]], "crs": "mars"}"#,
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                "crs",
            ),
        ];
        for (body, status, code, words) in cases {
            let (got, answer) = app.post_json("/api/v1/locate", body).await;
            assert_eq!(got, status, "{}: {body}: {answer}", app.backend);
            let (c, message) = error_of(&answer);
            assert_eq!(c, code, "{body}");
            assert!(message.contains(words), "{body}: {message:?} should mention {words:?}");
        }
        let req = Request::post("/api/v1/locate")
            .body(Body::from(r#"{"points": []}"#))
            .unwrap();
        let (status, answer) = app.request(req).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        error_of(&answer);
    }
}

#[tokio::test]
async fn oversized_batches_and_bodies_are_413() {
    for app in apps().await {
        let limit = app.state.limits().max_batch_points;
        let points: Vec<[f64; 2]> = vec![[112.1, 32.0]; limit + 1];
        let (status, body) = app
            .post_json("/api/v1/locate", json!({ "points": points }).to_string())
            .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{}", app.backend);
        let (code, message) = error_of(&body);
        assert_eq!(code, "payload_too_large");
        assert!(message.contains(&limit.to_string()), "{message}");
        // At the limit it answers.
        let points: Vec<[f64; 2]> = vec![[112.1, 32.0]; limit];
        let (status, _) = app
            .post_json("/api/v1/locate", json!({ "points": points }).to_string())
            .await;
        assert_eq!(status, StatusCode::OK);
        let huge = format!(
            r#"{{"points": [], "pad": "{}"}}"#,
            "x".repeat(app.state.limits().max_body_bytes + 1)
        );
        let (status, body) = app.post_json("/api/v1/locate", huge).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        error_of(&body);
    }
}

#[tokio::test]
async fn unknown_codes_routes_and_methods() {
    for app in apps().await {
        for path in [
            "/api/v1/areas/123456789",
            "/api/v1/areas/123456789/children",
            "/api/v1/households/H999",
            "/api/v1/no-such-thing",
        ] {
            let (status, body) = app.get(path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(error_of(&body).0, "not_found");
        }
        let (status, body) = app.get("/api/v1/areas/1%27%3B%20DROP%20TABLE%20areas").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(error_of(&body).1.contains("area code"));
        let req = Request::delete("/api/v1/locate").body(Body::empty()).unwrap();
        let (status, body) = app.request(req).await;
        assert!(status.is_client_error());
        error_of(&body);
        // Long inputs are not echoed back whole.
        let (_, body) = app.get(&format!("/api/v1/locate?lon={}&lat=1", "9".repeat(5000))).await;
        assert!(error_of(&body).1.len() < 400);
    }
}
