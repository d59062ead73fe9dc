//! Turning a planner's drawing into a redraw that keeps the tiling: the new outline is clipped to
//! the parent, and with shared edges on, a border move changes both sides at once — neighbours lose
//! what the redrawn area gains, and the land it gives up goes to the neighbour it borders most.
//!
//! Geometry is WGS 84 lon/lat; the boolean operations are planar on it (as GeoJSON's edges are),
//! and "borders most" compares shared edge lengths in degrees, which is enough to choose between
//! neighbours a few hundred metres apart.

use geo::{BooleanOps, MultiPolygon};

use super::area::GroundArea;
use super::border;
use super::impact::Redraw;
use super::snap::Snapper;
use crate::index::Index;

/// What [`redraw`] did to the drawing, for the planner to read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adjustments {
    /// Area cut off because it lay outside the parent, m² (geodesic), per redrawn area.
    pub clipped: Vec<(u32, f64)>,
    /// Neighbours changed to keep the tiling (shared-edge moves).
    pub neighbours: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("area {0} has no parent to redraw it within")]
    NoParent(String),
    #[error("{code} is not a child of {parent}: a redraw changes siblings only")]
    NotSibling { code: String, parent: String },
    #[error("the new outline of {0} lies outside its parent")]
    Outside(String),
    #[error("{0} is given twice")]
    Repeated(String),
}

/// Builds the redraw of `drawn` (`(area index, new outline)`, siblings all), clipping each outline
/// to the parent and, with `shared_edges`, moving the borders of the siblings not drawn.
/// `tolerance_m2` is the sliver size below which clipping and moves are ignored.
pub fn redraw(
    index: &Index,
    drawn: Vec<(u32, MultiPolygon<f64>)>,
    shared_edges: bool,
    tolerance_m2: f64,
) -> Result<(Redraw, Adjustments), EditError> {
    let Some(&(first, _)) = drawn.first() else {
        return Err(EditError::Repeated("nothing".into()));
    };
    let code = |i: u32| index.areas.get(i).code.to_string();
    let parent = index
        .areas
        .parent(first)
        .ok_or_else(|| EditError::NoParent(code(first)))?;
    let outline = &index.areas.get(parent).geometry;
    let mut adjustments = Adjustments::default();
    let mut changes: Vec<(u32, MultiPolygon<f64>)> = Vec::new();
    let siblings: Vec<&MultiPolygon<f64>> = index
        .areas
        .children(parent)
        .iter()
        .map(|&c| &index.areas.get(c).geometry)
        .collect();
    // The drawing as given, the parent and the stored siblings: where clipped vertices belong.
    let as_drawn = Snapper::new(
        drawn
            .iter()
            .map(|(_, g)| g)
            .chain([outline])
            .chain(siblings.iter().copied()),
    );
    for (i, g) in drawn {
        if index.areas.parent(i) != Some(parent) {
            return Err(EditError::NotSibling {
                code: code(i),
                parent: code(parent),
            });
        }
        if changes.iter().any(|(c, _)| *c == i) {
            return Err(EditError::Repeated(code(i)));
        }
        let beyond = g.difference(outline).ground_m2();
        let g = if beyond >= tolerance_m2 {
            adjustments.clipped.push((i, beyond));
            as_drawn.apply(&g.intersection(outline))
        } else {
            g
        };
        if g.ground_m2() < tolerance_m2 {
            return Err(EditError::Outside(code(i)));
        }
        changes.push((i, g));
    }
    if shared_edges {
        let drawn_count = changes.len();
        move_borders(index, parent, &mut changes, tolerance_m2, &mut adjustments);
        // Neighbours cut to fit meet the redrawn areas exactly.
        let fitted = Snapper::new(
            changes[..drawn_count]
                .iter()
                .map(|(_, g)| g)
                .chain([outline])
                .chain(siblings.iter().copied()),
        );
        for (_, g) in &mut changes[drawn_count..] {
            *g = fitted.apply(g);
        }
    }
    Ok((Redraw::outlines(parent, changes), adjustments))
}

/// Siblings not drawn lose what the drawn areas now cover, and the land the drawn areas gave up
/// goes, piece by piece, to the sibling sharing the longest edge with it.
fn move_borders(
    index: &Index,
    parent: u32,
    changes: &mut Vec<(u32, MultiPolygon<f64>)>,
    tolerance_m2: f64,
    adjustments: &mut Adjustments,
) {
    let drawn: Vec<u32> = changes.iter().map(|(i, _)| *i).collect();
    let mut others: Vec<(u32, MultiPolygon<f64>)> = index
        .areas
        .children(parent)
        .iter()
        .filter(|c| !drawn.contains(c))
        .map(|&c| (c, index.areas.get(c).geometry.clone()))
        .collect();
    let mut touched = vec![false; others.len()];
    let covered = geo::unary_union(changes.iter().map(|(_, g)| g));
    for (k, (_, g)) in others.iter_mut().enumerate() {
        let lost = g.intersection(&covered);
        if lost.ground_m2() >= tolerance_m2 {
            *g = g.difference(&covered);
            touched[k] = true;
        }
    }
    for (i, new) in changes.iter() {
        let given_up = index.areas.get(*i).geometry.difference(new).difference(&covered);
        for piece in given_up {
            let piece = MultiPolygon::new(vec![piece]);
            if piece.ground_m2() < tolerance_m2 {
                continue;
            }
            if let Some(k) = border::longest_shared(&piece, others.iter().map(|(_, g)| g), 1e-9) {
                others[k].1 = others[k].1.union(&piece);
                touched[k] = true;
            }
        }
    }
    for ((c, g), t) in others.into_iter().zip(touched) {
        if t {
            adjustments.neighbours.push(c);
            changes.push((c, g));
        }
    }
}
