//! Cutting a parent polygon along border paths into faces, and gathering the faces into children.
//!
//! This is a small planar arrangement: the parent's rings and the parts of the border paths that lie
//! inside it become a graph of half-edges; faces are traced with the usual "next edge clockwise"
//! rule; each face holding a seed becomes that seed's child; faces holding no seed (fragments, where
//! a border leaves the parent and comes back) join the neighbour with which they share the longest
//! border. Each child is then traced as one ring (plus holes), so it is a single contiguous polygon.
//!
//! All coordinates are WGS 84 degrees from the [`Topology`]; side and order decisions use exact
//! predicates. Where a border merely touches the parent or another border (probability zero, but
//! possible after rounding), the attempt is refused as [`Degenerate`] and the caller retries with
//! other borders.

use super::faces::Graph;
use super::geom::{IndexedPolygon, orient};
use super::topology::{Checkpoint, Rings, Topology, Vid};

/// Why an attempt was refused; the caller retries with differently drawn borders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Degenerate(pub &'static str);

impl std::fmt::Display for Degenerate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// The children (one per seed, in seed order) and the new vertices on the parent's edges.
#[derive(Debug)]
pub struct Partition {
    pub children: Vec<Rings>,
    /// `(a, b, inner)`: vertices `inner`, in order from `a` to `b`, now lie on parent edge `a b`.
    pub splits: Vec<(Vid, Vid, Vec<Vid>)>,
}

enum Meet {
    Disjoint,
    Cross,
    Touch,
}

/// How segments `p q` and `a b` meet (exactly).
fn meet(p: [f64; 2], q: [f64; 2], a: [f64; 2], b: [f64; 2]) -> Meet {
    let (o1, o2) = (orient(a, b, p), orient(a, b, q));
    let (o3, o4) = (orient(p, q, a), orient(p, q, b));
    let same = |x: f64, y: f64| (x > 0.0 && y > 0.0) || (x < 0.0 && y < 0.0);
    if same(o1, o2) || same(o3, o4) {
        Meet::Disjoint
    } else if o1 == 0.0 || o2 == 0.0 || o3 == 0.0 || o4 == 0.0 {
        Meet::Touch
    } else {
        Meet::Cross
    }
}

fn crossing_point(p: [f64; 2], q: [f64; 2], a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    let (r, s) = ([q[0] - p[0], q[1] - p[1]], [b[0] - a[0], b[1] - a[1]]);
    let t = ((a[0] - p[0]) * s[1] - (a[1] - p[1]) * s[0]) / (r[0] * s[1] - r[1] * s[0]);
    [p[0] + t * r[0], p[1] + t * r[1]]
}

/// Position of `x` along `a → b` (0 at `a`, 1 at `b`).
fn param(a: [f64; 2], b: [f64; 2], x: [f64; 2]) -> f64 {
    let d = [b[0] - a[0], b[1] - a[1]];
    ((x[0] - a[0]) * d[0] + (x[1] - a[1]) * d[1]) / (d[0] * d[0] + d[1] * d[1])
}

fn seg_bbox(p: [f64; 2], q: [f64; 2]) -> [f64; 4] {
    [p[0].min(q[0]), p[1].min(q[1]), p[0].max(q[0]), p[1].max(q[1])]
}

