//! Stations of every kind in DOMAIN.md, each inside the area it serves.
//!
//! Where the area has buildings, a station sits at one of them (the kinds of one area take
//! different buildings, nearest the area's centroid first): residents find it on their doorstep.
//! Areas without generated buildings (other townships and counties) get a point deep inside
//! (farthest from the boundary among random samples). Positions are WGS 84 degrees.

use super::SEED;
use super::frame::round_pt;
use super::geom::IndexedPolygon;
use super::model::{DemoArea, DemoBuilding, DemoHousehold, DemoStation, Setting};
use super::names;
use super::rng::Rng;
use super::tiling::centroid;
use super::topology::Topology;
use crate::domain::Level;

/// Kind, code prefix, opening hours and the services offered (a station lists 3–5 of them).
struct KindInfo {
    kind: &'static str,
    prefix: &'static str,
    hours: &'static str,
    services: &'static [&'static str],
}

const RED_STATION: KindInfo = KindInfo {
    kind: "red_station",
    prefix: "RS",
    hours: "每日 08:00-20:00",
    services: &[
        "歇脚休息",
        "饮水热水",
        "手机充电",
        "应急药箱",
        "政策咨询",
        "党员志愿服务",
        "代办帮办",
    ],
};
const GOVERNANCE: KindInfo = KindInfo {
    kind: "governance_center",
    prefix: "GC",
    hours: "周一至周五 08:30-12:00 14:30-17:30",
    services: &[
        "矛盾纠纷调解",
        "信访接待",
        "网格事件受理",
        "综治视联网",
        "心理疏导",
        "社会治安防控",
    ],
};
const POLICE: KindInfo = KindInfo {
    kind: "police_room",
    prefix: "PR",
    hours: "24小时",
    services: &["户籍咨询", "治安巡逻", "纠纷调解", "防诈骗宣传", "失物招领"],
};
const VOLUNTEER: KindInfo = KindInfo {
    kind: "volunteer_station",
    prefix: "VS",
    hours: "周六至周日 09:00-17:00",
    services: &["志愿者招募", "邻里互助", "关爱老人", "环境整治", "助学辅导"],
};
const TALK: KindInfo = KindInfo {
    kind: "talk_room",
    prefix: "TR",
    hours: "每周三 19:00-21:00，可预约",
    services: &["说事议事", "矛盾调解", "政策宣讲", "邻里互助"],
};
const OPS: KindInfo = KindInfo {
    kind: "ops_center",
    prefix: "OC",
    hours: "24小时",
    services: &["事件派单", "城市运行监测", "12345热线联动", "应急指挥调度"],
};
const LEGAL: KindInfo = KindInfo {
    kind: "legal_office",
    prefix: "LO",
    hours: "周一至周五 09:00-17:00",
    services: &["法律咨询", "人民调解", "法律援助申请", "合同审查", "普法宣传"],
};

struct Builder<'a> {
    topo: &'a Topology,
    areas: &'a [DemoArea],
    buildings: &'a [DemoBuilding],
    /// For each area, the buildings inside it (through its descendant leaves).
    inside: Vec<Vec<usize>>,
    /// For each area, how many stations already took one of its buildings.
    used: Vec<usize>,
    out: Vec<DemoStation>,
}

impl Builder<'_> {
    /// The next free building of `area` (nearest its centroid first), else a deep interior point.
    fn spot(&mut self, area: usize) -> [f64; 2] {
        let c = centroid(self.topo, &self.areas[area].parts[0]);
        let mut list = self.inside[area].clone();
        let d = |b: &usize| {
            let p = self.buildings[*b].centre;
            (p[0] - c[0]).powi(2) + ((p[1] - c[1]) * 1.18).powi(2)
        };
        list.sort_by(|a, b| d(a).total_cmp(&d(b)).then(a.cmp(b)));
        if list.is_empty() {
            let poly = IndexedPolygon::new(
                self.topo
                    .expand(&self.areas[area].parts[0])
                    .all()
                    .map(|r| self.topo.coords_of(r))
                    .collect(),
            );
            let mut rng = Rng::keyed(SEED, &format!("spot/{}/{}", self.areas[area].code, self.used[area]));
            self.used[area] += 1;
            return round_pt(poly.deep_point(&mut rng, 200));
        }
        let k = self.used[area] % list.len();
        self.used[area] += 1;
        self.buildings[list[k]].centre
    }

    fn add(
        &mut self,
        info: &KindInfo,
        owner: &str,
        seq: usize,
        name: String,
        tier: Option<&'static str>,
        location: [f64; 2],
    ) {
        let code = format!("{}-{owner}-{seq:02}", info.prefix);
        let mut rng = Rng::keyed(SEED, &format!("station/{code}"));
        let mut services: Vec<&'static str> = info.services.to_vec();
        rng.shuffle(&mut services);
        services.truncate(rng.int(3, 5.min(info.services.len() as u64)) as usize);
        // Keep the services in their listed order, which reads better than a shuffle.
        services.sort_by_key(|s| info.services.iter().position(|x| x == s));
        let phone = names::phone(&mut rng);
        self.out.push(DemoStation {
            code,
            kind: info.kind,
            name,
            tier,
            phone,
            open_hours: info.hours,
            services,
            location,
        });
    }

    fn at_area(&mut self, info: &KindInfo, area: usize, seq: usize, name: String, tier: Option<&'static str>) {
        let location = self.spot(area);
        let code = self.areas[area].code.clone();
        self.add(info, &code, seq, name, tier, location);
    }
}

