//! `GET /fonts/{fontstack}/{start}-{end}.pbf`: glyphs for the style's labels (see [`crate::glyphs`]).

use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::ApiError;
use super::params::clip;
use crate::glyphs::GlyphError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{fontstack}/{file}", get(glyphs))
        .fallback(|OriginalUri(uri): OriginalUri| async move {
            ApiError::NotFound(format!(
                "no glyphs at {}: glyph ranges are /fonts/{{fontstack}}/{{start}}-{{end}}.pbf",
                clip(uri.path())
            ))
        })
}

/// One range of 256 glyphs as signed distance fields (the protobuf MapLibre reads).
#[utoipa::path(get, path = "/fonts/{fontstack}/{range}.pbf", tag = "maps",
    params(
        ("fontstack" = String, Path, description = "Noto Sans CJK SC Regular"),
        ("range" = String, Path, description = "start-end, such as 0-255 or 26368-26623 (李 is U+674E)"),
    ),
    responses(
        (status = 200, description = "glyph PBF", content_type = "application/x-protobuf", body = Vec<u8>),
        (status = 400, description = "not a range of 256 code points"),
        (status = 404, description = "unknown font stack, or the font is not installed"),
    ))]
pub async fn glyphs(
    State(state): State<AppState>,
    Path((fontstack, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let range = file
        .strip_suffix(".pbf")
        .ok_or_else(|| GlyphError::Range(clip(&file)))?;
    let pbf = state.glyphs().range(&fontstack, range).await?;
    Ok((
        [
            (CONTENT_TYPE, "application/x-protobuf"),
            // Glyphs change only when the font package does.
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        pbf.as_ref().clone(),
    )
        .into_response())
}
