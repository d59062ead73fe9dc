//! Coverage tiles: for one station kind, one radius and one way of measuring distance, three
//! layers in one tile —
//!
//! | layer | what | from zoom |
//! |---|---|---|
//! | `coverage_reach` | straight: each station's reach, a geodesic circle of the radius, as a polygon; walking: the stretches of path within the walk of a station, as lines | 10 |
//! | `coverage_areas` | areas with their households, covered households and covered `share` (a choropleth) | 0 |
//! | `coverage_households` | every household with `covered` true or false | 14 |
//!
//! The reach circles are polygons of [`CIRCLE_VERTICES`] points each at the radius on the WGS 84
//! ellipsoid (Karney's direct geodesic), projected like every other shape: they are the true ground
//! radius at every zoom and latitude, which a `circle-radius` in pixels cannot be. On foot
//! ([`Distance::Walking`]) the reach is what [`crate::network::Reach::segments`] gives, joined
//! into lines where one stretch ends where the next begins. The choropleth shows townships below
//! zoom 10, communities at 10 and 11 and grids from 12 ([`choropleth_level`]); its figures are
//! those of `/api/v1/coverage` (the same [`crate::coverage::measure`], the share rounded the same),
//! by walks when the tiles are measured on foot.
//!
//! What a (kind, radius, distance) needs — every household's flag, tallies per area, the reach — is
//! computed once per index snapshot ([`CoverageTiles::build`]) and kept by [`super::TileCache`].

use geo::{BoundingRect, Coord, Rect};

use super::TileError;
use super::coord::{BUFFER, TileCoord, to_world};
use super::cut::{Scratch, area_shape, lines, point, polygons};
use super::encode::{LayerBuilder, Value, tile_bytes};
use super::part::Part;
use super::source::TileSource;
use crate::access::Sight;
use crate::coverage::json::share;
use crate::coverage::{CoverageError, Distance, Question, Radius, measure, walking};
use crate::domain::{Level, LonLat, StationKind};
use crate::features::household_facts;
use crate::index::{Index, geodesic};

pub const REACH: &str = "coverage_reach";
pub const AREAS: &str = "coverage_areas";
pub const HOUSEHOLDS: &str = "coverage_households";

/// Vertices of a reach circle: at 5 km, the chord's gap to the arc is under 5 m.
pub const CIRCLE_VERTICES: usize = 128;
/// The radii coverage tiles are cut for, whole metres.
pub const MIN_RADIUS_M: u32 = 1;
pub const MAX_RADIUS_M: u32 = 5_000;
/// Zooms from which the reach and households are in coverage tiles.
pub const REACH_FROM: u8 = 10;
pub const HOUSEHOLDS_FROM: u8 = 14;

/// A radius of a coverage tile, whole metres from [`MIN_RADIUS_M`] to [`MAX_RADIUS_M`].
pub fn parse_radius(raw: &str) -> Result<u32, TileError> {
    raw.parse::<u32>()
        .ok()
        .filter(|r| (MIN_RADIUS_M..=MAX_RADIUS_M).contains(r))
        .ok_or_else(|| TileError::Radius(raw.chars().take(40).collect()))
}

/// The level of the areas the choropleth shows at zoom `z`.
pub fn choropleth_level(z: u8) -> Level {
    match z {
        0..=9 => Level::Township,
        10..=11 => Level::Community,
        _ => Level::Grid,
    }
}

/// Coverage of one kind at one radius, measured one way, over one snapshot, ready to cut into tiles.
pub struct CoverageTiles {
    generation: u64,
    kind: StationKind,
    radius_m: u32,
    distance: Distance,
    /// Per household (index order): whether a station of the kind is within the radius.
    covered: Vec<bool>,
    /// Per area (index order): households in it, and how many of them are covered.
    tallies: Vec<(u32, u32)>,
    reach: Reach,
}

/// What `coverage_reach` draws, in world units.
enum Reach {
    /// Per station of the kind: its index and its reach circle.
    Circles(Vec<(u32, Part)>),
    /// The stretches of path within the walk of a station, each with its box.
    Lines(Vec<(Rect<f64>, Vec<Coord<f64>>)>),
}

