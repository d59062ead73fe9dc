//! Putting rounded vertices back where they belong. The boolean operations work on an integer grid
//! scaled to their operands, so every vertex they return — moved or not — comes back off by up to a
//! few 1e-10 degrees; a redrawn area and the neighbour cut to fit it then meet along edges a few
//! micrometres apart, and validation finds slivers that no planner drew. Snapping each vertex to a
//! reference vertex (the drawing, the stored siblings, the parent, the areas already redrawn) or onto
//! a reference edge within [`EPSILON_DEG`] restores exact shared borders.
//!
//! Coordinates are WGS 84 degrees.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use rstar::RTree;
use rstar::primitives::Line;

/// How far a vertex may be moved: 1e-8° is about a millimetre, a hundred times the rounding and a
/// thousand times below anything a planner draws.
pub const EPSILON_DEG: f64 = 1e-8;

/// Reference vertices and edges.
pub struct Snapper {
    vertices: RTree<[f64; 2]>,
    edges: RTree<Line<[f64; 2]>>,
}

impl Snapper {
    /// Every vertex and edge of `refs` as references.
    pub fn new<'a>(refs: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let mut vertices = Vec::new();
        let mut edges = Vec::new();
        for g in refs {
            for p in g {
                for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                    for w in ring.0.windows(2) {
                        vertices.push([w[0].x, w[0].y]);
                        edges.push(Line::new([w[0].x, w[0].y], [w[1].x, w[1].y]));
                    }
                }
            }
        }
        Self {
            vertices: RTree::bulk_load(vertices),
            edges: RTree::bulk_load(edges),
        }
    }

    /// The reference vertex nearest `c` within the tolerance, else the nearest point on a reference
    /// edge within it, else `c`.
    fn snap(&self, c: Coord<f64>) -> Coord<f64> {
        let q = [c.x, c.y];
        let eps2 = EPSILON_DEG * EPSILON_DEG;
        if let Some(v) = self.vertices.nearest_neighbor(&q)
            && rstar::PointDistance::distance_2(v, &q) <= eps2
        {
            return Coord { x: v[0], y: v[1] };
        }
        // Near two edges that cross (a cut meeting an old border): onto their crossing, so the
        // vertex lies on both; near one: onto it.
        let near: Vec<&Line<[f64; 2]>> = self.edges.locate_within_distance(q, eps2).collect();
        for (k, a) in near.iter().enumerate() {
            for b in &near[k + 1..] {
                if let Some(x) = crossing(a, b)
                    && (x[0] - q[0]).hypot(x[1] - q[1]) <= EPSILON_DEG
                {
                    return Coord { x: x[0], y: x[1] };
                }
            }
        }
        match self.edges.nearest_neighbor(&q) {
            Some(e) if rstar::PointDistance::distance_2(e, &q) <= eps2 => {
                let p = e.nearest_point(&q);
                Coord { x: p[0], y: p[1] }
            }
            _ => c,
        }
    }

    /// `g` with every vertex snapped; repeated vertices dropped, rings of fewer than three distinct
    /// vertices and polygons without an exterior dropped.
    pub fn apply(&self, g: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        let ring = |r: &LineString<f64>| -> Option<LineString<f64>> {
            let mut out: Vec<Coord<f64>> = Vec::with_capacity(r.0.len());
            for &c in &r.0 {
                let s = self.snap(c);
                if out.last() != Some(&s) {
                    out.push(s);
                }
            }
            (out.len() >= 4).then(|| LineString::new(out))
        };
        MultiPolygon::new(
            g.iter()
                .filter_map(|p| {
                    let exterior = ring(p.exterior())?;
                    Some(Polygon::new(exterior, p.interiors().iter().filter_map(ring).collect()))
                })
                .collect(),
        )
    }
}

/// Where the lines through `a` and `b` cross, unless they are (nearly) parallel.
fn crossing(a: &Line<[f64; 2]>, b: &Line<[f64; 2]>) -> Option<[f64; 2]> {
    let (p, r) = (a.from, [a.to[0] - a.from[0], a.to[1] - a.from[1]]);
    let (q, s) = (b.from, [b.to[0] - b.from[0], b.to[1] - b.from[1]]);
    let denom = r[0] * s[1] - r[1] * s[0];
    let scale = r[0].hypot(r[1]) * s[0].hypot(s[1]);
    if denom.abs() <= 1e-9 * scale {
        return None;
    }
    let t = ((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / denom;
    Some([p[0] + t * r[0], p[1] + t * r[1]])
}

/// Snaps `parts` in turn, each to `base` and to the parts before it, so pieces cut from one area meet
/// exactly along their cuts.
pub fn in_turn(parts: &mut [MultiPolygon<f64>], base: &[&MultiPolygon<f64>]) {
    for k in 0..parts.len() {
        let (done, rest) = parts.split_at_mut(k);
        let snapper = Snapper::new(base.iter().copied().chain(done.iter()));
        rest[0] = snapper.apply(&rest[0]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{BooleanOps, polygon};

    #[test]
    fn rounded_vertices_come_back_to_the_references() {
        let a: MultiPolygon<f64> = polygon![
            (x: 112.1, y: 32.0), (x: 112.15, y: 32.0), (x: 112.15, y: 32.1), (x: 112.1, y: 32.1), (x: 112.1, y: 32.0)
        ]
        .into();
        let big: MultiPolygon<f64> = polygon![
            (x: 111.0, y: 31.0), (x: 113.0, y: 31.0), (x: 113.0, y: 33.0), (x: 111.0, y: 33.0), (x: 111.0, y: 31.0)
        ]
        .into();
        let cut = a.intersection(&big);
        assert_ne!(cut, a, "the boolean operation rounds");
        let snapped = Snapper::new([&a]).apply(&cut);
        let mut want: Vec<Coord<f64>> = a.0[0].exterior().0.clone();
        let mut got: Vec<Coord<f64>> = snapped.0[0].exterior().0.clone();
        want.pop();
        got.pop();
        want.sort_by(|p, q| p.x.total_cmp(&q.x).then(p.y.total_cmp(&q.y)));
        got.sort_by(|p, q| p.x.total_cmp(&q.x).then(p.y.total_cmp(&q.y)));
        assert_eq!(got, want);
    }

    #[test]
    fn a_vertex_near_two_crossing_edges_lands_on_their_crossing() {
        let a: MultiPolygon<f64> =
            polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 0.0, y: 0.0)].into();
        let b: MultiPolygon<f64> =
            polygon![(x: 1.0, y: -1.0), (x: 1.0, y: 1.0), (x: 3.0, y: -1.0), (x: 1.0, y: -1.0)].into();
        let s = Snapper::new([&a, &b]);
        assert_eq!(s.snap(Coord { x: 1.0 + 3e-9, y: 2e-9 }), Coord { x: 1.0, y: 0.0 });
    }

    #[test]
    fn a_vertex_near_an_edge_lands_on_it_and_far_ones_stay() {
        let tri: MultiPolygon<f64> =
            polygon![(x: 0.0, y: 0.0), (x: 1e-6, y: 0.0), (x: 1e-6, y: 1e-6), (x: 0.0, y: 0.0)].into();
        let s = Snapper::new([&tri]);
        let on = s.snap(Coord { x: 5e-7, y: 3e-9 });
        assert_eq!(on, Coord { x: 5e-7, y: 0.0 });
        let far = Coord { x: 5e-7, y: -5e-8 };
        assert_eq!(s.snap(far), far);
    }
}
