//! Grids (网格) in every generated village/community, and red house-yards (红色屋场) in 李庙镇.
//!
//! Household numbers are planned first (about 300 per rural grid, 300–500 per urban grid, as the
//! local rules of thumb in DOMAIN.md say), then each village is tiled into that many grids and each
//! 李庙 grid into its share of the town's 138 red yards. Sequence numbers follow reading order of
//! the centroids (rows north → south, west → east within a row).

use serde_json::Value;

use super::areas::single_part;
use super::model::{DemoArea, Setting};
use super::rng::Rng;
use super::tiling::{centroid, tile_evenly};
use super::topology::{Rings, Topology};
use super::voronoi::Wiggle;
use super::{SEED, names};
use crate::domain::Level;
use crate::domain::numbering::reading_order;

/// The number of red house-yards in 李庙镇 (DOMAIN.md).
pub const RED_YARDS_IN_LIMIAO: usize = 138;

const RURAL_GRID_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.12,
    step_m: 120.0,
};
/// Urban grids are bounded by streets: straight borders.
const URBAN_GRID_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.0,
    step_m: 1e9,
};
const YARD_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.12,
    step_m: 60.0,
};

/// Splits `total` into parts proportional to `weights`, each at least `min` (largest remainder).
pub fn apportion(total: usize, weights: &[f64], min: usize) -> Vec<usize> {
    let rest = total.saturating_sub(min * weights.len()) as f64;
    let sum: f64 = weights.iter().sum();
    let quotas: Vec<f64> = weights.iter().map(|w| rest * w / sum).collect();
    let mut out: Vec<usize> = quotas.iter().map(|q| min + q.floor() as usize).collect();
    let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
    by_remainder.sort_by(|&a, &b| {
        (quotas[b] - quotas[b].floor())
            .total_cmp(&(quotas[a] - quotas[a].floor()))
            .then(a.cmp(&b))
    });
    let missing = total.saturating_sub(out.iter().sum());
    for &i in by_remainder.iter().cycle().take(missing) {
        out[i] += 1;
    }
    out
}

/// Households per grid for a village or community.
fn plan(area: &DemoArea, rng: &mut Rng) -> Vec<usize> {
    let community = area
        .extra
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.contains("居委会"));
    let (counts, lo, hi): (&[f64], u64, u64) = match (area.setting, community) {
        (Setting::Urban, _) => (&[0.0, 0.1, 0.5, 0.4], 320, 480),
        (Setting::Rural, true) => (&[0.0, 0.0, 0.5, 0.5], 270, 330),
        (Setting::Rural, false) if area.code.starts_with("420624") => (&[0.0, 0.55, 0.4, 0.05], 270, 330),
        (Setting::Rural, false) => (&[0.0, 0.8, 0.2], 300, 450),
    };
    let n = rng.weighted(counts);
    (0..n).map(|_| rng.int(lo, hi) as usize).collect()
}

/// Tiles `area` into `n` children and returns them in reading order.
fn tile_in_reading_order(topo: &mut Topology, area: &DemoArea, n: usize, wiggle: Wiggle) -> anyhow::Result<Vec<Rings>> {
    let poly = area.indexed(topo);
    let kids = tile_evenly(topo, single_part(area)?, &poly, n, wiggle, &area.code)?;
    let cents: Vec<[f64; 2]> = kids.iter().map(|k| centroid(topo, k)).collect();
    let row = (poly.area_m2() / n as f64).sqrt() * 0.6 / poly.frame.ky;
    Ok(reading_order(&cents, row)
        .into_iter()
        .map(|i| kids[i].clone())
        .collect())
}

fn child(parent: usize, code: String, name: String, level: Level, rings: Rings, p: &DemoArea) -> DemoArea {
    DemoArea {
        short_name: name.clone(),
        code,
        name,
        level,
        parent: Some(parent),
        parts: vec![rings],
        leader_name: None,
        leader_phone: None,
        generated: true,
        extra: Default::default(),
        setting: p.setting,
        households: 0,
    }
}

/// Adds grids to every generated village/community, with a fictional grid worker (网格员) as leader.
pub fn add_grids(topo: &mut Topology, areas: &mut Vec<DemoArea>) -> anyhow::Result<()> {
    let villages: Vec<usize> = (0..areas.len())
        .filter(|&i| areas[i].level == Level::Community)
        .collect();
    for v in villages {
        let mut rng = Rng::keyed(SEED, &format!("grids/{}", areas[v].code));
        let households = plan(&areas[v], &mut rng);
        areas[v].households = households.iter().sum();
        let wiggle = if areas[v].setting == Setting::Urban {
            URBAN_GRID_WIGGLE
        } else {
            RURAL_GRID_WIGGLE
        };
        let kids = tile_in_reading_order(topo, &areas[v], households.len(), wiggle)?;
        for (i, (rings, h)) in kids.into_iter().zip(households).enumerate() {
            let p = &areas[v];
            let mut g = child(
                v,
                format!("{}{:03}", p.code, i + 1),
                format!("{}第{}网格", p.short_name, i + 1),
                Level::Grid,
                rings,
                p,
            );
            g.leader_name = Some(names::person(&mut rng));
            g.leader_phone = Some(names::phone(&mut rng));
            g.households = h;
            areas.push(g);
        }
    }
    Ok(())
}

/// Splits the grids of township `town` into `total` red yards, at least two per grid and otherwise
/// in proportion to households. Leaders (屋场长) are set once households exist.
pub fn add_red_yards(topo: &mut Topology, areas: &mut Vec<DemoArea>, town: &str, total: usize) -> anyhow::Result<()> {
    let in_town = |a: &DemoArea| a.level == Level::Grid && a.code.starts_with(town);
    let grids: Vec<usize> = (0..areas.len()).filter(|&i| in_town(&areas[i])).collect();
    let weights: Vec<f64> = grids.iter().map(|&g| areas[g].households as f64).collect();
    let counts = apportion(total, &weights, 2);
    let mut taken = std::collections::BTreeSet::new();
    for (&g, k) in grids.iter().zip(counts) {
        let mut rng = Rng::keyed(SEED, &format!("yards/{}", areas[g].code));
        let shares: Vec<f64> = (0..k).map(|_| rng.range(0.8, 1.2)).collect();
        let households = apportion(areas[g].households, &shares, 1);
        let kids = tile_in_reading_order(topo, &areas[g], k, YARD_WIGGLE)?;
        for (i, (rings, h)) in kids.into_iter().zip(households).enumerate() {
            let name = format!("{}屋场", names::unique(&mut taken, &mut rng, names::hamlet));
            let mut y = child(
                g,
                format!("{}{:02}", areas[g].code, i + 1),
                name,
                Level::RedYard,
                rings,
                &areas[g],
            );
            y.households = h;
            areas.push(y);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_hits_the_total_and_the_minimum() {
        let a = apportion(138, &[300.0, 600.0, 310.0, 900.0], 2);
        assert_eq!(a.iter().sum::<usize>(), 138);
        assert!(a.iter().all(|&x| x >= 2));
        assert!(a[3] > a[0]);
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0], 1), vec![4, 3, 3]);
    }
}
