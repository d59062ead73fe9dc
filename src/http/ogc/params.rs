//! The query of `/ogc/collections/{id}/items`: `bbox`, `limit`, `offset` (and `datetime`,
//! `bbox-crs`), parsed into typed values with messages that say which parameter is wrong and why.

use serde::Deserialize;
use utoipa::IntoParams;

use super::CRS84;
use super::error::OgcError;
use crate::http::params::clip;

/// Features in a page when the client does not say (the specification's example default).
pub const DEFAULT_LIMIT: usize = 10;
/// The most features in one page.
pub const MAX_LIMIT: usize = 10_000;
/// The furthest a page may start.
pub const MAX_OFFSET: usize = u32::MAX as usize;

/// Taken as text, so every mistake gets a message naming the parameter.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ItemsParams {
    /// `minlon,minlat,maxlon,maxlat` in CRS84 (WGS 84 degrees); six numbers (with heights, which are
    /// ignored) are accepted too. Only features whose geometry meets the box are returned.
    #[param(value_type = Option<String>, example = "112.1,32.0,112.2,32.1")]
    pub bbox: Option<String>,
    /// The CRS of `bbox`; only `http://www.opengis.net/def/crs/OGC/1.3/CRS84` is served.
    #[serde(rename = "bbox-crs")]
    #[param(value_type = Option<String>)]
    pub bbox_crs: Option<String>,
    /// Features per page, 1 to 10000, default 10.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    pub limit: Option<String>,
    /// How many matching features (in code order) to skip; the `next` and `prev` links carry it.
    #[param(value_type = Option<u32>, minimum = 0)]
    pub offset: Option<String>,
    /// An RFC 3339 date-time or interval. gridmap's features have no time, so every feature
    /// matches a well-formed value.
    #[param(value_type = Option<String>)]
    pub datetime: Option<String>,
}

/// A box in CRS84 degrees; `west ≤ east`, `south ≤ north`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Bbox {
    pub fn as_array(self) -> [f64; 4] {
        [self.west, self.south, self.east, self.north]
    }

    /// Parses `minlon,minlat,maxlon,maxlat` (or the six-number form with heights).
    pub fn parse(text: &str) -> Result<Self, OgcError> {
        let bad = |why: String| OgcError::Bbox(why);
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let numbers = parts
            .iter()
            .map(|p| {
                p.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| {
                    bad(format!(
                        "must be numbers separated by commas; {:?} is not a number",
                        clip(p)
                    ))
                })
            })
            .collect::<Result<Vec<f64>, _>>()?;
        let [west, south, east, north] = match numbers[..] {
            [w, s, e, n] | [w, s, _, e, n, _] => [w, s, e, n],
            _ => {
                return Err(bad(format!(
                    "must be 4 numbers (minlon,minlat,maxlon,maxlat), got {}",
                    numbers.len()
                )));
            }
        };
        for (name, v, limit) in [
            ("minlon", west, 180.0),
            ("minlat", south, 90.0),
            ("maxlon", east, 180.0),
            ("maxlat", north, 90.0),
        ] {
            if v.abs() > limit {
                return Err(bad(format!(
                    "{name} = {v} is out of range: longitudes run from -180 to 180 and latitudes from -90 to 90 \
                     (lon,lat order; were they swapped?)"
                )));
            }
        }
        if south > north {
            return Err(bad(format!("minlat = {south} is north of maxlat = {north}")));
        }
        if west > east {
            return Err(bad(format!(
                "minlon = {west} is east of maxlon = {east}; boxes crossing the antimeridian are not supported"
            )));
        }
        Ok(Self {
            west,
            south,
            east,
            north,
        })
    }
}

impl std::fmt::Display for Bbox {
    /// The canonical form carried in paging links.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{},{},{}", self.west, self.south, self.east, self.north)
    }
}

/// A checked items query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemsQuery {
    pub bbox: Option<Bbox>,
    pub limit: usize,
    pub offset: usize,
}

