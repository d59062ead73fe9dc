//! Generalising rings for one tile, in tile units (4096 across a tile, `y` down).
//!
//! The tolerance is a fixed number of tile units, so it is a fixed fraction of a screen pixel at
//! every zoom: at z8 a county outline loses everything finer than ~100 m, at z16 only what is finer
//! than ~0.5 m. Steps: a cheap radial thinning before clipping (a county's ten thousand vertices
//! fall on a few pixels at low zoom), then Ramer–Douglas–Peucker after clipping, then snapping to
//! the integer grid MVT stores.

use geo::Coord;

/// How far (tile units) a simplified ring may stray from the original: 2 of 4096 is a quarter of a
/// pixel on a 512-pixel tile.
pub const TOLERANCE: f64 = 2.0;

/// Drops points closer than `tolerance` to the last point kept. Linear; keeps the ring's shape to
/// within `tolerance` and its orientation.
#[cfg(test)]
pub fn thin(ring: impl IntoIterator<Item = Coord<f64>>, tolerance: f64) -> Vec<Coord<f64>> {
    let mut out = Vec::new();
    thin_into(ring, tolerance, &mut out);
    out
}

/// [`thin`] into a buffer the caller reuses; `out` is cleared first.
pub fn thin_into(ring: impl IntoIterator<Item = Coord<f64>>, tolerance: f64, out: &mut Vec<Coord<f64>>) {
    let t2 = tolerance * tolerance;
    out.clear();
    for c in ring {
        match out.last() {
            Some(last) if (c.x - last.x).powi(2) + (c.y - last.y).powi(2) < t2 => {}
            _ => out.push(c),
        }
    }
}

