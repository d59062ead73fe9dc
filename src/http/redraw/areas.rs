//! Commits of one area, its history, and restoring an earlier version.

use std::collections::BTreeSet;

use super::*;
use crate::plan::undo::{self, UndoError, Undone};

/// Commits a new outline, name or leader of one area. With shared edges (default) the neighbours
/// whose borders move are committed in the same change.
#[utoipa::path(put, path = "/api/v1/areas/{code}", tag = "planning",
    params(("code" = String, Path, description = "area code"), ("If-Match" = String, Header, description = "the version edited")),
    request_body(content = Object, description = "{reason, geometry?, name?, leader_name?, leader_phone?, crs?, shared_edges?, force?}"),
    responses((status = 200, description = "the change"), (status = 400), (status = 403), (status = 409, description = "would create topology problems"),
        (status = 412, description = "stale version"), (status = 428, description = "If-Match missing")))]
pub async fn put_area(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    headers: HeaderMap,
    Json(body): Json<CommitBody>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let i = guarded(&auth, &index, &raw, &headers)?;
    let reason = reason(body.reason)?;
    let current = index.areas.get(i);
    let expected = current.version;
    let mut record = current.clone();
    if let Some(n) = body.name {
        let n = n.trim().to_owned();
        if n.is_empty() || n.chars().count() > 200 {
            return Err(ApiError::bad("invalid_body", "\"name\" must be 1 to 200 characters"));
        }
        record.name = n;
    }
    if let Some(l) = body.leader_name {
        record.leader_name = Some(l.trim().to_owned()).filter(|l| !l.is_empty());
    }
    if let Some(p) = body.leader_phone {
        record.leader_phone = Some(p.trim().to_owned()).filter(|p| !p.is_empty());
    }
    let datum = crs(body.crs.as_deref())?;
    let redraw = match &body.geometry {
        Some(g) => {
            let drawn = vec![(i, outline(g, datum, current.code.as_str())?)];
            let shared = body.shared_edges.unwrap_or(true);
            let idx = index.clone();
            let (redraw, _) = blocking(move || edit::redraw(&idx, drawn, shared, plan::topology::DEFAULT_TOLERANCE_M2))
                .await?
                .map_err(edit_error)?;
            redraw
        }
        None => Redraw::outlines(index.areas.parent(i).unwrap_or(i), Vec::new()),
    };
    let c = Commit {
        redraw,
        expected: vec![(i, expected)],
        record: Some(record),
        reason,
        force: body.force.unwrap_or(false),
    };
    let answer = commit(&state, &auth, index.clone(), c).await?;
    let after = state.index();
    let mut response = respond::json(&answer)?;
    if let Some(a) = after.areas.find(&current.code)
        && let Ok(etag) = format!("\"{}\"", after.areas.get(a).version).parse()
    {
        response.headers_mut().insert(ETAG, etag);
    }
    Ok(response.into_response())
}

/// Every stored version of an area: who, when, why, and the outline.
#[utoipa::path(get, path = "/api/v1/areas/{code}/history", tag = "planning",
    params(("code" = String, Path, description = "area code")),
    responses((status = 200, description = "versions, newest first"), (status = 404)))]
pub async fn history(State(state): State<AppState>, auth: Auth, Path(raw): Path<String>) -> Result<Response, ApiError> {
    let index = state.index();
    // A retired area (split or merged away) is no longer in the index but keeps its history.
    let (code, current) = match area(&index, &raw) {
        Ok(i) => (index.areas.get(i).code.to_string(), Some(index.areas.get(i).version)),
        Err(e) => (Code::parse(&raw).map_err(|_| e)?.to_string(), None),
    };
    let store = state.store();
    let stored = store.area_history(&code).await?;
    if stored.is_empty() {
        return Err(ApiError::NotFound(format!("no area {code}, now or before")));
    }
    let leaders = auth.caller.grant(&index).leaders();
    let versions: Vec<Value> = stored
        .iter()
        .map(|v| {
            let (leader_name, leader_phone) = crate::features::leader(&v.area, leaders);
            json!({
                "version": v.area.version, "changed_by": v.changed_by, "changed_at": v.changed_at,
                "reason": v.change_reason, "change_id": v.change_id, "name": v.area.name,
                "leader_name": leader_name, "leader_phone": leader_phone,
                "geometry": plan::json::geometry(&v.area.geometry),
            })
        })
        .collect();
    let lineage: Vec<Value> = store
        .lineage(&code)
        .await?
        .into_iter()
        .map(|l| {
            json!({"predecessor": l.predecessor, "successor": l.successor, "change_id": l.change_id,
                   "changed_at": l.changed_at})
        })
        .collect();
    state.audit(
        auth.entry(Action::ReadArea, "areas")
            .codes([code.as_str()])
            .detail("history"),
    )?;
    respond::json(&json!({"code": code, "version": current, "retired": current.is_none(),
        "versions": versions, "lineage": lineage}))
}

