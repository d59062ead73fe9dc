//! Ground distances on the WGS 84 ellipsoid.
//!
//! Ranking and reporting always use [`ground_distance_m`] (metres on the WGS 84 ellipsoid). Searches
//! find their candidates with [`super::points`], whose lower bounds never exceed it.

use geo::{Distance, Geodesic, Point};

use crate::domain::LonLat;

/// WGS 84 semi-major axis, metres.
pub(super) const WGS84_A: f64 = 6_378_137.0;
/// WGS 84 first eccentricity squared.
pub(super) const WGS84_E2: f64 = 6.694_379_990_141_317e-3;

/// Below this separation (degrees, both axes) the mid-latitude formula is used; its error there is
/// under a millimetre (checked against Karney in the tests), far below what any answer reports.
const SHORT_DEG: f64 = 0.05;

/// Geodesic distance in metres on the WGS 84 ellipsoid.
///
/// Dispatch distances are short, and Karney's algorithm, exact everywhere, costs about as much as
/// the whole rest of a nearest search. So pairs closer than ~5 km use Gauss's mid-latitude formula on
/// the ellipsoid (the meridional and prime-vertical radii of curvature at the mean latitude), which
/// agrees with Karney to under a millimetre there; everything farther uses Karney.
pub fn ground_distance_m(a: LonLat, b: LonLat) -> f64 {
    DistancesFrom::new(a).to(b)
}

/// [`ground_distance_m`] from one point to many, with that point's trigonometry done once: a
/// search measures a handful of candidates from the same query point.
#[derive(Debug, Clone, Copy)]
pub struct DistancesFrom {
    a: LonLat,
    /// Sine and cosine of `a`'s latitude.
    sin: f64,
    cos: f64,
}

impl DistancesFrom {
    pub fn new(a: LonLat) -> Self {
        let (sin, cos) = a.lat().to_radians().sin_cos();
        Self { a, sin, cos }
    }

    /// Sine and cosine of the point's latitude.
    pub fn sin_cos_lat(&self) -> (f64, f64) {
        (self.sin, self.cos)
    }

    /// Metres on the WGS 84 ellipsoid from the point to `b`.
    pub fn to(&self, b: LonLat) -> f64 {
        let dlat = b.lat() - self.a.lat();
        let dlon = b.lon() - self.a.lon();
        if dlat.abs() >= SHORT_DEG || dlon.abs() >= SHORT_DEG {
            return karney_m(self.a, b);
        }
        // The mean latitude is the point's latitude plus half the difference, h ≤ 0.025° = 4.4e-4
        // rad; the angle-sum rule with sin h ≈ h − h³/6 and cos h ≈ 1 − h²/2 + h⁴/24 (next terms
        // below 1e-18 of the value) gives its sine and cosine without calling the trigonometry.
        let h = dlat.to_radians() / 2.0;
        let h2 = h * h;
        let sin_h = h * (1.0 - h2 / 6.0);
        let cos_h = 1.0 - h2 / 2.0 * (1.0 - h2 / 12.0);
        let sin = self.sin * cos_h + self.cos * sin_h;
        let cos = self.cos * cos_h - self.sin * sin_h;
        // Radii of curvature at the mean latitude: meridional a(1−e²)/w³, prime vertical a/w.
        let inv_w = 1.0 / (1.0 - WGS84_E2 * sin * sin).sqrt();
        let prime_vertical = WGS84_A * inv_w;
        let meridional = prime_vertical * (1.0 - WGS84_E2) * inv_w * inv_w;
        let dy = meridional * dlat.to_radians();
        let dx = prime_vertical * cos * dlon.to_radians();
        // No overflow to guard against at these sizes, so a plain square root (hypot is slower).
        (dx * dx + dy * dy).sqrt()
    }
}

/// Karney's geodesic on the WGS 84 ellipsoid, metres: exact to nanometres at any distance.
pub fn karney_m(a: LonLat, b: LonLat) -> f64 {
    Geodesic.distance(Point::new(a.lon(), a.lat()), Point::new(b.lon(), b.lat()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    #[test]
    fn a_degree_of_longitude_at_32n_is_shorter_than_one_of_latitude() {
        let east = ground_distance_m(ll(112.0, 32.0), ll(113.0, 32.0));
        let north = ground_distance_m(ll(112.0, 32.0), ll(112.0, 33.0));
        assert_relative_eq!(east, 94_495.0, max_relative = 1e-3);
        assert_relative_eq!(north, 110_883.0, max_relative = 1e-3);
    }

    #[test]
    fn the_mean_latitude_from_the_angle_sum_is_the_mean_latitude() {
        // The direct formula, with the trigonometry of the mean latitude called for.
        let direct = |a: LonLat, b: LonLat| {
            let phi = ((a.lat() + b.lat()) / 2.0).to_radians();
            let (sin, cos) = phi.sin_cos();
            let w = (1.0 - WGS84_E2 * sin * sin).sqrt();
            let dy = WGS84_A * (1.0 - WGS84_E2) / (w * w * w) * (b.lat() - a.lat()).to_radians();
            let dx = WGS84_A / w * cos * (b.lon() - a.lon()).to_radians();
            dx.hypot(dy)
        };
        for (a, b) in [
            (ll(112.0, 32.0), ll(112.049, 32.049)),
            (ll(112.0, 32.0), ll(111.951, 31.951)),
            (ll(0.0, 0.0), ll(0.01, -0.049)),
            (ll(100.0, 53.45), ll(100.04, 53.499)),
            (ll(-70.0, -45.0), ll(-70.0, -45.0)),
        ] {
            assert_relative_eq!(
                ground_distance_m(a, b),
                direct(a, b),
                epsilon = 1e-9,
                max_relative = 1e-13
            );
        }
    }

    #[test]
    fn the_short_formula_agrees_with_karney_below_a_millimetre() {
        let mut state = 5u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut worst: f64 = 0.0;
        for _ in 0..20_000 {
            // Across China's latitudes, separations up to the threshold in both axes.
            let a = ll(73.0 + next() * 60.0, 18.0 + next() * 35.0);
            let b = ll(
                a.lon() + (next() - 0.5) * 2.0 * SHORT_DEG * 0.999,
                a.lat() + (next() - 0.5) * 2.0 * SHORT_DEG * 0.999,
            );
            worst = worst.max((ground_distance_m(a, b) - karney_m(a, b)).abs());
        }
        assert!(worst < 0.001, "worst disagreement {worst} m");
    }
}
