//! Stored features as GeoJSON (RFC 7946, WGS 84): the properties and geometry of one feature of any
//! layer, written the way `gridmap import` reads them. Export and the OGC API – Features endpoints
//! both build their features here, so what a layer's GeoJSON carries is decided in one place
//! (households in particular: [`household_properties`] is the one function that says what a
//! household feature tells about its residents).

use serde_json::{Map, Value, json};

use crate::domain::{Area, Building, Household, Layer, LonLat, Properties, Station};
use crate::index::Dataset;

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

pub fn area_properties(a: &Area) -> Map<String, Value> {
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

pub fn building_properties(b: &Building) -> Map<String, Value> {
    properties(
        vec![
            ("code", json!(b.code)),
            ("address", json!(b.address)),
            ("floors", json!(b.floors)),
        ],
        &b.properties,
    )
}

/// What a household's GeoJSON feature tells: the one place to narrow when some readers must not
/// see residents' names or phones.
pub fn household_properties(h: &Household) -> Map<String, Value> {
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

pub fn station_properties(s: &Station) -> Map<String, Value> {
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

/// How many features `layer` holds in `data`.
pub fn count(data: &Dataset, layer: Layer) -> usize {
    match layer {
        Layer::Areas => data.areas.len(),
        Layer::Buildings => data.buildings.len(),
        Layer::Households => data.households.len(),
        Layer::Stations => data.stations.len(),
    }
}

/// The code of feature `i` of `layer` (features are held in code order).
pub fn code(data: &Dataset, layer: Layer, i: usize) -> &str {
    match layer {
        Layer::Areas => data.areas[i].code.as_str(),
        Layer::Buildings => data.buildings[i].code.as_str(),
        Layer::Households => data.households[i].code.as_str(),
        Layer::Stations => data.stations[i].code.as_str(),
    }
}

/// Feature `i` of `layer` as `(properties, geometry)`. `i` must be below [`count`].
pub fn feature(data: &Dataset, layer: Layer, i: usize) -> (Map<String, Value>, geojson::GeometryValue) {
    match layer {
        Layer::Areas => {
            let a = &data.areas[i];
            (area_properties(a), (&a.geometry).into())
        }
        Layer::Buildings => {
            let b = &data.buildings[i];
            (building_properties(b), (&b.geometry).into())
        }
        Layer::Households => {
            let h = &data.households[i];
            (household_properties(h), point_value(h.location))
        }
        Layer::Stations => {
            let s = &data.stations[i];
            (station_properties(s), point_value(s.location))
        }
    }
}
