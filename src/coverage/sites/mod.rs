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
//!
//! On foot (a report measured with [`Distance::Walking`]) a site covers the households whose walk
//! from it along the path network is within the radius, measured as [`super::walk`] measures
//! the stations' walks (one bounded Dijkstra from the site). A walk is never shorter than the
//! straight line, so the straight-line gain is an upper bound of the walking one: candidates start
//! in the queue at it and a walk is measured only for those that rise to the top.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use std::collections::HashMap;

use super::candidates::{Candidate, Source, gather};
use super::{CoverageError, Report};
use crate::domain::LonLat;
use crate::index::geodesic::ground_distance_m;
use crate::index::{Index, PointGrid};
use crate::network::{Network, Reach, Snap};

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
    /// The households it newly covers (indices into the snapshot's households), `gain` of them.
    pub households: Vec<u32>,
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

/// Up to `k` sites for new stations of the report's kind, chosen greedily (see the module); a
/// site's reach is measured as the report measures coverage, in a straight line or on foot.
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
    let left: Vec<usize> = report.uncovered().collect();
    let left_out: Vec<u32> = left.iter().map(|&j| report.households[j]).collect();
    let uncovered: Vec<LonLat> = left_out.iter().map(|&h| index.households.get(h).location).collect();
    let candidates = gather(index, &report.question, source, &uncovered)?;
    let walks = match &report.walking {
        None => None,
        // Where the households left out join the network, as the report's walks found it.
        Some(w) => Some(Walks {
            net: super::walking::network(index)?,
            doors: left.iter().map(|&j| w.doors[j]).collect(),
            measured: HashMap::new(),
        }),
    };
    let mut left = Uncovered {
        grid: PointGrid::new(uncovered.iter().enumerate().map(|(u, p)| (*p, u as u32))),
        locations: uncovered,
        radius_m,
        walks,
    };
    let mut done = vec![false; left.locations.len()];

    // (last known gain, candidate, the round it was measured in); ties to the first candidate. On
    // foot, the first gains are the straight-line ones, an upper bound (a walk is never shorter
    // than the straight line), so they wait as if measured in no round: the walks are measured only
    // for the candidates that reach the top.
    let first_round = if left.walks.is_some() { NOT_MEASURED } else { 0 };
    let mut queue: BinaryHeap<(usize, Reverse<u32>, usize)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let g = left.straight_gain(c.location, &done);
            (g > 0).then_some((g, Reverse(i as u32), first_round))
        })
        .collect();
    let mut sites: Vec<Site> = Vec::with_capacity(k);
    let mut covered = report.covered();
    while sites.len() < k {
        let Some((g, Reverse(i), round)) = queue.pop() else {
            break;
        };
        let c = candidates[i as usize];
        if round != sites.len() {
            // Measured before the last site was added (or not yet): measure again and queue it by that.
            let now = left.covered_by(i, c.location, &done).len();
            if now > 0 {
                queue.push((now, Reverse(i), sites.len()));
            }
            continue;
        }
        // Measured this round and still on top: nothing else can gain more.
        let newly = left.covered_by(i, c.location, &done);
        for &u in &newly {
            done[u as usize] = true;
        }
        covered += g;
        sites.push(Site {
            candidate: c,
            gain: g,
            covered,
            households: newly.iter().map(|&u| left_out[u as usize]).collect(),
        });
    }
    Ok(Suggestions {
        source,
        candidates: candidates.len(),
        sites,
    })
}

/// The round of a gain that is only an upper bound, never measured.
const NOT_MEASURED: usize = usize::MAX;

/// The households not yet covered, in a bucket grid for searches by ground distance.
struct Uncovered<'a> {
    grid: PointGrid,
    locations: Vec<LonLat>,
    radius_m: f64,
    /// When reach is measured on foot.
    walks: Option<Walks<'a>>,
}

/// What measuring on foot needs: the network, where each uncovered household joins it, and the
/// households each candidate measured so far reaches (a walk does not change between rounds, only
/// which households are still left).
struct Walks<'a> {
    net: &'a Network,
    doors: Vec<Option<Snap>>,
    measured: HashMap<u32, Vec<u32>>,
}

impl Uncovered<'_> {
    /// Households (positions in `locations`) within the radius of a site at `site` in a straight
    /// line, those marked `done` left out.
    fn within(&self, site: LonLat, reach: f64, done: &[bool], mut each: impl FnMut(u32, f64)) {
        self.grid.search(site, reach, |u, d| {
            if d <= reach && !done[u as usize] {
                each(u, ground_distance_m(self.locations[u as usize], site));
            }
            reach
        });
    }

    /// How many households a site at `site` would newly cover in a straight line: on foot, an
    /// upper bound of how many it covers by walking.
    fn straight_gain(&self, site: LonLat, done: &[bool]) -> usize {
        // On foot, a hair of slack: the walk's legs are measured piece by piece.
        let radius = self.radius_m + if self.walks.is_some() { WALK_SLACK_M } else { 0.0 };
        let mut n = 0;
        self.within(site, radius + SEARCH_SLACK_M, done, |_, d| {
            n += usize::from(d <= radius)
        });
        n
    }

    /// The households that candidate `c`, a site at `site`, would newly cover, measured as the
    /// report measures.
    fn covered_by(&mut self, c: u32, site: LonLat, done: &[bool]) -> Vec<u32> {
        let radius = self.radius_m;
        let Some(walks) = &self.walks else {
            let mut found = Vec::new();
            self.within(site, radius + SEARCH_SLACK_M, done, |u, d| {
                if d <= radius {
                    found.push(u);
                }
            });
            return found;
        };
        if !walks.measured.contains_key(&c) {
            let mut reached = Vec::new();
            if let Some(from) = walks.net.snap(site.to_coord()) {
                let reach = Reach::from_sources(walks.net, &[from], radius);
                let none = vec![false; self.locations.len()];
                self.within(site, radius + WALK_SLACK_M + SEARCH_SLACK_M, &none, |u, _| {
                    let walk = walks.doors[u as usize].and_then(|door| reach.to(walks.net, &door));
                    if walk.is_some() {
                        reached.push(u);
                    }
                });
            }
            if let Some(w) = self.walks.as_mut() {
                w.measured.insert(c, reached);
            }
        }
        let reached = self.walks.as_ref().and_then(|w| w.measured.get(&c));
        reached
            .into_iter()
            .flatten()
            .copied()
            .filter(|&u| !done[u as usize])
            .collect()
    }
}

/// Metres by which a walk's pieces (door to path, along it, path to door), each measured on the
/// ellipsoid, may add up to less than the straight line between its ends.
const WALK_SLACK_M: f64 = 1.0;

#[cfg(test)]
mod tests;
