//! The parts of a printed map around the data: the legend box, the scale bar and the north arrow.

use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

use super::frame::Frame;
use super::text::{Anchor, Font};

pub fn paint(rgba: [u8; 4]) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(rgba[0], rgba[1], rgba[2], rgba[3]);
    p.anti_alias = true;
    p
}

pub fn color(rgba: [u8; 4]) -> Color {
    Color::from_rgba8(rgba[0], rgba[1], rgba[2], rgba[3])
}

pub fn rect(pixmap: &mut Pixmap, x: f32, y: f32, w: f32, h: f32, fill: [u8; 4], edge: Option<([u8; 4], f32)>) {
    let Some(r) = Rect::from_xywh(x, y, w, h) else { return };
    let path = PathBuilder::from_rect(r);
    pixmap.fill_path(&path, &paint(fill), FillRule::Winding, Transform::identity(), None);
    if let Some((c, width)) = edge {
        let stroke = Stroke {
            width,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(c), &stroke, Transform::identity(), None);
    }
}

/// The longest round length (1, 2 or 5 × 10ⁿ metres) not over `max_m`.
pub fn round_length(max_m: f64) -> f64 {
    let p = 10f64.powf(max_m.max(1.0).log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * p)
        .find(|&l| l <= max_m)
        .unwrap_or(p)
}

/// `500 米`, `2 千米`, `1.5 千米`.
pub fn metres_text(m: f64) -> String {
    if m >= 1000.0 {
        let km = m / 1000.0;
        let s = format!("{km:.1}");
        format!("{} 千米", s.trim_end_matches('0').trim_end_matches('.'))
    } else {
        format!("{} 米", m.round())
    }
}

/// A scale bar of a round length in four alternating segments, its right end at (`right`,
/// `bottom`) and about a fifth of the map wide. Returns its length in metres.
pub fn scale_bar(pixmap: &mut Pixmap, font: &mut Option<Font>, frame: &Frame, right: f32, bottom: f32, u: f32) -> f64 {
    let length_m = round_length(f64::from(frame.viewport.width) * 0.2 * frame.m_per_px);
    let length_px = (length_m / frame.m_per_px) as f32;
    let label_size = 12.0 * u;
    let label = metres_text(length_m);
    let label_w = font.as_mut().map_or(0.0, |f| f.measure(&label, label_size));
    let bar_h = 6.0 * u;
    let pad = 8.0 * u;
    let box_w = length_px + label_w / 2.0 + 2.0 * pad + 6.0 * u;
    let box_h = bar_h + label_size + 3.0 * pad;
    let (bx, by) = (right - box_w, bottom - box_h);
    rect(pixmap, bx, by, box_w, box_h, [255, 255, 255, 220], None);
    let x0 = bx + pad + 4.0 * u;
    let y0 = by + pad + label_size + pad * 0.6;
    let seg = length_px / 4.0;
    for i in 0..4 {
        let fill = if i % 2 == 0 {
            [30, 30, 30, 255]
        } else {
            [255, 255, 255, 255]
        };
        rect(
            pixmap,
            x0 + seg * i as f32,
            y0,
            seg,
            bar_h,
            fill,
            Some(([30, 30, 30, 255], 1.0)),
        );
    }
    if let Some(f) = font.as_mut() {
        let ink = color([30, 30, 30, 255]);
        let base = y0 - 3.0 * u;
        f.draw(pixmap, "0", x0, base, label_size, Anchor::Centre, ink, None);
        f.draw(
            pixmap,
            &label,
            x0 + length_px,
            base,
            label_size,
            Anchor::Centre,
            ink,
            None,
        );
    }
    length_m
}

