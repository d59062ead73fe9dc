//! Writing a layer in the form `gridmap import` reads: a GeoJSON FeatureCollection (RFC 7946, WGS 84)
//! or, for point layers, CSV with `lon,lat` columns. Exported GeoJSON re-imports to the same data.

use std::collections::BTreeSet;
use std::io::Write;

use serde_json::{Map, Value, json};

use crate::access::Sight;
use crate::domain::{Layer, LonLat};
use crate::features;
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

/// Writes the layer as a GeoJSON FeatureCollection, one feature per line.
pub fn write_geojson(data: &Dataset, layer: Layer, out: &mut dyn Write) -> Result<usize, ExportError> {
    let n = features::count(data, layer);
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for i in 0..n {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        // The command line reads the store directly, so it sees everything (it is audited as such).
        let Some((props, geometry)) = features::feature(data, layer, i, Sight::Full) else {
            continue;
        };
        let feature = json!({"type": "Feature", "properties": props, "geometry": geojson::Geometry::new(geometry)});
        serde_json::to_writer(&mut *out, &feature).map_err(std::io::Error::other)?;
    }
    out.write_all(b"\n]}\n")?;
    Ok(n)
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
            .filter_map(|h| Some((h.location, features::household_properties(h, Sight::Full)?)))
            .collect(),
        _ => data
            .stations
            .iter()
            .map(|s| (s.location, features::station_properties(s)))
            .collect(),
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
