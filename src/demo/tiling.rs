//! Splitting an area into N contiguous children that tile it exactly (no gap, no overlap).
//!
//! Method: the Voronoi cells of N seeds (metres, in a local frame) with gently wiggled borders
//! ([`super::voronoi`]), cut out of the parent as a planar arrangement ([`super::arrangement`]).
//! Children reuse the parent's vertices along its boundary and share every vertex along their
//! common borders; new vertices on the parent's edges are recorded in the [`Topology`] so that the
//! parent and its neighbours get them too. All coordinates are WGS 84 degrees (7 decimals).

use anyhow::bail;

use super::SEED;
use super::arrangement::{self, Degenerate};
use super::frame::Frame;
use super::geom::{IndexedPolygon, bbox, ring_centroid};
use super::rng::Rng;
use super::seeds;
use super::topology::{Rings, Topology};
use super::voronoi::{self, Wiggle};

/// Tiles `parent` into one child per seed (seeds in degrees, strictly inside the parent); children
/// come back in seed order. `key` names the tiling in the random streams (and in errors).
///
/// Rounding can make a drawn border touch a vertex exactly; such an attempt is abandoned and redrawn
/// with a smaller wiggle (the last attempts use straight borders), so the result stays deterministic.
pub fn tile(
    topo: &mut Topology,
    parent: &Rings,
    seeds: &[[f64; 2]],
    wiggle: Wiggle,
    key: &str,
) -> anyhow::Result<Vec<Rings>> {
    let parent = topo.expand(parent);
    if seeds.len() <= 1 {
        return Ok(vec![parent; seeds.len()]);
    }
    let coords: Vec<[f64; 2]> = parent.all().flat_map(|r| topo.coords_of(r)).collect();
    let bb = bbox(&coords);
    let frame = Frame::for_bbox(bb);
    let mut last = Degenerate("no attempt");
    let mut amplitude = wiggle.amplitude;
    for attempt in 0..8 {
        if attempt >= 6 {
            amplitude = 0.0;
        }
        let mut rng = Rng::keyed(SEED, &format!("tile/{key}/{attempt}"));
        let cp = topo.checkpoint();
        let w = Wiggle { amplitude, ..wiggle };
        let result = voronoi::borders(topo, cp, &frame, seeds, bb, w, &mut rng)
            .and_then(|paths| arrangement::partition(topo, cp, &parent, &paths, seeds));
        match result {
            Ok(p) => {
                for (a, b, inner) in p.splits {
                    topo.split(a, b, inner)?;
                }
                return Ok(p.children);
            }
            Err(e) => {
                last = e;
                topo.rollback(cp);
                amplitude *= 0.6;
            }
        }
    }
    bail!("could not tile {key}: {last}")
}

/// Tiles `parent` (indexed as `poly`) into `n` children of about equal area: seeds spread by
/// best-candidate sampling and evened out by Lloyd's relaxation before tiling.
pub fn tile_evenly(
    topo: &mut Topology,
    parent: &Rings,
    poly: &IndexedPolygon,
    n: usize,
    wiggle: Wiggle,
    key: &str,
) -> anyhow::Result<Vec<Rings>> {
    let mut rng = Rng::keyed(SEED, &format!("seeds/{key}"));
    let mut s = seeds::spread(poly, &[], n, 16, &mut rng, |_| true);
    seeds::relax(poly, &mut s, &vec![true; n], 3, 60, &mut rng, |_| true);
    tile(topo, parent, &s, wiggle, key)
}

/// Centroid (degrees) of a polygon's exterior ring.
pub fn centroid(topo: &Topology, rings: &Rings) -> [f64; 2] {
    ring_centroid(&topo.coords_of(&rings.exterior))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::geom::signed_area;

    #[test]
    fn tiles_a_concave_polygon_into_single_pieces_that_sum_up() {
        // An L-shaped "county" about 10 km across.
        let mut topo = Topology::new();
        let pts = [
            [112.0, 32.0],
            [112.1, 32.0],
            [112.1, 32.03],
            [112.03, 32.03],
            [112.03, 32.1],
            [112.0, 32.1],
        ];
        let parent = Rings {
            exterior: pts.iter().map(|p| topo.vertex(*p)).collect(),
            holes: vec![],
        };
        let seeds = [
            [112.01, 32.01],
            [112.05, 32.015],
            [112.09, 32.02],
            [112.015, 32.06],
            [112.02, 32.09],
        ];
        let w = Wiggle {
            amplitude: 0.1,
            step_m: 300.0,
        };
        let kids = tile(&mut topo, &parent, &seeds, w, "test").unwrap();
        assert_eq!(kids.len(), 5);
        let area = |r: &Rings| r.all().map(|x| signed_area(&topo.coords_of(x))).sum::<f64>();
        let whole = area(&topo.expand(&parent));
        let parts: f64 = kids.iter().map(|k| area(&topo.expand(k))).sum();
        assert!(((parts - whole) / whole).abs() < 1e-9, "{parts} vs {whole}");
        assert!(kids.iter().all(|k| k.holes.is_empty()));
    }

    #[test]
    fn strong_wiggles_on_a_spiky_parent_still_give_an_exact_partition() {
        // A 12-pointed star: borders leave and re-enter it often, leaving fragments to merge.
        let mut topo = Topology::new();
        let pts: Vec<[f64; 2]> = (0..24)
            .map(|i| {
                let r = if i % 2 == 0 { 0.05 } else { 0.02 };
                let a = f64::from(i) * std::f64::consts::PI / 12.0;
                [112.0 + r * a.cos(), 32.0 + r * a.sin()]
            })
            .collect();
        let parent = Rings {
            exterior: pts.iter().map(|p| topo.vertex(*p)).collect(),
            holes: vec![],
        };
        let poly = IndexedPolygon::new(vec![topo.coords_of(&parent.exterior)]);
        let w = Wiggle {
            amplitude: 0.3,
            step_m: 100.0,
        };
        let kids = tile_evenly(&mut topo, &parent, &poly, 20, w, "star").unwrap();
        let area = |r: &Rings| r.all().map(|x| signed_area(&topo.coords_of(x))).sum::<f64>();
        let whole = area(&topo.expand(&parent));
        let parts: f64 = kids.iter().map(|k| area(&topo.expand(k))).sum();
        assert!(((parts - whole) / whole).abs() < 1e-9, "{parts} vs {whole}");
    }
}
