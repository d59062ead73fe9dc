//! Point-in-polygon with a half-open boundary rule, so areas that share edges partition the plane.
//!
//! Coordinates are WGS 84 degrees (x = longitude, y = latitude); nothing here measures distance.
//!
//! The rule is the crossing test with two conventions that make every point of a tiling belong to
//! exactly one tile, even when it lies exactly on a shared edge or vertex:
//! - an edge counts for the rightward ray from `p` when `p.y` lies in its half-open y-range
//!   `[low.y, high.y)` — so a vertex is never counted twice and horizontal edges never count;
//! - and `p` lies strictly left of the edge directed upward, decided by Shewchuk's exact
//!   `orient2d` predicate, so both tiles sharing an edge see the same answer with no rounding.
//!
//! The result: a point on an edge shared by two areas belongs to the area to its east (for a
//! horizontal edge, to its north), always, on every machine. Holes (any number of interior rings)
//! and several parts (exclaves) are honoured because all rings of a part count together.

use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};
use robust::{Coord as RCoord, orient2d};

/// A polygon part (exterior plus holes) prepared for fast repeated point tests: its edges are
/// bucketed into horizontal bands so a test only looks at the edges in the point's band.
#[derive(Debug, Clone)]
pub struct PreparedPolygon {
    bbox: Rect<f64>,
    /// Every edge of every ring as (low, high) by y; horizontal edges are dropped (they never count).
    edges: Vec<(Coord<f64>, Coord<f64>)>,
    /// `bands[i]` holds indices into `edges` of the edges whose y-range meets band `i`.
    bands: Vec<Vec<u32>>,
    band_height: f64,
}

/// Edges per band we aim for: few enough that a test is a handful of predicates.
const EDGES_PER_BAND: usize = 4;

impl PreparedPolygon {
    pub fn new(polygon: &Polygon<f64>) -> Self {
        let mut edges = Vec::new();
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            push_ring_edges(ring, &mut edges);
        }
        let bbox = bounding_rect(polygon);
        let n_bands = (edges.len() / EDGES_PER_BAND).clamp(1, 1 << 16);
        let height = bbox.height();
        let band_height = if height > 0.0 { height / n_bands as f64 } else { 1.0 };
        let mut bands = vec![Vec::new(); n_bands];
        for (i, (lo, hi)) in edges.iter().enumerate() {
            let first = band_of(lo.y, bbox.min().y, band_height, n_bands);
            let last = band_of(hi.y, bbox.min().y, band_height, n_bands);
            for band in &mut bands[first..=last] {
                band.push(i as u32);
            }
        }
        Self {
            bbox,
            edges,
            bands,
            band_height,
        }
    }

    /// The bounding box of the part, in degrees.
    pub fn bbox(&self) -> Rect<f64> {
        self.bbox
    }

    /// Whether `p` is inside under the half-open rule described in the module docs.
    pub fn contains(&self, p: Coord<f64>) -> bool {
        let (min, max) = (self.bbox.min(), self.bbox.max());
        // Half-open in y, closed in x on the west side: the same convention as the edge test.
        if p.x < min.x || p.x > max.x || p.y < min.y || p.y >= max.y {
            return false;
        }
        let band = band_of(p.y, min.y, self.band_height, self.bands.len());
        let mut inside = false;
        for &i in &self.bands[band] {
            let (lo, hi) = self.edges[i as usize];
            if crosses(lo, hi, p) {
                inside = !inside;
            }
        }
        inside
    }
}

/// A multipolygon as prepared parts; contains a point when one of its parts does.
#[derive(Debug, Clone)]
pub struct PreparedMultiPolygon {
    pub parts: Vec<PreparedPolygon>,
}

impl PreparedMultiPolygon {
    pub fn new(mp: &MultiPolygon<f64>) -> Self {
        Self {
            parts: mp.0.iter().map(PreparedPolygon::new).collect(),
        }
    }

    pub fn contains(&self, p: Coord<f64>) -> bool {
        self.parts.iter().any(|part| part.contains(p))
    }
}

/// The edge (lo, hi), lo the lower end, counts for the rightward ray from `p`.
#[inline]
fn crosses(lo: Coord<f64>, hi: Coord<f64>, p: Coord<f64>) -> bool {
    if p.y < lo.y || p.y >= hi.y {
        return false;
    }
    // p strictly left of the upward edge: the ray to +x crosses it. On the edge (0) it does not.
    orient2d(rc(lo), rc(hi), rc(p)) > 0.0
}

#[inline]
fn rc(c: Coord<f64>) -> RCoord<f64> {
    RCoord { x: c.x, y: c.y }
}

fn push_ring_edges(ring: &LineString<f64>, out: &mut Vec<(Coord<f64>, Coord<f64>)>) {
    for line in ring.lines() {
        let (a, b) = (line.start, line.end);
        if a.y == b.y {
            continue;
        }
        // Canonical orientation (low end first) so the predicate sees identical input whichever
        // polygon, and whichever direction, the shared edge comes from.
        out.push(if a.y < b.y { (a, b) } else { (b, a) });
    }
}

