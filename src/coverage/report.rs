//! Coverage of the households asked about: how many, how many covered, and how far the nearest
//! station of the kind is (mean and 90th percentile, geodesic metres on the WGS 84 ellipsoid), in
//! all and for each area of the breakdown level.

use std::collections::HashMap;

use super::nearest::nearest_stations;
use super::{CoverageError, Distance, Question, Walking};
use crate::index::{Index, Nearby};

/// Figures for one set of households.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// Stations of the kind inside the area (for the whole question: inside the area asked about,
    /// or all of them).
    pub stations: usize,
    pub households: usize,
    /// Households whose nearest station of the kind is at most the radius away.
    pub covered: usize,
    /// Mean distance to the nearest station of the kind, metres; `None` without households or
    /// without stations of the kind.
    pub mean_m: Option<f64>,
    /// The 90th percentile of that distance by the nearest-rank rule (the distance within which
    /// the nearest ⌈0.9·n⌉ households of n have their station), metres; `None` as for the mean.
    pub p90_m: Option<f64>,
}

impl Tally {
    /// `covered / households`, `None` without households.
    pub fn share(&self) -> Option<f64> {
        (self.households > 0).then(|| self.covered as f64 / self.households as f64)
    }

    /// The tally of `households` households whose nearest distances (metres) are `distances`
    /// (empty when the kind has no station; reordered here).
    fn of(stations: usize, households: usize, distances: &mut [f64], radius_m: f64) -> Self {
        let covered = distances.iter().filter(|&&d| d <= radius_m).count();
        let (mean_m, p90_m) = if distances.is_empty() {
            (None, None)
        } else {
            let n = distances.len();
            let mean = distances.iter().sum::<f64>() / n as f64;
            let rank = (n * 9).div_ceil(10).max(1);
            let (_, p90, _) = distances.select_nth_unstable_by(rank - 1, f64::total_cmp);
            (Some(mean), Some(*p90))
        };
        Self {
            stations,
            households,
            covered,
            mean_m,
            p90_m,
        }
    }
}

/// The answer to a [`Question`].
#[derive(Debug, Clone)]
pub struct Report {
    pub question: Question,
    /// The households asked about (indices into the snapshot), in the snapshot's (code) order.
    pub households: Vec<u32>,
    /// For each of them, the nearest station of the kind and its distance; `None` when there is
    /// no station of the kind at all.
    pub nearest: Option<Vec<Nearby>>,
    pub total: Tally,
    /// The areas of the breakdown level inside the area asked about (all of that level without
    /// one), in code order. Households in no area of that level count in the total only.
    pub by_area: Vec<(u32, Tally)>,
    /// The walks to the stations, when coverage is measured on foot ([`measure`] with
    /// [`Distance::Walking`]); then a household is covered when its walk is within the radius.
    pub walking: Option<Walking>,
}

impl Report {
    /// The nearest station of the kind from the `j`-th household asked about, and its distance.
    pub fn nearest(&self, j: usize) -> Option<Nearby> {
        self.nearest.as_ref().map(|n| n[j])
    }

    /// How coverage is measured: on foot when the report has the walks.
    pub fn distance(&self) -> Distance {
        match self.walking {
            Some(_) => Distance::Walking,
            None => Distance::Straight,
        }
    }

    /// Whether the `j`-th household asked about has a station of the kind within the radius (on
    /// foot when the report measures walks).
    pub fn is_covered(&self, j: usize) -> bool {
        match &self.walking {
            Some(w) => w.is_covered(j),
            None => self
                .nearest(j)
                .is_some_and(|n| n.distance_m <= self.question.radius.metres()),
        }
    }

    /// Households covered, in the report's measure.
    pub fn covered(&self) -> usize {
        self.walking.as_ref().map_or(self.total.covered, |w| w.covered)
    }

    /// Positions (into [`Self::households`]) of the households not covered.
    pub fn uncovered(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.households.len()).filter(|&j| !self.is_covered(j))
    }
}

/// Coverage for `question` over the snapshot `index`, measured by `distance`: the straight-line
/// figures always, and the walks beside them on foot ([`CoverageError::NoPaths`] without a path
/// network).
pub fn measure(index: &Index, question: Question, distance: Distance) -> Result<Report, CoverageError> {
    let mut report = report(index, question);
    if distance == Distance::Walking {
        report.walking = Some(super::walk(index, &report)?);
    }
    Ok(report)
}

