//! Writing the four layers as RFC 7946 GeoJSON FeatureCollections with the import property names of
//! API.md. One feature per line (small diffs when the generator changes), coordinates WGS 84
//! degrees with at most 7 decimals, rings closed, exteriors counter-clockwise and holes clockwise.

use std::path::Path;

use anyhow::Context;
use serde_json::{Map, Value, json};

use super::model::{DemoArea, DemoBuilding, DemoHousehold, DemoStation, Shape};
use super::paths::DemoPath;
use super::topology::Topology;

fn position(p: [f64; 2]) -> Value {
    json!([p[0], p[1]])
}

/// A closed ring as GeoJSON positions.
fn ring(points: &[[f64; 2]]) -> Value {
    Value::Array(points.iter().chain(points.first()).map(|p| position(*p)).collect())
}

fn feature(properties: Map<String, Value>, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": properties, "geometry": geometry})
}

/// Writes a FeatureCollection, one feature per line; returns the file size in bytes.
fn write_collection(path: &Path, features: impl Iterator<Item = Value>) -> anyhow::Result<u64> {
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, f) in features.enumerate() {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&serde_json::to_string(&f).with_context(|| format!("encoding a feature of {}", path.display()))?);
    }
    text.push_str("\n]}\n");
    std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
    Ok(text.len() as u64)
}

fn props<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Areas sorted by level, then code, so that every parent comes before its children.
pub fn write_areas(path: &Path, topo: &Topology, areas: &[DemoArea]) -> anyhow::Result<u64> {
    let mut order: Vec<&DemoArea> = areas.iter().collect();
    order.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.code.cmp(&b.code)));
    let features = order.into_iter().map(|a| {
        let mut p = props([
            ("code", a.code.clone().into()),
            ("name", a.name.clone().into()),
            ("level", a.level.as_str().into()),
            ("parent_code", a.parent.map(|i| areas[i].code.clone()).into()),
            ("leader_name", a.leader_name.clone().into()),
            ("leader_phone", a.leader_phone.clone().into()),
            ("generated", a.generated.into()),
        ]);
        p.extend(a.extra.clone());
        let polygons: Vec<Value> = a
            .parts
            .iter()
            .map(|rings| Value::Array(topo.expand(rings).all().map(|r| ring(&topo.coords_of(r))).collect()))
            .collect();
        let geometry = match <[Value; 1]>::try_from(polygons) {
            Ok([one]) => json!({"type": "Polygon", "coordinates": one}),
            Err(many) => json!({"type": "MultiPolygon", "coordinates": many}),
        };
        feature(p, geometry)
    });
    write_collection(path, features)
}

pub fn write_buildings(path: &Path, buildings: &[DemoBuilding]) -> anyhow::Result<u64> {
    let features = buildings.iter().map(|b| {
        let geometry = match &b.shape {
            Shape::Footprint(r) => json!({"type": "Polygon", "coordinates": [ring(r)]}),
            Shape::Point(p) => json!({"type": "Point", "coordinates": position(*p)}),
        };
        let p = props([
            ("code", b.code.clone().into()),
            ("address", b.address.clone().into()),
            ("floors", b.floors.into()),
        ]);
        feature(p, geometry)
    });
    write_collection(path, features)
}

pub fn write_households(path: &Path, households: &[DemoHousehold]) -> anyhow::Result<u64> {
    let features = households.iter().map(|h| {
        let p = props([
            ("code", h.code.clone().into()),
            ("head_name", h.head_name.clone().into()),
            ("phone", h.phone.clone().into()),
            ("members", h.members.into()),
            ("address", h.address.clone().into()),
            ("building_code", h.building_code.clone().into()),
            ("party_member", h.party_member.into()),
            ("center_household", h.center_household.into()),
            ("center_code", h.center_code.clone().into()),
        ]);
        feature(p, json!({"type": "Point", "coordinates": position(h.location)}))
    });
    write_collection(path, features)
}

pub fn write_stations(path: &Path, stations: &[DemoStation]) -> anyhow::Result<u64> {
    let features = stations.iter().map(|s| {
        let p = props([
            ("code", s.code.clone().into()),
            ("kind", s.kind.into()),
            ("name", s.name.clone().into()),
            ("tier", s.tier.into()),
            ("phone", s.phone.clone().into()),
            ("open_hours", s.open_hours.into()),
            ("services", s.services.clone().into()),
        ]);
        feature(p, json!({"type": "Point", "coordinates": position(s.location)}))
    });
    write_collection(path, features)
}

pub fn write_paths(path: &Path, paths: &[DemoPath]) -> anyhow::Result<u64> {
    let features = paths.iter().map(|p| {
        let props = props([
            ("code", p.code.clone().into()),
            ("name", p.name.clone().into()),
            ("highway", p.highway.into()),
        ]);
        let line: Vec<Value> = p.line.iter().map(|c| position(*c)).collect();
        feature(props, json!({"type": "LineString", "coordinates": line}))
    });
    write_collection(path, features)
}
