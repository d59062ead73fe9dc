//! Planar segments against axis-aligned rectangles, in whatever units the caller's plane has
//! (degrees for the index's cell grid, tile units for the tile cutter).

use geo::{Coord, Rect};

/// The part of segment a–b inside `bounds` (closed), if any (Liang–Barsky).
pub fn clip_segment(a: Coord<f64>, b: Coord<f64>, bounds: Rect<f64>) -> Option<(Coord<f64>, Coord<f64>)> {
    let (d, min, max) = (b - a, bounds.min(), bounds.max());
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-d.x, a.x - min.x),
        (d.x, max.x - a.x),
        (-d.y, a.y - min.y),
        (d.y, max.y - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            a + d * t
        }
    };
    Some((at(t0), at(t1)))
}
