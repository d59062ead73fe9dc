//! Inputs too large or too regular to keep as corpus files: deep nesting, a body over the size
//! limit, hundreds of bad features, query values thousands of characters long.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{assert_alive, assert_no_internals, circle_ring, community_with_ring, post_import, snapshot};
use crate::{apps, error_of};

/// `depth` nested arrays: `[[[…]]]`.
fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[tokio::test]
async fn deep_nesting_is_refused_without_overflowing_the_stack() {
    const DEPTH: usize = 100_000;
    let deep = nested(DEPTH);
    let point = r#"{"type": "Point", "coordinates": [112.13, 32.06]}"#;
    // (where the nesting sits, body, status, code)
    let imports = [
        ("the whole body", deep.clone(), 400, Some("invalid_geojson")),
        (
            "a feature",
            format!(r#"{{"type": "FeatureCollection", "features": [{deep}]}}"#),
            400,
            Some("invalid_features"),
        ),
        (
            "a property",
            format!(
                r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{"code": "SD-1", "kind": "red_station", "note": {deep}}}, "geometry": {point}}}]}}"#
            ),
            400,
            Some("invalid_features"),
        ),
        (
            "the coordinates",
            format!(
                r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{"code": "SD-2", "kind": "red_station"}}, "geometry": {{"type": "Point", "coordinates": {deep}}}}}]}}"#
            ),
            400,
            Some("invalid_features"),
        ),
        (
            "the crs member",
            format!(r#"{{"type": "FeatureCollection", "crs": {deep}, "features": []}}"#),
            400,
            Some("invalid_geojson"),
        ),
        // A member the importer does not read is skipped without being built, so its depth does
        // not matter: an empty collection, nothing written.
        (
            "an unknown member",
            format!(r#"{{"type": "FeatureCollection", "extra": {deep}, "features": []}}"#),
            200,
            None,
        ),
    ];
    for app in apps().await {
        let b = app.backend;
        for (place, body, status, code) in &imports {
            let before = snapshot(&app).await;
            let (got, answer) = post_import(&app, "stations", "application/geo+json", body.clone()).await;
            assert_eq!(got.as_u16(), *status, "{b}: nesting in {place}: {answer}");
            if let Some(code) = code {
                assert_eq!(error_of(&answer).0, *code, "{b}: nesting in {place}");
                assert!(error_of(&answer).1.contains("line 1 column"), "{b}: {place}: {answer}");
                assert_no_internals(&app, place, &answer);
            }
            assert_eq!(
                snapshot(&app).await,
                before,
                "{b}: nesting in {place} changed the store"
            );
            assert_alive(&app, place).await;
        }
        for uri in ["/api/v1/locate", "/api/v1/auth/token"] {
            let (status, answer) = app.post_json(uri, format!(r#"{{"points": {deep}}}"#)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {uri}: {answer}");
            error_of(&answer);
            assert_no_internals(&app, uri, &answer);
            let (status, answer) = app.post_json(uri, deep.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {uri}: {answer}");
            error_of(&answer);
            assert_alive(&app, uri).await;
        }
    }
}

/// Regression: the body limit's 413 on import came as axum's plain text, not in the error shape.
#[tokio::test]
async fn regression_a_million_vertex_polygon_is_413_in_the_error_shape() {
    let body = community_with_ring("420001001990", circle_ring(1_000_000));
    for app in apps().await {
        let b = app.backend;
        let limit = app.state.limits().max_body_bytes;
        assert!(body.len() > limit, "the polygon must exceed the limit to test it");
        let before = snapshot(&app).await;
        let (status, answer) = post_import(&app, "areas", "application/geo+json", body.clone()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{b}: {answer}");
        let (code, message) = error_of(&answer);
        assert_eq!(code, "payload_too_large");
        assert!(
            message.contains(&limit.to_string()),
            "{b}: the limit is named: {message}"
        );
        assert_no_internals(&app, "a 1,000,000-vertex polygon", &answer);
        assert_eq!(snapshot(&app).await, before, "{b}");
        assert_alive(&app, "a 1,000,000-vertex polygon").await;
    }
}

#[tokio::test]
async fn many_bad_features_are_all_counted_and_the_list_is_capped() {
    const BAD: usize = 300;
    let features: Vec<Value> = (0..BAD)
        .map(|i| {
            json!({"type": "Feature", "properties": {"code": format!("bad code {i}"), "kind": "red_station"},
            "geometry": {"type": "Point", "coordinates": [112.13, 32.06]}})
        })
        .collect();
    let body = json!({"type": "FeatureCollection", "features": features}).to_string();
    for app in apps().await {
        let b = app.backend;
        let before = snapshot(&app).await;
        let (status, answer) = post_import(&app, "stations", "application/geo+json", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{b}");
        let (code, message) = error_of(&answer);
        assert_eq!(code, "invalid_features");
        let listed = answer["error"]["details"]["problems"].as_array().unwrap().len();
        assert_eq!(
            answer["error"]["details"]["total"], BAD,
            "{b}: every bad feature is counted"
        );
        // The importer lists the first 50 in full (`import::error::MAX_LISTED`) and counts the rest.
        assert_eq!(listed, 50, "{b}: the list is capped");
        assert!(message.starts_with(&format!("{BAD} bad features")), "{b}: {message}");
        assert!(
            message.contains(&format!("and {} more", BAD - listed)),
            "{b}: {message}"
        );
        assert!(
            message.contains("feature 49 ") && !message.contains("feature 50 "),
            "{b}: the first 50 are listed"
        );
        assert_eq!(snapshot(&app).await, before, "{b}");
        assert_alive(&app, "300 bad features").await;
    }
}

/// Query inputs of thousands of characters are refused without being echoed back whole
/// (`errors.rs` checks `lon`; these are the other surfaces).
#[tokio::test]
async fn long_query_inputs_are_not_echoed_whole() {
    let long = "9".repeat(5000);
    let letters = "q".repeat(10_000);
    let uris = [
        format!("/api/v1/households?q={letters}"),
        format!("/api/v1/nearest?lon=112.12&lat=32.05&kind={letters}"),
        format!("/api/v1/nearest?lon=112.12&lat=32.05&kind=red_station&k={long}"),
        format!("/api/v1/areas/{letters}"),
        format!("/api/v1/households/{letters}"),
        format!("/tiles/areas/{long}/0/0.mvt"),
        format!("/ogc/collections/areas/items?bbox={}", "1,".repeat(3000)),
        format!("/ogc/collections/areas/items?limit={long}"),
        format!("/ogc/collections/{letters}/items"),
    ];
    for app in apps().await {
        for uri in &uris {
            let (status, body) = app.get(uri).await;
            assert!(status.is_client_error(), "{}: {status}: {body}", app.backend);
            let (_, message) = error_of(&body);
            assert!(
                message.len() < 400,
                "{}: {} chars echoed for {}",
                app.backend,
                message.len(),
                &uri[..40]
            );
            assert_no_internals(&app, &uri[..40], &body);
        }
        assert_alive(&app, "long query inputs").await;
    }
}
