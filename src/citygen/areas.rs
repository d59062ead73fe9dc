//! The area tree of the generated city: the 9 real counties of 襄阳市, cut into generated
//! townships, villages/communities, grids and (in some rural townships) red house-yards.
//!
//! Every level is an exact tiling of its parent, made by the demo's tiler ([`crate::demo::tiling`]):
//! Voronoi cells with wiggled borders cut out of the parent as a planar arrangement, all vertices
//! shared through one [`Topology`]. A parent with several parts (保康县's real exclaves, or a
//! community with an island in its lake) has its largest part tiled; every other part goes whole
//! to the child nearest to it, and so on down, which is how multipolygon grids come about.
//!
//! Geometry is WGS 84 degrees (7 decimals); sizes and distances are metres in local frames.

use anyhow::Context;

use super::lakes;
use super::scale::Plan;
use crate::demo::geom::{IndexedPolygon, signed_area};
use crate::demo::grids::apportion;
use crate::demo::names;
use crate::demo::rng::Rng;
use crate::demo::source::County;
use crate::demo::tiling::{centroid, tile_evenly};
use crate::demo::topology::{Rings, Topology};
use crate::demo::voronoi::Wiggle;
use crate::domain::Level;
use crate::domain::numbering::reading_order;

/// The master seed of the city's random streams (襄阳市's code, as in the demo, plus one).
pub const SEED: u64 = 420_601;

/// Counties that are mostly town (市辖区 with the city centre): most of their townships are 街道.
const URBAN_COUNTIES: [&str; 2] = ["420602", "420606"];
/// Districts: no red house-yards planned there.
const DISTRICTS: [&str; 3] = ["420602", "420606", "420607"];

/// Share of the city's households per county (roughly the 2020 census populations).
const COUNTY_WEIGHTS: [(&str, f64); 9] = [
    ("420602", 0.09),
    ("420606", 0.17),
    ("420607", 0.16),
    ("420624", 0.09),
    ("420625", 0.095),
    ("420626", 0.045),
    ("420682", 0.085),
    ("420683", 0.165),
    ("420684", 0.09),
];

/// How much denser than a rural township an urban one is (households per township).
const URBAN_DENSITY: f64 = 3.0;

const TOWNSHIP_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.12,
    step_m: 1000.0,
};
const COMMUNITY_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.1,
    step_m: 400.0,
};
const RURAL_GRID_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.1,
    step_m: 250.0,
};
/// Urban grids follow streets: straight borders.
const URBAN_GRID_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.0,
    step_m: 1e9,
};
const YARD_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.12,
    step_m: 100.0,
};

/// One generated (or, for counties, real) area.
#[derive(Debug, Clone)]
pub struct CityArea {
    pub code: String,
    pub name: String,
    pub level: Level,
    /// Index of the parent in the area list.
    pub parent: Option<usize>,
    /// Polygons as shared vertex ids; the first is the main part, the others exclaves.
    pub parts: Vec<Rings>,
    pub urban: bool,
    /// Households planned inside.
    pub households: usize,
    /// Grids planned inside (townships and communities).
    pub grids: usize,
    /// Leader name and phone (communities, grids, red yards).
    pub leader: Option<(String, String)>,
}

