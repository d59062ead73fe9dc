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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use geo::{MultiPolygon, Rect};

    use super::*;
    use crate::domain::Area;
    use crate::index::Dataset;

    fn area(code: &str, level: Level, parent: Option<&str>, [w, s, e, n]: [f64; 4]) -> Area {
        Area {
            id: uuid::Uuid::new_v4(),
            code: Code::parse(code).unwrap(),
            name: code.to_owned(),
            level,
            parent_code: parent.map(|p| Code::parse(p).unwrap()),
            leader_name: None,
            leader_phone: None,
            properties: Default::default(),
            geometry: MultiPolygon::new(vec![Rect::new((w, s), (e, n)).to_polygon()]),
            version: 1,
        }
    }

    fn index() -> Index {
        Index::build(Dataset {
            areas: Arc::new(vec![
                area("420001", Level::County, None, [112.0, 32.0, 112.2, 32.2]),
                area("420001001", Level::Township, Some("420001"), [112.0, 32.0, 112.2, 32.2]),
                area(
                    "420001001001",
                    Level::Community,
                    Some("420001001"),
                    [112.0, 32.0, 112.2, 32.2],
                ),
            ]),
            ..Default::default()
        })
    }

    #[test]
    fn the_breakdown_defaults_to_the_children_and_may_go_deeper_not_higher() {
        let index = index();
        let q = |area: Option<&str>, level: Option<&str>| Question::parse(&index, "red_station", 100.0, area, level);
        assert_eq!(q(None, None).unwrap().level, Level::Township);
        assert_eq!(q(Some("420001"), None).unwrap().level, Level::Township);
        assert_eq!(q(Some("420001001"), None).unwrap().level, Level::Community);
        assert_eq!(q(Some(" 420001 "), Some("grid")).unwrap().level, Level::Grid);
        assert_eq!(q(Some("420001001"), Some("township")).unwrap().level, Level::Township);
        assert!(matches!(
            q(Some("420001001"), Some("county")),
            Err(CoverageError::LevelAbove { .. })
        ));
        assert!(matches!(
            q(None, Some("village")),
            Err(CoverageError::MalformedLevel(_))
        ));
        assert!(matches!(q(Some("420009"), None), Err(CoverageError::UnknownArea(_))));
        assert!(matches!(q(Some("<b>"), None), Err(CoverageError::MalformedArea { .. })));
        assert_eq!(q(Some(""), None).unwrap().area, None, "an empty area is no area");
    }

    #[test]
    fn kinds_must_be_known_or_present_and_radii_in_range() {
        let index = index();
        let q = |kind: &str, radius: f64| Question::parse(&index, kind, radius, None, None);
        assert!(q("police_room", 1.0).is_ok());
        assert!(q("legal_office", 50_000.0).is_ok());
        assert!(matches!(q("spaceport", 100.0), Err(CoverageError::UnknownKind { .. })));
        assert!(matches!(q("Red Station", 100.0), Err(CoverageError::MalformedKind(_))));
        for radius in [0.0, 0.99, -1.0, 50_000.5, f64::NAN, f64::INFINITY] {
            assert!(
                matches!(q("red_station", radius), Err(CoverageError::Radius { .. })),
                "{radius}"
            );
        }
        let message = q("spaceport", 100.0).unwrap_err().to_string();
        assert!(
            message.contains("red_station") && message.contains("spaceport"),
            "{message}"
        );
    }
}
