//! The names of areas on the coverage map: the children of the area dark, its neighbours grey,
//! each at a point inside its largest part, pushed below a station drawn there, and left out where
//! it would overlap a name placed already or run off the map.

use geo::{BoundingRect, InteriorPoint, MultiPolygon};
use tiny_skia::Pixmap;

use super::frame::Frame;
use super::furniture::color;
use super::text::{Anchor, Font};
use crate::index::Index;

/// The most of the map's area the names may cover.
const NAMES_SHARE: f32 = 0.1;

/// Whose names to draw, and what to keep clear of.
pub struct Names<'a> {
    /// Indices into the snapshot's areas.
    pub children: &'a [u32],
    pub neighbours: &'a [u32],
    /// Stations drawn, pixels.
    pub station_px: &'a [(f32, f32)],
}

/// Draws the names inside `view_rect` (pixels).
pub fn names(
    pixmap: &mut Pixmap,
    f: &mut Font,
    index: &Index,
    frame: &Frame,
    names: Names<'_>,
    view_rect: tiny_skia::Rect,
    u: f32,
) {
    let Names {
        children,
        neighbours,
        station_px,
    } = names;
    let mut placed: Vec<tiny_skia::Rect> = Vec::new();
    let budget = view_rect.width() * view_rect.height() * NAMES_SHARE;
    let mut covered = 0.0;
    let labels = children
        .iter()
        .map(|&c| (c, 13.0 * u, [40, 40, 40, 255]))
        .chain(neighbours.iter().map(|&n| (n, 14.0 * u, [120, 120, 115, 255])));
    for (a, size, ink) in labels {
        let record = index.areas.get(a);
        let Some(p) = largest_part(&record.geometry).and_then(|g| g.interior_point()) else {
            continue;
        };
        let (x, mut y) = frame.project(p.x(), p.y());
        let tw = f.measure(&record.name, size);
        // A station at the label's place (a village's centre often has one) pushes it below.
        let near = 10.0 * u;
        if station_px
            .iter()
            .any(|&(sx, sy)| (sx - x).abs() < tw / 2.0 + near && sy > y - size - near && sy < y + near)
        {
            y += size + near;
        }
        let Some(r) = tiny_skia::Rect::from_xywh(x - tw / 2.0 - 2.0, y - size * 0.9, tw + 4.0, size * 1.2) else {
            continue;
        };
        let inside = r.left() >= view_rect.left()
            && r.right() <= view_rect.right()
            && r.top() >= view_rect.top()
            && r.bottom() <= view_rect.bottom();
        if !inside || placed.iter().any(|q| q.intersect(&r).is_some()) {
            continue;
        }
        // Names may take a tenth of the map: a small picture shows its data, not a page of names.
        if covered + r.width() * r.height() > budget {
            break;
        }
        covered += r.width() * r.height();
        placed.push(r);
        f.draw(
            pixmap,
            &record.name,
            x,
            y + size * 0.35,
            size,
            Anchor::Centre,
            color(ink),
            Some((2.0 * u, color([255, 255, 255, 230]))),
        );
    }
}

/// The part of a multipolygon with the largest extent, where its name goes.
fn largest_part(geometry: &MultiPolygon<f64>) -> Option<&geo::Polygon<f64>> {
    geometry.iter().max_by(|a, b| {
        let size = |p: &geo::Polygon<f64>| p.bounding_rect().map_or(0.0, |r| r.width() * r.height());
        size(a).total_cmp(&size(b))
    })
}
