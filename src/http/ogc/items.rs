//! `GET /ogc/collections/{id}/items` (a page of features as a GeoJSON FeatureCollection, with
//! `next`/`prev` links) and `/ogc/collections/{id}/items/{featureId}` (one feature). Feature ids
//! are the features' codes; properties are those `gridmap export` writes (see [`crate::features`]).

use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::collections::Collection;
use super::error::OgcError;
use super::links::{Links, link};
use super::params::{ItemsParams, ItemsQuery};
use super::select::select;
use super::{GEOJSON, JSON};
use crate::access::{Action, Grant, Sight};
use crate::domain::{Code, Layer};
use crate::features;
use crate::http::ApiError;
use crate::http::auth::Auth;
use crate::http::extract::Query;
use crate::http::respond;
use crate::index::{Dataset, Index};
use crate::state::AppState;

/// A page of a collection's features.
#[utoipa::path(get, path = "/ogc/collections/{collection_id}/items", tag = "ogc",
    params(("collection_id" = String, Path, description = "areas, buildings, households, stations, or areas_{level}"), ItemsParams),
    responses(
        (status = 200, description = "a GeoJSON FeatureCollection with numberMatched, numberReturned, timeStamp \
            and self/next/prev links", content_type = "application/geo+json", body = Object),
        (status = 400, description = "bbox, limit, offset, bbox-crs or datetime is not valid"),
        (status = 404, description = "no such collection"),
    ))]
pub async fn items(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(params): Query<ItemsParams>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let collection = Collection::parse(&id)?;
    let query = params.parse()?;
    let links = Links::from_request(&headers, &uri)?;
    let index = state.index();
    refuse_households(&auth, &index, collection)?;
    let source = state.tiles().source(&index).await?;
    let caller = auth.caller.clone();
    let (doc, shown) = tokio::task::spawn_blocking(move || {
        let data = index.dataset();
        let grant = caller.grant(&index);
        let mut matches = select(&data, &source, collection, query.bbox);
        if collection.layer() == Layer::Households && !grant.sees_every_household() {
            // Hidden households are not in the collection for this caller: not in the page, not
            // in numberMatched.
            matches.retain(|i| grant.household(i) != Sight::Hidden);
        }
        let page = matches.page(query.offset, query.limit);
        let features: Vec<Value> = page
            .iter()
            .filter_map(|&i| {
                feature(
                    &data,
                    collection.layer(),
                    i as usize,
                    sight(&grant, collection.layer(), i),
                )
            })
            .collect();
        let shown: Vec<String> = if collection.layer() == Layer::Households {
            features
                .iter()
                .filter_map(|f| f["id"].as_str().map(str::to_owned))
                .collect()
        } else {
            Vec::new()
        };
        (page_document(&links, collection, query, matches.len(), features), shown)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("selecting features of {id}: {e}")))?;
    if collection.layer() == Layer::Households {
        state.audit(
            auth.entry(Action::ReadHouseholds, "households")
                .codes(&shown)
                .detail(uri.to_string()),
        )?;
    }
    respond::typed(&doc, GEOJSON)
}

/// One feature, by its code.
#[utoipa::path(get, path = "/ogc/collections/{collection_id}/items/{feature_id}", tag = "ogc",
    params(
        ("collection_id" = String, Path, description = "areas, buildings, households, stations, or areas_{level}"),
        ("feature_id" = String, Path, description = "the feature's code"),
    ),
    responses(
        (status = 200, description = "a GeoJSON Feature", content_type = "application/geo+json", body = Object),
        (status = 404, description = "no such collection, or no such feature in it"),
    ))]
