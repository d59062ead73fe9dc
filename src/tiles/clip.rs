//! Clipping rings to a tile's buffered square, in tile units.
//!
//! Sutherland–Hodgman against the four edges of an axis-aligned box: linear in the ring's length,
//! never fails, and keeps the ring's orientation. Where a concave ring leaves and re-enters the box
//! the output runs along the box edge between the two crossings; those edges lie in the buffer,
//! outside the visible tile, so renderers draw the same picture as an exact intersection would.

use geo::{Coord, Rect};

use crate::index::segment::clip_segment;

/// Clips an open ring (last point not repeated) to `bounds`. Returns an open ring, empty when
/// nothing of the ring lies inside.
#[cfg(test)]
pub fn clip_ring(ring: &[Coord<f64>], bounds: Rect<f64>) -> Vec<Coord<f64>> {
    let mut out = ring.to_vec();
    clip_ring_in_place(&mut out, &mut Vec::new(), bounds);
    out
}

/// [`clip_ring`] without allocating once the buffers have grown: `ring` is replaced by its clipped
/// self, `scratch` holds the passes in between.
pub fn clip_ring_in_place(ring: &mut Vec<Coord<f64>>, scratch: &mut Vec<Coord<f64>>, bounds: Rect<f64>) {
    let (min, max) = (bounds.min(), bounds.max());
    // One pass per box edge: (is inside, crossing of segment a→b with the edge), ping-ponging
    // between the two buffers.
    clip_edge(ring, scratch, |c| c.x >= min.x, |a, b| at_x(a, b, min.x));
    clip_edge(scratch, ring, |c| c.x <= max.x, |a, b| at_x(a, b, max.x));
    clip_edge(ring, scratch, |c| c.y >= min.y, |a, b| at_y(a, b, min.y));
    clip_edge(scratch, ring, |c| c.y <= max.y, |a, b| at_y(a, b, max.y));
}

fn clip_edge(
    ring: &[Coord<f64>],
    out: &mut Vec<Coord<f64>>,
    inside: impl Fn(Coord<f64>) -> bool,
    cross: impl Fn(Coord<f64>, Coord<f64>) -> Coord<f64>,
) {
    out.clear();
    let Some(&last) = ring.last() else {
        return;
    };
    let mut prev = last;
    for &cur in ring {
        match (inside(prev), inside(cur)) {
            (true, true) => out.push(cur),
            (true, false) => out.push(cross(prev, cur)),
            (false, true) => {
                out.push(cross(prev, cur));
                out.push(cur);
            }
            (false, false) => {}
        }
        prev = cur;
    }
}

fn at_x(a: Coord<f64>, b: Coord<f64>, x: f64) -> Coord<f64> {
    let t = (x - a.x) / (b.x - a.x);
    Coord {
        x,
        y: a.y + t * (b.y - a.y),
    }
}

fn at_y(a: Coord<f64>, b: Coord<f64>, y: f64) -> Coord<f64> {
    let t = (y - a.y) / (b.y - a.y);
    Coord {
        x: a.x + t * (b.x - a.x),
        y,
    }
}

