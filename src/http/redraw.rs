//! Redrawing areas over HTTP: proposals (impact without writing), commits guarded by versions,
//! history and restore.
//!
//! - `POST /api/v1/areas/{code}/proposals` — a new outline for `code` (`geometry`), or for several
//!   siblings (`areas`); answers the impact and keeps the proposal. `GET` lists them;
//!   `GET /api/v1/proposals/{id}` reads one with its impact on today's data;
//!   `POST /api/v1/proposals/{id}/commit` carries it out.
//! - `PUT /api/v1/areas/{code}` with `If-Match` — commits a new outline, name or leader.
//! - `GET /api/v1/areas/{code}/history`, `POST /api/v1/areas/{code}/restore`.
//!
//! Outlines are clipped to the parent and, unless `shared_edges` is false, border moves change the
//! neighbours too (see [`crate::plan::edit`]). A commit that would create a gap, overlap, overreach,
//! scattered grid or stray household is refused with 409 and the problems, unless `force` is set.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::{ETAG, IF_MATCH};
use axum::response::{IntoResponse, Response};
use geo::MultiPolygon;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::auth::Auth;
use super::error::ApiError;
use super::extract::Json;
use super::params::{clip, code, crs};
use super::respond;
use crate::access::{Action, Caller, Sight};
use crate::domain::{Area, Code, Crs};
use crate::index::Index;
use crate::plan::edit::{self, Adjustments};
use crate::plan::{self, Options, Redraw};
use crate::state::AppState;
use crate::store::{AreaEdit, ChangeNote, Proposal, ProposalStatus};

/// One redrawn area in a request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drawn {
    pub code: String,
    /// A GeoJSON Polygon or MultiPolygon.
    pub geometry: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    pub title: Option<String>,
    /// The new outline of the area in the path.
    pub geometry: Option<Value>,
    /// Or new outlines of several siblings at once.
    pub areas: Option<Vec<Drawn>>,
    /// Datum of the coordinates: `wgs84` (default), `gcj02`, `bd09`.
    pub crs: Option<String>,
    /// Move neighbours' borders with the drawn ones (default true).
    pub shared_edges: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitBody {
    /// Why: kept in the history. Required.
    pub reason: Option<String>,
    pub geometry: Option<Value>,
    pub name: Option<String>,
    pub leader_name: Option<String>,
    pub leader_phone: Option<String>,
    pub crs: Option<String>,
    pub shared_edges: Option<bool>,
    /// Commit even if it creates topology problems.
    pub force: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: Option<String>,
    pub force: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreBody {
    /// The version to go back to.
    pub version: i64,
    pub reason: Option<String>,
}

fn find(index: &Index, raw: &str) -> Result<u32, ApiError> {
    let c = code("area code", raw)?;
    index
        .areas
        .find(&c)
        .ok_or_else(|| ApiError::NotFound(format!("no area with code {c}")))
}

fn may_edit(caller: &Caller, index: &Index, area: u32) -> Result<(), ApiError> {
    let code = &index.areas.get(area).code;
    if caller.grant(index).may_edit_area(code) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "the {} role{} may not redraw {code}",
            caller.role.as_str(),
            caller
                .scope
                .as_ref()
                .map_or(String::new(), |s| format!(" scoped to {s}"))
        )))
    }
}

fn reason(r: Option<String>) -> Result<String, ApiError> {
    let r = r.map(|r| r.trim().to_owned()).unwrap_or_default();
    if r.is_empty() {
        return Err(ApiError::bad(
            "invalid_body",
            "say why in \"reason\": it is kept in the history",
        ));
    }
    if r.chars().count() > 500 {
        return Err(ApiError::bad(
            "invalid_body",
            "\"reason\" is longer than 500 characters",
        ));
    }
    Ok(r)
}

fn outline(value: &Value, datum: Crs, code: &str) -> Result<MultiPolygon<f64>, ApiError> {
    let g: geojson::Geometry = serde_json::from_value(value.clone()).map_err(|e| {
        ApiError::bad(
            "invalid_geometry",
            format!("geometry of {code}: not GeoJSON: {}", clip(&e.to_string())),
        )
    })?;
    crate::import::polygonal(&g.value, datum)
        .map_err(|e| ApiError::bad("invalid_geometry", format!("geometry of {code}: {e}")))
}

