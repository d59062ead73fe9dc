//! Ground distances on the WGS 84 ellipsoid, and the sphere embedding used to search for them.
//!
//! Ranking and reporting always use [`ground_distance_m`] (Karney's geodesic, metres on the WGS 84
//! ellipsoid, accurate to nanometres). R-trees search in 3-D: each lon/lat becomes a point on the
//! unit sphere, where straight-line (chord) distance grows monotonically with great-circle distance, so
//! nearest-neighbour order is right everywhere — unlike raw lon/lat degrees, in which a degree of
//! longitude at 32°N is ~15% shorter than a degree of latitude.

use geo::{Distance, Geodesic, Point};

use crate::domain::LonLat;

/// Mean Earth radius (IUGG), metres: the sphere the 3-D search lives on.
pub const MEAN_RADIUS_M: f64 = 6_371_008.8;

/// Ellipsoidal geodesic length is at least this fraction of the great-circle length on the mean
/// sphere (the meridional radius of curvature never drops below 0.9943 × the mean radius); a little
/// slack on top keeps the bound safe against rounding.
const ELLIPSOID_OVER_SPHERE_MIN: f64 = 0.99;

/// WGS 84 semi-major axis, metres.
const WGS84_A: f64 = 6_378_137.0;
/// WGS 84 first eccentricity squared.
const WGS84_E2: f64 = 6.694_379_990_141_317e-3;

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
        return dx.hypot(dy);
    }
    karney_m(a, b)
}

/// Karney's geodesic on the WGS 84 ellipsoid, metres: exact to nanometres at any distance.
pub fn karney_m(a: LonLat, b: LonLat) -> f64 {
    Geodesic.distance(Point::new(a.lon(), a.lat()), Point::new(b.lon(), b.lat()))
}

/// The point on the unit sphere for a geodetic lon/lat (degrees), as x, y, z.
pub fn unit_vector(p: LonLat) -> [f64; 3] {
    let (lon, lat) = (p.lon().to_radians(), p.lat().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// Squared chord between two unit vectors.
pub fn chord2(a: [f64; 3], b: [f64; 3]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)
}

/// A lower bound, in metres on the ellipsoid, for two points whose unit vectors are `chord2` apart.
pub fn lower_bound_m(chord2: f64) -> f64 {
    let chord = chord2.max(0.0).sqrt().min(2.0);
    2.0 * (chord / 2.0).asin() * MEAN_RADIUS_M * ELLIPSOID_OVER_SPHERE_MIN
}

/// The squared chord of a ground distance of `metres` — an upper bound, for range searches.
pub fn chord2_for_m(metres: f64) -> f64 {
    let angle = (metres / (MEAN_RADIUS_M * ELLIPSOID_OVER_SPHERE_MIN)).min(std::f64::consts::PI);
    let chord = 2.0 * (angle / 2.0).sin();
    chord * chord
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
    fn lower_bound_never_exceeds_the_geodesic() {
        let pairs = [
            (ll(112.0, 32.0), ll(112.001, 32.0)),
            (ll(112.0, 32.0), ll(112.0, 32.001)),
            (ll(0.0, 0.0), ll(0.0, 1.0)),
            (ll(0.0, 89.0), ll(90.0, 89.5)),
            (ll(112.0, 32.0), ll(-68.0, -32.0)),
        ];
        for (a, b) in pairs {
            let bound = lower_bound_m(chord2(unit_vector(a), unit_vector(b)));
            let true_m = ground_distance_m(a, b);
            assert!(bound <= true_m, "{bound} > {true_m} for {a} {b}");
            assert!(bound >= true_m * 0.98, "bound {bound} too loose for {true_m}");
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

    #[test]
    fn range_chord_covers_the_distance() {
        let (a, b) = (ll(112.0, 32.0), ll(112.0009, 32.0005));
        let m = ground_distance_m(a, b);
        assert!(chord2(unit_vector(a), unit_vector(b)) <= chord2_for_m(m));
    }
}
