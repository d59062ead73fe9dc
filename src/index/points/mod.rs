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
//! search measures the ground distance ([`super::geodesic::ground_distance_m`]) only for points those bounds cannot
//! rule out, and stops once the next ring of cells lies beyond the answer. The bounds hold anywhere
//! on Earth; they are only tight near the data, which is where the questions come from.

use crate::domain::LonLat;

use super::geodesic::{DistancesFrom, dot, ecef};

mod lists;
mod plane;
#[cfg(test)]
mod tests;

pub use lists::LIST_K;
use lists::{LIST_MAX, Lists};
use plane::{Item, Plane};

/// Metres taken off every lower bound: covers the short-distance formula's error (under a
/// millimetre, see [`super::geodesic`]) and rounding in the ECEF arithmetic, with room to spare.
const SLACK_M: f64 = 0.01;
/// Points per occupied cell we aim for, and the cap on cells.
const POINTS_PER_CELL: usize = 2;
const MAX_CELLS: usize = 1 << 22;
/// Cells per point at most: where a few towns crowd most points together, finer cells would leave
/// the country between them so empty that a search from there walks thousands of cells.
const CELLS_PER_POINT: usize = 16;
/// Candidates of one ring sorted before measuring; more are measured as they come.
const BATCH: usize = 24;

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
    /// Where nearest searches for up to [`LIST_K`] points can skip the rings; see [`Lists`].
    lists: Option<Lists>,
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
            lists: None,
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

    /// Adds the candidate lists of [`Lists`] for nearest searches with `k` ≤ [`LIST_K`]. Their
    /// cells are about half the grid's cells across; a grid too large for them keeps none.
    pub fn with_lists(mut self) -> Self {
        self.lists = self.build_lists();
        self
    }

    /// The grid's shape, for build logs and benchmarks.
    pub fn describe(&self) -> String {
        let occupied = self.starts.windows(2).filter(|w| w[1] > w[0]).count();
        let most = self.starts.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        let lists = self.lists.as_ref().map(Lists::describe).unwrap_or_default();
        format!(
            "{} points in {}×{} cells of {:.0} m, {occupied} occupied, at most {most} in one{lists}",
            self.items.len(),
            self.nx,
            self.ny,
            self.side
        )
    }

    fn cell_xy(&self, q: [f64; 2]) -> (isize, isize) {
        (
            floor((q[0] - self.corner[0]) / self.side),
            floor((q[1] - self.corner[1]) / self.side),
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
    pub fn search(&self, p: LonLat, reach: f64, mut visit: impl FnMut(u32, f64) -> f64) {
        self.search_items(p, reach, |item, d| visit(item.id, d));
    }

    /// [`Self::search`] for a caller that wants no more than the `k` nearest points: from the
    /// candidate list of `p`'s cell when there is one and `k` ≤ [`LIST_K`], else ring by ring.
    pub fn search_nearest(&self, p: LonLat, k: usize, reach: f64, mut visit: impl FnMut(u32, f64) -> f64) {
        let list = (k <= LIST_K)
            .then_some(self.lists.as_ref())
            .flatten()
            .and_then(|lists| lists.at(p));
        let Some(list) = list else {
            return self.search(p, reach, visit);
        };
        let from = DistancesFrom::new(p);
        let here = from.ecef();
        let mut batch = [(0.0f64, 0u32); LIST_MAX];
        let mut n = 0;
        for (i, item) in list.iter().enumerate() {
            let c2 = chord2(item.ecef, here);
            let limit = reach + SLACK_M;
            if c2 <= limit * limit {
                batch[n] = (c2, i as u32);
                n += 1;
            }
        }
        measure_nearest_first(&mut batch[..n], list, &from, reach, |item, d| visit(item.id, d));
    }

    /// [`Self::search`], visiting the grid's items themselves.
    fn search_items(&self, p: LonLat, mut reach: f64, mut visit: impl FnMut(&Item, f64) -> f64) {
        if self.items.is_empty() {
            return;
        }
        let from = DistancesFrom::new(p);
        let here = from.ecef();
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
        // The cell holding `p` alone first (ring 0), then ring by ring; within a ring, a cell lying
        // wholly beyond the reach is not opened. With a couple of points a cell, the first cell
        // usually settles a k = 1 search and its neighbours are ruled out by their distance alone.
        for r in 0..=last {
            if r > 0 && self.ring_bound(q, cx, cy, r) - SLACK_M > reach {
                return;
            }
            let mut n = 0;
            let mut gather = |x: isize, y: isize, reach: &mut f64| {
                if x < 0 || x >= nx || y < 0 || y >= ny {
                    return;
                }
                let limit = *reach + SLACK_M;
                if self.cell_distance2(q, x, y) > limit * limit {
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
                        *reach = visit(item, from.to_known(item.location, item.ecef));
                    }
                }
            };
            if r == 0 {
                gather(cx, cy, &mut reach);
            } else {
                for y in (cy - r).max(0)..=(cy + r).min(ny - 1) {
                    if y == cy - r || y == cy + r {
                        // The ring's south or north row, whole.
                        for x in (cx - r).max(0)..=(cx + r).min(nx - 1) {
                            gather(x, y, &mut reach);
                        }
                    } else {
                        gather(cx - r, y, &mut reach);
                        gather(cx + r, y, &mut reach);
                    }
                }
            }
            reach = measure_nearest_first(&mut batch[..n], &self.items, &from, reach, &mut visit);
        }
    }

    /// Squared plane distance (m²) from `q` to cell (x, y): zero inside it.
    fn cell_distance2(&self, q: [f64; 2], x: isize, y: isize) -> f64 {
        let west = self.corner[0] + x as f64 * self.side;
        let south = self.corner[1] + y as f64 * self.side;
        let dx = (west - q[0]).max(q[0] - west - self.side).max(0.0);
        let dy = (south - q[1]).max(q[1] - south - self.side).max(0.0);
        dx * dx + dy * dy
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
        let cap = MAX_CELLS.min(CELLS_PER_POINT * n.max(1));
        if n <= POINTS_PER_CELL * occupied.max(1) || nx * ny * 4 > cap || side < 2.0 {
            return side;
        }
        side /= 2.0;
    }
}

