//! Stored features as GeoJSON (RFC 7946, WGS 84): the properties and geometry of one feature of any
//! layer, written the way `gridmap import` reads them. Export and the OGC API – Features endpoints
//! both build their features here, so what a layer's GeoJSON carries is decided in one place
//! (households in particular: [`household_facts`] is the one function that says what gridmap tells
//! about residents, for GeoJSON and tiles alike).

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::access::{Sight, mask};
use crate::domain::{Area, Building, Household, Layer, LonLat, Path, Properties, Station};
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

/// An area's GeoJSON properties; `leaders` says how its leader's name and phone are shown.
pub fn area_properties(a: &Area, leaders: Sight) -> Map<String, Value> {
    let (name, phone) = leader(a, leaders);
    properties(
        vec![
            ("code", json!(a.code)),
            ("name", json!(a.name)),
            ("level", json!(a.level)),
            ("parent_code", json!(a.parent_code)),
            ("leader_name", json!(name)),
            ("leader_phone", json!(phone)),
        ],
        &a.properties,
    )
}

/// An area leader's name and phone as a reader with `sight` sees them.
pub fn leader(a: &Area, sight: Sight) -> (Option<Cow<'_, str>>, Option<Cow<'_, str>>) {
    match sight {
        Sight::Full => (
            a.leader_name.as_deref().map(Cow::Borrowed),
            a.leader_phone.as_deref().map(Cow::Borrowed),
        ),
        Sight::Masked => (
            a.leader_name.as_deref().map(|n| Cow::Owned(mask::name(n))),
            a.leader_phone.as_deref().map(|p| Cow::Owned(mask::phone(p))),
        ),
        Sight::Hidden => (None, None),
    }
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

/// A path's GeoJSON properties.
pub fn path_properties(p: &Path) -> Map<String, Value> {
    properties(
        vec![
            ("code", json!(p.code)),
            ("name", json!(p.name)),
            ("highway", json!(p.highway)),
        ],
        &p.properties,
    )
}

/// What gridmap tells a reader about a household: the one place that narrows residents' data for
/// readers who must not see it all. GeoJSON ([`household_properties`]: export and the OGC API), the
/// JSON API and vector tiles (`tiles::layers::household_attributes`) are all built from it, and
/// which [`Sight`] a reader gets is decided by [`crate::access::Grant`].
#[derive(Debug, Clone)]
pub struct HouseholdFacts<'a> {
    pub code: &'a str,
    pub head_name: Option<Cow<'a, str>>,
    pub phone: Option<Cow<'a, str>>,
    pub members: Option<i32>,
    pub address: Option<&'a str>,
    pub building_code: Option<&'a str>,
    pub party_member: bool,
    pub center_household: bool,
    pub center_code: Option<&'a str>,
    /// Properties the import carried that have no column of their own (identifiers among them
    /// masked for masked sight).
    pub extra: Cow<'a, Properties>,
    /// Whether names and phones above are masked.
    pub masked: bool,
}

/// The facts of `h` a reader with `sight` gets; `None` for [`Sight::Hidden`].
pub fn household_facts(h: &Household, sight: Sight) -> Option<HouseholdFacts<'_>> {
    let masked = match sight {
        Sight::Hidden => return None,
        Sight::Full => false,
        Sight::Masked => true,
    };
    let extra = if masked {
        Cow::Owned(
            h.properties
                .iter()
                .map(|(k, v)| (k.clone(), mask::property(k, v).into_owned()))
                .collect(),
        )
    } else {
        Cow::Borrowed(&h.properties)
    };
    Some(HouseholdFacts {
        code: h.code.as_str(),
        head_name: text(&h.head_name, masked, mask::name),
        phone: text(&h.phone, masked, mask::phone),
        members: h.members,
        address: h.address.as_deref(),
        building_code: h.building_code.as_ref().map(|c| c.as_str()),
        party_member: h.party_member,
        center_household: h.center_household,
        center_code: h.center_code.as_ref().map(|c| c.as_str()),
        extra,
        masked,
    })
}

/// `v`, or `mask(v)` when `masked`.
fn text(v: &Option<String>, masked: bool, mask: fn(&str) -> String) -> Option<Cow<'_, str>> {
    v.as_deref()
        .map(|s| if masked { Cow::Owned(mask(s)) } else { Cow::Borrowed(s) })
}

/// A household's GeoJSON properties, from [`household_facts`]; `None` when hidden.
pub fn household_properties(h: &Household, sight: Sight) -> Option<Map<String, Value>> {
    let f = household_facts(h, sight)?;
    Some(properties(
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
        &f.extra,
    ))
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
        Layer::Paths => data.paths.len(),
    }
}

/// The code of feature `i` of `layer` (features are held in code order).
pub fn code(data: &Dataset, layer: Layer, i: usize) -> &str {
    match layer {
        Layer::Areas => data.areas[i].code.as_str(),
        Layer::Buildings => data.buildings[i].code.as_str(),
        Layer::Households => data.households[i].code.as_str(),
        Layer::Stations => data.stations[i].code.as_str(),
        Layer::Paths => data.paths[i].code.as_str(),
    }
}

/// Feature `i` of `layer` as `(properties, geometry)`, `None` when `sight` hides it. `sight`
/// applies to the personal data the feature carries: a household's residents, an area's leader.
/// `i` must be below [`count`].
pub fn feature(
    data: &Dataset,
    layer: Layer,
    i: usize,
    sight: Sight,
) -> Option<(Map<String, Value>, geojson::GeometryValue)> {
    Some(match layer {
        Layer::Areas => {
            let a = &data.areas[i];
            (area_properties(a, sight), (&a.geometry).into())
        }
        Layer::Buildings => {
            let b = &data.buildings[i];
            (building_properties(b), (&b.geometry).into())
        }
        Layer::Households => {
            let h = &data.households[i];
            (household_properties(h, sight)?, point_value(h.location))
        }
        Layer::Stations => {
            let s = &data.stations[i];
            (station_properties(s), point_value(s.location))
        }
        Layer::Paths => {
            let p = &data.paths[i];
            (path_properties(p), (&p.geometry).into())
        }
    })
}
