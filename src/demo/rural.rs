//! Rural houses and households: single-family houses (footprints of about 10–15 m a side, a few
//! mapped only as points) clustered in hamlets (村民小组, numbered 1组, 2组 … across a village),
//! one or two households per house.
//!
//! Positions are planned in metres in the leaf area's local frame and written as WGS 84 degrees
//! rounded to 7 decimals. Every house keeps at least 20 m from its area's boundary, so a footprint
//! never straddles a grid or red-yard border.

use std::collections::HashMap;

use super::geom::IndexedPolygon;
use super::model::{DemoBuilding, DemoHousehold, Shape};
use super::rng::Rng;
use super::{frame::round_pt, names, seeds};

/// Smallest distance in metres from a house centre to the area boundary.
const CLEARANCE_M: f64 = 20.0;
/// Smallest distance in metres between two house centres.
const SPACING_M: f64 = 22.0;

/// Members per household, 1 to 6.
pub fn members(rng: &mut Rng) -> u32 {
    rng.weighted(&[0.12, 0.26, 0.22, 0.2, 0.13, 0.07]) as u32 + 1
}

/// What the houses of one leaf area need to know.
pub struct Leaf<'a> {
    pub index: usize,
    pub code: &'a str,
    pub households: usize,
    /// 湖北省襄阳市南漳县李庙镇滋坪村
    pub address_prefix: String,
    pub poly: IndexedPolygon,
}

/// Houses spaced on a 22 m hash grid: looks up neighbours only, never iterates the map.
struct Spacing(HashMap<(i64, i64), Vec<[f64; 2]>>);

impl Spacing {
    fn cell(p: [f64; 2]) -> (i64, i64) {
        ((p[0] / SPACING_M).floor() as i64, (p[1] / SPACING_M).floor() as i64)
    }
    fn free(&self, p: [f64; 2]) -> bool {
        let (cx, cy) = Self::cell(p);
        (cx - 1..=cx + 1)
            .flat_map(|x| (cy - 1..=cy + 1).map(move |y| (x, y)))
            .all(|k| {
                self.0.get(&k).is_none_or(|v| {
                    v.iter()
                        .all(|q| (q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2) >= SPACING_M * SPACING_M)
                })
            })
    }
    fn add(&mut self, p: [f64; 2]) {
        self.0.entry(Self::cell(p)).or_default().push(p);
    }
}