/// The drawn outlines of a request, with area indices.
fn drawn(
    index: &Index,
    path_area: u32,
    geometry: Option<&Value>,
    areas: Option<&[Drawn]>,
    datum: Crs,
) -> Result<Vec<(u32, MultiPolygon<f64>)>, ApiError> {
    match (geometry, areas) {
        (Some(g), None) => Ok(vec![(
            path_area,
            outline(g, datum, index.areas.get(path_area).code.as_str())?,
        )]),
        (None, Some(list)) if !list.is_empty() => list
            .iter()
            .map(|d| {
                let i = find(index, &d.code)?;
                Ok((i, outline(&d.geometry, datum, &d.code)?))
            })
            .collect(),
        (Some(_), Some(_)) => Err(ApiError::bad(
            "invalid_body",
            "give \"geometry\" or \"areas\", not both",
        )),
        _ => Err(ApiError::bad(
            "invalid_body",
            "give the new outline as \"geometry\", or several siblings' as \"areas\": [{\"code\", \"geometry\"}]",
        )),
    }
}

/// The impact of `redraw` as the caller may see it.
fn impact_json(index: &Index, caller: &Caller, redraw: &Redraw, adjustments: &Adjustments) -> (plan::Impact, Value) {
    let options = Options::for_children_of(index.areas.get(redraw.parent).level);
    let impact = plan::assess(index, redraw, options);
    let grant = caller.grant(index);
    let shown = |h: u32| grant.household(h) != Sight::Hidden;
    let sight = plan::json::Sight {
        household: &shown,
        counts: grant.sees_household_counts(),
    };
    let leaders = grant.leaders();
    let leader_of = |a: &Area| {
        let (n, p) = crate::features::leader(a, leaders);
        (n.map(|s| s.into_owned()), p.map(|s| s.into_owned()))
    };
    let mut v = plan::json::impact(index, &impact, &sight, &leader_of);
    let code = |i: u32| index.areas.get(i).code.as_str();
    v["adjustments"] = json!({
        "clipped": adjustments.clipped.iter().map(|(i, m2)| json!({"code": code(*i), "area_m2": plan::json::m2(*m2)})).collect::<Vec<_>>(),
        "neighbours_moved": adjustments.neighbours.iter().map(|i| code(*i)).collect::<Vec<_>>(),
    });
    (impact, v)
}

/// The redraw's outlines as kept in a proposal: code, the version they replace, GeoJSON.
fn kept_areas(index: &Index, redraw: &Redraw) -> Value {
    Value::Array(
        redraw
            .changes
            .iter()
            .map(|(i, g)| {
                let a = index.areas.get(*i);
                json!({"code": a.code.as_str(), "version": a.version, "geometry": plan::json::geometry(g)})
            })
            .collect(),
    )
}

fn edit_error(e: edit::EditError) -> ApiError {
    ApiError::bad("invalid_redraw", e.to_string())
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("planning task failed: {e}")))
}

/// Proposes new outlines and answers their impact, changing nothing; the proposal is kept.
#[utoipa::path(post, path = "/api/v1/areas/{code}/proposals", tag = "planning",
    params(("code" = String, Path, description = "the redrawn area (or one of the redrawn siblings)")),
    request_body(content = Object, description = "{\"geometry\"} or {\"areas\": [{\"code\", \"geometry\"}]}, optional title, crs, shared_edges"),
    responses((status = 201, description = "the proposal with its impact"), (status = 400), (status = 403), (status = 404)))]
