//! TileJSON 3.0.0 documents describing each tile layer.

use serde_json::{Map, Value, json};

use super::coord::MAX_LAT;
use super::layers::{AREA_LABELS, TileLayer, level_minzoom};
use crate::domain::Level;

/// The TileJSON of `layer`. `base` is the absolute origin clients reach gridmap at (such as
/// `http://127.0.0.1:8080`): MapLibre resolves tile URLs in web workers and needs them absolute.
/// `bounds` is the layer's data extent in WGS 84 degrees, the whole Web Mercator world when empty.
pub fn tilejson(layer: TileLayer, base: &str, bounds: Option<[f64; 4]>) -> Value {
    let bounds = bounds.unwrap_or([-180.0, -MAX_LAT, 180.0, MAX_LAT]);
    let center_zoom = layer.minzoom().max(8);
    let fields: Map<String, Value> = layer
        .fields()
        .iter()
        .map(|(name, kind)| ((*name).to_owned(), json!(kind)))
        .collect();
    let mut vector_layer = json!({
        "id": layer.name(),
        "description": layer.description(),
        "minzoom": layer.minzoom(),
        "maxzoom": layer.maxzoom(),
        "fields": fields,
    });
    if layer == TileLayer::Areas {
        // Not part of TileJSON: the zoom each level of areas starts at, for styles and clients.
        let levels: Map<String, Value> = Level::ALL
            .into_iter()
            .map(|l| (l.as_str().to_owned(), json!(level_minzoom(l))))
            .collect();
        vector_layer["level_minzoom"] = Value::Object(levels);
    }
    let mut vector_layers = vec![vector_layer];
    if layer == TileLayer::Areas {
        vector_layers.push(json!({
            "id": AREA_LABELS,
            "description": "One point per area where its name goes (inside its largest part), with the area's attributes",
            "minzoom": layer.minzoom(),
            "maxzoom": layer.maxzoom(),
            "fields": fields.clone(),
        }));
    }
    json!({
        "tilejson": "3.0.0",
        "name": format!("gridmap {}", layer.name()),
        "description": layer.description(),
        "version": "1.0.0",
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt", layer.name())],
        "minzoom": layer.minzoom(),
        "maxzoom": layer.maxzoom(),
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, center_zoom],
        "vector_layers": vector_layers,
    })
}
