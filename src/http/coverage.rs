//! `GET /api/v1/coverage` (households within reach of a station of a kind, in all and by area),
//! `/coverage/uncovered` (the households left out, as GeoJSON) and `/coverage/suggestions` (where
//! the next stations would reach the most of them). The analysis is [`crate::coverage`]'s; this
//! file parses the question, asks [`crate::access::Grant`] what the caller may see, and answers.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use super::auth::Auth;
use super::error::ApiError;
use super::extract::Query;
use super::params::{crs, integer, number};
use super::respond;
use crate::access::{Action, Sight};
use crate::coverage::json::{self, CoverageAnswer, SuggestionsAnswer};
use crate::coverage::{self as analysis, CoverageError, Distance, Question, Source};
use crate::index::Index;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct CoverageParams {
    /// Station kind, e.g. `red_station`, `governance_center`, `police_room`.
    pub kind: Option<String>,
    /// The reach of a station, geodesic metres (1 to 50,000).
    #[param(value_type = f64)]
    pub radius_m: Option<String>,
    /// Only households inside this area (any level); default everything.
    pub area_code: Option<String>,
    /// Level of the breakdown (`county` … `red_yard`, not above the area's): default the level of
    /// the area's children (the area's own for a red house-yard), townships without an area.
    pub level: Option<String>,
    /// `straight` (default) or `walking`: with `walking`, a `walking` object (`covered`, `share`:
    /// households whose walk along the path network to a station is at most `radius_m`) is given
    /// beside the straight-line figures, in all and for each area. 409 `no_paths` without a network.
    pub distance: Option<String>,
}

/// Households within `radius_m` of a station of `kind`: how many, the share, the mean and 90th
/// percentile distance to the nearest such station, in all and for each area of `level`; with
/// `distance=walking`, the households within that walk along the path network beside them.
/// Household figures are `null` for viewers.
#[utoipa::path(get, path = "/api/v1/coverage", tag = "coverage", params(CoverageParams),
    responses((status = 200, body = CoverageAnswer),
        (status = 400, description = "bad kind, radius, area code or level"),
        (status = 404, description = "unknown area_code"),
        (status = 409, description = "distance=walking without a path network")))]
pub async fn coverage(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<CoverageParams>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let question = question(&index, &params.kind, &params.radius_m, &params.area_code, &params.level)?;
    let distance = distance(&index, params.distance.as_deref())?;
    let counts = auth.caller.grant(&index).sees_household_counts();
    let answer = blocking(move || {
        let report = analysis::measure(&index, question, distance)?;
        Ok::<_, CoverageError>(json::coverage(&index, &report, counts))
    })
    .await??;
    record_area(
        &state,
        &auth,
        answer.area_code.as_deref(),
        "coverage",
        &answer.kind,
        answer.radius_m,
    )?;
    respond::json(&answer)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UncoveredParams {
    /// Station kind.
    pub kind: Option<String>,
    /// The reach of a station, geodesic metres (1 to 50,000).
    #[param(value_type = f64)]
    pub radius_m: Option<String>,
    /// Only households inside this area (any level).
    pub area_code: Option<String>,
    /// 1 to 10,000, default 1,000.
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    #[param(value_type = Option<u32>)]
    pub offset: Option<String>,
    /// CRS of the points in the answer (default `wgs84`).
    pub crs: Option<String>,
    /// `straight` (default) or `walking`: with `walking`, the households whose walk along the path
    /// network to a station is longer than `radius_m` (or who cannot reach one). 409 `no_paths`
    /// without a network.
    pub distance: Option<String>,
}

/// The households with no station of `kind` within `radius_m`, farthest from one first (then by
/// code), as a GeoJSON FeatureCollection (`application/geo+json`) with `numberMatched` and
/// `numberReturned`. Each feature carries the household as the caller may see it (masked for
/// planners and dispatchers; only those in a scoped caller's scope), `area_code`, and
/// `nearest_station`, `distance_m`; with `distance=walking` also `walking_distance_m`, by which
/// they are then ordered. Viewers are refused (403).
#[utoipa::path(get, path = "/api/v1/coverage/uncovered", tag = "coverage", params(UncoveredParams),
    responses((status = 200, description = "a GeoJSON FeatureCollection of households",
            content_type = "application/geo+json", body = Object),
        (status = 400), (status = 403, description = "the role does not include residents' data"),
        (status = 404, description = "unknown area_code")))]
