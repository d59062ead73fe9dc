//! The HTTP API (axum). [`app`] builds the whole router; tests drive it without a socket.
//!
//! A request travels: tracing span → body limit / timeout → extractor (typed parameters, errors in
//! the API's shape) → handler (one snapshot of the index for the whole request) → JSON.

mod areas;
mod caching;
mod error;
mod extract;
mod glyphs;
mod health;
mod households;
mod locate;
mod nearest;
mod ogc;
mod openapi;
mod origin;
mod params;
mod respond;
mod tiles;
mod views;

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::state::AppState;

/// Where the built web app lives, relative to the working directory.
pub const FRONTEND_DIST: &str = "frontend/dist";

/// The full router: API, health checks, OpenAPI document, OGC API – Features, map tiles, style and
/// glyphs, and the web app.
pub fn app(state: AppState) -> Router {
    let limits = state.limits();
    let api = Router::new()
        .route("/locate", get(locate::locate_one).post(locate::locate_batch))
        .route("/nearest", get(nearest::nearest))
        .route("/households", get(households::search))
        .route("/households/{code}", get(households::detail))
        .route("/areas/{code}", get(areas::detail))
        .route("/areas/{code}/children", get(areas::children))
        .route("/areas/{code}/stats", get(areas::stats))
        .route("/openapi.json", get(openapi::document))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .nest("/tiles", tiles::router())
        .nest("/ogc", ogc::router())
        // The nested root answers `/ogc` only; clients given `/ogc/` must not get the web app.
        .route("/ogc/", get(ogc::landing::landing))
        .route("/style.json", get(tiles::style))
        .nest("/fonts", glyphs::router())
        .fallback_service(web_app())
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::Internal("a handler panicked".into()))
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("no API endpoint at {}", params::clip(uri.path())))
}

async fn method_not_allowed(method: axum::http::Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::bad(
        "method_not_allowed",
        format!("{method} is not allowed on {}", params::clip(uri.path())),
    )
}

/// The built web app when there is one, otherwise a short page pointing at the API.
fn web_app() -> axum::routing::MethodRouter {
    let dist = PathBuf::from(FRONTEND_DIST);
    if dist.join("index.html").is_file() {
        axum::routing::get_service(ServeDir::new(&dist).fallback(ServeFile::new(dist.join("index.html"))))
    } else {
        get(|| async { axum::response::Html(include_str!("landing.html")) })
    }
}
