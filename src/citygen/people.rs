//! Buildings and households in every leaf area (grid, or red house-yard where a grid has them),
//! with party members, center households (党员中心户) and the links to them (联系户).
//!
//! Buildings are rectangles (apartment blocks in town, big houses in the countryside) at random
//! angles, kept clear of the leaf's boundary so a footprint never straddles a border. A share of
//! the households live in them (points inside the footprint); the rest are points scattered over the
//! leaf with no mapped building. Each household's center household is the nearest one in its leaf.
//! Positions are planned in metres in local frames and kept as WGS 84 degrees (7 decimals).

use super::areas::{CityArea, SEED};
use super::scale::Plan;
use crate::demo::frame::{Frame, cos, round_pt};
use crate::demo::geom::IndexedPolygon;
use crate::demo::grids::apportion;
use crate::demo::names;
use crate::demo::rng::Rng;
use crate::demo::topology::Topology;
use crate::domain::Level;

#[derive(Debug, Clone)]
pub struct CityBuilding {
    pub code: String,
    pub address: String,
    pub floors: u32,
    /// Open counter-clockwise ring, degrees.
    pub footprint: [[f64; 2]; 4],
}

#[derive(Debug, Clone)]
pub struct CityHousehold {
    pub code: String,
    pub head_name: String,
    pub phone: String,
    pub members: u32,
    pub address: String,
    /// Index into the building list.
    pub building: Option<usize>,
    pub party_member: bool,
    pub center_household: bool,
    /// Index into the household list of the center household that looks after this one.
    pub center: Option<usize>,
    pub location: [f64; 2],
}

/// The households of one leaf area: `households[start..end]`.
#[derive(Debug, Clone, Copy)]
pub struct LeafRange {
    pub leaf: usize,
    pub start: usize,
    pub end: usize,
}

/// Everything placed in the leaves, households and buildings in code order.
pub struct People {
    pub buildings: Vec<CityBuilding>,
    pub households: Vec<CityHousehold>,
    pub ranges: Vec<LeafRange>,
}

/// A leaf's polygons, one per part, with their areas for weighted sampling.
struct LeafShape {
    parts: Vec<IndexedPolygon>,
    areas: Vec<f64>,
}

impl LeafShape {
    fn new(topo: &Topology, area: &CityArea) -> Self {
        let parts: Vec<IndexedPolygon> = area
            .parts
            .iter()
            .map(|p| IndexedPolygon::new(topo.expand(p).all().map(|r| topo.coords_of(r)).collect()))
            .collect();
        let areas = parts.iter().map(IndexedPolygon::area_m2).collect();
        Self { parts, areas }
    }

    /// A uniform random point inside, and the part it is in.
    fn sample(&self, rng: &mut Rng) -> (usize, [f64; 2]) {
        let k = if self.parts.len() == 1 {
            0
        } else {
            rng.weighted(&self.areas)
        };
        (k, self.parts[k].sample(rng))
    }
}

/// Members per household, 1 to 6.
fn members(rng: &mut Rng) -> u32 {
    rng.weighted(&[0.12, 0.26, 0.22, 0.2, 0.13, 0.07]) as u32 + 1
}

/// The name of the nearest ancestor of `level` (empty if none).
fn ancestor_name(areas: &[CityArea], mut i: usize, level: Level) -> &str {
    loop {
        if areas[i].level == level {
            return &areas[i].name;
        }
        match areas[i].parent {
            Some(p) => i = p,
            None => return "",
        }
    }
}

/// Places buildings and households in every leaf (`leaves` sorted by code).
pub fn populate(topo: &Topology, areas: &[CityArea], leaves: &[usize], plan: &Plan) -> People {
    let weights: Vec<f64> = leaves.iter().map(|&l| areas[l].households as f64).collect();
    let building_counts = apportion(plan.buildings, &weights, 0);
    let total: usize = leaves.iter().map(|&l| areas[l].households).sum();
    let mut out = People {
        buildings: Vec::with_capacity(plan.buildings),
        households: Vec::with_capacity(total),
        ranges: Vec::with_capacity(leaves.len()),
    };
    for (&leaf, n_buildings) in leaves.iter().zip(building_counts) {
        let area = &areas[leaf];
        let mut rng = Rng::keyed(SEED, &format!("people/{}", area.code));
        let shape = LeafShape::new(topo, area);
        let prefix = format!(
            "{}{}",
            ancestor_name(areas, leaf, Level::Township),
            ancestor_name(areas, leaf, Level::Community)
        );
        let first_building = out.buildings.len();
        for b in 0..n_buildings {
            let (footprint, floors) = building(&shape, area.urban, &mut rng);
            out.buildings.push(CityBuilding {
                code: format!("B{}{:03}", area.code, b + 1),
                address: format!("{prefix}{}号楼", b + 1),
                floors,
                footprint,
            });
        }
        let start = out.households.len();
        households(&shape, area, &prefix, first_building, plan, &mut out, &mut rng);
        out.ranges.push(LeafRange {
            leaf,
            start,
            end: out.households.len(),
        });
    }
    out
}

