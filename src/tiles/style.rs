//! The MapLibre style (version 8) gridmap serves at `/style.json`: every source, glyph and symbol
//! comes from gridmap itself; there is no sprite, no remote basemap and no remote font. Points are
//! circles, and a station's kind shows as its colour and a one-character CJK mark drawn with the
//! served glyphs.

use serde_json::{Value, json};

use super::layers::{AREA_LABELS, TileLayer, level_minzoom};
use crate::domain::{Level, StationKind};
use crate::glyphs::FONTSTACK;

/// Station kinds' colours and marks; kinds not listed are grey with 站.
const KINDS: [(&str, &str, &str); 7] = [
    ("red_station", "#d32f2f", "驿"),
    ("governance_center", "#6a1b9a", "综"),
    ("police_room", "#1565c0", "警"),
    ("volunteer_station", "#2e7d32", "志"),
    ("talk_room", "#ef6c00", "说"),
    ("ops_center", "#00838f", "城"),
    ("legal_office", "#5d4037", "法"),
];

/// A station kind's colour (`#rrggbb`) and one-character mark, as the web map draws it: the
/// static maps ([`crate::maps`]) use the same.
pub fn kind_mark(kind: &StationKind) -> (&'static str, &'static str) {
    KINDS
        .iter()
        .find(|(k, ..)| *k == kind.as_str())
        .map_or(("#616161", "站"), |(_, color, mark)| (*color, *mark))
}

/// Kinds drawn from zoom 10; the rest from 13.
const MAJOR_KINDS: [&str; 2] = ["governance_center", "ops_center"];

/// The style, with absolute URLs under `base` (such as `http://127.0.0.1:8080`). `center` is
/// where the map opens, WGS 84 degrees.
pub fn style(base: &str, center: Option<[f64; 2]>) -> Value {
    debug_assert!(KINDS.iter().all(|(k, ..)| StationKind::parse(k).is_ok()));
    let sources: serde_json::Map<String, Value> = TileLayer::ALL
        .into_iter()
        .map(|l| {
            (
                l.name().to_owned(),
                json!({"type": "vector", "url": format!("{base}/tiles/{}.json", l.name())}),
            )
        })
        .collect();
    let mut layers = vec![json!({"id": "background", "type": "background", "paint": {"background-color": "#f4f1ea"}})];
    layers.extend(area_layers());
    layers.extend(point_layers());
    layers.extend(label_layers());
    json!({
        "version": 8,
        "name": "gridmap",
        "center": center.unwrap_or([112.14, 32.04]),
        "zoom": 9,
        "glyphs": format!("{base}/fonts/{{fontstack}}/{{range}}.pbf"),
        "sources": sources,
        "layers": layers,
    })
}

fn level_is(level: Level) -> Value {
    json!(["==", ["get", "level"], level.as_str()])
}

fn area_layers() -> Vec<Value> {
    let line = |level: Level, color: &str, width: f64, dash: Option<[f64; 2]>| {
        let mut paint = json!({"line-color": color, "line-width": width});
        if let Some(d) = dash {
            paint["line-dasharray"] = json!(d);
        }
        json!({"id": format!("{}-line", level.as_str()), "type": "line", "source": "areas", "source-layer": "areas",
               "minzoom": level_minzoom(level), "filter": level_is(level), "paint": paint})
    };
    vec![
        json!({"id": "county-fill", "type": "fill", "source": "areas", "source-layer": "areas", "maxzoom": 12,
               "filter": level_is(Level::County), "paint": {"fill-color": "#e8dcc4", "fill-opacity": 0.5}}),
        json!({"id": "grid-fill", "type": "fill", "source": "areas", "source-layer": "areas",
               "minzoom": level_minzoom(Level::Grid), "filter": level_is(Level::Grid),
               "paint": {"fill-color": "#fffbe6", "fill-opacity": 0.4}}),
        json!({"id": "red_yard-fill", "type": "fill", "source": "areas", "source-layer": "areas",
               "minzoom": level_minzoom(Level::RedYard), "filter": level_is(Level::RedYard),
               "paint": {"fill-color": "#e53935", "fill-opacity": 0.12}}),
        json!({"id": "buildings-fill", "type": "fill", "source": "buildings", "source-layer": "buildings",
               "minzoom": TileLayer::Buildings.minzoom(), "filter": ["==", ["geometry-type"], "Polygon"],
               "paint": {"fill-color": "#c9c2b8", "fill-outline-color": "#8d8577"}}),
        // Roads and footpaths: thin grey lines, under every area's outline.
        json!({"id": "paths", "type": "line", "source": "paths", "source-layer": "paths",
               "minzoom": TileLayer::Paths.minzoom(), "layout": {"line-join": "round", "line-cap": "round"},
               "paint": {"line-color": "#a8a29a", "line-width": ["interpolate", ["linear"], ["zoom"], 12, 0.5, 16, 1.5]}}),
        line(Level::RedYard, "#c62828", 1.0, Some([3.0, 2.0])),
        line(Level::Grid, "#3b7dd8", 1.2, None),
        line(Level::Community, "#8d6e63", 1.6, Some([4.0, 2.0])),
        line(Level::Township, "#6d4c41", 2.0, None),
        line(Level::County, "#4e342e", 2.8, None),
    ]
}

