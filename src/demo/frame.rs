//! A local metric frame: WGS 84 longitude/latitude degrees ↔ metres east/north of an origin.
//!
//! Over the tens of kilometres of one county the frame's scale errors stay below 0.1 %, which is
//! plenty for placing seeds, houses and stations. Geometry that is written out is always degrees,
//! rounded to 7 decimals (about 1 cm).
//!
//! The cosine is a Taylor series written here: the platform `cos` may differ by an ulp between
//! systems, and the demo files must come out byte-identical everywhere.

/// Degrees → metres around `(lon0, lat0)`: `x = (lon − lon0)·kx`, `y = (lat − lat0)·ky`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub lon0: f64,
    pub lat0: f64,
    /// Metres per degree of longitude at `lat0`.
    pub kx: f64,
    /// Metres per degree of latitude at `lat0`.
    pub ky: f64,
}

const PI: f64 = std::f64::consts::PI;

/// Cosine of an angle in radians, by range reduction to [−π, π] and a Taylor series (error < 1e-15).
pub fn cos(x: f64) -> f64 {
    let mut x = x % (2.0 * PI);
    if x > PI {
        x -= 2.0 * PI;
    } else if x < -PI {
        x += 2.0 * PI;
    }
    let x2 = x * x;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..=20 {
        let k = f64::from(k);
        term *= -x2 / ((2.0 * k - 1.0) * (2.0 * k));
        sum += term;
    }
    sum
}

impl Frame {
    /// The frame at `(lon0, lat0)` degrees, with the WGS 84 series for the length of a degree.
    pub fn at(lon0: f64, lat0: f64) -> Self {
        let phi = lat0 * PI / 180.0;
        let ky = 111_132.92 - 559.82 * cos(2.0 * phi) + 1.175 * cos(4.0 * phi) - 0.0023 * cos(6.0 * phi);
        let kx = 111_412.84 * cos(phi) - 93.5 * cos(3.0 * phi) + 0.118 * cos(5.0 * phi);
        Self { lon0, lat0, kx, ky }
    }

    /// The frame centred on the middle of a `[west, south, east, north]` box (degrees).
    pub fn for_bbox(b: [f64; 4]) -> Self {
        Self::at((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)
    }

    /// Degrees → metres east/north of the origin.
    pub fn to_m(self, p: [f64; 2]) -> [f64; 2] {
        [(p[0] - self.lon0) * self.kx, (p[1] - self.lat0) * self.ky]
    }

    /// Metres east/north of the origin → degrees (not rounded).
    pub fn to_deg(self, m: [f64; 2]) -> [f64; 2] {
        [self.lon0 + m[0] / self.kx, self.lat0 + m[1] / self.ky]
    }

    /// Distance in metres between two points given in degrees (planar, good to 0.1 % within a county).
    pub fn dist_m(self, a: [f64; 2], b: [f64; 2]) -> f64 {
        let dx = (a[0] - b[0]) * self.kx;
        let dy = (a[1] - b[1]) * self.ky;
        (dx * dx + dy * dy).sqrt()
    }
}

/// Rounds degrees to 7 decimals (≈ 1 cm), the precision of every coordinate the demo writes.
/// The result is the double nearest to a 7-decimal number, so it prints and parses back unchanged.
pub fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// [`round7`] on both coordinates.
pub fn round_pt(p: [f64; 2]) -> [f64; 2] {
    [round7(p[0]), round7(p[1])]
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn taylor_cosine_matches_std() {
        for i in -100..=100 {
            let x = f64::from(i) * 0.1;
            assert!((cos(x) - x.cos()).abs() < 1e-14, "{x}");
        }
    }

    #[test]
    fn degree_lengths_at_32_north_match_the_ellipsoid() {
        // 李庙镇 is at about 31.86°N: a degree of longitude is ~15 % shorter than one of latitude.
        let f = Frame::at(111.64, 31.86);
        assert_relative_eq!(f.ky, 110_874.0, max_relative = 1e-3);
        assert_relative_eq!(f.kx, 94_665.0, max_relative = 1e-3);
        let p = f.to_deg([1000.0, -500.0]);
        assert_relative_eq!(f.to_m(p)[0], 1000.0, epsilon = 1e-6);
        assert_relative_eq!(f.dist_m([111.64, 31.86], [111.64, 31.87]), 1108.74, max_relative = 1e-3);
    }

    #[test]
    fn rounding_is_stable_for_source_precision() {
        assert_eq!(round7(111.855943), 111.855943);
        assert_eq!(round7(31.123_456_78), 31.123_456_8);
        assert_eq!(format!("{}", round7(112.000_000_04)), "112");
    }
}
