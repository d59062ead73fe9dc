//! Coverage tiles measured on foot (`?distance=walking`) over the fixture's path network
//! (`fixture::paths`): the reach as stretches of path, households flagged as
//! `/coverage/uncovered?distance=walking` leaves them out, shares as `/coverage?distance=walking`.
//!
//! The reach drawn at a radius follows from the walks of `walking.rs`:
//! - RS-A (112.121, 32.05) hangs 0.0001° (11.089 m) below R1 and 0.002° (188.88 m) from R1's west
//!   end, so a walk of r metres reaches r − 11.089 m of R1 each way from the foot of its door walk
//!   and no junction: 2 · (r − 11.089) m.
//! - RS-B (112.12, 32.0509) is the east end of L2, a dead end: its walk runs west along L2's east
//!   leg (94.441 m), then south down L2's north leg for what is left: r m in all, up to 183.151 m.
//! - RS-C is ~10 km from every path, so it reaches nothing at these radii.
//!
//! So at 100 m: 2 · 88.911 + 100 = 277.822 m; at 90 m: 2 · 78.911 + 90 = 247.822 m.

use std::collections::HashMap;

use axum::http::StatusCode;
use geo::{Distance, Geodesic, Geometry, LineString, Point};
use gridmap::domain::Layer;
use gridmap::tiles::EXTENT;
use mvt_reader::feature::Value as Mvt;

use super::tiles::{Feature, area_agrees, area_row, layers, path, tile_at, to_lonlat};
use crate::{TestApp, apps, error_of, fixture};

async fn with_paths() -> Vec<TestApp> {
    let apps = apps().await;
    for app in &apps {
        app.import(Layer::Paths, &fixture::paths()).await.unwrap();
    }
    apps
}

/// The lines of a decoded feature, in tile units.
fn lines(f: &Feature) -> Vec<LineString<f32>> {
    match &f.geometry {
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(m) => m.0.clone(),
        other => panic!("not a line: {other:?}"),
    }
}

/// Whether a position (WGS 84 degrees) lies on R1, on L2's north leg or on L2's east leg, within
/// `tol` degrees.
fn on_the_paths((lon, lat): (f64, f64), tol: f64) -> bool {
    let within = |v: f64, lo: f64, hi: f64| v >= lo - tol && v <= hi + tol;
    ((lat - 32.0501).abs() <= tol && within(lon, 112.119, 112.131))
        || ((lon - 112.119).abs() <= tol && within(lat, 32.0501, 32.0509))
        || ((lat - 32.0509).abs() <= tol && within(lon, 112.119, 112.12))
}

#[tokio::test]
async fn the_walking_reach_is_the_stretches_of_path_within_the_walk() {
    for app in with_paths().await {
        let b = app.backend;
        // The deepest zoom whose tile holds both stations' reach, so nothing is clipped.
        let (west, north, east, south) = (112.1185, 32.0512, 112.1225, 32.0498);
        let z = (10..=16u8)
            .rev()
            .find(|&z| tile_at(z, west, north) == tile_at(z, east, south))
            .expect("a tile holding the reach");
        let xy = tile_at(z, 112.121, 32.05);
        // One tile unit, in degrees of longitude (more than one of latitude here).
        let unit = 360.0 / f64::from(1u32 << z) / f64::from(EXTENT);
        for (radius, metres) in [(100u32, 277.822), (90, 247.822)] {
            let tile = layers(
                &app,
                None,
                &format!("{}?distance=walking", path("red_station", radius, z, xy)),
            )
            .await;
            let reach = &tile["coverage_reach"];
            assert!(!reach.is_empty(), "{b}: {radius} m at z{z}");
            let mut length = 0.0;
            for f in reach {
                assert_eq!(f.str("kind"), Some("red_station"), "{b}");
                assert_eq!(f.str("distance"), Some("walking"), "{b}");
                assert_eq!(f.props["radius_m"], Mvt::SInt(i64::from(radius)), "{b}");
                assert!(f.str("code").is_none(), "{b}: the walks of all stations, not one's");
                for line in lines(f) {
                    let at: Vec<(f64, f64)> = line
                        .coords()
                        .map(|c| to_lonlat(z, xy, f64::from(c.x), f64::from(c.y)))
                        .collect();
                    for &p in &at {
                        assert!(on_the_paths(p, 2.0 * unit), "{b}: {p:?} is on no path");
                    }
                    length += at
                        .windows(2)
                        .map(|w| Geodesic.distance(Point::from(w[0]), Point::from(w[1])))
                        .sum::<f64>();
                }
            }
            // Each end of each stretch is rounded to the nearest tile unit (~0.1–0.3 m here).
            assert!(
                (length - metres).abs() < 0.5,
                "{b}: {radius} m at z{z}: {length} m drawn, {metres} m by hand"
            );
        }
        // The straight-line tile at the same address still draws circles.
        let straight = layers(&app, None, &path("red_station", 100, z, xy)).await;
        assert!(
            straight["coverage_reach"]
                .iter()
                .all(|f| matches!(f.geometry, Geometry::Polygon(_) | Geometry::MultiPolygon(_))),
            "{b}"
        );
    }
}

