//! The demo data as a user meets it: loaded into each store the way `gridmap serve` loads it, then
//! asked what a dispatcher in 李庙镇 would ask.

#[path = "../support/mod.rs"]
mod support;

mod coverage;
mod walking;

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use geo::{CoordsIter, Distance, Geodesic, InteriorPoint, Point};
use gridmap::access::Role;
use gridmap::domain::Level;
use gridmap::state::{AppState, Limits};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const LIMIAO: &str = "420624103";

/// The router with the demo's dispatcher signed in.
struct Dispatcher {
    router: axum::Router,
    token: String,
}

async fn get(client: &Dispatcher, uri: &str) -> Value {
    let req = Request::get(uri)
        .header("authorization", format!("Bearer {}", client.token))
        .body(Body::empty())
        .unwrap();
    let response = client.router.clone().oneshot(req).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap()
}

/// Signs in the demo's dispatcher account (made when the demo loads into an empty store).
async fn dispatcher(state: &AppState) -> Dispatcher {
    let store = state.store();
    let accounts = gridmap::cli::demo_accounts(&**store, None).await.unwrap();
    let token = match accounts.iter().find(|a| a.1 == Role::Dispatcher) {
        Some((name, _, _, password)) => state.sessions().login(&**store, name, password).await.unwrap().token,
        None => panic!("the demo has no dispatcher account: {accounts:?}"),
    };
    Dispatcher {
        router: gridmap::http::app(state.clone()),
        token,
    }
}

async fn demo_states() -> Vec<(&'static str, AppState, tempfile::TempDir)> {
    let mut out = Vec::new();
    for backend in support::backends() {
        let dir = tempfile::tempdir().unwrap();
        let url = support::fresh_url(backend, &dir).await;
        let state = AppState::load(gridmap::store::open(&url).await.unwrap(), Limits::default())
            .await
            .unwrap();
        gridmap::cli::load_demo(&state, Path::new("geodata"))
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e:#}"));
        out.push((backend, state, dir));
    }
    out
}

/// Loading the demo takes seconds per store, so one test loads it once and asks everything.
#[tokio::test]
async fn the_demo_answers_what_a_dispatcher_in_limiao_asks() {
    for (backend, state, _dir) in demo_states().await {
        let router = dispatcher(&state).await;
        every_red_house_yard_of_limiao_is_found_with_its_whole_chain(backend, &state, &router).await;
        nearest_stations_in_limiao_come_sorted_by_true_distance(backend, &state, &router).await;
        households_lie_in_grids_and_the_real_enclave_is_a_hole(backend, &state, &router).await;
        every_area_validates_clean(backend, &state, &router).await;
        red_house_yards_are_suggested_contiguous_and_balanced(backend, &state);
        a_border_move_leaves_no_slivers(backend, &state);
        walking::the_network_is_connected_and_walks_are_never_shorter_than_the_crow_flies(backend, &state, &router)
            .await;
    }
}