/// Measures the candidates of `batch` (squared chord, index into `items`) nearest chord first,
/// picked one at a time: usually the first one or few are measured and the reach `visit` returns
/// then rules out the rest, so sorting them all would be wasted. Returns the last reach.
fn measure_nearest_first(
    batch: &mut [(f64, u32)],
    items: &[Item],
    from: &DistancesFrom,
    mut reach: f64,
    mut visit: impl FnMut(&Item, f64) -> f64,
) -> f64 {
    for j in 0..batch.len() {
        let (c2, i) = next_nearest(batch, j);
        let limit = reach + SLACK_M;
        if c2 > limit * limit {
            break;
        }
        let item = &items[i as usize];
        reach = visit(item, from.to_known(item.location, item.ecef));
    }
    reach
}

/// Swaps the shortest chord of `batch[j..]` (`j` < its length) into `batch[j]` and returns it: one
/// step of a selection sort, as a search usually measures the first few and rules out the rest.
/// Squared chords are never negative, so their bit patterns order as the numbers do.
fn next_nearest(batch: &mut [(f64, u32)], j: usize) -> (f64, u32) {
    let mut nearest = j;
    let mut key = batch[j].0.to_bits();
    for (m, (c2, _)) in batch.iter().enumerate().skip(j + 1) {
        if c2.to_bits() < key {
            key = c2.to_bits();
            nearest = m;
        }
    }
    batch.swap(j, nearest);
    batch[j]
}

/// `v.floor() as isize`, without the library call `floor` becomes on CPUs targeted without SSE4.1.
fn floor(v: f64) -> isize {
    let t = v as isize;
    t - isize::from((t as f64) > v)
}

fn chord2(a: [f64; 3], b: [f64; 3]) -> f64 {
    let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    dot(d, d)
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
