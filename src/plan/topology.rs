//! How a set of sibling areas tiles their parent: the gaps between them, where they overlap, where
//! they reach outside the parent, and which of them fall apart into several pieces.
//!
//! Geometry is WGS 84 longitude/latitude (EPSG:4326). The boolean operations are planar on those
//! degrees, as GeoJSON's edges are straight lines in lon/lat (RFC 7946 §3.1.1); every area reported
//! is geodesic square metres on the WGS 84 ellipsoid, so a planner reads real ground sizes.
//!
//! Boolean operations on shared edges leave numerical dust where two polygons' vertices differ in the
//! last bits, or where one has a vertex on an edge the other runs straight through: needles a few
//! micrometres wide. Pieces under [`DUST_M2`] are dust and not counted at all (the geodesic area of
//! such a needle is itself only good to a few hundredths of a square metre, so their planar area is
//! used); pieces under the sliver tolerance are counted as slivers, not reported as problems.

use geo::{Area, BooleanOps, BoundingRect, Centroid, MultiPolygon, Polygon, Rect};

use super::area::GroundArea;

/// Default sliver tolerance, m²: smaller than any real building, larger than numerical dust.
pub const DEFAULT_TOLERANCE_M2: f64 = 1.0;

/// Pieces smaller than this (m², 10 cm²) are numerical dust, not slivers.
pub const DUST_M2: f64 = 1e-3;

/// Square metres per square degree at latitude `lat` (spherical, good to a percent: enough to tell
/// dust from a sliver).
fn m2_per_deg2(lat: f64) -> f64 {
    let m_per_deg = 6_371_008.8_f64.to_radians();
    m_per_deg * m_per_deg * lat.to_radians().cos()
}

/// Whether `p` is dust: under [`DUST_M2`] by its planar area.
fn is_dust(p: &Polygon<f64>) -> bool {
    let lat = p.centroid().map_or(0.0, |c| c.y());
    p.unsigned_area() * m2_per_deg2(lat) < DUST_M2
}

/// One child as the check sees it.
#[derive(Debug, Clone, Copy)]
pub struct Piece<'a> {
    pub code: &'a str,
    pub geometry: &'a MultiPolygon<f64>,
    /// Whether the child must be one contiguous polygon (grids and red house-yards: 地域相邻).
    pub must_be_contiguous: bool,
}

/// A region between siblings or outside their parent, with its geodesic area in m².
#[derive(Debug, Clone)]
pub struct Region {
    pub geometry: Polygon<f64>,
    pub area_m2: f64,
}

/// Two siblings covering the same ground.
#[derive(Debug, Clone)]
pub struct Overlap {
    pub codes: [String; 2],
    pub region: Region,
}

/// A child reaching outside its parent.
#[derive(Debug, Clone)]
pub struct Outside {
    pub code: String,
    pub area_m2: f64,
    pub geometry: MultiPolygon<f64>,
}

/// A child that should be one piece but is several.
#[derive(Debug, Clone, PartialEq)]
pub struct Scattered {
    pub code: String,
    pub parts: usize,
    /// The geodesic area of each part, m², largest first.
    pub part_areas_m2: Vec<f64>,
}

/// Everything wrong with how the children tile the parent.
#[derive(Debug, Clone, Default)]
pub struct Topology {
    pub gaps: Vec<Region>,
    pub overlaps: Vec<Overlap>,
    pub outside: Vec<Outside>,
    pub scattered: Vec<Scattered>,
    /// Pieces below the tolerance: how many, and their total area in m².
    pub slivers: usize,
    pub sliver_area_m2: f64,
}

impl Topology {
    /// No gap, overlap, reach outside or scattered child above the tolerance.
    pub fn is_clean(&self) -> bool {
        self.gaps.is_empty() && self.overlaps.is_empty() && self.outside.is_empty() && self.scattered.is_empty()
    }
}

