//! Whether a multipolygon's rings fit together (OGC simple-features validity), in about
//! O(n log n) for n vertices: an R-tree over every edge finds the few pairs of edges that could
//! meet, and point-in-polygon tests (one vertex per ring or part) settle containment.
//!
//! geo's `Validation` does the same checks pairwise, which is quadratic: a county boundary of
//! 20,000 vertices took longer than the request time limit. Each ring on its own has already been
//! checked (closed, no self-intersection, encloses an area) by the caller; this checks the rings
//! against one another. Coordinates are WGS 84 degrees; the tests are planar on them, as GeoJSON's
//! are (RFC 7946 §3.1.1: edges are straight lines in lon/lat).

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{BoundingRect, Coord, Intersects, Line, LineString, MultiPolygon, Polygon, Rect};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

use crate::domain::short_number;

/// Where an edge lies: polygon (part), ring (0 the exterior), and the edge itself.
#[derive(Debug, Clone, Copy)]
struct Edge {
    part: usize,
    ring: usize,
    line: Line<f64>,
}

/// Refuses a multipolygon whose rings cross or overlap one another, whose holes are not inside
/// their exterior or lie inside one another, or whose parts overlap. Rings may touch at single
/// points, as OGC allows.
pub fn check(mp: &MultiPolygon<f64>) -> Result<(), String> {
    crossings(mp)?;
    for (p, poly) in mp.0.iter().enumerate() {
        holes_in_place(poly, p, mp.0.len() > 1)?;
    }
    parts_apart(mp)
}

fn rings(poly: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(poly.exterior()).chain(poly.interiors())
}

fn name(part: usize, ring: usize, many_parts: bool) -> String {
    match (many_parts, ring) {
        (false, 0) => "the exterior ring".into(),
        (false, r) => format!("interior ring {r}"),
        (true, 0) => format!("the exterior ring of polygon {part}"),
        (true, r) => format!("interior ring {r} of polygon {part}"),
    }
}

fn at(c: Coord<f64>) -> String {
    format!("{},{}", short_number(c.x), short_number(c.y))
}

/// Edges of two different rings that cross, or run along each other.
fn crossings(mp: &MultiPolygon<f64>) -> Result<(), String> {
    let many = mp.0.len() > 1;
    let edges: Vec<Edge> =
        mp.0.iter()
            .enumerate()
            .flat_map(|(part, poly)| {
                rings(poly)
                    .enumerate()
                    .flat_map(move |(ring, ls)| ls.lines().map(move |line| Edge { part, ring, line }))
            })
            .collect();
    // A single ring has nothing to meet.
    if mp.0.len() == 1 && mp.0[0].interiors().is_empty() {
        return Ok(());
    }
    let tree = RTree::bulk_load(
        edges
            .iter()
            .enumerate()
            .map(|(i, e)| {
                GeomWithData::new(
                    Rectangle::from_corners([e.line.start.x, e.line.start.y], [e.line.end.x, e.line.end.y]),
                    i,
                )
            })
            .collect(),
    );
    for (i, a) in edges.iter().enumerate() {
        let envelope = rstar::AABB::from_corners([a.line.start.x, a.line.start.y], [a.line.end.x, a.line.end.y]);
        for hit in tree.locate_in_envelope_intersecting(&envelope) {
            let j = hit.data;
            let b = &edges[j];
            if j <= i || (a.part, a.ring) == (b.part, b.ring) {
                continue;
            }
            let problem = match line_intersection(a.line, b.line) {
                Some(LineIntersection::SinglePoint {
                    intersection,
                    is_proper: true,
                }) => Some(format!("cross at {}", at(intersection))),
                Some(LineIntersection::Collinear { intersection }) if intersection.start != intersection.end => {
                    Some(format!("run along each other from {}", at(intersection.start)))
                }
                // Touching at a point (a vertex on an edge or two shared vertices) is allowed.
                _ => None,
            };
            if let Some(p) = problem {
                let what = if a.part == b.part {
                    format!("{} and {}", name(a.part, a.ring, many), name(b.part, b.ring, many))
                } else {
                    format!("polygons {} and {} overlap: their rings", a.part, b.part)
                };
                return Err(format!("{what} {p}"));
            }
        }
    }
    Ok(())
}

/// A point of `ring` strictly inside or outside `of` (rings that only touch share boundary points,
/// so the first vertex may be on the other's boundary; with no crossings, any vertex off it tells).
fn position_of(ring: &LineString<f64>, of: &Polygon<f64>) -> CoordPos {
    ring.0
        .iter()
        .map(|c| of.coordinate_position(c))
        .find(|p| *p != CoordPos::OnBoundary)
        .unwrap_or(CoordPos::OnBoundary)
}

/// Every hole inside its exterior, and no hole inside another.
fn holes_in_place(poly: &Polygon<f64>, part: usize, many: bool) -> Result<(), String> {
    let shell = Polygon::new(poly.exterior().clone(), vec![]);
    let holes: Vec<Polygon<f64>> = poly
        .interiors()
        .iter()
        .map(|h| Polygon::new(h.clone(), vec![]))
        .collect();
    for (k, hole) in poly.interiors().iter().enumerate() {
        if position_of(hole, &shell) != CoordPos::Inside {
            return Err(format!("{} is not inside the exterior ring", name(part, k + 1, many)));
        }
    }
    for (k, hole) in poly.interiors().iter().enumerate() {
        let bbox = hole.bounding_rect();
        for (m, other) in holes.iter().enumerate() {
            if k == m || !boxes_meet(bbox, other.bounding_rect()) {
                continue;
            }
            if position_of(hole, other) == CoordPos::Inside {
                return Err(format!(
                    "{} lies inside {}",
                    name(part, k + 1, many),
                    name(part, m + 1, many)
                ));
            }
        }
    }
    Ok(())
}