pub async fn uncovered(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<UncoveredParams>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let question = question(&index, &params.kind, &params.radius_m, &params.area_code, &None)?;
    let crs = crs(params.crs.as_deref())?;
    let limit = integer("limit", params.limit.as_deref(), 1, 10_000)?.unwrap_or(1_000) as usize;
    let offset = integer("offset", params.offset.as_deref(), 0, u32::MAX as u64)?.unwrap_or(0) as usize;
    let distance = distance(&index, params.distance.as_deref())?;
    if !auth.caller.grant(&index).sees_households() {
        return Err(no_households());
    }
    let caller = auth.caller.clone();
    let (doc, shown) = blocking(move || {
        let grant = caller.grant(&index);
        let report = analysis::measure(&index, question, distance)?;
        // Hidden households are not in the list for this caller, nor in numberMatched.
        let mut left: Vec<usize> = report
            .uncovered()
            .filter(|&j| grant.household(report.households[j]) != Sight::Hidden)
            .collect();
        // Farthest first (on foot by the walk, those no path leads from first); the sort is
        // stable, so ties stay in code order.
        left.sort_by(|&a, &b| {
            let d = |j: usize| match &report.walking {
                Some(w) => w.metres[j].unwrap_or(f64::INFINITY),
                None => report.nearest(j).map_or(f64::INFINITY, |n| n.distance_m),
            };
            d(b).total_cmp(&d(a))
        });
        let features: Vec<Value> = left
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|&j| json::uncovered_feature(&index, &report, j, grant.household(report.households[j]), crs))
            .collect();
        let shown: Vec<String> = features
            .iter()
            .filter_map(|f| f["id"].as_str().map(str::to_owned))
            .collect();
        let q = &report.question;
        let doc = json!({
            "type": "FeatureCollection",
            "kind": q.kind.as_str(),
            "radius_m": q.radius.metres(),
            "distance": report.distance().as_str(),
            "area_code": q.area.map(|a| index.areas.get(a).code.as_str()),
            "crs": crs,
            "numberMatched": left.len(),
            "numberReturned": features.len(),
            "features": features,
        });
        Ok::<_, CoverageError>((doc, shown))
    })
    .await??;
    state.audit(
        auth.entry(Action::ReadHouseholds, "households")
            .codes(&shown)
            .detail(format!(
                "coverage uncovered {} {} m",
                doc["kind"].as_str().unwrap_or_default(),
                doc["radius_m"]
            )),
    )?;
    respond::typed(&doc, super::ogc::GEOJSON)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SuggestParams {
    /// Station kind.
    pub kind: Option<String>,
    /// The reach of a station, geodesic metres (1 to 5,000).
    #[param(value_type = f64)]
    pub radius_m: Option<String>,
    /// Only households of this area count, and only sites inside it are weighed.
    pub area_code: Option<String>,
    /// How many new sites, 1 to 100 (default 5).
    #[param(value_type = Option<u32>)]
    pub k: Option<String>,
    /// `buildings` (default: every building's anchor point) or `grid` (a regular grid of points).
    pub candidates: Option<String>,
    /// The grid's spacing, metres (10 to 10,000, default 50); only with `candidates=grid`.
    #[param(value_type = Option<f64>)]
    pub spacing_m: Option<String>,
    /// CRS of the sites' positions in the answer (default `wgs84`).
    pub crs: Option<String>,
    /// `straight` (default) or `walking`: a site covers the households within `radius_m` on foot
    /// along the path network. 409 `no_paths` without a network.
    pub distance: Option<String>,
}

