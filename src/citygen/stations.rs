//! Stations of all seven kinds, each a few metres from a household of the area it serves.
//!
//! Governance centers (综治中心) come in tiers: one for the city, one per county and per township,
//! the rest in villages/communities; operations centers (城运中心) go to the city, then counties,
//! then townships. Red stations, police rooms, volunteer stations, talk rooms and legal offices go
//! to grids drawn in proportion to their households, so they sit where people live. Positions are
//! WGS 84 degrees, 5–30 m (local frame) from a household, rounded to 7 decimals.

use std::collections::BTreeMap;

use super::areas::{CityArea, SEED};
use super::people::{CityHousehold, LeafRange};
use super::scale::Stations;
use crate::demo::frame::{Frame, round_pt};
use crate::demo::names;
use crate::demo::rng::Rng;
use crate::domain::Level;

#[derive(Debug, Clone)]
pub struct CityStation {
    pub code: String,
    pub kind: &'static str,
    pub name: String,
    pub tier: Option<&'static str>,
    pub phone: String,
    pub open_hours: &'static str,
    pub services: &'static [&'static str],
    pub location: [f64; 2],
}

/// Kind, code prefix, Chinese name, opening hours, services.
struct KindInfo {
    kind: &'static str,
    prefix: &'static str,
    label: &'static str,
    hours: &'static str,
    services: &'static [&'static str],
}

const RED: KindInfo = KindInfo {
    kind: "red_station",
    prefix: "RS",
    label: "红色驿站",
    hours: "每日 08:00-20:00",
    services: &["歇脚休息", "饮水热水", "政策咨询"],
};
const GOVERNANCE: KindInfo = KindInfo {
    kind: "governance_center",
    prefix: "GC",
    label: "综治中心",
    hours: "周一至周五 08:30-17:30",
    services: &["矛盾纠纷调解", "网格事件受理", "信访接待"],
};
const POLICE: KindInfo = KindInfo {
    kind: "police_room",
    prefix: "PR",
    label: "社区警务室",
    hours: "24小时",
    services: &["户籍咨询", "治安巡逻", "纠纷调解"],
};
const VOLUNTEER: KindInfo = KindInfo {
    kind: "volunteer_station",
    prefix: "VS",
    label: "志愿服务站",
    hours: "周六至周日 09:00-17:00",
    services: &["邻里互助", "关爱老人", "环境整治"],
};
const TALK: KindInfo = KindInfo {
    kind: "talk_room",
    prefix: "TR",
    label: "说事室",
    hours: "每周三 19:00-21:00",
    services: &["说事议事", "矛盾调解", "政策宣讲"],
};
const OPS: KindInfo = KindInfo {
    kind: "ops_center",
    prefix: "OC",
    label: "城运中心",
    hours: "24小时",
    services: &["事件派单", "城市运行监测", "应急指挥调度"],
};
const LEGAL: KindInfo = KindInfo {
    kind: "legal_office",
    prefix: "LO",
    label: "法务工作室",
    hours: "周一至周五 09:00-17:00",
    services: &["法律咨询", "人民调解", "法律援助申请"],
};

struct Builder<'a> {
    areas: &'a [CityArea],
    households: &'a [CityHousehold],
    /// For each area, its households `start..end` (empty when it has none).
    spans: Vec<(usize, usize)>,
    rng: Rng,
    /// Stations placed so far per kind (the next code's sequence number).
    seq: BTreeMap<&'static str, usize>,
    out: Vec<CityStation>,
}

impl Builder<'_> {
    /// A spot a few metres from a random household of `area`.
    fn spot(&mut self, area: usize) -> Option<[f64; 2]> {
        let (s, e) = self.spans[area];
        if s >= e {
            return None;
        }
        let h = self.households[s + self.rng.index(e - s)].location;
        let [dx, dy] = self.rng.direction();
        let r = self.rng.range(5.0, 30.0);
        Some(round_pt(Frame::at(h[0], h[1]).to_deg([dx * r, dy * r])))
    }

    fn add(&mut self, info: &KindInfo, area: usize, tier: Option<&'static str>) {
        let Some(location) = self.spot(area) else {
            return;
        };
        let seq = self.seq.entry(info.kind).or_default();
        *seq += 1;
        let seq = *seq;
        self.out.push(CityStation {
            code: format!("{}{seq:05}", info.prefix),
            kind: info.kind,
            name: format!("{}{}", self.areas[area].name, info.label),
            tier,
            phone: names::phone(&mut self.rng),
            open_hours: info.hours,
            services: info.services,
            location,
        });
    }
}

/// Places `plan` stations; the result is sorted by code.
pub fn build(
    areas: &[CityArea],
    households: &[CityHousehold],
    ranges: &[LeafRange],
    plan: &Stations,
) -> Vec<CityStation> {
    let mut spans = vec![(usize::MAX, 0); areas.len()];
    for r in ranges {
        let mut a = Some(r.leaf);
        while let Some(i) = a {
            spans[i] = (spans[i].0.min(r.start), spans[i].1.max(r.end));
            a = areas[i].parent;
        }
    }
    let mut b = Builder {
        areas,
        households,
        spans,
        rng: Rng::keyed(SEED, "stations"),
        seq: BTreeMap::new(),
        out: Vec::with_capacity(plan.total()),
    };
    let of = |level: Level| -> Vec<usize> { (0..areas.len()).filter(|&i| areas[i].level == level).collect() };
    let (counties, towns, villages) = (of(Level::County), of(Level::Township), of(Level::Community));
    // The city's own centers sit in the most populous county.
    let city = counties
        .iter()
        .copied()
        .max_by_key(|&c| areas[c].households)
        .unwrap_or(0);

    // Tiered kinds: the city, then counties, townships and (governance) villages, cycling if more.
    let mut tiered = vec![(city, "city")];
    tiered.extend(counties.iter().map(|&c| (c, "county")));
    tiered.extend(towns.iter().map(|&t| (t, "township")));
    let mut order = villages.clone();
    b.rng.shuffle(&mut order);
    let village_tier: Vec<(usize, &str)> = order.iter().map(|&v| (v, "village")).collect();
    for &(area, tier) in tiered
        .iter()
        .chain(village_tier.iter().cycle())
        .take(plan.governance_center)
    {
        b.add(&GOVERNANCE, area, Some(tier));
    }
    for &(area, _) in tiered.iter().cycle().take(plan.ops_center) {
        b.add(&OPS, area, None);
    }

    // Spread kinds: grids drawn by households.
    let grids = of(Level::Grid);
    let weights: Vec<f64> = grids.iter().map(|&g| areas[g].households as f64).collect();
    for (info, n) in [
        (&RED, plan.red_station),
        (&POLICE, plan.police_room),
        (&VOLUNTEER, plan.volunteer_station),
        (&TALK, plan.talk_room),
        (&LEGAL, plan.legal_office),
    ] {
        for _ in 0..n {
            let g = grids[b.rng.weighted(&weights)];
            b.add(info, g, None);
        }
    }
    let mut out = b.out;
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}