/// A footprint (degrees) and floor count: a rotated rectangle clear of the leaf's boundary.
fn building(shape: &LeafShape, urban: bool, rng: &mut Rng) -> ([[f64; 2]; 4], u32) {
    let (mut len, mut wid, floors) = if urban {
        (rng.range(50.0, 70.0), rng.range(12.0, 16.0), rng.int(6, 33) as u32)
    } else {
        (rng.range(18.0, 30.0), rng.range(10.0, 14.0), rng.int(2, 4) as u32)
    };
    // The spot with the most room of a few tries; a small leaf may need a smaller building.
    let mut best = (0, [0.0; 2], -1.0);
    for _ in 0..8 {
        let (k, p) = shape.sample(rng);
        let room = shape.parts[k].clearance_m(p, 100.0);
        if room > best.2 {
            best = (k, p, room);
        }
        if room >= 60.0 {
            break;
        }
    }
    let (_, centre, room) = best;
    let half_diag = (len * len + wid * wid).sqrt() / 2.0;
    let fit = (room * 0.9 / half_diag).min(1.0);
    len *= fit;
    wid *= fit;
    let frame = Frame::at(centre[0], centre[1]);
    let a = rng.range(0.0, std::f64::consts::PI);
    let (c, s) = (cos(a), cos(a - std::f64::consts::FRAC_PI_2));
    let corner = |u: f64, v: f64| {
        let (x, y) = (u * len / 2.0, v * wid / 2.0);
        round_pt(frame.to_deg([x * c - y * s, x * s + y * c]))
    };
    (
        [
            corner(-1.0, -1.0),
            corner(1.0, -1.0),
            corner(1.0, 1.0),
            corner(-1.0, 1.0),
        ],
        floors,
    )
}

/// A uniform random point inside a footprint (a parallelogram: corners 0, 1, 3 span it).
fn in_footprint(f: &[[f64; 2]; 4], rng: &mut Rng) -> [f64; 2] {
    let (u, v) = (rng.range(0.05, 0.95), rng.range(0.05, 0.95));
    round_pt([
        f[0][0] + u * (f[1][0] - f[0][0]) + v * (f[3][0] - f[0][0]),
        f[0][1] + u * (f[1][1] - f[0][1]) + v * (f[3][1] - f[0][1]),
    ])
}

fn households(
    shape: &LeafShape,
    area: &CityArea,
    prefix: &str,
    first_building: usize,
    plan: &Plan,
    out: &mut People,
    rng: &mut Rng,
) {
    let n = area.households;
    let buildings: Vec<([[f64; 2]; 4], String, u32)> = out.buildings[first_building..]
        .iter()
        .map(|b| (b.footprint, b.address.clone(), b.floors))
        .collect();
    let housed = if buildings.is_empty() {
        0
    } else {
        ((n as f64 * plan.in_building_share).round() as usize).min(n)
    };
    let floors: Vec<f64> = buildings.iter().map(|b| f64::from(b.2)).collect();
    let per_building = if buildings.is_empty() {
        Vec::new()
    } else {
        apportion(housed, &floors, 0)
    };
    let start = out.households.len();
    let mut seq = 0;
    let mut push = |location: [f64; 2], building: Option<usize>, address: String, rng: &mut Rng| {
        seq += 1;
        out.households.push(CityHousehold {
            code: format!("H{}{seq:04}", area.code),
            head_name: names::person(rng),
            phone: names::phone(rng),
            members: members(rng),
            address,
            building,
            party_member: false,
            center_household: false,
            center: None,
            location,
        });
    };
    for (b, count) in per_building.iter().enumerate() {
        let (footprint, address, _) = &buildings[b];
        for k in 0..*count {
            let room = format!("{address}{}{:02}室", k / 4 + 1, k % 4 + 1);
            push(in_footprint(footprint, rng), Some(first_building + b), room, rng);
        }
    }
    for k in 0..n - housed {
        let (_, p) = shape.sample(rng);
        push(round_pt(p), None, format!("{prefix}{}号", k + 1), rng);
    }
    party(&mut out.households[start..], start, plan, rng);
}

/// Marks center households and party members in one leaf and links everyone to the nearest center.
fn party(hh: &mut [CityHousehold], offset: usize, plan: &Plan, rng: &mut Rng) {
    if hh.is_empty() {
        return;
    }
    let n_centers = ((hh.len() as f64 * plan.center_share).round() as usize).clamp(1, hh.len());
    let mut order: Vec<usize> = (0..hh.len()).collect();
    rng.shuffle(&mut order);
    let mut centers: Vec<usize> = order[..n_centers].to_vec();
    centers.sort_unstable();
    for &c in &centers {
        hh[c].center_household = true;
        hh[c].party_member = true;
    }
    let frame = Frame::at(hh[0].location[0], hh[0].location[1]);
    for i in 0..hh.len() {
        if hh[i].center_household {
            continue;
        }
        hh[i].party_member = rng.chance(plan.party_share);
        let p = hh[i].location;
        let nearest = centers.iter().copied().min_by(|&a, &b| {
            frame
                .dist_m(hh[a].location, p)
                .total_cmp(&frame.dist_m(hh[b].location, p))
        });
        hh[i].center = nearest.map(|c| offset + c);
    }
}
