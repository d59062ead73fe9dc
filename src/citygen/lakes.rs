//! Lakes: holes cut into some villages/communities before they are split into grids, half of them
//! with an island that stays part of the community (so one of its grids becomes a multipolygon).
//!
//! A lake is a rough 20-gon around a point deep inside the community, its radius a fraction of the
//! community's size (metres in a local frame) and at most 40 % of the point's distance to the
//! boundary, so it never touches another ring. Vertices are WGS 84 degrees registered in the
//! [`Topology`]; the hole runs clockwise, the island counter-clockwise (RFC 7946).

use super::areas::CityArea;
use crate::demo::frame::{Frame, cos};
use crate::demo::geom::IndexedPolygon;
use crate::demo::rng::Rng;
use crate::demo::topology::{Rings, Topology, Vid};

const CORNERS: usize = 20;

/// Adds a lake (and maybe an island) to the main part of `area`; returns whether it did.
pub fn add(topo: &mut Topology, area: &mut CityArea, rng: &mut Rng) -> bool {
    let Some(main) = area.parts.first() else {
        return false;
    };
    let poly = IndexedPolygon::new(topo.expand(main).all().map(|r| topo.coords_of(r)).collect());
    let mut radius = (poly.area_m2().sqrt() / 8.0).clamp(60.0, 500.0);
    let centre = poly.deep_point(rng, 40);
    let clearance = poly.clearance_m(centre, 10.0 * radius);
    if clearance < 2.5 * radius {
        radius = clearance / 2.5;
        if radius < 30.0 {
            return false;
        }
    }
    let frame = Frame::at(centre[0], centre[1]);
    let Some(hole) = ring(topo, frame, radius, 0.75, -1.0, rng) else {
        return false;
    };
    area.parts[0].holes.push(hole);
    if rng.chance(0.5)
        && let Some(island) = ring(topo, frame, radius * 0.3, 0.8, 1.0, rng)
    {
        area.parts.push(Rings {
            exterior: island,
            holes: vec![],
        });
    }
    true
}

/// A rough circle of `radius` metres (each corner at `min_share`–115 % of it) around the frame's
/// origin; `turn` +1 for counter-clockwise, −1 for clockwise. `None` if a corner hit an existing vertex.
fn ring(topo: &mut Topology, frame: Frame, radius: f64, min_share: f64, turn: f64, rng: &mut Rng) -> Option<Vec<Vid>> {
    let before = topo.checkpoint();
    let mut ids = Vec::with_capacity(CORNERS);
    for i in 0..CORNERS {
        let a = turn * i as f64 * std::f64::consts::TAU / CORNERS as f64;
        let r = radius * rng.range(min_share, 1.15);
        let sin = cos(a - std::f64::consts::FRAC_PI_2);
        match topo.fresh_vertex(frame.to_deg([r * cos(a), r * sin]), before) {
            Some(v) => ids.push(v),
            None => {
                topo.rollback(before);
                return None;
            }
        }
    }
    Some(ids)
}
