//! `GET /ogc` (the landing page), `/ogc/conformance` and `/ogc/collections[/{id}]`.

use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::collections::Collection;
use super::links::{Links, link};
use super::{CONFORMS_TO, JSON, OPENAPI};
use crate::http::ApiError;
use crate::http::respond;
use crate::state::AppState;

/// The landing page: what this API is and where its parts are.
#[utoipa::path(get, path = "/ogc", tag = "ogc",
    responses((status = 200, description = "OGC API – Features landing page: links to the API description, \
        conformance declaration and collections", body = Object)))]
pub async fn landing(OriginalUri(uri): OriginalUri, headers: HeaderMap) -> Result<Response, ApiError> {
    let links = Links::from_request(&headers, &uri)?;
    let base = links.url("");
    let api = base.trim_end_matches("/ogc").to_owned() + "/api/v1/openapi.json";
    let doc = json!({
        "title": "gridmap",
        "description": "Grid governance maps as OGC API – Features (Part 1 Core, GeoJSON): governance areas, \
                        buildings, households and stations, in CRS84 (WGS 84 longitude, latitude).",
        "links": [
            link(&base, "self", JSON, "this document"),
            link(&api, "service-desc", OPENAPI, "the API definition (OpenAPI 3.1, JSON)"),
            link(&links.url("/conformance"), "conformance", JSON, "the conformance classes implemented"),
            link(&links.url("/collections"), "data", JSON, "the collections"),
        ],
    });
    respond::json(&doc)
}

/// The conformance classes this API implements.
#[utoipa::path(get, path = "/ogc/conformance", tag = "ogc",
    responses((status = 200, description = "`conformsTo`: OGC API – Features Part 1 core and GeoJSON", body = Object)))]
pub async fn conformance() -> Result<Response, ApiError> {
    respond::json(&json!({ "conformsTo": CONFORMS_TO }))
}

/// Every collection with its extent and links.
#[utoipa::path(get, path = "/ogc/collections", tag = "ogc",
    responses((status = 200, description = "the collections: areas, buildings, households, stations, and areas by level", body = Object)))]
pub async fn collections(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let links = Links::from_request(&headers, &uri)?;
    let index = state.index();
    let source = state.tiles().source(&index).await?;
    let collections: Vec<Value> = Collection::all()
        .into_iter()
        .map(|c| c.document(&links, c.extent(&index, &source)))
        .collect();
    let here = links.url("/collections");
    respond::json(&json!({
        "links": [link(&here, "self", JSON, "this document")],
        "collections": collections,
    }))
}

/// One collection's description.
#[utoipa::path(get, path = "/ogc/collections/{collection_id}", tag = "ogc",
    params(("collection_id" = String, Path, description = "areas, buildings, households, stations, or areas_{level}")),
    responses(
        (status = 200, description = "the collection: id, title, description, extent, links to its items", body = Object),
        (status = 404, description = "no such collection"),
    ))]
pub async fn collection(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let collection = Collection::parse(&id)?;
    let links = Links::from_request(&headers, &uri)?;
    let index = state.index();
    let source = state.tiles().source(&index).await?;
    let mut doc = collection.document(&links, collection.extent(&index, &source));
    if let Some(l) = doc["links"].as_array_mut() {
        l.push(link(&links.url("/collections"), "parent", JSON, "all collections"));
    }
    respond::json(&doc)
}
