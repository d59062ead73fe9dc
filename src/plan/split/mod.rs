//! Cutting an area into parts: along a line a planner draws, or into N parts balanced on the
//! households they hold (recursive bisection with straight cuts, each side kept in one piece).
//!
//! Geometry is WGS 84 lon/lat. Cuts are straight in a local frame where a degree of longitude is
//! shrunk by cos(latitude), so "perpendicular" and "longer axis" mean what they do on the ground;
//! the boolean operations are planar on lon/lat, as GeoJSON's edges are. Slivers are measured in
//! geodesic m².

mod balanced;
mod line;

pub use balanced::balanced;
pub use line::by_line;

use geo::{Centroid, Coord, MultiPolygon};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    #[error("the line has fewer than two distinct points")]
    ShortLine,
    #[error("the line does not cut the area in two: draw it across, from outside the area to outside")]
    DoesNotCross,
    #[error("cannot cut the area into {0} parts: it needs 2 to 50")]
    PartCount(usize),
    #[error("cannot cut the area into {parts} parts that are each in one piece; draw the cuts instead")]
    NotContiguous { parts: usize },
    #[error("cannot give each of {parts} parts a center household: the area has {centers}")]
    TooFewSeeds { parts: usize, centers: usize },
}

/// Kilometres-ish local frame: x = lon·cos(lat₀), y = lat (degrees of latitude).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub(crate) kx: f64,
}

impl Frame {
    pub(crate) fn of(area: &MultiPolygon<f64>) -> Self {
        let lat = area.centroid().map_or(0.0, |c| c.y());
        Self {
            kx: lat.to_radians().cos().max(0.05),
        }
    }
    pub(crate) fn to_local(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: c.x * self.kx,
            y: c.y,
        }
    }
    pub(crate) fn to_world(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: c.x / self.kx,
            y: c.y,
        }
    }
}

/// Shapes the tests of both ways of cutting use.
#[cfg(test)]
mod fixtures {
    use geo::{MultiPolygon, polygon};

    pub fn square() -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: 112.0, y: 32.0), (x: 112.01, y: 32.0), (x: 112.01, y: 32.01), (x: 112.0, y: 32.01), (x: 112.0, y: 32.0)
        ]])
    }

    /// Planar area in square degrees: pieces that tile the area add up to it exactly (geodesic
    /// areas do not quite, as an edge along a parallel bends once a piece adds a vertex on it).
    pub fn area(m: &MultiPolygon<f64>) -> f64 {
        geo::Area::unsigned_area(m)
    }

    pub fn tiles(parts: &[MultiPolygon<f64>]) -> bool {
        let total: f64 = parts.iter().map(area).sum();
        (total / area(&square()) - 1.0).abs() < 1e-7
    }
}
