//! Suggesting red house-yards (红色屋场) for a grid, the way 李庙镇 divided its grids: K parts, each
//! in one piece, balanced on households, each holding a party-member center household (党员中心户)
//! who leads it as 屋场长 — the one looking after the most households where a part holds several.
//!
//! The parts come from [`super::split::balanced`] with the center households as seeds. Geometry
//! is WGS 84 lon/lat.

use geo::{Coord, MultiPolygon};
use serde_json::json;

use super::restructure::{Replacement, numbering_order};
use super::split::{self, SplitError};
use super::tally::{Children, households_in};
use crate::index::Index;

/// A suggestion: the yards in numbering order, and for each the household index of its leader.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub yards: Vec<Replacement>,
    pub leaders: Vec<u32>,
}

/// Suggests `k` red house-yards for grid `grid`; yards are named after the grid and numbered in
/// reading order.
pub fn suggest(index: &Index, grid: u32, k: usize, tolerance_m2: f64) -> Result<Suggestion, SplitError> {
    let area = index.areas.get(grid);
    let households = households_in(index, grid);
    let at = |h: u32| {
        let l = index.households.get(h).location;
        l.to_coord()
    };
    let points: Vec<Coord<f64>> = households.iter().map(|&h| at(h)).collect();
    let seeds: Vec<usize> = (0..households.len())
        .filter(|&i| index.households.get(households[i]).center_household)
        .collect();
    let parts: Vec<MultiPolygon<f64>> = match k {
        1 if seeds.is_empty() => return Err(SplitError::TooFewSeeds { parts: 1, centers: 0 }),
        1 => vec![area.geometry.clone()],
        _ => split::balanced(&area.geometry, &points, Some(&seeds), k, tolerance_m2)?,
    };
    let shapes = Children::new(parts.iter());
    let mut leader: Vec<Option<u32>> = vec![None; parts.len()];
    for &s in &seeds {
        let h = households[s];
        let Some(p) = shapes.containing(at(h)).next() else {
            continue;
        };
        let better = |old: u32| {
            let (n, o) = (
                index.households.looked_after(h).len(),
                index.households.looked_after(old).len(),
            );
            n > o || (n == o && index.households.get(h).code < index.households.get(old).code)
        };
        if leader[p].is_none_or(better) {
            leader[p] = Some(h);
        }
    }
    let mut yards = Vec::with_capacity(parts.len());
    let mut leaders = Vec::with_capacity(parts.len());
    for (n, p) in numbering_order(&parts).into_iter().enumerate() {
        // Every part holds a seed (the bisection keeps one on each side), so every part has a leader.
        let Some(h) = leader[p] else {
            return Err(SplitError::NotContiguous { parts: k });
        };
        let center = index.households.get(h);
        let mut properties = crate::domain::Properties::new();
        properties.insert("center_household".into(), json!(center.code.as_str()));
        yards.push(Replacement {
            name: format!("{}第{}屋场", area.name, n + 1),
            leader_name: center.head_name.clone(),
            leader_phone: center.phone.clone(),
            properties,
            geometry: parts[p].clone(),
        });
        leaders.push(h);
    }
    Ok(Suggestion { yards, leaders })
}