/// Checks how `children` tile `parent`; pieces under `tolerance_m2` square metres count as slivers.
pub fn check(parent: &MultiPolygon<f64>, children: &[Piece<'_>], tolerance_m2: f64) -> Topology {
    let mut t = Topology::default();
    let keep = |p: Polygon<f64>, t: &mut Topology| -> Option<Region> {
        if is_dust(&p) {
            return None;
        }
        let area_m2 = p.ground_m2();
        if area_m2 < tolerance_m2 {
            t.slivers += 1;
            t.sliver_area_m2 += area_m2;
            None
        } else {
            Some(Region { geometry: p, area_m2 })
        }
    };

    let union = geo::unary_union(children.iter().map(|c| c.geometry));
    for p in parent.difference(&union) {
        if let Some(r) = keep(p, &mut t) {
            t.gaps.push(r);
        }
    }

    let boxes: Vec<Option<Rect<f64>>> = children.iter().map(|c| c.geometry.bounding_rect()).collect();
    for i in 0..children.len() {
        for j in i + 1..children.len() {
            let (Some(a), Some(b)) = (boxes[i], boxes[j]) else {
                continue;
            };
            if !rects_meet(a, b) {
                continue;
            }
            for p in children[i].geometry.intersection(children[j].geometry) {
                if let Some(region) = keep(p, &mut t) {
                    let codes = [children[i].code.to_owned(), children[j].code.to_owned()];
                    t.overlaps.push(Overlap { codes, region });
                }
            }
        }
    }

    for c in children {
        let beyond = c.geometry.difference(parent);
        let mut kept = Vec::new();
        for p in beyond {
            if let Some(r) = keep(p, &mut t) {
                kept.push(r.geometry);
            }
        }
        if !kept.is_empty() {
            let geometry = MultiPolygon::new(kept);
            t.outside.push(Outside {
                code: c.code.to_owned(),
                area_m2: geometry.ground_m2(),
                geometry,
            });
        }
        if c.must_be_contiguous {
            // Touching parts (a bow-tie at one vertex) are still two pieces on the ground.
            let mut part_areas_m2: Vec<f64> = c.geometry.0.iter().map(|p| p.ground_m2()).collect();
            if part_areas_m2.len() > 1 {
                part_areas_m2.sort_by(|a, b| b.total_cmp(a));
                t.scattered.push(Scattered {
                    code: c.code.to_owned(),
                    parts: part_areas_m2.len(),
                    part_areas_m2,
                });
            }
        }
    }
    // Largest first: the problem a planner should look at first is at the top.
    t.gaps.sort_by(|a, b| b.area_m2.total_cmp(&a.area_m2));
    t.overlaps.sort_by(|a, b| b.region.area_m2.total_cmp(&a.region.area_m2));
    t.outside.sort_by(|a, b| b.area_m2.total_cmp(&a.area_m2));
    t
}

fn rects_meet(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x && b.min().x <= a.max().x && a.min().y <= b.max().y && b.min().y <= a.max().y
}

#[cfg(test)]
mod tests {
    use geo::{polygon, wkt};

    use super::*;

    /// A square of `side` degrees at (x, y), near Nanzhang (112.2°E, 31.8°N).
    fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
        let (x, y) = (112.2 + x, 31.8 + y);
        MultiPolygon::new(vec![polygon![
            (x: x, y: y), (x: x + side, y: y), (x: x + side, y: y + side), (x: x, y: y + side), (x: x, y: y)
        ]])
    }

    fn piece<'a>(code: &'a str, g: &'a MultiPolygon<f64>) -> Piece<'a> {
        Piece {
            code,
            geometry: g,
            must_be_contiguous: true,
        }
    }

    #[test]
    fn an_exact_tiling_is_clean() {
        let parent = square(0.0, 0.0, 0.02);
        let a = square(0.0, 0.0, 0.01);
        let b = square(0.01, 0.0, 0.01);
        let c = MultiPolygon::new(vec![polygon![
            (x: 112.2, y: 31.81), (x: 112.22, y: 31.81), (x: 112.22, y: 31.82), (x: 112.2, y: 31.82), (x: 112.2, y: 31.81)
        ]]);
        let t = check(
            &parent,
            &[piece("a", &a), piece("b", &b), piece("c", &c)],
            DEFAULT_TOLERANCE_M2,
        );
        assert!(t.is_clean(), "{t:?}");
    }

    #[test]
    fn a_missing_child_is_a_gap_of_its_size() {
        let parent = square(0.0, 0.0, 0.02);
        let a = square(0.0, 0.0, 0.01);
        let t = check(&parent, &[piece("a", &a)], DEFAULT_TOLERANCE_M2);
        assert_eq!(t.gaps.len(), 1);
        // Three quarters of a 0.02° square at 31.8°N (0.02° ≈ 2,218 m north–south, 1,886 m east–west);
        // not exactly three quarters of its area, as a degree of longitude shrinks northwards.
        let whole = parent.ground_m2();
        assert!(
            (t.gaps[0].area_m2 / (0.75 * whole) - 1.0).abs() < 1e-3,
            "{}",
            t.gaps[0].area_m2
        );
        assert!((3.0e6..3.3e6).contains(&t.gaps[0].area_m2), "{}", t.gaps[0].area_m2);
    }

    #[test]
    fn overlapping_siblings_are_named_with_the_shared_area() {
        let parent = square(0.0, 0.0, 0.02);
        let a = square(0.0, 0.0, 0.012);
        let b = MultiPolygon::new(vec![polygon![
            (x: 112.21, y: 31.8), (x: 112.22, y: 31.8), (x: 112.22, y: 31.82), (x: 112.21, y: 31.82), (x: 112.21, y: 31.8)
        ]]);
        let t = check(&parent, &[piece("a", &a), piece("b", &b)], DEFAULT_TOLERANCE_M2);
        assert_eq!(t.overlaps.len(), 1);
        assert_eq!(t.overlaps[0].codes, ["a".to_owned(), "b".to_owned()]);
        // 0.002° × 0.012°: six 0.002° squares stacked north.
        let expected = square(0.01, 0.0, 0.002).ground_m2() * 6.0;
        assert!((t.overlaps[0].region.area_m2 / expected - 1.0).abs() < 1e-3);
    }

    #[test]
    fn a_child_reaching_out_is_named() {
        let parent = square(0.0, 0.0, 0.01);
        let a = square(0.005, 0.0, 0.01);
        let t = check(&parent, &[piece("a", &a)], DEFAULT_TOLERANCE_M2);
        assert_eq!(t.outside.len(), 1);
        assert_eq!(t.outside[0].code, "a");
        let half = a.ground_m2() / 2.0;
        assert!((t.outside[0].area_m2 - half).abs() / half < 1e-6);
    }

    #[test]
    fn a_grid_in_two_pieces_is_scattered_but_a_village_may_have_an_exclave() {
        let parent = square(0.0, 0.0, 0.02);
        let two: MultiPolygon<f64> = wkt!(MULTIPOLYGON(((112.2 31.8,112.21 31.8,112.21 31.82,112.2 31.82,112.2 31.8)),((112.21 31.8,112.22 31.8,112.22 31.81,112.21 31.81,112.21 31.8))));
        let rest = square(0.01, 0.01, 0.01);
        let mut grid = piece("g", &two);
        let t = check(&parent, &[grid, piece("r", &rest)], DEFAULT_TOLERANCE_M2);
        assert_eq!(t.scattered.len(), 1);
        assert_eq!(t.scattered[0].parts, 2);
        grid.must_be_contiguous = false;
        assert!(check(&parent, &[grid, piece("r", &rest)], DEFAULT_TOLERANCE_M2).is_clean());
    }

    #[test]
    fn dust_on_a_shared_edge_is_a_sliver_not_a_gap() {
        let parent = square(0.0, 0.0, 0.02);
        let a = square(0.0, 0.0, 0.01);
        // The neighbour's west edge sits a nanodegree (0.1 mm) east of the shared line.
        let b = MultiPolygon::new(vec![polygon![
            (x: 112.210000001, y: 31.8), (x: 112.22, y: 31.8), (x: 112.22, y: 31.82), (x: 112.210000001, y: 31.82), (x: 112.210000001, y: 31.8)
        ]]);
        let c = MultiPolygon::new(vec![polygon![
            (x: 112.2, y: 31.81), (x: 112.21, y: 31.81), (x: 112.21, y: 31.82), (x: 112.2, y: 31.82), (x: 112.2, y: 31.81)
        ]]);
        let t = check(
            &parent,
            &[piece("a", &a), piece("b", &b), piece("c", &c)],
            DEFAULT_TOLERANCE_M2,
        );
        assert!(t.is_clean(), "{t:?}");
        assert!(t.slivers >= 1);
        assert!(t.sliver_area_m2 < 1.0);
    }
}
