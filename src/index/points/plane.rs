//! Where the grid keeps its points: each as an Earth-centred position in metres, and the plane
//! tangent to the ellipsoid at the middle of the data that the cells are laid on.

use crate::domain::LonLat;

use super::super::geodesic::{dot, ecef};

/// A point of the grid: its position, and the caller's number for it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Item {
    pub ecef: [f64; 3],
    pub location: LonLat,
    pub id: u32,
}

/// The tangent plane: origin (ECEF) and its east and north unit vectors.
#[derive(Debug, Clone, Copy)]
pub(super) struct Plane {
    origin: [f64; 3],
    east: [f64; 3],
    north: [f64; 3],
}

impl Plane {
    pub fn at(p: LonLat) -> Self {
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
    pub fn project(&self, x: [f64; 3]) -> [f64; 2] {
        let d = [x[0] - self.origin[0], x[1] - self.origin[1], x[2] - self.origin[2]];
        [dot(d, self.east), dot(d, self.north)]
    }
}