/// A north arrow (north is straight up in this projection) with 北 above it, centred on `cx`,
/// its top at `top`.
pub fn north_arrow(pixmap: &mut Pixmap, font: &mut Option<Font>, cx: f32, top: f32, u: f32) {
    let size = 15.0 * u;
    let h = 30.0 * u;
    let w = 10.0 * u;
    let y0 = top + size + 4.0 * u;
    rect(
        pixmap,
        cx - w - 8.0 * u,
        top - 4.0 * u,
        2.0 * w + 16.0 * u,
        h + size + 14.0 * u,
        [255, 255, 255, 200],
        None,
    );
    let ink = [30, 30, 30, 255];
    let mut left = PathBuilder::new();
    left.move_to(cx, y0);
    left.line_to(cx - w, y0 + h);
    left.line_to(cx, y0 + h * 0.72);
    left.close();
    let mut right = PathBuilder::new();
    right.move_to(cx, y0);
    right.line_to(cx + w, y0 + h);
    right.line_to(cx, y0 + h * 0.72);
    right.close();
    let stroke = Stroke {
        width: 1.2 * u,
        ..Stroke::default()
    };
    if let Some(p) = left.finish() {
        pixmap.fill_path(&p, &paint(ink), FillRule::Winding, Transform::identity(), None);
    }
    if let Some(p) = right.finish() {
        pixmap.fill_path(
            &p,
            &paint([255, 255, 255, 255]),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
        pixmap.stroke_path(&p, &paint(ink), &stroke, Transform::identity(), None);
    }
    if let Some(f) = font.as_mut() {
        f.draw(pixmap, "北", cx, top + size, size, Anchor::Centre, color(ink), None);
    }
}

/// One line of the legend: what its symbol looks like.
pub enum Symbol {
    /// An outline of this colour and width.
    Line([u8; 4], f32),
    /// A filled circle of this colour and radius (pixels at u = 1), optionally with an edge.
    Dot([u8; 4], f32, Option<[u8; 4]>),
    /// A ring of this colour and radius (pixels at u = 1).
    Ring([u8; 4], f32),
    /// A tinted disc with an edge.
    Reach([u8; 4], [u8; 4]),
    /// No symbol: a note.
    Note,
}

/// The size of the legend box of `rows`, pixels (width, height).
pub fn legend_size(font: &mut Option<Font>, rows: &[(Symbol, String)], u: f32) -> (f32, f32) {
    let size = 13.0 * u;
    let line = 21.0 * u;
    let pad = 10.0 * u;
    let swatch = 24.0 * u;
    let text_w = rows
        .iter()
        .map(|(s, t)| {
            let w = font.as_mut().map_or(0.0, |f| f.measure(t, size));
            if matches!(s, Symbol::Note) {
                w
            } else {
                w + swatch + 8.0 * u
            }
        })
        .fold(0.0f32, f32::max);
    (text_w + 2.0 * pad, line * (rows.len() as f32 + 1.0) + pad * 1.5)
}

/// The legend box: `rows` of (symbol, text), its bottom-left corner at (`left`, `bottom`).
pub fn legend(pixmap: &mut Pixmap, font: &mut Option<Font>, rows: &[(Symbol, String)], left: f32, bottom: f32, u: f32) {
    let size = 13.0 * u;
    let line = 21.0 * u;
    let pad = 10.0 * u;
    let swatch = 24.0 * u;
    let title = "图例";
    let (w, h) = legend_size(font, rows, u);
    let (x, y) = (left, bottom - h);
    rect(
        pixmap,
        x,
        y,
        w,
        h,
        [255, 255, 255, 235],
        Some(([120, 120, 120, 255], 1.0)),
    );
    let ink = color([30, 30, 30, 255]);
    if let Some(f) = font.as_mut() {
        f.draw(
            pixmap,
            title,
            x + pad,
            y + pad + size,
            size * 1.05,
            Anchor::Left,
            ink,
            None,
        );
    }
    for (i, (symbol, text)) in rows.iter().enumerate() {
        let mid = y + pad + line * (i as f32 + 1.0) + line * 0.5;
        let sx = x + pad;
        match symbol {
            Symbol::Line(c, width) => {
                let mut pb = PathBuilder::new();
                pb.move_to(sx, mid);
                pb.line_to(sx + swatch, mid);
                if let Some(p) = pb.finish() {
                    let stroke = Stroke {
                        width: width * u,
                        ..Stroke::default()
                    };
                    pixmap.stroke_path(&p, &paint(*c), &stroke, Transform::identity(), None);
                }
            }
            Symbol::Dot(c, r, edge) => {
                if let Some(p) = PathBuilder::from_circle(sx + swatch / 2.0, mid, r * u) {
                    pixmap.fill_path(&p, &paint(*c), FillRule::Winding, Transform::identity(), None);
                    if let Some(e) = edge {
                        let stroke = Stroke {
                            width: 1.5 * u,
                            ..Stroke::default()
                        };
                        pixmap.stroke_path(&p, &paint(*e), &stroke, Transform::identity(), None);
                    }
                }
            }
            Symbol::Ring(c, r) => {
                if let Some(p) = PathBuilder::from_circle(sx + swatch / 2.0, mid, r * u) {
                    let stroke = Stroke {
                        width: 2.2 * u,
                        ..Stroke::default()
                    };
                    pixmap.stroke_path(&p, &paint(*c), &stroke, Transform::identity(), None);
                }
            }
            Symbol::Reach(fill, edge) => {
                if let Some(p) = PathBuilder::from_circle(sx + swatch / 2.0, mid, 8.0 * u) {
                    pixmap.fill_path(&p, &paint(*fill), FillRule::Winding, Transform::identity(), None);
                    let stroke = Stroke {
                        width: 1.5 * u,
                        ..Stroke::default()
                    };
                    pixmap.stroke_path(&p, &paint(*edge), &stroke, Transform::identity(), None);
                }
            }
            Symbol::Note => {}
        }
        let tx = if matches!(symbol, Symbol::Note) {
            sx
        } else {
            sx + swatch + 8.0 * u
        };
        if let Some(f) = font.as_mut() {
            f.draw(pixmap, text, tx, mid + size * 0.38, size, Anchor::Left, ink, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_lengths_are_round() {
        assert_eq!(round_length(730.0), 500.0);
        assert_eq!(round_length(1999.0), 1000.0);
        assert_eq!(round_length(2000.0), 2000.0);
        assert_eq!(round_length(45.0), 20.0);
        assert_eq!(metres_text(500.0), "500 米");
        assert_eq!(metres_text(2000.0), "2 千米");
        assert_eq!(metres_text(1500.0), "1.5 千米");
    }
}
