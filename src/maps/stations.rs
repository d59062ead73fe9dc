//! Station markers on the coverage map, in the kind's colour and mark as the web map draws them.
//!
//! When a station's reach is wide on the picture (24 pixels at the base size or more) the station
//! is a disc with its mark, drawn over the households: it hides only those within a third of the
//! radius. When the reach is narrower, a disc would hide the very households it covers, so the
//! station is drawn under the households as a ring on its reach (never smaller than a legible
//! ring) with a dot at its place.

use tiny_skia::{FillRule, Mask, PathBuilder, Pixmap, Rect, Stroke, Transform};

use super::furniture::{Symbol, color, paint};
use super::text::{Anchor, Font};
use crate::domain::StationKind;

pub struct Markers {
    colour: [u8; 4],
    mark: &'static str,
    disc: bool,
    ring_px: f32,
    u: f32,
}

fn stroke(width: f32) -> Stroke {
    Stroke {
        width,
        ..Stroke::default()
    }
}

/// `#rrggbb` as opaque RGBA (grey when malformed).
fn hex(s: &str) -> [u8; 4] {
    let byte = |i: usize| {
        s.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(97)
    };
    [byte(1), byte(3), byte(5), 255]
}

impl Markers {
    /// Markers for `kind` whose reach is `reach_px` pixels on a picture of size factor `u`.
    pub fn new(kind: &StationKind, reach_px: f32, u: f32) -> Self {
        let (colour, mark) = crate::tiles::kind_mark(kind);
        Self {
            colour: hex(colour),
            mark,
            disc: reach_px >= 24.0 * u,
            ring_px: reach_px.max(5.5 * u),
            u,
        }
    }

    /// Rings and dots, under the households (narrow reach only).
    pub fn under(&self, pixmap: &mut Pixmap, at: &[(f32, f32)], clip: Option<&Mask>) {
        if self.disc {
            return;
        }
        let id = Transform::identity();
        for &(x, y) in at {
            if let Some(p) = PathBuilder::from_circle(x, y, self.ring_px) {
                pixmap.stroke_path(&p, &paint(self.colour), &stroke(2.2 * self.u), id, clip);
            }
            if let Some(p) = PathBuilder::from_circle(x, y, 2.2 * self.u) {
                pixmap.fill_path(&p, &paint(self.colour), FillRule::Winding, id, clip);
            }
        }
    }

    /// Discs with the kind's mark, over the households (wide reach only).
    pub fn over(
        &self,
        pixmap: &mut Pixmap,
        font: &mut Option<Font>,
        at: &[(f32, f32)],
        view: Rect,
        clip: Option<&Mask>,
    ) {
        if !self.disc {
            return;
        }
        let u = self.u;
        for &(x, y) in at {
            if let Some(p) = PathBuilder::from_circle(x, y, 8.0 * u) {
                pixmap.fill_path(&p, &paint(self.colour), FillRule::Winding, Transform::identity(), clip);
                pixmap.stroke_path(
                    &p,
                    &paint([255, 255, 255, 255]),
                    &stroke(1.6 * u),
                    Transform::identity(),
                    clip,
                );
            }
            let inside = (view.left()..view.right()).contains(&x) && (view.top()..view.bottom()).contains(&y);
            if let Some(f) = font.as_mut()
                && inside
            {
                let white = color([255, 255, 255, 255]);
                f.draw(pixmap, self.mark, x, y + 3.8 * u, 10.5 * u, Anchor::Centre, white, None);
            }
        }
    }

    /// How the legend shows them.
    pub fn symbol(&self) -> Symbol {
        if self.disc {
            Symbol::Dot(self.colour, 7.0, Some([255, 255, 255, 255]))
        } else {
            Symbol::Ring(self.colour, 5.5)
        }
    }
}
