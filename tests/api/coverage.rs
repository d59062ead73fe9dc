//! Coverage of households by stations of a kind, the households left out, and suggested sites.
//!
//! The fixture's households and red stations (see `fixture.rs`), with geodesic distances on the
//! WGS 84 ellipsoid worked out by hand (Vincenty's inverse formula, to the millimetre):
//!
//! ```text
//! household  where              RS-A (112.121,32.05)  RS-B (112.12,32.0509)  RS-C (112.18,32.15)  PR-1 (112.16,32.03)
//! H1, H2     112.1201,32.0501   85.718                89.211                 12437.220            4378.395
//! H3         112.13,32.06       1397.137              1382.049               11039.539            4369.744
//! H4         112.1602,32.0201   4970.202              5107.144               14525.167            1097.946
//! ```
//!
//! So the nearest red station is RS-A for H1, H2 (85.718 m) and H4 (4970.202 m), RS-B for H3
//! (1382.049 m). Within 100 m: H1 and H2, 2 of 4. Mean (85.718·2 + 1382.049 + 4970.202) / 4 =
//! 1630.92 m; the 90th percentile by nearest rank is the ⌈0.9·4⌉ = 4th distance, 4970.20 m.
//! H1–H3 lie in the west grid (…001), H4 in the east grid's south red yard; all in the east
//! township, none in the west one.

mod map;
mod postgis;
mod refusals;
mod suggestions;
mod tiles;
mod walking_tiles;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gridmap::access::Role;
use serde_json::{Value, json};

use crate::fixture::{COMMUNITY, EAST, GRID_E, GRID_W, WEST, YARD_N, YARD_S};
use crate::{apps, error_of};

fn close(got: &Value, expected: f64, tolerance: f64) -> bool {
    got.as_f64().is_some_and(|g| (g - expected).abs() <= tolerance)
}

/// The rows of `by_area`, by code.
fn row<'a>(body: &'a Value, code: &str) -> &'a Value {
    body["by_area"]
        .as_array()
        .expect("by_area")
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no row {code} in {body}"))
}

