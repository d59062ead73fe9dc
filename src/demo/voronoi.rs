//! Voronoi borders between seeds, as polylines of shared vertices ready to cut a parent polygon.
//!
//! Seeds are WGS 84 degrees; the diagram is computed in the metric [`Frame`] (metres), so cells are
//! fair on the ground, and every vertex is converted back to degrees and registered in the
//! [`Topology`] (rounded to 7 decimals). A Voronoi vertex is registered once and shared by the three
//! borders meeting there. Each border is bent by midpoint displacement (a gentle random wiggle,
//! seeded per border) so that generated boundaries look like hand-drawn ones rather than rulers.

use spade::{DelaunayTriangulation, Point2, Triangulation};

use super::arrangement::Degenerate;
use super::frame::Frame;
use super::rng::Rng;
use super::topology::{Checkpoint, Topology, Vid};

/// How much the borders wiggle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wiggle {
    /// Largest sideways displacement of a midpoint, as a fraction of the (sub)segment's length.
    pub amplitude: f64,
    /// Target length in metres of the straight pieces a border is made of.
    pub step_m: f64,
}

/// Clips segment `a b` (metres) to the box `[x0, y0, x1, y1]` (Liang–Barsky); `None` when it misses.
fn clip(a: [f64; 2], b: [f64; 2], bx: [f64; 4]) -> Option<([f64; 2], [f64; 2])> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-d[0], a[0] - bx[0]),
        (d[0], bx[2] - a[0]),
        (-d[1], a[1] - bx[1]),
        (d[1], bx[3] - a[1]),
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
    (t0 <= t1).then(|| {
        (
            [a[0] + t0 * d[0], a[1] + t0 * d[1]],
            [a[0] + t1 * d[0], a[1] + t1 * d[1]],
        )
    })
}

/// Pushes the interior points of a midpoint-displaced polyline from `a` to `b` (metres).
fn displace(a: [f64; 2], b: [f64; 2], depth: u32, amp: f64, rng: &mut Rng, out: &mut Vec<[f64; 2]>) {
    if depth == 0 {
        return;
    }
    let d = [b[0] - a[0], b[1] - a[1]];
    let shift = rng.range(-amp, amp);
    // The perpendicular of d, scaled by `shift`: |d| cancels, no square root needed.
    let m = [(a[0] + b[0]) / 2.0 - d[1] * shift, (a[1] + b[1]) / 2.0 + d[0] * shift];
    displace(a, m, depth - 1, amp, rng, out);
    out.push(m);
    displace(m, b, depth - 1, amp, rng, out);
}

