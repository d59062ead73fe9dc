//! Split and merge: areas retired and others created in their place, numbered by the convention
//! of [`crate::domain::numbering`], with their own children carried along.
//!
//! A split retires one area and creates its parts; a merge retires adjacent siblings and creates
//! their union. Every child of a retired area is retired too and re-created, under a new code,
//! inside the part it lies in (cut in pieces where a split line crosses it), so the children still
//! tile their parent and every code keeps its meaning: a code's prefix is always its parent's.
//! Lineage links each retired area to the areas made from it.
//!
//! Geometry is WGS 84 lon/lat; slivers are measured in geodesic m².

use geo::{BooleanOps, BoundingRect, Centroid, MultiPolygon};

use uuid::Uuid;

use super::area::GroundArea;
use super::border;
use super::impact::{NewChild, Redraw};
use super::snap::{self, Snapper};
use crate::domain::numbering::{self, NumberingError};
use crate::domain::{Area, Code};
use crate::index::Index;
use crate::store::AreaChange;

/// A split or merge: what to write, and the redraw of the parent's children to assess.
#[derive(Debug, Clone)]
pub struct Restructure {
    pub change: AreaChange,
    pub redraw: Redraw,
    /// The areas created at the level of the retired ones, in code order.
    pub created: Vec<Area>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RestructureError {
    #[error("{0} has no parent: counties are not split or merged here")]
    NoParent(String),
    #[error("{code} is not a child of {parent}: only siblings are merged")]
    NotSibling { code: String, parent: String },
    #[error("give two or more areas to merge")]
    TooFew,
    #[error("{0} is given twice")]
    Repeated(String),
    #[error("{0} shares no border with the other areas: only adjacent areas are merged")]
    NotAdjacent(String),
    #[error("a split needs two or more parts")]
    OnePart,
    #[error("{0} names were given for {1} parts")]
    Names(usize, usize),
    #[error(transparent)]
    Numbering(#[from] NumberingError),
}

/// Whether two outlines share a stretch of border (not just a corner).
fn adjacent(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
    border::shared(a, b) > 1e-7
}

/// The order in which `outlines` get sequence numbers: reading order of their centroids, rows
/// half as tall as the median outline.
pub(crate) fn numbering_order(outlines: &[MultiPolygon<f64>]) -> Vec<usize> {
    let cents: Vec<[f64; 2]> = outlines
        .iter()
        .map(|g| g.centroid().map_or([0.0, 0.0], |c| [c.x(), c.y()]))
        .collect();
    let mut heights: Vec<f64> = outlines
        .iter()
        .map(|g| g.bounding_rect().map_or(0.0, |r| r.height()))
        .collect();
    heights.sort_by(f64::total_cmp);
    let row = heights.get(heights.len() / 2).copied().unwrap_or(0.0) / 2.0;
    numbering::reading_order(&cents, row)
}

/// The redraw of `parent`'s children that retires `retired` and creates `created`.
fn redraw(parent: u32, retired: Vec<u32>, created: &[Area]) -> Redraw {
    Redraw {
        parent,
        changes: Vec::new(),
        retired,
        created: created
            .iter()
            .map(|a| NewChild {
                code: a.code.to_string(),
                name: a.name.clone(),
                geometry: a.geometry.clone(),
            })
            .collect(),
    }
}

/// What is being built.
struct Builder<'a> {
    index: &'a Index,
    tolerance_m2: f64,
    change: AreaChange,
}

impl Builder<'_> {
    fn retire(&mut self, i: u32) {
        let a = self.index.areas.get(i);
        self.change.retired.push((a.code.clone(), a.version));
    }