/// Suggested red house-yards for the 李庙镇 grids with the most center households: each yard one
/// piece, the yards tiling the grid, households shared fairly, each yard led by a center household
/// inside it — all checked with geo's own predicates, not the planner's point-in-polygon code.
fn red_house_yards_are_suggested_contiguous_and_balanced(backend: &str, state: &AppState) {
    use geo::{Area, BooleanOps, Contains, GeodesicArea};
    let index = state.index();
    let mut grids: Vec<(usize, u32)> = (0..index.areas.len() as u32)
        .filter(|&i| {
            let a = index.areas.get(i);
            a.level == Level::Grid && a.code.as_str().starts_with(LIMIAO)
        })
        .map(|g| {
            let outline = &index.areas.get(g).geometry;
            let centers = index
                .households
                .all()
                .iter()
                .filter(|h| h.center_household && outline.contains(&Point::new(h.location.lon(), h.location.lat())))
                .count();
            (centers, g)
        })
        .collect();
    grids.sort_by(|a, b| b.cmp(a));
    for &(centers, g) in grids.iter().take(3) {
        let grid = index.areas.get(g);
        let k = centers.min(6);
        assert!(k >= 3, "{backend}: {} has only {centers} center households", grid.code);
        let s = gridmap::plan::yards::suggest(&index, g, k, 1.0)
            .unwrap_or_else(|e| panic!("{backend}: {}: {e}", grid.code));
        assert_eq!(s.yards.len(), k);
        let inside = |outline: &geo::MultiPolygon<f64>, h: &gridmap::domain::Household| {
            outline.contains(&Point::new(h.location.lon(), h.location.lat()))
        };
        let in_grid: Vec<_> = index
            .households
            .all()
            .iter()
            .filter(|h| inside(&grid.geometry, h))
            .collect();
        let mut total_area = 0.0;
        let mut counts = Vec::new();
        for (n, (yard, &leader)) in s.yards.iter().zip(&s.leaders).enumerate() {
            assert_eq!(
                yard.geometry.0.len(),
                1,
                "{backend}: yard {n} of {} is in pieces",
                grid.code
            );
            total_area += yard.geometry.unsigned_area();
            for other in &s.yards[n + 1..] {
                // Below the 1 m² sliver tolerance: the boolean operations' rounding, not an overlap.
                let overlap = yard.geometry.intersection(&other.geometry).geodesic_area_unsigned();
                assert!(
                    overlap < 1.0,
                    "{backend}: yards of {} overlap by {overlap} m²",
                    grid.code
                );
            }
            let center = index.households.get(leader);
            assert!(
                center.center_household && inside(&yard.geometry, center),
                "{backend}: leader outside"
            );
            assert_eq!(yard.leader_name, center.head_name);
            counts.push(in_grid.iter().filter(|h| inside(&yard.geometry, h)).count());
        }
        let grid_area = grid.geometry.unsigned_area();
        assert!(
            (total_area / grid_area - 1.0).abs() < 1e-6,
            "{backend}: yards do not tile {}",
            grid.code
        );
        let mean = in_grid.len() as f64 / k as f64;
        for c in &counts {
            assert!(
                (*c as f64 - mean).abs() <= (mean * 0.1).max(2.0),
                "{backend}: {} yards hold {counts:?} of {} households",
                grid.code,
                in_grid.len()
            );
        }
    }
}

/// The demo is what planners start from: every area's children tile it with no gap or overlap,
/// every household is in exactly one grid, and sizes are in the default bands.
async fn every_area_validates_clean(backend: &str, state: &AppState, router: &Dispatcher) {
    let index = state.index();
    let mut checked = 0;
    for i in 0..index.areas.len() as u32 {
        if index.areas.children(i).is_empty() {
            continue;
        }
        let level = index.areas.get(i).level;
        let report = gridmap::plan::report(
            &index,
            i,
            gridmap::plan::stored_children(&index, i),
            gridmap::plan::Options::for_children_of(level),
        );
        let code = &index.areas.get(i).code;
        assert!(
            report.is_clean(),
            "{backend}: {code} is not clean: {:?} {:?} no child: {:?} two: {:?}",
            report.topology,
            report.outliers,
            report.in_no_child,
            report.in_two
        );
        checked += 1;
    }
    // The county, its townships with grids below, 李庙镇's communities and grids.
    assert!(checked > 80, "{backend}: only {checked} areas have children");
    let body = get(router, &format!("/api/v1/areas/{LIMIAO}/validate")).await;
    assert_eq!(body["clean"], true, "{backend}: {body}");
    assert!(body["children"].as_array().unwrap().len() > 20, "{body}");
}

