//! Cutting an area along a drawn line.

use geo::{BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};

use super::SplitError;
use crate::plan::area::GroundArea;
use crate::plan::border;

/// The pieces of `area` on either side of `line`, largest first. Each piece is one polygon; pieces
/// under `tolerance_m2` join the neighbour they share most border with. The line is extended
/// straight beyond its ends, so it may start and end inside the area.
pub fn by_line(
    area: &MultiPolygon<f64>,
    line: &LineString<f64>,
    tolerance_m2: f64,
) -> Result<Vec<MultiPolygon<f64>>, SplitError> {
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(line.0.len());
    for c in &line.0 {
        if pts.last() != Some(c) {
            pts.push(*c);
        }
    }
    if pts.len() < 2 {
        return Err(SplitError::ShortLine);
    }
    let Some(side) = side_of(area, &pts) else {
        return Err(SplitError::DoesNotCross);
    };
    let mut pieces: Vec<MultiPolygon<f64>> = area
        .intersection(&side)
        .into_iter()
        .chain(area.difference(&side))
        .map(|p| MultiPolygon::new(vec![p]))
        .collect();
    absorb_slivers(&mut pieces, tolerance_m2);
    if pieces.len() < 2 {
        return Err(SplitError::DoesNotCross);
    }
    pieces.sort_by(|a, b| b.ground_m2().total_cmp(&a.ground_m2()));
    Ok(pieces)
}

/// The polygon left of the polyline `pts` (extended to a box around the area and the line): the
/// line, then the box's boundary counter-clockwise from the line's end back to its start.
fn side_of(area: &MultiPolygon<f64>, pts: &[Coord<f64>]) -> Option<MultiPolygon<f64>> {
    let r = area.bounding_rect()?;
    let l = LineString::new(pts.to_vec()).bounding_rect()?;
    let (w, s) = (r.min().x.min(l.min().x), r.min().y.min(l.min().y));
    let (e, n) = (r.max().x.max(l.max().x), r.max().y.max(l.max().y));
    let margin = ((e - w) + (n - s)).max(1e-6);
    let bx = Rect::new(
        Coord {
            x: w - margin,
            y: s - margin,
        },
        Coord {
            x: e + margin,
            y: n + margin,
        },
    );
    let start = exit(bx, pts[1], pts[0])?;
    let end = exit(bx, pts[pts.len() - 2], pts[pts.len() - 1])?;
    let mut ring: Vec<Coord<f64>> = Vec::with_capacity(pts.len() + 7);
    ring.push(start);
    ring.extend_from_slice(pts);
    ring.push(end);
    // Corners met walking counter-clockwise from the end to the start.
    let (t_end, t_start) = (perimeter_t(bx, end), perimeter_t(bx, start));
    let corners = [
        (
            1.0,
            Coord {
                x: bx.max().x,
                y: bx.min().y,
            },
        ),
        (2.0, bx.max()),
        (
            3.0,
            Coord {
                x: bx.min().x,
                y: bx.max().y,
            },
        ),
        (4.0, bx.min()),
    ];
    let span = (t_start - t_end).rem_euclid(4.0);
    let mut walk: Vec<(f64, Coord<f64>)> = corners
        .iter()
        .flat_map(|&(t, c)| [(t, c), (t + 4.0, c)])
        .filter(|(t, _)| *t > t_end && *t < t_end + span)
        .collect();
    walk.sort_by(|a, b| a.0.total_cmp(&b.0));
    ring.extend(walk.into_iter().map(|(_, c)| c));
    ring.push(start);
    Some(MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]))
}

/// Where the ray from `from` through `to` leaves the box (`to` is inside it).
fn exit(bx: Rect<f64>, from: Coord<f64>, to: Coord<f64>) -> Option<Coord<f64>> {
    let d = to - from;
    let mut best = f64::INFINITY;
    for (dv, lo, hi, v) in [(d.x, bx.min().x, bx.max().x, to.x), (d.y, bx.min().y, bx.max().y, to.y)] {
        if dv > 0.0 {
            best = best.min((hi - v) / dv);
        } else if dv < 0.0 {
            best = best.min((lo - v) / dv);
        }
    }
    best.is_finite().then(|| to + d * best)
}

/// Position along the box's boundary, counter-clockwise from the south-west corner: 0–1 south
/// edge, 1–2 east, 2–3 north, 3–4 west.
fn perimeter_t(bx: Rect<f64>, c: Coord<f64>) -> f64 {
    let (w, h) = (bx.width(), bx.height());
    let eps = 1e-12 * (w + h);
    if (c.y - bx.min().y).abs() <= eps {
        (c.x - bx.min().x) / w
    } else if (c.x - bx.max().x).abs() <= eps {
        1.0 + (c.y - bx.min().y) / h
    } else if (c.y - bx.max().y).abs() <= eps {
        2.0 + (bx.max().x - c.x) / w
    } else {
        3.0 + (bx.max().y - c.y) / h
    }
}

/// Pieces smaller than `tolerance_m2` join the piece they share the longest border with.
fn absorb_slivers(pieces: &mut Vec<MultiPolygon<f64>>, tolerance_m2: f64) {
    loop {
        let Some(k) = pieces.iter().position(|p| p.ground_m2() < tolerance_m2) else {
            return;
        };
        let sliver = pieces.remove(k);
        if let Some(j) = border::longest_shared(&sliver, &*pieces, 0.5e-12) {
            pieces[j] = pieces[j].union(&sliver);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{area, square, tiles};
    use super::*;
    use geo::{Contains, Point};

    #[test]
    fn a_line_across_cuts_in_two_that_tile_the_area() {
        let line = LineString::from(vec![(112.004, 31.99), (112.006, 32.02)]);
        let parts = by_line(&square(), &line, 1.0).unwrap();
        assert_eq!(parts.len(), 2);
        assert!(tiles(&parts));
        assert!(area(&parts[0].intersection(&parts[1])) < 1e-15);
        // West piece holds the west edge, east piece the east edge.
        let west = parts
            .iter()
            .find(|p| p.contains(&Point::new(112.0005, 32.005)))
            .unwrap();
        assert!(!west.contains(&Point::new(112.0095, 32.005)));
    }

    #[test]
    fn a_line_inside_the_area_is_extended_and_a_line_beside_it_refused() {
        let inside = LineString::from(vec![(112.005, 32.004), (112.005, 32.006)]);
        assert_eq!(by_line(&square(), &inside, 1.0).unwrap().len(), 2);
        let beside = LineString::from(vec![(112.02, 31.99), (112.02, 32.02)]);
        assert_eq!(by_line(&square(), &beside, 1.0), Err(SplitError::DoesNotCross));
        let dot = LineString::from(vec![(112.02, 31.99), (112.02, 31.99)]);
        assert_eq!(by_line(&square(), &dot, 1.0), Err(SplitError::ShortLine));
    }

    #[test]
    fn a_winding_line_makes_a_piece_per_crossing_side() {
        // In at the south, out at the east, back in at the north-east and out at the north: three pieces.
        let line = LineString::from(vec![
            (112.002, 31.99),
            (112.002, 32.004),
            (112.02, 32.004),
            (112.02, 32.006),
            (112.006, 32.006),
            (112.006, 32.02),
        ]);
        let parts = by_line(&square(), &line, 1.0).unwrap();
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert!(tiles(&parts));
    }
}