/// Builds every area, parents before children.
pub fn build(counties: &[County], plan: &Plan, topo: &mut Topology) -> anyhow::Result<Vec<CityArea>> {
    let mut areas: Vec<CityArea> = counties.iter().map(|c| county(c, topo)).collect();
    let weights: Vec<f64> = areas
        .iter()
        .map(|a| {
            COUNTY_WEIGHTS
                .iter()
                .find(|(c, _)| *c == a.code)
                .map_or(0.05, |(_, w)| *w)
        })
        .collect();
    let households = apportion(plan.households, &weights, 0);
    let per_grid = plan.households as f64 / plan.grids as f64;
    for (i, h) in households.into_iter().enumerate() {
        areas[i].households = h;
        areas[i].grids = ((h as f64 / per_grid).round() as usize).max(1);
    }
    for c in 0..counties.len() {
        townships(topo, &mut areas, c, plan).with_context(|| format!("tiling county {}", areas[c].code))?;
    }
    let towns: Vec<usize> = of_level(&areas, Level::Township);
    for t in towns {
        communities(topo, &mut areas, t, plan).with_context(|| format!("tiling township {}", areas[t].code))?;
    }
    let villages: Vec<usize> = of_level(&areas, Level::Community);
    for v in villages {
        let mut rng = Rng::keyed(SEED, &format!("lake/{}", areas[v].code));
        if rng.chance(plan.lake_share) {
            lakes::add(topo, &mut areas[v], &mut rng);
        }
        grids(topo, &mut areas, v).with_context(|| format!("tiling community {}", areas[v].code))?;
    }
    red_yards(topo, &mut areas, plan)?;
    Ok(areas)
}

fn of_level(areas: &[CityArea], level: Level) -> Vec<usize> {
    (0..areas.len()).filter(|&i| areas[i].level == level).collect()
}

fn county(c: &County, topo: &mut Topology) -> CityArea {
    let parts = c
        .parts
        .iter()
        .map(|rings| {
            let mut ids = rings
                .iter()
                .map(|r| r.iter().map(|p| topo.vertex(*p)).collect::<Vec<_>>());
            Rings {
                exterior: ids.next().unwrap_or_default(),
                holes: ids.collect(),
            }
        })
        .collect();
    CityArea {
        code: c.code.clone(),
        name: c.name.clone(),
        level: Level::County,
        parent: None,
        parts,
        urban: URBAN_COUNTIES.contains(&c.code.as_str()),
        households: 0,
        grids: 0,
        leader: None,
    }
}

/// Area in square degrees of a part's exterior (for picking the main part).
fn part_size(topo: &Topology, r: &Rings) -> f64 {
    signed_area(&topo.coords_of(&r.exterior)).abs()
}

/// Tiles `area` into `n` children in reading order (rows north → south, west → east): the main part
/// is cut into `n` pieces and every other part joins the piece nearest to it. Each child comes back
/// as its parts, main piece first.
fn split(topo: &mut Topology, area: &CityArea, n: usize, wiggle: Wiggle) -> anyhow::Result<Vec<Vec<Rings>>> {
    let main = (0..area.parts.len())
        .max_by(|&a, &b| part_size(topo, &area.parts[a]).total_cmp(&part_size(topo, &area.parts[b])))
        .context("an area without polygons")?;
    let rings = area.parts[main].clone();
    let poly = IndexedPolygon::new(topo.expand(&rings).all().map(|r| topo.coords_of(r)).collect());
    let pieces = tile_evenly(topo, &rings, &poly, n, wiggle, &area.code)?;
    let cents: Vec<[f64; 2]> = pieces.iter().map(|k| centroid(topo, k)).collect();
    let row = (poly.area_m2() / n as f64).sqrt() * 0.6 / poly.frame.ky;
    let order = reading_order(&cents, row);
    let mut kids: Vec<Vec<Rings>> = order.iter().map(|&i| vec![pieces[i].clone()]).collect();
    for (j, part) in area.parts.iter().enumerate() {
        if j == main {
            continue;
        }
        let c = centroid(topo, part);
        let nearest = (0..kids.len())
            .min_by(|&a, &b| {
                let d = |k: usize| poly.frame.dist_m(cents[order[k]], c);
                d(a).total_cmp(&d(b))
            })
            .unwrap_or(0);
        kids[nearest].push(part.clone());
    }
    Ok(kids)
}

/// Random weights around 1 (0.8–1.2), scaled by `factor(i)`.
fn weights(rng: &mut Rng, n: usize, factor: impl Fn(usize) -> f64) -> Vec<f64> {
    (0..n).map(|i| rng.range(0.8, 1.2) * factor(i)).collect()
}