#[tokio::test]
async fn the_fixture_is_covered_as_worked_out_by_hand() {
    for app in apps().await {
        let b = app.backend;
        let (status, body) = app.get("/api/v1/coverage?kind=red_station&radius_m=100").await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        assert_eq!(body["kind"], "red_station");
        assert_eq!(body["radius_m"], 100.0);
        assert_eq!(body["area_code"], Value::Null);
        assert_eq!(
            body["level"], "township",
            "without an area the breakdown is by township"
        );
        assert_eq!(body["stations"], 3);
        assert_eq!(
            (body["households"].as_u64(), body["covered"].as_u64()),
            (Some(4), Some(2)),
            "{b}"
        );
        assert_eq!(body["share"], 0.5);
        assert!(close(&body["mean_distance_m"], 1630.92, 0.01), "{b}: {body}");
        assert!(close(&body["p90_distance_m"], 4970.20, 0.01), "{b}: {body}");
        let codes: Vec<&str> = body["by_area"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, [WEST, EAST]);
        let west = row(&body, WEST);
        assert_eq!(
            (west["households"].as_u64(), west["covered"].as_u64()),
            (Some(0), Some(0))
        );
        assert_eq!(west["share"], Value::Null, "no households, no share");
        assert_eq!(west["mean_distance_m"], Value::Null);
        assert_eq!(west["stations"], 0);
        let east = row(&body, EAST);
        assert_eq!(
            (east["households"].as_u64(), east["covered"].as_u64()),
            (Some(4), Some(2))
        );
        assert_eq!(east["stations"], 3);
        assert_eq!(east["level"], "township");

        // The south community, by grid (its children): H1–H3 in the west grid, H4 in the east one.
        let (status, body) = app
            .get(&format!(
                "/api/v1/coverage?kind=red_station&radius_m=100&area_code={COMMUNITY}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        assert_eq!(body["area_code"], COMMUNITY);
        assert_eq!(body["area_name"], "南社区");
        assert_eq!(body["level"], "grid");
        assert_eq!(body["stations"], 2, "RS-C is in the north community");
        assert_eq!(
            (body["households"].as_u64(), body["covered"].as_u64()),
            (Some(4), Some(2))
        );
        let w = row(&body, GRID_W);
        assert_eq!(
            (w["households"].as_u64(), w["covered"].as_u64(), w["stations"].as_u64()),
            (Some(3), Some(2), Some(2))
        );
        // (85.718·2 + 1382.049) / 3 = 517.828; the ⌈2.7⌉ = 3rd of 3 is 1382.049.
        assert!(close(&w["mean_distance_m"], 517.83, 0.01), "{b}: {w}");
        assert!(close(&w["p90_distance_m"], 1382.05, 0.01), "{b}: {w}");
        assert!(close(&w["share"], 0.6667, 1e-9), "{w}");
        let e = row(&body, GRID_E);
        assert_eq!(
            (e["households"].as_u64(), e["covered"].as_u64(), e["stations"].as_u64()),
            (Some(1), Some(0), Some(0))
        );
        assert!(close(&e["mean_distance_m"], 4970.20, 0.01) && close(&e["p90_distance_m"], 4970.20, 0.01));

        // Any level below the area: the red house-yards of the community (only the east grid has them).
        let (_, body) = app
            .get(&format!(
                "/api/v1/coverage?kind=red_station&radius_m=100&area_code={COMMUNITY}&level=red_yard"
            ))
            .await;
        let codes: Vec<&str> = body["by_area"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, [YARD_S, YARD_N], "{b}");
        assert_eq!(row(&body, YARD_S)["households"], 1);
        assert_eq!(row(&body, YARD_N)["households"], 0);
        // A red house-yard's breakdown is itself.
        let (_, body) = app
            .get(&format!(
                "/api/v1/coverage?kind=red_station&radius_m=100&area_code={YARD_S}"
            ))
            .await;
        assert_eq!(body["level"], "red_yard");
        assert_eq!(body["by_area"].as_array().unwrap().len(), 1);

        // Other radii: H3 joins at 1382.049 m, H4 at 4970.202 m.
        for (radius, covered) in [
            (85.7, 0),
            (85.72, 2),
            (1382.0, 2),
            (1383.0, 3),
            (4970.0, 3),
            (4971.0, 4),
            (50_000.0, 4),
        ] {
            let (_, body) = app
                .get(&format!("/api/v1/coverage?kind=red_station&radius_m={radius}"))
                .await;
            assert_eq!(body["covered"], covered, "{b}: {radius} m");
        }
        // Another kind: PR-1 is 1097.946 m from H4 and over 4 km from the others.
        let (_, body) = app.get("/api/v1/coverage?kind=police_room&radius_m=1100").await;
        assert_eq!(
            (body["covered"].as_u64(), body["stations"].as_u64()),
            (Some(1), Some(1)),
            "{b}"
        );
        let (_, body) = app.get("/api/v1/coverage?kind=police_room&radius_m=1097").await;
        assert_eq!(body["covered"], 0);
        // A known kind with no station: nobody covered, no distances.
        let (status, body) = app.get("/api/v1/coverage?kind=legal_office&radius_m=500").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (body["households"].as_u64(), body["covered"].as_u64()),
            (Some(4), Some(0))
        );
        assert_eq!(body["share"], 0.0);
        assert_eq!(body["stations"], 0);
        assert_eq!(body["mean_distance_m"], Value::Null);
        assert_eq!(body["p90_distance_m"], Value::Null);
    }
}

#[tokio::test]
async fn the_households_left_out_come_as_geojson_farthest_first() {
    for app in apps().await {
        let b = app.backend;
        let req = Request::get("/api/v1/coverage/uncovered?kind=red_station&radius_m=100")
            .body(Body::empty())
            .unwrap();
        let (status, headers, bytes) = app.raw(req).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(headers["content-type"], "application/geo+json");
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["type"], "FeatureCollection");
        assert_eq!(
            (body["numberMatched"].as_u64(), body["numberReturned"].as_u64()),
            (Some(2), Some(2))
        );
        let features = body["features"].as_array().unwrap();
        // H4 (4970.20 m from RS-A) before H3 (1382.05 m from RS-B).
        assert_eq!(features[0]["id"], "H4");
        assert_eq!(
            features[0]["geometry"],
            json!({"type": "Point", "coordinates": [112.1602, 32.0201]})
        );
        let p = &features[0]["properties"];
        assert_eq!(p["nearest_station"], "RS-A");
        assert!(close(&p["distance_m"], 4970.20, 0.01), "{b}: {p}");
        assert_eq!(p["area_code"], YARD_S);
        assert_eq!(p["head_name"], "赵六", "the admin sees names");
        assert_eq!(p["note"], "kept as given", "extra properties come along");
        assert_eq!(features[1]["id"], "H3");
        assert_eq!(features[1]["properties"]["nearest_station"], "RS-B");
        assert_eq!(features[1]["properties"]["area_code"], GRID_W);

        // Paging.
        let (_, body) = app
            .get("/api/v1/coverage/uncovered?kind=red_station&radius_m=100&limit=1&offset=1")
            .await;
        assert_eq!(
            (body["numberMatched"].as_u64(), body["numberReturned"].as_u64()),
            (Some(2), Some(1))
        );
        assert_eq!(body["features"][0]["id"], "H3");
        // Inside an area.
        let (_, body) = app
            .get(&format!(
                "/api/v1/coverage/uncovered?kind=red_station&radius_m=100&area_code={GRID_E}"
            ))
            .await;
        assert_eq!(body["numberMatched"], 1);
        assert_eq!(body["features"][0]["id"], "H4");
        // A kind without stations leaves everyone out, with no nearest station.
        let (_, body) = app
            .get("/api/v1/coverage/uncovered?kind=legal_office&radius_m=100")
            .await;
        assert_eq!(body["numberMatched"], 4);
        assert_eq!(body["features"][0]["properties"]["nearest_station"], Value::Null);
        assert_eq!(body["features"][0]["properties"]["distance_m"], Value::Null);
    }
}

