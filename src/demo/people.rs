//! Buildings and households for every leaf area (red yards in 李庙镇, grids elsewhere): rural
//! houses ([`super::rural`]) or urban blocks ([`super::urban`]), then party roles ([`super::party`]).

use std::collections::BTreeMap;

use super::model::{DemoArea, DemoBuilding, DemoHousehold, Setting};
use super::rng::Rng;
use super::rural::Leaf;
use super::topology::Topology;
use super::{SEED, names, party, rural, urban};
use crate::domain::Level;

/// The nearest ancestor (or self) of `level`.
pub fn ancestor(areas: &[DemoArea], mut i: usize, level: Level) -> Option<usize> {
    loop {
        if areas[i].level == level {
            return Some(i);
        }
        i = areas[i].parent?;
    }
}

/// Areas that get people: grids and red yards with planned households and no children, by code.
pub fn leaves(areas: &[DemoArea]) -> Vec<usize> {
    let mut has_children = vec![false; areas.len()];
    for a in areas {
        if let Some(p) = a.parent {
            has_children[p] = true;
        }
    }
    let mut out: Vec<usize> = (0..areas.len())
        .filter(|&i| {
            !has_children[i] && areas[i].households > 0 && matches!(areas[i].level, Level::Grid | Level::RedYard)
        })
        .collect();
    out.sort_by(|&a, &b| areas[a].code.cmp(&areas[b].code));
    out
}

/// 湖北省襄阳市 + county + township + village/community, the head of every 标准地址.
fn address_prefix(areas: &[DemoArea], leaf: usize) -> anyhow::Result<String> {
    let name = |level| {
        ancestor(areas, leaf, level)
            .map(|i| areas[i].short_name.clone())
            .ok_or_else(|| anyhow::anyhow!("area {} has no {level} above it", areas[leaf].code))
    };
    Ok(format!(
        "湖北省襄阳市{}{}{}",
        name(Level::County)?,
        name(Level::Township)?,
        name(Level::Community)?
    ))
}

/// Builds all buildings and households (sorted by code) and assigns party roles and red-yard leaders.
pub fn populate(topo: &Topology, areas: &mut [DemoArea]) -> anyhow::Result<(Vec<DemoBuilding>, Vec<DemoHousehold>)> {
    let (mut buildings, mut households) = (Vec::new(), Vec::new());
    let mut groups: BTreeMap<usize, u32> = BTreeMap::new();
    let mut streets: BTreeMap<usize, (&'static str, u32)> = BTreeMap::new();
    for i in leaves(areas) {
        let village = ancestor(areas, i, Level::Community)
            .ok_or_else(|| anyhow::anyhow!("area {} is in no community", areas[i].code))?;
        let leaf = Leaf {
            index: i,
            code: &areas[i].code,
            households: areas[i].households,
            address_prefix: address_prefix(areas, i)?,
            poly: areas[i].indexed(topo),
        };
        let mut rng = Rng::keyed(SEED, &format!("people/{}", leaf.code));
        let (b, h) = match areas[i].setting {
            Setting::Rural => rural::populate(&leaf, groups.entry(village).or_insert(0), &mut rng)?,
            Setting::Urban => {
                let street = streets.entry(village).or_insert_with(|| {
                    (
                        names::road(&mut Rng::keyed(SEED, &format!("road/{}", areas[village].code))),
                        0,
                    )
                });
                urban::populate(&leaf, street.0, &mut street.1, &mut rng)?
            }
        };
        buildings.extend(b);
        households.extend(h);
    }
    party::assign(&mut households, areas);
    Ok((buildings, households))
}
