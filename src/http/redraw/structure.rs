//! Split, merge and suggested red house-yards: changes that retire areas and create others.
//!
//! Each answers a preview (`"preview": true`: the new areas with codes, the lineage and the
//! impact, nothing written) or commits (`If-Match` with the version of the area in the path, a
//! reason; 409 on topology problems unless `force`).

use super::*;
use crate::plan::restructure::{self, Restructure, RestructureError};
use crate::plan::split::{self, SplitError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    /// A GeoJSON LineString to cut along.
    pub line: Option<Value>,
    /// Or a number of parts balanced on households.
    pub parts: Option<usize>,
    /// Names of the parts (in the order the answer of a preview lists them).
    pub names: Option<Vec<String>>,
    pub crs: Option<String>,
    pub preview: Option<bool>,
    pub reason: Option<String>,
    pub force: Option<bool>,
}

/// A sibling to merge, with the version the planner saw.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sibling {
    pub code: String,
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The siblings merged with the area in the path.
    pub with: Vec<Sibling>,
    pub name: Option<String>,
    pub preview: Option<bool>,
    pub reason: Option<String>,
    pub force: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YardsBody {
    /// How many red house-yards.
    pub count: usize,
    pub preview: Option<bool>,
    pub reason: Option<String>,
    pub force: Option<bool>,
}

fn restructure_error(e: RestructureError) -> ApiError {
    ApiError::bad("invalid_restructure", e.to_string())
}

fn split_error(e: SplitError) -> ApiError {
    ApiError::bad("invalid_split", e.to_string())
}

fn name(n: String) -> Result<String, ApiError> {
    let n = n.trim().to_owned();
    if n.is_empty() || n.chars().count() > 200 {
        return Err(ApiError::bad("invalid_body", "a name must be 1 to 200 characters"));
    }
    Ok(n)
}

/// The area in the path: checked for edit rights, and for its version when committing.
fn target(auth: &Auth, index: &Index, raw: &str, headers: &HeaderMap, preview: bool) -> Result<u32, ApiError> {
    if preview {
        let i = area(index, raw)?;
        may_edit(&auth.caller, index, i)?;
        Ok(i)
    } else {
        guarded(auth, index, raw, headers)
    }
}

/// Every code ever held under area `parent`, for numbering its new children.
async fn used_under(state: &AppState, index: &Index, parent: u32) -> Result<Vec<String>, ApiError> {
    Ok(state.store().codes_used(index.areas.get(parent).code.as_str()).await?)
}

/// What the caller asked for: a preview, or a commit with a reason (forced past problems or not).
struct Ask {
    preview: bool,
    reason: Option<String>,
    force: bool,
}

impl Ask {
    fn new(preview: bool, reason: Option<String>, force: Option<bool>) -> Self {
        Self {
            preview,
            reason,
            force: force.unwrap_or(false),
        }
    }
}

/// Previews or commits `r`.
async fn carry_out(
    state: &AppState,
    auth: &Auth,
    index: std::sync::Arc<Index>,
    r: Restructure,
    ask: Ask,
) -> Result<Response, ApiError> {
    let Ask { preview, reason, force } = ask;
    let reason = if preview { None } else { Some(super::reason(reason)?) };
    let caller = auth.caller.clone();
    let idx = index.clone();
    let redraw = r.redraw.clone();
    let (impact, impact_value) = blocking(move || impact_json(&idx, &caller, &redraw, &Adjustments::default())).await?;
    let grant = auth.caller.grant(&index);
    let leaders = grant.leaders();
    let created: Vec<Value> = r
        .created
        .iter()
        .map(|a| {
            let (n, p) = crate::features::leader(a, leaders);
            json!({"code": a.code.as_str(), "name": a.name, "level": a.level, "parent_code": a.parent_code,
                   "leader_name": n, "leader_phone": p, "properties": a.properties,
                   "geometry": plan::json::geometry(&a.geometry)})
        })
        .collect();
    let mut answer = json!({
        "preview": preview,
        "created": created,
        "retired": r.change.retired.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
        "lineage": r.change.lineage.iter().map(|(p, s)| json!({"predecessor": p.as_str(), "successor": s.as_str()})).collect::<Vec<_>>(),
        "impact": impact_value,
    });
    let Some(reason) = reason else {
        state.audit(
            auth.entry(Action::ReadArea, "areas")
                .codes(r.change.retired.iter().map(|(c, _)| c.to_string()))
                .detail("restructure preview"),
        )?;
        return respond::json(&answer);
    };
    if !force && impact.blocking().next().is_some() {
        return Err(ApiError::Conflict {
            code: "topology_problems",
            message: format!(
                "the change would create {} problem(s) in how the areas tile their parent; commit with \"force\": true to go ahead",
                impact.blocking().count()
            ),
            details: Some(json!({"new_problems": impact.blocking().map(plan::json::problem).collect::<Vec<_>>()})),
        });
    }
    let note = ChangeNote::new(auth.caller.user.to_string(), Some(reason));
    let changed = write_change(state, auth, &r.change, &note).await?;
    answer["change_id"] = json!(note.id);
    answer["reason"] = json!(note.reason);
    answer["areas"] = changed;
    respond::json(&answer)
}

