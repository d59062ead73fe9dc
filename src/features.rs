//! Stored features as GeoJSON (RFC 7946, WGS 84): the properties and geometry of one feature of any
//! layer, written the way `gridmap import` reads them. Export and the OGC API – Features endpoints
//! both build their features here, so what a layer's GeoJSON carries is decided in one place
//! (households in particular: [`household_facts`] is the one function that says what gridmap tells
//! about residents, for GeoJSON and tiles alike).

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

/// What gridmap tells a reader about a household, borrowed from it: the one place to narrow when
/// some readers must not see residents' names or phones. GeoJSON ([`household_properties`]: export
/// and the OGC API) and vector tiles (`tiles::layers::household_attributes`) are both built from it.
#[derive(Debug, Clone, Copy)]
pub struct HouseholdFacts<'a> {
    pub code: &'a str,
    pub head_name: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub members: Option<i32>,
    pub address: Option<&'a str>,
    pub building_code: Option<&'a str>,
    pub party_member: bool,
    pub center_household: bool,
    pub center_code: Option<&'a str>,
    /// Properties the import carried that have no column of their own.
    pub extra: &'a Properties,
}

pub fn household_facts(h: &Household) -> HouseholdFacts<'_> {
    HouseholdFacts {
        code: h.code.as_str(),
        head_name: h.head_name.as_deref(),
        phone: h.phone.as_deref(),
        members: h.members,
        address: h.address.as_deref(),
        building_code: h.building_code.as_ref().map(|c| c.as_str()),
        party_member: h.party_member,
        center_household: h.center_household,
        center_code: h.center_code.as_ref().map(|c| c.as_str()),
        extra: &h.properties,
    }
}

/// A household's GeoJSON properties, from [`household_facts`].
pub fn household_properties(h: &Household) -> Map<String, Value> {
    let f = household_facts(h);
    properties(
        vec![
            ("code", json!(f.code)),
            ("head_name", json!(f.head_name)),
            ("phone", json!(f.phone)),
            ("members", json!(f.members)),
            ("address", json!(f.address)),
            ("building_code", json!(f.building_code)),
            ("party_member", json!(f.party_member)),
            ("center_household", json!(f.center_household)),
            ("center_code", json!(f.center_code)),
        ],
        f.extra,
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