/// Refuses border paths that touch or cross each other anywhere but at shared end vertices.
fn check_paths_apart(topo: &Topology, segs: &[[Vid; 2]]) -> Result<(), Degenerate> {
    let boxes: Vec<[f64; 4]> = segs
        .iter()
        .map(|s| seg_bbox(topo.coord(s[0]), topo.coord(s[1])))
        .collect();
    let mut order: Vec<usize> = (0..segs.len()).collect();
    order.sort_by(|&a, &b| boxes[a][0].total_cmp(&boxes[b][0]).then(a.cmp(&b)));
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if boxes[j][0] > boxes[i][2] {
                break;
            }
            if boxes[j][1] > boxes[i][3] || boxes[j][3] < boxes[i][1] {
                continue;
            }
            let ([p, q], [a, b]) = (segs[i], segs[j]);
            let shared = [p == a, p == b, q == a, q == b];
            match shared.iter().filter(|s| **s).count() {
                0 => {
                    let c = |v| topo.coord(v);
                    if !matches!(meet(c(p), c(q), c(a), c(b)), Meet::Disjoint) {
                        return Err(Degenerate("two borders cross"));
                    }
                }
                1 => {
                    let s = if p == a || p == b { p } else { q };
                    let r1 = if s == p { q } else { p };
                    let r2 = if s == a { b } else { a };
                    let (s, r1, r2) = (topo.coord(s), topo.coord(r1), topo.coord(r2));
                    let dot = (r1[0] - s[0]) * (r2[0] - s[0]) + (r1[1] - s[1]) * (r2[1] - s[1]);
                    if orient(s, r1, r2) == 0.0 && dot > 0.0 {
                        return Err(Degenerate("two borders overlap"));
                    }
                }
                _ => return Err(Degenerate("a border piece is repeated")),
            }
        }
    }
    Ok(())
}

