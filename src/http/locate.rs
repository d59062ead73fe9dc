//! `GET/POST /api/v1/locate`: which areas contain a point.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use super::auth::Auth;
use super::error::ApiError;
use super::extract::{Json, Query};
use super::params::{PointParams, crs};
use super::respond;
use super::views::{
    AreaSummary, BatchLocateAnswer, BatchLocateItem, BatchLocateRequest, BuildingSummary, LocateAnswer,
};
use crate::state::AppState;

/// Which areas contain the point, one per level, top to bottom, and the building footprint it is in.
#[utoipa::path(get, path = "/api/v1/locate", tag = "locate", params(PointParams),
    responses((status = 200, body = LocateAnswer), (status = 400, description = "bad or swapped coordinates")))]
pub async fn locate_one(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<PointParams>,
) -> Result<Response, ApiError> {
    let p = params.parse()?;
    let index = state.index();
    let found = index.locate(p.wgs84);
    let answer = LocateAnswer {
        lon: p.given.0,
        lat: p.given.1,
        crs: p.crs,
        areas: AreaSummary::chain(&index, found.chain.iter(), auth.caller.grant(&index).leaders()),
        building: found.building.map(|b| BuildingSummary::new(index.buildings.get(b))),
    };
    respond::json(&answer)
}

/// Batch form: many points in one request, answers in input order.
#[utoipa::path(post, path = "/api/v1/locate", tag = "locate", request_body = BatchLocateRequest,
    responses((status = 200, body = BatchLocateAnswer), (status = 400), (status = 413, description = "too many points")))]
pub async fn locate_batch(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<BatchLocateRequest>,
) -> Result<Response, ApiError> {
    let limit = state.limits().max_batch_points;
    if body.points.len() > limit {
        return Err(ApiError::PayloadTooLarge(format!(
            "the batch has {} points; the limit is {limit} points per request",
            body.points.len()
        )));
    }
    let crs = crs(body.crs.as_deref())?;
    let mut points = Vec::with_capacity(body.points.len());
    for (i, pair) in body.points.iter().enumerate() {
        if pair.len() < 2 {
            return Err(ApiError::bad(
                "invalid_coordinate",
                format!("points[{i}] must be [lon, lat]"),
            ));
        }
        let p = crs
            .to_wgs84(pair[0], pair[1])
            .map_err(|e| ApiError::bad("invalid_coordinate", format!("points[{i}]: {e}")))?;
        points.push(p);
    }
    let index = state.index();
    let leaders = auth.caller.grant(&index).leaders();
    // Large batches are CPU work: keep it off the async workers.
    let body = tokio::task::spawn_blocking(move || {
        let results = points
            .iter()
            .map(|&p| BatchLocateItem {
                areas: AreaSummary::chain(&index, index.areas.locate(p).iter(), leaders),
            })
            .collect();
        serde_json::to_vec(&BatchLocateAnswer { results })
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}
