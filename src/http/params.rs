//! Query-string values parsed into typed values, with messages that name the parameter.

use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;
use crate::domain::{Code, Crs, LonLat};

/// `lon`, `lat` and `crs`, taken as text so every mistake gets a message naming the parameter.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PointParams {
    /// Longitude, degrees.
    #[param(value_type = f64)]
    pub lon: Option<String>,
    /// Latitude, degrees.
    #[param(value_type = f64)]
    pub lat: Option<String>,
    /// The datum of `lon`/`lat` and of points in the answer: `wgs84` (default), `gcj02` or `bd09`.
    #[param(value_type = Option<String>)]
    pub crs: Option<String>,
}

impl PointParams {
    /// The point in WGS 84 and the CRS answers should use.
    pub fn parse(&self) -> Result<GivenPoint, ApiError> {
        point(self.lon.as_deref(), self.lat.as_deref(), self.crs.as_deref())
    }
}

/// A point as the client gave it and as gridmap computes with it.
#[derive(Debug, Clone, Copy)]
pub struct GivenPoint {
    /// The position in WGS 84.
    pub wgs84: LonLat,
    /// The CRS the client spoke, used for points in the answer too.
    pub crs: Crs,
    /// `lon`, `lat` exactly as given, echoed back (no round-trip noise from conversion).
    pub given: (f64, f64),
}

/// A point from `lon`, `lat` and `crs` texts: converted to WGS 84, with the CRS answers should use.
pub fn point(lon: Option<&str>, lat: Option<&str>, crs_text: Option<&str>) -> Result<GivenPoint, ApiError> {
    let crs = crs(crs_text)?;
    let lon = number("lon", lon)?;
    let lat = number("lat", lat)?;
    Ok(GivenPoint {
        wgs84: crs.to_wgs84(lon, lat)?,
        crs,
        given: (lon, lat),
    })
}

pub fn crs(s: Option<&str>) -> Result<Crs, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Crs::Wgs84),
        Some(s) => Crs::parse(s)
            .ok_or_else(|| ApiError::invalid_parameter(format!("crs must be wgs84, gcj02 or bd09, got {:?}", clip(s)))),
    }
}

/// A required finite number.
pub fn number(name: &str, s: Option<&str>) -> Result<f64, ApiError> {
    let s = s
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid_parameter(format!("query parameter '{name}' is required")))?;
    s.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| {
        ApiError::invalid_parameter(format!(
            "query parameter '{name}' must be a finite number, got {:?}",
            clip(s)
        ))
    })
}

/// An optional whole number in `min..=max`.
pub fn integer(name: &str, s: Option<&str>, min: u64, max: u64) -> Result<Option<u64>, ApiError> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match s.parse::<u64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(Some(v)),
        _ => Err(ApiError::invalid_parameter(format!(
            "query parameter '{name}' must be a whole number from {min} to {max}, got {:?}",
            clip(s)
        ))),
    }
}

/// An optional `true`/`false`.
pub fn boolean(name: &str, s: Option<&str>) -> Result<Option<bool>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(other) => Err(ApiError::invalid_parameter(format!(
            "query parameter '{name}' must be true or false, got {:?}",
            clip(other)
        ))),
    }
}

/// A code from a path or query, checked.
pub fn code(what: &str, s: &str) -> Result<Code, ApiError> {
    Code::parse(s).map_err(|e| ApiError::invalid_parameter(format!("{what}: {e}")))
}

/// The snapshot's index of the area a path or query names: 400 for a malformed code, 404 for an
/// unknown one.
pub fn area(index: &crate::index::Index, raw: &str) -> Result<u32, ApiError> {
    let c = code("area code", raw)?;
    index
        .areas
        .find(&c)
        .ok_or_else(|| ApiError::NotFound(format!("no area with code {c}")))
}

