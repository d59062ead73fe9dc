//! `GET /api/v1/areas/{code}`, `/children`, `/stats`.

use axum::extract::{Path, State};
use axum::http::header::ETAG;
use axum::response::{IntoResponse, Response};
use geo::BoundingRect;

use super::auth::Auth;
use super::error::ApiError;
use super::params::area;
use super::respond;
use super::views::{AreaChildren, AreaDetail, AreaStatsAnswer, AreaSummary};
use crate::access::Action;
use crate::state::AppState;

/// One area with its geometry, ancestors and version (also sent as `ETag`).
#[utoipa::path(get, path = "/api/v1/areas/{code}", tag = "areas",
    params(("code" = String, Path, description = "area code")),
    responses((status = 200, body = AreaDetail), (status = 404)))]
pub async fn detail(State(state): State<AppState>, auth: Auth, Path(raw): Path<String>) -> Result<Response, ApiError> {
    let index = state.index();
    let i = area(&index, &raw)?;
    let leaders = auth.caller.grant(&index).leaders();
    let a = index.areas.get(i);
    let ancestry = index.areas.ancestry(i);
    let bbox = a
        .geometry
        .bounding_rect()
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        .unwrap_or_default();
    let detail = AreaDetail {
        area: AreaSummary::new(a, leaders),
        parent_code: a.parent_code.as_ref().map(|c| c.as_str()),
        version: a.version,
        ancestors: AreaSummary::chain(&index, ancestry[..ancestry.len() - 1].iter().copied(), leaders),
        children_count: index.areas.children(i).len(),
        bbox,
        properties: &a.properties,
        geometry: geojson::Geometry::new((&a.geometry).into()),
    };
    record(&state, &auth, a.code.as_str(), "record")?;
    let mut response = respond::json(&detail)?;
    if let Ok(etag) = format!("\"{}\"", a.version).parse() {
        response.headers_mut().insert(ETAG, etag);
    }
    Ok(response.into_response())
}

/// The areas one level down.
#[utoipa::path(get, path = "/api/v1/areas/{code}/children", tag = "areas",
    params(("code" = String, Path, description = "area code")),
    responses((status = 200, body = AreaChildren), (status = 404)))]
pub async fn children(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let i = area(&index, &raw)?;
    let leaders = auth.caller.grant(&index).leaders();
    let children = index
        .areas
        .children(i)
        .iter()
        .map(|&c| AreaSummary::new(index.areas.get(c), leaders))
        .collect();
    record(&state, &auth, index.areas.get(i).code.as_str(), "children")?;
    respond::json(&AreaChildren {
        code: index.areas.get(i).code.as_str(),
        children,
    })
}

/// Counts of what lies inside the area.
#[utoipa::path(get, path = "/api/v1/areas/{code}/stats", tag = "areas",
    params(("code" = String, Path, description = "area code")),
    responses((status = 200, body = AreaStatsAnswer), (status = 404)))]
pub async fn stats(State(state): State<AppState>, auth: Auth, Path(raw): Path<String>) -> Result<Response, ApiError> {
    let index = state.index();
    let i = area(&index, &raw)?;
    let a = index.areas.get(i);
    let s = index.stats(i);
    let counts = auth.caller.grant(&index).sees_household_counts();
    let count = |n: u64| counts.then_some(n);
    record(&state, &auth, a.code.as_str(), "statistics")?;
    respond::json(&AreaStatsAnswer {
        code: a.code.as_str(),
        name: &a.name,
        level: a.level.as_str(),
        households: count(s.households),
        people: count(s.people),
        party_members: count(s.party_members),
        center_households: count(s.center_households),
        buildings: s.buildings,
        stations: s.stations.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
    })
}

/// Records a read of an area (its leader's name and phone are personal data too).
fn record(state: &AppState, auth: &Auth, code: &str, what: &str) -> Result<(), ApiError> {
    Ok(state.audit(auth.entry(Action::ReadArea, "areas").codes([code]).detail(what))?)
}