#[tokio::test]
async fn who_sees_what_of_coverage() {
    for app in apps().await {
        let b = app.backend;
        let uncovered = "/api/v1/coverage/uncovered?kind=red_station&radius_m=100";
        // A viewer: stations, but no household figures, no households and no suggestions.
        let viewer = app.token_for("viewer", Role::Viewer, None).await;
        let (status, body) = app
            .get_as(&viewer, "/api/v1/coverage?kind=red_station&radius_m=100")
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        assert_eq!(body["stations"], 3);
        for field in ["households", "covered", "share", "mean_distance_m", "p90_distance_m"] {
            assert_eq!(body[field], Value::Null, "{b}: {field}");
            assert_eq!(row(&body, EAST)[field], Value::Null, "{b}: {field} by area");
        }
        let (status, body) = app.get_as(&viewer, uncovered).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: {body}");
        error_of(&body);
        let (status, _) = app
            .get_as(&viewer, "/api/v1/coverage/suggestions?kind=red_station&radius_m=100")
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Planners and dispatchers: every household, masked.
        for (name, role) in [("planner", Role::Planner), ("dispatcher", Role::Dispatcher)] {
            let token = app.token_for(name, role, None).await;
            let (status, body) = app.get_as(&token, uncovered).await;
            assert_eq!(status, StatusCode::OK, "{b}: {name}");
            assert_eq!(body["numberMatched"], 2);
            let p = &body["features"][0]["properties"];
            assert_eq!(p["head_name"], "赵*", "{b}: {name}");
            assert_eq!(p["phone"], "139****0004", "{b}: {name}");
        }

        // A grid leader sees the households of the grid only (counts stay those of every area,
        // as in an area's statistics).
        let west = app.token_for("west", Role::GridLeader, Some(GRID_W)).await;
        let (_, body) = app.get_as(&west, uncovered).await;
        assert_eq!(body["numberMatched"], 1, "{b}: {body}");
        assert_eq!(body["features"][0]["id"], "H3");
        assert_eq!(body["features"][0]["properties"]["head_name"], "王五");
        let (_, body) = app.get_as(&west, &format!("{uncovered}&area_code={GRID_E}")).await;
        assert_eq!(body["numberMatched"], 0, "nothing of another grid");
        let (_, body) = app
            .get_as(&west, "/api/v1/coverage?kind=red_station&radius_m=100")
            .await;
        assert_eq!(body["households"], 4);

        // What was shown is in the audit log.
        app.state.flush_audit().await.unwrap();
        let entries = app
            .state
            .store()
            .audit(&gridmap::access::AuditQuery {
                user: Some("west".into()),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e.action == "read_households" && e.codes == ["H3"]),
            "{b}: {entries:?}"
        );
    }
}