/// Coverage for `question` over the snapshot `index`, in straight-line geodesic metres.
pub fn report(index: &Index, question: Question) -> Report {
    let households: Vec<u32> = (0..index.households.len() as u32)
        .filter(|&h| question.holds_household(index, h))
        .collect();
    let nearest = nearest_stations(index, &question.kind, &households);
    let radius_m = question.radius.metres();
    let level = question.level;

    let rows: Vec<u32> = (0..index.areas.len() as u32)
        .filter(|&i| index.areas.get(i).level == level && question.area.is_none_or(|a| index.areas.holds(a, i)))
        .collect();
    let row_of: HashMap<u32, usize> = rows.iter().enumerate().map(|(r, &a)| (a, r)).collect();
    let row = |chain: crate::index::Chain| chain.get(level).and_then(|a| row_of.get(&a).copied());

    let mut stations = vec![0usize; rows.len()];
    let mut stations_total = 0;
    for (s, station) in index.stations.all().iter().enumerate() {
        if station.kind != question.kind {
            continue;
        }
        let chain = index.station_chain(s as u32);
        if question.area.is_none_or(|a| chain.has(index.areas.get(a).level, a)) {
            stations_total += 1;
        }
        if let Some(r) = row(chain) {
            stations[r] += 1;
        }
    }

    let mut counts = vec![0usize; rows.len()];
    let mut distances: Vec<Vec<f64>> = vec![Vec::new(); rows.len()];
    for (j, &h) in households.iter().enumerate() {
        if let Some(r) = row(index.households.chain(h)) {
            counts[r] += 1;
            if let Some(n) = &nearest {
                distances[r].push(n[j].distance_m);
            }
        }
    }
    let by_area = rows
        .iter()
        .enumerate()
        .map(|(r, &a)| (a, Tally::of(stations[r], counts[r], &mut distances[r], radius_m)))
        .collect();
    let mut all: Vec<f64> = nearest
        .as_ref()
        .map(|n| n.iter().map(|n| n.distance_m).collect())
        .unwrap_or_default();
    let total = Tally::of(stations_total, households.len(), &mut all, radius_m);
    Report {
        question,
        households,
        nearest,
        total,
        by_area,
        walking: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::StationKind;
    use crate::index::geodesic::ground_distance_m;
    use crate::testdata::{household, index, ll, station, town};

    fn question(index: &Index, kind: &str, radius_m: f64) -> Question {
        Question::parse(index, kind, radius_m, None, None).unwrap()
    }

    #[test]
    fn the_90th_percentile_is_the_nearest_rank() {
        let tally = |d: &[f64], r: f64| Tally::of(0, d.len(), &mut d.to_vec(), r);
        let t = tally(&[10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0], 5.0);
        assert_eq!((t.covered, t.mean_m, t.p90_m), (5, Some(5.5), Some(9.0)));
        assert_eq!(tally(&[7.0], 1.0).p90_m, Some(7.0));
        // ⌈0.9 · 4⌉ = 4: the largest of four.
        assert_eq!(tally(&[1.0, 100.0, 2.0, 3.0], 1.0).p90_m, Some(100.0));
        // ⌈0.9 · 20⌉ = 18.
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(tally(&twenty, 0.5).p90_m, Some(18.0));
        // The radius is inclusive.
        assert_eq!(tally(&[5.0, 5.0, 5.000001], 5.0).covered, 2);
        let none = Tally::of(2, 0, &mut [], 5.0);
        assert_eq!(
            (none.share(), none.mean_m, none.p90_m, none.stations),
            (None, None, None, 2)
        );
    }

    #[test]
    fn every_household_gets_its_nearest_station_by_brute_force() {
        let index = town(1, 1500, 20, 0);
        let report = report(&index, question(&index, "red_station", 100.0));
        assert_eq!(report.households.len(), 1500);
        let nearest = report.nearest.as_ref().unwrap();
        for (j, &h) in report.households.iter().enumerate() {
            let p = index.households.get(h).location;
            let brute = index
                .stations
                .all()
                .iter()
                .map(|s| ground_distance_m(p, s.location))
                .fold(f64::INFINITY, f64::min);
            assert_eq!(nearest[j].distance_m, brute, "household {h}");
            assert_eq!(
                ground_distance_m(p, index.stations.get(nearest[j].station).location),
                brute
            );
        }
    }

    #[test]
    fn covered_households_are_those_the_station_first_search_marks() {
        let index = town(2, 4000, 30, 0);
        let red = StationKind::parse("red_station").unwrap();
        for radius in [30.0, 100.0, 250.0, 1000.0] {
            let report = report(&index, question(&index, "red_station", radius));
            let flags = index.coverage(&red, radius);
            assert_eq!(report.total.covered, flags.covered, "{radius} m");
            for (j, &h) in report.households.iter().enumerate() {
                assert_eq!(
                    report.is_covered(j),
                    flags.flags[h as usize],
                    "{radius} m, household {h}"
                );
            }
            assert_eq!(report.uncovered().count(), 4000 - flags.covered);
            assert_eq!(report.total.stations, 30);
        }
    }

    #[test]
    fn a_kind_without_stations_covers_nobody() {
        let index = index(
            vec![household(0, ll(112.0, 32.0)), household(1, ll(112.001, 32.0))],
            vec![station(0, "red_station", ll(112.0, 32.0))],
            vec![],
        );
        let report = report(&index, question(&index, "police_room", 500.0));
        assert!(report.nearest.is_none());
        assert_eq!((report.total.households, report.total.covered), (2, 0));
        assert_eq!((report.total.mean_m, report.total.p90_m), (None, None));
        assert_eq!(report.uncovered().count(), 2);
        // And the red station, at the first household, covers it at any radius.
        let report = super::report(&index, question(&index, "red_station", 1.0));
        assert_eq!(report.total.covered, 1);
        assert_eq!(report.nearest(0).map(|n| n.distance_m), Some(0.0));
    }
}