    /// Re-creates the children of the retired `olds` inside `targets` (`(code, outline)` of the
    /// areas that replace them), piece by piece, numbered in reading order within each target;
    /// then their children, and so on down.
    fn carry(&mut self, olds: &[u32], targets: &[(Code, MultiPolygon<f64>)]) -> Result<(), RestructureError> {
        let kids: Vec<u32> = olds
            .iter()
            .flat_map(|&o| self.index.areas.children(o).iter().copied())
            .collect();
        if kids.is_empty() {
            return Ok(());
        }
        for &k in &kids {
            self.retire(k);
        }
        let level = self.index.areas.get(kids[0]).level;
        for (target, outline) in targets {
            // Pieces of the old children inside this target.
            let mut pieces: Vec<(u32, MultiPolygon<f64>)> = Vec::new();
            for &k in &kids {
                let g = &self.index.areas.get(k).geometry;
                let piece = g.intersection(outline);
                if piece.ground_m2() >= self.tolerance_m2 {
                    pieces.push((k, piece));
                }
            }
            let mut outlines: Vec<MultiPolygon<f64>> = pieces.iter().map(|(_, g)| g.clone()).collect();
            let olds: Vec<&MultiPolygon<f64>> =
                pieces.iter().map(|(k, _)| &self.index.areas.get(*k).geometry).collect();
            snap::in_turn(&mut outlines, &[&olds[..], &[outline]].concat());
            for ((_, g), s) in pieces.iter_mut().zip(&outlines) {
                *g = s.clone();
            }
            // The target's code is new, so nothing was ever numbered under it.
            let codes = numbering::issue(target, level, &[], pieces.len())?;
            let mut next: Vec<(Code, MultiPolygon<f64>, u32)> = Vec::new();
            for (n, at) in numbering_order(&outlines).into_iter().enumerate() {
                let (old, geometry) = &pieces[at];
                let was = self.index.areas.get(*old);
                let code = codes[n].clone();
                self.change.lineage.push((was.code.clone(), code.clone()));
                self.change.created.push(Area {
                    id: Uuid::new_v4(),
                    code: code.clone(),
                    parent_code: Some(target.clone()),
                    geometry: geometry.clone(),
                    version: 1,
                    ..was.clone()
                });
                next.push((code, geometry.clone(), *old));
            }
            for (code, geometry, old) in next {
                self.carry(&[old], &[(code, geometry)])?;
            }
        }
        Ok(())
    }
}

/// Splits area `area` into `parts` (outlines inside it that tile it, e.g. from
/// [`super::split`]). `used` is every code ever held under the area's parent; `names` (one per
/// part, in the order of `parts`) default to the area's name with the part's number.
pub fn split(
    index: &Index,
    area: u32,
    parts: Vec<MultiPolygon<f64>>,
    names: Option<Vec<String>>,
    used: &[String],
    tolerance_m2: f64,
) -> Result<Restructure, RestructureError> {
    let old = index.areas.get(area);
    let parent = index
        .areas
        .parent(area)
        .ok_or_else(|| RestructureError::NoParent(old.code.to_string()))?;
    if parts.len() < 2 {
        return Err(RestructureError::OnePart);
    }
    if let Some(n) = &names
        && n.len() != parts.len()
    {
        return Err(RestructureError::Names(n.len(), parts.len()));
    }
    let parent_code = &index.areas.get(parent).code;
    let codes = numbering::issue(parent_code, old.level, used, parts.len())?;
    let mut parts = parts;
    snap::in_turn(&mut parts, &[&old.geometry, &index.areas.get(parent).geometry]);
    let mut b = Builder {
        index,
        tolerance_m2,
        change: AreaChange::default(),
    };
    b.retire(area);
    let mut created = Vec::with_capacity(parts.len());
    for (n, at) in numbering_order(&parts).into_iter().enumerate() {
        let name = match &names {
            Some(names) => names[at].clone(),
            None => format!("{}（{}）", old.name, n + 1),
        };
        created.push(Area {
            id: Uuid::new_v4(),
            code: codes[n].clone(),
            name,
            // The leader of the whole is not the leader of every part: the planner names them.
            leader_name: None,
            leader_phone: None,
            geometry: parts[at].clone(),
            version: 1,
            ..old.clone()
        });
    }
    finish(b, &[area], parent, created)
}