fn point_layers() -> Vec<Value> {
    let mut kind_colors = vec![json!("match"), json!(["get", "kind"])];
    let mut kind_marks = vec![json!("match"), json!(["get", "kind"])];
    for (kind, color, mark) in KINDS {
        kind_colors.extend([json!(kind), json!(color)]);
        kind_marks.extend([json!(kind), json!(mark)]);
    }
    kind_colors.push(json!("#616161"));
    kind_marks.push(json!("站"));
    let center = json!(["==", ["get", "center_household"], true]);
    let mut out = vec![
        json!({"id": "buildings-point", "type": "circle", "source": "buildings", "source-layer": "buildings",
               "filter": ["==", ["geometry-type"], "Point"],
               "paint": {"circle-radius": 3, "circle-color": "#8d8577"}}),
        json!({"id": "households", "type": "circle", "source": "households", "source-layer": "households",
               "filter": ["!", center.clone()],
               "paint": {"circle-radius": 3, "circle-color": "#1e88e5", "circle-stroke-color": "#ffffff", "circle-stroke-width": 0.5}}),
        // Center households (党员中心户): larger, red, ringed in gold, drawn above the others.
        json!({"id": "center-households", "type": "circle", "source": "households", "source-layer": "households",
               "filter": center,
               "paint": {"circle-radius": 6, "circle-color": "#d32f2f", "circle-stroke-color": "#ffc107", "circle-stroke-width": 2}}),
    ];
    // Centers that serve a whole township or city show from the tiles' first zoom; the many
    // neighbourhood stations (a talk room per red house-yard, a red station per community) from 13.
    let major = json!(["in", ["get", "kind"], ["literal", MAJOR_KINDS]]);
    for (id, filter, minzoom) in [
        ("stations-major", major.clone(), 10),
        ("stations", json!(["!", major]), 13),
    ] {
        out.push(json!({"id": id, "type": "circle", "source": "stations", "source-layer": "stations",
               "minzoom": minzoom, "filter": filter,
               "paint": {"circle-radius": 9, "circle-color": kind_colors, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5}}));
        out.push(json!({"id": format!("{id}-marks"), "type": "symbol", "source": "stations", "source-layer": "stations",
               "minzoom": minzoom, "filter": filter,
               "layout": {"text-field": kind_marks, "text-font": [FONTSTACK], "text-size": 11, "text-allow-overlap": true,
                          "text-ignore-placement": true},
               "paint": {"text-color": "#ffffff"}}));
    }
    out
}

fn label_layers() -> Vec<Value> {
    // Each level is labelled over the zooms where it is the finest level drawn, bigger levels first.
    let levels = [
        (Level::County, 0, 10, 15),
        (Level::Township, 8, 12, 13),
        (Level::Community, 10, 14, 12),
        (Level::Grid, 12, 16, 12),
        (Level::RedYard, 14, 24, 11),
    ];
    let mut out: Vec<Value> = levels
        .into_iter()
        .map(|(level, min, max, size)| {
            json!({"id": format!("{}-label", level.as_str()), "type": "symbol", "source": "areas", "source-layer": AREA_LABELS,
                   "minzoom": min.max(level_minzoom(level)), "maxzoom": max, "filter": level_is(level),
                   "layout": {"text-field": ["get", "name"], "text-font": [FONTSTACK], "text-size": size},
                   "paint": {"text-color": "#3e2723", "text-halo-color": "#ffffff", "text-halo-width": 1.5}})
        })
        .collect();
    out.push(
        json!({"id": "station-label", "type": "symbol", "source": "stations", "source-layer": "stations", "minzoom": 14,
                    "layout": {"text-field": ["get", "name"], "text-font": [FONTSTACK], "text-size": 12,
                               "text-offset": [0, 1.4], "text-anchor": "top"},
                    "paint": {"text-color": "#263238", "text-halo-color": "#ffffff", "text-halo-width": 1.5}}),
    );
    out
}
