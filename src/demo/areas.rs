//! The upper levels: the 9 real counties, the generated townships of 南漳县 and 襄城区, and the
//! generated villages/communities of 李庙镇 (rural) and 庞公街道 (urban), all with real codes and
//! names. Grids and red yards are added by [`super::grids`].
//!
//! Geometry is WGS 84 degrees; seeds and distances are metres in each parent's local frame.

use serde_json::Value;

use super::geom::IndexedPolygon;
use super::model::{DemoArea, Setting, extra};
use super::rng::Rng;
use super::source::{County, Source, Unit};
use super::tiling::{centroid, tile, tile_evenly};
use super::topology::{Rings, Topology};
use super::voronoi::Wiggle;
use super::{SEED, names, seeds};
use crate::domain::Level;
use crate::domain::numbering::reading_order;

/// The counties whose townships are generated.
pub const TILED_COUNTIES: [&str; 2] = ["420624", "420602"];
/// 李庙镇, 南漳县: rural, with red house-yards.
pub const LIMIAO: &str = "420624103";
/// 庞公街道, 襄城区: urban, includes 闸口社区.
pub const PANGGONG: &str = "420602003";

/// Township borders: wiggly at the scale of kilometres.
const TOWNSHIP_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.12,
    step_m: 700.0,
};
/// Village borders in the hills.
const VILLAGE_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.12,
    step_m: 250.0,
};
/// Community borders in town mostly follow streets: a slight wiggle only.
const COMMUNITY_WIGGLE: Wiggle = Wiggle {
    amplitude: 0.04,
    step_m: 150.0,
};

/// Radius in metres of the built-up core of 庞公街道 where its 居委会 communities are seeded.
const URBAN_CORE_M: f64 = 1100.0;

/// Builds counties, townships and villages/communities, in that order (parents first).
pub fn build(src: &Source, topo: &mut Topology) -> anyhow::Result<Vec<DemoArea>> {
    let mut areas: Vec<DemoArea> = src.counties.iter().map(|c| county(c, topo)).collect();
    for code in TILED_COUNTIES {
        let idx = index_of(&areas, code)?;
        let units = src.children(&src.townships, code);
        townships(src, topo, &mut areas, idx, &units)?;
    }
    let limiao = index_of(&areas, LIMIAO)?;
    limiao_villages(topo, &mut areas, limiao, &src.children(&src.villages, LIMIAO))?;
    let panggong = index_of(&areas, PANGGONG)?;
    panggong_communities(topo, &mut areas, panggong, &src.children(&src.villages, PANGGONG))?;
    Ok(areas)
}

pub fn index_of(areas: &[DemoArea], code: &str) -> anyhow::Result<usize> {
    areas
        .iter()
        .position(|a| a.code == code)
        .ok_or_else(|| anyhow::anyhow!("area {code} was not built"))
}

fn county(c: &County, topo: &mut Topology) -> DemoArea {
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
    DemoArea {
        code: c.code.clone(),
        name: c.name.clone(),
        short_name: c.name.clone(),
        level: Level::County,
        parent: None,
        parts,
        leader_name: None,
        leader_phone: None,
        generated: false,
        extra: Default::default(),
        setting: Setting::Rural,
        households: 0,
    }
}

/// A generated child area of `parent` for a real unit, with a fictional leader.
fn unit_area(parent: usize, u: &Unit, level: Level, rings: Rings, setting: Setting) -> DemoArea {
    let mut rng = Rng::keyed(SEED, &format!("leader/{}", u.code));
    let mut ex = extra([("type", Value::from(u.kind.clone()))]);
    if let Some(s) = &u.short_name {
        ex.insert("short_name".into(), Value::from(s.clone()));
    }
    DemoArea {
        code: u.code.clone(),
        name: u.name.clone(),
        short_name: u.short().to_owned(),
        level,
        parent: Some(parent),
        parts: vec![rings],
        leader_name: Some(names::person(&mut rng)),
        leader_phone: Some(names::phone(&mut rng)),
        generated: true,
        extra: ex,
        setting,
        households: 0,
    }
}

pub fn single_part(area: &DemoArea) -> anyhow::Result<&Rings> {
    anyhow::ensure!(
        area.parts.len() == 1,
        "{} has {} parts; only single polygons are tiled",
        area.code,
        area.parts.len()
    );
    Ok(&area.parts[0])
}

/// Townships seeded at the centres of their bounding boxes where the source has one inside the
/// county, the others spread over the rest of the county. A 城关镇 ("town at the county gate", the
/// county seat) takes the spread seed nearest the middle of the county.
fn townships(
    src: &Source,
    topo: &mut Topology,
    areas: &mut Vec<DemoArea>,
    county: usize,
    units: &[&Unit],
) -> anyhow::Result<()> {
    let code = areas[county].code.clone();
    let rings = single_part(&areas[county])?.clone();
    let poly = areas[county].indexed(topo);
    let centre = |u: &&Unit| src.township_centres.get(&u.code).copied().filter(|c| poly.contains(*c));
    let (known, mut unknown): (Vec<&Unit>, Vec<&Unit>) = units.iter().partition(|u| centre(u).is_some());
    let fixed: Vec<[f64; 2]> = known.iter().filter_map(centre).collect();
    let mut rng = Rng::keyed(SEED, &format!("seeds/{code}"));
    let mut s = seeds::spread(&poly, &fixed, unknown.len(), 64, &mut rng, |_| true);
    let movable: Vec<bool> = (0..s.len()).map(|i| i >= fixed.len()).collect();
    seeds::relax(&poly, &mut s, &movable, 3, 80, &mut rng, |_| true);
    if let Some(seat) = unknown.iter().position(|u| u.name == "城关镇") {
        let middle = centroid(topo, &rings);
        let d = |i: &usize| poly.frame.dist_m(s[*i], middle);
        let nearest = (fixed.len()..s.len())
            .min_by(|a, b| d(a).total_cmp(&d(b)))
            .unwrap_or(fixed.len());
        unknown.swap(seat, nearest - fixed.len());
    }
    let kids = tile(topo, &rings, &s, TOWNSHIP_WIGGLE, &code)?;
    for (u, r) in known.iter().chain(unknown.iter()).zip(kids) {
        let setting = if u.is_urban() { Setting::Urban } else { Setting::Rural };
        areas.push(unit_area(county, u, Level::Township, r, setting));
    }
    Ok(())
}

