//! Where a new station may go: the anchor of a building (its point, or a point inside its
//! footprint), or a point of a regular grid laid over the area. WGS 84 degrees; spacing in metres.

use std::collections::BTreeSet;

use super::{CoverageError, Question};
use crate::domain::LonLat;
use crate::index::Index;
use crate::index::geodesic::ground_distance_m;

/// Candidate sites one suggestion weighs at most.
pub const MAX_CANDIDATES: usize = 200_000;

/// Where candidate sites come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// Every building in the area, at its anchor.
    Buildings,
    /// A regular grid of points `spacing_m` metres apart (east–west and north–south, measured at
    /// the middle of the area), inside the area and near a household not yet covered.
    Grid { spacing_m: f64 },
}

impl Source {
    pub const DEFAULT_SPACING_M: f64 = 50.0;
    pub const MIN_SPACING_M: f64 = 10.0;
    pub const MAX_SPACING_M: f64 = 10_000.0;

    /// `buildings` (the default) or `grid`, with its spacing (default [`Self::DEFAULT_SPACING_M`]).
    pub fn parse(kind: Option<&str>, spacing_m: Option<f64>) -> Result<Self, CoverageError> {
        match kind.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("buildings") {
            "buildings" => Ok(Self::Buildings),
            "grid" => {
                let spacing_m = spacing_m.unwrap_or(Self::DEFAULT_SPACING_M);
                if (Self::MIN_SPACING_M..=Self::MAX_SPACING_M).contains(&spacing_m) {
                    Ok(Self::Grid { spacing_m })
                } else {
                    Err(CoverageError::Spacing {
                        given: spacing_m,
                        min: Self::MIN_SPACING_M,
                        max: Self::MAX_SPACING_M,
                    })
                }
            }
            other => Err(CoverageError::Candidates(crate::domain::clip(other))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Buildings => "buildings",
            Self::Grid { .. } => "grid",
        }
    }

    pub fn spacing_m(self) -> Option<f64> {
        match self {
            Self::Buildings => None,
            Self::Grid { spacing_m } => Some(spacing_m),
        }
    }
}

/// One candidate site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub location: LonLat,
    /// The building it stands for (an index into the snapshot's buildings), for building anchors.
    pub building: Option<u32>,
}

/// The candidate sites of `source` for `question`, in a fixed order (buildings in code order, grid
/// points south to north, then west to east); `uncovered` are the households still to cover,
/// near which grid points are laid.
pub fn gather(
    index: &Index,
    question: &Question,
    source: Source,
    uncovered: &[LonLat],
) -> Result<Vec<Candidate>, CoverageError> {
    let inside = |chain: crate::index::Chain| question.area.is_none_or(|a| chain.has(index.areas.get(a).level, a));
    match source {
        Source::Buildings => {
            let found: Vec<Candidate> = (0..index.buildings.all().len() as u32)
                .filter(|&b| inside(index.building_chain(b)))
                .filter_map(|b| {
                    index.buildings.anchor(b).map(|location| Candidate {
                        location,
                        building: Some(b),
                    })
                })
                .collect();
            if found.len() > MAX_CANDIDATES {
                return Err(CoverageError::TooManyCandidates {
                    count: found.len(),
                    max: MAX_CANDIDATES,
                    hint: "choose a smaller area (area_code)",
                });
            }
            Ok(found)
        }
        Source::Grid { spacing_m } => {
            let frame = match question.area {
                Some(a) => bounds(
                    index
                        .areas
                        .get(a)
                        .geometry
                        .0
                        .iter()
                        .flat_map(|p| p.exterior().0.iter())
                        .map(|c| (c.x, c.y)),
                ),
                None => bounds(uncovered.iter().map(|p| (p.lon(), p.lat()))),
            };
            let Some(frame) = frame else {
                return Ok(Vec::new());
            };
            let lattice = Lattice::new(frame, spacing_m);
            let points = lattice.near(uncovered, question.radius.metres())?;
            Ok(points
                .into_iter()
                .filter_map(|(j, i)| lattice.point(i, j))
                .filter(|&p| inside(index.areas.locate(p)))
                .map(|location| Candidate {
                    location,
                    building: None,
                })
                .collect())
        }
    }
}

/// West, south, east, north of some lon/lat pairs.
fn bounds(points: impl Iterator<Item = (f64, f64)>) -> Option<[f64; 4]> {
    points.fold(None, |b, (x, y)| {
        Some(match b {
            None => [x, y, x, y],
            Some([w, s, e, n]) => [w.min(x), s.min(y), e.max(x), n.max(y)],
        })
    })
}

/// Points `west + i·dlon`, `south + j·dlat` (degrees), their steps `spacing_m` metres on the
/// ground at the middle of the frame.
struct Lattice {
    west: f64,
    south: f64,
    dlon: f64,
    dlat: f64,
}

/// A radius short of every meridian and prime-vertical radius of curvature of WGS 84 (the least,
/// the meridian's at the equator, is 6,335,439 m), so degrees from it over-reach, never fall short.
const EARTH_SHORT_M: f64 = 6_335_000.0;

