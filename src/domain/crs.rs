//! The coordinate systems inputs may be given in, and conversion to and from WGS 84.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CoordError, LonLat};

/// The datum a longitude/latitude pair is expressed in.
///
/// gridmap stores and computes in WGS 84 (EPSG:4326; CGCS2000 is treated as the same, the two differ by
/// centimetres). Phones and Chinese web maps report GCJ-02 (AMap, Tencent, WeChat) or BD-09 (Baidu), offset
/// from WGS 84 by hundreds of metres; those are converted here, at the edge, and nowhere else.
/// Outside mainland China the offsets are not applied by their publishers, so conversion is the identity there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    #[default]
    Wgs84,
    Gcj02,
    Bd09,
}

impl Crs {
    /// Parses `wgs84`, `gcj02` or `bd09` (case-insensitive; `epsg:4326` and `cgcs2000` mean WGS 84).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "wgs84" | "wgs-84" | "epsg:4326" | "4326" | "cgcs2000" | "epsg:4490" => Some(Self::Wgs84),
            "gcj02" | "gcj-02" => Some(Self::Gcj02),
            "bd09" | "bd-09" | "bd09ll" => Some(Self::Bd09),
            _ => None,
        }
    }

    /// The name used in the API (`wgs84`, `gcj02`, `bd09`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wgs84 => "wgs84",
            Self::Gcj02 => "gcj02",
            Self::Bd09 => "bd09",
        }
    }

    /// Converts a pair given in `self` (degrees) to checked WGS 84.
    ///
    /// The input is checked first (range, swap), so a swapped GCJ-02 pair is reported as what it is.
    /// The inverse transforms are iterative (below a millimetre against the public forward model).
    pub fn to_wgs84(self, lon: f64, lat: f64) -> Result<LonLat, CoordError> {
        let given = LonLat::new(lon, lat)?;
        let (lon, lat) = match self {
            Self::Wgs84 => return Ok(given),
            Self::Gcj02 => coordtransform::gcj02_to_wgs84(lon, lat),
            Self::Bd09 => coordtransform::bd09_to_wgs84(lon, lat),
        };
        LonLat::new(lon, lat)
    }

    /// Expresses a WGS 84 position in `self`, as `(lon, lat)` degrees.
    pub fn from_wgs84(self, p: LonLat) -> (f64, f64) {
        match self {
            Self::Wgs84 => (p.lon(), p.lat()),
            Self::Gcj02 => coordtransform::wgs84_to_gcj02(p.lon(), p.lat()),
            Self::Bd09 => coordtransform::wgs84_to_bd09(p.lon(), p.lat()),
        }
    }
}

impl std::fmt::Display for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use geo::{Distance, Geodesic};

    /// 李庙镇, 南漳县: the GCJ-02 offset there is about 560 m east, 230 m south.
    const LIMIAO: (f64, f64) = (111.93, 31.60);

    fn metres(a: LonLat, b: (f64, f64)) -> f64 {
        Geodesic.distance(a.to_point(), geo::Point::new(b.0, b.1))
    }

    #[test]
    fn gcj02_offset_is_hundreds_of_metres_and_inverts_exactly() {
        let wgs = LonLat::new(LIMIAO.0, LIMIAO.1).unwrap();
        let gcj = Crs::Gcj02.from_wgs84(wgs);
        let offset = metres(wgs, gcj);
        assert!((300.0..900.0).contains(&offset), "offset {offset} m");
        let back = Crs::Gcj02.to_wgs84(gcj.0, gcj.1).unwrap();
        assert_abs_diff_eq!(back.lon(), wgs.lon(), epsilon = 1e-8);
        assert_abs_diff_eq!(back.lat(), wgs.lat(), epsilon = 1e-8);
    }

    #[test]
    fn bd09_round_trips_below_a_centimetre() {
        let wgs = LonLat::new(LIMIAO.0, LIMIAO.1).unwrap();
        let bd = Crs::Bd09.from_wgs84(wgs);
        assert!(metres(wgs, bd) > 500.0);
        let back = Crs::Bd09.to_wgs84(bd.0, bd.1).unwrap();
        assert!(metres(back, (wgs.lon(), wgs.lat())) < 0.01);
    }

    #[test]
    fn wgs84_is_identity_and_names_parse() {
        let p = Crs::Wgs84.to_wgs84(112.1, 32.0).unwrap();
        assert_eq!((p.lon(), p.lat()), (112.1, 32.0));
        assert_eq!(Crs::parse("GCJ02"), Some(Crs::Gcj02));
        assert_eq!(Crs::parse("bd09"), Some(Crs::Bd09));
        assert_eq!(Crs::parse("mars"), None);
    }

    #[test]
    fn swapped_input_is_reported_before_conversion() {
        assert!(matches!(
            Crs::Gcj02.to_wgs84(31.6, 111.9),
            Err(CoordError::Swapped { .. })
        ));
    }
}
