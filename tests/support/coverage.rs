//! An independent check of `GET /api/v1/coverage` and `/coverage/uncovered`: PostGIS computes,
//! for every household, whether a station of the kind lies within the radius
//! (`ST_DWithin(geography, geography, radius, true)`, on the spheroid) and the distance to the
//! nearest one (`min(ST_Distance(geography, geography, true))`), and the API's answer is compared
//! with it household by household.
//!
//! How each side rounds, and why the comparison skips households within 1 mm of the radius:
//! gridmap measures with a closed form on the WGS 84 ellipsoid that stays within 0.02 mm of
//! Karney's geodesic below 50 km, and reports distances rounded to the centimetre; PostGIS
//! measures with GeographicLib (Karney) on the same ellipsoid in double precision. Two correct
//! answers may thus disagree by a fraction of a millimetre about a household that lies *at* the
//! radius, so whether such a household is covered is not a fair question to either side. Every
//! other household must agree exactly, and every distance to within the centimetre rounding plus
//! a millimetre.

use std::collections::HashMap;

use serde_json::Value;
use sqlx::Row;

/// Households within this many metres of the radius are not compared (see the module).
pub const EDGE_M: f64 = 0.001;
/// Most a reported distance may differ from PostGIS's: half a centimetre of rounding plus 1 mm.
pub const DISTANCE_TOLERANCE_M: f64 = 0.006;

/// What one comparison covered.
#[derive(Debug, Clone, Default)]
pub struct Agreement {
    /// Households compared (all of them).
    pub households: usize,
    /// Of which covered, by both sides.
    pub covered: usize,
    /// Skipped for the covered/uncovered comparison: within [`EDGE_M`] of the radius.
    pub at_the_edge: usize,
    /// Households whose nearest distance was compared.
    pub distances: usize,
    /// The largest difference between a reported distance and PostGIS's, metres.
    pub worst_distance_m: f64,
    /// The largest difference between the engine's unrounded distance and PostGIS's, metres
    /// (when the engine's snapshot was given).
    pub worst_unrounded_m: f64,
}

/// Most the engine's unrounded nearest distance may differ from PostGIS's (Karney), metres.
pub const UNROUNDED_TOLERANCE_M: f64 = 0.001;

/// PostGIS's answer for every household: (covered within `radius_m`, nearest distance in metres).
pub async fn postgis_answer(url: &str, kind: &str, radius_m: f64) -> HashMap<String, (bool, Option<f64>)> {
    let pool = sqlx::PgPool::connect(url)
        .await
        .expect("connecting to the test database");
    let rows = sqlx::query(
        "SELECT h.code,
                EXISTS (SELECT 1 FROM stations s WHERE s.kind = $1
                        AND ST_DWithin(h.geom::geography, s.geom::geography, $2, true)) AS covered,
                (SELECT min(ST_Distance(h.geom::geography, s.geom::geography, true))
                 FROM stations s WHERE s.kind = $1) AS nearest_m
         FROM households h ORDER BY h.code",
    )
    .bind(kind)
    .bind(radius_m)
    .fetch_all(&pool)
    .await
    .expect("asking PostGIS");
    pool.close().await;
    rows.iter()
        .map(|r| (r.get::<String, _>(0), (r.get::<bool, _>(1), r.get::<Option<f64>, _>(2))))
        .collect()
}

/// Every uncovered household the API lists for `kind` within `radius_m` (all pages), with the
/// distance it reports.
pub async fn api_uncovered(
    get: &impl AsyncFn(String) -> Value,
    kind: &str,
    radius_m: f64,
) -> HashMap<String, Option<f64>> {
    let mut out = HashMap::new();
    let mut offset = 0;
    loop {
        let page = get(format!(
            "/api/v1/coverage/uncovered?kind={kind}&radius_m={radius_m}&limit=10000&offset={offset}"
        ))
        .await;
        let features = page["features"].as_array().expect("features");
        for f in features {
            let code = f["id"].as_str().expect("an id").to_owned();
            out.insert(code, f["properties"]["distance_m"].as_f64());
        }
        offset += features.len();
        if features.is_empty() || offset >= page["numberMatched"].as_u64().expect("numberMatched") as usize {
            return out;
        }
    }
}

