//! The planner's desk over HTTP: `GET /api/v1/areas/{code}/validate`.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Auth;
use super::error::ApiError;
use super::extract::Query;
use super::params::{area, clip, number};
use super::respond;
use crate::access::{Action, Sight};
use crate::plan::{self, Band, Measure, Options};
use crate::state::AppState;

/// What a validation is checked against; every band is `MIN..MAX`, `MIN..` or `..MAX`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct CheckParams {
    /// Gaps, overlaps and overreach under this many m² are slivers (default 1).
    #[param(value_type = Option<f64>)]
    pub tolerance_m2: Option<String>,
    /// Households per child (default for grids 100..600, red house-yards 5..120).
    pub households: Option<String>,
    /// People per child (default for grids ..2500).
    pub people: Option<String>,
    /// Party-member households per child.
    pub party_members: Option<String>,
    /// Center households per child (default for red house-yards 1..).
    pub center_households: Option<String>,
}

impl CheckParams {
    /// The options for checking children of an area at `level`.
    pub fn options(&self, level: crate::domain::Level) -> Result<Options, ApiError> {
        let mut options = Options::for_children_of(level);
        if let Some(t) = self.tolerance_m2.as_deref() {
            let t = number("tolerance_m2", Some(t))?;
            if !(0.0..=1.0e8).contains(&t) {
                return Err(ApiError::invalid_parameter(format!(
                    "query parameter 'tolerance_m2' must be from 0 to 100000000 square metres, got {t}"
                )));
            }
            options.tolerance_m2 = t;
        }
        for (m, given) in [
            (Measure::Households, &self.households),
            (Measure::People, &self.people),
            (Measure::PartyMembers, &self.party_members),
            (Measure::CenterHouseholds, &self.center_households),
        ] {
            if let Some(text) = given.as_deref() {
                let band: Band = text.trim().parse().map_err(|e: String| {
                    ApiError::invalid_parameter(format!("query parameter '{}': {}", m.as_str(), clip(&e)))
                })?;
                options.bands.set(m, band);
            }
        }
        Ok(options)
    }
}

/// How the area's children tile it: gaps and overlaps (GeoJSON, m²), children reaching outside,
/// children in several pieces, households/buildings/stations in no child or in two, and balance.
#[utoipa::path(get, path = "/api/v1/areas/{code}/validate", tag = "planning",
    params(("code" = String, Path, description = "area code"), CheckParams),
    responses((status = 200, description = "the validation report"), (status = 400), (status = 404)))]
pub async fn validate(
    State(state): State<AppState>,
    auth: Auth,
    Path(raw): Path<String>,
    Query(params): Query<CheckParams>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let i = area(&index, &raw)?;
    let options = params.options(index.areas.get(i).level)?;
    let caller = auth.caller.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let report = plan::report(&index, i, plan::stored_children(&index, i), options);
        let grant = caller.grant(&index);
        let shown = |h: u32| grant.household(h) != Sight::Hidden;
        let sight = plan::json::Sight {
            household: &shown,
            counts: grant.sees_household_counts(),
        };
        (
            index.areas.get(i).code.to_string(),
            plan::json::report(&index, &report, &sight),
        )
    })
    .await
    .map_err(|e| ApiError::Internal(format!("validation task failed: {e}")))?;
    state.audit(
        auth.entry(Action::ReadArea, "areas")
            .codes([answer.0.as_str()])
            .detail("validate"),
    )?;
    respond::json(&answer.1)
}
