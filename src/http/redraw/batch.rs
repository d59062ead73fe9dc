//! The batch commit of a redraw of several siblings at once (a vertex three grids share, moved in
//! all three), each area guarded by the version the planner drew on.

use super::*;

/// One redrawn sibling with the version it was drawn on.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionedDrawn {
    pub code: String,
    pub version: Option<i64>,
    pub geometry: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    pub areas: Vec<VersionedDrawn>,
    pub reason: Option<String>,
    pub crs: Option<String>,
    pub shared_edges: Option<bool>,
    pub force: Option<bool>,
}

/// Commits new outlines of several children of the area in the path in one change; 412 when any
/// was changed since the version given with it, 428 when one comes without a version.
#[utoipa::path(put, path = "/api/v1/areas/{code}/children", tag = "planning",
    params(("code" = String, Path, description = "the parent of the redrawn areas")),
    request_body(content = Object, description = "{areas: [{code, version, geometry}], reason, crs?, shared_edges?, force?}"),
    responses((status = 200, description = "the change"), (status = 400), (status = 403), (status = 404),
        (status = 409, description = "would create topology problems"), (status = 412), (status = 428)))]
pub async fn put_children(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    Json(body): Json<BatchBody>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let parent = area(&index, &raw)?;
    let reason = reason(body.reason)?;
    if body.areas.is_empty() {
        return Err(ApiError::bad(
            "invalid_body",
            "give the redrawn children as \"areas\": [{\"code\", \"version\", \"geometry\"}]",
        ));
    }
    let datum = crs(body.crs.as_deref())?;
    let mut drawn = Vec::with_capacity(body.areas.len());
    let mut expected = Vec::with_capacity(body.areas.len());
    for d in &body.areas {
        let i = area(&index, &d.code)?;
        may_edit(&auth.caller, &index, i)?;
        if index.areas.parent(i) != Some(parent) {
            return Err(edit_error(edit::EditError::NotSibling {
                code: d.code.clone(),
                parent: index.areas.get(parent).code.to_string(),
            }));
        }
        let now = index.areas.get(i).version;
        match d.version {
            None => {
                return Err(ApiError::PreconditionRequired(format!(
                    "give the version of {} you drew on, so no one's change is overwritten",
                    d.code
                )));
            }
            Some(v) if v != now => {
                return Err(ApiError::PreconditionFailed(format!(
                    "{} is at version {now}, not {v}: someone committed a change since it was read; reload and redo",
                    d.code
                )));
            }
            Some(v) => expected.push((i, v)),
        }
        drawn.push((i, outline(&d.geometry, datum, &d.code)?));
    }
    let shared = body.shared_edges.unwrap_or(true);
    let idx = index.clone();
    let (redraw, _) = blocking(move || edit::redraw(&idx, drawn, shared, plan::topology::DEFAULT_TOLERANCE_M2))
        .await?
        .map_err(edit_error)?;
    let c = Commit {
        redraw,
        expected,
        record: None,
        reason,
        force: body.force.unwrap_or(false),
    };
    respond::json(&commit(&state, &auth, index, c).await?)
}
