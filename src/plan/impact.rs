//! What a redraw of sibling areas would do, computed without writing anything: which households,
//! buildings and stations change area (from → to), the counts and balance of every sibling before
//! and after, the leaders concerned, and the topology problems the redraw would create.
//!
//! A redraw replaces the geometry of one or more children of one parent. Everything is compared
//! at the children's level; a changed area's own children (red house-yards under a grid) are
//! checked for reaching outside its new outline.

use std::borrow::Cow;
use std::collections::BTreeSet;

use geo::MultiPolygon;

use super::tally::Place;
use super::topology::{self, Piece};
use super::validate::{self, Child, Options, Report};
use crate::index::Index;

/// A new set of children for `parent`: new geometries for some (`(child index in the snapshot,
/// geometry)`), some retired (split or merged away) and some created in their place.
#[derive(Debug, Clone)]
pub struct Redraw {
    pub parent: u32,
    pub changes: Vec<(u32, MultiPolygon<f64>)>,
    pub retired: Vec<u32>,
    pub created: Vec<NewChild>,
}

impl Redraw {
    /// New geometries for some children, none retired or created.
    pub fn outlines(parent: u32, changes: Vec<(u32, MultiPolygon<f64>)>) -> Self {
        Self {
            parent,
            changes,
            retired: Vec::new(),
            created: Vec::new(),
        }
    }
}

/// A child a split or merge creates.
#[derive(Debug, Clone)]
pub struct NewChild {
    pub code: String,
    pub name: String,
    pub geometry: MultiPolygon<f64>,
}

/// One point that changes child: child codes, `None` for "in no child".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub item: u32,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A problem a report has, in a form two reports can be compared by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// Gaps between the children, total area in whole m².
    Gaps {
        area_m2: u64,
    },
    Overlap {
        codes: [String; 2],
    },
    Outside {
        code: String,
    },
    Scattered {
        code: String,
    },
    /// A changed area's own children reaching outside its new outline.
    ChildrenOutside {
        code: String,
        child: String,
    },
    InNoChild {
        households: usize,
        buildings: usize,
        stations: usize,
    },
    InTwoChildren {
        households: usize,
        buildings: usize,
        stations: usize,
    },
    Unbalanced {
        code: String,
        measure: &'static str,
        side: &'static str,
    },
}

impl Problem {
    /// Whether a commit must not create it: everything but balance, which is the planner's call.
    pub fn blocks(&self) -> bool {
        !matches!(self, Self::Unbalanced { .. })
    }
}

/// Everything [`assess`] found.
#[derive(Debug, Clone)]
pub struct Impact {
    pub before: Report,
    pub after: Report,
    pub households: Vec<Move>,
    pub buildings: Vec<Move>,
    pub stations: Vec<Move>,
    /// Problems after the redraw that were not there before.
    pub new_problems: Vec<Problem>,
    /// Problems before the redraw that are gone after it.
    pub solved: Vec<Problem>,
    /// Children whose counts change, are redrawn, retired or created (codes): the areas whose
    /// leaders are concerned.
    pub affected: Vec<String>,
    /// Center households (党员中心户) now in another child than a household they look after:
    /// `(center, looked-after)`.
    pub split_links: Vec<(u32, u32)>,
}

impl Impact {
    pub fn blocking(&self) -> impl Iterator<Item = &Problem> {
        self.new_problems.iter().filter(|p| p.blocks())
    }
}

