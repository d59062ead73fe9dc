//! The validation report of one area: how its children tile it ([`super::topology`]), which
//! households, buildings and stations lie in no child or in two ([`super::tally`]), and whether the
//! children are of moderate size ([`super::balance`]). The same report is made for the stored
//! children (`validate`) and for a proposal's children (its impact).

use std::borrow::Cow;

use geo::MultiPolygon;

use super::area::GroundArea;
use super::balance::{self, Bands, Measure, Outlier, Spread};
use super::tally::{Children, Counts, Place, Tally};
use super::topology::{self, Piece, Topology};
use crate::domain::Level;
use crate::index::Index;

/// What a report checks against.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Pieces of gap, overlap or overreach under this many m² are slivers, not problems.
    pub tolerance_m2: f64,
    pub bands: Bands,
}

impl Options {
    /// The default tolerance and the default bands for children of `level`.
    pub fn for_children_of(level: Level) -> Self {
        Self {
            tolerance_m2: topology::DEFAULT_TOLERANCE_M2,
            bands: level.child().map_or(Bands([balance::Band::OPEN; 4]), Bands::for_level),
        }
    }
}

/// One child as a report is made of it: its code, name and geometry (stored or proposed).
#[derive(Debug, Clone)]
pub struct Child<'a> {
    pub code: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub geometry: Cow<'a, MultiPolygon<f64>>,
}

/// A child with its counts.
#[derive(Debug, Clone)]
pub struct ChildReport {
    pub code: String,
    pub name: String,
    pub counts: Counts,
    /// Geodesic area, m².
    pub area_m2: f64,
    pub parts: usize,
}

/// Points of the parent in no child or in more than one: indices into the snapshot's layers.
#[derive(Debug, Clone, Default)]
pub struct Strays {
    pub households: Vec<u32>,
    pub buildings: Vec<u32>,
    pub stations: Vec<u32>,
}

impl Strays {
    pub fn is_empty(&self) -> bool {
        self.households.is_empty() && self.buildings.is_empty() && self.stations.is_empty()
    }
}

/// Everything [`report`] found.
#[derive(Debug, Clone)]
pub struct Report {
    pub area: u32,
    /// The level of the children, `None` for a red house-yard (nothing below).
    pub children_level: Option<Level>,
    pub options: Options,
    pub children: Vec<ChildReport>,
    pub topology: Topology,
    pub in_no_child: Strays,
    /// In two or more children (only possible where children overlap).
    pub in_two: Strays,
    pub spreads: Vec<(Measure, Option<Spread>)>,
    pub outliers: Vec<Outlier>,
    /// Where each point of the parent falls (for impact reports).
    pub tally: Tally,
}

impl Report {
    /// Nothing to fix: the children tile the parent, every point is in one child, sizes are in band.
    /// An area without children is clean (there is nothing to tile with yet).
    pub fn is_clean(&self) -> bool {
        self.children.is_empty()
            || (self.topology.is_clean()
                && self.in_no_child.is_empty()
                && self.in_two.is_empty()
                && self.outliers.is_empty())
    }
}

/// The stored children of area `area`.
pub fn stored_children(index: &Index, area: u32) -> Vec<Child<'_>> {
    index
        .areas
        .children(area)
        .iter()
        .map(|&c| {
            let a = index.areas.get(c);
            Child {
                code: Cow::Borrowed(a.code.as_str()),
                name: Cow::Borrowed(a.name.as_str()),
                geometry: Cow::Borrowed(&a.geometry),
            }
        })
        .collect()
}

/// Checks how `children` (stored or proposed) tile area `area` of `index`.
pub fn report(index: &Index, area: u32, children: Vec<Child<'_>>, options: Options) -> Report {
    report_within(index, area, &index.areas.get(area).geometry, children, options)
}

/// [`report`] against `outline` in place of the area's stored geometry (a proposal for the area
/// itself). Households, buildings and stations are those the snapshot puts in the area.
pub fn report_within(
    index: &Index,
    area: u32,
    outline: &MultiPolygon<f64>,
    mut children: Vec<Child<'_>>,
    options: Options,
) -> Report {
    children.sort_by(|a, b| a.code.cmp(&b.code));
    let parent = index.areas.get(area);
    let children_level = parent.level.child();
    let contiguous = matches!(children_level, Some(Level::Grid | Level::RedYard));
    let pieces: Vec<Piece<'_>> = children
        .iter()
        .map(|c| Piece {
            code: &c.code,
            geometry: &c.geometry,
            must_be_contiguous: contiguous,
        })
        .collect();
    let topology = if children.is_empty() {
        Topology::default()
    } else {
        topology::check(outline, &pieces, options.tolerance_m2)
    };
    let tally = Tally::new(
        index,
        area,
        &Children::new(children.iter().map(|c| c.geometry.as_ref())),
    );
    let mut in_no_child = Strays::default();
    let mut in_two = Strays::default();
    if !children.is_empty() {
        sort_strays(&tally.households, &mut in_no_child.households, &mut in_two.households);
        sort_strays(&tally.buildings, &mut in_no_child.buildings, &mut in_two.buildings);
        sort_strays(&tally.stations, &mut in_no_child.stations, &mut in_two.stations);
    }
    let child_reports: Vec<ChildReport> = children
        .iter()
        .zip(&tally.counts)
        .map(|(c, counts)| ChildReport {
            code: c.code.clone().into_owned(),
            name: c.name.clone().into_owned(),
            counts: *counts,
            area_m2: c.geometry.ground_m2(),
            parts: c.geometry.0.len(),
        })
        .collect();
    let measured: Vec<(&str, [u64; 4])> = child_reports
        .iter()
        .map(|c| (c.code.as_str(), c.counts.measures))
        .collect();
    let (spreads, outliers) = balance::judge(&measured, &options.bands);
    Report {
        area,
        children_level,
        options,
        children: child_reports,
        topology,
        in_no_child,
        in_two,
        spreads,
        outliers,
        tally,
    }
}

fn sort_strays(places: &[(u32, Place)], nowhere: &mut Vec<u32>, twice: &mut Vec<u32>) {
    for &(i, place) in places {
        match place {
            Place::Nowhere => nowhere.push(i),
            Place::Twice(..) => twice.push(i),
            Place::In(_) => {}
        }
    }
}