/// Cuts `parent` (expanded rings, RFC 7946 orientation) along `paths` and returns one child per seed.
pub fn partition(
    topo: &mut Topology,
    since: Checkpoint,
    parent: &Rings,
    paths: &[Vec<Vid>],
    seeds: &[[f64; 2]],
) -> Result<Partition, Degenerate> {
    let pedges: Vec<[Vid; 2]> = parent
        .all()
        .flat_map(|r| (0..r.len()).map(move |i| [r[i], r[(i + 1) % r.len()]]))
        .collect();
    let poly = IndexedPolygon::new(parent.all().map(|r| topo.coords_of(r)).collect());
    let segs: Vec<[Vid; 2]> = paths.iter().flat_map(|p| p.windows(2).map(|w| [w[0], w[1]])).collect();
    check_paths_apart(topo, &segs)?;

    // Crossings of border segments with parent edges, each registered once as a new vertex.
    let mut on_edge: Vec<Vec<(f64, Vid)>> = vec![Vec::new(); pedges.len()];
    let mut on_seg: Vec<Vec<(f64, Vid)>> = vec![Vec::new(); segs.len()];
    let mut cand = Vec::new();
    for (si, &[p, q]) in segs.iter().enumerate() {
        let (pc, qc) = (topo.coord(p), topo.coord(q));
        poly.edges_in_bbox(seg_bbox(pc, qc), &mut cand);
        for &ei in &cand {
            let [a, b] = pedges[ei as usize];
            let (ac, bc) = (topo.coord(a), topo.coord(b));
            match meet(pc, qc, ac, bc) {
                Meet::Disjoint => {}
                Meet::Touch => return Err(Degenerate("a border touches the parent's boundary")),
                Meet::Cross => {
                    let x = topo
                        .fresh_vertex(crossing_point(pc, qc, ac, bc), since)
                        .ok_or(Degenerate("a crossing fell on an existing vertex"))?;
                    let xc = topo.coord(x);
                    on_seg[si].push((param(pc, qc, xc), x));
                    on_edge[ei as usize].push((param(ac, bc, xc), x));
                }
            }
        }
    }
    for list in on_edge.iter_mut().chain(on_seg.iter_mut()) {
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
        if list.windows(2).any(|w| w[0].0 >= w[1].0) || list.iter().any(|c| !(c.0 > 0.0 && c.0 < 1.0)) {
            return Err(Degenerate("crossings out of order after rounding"));
        }
    }

    // The graph: parent edges split at crossings, and the parts of borders inside the parent.
    let mut g = Graph::default();
    for (ei, &[a, b]) in pedges.iter().enumerate() {
        let mut prev = a;
        for &(_, x) in &on_edge[ei] {
            g.add(prev, x, 1);
            prev = x;
        }
        g.add(prev, b, 1);
    }
    let mut si = 0;
    for path in paths {
        let mut inside = poly
            .locate(topo.coord(path[0]))
            .ok_or(Degenerate("a border starts on the boundary"))?;
        for w in path.windows(2) {
            let mut prev = w[0];
            for &(_, x) in &on_seg[si] {
                if inside {
                    g.add(prev, x, 0);
                }
                inside = !inside;
                prev = x;
            }
            if inside {
                g.add(prev, w[1], 0);
            }
            si += 1;
        }
    }
    let children = g.children(topo, seeds, &poly)?;
    let splits = pedges
        .iter()
        .zip(on_edge)
        .filter(|(_, xs)| !xs.is_empty())
        .map(|(&[a, b], xs)| (a, b, xs.into_iter().map(|(_, x)| x).collect()))
        .collect();
    Ok(Partition { children, splits })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::geom::signed_area;

    fn ring(topo: &mut Topology, pts: &[[f64; 2]]) -> Vec<Vid> {
        pts.iter().map(|p| topo.vertex(*p)).collect()
    }

    fn area(topo: &Topology, r: &Rings) -> f64 {
        r.all().map(|ring| signed_area(&topo.coords_of(ring))).sum()
    }

    #[test]
    fn a_straight_cut_splits_a_square_and_records_the_split_vertices() {
        let mut topo = Topology::new();
        let sq = Rings {
            exterior: ring(&mut topo, &[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]),
            holes: vec![],
        };
        let cut = vec![ring(&mut topo, &[[0.5, -0.5], [0.5, 1.5]])];
        let cp = topo.checkpoint();
        let p = partition(&mut topo, cp, &sq, &cut, &[[0.25, 0.5], [0.75, 0.5]]).unwrap();
        assert_eq!(p.children.len(), 2);
        for c in &p.children {
            assert_eq!(c.exterior.len(), 4);
            assert!((area(&topo, c) - 0.5).abs() < 1e-12);
        }
        assert_eq!(p.splits.len(), 2);
    }

    #[test]
    fn fragments_join_a_neighbour_and_holes_stay_holes() {
        let mut topo = Topology::new();
        let outer = ring(&mut topo, &[[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]]);
        let hole = ring(&mut topo, &[[1.0, 1.0], [1.0, 1.5], [1.5, 1.5], [1.5, 1.0]]);
        let parent = Rings {
            exterior: outer,
            holes: vec![hole],
        };
        // A zigzag border that leaves the square on the east side and comes back: the piece cut off
        // between x = 3.5 and the east edge holds no seed.
        let cut = vec![ring(
            &mut topo,
            &[[2.0, -1.0], [2.0, 2.0], [5.0, 2.1], [3.5, 3.0], [5.0, 3.5], [2.5, 5.0]],
        )];
        let cp = topo.checkpoint();
        let p = partition(&mut topo, cp, &parent, &cut, &[[0.5, 3.0], [3.0, 0.5]]).unwrap();
        let total: f64 = p.children.iter().map(|c| area(&topo, c)).sum();
        assert!((total - (16.0 - 0.25)).abs() < 1e-9, "{total}");
        assert_eq!(
            p.children.iter().map(|c| c.holes.len()).sum::<usize>(),
            1,
            "the hole is kept once"
        );
    }

    #[test]
    fn touching_borders_are_refused() {
        let mut topo = Topology::new();
        let sq = Rings {
            exterior: ring(&mut topo, &[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]),
            holes: vec![],
        };
        let cut = vec![ring(&mut topo, &[[0.5, -0.5], [0.5, 0.0], [0.5, 1.5]])];
        let cp = topo.checkpoint();
        assert!(partition(&mut topo, cp, &sq, &cut, &[[0.25, 0.5], [0.75, 0.5]]).is_err());
    }
}
