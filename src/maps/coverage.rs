//! The coverage map: an area, its children and neighbours, each station of a kind with its reach
//! (a geodesic circle of the radius), and the households coloured covered or not, exactly as the
//! coverage [`Report`] counts them.

use std::path::Path;

use geo::{BoundingRect, InteriorPoint, MultiPolygon, Rect};
use tiny_skia::{FillRule, Mask, Path as SkPath, PathBuilder, Pixmap, Stroke, StrokeDash, Transform};

use super::MapError;
use super::captions;
use super::frame::{Frame, Viewport};
use super::furniture::{self, color, paint, rect};
use super::stations::Markers;
use super::text::{Anchor, Font};
use crate::coverage::Report;
use crate::index::Index;

/// Households whose nearest station of the kind is within the radius (RGB).
pub const COVERED: [u8; 3] = [26, 150, 65];
/// Households left out (RGB).
pub const UNCOVERED: [u8; 3] = [230, 85, 13];
/// The edge of a station's reach (RGB); its inside is the same colour, faint.
pub const REACH: [u8; 3] = [33, 102, 172];
const INK: [u8; 4] = [30, 30, 30, 255];
const BACKDROP: [u8; 4] = [236, 236, 232, 255];

/// Which households the caller may see drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Households {
    /// Every household of the report.
    All,
    /// Only these (positions into [`Report::households`]): a caller scoped to part of the area.
    Some(Vec<usize>),
    /// None: the caller's role does not include residents' data (viewers).
    None,
}

/// What to draw.
pub struct CoverageMap<'a> {
    pub index: &'a Index,
    pub report: &'a Report,
    pub households: Households,
    /// Whether household figures may be printed (title line, legend).
    pub counts: bool,
    pub width: u32,
    pub height: u32,
    /// The CJK font for the text; without one the map is drawn with no text.
    pub font: Option<&'a Path>,
    /// When the map was made, as printed in the data line.
    pub made: String,
}

/// The PNG and the projection it was drawn in.
pub struct Rendered {
    pub png: Vec<u8>,
    pub frame: Frame,
}

/// A tiny-skia path of a multipolygon's rings, projected.
fn polygon_path(frame: &Frame, geometry: &MultiPolygon<f64>) -> Option<SkPath> {
    let mut pb = PathBuilder::new();
    for polygon in geometry {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for (i, c) in ring.coords().enumerate() {
                let (x, y) = frame.project(c.x, c.y);
                if i == 0 { pb.move_to(x, y) } else { pb.line_to(x, y) }
            }
            pb.close();
        }
    }
    pb.finish()
}

fn stroke(width: f32) -> Stroke {
    Stroke {
        width,
        line_join: tiny_skia::LineJoin::Round,
        ..Stroke::default()
    }
}

fn rgba(rgb: [u8; 3], a: u8) -> [u8; 4] {
    [rgb[0], rgb[1], rgb[2], a]
}