/// Clips an open line to `bounds`, appending the pieces inside (two or more points each) to `out`.
/// Each segment is cut by Liang–Barsky; consecutive segments whose cut pieces join stay one piece.
pub fn clip_line(line: &[Coord<f64>], bounds: Rect<f64>, out: &mut Vec<Vec<Coord<f64>>>) {
    let mut current: Vec<Coord<f64>> = Vec::new();
    for w in line.windows(2) {
        let Some((a, b)) = clip_segment(w[0], w[1], bounds) else {
            if current.len() >= 2 {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        };
        if current.last() != Some(&a) {
            if current.len() >= 2 {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            current.push(a);
        }
        current.push(b);
        // A segment leaving the box ends the piece.
        if b != w[1] {
            out.push(std::mem::take(&mut current));
        }
    }
    if current.len() >= 2 {
        out.push(current);
    }
}

/// Whether two rectangles meet (closed: touching counts).
pub fn rects_meet(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x && b.min().x <= a.max().x && a.min().y <= b.max().y && b.min().y <= a.max().y
}

/// Whether `r` lies wholly beyond one side of `bounds` (left of it, right of it, above or below).
///
/// A run of a ring's vertices inside such a box can be replaced by its first and last vertex before
/// clipping to `bounds`: the run and the straight segment between its ends both lie in that outside
/// half-plane, so the region between them does too, and the clipped ring covers the same part of
/// `bounds` (its edges along the boundary may fall elsewhere on it, in the buffer).
pub fn beyond_a_side(bounds: Rect<f64>, r: Rect<f64>) -> bool {
    r.max().x < bounds.min().x || r.min().x > bounds.max().x || r.max().y < bounds.min().y || r.min().y > bounds.max().y
}

/// Whether a box lies wholly inside `bounds` (then clipping can be skipped).
pub fn contains_rect(bounds: Rect<f64>, r: Rect<f64>) -> bool {
    bounds.min().x <= r.min().x
        && bounds.min().y <= r.min().y
        && bounds.max().x >= r.max().x
        && bounds.max().y >= r.max().y
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;
    use geo::{Area, LineString, Polygon, coord};

    use super::*;

    fn square() -> Rect<f64> {
        Rect::new(coord! {x: 0., y: 0.}, coord! {x: 10., y: 10.})
    }

    fn area(ring: &[Coord<f64>]) -> f64 {
        Polygon::new(LineString::from(ring.to_vec()), vec![]).signed_area()
    }

    #[test]
    fn a_ring_inside_is_unchanged() {
        let ring = [coord! {x: 1., y: 1.}, coord! {x: 2., y: 1.}, coord! {x: 2., y: 2.}];
        assert_eq!(clip_ring(&ring, square()), ring);
    }

    #[test]
    fn a_ring_crossing_an_edge_is_cut_at_it() {
        // A 4×4 square straddling the east edge x = 10: half of it stays.
        let ring = [
            coord! {x: 8., y: 2.},
            coord! {x: 12., y: 2.},
            coord! {x: 12., y: 6.},
            coord! {x: 8., y: 6.},
        ];
        let out = clip_ring(&ring, square());
        assert!(out.iter().all(|c| c.x <= 10.0));
        assert_relative_eq!(area(&out), 8.0);
    }

    #[test]
    fn orientation_survives_clipping() {
        let ccw = [
            coord! {x: -5., y: -5.},
            coord! {x: 15., y: -5.},
            coord! {x: 15., y: 15.},
            coord! {x: -5., y: 15.},
        ];
        let out = clip_ring(&ccw, square());
        assert_relative_eq!(area(&out), 100.0);
        let cw: Vec<_> = ccw.iter().rev().copied().collect();
        assert_relative_eq!(area(&clip_ring(&cw, square())), -100.0);
    }

    #[test]
    fn a_ring_outside_vanishes() {
        let ring = [
            coord! {x: 20., y: 20.},
            coord! {x: 30., y: 20.},
            coord! {x: 30., y: 30.},
        ];
        assert!(clip_ring(&ring, square()).is_empty());
        assert!(clip_ring(&[], square()).is_empty());
    }

    #[test]
    fn a_line_is_cut_into_the_pieces_inside() {
        let line = [
            coord! { x: -5.0, y: 5.0 },
            coord! { x: 5.0, y: 5.0 },
            coord! { x: 5.0, y: 15.0 },
            coord! { x: 8.0, y: 15.0 },
            coord! { x: 8.0, y: 5.0 },
            coord! { x: 9.0, y: 5.0 },
        ];
        let mut out = Vec::new();
        clip_line(&line, square(), &mut out);
        assert_eq!(
            out,
            [
                vec![
                    coord! { x: 0.0, y: 5.0 },
                    coord! { x: 5.0, y: 5.0 },
                    coord! { x: 5.0, y: 10.0 }
                ],
                vec![
                    coord! { x: 8.0, y: 10.0 },
                    coord! { x: 8.0, y: 5.0 },
                    coord! { x: 9.0, y: 5.0 }
                ],
            ]
        );
        out.clear();
        clip_line(
            &[coord! { x: 20.0, y: 0.0 }, coord! { x: 30.0, y: 5.0 }],
            square(),
            &mut out,
        );
        assert!(out.is_empty());
    }

    #[test]
    fn containment_of_boxes() {
        assert!(contains_rect(
            square(),
            Rect::new(coord! {x: 1., y: 1.}, coord! {x: 9., y: 9.})
        ));
        assert!(!contains_rect(
            square(),
            Rect::new(coord! {x: 1., y: 1.}, coord! {x: 11., y: 9.})
        ));
    }
}