/// All stations, sorted by code.
pub fn build(
    topo: &Topology,
    areas: &[DemoArea],
    buildings: &[DemoBuilding],
    households: &[DemoHousehold],
) -> anyhow::Result<Vec<DemoStation>> {
    let mut inside = vec![Vec::new(); areas.len()];
    for (b, bld) in buildings.iter().enumerate() {
        let mut a = Some(bld.leaf);
        while let Some(i) = a {
            inside[i].push(b);
            a = areas[i].parent;
        }
    }
    let mut s = Builder {
        topo,
        areas,
        buildings,
        inside,
        used: vec![0; areas.len()],
        out: Vec::new(),
    };
    let find = |code: &str| super::areas::index_of(areas, code);
    let has_children: Vec<bool> = (0..areas.len())
        .map(|i| areas.iter().any(|a| a.parent == Some(i)))
        .collect();
    let of_level = |level: Level| (0..areas.len()).filter(move |&i| areas[i].level == level);

    // City level: 襄阳市's centers, placed in 樊城区 on the north bank (illustrative).
    let city = s.spot(find("420606")?);
    s.add(&GOVERNANCE, "420600", 1, "襄阳市综治中心".into(), Some("city"), city);
    s.add(&OPS, "420600", 1, "襄阳市城市运行管理中心".into(), None, city);
    for c in of_level(Level::County) {
        // 南漳县's offices sit in its seat, 城关镇; elsewhere deep inside the county.
        let at = if areas[c].code == "420624" {
            find("420624100")?
        } else {
            c
        };
        let location = s.spot(at);
        let (code, name) = (areas[c].code.clone(), areas[c].name.clone());
        s.add(
            &GOVERNANCE,
            &code,
            1,
            format!("{name}综治中心"),
            Some("county"),
            location,
        );
        if super::areas::TILED_COUNTIES.contains(&code.as_str()) {
            s.add(&OPS, &code, 1, format!("{name}城运中心"), None, location);
            s.add(
                &LEGAL,
                &code,
                1,
                format!("{name}公共法律服务中心法务工作室"),
                None,
                location,
            );
        }
    }
    for t in of_level(Level::Township) {
        s.at_area(
            &GOVERNANCE,
            t,
            1,
            format!("{}综治中心", areas[t].name),
            Some("township"),
        );
        if has_children[t] {
            s.at_area(&LEGAL, t, 1, format!("{}法治诊所", areas[t].name), None);
            s.at_area(
                &VOLUNTEER,
                t,
                1,
                format!("{}新时代文明实践所志愿服务站", areas[t].name),
                None,
            );
        }
    }
    for v in of_level(Level::Community).filter(|&v| has_children[v]) {
        let name = areas[v].short_name.clone();
        s.at_area(&GOVERNANCE, v, 1, format!("{name}综治中心"), Some("village"));
        let community = areas[v]
            .extra
            .get("type")
            .and_then(|t| t.as_str())
            .is_some_and(|t| t.contains("居委会"));
        if areas[v].setting == Setting::Urban || community {
            s.at_area(&POLICE, v, 1, format!("{name}警务室"), None);
            s.at_area(&VOLUNTEER, v, 1, format!("{name}志愿服务站"), None);
        } else if areas[v].households >= 850 {
            s.at_area(&POLICE, v, 1, format!("{name}警务室"), None);
        }
        if areas[v].setting == Setting::Rural {
            s.at_area(&RED_STATION, v, 1, format!("{name}红色驿站"), None);
        }
    }
    // Urban red stations: one per grid, a second in every other grid ("the last 100 metres").
    for g in of_level(Level::Grid).filter(|&g| areas[g].setting == Setting::Urban) {
        let v = areas[g].parent.unwrap_or(g);
        let seq = s
            .out
            .iter()
            .filter(|st| st.kind == "red_station" && st.code.contains(&areas[v].code))
            .count();
        let grid_no = &areas[g].code[areas[g].code.len() - 3..];
        for k in 0..if grid_no.ends_with(['1', '3', '5', '7', '9']) {
            2
        } else {
            1
        } {
            let location = s.spot(g);
            let name = format!("{}红色驿站{}", areas[g].name, if k == 0 { "" } else { "（二站）" });
            let code = areas[v].code.clone();
            s.add(&RED_STATION, &code, seq + k + 1, name, None, location);
        }
    }
    // Talk rooms at each red yard's 屋场长, whose home is where neighbours gather.
    for y in of_level(Level::RedYard) {
        let leader = areas[y].extra.get("leader_household_code").and_then(|c| c.as_str());
        let home = households
            .iter()
            .find(|h| Some(h.code.as_str()) == leader)
            .map(|h| &h.building_code);
        let location = match home.and_then(|code| buildings.iter().find(|b| &b.code == code)) {
            Some(b) => b.centre,
            None => s.spot(y),
        };
        let code = areas[y].code.clone();
        s.add(&TALK, &code, 1, format!("{}说事室", areas[y].name), None, location);
    }
    let mut out = s.out;
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}
