//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gridmap",
        description = "Grid governance maps: which grid is this point in, what is the nearest station. \
                       Coordinates are WGS 84 longitude/latitude unless `crs` says gcj02 or bd09; distances are \
                       geodesic metres on the WGS 84 ellipsoid. Errors are `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        super::locate::locate_one,
        super::locate::locate_batch,
        super::nearest::nearest,
        super::households::search,
        super::households::detail,
        super::areas::detail,
        super::areas::children,
        super::areas::stats,
        super::health::healthz,
        super::health::readyz,
        super::tiles::tile,
        super::tiles::tilejson,
        super::tiles::style,
        super::glyphs::glyphs,
        super::ogc::landing::landing,
        super::ogc::landing::conformance,
        super::ogc::landing::collections,
        super::ogc::landing::collection,
        super::ogc::items::items,
        super::ogc::items::item,
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