impl CoverageTiles {
    /// Coverage of every household as `/api/v1/coverage` measures it ([`measure`] over the whole
    /// snapshot), the tallies of every area, and the reach: circles in a straight line, stretches
    /// of path on foot ([`CoverageError::NoPaths`] without a path network).
    pub fn build(index: &Index, kind: StationKind, radius_m: u32, distance: Distance) -> Result<Self, CoverageError> {
        let r = f64::from(radius_m);
        let question = Question {
            kind: kind.clone(),
            radius: Radius::new(r)?,
            area: None,
            level: Level::Township,
        };
        let report = measure(index, question, distance)?;
        // Without an area the report holds every household, in index order.
        debug_assert!(report.households.iter().enumerate().all(|(j, &h)| j as u32 == h));
        debug_assert_eq!(report.households.len(), index.households.len());
        let covered: Vec<bool> = (0..report.households.len()).map(|j| report.is_covered(j)).collect();
        let mut tallies = vec![(0u32, 0u32); index.areas.len()];
        for (&h, &c) in report.households.iter().zip(&covered) {
            let chain = index.households.chain(h);
            for level in Level::ALL {
                if let Some(a) = chain.get(level) {
                    tallies[a as usize].0 += 1;
                    tallies[a as usize].1 += u32::from(c);
                }
            }
        }
        let reach = match &report.walking {
            Some(w) => Reach::Lines(
                join(w.segments(walking::network(index)?))
                    .into_iter()
                    .filter_map(|line| {
                        let bbox = geo::LineString::new(line.clone()).bounding_rect()?;
                        Some((bbox, line))
                    })
                    .collect(),
            ),
            None => Reach::Circles(
                index
                    .stations
                    .all()
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.kind == kind)
                    .filter_map(|(i, s)| {
                        let ring = circle(s.location, r);
                        Some((i as u32, Part::new(vec![ring])?))
                    })
                    .collect(),
            ),
        };
        Ok(Self {
            generation: index.generation(),
            kind,
            radius_m,
            distance,
            covered,
            tallies,
            reach,
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn is_for(&self, generation: u64, kind: &StationKind, radius_m: u32, distance: Distance) -> bool {
        self.generation == generation && &self.kind == kind && self.radius_m == radius_m && self.distance == distance
    }

    /// The tile's bytes. `households` says how much of each household the reader may see: hidden
    /// ones are left out; `counts` whether the reader may see household figures by area (without,
    /// areas carry no figures). Returns the households shown, for the audit log.
    pub fn render(
        &self,
        index: &Index,
        source: &TileSource,
        tile: TileCoord,
        households: &dyn Fn(u32) -> Sight,
        counts: bool,
    ) -> Result<(Vec<u8>, Vec<u32>), TileError> {
        let search = tile.world_bounds(BUFFER);
        let fail = |layer: &'static str| {
            move |cause: String| TileError::Encode {
                layer,
                tile: tile.to_string(),
                cause,
            }
        };
        let mut scratch = Scratch::default();
        let radius = i64::from(self.radius_m);

        let mut areas = LayerBuilder::new(AREAS);
        let level = choropleth_level(tile.z());
        for i in source.areas_in(level, search) {
            let Some(shape) = area_shape(index, source, i, tile, &mut scratch) else {
                continue;
            };
            let a = index.areas.get(i);
            let mut attributes = vec![
                ("code", Value::Str(a.code.as_str())),
                ("name", Value::Str(&a.name)),
                ("level", Value::Str(a.level.as_str())),
            ];
            let (n, c) = self.tallies[i as usize];
            if counts {
                attributes.push(("households", Value::Int(i64::from(n))));
                attributes.push(("covered", Value::Int(i64::from(c))));
                if n > 0 {
                    attributes.push(("share", Value::double(share(f64::from(c) / f64::from(n)))));
                }
            }
            areas.add(shape, &attributes).map_err(fail(AREAS))?;
        }

        let mut reach = LayerBuilder::new(REACH);
        if tile.z() >= REACH_FROM {
            match &self.reach {
                Reach::Circles(circles) => {
                    for (s, part) in circles {
                        if !super::clip::rects_meet(part.bbox, search) {
                            continue;
                        }
                        let Some(shape) = polygons(std::slice::from_ref(part), tile, &mut scratch) else {
                            continue;
                        };
                        let station = index.stations.get(*s);
                        let mut attributes = vec![
                            ("code", Value::Str(station.code.as_str())),
                            ("kind", Value::Str(station.kind.as_str())),
                            ("radius_m", Value::Int(radius)),
                        ];
                        if let Some(n) = &station.name {
                            attributes.push(("name", Value::Str(n)));
                        }
                        reach.add(shape, &attributes).map_err(fail(REACH))?;
                    }
                }
                Reach::Lines(stretches) => {
                    let attributes = vec![
                        ("kind", Value::Str(self.kind.as_str())),
                        ("radius_m", Value::Int(radius)),
                        ("distance", Value::Str(Distance::Walking.as_str())),
                    ];
                    for (bbox, line) in stretches {
                        if !super::clip::rects_meet(*bbox, search) {
                            continue;
                        }
                        if let Some(shape) = lines(std::slice::from_ref(line), tile, &mut scratch) {
                            reach.add(shape, &attributes).map_err(fail(REACH))?;
                        }
                    }
                }
            }
        }

        let mut dots = LayerBuilder::new(HOUSEHOLDS);
        let mut shown = Vec::new();
        if tile.z() >= HOUSEHOLDS_FROM {
            for (i, c) in source.all_households_in(search) {
                let Some(facts) = household_facts(index.households.get(i), households(i)) else {
                    continue;
                };
                shown.push(i);
                let attributes = vec![
                    ("code", Value::Str(facts.code)),
                    ("covered", Value::Bool(self.covered[i as usize])),
                    ("center_household", Value::Bool(facts.center_household)),
                ];
                dots.add(point(c, tile), &attributes).map_err(fail(HOUSEHOLDS))?;
            }
        }
        Ok((tile_bytes([areas, reach, dots]), shown))
    }
}

/// Straight stretches (WGS 84 degrees) joined into lines (world units) where one ends exactly
/// where the next begins, in the order given.
fn join(segments: Vec<geo::Line<f64>>) -> Vec<Vec<Coord<f64>>> {
    let mut out: Vec<Vec<Coord<f64>>> = Vec::new();
    let mut end: Option<Coord<f64>> = None;
    for s in segments {
        let to = to_world(s.end.x, s.end.y);
        match out.last_mut() {
            Some(line) if end == Some(s.start) => line.push(to),
            _ => out.push(vec![to_world(s.start.x, s.start.y), to]),
        }
        end = Some(s.end);
    }
    out
}

/// The circle of `radius_m` metres (geodesic, WGS 84) around a point, as an open ring of
/// [`CIRCLE_VERTICES`] points in world units.
fn circle(centre: LonLat, radius_m: f64) -> Vec<Coord<f64>> {
    geodesic::circle(centre, radius_m, CIRCLE_VERTICES)
        .into_iter()
        .map(|(lon, lat)| to_world(lon, lat))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::geodesic::ground_distance_m;
    use crate::tiles::coord::to_lonlat;

    #[test]
    fn every_vertex_of_a_circle_is_the_radius_away() {
        for (lat, r) in [(32.0, 100.0), (0.0, 5000.0), (60.0, 1.0)] {
            for c in circle(crate::domain::LonLat::new(112.0, lat).unwrap(), r) {
                let (lon2, lat2) = to_lonlat(c);
                let d = ground_distance_m(
                    crate::domain::LonLat::new(112.0, lat).unwrap(),
                    crate::domain::LonLat::new(lon2, lat2).unwrap(),
                );
                assert!((d - r).abs() < 1e-3 * r.max(1.0), "{lat} {r}: {d}");
            }
        }
    }

    #[test]
    fn stretches_that_meet_are_joined() {
        let l = |a: (f64, f64), b: (f64, f64)| geo::Line::new(Coord { x: a.0, y: a.1 }, Coord { x: b.0, y: b.1 });
        let joined = join(vec![
            l((112.0, 32.0), (112.001, 32.0)),
            l((112.001, 32.0), (112.002, 32.0)),
            l((112.003, 32.0), (112.004, 32.0)),
        ]);
        assert_eq!(joined.iter().map(Vec::len).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(joined[0][2], to_world(112.002, 32.0));
    }

    #[test]
    fn radii_are_whole_metres_within_bounds() {
        assert_eq!(parse_radius("100").unwrap(), 100);
        assert_eq!(parse_radius("5000").unwrap(), 5000);
        for bad in ["0", "5001", "-1", "1.5", "abc", ""] {
            assert!(parse_radius(bad).is_err(), "{bad}");
        }
    }
}