pub async fn item(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, feature_id)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let collection = Collection::parse(&id)?;
    let links = Links::from_request(&headers, &uri)?;
    let index = state.index();
    refuse_households(&auth, &index, collection)?;
    let grant = auth.caller.grant(&index);
    // A household hidden from the caller is answered as one that does not exist.
    let unknown = || OgcError::UnknownFeature {
        collection: collection.id(),
        id: crate::http::params::clip(&feature_id),
    };
    let i = find(&index, collection, &feature_id).ok_or_else(unknown)?;
    let mut doc = feature(
        &index.dataset(),
        collection.layer(),
        i,
        sight(&grant, collection.layer(), i as u32),
    )
    .ok_or_else(unknown)?;
    if collection.layer() == Layer::Households {
        state.audit(
            auth.entry(Action::ReadHouseholds, "households")
                .codes([feature_id.as_str()]),
        )?;
    }
    let here = links.url(&format!("/collections/{}", collection.id()));
    let code = doc["id"].as_str().unwrap_or_default().to_owned();
    doc["links"] = json!([
        link(&format!("{here}/items/{code}"), "self", GEOJSON, "this feature"),
        link(&here, "collection", JSON, "the collection it belongs to"),
    ]);
    respond::typed(&doc, GEOJSON)
}

/// The index of the feature of `collection` whose code is `id`.
fn find(index: &Index, collection: Collection, id: &str) -> Option<usize> {
    let code = Code::parse(id).ok()?;
    let i = match collection.layer() {
        Layer::Areas => index.areas.find(&code),
        Layer::Buildings => index.buildings.find(&code),
        Layer::Households => index.households.find(&code),
        Layer::Stations => index.stations.find(&code),
        Layer::Paths => index.paths.find(&code),
    }?;
    let in_level = collection.level().is_none_or(|level| index.areas.get(i).level == level);
    in_level.then_some(i as usize)
}

/// Feature `i` of `layer` as GeoJSON, its code as the `id`; `None` when `sight` hides it.
fn feature(data: &Dataset, layer: Layer, i: usize, sight: Sight) -> Option<Value> {
    let (properties, geometry) = features::feature(data, layer, i, sight)?;
    Some(json!({
        "type": "Feature",
        "id": features::code(data, layer, i),
        "geometry": geojson::Geometry::new(geometry),
        "properties": properties,
    }))
}

/// How much of the personal data in feature `i` of `layer` the caller sees: households by the
/// grant, area leaders by role, the rest carries none.
fn sight(grant: &Grant, layer: Layer, i: u32) -> Sight {
    match layer {
        Layer::Households => grant.household(i),
        Layer::Areas => grant.leaders(),
        Layer::Buildings | Layer::Stations | Layer::Paths => Sight::Full,
    }
}

/// Viewers are told 403 for the households collection (that it exists is no secret).
fn refuse_households(auth: &Auth, index: &Index, collection: Collection) -> Result<(), ApiError> {
    if collection.layer() == Layer::Households && !auth.caller.grant(index).sees_households() {
        return Err(ApiError::Forbidden(
            "this account's role does not include residents' data".into(),
        ));
    }
    Ok(())
}

fn page_document(
    links: &Links,
    collection: Collection,
    query: ItemsQuery,
    matched: usize,
    features: Vec<Value>,
) -> Value {
    let here = links.url(&format!("/collections/{}", collection.id()));
    let at = |offset: usize| {
        let mut url = format!("{here}/items?limit={}", query.limit);
        if let Some(b) = query.bbox {
            url.push_str(&format!("&bbox={b}"));
        }
        if offset > 0 {
            url.push_str(&format!("&offset={offset}"));
        }
        url
    };
    let returned = features.len();
    let mut page_links = vec![link(&at(query.offset), "self", GEOJSON, "this page")];
    if query.offset + returned < matched {
        page_links.push(link(&at(query.offset + returned), "next", GEOJSON, "the next page"));
    }
    if query.offset > 0 {
        let prev = query.offset.saturating_sub(query.limit);
        page_links.push(link(&at(prev), "prev", GEOJSON, "the previous page"));
    }
    page_links.push(link(&here, "collection", JSON, "the collection"));
    json!({
        "type": "FeatureCollection",
        "features": features,
        "links": page_links,
        "numberMatched": matched,
        "numberReturned": returned,
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}
