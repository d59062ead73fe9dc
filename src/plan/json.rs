//! Reports as JSON, the same for `GET /api/v1/areas/{code}/validate` and `gridmap validate --json`.
//! Geometries are GeoJSON (WGS 84); areas are geodesic m², rounded to the square centimetre.

use serde_json::{Map, Value, json};

use super::balance::Measure;
use super::impact::{Impact, Problem};
use super::tally::Counts;
use super::validate::{Report, Strays};
use crate::index::Index;

/// What the reader may see of residents' data in a report.
pub struct Sight<'a> {
    /// Whether household `i` may be named (by code) to this reader.
    pub household: &'a dyn Fn(u32) -> bool,
    /// Whether counts of households, people and party members are shown.
    pub counts: bool,
}

impl Sight<'_> {
    /// Everything: the command line, run by whoever holds the database.
    pub const ALL: Sight<'static> = Sight {
        household: &|_| true,
        counts: true,
    };
}

pub fn m2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

pub fn geometry(g: impl Into<geojson::GeometryValue>) -> Value {
    serde_json::to_value(geojson::Geometry::new(g.into())).unwrap_or(Value::Null)
}

/// One child's counts as JSON fields (`null` for counts the reader may not see).
pub fn counts(c: &Counts, sight: &Sight<'_>, into: &mut Map<String, Value>) {
    for m in Measure::ALL {
        let v = if sight.counts {
            json!(c.measures[m as usize])
        } else {
            Value::Null
        };
        into.insert(m.as_str().to_owned(), v);
    }
    into.insert("buildings".into(), json!(c.buildings));
    into.insert("stations".into(), json!(c.stations));
}

fn strays(index: &Index, s: &Strays, sight: &Sight<'_>) -> Value {
    let visible: Vec<&str> = s
        .households
        .iter()
        .filter(|&&h| (sight.household)(h))
        .map(|&h| index.households.get(h).code.as_str())
        .collect();
    json!({
        "households": if sight.counts { json!(s.households.len()) } else { Value::Null },
        "household_codes": visible,
        "buildings": s.buildings.iter().map(|&b| index.buildings.get(b).code.as_str()).collect::<Vec<_>>(),
        "stations": s.stations.iter().map(|&b| index.stations.get(b).code.as_str()).collect::<Vec<_>>(),
    })
}