/// Compares the API's coverage of all households by `kind` within `radius_m` with PostGIS's,
/// household by household (see the module); panics on any disagreement, naming the household.
/// With the server's snapshot `index`, the engine's unrounded distances are compared too, to
/// [`UNROUNDED_TOLERANCE_M`].
pub async fn check_against_postgis(
    url: &str,
    get: &impl AsyncFn(String) -> Value,
    kind: &str,
    radius_m: f64,
    index: Option<&gridmap::index::Index>,
) -> Agreement {
    let pg = postgis_answer(url, kind, radius_m).await;
    let uncovered = api_uncovered(get, kind, radius_m).await;
    // At a radius of 1 m nearly every household is listed, with its nearest distance.
    let everyone = api_uncovered(get, kind, 1.0).await;
    let mut a = Agreement {
        households: pg.len(),
        ..Agreement::default()
    };
    let mut distances: Vec<f64> = Vec::new();
    for (code, &(pg_covered, pg_nearest)) in &pg {
        // PostGIS agrees with itself first: covered exactly when the nearest is within the radius.
        let near_edge = pg_nearest.is_some_and(|d| (d - radius_m).abs() < EDGE_M);
        if near_edge {
            a.at_the_edge += 1;
        } else {
            assert_eq!(
                pg_covered,
                pg_nearest.is_some_and(|d| d <= radius_m),
                "PostGIS on {code}"
            );
            let api_covered = !uncovered.contains_key(code);
            assert_eq!(
                api_covered, pg_covered,
                "{kind} within {radius_m} m: household {code} (PostGIS nearest {pg_nearest:?} m)"
            );
            a.covered += usize::from(pg_covered);
        }
        if let Some(d) = pg_nearest {
            distances.push(d);
        }
        // The distance the API reports, at the radius and at 1 m, is PostGIS's nearest.
        for listed in [uncovered.get(code), everyone.get(code)].into_iter().flatten() {
            match (listed, pg_nearest) {
                (Some(api), Some(pg)) => {
                    let diff = (api - pg).abs();
                    assert!(
                        diff <= DISTANCE_TOLERANCE_M,
                        "{kind}: household {code} at {api} m by the API, {pg} m by PostGIS"
                    );
                    a.worst_distance_m = a.worst_distance_m.max(diff);
                    a.distances += 1;
                }
                (None, None) => {}
                other => panic!("{kind}: household {code}: API and PostGIS disagree on a nearest station: {other:?}"),
            }
        }
        if !everyone.contains_key(code) {
            assert!(
                pg_nearest.is_some_and(|d| d <= 1.0 + EDGE_M),
                "{kind}: {code} missing at 1 m"
            );
        }
    }
    assert!(
        uncovered.keys().all(|c| pg.contains_key(c)),
        "the API listed a household PostGIS lacks"
    );
    if let Some(index) = index {
        let question = gridmap::coverage::Question::parse(index, kind, radius_m, None, None).expect("a question");
        let report = gridmap::coverage::report(index, question);
        for (j, &h) in report.households.iter().enumerate() {
            let code = index.households.get(h).code.as_str();
            let engine = report.nearest(j).map(|n| n.distance_m);
            match (engine, pg[code].1) {
                (Some(e), Some(p)) => {
                    let diff = (e - p).abs();
                    assert!(
                        diff <= UNROUNDED_TOLERANCE_M,
                        "{kind}: {code} at {e} m by the engine, {p} m by PostGIS"
                    );
                    a.worst_unrounded_m = a.worst_unrounded_m.max(diff);
                }
                (None, None) => {}
                other => panic!("{kind}: {code}: engine and PostGIS disagree on a nearest station: {other:?}"),
            }
        }
    }

    // The totals: count, share, mean and the 90th percentile by the nearest-rank rule.
    let total = get(format!("/api/v1/coverage?kind={kind}&radius_m={radius_m}")).await;
    assert_eq!(total["households"].as_u64(), Some(pg.len() as u64), "{total}");
    let api_covered = total["covered"].as_u64().expect("covered") as usize;
    assert!(
        api_covered >= a.covered && api_covered <= a.covered + a.at_the_edge,
        "{kind}: {api_covered} covered by the API, {} (+{} at the edge) by PostGIS",
        a.covered,
        a.at_the_edge
    );
    if distances.is_empty() {
        assert!(
            total["mean_distance_m"].is_null() && total["p90_distance_m"].is_null(),
            "{total}"
        );
    } else {
        let mean = distances.iter().sum::<f64>() / distances.len() as f64;
        distances.sort_by(f64::total_cmp);
        let p90 = distances[(distances.len() * 9).div_ceil(10) - 1];
        let api_mean = total["mean_distance_m"].as_f64().expect("a mean");
        let api_p90 = total["p90_distance_m"].as_f64().expect("a p90");
        assert!(
            (api_mean - mean).abs() <= DISTANCE_TOLERANCE_M,
            "{kind}: mean {api_mean} vs {mean}"
        );
        assert!(
            (api_p90 - p90).abs() <= DISTANCE_TOLERANCE_M,
            "{kind}: p90 {api_p90} vs {p90}"
        );
    }
    a
}
