//! The answers as JSON, the same for the HTTP API and `gridmap coverage --json`. Shares are rounded
//! to 4 decimals, distances to the centimetre; positions are in the CRS the caller asked for.

use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::{Distance, Report, Suggestions, Tally};
use crate::access::Sight;
use crate::domain::{Crs, Level};
use crate::index::Index;

/// Figures for a set of households. The household figures are `null` for readers who may not
/// see counts of households (viewers).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Figures {
    /// Stations of the kind inside the area.
    pub stations: usize,
    pub households: Option<usize>,
    /// Households whose nearest station of the kind is within the radius.
    pub covered: Option<usize>,
    /// `covered / households`, 4 decimals; `null` without households.
    pub share: Option<f64>,
    /// Mean geodesic distance to the nearest station of the kind, metres; `null` without
    /// households or without stations of the kind.
    pub mean_distance_m: Option<f64>,
    /// 90th percentile (nearest rank) of that distance, metres.
    pub p90_distance_m: Option<f64>,
}

impl Figures {
    pub fn new(t: &Tally, counts: bool) -> Self {
        let shown = |v: Option<f64>| v.filter(|_| counts);
        Self {
            stations: t.stations,
            households: counts.then_some(t.households),
            covered: counts.then_some(t.covered),
            share: shown(t.share().map(share)),
            mean_distance_m: shown(t.mean_m.map(metres)),
            p90_distance_m: shown(t.p90_m.map(metres)),
        }
    }
}

/// Coverage on foot beside the straight-line figures (`distance=walking`): households whose walk
/// along the path network to a station of the kind is at most the radius. `null`s as for
/// [`Figures`].
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WalkingFigures {
    pub covered: Option<usize>,
    pub share: Option<f64>,
}

impl WalkingFigures {
    fn new(households: usize, covered: usize, counts: bool) -> Self {
        Self {
            covered: counts.then_some(covered),
            share: (counts && households > 0).then(|| share(covered as f64 / households as f64)),
        }
    }
}

/// `GET /api/v1/coverage`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverageAnswer {
    pub kind: String,
    pub radius_m: f64,
    /// The area asked about; `null` for everything.
    pub area_code: Option<String>,
    pub area_name: Option<String>,
    /// The level of `by_area`.
    pub level: Level,
    #[serde(flatten)]
    pub figures: Figures,
    /// `walking` when asked to measure along the path network (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<&'static str>,
    /// The walking figures, with `distance=walking`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walking: Option<WalkingFigures>,
    /// Every area of `level` inside the area asked about, in code order.
    pub by_area: Vec<AreaCoverage>,
}

/// One area of the breakdown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaCoverage {
    pub code: String,
    pub name: String,
    pub level: Level,
    #[serde(flatten)]
    pub figures: Figures,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walking: Option<WalkingFigures>,
}

/// The coverage answer of `report`, with its walking figures (if measured on foot) beside the
/// straight-line ones; `counts` says whether household figures are shown.
pub fn coverage(index: &Index, report: &Report, counts: bool) -> CoverageAnswer {
    let q = &report.question;
    let walking = report.walking.as_ref();
    let area = q.area.map(|a| index.areas.get(a));
    CoverageAnswer {
        kind: q.kind.to_string(),
        radius_m: q.radius.metres(),
        area_code: area.map(|a| a.code.to_string()),
        area_name: area.map(|a| a.name.clone()),
        level: q.level,
        figures: Figures::new(&report.total, counts),
        distance: walking.map(|_| Distance::Walking.as_str()),
        walking: walking.map(|w| WalkingFigures::new(report.total.households, w.covered, counts)),
        by_area: report
            .by_area
            .iter()
            .enumerate()
            .map(|(r, (i, t))| {
                let a = index.areas.get(*i);
                AreaCoverage {
                    code: a.code.to_string(),
                    name: a.name.clone(),
                    level: a.level,
                    figures: Figures::new(t, counts),
                    walking: walking.map(|w| WalkingFigures::new(t.households, w.by_area[r], counts)),
                }
            })
            .collect(),
    }
}

