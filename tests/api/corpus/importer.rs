//! Importer bugs the corpus found, kept as regression tests: NUL characters the two stores treated
//! differently, polygon checks that were quadratic in the number of vertices, and values quoted
//! whole in messages.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;

use super::{assert_no_internals, circle_ring, community_with_ring, post_import, snapshot};
use crate::{apps, apps_with, error_of, test_limits};

/// A NUL character (U+0000) is legal JSON text, but PostgreSQL cannot store it in `text` or
/// `jsonb`: SQLite stores it, PostgreSQL refuses the write with its own message, which names no
/// feature. The importer should refuse it on both stores, naming the feature and the property.
#[tokio::test]
async fn regression_nul_characters_are_refused_naming_the_feature() {
    for (property, value) in [("name", json!("甲\u{0}乙")), ("note", json!({"deeper": ["\u{0}"]}))] {
        let body = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"code": "SN-1", "kind": "red_station", property: value},
            "geometry": {"type": "Point", "coordinates": [112.13, 32.06]}}]})
        .to_string();
        for app in apps().await {
            let before = snapshot(&app).await;
            let (status, answer) = post_import(&app, "stations", "application/geo+json", body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{}: {answer}", app.backend);
            let (code, message) = error_of(&answer);
            assert_eq!(code, "invalid_features", "{}: {message}", app.backend);
            assert!(
                message.contains("SN-1") && message.contains(property),
                "{}: {message}",
                app.backend
            );
            assert_no_internals(&app, "NUL", &answer);
            assert_eq!(snapshot(&app).await, before);
        }
    }
}

/// The self-intersection check is meant to be near O(n log n), but geo's `is_valid` and
/// `validation_errors`, run after it, are quadratic: a 20,000-vertex boundary (500 KB, well under
/// the body limit; real county boundaries have more) runs past the request timeout while its
/// check keeps a CPU busy. It should import within seconds.
#[tokio::test]
async fn regression_county_sized_boundaries_import_within_seconds() {
    let limits = gridmap::state::Limits {
        request_timeout: Duration::from_secs(10),
        ..test_limits()
    };
    let body = community_with_ring("420001001991", circle_ring(20_000));
    for app in apps_with(limits).await {
        let (status, answer) = post_import(&app, "areas", "application/geo+json", body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", app.backend);
    }
}

/// Import messages quote property values and the `crs` member whole: a 100,000-character value
/// comes back twice (message and details). Query messages clip what they quote; import messages
/// should too.
#[tokio::test]
async fn regression_long_property_values_are_not_echoed_whole() {
    let long = "y".repeat(100_000);
    let bodies = [
        json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"code": "420001001992", "name": "长", "level": long, "parent_code": crate::fixture::WEST},
            "geometry": null}]}),
        json!({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": long}}, "features": []}),
    ];
    for app in apps().await {
        for body in &bodies {
            let (status, answer) = post_import(&app, "areas", "application/geo+json", body.to_string()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{}", app.backend);
            assert!(
                answer.to_string().len() < 4000,
                "{}: {} bytes",
                app.backend,
                answer.to_string().len()
            );
        }
    }
}