impl Lattice {
    fn new([west, south, east, north]: [f64; 4], spacing_m: f64) -> Self {
        let (lon, lat) = ((west + east) / 2.0, (south + north) / 2.0);
        let step = 1e-3;
        let metres = |dx: f64, dy: f64| match (LonLat::new(lon, lat), LonLat::new(lon + dx, lat + dy)) {
            (Ok(a), Ok(b)) => ground_distance_m(a, b) / step,
            _ => 111_000.0,
        };
        Self {
            west,
            south,
            dlon: spacing_m / metres(step, 0.0).max(1.0),
            dlat: spacing_m / metres(0.0, step).max(1.0),
        }
    }

    /// Lattice indices `(j, i)` of every point that may lie within `radius_m` of one of `around`
    /// (a superset: the exact test is the caller's), at most [`MAX_CANDIDATES`] of them.
    fn near(&self, around: &[LonLat], radius_m: f64) -> Result<BTreeSet<(i64, i64)>, CoverageError> {
        let too_many = |count| CoverageError::TooManyCandidates {
            count,
            max: MAX_CANDIDATES,
            hint: "choose a larger spacing_m or a smaller area (area_code)",
        };
        let reach_lat = (radius_m / EARTH_SHORT_M).to_degrees();
        let mut found = BTreeSet::new();
        for p in around {
            let far_lat = (p.lat().abs() + reach_lat).min(89.0).to_radians();
            let reach_lon = (radius_m / (EARTH_SHORT_M * far_lat.cos())).to_degrees();
            let i0 = ((p.lon() - reach_lon - self.west) / self.dlon).ceil() as i64;
            let i1 = ((p.lon() + reach_lon - self.west) / self.dlon).floor() as i64;
            let j0 = ((p.lat() - reach_lat - self.south) / self.dlat).ceil() as i64;
            let j1 = ((p.lat() + reach_lat - self.south) / self.dlat).floor() as i64;
            let here = ((i1 - i0 + 1).max(0) as usize).saturating_mul((j1 - j0 + 1).max(0) as usize);
            if here > MAX_CANDIDATES {
                return Err(too_many(here));
            }
            for j in j0..=j1 {
                for i in i0..=i1 {
                    found.insert((j, i));
                }
            }
            if found.len() > MAX_CANDIDATES {
                return Err(too_many(found.len()));
            }
        }
        Ok(found)
    }

    /// Lattice point (i, j), rounded to 10⁻⁷ degrees (about a centimetre) so that it reads as it
    /// is computed with.
    fn point(&self, i: i64, j: i64) -> Option<LonLat> {
        let round = |v: f64| (v * 1e7).round() / 1e7;
        LonLat::new(
            round(self.west + i as f64 * self.dlon),
            round(self.south + j as f64 * self.dlat),
        )
        .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{ll, rng};

    #[test]
    fn the_lattice_holds_every_point_within_reach_of_a_household() {
        let mut next = rng(8);
        let households: Vec<LonLat> = (0..25)
            .map(|_| ll(112.1 + next() * 0.02, 32.0 + next() * 0.02))
            .collect();
        let frame = [112.1, 32.0, 112.12, 32.02];
        for (spacing_m, radius_m) in [(50.0, 100.0), (37.0, 60.0), (200.0, 450.0)] {
            let lattice = Lattice::new(frame, spacing_m);
            let near = lattice.near(&households, radius_m).unwrap();
            let mut inside = 0;
            // Every lattice point over the frame and a margin, by brute force.
            let (ni, nj) = ((0.03 / lattice.dlon) as i64, (0.03 / lattice.dlat) as i64);
            for j in -nj / 4..nj {
                for i in -ni / 4..ni {
                    let p = lattice.point(i, j).unwrap();
                    if households.iter().any(|h| ground_distance_m(*h, p) <= radius_m) {
                        assert!(near.contains(&(j, i)), "({i}, {j}) is within reach and missing");
                        inside += 1;
                    }
                }
            }
            assert!(
                inside > 0 && near.len() < 2 * inside,
                "{} kept, {inside} needed",
                near.len()
            );
        }
    }

    #[test]
    fn lattice_steps_are_the_spacing_on_the_ground() {
        let lattice = Lattice::new([112.1, 32.0, 112.12, 32.02], 50.0);
        let (a, east, north) = (
            lattice.point(200, 200).unwrap(),
            lattice.point(201, 200).unwrap(),
            lattice.point(200, 201).unwrap(),
        );
        assert!((ground_distance_m(a, east) - 50.0).abs() < 0.05);
        assert!((ground_distance_m(a, north) - 50.0).abs() < 0.05);
    }

    #[test]
    fn a_spacing_too_fine_for_the_radius_is_refused() {
        let lattice = Lattice::new([112.1, 32.0, 112.12, 32.02], 10.0);
        assert!(matches!(
            lattice.near(&[ll(112.11, 32.01)], 5_000.0),
            Err(CoverageError::TooManyCandidates { .. })
        ));
        for (given, spacing) in [(Some("grid"), Some(5.0)), (Some("grid"), Some(20_000.0))] {
            assert!(matches!(
                Source::parse(given, spacing),
                Err(CoverageError::Spacing { .. })
            ));
        }
        assert_eq!(Source::parse(None, None), Ok(Source::Buildings));
        assert_eq!(
            Source::parse(Some("grid"), None),
            Ok(Source::Grid {
                spacing_m: Source::DEFAULT_SPACING_M
            })
        );
        assert!(matches!(
            Source::parse(Some("roofs"), None),
            Err(CoverageError::Candidates(_))
        ));
    }
}