/// Splits an area along a drawn line, or into N parts balanced on households. The parts get new
/// codes (reading order, after every code ever used under the parent); the area's code is retired
/// and its children are carried into the parts.
#[utoipa::path(post, path = "/api/v1/areas/{code}/split", tag = "planning",
    params(("code" = String, Path, description = "the area to split"), ("If-Match" = String, Header, description = "its version (not for a preview)")),
    request_body(content = Object, description = "{line (GeoJSON LineString) | parts (2..50), names?, crs?, preview?, reason, force?}"),
    responses((status = 200, description = "the parts, lineage and impact (and the change when committed)"), (status = 400), (status = 403),
        (status = 404), (status = 409), (status = 412), (status = 428)))]
pub async fn split_area(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    headers: HeaderMap,
    Json(body): Json<SplitBody>,
) -> Result<Response, ApiError> {
    let preview = body.preview.unwrap_or(false);
    let index = state.index();
    let i = target(&auth, &index, &raw, &headers, preview)?;
    let parent = index
        .areas
        .parent(i)
        .ok_or_else(|| restructure_error(RestructureError::NoParent(index.areas.get(i).code.to_string())))?;
    let names = body
        .names
        .map(|ns| ns.into_iter().map(name).collect::<Result<Vec<_>, _>>())
        .transpose()?;
    let datum = crs(body.crs.as_deref())?;
    let line = match (&body.line, body.parts) {
        (Some(l), None) => {
            let g: geojson::Geometry = serde_json::from_value(l.clone()).map_err(|e| {
                ApiError::bad(
                    "invalid_geometry",
                    format!("line: not GeoJSON: {}", clip(&e.to_string())),
                )
            })?;
            Some(crate::import::line(&g.value, datum).map_err(|e| ApiError::bad("invalid_geometry", e))?)
        }
        (None, Some(_)) => None,
        _ => {
            return Err(ApiError::bad(
                "invalid_body",
                "give a \"line\" (GeoJSON LineString) to cut along, or a number of \"parts\", not both",
            ));
        }
    };
    let parts = body.parts;
    let used = used_under(&state, &index, parent).await?;
    let idx = index.clone();
    let r = blocking(move || -> Result<Restructure, ApiError> {
        let tolerance = plan::topology::DEFAULT_TOLERANCE_M2;
        let outline = &idx.areas.get(i).geometry;
        let pieces = match (line, parts) {
            (Some(l), _) => split::by_line(outline, &l, tolerance),
            (None, Some(n)) => {
                let points: Vec<geo::Coord<f64>> = plan::tally::households_in(&idx, i)
                    .into_iter()
                    .map(|h| {
                        let l = idx.households.get(h).location;
                        l.to_coord()
                    })
                    .collect();
                split::balanced(outline, &points, None, n, tolerance)
            }
            (None, None) => unreachable!("checked above"),
        }
        .map_err(split_error)?;
        restructure::split(&idx, i, pieces, names, &used, tolerance).map_err(restructure_error)
    })
    .await??;
    carry_out(&state, &auth, index, r, Ask::new(preview, body.reason, body.force)).await
}

