//! `GET /api/v1/households` (search) and `/api/v1/households/{code}`.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;
use super::extract::Query;
use super::params::{boolean, code, crs, integer};
use super::respond;
use super::views::{AreaSummary, BuildingSummary, HouseholdDetail, HouseholdPage, HouseholdView};
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
pub async fn search(State(state): State<AppState>, Query(params): Query<SearchParams>) -> Result<Response, ApiError> {
    let index = state.index();
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
    let search = Search {
        q,
        within,
        party_member: boolean("party_member", params.party_member.as_deref())?,
        center_household: boolean("center_household", params.center_household.as_deref())?,
        offset,
        limit,
    };
    let crs = crs(params.crs.as_deref())?;
    let page = index.households.search(&search);
    let results = page
        .hits
        .iter()
        .map(|&i| HouseholdView::new(index.households.get(i), crs))
        .collect();
    respond::json(&HouseholdPage {
        total: page.total,
        limit,
        offset,
        results,
    })
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
    Path(raw): Path<String>,
    Query(params): Query<DetailParams>,
) -> Result<Response, ApiError> {
    let crs = crs(params.crs.as_deref())?;
    let c = code("household code", &raw)?;
    let index = state.index();
    let hh = &index.households;
    let i = hh
        .find(&c)
        .ok_or_else(|| ApiError::NotFound(format!("no household with code {c}")))?;
    let h = hh.get(i);
    let detail = HouseholdDetail {
        household: HouseholdView::new(h, crs),
        building: h
            .building_code
            .as_ref()
            .and_then(|b| index.buildings.find(b))
            .map(|b| BuildingSummary::new(index.buildings.get(b))),
        areas: AreaSummary::chain(&index, hh.chain(i).iter()),
        center: h
            .center_code
            .as_ref()
            .and_then(|c| hh.find(c))
            .map(|c| HouseholdView::new(hh.get(c), crs)),
        looks_after: hh
            .looked_after(i)
            .iter()
            .map(|&j| HouseholdView::new(hh.get(j), crs))
            .collect(),
    };
    respond::json(&detail)
}
