//! Points on the WGS 84 ellipsoid in a bucket grid, for *the nearest* and *everything within R
//! metres* ranked by ground distance.
//!
//! Each point is kept as its Earth-centred (ECEF) position in metres and as its position on a plane
//! tangent to the ellipsoid at the middle of the data, where a uniform grid of square cells buckets
//! it. Two facts make the search exact:
//! - the straight line (chord) between two ECEF points is never longer than the geodesic between
//!   them, and
//! - projecting onto a plane never lengthens a distance,
//!
//! so the plane distance to a cell and the chord to a point are lower bounds on ground metres. A
//! search measures the ground distance ([`ground_distance_m`]) only for points those bounds cannot
//! rule out, and stops once the next ring of cells lies beyond the answer. The bounds hold anywhere
//! on Earth; they are only tight near the data, which is where the questions come from.

use crate::domain::LonLat;

use super::geodesic::{WGS84_A, WGS84_E2, ground_distance_m};

/// Metres taken off every lower bound: covers the short-distance formula's error (under a
/// millimetre, see [`super::geodesic`]) and rounding in the ECEF arithmetic, with room to spare.
const SLACK_M: f64 = 0.01;
/// Points per occupied cell we aim for, and the cap on cells.
const POINTS_PER_CELL: usize = 2;
const MAX_CELLS: usize = 1 << 22;
/// Candidates of one ring sorted before measuring; more are measured as they come.
const BATCH: usize = 24;

/// A point of the grid: its position, and the caller's number for it.
#[derive(Debug, Clone, Copy)]
struct Item {
    ecef: [f64; 3],
    location: LonLat,
    id: u32,
}

/// The tangent plane: origin (ECEF) and its east and north unit vectors.
#[derive(Debug, Clone, Copy)]
struct Plane {
    origin: [f64; 3],
    east: [f64; 3],
    north: [f64; 3],
}

impl Plane {
    fn at(p: LonLat) -> Self {
        let (lon, lat) = (p.lon().to_radians(), p.lat().to_radians());
        let (sl, cl) = lon.sin_cos();
        let (sp, cp) = lat.sin_cos();
        Self {
            origin: ecef(p),
            east: [-sl, cl, 0.0],
            north: [-sp * cl, -sp * sl, cp],
        }
    }

    /// Plane coordinates (metres east, north of the origin) of an ECEF position.
    fn project(&self, x: [f64; 3]) -> [f64; 2] {
        let d = [x[0] - self.origin[0], x[1] - self.origin[1], x[2] - self.origin[2]];
        [dot(d, self.east), dot(d, self.north)]
    }
}

pub struct PointGrid {
    plane: Plane,
    /// Plane coordinates of the grid's south-west corner, metres.
    corner: [f64; 2],
    /// Cell side, metres.
    side: f64,
    nx: usize,
    ny: usize,
    /// `items[starts[c]..starts[c + 1]]` are the points in cell `c`.
    starts: Vec<u32>,
    items: Vec<Item>,
}

