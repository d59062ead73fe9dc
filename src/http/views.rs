//! The JSON shapes of answers, borrowed from the index snapshot so large answers copy nothing.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::Sight;
use crate::domain::{Area, Building, Crs, Household, Properties, Station};
use crate::features;
use crate::index::Index;

/// An area as it appears in chains and lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaSummary<'a> {
    /// Stable identifier (UUID).
    pub id: String,
    pub code: &'a str,
    /// `county`, `township`, `community`, `grid` or `red_yard`.
    pub level: &'a str,
    pub name: &'a str,
    #[schema(value_type = Option<String>)]
    pub leader_name: Option<Cow<'a, str>>,
    #[schema(value_type = Option<String>)]
    pub leader_phone: Option<Cow<'a, str>>,
}

impl<'a> AreaSummary<'a> {
    /// The area, its leader shown as `leaders` says (see [`crate::access::Grant::leaders`]).
    pub fn new(a: &'a Area, leaders: Sight) -> Self {
        let (leader_name, leader_phone) = features::leader(a, leaders);
        Self {
            id: a.id.to_string(),
            code: a.code.as_str(),
            level: a.level.as_str(),
            name: &a.name,
            leader_name,
            leader_phone,
        }
    }

    /// The chain of areas (indices into the snapshot), top to bottom.
    pub fn chain(index: &'a Index, areas: impl Iterator<Item = u32>, leaders: Sight) -> Vec<Self> {
        areas.map(|i| Self::new(index.areas.get(i), leaders)).collect()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuildingSummary<'a> {
    pub code: &'a str,
    pub address: Option<&'a str>,
    pub floors: Option<i32>,
}

impl<'a> BuildingSummary<'a> {
    pub fn new(b: &'a Building) -> Self {
        Self {
            code: b.code.as_str(),
            address: b.address.as_deref(),
            floors: b.floors,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StationView<'a> {
    pub code: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub tier: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub open_hours: Option<&'a str>,
    pub services: &'a [String],
    /// Longitude in the answer's CRS.
    pub lon: f64,
    /// Latitude in the answer's CRS.
    pub lat: f64,
}

impl<'a> StationView<'a> {
    pub fn new(s: &'a Station, crs: Crs) -> Self {
        let (lon, lat) = crs.from_wgs84(s.location);
        Self {
            code: s.code.as_str(),
            kind: s.kind.as_str(),
            name: s.name.as_deref(),
            tier: s.tier.as_deref(),
            phone: s.phone.as_deref(),
            open_hours: s.open_hours.as_deref(),
            services: &s.services,
            lon,
            lat,
        }
    }
}

/// A household as the caller may see it: names, phones and identifiers masked (`masked: true`)
/// for roles not entitled to them.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdView<'a> {
    pub code: &'a str,
    #[schema(value_type = Option<String>)]
    pub head_name: Option<Cow<'a, str>>,
    #[schema(value_type = Option<String>)]
    pub phone: Option<Cow<'a, str>>,
    pub members: Option<i32>,
    pub address: Option<&'a str>,
    pub building_code: Option<&'a str>,
    pub party_member: bool,
    pub center_household: bool,
    pub center_code: Option<&'a str>,
    /// Longitude in the answer's CRS.
    pub lon: f64,
    /// Latitude in the answer's CRS.
    pub lat: f64,
    /// Properties the import carried that have no column of their own.
    #[schema(value_type = Object)]
    pub properties: Cow<'a, Properties>,
    /// Whether names, phones and identifiers are masked for this caller.
    pub masked: bool,
}

impl<'a> HouseholdView<'a> {
    /// The household as a caller with `sight` sees it; `None` when hidden from them.
    pub fn new(h: &'a Household, crs: Crs, sight: Sight) -> Option<Self> {
        let f = features::household_facts(h, sight)?;
        let (lon, lat) = crs.from_wgs84(h.location);
        Some(Self {
            code: f.code,
            head_name: f.head_name,
            phone: f.phone,
            members: f.members,
            address: f.address,
            building_code: f.building_code,
            party_member: f.party_member,
            center_household: f.center_household,
            center_code: f.center_code,
            lon,
            lat,
            properties: f.extra,
            masked: f.masked,
        })
    }
}

/// `GET /api/v1/locate`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocateAnswer<'a> {
    pub lon: f64,
    pub lat: f64,
    pub crs: Crs,
    /// Containing areas, one per level, top to bottom; empty outside all areas.
    pub areas: Vec<AreaSummary<'a>>,
    /// The building whose footprint contains the point, if any.
    pub building: Option<BuildingSummary<'a>>,
}

/// `POST /api/v1/locate` body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchLocateRequest {
    /// `[lon, lat]` pairs.
    pub points: Vec<Vec<f64>>,
    /// `wgs84` (default), `gcj02` or `bd09`.
    pub crs: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchLocateItem<'a> {
    pub areas: Vec<AreaSummary<'a>>,
}

