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

/// Long values are cut in messages so an error never echoes a huge input back.
pub fn clip(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}