/// No part inside another (crossing parts were caught by [`crossings`]). A part inside another's
/// hole is fine: an island in a lake.
fn parts_apart(mp: &MultiPolygon<f64>) -> Result<(), String> {
    let boxes: Vec<Option<Rect<f64>>> = mp.0.iter().map(|p| p.bounding_rect()).collect();
    for (i, part) in mp.0.iter().enumerate() {
        for (j, other) in mp.0.iter().enumerate() {
            if i == j || !boxes_meet(boxes[i], boxes[j]) {
                continue;
            }
            if position_of(part.exterior(), other) == CoordPos::Inside {
                return Err(format!(
                    "polygons {i} and {j} overlap: polygon {i} lies inside polygon {j}"
                ));
            }
        }
    }
    Ok(())
}

fn boxes_meet(a: Option<Rect<f64>>, b: Option<Rect<f64>>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a.intersects(&b))
}

#[cfg(test)]
mod tests {
    use geo::Validation;

    use super::*;

    fn square(w: f64, s: f64, d: f64) -> LineString<f64> {
        LineString::from(vec![(w, s), (w + d, s), (w + d, s + d), (w, s + d), (w, s)])
    }

    #[test]
    fn accepts_what_geo_accepts_and_refuses_what_it_refuses() {
        let shell = square(0.0, 0.0, 10.0);
        let cases: Vec<(&str, MultiPolygon<f64>)> = vec![
            ("plain", MultiPolygon::new(vec![Polygon::new(shell.clone(), vec![])])),
            (
                "hole inside",
                MultiPolygon::new(vec![Polygon::new(shell.clone(), vec![square(2.0, 2.0, 2.0)])]),
            ),
            (
                "hole outside",
                MultiPolygon::new(vec![Polygon::new(shell.clone(), vec![square(20.0, 2.0, 2.0)])]),
            ),
            (
                "hole crossing",
                MultiPolygon::new(vec![Polygon::new(shell.clone(), vec![square(8.0, 2.0, 4.0)])]),
            ),
            (
                "nested holes",
                MultiPolygon::new(vec![Polygon::new(
                    shell.clone(),
                    vec![square(2.0, 2.0, 6.0), square(3.0, 3.0, 1.0)],
                )]),
            ),
            (
                "holes apart",
                MultiPolygon::new(vec![Polygon::new(
                    shell.clone(),
                    vec![square(1.0, 1.0, 2.0), square(5.0, 5.0, 2.0)],
                )]),
            ),
            (
                "hole on the edge",
                MultiPolygon::new(vec![Polygon::new(shell.clone(), vec![square(0.0, 2.0, 2.0)])]),
            ),
            (
                "parts apart",
                MultiPolygon::new(vec![
                    Polygon::new(shell.clone(), vec![]),
                    Polygon::new(square(20.0, 0.0, 5.0), vec![]),
                ]),
            ),
            (
                "parts overlapping",
                MultiPolygon::new(vec![
                    Polygon::new(shell.clone(), vec![]),
                    Polygon::new(square(5.0, 5.0, 10.0), vec![]),
                ]),
            ),
            (
                "part inside part",
                MultiPolygon::new(vec![
                    Polygon::new(shell.clone(), vec![]),
                    Polygon::new(square(2.0, 2.0, 2.0), vec![]),
                ]),
            ),
            (
                "island in a lake",
                MultiPolygon::new(vec![
                    Polygon::new(shell.clone(), vec![square(2.0, 2.0, 6.0)]),
                    Polygon::new(square(4.0, 4.0, 1.0), vec![]),
                ]),
            ),
            (
                "parts sharing an edge",
                MultiPolygon::new(vec![
                    Polygon::new(shell.clone(), vec![]),
                    Polygon::new(square(10.0, 0.0, 10.0), vec![]),
                ]),
            ),
            (
                "parts touching at a corner",
                MultiPolygon::new(vec![
                    Polygon::new(shell.clone(), vec![]),
                    Polygon::new(square(10.0, 10.0, 5.0), vec![]),
                ]),
            ),
        ];
        for (what, mp) in cases {
            let mp = geo::orient::Orient::orient(&mp, geo::orient::Direction::Default);
            assert_eq!(
                check(&mp).is_ok(),
                mp.is_valid(),
                "{what}: ours {:?}, geo {:?}",
                check(&mp),
                mp.validation_errors()
            );
        }
    }

    #[test]
    fn a_ring_of_a_hundred_thousand_vertices_is_checked_quickly() {
        // A wavy county-like outline with a lake: geo's pairwise validation takes minutes here.
        let n = 100_000;
        let ring: Vec<(f64, f64)> = (0..=n)
            .map(|i| {
                let a = f64::from(i % n) / f64::from(n) * std::f64::consts::TAU;
                let r = 1.0 + 0.05 * (40.0 * a).sin();
                (112.0 + r * a.cos(), 32.0 + r * a.sin())
            })
            .collect();
        let mp = MultiPolygon::new(vec![Polygon::new(
            LineString::from(ring),
            vec![square(111.9, 31.9, 0.2)],
        )]);
        let started = std::time::Instant::now();
        assert!(check(&mp).is_ok());
        // Generous for a debug build on a busy machine; the quadratic check took minutes.
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }
}
