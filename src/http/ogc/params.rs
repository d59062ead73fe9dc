//! The query of `/ogc/collections/{id}/items`: `bbox`, `limit`, `offset` (and `datetime`,
//! `bbox-crs`), parsed into typed values with messages that say which parameter is wrong and why.

use serde::Deserialize;
use utoipa::IntoParams;

use super::CRS84;
use super::error::OgcError;
use crate::domain::short_number;
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
                    "{name} = {} is out of range: longitudes run from -180 to 180 and latitudes from -90 to 90 \
                     (lon,lat order; were they swapped?)",
                    short_number(v)
                )));
            }
        }
        if south > north {
            return Err(bad(format!(
                "minlat = {} is north of maxlat = {}",
                short_number(south),
                short_number(north)
            )));
        }
        if west > east {
            return Err(bad(format!(
                "minlon = {} is east of maxlon = {}; boxes crossing the antimeridian are not supported",
                short_number(west),
                short_number(east)
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

    /// Found by `boxes_from_any_text`: the message wrote maxlon out as 308 digits.
    #[test]
    fn box_numbers_are_quoted_briefly() {
        let e = Bbox::parse("-180,.0,5.140696556272598e307,-180")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("query parameter 'bbox' maxlon = 5.140696556272598e307 is out of range"),
            "{e}"
        );
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

    /// Property tests: any text gets an answer, exactly the valid values are accepted, and what is
    /// accepted round-trips through the form carried in paging links.
    mod fuzz {
        use proptest::prelude::*;

        use super::*;
        use crate::domain::fuzz_cases::fuzz_config;
        use crate::domain::{assert_brief, query_text};

        fn message(e: OgcError, given: &[&str]) -> String {
            let m = e.to_string();
            assert_brief(&m, given);
            m
        }

        fn lon() -> impl Strategy<Value = f64> {
            prop_oneof![Just(-180.0), Just(180.0), Just(0.0), Just(-0.0), -180.0f64..=180.0]
        }

        fn lat() -> impl Strategy<Value = f64> {
            prop_oneof![Just(-90.0), Just(90.0), Just(0.0), -90.0f64..=90.0]
        }

        /// Anything outside -180..180 / -90..90, from just past the edge to the largest `f64`.
        fn beyond(limit: f64) -> impl Strategy<Value = f64> {
            let past = prop_oneof![Just(limit + 1e-9), limit + 1e-9..1e6, 1e6..f64::MAX, Just(f64::MAX)];
            (past, any::<bool>()).prop_map(|(v, neg)| if neg { -v } else { v })
        }

        fn bbox_text() -> impl Strategy<Value = String> {
            let part = prop_oneof![
                query_text(),
                lon().prop_map(|v| v.to_string()),
                beyond(90.0).prop_map(|v| format!("{v:e}"))
            ];
            prop_oneof![
                query_text(),
                proptest::collection::vec(part, 0..8).prop_map(|p| p.join(","))
            ]
        }

        fn items(
            bbox: Option<String>,
            limit: Option<String>,
            offset: Option<String>,
            datetime: Option<String>,
            bbox_crs: Option<String>,
        ) -> ItemsParams {
            ItemsParams {
                bbox,
                bbox_crs,
                limit,
                offset,
                datetime,
            }
        }

        proptest! {
            #![proptest_config(fuzz_config(1024))]

            #[test]
            fn boxes_round_trip((w, e) in (lon(), lon()), (s, n) in (lat(), lat()), pad in "[ ]{0,2}", heights in proptest::option::of((-1e4f64..1e4, -1e4f64..1e4))) {
                let (w, e) = (w.min(e), w.max(e));
                let (s, n) = (s.min(n), s.max(n));
                let text = match heights {
                    None => format!("{w},{pad}{s},{e}{pad},{n}"),
                    Some((lo, hi)) => format!("{w},{s},{lo},{e},{n},{hi}"),
                };
                let b = Bbox::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
                prop_assert_eq!(b.as_array(), [w, s, e, n]);
                prop_assert_eq!(Bbox::parse(&b.to_string()).ok(), Some(b));
            }

            #[test]
            fn boxes_out_of_range_or_reversed_are_refused(corners in (lon(), lat(), lon(), lat()), which in 0usize..4, far_lon in beyond(180.0), far_lat in beyond(90.0), reverse in any::<bool>()) {
                let mut corners = corners;
                let (w, s, e, n) = &mut corners;
                if reverse {
                    // Reversed, and really so: equal edges are a box of no width, which is allowed,
                    // so an equal pair is pulled apart to the axis' far end.
                    let reversed = |a: f64, b: f64, edge: f64| match (a.max(b), a.min(b)) {
                        (hi, lo) if hi > lo => (hi, lo),
                        (v, _) if v > -edge => (v, -edge),
                        (v, _) => (edge, v),
                    };
                    if which % 2 == 0 { (*w, *e) = reversed(*w, *e, 180.0) } else { (*s, *n) = reversed(*s, *n, 90.0) }
                } else {
                    match which { 0 => *w = far_lon, 1 => *s = far_lat, 2 => *e = far_lon, _ => *n = far_lat }
                }
                let (w, s, e, n) = corners;
                let text = format!("{w},{s},{e},{n}");
                let m = message(Bbox::parse(&text).unwrap_err(), &[]);
                prop_assert!(m.starts_with("query parameter 'bbox' "), "{m}");
            }

            #[test]
            fn boxes_from_any_text(text in bbox_text()) {
                match Bbox::parse(&text) {
                    Ok(b) => {
                        let [w, s, e, n] = b.as_array();
                        prop_assert!([w, s, e, n].iter().all(|v| v.is_finite()));
                        prop_assert!(w.abs() <= 180.0 && e.abs() <= 180.0 && s.abs() <= 90.0 && n.abs() <= 90.0);
                        prop_assert!(w <= e && s <= n);
                        prop_assert_eq!(Bbox::parse(&b.to_string()).ok(), Some(b));
                    }
                    Err(e) => {
                        message(e, &[&text]);
                    }
                }
            }

            #[test]
            fn limits_and_offsets_round_trip(limit in prop_oneof![0u64..20_000, any::<u64>()], offset in prop_oneof![0u64..10, (u64::from(u32::MAX) - 2)..(u64::from(u32::MAX) + 2), any::<u64>()]) {
                let q = items(None, Some(limit.to_string()), Some(offset.to_string()), None, None).parse();
                let ok = (1..=MAX_LIMIT as u64).contains(&limit) && offset <= MAX_OFFSET as u64;
                match q {
                    Ok(q) => {
                        prop_assert!(ok);
                        prop_assert_eq!((q.limit as u64, q.offset as u64), (limit, offset));
                    }
                    Err(e) => {
                        prop_assert!(!ok);
                        let m = message(e, &[]);
                        prop_assert!(m.contains("'limit'") || m.contains("'offset'"), "{m}");
                    }
                }
            }

            #[test]
            fn items_queries_from_any_text(bbox in proptest::option::of(bbox_text()), limit in proptest::option::of(query_text()), offset in proptest::option::of(query_text()), datetime in proptest::option::of(query_text()), crs in proptest::option::of(prop_oneof![Just(crate::http::ogc::CRS84.to_owned()), query_text()])) {
                let given: Vec<String> = [&bbox, &limit, &offset, &datetime, &crs].into_iter().flatten().cloned().collect();
                match items(bbox, limit, offset, datetime, crs.clone()).parse() {
                    Ok(q) => {
                        prop_assert!((1..=MAX_LIMIT).contains(&q.limit) && q.offset <= MAX_OFFSET);
                        prop_assert!(crs.as_deref().is_none_or(|c| c.trim().is_empty() || c.trim() == crate::http::ogc::CRS84));
                    }
                    Err(e) => {
                        message(e, &given.iter().map(String::as_str).collect::<Vec<_>>());
                    }
                }
            }

            #[test]
            fn datetimes_written_by_rfc3339_are_accepted(secs in -62_135_510_400i64..253_402_214_399, nanos in 0u32..1_000_000_000, offset_min in -1439i32..=1439, form in 0u8..5) {
                let t = chrono::DateTime::from_timestamp(secs, nanos).unwrap();
                let tz = chrono::FixedOffset::east_opt(offset_min * 60).unwrap();
                let instant = t.with_timezone(&tz).to_rfc3339();
                let text = match form {
                    0 => instant,
                    1 => format!("../{instant}"),
                    2 => format!("{instant}/.."),
                    3 => format!("{instant}/{}", t.format("%Y-%m-%d")),
                    _ => t.format("%Y-%m-%d").to_string(),
                };
                prop_assert!(datetime(&text).is_ok(), "{}", text);
            }

            #[test]
            fn datetimes_from_any_text(s in prop_oneof![query_text(), "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?(Z|[+-][0-9]{2}:[0-9]{2}))?(/(\\.\\.)?)?"]) {
                if let Err(e) = datetime(&s) {
                    prop_assert!(message(e, &[&s]).contains("'datetime'"));
                }
            }
        }
    }
}