async fn every_red_house_yard_of_limiao_is_found_with_its_whole_chain(
    backend: &str,
    state: &AppState,
    router: &Dispatcher,
) {
    let index = state.index();
    let yards: Vec<_> = index
        .areas
        .all()
        .iter()
        .filter(|a| a.level == Level::RedYard && a.code.as_str().starts_with(LIMIAO))
        .collect();
    assert_eq!(yards.len(), 138, "{backend}: 李庙镇 has 138 red house-yards");
    for yard in yards {
        let p = yard.geometry.interior_point().expect("a point inside");
        let body = get(router, &format!("/api/v1/locate?lon={}&lat={}", p.x(), p.y())).await;
        let chain: Vec<&str> = body["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["code"].as_str().unwrap())
            .collect();
        assert_eq!(chain.len(), 5, "{backend}: {}: {chain:?}", yard.code);
        assert_eq!(chain[0], "420624");
        assert_eq!(chain[1], LIMIAO);
        assert_eq!(chain[4], yard.code.as_str());
        assert!(
            chain[4].starts_with(chain[3]) && chain[3].starts_with(chain[2]),
            "{chain:?}"
        );
    }
}

async fn nearest_stations_in_limiao_come_sorted_by_true_distance(backend: &str, state: &AppState, router: &Dispatcher) {
    let index = state.index();
    let town = index.areas.get(
        index
            .areas
            .find(&gridmap::domain::Code::parse(LIMIAO).unwrap())
            .unwrap(),
    );
    let p = town.geometry.interior_point().unwrap();
    for kind in ["red_station", "governance_center", "talk_room", "police_room"] {
        let body = get(
            router,
            &format!("/api/v1/nearest?lon={}&lat={}&kind={kind}&k=10", p.x(), p.y()),
        )
        .await;
        let results = body["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{backend}: no {kind} near 李庙镇");
        let mut last = 0.0;
        for r in results {
            let d = r["distance_m"].as_f64().unwrap();
            let s = Point::new(
                r["station"]["lon"].as_f64().unwrap(),
                r["station"]["lat"].as_f64().unwrap(),
            );
            assert!((Geodesic.distance(p, s) - d).abs() < 0.01);
            assert!(d >= last, "{backend}: {kind} not ascending");
            last = d;
        }
    }
}

async fn households_lie_in_grids_and_the_real_enclave_is_a_hole(backend: &str, state: &AppState, router: &Dispatcher) {
    let index = state.index();
    assert!(index.households.len() > 10_000, "{backend}");
    for i in 0..index.households.len() as u32 {
        let chain = index.households.chain(i);
        assert!(
            chain.get(Level::Grid).is_some(),
            "{backend}: household {} is in no grid",
            index.households.get(i).code
        );
    }
    // The ~13 km² enclave of 房县 between 谷城县 and 保康县 belongs to neither.
    let body = get(router, "/api/v1/locate?lon=111.10&lat=32.03").await;
    assert_eq!(body["areas"], serde_json::json!([]), "{backend}");
    let stats = get(router, &format!("/api/v1/areas/{LIMIAO}/stats")).await;
    assert!(stats["households"].as_u64().unwrap() > 5_000);
    assert!(stats["center_households"].as_u64().unwrap() > 100);
}

/// Moving the vertex two urban grids of 南丽社区 share by ~95 m east: the redrawn grid and the
/// neighbour cut to fit it meet exactly, with no slivers left by the boolean operations' rounding.
fn a_border_move_leaves_no_slivers(backend: &str, state: &AppState) {
    let index = state.index();
    let find = |c: &str| index.areas.find(c).unwrap_or_else(|| panic!("{backend}: no {c}"));
    let (community, grid) = (find("420602003001"), find("420602003001001"));
    let shared = [112.1805148, 32.0739985];
    let mut outline = index.areas.get(grid).geometry.clone();
    let mut moved = 0;
    for p in outline.0.iter_mut() {
        p.exterior_mut(|ring| {
            for c in ring.0.iter_mut() {
                if (c.x - shared[0]).abs() < 1e-6 && (c.y - shared[1]).abs() < 1e-6 {
                    c.x += 0.001;
                    moved += 1;
                }
            }
        });
    }
    assert!(moved > 0, "{backend}: the shared vertex moved");
    let (redraw, adjustments) = gridmap::plan::edit::redraw(&index, vec![(grid, outline)], true, 1.0).unwrap();
    assert!(!adjustments.neighbours.is_empty(), "{backend}: a neighbour gave way");
    // The neighbour's corner is the moved vertex itself, bit for bit, not a rounded copy of it.
    let moved_to = geo::Coord {
        x: shared[0] + 0.001,
        y: shared[1],
    };
    let neighbour = &redraw
        .changes
        .iter()
        .find(|(i, _)| *i == adjustments.neighbours[0])
        .unwrap()
        .1;
    let drawn_corner = redraw.changes[0]
        .1
        .exterior_coords_iter()
        .find(|c| (c.x - moved_to.x).abs() < 1e-9 && (c.y - moved_to.y).abs() < 1e-9)
        .unwrap();
    assert!(
        neighbour.exterior_coords_iter().any(|c| c == drawn_corner),
        "{backend}: the neighbour's corner is not the drawn vertex"
    );
    let children = gridmap::plan::stored_children(&index, community)
        .into_iter()
        .map(|mut c| {
            if let Some((_, g)) = redraw
                .changes
                .iter()
                .find(|(i, _)| index.areas.get(*i).code.as_str() == c.code)
            {
                c.geometry = std::borrow::Cow::Owned(g.clone());
            }
            c
        })
        .collect();
    let report = gridmap::plan::report(
        &index,
        community,
        children,
        gridmap::plan::Options::for_children_of(Level::Community),
    );
    let t = &report.topology;
    assert!(t.gaps.is_empty() && t.overlaps.is_empty(), "{backend}: {t:?}");
    assert_eq!(
        (t.slivers, t.sliver_area_m2),
        (0, 0.0),
        "{backend}: slivers left by rounding"
    );
}
