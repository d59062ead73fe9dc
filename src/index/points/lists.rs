//! Candidate lists: for each cell of a longitude/latitude grid, the points that can be among the
//! few nearest of any query in it (see [`Lists`]).

use crate::domain::LonLat;

use super::plane::Item;
use super::{MAX_CELLS, PointGrid, SLACK_M, floor};

/// Nearest searches with `k` up to this use the candidate lists.
pub const LIST_K: usize = 5;
/// A list cell with more candidates than this has no list: its searches walk the rings.
pub(super) const LIST_MAX: usize = 32;
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
pub(super) struct Lists {
    /// Longitude and latitude (degrees) of the grid's south-west corner.
    pub(super) west: f64,
    pub(super) south: f64,
    /// Cells per degree of longitude and of latitude.
    pub(super) per_lon: f64,
    pub(super) per_lat: f64,
    pub(super) nx: usize,
    pub(super) ny: usize,
    /// Cell `c`'s candidates are `items[start..end]` for `[start, end] = cells[c]`; `None` marks a
    /// cell without a list.
    pub(super) cells: Vec<Option<[u32; 2]>>,
    pub(super) items: Vec<Item>,
}

impl Lists {
    /// The candidates of the cell holding `p`, if it has a list.
    pub fn at(&self, p: LonLat) -> Option<&[Item]> {
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

    /// The lists' shape, for [`PointGrid::describe`].
    pub fn describe(&self) -> String {
        let listed = self.cells.iter().filter(|c| c.is_some()).count();
        format!(
            "; nearest-{LIST_K} lists in {listed} of {}×{} cells, {:.1} candidates a list",
            self.nx,
            self.ny,
            self.items.len() as f64 / listed.max(1) as f64
        )
    }
}

impl PointGrid {
    pub(super) fn build_lists(&self) -> Option<Lists> {
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
            .map(|c| crate::index::geodesic::ground_distance_m(centre, *c))
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
}
