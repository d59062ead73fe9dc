//! What the stations reach on the coverage map: geodesic circles of the radius for straight-line
//! coverage, the stretches of path within the walk for coverage on foot, and the path network
//! itself beneath, faint, where one is loaded.

use geo::BoundingRect;
use tiny_skia::{FillRule, LineCap, Mask, PathBuilder, Pixmap, Stroke, Transform};

use super::frame::Frame;
use super::furniture::paint;
use crate::coverage::Report;
use crate::index::Index;

/// The edge of a station's reach (RGB); its inside is the same colour, faint.
pub const REACH: [u8; 3] = [33, 102, 172];
/// Roads and paths beneath (RGBA).
pub const PATHS: [u8; 4] = [200, 198, 190, 255];

fn rgba(rgb: [u8; 3], a: u8) -> [u8; 4] {
    [rgb[0], rgb[1], rgb[2], a]
}

pub fn stroke(width: f32) -> Stroke {
    Stroke {
        width,
        line_join: tiny_skia::LineJoin::Round,
        line_cap: LineCap::Round,
        ..Stroke::default()
    }
}

/// The stations of the report's kind whose reach may show in the frame (within the radius of its
/// bounds), as indices into the snapshot's stations.
pub fn stations_in_view(index: &Index, report: &Report, frame: &Frame) -> Vec<u32> {
    let radius_m = report.question.radius.metres();
    let bounds = frame.bounds();
    let (dlat, dlon) = (radius_m / frame.m_per_deg_lat, radius_m / frame.m_per_deg_lon);
    (0..index.stations.all().len() as u32)
        .filter(|&s| {
            let st = index.stations.get(s);
            let (lon, lat) = (st.location.lon(), st.location.lat());
            st.kind == report.question.kind
                && lon >= bounds.min().x - dlon
                && lon <= bounds.max().x + dlon
                && lat >= bounds.min().y - dlat
                && lat <= bounds.max().y + dlat
        })
        .collect()
}

/// Draws every path in the frame, thin and faint; returns whether there was one to draw.
pub fn paths(pixmap: &mut Pixmap, frame: &Frame, index: &Index, u: f32, clip: Option<&Mask>) -> bool {
    let bounds = frame.bounds();
    let mut pb = PathBuilder::new();
    for path in index.paths.all().iter() {
        let Some(b) = path.geometry.bounding_rect() else {
            continue;
        };
        if b.max().x < bounds.min().x
            || b.min().x > bounds.max().x
            || b.max().y < bounds.min().y
            || b.min().y > bounds.max().y
        {
            continue;
        }
        for line in &path.geometry {
            for (i, c) in line.coords().enumerate() {
                let (x, y) = frame.project(c.x, c.y);
                if i == 0 { pb.move_to(x, y) } else { pb.line_to(x, y) }
            }
        }
    }
    let Some(p) = pb.finish() else { return false };
    pixmap.stroke_path(
        &p,
        &paint(PATHS),
        &stroke((0.9 * u).max(0.6)),
        Transform::identity(),
        clip,
    );
    true
}

/// Draws the reach of `stations`: on foot the stretches of path within the walk (a broad tinted
/// band under a firm line, so they read at any scale), otherwise one tinted union of geodesic
/// circles of the radius, then each circle's edge.
pub fn reach(
    pixmap: &mut Pixmap,
    frame: &Frame,
    index: &Index,
    report: &Report,
    stations: &[u32],
    u: f32,
    clip: Option<&Mask>,
) {
    let id = Transform::identity();
    if let (Some(walking), Some(net)) = (&report.walking, index.paths.network()) {
        let mut pb = PathBuilder::new();
        for line in walking.segments(net) {
            let (x0, y0) = frame.project(line.start.x, line.start.y);
            let (x1, y1) = frame.project(line.end.x, line.end.y);
            pb.move_to(x0, y0);
            pb.line_to(x1, y1);
        }
        if let Some(p) = pb.finish() {
            pixmap.stroke_path(&p, &paint(rgba(REACH, 60)), &stroke((7.0 * u).max(3.0)), id, clip);
            pixmap.stroke_path(&p, &paint(rgba(REACH, 255)), &stroke((1.6 * u).max(1.0)), id, clip);
        }
        return;
    }
    let radius_m = report.question.radius.metres();
    let steps = (radius_m / frame.m_per_px * 0.8).clamp(24.0, 180.0) as usize;
    let mut pb = PathBuilder::new();
    for &s in stations {
        let ring = crate::index::geodesic::circle(index.stations.get(s).location, radius_m, steps);
        for (i, (lon, lat)) in ring.iter().enumerate() {
            let (x, y) = frame.project(*lon, *lat);
            if i == 0 { pb.move_to(x, y) } else { pb.line_to(x, y) }
        }
        pb.close();
    }
    if let Some(p) = pb.finish() {
        pixmap.fill_path(&p, &paint(rgba(REACH, 34)), FillRule::Winding, id, clip);
        pixmap.stroke_path(&p, &paint(rgba(REACH, 255)), &stroke((1.3 * u).max(1.0)), id, clip);
    }
}
