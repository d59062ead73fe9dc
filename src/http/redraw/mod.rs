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

mod areas;
mod batch;
mod proposals;
mod structure;

pub use areas::{__path_history, __path_put_area, __path_restore, __path_revert, history, put_area, restore, revert};
pub use batch::{__path_put_children, put_children};
pub use proposals::{
    __path_commit_proposal, __path_compare, __path_proposal, __path_proposals, __path_propose, commit_proposal,
    compare, proposal, proposals, propose,
};
pub use structure::{
    __path_merge_areas, __path_split_area, __path_suggest_red_yards, merge_areas, split_area, suggest_red_yards,
};

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
use super::params::{area, clip, crs};
use super::respond;
use crate::access::{Action, Caller, Sight};
use crate::domain::{Area, Code, Crs, Level};
use crate::index::Index;
use crate::plan::edit::{self, Adjustments};
use crate::plan::{self, Options, Redraw};
use crate::state::AppState;
use crate::store::{AreaChange, AreaEdit, ChangeNote, Proposal, ProposalStatus};
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
    /// Keep the proposal (default true); false answers the impact of a draft and keeps nothing.
    pub keep: Option<bool>,
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
                let i = area(index, &d.code)?;
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

/// What to commit: a redraw, and perhaps a new record (name, leaders) for one area.
struct Commit {
    pub(super) redraw: Redraw,
    /// The version each area was read at, where the caller said (the rest: the snapshot's).
    pub(super) expected: Vec<(u32, i64)>,
    pub(super) record: Option<Area>,
    pub(super) reason: String,
    /// Commit even with blocking problems.
    pub(super) force: bool,
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
    let change = AreaChange::edits(edits.into_values().collect());
    let changed = write_change(state, auth, &change, &note).await?;
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

/// Writes `change` and records it in the audit log; the areas it wrote with their new versions
/// (`null` for retired ones).
async fn write_change(
    state: &AppState,
    auth: &Auth,
    change: &AreaChange,
    note: &ChangeNote,
) -> Result<Value, ApiError> {
    state.commit_change(change, note).await?;
    let after = state.index();
    let changed: Vec<Value> = change
        .codes()
        .map(|c| {
            let v = after.areas.find(c).map(|i| after.areas.get(i).version);
            json!({"code": c.as_str(), "version": v})
        })
        .collect();
    state.audit(
        auth.entry(Action::CommitAreas, "areas")
            .codes(change.codes().map(|c| c.to_string()))
            .detail(format!("change {}", note.id)),
    )?;
    Ok(Value::Array(changed))
}

/// The area in the path, after checking that the caller may edit it and that `If-Match` names its
/// current version.
fn guarded(auth: &Auth, index: &Index, raw: &str, headers: &HeaderMap) -> Result<u32, ApiError> {
    let i = area(index, raw)?;
    may_edit(&auth.caller, index, i)?;
    let expected = if_match(headers)?;
    let current = index.areas.get(i);
    if current.version != expected {
        return Err(ApiError::PreconditionFailed(format!(
            "{} is at version {}, not {expected}: someone committed a change since it was read; reload and redo",
            current.code, current.version
        )));
    }
    Ok(i)
}
