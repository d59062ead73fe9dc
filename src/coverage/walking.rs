//! Coverage by walking distance: the same households and stations as a [`Report`], measured along
//! the path network instead of in a straight line.
//!
//! Every station of the kind is snapped to the network and one Dijkstra from all of them at once
//! goes out as far as [`LONGEST_WALK_M`] (so the households left out have their walk too); a
//! household is covered on foot when the walk from its door to the network, along it, and from the
//! network to a station's door is at most the radius. The walk is never shorter than the straight
//! line, so walking coverage never exceeds straight-line coverage.

use std::collections::HashMap;

use super::{CoverageError, Report};
use crate::index::Index;
use crate::network::{Network, Reach, Snap};

/// How distances are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Distance {
    /// Geodesic metres in a straight line (the default).
    #[default]
    Straight,
    /// Metres along the path network.
    Walking,
}

impl Distance {
    /// `straight` (or nothing) or `walking`.
    pub fn parse(raw: Option<&str>) -> Result<Self, CoverageError> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("straight") => Ok(Self::Straight),
            Some("walking") => Ok(Self::Walking),
            Some(other) => Err(CoverageError::Distance(crate::domain::clip(other))),
        }
    }

    /// The name in queries and answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Straight => "straight",
            Self::Walking => "walking",
        }
    }
}

/// Walking figures beside a [`Report`].
#[derive(Debug, Clone)]
pub struct Walking {
    /// The walks from every station of the kind, as far as [`LONGEST_WALK_M`]: the stretches of
    /// path within the radius are [`Walking::segments`].
    pub reach: Reach,
    /// The radius, metres.
    pub radius_m: f64,
    /// For each household of the report, where it joins the network (`None` for an empty one).
    pub doors: Vec<Option<Snap>>,
    /// For each household of the report, the walk to its nearest station of the kind, metres;
    /// `None` beyond [`LONGEST_WALK_M`] or where the network does not lead to one.
    pub metres: Vec<Option<f64>>,
    /// Households covered on foot, in all and for each row of [`Report::by_area`].
    pub covered: usize,
    pub by_area: Vec<usize>,
}

/// The longest walk measured, metres: the longest radius coverage may be asked for, so that the
/// households left out have their walk to the nearest station too, not only those covered.
pub const LONGEST_WALK_M: f64 = super::Radius::MAX_M;

impl Walking {
    /// Whether the `j`-th household of the report walks at most the radius to a station.
    pub fn is_covered(&self, j: usize) -> bool {
        self.metres[j].is_some_and(|m| m <= self.radius_m)
    }

    /// The stretches of path within the radius of a station of the kind (see
    /// [`Reach::segments_within`]).
    pub fn segments(&self, net: &Network) -> Vec<geo::Line<f64>> {
        self.reach.segments_within(net, self.radius_m)
    }
}

/// The network of the snapshot, or [`CoverageError::NoPaths`].
pub fn network(index: &Index) -> Result<&Network, CoverageError> {
    index.paths.network().ok_or(CoverageError::NoPaths)
}

/// Walking coverage of the households and stations of `report`.
pub fn walk(index: &Index, report: &Report) -> Result<Walking, CoverageError> {
    let net = network(index)?;
    let q = &report.question;
    let radius = q.radius.metres();
    let sources: Vec<Snap> = index
        .stations
        .all()
        .iter()
        .filter(|s| s.kind == q.kind)
        .filter_map(|s| net.snap(s.location.to_coord()))
        .collect();
    let reach = Reach::from_sources(net, &sources, LONGEST_WALK_M);
    let doors: Vec<Option<Snap>> = report
        .households
        .iter()
        .map(|&h| net.snap(index.households.get(h).location.to_coord()))
        .collect();
    let metres: Vec<Option<f64>> = doors.iter().map(|d| reach.to(net, d.as_ref()?)).collect();
    let row_of: HashMap<u32, usize> = report.by_area.iter().enumerate().map(|(r, (a, _))| (*a, r)).collect();
    let mut by_area = vec![0; report.by_area.len()];
    let mut covered = 0;
    for (j, &h) in report.households.iter().enumerate() {
        if metres[j].is_none_or(|m| m > radius) {
            continue;
        }
        covered += 1;
        let row = index.households.chain(h).get(q.level).and_then(|a| row_of.get(&a));
        if let Some(&r) = row {
            by_area[r] += 1;
        }
    }
    Ok(Walking {
        reach,
        radius_m: radius,
        doors,
        metres,
        covered,
        by_area,
    })
}
