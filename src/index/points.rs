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
    /// Where nearest searches for up to [`LIST_K`] points can skip the rings; see [`Lists`].
    lists: Option<Lists>,
}

/// Nearest searches with `k` up to this use the candidate lists.
pub const LIST_K: usize = 5;
/// A list cell with more candidates than this has no list: its searches walk the rings.
const LIST_MAX: usize = 32;
/// List cells per point at most.
const LIST_CELLS_PER_POINT: f64 = 16.0;

/// For every cell of a longitude/latitude grid over the data, every point that can be among the
/// [`LIST_K`] nearest of any query in that cell, so that a dispatcher's question measures a few
/// chords instead of opening a dozen cells ring by ring.
///
/// Why a list is complete: let `c` be the cell's centre, `G` at least the ground distance from `c` to
/// any point of the cell, and `d` the ground distance from `c` to its K-th nearest point. For a query
/// `x` in the cell, those K points lie within `d + G` of `x`, so each of `x`'s K nearest lies within
/// `d + G` of `x`, hence within `d + 2G` of `c` (the triangle inequality of the geodesic distance).
/// The list holds every point within `d + 2G` of `c`. `G` is the largest distance from `c` to the
/// cell's corners, plus 1 % and a centimetre: over a cell a few hundred metres across the distance
/// from the centre peaks at the corners to far better than that.
struct Lists {
    /// Longitude and latitude (degrees) of the grid's south-west corner.
    west: f64,
    south: f64,
    /// Cells per degree of longitude and of latitude.
    per_lon: f64,
    per_lat: f64,
    nx: usize,
    ny: usize,
    /// Cell `c`'s candidates are `items[start..end]` for `[start, end] = cells[c]`; `None` marks a
    /// cell without a list.
    cells: Vec<Option<[u32; 2]>>,
    items: Vec<Item>,
}

impl Lists {
    /// The candidates of the cell holding `p`, if it has a list.
    fn at(&self, p: LonLat) -> Option<&[Item]> {
        // Multiplying by the inverse may put a point on a cell's edge into its neighbour, which is
        // as good: the lists' margin (1 % and a centimetre) covers far more than the rounding.
        let x = floor((p.lon() - self.west) * self.per_lon);
        let y = floor((p.lat() - self.south) * self.per_lat);
        if x < 0 || y < 0 || x as usize >= self.nx || y as usize >= self.ny {
            return None;
        }
        let [start, end] = self.cells[y as usize * self.nx + x as usize]?;
        Some(&self.items[start as usize..end as usize])
    }
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

    fn build_lists(&self) -> Option<Lists> {
        let first = self.items.first()?;
        let (mut lo, mut hi) = (
            [first.location.lon(), first.location.lat()],
            [first.location.lon(), first.location.lat()],
        );
        for item in &self.items {
            lo = [lo[0].min(item.location.lon()), lo[1].min(item.location.lat())];
            hi = [hi[0].max(item.location.lon()), hi[1].max(item.location.lat())];
        }
        // About half a grid cell across, but no more than LIST_CELLS_PER_POINT cells a point, so
        // the lists of a city's stations take a fraction of a second to build; degrees per metre
        // from a sphere (the cell's shape need not be exact, G is measured).
        let metres_per_lat = 111_000.0;
        let metres_per_lon = metres_per_lat * ((lo[1] + hi[1]) / 2.0).to_radians().cos().max(0.05);
        let area = ((hi[0] - lo[0]) * metres_per_lon).max(1.0) * ((hi[1] - lo[1]) * metres_per_lat).max(1.0);
        let fewest = (area / (LIST_CELLS_PER_POINT * self.items.len() as f64)).sqrt();
        let metres = (self.side / 2.0).max(fewest).max(50.0);
        let dlat = metres / metres_per_lat;
        let dlon = metres / metres_per_lon;
        let (west, south) = (lo[0] - dlon, lo[1] - dlat);
        let nx = ((hi[0] - west) / dlon) as usize + 2;
        let ny = ((hi[1] - south) / dlat) as usize + 2;
        if nx * ny > MAX_CELLS / 4 {
            return None;
        }
        let mut cells = Vec::with_capacity(nx * ny);
        let mut items: Vec<Item> = Vec::new();
        for y in 0..ny {
            for x in 0..nx {
                let (w, s) = (west + x as f64 * dlon, south + y as f64 * dlat);
                cells.push(self.candidates(w, s, dlon, dlat).map(|found| {
                    let start = items.len() as u32;
                    items.extend(found);
                    [start, items.len() as u32]
                }));
            }
        }
        Some(Lists {
            west,
            south,
            per_lon: 1.0 / dlon,
            per_lat: 1.0 / dlat,
            nx,
            ny,
            cells,
            items,
        })
    }

