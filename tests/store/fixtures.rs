//! Small features that exercise what the stores must keep exactly: holes, exclaves, point and polygon
//! buildings, links to features later in the same batch, and properties gridmap has no column for.

use geo::{Geometry, wkt};
use gridmap::domain::{Area, Building, Code, Household, Level, LonLat, Properties, Station, StationKind};
use serde_json::json;
use uuid::Uuid;

pub fn code(s: &str) -> Code {
    Code::parse(s).expect("fixture codes are valid")
}

pub fn props(value: serde_json::Value) -> Properties {
    value.as_object().cloned().unwrap_or_default()
}

fn lonlat(lon: f64, lat: f64) -> LonLat {
    LonLat::new(lon, lat).expect("fixture coordinates are valid")
}

/// A county with an enclave (hole) and an exclave (second part), listed after its township child.
pub fn areas() -> Vec<Area> {
    let township = Area {
        id: Uuid::new_v4(),
        code: code("420624104"),
        name: "城关镇".into(),
        level: Level::Township,
        parent_code: Some(code("420624")),
        leader_name: Some("张三".into()),
        leader_phone: Some("13800000000".into()),
        properties: props(json!({})),
        geometry: wkt!(MULTIPOLYGON(((112.0 31.6,112.2 31.6,112.2 31.7,112.0 31.7,112.0 31.6)))),
        version: 1,
    };
    let county = Area {
        id: Uuid::new_v4(),
        code: code("420624"),
        name: "南漳县".into(),
        level: Level::County,
        parent_code: None,
        leader_name: None,
        leader_phone: None,
        properties: props(json!({"source": "survey 2024", "population": 123456, "area_km2": 3859.5})),
        geometry: wkt!(MULTIPOLYGON(
            ((112.0 31.6,112.4 31.6,112.4 31.9,112.0 31.9,112.0 31.6),
             (112.1 31.7,112.1 31.75,112.15 31.75,112.15 31.7,112.1 31.7)),
            ((112.5 31.6,112.55 31.6,112.55 31.65,112.5 31.6))
        )),
        version: 1,
    };
    vec![township, county]
}

/// A surveyed footprint and a building known only by a point.
pub fn buildings() -> Vec<Building> {
    vec![
        Building {
            code: code("B001"),
            address: Some("城关镇解放路1号".into()),
            floors: Some(6),
            properties: props(json!({"floor_area_m2": 812.5, "built": 1998})),
            geometry: Geometry::Polygon(
                wkt!(POLYGON((112.05 31.65,112.051 31.65,112.051 31.651,112.05 31.651,112.05 31.65))),
            ),
        },
        Building {
            code: code("B002"),
            address: None,
            floors: None,
            properties: props(json!({})),
            geometry: Geometry::Point(wkt!(POINT(112.06 31.66))),
        },
    ]
}

pub fn household(code_str: &str, lon: f64, lat: f64) -> Household {
    Household {
        code: code(code_str),
        head_name: None,
        phone: None,
        members: None,
        address: None,
        building_code: None,
        party_member: false,
        center_household: false,
        center_code: None,
        properties: props(json!({})),
        location: lonlat(lon, lat),
    }
}

/// A household listed before the center household that looks after it.
pub fn households() -> Vec<Household> {
    let child = Household {
        head_name: Some("李四".into()),
        phone: Some("13900000000".into()),
        members: Some(3),
        address: Some("城关镇解放路1号2单元301".into()),
        building_code: Some(code("B001")),
        center_code: Some(code("H002")),
        properties: props(json!({"income": "low"})),
        ..household("H001", 112.0505, 31.6505)
    };
    let center = Household {
        head_name: Some("王五".into()),
        members: Some(2),
        building_code: Some(code("B002")),
        party_member: true,
        center_household: true,
        ..household("H002", 112.06, 31.66)
    };
    vec![child, center]
}

/// A station with services and properties of every JSON kind, and a governance center with a tier.
pub fn stations() -> Vec<Station> {
    vec![
        Station {
            code: code("S001"),
            kind: StationKind::parse("red_station").expect("known kind"),
            name: Some("解放路红色驿站".into()),
            tier: None,
            phone: Some("0710-1234567".into()),
            open_hours: Some("08:00-18:00".into()),
            services: vec!["理发".into(), "阅读".into()],
            properties: props(json!({"capacity": 20, "tags": ["a", "b"], "nested": {"x": null, "ok": true}})),
            location: lonlat(112.055, 31.655),
        },
        Station {
            code: code("S002"),
            kind: StationKind::parse("governance_center").expect("known kind"),
            name: None,
            tier: Some("township".into()),
            phone: None,
            open_hours: None,
            services: vec![],
            properties: props(json!({})),
            location: lonlat(112.1, 31.65),
        },
    ]
}

/// `features` in the order the stores load them: by code.
pub fn sorted<T>(mut features: Vec<T>, code: impl Fn(&T) -> &Code) -> Vec<T> {
    features.sort_by(|a, b| code(a).cmp(code(b)));
    features
}