/// Simplifies an open ring (last point not repeated) and snaps it to integer tile units. Returns
/// `None` when nothing with area is left (a ring smaller than a pixel or two).
///
/// `ring` is borrowed as a buffer and handed back unchanged.
pub fn simplify_ring(ring: &mut Vec<Coord<f64>>, tolerance: f64) -> Option<Vec<[i32; 2]>> {
    if ring.len() < 3 {
        return None;
    }
    ring.push(ring[0]);
    let keep = douglas_peucker(ring, tolerance);
    ring.pop();
    let mut out: Vec<[i32; 2]> = Vec::with_capacity(keep.iter().filter(|k| **k).count());
    for (c, _) in ring.iter().zip(&keep).filter(|(_, k)| **k) {
        let p = [c.x.round() as i32, c.y.round() as i32];
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    (out.len() >= 3 && twice_area(&out) != 0).then_some(out)
}

/// Simplifies an open line and snaps it to integer tile units. Returns `None` when fewer than two
/// distinct points are left (a line shorter than a tile unit).
pub fn simplify_line(line: &[Coord<f64>], tolerance: f64) -> Option<Vec<[i32; 2]>> {
    if line.len() < 2 {
        return None;
    }
    let keep = douglas_peucker(line, tolerance);
    let mut out: Vec<[i32; 2]> = Vec::with_capacity(keep.iter().filter(|k| **k).count());
    for (c, _) in line.iter().zip(&keep).filter(|(_, k)| **k) {
        let p = [c.x.round() as i32, c.y.round() as i32];
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    (out.len() >= 2).then_some(out)
}

/// Ramer–Douglas–Peucker: which points of `line` (two or more) to keep so that no dropped point lies
/// farther than `tolerance` from the segment that replaces it. The same rule and the same choice of
/// the farthest point as `geo`'s `Simplify`, but comparing squared distances scaled by the
/// segment's squared length, so that no point costs a square root or a division: in a tile's worth
/// of rings `geo`'s `hypot` per point took a quarter of the cutting time.
fn douglas_peucker(line: &[Coord<f64>], tolerance: f64) -> Vec<bool> {
    let t2 = tolerance * tolerance;
    let mut keep = vec![false; line.len()];
    let last = line.len() - 1;
    keep[0] = true;
    keep[last] = true;
    let mut spans = vec![(0, last)];
    while let Some((first, end)) = spans.pop() {
        let (a, b) = (line[first], line[end]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len2 = dx * dx + dy * dy;
        // Squared distance to the segment a–b, times `scale`: its squared length if it has one.
        let scale = if len2 == 0.0 { 1.0 } else { len2 };
        let scaled = |p: Coord<f64>| {
            let (px, py) = (p.x - a.x, p.y - a.y);
            let along = px * dx + py * dy;
            if len2 == 0.0 || along <= 0.0 {
                (px * px + py * py) * scale
            } else if along >= len2 {
                let (qx, qy) = (p.x - b.x, p.y - b.y);
                (qx * qx + qy * qy) * len2
            } else {
                let cross = px * dy - py * dx;
                cross * cross
            }
        };
        let mut far = (0.0, first);
        for (i, p) in line.iter().enumerate().take(end).skip(first + 1) {
            let d = scaled(*p);
            if d > far.0 {
                far = (d, i);
            }
        }
        let limit = t2 * scale;
        if far.0 > limit {
            keep[far.1] = true;
            spans.push((first, far.1));
            spans.push((far.1, end));
        }
    }
    keep
}

/// Twice the signed area of an open integer ring by the surveyor's formula. In tile units (`y`
/// down) a positive value is a ring that looks clockwise on screen: MVT's exterior orientation.
pub fn twice_area(ring: &[[i32; 2]]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let [x1, y1] = ring[i];
            let [x2, y2] = ring[(i + 1) % n];
            i64::from(x1) * i64::from(y2) - i64::from(x2) * i64::from(y1)
        })
        .sum()
}

/// Turns a ring to MVT's orientation: exteriors positive area in tile units, holes negative.
pub fn orient(ring: &mut [[i32; 2]], exterior: bool) {
    if (twice_area(ring) > 0) != exterior {
        ring.reverse();
    }
}

#[cfg(test)]
mod tests {
    use geo::coord;

    use super::*;

    /// A circle of `n` points, radius `r`, around (2048, 2048).
    fn circle(n: usize, r: f64) -> Vec<Coord<f64>> {
        (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                coord! {x: 2048.0 + r * a.cos(), y: 2048.0 + r * a.sin()}
            })
            .collect()
    }

    #[test]
    fn thinning_drops_points_closer_than_the_tolerance() {
        let ring = [
            coord! {x: 0., y: 0.},
            coord! {x: 0.5, y: 0.},
            coord! {x: 3., y: 0.},
            coord! {x: 3., y: 1.},
        ];
        assert_eq!(thin(ring, 2.0), [coord! {x: 0., y: 0.}, coord! {x: 3., y: 0.}]);
    }

    #[test]
    fn a_dense_ring_becomes_a_few_integer_points() {
        let mut ring = circle(10_000, 1000.0);
        let out = simplify_ring(&mut ring, TOLERANCE).unwrap();
        assert_eq!(ring, circle(10_000, 1000.0), "the buffer comes back as it was");
        assert!(out.len() < 200, "{} points", out.len());
        // Every kept point lies on the circle to within the tolerance plus the snap.
        for [x, y] in &out {
            let r = ((f64::from(*x) - 2048.0).powi(2) + (f64::from(*y) - 2048.0).powi(2)).sqrt();
            assert!((r - 1000.0).abs() <= TOLERANCE + 1.0, "r = {r}");
        }
    }

    #[test]
    fn a_line_keeps_its_ends_and_drops_what_lies_on_it() {
        let line = [
            coord! { x: 0.0, y: 0.0 },
            coord! { x: 50.0, y: 0.4 },
            coord! { x: 100.0, y: 0.0 },
            coord! { x: 100.0, y: 80.0 },
        ];
        assert_eq!(simplify_line(&line, TOLERANCE), Some(vec![[0, 0], [100, 0], [100, 80]]));
        assert_eq!(
            simplify_line(&[coord! { x: 0.1, y: 0.1 }, coord! { x: 0.3, y: 0.2 }], TOLERANCE),
            None
        );
    }

    #[test]
    fn specks_vanish() {
        assert!(simplify_ring(&mut circle(50, 0.4), TOLERANCE).is_none());
        assert!(simplify_ring(&mut vec![coord! {x: 0., y: 0.}, coord! {x: 9., y: 9.}], TOLERANCE).is_none());
        // Three points on one line have no area.
        let mut flat = vec![coord! {x: 0., y: 0.}, coord! {x: 50., y: 0.}, coord! {x: 100., y: 0.}];
        assert!(simplify_ring(&mut flat, 0.0).is_none());
    }

    #[test]
    fn orientation_follows_mvt() {
        // On screen (y down) this ring runs east, south, west: clockwise.
        let mut ring = vec![[0, 0], [10, 0], [10, 10], [0, 10]];
        assert!(twice_area(&ring) > 0);
        orient(&mut ring, false);
        assert!(twice_area(&ring) < 0);
        orient(&mut ring, true);
        assert_eq!(twice_area(&ring), 200);
    }

    #[test]
    fn douglas_peucker_keeps_what_geo_keeps() {
        use geo::{LineString, Simplify};
        let mut state = 9u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in [2, 3, 10, 100, 2_000] {
            for tolerance in [0.0, 0.5, 2.0, 40.0] {
                // A wandering line, and a closed ring (first point repeated) like simplify_ring's.
                let mut line: Vec<Coord<f64>> = vec![coord! {x: 0., y: 0.}];
                for _ in 1..n {
                    let p = *line.last().unwrap();
                    line.push(coord! {x: p.x + next() * 20.0 - 5.0, y: p.y + next() * 20.0 - 10.0});
                }
                // (Jittered, so that no two points tie for the farthest, which rounding decides.)
                let mut ring = circle(n.max(3), 500.0 + next() * 500.0);
                for c in &mut ring {
                    c.x += next() * 0.01;
                }
                ring.push(ring[0]);
                for line in [line, ring] {
                    let keep = douglas_peucker(&line, tolerance);
                    let ours: Vec<Coord<f64>> = line.iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| *c).collect();
                    let theirs = LineString(line.clone()).simplify(tolerance).0;
                    assert_eq!(ours, theirs, "{n} points, tolerance {tolerance}");
                }
            }
        }
    }
}