/// Long values are cut in messages so an error never echoes a huge input back.
pub use crate::domain::clip;

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `points_from_any_text`: the message wrote the longitude out as 253 digits.
    #[test]
    fn huge_numbers_are_quoted_in_exponent_form() {
        let e = point(Some(".1E253"), Some("0"), None).unwrap_err();
        assert_eq!(e.to_string(), "longitude 1e252 is out of range -180..180");
    }

    /// Property tests: any text gets an answer (never a panic), exactly the valid values are
    /// accepted, and messages name the parameter without echoing a huge value back.
    mod fuzz {
        use proptest::prelude::*;

        use super::super::*;
        use crate::domain::fuzz_cases::fuzz_config;
        use crate::domain::{assert_brief, query_text};

        fn message(e: ApiError, given: &[&str]) -> String {
            let m = e.to_string();
            assert_brief(&m, given);
            m
        }

        /// What a decimal number may look like; anything else (hex, underscores, other digits,
        /// words) must be refused even where Rust's parser is lenient.
        fn decimal_looking(t: &str) -> bool {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'))
        }

        proptest! {
            #![proptest_config(fuzz_config(1024))]

            #[test]
            fn number_accepts_only_finite_decimals(s in query_text()) {
                match number("lon", Some(&s)) {
                    Ok(v) => {
                        prop_assert!(v.is_finite());
                        prop_assert!(decimal_looking(s.trim()), "accepted {s:?}");
                        prop_assert_eq!(v.to_bits(), s.trim().parse::<f64>().unwrap().to_bits());
                    }
                    Err(e) => prop_assert!(message(e, &[&s]).contains("'lon'")),
                }
            }

            #[test]
            fn finite_numbers_round_trip(v in any::<f64>().prop_filter("finite", |v| v.is_finite()), form in 0u8..3, pad in "[ \t]{0,2}") {
                let text = match form {
                    0 => format!("{pad}{v}{pad}"),
                    1 => format!("{v:e}"),
                    _ => format!("{v:?}"),
                };
                prop_assert_eq!(number("lat", Some(&text)).map(f64::to_bits).ok(), Some(v.to_bits()));
            }

            #[test]
            fn integers_in_range_round_trip(n in any::<u64>(), min in 0u64..10, span in prop_oneof![Just(u64::MAX), 0u64..200]) {
                let max = min.saturating_add(span);
                let got = integer("k", Some(&n.to_string()), min, max);
                if (min..=max).contains(&n) {
                    prop_assert_eq!(got.ok(), Some(Some(n)));
                } else {
                    let m = message(got.unwrap_err(), &[]);
                    prop_assert!(m.contains("'k'") && m.contains(&format!("from {min} to {max}")), "{m}");
                }
            }

            #[test]
            fn integers_from_any_text(s in query_text()) {
                let t = s.trim();
                match integer("limit", Some(&s), 1, 100) {
                    Ok(None) => prop_assert!(t.is_empty()),
                    Ok(Some(v)) => {
                        prop_assert!((1..=100).contains(&v));
                        prop_assert!(t.trim_start_matches('+').chars().all(|c| c.is_ascii_digit()), "accepted {s:?}");
                        prop_assert_eq!(t.trim_start_matches('+').trim_start_matches('0'), v.to_string());
                    }
                    Err(e) => prop_assert!(message(e, &[&s]).contains("'limit'")),
                }
            }

            #[test]
            fn booleans_are_exactly_true_false_1_0(s in prop_oneof![query_text(), "(?i)true|false|yes|no|on|off|1|0"]) {
                let want = match s.trim() {
                    "" => Some(None),
                    "true" | "1" => Some(Some(true)),
                    "false" | "0" => Some(Some(false)),
                    _ => None,
                };
                match boolean("party_member", Some(&s)) {
                    Ok(b) => prop_assert_eq!(Some(b), want, "{:?}", s),
                    Err(e) => {
                        prop_assert_eq!(want, None);
                        prop_assert!(message(e, &[&s]).contains("'party_member'"));
                    }
                }
            }

            #[test]
            fn crs_names_in_any_case(s in prop_oneof![query_text(), "(?i) ?(wgs84|wgs-84|gcj02|gcj-02|bd09|bd-09|bd09ll|epsg:4326|4326|cgcs2000|epsg:4490|mars) ?"]) {
                let t = s.trim().to_ascii_lowercase();
                let want = match t.as_str() {
                    "" | "wgs84" | "wgs-84" | "epsg:4326" | "4326" | "cgcs2000" | "epsg:4490" => Some(Crs::Wgs84),
                    "gcj02" | "gcj-02" => Some(Crs::Gcj02),
                    "bd09" | "bd-09" | "bd09ll" => Some(Crs::Bd09),
                    _ => None,
                };
                match crs(Some(&s)) {
                    Ok(c) => prop_assert_eq!(Some(c), want),
                    Err(e) => {
                        prop_assert_eq!(want, None);
                        prop_assert!(message(e, &[&s]).contains("crs"));
                    }
                }
            }

            /// A point is accepted exactly when both numbers are and the pair is a position in the
            /// CRS given; the answer keeps what was sent and a valid WGS 84 position.
            #[test]
            fn points_from_any_text(lon in prop_oneof![query_text(), (-200.0f64..200.0).prop_map(|v| v.to_string())], lat in prop_oneof![query_text(), (-100.0f64..100.0).prop_map(|v| v.to_string())], c in prop_oneof![Just(None), Just(Some("gcj02")), Just(Some("bd09")), Just(Some("mars"))]) {
                let want_lon = lon.trim().parse::<f64>().ok().filter(|v| v.is_finite() && decimal_looking(lon.trim()));
                let want_lat = lat.trim().parse::<f64>().ok().filter(|v| v.is_finite() && decimal_looking(lat.trim()));
                match point(Some(&lon), Some(&lat), c) {
                    Ok(p) => {
                        prop_assert!(c != Some("mars"));
                        prop_assert_eq!(Some(p.given), want_lon.zip(want_lat));
                        prop_assert!(LonLat::new(p.wgs84.lon(), p.wgs84.lat()).is_ok());
                        prop_assert!(LonLat::new(p.given.0, p.given.1).is_ok());
                    }
                    Err(e) => {
                        message(e, &[&lon, &lat]);
                    }
                }
            }

            /// A swapped pair from Hubei is refused as swapped in every CRS, not as out of range.
            #[test]
            fn swapped_hubei_points_are_named(lon in 108.4f64..116.1, lat in 29.1f64..33.3, c in prop_oneof![Just("wgs84"), Just("gcj02"), Just("bd09")]) {
                let m = message(point(Some(&lat.to_string()), Some(&lon.to_string()), Some(c)).unwrap_err(), &[]);
                prop_assert!(m.contains("swapped"), "{m}");
            }

            #[test]
            fn codes_are_exactly_1_to_64_safe_characters(s in prop_oneof![query_text(), "[A-Za-z0-9._-]{0,70}", " ?[A-Za-z0-9._/%-]{1,10} ?"]) {
                let t = s.trim();
                let ok = (1..=64).contains(&t.chars().count())
                    && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                match code("area code", &s) {
                    Ok(c) => {
                        prop_assert!(ok, "accepted {s:?}");
                        prop_assert_eq!(c.as_str(), t);
                    }
                    Err(e) => {
                        prop_assert!(!ok, "refused {s:?}");
                        prop_assert!(message(e, &[&s]).starts_with("area code: "));
                    }
                }
            }

        }
    }
}