/// Goes back to an earlier version: every change made to the area since then is undone, with every
/// other area those changes moved (the neighbour of a border move), as one new change.
#[utoipa::path(post, path = "/api/v1/areas/{code}/restore", tag = "planning",
    params(("code" = String, Path, description = "area code"), ("If-Match" = String, Header, description = "the current version")),
    request_body(content = Object, description = "{version, reason}"),
    responses((status = 200, description = "the change"), (status = 409), (status = 412), (status = 428)))]
pub async fn restore(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    headers: HeaderMap,
    Json(body): Json<RestoreBody>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let i = guarded(&auth, &index, &raw, &headers)?;
    let reason = reason(body.reason)?;
    let area = index.areas.get(i);
    if body.version < 1 || body.version >= area.version {
        return Err(ApiError::bad(
            "invalid_body",
            format!(
                "\"version\" must be an earlier version of {}: 1 to {}",
                area.code,
                area.version - 1
            ),
        ));
    }
    let store = state.store();
    // The changes since `version`: whole changes, with the other areas they touched.
    let mut undone = Undone::default();
    let mut seen = BTreeSet::new();
    for v in store.area_history(area.code.as_str()).await? {
        if v.area.version <= body.version {
            continue;
        }
        match v.change_id {
            Some(id) if seen.insert(id) => add_change(&state, id, &mut undone).await?,
            Some(_) => {}
            None => undone.rows.push(v),
        }
    }
    let change = undoing(&state, &auth, &index, &undone).await?;
    let note = ChangeNote::new(
        auth.caller.user.to_string(),
        Some(format!("restore {} to version {}: {reason}", area.code, body.version)),
    );
    let changed = write_change(&state, &auth, &change, &note).await?;
    respond::json(&json!({"change_id": note.id, "reason": note.reason, "areas": changed}))
}

/// Undoes one change — a redraw, a split, a merge, a suggestion of red house-yards or an earlier
/// undo — as a new change, provided nothing it touched was changed again since.
#[utoipa::path(post, path = "/api/v1/changes/{id}/revert", tag = "planning",
    params(("id" = String, Path, description = "the change (change_id of a commit or a history entry)")),
    request_body(content = Object, description = "{reason}"),
    responses((status = 200, description = "the change that undid it"), (status = 403), (status = 404),
        (status = 409, description = "an area it touched changed since")))]
pub async fn revert(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    Json(body): Json<ReasonBody>,
) -> Result<Response, ApiError> {
    let id = Uuid::parse_str(raw.trim())
        .map_err(|_| ApiError::bad("invalid_path", format!("{:?} is not a change id (a UUID)", clip(&raw))))?;
    let reason = reason(body.reason)?;
    let index = state.index();
    let mut undone = Undone::default();
    add_change(&state, id, &mut undone).await?;
    if undone.rows.is_empty() && undone.links.is_empty() {
        return Err(ApiError::NotFound(format!("no change {id}")));
    }
    let change = undoing(&state, &auth, &index, &undone).await?;
    let note = ChangeNote::new(
        auth.caller.user.to_string(),
        Some(format!("revert change {id}: {reason}")),
    );
    let changed = write_change(&state, &auth, &change, &note).await?;
    respond::json(
        &json!({"change_id": note.id, "reason": note.reason, "reverted": id, "areas": changed,
        "retired": change.retired.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
        "restored": change.created.iter().map(|a| a.code.as_str()).collect::<Vec<_>>()}),
    )
}

/// Adds what change `id` wrote to `undone`.
async fn add_change(state: &AppState, id: Uuid, undone: &mut Undone) -> Result<(), ApiError> {
    let store = state.store();
    undone.rows.extend(store.change(id).await?);
    undone.links.extend(
        store
            .change_lineage(id)
            .await?
            .into_iter()
            .map(|l| (l.predecessor, l.successor)),
    );
    Ok(())
}

/// The change undoing `undone`, after checking the caller may edit every area it writes (for an
/// area brought back: its parent).
async fn undoing(state: &AppState, auth: &Auth, index: &Index, undone: &Undone) -> Result<AreaChange, ApiError> {
    let store = state.store();
    let mut history = BTreeMap::new();
    for code in undo::touched(undone) {
        let versions = store.area_history(&code).await?;
        history.insert(code, versions);
    }
    let change = undo::plan(undone, &history, |c| index.areas.find(c).map(|i| index.areas.get(i))).map_err(|e| {
        let code = match e {
            UndoError::NoEarlierVersion(_) => "no_earlier_version",
            UndoError::BadCode(_) => return ApiError::Internal(e.to_string()),
            _ => "changed_since",
        };
        ApiError::Conflict {
            code,
            message: e.to_string(),
            details: None,
        }
    })?;
    let grant = auth.caller.grant(index);
    let editable = change
        .edits
        .iter()
        .map(|e| Some(&e.area.code))
        .chain(change.retired.iter().map(|(c, _)| Some(c)))
        .chain(change.created.iter().map(|a| a.parent_code.as_ref()));
    for code in editable {
        if !code.is_some_and(|c| grant.may_edit_area(c)) {
            return Err(ApiError::Forbidden(format!(
                "the {} role may not change {}",
                auth.caller.role.as_str(),
                code.map_or("a county", |c| c.as_str())
            )));
        }
    }
    Ok(change)
}
