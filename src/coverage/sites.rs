//! Where to put the next K stations of a kind: the sites, from a set of candidates, that cover the
//! most households not yet covered within the radius, the existing stations staying where they
//! are.
//!
//! This is the maximal covering location problem (Church and ReVelle, 1974) with the existing
//! stations' coverage taken as given. It is NP-hard in general; the greedy rule — add the site that
//! covers the most households still uncovered, K times — is the standard answer and a good one:
//! coverage is submodular, so greedy is within a factor 1 − 1/e (≈ 63 %) of the best K sites
//! (Nemhauser, Wolsey and Fisher, 1978), and in practice far closer. With *lazy evaluation*
//! (Minoux's accelerated greedy, 1978) a site's gain from an earlier round is an upper bound on its
//! gain now (gains only shrink as sites are added), so candidates wait in a priority queue by their
//! last known gain and only the one at the top is measured again: a round usually measures a
//! handful of candidates instead of all of them. The result is exactly the plain greedy's: ties go
//! to the candidate first in [`super::candidates::gather`]'s order.
//!
//! A household counts as covered by a site when the geodesic distance on the WGS 84 ellipsoid from
//! the household to the site is at most the radius, measured exactly as the coverage of stations
//! measures it ([`crate::index::geodesic::ground_distance_m`] from the household), so that stations
//! built at the suggested sites raise coverage by exactly the gains reported. Only households of the
//! area asked about count.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::candidates::{Candidate, Source, gather};
use super::{CoverageError, Report};
use crate::domain::LonLat;
use crate::index::geodesic::ground_distance_m;
use crate::index::{Index, PointGrid};

/// The most sites one suggestion makes.
pub const MAX_K: usize = 100;
/// The longest radius sites are suggested for, metres: each candidate measures every uncovered
/// household within it.
pub const MAX_RADIUS_M: f64 = 5_000.0;
/// Metres added to the radius when searching from a site: the search measures from the site, the
/// rule from the household, and the two differ by far less than this (see `geodesic`).
const SEARCH_SLACK_M: f64 = 0.01;

/// One suggested site.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub candidate: Candidate,
    /// Households it newly covers (not covered by the stations, nor by the sites before it).
    pub gain: usize,
    /// Households covered once it and the sites before it are built.
    pub covered: usize,
}

/// The sites suggested for a [`Report`]'s question, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestions {
    pub source: Source,
    /// Candidate sites weighed.
    pub candidates: usize,
    /// Fewer than K when no other candidate covers a household more.
    pub sites: Vec<Site>,
}

/// Up to `k` sites for new stations of the report's kind, chosen greedily (see the module).
pub fn suggest(index: &Index, report: &Report, source: Source, k: usize) -> Result<Suggestions, CoverageError> {
    if !(1..=MAX_K).contains(&k) {
        return Err(CoverageError::K { given: k, max: MAX_K });
    }
    let radius_m = report.question.radius.metres();
    if radius_m > MAX_RADIUS_M {
        return Err(CoverageError::Radius {
            given: radius_m,
            min: super::Radius::MIN_M,
            max: MAX_RADIUS_M,
        });
    }
    let uncovered: Vec<LonLat> = report
        .uncovered()
        .map(|j| index.households.get(report.households[j]).location)
        .collect();
    let candidates = gather(index, &report.question, source, &uncovered)?;
    let left = Uncovered {
        grid: PointGrid::new(uncovered.iter().enumerate().map(|(u, p)| (*p, u as u32))),
        locations: uncovered,
        radius_m,
    };
    let mut done = vec![false; left.locations.len()];
    let gain = |c: LonLat, done: &[bool]| {
        let mut n = 0usize;
        left.covered_by(c, done, |_| n += 1);
        n
    };

    // (last known gain, candidate, the round it was measured in); ties to the first candidate.
    let mut queue: BinaryHeap<(usize, Reverse<u32>, usize)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let g = gain(c.location, &done);
            (g > 0).then_some((g, Reverse(i as u32), 0))
        })
        .collect();
    let mut sites: Vec<Site> = Vec::with_capacity(k);
    let mut covered = report.total.covered;
    while sites.len() < k {
        let Some((g, Reverse(i), round)) = queue.pop() else {
            break;
        };
        let c = candidates[i as usize];
        if round < sites.len() {
            // Measured before the last site was added: measure again and queue it by that.
            let now = gain(c.location, &done);
            if now > 0 {
                queue.push((now, Reverse(i), sites.len()));
            }
            continue;
        }
        // Measured this round and still on top: nothing else can gain more.
        let mut newly = Vec::with_capacity(g);
        left.covered_by(c.location, &done, |u| newly.push(u));
        for u in newly {
            done[u as usize] = true;
        }
        covered += g;
        sites.push(Site {
            candidate: c,
            gain: g,
            covered,
        });
    }
    Ok(Suggestions {
        source,
        candidates: candidates.len(),
        sites,
    })
}

/// The households not yet covered, in a bucket grid for searches by ground distance.
struct Uncovered {
    grid: PointGrid,
    locations: Vec<LonLat>,
    radius_m: f64,
}

impl Uncovered {
    /// Calls `each` with every household (position in `locations`) within the radius of a site at
    /// `site`, those marked `done` left out.
    fn covered_by(&self, site: LonLat, done: &[bool], mut each: impl FnMut(u32)) {
        let reach = self.radius_m + SEARCH_SLACK_M;
        self.grid.search(site, reach, |u, d| {
            if d <= reach && !done[u as usize] && ground_distance_m(self.locations[u as usize], site) <= self.radius_m {
                each(u);
            }
            reach
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::testdata::{station, town};
    use crate::coverage::{Question, report};
    use crate::index::Dataset;

    fn question(index: &Index, radius_m: f64) -> Question {
        Question::parse(index, "red_station", radius_m, None, None).unwrap()
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
            let mut stations = index.stations.all().to_vec();
            let first = stations.len();
            stations.extend(
                found
                    .sites
                    .iter()
                    .enumerate()
                    .map(|(i, s)| station(first + i, "red_station", s.candidate.location)),
            );
            let built = Index::build(Dataset {
                stations: std::sync::Arc::new(stations),
                ..index.dataset()
            });
            let after = super::super::report(&built, question(&built, 150.0));
            assert_eq!(after.total.covered, found.sites[7].covered, "{source:?}");
            assert!(found.sites[7].covered > report.total.covered);
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
}
