//! A uniform grid of cells over the area layer that answers *which areas contain this point* with
//! one array read for most points, and a handful of exact predicates for the rest.
//!
//! Coordinates are WGS 84 degrees (x = longitude, y = latitude); cells are about square on the
//! ground (their width in degrees is stretched by 1/cos(latitude)). Nothing here measures distance.
//!
//! - A cell that no area edge touches lies wholly inside the same areas, so it stores their chain.
//! - A cell that edges touch stores the chain at a reference point `c` inside it (chosen on no
//!   edge) and those edges. For a query point `p` in the cell, every area whose boundary the segment
//!   `c→p` crosses an odd number of times swaps in or out; the crossings are decided with Shewchuk's
//!   exact `orient2d`, so there is no rounding.
//! - Whenever that reasoning would need a tie — `p` on an edge's line, `c→p` through a vertex, two
//!   areas of one level at `p` — the cell answers `None` and the caller asks the exact
//!   point-in-polygon of [`super::pip`], whose half-open rule settles points on shared edges. The
//!   grid therefore always agrees with it, and is only a shortcut.

use std::collections::HashMap;

use geo::{Coord, MultiPolygon, Rect};
use robust::{Coord as RCoord, orient2d};

use super::chain::Chain;
use crate::domain::Level;

/// One area's polygons, as the grid sees them.
pub struct Shape<'a> {
    pub area: u32,
    pub level: Level,
    pub geometry: &'a MultiPolygon<f64>,
}

pub struct CellGrid {
    origin: Coord<f64>,
    /// Cell size in degrees (x, y) and its inverse.
    size: Coord<f64>,
    inverse: Coord<f64>,
    nx: usize,
    ny: usize,
    /// Per cell: an index into `chains` (no edge in the cell), or `BOUNDARY | index into `boundary``.
    cells: Vec<u32>,
    chains: Vec<Chain>,
    boundary: Vec<BoundaryCell>,
    edges: Vec<CellEdge>,
}

const BOUNDARY: u32 = 1 << 31;
/// A boundary cell with no usable reference point: always answered by the exact path.
const NO_REFERENCE: u32 = u32::MAX;
/// How many areas may swap between `c` and `p` before the cell gives up (a few levels share an edge).
const MAX_SWAPS: usize = 16;
/// Cells per area edge we aim for, and the cap on cells (4 bytes each).
const CELLS_PER_EDGE: usize = 2;
const MAX_CELLS: usize = 1 << 24;
/// Slack, in degrees (~0.1 mm), by which a cell is grown when deciding which edges touch it, so
/// that rounding in the cell arithmetic can never put a point in a cell that misses an edge near it.
const SLACK_DEG: f64 = 1e-9;

struct BoundaryCell {
    reference: Coord<f64>,
    /// Index into `chains` of the areas at `reference`, or [`NO_REFERENCE`].
    chain: u32,
    first: u32,
    len: u32,
}

struct CellEdge {
    a: Coord<f64>,
    b: Coord<f64>,
    area: u32,
    level: Level,
    /// The sign of `orient2d(a, b, reference)` of the cell this copy belongs to (never 0).
    reference_side: bool,
}

