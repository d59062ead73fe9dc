//! The grid's searches against brute force, and the bounds they rest on.

use super::*;
use crate::index::geodesic::ground_distance_m;
use crate::testdata::{ll, rng};

#[test]
fn floor_rounds_down() {
    for v in [-2.5, -2.0, -0.5, -0.0, 0.0, 0.5, 1.0, 1.999, 1e9 + 0.5, -1e9 - 0.5] {
        assert_eq!(floor(v), v.floor() as isize, "{v}");
    }
}

#[test]
fn the_chord_and_the_plane_never_exceed_the_ground_distance() {
    let mut next = rng(11);
    let plane = Plane::at(ll(112.1, 32.0));
    for i in 0..20_000 {
        let a = ll(73.0 + next() * 60.0, 18.0 + next() * 35.0);
        // Half the pairs within a few kilometres (the closed form), half anywhere.
        let b = if i % 2 == 0 {
            ll(a.lon() + (next() - 0.5) * 0.08, a.lat() + (next() - 0.5) * 0.08)
        } else {
            match LonLat::new(-180.0 + next() * 360.0, -89.0 + next() * 178.0) {
                Ok(b) => b,
                Err(_) => continue, // looks swapped: not a point anyone can ask about
            }
        };
        let ground = ground_distance_m(a, b);
        let chord = chord2(ecef(a), ecef(b)).sqrt();
        assert!(chord - SLACK_M <= ground, "chord {chord} > ground {ground} for {a} {b}");
        let (pa, pb) = (plane.project(ecef(a)), plane.project(ecef(b)));
        let flat = (pa[0] - pb[0]).hypot(pa[1] - pb[1]);
        assert!(flat <= chord + 1e-6, "plane {flat} > chord {chord}");
        if i % 2 == 0 {
            assert!(ground - chord < 0.01, "chord {chord} far below ground {ground}");
        }
    }
}

#[test]
fn searches_find_what_brute_force_finds_near_and_far() {
    let mut next = rng(3);
    // Clustered like a city: most points in two towns, a few scattered.
    let points: Vec<LonLat> = (0..3_000)
        .map(|i| match i % 3 {
            0 => ll(112.10 + next() * 0.02, 32.00 + next() * 0.02),
            1 => ll(111.60 + next() * 0.01, 31.70 + next() * 0.01),
            _ => ll(111.0 + next() * 2.0, 31.0 + next() * 2.0),
        })
        .collect();
    let grid = PointGrid::new(points.iter().enumerate().map(|(i, p)| (*p, i as u32)));
    let queries = (0..300).map(|_| ll(111.0 + next() * 2.0, 31.0 + next() * 2.0)).chain([
        ll(112.105, 32.005),
        ll(0.0, 0.0),
        ll(-67.9, -32.0),
        ll(179.9, 89.0),
        ll(112.1, 32.0),
    ]);
    for q in queries {
        let mut brute: Vec<(f64, u32)> = points
            .iter()
            .enumerate()
            .map(|(i, p)| (ground_distance_m(q, *p), i as u32))
            .collect();
        brute.sort_by(|a, b| a.partial_cmp(b).unwrap());
        // Nearest three.
        let mut best: Vec<(f64, u32)> = Vec::new();
        grid.search(q, f64::INFINITY, |id, d| {
            best.push((d, id));
            best.sort_by(|a, b| a.partial_cmp(b).unwrap());
            best.truncate(3);
            if best.len() == 3 { best[2].0 } else { f64::INFINITY }
        });
        assert_eq!(best, brute[..3].to_vec(), "nearest three to {q}");
        // Everything within 2 km.
        let mut within: Vec<u32> = Vec::new();
        grid.search(q, 2_000.0, |id, d| {
            if d <= 2_000.0 {
                within.push(id);
            }
            2_000.0
        });
        within.sort();
        let mut expected: Vec<u32> = brute.iter().filter(|(d, _)| *d <= 2_000.0).map(|(_, i)| *i).collect();
        expected.sort();
        assert_eq!(within, expected, "within 2 km of {q}");
    }
}

#[test]
fn candidate_lists_find_the_nearest_brute_force_finds() {
    let mut next = rng(5);
    // Two dense towns, villages scattered between them, and a far outlier.
    let points: Vec<LonLat> = (0..2_000)
        .map(|i| match i % 4 {
            0 | 1 => ll(112.10 + next() * 0.03, 32.00 + next() * 0.03),
            2 => ll(111.60 + next() * 0.01, 31.70 + next() * 0.01),
            _ => ll(111.0 + next() * 1.5, 31.0 + next() * 1.5),
        })
        .chain([ll(113.9, 33.9)])
        .collect();
    let grid = PointGrid::new(points.iter().enumerate().map(|(i, p)| (*p, i as u32))).with_lists();
    let lists = grid.lists.as_ref().expect("a city-sized grid has lists");
    assert!(lists.cells.iter().filter(|c| c.is_some()).count() > lists.cells.len() / 2);
    // Random queries, queries on list cell corners and edges (where G is tightest), and outside.
    let corner = |i: usize, j: usize, dx: f64, dy: f64| {
        ll(
            lists.west + (i as f64 + dx) / lists.per_lon,
            lists.south + (j as f64 + dy) / lists.per_lat,
        )
    };
    let mut queries: Vec<LonLat> = (0..2_000)
        .map(|i| {
            if i % 2 == 0 {
                ll(111.0 + next() * 3.0, 31.0 + next() * 3.0)
            } else {
                ll(112.09 + next() * 0.05, 31.99 + next() * 0.05)
            }
        })
        .collect();
    for _ in 0..500 {
        let (i, j) = ((next() * lists.nx as f64) as usize, (next() * lists.ny as f64) as usize);
        queries.push(corner(i, j, 0.0, 0.0));
        queries.push(corner(i, j, 0.5, 0.0));
        queries.push(corner(i, j, 1.0 - 1e-12, 1.0 - 1e-12));
    }
    queries.extend([ll(100.0, 20.0), ll(112.1, 32.0)]);
    let mut listed = 0;
    for q in queries {
        listed += usize::from(lists.at(q).is_some());
        let mut brute: Vec<(f64, u32)> = points
            .iter()
            .enumerate()
            .map(|(i, p)| (ground_distance_m(q, *p), i as u32))
            .collect();
        brute.sort_by(|a, b| a.partial_cmp(b).unwrap());
        for k in [1, 2, 5, 6] {
            let mut best: Vec<(f64, u32)> = Vec::new();
            grid.search_nearest(q, k, f64::INFINITY, |id, d| {
                best.push((d, id));
                best.sort_by(|a, b| a.partial_cmp(b).unwrap());
                best.truncate(k);
                if best.len() == k { best[k - 1].0 } else { f64::INFINITY }
            });
            assert_eq!(best, brute[..k].to_vec(), "nearest {k} to {q}");
        }
    }
    assert!(listed > 2_000, "most queries are answered from a list ({listed})");
}

#[test]
fn an_empty_grid_finds_nothing() {
    let grid = PointGrid::new(std::iter::empty());
    assert!(grid.is_empty());
    grid.search(ll(112.0, 32.0), f64::INFINITY, |_, _| panic!("nothing to visit"));
    let grid = PointGrid::new(std::iter::empty()).with_lists();
    grid.search_nearest(ll(112.0, 32.0), 1, f64::INFINITY, |_, _| panic!("nothing to visit"));
}
