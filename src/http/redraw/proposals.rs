//! Proposals: kept redraws with their impact, read against today's data and carried out once.

use super::*;
use crate::http::extract::Query;

/// Proposes new outlines and answers their impact, changing nothing; the proposal is kept.
#[utoipa::path(post, path = "/api/v1/areas/{code}/proposals", tag = "planning",
    params(("code" = String, Path, description = "the redrawn area (or one of the redrawn siblings)")),
    request_body(content = Object, description = "{\"geometry\"} or {\"areas\": [{\"code\", \"geometry\"}]}, optional title, crs, shared_edges, keep (false: a draft, nothing kept)"),
    responses((status = 201, description = "the proposal with its impact"), (status = 200, description = "a draft's impact (keep: false)"), (status = 400), (status = 403), (status = 404)))]
pub async fn propose(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    Json(body): Json<ProposalBody>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let i = area(&index, &raw)?;
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
    if body.keep == Some(false) {
        // A draft, re-proposed as the planner drags: its impact only.
        state.audit(
            auth.entry(Action::ReadArea, "areas")
                .codes(codes(&index, &redraw))
                .detail("draft"),
        )?;
        return respond::json(&json!({"id": null, "impact": answer}));
    }
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

/// The code and version of each area a kept proposal redraws.
fn kept_codes(p: &Proposal) -> impl Iterator<Item = (&str, i64)> {
    p.areas.as_array().into_iter().flatten().map(|item| {
        (
            item["code"].as_str().unwrap_or_default(),
            item["version"].as_i64().unwrap_or_default(),
        )
    })
}

/// Whether any area of a kept proposal is gone or at another version than it was drawn against.
fn is_stale(index: &Index, p: &Proposal) -> bool {
    kept_codes(p).any(|(c, v)| {
        Code::parse(c)
            .ok()
            .and_then(|c| index.areas.find(&c))
            .is_none_or(|i| index.areas.get(i).version != v)
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
        let i = area(index, c).map_err(|_| ApiError::Conflict {
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
        redraw: Redraw::outlines(parent, changes),
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
    // Proposals of areas outside a planner's scope do not exist for them: visible to whoever may
    // edit the parent or one of the areas it redraws.
    let grant = auth.caller.grant(index);
    let editable = |c: &str| Code::parse(c).is_ok_and(|c| grant.may_edit_area(&c));
    let visible = editable(&p.parent_code) || kept_codes(&p).any(|(c, _)| editable(c));
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
    let i = area(&index, &raw)?;
    may_edit(&auth.caller, &index, i)?;
    let mut out = Vec::new();
    let mut parents = vec![index.areas.get(i).code.to_string()];
    if let Some(p) = index.areas.parent(i) {
        parents.push(index.areas.get(p).code.to_string());
    }
    for parent in parents {
        for p in state.store().proposals(&parent).await? {
            let here = index.areas.get(i).code.as_str();
            if p.parent_code == here || kept_codes(&p).any(|(c, _)| c == here) {
                out.push(proposal_json(&p, is_stale(&index, &p)));
            }
        }
    }
    respond::json(&json!({"code": index.areas.get(i).code.as_str(), "proposals": out}))
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareParams {
    /// Comma-separated proposal ids, 2 to 5.
    pub ids: String,
}

/// Several proposals side by side, each read against today's data: how many households, buildings
/// and stations each moves, the problems each creates, the households-per-child spread each leaves,
/// each child's households under each, and the households they send to different places.
#[utoipa::path(get, path = "/api/v1/proposals/compare", tag = "planning",
    params(("ids" = String, Query, description = "2 to 5 proposal ids, comma-separated")),
    responses((status = 200, description = "the proposals side by side"), (status = 400), (status = 404)))]
pub async fn compare(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<CompareParams>,
) -> Result<Response, ApiError> {
    let ids: Vec<&str> = params.ids.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if !(2..=5).contains(&ids.len()) {
        return Err(ApiError::bad(
            "invalid_query",
            "\"ids\" must name 2 to 5 proposals, comma-separated",
        ));
    }
    let index = state.index();
    let mut kept = Vec::with_capacity(ids.len());
    for raw in &ids {
        let p = load_proposal(&state, &auth, &index, raw).await?;
        let k = proposal_redraw(&index, &p)?;
        kept.push((p, k));
    }
    let caller = auth.caller.clone();
    let idx = index.clone();
    let redraws: Vec<Redraw> = kept.iter().map(|(_, k)| k.redraw.clone()).collect();
    let impacts = blocking(move || {
        redraws
            .iter()
            .map(|r| plan::assess(&idx, r, Options::for_children_of(idx.areas.get(r.parent).level)))
            .collect::<Vec<_>>()
    })
    .await?;
    let grant = caller.grant(&index);
    let counts = grant.sees_household_counts();
    let shown = |h: u32| grant.household(h) != Sight::Hidden;
    let households = |r: &plan::validate::Report, code: &str| {
        r.children
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.counts.measures[plan::Measure::Households as usize])
    };
    // Every child any proposal has, before or after.
    let mut children: Vec<String> = impacts
        .iter()
        .flat_map(|i| {
            i.before
                .children
                .iter()
                .chain(&i.after.children)
                .map(|c| c.code.clone())
        })
        .collect();
    children.sort();
    children.dedup();
    let table: Vec<Value> = children
        .iter()
        .map(|c| {
            let before = impacts.first().and_then(|i| households(&i.before, c));
            let after: Vec<Option<u64>> = impacts.iter().map(|i| households(&i.after, c)).collect();
            if counts {
                json!({"code": c, "before": before, "after": after})
            } else {
                json!({"code": c, "before": null, "after": after.iter().map(|_| Value::Null).collect::<Vec<_>>()})
            }
        })
        .collect();
    // Households whose destination differs between the proposals. Each starts where it lives now
    // (`from` of any move of it); a proposal that does not move it leaves it there.
    let mut dest: BTreeMap<u32, Vec<Option<String>>> = BTreeMap::new();
    for (k, i) in impacts.iter().enumerate() {
        for m in &i.households {
            let to = dest
                .entry(m.item)
                .or_insert_with(|| vec![m.from.clone(); impacts.len()]);
            to[k] = m.to.clone();
        }
    }
    let differ: Vec<Value> = dest
        .iter()
        .filter(|(h, to)| shown(**h) && to.iter().any(|t| *t != to[0]))
        .map(|(h, to)| json!({"code": index.households.get(*h).code.as_str(), "to": to}))
        .collect();
    let proposals: Vec<Value> = kept
        .iter()
        .zip(&impacts)
        .map(|((p, k), i)| {
            let spread = i
                .after
                .spreads
                .iter()
                .find(|(m, _)| *m == plan::Measure::Households)
                .and_then(|(_, s)| *s)
                .filter(|_| counts)
                .map(|s| json!({"min": s.min, "max": s.max}));
            json!({
                "id": p.id, "title": p.title, "created_by": p.created_by, "status": p.status.as_str(), "stale": k.stale,
                "households_moved": if counts { json!(i.households.len()) } else { Value::Null },
                "buildings_moved": i.buildings.len(), "stations_moved": i.stations.len(),
                "areas_affected": i.affected, "new_problems": i.new_problems.iter().map(plan::json::problem).collect::<Vec<_>>(),
                "blocking": i.blocking().next().is_some(), "households_spread": spread,
            })
        })
        .collect();
    respond::json(&json!({"proposals": proposals, "children": table, "households_differ": differ}))
}