impl PointGrid {
    pub fn new(points: impl IntoIterator<Item = (LonLat, u32)>) -> Self {
        let points: Vec<(LonLat, u32)> = points.into_iter().collect();
        let centre = middle(&points);
        let plane = Plane::at(centre);
        let projected: Vec<([f64; 3], [f64; 2])> = points
            .iter()
            .map(|(p, _)| {
                let x = ecef(*p);
                (x, plane.project(x))
            })
            .collect();
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for (_, q) in &projected {
            for i in 0..2 {
                lo[i] = lo[i].min(q[i]);
                hi[i] = hi[i].max(q[i]);
            }
        }
        if points.is_empty() {
            (lo, hi) = ([0.0; 2], [0.0; 2]);
        }
        let (w, h) = ((hi[0] - lo[0]).max(1.0), (hi[1] - lo[1]).max(1.0));
        let side = cell_side(w, h, projected.iter().map(|(_, q)| [q[0] - lo[0], q[1] - lo[1]]));
        let nx = (w / side).ceil() as usize + 1;
        let ny = (h / side).ceil() as usize + 1;
        let mut grid = Self {
            plane,
            corner: lo,
            side,
            nx,
            ny,
            starts: vec![0; nx * ny + 1],
            items: Vec::with_capacity(points.len()),
        };
        let cell_of: Vec<usize> = projected.iter().map(|(_, q)| grid.cell_of(*q)).collect();
        for &c in &cell_of {
            grid.starts[c + 1] += 1;
        }
        for c in 0..nx * ny {
            grid.starts[c + 1] += grid.starts[c];
        }
        let mut order: Vec<u32> = (0..points.len() as u32).collect();
        order.sort_by_key(|&i| cell_of[i as usize]);
        grid.items = order
            .into_iter()
            .map(|i| {
                let (location, id) = points[i as usize];
                Item {
                    ecef: projected[i as usize].0,
                    location,
                    id,
                }
            })
            .collect();
        grid
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The grid's shape, for build logs and benchmarks.
    pub fn describe(&self) -> String {
        let occupied = self.starts.windows(2).filter(|w| w[1] > w[0]).count();
        let most = self.starts.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        format!(
            "{} points in {}×{} cells of {:.0} m, {occupied} occupied, at most {most} in one",
            self.items.len(),
            self.nx,
            self.ny,
            self.side
        )
    }

    fn cell_xy(&self, q: [f64; 2]) -> (isize, isize) {
        (
            ((q[0] - self.corner[0]) / self.side).floor() as isize,
            ((q[1] - self.corner[1]) / self.side).floor() as isize,
        )
    }

    fn cell_of(&self, q: [f64; 2]) -> usize {
        let (x, y) = self.cell_xy(q);
        let x = x.clamp(0, self.nx as isize - 1) as usize;
        let y = y.clamp(0, self.ny as isize - 1) as usize;
        y * self.nx + x
    }

    fn cell(&self, x: usize, y: usize) -> &[Item] {
        let c = y * self.nx + x;
        &self.items[self.starts[c] as usize..self.starts[c + 1] as usize]
    }

    /// Visits points in rings of cells around `p`, nearest rings first, as `visit(id, ground
    /// metres)`, while the next ring's lower bound is within the reach: the distance beyond which
    /// nothing is wanted any more, `reach` at first and then whatever `visit` returns. Points whose
    /// chord already exceeds the reach are skipped without measuring. The reach must never grow.
    pub fn search(&self, p: LonLat, mut reach: f64, mut visit: impl FnMut(u32, f64) -> f64) {
        if self.items.is_empty() {
            return;
        }
        let here = ecef(p);
        let q = self.plane.project(here);
        let (cx, cy) = self.cell_xy(q);
        let (nx, ny) = (self.nx as isize, self.ny as isize);
        // The ring that contains every cell, however far outside the grid `p` is.
        let last = [cx, nx - 1 - cx, cy, ny - 1 - cy]
            .into_iter()
            .map(isize::abs)
            .max()
            .unwrap_or(0);
        // Candidates of one ring that the chord cannot rule out, measured nearest chord first so the
        // reach shrinks as early as it can and the rest are ruled out unmeasured.
        let mut batch = [(0.0f64, 0u32); BATCH];
        // The 3×3 cells around `p` first, as one ring; then ring by ring.
        for r in 1..=last.max(1) {
            if r > 1 && self.ring_bound(q, cx, cy, r) - SLACK_M > reach {
                return;
            }
            let mut n = 0;
            let mut gather = |x: isize, y: isize, reach: &mut f64| {
                if x < 0 || x >= nx {
                    return;
                }
                let start = self.starts[y as usize * self.nx + x as usize];
                for (i, item) in self.cell(x as usize, y as usize).iter().enumerate() {
                    let c2 = chord2(item.ecef, here);
                    let limit = *reach + SLACK_M;
                    if c2 > limit * limit {
                        continue;
                    }
                    if n < BATCH {
                        batch[n] = (c2, start + i as u32);
                        n += 1;
                    } else {
                        *reach = visit(item.id, ground_distance_m(p, item.location));
                    }
                }
            };
            for y in (cy - r).max(0)..=(cy + r).min(ny - 1) {
                if r == 1 || y == cy - r || y == cy + r {
                    // The ring's south or north row (or the first block's rows), whole.
                    for x in (cx - r).max(0)..=(cx + r).min(nx - 1) {
                        gather(x, y, &mut reach);
                    }
                } else {
                    gather(cx - r, y, &mut reach);
                    gather(cx + r, y, &mut reach);
                }
            }
            // Nearest chord first, picked one at a time: usually the first one or few are measured and
            // the reach then rules out the rest, so sorting them all would be wasted.
            let batch = &mut batch[..n];
            for j in 0..batch.len() {
                let nearest = (j..batch.len())
                    .min_by(|&a, &b| batch[a].0.total_cmp(&batch[b].0))
                    .expect("j < len");
                batch.swap(j, nearest);
                let (c2, i) = batch[j];
                let limit = reach + SLACK_M;
                if c2 > limit * limit {
                    break;
                }
                let item = &self.items[i as usize];
                reach = visit(item.id, ground_distance_m(p, item.location));
            }
        }
    }

    /// Plane distance from `q` to the nearest cell of ring `r` (r ≥ 1) around cell (cx, cy): the
    /// distance to the edge of the block of rings below it.
    fn ring_bound(&self, q: [f64; 2], cx: isize, cy: isize, r: isize) -> f64 {
        let west = self.corner[0] + (cx - r + 1) as f64 * self.side;
        let east = self.corner[0] + (cx + r) as f64 * self.side;
        let south = self.corner[1] + (cy - r + 1) as f64 * self.side;
        let north = self.corner[1] + (cy + r) as f64 * self.side;
        (q[0] - west)
            .min(east - q[0])
            .min(q[1] - south)
            .min(north - q[1])
            .max(0.0)
    }
}

/// The cell side (metres) for points at plane offsets within `w` × `h` metres: halved from one
/// cell per point on average until the cells that hold points hold few each, since a city's points
/// crowd into its towns.
fn cell_side(w: f64, h: f64, offsets: impl Iterator<Item = [f64; 2]> + Clone) -> f64 {
    let n = offsets.clone().count();
    let mut side = (w * h / n.max(1) as f64).sqrt().max(1.0);
    loop {
        let (nx, ny) = ((w / side) as usize + 1, (h / side) as usize + 1);
        let mut used = vec![false; nx * ny];
        let mut occupied = 0;
        for q in offsets.clone() {
            let c = (q[1] / side) as usize * nx + (q[0] / side) as usize;
            if let Some(u) = used.get_mut(c).filter(|u| !**u) {
                *u = true;
                occupied += 1;
            }
        }
        if n <= POINTS_PER_CELL * occupied.max(1) || nx * ny * 4 > MAX_CELLS || side < 2.0 {
            return side;
        }
        side /= 2.0;
    }
}

/// Earth-centred, Earth-fixed position of a point on the WGS 84 ellipsoid (height 0), metres.
pub fn ecef(p: LonLat) -> [f64; 3] {
    let (lon, lat) = (p.lon().to_radians(), p.lat().to_radians());
    let (sl, cl) = lon.sin_cos();
    let (sp, cp) = lat.sin_cos();
    let n = WGS84_A / (1.0 - WGS84_E2 * sp * sp).sqrt();
    [n * cp * cl, n * cp * sl, n * (1.0 - WGS84_E2) * sp]
}

fn chord2(a: [f64; 3], b: [f64; 3]) -> f64 {
    let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    dot(d, d)
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The middle of the points' lon/lat box (longitudes taken as given; data of one city never
/// straddles the antimeridian, and elsewhere the grid is merely slower, never wrong).
fn middle(points: &[(LonLat, u32)]) -> LonLat {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for (p, _) in points {
        lo = [lo[0].min(p.lon()), lo[1].min(p.lat())];
        hi = [hi[0].max(p.lon()), hi[1].max(p.lat())];
    }
    if points.is_empty() {
        return LonLat::new(0.0, 0.0).expect("valid");
    }
    LonLat::new((lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0).expect("the middle of valid points is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    fn rng(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn the_chord_and_the_plane_never_exceed_the_ground_distance() {
        let mut next = rng(11);
        let plane = Plane::at(ll(112.1, 32.0));
        for i in 0..20_000 {
            let a = ll(73.0 + next() * 60.0, 18.0 + next() * 35.0);
            // Half the pairs within a few kilometres (the mid-latitude formula), half anywhere.
            let b = if i % 2 == 0 {
                ll(a.lon() + (next() - 0.5) * 0.08, a.lat() + (next() - 0.5) * 0.08)
            } else {
                match LonLat::new(-180.0 + next() * 360.0, -89.0 + next() * 178.0) {
                    Ok(b) => b,
                    Err(_) => continue, // looks swapped: not a point anyone can ask about
                }
            };
            let ground = ground_distance_m(a, b);
            let chord = chord2(ecef(a), ecef(b)).sqrt();
            assert!(chord - SLACK_M <= ground, "chord {chord} > ground {ground} for {a} {b}");
            let (pa, pb) = (plane.project(ecef(a)), plane.project(ecef(b)));
            let flat = (pa[0] - pb[0]).hypot(pa[1] - pb[1]);
            assert!(flat <= chord + 1e-6, "plane {flat} > chord {chord}");
            if i % 2 == 0 {
                assert!(ground - chord < 0.01, "chord {chord} far below ground {ground}");
            }
        }
    }

    #[test]
    fn searches_find_what_brute_force_finds_near_and_far() {
        let mut next = rng(3);
        // Clustered like a city: most points in two towns, a few scattered.
        let points: Vec<LonLat> = (0..3_000)
            .map(|i| match i % 3 {
                0 => ll(112.10 + next() * 0.02, 32.00 + next() * 0.02),
                1 => ll(111.60 + next() * 0.01, 31.70 + next() * 0.01),
                _ => ll(111.0 + next() * 2.0, 31.0 + next() * 2.0),
            })
            .collect();
        let grid = PointGrid::new(points.iter().enumerate().map(|(i, p)| (*p, i as u32)));
        let queries = (0..300).map(|_| ll(111.0 + next() * 2.0, 31.0 + next() * 2.0)).chain([
            ll(112.105, 32.005),
            ll(0.0, 0.0),
            ll(-67.9, -32.0),
            ll(179.9, 89.0),
            ll(112.1, 32.0),
        ]);
        for q in queries {
            let mut brute: Vec<(f64, u32)> = points
                .iter()
                .enumerate()
                .map(|(i, p)| (ground_distance_m(q, *p), i as u32))
                .collect();
            brute.sort_by(|a, b| a.partial_cmp(b).unwrap());
            // Nearest three.
            let mut best: Vec<(f64, u32)> = Vec::new();
            grid.search(q, f64::INFINITY, |id, d| {
                best.push((d, id));
                best.sort_by(|a, b| a.partial_cmp(b).unwrap());
                best.truncate(3);
                if best.len() == 3 { best[2].0 } else { f64::INFINITY }
            });
            assert_eq!(best, brute[..3].to_vec(), "nearest three to {q}");
            // Everything within 2 km.
            let mut within: Vec<u32> = Vec::new();
            grid.search(q, 2_000.0, |id, d| {
                if d <= 2_000.0 {
                    within.push(id);
                }
                2_000.0
            });
            within.sort();
            let mut expected: Vec<u32> = brute.iter().filter(|(d, _)| *d <= 2_000.0).map(|(_, i)| *i).collect();
            expected.sort();
            assert_eq!(within, expected, "within 2 km of {q}");
        }
    }

    #[test]
    fn an_empty_grid_finds_nothing() {
        let grid = PointGrid::new(std::iter::empty());
        assert!(grid.is_empty());
        grid.search(ll(112.0, 32.0), f64::INFINITY, |_, _| panic!("nothing to visit"));
    }
}
