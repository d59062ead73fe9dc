//! Stations by kind, each kind in a bucket grid (see [`super::points`]), for *the k nearest
//! stations* ranked by geodesic metres on the WGS 84 ellipsoid.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::points::PointGrid;
use crate::domain::{Code, LonLat, Station, StationKind};

/// One answer of a nearest search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearby {
    /// Index into [`StationIndex::get`].
    pub station: u32,
    /// Geodesic distance on the WGS 84 ellipsoid, metres.
    pub distance_m: f64,
}

pub struct StationIndex {
    stations: Arc<Vec<Station>>,
    by_code: HashMap<Code, u32>,
    by_kind: BTreeMap<StationKind, PointGrid>,
}

impl StationIndex {
    pub fn new(stations: Arc<Vec<Station>>) -> Self {
        let mut points: BTreeMap<StationKind, Vec<(LonLat, u32)>> = BTreeMap::new();
        for (i, s) in stations.iter().enumerate() {
            points.entry(s.kind.clone()).or_default().push((s.location, i as u32));
        }
        let by_kind = points
            .into_iter()
            .map(|(k, v)| (k, PointGrid::new(v).with_lists()))
            .collect();
        let by_code = stations
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), i as u32))
            .collect();
        Self {
            stations,
            by_code,
            by_kind,
        }
    }

    pub fn get(&self, i: u32) -> &Station {
        &self.stations[i as usize]
    }

    pub fn all(&self) -> &Arc<Vec<Station>> {
        &self.stations
    }

    pub fn find(&self, code: &Code) -> Option<u32> {
        self.by_code.get(code).copied()
    }

    /// Kinds present in the data, sorted.
    pub fn kinds(&self) -> impl Iterator<Item = &StationKind> {
        self.by_kind.keys()
    }

    /// The search grid of each kind, for build logs and benchmarks.
    pub fn describe(&self) -> String {
        let kinds: Vec<String> = self
            .by_kind
            .iter()
            .map(|(k, g)| format!("{k}: {}", g.describe()))
            .collect();
        kinds.join("; ")
    }

    pub fn has_kind(&self, kind: &StationKind) -> bool {
        self.by_kind.contains_key(kind)
    }

    /// The `k` stations of `kind` nearest to `p`, ascending by geodesic distance (ties by code),
    /// none farther than `max_m` metres.
    ///
    /// The grid offers candidates ring by ring, measuring on the ellipsoid only those its lower
    /// bounds cannot rule out, and stops once the next ring lies beyond the k-th best so far.
    pub fn nearest(&self, p: LonLat, kind: &StationKind, k: usize, max_m: Option<f64>) -> Vec<Nearby> {
        let Some(grid) = self.by_kind.get(kind) else {
            return Vec::new();
        };
        if k == 0 {
            return Vec::new();
        }
        let limit = max_m.unwrap_or(f64::INFINITY);
        let mut best: Vec<Nearby> = Vec::with_capacity(k + 1);
        grid.search_nearest(p, k, limit, |station, distance_m| {
            if distance_m <= limit {
                let pos = best.partition_point(|b| self.before(b, distance_m, station));
                if pos < k {
                    best.insert(pos, Nearby { station, distance_m });
                    best.truncate(k);
                }
            }
            if best.len() == k { best[k - 1].distance_m } else { limit }
        });
        best
    }

    /// Whether `b` ranks before a station `station` at `distance_m` (distance, then code).
    fn before(&self, b: &Nearby, distance_m: f64, station: u32) -> bool {
        b.distance_m < distance_m
            || (b.distance_m == distance_m
                && self.stations[b.station as usize].code < self.stations[station as usize].code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::geodesic::ground_distance_m;

    fn station(code: &str, kind: &str, lon: f64, lat: f64) -> Station {
        Station {
            code: Code::parse(code).unwrap(),
            kind: StationKind::parse(kind).unwrap(),
            name: None,
            tier: None,
            phone: None,
            open_hours: None,
            services: vec![],
            properties: Default::default(),
            location: LonLat::new(lon, lat).unwrap(),
        }
    }

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    #[test]
    fn ranks_by_ground_metres_not_degrees() {
        // At 32°N: A is 0.0010° east (~94 m), B is 0.0009° north (~100 m). In degrees B is nearer;
        // on the ground A is.
        let p = ll(112.0, 32.0);
        let idx = StationIndex::new(Arc::new(vec![
            station("A", "red_station", 112.0010, 32.0),
            station("B", "red_station", 112.0, 32.0009),
        ]));
        let got = idx.nearest(p, &StationKind::parse("red_station").unwrap(), 2, None);
        let order: Vec<&str> = got.iter().map(|n| idx.get(n.station).code.as_str()).collect();
        assert_eq!(order, ["A", "B"]);
        assert!((got[0].distance_m - 94.5).abs() < 0.5, "{}", got[0].distance_m);
        assert!((got[1].distance_m - 99.8).abs() < 0.5, "{}", got[1].distance_m);
    }

    #[test]
    fn filters_by_kind_and_max_distance() {
        let idx = StationIndex::new(Arc::new(vec![
            station("A", "red_station", 112.0010, 32.0),
            station("P", "police_room", 112.0001, 32.0),
            station("C", "red_station", 112.05, 32.0),
        ]));
        let red = StationKind::parse("red_station").unwrap();
        let got = idx.nearest(ll(112.0, 32.0), &red, 5, Some(1000.0));
        assert_eq!(got.len(), 1);
        assert_eq!(idx.get(got[0].station).code.as_str(), "A");
        assert!(
            idx.nearest(ll(112.0, 32.0), &StationKind::parse("talk_room").unwrap(), 5, None)
                .is_empty()
        );
    }

    #[test]
    fn matches_brute_force_on_many_points() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let stations: Vec<Station> = (0..400)
            .map(|i| {
                station(
                    &format!("S{i:04}"),
                    "red_station",
                    111.9 + next() * 0.2,
                    31.5 + next() * 0.2,
                )
            })
            .collect();
        let idx = StationIndex::new(Arc::new(stations.clone()));
        let kind = StationKind::parse("red_station").unwrap();
        for _ in 0..200 {
            let p = ll(111.9 + next() * 0.2, 31.5 + next() * 0.2);
            let mut brute: Vec<(f64, &str)> = stations
                .iter()
                .map(|s| (ground_distance_m(p, s.location), s.code.as_str()))
                .collect();
            brute.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let got = idx.nearest(p, &kind, 5, None);
            let got: Vec<(f64, &str)> = got
                .iter()
                .map(|n| (n.distance_m, idx.get(n.station).code.as_str()))
                .collect();
            assert_eq!(got, brute[..5].to_vec());
        }
    }
}
