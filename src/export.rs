//! Writing a layer in the form `gridmap import` reads: a GeoJSON FeatureCollection (RFC 7946, WGS 84)
//! or, for point layers, CSV with `lon,lat` columns. Exported GeoJSON re-imports to the same data.

use std::collections::BTreeSet;
use std::io::Write;

use serde_json::{Map, Value, json};

use crate::domain::{Area, Building, Household, Layer, LonLat, Properties, Station};
use crate::index::Dataset;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing CSV failed: {0}")]
    Csv(#[from] csv::Error),
    #[error("{0} have polygon geometry; export them as GeoJSON")]
    NotPoints(Layer),
}

/// One feature's properties, known columns first, then the extra ones, `None`s left out.
fn properties(known: Vec<(&str, Value)>, extra: &Properties) -> Map<String, Value> {
    let mut map = Map::new();
    for (k, v) in known {
        if !v.is_null() {
            map.insert(k.to_owned(), v);
        }
    }
    for (k, v) in extra {
        map.entry(k.clone()).or_insert_with(|| v.clone());
    }
    map
}

fn area_props(a: &Area) -> Map<String, Value> {
    properties(
        vec![
            ("code", json!(a.code)),
            ("name", json!(a.name)),
            ("level", json!(a.level)),
            ("parent_code", json!(a.parent_code)),
            ("leader_name", json!(a.leader_name)),
            ("leader_phone", json!(a.leader_phone)),
        ],
        &a.properties,
    )
}

fn building_props(b: &Building) -> Map<String, Value> {
    properties(
        vec![
            ("code", json!(b.code)),
            ("address", json!(b.address)),
            ("floors", json!(b.floors)),
        ],
        &b.properties,
    )
}

fn household_props(h: &Household) -> Map<String, Value> {
    properties(
        vec![
            ("code", json!(h.code)),
            ("head_name", json!(h.head_name)),
            ("phone", json!(h.phone)),
            ("members", json!(h.members)),
            ("address", json!(h.address)),
            ("building_code", json!(h.building_code)),
            ("party_member", json!(h.party_member)),
            ("center_household", json!(h.center_household)),
            ("center_code", json!(h.center_code)),
        ],
        &h.properties,
    )
}

fn station_props(s: &Station) -> Map<String, Value> {
    properties(
        vec![
            ("code", json!(s.code)),
            ("kind", json!(s.kind)),
            ("name", json!(s.name)),
            ("tier", json!(s.tier)),
            ("phone", json!(s.phone)),
            ("open_hours", json!(s.open_hours)),
            (
                "services",
                if s.services.is_empty() {
                    Value::Null
                } else {
                    json!(s.services)
                },
            ),
        ],
        &s.properties,
    )
}

fn point_value(p: LonLat) -> geojson::GeometryValue {
    (&p.to_point()).into()
}

/// The layer's features as `(properties, geometry)`, in code order.
fn features(data: &Dataset, layer: Layer) -> Vec<(Map<String, Value>, geojson::GeometryValue)> {
    match layer {
        Layer::Areas => data
            .areas
            .iter()
            .map(|a| (area_props(a), (&a.geometry).into()))
            .collect(),
        Layer::Buildings => data
            .buildings
            .iter()
            .map(|b| (building_props(b), (&b.geometry).into()))
            .collect(),
        Layer::Households => data
            .households
            .iter()
            .map(|h| (household_props(h), point_value(h.location)))
            .collect(),
        Layer::Stations => data
            .stations
            .iter()
            .map(|s| (station_props(s), point_value(s.location)))
            .collect(),
    }
}

/// Writes the layer as a GeoJSON FeatureCollection, one feature per line.
pub fn write_geojson(data: &Dataset, layer: Layer, out: &mut dyn Write) -> Result<usize, ExportError> {
    let features = features(data, layer);
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, (props, geometry)) in features.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        let feature =
            json!({"type": "Feature", "properties": props, "geometry": geojson::Geometry::new(geometry.clone())});
        serde_json::to_writer(&mut *out, &feature).map_err(std::io::Error::other)?;
    }
    out.write_all(b"\n]}\n")?;
    Ok(features.len())
}

/// Writes a point layer as CSV: `lon,lat`, the layer's columns, then any extra properties. Lists
/// (`services`) are joined with `;`; extra values that are not text are written as JSON.
pub fn write_csv(data: &Dataset, layer: Layer, out: &mut dyn Write) -> Result<usize, ExportError> {
    if !layer.is_point_layer() {
        return Err(ExportError::NotPoints(layer));
    }
    let rows: Vec<(LonLat, Map<String, Value>)> = match layer {
        Layer::Households => data
            .households
            .iter()
            .map(|h| (h.location, household_props(h)))
            .collect(),
        _ => data.stations.iter().map(|s| (s.location, station_props(s))).collect(),
    };
    let known: &[&str] = match layer {
        Layer::Households => &[
            "code",
            "head_name",
            "phone",
            "members",
            "address",
            "building_code",
            "party_member",
            "center_household",
            "center_code",
        ],
        _ => &["code", "kind", "name", "tier", "phone", "open_hours", "services"],
    };
    let extra: BTreeSet<&str> = rows
        .iter()
        .flat_map(|(_, m)| m.keys().map(String::as_str))
        .filter(|k| !known.contains(k))
        .collect();
    let mut w = csv::Writer::from_writer(out);
    let header: Vec<&str> = ["lon", "lat"]
        .into_iter()
        .chain(known.iter().copied())
        .chain(extra.iter().copied())
        .collect();
    w.write_record(&header)?;
    for (p, m) in &rows {
        let mut record = vec![p.lon().to_string(), p.lat().to_string()];
        for key in header.iter().skip(2) {
            record.push(match m.get(*key) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(items)) if *key == "services" => {
                    items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(";")
                }
                Some(other) => other.to_string(),
            });
        }
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(rows.len())
}