/// The whole report.
pub fn report(index: &Index, r: &Report, sight: &Sight<'_>) -> Value {
    let area = index.areas.get(r.area);
    let t = &r.topology;
    let children: Vec<Value> = r
        .children
        .iter()
        .map(|c| {
            let mut m = Map::new();
            m.insert("code".into(), json!(c.code));
            m.insert("name".into(), json!(c.name));
            counts(&c.counts, sight, &mut m);
            m.insert("area_m2".into(), json!(m2(c.area_m2)));
            m.insert("parts".into(), json!(c.parts));
            Value::Object(m)
        })
        .collect();
    let balance = if sight.counts {
        let mut b = Map::new();
        let bands: Map<String, Value> = Measure::ALL
            .iter()
            .filter(|m| !r.options.bands.get(**m).is_open())
            .map(|m| (m.as_str().to_owned(), json!(r.options.bands.get(*m).to_string())))
            .collect();
        b.insert("bands".into(), Value::Object(bands));
        for (m, spread) in &r.spreads {
            b.insert(
                m.as_str().to_owned(),
                spread.map_or(Value::Null, |s| {
                    json!({"min": s.min, "max": s.max, "mean": (s.mean * 10.0).round() / 10.0, "spread": s.max - s.min})
                }),
            );
        }
        let outliers: Vec<Value> = r
            .outliers
            .iter()
            .map(|o| {
                json!({"code": o.code, "measure": o.measure.as_str(), "value": o.value, "side": o.side.as_str(),
                       "band": r.options.bands.get(o.measure).to_string()})
            })
            .collect();
        b.insert("outliers".into(), Value::Array(outliers));
        Value::Object(b)
    } else {
        Value::Null
    };
    json!({
        "code": area.code.as_str(),
        "name": area.name,
        "level": area.level,
        "version": area.version,
        "children_level": r.children_level,
        "clean": r.is_clean(),
        "tolerance_m2": r.options.tolerance_m2,
        "children": children,
        "gaps": t.gaps.iter().map(|g| json!({"area_m2": m2(g.area_m2), "geometry": geometry(&g.geometry)})).collect::<Vec<_>>(),
        "overlaps": t.overlaps.iter().map(|o| json!({"codes": o.codes, "area_m2": m2(o.region.area_m2), "geometry": geometry(&o.region.geometry)})).collect::<Vec<_>>(),
        "outside_parent": t.outside.iter().map(|o| json!({"code": o.code, "area_m2": m2(o.area_m2), "geometry": geometry(&o.geometry)})).collect::<Vec<_>>(),
        "non_contiguous": t.scattered.iter().map(|s| json!({"code": s.code, "parts": s.parts, "part_areas_m2": s.part_areas_m2.iter().map(|a| m2(*a)).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        "slivers": {"count": t.slivers, "area_m2": m2(t.sliver_area_m2)},
        "in_no_child": strays(index, &r.in_no_child, sight),
        "in_two_children": strays(index, &r.in_two, sight),
        "balance": balance,
    })
}

/// A problem as JSON: `{"kind": …, …}`.
pub fn problem(p: &Problem) -> Value {
    match p {
        Problem::Gaps { area_m2 } => json!({"kind": "gaps", "area_m2": area_m2}),
        Problem::Overlap { codes } => json!({"kind": "overlap", "codes": codes}),
        Problem::Outside { code } => json!({"kind": "outside_parent", "code": code}),
        Problem::Scattered { code } => json!({"kind": "non_contiguous", "code": code}),
        Problem::ChildrenOutside { code, child } => json!({"kind": "child_outside", "code": code, "child": child}),
        Problem::InNoChild {
            households,
            buildings,
            stations,
        } => json!({"kind": "in_no_child", "households": households, "buildings": buildings, "stations": stations}),
        Problem::InTwoChildren {
            households,
            buildings,
            stations,
        } => json!({"kind": "in_two_children", "households": households, "buildings": buildings, "stations": stations}),
        Problem::Unbalanced { code, measure, side } => {
            json!({"kind": "unbalanced", "code": code, "measure": measure, "side": side})
        }
    }
}

/// An area leader's name and phone as the reader may see them.
pub type LeaderSight<'a> = &'a dyn Fn(&crate::domain::Area) -> (Option<String>, Option<String>);

/// The impact of a redraw. `leaders` shows an area leader's name and phone as the reader may see
/// them.
pub fn impact(index: &Index, i: &Impact, sight: &Sight<'_>, leaders: LeaderSight<'_>) -> Value {
    fn code(a: &Option<String>) -> Option<&str> {
        a.as_deref()
    }
    let households: Vec<Value> = i
        .households
        .iter()
        .filter(|m| (sight.household)(m.item))
        .map(|m| json!({"code": index.households.get(m.item).code.as_str(), "from": code(&m.from), "to": code(&m.to)}))
        .collect();
    let buildings: Vec<Value> = i
        .buildings
        .iter()
        .map(|m| json!({"code": index.buildings.get(m.item).code.as_str(), "from": code(&m.from), "to": code(&m.to)}))
        .collect();
    let stations: Vec<Value> = i
        .stations
        .iter()
        .map(|m| json!({"code": index.stations.get(m.item).code.as_str(), "from": code(&m.from), "to": code(&m.to)}))
        .collect();
    let counts_of = |r: &Report, c: &str| -> Value {
        r.children.iter().find(|x| x.code == c).map_or(Value::Null, |x| {
            let mut m = Map::new();
            counts(&x.counts, sight, &mut m);
            m.insert("area_m2".into(), json!(m2(x.area_m2)));
            Value::Object(m)
        })
    };
    // Stored areas with their leaders; created ones (a split's or merge's parts) by the name they
    // would get.
    let areas: Vec<Value> = i
        .affected
        .iter()
        .map(|c| match index.areas.find(c.as_str()).map(|a| index.areas.get(a)) {
            Some(area) => {
                let (leader_name, leader_phone) = leaders(area);
                let status = if i.after.children.iter().any(|x| x.code == *c) {
                    "changed"
                } else {
                    "retired"
                };
                json!({
                    "code": c, "name": area.name, "version": area.version, "status": status,
                    "leader_name": leader_name, "leader_phone": leader_phone,
                    "before": counts_of(&i.before, c), "after": counts_of(&i.after, c),
                })
            }
            None => {
                let name = i.after.children.iter().find(|x| x.code == *c).map(|x| x.name.as_str());
                json!({
                    "code": c, "name": name, "version": null, "status": "created",
                    "leader_name": null, "leader_phone": null,
                    "before": null, "after": counts_of(&i.after, c),
                })
            }
        })
        .collect();
    let split_links: Vec<Value> = i
        .split_links
        .iter()
        .filter(|(c, h)| (sight.household)(*c) && (sight.household)(*h))
        .map(|&(c, h)| {
            json!({"center": index.households.get(c).code.as_str(), "household": index.households.get(h).code.as_str()})
        })
        .collect();
    json!({
        "parent_code": index.areas.get(i.before.area).code.as_str(),
        "households_moved": if sight.counts { json!(i.households.len()) } else { Value::Null },
        "moves": {"households": households, "buildings": buildings, "stations": stations},
        "areas": areas,
        "leaders_affected": i.affected.len(),
        "center_links_split": split_links,
        "new_problems": i.new_problems.iter().map(problem).collect::<Vec<_>>(),
        "solved_problems": i.solved.iter().map(problem).collect::<Vec<_>>(),
        "blocking": i.blocking().next().is_some(),
        "after": report(index, &i.after, sight),
    })
}