impl ItemsParams {
    pub fn parse(&self) -> Result<ItemsQuery, OgcError> {
        if let Some(crs) = given(&self.bbox_crs)
            && crs != CRS84
        {
            return Err(OgcError::BboxCrs { given: clip(crs) });
        }
        if let Some(dt) = given(&self.datetime) {
            datetime(dt)?;
        }
        Ok(ItemsQuery {
            bbox: given(&self.bbox).map(Bbox::parse).transpose()?,
            limit: whole("limit", given(&self.limit), 1, MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT),
            offset: whole("offset", given(&self.offset), 0, MAX_OFFSET)?.unwrap_or(0),
        })
    }
}

/// The value of a parameter that was given and is not blank.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn whole(name: &'static str, s: Option<&str>, min: usize, max: usize) -> Result<Option<usize>, OgcError> {
    let Some(s) = s else { return Ok(None) };
    match s.parse::<usize>() {
        Ok(v) if (min..=max).contains(&v) => Ok(Some(v)),
        _ => Err(OgcError::Range {
            name,
            min: min as u64,
            max: max as u64,
            given: clip(s),
        }),
    }
}

/// Checks a `datetime`: an instant, or `start/end` where either end may be `..` (or empty).
fn datetime(s: &str) -> Result<(), OgcError> {
    let instant = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t).is_ok() || chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok()
    };
    let ok = match s.split_once('/') {
        None => instant(s),
        Some((a, b)) => {
            let open = |t: &str| t.is_empty() || t == "..";
            !(open(a) && open(b)) && (open(a) || instant(a)) && (open(b) || instant(b))
        }
    };
    if ok { Ok(()) } else { Err(OgcError::Datetime(clip(s))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(bbox: Option<&str>, limit: Option<&str>, offset: Option<&str>) -> ItemsParams {
        ItemsParams {
            bbox: bbox.map(str::to_owned),
            bbox_crs: None,
            limit: limit.map(str::to_owned),
            offset: offset.map(str::to_owned),
            datetime: None,
        }
    }

    #[test]
    fn boxes() {
        let b = Bbox::parse("112.1, 32,112.2,32.1").unwrap();
        assert_eq!(b.as_array(), [112.1, 32.0, 112.2, 32.1]);
        assert_eq!(b.to_string(), "112.1,32,112.2,32.1");
        assert_eq!(Bbox::parse("1,2,0,3,4,9").unwrap().as_array(), [1.0, 2.0, 3.0, 4.0]);
        for bad in [
            "1,2,3",
            "1,2,3,4,5",
            "a,2,3,4",
            "1,2,,4",
            "NaN,1,2,3",
            "1,3,2,2",
            "3,1,2,2",
            "32,112,33,113",
        ] {
            assert!(Bbox::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_and_offsets() {
        let q = params(None, None, None).parse().unwrap();
        assert_eq!((q.limit, q.offset, q.bbox), (DEFAULT_LIMIT, 0, None));
        assert_eq!(params(None, Some("10000"), Some("5")).parse().unwrap().limit, 10_000);
        for (limit, offset) in [
            ("0", "0"),
            ("10001", "0"),
            ("-1", "0"),
            ("x", "0"),
            ("1", "-1"),
            ("1", "1.5"),
        ] {
            assert!(
                params(None, Some(limit), Some(offset)).parse().is_err(),
                "{limit} {offset}"
            );
        }
    }

    #[test]
    fn datetimes() {
        for ok in [
            "2024-01-01T00:00:00Z",
            "2024-01-01",
            "../2024-01-01T00:00:00+08:00",
            "2024-01-01/..",
        ] {
            assert!(datetime(ok).is_ok(), "{ok}");
        }
        for bad in ["yesterday", "../..", "2024-13-01", "2024-01-01/soon"] {
            assert!(datetime(bad).is_err(), "{bad}");
        }
    }
}