/// Draws the map as a PNG.
pub fn render(map: &CoverageMap<'_>) -> Result<Rendered, MapError> {
    let (index, report) = (map.index, map.report);
    let (w, h) = (map.width as f32, map.height as f32);
    // Sizes are set for 900 pixels and grow or shrink with the picture.
    let u = (w.min(h) / 900.0).clamp(0.5, 3.0);
    let mut font = map.font.and_then(|p| match Font::open(p) {
        Ok(f) => Some(f),
        Err(e) => {
            tracing::warn!(error = %e, "the coverage map is drawn without text");
            None
        }
    });
    let mut pixmap = Pixmap::new(map.width, map.height).ok_or_else(|| MapError::Encode("empty picture".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);

    let margin = 16.0 * u;
    let title_h = 72.0 * u;
    let footer_h = 28.0 * u;
    let viewport = Viewport {
        x: margin,
        y: title_h,
        width: w - 2.0 * margin,
        height: h - title_h - footer_h,
    };
    let area = report.question.area;
    let shown_areas: Vec<u32> = match area {
        Some(a) => vec![a],
        None => (0..index.areas.len() as u32)
            .filter(|&i| index.areas.parent(i).is_none())
            .collect(),
    };
    let bbox = shown_areas
        .iter()
        .filter_map(|&a| index.areas.get(a).geometry.bounding_rect())
        .reduce(|a, b| {
            Rect::new(
                (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
                (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
            )
        })
        .unwrap_or_else(|| Rect::new((112.0, 32.0), (112.01, 32.01)));
    let frame = Frame::fit(bbox, viewport, 0.04);
    let view_rect = tiny_skia::Rect::from_xywh(viewport.x, viewport.y, viewport.width, viewport.height)
        .ok_or_else(|| MapError::Encode("picture too small".into()))?;
    let mut clip = Mask::new(map.width, map.height).ok_or_else(|| MapError::Encode("empty picture".into()))?;
    clip.fill_path(
        &PathBuilder::from_rect(view_rect),
        FillRule::Winding,
        false,
        Transform::identity(),
    );
    let clip = Some(&clip);
    let id = Transform::identity();
    rect(
        &mut pixmap,
        viewport.x,
        viewport.y,
        viewport.width,
        viewport.height,
        BACKDROP,
        None,
    );

    // Neighbours: the parent's other children, faint, for context.
    let neighbours: Vec<u32> = area
        .and_then(|a| index.areas.parent(a).map(|p| (a, p)))
        .map(|(a, p)| index.areas.children(p).iter().copied().filter(|&c| c != a).collect())
        .unwrap_or_default();
    for &n in &neighbours {
        if let Some(p) = polygon_path(&frame, &index.areas.get(n).geometry) {
            pixmap.fill_path(&p, &paint([246, 246, 243, 255]), FillRule::EvenOdd, id, clip);
            pixmap.stroke_path(&p, &paint([170, 170, 165, 255]), &stroke(1.0 * u), id, clip);
        }
    }
    // The area itself, white.
    let area_paths: Vec<SkPath> = shown_areas
        .iter()
        .filter_map(|&a| polygon_path(&frame, &index.areas.get(a).geometry))
        .collect();
    for p in &area_paths {
        pixmap.fill_path(p, &paint([255, 255, 255, 255]), FillRule::EvenOdd, id, clip);
    }

    // Station reach: one tinted union of geodesic circles, then each edge.
    let radius_m = report.question.radius.metres();
    let bounds = frame.bounds();
    let margin_deg = (radius_m / frame.m_per_deg_lat, radius_m / frame.m_per_deg_lon);
    let stations: Vec<u32> = (0..index.stations.all().len() as u32)
        .filter(|&s| {
            let st = index.stations.get(s);
            let (lon, lat) = (st.location.lon(), st.location.lat());
            st.kind == report.question.kind
                && lon >= bounds.min().x - margin_deg.1
                && lon <= bounds.max().x + margin_deg.1
                && lat >= bounds.min().y - margin_deg.0
                && lat <= bounds.max().y + margin_deg.0
        })
        .collect();
    let circle_px = radius_m / frame.m_per_px;
    let steps = (circle_px * 0.8).clamp(24.0, 180.0) as usize;
    let mut reach = PathBuilder::new();
    let mut edges = PathBuilder::new();
    for &s in &stations {
        let loc = index.stations.get(s).location;
        let ring = crate::index::geodesic::circle(loc, radius_m, steps);
        for pb in [&mut reach, &mut edges] {
            for (i, (lon, lat)) in ring.iter().enumerate() {
                let (x, y) = frame.project(*lon, *lat);
                if i == 0 { pb.move_to(x, y) } else { pb.line_to(x, y) }
            }
            pb.close();
        }
    }
    if let Some(p) = reach.finish() {
        pixmap.fill_path(&p, &paint(rgba(REACH, 34)), FillRule::Winding, id, clip);
    }
    if let Some(p) = edges.finish() {
        pixmap.stroke_path(&p, &paint(rgba(REACH, 255)), &stroke((1.3 * u).max(1.0)), id, clip);
    }

    // Children's outlines, then the area's.
    let children: Vec<u32> = area.map(|a| index.areas.children(a).to_vec()).unwrap_or_default();
    let child_level = children.first().map(|&c| index.areas.get(c).level);
    for &c in &children {
        if let Some(p) = polygon_path(&frame, &index.areas.get(c).geometry) {
            let mut s = stroke(1.2 * u);
            s.dash = StrokeDash::new(vec![6.0 * u, 3.0 * u], 0.0);
            pixmap.stroke_path(&p, &paint([90, 90, 90, 255]), &s, id, clip);
        }
    }
    for p in &area_paths {
        pixmap.stroke_path(p, &paint(INK), &stroke(2.6 * u), id, clip);
    }

    // Stations (see [`Markers`]): rings under the households when the reach is narrow.
    let markers = Markers::new(&report.question.kind, circle_px as f32, u);
    let station_px: Vec<(f32, f32)> = stations
        .iter()
        .map(|&s| {
            let loc = index.stations.get(s).location;
            frame.project(loc.lon(), loc.lat())
        })
        .collect();
    markers.under(&mut pixmap, &station_px, clip);

    // Households: those left out first, the covered on top (they are few, around the stations, and
    // would otherwise be buried).
    let dot = (2.0 * u).max(1.5);
    let drawn: Vec<usize> = match &map.households {
        Households::All => (0..report.households.len()).collect(),
        Households::Some(list) => list.clone(),
        Households::None => Vec::new(),
    };
    for covered in [false, true] {
        let mut pb = PathBuilder::new();
        for &j in drawn.iter().filter(|&&j| report.is_covered(j) == covered) {
            let loc = index.households.get(report.households[j]).location;
            let (x, y) = frame.project(loc.lon(), loc.lat());
            pb.push_circle(x, y, dot);
        }
        if let Some(p) = pb.finish() {
            let c = if covered { COVERED } else { UNCOVERED };
            pixmap.fill_path(&p, &paint(rgba(c, 255)), FillRule::Winding, id, clip);
        }
    }

    markers.over(&mut pixmap, &mut font, &station_px, view_rect, clip);

    // Names: children dark, neighbours grey; a label that would overlap one placed already is left out.
    if let Some(f) = font.as_mut() {
        let mut placed: Vec<tiny_skia::Rect> = Vec::new();
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
            placed.push(r);
            f.draw(
                &mut pixmap,
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
    let edge = PathBuilder::from_rect(view_rect);
    pixmap.stroke_path(&edge, &paint([120, 120, 120, 255]), &stroke(1.0), id, None);

    // Title, the line of figures under it, and the legend's rows.
    let kind = captions::kind_name(&report.question.kind);
    let (title, facts) = captions::title(index, report, map.counts);
    let (mut covered, mut left_out) = (0, 0);
    for &j in &drawn {
        if report.is_covered(j) {
            covered += 1
        } else {
            left_out += 1
        }
    }
    let rows = captions::legend_rows(
        index,
        report,
        &map.households,
        (covered, left_out),
        child_level,
        markers.symbol(),
    );
    let pad = 10.0 * u;
    furniture::legend(
        &mut pixmap,
        &mut font,
        &rows,
        viewport.x + pad,
        viewport.y + viewport.height - pad,
        u,
    );
    furniture::scale_bar(
        &mut pixmap,
        &mut font,
        &frame,
        viewport.x + viewport.width - pad,
        viewport.y + viewport.height - pad,
        u,
    );
    furniture::north_arrow(
        &mut pixmap,
        &mut font,
        viewport.x + viewport.width - pad - 20.0 * u,
        viewport.y + pad + 4.0 * u,
        u,
    );

    if let Some(f) = font.as_mut() {
        let ink = color(INK);
        // Smaller type where a narrow picture would cut a line.
        let mut fit = |text: &str, size: f32| size.min(size * (w - 2.0 * margin) / f.measure(text, size).max(1.0));
        let (title_size, facts_size) = (fit(&title, 27.0 * u), fit(&facts, 14.0 * u));
        f.draw(
            &mut pixmap,
            &title,
            w / 2.0,
            34.0 * u,
            title_size,
            Anchor::Centre,
            ink,
            None,
        );
        f.draw(
            &mut pixmap,
            &facts,
            w / 2.0,
            60.0 * u,
            facts_size,
            Anchor::Centre,
            color([70, 70, 70, 255]),
            None,
        );
        // The data line, shortened (and the date left out) where the picture is too narrow.
        let long = format!(
            "数据：gridmap（覆盖按到最近{kind}的 WGS 84 椭球面测地距离计算）　投影：局部等距圆柱，中心 {:.3}°E {:.3}°N，上为北",
            frame.lon0, frame.lat0
        );
        let short = "数据：gridmap　测地距离（WGS 84）　局部等距圆柱投影，上为北".to_owned();
        let made = format!("制图 {}", map.made);
        let base = h - 9.0 * u;
        let small = 11.0 * u;
        let room = w - 2.0 * margin - f.measure(&made, small) - 16.0 * u;
        let data = [long, short].into_iter().find(|d| f.measure(d, small) <= room);
        let grey = color([90, 90, 90, 255]);
        match data {
            Some(d) => {
                f.draw(&mut pixmap, &d, margin, base, small, Anchor::Left, grey, None);
                f.draw(&mut pixmap, &made, w - margin, base, small, Anchor::Right, grey, None);
            }
            None => {
                let d = "数据：gridmap　局部等距圆柱投影，上为北";
                f.draw(&mut pixmap, d, margin, base, small, Anchor::Left, grey, None);
            }
        }
    }

    let png = pixmap.encode_png().map_err(|e| MapError::Encode(e.to_string()))?;
    Ok(Rendered { png, frame })
}

/// The part of a multipolygon with the largest extent, where its name goes.
fn largest_part(geometry: &MultiPolygon<f64>) -> Option<&geo::Polygon<f64>> {
    geometry.iter().max_by(|a, b| {
        let size = |p: &geo::Polygon<f64>| p.bounding_rect().map_or(0.0, |r| r.width() * r.height());
        size(a).total_cmp(&size(b))
    })
}
