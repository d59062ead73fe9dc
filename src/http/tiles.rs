//! `GET /tiles/{layer}/{z}/{x}/{y}.mvt`, `GET /tiles/{layer}.json` (TileJSON 3.0.0) and
//! `GET /style.json` (the MapLibre style). All carry an `ETag` of the index snapshot and
//! `Cache-Control: no-cache`: after an import the next request gets the new data, and an unchanged
//! tile costs a 304.

use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Auth;
use super::caching::{etag, etag_for, fresh, not_modified, with_validators};
use super::error::ApiError;
use super::extract::Query;
use super::origin::public_base;
use super::params::clip;
use super::respond;
use crate::access::{Action, Sight};
use crate::state::AppState;
use crate::tiles::{self, TileCoord, TileError, TileLayer};

pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// The routes under `/tiles`; anything else there is a 404 in the API's error shape.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{file}", get(tilejson))
        .route("/{layer}/{z}/{x}/{file}", get(tile))
        .route("/coverage/{kind}/{radius_m}/{z}/{x}/{file}", get(coverage_tile))
        .fallback(|OriginalUri(uri): OriginalUri| async move {
            ApiError::NotFound(format!(
                "no tile resource at {}: tiles are /tiles/{{layer}}/{{z}}/{{x}}/{{y}}.mvt, TileJSON /tiles/{{layer}}.json",
                clip(uri.path())
            ))
        })
}

fn layer(name: &str) -> Result<TileLayer, TileError> {
    TileLayer::parse(name).ok_or_else(|| TileError::UnknownLayer(clip(name)))
}

/// One vector tile of one layer.
#[utoipa::path(get, path = "/tiles/{layer}/{z}/{x}/{y}.mvt", tag = "maps",
    params(
        ("layer" = String, Path, description = "areas, buildings, households, stations or paths"),
        ("z" = u8, Path, description = "zoom, 0 to 22"),
        ("x" = u32, Path, description = "column, 0 to 2^z - 1, west to east"),
        ("y" = u32, Path, description = "row, 0 to 2^z - 1, north to south"),
        ("If-None-Match" = Option<String>, Header, description = "an ETag from an earlier answer"),
    ),
    responses(
        (status = 200, description = "a Mapbox Vector Tile (extent 4096, Web Mercator); empty when nothing is there",
            content_type = "application/vnd.mapbox-vector-tile", body = Vec<u8>),
        (status = 304, description = "unchanged since the ETag given"),
        (status = 400, description = "z, x or y not a tile"),
        (status = 404, description = "no such layer, or the path does not end in .mvt"),
    ))]
pub async fn tile(
    State(state): State<AppState>,
    auth: Auth,
    Path((name, z, x, file)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let layer = layer(&name)?;
    let coord = tile_coord(&z, &x, &file)?;
    let index = state.index();
    let households = layer == TileLayer::Households;
    let tag = if households {
        let grant = auth.caller.grant(&index);
        if !grant.sees_households() {
            return Err(no_households());
        }
        // Callers who see households differently get different bytes, so different validators.
        etag_for(index.generation(), &grant.view_key())
    } else {
        etag(index.generation())
    };
    if fresh(&headers, &tag) {
        return Ok(private(not_modified(&tag), households));
    }
    let source = state.tiles().source(&index).await?;
    let caller = auth.caller.clone();
    let (bytes, shown) = state
        .tiles()
        .cut(move || {
            let grant = caller.grant(&index);
            let shown = std::cell::RefCell::new(Vec::new());
            let sight = |i: u32| {
                let s = grant.household(i);
                if s != Sight::Hidden {
                    shown.borrow_mut().push(i);
                }
                s
            };
            let bytes = tiles::render(&index, &source, layer, coord, &sight);
            let codes: Vec<String> = shown
                .borrow()
                .iter()
                .map(|&i| index.households.get(i).code.to_string())
                .collect();
            bytes.map(|b| (b, codes))
        })
        .await??;
    let read: &[String] = if households { &shown } else { &[] };
    answer(&state, &auth, bytes, read, &tag, format!("tile {coord}"), households)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CoverageTileParams {
    /// `straight` (default: reach circles, households covered by geodesic distance) or `walking`
    /// (reach as the stretches of path within the walk, households and shares covered on foot along
    /// the path network). 409 `no_paths` without a network.
    pub distance: Option<String>,
}

/// One coverage tile: the reach of the stations of `kind` at `radius_m` (geodesic circles, or with
/// `distance=walking` the stretches of path within the walk), areas with their covered share,
/// households covered or not (see [`crate::tiles::coverage`]).
#[utoipa::path(get, path = "/tiles/coverage/{kind}/{radius_m}/{z}/{x}/{y}.mvt", tag = "maps",
    params(
        ("kind" = String, Path, description = "station kind, e.g. red_station"),
        ("radius_m" = u32, Path, description = "a station's reach, whole metres, 1 to 5000"),
        ("z" = u8, Path, description = "zoom, 0 to 22"),
        ("x" = u32, Path, description = "column, 0 to 2^z - 1, west to east"),
        ("y" = u32, Path, description = "row, 0 to 2^z - 1, north to south"),
        CoverageTileParams,
        ("If-None-Match" = Option<String>, Header, description = "an ETag from an earlier answer"),
    ),
    responses(
        (status = 200, description = "a Mapbox Vector Tile with layers coverage_areas (share per area), \
            coverage_reach (geodesic circles as polygons; with distance=walking, the stretches of path within \
            the walk as lines with kind, radius_m and distance) and coverage_households (covered true/false; \
            none for viewers), covered measured as distance says",
            content_type = "application/vnd.mapbox-vector-tile", body = Vec<u8>),
        (status = 304, description = "unchanged since the ETag given"),
        (status = 400, description = "bad kind, radius, distance, z, x or y"),
        (status = 409, description = "distance=walking without a path network"),
    ))]
