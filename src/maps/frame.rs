//! Where a longitude/latitude lands on the picture.
//!
//! The projection is a **local equirectangular** fitted to the area: metres east and north of the
//! centre of the area's bounding box, measured with the WGS 84 ellipsoid's radii of curvature at
//! the centre latitude (the meridional radius for north–south, the prime-vertical radius times
//! cos φ for east–west), then one uniform scale to pixels. At the centre latitude a metre is the
//! same number of pixels in every direction, so the scale bar and the reach circles are true
//! there; across a township (tens of kilometres) the east–west scale drifts by well under 1%. North
//! is up. This is not Web Mercator: a static map for printing needs no tile grid, and a local fit
//! keeps areas and distances right without Mercator's growth with latitude.

use geo::Rect;

/// WGS 84 semi-major axis, metres.
const A: f64 = 6_378_137.0;
/// WGS 84 flattening.
const F: f64 = 1.0 / 298.257_223_563;

/// A rectangle of the picture, pixels (origin top left, y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// The fitted projection: longitude/latitude (WGS 84 degrees) → picture pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// The centre of the fitted box, degrees; it lands at [`Self::centre_px`].
    pub lon0: f64,
    pub lat0: f64,
    /// Metres per degree of longitude and of latitude at `lat0`.
    pub m_per_deg_lon: f64,
    pub m_per_deg_lat: f64,
    /// Ground metres one pixel spans (at `lat0`, in every direction).
    pub m_per_px: f64,
    /// Where (`lon0`, `lat0`) lands, pixels.
    pub centre_px: (f64, f64),
    /// The part of the picture the map occupies.
    pub viewport: Viewport,
}

/// Metres per degree of longitude and of latitude on the WGS 84 ellipsoid at latitude `lat`
/// (degrees): the radii of curvature of the parallel and the meridian, times π/180.
pub fn metres_per_degree(lat: f64) -> (f64, f64) {
    let e2 = F * (2.0 - F);
    let phi = lat.to_radians();
    let w = (1.0 - e2 * phi.sin().powi(2)).sqrt();
    let prime_vertical = A / w;
    let meridional = A * (1.0 - e2) / w.powi(3);
    let rad = std::f64::consts::PI / 180.0;
    (prime_vertical * phi.cos() * rad, meridional * rad)
}

impl Frame {
    /// The projection that shows `bbox` (degrees) as large as fits in `viewport`, leaving
    /// `padding` (a share of the viewport's smaller side, each way) free around it.
    pub fn fit(bbox: Rect<f64>, viewport: Viewport, padding: f64) -> Self {
        let centre = bbox.center();
        let (m_lon, m_lat) = metres_per_degree(centre.y);
        // At least 50 m each way, so a point-sized area still gets a sensible scale.
        let width_m = (bbox.width() * m_lon).max(50.0);
        let height_m = (bbox.height() * m_lat).max(50.0);
        let pad = padding * f64::from(viewport.width.min(viewport.height));
        let usable_w = (f64::from(viewport.width) - 2.0 * pad).max(1.0);
        let usable_h = (f64::from(viewport.height) - 2.0 * pad).max(1.0);
        let m_per_px = (width_m / usable_w).max(height_m / usable_h);
        Self {
            lon0: centre.x,
            lat0: centre.y,
            m_per_deg_lon: m_lon,
            m_per_deg_lat: m_lat,
            m_per_px,
            centre_px: (
                f64::from(viewport.x) + f64::from(viewport.width) / 2.0,
                f64::from(viewport.y) + f64::from(viewport.height) / 2.0,
            ),
            viewport,
        }
    }

    /// The pixel of a longitude/latitude (WGS 84 degrees).
    pub fn project(&self, lon: f64, lat: f64) -> (f32, f32) {
        let east_m = (lon - self.lon0) * self.m_per_deg_lon;
        let north_m = (lat - self.lat0) * self.m_per_deg_lat;
        (
            (self.centre_px.0 + east_m / self.m_per_px) as f32,
            (self.centre_px.1 - north_m / self.m_per_px) as f32,
        )
    }

    /// The longitude/latitude bounds the viewport shows, degrees.
    pub fn bounds(&self) -> Rect<f64> {
        let v = self.viewport;
        let half_w = f64::from(v.width) / 2.0 * self.m_per_px / self.m_per_deg_lon;
        let half_h = f64::from(v.height) / 2.0 * self.m_per_px / self.m_per_deg_lat;
        Rect::new(
            (self.lon0 - half_w, self.lat0 - half_h),
            (self.lon0 + half_w, self.lat0 + half_h),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn degrees_at_32_north_are_shorter_east_west() {
        // The usual series for WGS 84 (e.g. the USGS's "length of a degree" formulas).
        let phi = 32f64.to_radians();
        let series_lat = 111_132.954 - 559.822 * (2.0 * phi).cos() + 1.175 * (4.0 * phi).cos();
        let series_lon = 111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos() + 0.118 * (5.0 * phi).cos();
        let (lon, lat) = metres_per_degree(32.0);
        assert_relative_eq!(lat, series_lat, max_relative = 1e-6);
        assert_relative_eq!(lon, series_lon, max_relative = 1e-6);
        assert!(lon / lat < 0.86);
    }

    #[test]
    fn the_fit_keeps_the_box_inside_and_metres_square() {
        let view = Viewport {
            x: 0.0,
            y: 100.0,
            width: 1000.0,
            height: 500.0,
        };
        let bbox = Rect::new((112.0, 32.0), (112.1, 32.1));
        let frame = Frame::fit(bbox, view, 0.05);
        let (x0, y0) = frame.project(112.0, 32.0);
        let (x1, y1) = frame.project(112.1, 32.1);
        assert!(x0 >= 0.0 && x1 <= 1000.0 && y1 >= 100.0 && y0 <= 600.0);
        // The taller side fills the height less the padding.
        assert_relative_eq!(f64::from(y0 - y1), 450.0, epsilon = 0.01);
        // 100 m north and 100 m east are the same number of pixels.
        let circle = crate::index::geodesic::circle(crate::domain::LonLat::new(112.05, 32.05).unwrap(), 1000.0, 4);
        let (cx, cy) = frame.project(112.05, 32.05);
        let (nx, ny) = frame.project(circle[0].0, circle[0].1);
        let (ex, ey) = frame.project(circle[1].0, circle[1].1);
        assert_relative_eq!(cy - ny, ex - cx, max_relative = 1e-4);
        assert_relative_eq!(f64::from(ex - cx), 1000.0 / frame.m_per_px, max_relative = 1e-4);
        // (a geodesic due east bends a few centimetres south of the parallel in a kilometre)
        assert!((nx - cx).abs() < 1e-3 && (ey - cy).abs() < 0.01);
    }
}
