//! Ground areas of the pieces planning computes, in m² on the WGS 84 ellipsoid.
//!
//! Karney's polygon area measures a ring wound clockwise as the rest of the Earth. The boolean
//! operations' needles — a few micrometres wide — can come out wound either way, and a gap then
//! measured 5.1e14 m² and blocked a commit. No area a planner works with is half the Earth, so each
//! polygon's area is the smaller of the two readings.

use geo::{GeodesicArea, MultiPolygon, Polygon};

/// Surface of the WGS 84 ellipsoid, m².
pub const EARTH_M2: f64 = 510_065_621_724_088.5;

pub trait GroundArea {
    /// Geodesic area in m², whichever way the rings are wound.
    fn ground_m2(&self) -> f64;
}

impl GroundArea for Polygon<f64> {
    fn ground_m2(&self) -> f64 {
        let a = self.geodesic_area_unsigned();
        a.min(EARTH_M2 - a).max(0.0)
    }
}

impl GroundArea for MultiPolygon<f64> {
    fn ground_m2(&self) -> f64 {
        self.0.iter().map(GroundArea::ground_m2).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn a_ring_wound_either_way_has_the_same_small_area() {
        let ccw = polygon![(x: 112.0, y: 32.0), (x: 112.01, y: 32.0), (x: 112.01, y: 32.01), (x: 112.0, y: 32.01)];
        let cw = polygon![(x: 112.0, y: 32.0), (x: 112.0, y: 32.01), (x: 112.01, y: 32.01), (x: 112.01, y: 32.0)];
        assert!(
            cw.geodesic_area_unsigned() > 1e14,
            "the raw reading of a clockwise ring"
        );
        let (a, b) = (ccw.ground_m2(), cw.ground_m2());
        assert!((a - 1_047_748.0).abs() < 5.0, "{a}");
        assert!((a - b).abs() < 1.0, "{a} {b}");
        assert!((MultiPolygon::new(vec![ccw, cw]).ground_m2() - 2.0 * a).abs() < 2.0);
    }
}