/// The problems of a report, comparable with those of another report of the same parent.
pub fn problems(r: &Report) -> BTreeSet<Problem> {
    let mut out = BTreeSet::new();
    let t = &r.topology;
    let gaps: f64 = t.gaps.iter().map(|g| g.area_m2).sum();
    if gaps > 0.0 {
        out.insert(Problem::Gaps {
            area_m2: gaps.round() as u64,
        });
    }
    for o in &t.overlaps {
        out.insert(Problem::Overlap { codes: o.codes.clone() });
    }
    for o in &t.outside {
        out.insert(Problem::Outside { code: o.code.clone() });
    }
    for s in &t.scattered {
        out.insert(Problem::Scattered { code: s.code.clone() });
    }
    for (strays, two) in [(&r.in_no_child, false), (&r.in_two, true)] {
        if !strays.is_empty() {
            let (households, buildings, stations) =
                (strays.households.len(), strays.buildings.len(), strays.stations.len());
            out.insert(if two {
                Problem::InTwoChildren {
                    households,
                    buildings,
                    stations,
                }
            } else {
                Problem::InNoChild {
                    households,
                    buildings,
                    stations,
                }
            });
        }
    }
    for o in &r.outliers {
        out.insert(Problem::Unbalanced {
            code: o.code.clone(),
            measure: o.measure.as_str(),
            side: o.side.as_str(),
        });
    }
    out
}

/// What `redraw` would change, checked with `options`.
pub fn assess(index: &Index, redraw: &Redraw, options: Options) -> Impact {
    let parent = redraw.parent;
    let stored = validate::stored_children(index, parent);
    let proposed: Vec<Child<'_>> = index
        .areas
        .children(parent)
        .iter()
        .zip(stored.iter())
        .filter(|(c, _)| !redraw.retired.contains(c))
        .map(|(&c, child)| match redraw.changes.iter().find(|(i, _)| *i == c) {
            Some((_, g)) => Child {
                geometry: Cow::Borrowed(g),
                ..child.clone()
            },
            None => child.clone(),
        })
        .chain(redraw.created.iter().map(|n| Child {
            code: Cow::Borrowed(n.code.as_str()),
            name: Cow::Borrowed(n.name.as_str()),
            geometry: Cow::Borrowed(&n.geometry),
        }))
        .collect();
    let before = validate::report(index, parent, stored, options);
    let after = validate::report(index, parent, proposed, options);

    // Report rows are children in code order; a place is a row.
    let code_in = |r: &Report, p: Place| p.child().map(|i| r.children[i].code.clone());
    let moves = |b: &[(u32, Place)], a: &[(u32, Place)]| -> Vec<Move> {
        b.iter()
            .zip(a)
            .filter_map(|(&(item, pb), &(_, pa))| {
                let (from, to) = (code_in(&before, pb), code_in(&after, pa));
                (from != to).then_some(Move { item, from, to })
            })
            .collect()
    };
    let households = moves(&before.tally.households, &after.tally.households);
    let buildings = moves(&before.tally.buildings, &after.tally.buildings);
    let stations = moves(&before.tally.stations, &after.tally.stations);

    let mut was = problems(&before);
    let mut now = problems(&after);
    for (c, g) in &redraw.changes {
        children_outside(index, *c, &index.areas.get(*c).geometry, options, &mut was);
        children_outside(index, *c, g, options, &mut now);
    }
    let (new_problems, solved) = compare(&was, &now, options.tolerance_m2);

    let counts_after = |code: &str| after.children.iter().find(|c| c.code == code).map(|c| c.counts);
    let code = |i: u32| index.areas.get(i).code.to_string();
    let affected: Vec<String> = before
        .children
        .iter()
        .filter(|b| counts_after(&b.code) != Some(b.counts))
        .map(|b| b.code.clone())
        .chain(redraw.changes.iter().map(|(c, _)| code(*c)))
        .chain(redraw.retired.iter().map(|&c| code(c)))
        .chain(redraw.created.iter().map(|n| n.code.clone()))
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();

    let place_after: std::collections::HashMap<u32, Option<usize>> =
        after.tally.households.iter().map(|&(h, p)| (h, p.child())).collect();
    let moved: BTreeSet<u32> = households.iter().map(|m| m.item).collect();
    let mut split_links = Vec::new();
    for &h in &moved {
        let record = index.households.get(h);
        // A moved center household and those it looks after, and a moved household and its center.
        let mut pairs: Vec<(u32, u32)> = index.households.looked_after(h).iter().map(|&o| (h, o)).collect();
        if let Some(center) = record.center_code.as_ref().and_then(|c| index.households.find(c)) {
            pairs.push((center, h));
        }
        for (center, other) in pairs {
            let (Some(a), Some(b)) = (place_after.get(&center), place_after.get(&other)) else {
                continue;
            };
            if a != b && !split_links.contains(&(center, other)) {
                split_links.push((center, other));
            }
        }
    }
    split_links.sort_unstable();

    Impact {
        before,
        after,
        households,
        buildings,
        stations,
        new_problems,
        solved,
        affected,
        split_links,
    }
}