pub async fn propose(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    Json(body): Json<ProposalBody>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let i = find(&index, &raw)?;
    may_edit(&auth.caller, &index, i)?;
    let datum = crs(body.crs.as_deref())?;
    let drawn = drawn(&index, i, body.geometry.as_ref(), body.areas.as_deref(), datum)?;
    for (a, _) in &drawn {
        may_edit(&auth.caller, &index, *a)?;
    }
    let title = body.title.map(|t| t.trim().chars().take(200).collect::<String>());
    let shared = body.shared_edges.unwrap_or(true);
    let caller = auth.caller.clone();
    let idx = index.clone();
    let (redraw, answer) = blocking(move || -> Result<_, ApiError> {
        let (redraw, adjustments) =
            edit::redraw(&idx, drawn, shared, plan::topology::DEFAULT_TOLERANCE_M2).map_err(edit_error)?;
        let (_, v) = impact_json(&idx, &caller, &redraw, &adjustments);
        Ok((redraw, v))
    })
    .await??;
    let proposal = Proposal {
        id: Uuid::new_v4(),
        parent_code: index.areas.get(redraw.parent).code.to_string(),
        title,
        created_by: auth.caller.user.to_string(),
        created_at: chrono::Utc::now(),
        areas: kept_areas(&index, &redraw),
        status: ProposalStatus::Open,
        change_id: None,
    };
    state.store().add_proposal(&proposal).await?;
    state.audit(
        auth.entry(Action::ReadArea, "areas")
            .codes(codes(&index, &redraw))
            .detail("proposal"),
    )?;
    let mut v = proposal_json(&proposal, false);
    v["impact"] = answer;
    let mut response = respond::json(&v)?;
    *response.status_mut() = axum::http::StatusCode::CREATED;
    Ok(response)
}

fn codes(index: &Index, redraw: &Redraw) -> Vec<String> {
    redraw
        .changes
        .iter()
        .map(|(i, _)| index.areas.get(*i).code.to_string())
        .collect()
}

fn proposal_json(p: &Proposal, stale: bool) -> Value {
    json!({
        "id": p.id, "parent_code": p.parent_code, "title": p.title, "created_by": p.created_by,
        "created_at": p.created_at, "status": p.status.as_str(), "change_id": p.change_id, "stale": stale,
        "areas": p.areas,
    })
}

/// A kept proposal read against a snapshot.
struct Kept {
    redraw: Redraw,
    /// Whether any of its areas moved on since it was made.
    stale: bool,
    /// The version of each area it was drawn against.
    versions: Vec<(u32, i64)>,
}

/// A kept proposal's redraw against `index`.
fn proposal_redraw(index: &Index, p: &Proposal) -> Result<Kept, ApiError> {
    let list = p.areas.as_array().cloned().unwrap_or_default();
    let mut changes = Vec::new();
    let mut versions = Vec::new();
    let mut stale = false;
    let mut parent = None;
    for item in list {
        let c = item["code"].as_str().unwrap_or_default();
        let i = find(index, c).map_err(|_| ApiError::Conflict {
            code: "proposal_outdated",
            message: format!("area {c} of this proposal no longer exists"),
            details: None,
        })?;
        let v = item["version"].as_i64().unwrap_or_default();
        stale |= index.areas.get(i).version != v;
        versions.push((i, v));
        changes.push((i, outline(&item["geometry"], Crs::Wgs84, c)?));
        parent = index.areas.parent(i);
    }
    let parent = parent.ok_or_else(|| ApiError::Internal(format!("proposal {} has no areas", p.id)))?;
    Ok(Kept {
        redraw: Redraw { parent, changes },
        stale,
        versions,
    })
}

fn parse_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound(format!("no proposal {}", clip(raw))))
}

async fn load_proposal(state: &AppState, auth: &Auth, index: &Index, raw: &str) -> Result<Proposal, ApiError> {
    let p = state
        .store()
        .proposal(parse_id(raw)?)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no proposal {}", clip(raw))))?;
    // Proposals of areas outside a planner's scope do not exist for them.
    let parent = Code::parse(&p.parent_code).ok();
    let visible = parent.is_some_and(|c| {
        let g = auth.caller.grant(index);
        g.may_edit_area(&c)
            || index
                .areas
                .children(index.areas.find(&c).unwrap_or(0))
                .iter()
                .any(|&k| g.may_edit_area(&index.areas.get(k).code))
    });
    if !visible {
        return Err(ApiError::NotFound(format!("no proposal {}", clip(raw))));
    }
    Ok(p)
}

/// One proposal with its impact on today's data (`stale` when its areas changed since).
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "planning",
    params(("id" = String, Path, description = "proposal id")),
    responses((status = 200, description = "the proposal and its impact"), (status = 404)))]