fn leader(code: &str) -> Option<(String, String)> {
    let mut rng = Rng::keyed(SEED, &format!("leader/{code}"));
    Some((names::person(&mut rng), names::phone(&mut rng)))
}

fn child(parent: &CityArea, p: usize, code: String, name: String, level: Level, parts: Vec<Rings>) -> CityArea {
    CityArea {
        leader: if level >= Level::Community { leader(&code) } else { None },
        code,
        name,
        level,
        parent: Some(p),
        parts,
        urban: parent.urban,
        households: 0,
        grids: 0,
    }
}

/// Splits a county into townships: 街道 (urban, codes 001…) and 镇 (rural, codes 100…). Most
/// townships of the two central districts are urban; elsewhere the county seat is.
fn townships(topo: &mut Topology, areas: &mut Vec<CityArea>, c: usize, plan: &Plan) -> anyhow::Result<()> {
    let county = &areas[c];
    let n = ((county.grids as f64 / plan.grids_per_township).round() as usize).max(1);
    let mut rng = Rng::keyed(SEED, &format!("townships/{}", county.code));
    let urban_n = if county.urban {
        (n * 3).div_ceil(5)
    } else {
        usize::from(n >= 3)
    };
    let is_urban = |i: usize| i < urban_n;
    let kids = split(topo, county, n, TOWNSHIP_WIGGLE)?;
    let w = weights(&mut rng, n, |i| if is_urban(i) { URBAN_DENSITY } else { 1.0 });
    let households = apportion(county.households, &w, 1);
    let per_grid = plan.households as f64 / plan.grids as f64;
    let (mut urban_seq, mut rural_seq) = (0, 0);
    let mut out = Vec::with_capacity(n);
    for (i, (parts, h)) in kids.into_iter().zip(households).enumerate() {
        let (code, name) = if is_urban(i) {
            urban_seq += 1;
            (
                format!("{}{urban_seq:03}", county.code),
                format!("{}街道", names::hamlet(&mut rng)),
            )
        } else {
            rural_seq += 1;
            (
                format!("{}{:03}", county.code, 99 + rural_seq),
                format!("{}镇", names::hamlet(&mut rng)),
            )
        };
        let mut t = child(county, c, code, name, Level::Township, parts);
        t.urban = is_urban(i);
        t.households = h;
        t.grids = ((h as f64 / per_grid).round() as usize).max(1);
        out.push(t);
    }
    areas.extend(out);
    Ok(())
}

/// Splits a township into villages (村, codes 200…) and communities (社区, codes 001…); a rural
/// township's seat is a community, the rest are villages.
fn communities(topo: &mut Topology, areas: &mut Vec<CityArea>, t: usize, plan: &Plan) -> anyhow::Result<()> {
    let town = &areas[t];
    let n = ((town.grids as f64 / plan.grids_per_community).round() as usize).clamp(1, town.grids);
    let mut rng = Rng::keyed(SEED, &format!("communities/{}", town.code));
    let kids = split(topo, town, n, COMMUNITY_WIGGLE)?;
    let grids = apportion(town.grids, &weights(&mut rng, n, |_| 1.0), 1);
    let gw: Vec<f64> = grids.iter().map(|&g| g as f64 * rng.range(0.9, 1.1)).collect();
    let households = apportion(town.households, &gw, 1);
    let mut out = Vec::with_capacity(n);
    let mut village_seq = 199;
    for (i, ((parts, g), h)) in kids.into_iter().zip(grids).zip(households).enumerate() {
        let (code, name) = if town.urban || i == 0 {
            (
                format!("{}{:03}", town.code, i + 1),
                format!("{}社区", names::hamlet(&mut rng)),
            )
        } else {
            village_seq += 1;
            (
                format!("{}{village_seq:03}", town.code),
                format!("{}村", names::hamlet(&mut rng)),
            )
        };
        let mut a = child(town, t, code, name, Level::Community, parts);
        a.grids = g;
        a.households = h;
        out.push(a);
    }
    areas.extend(out);
    Ok(())
}