/// The 26 villages and communities of 李庙镇. The town's seat, 李庙社区, takes the cell nearest the
/// middle of the township and 闫坪社区 the cell farthest from it; the 村 follow in reading order.
fn limiao_villages(topo: &mut Topology, areas: &mut Vec<DemoArea>, town: usize, units: &[&Unit]) -> anyhow::Result<()> {
    let poly = areas[town].indexed(topo);
    let kids = tile_evenly(
        topo,
        single_part(&areas[town])?,
        &poly,
        units.len(),
        VILLAGE_WIGGLE,
        LIMIAO,
    )?;
    let cents: Vec<[f64; 2]> = kids.iter().map(|k| centroid(topo, k)).collect();
    let f = poly.frame;
    let mid = [f.lon0, f.lat0];
    let dist = |i: usize, p: [f64; 2]| f.dist_m(cents[i], p);
    let seat = (0..kids.len())
        .min_by(|&a, &b| dist(a, mid).total_cmp(&dist(b, mid)))
        .unwrap_or(0);
    let far = (0..kids.len())
        .max_by(|&a, &b| dist(a, cents[seat]).total_cmp(&dist(b, cents[seat])))
        .unwrap_or(0);
    let (communities, villages): (Vec<&&Unit>, Vec<&&Unit>) = units.iter().partition(|u| u.kind.contains("居委会"));
    let mut cells: Vec<usize> = vec![seat, far];
    cells.truncate(communities.len());
    let row = (poly.area_m2() / kids.len() as f64).sqrt() / f.ky;
    cells.extend(
        reading_order(&cents, row)
            .into_iter()
            .filter(|i| *i != seat && *i != far),
    );
    for (u, &cell) in communities.iter().chain(villages.iter()).zip(&cells) {
        let a = unit_area(town, u, Level::Community, kids[cell].clone(), Setting::Rural);
        areas.push(a);
    }
    Ok(())
}

/// The 16 units of 庞公街道. First the 街道 is split into a built-up core by the Han river (the
/// northernmost spot at least a core radius from the boundary, an assumption) and its 5 村 around
/// it; then the core, which is not itself an area, is split evenly among the 11 居委会, so that the
/// urban communities come out compact and alike. Codes follow reading order within each kind.
fn panggong_communities(
    topo: &mut Topology,
    areas: &mut Vec<DemoArea>,
    town: usize,
    units: &[&Unit],
) -> anyhow::Result<()> {
    let code = areas[town].code.clone();
    let poly = areas[town].indexed(topo);
    let f = poly.frame;
    let (urban, rural): (Vec<&&Unit>, Vec<&&Unit>) = units.iter().partition(|u| u.is_urban());
    let mut rng = Rng::keyed(SEED, &format!("seeds/{code}"));
    let mut core = poly.deep_point(&mut rng, 50);
    for _ in 0..400 {
        let p = poly.sample(&mut rng);
        if p[1] > core[1] && poly.clearance_m(p, URBAN_CORE_M) >= URBAN_CORE_M * 0.9 {
            core = p;
        }
    }
    // Village seeds keep two core radii away, so the core's cell reaches about one radius out.
    let outside = |p: [f64; 2]| f.dist_m(p, core) > 2.0 * URBAN_CORE_M;
    let mut s = seeds::spread(&poly, &[core], rural.len(), 32, &mut rng, outside);
    let movable: Vec<bool> = (0..s.len()).map(|i| i > 0).collect();
    seeds::relax(&poly, &mut s, &movable, 2, 60, &mut rng, outside);
    let mut parts = tile(topo, single_part(&areas[town])?, &s, COMMUNITY_WIGGLE, &code)?;
    let villages = parts.split_off(1);
    let core_rings = parts.remove(0);
    let core_poly = IndexedPolygon::new(topo.expand(&core_rings).all().map(|r| topo.coords_of(r)).collect());
    let core_key = format!("{code}/core");
    let communities = tile_evenly(topo, &core_rings, &core_poly, urban.len(), COMMUNITY_WIGGLE, &core_key)?;
    let row = 600.0 / f.ky;
    for (kind, kids) in [(&urban, communities), (&rural, villages)] {
        let cents: Vec<[f64; 2]> = kids.iter().map(|k| centroid(topo, k)).collect();
        for (u, cell) in kind.iter().zip(reading_order(&cents, row)) {
            let setting = if u.is_urban() { Setting::Urban } else { Setting::Rural };
            areas.push(unit_area(town, u, Level::Community, kids[cell].clone(), setting));
        }
    }
    Ok(())
}