fn band_of(y: f64, min_y: f64, height: f64, n: usize) -> usize {
    let b = ((y - min_y) / height) as isize;
    b.clamp(0, n as isize - 1) as usize
}

fn bounding_rect(polygon: &Polygon<f64>) -> Rect<f64> {
    let mut min = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for c in polygon.exterior().coords() {
        min.x = min.x.min(c.x);
        min.y = min.y.min(c.y);
        max.x = max.x.max(c.x);
        max.y = max.y.max(c.y);
    }
    if !min.x.is_finite() {
        return Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 });
    }
    Rect::new(min, max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, wkt};

    fn prep(p: Polygon<f64>) -> PreparedPolygon {
        PreparedPolygon::new(&p)
    }

    #[test]
    fn interior_exterior_and_holes() {
        let p = prep(wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.),(4. 4.,4. 6.,6. 6.,6. 4.,4. 4.))));
        assert!(p.contains(coord! { x: 1., y: 1. }));
        assert!(!p.contains(coord! { x: 5., y: 5. }), "in the hole");
        assert!(!p.contains(coord! { x: 11., y: 5. }));
        assert!(!p.contains(coord! { x: -1., y: 5. }));
    }

    #[test]
    fn shared_edges_and_vertices_belong_to_exactly_one_tile() {
        // Four squares meeting at (1, 1); the shared edges are given in opposite directions.
        let tiles = [
            prep(wkt!(POLYGON((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.)))),
            prep(wkt!(POLYGON((1. 0.,2. 0.,2. 1.,1. 1.,1. 0.)))),
            prep(wkt!(POLYGON((0. 1.,1. 1.,1. 2.,0. 2.,0. 1.)))),
            prep(wkt!(POLYGON((1. 1.,2. 1.,2. 2.,1. 2.,1. 1.)))),
        ];
        let owners = |p: Coord<f64>| {
            tiles
                .iter()
                .enumerate()
                .filter(|(_, t)| t.contains(p))
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        assert_eq!(owners(coord! { x: 1., y: 0.5 }), vec![1], "vertical edge goes east");
        assert_eq!(owners(coord! { x: 0.5, y: 1. }), vec![2], "horizontal edge goes north");
        assert_eq!(
            owners(coord! { x: 1., y: 1. }),
            vec![3],
            "the shared vertex goes north-east"
        );
        assert_eq!(owners(coord! { x: 1., y: 1.5 }), vec![3]);
    }

    #[test]
    fn slanted_shared_edge_with_awkward_coordinates_has_one_owner() {
        // Two triangles sharing a diagonal whose points are not exactly representable.
        let a = coord! { x: 111.931_234_567, y: 31.601_234_5 };
        let b = coord! { x: 111.987_654_321, y: 31.654_321_9 };
        let west = prep(Polygon::new(
            LineString::from(vec![a, b, coord! { x: 111.9, y: 31.7 }, a]),
            vec![],
        ));
        let east = prep(Polygon::new(
            LineString::from(vec![b, a, coord! { x: 112.0, y: 31.6 }, b]),
            vec![],
        ));
        for i in 0..=1000 {
            let t = i as f64 / 1000.0;
            let p = coord! { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
            let n = west.contains(p) as u8 + east.contains(p) as u8;
            // Points exactly at the top vertex lie outside both (top of the tiling).
            if p.y < b.y {
                assert_eq!(n, 1, "point {p:?} owned {n} times");
            }
        }
    }

    #[test]
    fn many_edges_use_bands_and_agree_with_geo() {
        use geo::Contains;
        // A 720-gon ring (circle-ish) with a hole: compare with geo's strict containment away from edges.
        let ring = |r: f64, n: usize, rev: bool| {
            let mut pts: Vec<Coord<f64>> = (0..n)
                .map(|i| {
                    let a = i as f64 / n as f64 * std::f64::consts::TAU;
                    coord! { x: 112.0 + r * a.cos(), y: 32.0 + r * a.sin() }
                })
                .collect();
            if rev {
                pts.reverse();
            }
            pts.push(pts[0]);
            LineString::from(pts)
        };
        let poly = Polygon::new(ring(1.0, 720, false), vec![ring(0.3, 90, true)]);
        let prepared = prep(poly.clone());
        let mut state = 12345u64;
        for _ in 0..5000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = 110.8 + (state >> 11) as f64 / (1u64 << 53) as f64 * 2.4;
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let y = 30.8 + (state >> 11) as f64 / (1u64 << 53) as f64 * 2.4;
            let p = coord! { x: x, y: y };
            assert_eq!(prepared.contains(p), poly.contains(&geo::Point::from(p)), "at {p:?}");
        }
    }

    #[test]
    fn multipolygon_exclaves() {
        let mp = PreparedMultiPolygon::new(
            &wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.)),((5. 5.,6. 5.,6. 6.,5. 6.,5. 5.)))),
        );
        assert!(mp.contains(coord! { x: 5.5, y: 5.5 }));
        assert!(!mp.contains(coord! { x: 3., y: 3. }));
    }
}
