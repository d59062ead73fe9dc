//! The four kinds of stored feature, as the store hands them to the engine. Geometry is WGS 84 degrees.

use geo::{Geometry, MultiPolygon};
use uuid::Uuid;

use super::{Code, Level, LonLat, StationKind};

/// Properties a file carried that gridmap has no column for; kept and returned as they came.
pub type Properties = serde_json::Map<String, serde_json::Value>;

/// A governance area of any level. Polygons are always held as a multipolygon (one part for most
/// areas, several for areas with exclaves), exterior rings counter-clockwise, holes clockwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub id: Uuid,
    pub code: Code,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<Code>,
    pub leader_name: Option<String>,
    pub leader_phone: Option<String>,
    pub properties: Properties,
    pub geometry: MultiPolygon<f64>,
    /// Starts at 1 and grows by one with every committed change; the HTTP `ETag`/`If-Match` value.
    pub version: i64,
}

/// A building: footprint polygon(s) or a point, with its standard address (标准地址).
#[derive(Debug, Clone, PartialEq)]
pub struct Building {
    pub code: Code,
    pub address: Option<String>,
    pub floors: Option<i32>,
    pub properties: Properties,
    /// `Point`, `Polygon` or `MultiPolygon`.
    pub geometry: Geometry<f64>,
}

/// A household (户): a point, usually inside a building.
#[derive(Debug, Clone, PartialEq)]
pub struct Household {
    pub code: Code,
    pub head_name: Option<String>,
    pub phone: Option<String>,
    pub members: Option<i32>,
    pub address: Option<String>,
    pub building_code: Option<Code>,
    /// 党员户
    pub party_member: bool,
    /// 党员中心户
    pub center_household: bool,
    /// The center household that looks after this one (联系户 link).
    pub center_code: Option<Code>,
    pub properties: Properties,
    pub location: LonLat,
}

/// A station (站点) of some kind: 红色驿站, 综治中心, police room, …
#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    pub code: Code,
    pub kind: StationKind,
    pub name: Option<String>,
    /// For governance centers: `city`, `county`, `township` or `village`.
    pub tier: Option<String>,
    pub phone: Option<String>,
    pub open_hours: Option<String>,
    pub services: Vec<String>,
    pub properties: Properties,
    pub location: LonLat,
}

/// A road, street or footpath (OSM-style `highway` line), one or more lines walked along.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub code: Code,
    pub name: Option<String>,
    /// OSM's `highway` value (`residential`, `footway`, `path`, …), kept for display only: every
    /// path is walkable.
    pub highway: Option<String>,
    pub properties: Properties,
    /// WGS 84 degrees, x = longitude; every line has at least two distinct positions.
    pub geometry: geo::MultiLineString<f64>,
}