pub async fn proposal(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let p = load_proposal(&state, &auth, &index, &raw).await?;
    let Kept { redraw, stale, .. } = proposal_redraw(&index, &p)?;
    let caller = auth.caller.clone();
    let idx = index.clone();
    let impact = blocking(move || impact_json(&idx, &caller, &redraw, &Adjustments::default()).1).await?;
    let mut v = proposal_json(&p, stale);
    v["impact"] = impact;
    respond::json(&v)
}

/// The proposals for an area's children (the area in the path is their parent or one of them).
#[utoipa::path(get, path = "/api/v1/areas/{code}/proposals", tag = "planning",
    params(("code" = String, Path, description = "area code")),
    responses((status = 200, description = "proposals, newest first"), (status = 404)))]
pub async fn proposals(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let i = find(&index, &raw)?;
    may_edit(&auth.caller, &index, i)?;
    let mut out = Vec::new();
    let mut parents = vec![index.areas.get(i).code.to_string()];
    if let Some(p) = index.areas.parent(i) {
        parents.push(index.areas.get(p).code.to_string());
    }
    for parent in parents {
        for p in state.store().proposals(&parent).await? {
            let touches = p.parent_code == index.areas.get(i).code.as_str()
                || p.areas
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x["code"] == index.areas.get(i).code.as_str()));
            if touches {
                let stale = proposal_redraw(&index, &p).map(|k| k.stale).unwrap_or(true);
                out.push(proposal_json(&p, stale));
            }
        }
    }
    respond::json(&json!({"code": index.areas.get(i).code.as_str(), "proposals": out}))
}

/// What to commit: a redraw, and perhaps a new record (name, leaders) for one area.
struct Commit {
    redraw: Redraw,
    /// The version each area was read at, where the caller said (the rest: the snapshot's).
    expected: Vec<(u32, i64)>,
    record: Option<Area>,
    reason: String,
    /// Commit even with blocking problems.
    force: bool,
}

/// Carries out `c` unless it creates blocking problems and `force` is off. Answers the change.
async fn commit(state: &AppState, auth: &Auth, index: std::sync::Arc<Index>, c: Commit) -> Result<Value, ApiError> {
    let Commit {
        redraw,
        expected,
        record,
        reason,
        force,
    } = c;
    let caller = auth.caller.clone();
    let idx = index.clone();
    let checked = redraw.clone();
    let (impact, impact_value) =
        blocking(move || impact_json(&idx, &caller, &checked, &Adjustments::default())).await?;
    if !force && impact.blocking().next().is_some() {
        return Err(ApiError::Conflict {
            code: "topology_problems",
            message: format!(
                "the change would create {} problem(s) in how the areas tile their parent; fix the outline, or commit with \"force\": true",
                impact.blocking().count()
            ),
            details: Some(json!({"new_problems": impact.blocking().map(plan::json::problem).collect::<Vec<_>>()})),
        });
    }
    let mut edits: BTreeMap<u32, AreaEdit> = BTreeMap::new();
    for (i, g) in &redraw.changes {
        let a = index.areas.get(*i);
        let expected_version = expected.iter().find(|(k, _)| k == i).map_or(a.version, |(_, v)| *v);
        let mut area = a.clone();
        area.geometry = g.clone();
        edits.insert(*i, AreaEdit { area, expected_version });
    }
    if let Some(r) = record {
        let i = index.areas.find(&r.code).unwrap_or_default();
        let expected_version = expected.iter().find(|(k, _)| *k == i).map_or(r.version, |(_, v)| *v);
        let geometry = edits
            .get(&i)
            .map(|e| e.area.geometry.clone())
            .unwrap_or_else(|| r.geometry.clone());
        edits.insert(
            i,
            AreaEdit {
                area: Area { geometry, ..r },
                expected_version,
            },
        );
    }
    let note = ChangeNote::new(auth.caller.user.to_string(), Some(reason));
    let edits: Vec<AreaEdit> = edits.into_values().collect();
    state.commit_areas(&edits, &note).await?;
    let after = state.index();
    let changed: Vec<Value> = edits
        .iter()
        .map(|e| {
            let v = after.areas.find(&e.area.code).map(|i| after.areas.get(i).version);
            json!({"code": e.area.code.as_str(), "version": v})
        })
        .collect();
    state.audit(
        auth.entry(Action::CommitAreas, "areas")
            .codes(edits.iter().map(|e| e.area.code.to_string()))
            .detail(format!("change {}", note.id)),
    )?;
    Ok(json!({"change_id": note.id, "reason": note.reason, "areas": changed, "impact": impact_value}))
}