/// Builds the houses and households of one rural leaf area. `group` is the village's running
/// 村民小组 number: each hamlet takes the next one.
pub fn populate(
    leaf: &Leaf,
    group: &mut u32,
    rng: &mut Rng,
) -> anyhow::Result<(Vec<DemoBuilding>, Vec<DemoHousehold>)> {
    let f = leaf.poly.frame;
    // Households per house: mostly one, some two (a grown-up child's family under the same roof).
    let mut per_house = Vec::new();
    let mut left = leaf.households;
    while left > 0 {
        let n = if left >= 2 && rng.chance(0.15) { 2 } else { 1 };
        per_house.push(n);
        left -= n;
    }
    let hamlets = (per_house.len() as f64 / 20.0).round().clamp(1.0, 6.0) as usize;
    let mut centres = Vec::new();
    for margin in [150.0, 80.0, 40.0, CLEARANCE_M] {
        let roomy = |p: [f64; 2]| leaf.poly.clearance_m(p, margin) >= margin;
        centres = seeds::spread(&leaf.poly, &[], hamlets, 12, rng, roomy);
        if centres.iter().all(|c| roomy(*c)) {
            break;
        }
    }
    let mut spacing = Spacing(HashMap::new());
    let (mut buildings, mut households) = (Vec::new(), Vec::new());
    let mut hamlet_group = vec![0; hamlets];
    let mut house_no = vec![0; hamlets];
    for (b, &n) in per_house.iter().enumerate() {
        let h = b * hamlets / per_house.len();
        if house_no[h] == 0 {
            *group += 1;
            hamlet_group[h] = *group;
        }
        let centre = f.to_m(centres[h]);
        let mut sigma = 80.0;
        let mut pos = None;
        for attempt in 0..5000 {
            if attempt % 25 == 24 {
                sigma *= 1.3;
            }
            // Around the hamlet first; if it is crowded out, anywhere in the area.
            let p = if attempt < 500 {
                [centre[0] + rng.normalish() * sigma, centre[1] + rng.normalish() * sigma]
            } else {
                f.to_m(leaf.poly.sample(rng))
            };
            let deg = f.to_deg(p);
            if leaf.poly.contains(deg) && leaf.poly.clearance_m(deg, CLEARANCE_M) >= CLEARANCE_M && spacing.free(p) {
                pos = Some(p);
                break;
            }
        }
        let pos = pos.ok_or_else(|| anyhow::anyhow!("no room for house {} in {}", b + 1, leaf.code))?;
        spacing.add(pos);
        house_no[h] += 1;
        let code = format!("BLD-{}-{:03}", leaf.code, b + 1);
        let address = format!("{}{}组{}号", leaf.address_prefix, hamlet_group[h], house_no[h]);
        let u = rng.direction();
        let v = [-u[1], u[0]];
        let (w, d) = (rng.range(10.0, 15.0), rng.range(8.0, 12.0));
        let at = |a: f64, b: f64| round_pt(f.to_deg([pos[0] + u[0] * a + v[0] * b, pos[1] + u[1] * a + v[1] * b]));
        let point = rng.chance(0.03);
        let shape = if point {
            Shape::Point(at(0.0, 0.0))
        } else {
            Shape::Footprint(vec![
                at(-w / 2.0, -d / 2.0),
                at(w / 2.0, -d / 2.0),
                at(w / 2.0, d / 2.0),
                at(-w / 2.0, d / 2.0),
            ])
        };
        let floors = rng.weighted(&[0.25, 0.55, 0.2]) as u32 + 1;
        for k in 0..n {
            // Two households sit a quarter of the width either side of the middle.
            let along = if n == 1 || point {
                0.0
            } else {
                (k as f64 - 0.5) * w / 2.0
            };
            households.push(DemoHousehold {
                code: format!("HH-{}-{:04}", leaf.code, households.len() + 1),
                head_name: names::person(rng),
                phone: names::phone(rng),
                members: members(rng),
                address: address.clone(),
                building_code: code.clone(),
                party_member: false,
                center_household: false,
                center_code: None,
                location: at(along, 0.0),
                leaf: leaf.index,
            });
        }
        buildings.push(DemoBuilding {
            code,
            address,
            floors,
            shape,
            centre: at(0.0, 0.0),
            leaf: leaf.index,
        });
    }
    Ok((buildings, households))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::geom::point_in_rings;

    #[test]
    fn houses_stay_inside_apart_and_hold_their_households() {
        let poly = IndexedPolygon::new(vec![vec![
            [111.6, 31.8],
            [111.62, 31.8],
            [111.62, 31.82],
            [111.6, 31.82],
        ]]);
        let leaf = Leaf {
            index: 0,
            code: "X",
            households: 120,
            address_prefix: "某村".into(),
            poly,
        };
        let mut group = 3;
        let (b, h) = populate(&leaf, &mut group, &mut Rng::keyed(5, "rural")).unwrap();
        assert_eq!(h.len(), 120);
        assert!(group > 3, "hamlets continue the village's group numbers");
        for hh in &h {
            let bld = b.iter().find(|x| x.code == hh.building_code).unwrap();
            match &bld.shape {
                Shape::Footprint(r) => assert_eq!(point_in_rings([r.as_slice()], hh.location), Some(true)),
                Shape::Point(p) => assert_eq!(*p, hh.location),
            }
            assert!(leaf.poly.clearance_m(hh.location, 15.0) >= 15.0);
        }
        assert!(b[0].address.starts_with("某村4组1号"), "{}", b[0].address);
    }
}
