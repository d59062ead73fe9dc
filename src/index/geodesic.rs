//! Ground distances on the WGS 84 ellipsoid.
//!
//! Ranking and reporting always use [`ground_distance_m`] (metres on the WGS 84 ellipsoid). Searches
//! find their candidates with [`super::points`], whose lower bounds never exceed it.

use geo::{Destination, Distance, Geodesic, Point};

use crate::domain::LonLat;

/// WGS 84 semi-major axis, metres.
pub(super) const WGS84_A: f64 = 6_378_137.0;
/// WGS 84 first eccentricity squared.
pub(super) const WGS84_E2: f64 = 6.694_379_990_141_317e-3;

/// Chords shorter than this (metres) are turned into ground distances by the closed form of
/// [`DistancesFrom`]; its error there is under a millimetre (checked against Karney in the tests),
/// far below what any answer reports. Longer ones go to Karney.
const SHORT_M: f64 = 50_000.0;

/// Geodesic distance in metres on the WGS 84 ellipsoid.
pub fn ground_distance_m(a: LonLat, b: LonLat) -> f64 {
    DistancesFrom::new(a).to(b)
}

/// [`ground_distance_m`] from one point to many, with that point's trigonometry done once: a
/// search measures a handful of candidates from the same query point, whose Earth-centred
/// positions it already holds.
///
/// Dispatch distances are short, and Karney's algorithm, exact everywhere, costs more than the whole
/// rest of a nearest search. Below [`SHORT_M`] the distance comes from the chord `c` between the
/// two Earth-centred positions instead: the geodesic there is indistinguishable from the normal
/// section through both points (micrometres apart), a plane curve whose curvature `κ` is Euler's
/// `cos²α/M + sin²α/N` at the query point (α the section's azimuth, M and N the meridional and
/// prime-vertical radii of curvature), and an arc of curvature `κ` over a chord `c` is
/// `2/κ · asin(κc/2) = c + κ²c³/24 + …`. At 50 km the `c³` term is 13 cm and what is left out
/// (the curvature drifting along the section, the next term) stays within 0.02 mm of Karney; at
/// 100 km it would reach 0.2 mm, at 200 km 3 mm.
#[derive(Debug, Clone, Copy)]
pub struct DistancesFrom {
    a: LonLat,
    /// Earth-centred position of the point, metres.
    ecef: [f64; 3],
    /// East and north unit vectors of the tangent plane at the point.
    east: [f64; 3],
    north: [f64; 3],
    /// Curvature of the meridian and of the prime vertical at the point, 1/m.
    k_meridian: f64,
    k_prime_vertical: f64,
}

impl DistancesFrom {
    pub fn new(a: LonLat) -> Self {
        let (sp, cp) = a.lat().to_radians().sin_cos();
        let (sl, cl) = a.lon().to_radians().sin_cos();
        let w2 = 1.0 - WGS84_E2 * sp * sp;
        let n = WGS84_A / w2.sqrt();
        Self {
            a,
            ecef: [n * cp * cl, n * cp * sl, n * (1.0 - WGS84_E2) * sp],
            east: [-sl, cl, 0.0],
            north: [-sp * cl, -sp * sl, cp],
            // M = N(1 − e²)/w², so 1/M = w²/(N(1 − e²)).
            k_meridian: w2 / (n * (1.0 - WGS84_E2)),
            k_prime_vertical: 1.0 / n,
        }
    }

    /// The point's Earth-centred position, metres: what [`ecef`] gives for it.
    pub fn ecef(&self) -> [f64; 3] {
        self.ecef
    }

    /// Metres on the WGS 84 ellipsoid from the point to `b`.
    pub fn to(&self, b: LonLat) -> f64 {
        self.to_known(b, ecef(b))
    }

