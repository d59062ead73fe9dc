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
    let dlat = b.lat() - a.lat();
    let dlon = b.lon() - a.lon();
    if dlat.abs() < SHORT_DEG && dlon.abs() < SHORT_DEG {
        let phi = ((a.lat() + b.lat()) / 2.0).to_radians();
        let (sin, cos) = phi.sin_cos();
        let w2 = 1.0 - WGS84_E2 * sin * sin;
        let w = w2.sqrt();
        let meridional = WGS84_A * (1.0 - WGS84_E2) / (w2 * w);
        let prime_vertical = WGS84_A / w;
        let dy = meridional * dlat.to_radians();
        let dx = prime_vertical * cos * dlon.to_radians();
        // No overflow to guard against at these sizes, so a plain square root (hypot is slower).
        return (dx * dx + dy * dy).sqrt();
    }
    karney_m(a, b)
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