/// Splits a village/community into its grids (codes: community code + 3 digits in reading order).
fn grids(topo: &mut Topology, areas: &mut Vec<CityArea>, v: usize) -> anyhow::Result<()> {
    let village = &areas[v];
    let mut rng = Rng::keyed(SEED, &format!("grids/{}", village.code));
    let wiggle = if village.urban {
        URBAN_GRID_WIGGLE
    } else {
        RURAL_GRID_WIGGLE
    };
    let kids = split(topo, village, village.grids, wiggle)?;
    let n = kids.len();
    let households = apportion(village.households, &weights(&mut rng, n, |_| 1.0), 1);
    let short = village.name.trim_end_matches("社区").trim_end_matches('村').to_owned();
    let mut out = Vec::with_capacity(n);
    for (i, (parts, h)) in kids.into_iter().zip(households).enumerate() {
        let code = format!("{}{:03}", village.code, i + 1);
        let mut g = child(village, v, code, format!("{short}第{}网格", i + 1), Level::Grid, parts);
        g.households = h;
        out.push(g);
    }
    areas.extend(out);
    Ok(())
}

/// Splits every grid of the first rural townships of each rural county into 2–4 red house-yards.
fn red_yards(topo: &mut Topology, areas: &mut Vec<CityArea>, plan: &Plan) -> anyhow::Result<()> {
    let mut chosen: Vec<&str> = Vec::new();
    for c in of_level(areas, Level::County) {
        if DISTRICTS.contains(&areas[c].code.as_str()) {
            continue;
        }
        let mut towns: Vec<&str> = of_level(areas, Level::Township)
            .into_iter()
            .filter(|&t| areas[t].parent == Some(c) && !areas[t].urban)
            .map(|t| areas[t].code.as_str())
            .collect();
        towns.sort_unstable();
        chosen.extend(towns.into_iter().take(plan.red_yard_townships_per_county));
    }
    let chosen: Vec<String> = chosen.into_iter().map(str::to_owned).collect();
    let grids: Vec<usize> = of_level(areas, Level::Grid)
        .into_iter()
        .filter(|&g| chosen.iter().any(|t| areas[g].code.starts_with(t.as_str())))
        .collect();
    for g in grids {
        let grid = &areas[g];
        let mut rng = Rng::keyed(SEED, &format!("yards/{}", grid.code));
        let k = (rng.int(2, 4) as usize).min(grid.households.max(1));
        let kids = split(topo, grid, k, YARD_WIGGLE).with_context(|| format!("tiling grid {}", grid.code))?;
        let households = apportion(grid.households, &weights(&mut rng, kids.len(), |_| 1.0), 1);
        let mut out = Vec::with_capacity(k);
        for (i, (parts, h)) in kids.into_iter().zip(households).enumerate() {
            let name = format!("{}屋场", names::hamlet(&mut rng));
            let mut y = child(
                grid,
                g,
                format!("{}{:02}", grid.code, i + 1),
                name,
                Level::RedYard,
                parts,
            );
            y.households = h;
            out.push(y);
        }
        areas.extend(out);
    }
    Ok(())
}

/// Areas that get people: grids without red yards, and red yards; sorted by code.
pub fn leaves(areas: &[CityArea]) -> Vec<usize> {
    let mut has_children = vec![false; areas.len()];
    for a in areas {
        if let Some(p) = a.parent {
            has_children[p] = true;
        }
    }
    let mut out: Vec<usize> = (0..areas.len())
        .filter(|&i| !has_children[i] && matches!(areas[i].level, Level::Grid | Level::RedYard))
        .collect();
    out.sort_by(|&a, &b| areas[a].code.cmp(&areas[b].code));
    out
}
