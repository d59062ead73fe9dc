//! OGC API – Features, Part 1 Core with the GeoJSON encoding, under `/ogc`: what QGIS and GDAL
//! (`OAPIF:`) read. Every collection is served from the index snapshot, like the tiles, so both
//! stores answer the same.
//!
//! `landing.rs` has the landing page, conformance and collection documents; `items.rs` the features;
//! `select.rs` which features a `bbox` matches; `params.rs` the query; `links.rs` absolute URLs.

mod collections;
mod error;
pub(super) mod items;
pub(super) mod landing;
mod links;
mod params;
mod select;

use axum::Router;
use axum::extract::OriginalUri;
use axum::routing::get;

pub use error::OgcError;

use super::ApiError;
use super::params::clip;
use crate::state::AppState;

/// WGS 84 longitude, latitude: the only CRS served.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
pub const JSON: &str = "application/json";
pub const GEOJSON: &str = "application/geo+json";
/// The media type of the API definition (utoipa writes OpenAPI 3.1).
pub const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.1";

/// The conformance classes implemented. Not `oas30`: the API definition is OpenAPI 3.1.
pub const CONFORMS_TO: [&str; 2] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
];

/// The routes under `/ogc`; anything else there is a 404 in the API's error shape.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(landing::landing))
        .route("/conformance", get(landing::conformance))
        .route("/collections", get(landing::collections))
        .route("/collections/{id}", get(landing::collection))
        .route("/collections/{id}/items", get(items::items))
        .route("/collections/{id}/items/{feature_id}", get(items::item))
        .fallback(|OriginalUri(uri): OriginalUri| async move {
            ApiError::NotFound(format!(
                "no OGC API resource at {}: start at /ogc, the collections are at /ogc/collections",
                clip(uri.path())
            ))
        })
}
