//! Urban apartment blocks and their households: each urban grid is one housing estate (小区) of
//! slab blocks (板楼, 50–70 m by 13–17 m) laid out in rows along the estate's own bearing, 30–100
//! households per block, addressed down to unit and flat (…3栋2单元1203室).
//!
//! Layout is planned in metres in the grid's local frame and written as WGS 84 degrees rounded to
//! 7 decimals. Every block keeps a margin from the grid boundary, so it lies inside exactly one grid.

use super::frame::round_pt;
use super::grids::apportion;
use super::model::{DemoBuilding, DemoHousehold, Shape};
use super::names;
use super::rng::Rng;
use super::rural::{Leaf, members};

/// Margin in metres between a block's corners and the grid boundary.
const MARGIN_M: f64 = 8.0;
/// Largest block: 70 m by 17 m; its half-diagonal bounds how close a centre may come to the boundary.
const MAX_L: f64 = 70.0;
const MAX_D: f64 = 17.0;

/// Households per block, 30–100 each, summing to `total`.
fn block_sizes(total: usize, rng: &mut Rng) -> Vec<usize> {
    let mut n = total.div_ceil(65).max(1);
    loop {
        let w: Vec<f64> = (0..n).map(|_| rng.range(0.5, 1.5)).collect();
        let sizes = apportion(total, &w, 30.min(total / n));
        if sizes.iter().all(|&s| s <= 100) {
            return sizes;
        }
        n += 1;
    }
}

/// Lattice positions (metres) for block centres inside the grid with room to spare, row by row.
fn lattice(leaf: &Leaf, u: [f64; 2], along: f64, across: f64, rng: &mut Rng) -> Vec<[f64; 2]> {
    let f = leaf.poly.frame;
    let b = leaf.poly.bbox;
    let (lo, hi) = (f.to_m([b[0], b[1]]), f.to_m([b[2], b[3]]));
    let v = [-u[1], u[0]];
    let reach = ((hi[0] - lo[0]).powi(2) + (hi[1] - lo[1]).powi(2)).sqrt() / 2.0;
    let mid = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
    let shift = [rng.range(0.0, along), rng.range(0.0, across)];
    let need = (MAX_L * MAX_L + MAX_D * MAX_D).sqrt() / 2.0 + MARGIN_M;
    let (ni, nj) = ((reach / along).ceil() as i64 + 1, (reach / across).ceil() as i64 + 1);
    let mut out = Vec::new();
    for j in -nj..=nj {
        for i in -ni..=ni {
            let (a, c) = (i as f64 * along + shift[0], j as f64 * across + shift[1]);
            let p = [mid[0] + u[0] * a + v[0] * c, mid[1] + u[1] * a + v[1] * c];
            let deg = f.to_deg(p);
            if leaf.poly.contains(deg) && leaf.poly.clearance_m(deg, need) >= need {
                out.push(p);
            }
        }
    }
    out
}

