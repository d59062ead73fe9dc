//! Coverage: which households have a station of a kind within a ground distance.
//!
//! Households sit in a bucket grid on a tangent plane (like stations, see [`super::points`]). For
//! each station of the kind, the households the grid cannot rule out are measured by the geodesic on
//! the WGS 84 ellipsoid. The work grows with stations × households near each, not with all
//! households × stations.
//!
//! This is the flags alone, station-first, as the benchmarks time it. The API's coverage
//! ([`crate::coverage`]) asks each household for its nearest station instead, which gives the
//! distances too; its tests check that both mark the same households.

use crate::domain::StationKind;

/// The answer of [`super::Index::coverage`].
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// All households.
    pub households: usize,
    /// Households with a station of the kind within the radius.
    pub covered: usize,
    /// Per household (index order): covered or not.
    pub flags: Vec<bool>,
}

/// Marks every household within `radius_m` metres (geodesic, WGS 84) of a station of `kind`.
pub fn compute(index: &super::Index, kind: &StationKind, radius_m: f64) -> Coverage {
    let households = index.households.all();
    let mut flags = vec![false; households.len()];
    let mut covered = 0;
    for s in index.stations.all().iter().filter(|s| &s.kind == kind) {
        index.households.points().search(s.location, radius_m, |i, distance_m| {
            let i = i as usize;
            if !flags[i] && distance_m <= radius_m {
                flags[i] = true;
                covered += 1;
            }
            radius_m
        });
    }
    Coverage {
        households: households.len(),
        covered,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::domain::{Household, Station};
    use crate::index::geodesic::ground_distance_m;
    use crate::index::{Dataset, Index};
    use crate::testdata::{household, ll, rng, station};

    #[test]
    fn matches_brute_force_geodesic_counts() {
        let mut next = rng(99);
        let households: Vec<Household> = (0..3000)
            .map(|i| household(i, ll(112.0 + next() * 0.05, 32.0 + next() * 0.05)))
            .collect();
        let kinds = ["red_station", "police_room"];
        let stations: Vec<Station> = (0..60)
            .map(|i| station(i, kinds[i % 2], ll(112.0 + next() * 0.05, 32.0 + next() * 0.05)))
            .collect();
        let index = Index::build(Dataset {
            households: Arc::new(households.clone()),
            stations: Arc::new(stations.clone()),
            ..Default::default()
        });
        let red = StationKind::parse("red_station").unwrap();
        for radius in [50.0, 100.0, 500.0] {
            let got = index.coverage(&red, radius);
            let expected: Vec<bool> = households
                .iter()
                .map(|h| {
                    stations
                        .iter()
                        .any(|s| s.kind == red && ground_distance_m(h.location, s.location) <= radius)
                })
                .collect();
            assert_eq!(got.flags, expected, "radius {radius}");
            assert_eq!(got.covered, expected.iter().filter(|c| **c).count());
            assert_eq!(got.households, 3000);
        }
        assert!(index.coverage(&red, 500.0).covered > index.coverage(&red, 100.0).covered);
    }

    #[test]
    fn the_radius_is_inclusive_in_ground_metres() {
        // 0.001° east at 32°N is ~94.5 m on the ground (not 111 m, as a degree of latitude would be).
        let index = Index::build(Dataset {
            households: Arc::new(vec![household(0, ll(112.001, 32.0))]),
            stations: Arc::new(vec![station(0, "red_station", ll(112.0, 32.0))]),
            ..Default::default()
        });
        let red = StationKind::parse("red_station").unwrap();
        let d = ground_distance_m(ll(112.0, 32.0), ll(112.001, 32.0));
        assert_eq!(index.coverage(&red, d).covered, 1);
        assert_eq!(index.coverage(&red, d - 0.01).covered, 0);
        assert_eq!(index.coverage(&red, 100.0).covered, 1);
    }
}