/// The `k` sites for new stations of `kind` that cover the most households still uncovered within
/// `radius_m`, the existing stations staying (the maximal covering location problem, solved
/// greedily with lazy evaluation), each with how many households it newly covers, their codes (as
/// far as the caller may see them) and the cumulative share. Viewers are refused (403): the sites
/// are ranked by households.
#[utoipa::path(get, path = "/api/v1/coverage/suggestions", tag = "coverage", params(SuggestParams),
    responses((status = 200, body = SuggestionsAnswer),
        (status = 400, description = "bad kind, radius, area code, k, candidates or spacing, or too many candidates"),
        (status = 403, description = "the role does not include household counts"),
        (status = 404, description = "unknown area_code")))]
pub async fn suggestions(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<SuggestParams>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let question = question(&index, &params.kind, &params.radius_m, &params.area_code, &None)?;
    let k = integer("k", params.k.as_deref(), 1, analysis::sites::MAX_K as u64)?.unwrap_or(5) as usize;
    let spacing = match params.spacing_m.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => Some(number("spacing_m", Some(s))?),
    };
    let source = Source::parse(params.candidates.as_deref(), spacing)?;
    let crs = crs(params.crs.as_deref())?;
    let distance = distance(&index, params.distance.as_deref())?;
    if !auth.caller.grant(&index).sees_household_counts() {
        return Err(ApiError::Forbidden(
            "this account's role does not include household counts, by which sites are ranked".into(),
        ));
    }
    let caller = auth.caller.clone();
    let answer: SuggestionsAnswer = blocking(move || {
        let grant = caller.grant(&index);
        let report = analysis::measure(&index, question, distance)?;
        let found = analysis::suggest(&index, &report, source, k)?;
        let sight = |h| grant.household(h);
        Ok::<_, CoverageError>(json::suggestions(&index, &report, &found, k, crs, &sight))
    })
    .await??;
    record_area(
        &state,
        &auth,
        answer.area_code.as_deref(),
        "coverage suggestions",
        &answer.kind,
        answer.radius_m,
    )?;
    // The sites name the households they would cover: a read of those households.
    let named: Vec<&str> = answer
        .sites
        .iter()
        .flat_map(|s| s.households.iter().map(String::as_str))
        .collect();
    if !named.is_empty() {
        state.audit(
            auth.entry(Action::ReadHouseholds, "households")
                .codes(&named)
                .detail(format!("coverage suggestions {} {} m", answer.kind, answer.radius_m)),
        )?;
    }
    respond::json(&answer)
}

/// The question from the query's texts; `kind` and `radius_m` are required.
pub(super) fn question(
    index: &Index,
    kind: &Option<String>,
    radius_m: &Option<String>,
    area_code: &Option<String>,
    level: &Option<String>,
) -> Result<Question, ApiError> {
    let kind = kind
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::invalid_parameter("query parameter 'kind' is required"))?;
    let radius_m = number("radius_m", radius_m.as_deref())?;
    Ok(Question::parse(
        index,
        kind,
        radius_m,
        area_code.as_deref(),
        level.as_deref(),
    )?)
}

/// How to measure, from the query's `distance`; walking needs the snapshot to have paths (409
/// `no_paths` before any work otherwise).
pub(super) fn distance(index: &Index, raw: Option<&str>) -> Result<Distance, ApiError> {
    let distance = Distance::parse(raw)?;
    if distance == Distance::Walking {
        analysis::walking::network(index)?;
    }
    Ok(distance)
}

/// Runs the analysis off the async workers: a city's households take a second or more.
pub(super) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("coverage task failed: {e}")))
}

/// Records a coverage read of an area (or of everything) in the audit log.
pub(super) fn record_area(
    state: &AppState,
    auth: &Auth,
    area: Option<&str>,
    what: &str,
    kind: &str,
    radius_m: f64,
) -> Result<(), ApiError> {
    Ok(state.audit(
        auth.entry(Action::ReadArea, "areas")
            .codes(area)
            .detail(format!("{what} {kind} {radius_m} m")),
    )?)
}

fn no_households() -> ApiError {
    ApiError::Forbidden("this account's role does not include residents' data".into())
}