pub async fn coverage_tile(
    State(state): State<AppState>,
    auth: Auth,
    Path((kind, radius, z, x, file)): Path<(String, String, String, String, String)>,
    Query(params): Query<CoverageTileParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let index = state.index();
    let kind = crate::coverage::station_kind(&index, &kind)?;
    let radius_m = tiles::coverage::parse_radius(&radius)?;
    let distance = super::coverage::distance(&index, params.distance.as_deref())?;
    let coord = tile_coord(&z, &x, &file)?;
    let grant = auth.caller.grant(&index);
    // The URL names kind, radius and distance; the view key tells callers who see households
    // differently apart.
    let tag = etag_for(index.generation(), &grant.view_key());
    if fresh(&headers, &tag) {
        return Ok(private(not_modified(&tag), true));
    }
    let source = state.tiles().source(&index).await?;
    let coverage = state.tiles().coverage(&index, &kind, radius_m, distance).await?;
    let caller = auth.caller.clone();
    let (bytes, shown) = state
        .tiles()
        .cut(move || {
            let grant = caller.grant(&index);
            let counts = grant.sees_household_counts();
            let sight = |i: u32| grant.household(i);
            coverage
                .render(&index, &source, coord, &sight, counts)
                .map(|(b, shown)| {
                    let codes: Vec<String> = shown
                        .iter()
                        .map(|&i| index.households.get(i).code.to_string())
                        .collect();
                    (b, codes)
                })
        })
        .await??;
    answer(
        &state,
        &auth,
        bytes,
        &shown,
        &tag,
        format!("coverage tile {coord}"),
        true,
    )
}

/// The tile's answer with its validators, kept private when it may hold households; the
/// households it shows (`shown`, codes) are a read in the audit log.
fn answer(
    state: &AppState,
    auth: &Auth,
    bytes: Vec<u8>,
    shown: &[String],
    tag: &str,
    detail: String,
    households: bool,
) -> Result<Response, ApiError> {
    if !shown.is_empty() {
        state.audit(
            auth.entry(Action::ReadHouseholds, "households")
                .codes(shown)
                .detail(detail),
        )?;
    }
    Ok(private(
        with_validators(([(CONTENT_TYPE, MVT)], bytes).into_response(), tag),
        households,
    ))
}

/// The tile named by the path's `z`, `x` and `y.mvt`.
fn tile_coord(z: &str, x: &str, file: &str) -> Result<TileCoord, ApiError> {
    let y = file.strip_suffix(".mvt").ok_or_else(|| TileError::NotMvt(clip(file)))?;
    Ok(TileCoord::parse(z, x, y)?)
}

/// Household tiles are for the caller alone: no shared cache may keep them, and a cache that
/// keeps them privately must tell callers apart.
fn private(mut response: Response, households: bool) -> Response {
    if households {
        let headers = response.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
        headers.insert(VARY, HeaderValue::from_static("Authorization"));
    }
    response
}

fn no_households() -> ApiError {
    ApiError::Forbidden("this account's role does not include residents' data".into())
}

/// The TileJSON 3.0.0 document of a layer, with absolute tile URLs at the host the request used.
#[utoipa::path(get, path = "/tiles/{layer}.json", tag = "maps",
    params(("layer" = String, Path, description = "areas, buildings, households, stations or paths")),
    responses(
        (status = 200, description = "TileJSON 3.0.0: tiles, minzoom, maxzoom, bounds, vector_layers", body = Object),
        (status = 304, description = "unchanged since the ETag given"),
        (status = 404, description = "no such layer"),
    ))]
pub async fn tilejson(
    State(state): State<AppState>,
    Path(file): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(name) = file.strip_suffix(".json") else {
        return Err(ApiError::NotFound(format!(
            "no tile resource /tiles/{}: TileJSON is at /tiles/{{layer}}.json",
            clip(&file)
        )));
    };
    let layer = layer(name)?;
    let base = public_base(&headers, &uri)?;
    let index = state.index();
    let tag = etag(index.generation());
    if fresh(&headers, &tag) {
        return Ok(not_modified(&tag));
    }
    let source = state.tiles().source(&index).await?;
    let doc = tiles::tilejson(layer, &base, source.bounds(layer));
    Ok(with_validators(respond::json(&doc)?, &tag))
}

/// The MapLibre style drawing every layer from gridmap's own tiles and glyphs.
#[utoipa::path(get, path = "/style.json", tag = "maps",
    responses((status = 200, description = "a MapLibre style (version 8) whose every URL points at this server", body = Object)))]
pub async fn style(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let base = public_base(&headers, &uri)?;
    let index = state.index();
    let tag = etag(index.generation());
    if fresh(&headers, &tag) {
        return Ok(not_modified(&tag));
    }
    let source = state.tiles().source(&index).await?;
    let center = source
        .bounds(TileLayer::Areas)
        .map(|b| [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]);
    Ok(with_validators(respond::json(&tiles::style(&base, center))?, &tag))
}