/// Merges adjacent siblings into one area under a new code; their codes are retired and their
/// children carried into it.
#[utoipa::path(post, path = "/api/v1/areas/{code}/merge", tag = "planning",
    params(("code" = String, Path, description = "one of the areas to merge"), ("If-Match" = String, Header, description = "its version (not for a preview)")),
    request_body(content = Object, description = "{with: [{code, version}], name?, preview?, reason, force?}"),
    responses((status = 200, description = "the merged area, lineage and impact (and the change when committed)"), (status = 400), (status = 403),
        (status = 404), (status = 409), (status = 412), (status = 428)))]
pub async fn merge_areas(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    headers: HeaderMap,
    Json(body): Json<MergeBody>,
) -> Result<Response, ApiError> {
    let preview = body.preview.unwrap_or(false);
    let index = state.index();
    let i = target(&auth, &index, &raw, &headers, preview)?;
    let mut areas = vec![i];
    for s in &body.with {
        let k = area(&index, &s.code)?;
        may_edit(&auth.caller, &index, k)?;
        let now = index.areas.get(k).version;
        match s.version {
            Some(v) if v != now => {
                return Err(ApiError::PreconditionFailed(format!(
                    "{} is at version {now}, not {v}: someone committed a change since it was read; reload and redo",
                    s.code
                )));
            }
            None if !preview => {
                return Err(ApiError::PreconditionRequired(format!(
                    "give the version of {} you saw (\"with\": [{{\"code\", \"version\"}}]), so no one's change is overwritten",
                    s.code
                )));
            }
            _ => {}
        }
        areas.push(k);
    }
    let name = body.name.map(name).transpose()?;
    let parent = index
        .areas
        .parent(i)
        .ok_or_else(|| restructure_error(RestructureError::NoParent(index.areas.get(i).code.to_string())))?;
    let used = used_under(&state, &index, parent).await?;
    let idx = index.clone();
    let r = blocking(move || {
        restructure::merge(&idx, &areas, name, &used, plan::topology::DEFAULT_TOLERANCE_M2).map_err(restructure_error)
    })
    .await??;
    carry_out(&state, &auth, index, r, Ask::new(preview, body.reason, body.force)).await
}

/// Suggests `count` red house-yards for a grid — each in one piece, balanced on households and
/// led by a party-member center household — replacing its present ones when committed.
#[utoipa::path(post, path = "/api/v1/areas/{code}/red_yards", tag = "planning",
    params(("code" = String, Path, description = "the grid"), ("If-Match" = String, Header, description = "the grid's version (not for a preview)")),
    request_body(content = Object, description = "{count, preview?, reason, force?}"),
    responses((status = 200, description = "the red house-yards with their leaders, lineage and impact"), (status = 400), (status = 403),
        (status = 404), (status = 409), (status = 412), (status = 428)))]
pub async fn suggest_red_yards(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    headers: HeaderMap,
    Json(body): Json<YardsBody>,
) -> Result<Response, ApiError> {
    let preview = body.preview.unwrap_or(false);
    let index = state.index();
    let i = target(&auth, &index, &raw, &headers, preview)?;
    let grid = index.areas.get(i);
    if grid.level != Level::Grid {
        return Err(ApiError::bad(
            "invalid_restructure",
            format!("{} is a {}: red house-yards divide grids", grid.code, grid.level),
        ));
    }
    if !(1..=50).contains(&body.count) {
        return Err(ApiError::bad("invalid_body", "\"count\" must be 1 to 50"));
    }
    let used = used_under(&state, &index, i).await?;
    let idx = index.clone();
    let count = body.count;
    let r = blocking(move || -> Result<Restructure, ApiError> {
        let tolerance = plan::topology::DEFAULT_TOLERANCE_M2;
        let s = plan::yards::suggest(&idx, i, count, tolerance).map_err(split_error)?;
        restructure::replace_children(&idx, i, Level::RedYard, s.yards, &used, tolerance).map_err(restructure_error)
    })
    .await??;
    carry_out(&state, &auth, index, r, Ask::new(preview, body.reason, body.force)).await
}
