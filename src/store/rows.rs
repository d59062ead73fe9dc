//! Rows as both stores return them (text, integers and WKB bytes), and their conversion to and from
//! domain records. The PostGIS queries cast to the same column types (`id::text`, `properties::text`,
//! `ST_AsBinary(geom)`), so this mapping is written once.

use uuid::Uuid;

use super::StoreError;
use super::geometry::{from_wkb, multipolygon_from_wkb, point_from_wkb, to_wkb};
use crate::domain::{Area, Building, Code, Household, Level, LonLat, Path, Properties, Station, StationKind};

#[derive(Debug, sqlx::FromRow)]
pub struct AreaRow {
    pub code: String,
    pub id: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub leader_name: Option<String>,
    pub leader_phone: Option<String>,
    pub properties: String,
    pub geom: Vec<u8>,
    pub version: i64,
}

#[derive(Debug, sqlx::FromRow)]
pub struct BuildingRow {
    pub code: String,
    pub address: Option<String>,
    pub floors: Option<i32>,
    pub properties: String,
    pub geom: Vec<u8>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct HouseholdRow {
    pub code: String,
    pub head_name: Option<String>,
    pub phone: Option<String>,
    pub members: Option<i32>,
    pub address: Option<String>,
    pub building_code: Option<String>,
    pub party_member: bool,
    pub center_household: bool,
    pub center_code: Option<String>,
    pub properties: String,
    pub geom: Vec<u8>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct StationRow {
    pub code: String,
    pub kind: String,
    pub name: Option<String>,
    pub tier: Option<String>,
    pub phone: Option<String>,
    pub open_hours: Option<String>,
    pub services: String,
    pub properties: String,
    pub geom: Vec<u8>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct PathRow {
    pub code: String,
    pub name: Option<String>,
    pub highway: Option<String>,
    pub properties: String,
    pub geom: Vec<u8>,
}

fn corrupt<'a>(layer: &'static str, code: &'a str) -> impl Fn(String) -> StoreError + 'a {
    move |reason| StoreError::Corrupt {
        layer,
        code: code.to_owned(),
        reason,
    }
}

fn code(layer: &'static str, s: &str) -> Result<Code, StoreError> {
    Code::parse(s).map_err(|e| corrupt(layer, s)(e.to_string()))
}

fn opt_code(layer: &'static str, s: Option<&str>) -> Result<Option<Code>, StoreError> {
    s.map(|s| code(layer, s)).transpose()
}

fn properties(layer: &'static str, code: &str, json: &str) -> Result<Properties, StoreError> {
    serde_json::from_str(json).map_err(|e| corrupt(layer, code)(format!("properties: {e}")))
}

fn point(layer: &'static str, code: &str, wkb: &[u8]) -> Result<LonLat, StoreError> {
    let (lon, lat) = point_from_wkb(wkb).map_err(corrupt(layer, code))?;
    LonLat::new(lon, lat).map_err(|e| corrupt(layer, code)(e.to_string()))
}

/// JSON text of a properties map (always an object).
pub fn properties_json(p: &Properties) -> String {
    serde_json::Value::Object(p.clone()).to_string()
}

/// WKB of a point feature's location.
pub fn point_wkb(p: LonLat) -> Vec<u8> {
    to_wkb(&geo::Geometry::Point(p.to_point()))
}

impl TryFrom<AreaRow> for Area {
    type Error = StoreError;
    fn try_from(r: AreaRow) -> Result<Self, StoreError> {
        const L: &str = "areas";
        Ok(Area {
            id: Uuid::parse_str(&r.id).map_err(|e| corrupt(L, &r.code)(format!("id: {e}")))?,
            level: Level::parse(&r.level).ok_or_else(|| corrupt(L, &r.code)(format!("level {:?}", r.level)))?,
            parent_code: opt_code(L, r.parent_code.as_deref())?,
            properties: properties(L, &r.code, &r.properties)?,
            geometry: multipolygon_from_wkb(&r.geom).map_err(corrupt(L, &r.code))?,
            name: r.name,
            leader_name: r.leader_name,
            leader_phone: r.leader_phone,
            version: r.version,
            code: code(L, &r.code)?,
        })
    }
}

impl TryFrom<BuildingRow> for Building {
    type Error = StoreError;
    fn try_from(r: BuildingRow) -> Result<Self, StoreError> {
        const L: &str = "buildings";
        Ok(Building {
            properties: properties(L, &r.code, &r.properties)?,
            geometry: from_wkb(&r.geom).map_err(corrupt(L, &r.code))?,
            address: r.address,
            floors: r.floors,
            code: code(L, &r.code)?,
        })
    }
}

impl TryFrom<HouseholdRow> for Household {
    type Error = StoreError;
    fn try_from(r: HouseholdRow) -> Result<Self, StoreError> {
        const L: &str = "households";
        Ok(Household {
            building_code: opt_code(L, r.building_code.as_deref())?,
            center_code: opt_code(L, r.center_code.as_deref())?,
            properties: properties(L, &r.code, &r.properties)?,
            location: point(L, &r.code, &r.geom)?,
            head_name: r.head_name,
            phone: r.phone,
            members: r.members,
            address: r.address,
            party_member: r.party_member,
            center_household: r.center_household,
            code: code(L, &r.code)?,
        })
    }
}

impl TryFrom<StationRow> for Station {
    type Error = StoreError;
    fn try_from(r: StationRow) -> Result<Self, StoreError> {
        const L: &str = "stations";
        Ok(Station {
            kind: StationKind::parse(&r.kind).map_err(corrupt(L, &r.code))?,
            services: serde_json::from_str(&r.services).map_err(|e| corrupt(L, &r.code)(format!("services: {e}")))?,
            properties: properties(L, &r.code, &r.properties)?,
            location: point(L, &r.code, &r.geom)?,
            name: r.name,
            tier: r.tier,
            phone: r.phone,
            open_hours: r.open_hours,
            code: code(L, &r.code)?,
        })
    }
}

impl TryFrom<PathRow> for Path {
    type Error = StoreError;
    fn try_from(r: PathRow) -> Result<Self, StoreError> {
        const L: &str = "paths";
        let geometry = match from_wkb(&r.geom).map_err(corrupt(L, &r.code))? {
            geo::Geometry::MultiLineString(m) => m,
            geo::Geometry::LineString(l) => geo::MultiLineString::new(vec![l]),
            other => {
                return Err(corrupt(L, &r.code)(format!(
                    "expected a line, found {}",
                    super::geometry::geometry_name(&other)
                )));
            }
        };
        Ok(Path {
            properties: properties(L, &r.code, &r.properties)?,
            geometry,
            name: r.name,
            highway: r.highway,
            code: code(L, &r.code)?,
        })
    }
}
