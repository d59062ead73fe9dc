//! Small data sets for unit tests: households, stations and buildings at given places, a seeded
//! random stream, a town of clustered households and a street grid over it.

use std::sync::Arc;

use crate::domain::{Building, Code, Household, LonLat, Station, StationKind};
use crate::index::{Dataset, Index};

pub fn rng(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub fn ll(lon: f64, lat: f64) -> LonLat {
    LonLat::new(lon, lat).unwrap()
}

pub fn household(i: usize, p: LonLat) -> Household {
    Household {
        code: Code::parse(&format!("H{i:05}")).unwrap(),
        head_name: None,
        phone: None,
        members: None,
        address: None,
        building_code: None,
        party_member: false,
        center_household: false,
        center_code: None,
        properties: Default::default(),
        location: p,
    }
}

pub fn station(i: usize, kind: &str, p: LonLat) -> Station {
    Station {
        code: Code::parse(&format!("S{i:04}")).unwrap(),
        kind: StationKind::parse(kind).unwrap(),
        name: None,
        tier: None,
        phone: None,
        open_hours: None,
        services: vec![],
        properties: Default::default(),
        location: p,
    }
}

pub fn building(i: usize, p: LonLat) -> Building {
    Building {
        code: Code::parse(&format!("B{i:04}")).unwrap(),
        address: None,
        floors: None,
        properties: Default::default(),
        geometry: geo::Geometry::Point(p.to_point()),
    }
}

pub fn index(households: Vec<Household>, stations: Vec<Station>, buildings: Vec<Building>) -> Index {
    Index::build(Dataset {
        households: Arc::new(households),
        stations: Arc::new(stations),
        buildings: Arc::new(buildings),
        ..Default::default()
    })
}

/// A town of `n` households around (112.1, 32.0), most in a few clusters, with `stations` red
/// stations and `buildings` point buildings scattered over it.
pub fn town(seed: u64, n: usize, stations: usize, buildings: usize) -> Index {
    let mut next = rng(seed);
    let centres: Vec<(f64, f64)> = (0..6)
        .map(|_| (112.09 + next() * 0.02, 31.99 + next() * 0.02))
        .collect();
    let households = (0..n)
        .map(|i| {
            let p = if i % 4 == 0 {
                ll(112.09 + next() * 0.02, 31.99 + next() * 0.02)
            } else {
                let (x, y) = centres[i % centres.len()];
                ll(x + (next() - 0.5) * 0.003, y + (next() - 0.5) * 0.003)
            };
            household(i, p)
        })
        .collect();
    let stations = (0..stations)
        .map(|i| station(i, "red_station", ll(112.09 + next() * 0.02, 31.99 + next() * 0.02)))
        .collect();
    let buildings = (0..buildings)
        .map(|i| building(i, ll(112.09 + next() * 0.02, 31.99 + next() * 0.02)))
        .collect();
    index(households, stations, buildings)
}

/// `index` with a street grid over the town: north–south streets every 0.001° of longitude from
/// 112.088° to 112.112°E and east–west ones every 0.001° of latitude from 31.988° to 32.012°N
/// (about 94 and 111 m apart). North–south streets run only half the height, alternately the
/// southern and the northern half, so many walks go round a block and are well longer than the
/// straight line.
pub fn with_streets(index: &Index) -> Index {
    let step = |i: i32, from: f64| from + f64::from(i) * 0.001;
    let line = |a: (f64, f64), b: (f64, f64)| geo::LineString::from(vec![a, b]);
    let mut lines = Vec::new();
    for i in 0..=24 {
        let lat = step(i, 31.988);
        lines.push(line((112.088, lat), (112.112, lat)));
        let lon = step(i, 112.088);
        let (s, n) = if i % 2 == 0 { (31.988, 32.0) } else { (32.0, 32.012) };
        lines.push(line((lon, s), (lon, n)));
    }
    let paths = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| crate::domain::Path {
            code: Code::parse(&format!("P{i:03}")).unwrap(),
            name: None,
            highway: None,
            properties: Default::default(),
            geometry: geo::MultiLineString::new(vec![l]),
        })
        .collect();
    Index::build(Dataset {
        paths: Arc::new(paths),
        ..index.dataset()
    })
}
