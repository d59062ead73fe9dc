//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gridmap",
        description = "Grid governance maps: which grid is this point in, what is the nearest station. \
                       Coordinates are WGS 84 longitude/latitude unless `crs` says gcj02 or bd09; distances are \
                       geodesic metres on the WGS 84 ellipsoid. Errors are `{\"error\": {\"code\", \"message\"}}`. \
                       Every data route needs `Authorization: Bearer TOKEN` from `POST /api/v1/auth/token`; what a \
                       token's role sees of households is masked or limited to its scope."
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    paths(
        super::auth::login,
        super::auth::logout,
        super::auth::me,
        super::import::import,
        super::locate::locate_one,
        super::locate::locate_batch,
        super::nearest::nearest,
        super::coverage::coverage,
        super::coverage::uncovered,
        super::coverage::suggestions,
        super::maps::coverage_png,
        super::households::search,
        super::households::detail,
        super::areas::detail,
        super::areas::children,
        super::areas::stats,
        super::planning::validate,
        super::redraw::propose,
        super::redraw::proposals,
        super::redraw::proposal,
        super::redraw::compare,
        super::redraw::commit_proposal,
        super::redraw::put_area,
        super::redraw::put_children,
        super::redraw::history,
        super::redraw::restore,
        super::redraw::revert,
        super::redraw::split_area,
        super::redraw::merge_areas,
        super::redraw::suggest_red_yards,
        super::health::healthz,
        super::health::readyz,
        super::tiles::tile,
        super::tiles::coverage_tile,
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

/// Declares the bearer token scheme every data route uses.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
