//! Serialising answers that borrow from the index snapshot.

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;

/// A JSON answer from a value that borrows from the snapshot held by the handler; serialised here,
/// before the snapshot is released.
pub fn json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    typed(value, "application/json")
}

/// A JSON answer with another JSON media type, such as `application/geo+json`.
pub fn typed<T: Serialize>(value: &T, content_type: &'static str) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(format!("serialising an answer: {e}")))?;
    Ok(([(CONTENT_TYPE, content_type)], body).into_response())
}
