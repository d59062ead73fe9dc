//! `GET /api/v1/households` (search) and `/api/v1/households/{code}`.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Auth;
use super::error::ApiError;
use super::extract::Query;
use super::params::{boolean, code, crs, integer};
use super::respond;
use super::views::{AreaSummary, BuildingSummary, HouseholdDetail, HouseholdPage, HouseholdView};
use crate::access::Action;
use crate::index::Search;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Text found in the head's name, the address, the phone or the code.
    pub q: Option<String>,
    /// Only households inside this area (any level).
    pub area_code: Option<String>,
    #[param(value_type = Option<bool>)]
    pub party_member: Option<String>,
    #[param(value_type = Option<bool>)]
    pub center_household: Option<String>,
    /// 1 to 1000, default 50.
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    #[param(value_type = Option<u32>)]
    pub offset: Option<String>,
    /// CRS of points in the answer (default `wgs84`).
    pub crs: Option<String>,
}

/// Households matching a text, within an area.
#[utoipa::path(get, path = "/api/v1/households", tag = "households", params(SearchParams),
    responses((status = 200, body = HouseholdPage), (status = 400), (status = 404, description = "unknown area_code")))]
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<SearchParams>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let grant = auth.caller.grant(&index);
    if !grant.sees_households() {
        return Err(no_households());
    }
    let within = match params.area_code.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(c) => {
            let c = code("area_code", c)?;
            let i = index
                .areas
                .find(&c)
                .ok_or_else(|| ApiError::NotFound(format!("no area with code {c}")))?;
            Some((index.areas.get(i).level, i))
        }
    };
    let q = params.q.as_deref();
    if q.is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::invalid_parameter(
            "query parameter 'q' must be at most 100 characters",
        ));
    }
    let limit = integer("limit", params.limit.as_deref(), 1, 1000)?.unwrap_or(50) as usize;
    let offset = integer("offset", params.offset.as_deref(), 0, u32::MAX as u64)?.unwrap_or(0) as usize;
    // A scoped caller searches inside the scope: the deeper of the two areas when one holds the
    // other, nothing when they are apart.
    let Ok(scope) = grant.household_scope() else {
        return page(&state, &auth, &[], 0, limit, offset, q);
    };
    let within = match (within, scope) {
        (w, None) => w,
        (None, s) => s,
        (Some(w), Some(s)) if index.areas.holds(s.1, w.1) => Some(w),
        (Some(w), Some(s)) if index.areas.holds(w.1, s.1) => Some(s),
        (Some(_), Some(_)) => return page(&state, &auth, &[], 0, limit, offset, q),
    };
    let search = Search {
        q,
        private_fields: grant.searches_private_fields(),
        within,
        party_member: boolean("party_member", params.party_member.as_deref())?,
        center_household: boolean("center_household", params.center_household.as_deref())?,
        offset,
        limit,
    };
    let crs = crs(params.crs.as_deref())?;
    let found = index.households.search(&search);
    let results: Vec<HouseholdView> = found
        .hits
        .iter()
        .filter_map(|&i| HouseholdView::new(index.households.get(i), crs, grant.household(i)))
        .collect();
    record(&state, &auth, results.iter().map(|h| h.code), q)?;
    respond::json(&HouseholdPage {
        total: found.total,
        limit,
        offset,
        results,
    })
}

/// An empty page (a search outside the caller's scope), recorded like any other.
fn page(
    state: &AppState,
    auth: &Auth,
    results: &[HouseholdView],
    total: usize,
    limit: usize,
    offset: usize,
    q: Option<&str>,
) -> Result<Response, ApiError> {
    record(state, auth, results.iter().map(|h| h.code), q)?;
    respond::json(&HouseholdPage {
        total,
        limit,
        offset,
        results: Vec::new(),
    })
}

/// Records a read of households in the audit log before anything is sent.
fn record<'a>(
    state: &AppState,
    auth: &Auth,
    codes: impl Iterator<Item = &'a str>,
    q: Option<&str>,
) -> Result<(), ApiError> {
    let mut entry = auth.entry(Action::ReadHouseholds, "households").codes(codes);
    if let Some(q) = q {
        entry = entry.detail(format!("search {q:?}"));
    }
    Ok(state.audit(entry)?)
}

fn no_households() -> ApiError {
    ApiError::Forbidden("this account's role does not include residents' data".into())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DetailParams {
    /// CRS of points in the answer (default `wgs84`).
    pub crs: Option<String>,
}

/// One household with its building, area chain and center household.
#[utoipa::path(get, path = "/api/v1/households/{code}", tag = "households",
    params(("code" = String, Path, description = "household code"), DetailParams),
    responses((status = 200, body = HouseholdDetail), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    Query(params): Query<DetailParams>,
) -> Result<Response, ApiError> {
    let crs = crs(params.crs.as_deref())?;
    let c = code("household code", &raw)?;
    let index = state.index();
    let grant = auth.caller.grant(&index);
    if !grant.sees_households() {
        return Err(no_households());
    }
    let hh = &index.households;
    // A household the caller may not see gets the same answer as one that does not exist.
    let not_found = || ApiError::NotFound(format!("no household with code {c}"));
    let i = hh.find(&c).ok_or_else(not_found)?;
    let h = hh.get(i);
    let household = HouseholdView::new(h, crs, grant.household(i)).ok_or_else(not_found)?;
    let view = |j: u32| HouseholdView::new(hh.get(j), crs, grant.household(j));
    let detail = HouseholdDetail {
        household,
        building: h
            .building_code
            .as_ref()
            .and_then(|b| index.buildings.find(b))
            .map(|b| BuildingSummary::new(index.buildings.get(b))),
        areas: AreaSummary::chain(&index, hh.chain(i).iter(), grant.leaders()),
        center: h.center_code.as_ref().and_then(|c| hh.find(c)).and_then(view),
        looks_after: hh.looked_after(i).iter().filter_map(|&j| view(j)).collect(),
    };
    let shown = std::iter::once(detail.household.code)
        .chain(detail.center.iter().map(|v| v.code))
        .chain(detail.looks_after.iter().map(|v| v.code));
    record(&state, &auth, shown, None)?;
    respond::json(&detail)
}
