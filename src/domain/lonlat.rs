//! A checked WGS 84 longitude/latitude pair, in degrees.

use std::fmt;

use super::short_number;

/// Longitude/latitude in decimal degrees. Which datum (WGS 84, GCJ-02, BD-09) the pair is in is
/// tracked by the caller through [`crate::domain::Crs`]; inside gridmap every stored `LonLat` is WGS 84.
///
/// Constructed only through [`LonLat::new`], which rejects NaN, infinities, out-of-range values and
/// pairs that are plainly latitude/longitude swapped, so code holding a `LonLat` can trust it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

/// Why a coordinate pair was refused. The messages are written for the person who sent it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordError {
    #[error("coordinates must be finite numbers, got lon={}, lat={}", short_number(*.lon), short_number(*.lat))]
    NotFinite { lon: f64, lat: f64 },
    #[error(
        "lon={lon}, lat={lat} looks swapped: latitude must lie in -90..90 and {lon},{lat} reads as a point in China when turned around; send longitude first",
        lon = short_number(*.lon),
        lat = short_number(*.lat)
    )]
    Swapped { lon: f64, lat: f64 },
    #[error("latitude {} is out of range -90..90", short_number(*.lat))]
    LatOutOfRange { lat: f64 },
    #[error("longitude {} is out of range -180..180", short_number(*.lon))]
    LonOutOfRange { lon: f64 },
}

/// China's extent in degrees (west, south, east, north), generous by a degree or so. Used only to
/// recognise swapped input: a pair whose turned-around form falls in China while it itself does not.
const CHINA: (f64, f64, f64, f64) = (73.0, 3.0, 136.0, 54.0);

fn in_china(lon: f64, lat: f64) -> bool {
    (CHINA.0..=CHINA.2).contains(&lon) && (CHINA.1..=CHINA.3).contains(&lat)
}

impl LonLat {
    /// Checks a longitude/latitude pair in degrees.
    ///
    /// ```
    /// use gridmap::domain::{CoordError, LonLat};
    /// assert!(LonLat::new(112.15, 31.79).is_ok());
    /// assert!(matches!(LonLat::new(31.79, 112.15), Err(CoordError::Swapped { .. })));
    /// ```
    pub fn new(lon: f64, lat: f64) -> Result<Self, CoordError> {
        if !lon.is_finite() || !lat.is_finite() {
            return Err(CoordError::NotFinite { lon, lat });
        }
        let swapped = !in_china(lon, lat) && in_china(lat, lon);
        if swapped {
            return Err(CoordError::Swapped { lon, lat });
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CoordError::LatOutOfRange { lat });
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(CoordError::LonOutOfRange { lon });
        }
        Ok(Self { lon, lat })
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// The same position as a `geo` point (x = longitude, y = latitude).
    pub fn to_point(self) -> geo::Point<f64> {
        geo::Point::new(self.lon, self.lat)
    }

    /// The same position as a `geo` coordinate (x = longitude, y = latitude).
    pub fn to_coord(self) -> geo::Coord<f64> {
        geo::Coord {
            x: self.lon,
            y: self.lat,
        }
    }
}

impl fmt::Display for LonLat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.lon, self.lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hubei() {
        let p = LonLat::new(112.15, 31.79).unwrap();
        assert_eq!((p.lon(), p.lat()), (112.15, 31.79));
    }

    #[test]
    fn rejects_swapped_pairs_from_china() {
        assert!(matches!(LonLat::new(32.0, 112.0), Err(CoordError::Swapped { .. })));
        // Western China swapped stays inside -90..90, so only the China check catches it.
        assert!(matches!(LonLat::new(40.0, 80.0), Err(CoordError::Swapped { .. })));
    }

    #[test]
    fn rejects_out_of_range_and_non_finite() {
        assert!(matches!(LonLat::new(0.0, 91.0), Err(CoordError::LatOutOfRange { .. })));
        assert!(matches!(
            LonLat::new(-181.0, 0.0),
            Err(CoordError::LonOutOfRange { .. })
        ));
        assert!(matches!(LonLat::new(f64::NAN, 0.0), Err(CoordError::NotFinite { .. })));
        assert!(matches!(
            LonLat::new(0.0, f64::INFINITY),
            Err(CoordError::NotFinite { .. })
        ));
    }

    #[test]
    fn extreme_values_are_quoted_briefly() {
        // `Display` would write 1e300 as 301 digits.
        assert_eq!(
            LonLat::new(1e300, 0.0).unwrap_err().to_string(),
            "longitude 1e300 is out of range -180..180"
        );
        assert_eq!(
            LonLat::new(0.0, -91.0).unwrap_err().to_string(),
            "latitude -91 is out of range -90..90"
        );
    }

    #[test]
    fn accepts_points_outside_china_that_are_not_swapped() {
        assert!(LonLat::new(2.35, 48.85).is_ok());
        assert!(LonLat::new(-0.0, 0.0).is_ok());
    }
}