    /// [`Self::to`] for a `b` whose Earth-centred position `b_ecef` ([`ecef`]) is known.
    pub fn to_known(&self, b: LonLat, b_ecef: [f64; 3]) -> f64 {
        let d = [
            b_ecef[0] - self.ecef[0],
            b_ecef[1] - self.ecef[1],
            b_ecef[2] - self.ecef[2],
        ];
        let c2 = dot(d, d);
        if c2 >= SHORT_M * SHORT_M {
            return karney_m(self.a, b);
        }
        // The section's azimuth is that of the chord seen from above the point.
        let (e, n) = (dot(d, self.east), dot(d, self.north));
        let across = e * e + n * n;
        let k = if across > 0.0 {
            (n * n * self.k_meridian + e * e * self.k_prime_vertical) / across
        } else {
            self.k_prime_vertical
        };
        c2.sqrt() * (1.0 + c2 * k * k * (1.0 / 24.0))
    }
}

/// Earth-centred, Earth-fixed position of a point on the WGS 84 ellipsoid (height 0), metres.
/// The points `radius_m` geodesic metres (WGS 84 ellipsoid) from `centre`, every 360/`n` degrees of
/// azimuth clockwise from north, as (lon, lat) degrees: a station's reach drawn as a polygon (map
/// tiles and printed maps alike).
pub fn circle(centre: LonLat, radius_m: f64, n: usize) -> Vec<(f64, f64)> {
    let c = Point::new(centre.lon(), centre.lat());
    (0..n)
        .map(|k| {
            let p = Geodesic.destination(c, 360.0 * k as f64 / n as f64, radius_m);
            (p.x(), p.y())
        })
        .collect()
}

pub fn ecef(p: LonLat) -> [f64; 3] {
    DistancesFrom::new(p).ecef
}

pub(super) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Karney's geodesic on the WGS 84 ellipsoid, metres: exact to nanometres at any distance.
pub fn karney_m(a: LonLat, b: LonLat) -> f64 {
    Geodesic.distance(Point::new(a.lon(), a.lat()), Point::new(b.lon(), b.lat()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::Destination;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    #[test]
    fn a_degree_of_longitude_at_32n_is_shorter_than_one_of_latitude() {
        let east = ground_distance_m(ll(112.0, 32.0), ll(113.0, 32.0));
        let north = ground_distance_m(ll(112.0, 32.0), ll(112.0, 33.0));
        assert_relative_eq!(east, 94_495.0, max_relative = 1e-3);
        assert_relative_eq!(north, 110_883.0, max_relative = 1e-3);
        assert_eq!(ground_distance_m(ll(112.0, 32.0), ll(112.0, 32.0)), 0.0);
    }

    #[test]
    fn the_closed_form_agrees_with_karney_below_a_millimetre() {
        let mut state = 5u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut worst: f64 = 0.0;
        let mut longest: f64 = 0.0;
        for i in 0..40_000 {
            // China's latitudes mostly; every tenth pair anywhere short of the poles.
            let a = if i % 10 == 0 {
                LonLat::new(-180.0 + next() * 360.0, -85.0 + next() * 170.0)
            } else {
                LonLat::new(73.0 + next() * 60.0, 18.0 + next() * 35.0)
            };
            // (Points that look like swapped coordinates are refused, and not asked about.)
            let Ok(a) = a else { continue };
            // Any direction, any length up to the threshold, short ones as often as long.
            let metres = SHORT_M * 0.99 * next().powi(2);
            let to = Geodesic.destination(Point::new(a.lon(), a.lat()), next() * 360.0, metres);
            let Ok(b) = LonLat::new(to.x(), to.y()) else { continue };
            let closed = ground_distance_m(a, b);
            let chord = dot_self(ecef(a), ecef(b)).sqrt();
            if chord < SHORT_M {
                longest = longest.max(closed);
            }
            worst = worst.max((closed - karney_m(a, b)).abs());
        }
        assert!(longest > 0.9 * SHORT_M, "the closed form was tried up to {longest} m");
        assert!(worst < 0.001, "worst disagreement {worst} m");
    }

    #[test]
    fn a_known_position_gives_the_same_distance() {
        let from = DistancesFrom::new(ll(112.1, 32.0));
        for b in [ll(112.1, 32.0), ll(112.13, 32.01), ll(113.0, 33.0)] {
            assert_eq!(from.to(b), from.to_known(b, ecef(b)));
        }
        assert_eq!(from.ecef(), ecef(ll(112.1, 32.0)));
    }

    fn dot_self(a: [f64; 3], b: [f64; 3]) -> f64 {
        let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
        dot(d, d)
    }
}