#[tokio::test]
async fn households_on_foot_are_flagged_as_the_uncovered_list_leaves_them_out() {
    for app in with_paths().await {
        let b = app.backend;
        // H1, H2 walk 96.09 m to RS-A, H3 1958.85 m (1382.049 m in a straight line), H4 is far.
        let spots = [(112.1201, 32.0501), (112.13, 32.06), (112.1602, 32.0201)];
        let flags = |query: &'static str, radius: u32| {
            let app = &app;
            async move {
                let mut out = HashMap::new();
                for (lon, lat) in spots {
                    let p = format!("{}{query}", path("red_station", radius, 14, tile_at(14, lon, lat)));
                    for f in layers(app, None, &p)
                        .await
                        .remove("coverage_households")
                        .unwrap_or_default()
                    {
                        let covered = f.props["covered"].clone();
                        out.insert(f.str("code").unwrap().to_owned(), covered);
                    }
                }
                out
            }
        };
        for radius in [100u32, 1900, 2000] {
            // Straight first: the walking tiles must not be those kept for the straight ones.
            let straight = flags("", radius).await;
            let walking = flags("?distance=walking", radius).await;
            assert_eq!(walking.len(), 4, "{b}: {walking:?}");
            let (status, left) = app
                .get(&format!(
                    "/api/v1/coverage/uncovered?kind=red_station&radius_m={radius}&distance=walking"
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{b}: {left}");
            let left: Vec<&str> = left["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].as_str().unwrap())
                .collect();
            for (code, covered) in &walking {
                assert_eq!(
                    *covered,
                    Mvt::Bool(!left.contains(&code.as_str())),
                    "{b}: {code} at {radius} m: uncovered {left:?}"
                );
            }
            let h3 = (straight["H3"].clone(), walking["H3"].clone());
            let want = match radius {
                100 => (Mvt::Bool(false), Mvt::Bool(false)),
                1900 => (Mvt::Bool(true), Mvt::Bool(false)),
                _ => (Mvt::Bool(true), Mvt::Bool(true)),
            };
            assert_eq!(h3, want, "{b}: H3 at {radius} m, straight and on foot");
        }
    }
}

#[tokio::test]
async fn area_shares_on_foot_are_those_of_the_coverage_answer() {
    for app in with_paths().await {
        let b = app.backend;
        for radius in [100u32, 1900] {
            for (z, level) in [(9u8, "township"), (11, "community"), (13, "grid")] {
                let (status, answer) = app
                    .get(&format!(
                        "/api/v1/coverage?kind=red_station&radius_m={radius}&level={level}&distance=walking"
                    ))
                    .await;
                assert_eq!(status, StatusCode::OK, "{b}: {answer}");
                let p = format!(
                    "{}?distance=walking",
                    path("red_station", radius, z, tile_at(z, 112.1201, 32.0501))
                );
                let tile = layers(&app, None, &p).await;
                let areas = &tile["coverage_areas"];
                assert!(!areas.is_empty(), "{b}: z{z}");
                for f in areas {
                    let row = area_row(b, &answer, f);
                    area_agrees(b, f, row, &row["walking"]["covered"], &row["walking"]["share"]);
                }
            }
        }
    }
}

#[tokio::test]
async fn walking_tiles_need_paths_and_a_known_distance() {
    for app in apps().await {
        let b = app.backend;
        let uri = "/tiles/coverage/red_station/100/16/1/1.mvt";
        let (status, body) = app.get(&format!("{uri}?distance=walking")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{b}: {body}");
        let (code, message) = error_of(&body);
        assert_eq!(code, "no_paths", "{b}");
        assert!(message.contains("no paths are loaded"), "{b}: {message}");
        let (status, body) = app.get(&format!("{uri}?distance=flying")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {body}");
        let (code, message) = error_of(&body);
        assert_eq!(code, "invalid_parameter", "{b}");
        assert!(message.contains("flying"), "{b}: {message}");
        // Straight needs no paths.
        let (status, _, _) = app
            .raw(
                axum::http::Request::get(format!("{uri}?distance=straight"))
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
    }
}
