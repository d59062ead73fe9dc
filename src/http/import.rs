//! `POST /api/v1/import/{layer}`: the command line's import over HTTP, for admins (any layer) and
//! planners (areas inside their scope). Same rules as `gridmap import`: the body is checked whole,
//! written in one transaction or not at all, and the error names the feature and the reason.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Auth;
use super::error::ApiError;
use super::extract::Query;
use super::params::{clip, crs};
use super::respond;
use crate::access::Action;
use crate::domain::Layer;
use crate::import::{InputFile, parse_files};
use crate::state::AppState;
use crate::store::Batch;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportParams {
    /// Datum of the body's coordinates: `wgs84` (default), `gcj02` or `bd09`; converted on the way in.
    pub crs: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportAnswer {
    pub layer: &'static str,
    pub features: usize,
    pub inserted: usize,
    pub updated: usize,
}

/// Imports a GeoJSON FeatureCollection (`Content-Type: application/geo+json` or `application/json`)
/// or, for households and stations, CSV with `lon,lat` columns (`text/csv`).
#[utoipa::path(post, path = "/api/v1/import/{layer}", tag = "import",
    params(("layer" = String, Path, description = "areas, buildings, households, stations or paths"), ImportParams),
    request_body(content = Object, description = "a GeoJSON FeatureCollection, or CSV for point layers"),
    responses((status = 200, body = ImportAnswer),
        (status = 400, description = "a bad feature: the error names it and the reason; nothing was stored"),
        (status = 403, description = "the account may not write this layer or these areas"),
        (status = 413), (status = 415), (status = 503, description = "the store is unreachable; nothing was stored")))]
pub async fn import(
    State(state): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
    Query(params): Query<ImportParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let layer = Layer::parse(&name).ok_or_else(|| {
        ApiError::NotFound(format!(
            "no layer {}: import into areas, buildings, households, stations or paths",
            clip(&name)
        ))
    })?;
    let crs = crs(params.crs.as_deref())?;
    let media = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let file = match media.as_str() {
        "application/geo+json" | "application/json" => "request body (GeoJSON)",
        "text/csv" if layer.is_point_layer() => "request body.csv",
        "text/csv" => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "{layer} come as GeoJSON only; CSV is for households and stations"
            )));
        }
        _ => {
            return Err(ApiError::UnsupportedMediaType(
                "send GeoJSON with 'Content-Type: application/geo+json' (or CSV as 'text/csv' for point layers)".into(),
            ));
        }
    };
    let input = InputFile {
        name: file.to_owned(),
        bytes: body.to_vec(),
    };
    let parsed = tokio::task::spawn_blocking(move || parse_files(layer, crs, &[input], &mut |_| {}))
        .await
        .map_err(|e| ApiError::Internal(format!("checking an import: {e}")))??;
    if !auth.caller.grant(&state.index()).may_write(&parsed.batch) {
        return Err(ApiError::Forbidden(match layer {
            Layer::Areas => "this account may import only areas inside its scope".into(),
            _ => format!("this account's role may not import {layer}"),
        }));
    }
    let codes = codes(&parsed.batch);
    let features = parsed.batch.len();
    let summary = state.import(parsed).await?;
    state.audit(
        auth.entry(Action::Import, layer.as_str())
            .codes(&codes)
            .detail(format!("{} new, {} updated", summary.inserted, summary.updated)),
    )?;
    respond::json(&ImportAnswer {
        layer: layer.as_str(),
        features,
        inserted: summary.inserted,
        updated: summary.updated,
    })
}

fn codes(batch: &Batch) -> Vec<String> {
    match batch {
        Batch::Areas(v) => v.iter().map(|f| f.code.to_string()).collect(),
        Batch::Buildings(v) => v.iter().map(|f| f.code.to_string()).collect(),
        Batch::Households(v) => v.iter().map(|f| f.code.to_string()).collect(),
        Batch::Stations(v) => v.iter().map(|f| f.code.to_string()).collect(),
        Batch::Paths(v) => v.iter().map(|f| f.code.to_string()).collect(),
    }
}
