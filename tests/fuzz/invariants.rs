//! What the importer promises about any answer, whatever it was given: a batch whose geometry can be
//! trusted, or an error that says where and why, in a message short enough to read.

use std::collections::HashSet;

use geo::{Area, LineString, MultiPolygon, Polygon, Validation, Winding};
use gridmap::domain::{Layer, LonLat};
use gridmap::import::{ImportError, InputFile, Parsed};
use gridmap::store::Batch;

/// The longest reason a person should have to read for one feature (or one file). Inputs can be
/// megabytes; messages quote at most an excerpt of them.
pub const MAX_REASON: usize = 400;

/// Checks the answer of `parse_files(layer, …, files)`. `features` gives, per file, how many
/// features it holds when the caller knows, so problem indexes can be checked against it.
pub fn check(layer: Layer, files: &[InputFile], features: Option<&[usize]>, result: &Result<Parsed, ImportError>) {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    match result {
        Ok(parsed) => check_parsed(layer, &names, parsed),
        Err(ImportError::Malformed { file, reason }) => {
            assert!(
                names.contains(&file.as_str()),
                "malformed names an unknown file {file:?}"
            );
            assert!(!reason.trim().is_empty(), "a malformed file without a reason");
            assert_short(reason);
        }
        Err(ImportError::Features { problems, total }) => {
            assert!(
                !problems.is_empty() && problems.len() <= *total,
                "{} listed of {total}",
                problems.len()
            );
            let message = result.as_ref().err().map(ToString::to_string).unwrap_or_default();
            for p in problems {
                let at = names.iter().position(|n| *n == p.file);
                assert!(at.is_some(), "problem in an unknown file {:?}", p.file);
                if let (Some(counts), Some(at)) = (features, at) {
                    assert!(p.index < counts[at], "problem at feature {} of {}", p.index, counts[at]);
                }
                assert!(
                    !p.reason.trim().is_empty(),
                    "feature {} refused without a reason",
                    p.index
                );
                assert_short(&p.reason);
                assert!(message.contains(&format!("feature {}", p.index)), "{message}");
            }
        }
        Err(other) => panic!("parsing alone cannot fail with {other:?}"),
    }
}

/// Short, and numbers written as a person would: `f64`'s `Display` writes `5e-324` as 327
/// characters, which no generator here sends as digits.
pub fn assert_short(reason: &str) {
    let n = reason.chars().count();
    assert!(
        n <= MAX_REASON,
        "a {n}-character reason: {}…",
        reason.chars().take(200).collect::<String>()
    );
    let mut run = 0;
    for c in reason.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        assert!(run <= 30, "a number written with more than 30 digits: {reason}");
    }
}

fn check_parsed(layer: Layer, names: &[&str], parsed: &Parsed) {
    assert_eq!(parsed.batch.layer(), layer);
    assert_eq!(parsed.batch.len(), parsed.origins.len());
    let origins: HashSet<_> = parsed.origins.iter().collect();
    assert_eq!(origins.len(), parsed.origins.len(), "two records from one feature");
    assert!(parsed.origins.iter().all(|(f, _)| names.contains(&f.as_str())));
    let mut codes = HashSet::new();
    let mut code = |c: &gridmap::domain::Code| assert!(codes.insert(c.clone()), "code {c} twice in one batch");
    match &parsed.batch {
        Batch::Areas(v) => v.iter().for_each(|a| {
            code(&a.code);
            multipolygon(&a.geometry);
        }),
        Batch::Buildings(v) => v.iter().for_each(|b| {
            code(&b.code);
            match &b.geometry {
                geo::Geometry::Point(p) => point(p.x(), p.y()),
                geo::Geometry::Polygon(p) => polygon(p),
                geo::Geometry::MultiPolygon(mp) => multipolygon(mp),
                other => panic!("a building with geometry {other:?}"),
            }
        }),
        Batch::Households(v) => v.iter().for_each(|h| {
            code(&h.code);
            point(h.location.lon(), h.location.lat());
        }),
        Batch::Stations(v) => v.iter().for_each(|s| {
            code(&s.code);
            point(s.location.lon(), s.location.lat());
        }),
        Batch::Paths(v) => v.iter().for_each(|p| {
            code(&p.code);
            for line in &p.geometry {
                assert!(line.0.len() >= 2, "a stored line of fewer than two positions");
                line.0.iter().for_each(|c| point(c.x, c.y));
            }
        }),
    }
}

/// A stored position is finite, in range, and not a swapped pair.
pub fn point(lon: f64, lat: f64) {
    assert!(
        LonLat::new(lon, lat).is_ok(),
        "stored position {lon},{lat} is not a valid WGS 84 position"
    );
}

fn ring(ls: &LineString<f64>, exterior: bool) {
    assert!(ls.is_closed(), "an open ring: {ls:?}");
    assert!(ls.0.len() >= 4, "a ring of {} positions", ls.0.len());
    ls.0.iter().for_each(|c| point(c.x, c.y));
    // A ring must enclose something: a ring along one line has no inside, so locate could never
    // answer with it, and it has no winding to normalise.
    let area = Polygon::new(ls.clone(), vec![]).unsigned_area();
    assert!(area > 0.0, "a ring with no area: {ls:?}");
    if exterior {
        assert!(ls.is_ccw(), "an exterior ring not counter-clockwise: {ls:?}");
    } else {
        assert!(ls.is_cw(), "a hole not clockwise: {ls:?}");
    }
}

fn polygon(p: &Polygon<f64>) {
    ring(p.exterior(), true);
    p.interiors().iter().for_each(|h| ring(h, false));
    assert!(p.is_valid(), "an invalid polygon: {:?}", p.validation_errors());
}

fn multipolygon(mp: &MultiPolygon<f64>) {
    assert!(!mp.0.is_empty(), "an empty multipolygon");
    mp.0.iter().for_each(polygon);
    assert!(mp.is_valid(), "an invalid multipolygon: {:?}", mp.validation_errors());
}

/// Expects the import to be refused because of feature `index` alone (the only problem listed),
/// for a reason containing one of `needles`. Returns the problem's code, for callers that know it.
pub fn refused_at(result: &Result<Parsed, ImportError>, index: usize, needles: &[&str]) -> Option<String> {
    let Err(ImportError::Features { problems, total }) = result else {
        panic!(
            "expected feature {index} to be refused ({needles:?}), got {}",
            describe(result)
        );
    };
    assert_eq!((problems.len(), *total), (1, 1), "{problems:#?}");
    let p = &problems[0];
    assert_eq!(p.index, index, "{p:?}");
    assert!(
        needles.iter().any(|n| p.reason.contains(n)),
        "reason {:?} says none of {needles:?}",
        p.reason
    );
    p.code.clone()
}

pub fn describe(result: &Result<Parsed, ImportError>) -> String {
    match result {
        Ok(p) => format!("Ok({} records)", p.batch.len()),
        Err(e) => format!("Err({e})"),
    }
}