impl CellGrid {
    /// Builds the grid; `exact(c)` must give the chain at `c` by the exact rule and `overlap(c)`
    /// whether two areas of one level contain `c` (where a reference point cannot stand).
    pub fn new(
        shapes: &[Shape<'_>],
        exact: impl Fn(Coord<f64>) -> Chain,
        overlap: impl Fn(Coord<f64>) -> bool,
    ) -> Self {
        let mut raw: Vec<(Coord<f64>, Coord<f64>, u32, Level)> = Vec::new();
        for s in shapes {
            for polygon in &s.geometry.0 {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    raw.extend(
                        ring.lines()
                            .filter(|l| l.start != l.end)
                            .map(|l| (l.start, l.end, s.area, s.level)),
                    );
                }
            }
        }
        let Some(bbox) = bounds(raw.iter().flat_map(|e| [e.0, e.1])) else {
            return Self::empty();
        };
        let (origin, size, nx, ny) = layout(bbox, raw.len());
        let mut grid = Self {
            origin,
            size,
            inverse: Coord {
                x: 1.0 / size.x,
                y: 1.0 / size.y,
            },
            nx,
            ny,
            cells: vec![0; nx * ny],
            chains: Vec::new(),
            boundary: Vec::new(),
            edges: Vec::new(),
        };

        // (cell, edge) pairs for every cell an edge touches, grouped by cell.
        let mut touches: Vec<(u32, u32)> = Vec::new();
        for (i, &(a, b, _, _)) in raw.iter().enumerate() {
            let (x0, x1) = grid.span_x(a.x.min(b.x) - SLACK_DEG, a.x.max(b.x) + SLACK_DEG);
            let (y0, y1) = grid.span_y(a.y.min(b.y) - SLACK_DEG, a.y.max(b.y) + SLACK_DEG);
            for iy in y0..=y1 {
                for ix in x0..=x1 {
                    if segment_meets_rect(a, b, grid.rect(ix, iy)) {
                        touches.push(((iy * nx + ix) as u32, i as u32));
                    }
                }
            }
        }
        touches.sort_unstable();

        let mut chain_ids: HashMap<Chain, u32> = HashMap::new();
        let mut intern = |chain: Chain, chains: &mut Vec<Chain>| {
            *chain_ids.entry(chain).or_insert_with(|| {
                chains.push(chain);
                (chains.len() - 1) as u32
            })
        };
        let mut t = 0;
        for iy in 0..ny {
            for ix in 0..nx {
                let cell = iy * nx + ix;
                let start = t;
                while t < touches.len() && touches[t].0 as usize == cell {
                    t += 1;
                }
                if start == t {
                    // No edge: the same areas as an edge-free neighbour, or ask once.
                    let left = (ix > 0).then(|| grid.cells[cell - 1]).filter(|v| v & BOUNDARY == 0);
                    let below = (iy > 0).then(|| grid.cells[cell - nx]).filter(|v| v & BOUNDARY == 0);
                    grid.cells[cell] = match left.or(below) {
                        Some(id) => id,
                        None => intern(exact(grid.center(ix, iy)), &mut grid.chains),
                    };
                    continue;
                }
                let cell_edges = &touches[start..t];
                let first = grid.edges.len() as u32;
                let (reference, chain) = match grid.reference_point(ix, iy, cell_edges, &raw) {
                    Some(c) if !overlap(c) => (c, intern(exact(c), &mut grid.chains)),
                    _ => (grid.center(ix, iy), NO_REFERENCE),
                };
                for &(_, e) in cell_edges {
                    let (a, b, area, level) = raw[e as usize];
                    grid.edges.push(CellEdge {
                        a,
                        b,
                        area,
                        level,
                        reference_side: orient2d(rc(a), rc(b), rc(reference)) > 0.0,
                    });
                }
                grid.cells[cell] = BOUNDARY | grid.boundary.len() as u32;
                grid.boundary.push(BoundaryCell {
                    reference,
                    chain,
                    first,
                    len: cell_edges.len() as u32,
                });
            }
        }
        grid
    }

    fn empty() -> Self {
        Self {
            origin: Coord { x: 0.0, y: 0.0 },
            size: Coord { x: 1.0, y: 1.0 },
            inverse: Coord { x: 1.0, y: 1.0 },
            nx: 0,
            ny: 0,
            cells: Vec::new(),
            chains: Vec::new(),
            boundary: Vec::new(),
            edges: Vec::new(),
        }
    }

    /// The chain at `p`, or `None` where only the exact path can tell (see the module docs).
    #[inline]
    pub fn locate(&self, p: Coord<f64>) -> Option<Chain> {
        let fx = (p.x - self.origin.x) * self.inverse.x;
        let fy = (p.y - self.origin.y) * self.inverse.y;
        // The grid reaches past every edge by a margin, so a point off it is in no area.
        if !(fx >= 0.0 && fy >= 0.0 && fx < self.nx as f64 && fy < self.ny as f64) {
            return Some(Chain::default());
        }
        let v = self.cells[fy as usize * self.nx + fx as usize];
        if v & BOUNDARY == 0 {
            return Some(self.chains[v as usize]);
        }
        self.locate_in(&self.boundary[(v & !BOUNDARY) as usize], p)
    }