/// Merges the adjacent siblings `areas` into one area named `name` (default: the name of the
/// largest), which keeps the leader and properties of the largest. `used` is every code ever held
/// under their parent.
pub fn merge(
    index: &Index,
    areas: &[u32],
    name: Option<String>,
    used: &[String],
    tolerance_m2: f64,
) -> Result<Restructure, RestructureError> {
    let code = |i: u32| index.areas.get(i).code.to_string();
    let [first, ..] = areas else {
        return Err(RestructureError::TooFew);
    };
    if areas.len() < 2 {
        return Err(RestructureError::TooFew);
    }
    let parent = index
        .areas
        .parent(*first)
        .ok_or_else(|| RestructureError::NoParent(code(*first)))?;
    for (k, &a) in areas.iter().enumerate() {
        if index.areas.parent(a) != Some(parent) {
            return Err(RestructureError::NotSibling {
                code: code(a),
                parent: code(parent),
            });
        }
        if areas[..k].contains(&a) {
            return Err(RestructureError::Repeated(code(a)));
        }
    }
    // Adjacency: every area reachable from the first through shared borders.
    let outline = |i: u32| &index.areas.get(i).geometry;
    let mut reached = vec![*first];
    let mut grew = true;
    while grew {
        grew = false;
        for &a in areas {
            if !reached.contains(&a) && reached.iter().any(|&r| adjacent(outline(r), outline(a))) {
                reached.push(a);
                grew = true;
            }
        }
    }
    if let Some(&alone) = areas.iter().find(|a| !reached.contains(a)) {
        return Err(RestructureError::NotAdjacent(code(alone)));
    }
    let union =
        Snapper::new(areas.iter().map(|&a| outline(a))).apply(&geo::unary_union(areas.iter().map(|&a| outline(a))));
    let largest = *areas
        .iter()
        .max_by(|a, b| outline(**a).ground_m2().total_cmp(&outline(**b).ground_m2()))
        .unwrap_or(first);
    let base = index.areas.get(largest);
    let parent_code = &index.areas.get(parent).code;
    let codes = numbering::issue(parent_code, base.level, used, 1)?;
    let mut b = Builder {
        index,
        tolerance_m2,
        change: AreaChange::default(),
    };
    for &a in areas {
        b.retire(a);
    }
    let merged = Area {
        id: Uuid::new_v4(),
        code: codes[0].clone(),
        name: name.unwrap_or_else(|| base.name.clone()),
        geometry: union,
        version: 1,
        ..base.clone()
    };
    finish(b, areas, parent, vec![merged])
}

/// Links the retired `olds` to `created`, carries their children and builds the redraw.
fn finish(
    mut b: Builder<'_>,
    olds: &[u32],
    parent: u32,
    mut created: Vec<Area>,
) -> Result<Restructure, RestructureError> {
    // A split has one predecessor and a merge one successor: every pair is a link.
    for &o in olds {
        let was = &b.index.areas.get(o).code;
        for c in &created {
            b.change.lineage.push((was.clone(), c.code.clone()));
        }
    }
    let targets: Vec<(Code, MultiPolygon<f64>)> =
        created.iter().map(|a| (a.code.clone(), a.geometry.clone())).collect();
    b.carry(olds, &targets)?;
    created.sort_by(|x, y| x.code.cmp(&y.code));
    let redraw = redraw(parent, olds.to_vec(), &created);
    let mut change = b.change;
    // Parents before children, so a reader of the change meets each parent first.
    let mut all = created.clone();
    all.append(&mut change.created);
    change.created = all;
    Ok(Restructure {
        change,
        redraw,
        created,
    })
}

/// One child of a [`replace_children`] redraw.
#[derive(Debug, Clone)]
pub struct Replacement {
    pub name: String,
    pub leader_name: Option<String>,
    pub leader_phone: Option<String>,
    pub properties: crate::domain::Properties,
    pub geometry: MultiPolygon<f64>,
}

/// Retires every child of `parent` (which must have no children of their own) and creates `new`
/// in their place, numbered in reading order after every code ever held under the parent
/// (`used`). Each retired child is linked to the new ones it overlaps.
pub fn replace_children(
    index: &Index,
    parent: u32,
    level: crate::domain::Level,
    new: Vec<Replacement>,
    used: &[String],
    tolerance_m2: f64,
) -> Result<Restructure, RestructureError> {
    let parent_code = &index.areas.get(parent).code;
    let olds: Vec<u32> = index.areas.children(parent).to_vec();
    let codes = numbering::issue(parent_code, level, used, new.len())?;
    let mut outlines: Vec<MultiPolygon<f64>> = new.iter().map(|r| r.geometry.clone()).collect();
    snap::in_turn(&mut outlines, &[&index.areas.get(parent).geometry]);
    let mut change = AreaChange::default();
    let mut created = Vec::with_capacity(new.len());
    for (n, at) in numbering_order(&outlines).into_iter().enumerate() {
        let r = &new[at];
        created.push(Area {
            id: Uuid::new_v4(),
            code: codes[n].clone(),
            name: r.name.clone(),
            level,
            parent_code: Some(parent_code.clone()),
            leader_name: r.leader_name.clone(),
            leader_phone: r.leader_phone.clone(),
            properties: r.properties.clone(),
            geometry: outlines[at].clone(),
            version: 1,
        });
    }
    for &o in &olds {
        let was = index.areas.get(o);
        change.retired.push((was.code.clone(), was.version));
        for c in &created {
            if was.geometry.intersection(&c.geometry).ground_m2() >= tolerance_m2 {
                change.lineage.push((was.code.clone(), c.code.clone()));
            }
        }
    }
    change.created = created.clone();
    let redraw = redraw(parent, olds, &created);
    Ok(Restructure {
        change,
        redraw,
        created,
    })
}
