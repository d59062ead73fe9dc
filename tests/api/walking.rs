//! Walking distance over the fixture's hand-made path network (`fixture::paths`).
//!
//! Lengths on the WGS 84 ellipsoid at 32.05°N, from the radii of curvature (N cos φ Δλ along a
//! parallel, M Δφ along a meridian; segments this short differ from the geodesic by far less than
//! a millimetre):
//!
//! ```text
//! 0.0001° of meridian (RS-A and P hang below R1)          11.089 m
//! 0.001° of R1 (along 32.0501°N)                         94.442 m     0.0009°  84.998 m
//! L2 north 32.0501 → 32.0509                             88.710 m
//! L2 east along 32.0509 (0.001°)                         94.441 m
//! L3 north 32.0501 → 32.06                             1097.789 m
//! R1 0.009° / 0.011°                                    849.976 m / 1038.859 m
//! ```
//!
//! Walks:
//! - P (112.12,32.05) → RS-A: 11.089 + 94.442 + 11.089 = 116.62 m (straight line ~94.5 m);
//!   → RS-B: 11.089 + 94.442 (west on R1) + 88.710 + 94.441 = 288.68 m (straight line ~99.8 m).
//! - H1, H2 (on R1 at 112.1201) → RS-A: 84.998 + 11.089 = 96.09 m (straight 85.718 m);
//!   → RS-B: 0.0011° of R1 (103.886) + 88.710 + 94.441 = 287.04 m (straight 89.211 m).
//! - H3 (top of L3) → RS-A: 1097.789 + 849.976 + 11.089 = 1958.85 m (straight 1397.137 m);
//!   → RS-B: 1097.789 + 1038.859 + 88.710 + 94.441 = 2319.80 m (straight 1382.049 m): on foot
//!   H3's nearest red station is A, in a straight line B.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gridmap::domain::Layer;
use serde_json::Value;

use crate::fixture::{self, P};
use crate::{TestApp, apps, error_of};

fn close(got: &Value, expected: f64, tolerance: f64) -> bool {
    got.as_f64().is_some_and(|g| (g - expected).abs() <= tolerance)
}

async fn with_paths() -> Vec<TestApp> {
    let apps = apps().await;
    for app in &apps {
        let summary = app.import(Layer::Paths, &fixture::paths()).await.unwrap();
        assert_eq!(summary.inserted, 3, "{}", app.backend);
    }
    apps
}

