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
