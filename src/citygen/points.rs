//! Query points for benchmarks: where dispatchers ask, i.e. near where people live.
//!
//! Each point is a household's location (drawn uniformly among all households) moved up to
//! [`JITTER_M`] metres in a random direction, so points cover the settled territory with its real
//! density (many in town, few in the hills), and a few land in lakes or just outside the city.
//! Deterministic for a given data set, count and seed.

use crate::demo::frame::{Frame, round_pt};
use crate::demo::rng::Rng;
use crate::domain::{Household, LonLat};

/// Farthest a query point lies from the household it was drawn from, metres.
pub const JITTER_M: f64 = 50.0;

/// `n` query points (WGS 84) near the households; empty if there are none.
pub fn near_households(households: &[Household], n: usize, seed: u64) -> Vec<LonLat> {
    if households.is_empty() {
        return Vec::new();
    }
    let mut rng = Rng::keyed(seed, "query-points");
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let h = households[rng.index(households.len())].location;
        let [dx, dy] = rng.direction();
        let r = JITTER_M * rng.unit().sqrt();
        let p = round_pt(Frame::at(h.lon(), h.lat()).to_deg([dx * r, dy * r]));
        if let Ok(p) = LonLat::new(p[0], p[1]) {
            out.push(p);
        }
    }
    out
}
