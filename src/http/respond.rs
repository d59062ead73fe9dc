//! Serialising answers that borrow from the index snapshot.

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;

/// A JSON answer from a value that borrows from the snapshot held by the handler; serialised here,
/// before the snapshot is released.
pub fn json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(format!("serialising an answer: {e}")))?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}