/// One household left out, as a GeoJSON Feature: its properties as the reader may see them (see
/// [`crate::features::household_properties`]), plus `area_code` (the deepest area it lies in),
/// `nearest_station` and `distance_m` to it (in a straight line), and on foot `walking_distance_m`
/// (the walk to the nearest station by walking; `null` past 50 km or where no path leads to one);
/// `None` when `sight` hides it.
pub fn uncovered_feature(index: &Index, report: &Report, j: usize, sight: Sight, crs: Crs) -> Option<Value> {
    let h = report.households[j];
    let household = index.households.get(h);
    let mut properties = crate::features::household_properties(household, sight)?;
    let nearest = report.nearest(j);
    let area = index.households.chain(h).iter().last();
    properties.insert(
        "area_code".into(),
        json!(area.map(|a| index.areas.get(a).code.as_str())),
    );
    properties.insert(
        "nearest_station".into(),
        json!(nearest.map(|n| index.stations.get(n.station).code.as_str())),
    );
    properties.insert("distance_m".into(), json!(nearest.map(|n| metres(n.distance_m))));
    if let Some(w) = &report.walking {
        properties.insert("walking_distance_m".into(), json!(w.metres[j].map(metres)));
    }
    let (lon, lat) = crs.from_wgs84(household.location);
    Some(json!({
        "type": "Feature",
        "id": household.code.as_str(),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }))
}

/// `GET /api/v1/coverage/suggestions`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestionsAnswer {
    pub kind: String,
    pub radius_m: f64,
    /// `straight` or `walking`: how a station's reach is measured.
    pub distance: &'static str,
    pub area_code: Option<String>,
    /// `buildings` or `grid`.
    pub candidates: &'static str,
    /// The grid's spacing, metres (`null` for buildings).
    pub spacing_m: Option<f64>,
    /// Sites asked for; `sites` holds fewer when no other candidate covers a household more.
    pub k: usize,
    /// Candidate sites weighed.
    pub candidates_weighed: usize,
    /// Households in the area asked about.
    pub households: usize,
    /// Covered by the existing stations.
    pub covered_before: usize,
    pub share_before: Option<f64>,
    /// Covered once every suggested site has a station.
    pub covered_after: usize,
    pub share_after: Option<f64>,
    pub sites: Vec<SiteAnswer>,
}

/// One suggested site.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteAnswer {
    /// 1 for the first chosen (the best single site), and so on.
    pub rank: usize,
    /// Longitude in the answer's CRS.
    pub lon: f64,
    /// Latitude in the answer's CRS.
    pub lat: f64,
    /// The building whose anchor the site is (candidates `buildings`).
    pub building_code: Option<String>,
    pub address: Option<String>,
    /// The deepest area the site lies in.
    pub area_code: Option<String>,
    /// Households it newly covers.
    pub gain: usize,
    /// Households covered with it and the sites before it.
    pub covered: usize,
    /// `covered / households`, 4 decimals.
    pub share: Option<f64>,
    /// Codes of the households it newly covers, those the caller may see (a scoped caller's
    /// households elsewhere are counted in `gain` but not named).
    pub households: Vec<String>,
}

/// The suggestions answer of `report` and `found`, `k` having been asked for; `sight` says how
/// much of each household (index into the snapshot) the caller may see.
pub fn suggestions(
    index: &Index,
    report: &Report,
    found: &Suggestions,
    k: usize,
    crs: Crs,
    sight: &dyn Fn(u32) -> Sight,
) -> SuggestionsAnswer {
    let q = &report.question;
    let households = report.total.households;
    let of = |covered: usize| (households > 0).then(|| share(covered as f64 / households as f64));
    let before = report.covered();
    let after = found.sites.last().map_or(before, |s| s.covered);
    SuggestionsAnswer {
        kind: q.kind.to_string(),
        radius_m: q.radius.metres(),
        distance: report.distance().as_str(),
        area_code: q.area.map(|a| index.areas.get(a).code.to_string()),
        candidates: found.source.as_str(),
        spacing_m: found.source.spacing_m(),
        k,
        candidates_weighed: found.candidates,
        households,
        covered_before: before,
        share_before: of(before),
        covered_after: after,
        share_after: of(after),
        sites: found
            .sites
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let (lon, lat) = crs.from_wgs84(s.candidate.location);
                let building = s.candidate.building.map(|b| index.buildings.get(b));
                SiteAnswer {
                    rank: n + 1,
                    lon,
                    lat,
                    building_code: building.map(|b| b.code.to_string()),
                    address: building.and_then(|b| b.address.clone()),
                    area_code: index
                        .areas
                        .locate(s.candidate.location)
                        .iter()
                        .last()
                        .map(|a| index.areas.get(a).code.to_string()),
                    gain: s.gain,
                    covered: s.covered,
                    share: of(s.covered),
                    households: s
                        .households
                        .iter()
                        .filter(|&&h| sight(h) != Sight::Hidden)
                        .map(|&h| index.households.get(h).code.to_string())
                        .collect(),
                }
            })
            .collect(),
    }
}

/// A share to 4 decimals.
pub fn share(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// Metres to the centimetre.
pub fn metres(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