    /// Every point that can be among the [`LIST_K`] nearest of a query in the cell whose
    /// south-west corner is (`w`, `s`), or `None` when that is more than [`LIST_MAX`] points or
    /// the cell is not all valid coordinates.
    fn candidates(&self, w: f64, s: f64, dlon: f64, dlat: f64) -> Option<Vec<Item>> {
        let at = |lon: f64, lat: f64| LonLat::new(lon, lat).ok();
        let centre = at(w + dlon / 2.0, s + dlat / 2.0)?;
        let corners = [at(w, s)?, at(w + dlon, s)?, at(w, s + dlat)?, at(w + dlon, s + dlat)?];
        let reach_of_cell = corners
            .iter()
            .map(|c| super::geodesic::ground_distance_m(centre, *c))
            .fold(0.0f64, f64::max)
            * 1.01
            + 0.01;
        // The K-th nearest distance from the centre.
        let mut best = [f64::INFINITY; LIST_K];
        self.search_items(centre, f64::INFINITY, |_, d| {
            if d < best[LIST_K - 1] {
                best[LIST_K - 1] = d;
                best.sort_by(f64::total_cmp);
            }
            best[LIST_K - 1]
        });
        let reach = best[LIST_K - 1] + 2.0 * reach_of_cell + SLACK_M;
        let mut found = Vec::new();
        let mut overflow = false;
        self.search_items(centre, reach, |item, d| {
            if d <= reach {
                found.push(*item);
                if found.len() > LIST_MAX {
                    overflow = true;
                    return -1.0; // nothing more is wanted
                }
            }
            reach
        });
        (!overflow).then_some(found)
    }

    /// The grid's shape, for build logs and benchmarks.
    pub fn describe(&self) -> String {
        let occupied = self.starts.windows(2).filter(|w| w[1] > w[0]).count();
        let most = self.starts.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        let lists = match &self.lists {
            Some(l) => {
                let listed = l.cells.iter().filter(|c| c.is_some()).count();
                format!(
                    "; nearest-{LIST_K} lists in {listed} of {}×{} cells, {:.1} candidates a list",
                    l.nx,
                    l.ny,
                    l.items.len() as f64 / listed.max(1) as f64
                )
            }
            None => String::new(),
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::geodesic::ground_distance_m;

    #[test]
    fn floor_rounds_down() {
        for v in [-2.5, -2.0, -0.5, -0.0, 0.0, 0.5, 1.0, 1.999, 1e9 + 0.5, -1e9 - 0.5] {
            assert_eq!(floor(v), v.floor() as isize, "{v}");
        }
    }

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
            // Half the pairs within a few kilometres (the closed form), half anywhere.
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
    fn candidate_lists_find_the_nearest_brute_force_finds() {
        let mut next = rng(5);
        // Two dense towns, villages scattered between them, and a far outlier.
        let points: Vec<LonLat> = (0..2_000)
            .map(|i| match i % 4 {
                0 | 1 => ll(112.10 + next() * 0.03, 32.00 + next() * 0.03),
                2 => ll(111.60 + next() * 0.01, 31.70 + next() * 0.01),
                _ => ll(111.0 + next() * 1.5, 31.0 + next() * 1.5),
            })
            .chain([ll(113.9, 33.9)])
            .collect();
        let grid = PointGrid::new(points.iter().enumerate().map(|(i, p)| (*p, i as u32))).with_lists();
        let lists = grid.lists.as_ref().expect("a city-sized grid has lists");
        assert!(lists.cells.iter().filter(|c| c.is_some()).count() > lists.cells.len() / 2);
        // Random queries, queries on list cell corners and edges (where G is tightest), and outside.
        let corner = |i: usize, j: usize, dx: f64, dy: f64| {
            ll(
                lists.west + (i as f64 + dx) / lists.per_lon,
                lists.south + (j as f64 + dy) / lists.per_lat,
            )
        };
        let mut queries: Vec<LonLat> = (0..2_000)
            .map(|i| {
                if i % 2 == 0 {
                    ll(111.0 + next() * 3.0, 31.0 + next() * 3.0)
                } else {
                    ll(112.09 + next() * 0.05, 31.99 + next() * 0.05)
                }
            })
            .collect();
        for _ in 0..500 {
            let (i, j) = ((next() * lists.nx as f64) as usize, (next() * lists.ny as f64) as usize);
            queries.push(corner(i, j, 0.0, 0.0));
            queries.push(corner(i, j, 0.5, 0.0));
            queries.push(corner(i, j, 1.0 - 1e-12, 1.0 - 1e-12));
        }
        queries.extend([ll(100.0, 20.0), ll(112.1, 32.0)]);
        let mut listed = 0;
        for q in queries {
            listed += usize::from(lists.at(q).is_some());
            let mut brute: Vec<(f64, u32)> = points
                .iter()
                .enumerate()
                .map(|(i, p)| (ground_distance_m(q, *p), i as u32))
                .collect();
            brute.sort_by(|a, b| a.partial_cmp(b).unwrap());
            for k in [1, 2, 5, 6] {
                let mut best: Vec<(f64, u32)> = Vec::new();
                grid.search_nearest(q, k, f64::INFINITY, |id, d| {
                    best.push((d, id));
                    best.sort_by(|a, b| a.partial_cmp(b).unwrap());
                    best.truncate(k);
                    if best.len() == k { best[k - 1].0 } else { f64::INFINITY }
                });
                assert_eq!(best, brute[..k].to_vec(), "nearest {k} to {q}");
            }
        }
        assert!(listed > 2_000, "most queries are answered from a list ({listed})");
    }

    #[test]
    fn an_empty_grid_finds_nothing() {
        let grid = PointGrid::new(std::iter::empty());
        assert!(grid.is_empty());
        grid.search(ll(112.0, 32.0), f64::INFINITY, |_, _| panic!("nothing to visit"));
        let grid = PointGrid::new(std::iter::empty()).with_lists();
        grid.search_nearest(ll(112.0, 32.0), 1, f64::INFINITY, |_, _| panic!("nothing to visit"));
    }
}