/// Problems in `now` not in `was`, and the other way round. Gaps and strays are measured, not
/// named: they count as new only when they grow (by more than the tolerance for gaps), and as
/// solved when they shrink to nothing.
fn compare(was: &BTreeSet<Problem>, now: &BTreeSet<Problem>, tolerance_m2: f64) -> (Vec<Problem>, Vec<Problem>) {
    let measured = |p: &&Problem| {
        matches!(
            p,
            Problem::Gaps { .. } | Problem::InNoChild { .. } | Problem::InTwoChildren { .. }
        )
    };
    let mut new: Vec<Problem> = now.difference(was).filter(|p| !measured(p)).cloned().collect();
    let mut solved: Vec<Problem> = was.difference(now).filter(|p| !measured(p)).cloned().collect();
    let gaps = |set: &BTreeSet<Problem>| {
        set.iter()
            .find_map(|p| match p {
                Problem::Gaps { area_m2 } => Some(*area_m2),
                _ => None,
            })
            .unwrap_or(0)
    };
    let strays = |set: &BTreeSet<Problem>, two: bool| {
        set.iter()
            .find_map(|p| match (p, two) {
                (
                    Problem::InNoChild {
                        households,
                        buildings,
                        stations,
                    },
                    false,
                )
                | (
                    Problem::InTwoChildren {
                        households,
                        buildings,
                        stations,
                    },
                    true,
                ) => Some(households + buildings + stations),
                _ => None,
            })
            .unwrap_or(0)
    };
    let (g0, g1) = (gaps(was), gaps(now));
    if g1 as f64 > g0 as f64 + tolerance_m2 {
        new.extend(now.iter().find(|p| matches!(p, Problem::Gaps { .. })).cloned());
    } else if g0 > 0 && g1 == 0 {
        solved.extend(was.iter().find(|p| matches!(p, Problem::Gaps { .. })).cloned());
    }
    for two in [false, true] {
        let is = |p: &&Problem| {
            if two {
                matches!(p, Problem::InTwoChildren { .. })
            } else {
                matches!(p, Problem::InNoChild { .. })
            }
        };
        let (s0, s1) = (strays(was, two), strays(now, two));
        if s1 > s0 {
            new.extend(now.iter().find(is).cloned());
        } else if s0 > 0 && s1 == 0 {
            solved.extend(was.iter().find(is).cloned());
        }
    }
    new.sort();
    solved.sort();
    (new, solved)
}

/// Adds a problem for every child of area `area` reaching outside `outline`.
fn children_outside(
    index: &Index,
    area: u32,
    outline: &MultiPolygon<f64>,
    options: Options,
    into: &mut BTreeSet<Problem>,
) {
    let kids = index.areas.children(area);
    if kids.is_empty() {
        return;
    }
    let code = index.areas.get(area).code.to_string();
    let pieces: Vec<Piece<'_>> = kids
        .iter()
        .map(|&k| Piece {
            code: index.areas.get(k).code.as_str(),
            geometry: &index.areas.get(k).geometry,
            must_be_contiguous: false,
        })
        .collect();
    // Only the reach outside matters here; gaps inside the new outline are the next redraw's work.
    for o in topology::check(outline, &pieces, options.tolerance_m2).outside {
        into.insert(Problem::ChildrenOutside {
            code: code.clone(),
            child: o.code,
        });
    }
}