    fn locate_in(&self, cell: &BoundaryCell, p: Coord<f64>) -> Option<Chain> {
        if cell.chain == NO_REFERENCE {
            return None;
        }
        let c = cell.reference;
        let mut swaps = [(0u32, Level::County); MAX_SWAPS];
        let mut n = 0;
        for e in &self.edges[cell.first as usize..(cell.first + cell.len) as usize] {
            let side = orient2d(rc(e.a), rc(e.b), rc(p));
            if side == 0.0 {
                return None;
            }
            if (side > 0.0) == e.reference_side {
                continue;
            }
            // p and c lie on opposite sides of the edge's line: the segment c→p crosses the edge
            // itself when a and b lie on opposite sides of the line through c and p.
            let (sa, sb) = (orient2d(rc(c), rc(p), rc(e.a)), orient2d(rc(c), rc(p), rc(e.b)));
            if sa == 0.0 || sb == 0.0 {
                return None;
            }
            if (sa > 0.0) != (sb > 0.0) {
                match swaps[..n].iter().position(|s| s.0 == e.area) {
                    Some(i) => {
                        swaps.swap(i, n - 1);
                        n -= 1;
                    }
                    None if n == MAX_SWAPS => return None,
                    None => {
                        swaps[n] = (e.area, e.level);
                        n += 1;
                    }
                }
            }
        }
        let mut chain = self.chains[cell.chain as usize];
        // Areas that `p` leaves first, then those it enters; entering an occupied level means two
        // areas of one level overlap at `p`, which the exact path's tie rule settles.
        for &(area, level) in &swaps[..n] {
            if chain.has(level, area) {
                chain.clear(level);
            }
        }
        for &(area, level) in &swaps[..n] {
            if !self.chains[cell.chain as usize].has(level, area) {
                if chain.get(level).is_some() {
                    return None;
                }
                chain.set(level, area);
            }
        }
        Some(chain)
    }

    /// A point inside cell (ix, iy) on none of its edges' lines, for the crossing reasoning.
    fn reference_point(
        &self,
        ix: usize,
        iy: usize,
        cell_edges: &[(u32, u32)],
        raw: &[(Coord<f64>, Coord<f64>, u32, Level)],
    ) -> Option<Coord<f64>> {
        let r = self.rect(ix, iy);
        // A few fixed, irregular spots in the cell; one of them is almost always clear.
        const SPOTS: [(f64, f64); 5] = [(0.5, 0.5), (0.31, 0.67), (0.73, 0.29), (0.17, 0.23), (0.83, 0.79)];
        SPOTS
            .iter()
            .map(|(fx, fy)| Coord {
                x: r.0.x + (r.1.x - r.0.x) * fx,
                y: r.0.y + (r.1.y - r.0.y) * fy,
            })
            .find(|c| {
                cell_edges.iter().all(|&(_, e)| {
                    let (a, b, _, _) = raw[e as usize];
                    orient2d(rc(a), rc(b), rc(*c)) != 0.0
                })
            })
    }

    fn center(&self, ix: usize, iy: usize) -> Coord<f64> {
        Coord {
            x: self.origin.x + (ix as f64 + 0.5) * self.size.x,
            y: self.origin.y + (iy as f64 + 0.5) * self.size.y,
        }
    }

    /// The cell's corners, grown by [`SLACK_DEG`].
    fn rect(&self, ix: usize, iy: usize) -> (Coord<f64>, Coord<f64>) {
        (
            Coord {
                x: self.origin.x + ix as f64 * self.size.x - SLACK_DEG,
                y: self.origin.y + iy as f64 * self.size.y - SLACK_DEG,
            },
            Coord {
                x: self.origin.x + (ix + 1) as f64 * self.size.x + SLACK_DEG,
                y: self.origin.y + (iy + 1) as f64 * self.size.y + SLACK_DEG,
            },
        )
    }