#[tokio::test]
async fn without_paths_walking_is_refused_with_409() {
    for app in apps().await {
        let b = app.backend;
        for uri in [
            format!(
                "/api/v1/nearest?lon={}&lat={}&kind=red_station&distance=walking",
                P.0, P.1
            ),
            "/api/v1/coverage?kind=red_station&radius_m=100&distance=walking".to_owned(),
            "/api/v1/coverage/uncovered?kind=red_station&radius_m=100&distance=walking".to_owned(),
            "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&distance=walking".to_owned(),
        ] {
            let (status, body) = app.get(&uri).await;
            assert_eq!(status, StatusCode::CONFLICT, "{b}: {uri}: {body}");
            let (code, message) = error_of(&body);
            assert_eq!(code, "no_paths", "{b}");
            assert!(message.contains("no paths are loaded"), "{b}: {message}");
        }
        let (status, body) = app
            .get(&format!(
                "/api/v1/nearest?lon={}&lat={}&kind=red_station&distance=flying",
                P.0, P.1
            ))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {body}");
        // Straight-line answers are unchanged, with no walking fields.
        let (status, body) = app
            .get(&format!(
                "/api/v1/nearest?lon={}&lat={}&kind=red_station&distance=straight",
                P.0, P.1
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        assert!(body.get("distance").is_none() && body["results"][0].get("walking_distance_m").is_none());
    }
}

#[tokio::test]
async fn nearest_on_foot_matches_the_hand_worked_walks() {
    for app in with_paths().await {
        let b = app.backend;
        let (status, body) = app
            .get(&format!(
                "/api/v1/nearest?lon={}&lat={}&kind=red_station&k=2&distance=walking",
                P.0, P.1
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        assert_eq!(body["distance"], "walking");
        let r = &body["results"];
        assert_eq!(
            (r[0]["station"]["code"].as_str(), r[1]["station"]["code"].as_str()),
            (Some("RS-A"), Some("RS-B"))
        );
        assert!(close(&r[0]["walking_distance_m"], 116.62, 0.02), "{b}: {body}");
        assert!(close(&r[0]["distance_m"], 94.5, 1.0), "{b}: {body}");
        assert!(close(&r[1]["walking_distance_m"], 288.68, 0.02), "{b}: {body}");

        // From H3 the order flips: B is nearer in a straight line, A on foot.
        let (status, body) = app
            .get("/api/v1/nearest?lon=112.13&lat=32.06&kind=red_station&k=2&distance=walking")
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        let r = &body["results"];
        assert_eq!(r[0]["station"]["code"], "RS-A", "{b}: {body}");
        assert!(close(&r[0]["walking_distance_m"], 1958.85, 0.05), "{b}: {body}");
        assert!(close(&r[0]["distance_m"], 1397.137, 0.01), "{b}: {body}");
        assert_eq!(r[1]["station"]["code"], "RS-B");
        assert!(close(&r[1]["walking_distance_m"], 2319.80, 0.05), "{b}: {body}");
        assert!(close(&r[1]["distance_m"], 1382.049, 0.01), "{b}: {body}");

        // max_distance_m bounds the walk.
        let (_, body) = app
            .get("/api/v1/nearest?lon=112.13&lat=32.06&kind=red_station&k=5&distance=walking&max_distance_m=2000")
            .await;
        let codes: Vec<&str> = body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["station"]["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["RS-A"], "{b}: {body}");
    }
}

#[tokio::test]
async fn coverage_on_foot_beside_the_straight_line() {
    for app in with_paths().await {
        let b = app.backend;
        // (radius, covered in a straight line, covered on foot): H1, H2 at 85.718 / 96.09 m,
        // H3 at 1382.049 / 1958.85 m, H4 far from both.
        for (radius, straight, walking) in [(90, 2, 0), (100, 2, 2), (1900, 3, 2), (2000, 3, 3)] {
            let (status, body) = app
                .get(&format!(
                    "/api/v1/coverage?kind=red_station&radius_m={radius}&distance=walking"
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{b}: {body}");
            assert_eq!(body["distance"], "walking");
            assert_eq!(body["covered"], straight, "{b}: radius {radius}: {body}");
            assert_eq!(body["walking"]["covered"], walking, "{b}: radius {radius}: {body}");
            let east = body["by_area"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"] == fixture::EAST)
                .expect("the east township");
            assert_eq!(east["walking"]["covered"], walking, "{b}: {body}");
        }
        let (_, body) = app.get("/api/v1/coverage?kind=red_station&radius_m=100").await;
        assert!(body.get("walking").is_none(), "{b}: straight by default: {body}");
    }
}

#[tokio::test]
async fn paths_import_updates_by_code_and_names_bad_features() {
    for app in with_paths().await {
        let b = app.backend;
        // The line without a code got one from its geometry: importing again updates all three.
        let again = app.import(Layer::Paths, &fixture::paths()).await.unwrap();
        assert_eq!((again.inserted, again.updated), (0, 3), "{b}");
        let data = app.state.index().dataset();
        let codes: Vec<&str> = data.paths.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes.len(), 3);
        assert!(
            codes[2].starts_with("path-") && codes[..2] == ["L2", "R1"],
            "{b}: {codes:?}"
        );
        assert_eq!(data.paths[2].properties["surface"], "gravel");

        let bad = r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "OK1"}, "geometry": {"type": "LineString", "coordinates": [[112.1, 32.0], [112.2, 32.0]]}},
            {"type": "Feature", "properties": {"code": "DOT"}, "geometry": {"type": "LineString", "coordinates": [[112.1, 32.0], [112.1, 32.0]]}}]}"#;
        let req = Request::post("/api/v1/import/paths")
            .header("content-type", "application/geo+json")
            .body(Body::from(bad))
            .unwrap();
        let (status, body) = app.request(req).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {body}");
        let text = body.to_string();
        assert!(
            text.contains("DOT") && text.contains("distinct position"),
            "{b}: {body}"
        );
        assert_eq!(app.state.index().paths.len(), 3, "{b}: all or nothing");
    }
}

/// Walks computed by PostGIS alone, as an independent check: the paths and the two straight access
/// lines (`ST_ShortestLine` from each point to the network) noded together with `ST_Node`, each
/// noded segment weighted by `ST_Length` on geography (the WGS 84 spheroid), and the shortest walk
/// found by a recursive CTE over simple paths (the fixture's network is small and has no cycles).
const SQL_WALK: &str = "
WITH RECURSIVE net AS (SELECT ST_CollectionExtract(ST_Collect(geom), 2) AS g FROM paths),
     ends AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS a, ST_SetSRID(ST_MakePoint($3, $4), 4326) AS b),
     noded AS (
        SELECT (ST_Dump(ST_Node(ST_CollectionExtract(
            ST_Collect(ARRAY[net.g, ST_ShortestLine(ends.a, net.g), ST_ShortestLine(ends.b, net.g)]), 2)))).geom AS g
        FROM net, ends),
     segs AS (
        SELECT ST_AsText(ST_SnapToGrid(ST_PointN(g, i), 1e-9)) AS p, ST_AsText(ST_SnapToGrid(ST_PointN(g, i + 1), 1e-9)) AS q,
               ST_Length(ST_MakeLine(ST_PointN(g, i), ST_PointN(g, i + 1))::geography) AS m
        FROM noded, generate_series(1, ST_NPoints(g) - 1) AS i),
     edges AS (SELECT p AS a, q AS b, m FROM segs UNION ALL SELECT q, p, m FROM segs),
     walk (node, metres, seen) AS (
        SELECT ST_AsText(ST_SnapToGrid(a, 1e-9)), 0::float8, ARRAY[ST_AsText(ST_SnapToGrid(a, 1e-9))] FROM ends
        UNION ALL
        SELECT e.b, w.metres + e.m, w.seen || e.b FROM walk w JOIN edges e ON e.a = w.node WHERE NOT e.b = ANY(w.seen))
SELECT min(metres) FROM walk, ends WHERE node = ST_AsText(ST_SnapToGrid(ends.b, 1e-9))";

#[tokio::test]
async fn walks_agree_with_a_dijkstra_in_postgis() {
    for app in with_paths().await {
        if app.backend != "postgres" {
            continue;
        }
        let pool = sqlx::PgPool::connect(&app.url).await.unwrap();
        // (from, to, the walk worked out by hand): P → RS-B, H1 → RS-A, H3 → RS-A, H3 → RS-B.
        for (from, to, by_hand) in [
            (P, (112.12, 32.0509), 288.68),
            ((112.1201, 32.0501), (112.121, 32.05), 96.09),
            ((112.13, 32.06), (112.121, 32.05), 1958.85),
            ((112.13, 32.06), (112.12, 32.0509), 2319.80),
        ] {
            let (sql,): (f64,) = sqlx::query_as(SQL_WALK)
                .bind(from.0)
                .bind(from.1)
                .bind(to.0)
                .bind(to.1)
                .fetch_one(&pool)
                .await
                .unwrap();
            let index = app.state.index();
            let net = index.paths.network().unwrap();
            let snap = |p: (f64, f64)| net.snap(geo::Coord { x: p.0, y: p.1 }).unwrap();
            let ours = gridmap::network::Reach::from_sources(net, &[snap(to)], 10_000.0)
                .to(net, &snap(from))
                .unwrap();
            assert!(
                (sql - ours).abs() < 0.01,
                "{from:?} → {to:?}: PostGIS {sql} m, gridmap {ours} m"
            );
            assert!(
                (ours - by_hand).abs() < 0.02,
                "{from:?} → {to:?}: {ours} m, by hand {by_hand} m"
            );
        }
        pool.close().await;
    }
}

#[tokio::test]
async fn uncovered_and_suggestions_on_foot() {
    for app in with_paths().await {
        let b = app.backend;
        // At 1,900 m H3 is within reach in a straight line (1382 m) but not on foot (1958.85 m).
        let codes = |body: &Value| -> Vec<String> {
            let features = body["features"].as_array().unwrap();
            features.iter().map(|f| f["id"].as_str().unwrap().to_owned()).collect()
        };
        let (status, straight) = app
            .get("/api/v1/coverage/uncovered?kind=red_station&radius_m=1900")
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {straight}");
        assert_eq!(straight["distance"], "straight");
        let (status, walking) = app
            .get("/api/v1/coverage/uncovered?kind=red_station&radius_m=1900&distance=walking")
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {walking}");
        assert_eq!(walking["distance"], "walking");
        assert!(!codes(&straight).contains(&"H3".to_owned()), "{b}: {straight}");
        assert!(codes(&walking).contains(&"H3".to_owned()), "{b}: {walking}");
        assert_eq!(
            walking["numberMatched"],
            straight["numberMatched"].as_u64().unwrap() + 1
        );
        // Each with its walk, the longest first; H3's is the hand-worked 1958.85 m.
        let features = walking["features"].as_array().unwrap();
        let h3 = features.iter().find(|f| f["id"] == "H3").unwrap();
        assert!(
            close(&h3["properties"]["walking_distance_m"], 1958.85, 0.05),
            "{b}: {h3}"
        );
        let walks: Vec<f64> = features
            .iter()
            .map(|f| f["properties"]["walking_distance_m"].as_f64().unwrap())
            .collect();
        assert!(walks.windows(2).all(|w| w[0] >= w[1]), "{b}: {walks:?}");
        assert!(
            straight["features"][0]["properties"]
                .get("walking_distance_m")
                .is_none()
        );

        // Suggested sites on foot, then stations built at them: coverage on foot rises by the gains.
        let (status, found) = app
            .get("/api/v1/coverage/suggestions?kind=red_station&radius_m=100&distance=walking&candidates=grid&spacing_m=20&k=3")
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {found}");
        assert_eq!(found["distance"], "walking");
        assert_eq!(found["covered_before"], 2, "{b}: H1 and H2 walk 96 m: {found}");
        let sites = found["sites"].as_array().unwrap();
        assert!(!sites.is_empty(), "{b}: {found}");
        let features: Vec<Value> = sites
            .iter()
            .map(|s| {
                serde_json::json!({"type": "Feature",
                    "properties": {"code": format!("NEW-{}", s["rank"]), "kind": "red_station"},
                    "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]}})
            })
            .collect();
        let built = serde_json::json!({"type": "FeatureCollection", "features": features}).to_string();
        app.import(Layer::Stations, &built).await.unwrap();
        let (_, after) = app
            .get("/api/v1/coverage?kind=red_station&radius_m=100&distance=walking")
            .await;
        assert_eq!(
            after["walking"]["covered"], found["covered_after"],
            "{b}: {after} vs {found}"
        );
        assert!(
            found["covered_after"].as_u64() > found["covered_before"].as_u64(),
            "{b}: {found}"
        );
        // The households each site names are those it newly covers on foot: no longer left out.
        let named: Vec<String> = sites
            .iter()
            .flat_map(|s| s["households"].as_array().unwrap().iter())
            .map(|h| h.as_str().unwrap().to_owned())
            .collect();
        let gains: u64 = sites.iter().map(|s| s["gain"].as_u64().unwrap()).sum();
        assert_eq!(named.len() as u64, gains, "{b}: {found}");
        let (_, left) = app
            .get("/api/v1/coverage/uncovered?kind=red_station&radius_m=100&distance=walking")
            .await;
        assert!(
            named.iter().all(|h| !codes(&left).contains(h)),
            "{b}: {left} vs {found}"
        );
    }
}