/// The version an `If-Match` header names (`"3"`, `W/"3"` or `3`).
fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let raw = headers.get(IF_MATCH).ok_or_else(|| {
        ApiError::PreconditionRequired(
            "send If-Match with the version you edited (the ETag of GET /api/v1/areas/{code}), so no one's change is overwritten".into(),
        )
    })?;
    let text = raw.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse().map_err(|_| {
        ApiError::bad(
            "invalid_header",
            format!("If-Match must be an area version such as \"3\", got {:?}", clip(text)),
        )
    })
}

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
    let i = find(&index, &raw)?;
    may_edit(&auth.caller, &index, i)?;
    let expected = if_match(&headers)?;
    let reason = reason(body.reason)?;
    let current = index.areas.get(i);
    if current.version != expected {
        return Err(ApiError::PreconditionFailed(format!(
            "{} is at version {}, not {expected}: someone committed a change since it was read; reload and redo",
            current.code, current.version
        )));
    }
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

/// Carries out a kept proposal; 412 when any of its areas changed since it was made.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/commit", tag = "planning",
    params(("id" = String, Path, description = "proposal id")),
    request_body(content = Object, description = "{reason, force?}"),
    responses((status = 200, description = "the change"), (status = 409), (status = 412)))]
pub async fn commit_proposal(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    Json(body): Json<ReasonBody>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let p = load_proposal(&state, &auth, &index, &raw).await?;
    let reason = reason(body.reason)?;
    if p.status != ProposalStatus::Open {
        return Err(ApiError::Conflict {
            code: "proposal_closed",
            message: format!("proposal {} is {}", p.id, p.status.as_str()),
            details: None,
        });
    }
    let Kept {
        redraw,
        stale,
        versions,
    } = proposal_redraw(&index, &p)?;
    for (i, _) in &redraw.changes {
        may_edit(&auth.caller, &index, *i)?;
    }
    if stale {
        return Err(ApiError::PreconditionFailed(format!(
            "areas of proposal {} changed since it was made; make a new proposal from today's outlines",
            p.id
        )));
    }
    let c = Commit {
        redraw,
        expected: versions,
        record: None,
        reason,
        force: body.force.unwrap_or(false),
    };
    let answer = commit(&state, &auth, index, c).await?;
    let change_id = answer["change_id"].as_str().and_then(|s| Uuid::parse_str(s).ok());
    state
        .store()
        .close_proposal(p.id, ProposalStatus::Committed, change_id)
        .await?;
    respond::json(&answer)
}

/// Every stored version of an area: who, when, why, and the outline.
#[utoipa::path(get, path = "/api/v1/areas/{code}/history", tag = "planning",
    params(("code" = String, Path, description = "area code")),
    responses((status = 200, description = "versions, newest first"), (status = 404)))]
pub async fn history(State(state): State<AppState>, auth: Auth, Path(raw): Path<String>) -> Result<Response, ApiError> {
    let index = state.index();
    let i = find(&index, &raw)?;
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
    let i = find(&index, &raw)?;
    may_edit(&auth.caller, &index, i)?;
    let expected = if_match(&headers)?;
    let reason = reason(body.reason)?;
    let area = index.areas.get(i);
    if area.version != expected {
        return Err(ApiError::PreconditionFailed(format!(
            "{} is at version {}, not {expected}; reload and redo",
            area.code, area.version
        )));
    }
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
    state.commit_areas(&edits, &note).await?;
    let after = state.index();
    let changed: Vec<Value> = edits
        .iter()
        .map(|e| {
            let v = after.areas.find(&e.area.code).map(|i| after.areas.get(i).version);
            json!({"code": e.area.code.as_str(), "version": v})
        })
        .collect();
    state.audit(
        auth.entry(Action::CommitAreas, "areas")
            .codes(edits.iter().map(|e| e.area.code.to_string()))
            .detail(format!("change {} (restore)", note.id)),
    )?;
    respond::json(&json!({"change_id": note.id, "reason": note.reason, "areas": changed}))
}
