//! The lazy greedy against a plain greedy by brute force, straight and on foot, and stations built
//! at the sites raising coverage by the gains.

use super::*;
use crate::coverage::{Distance, Question, report};
use crate::index::Dataset;
use crate::testdata::{station, town, with_streets};

fn question(index: &Index, radius_m: f64) -> Question {
    Question::parse(index, "red_station", radius_m, None, None).unwrap()
}

/// `index` with a red station at each of the sites `found`.
fn built_at(index: &Index, found: &Suggestions) -> Index {
    let mut stations = index.stations.all().to_vec();
    let first = stations.len();
    stations.extend(
        found
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| station(first + i, "red_station", s.candidate.location)),
    );
    Index::build(Dataset {
        stations: std::sync::Arc::new(stations),
        ..index.dataset()
    })
}

/// The greedy rule without lazy evaluation: every candidate measured by brute force each round.
fn plain_greedy(index: &Index, report: &Report, k: usize) -> Vec<(u32, usize)> {
    let r = report.question.radius.metres();
    let left: Vec<LonLat> = report
        .uncovered()
        .map(|j| index.households.get(report.households[j]).location)
        .collect();
    let mut done = vec![false; left.len()];
    let anchors: Vec<LonLat> = (0..index.buildings.all().len() as u32)
        .map(|b| index.buildings.anchor(b).unwrap())
        .collect();
    let reach = |c: LonLat, done: &[bool]| -> Vec<usize> {
        (0..left.len())
            .filter(|&u| !done[u] && ground_distance_m(left[u], c) <= r)
            .collect()
    };
    let mut picked = Vec::new();
    for _ in 0..k {
        let best = (0..anchors.len())
            .map(|b| (reach(anchors[b], &done).len(), Reverse(b)))
            .max();
        let Some((gain, Reverse(b))) = best.filter(|(g, _)| *g > 0) else {
            break;
        };
        for u in reach(anchors[b], &done) {
            done[u] = true;
        }
        picked.push((b as u32, gain));
    }
    picked
}

#[test]
fn lazy_evaluation_picks_what_the_plain_greedy_picks() {
    for (seed, radius) in [(3, 100.0), (4, 60.0), (5, 250.0)] {
        let index = town(seed, 2500, 6, 400);
        let report = report(&index, question(&index, radius));
        let found = suggest(&index, &report, Source::Buildings, 12).unwrap();
        assert_eq!(found.candidates, 400);
        let got: Vec<(u32, usize)> = found
            .sites
            .iter()
            .map(|s| (s.candidate.building.unwrap(), s.gain))
            .collect();
        assert_eq!(got, plain_greedy(&index, &report, 12), "seed {seed}, {radius} m");
        assert!(got.len() >= 10, "{got:?}");
        let mut covered = report.total.covered;
        for s in &found.sites {
            covered += s.gain;
            assert_eq!(s.covered, covered);
        }
    }
}

#[test]
fn stations_at_the_sites_raise_coverage_by_the_gains() {
    let index = town(6, 3000, 5, 0);
    let report = report(&index, question(&index, 150.0));
    for source in [Source::Grid { spacing_m: 40.0 }, Source::Grid { spacing_m: 97.0 }] {
        let found = suggest(&index, &report, source, 8).unwrap();
        assert_eq!(found.sites.len(), 8);
        let built = built_at(&index, &found);
        let after = super::super::report(&built, question(&built, 150.0));
        assert_eq!(after.total.covered, found.sites[7].covered, "{source:?}");
        assert!(found.sites[7].covered > report.total.covered);
    }
}

/// The greedy rule on foot without lazy evaluation or straight-line bounds: every candidate's
/// walks measured by a Dijkstra of its own each round.
fn plain_greedy_on_foot(index: &Index, report: &Report, k: usize) -> Vec<(u32, usize)> {
    let net = index.paths.network().unwrap();
    let r = report.question.radius.metres();
    let doors: Vec<Option<Snap>> = report
        .uncovered()
        .map(|j| net.snap(index.households.get(report.households[j]).location.to_coord()))
        .collect();
    let reached: Vec<Vec<usize>> = (0..index.buildings.all().len() as u32)
        .map(|b| {
            let Some(from) = net.snap(index.buildings.anchor(b).unwrap().to_coord()) else {
                return vec![];
            };
            let reach = Reach::from_sources(net, &[from], r);
            (0..doors.len())
                .filter(|&u| doors[u].is_some_and(|d| reach.to(net, &d).is_some()))
                .collect()
        })
        .collect();
    let mut done = vec![false; doors.len()];
    let mut picked = Vec::new();
    for _ in 0..k {
        let best = (0..reached.len())
            .map(|b| (reached[b].iter().filter(|&&u| !done[u]).count(), Reverse(b)))
            .max();
        let Some((gain, Reverse(b))) = best.filter(|(g, _)| *g > 0) else {
            break;
        };
        for &u in &reached[b] {
            done[u] = true;
        }
        picked.push((b as u32, gain));
    }
    picked
}

#[test]
fn on_foot_the_lazy_greedy_picks_what_the_plain_greedy_picks_and_the_walks_rise_by_the_gains() {
    for (seed, radius) in [(8, 150.0), (9, 300.0)] {
        let index = with_streets(&town(seed, 2000, 4, 300));
        let q = question(&index, radius);
        let report = crate::coverage::measure(&index, q.clone(), Distance::Walking).unwrap();
        let straight = super::super::report(&index, q.clone());
        assert!(report.covered() < straight.total.covered, "the detours cost coverage");
        let found = suggest(&index, &report, Source::Buildings, 10).unwrap();
        let got: Vec<(u32, usize)> = found
            .sites
            .iter()
            .map(|s| (s.candidate.building.unwrap(), s.gain))
            .collect();
        assert_eq!(
            got,
            plain_greedy_on_foot(&index, &report, 10),
            "seed {seed}, {radius} m"
        );
        assert_eq!(got.len(), 10);

        // Stations built at the sites raise coverage on foot by exactly the gains.
        let built = built_at(&index, &found);
        let after = crate::coverage::measure(&built, q, Distance::Walking).unwrap();
        assert_eq!(after.covered(), found.sites[9].covered, "seed {seed}");
    }
}

#[test]
fn k_and_the_radius_are_bounded() {
    let index = town(7, 100, 2, 10);
    let report = report(&index, question(&index, 100.0));
    assert!(matches!(
        suggest(&index, &report, Source::Buildings, 0),
        Err(CoverageError::K { .. })
    ));
    assert!(matches!(
        suggest(&index, &report, Source::Buildings, MAX_K + 1),
        Err(CoverageError::K { .. })
    ));
    let far = super::super::report(&index, question(&index, MAX_RADIUS_M + 1.0));
    assert!(matches!(
        suggest(&index, &far, Source::Buildings, 3),
        Err(CoverageError::Radius { .. })
    ));
}
