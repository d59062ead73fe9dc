//! `GET /healthz` (the process answers) and `GET /readyz` (store reachable, index loaded).

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::error::ApiError;
use crate::state::AppState;

#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "the process is up")))]
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, description = "store reachable and index loaded"), (status = 503, description = "store unreachable")))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state
        .store()
        .ping()
        .await
        .map_err(|_| ApiError::Unavailable(format!("the {} store cannot be reached", state.store().backend())))?;
    let index = state.index();
    Ok(Json(json!({
        "status": "ready",
        "store": state.store().backend(),
        "areas": index.areas.len(),
        "households": index.households.len(),
    })))
}
