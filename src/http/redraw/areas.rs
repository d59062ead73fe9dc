//! Commits of one area, its history, and restoring an earlier version.

use super::*;

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
        None => Redraw {
            parent: index.areas.parent(i).unwrap_or(i),
            changes: Vec::new(),
        },
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
    let i = area(&index, &raw)?;
    let code = index.areas.get(i).code.to_string();
    let leaders = auth.caller.grant(&index).leaders();
    let versions: Vec<Value> = state
        .store()
        .area_history(&code)
        .await?
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
    state.audit(
        auth.entry(Action::ReadArea, "areas")
            .codes([code.as_str()])
            .detail("history"),
    )?;
    respond::json(&json!({"code": code, "version": index.areas.get(i).version, "versions": versions}))
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
    // The changes since `version`, and for each area they touched the span of versions they made.
    let mut spans: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for v in store.area_history(area.code.as_str()).await? {
        if v.area.version <= body.version {
            continue;
        }
        let rows = match v.change_id {
            Some(id) => store.change(id).await?,
            None => vec![v],
        };
        for r in rows {
            let span = spans
                .entry(r.area.code.to_string())
                .or_insert((r.area.version, r.area.version));
            span.0 = span.0.min(r.area.version);
            span.1 = span.1.max(r.area.version);
        }
    }
    let mut edits = Vec::new();
    for (code, (first, last)) in &spans {
        let k = index
            .areas
            .find(&Code::parse(code).map_err(|e| ApiError::Internal(e.to_string()))?);
        let Some(k) = k else { continue };
        let now = index.areas.get(k);
        may_edit(&auth.caller, &index, k)?;
        if now.version != *last {
            return Err(ApiError::Conflict {
                code: "changed_since",
                message: format!(
                    "{code} was changed again (version {}) after the changes being undone; restore it first",
                    now.version
                ),
                details: None,
            });
        }
        let target = store
            .area_history(code)
            .await?
            .into_iter()
            .find(|v| v.area.version == first - 1)
            .ok_or_else(|| ApiError::Conflict {
                code: "no_earlier_version",
                message: format!("{code} did not exist before the changes being undone"),
                details: None,
            })?;
        let mut record = now.clone();
        record.name = target.area.name;
        record.leader_name = target.area.leader_name;
        record.leader_phone = target.area.leader_phone;
        record.properties = target.area.properties;
        record.geometry = target.area.geometry;
        edits.push(AreaEdit {
            area: record,
            expected_version: now.version,
        });
    }
    let note = ChangeNote::new(
        auth.caller.user.to_string(),
        Some(format!("restore {} to version {}: {reason}", area.code, body.version)),
    );
    let changed = write_change(&state, &auth, &edits, &note).await?;
    respond::json(&json!({"change_id": note.id, "reason": note.reason, "areas": changed}))
}
