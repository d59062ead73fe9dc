//! Generalising rings for one tile, in tile units (4096 across a tile, `y` down).
//!
//! The tolerance is a fixed number of tile units, so it is a fixed fraction of a screen pixel at
//! every zoom: at z8 a county outline loses everything finer than ~100 m, at z16 only what is finer
//! than ~0.5 m. Steps: a cheap radial thinning before clipping (a county's ten thousand vertices
//! fall on a few pixels at low zoom), then Ramer–Douglas–Peucker after clipping, then snapping to
//! the integer grid MVT stores.

use geo::{Coord, LineString, Simplify};

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
    let closed = LineString(std::mem::take(ring));
    let simple = closed.simplify(tolerance);
    *ring = closed.0;
    ring.pop();
    let mut out: Vec<[i32; 2]> = Vec::with_capacity(simple.0.len());
    for c in &simple.0[..simple.0.len().saturating_sub(1)] {
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
}