/// `POST /api/v1/locate` answer, in input order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchLocateAnswer<'a> {
    pub results: Vec<BatchLocateItem<'a>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NearestItem<'a> {
    pub station: StationView<'a>,
    /// Geodesic distance on the WGS 84 ellipsoid, metres (rounded to centimetres).
    pub distance_m: f64,
    /// With `distance=walking`: metres walked along the path network, the walks from the point
    /// and from the station's door to the nearest point on it included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walking_distance_m: Option<f64>,
}

/// `GET /api/v1/nearest`.
#[derive(Debug, Serialize, ToSchema)]
pub struct NearestAnswer<'a> {
    pub lon: f64,
    pub lat: f64,
    pub crs: Crs,
    pub kind: &'a str,
    /// `walking` when ranked by walking distance (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<&'static str>,
    /// Ascending by distance (by walking distance with `distance=walking`).
    pub results: Vec<NearestItem<'a>>,
}

/// `GET /api/v1/households`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdPage<'a> {
    /// How many households match in all.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
    pub results: Vec<HouseholdView<'a>>,
}

/// `GET /api/v1/households/{code}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdDetail<'a> {
    #[serde(flatten)]
    pub household: HouseholdView<'a>,
    pub building: Option<BuildingSummary<'a>>,
    /// The areas the household lies in, top to bottom.
    pub areas: Vec<AreaSummary<'a>>,
    /// The party-member center household (党员中心户) that looks after this one.
    pub center: Option<HouseholdView<'a>>,
    /// For a center household: the households it looks after.
    pub looks_after: Vec<HouseholdView<'a>>,
}

/// `GET /api/v1/areas/{code}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaDetail<'a> {
    #[serde(flatten)]
    pub area: AreaSummary<'a>,
    pub parent_code: Option<&'a str>,
    /// Grows by one with every committed change; also the `ETag`.
    pub version: i64,
    /// The area's ancestors, top to bottom (not including itself).
    pub ancestors: Vec<AreaSummary<'a>>,
    pub children_count: usize,
    /// `[west, south, east, north]`, WGS 84 degrees.
    pub bbox: [f64; 4],
    #[schema(value_type = Object)]
    pub properties: &'a Properties,
    /// GeoJSON MultiPolygon, WGS 84.
    #[schema(value_type = Object)]
    pub geometry: geojson::Geometry,
}

/// `GET /api/v1/areas/{code}/children`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaChildren<'a> {
    pub code: &'a str,
    pub children: Vec<AreaSummary<'a>>,
}

/// `GET /api/v1/areas/{code}/stats`: everything inside the area and its sub-areas.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaStatsAnswer<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub level: &'a str,
    /// Household counts are `null` for roles that see public layers only.
    pub households: Option<u64>,
    /// Sum of household members.
    pub people: Option<u64>,
    pub party_members: Option<u64>,
    pub center_households: Option<u64>,
    pub buildings: u64,
    /// Stations by kind.
    pub stations: std::collections::BTreeMap<&'a str, u64>,
}
