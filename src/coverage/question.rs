//! A coverage question as typed values: a station kind, a radius in metres, the area asked about
//! and the level of its breakdown, each checked against the snapshot once, here.

use super::CoverageError;
use crate::domain::{Code, Level, StationKind};
use crate::index::Index;

/// A ground distance in metres (geodesic, WGS 84) that coverage may be asked for.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Radius(f64);

impl Radius {
    /// The shortest radius, metres.
    pub const MIN_M: f64 = 1.0;
    /// The longest radius, metres: well past a county's villages, and within the distances the
    /// engine measures in closed form (see [`crate::index::geodesic`]).
    pub const MAX_M: f64 = 50_000.0;

    pub fn new(metres: f64) -> Result<Self, CoverageError> {
        if (Self::MIN_M..=Self::MAX_M).contains(&metres) {
            Ok(Self(metres))
        } else {
            Err(CoverageError::Radius {
                given: metres,
                min: Self::MIN_M,
                max: Self::MAX_M,
            })
        }
    }

    pub fn metres(self) -> f64 {
        self.0
    }
}

/// What is asked: households within `radius` of a station of `kind`, in `area` (or everywhere),
/// broken down by the areas of `level` inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub kind: StationKind,
    pub radius: Radius,
    /// The area asked about (an index into the snapshot's areas); `None` is every household.
    pub area: Option<u32>,
    /// The level of the breakdown: the area's own level or one below it.
    pub level: Level,
}

impl Question {
    /// The question from its parts as a person gives them. The kind must be one gridmap knows or
    /// one present in the data; `area` a code in the snapshot; `level` (default: the level of the
    /// area's children, the area's own for a red house-yard, townships without an area) not above
    /// the area's.
    pub fn parse(
        index: &Index,
        kind: &str,
        radius_m: f64,
        area: Option<&str>,
        level: Option<&str>,
    ) -> Result<Self, CoverageError> {
        let kind = station_kind(index, kind)?;
        let radius = Radius::new(radius_m)?;
        let area = match area.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => {
                let code = Code::parse(raw).map_err(|e| CoverageError::MalformedArea {
                    given: crate::domain::clip(raw),
                    reason: e.to_string(),
                })?;
                Some(
                    index
                        .areas
                        .find(&code)
                        .ok_or_else(|| CoverageError::UnknownArea(code.to_string()))?,
                )
            }
        };
        let area_level = area.map(|a| index.areas.get(a).level);
        let level = match level.map(str::trim).filter(|s| !s.is_empty()) {
            None => match area_level {
                None => Level::Township,
                Some(l) => l.child().unwrap_or(l),
            },
            Some(raw) => Level::parse(raw).ok_or_else(|| CoverageError::MalformedLevel(crate::domain::clip(raw)))?,
        };
        if let (Some(a), Some(area_level)) = (area, area_level)
            && level < area_level
        {
            return Err(CoverageError::LevelAbove {
                level,
                code: index.areas.get(a).code.to_string(),
                area_level,
            });
        }
        Ok(Self {
            kind,
            radius,
            area,
            level,
        })
    }

    /// Whether household `i` is among those asked about.
    pub fn holds_household(&self, index: &Index, i: u32) -> bool {
        self.area
            .is_none_or(|a| index.households.chain(i).has(index.areas.get(a).level, a))
    }
}

/// A station kind gridmap knows by name or finds in the data (a misspelt kind is an error, not an
/// answer of nobody covered).
pub fn station_kind(index: &Index, raw: &str) -> Result<StationKind, CoverageError> {
    let kind = StationKind::parse(raw).map_err(CoverageError::MalformedKind)?;
    if kind.is_known() || index.stations.has_kind(&kind) {
        return Ok(kind);
    }
    let present: Vec<&str> = index.stations.kinds().map(|k| k.as_str()).collect();
    Err(CoverageError::UnknownKind {
        kind: kind.as_str().to_owned(),
        known: StationKind::known_list(),
        present: if present.is_empty() {
            String::new()
        } else {
            format!("; in the data: {}", present.join(", "))
        },
    })
}