/// Builds the blocks and households of one urban grid. `road` and `number` give the street address
/// (odd door numbers, continuing across the community's grids).
pub fn populate(
    leaf: &Leaf,
    road: &str,
    number: &mut u32,
    rng: &mut Rng,
) -> anyhow::Result<(Vec<DemoBuilding>, Vec<DemoHousehold>)> {
    let f = leaf.poly.frame;
    let sizes = block_sizes(leaf.households, rng);
    let u = rng.direction();
    let v = [-u[1], u[0]];
    let (mut along, mut across) = (MAX_L + 30.0, MAX_D + 35.0);
    let mut spots = lattice(leaf, u, along, across, rng);
    while spots.len() < sizes.len() {
        anyhow::ensure!(
            along > MAX_L + 4.0,
            "grid {} is too small for {} blocks",
            leaf.code,
            sizes.len()
        );
        (along, across) = ((along * 0.9).max(MAX_L + 4.0), (across * 0.9).max(MAX_D + 4.0));
        spots = lattice(leaf, u, along, across, rng);
    }
    // Keep a random subset of the spots, numbered in lattice order (row by row).
    let mut pick: Vec<usize> = (0..spots.len()).collect();
    rng.shuffle(&mut pick);
    pick.truncate(sizes.len());
    pick.sort_unstable();
    *number += 1;
    let street = format!(
        "{}{}{}号{}",
        leaf.address_prefix,
        road,
        2 * *number - 1,
        names::estate(rng)
    );
    let (mut buildings, mut households) = (Vec::new(), Vec::new());
    for (b, (&spot, &hh)) in pick.iter().zip(&sizes).enumerate() {
        let c = spots[spot];
        let (l, d) = (rng.range(50.0, MAX_L), rng.range(13.0, MAX_D));
        let at = |a: f64, b: f64| round_pt(f.to_deg([c[0] + u[0] * a + v[0] * b, c[1] + u[1] * a + v[1] * b]));
        let floors = if rng.chance(0.3) {
            rng.int(19, 33)
        } else {
            rng.int(6, 18)
        } as usize;
        // Two flats per floor and stair (单元); as many stairs as the households need.
        let units = hh.div_ceil(2 * floors).max(1);
        let code = format!("BLD-{}-{:03}", leaf.code, b + 1);
        let address = format!("{street}{}栋", b + 1);
        for k in 0..hh {
            let (unit, floor, door) = (k / (2 * floors), (k / 2) % floors, k % 2);
            // A lattice of points inside the footprint: stairs along the block, floors across it.
            let a = -l / 2.0 + l * (unit as f64 + 0.25 + 0.5 * door as f64) / units as f64;
            let bb = -d / 2.0 + 1.5 + (d - 3.0) * (floor as f64 + 0.5) / floors as f64;
            households.push(DemoHousehold {
                code: format!("HH-{}-{:04}", leaf.code, households.len() + 1),
                head_name: names::person(rng),
                phone: names::phone(rng),
                members: members(rng).min(5),
                address: format!("{address}{}单元{}{:02}室", unit + 1, floor + 1, door + 1),
                building_code: code.clone(),
                party_member: false,
                center_household: false,
                center_code: None,
                location: at(a, bb),
                leaf: leaf.index,
            });
        }
        let shape = Shape::Footprint(vec![
            at(-l / 2.0, -d / 2.0),
            at(l / 2.0, -d / 2.0),
            at(l / 2.0, d / 2.0),
            at(-l / 2.0, d / 2.0),
        ]);
        buildings.push(DemoBuilding {
            code,
            address,
            floors: floors as u32,
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
    use crate::demo::geom::{IndexedPolygon, point_in_rings};

    #[test]
    fn blocks_hold_30_to_100_households_each_inside_the_footprint() {
        let poly = IndexedPolygon::new(vec![vec![
            [112.17, 32.05],
            [112.175, 32.05],
            [112.175, 32.054],
            [112.17, 32.054],
        ]]);
        let leaf = Leaf {
            index: 0,
            code: "G",
            households: 437,
            address_prefix: "某社区".into(),
            poly,
        };
        let mut number = 0;
        let (b, h) = populate(&leaf, "建设路", &mut number, &mut Rng::keyed(2, "urban")).unwrap();
        assert_eq!(h.len(), 437);
        for bld in &b {
            let Shape::Footprint(r) = &bld.shape else {
                panic!("blocks have footprints")
            };
            let mine: Vec<&DemoHousehold> = h.iter().filter(|x| x.building_code == bld.code).collect();
            assert!((30..=100).contains(&mine.len()), "{}", mine.len());
            assert!(
                mine.iter()
                    .all(|x| point_in_rings([r.as_slice()], x.location) == Some(true))
            );
            assert!(r.iter().all(|p| leaf.poly.clearance_m(*p, 5.0) >= 5.0));
        }
        assert!(b[0].address.starts_with("某社区建设路1号"));
    }
}