    fn span_x(&self, lo: f64, hi: f64) -> (usize, usize) {
        span(lo, hi, self.origin.x, self.inverse.x, self.nx)
    }

    fn span_y(&self, lo: f64, hi: f64) -> (usize, usize) {
        span(lo, hi, self.origin.y, self.inverse.y, self.ny)
    }

    /// Cells and boundary cells, for the build log and the benchmarks.
    pub fn describe(&self) -> String {
        format!(
            "{}×{} cells, {} with edges ({} edge copies), {} chains",
            self.nx,
            self.ny,
            self.boundary.len(),
            self.edges.len(),
            self.chains.len()
        )
    }
}

/// Cell indices from `lo` to `hi` along one axis, clamped to the grid.
fn span(lo: f64, hi: f64, origin: f64, inverse: f64, n: usize) -> (usize, usize) {
    let clamp = |v: f64| (v.floor().max(0.0) as usize).min(n - 1);
    (clamp((lo - origin) * inverse), clamp((hi - origin) * inverse))
}

/// Origin, cell size (degrees), and cell counts for edges within `bbox`: cells about square on the
/// ground, about [`CELLS_PER_EDGE`] per edge, and a margin of a cell around everything.
fn layout(bbox: (Coord<f64>, Coord<f64>), edges: usize) -> (Coord<f64>, Coord<f64>, usize, usize) {
    let (min, max) = bbox;
    let stretch = 1.0 / ((min.y + max.y) / 2.0).to_radians().cos().clamp(0.1, 1.0);
    let width = (max.x - min.x).max(1e-6);
    let height = (max.y - min.y).max(1e-6);
    let cells = (edges * CELLS_PER_EDGE).clamp(64, MAX_CELLS) as f64;
    // Cell height h, width h × stretch: (width / (h·stretch)) × (height / h) = cells.
    let h = (width * height / (stretch * cells)).sqrt();
    let size = Coord { x: h * stretch, y: h };
    let nx = ((width / size.x).ceil() as usize + 2).max(1);
    let ny = ((height / size.y).ceil() as usize + 2).max(1);
    let origin = Coord {
        x: min.x - size.x,
        y: min.y - size.y,
    };
    (origin, size, nx, ny)
}

fn bounds(points: impl Iterator<Item = Coord<f64>>) -> Option<(Coord<f64>, Coord<f64>)> {
    points.fold(None, |acc, p| match acc {
        None => Some((p, p)),
        Some((lo, hi)) => Some((
            Coord {
                x: lo.x.min(p.x),
                y: lo.y.min(p.y),
            },
            Coord {
                x: hi.x.max(p.x),
                y: hi.y.max(p.y),
            },
        )),
    })
}

/// Whether segment a–b meets the rectangle (Liang–Barsky clipping). Used with a grown rectangle,
/// so a rounding error here can only add an edge to a cell, never drop one.
fn segment_meets_rect(a: Coord<f64>, b: Coord<f64>, (lo, hi): (Coord<f64>, Coord<f64>)) -> bool {
    super::segment::clip_segment(a, b, Rect::new(lo, hi)).is_some()
}

#[inline]
fn rc(c: Coord<f64>) -> RCoord<f64> {
    RCoord { x: c.x, y: c.y }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_meet_rects_they_cross_and_miss_the_others() {
        let r = (Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 1.0 });
        let c = |x, y| Coord { x, y };
        assert!(segment_meets_rect(c(-1.0, 0.5), c(2.0, 0.5), r), "straight through");
        assert!(segment_meets_rect(c(0.2, 0.2), c(0.3, 0.3), r), "inside");
        assert!(segment_meets_rect(c(-1.0, 0.0), c(1.0, 2.0), r), "touches a corner");
        assert!(
            !segment_meets_rect(c(-1.0, 1.5), c(1.0, 3.5), r),
            "passes above the corner"
        );
        assert!(
            !segment_meets_rect(c(2.0, 0.0), c(2.0, 1.0), r),
            "vertical, to the east"
        );
        assert!(!segment_meets_rect(c(0.0, 1.5), c(1.0, 1.5), r), "horizontal, above");
    }
}
