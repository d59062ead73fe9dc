//! The HTTP API (axum). [`app`] builds the whole router; tests drive it without a socket.
//!
//! A request travels: tracing span → body limit / timeout → extractor (typed parameters, errors in
//! the API's shape) → handler (one snapshot of the index for the whole request) → JSON.

mod areas;
pub(crate) mod auth;
mod caching;
mod coverage;
mod error;
mod extract;
mod glyphs;
mod health;
mod households;
mod import;
mod locate;
mod maps;
mod nearest;
mod ogc;
mod openapi;
mod origin;
mod params;
mod planning;
mod redraw;
mod respond;
mod shape;
mod tiles;
mod views;

use std::path::PathBuf;

use axum::Router;
use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::http::HeaderValue;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::state::AppState;

/// Where the built web app lives, relative to the working directory.
pub const FRONTEND_DIST: &str = "frontend/dist";

/// The full router: API, health checks, OpenAPI document, OGC API – Features, map tiles, style and
/// glyphs, and the web app.
pub fn app(state: AppState) -> Router {
    let limits = state.limits();
    // Every route that returns data sits behind a bearer token; what each caller then sees of
    // residents' data is decided by `access::Grant`.
    let signed_in = || axum::middleware::from_fn_with_state(state.clone(), auth::require_caller);
    let data = Router::new()
        .route("/locate", get(locate::locate_one).post(locate::locate_batch))
        .route("/nearest", get(nearest::nearest))
        .route("/coverage", get(coverage::coverage))
        .route("/coverage/uncovered", get(coverage::uncovered))
        .route("/coverage/suggestions", get(coverage::suggestions))
        .route("/maps/coverage.png", get(maps::coverage_png))
        .route("/households", get(households::search))
        .route("/households/{code}", get(households::detail))
        .route("/areas/{code}", get(areas::detail).put(redraw::put_area))
        .route("/areas/{code}/children", get(areas::children).put(redraw::put_children))
        .route("/areas/{code}/stats", get(areas::stats))
        .route("/areas/{code}/validate", get(planning::validate))
        .route("/areas/{code}/proposals", get(redraw::proposals).post(redraw::propose))
        .route("/areas/{code}/history", get(redraw::history))
        .route("/areas/{code}/restore", post(redraw::restore))
        .route("/areas/{code}/split", post(redraw::split_area))
        .route("/areas/{code}/merge", post(redraw::merge_areas))
        .route("/areas/{code}/red_yards", post(redraw::suggest_red_yards))
        .route("/changes/{id}/revert", post(redraw::revert))
        .route("/proposals/compare", get(redraw::compare))
        .route("/proposals/{id}", get(redraw::proposal))
        .route("/proposals/{id}/commit", post(redraw::commit_proposal))
        .route("/import/{layer}", post(import::import))
        .route("/auth/me", get(auth::me))
        .route_layer(signed_in());
    let api = Router::new()
        .route("/auth/token", post(auth::login).delete(auth::logout))
        .route("/openapi.json", get(openapi::document))
        .merge(data)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    let router = Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .nest("/tiles", tiles::router().route_layer(signed_in()))
        .nest("/ogc", ogc::router().route_layer(signed_in()))
        // The nested root answers `/ogc` only; clients given `/ogc/` must not get the web app.
        .route("/ogc/", get(ogc::landing::landing).route_layer(signed_in()))
        .route("/style.json", get(tiles::style))
        .nest("/fonts", glyphs::router())
        .fallback_service(with_page_headers(web_app()))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            limits.max_body_bytes,
            shape::in_error_shape,
        ))
        .layer(axum::middleware::from_fn_with_state(limits.request_timeout, time_limit))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::Internal("a handler panicked".into()))
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    with_security_headers(router)
}

/// Stops a request that runs past `limit` with a 503 in the API's error shape (tower-http's timeout
/// answers with an empty body).
async fn time_limit(
    axum::extract::State(limit): axum::extract::State<std::time::Duration>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => axum::response::IntoResponse::into_response(ApiError::Timeout(format!(
            "the request took longer than {} s and was stopped",
            limit.as_secs()
        ))),
    }
}

async fn not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("no API endpoint at {}", params::clip(uri.path())))
}

async fn method_not_allowed(method: axum::http::Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", params::clip(uri.path())))
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

/// `X-Content-Type-Options: nosniff` on every answer: browsers take a JSON or tile answer for
/// nothing else, whatever it contains.
fn with_security_headers(router: Router) -> Router {
    use axum::http::header::X_CONTENT_TYPE_OPTIONS;
    router.layer(SetResponseHeaderLayer::if_not_present(
        X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
}

/// The headers a page needs, on the web app's files: no framing, no referrers leaking codes in URLs,
/// and a content security policy under which the app runs only its own scripts (MapLibre's workers
/// start from `blob:` URLs). Data answers are not pages, so they go without (a few hundred bytes
/// less on every locate).
fn with_page_headers(app: axum::routing::MethodRouter) -> axum::routing::MethodRouter {
    use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_FRAME_OPTIONS};
    let csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
               worker-src 'self' blob:; child-src blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
               base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    let header = |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    use std::convert::Infallible;
    app.layer::<_, Infallible>(header(X_FRAME_OPTIONS, "DENY"))
        .layer::<_, Infallible>(header(REFERRER_POLICY, "no-referrer"))
        .layer::<_, Infallible>(header(CONTENT_SECURITY_POLICY, csp))
}
