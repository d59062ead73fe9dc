//! The coverage map: an area, its children and neighbours, each station of a kind with its reach
//! (a geodesic circle of the radius), and the households coloured covered or not, exactly as the
//! coverage [`Report`] counts them.

use std::path::Path;

use geo::{BoundingRect, MultiPolygon, Rect};
use tiny_skia::{FillRule, Mask, Path as SkPath, PathBuilder, Pixmap, StrokeDash, Transform};

use super::MapError;
use super::frame::{Frame, Viewport};
use super::furniture::{self, color, paint, rect};
use super::reach::{self, stroke};
use super::stations::Markers;
use super::text::{Anchor, Font};
use super::{captions, labels};
use crate::coverage::Report;
use crate::index::Index;

/// Households whose nearest station of the kind is within the radius (RGB).
pub const COVERED: [u8; 3] = [26, 150, 65];
/// Households left out (RGB).
pub const UNCOVERED: [u8; 3] = [230, 85, 13];
const INK: [u8; 4] = [30, 30, 30, 255];
const BACKDROP: [u8; 4] = [236, 236, 232, 255];
/// Type smaller than this, pixels, is not drawn: Chinese characters cannot be read below it.
const MIN_TEXT_PX: f32 = 8.0;

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

fn rgba(rgb: [u8; 3], a: u8) -> [u8; 4] {
    [rgb[0], rgb[1], rgb[2], a]
}

/// Draws the map as a PNG.
pub fn render(map: &CoverageMap<'_>) -> Result<Rendered, MapError> {
    let (index, report) = (map.index, map.report);
    let (w, h) = (map.width as f32, map.height as f32);
    // Sizes are set for 900 pixels and grow or shrink with the picture, but text no smaller than
    // about 9 pixels, below which Chinese characters cannot be read.
    let u = (w.min(h) / 900.0).clamp(0.7, 3.0);
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

    // Roads and paths, then what the stations reach.
    let with_paths = reach::paths(&mut pixmap, &frame, index, u, clip);
    let stations = reach::stations_in_view(index, report, &frame);
    reach::reach(&mut pixmap, &frame, index, report, &stations, u, clip);
    let circle_px = report.question.radius.metres() / frame.m_per_px;

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

    if let Some(f) = font.as_mut() {
        let names = labels::Names {
            children: &children,
            neighbours: &neighbours,
            station_px: &station_px,
        };
        labels::names(&mut pixmap, f, index, &frame, names, view_rect, u);
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
        with_paths,
    );
    let pad = 10.0 * u;
    // A small picture gets the rows that say what the colours mean, or no legend at all, rather
    // than a legend over most of the map.
    let fits = |font: &mut Option<Font>, rows: &[(furniture::Symbol, String)]| {
        let (lw, lh) = furniture::legend_size(font, rows, u);
        lw <= viewport.width * 0.6 && lh <= viewport.height * 0.45
    };
    let rows = if fits(&mut font, &rows) {
        Some(rows)
    } else {
        let compact = captions::compact(rows);
        fits(&mut font, &compact).then_some(compact)
    };
    if let Some(rows) = rows {
        furniture::legend(
            &mut pixmap,
            &mut font,
            &rows,
            viewport.x + pad,
            viewport.y + viewport.height - pad,
            u,
        );
    }
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
        // The figures are also in the legend; a line too small to read is left out.
        if facts_size >= MIN_TEXT_PX {
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
        }
        // The data line, shortened (and the date left out) where the picture is too narrow.
        let (measure, short_measure) = match report.walking {
            Some(_) => ("沿道路网的步行距离", "步行距离（道路网）"),
            None => ("WGS 84 椭球面测地距离", "测地距离（WGS 84）"),
        };
        let long = format!(
            "数据：gridmap（覆盖按到最近{kind}的{measure}计算）　投影：局部等距圆柱，中心 {:.3}°E {:.3}°N，上为北",
            frame.lon0, frame.lat0
        );
        let short = format!("数据：gridmap　{short_measure}　局部等距圆柱投影，上为北");
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