/// The Voronoi borders between `seeds` (degrees) that come near `bbox` (degrees, `[w, s, e, n]`),
/// each as a path of vertex ids. A path either ends at Voronoi vertices it shares with other paths,
/// or is clipped at a box a little larger than `bbox`, outside the polygon being cut.
pub fn borders(
    topo: &mut Topology,
    since: Checkpoint,
    frame: &Frame,
    seeds: &[[f64; 2]],
    bbox: [f64; 4],
    wiggle: Wiggle,
    rng: &mut Rng,
) -> Result<Vec<Vec<Vid>>, Degenerate> {
    let lo = frame.to_m([bbox[0], bbox[1]]);
    let hi = frame.to_m([bbox[2], bbox[3]]);
    let diag = ((hi[0] - lo[0]).powi(2) + (hi[1] - lo[1]).powi(2)).sqrt().max(100.0);
    let margin = diag * 0.05;
    let clip_box = [lo[0] - margin, lo[1] - margin, hi[0] + margin, hi[1] + margin];

    let mut dt: DelaunayTriangulation<Point2<f64>> = DelaunayTriangulation::new();
    for (i, s) in seeds.iter().enumerate() {
        let m = frame.to_m(*s);
        let h = dt
            .insert(Point2::new(m[0], m[1]))
            .map_err(|_| Degenerate("seed outside spade's range"))?;
        if h.index() != i {
            return Err(Degenerate("two seeds at the same place"));
        }
    }
    // Far "ghost" seeds all around make every real cell bounded; their own borders stay far outside.
    let (cx, cy, r, h) = (
        (lo[0] + hi[0]) / 2.0,
        (lo[1] + hi[1]) / 2.0,
        diag * 10.0,
        std::f64::consts::FRAC_1_SQRT_2,
    );
    for (dx, dy) in [
        (1.0, 0.0),
        (h, h),
        (0.0, 1.0),
        (-h, h),
        (-1.0, 0.0),
        (-h, -h),
        (0.0, -1.0),
        (h, -h),
    ] {
        dt.insert(Point2::new(cx + dx * r, cy + dy * r))
            .map_err(|_| Degenerate("ghost seed"))?;
    }

    let mut corners: Vec<Option<Vid>> = vec![None; dt.num_all_faces()];
    let mut edges: Vec<(usize, usize, Vid, Vid)> = Vec::new();
    for e in dt.directed_edges() {
        let (i, j) = (e.from().fix().index(), e.to().fix().index());
        if i >= seeds.len() || j >= seeds.len() || i > j {
            continue;
        }
        let (Some(fl), Some(fr)) = (e.face().as_inner(), e.rev().face().as_inner()) else {
            return Err(Degenerate("a border between real seeds has no corner"));
        };
        let a = corner(topo, frame, &mut corners, fl);
        let b = corner(topo, frame, &mut corners, fr);
        if (a as usize) < since.index() || (b as usize) < since.index() {
            return Err(Degenerate("a Voronoi vertex fell on an existing vertex"));
        }
        if a != b {
            edges.push((i, j, a, b));
        }
    }
    edges.sort_unstable();

    let mut paths = Vec::new();
    for (i, j, a, b) in edges {
        let (am, bm) = (frame.to_m(topo.coord(a)), frame.to_m(topo.coord(b)));
        let Some((ca, cb)) = clip(am, bm, clip_box) else {
            continue;
        };
        let len = ((cb[0] - ca[0]).powi(2) + (cb[1] - ca[1]).powi(2)).sqrt();
        let mut depth = 0;
        while depth < 6 && len / f64::from(1u32 << depth) > wiggle.step_m {
            depth += 1;
        }
        let mut inner = Vec::new();
        let mut edge_rng = Rng::keyed(rng.next_u64(), &format!("{i}-{j}"));
        displace(ca, cb, depth, wiggle.amplitude, &mut edge_rng, &mut inner);
        // Ends at Voronoi vertices keep their shared ids; clipped ends and wiggle points are new.
        let mut path: Vec<Vid> = Vec::with_capacity(inner.len() + 2);
        let start = std::iter::once((ca, (ca == am).then_some(a)));
        let end = std::iter::once((cb, (cb == bm).then_some(b)));
        for (p, shared) in start.chain(inner.into_iter().map(|p| (p, None))).chain(end) {
            let v = match shared {
                Some(v) => v,
                None => topo
                    .fresh_vertex(frame.to_deg(p), since)
                    .ok_or(Degenerate("border point on an old vertex"))?,
            };
            if path.last() != Some(&v) {
                path.push(v);
            }
        }
        if path.len() >= 2 {
            paths.push(path);
        }
    }
    Ok(paths)
}

type InnerFace<'a> = spade::handles::FaceHandle<'a, spade::handles::InnerTag, Point2<f64>, (), (), ()>;

/// The vertex id of a Delaunay triangle's circumcentre (a Voronoi vertex), registered on first use.
fn corner(topo: &mut Topology, frame: &Frame, corners: &mut [Option<Vid>], face: InnerFace<'_>) -> Vid {
    let k = face.fix().index();
    *corners[k].get_or_insert_with(|| {
        let c = face.circumcenter();
        topo.vertex(frame.to_deg([c.x, c.y]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_seeds_give_three_borders_meeting_at_one_shared_vertex() {
        let mut topo = Topology::new();
        let cp = topo.checkpoint();
        let frame = Frame::at(112.0, 32.0);
        let seeds = [[111.99, 31.99], [112.01, 31.99], [112.0, 32.01]];
        let wiggle = Wiggle {
            amplitude: 0.0,
            step_m: 1e9,
        };
        let paths = borders(
            &mut topo,
            cp,
            &frame,
            &seeds,
            [111.98, 31.98, 112.02, 32.02],
            wiggle,
            &mut Rng::keyed(1, "t"),
        )
        .unwrap();
        assert_eq!(paths.len(), 3);
        let shared = paths[0][0];
        assert!(paths.iter().all(|p| p[0] == shared || *p.last().unwrap() == shared));
    }

    #[test]
    fn wiggled_borders_keep_their_ends() {
        let mut out = Vec::new();
        displace([0.0, 0.0], [1000.0, 0.0], 3, 0.1, &mut Rng::keyed(1, "w"), &mut out);
        assert_eq!(out.len(), 7);
        assert!(
            out.windows(2).all(|w| w[0][0] < w[1][0]),
            "a small wiggle never turns back"
        );
        assert!(out.iter().all(|p| p[1].abs() < 200.0));
    }

    #[test]
    fn clipping() {
        let b = [0.0, 0.0, 10.0, 10.0];
        assert_eq!(clip([-5.0, 5.0], [15.0, 5.0], b), Some(([0.0, 5.0], [10.0, 5.0])));
        assert_eq!(clip([-5.0, 20.0], [15.0, 20.0], b), None);
    }
}
