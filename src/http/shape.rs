//! The API's error shape for the answers no handler writes: axum's own rejections (a path segment
//! whose percent-encoding is not UTF-8, a body over the size limit, which axum answers in plain
//! text) and the empty 405 of routes without a method fallback (`/healthz`, `/tiles`, `/ogc`, …).
//! Errors that are already JSON, [`ApiError`]s among them, pass untouched.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::params::clip;

/// The longest rejection text read back; axum's are one short line.
const MAX_TEXT: usize = 4096;

/// Rewrites a non-JSON 4xx/5xx answer as `{"error": {"code", "message"}}`, keeping its status and
/// headers. `max_body` is the body limit, for the 413 message.
pub async fn in_error_shape(State(max_body): State<usize>, req: Request, next: Next) -> Response {
    // Cheap copies (a method and a shared URI); the path is written out only for an error.
    let method = req.method().clone();
    let uri = req.uri().clone();
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let path = clip(uri.path());
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_TEXT)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(format!(
            "the request body is larger than this server accepts (at most {max_body} bytes)"
        )),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed(format!("{method} is not allowed on {path}")),
        StatusCode::NOT_FOUND => ApiError::NotFound(format!("nothing at {path}")),
        StatusCode::UNSUPPORTED_MEDIA_TYPE if !text.is_empty() => ApiError::UnsupportedMediaType(clip(&text)),
        // axum's texts name the part of the request at fault ("Invalid URL: Invalid UTF-8 in `code`").
        s if s.is_client_error() && !text.is_empty() => ApiError::invalid_parameter(clip(&text)),
        s if s.is_client_error() => ApiError::bad("invalid_request", format!("{method} {path} was refused ({s})")),
        // Never echo a server-side text; it is logged instead.
        _ => ApiError::Internal(format!("{status} from {method} {path}: {text}")),
    };
    let shaped = error.into_response();
    parts.headers.remove(CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, shaped.headers()[CONTENT_TYPE].clone());
    Response::from_parts(parts, shaped.into_body())
}
