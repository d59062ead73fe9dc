//! `GET /api/v1/maps/coverage.png`: the coverage of an area as a static map for reports and
//! printing, drawn on the server ([`crate::maps`]) from the same report as `GET /api/v1/coverage`.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Auth;
use super::coverage::{blocking, distance, question, record_area};
use super::error::ApiError;
use super::extract::Query;
use super::params::integer;
use crate::access::Sight;
use crate::coverage as analysis;
use crate::maps::{self, CoverageMap, Households};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct CoverageMapParams {
    /// Station kind, e.g. `red_station`, `governance_center`, `police_room`.
    pub kind: Option<String>,
    /// The reach of a station, geodesic metres (1 to 50,000).
    #[param(value_type = f64)]
    pub radius_m: Option<String>,
    /// The area to map (any level); default every top-level area.
    pub area_code: Option<String>,
    /// Picture width, pixels (200 to 4,000, default 1,200).
    #[param(value_type = Option<u32>)]
    pub width: Option<String>,
    /// Picture height, pixels (200 to 4,000, default 900).
    #[param(value_type = Option<u32>)]
    pub height: Option<String>,
    /// `straight` (default) or `walking`: households covered on foot along the path network, and
    /// the stretches of path within the walk drawn instead of circles. 409 `no_paths` without a
    /// network.
    pub distance: Option<String>,
}

/// A PNG map of coverage by stations of `kind` within `radius_m` in an area: the area and its
/// children's outlines with names, each station with its reach (a geodesic circle of the radius),
/// households as dots coloured covered / not covered, a title with the figures of
/// `GET /api/v1/coverage`, a legend, a scale bar, a north arrow and a data line. Households are
/// drawn as the caller may see them: only in a scoped caller's scope, none for viewers (who get
/// outlines and stations, and no figures). The projection is a local equirectangular fit to the
/// area; the headers `X-Map-Centre` (`lon,lat` of the pixel `X-Map-Centre-Px`) and
/// `X-Map-Metres-Per-Pixel` give it.
#[utoipa::path(get, path = "/api/v1/maps/coverage.png", tag = "coverage", params(CoverageMapParams),
    responses((status = 200, description = "the map", content_type = "image/png", body = Vec<u8>),
        (status = 400, description = "bad kind, radius, area code, width or height"),
        (status = 404, description = "unknown area_code")))]
pub async fn coverage_png(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<CoverageMapParams>,
) -> Result<Response, ApiError> {
    let index = state.index();
    let question = question(&index, &params.kind, &params.radius_m, &params.area_code, &None)?;
    let width = integer("width", params.width.as_deref(), 0, u64::MAX)?.unwrap_or(1200);
    let height = integer("height", params.height.as_deref(), 0, u64::MAX)?.unwrap_or(900);
    let (width, height) = (maps::side("width", width)?, maps::side("height", height)?);
    let distance = distance(&index, params.distance.as_deref())?;
    let font = state.glyphs().font().map(std::path::Path::to_path_buf);
    let caller = auth.caller.clone();
    let made = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let (rendered, area_code, kind, radius_m) = blocking(move || {
        let grant = caller.grant(&index);
        let report = analysis::measure(&index, question, distance).map_err(ApiError::from)?;
        let households = if !grant.sees_households() {
            Households::None
        } else if grant.sees_every_household() {
            Households::All
        } else {
            Households::Some(
                (0..report.households.len())
                    .filter(|&j| grant.household(report.households[j]) != Sight::Hidden)
                    .collect(),
            )
        };
        let map = CoverageMap {
            index: &index,
            report: &report,
            households,
            counts: grant.sees_household_counts(),
            width,
            height,
            font: font.as_deref(),
            made,
        };
        let q = &report.question;
        let area_code = q.area.map(|a| index.areas.get(a).code.to_string());
        let rendered = maps::render(&map).map_err(ApiError::from)?;
        Ok::<_, ApiError>((rendered, area_code, q.kind.as_str().to_owned(), q.radius.metres()))
    })
    .await??;
    record_area(&state, &auth, area_code.as_deref(), "coverage map", &kind, radius_m)?;
    let f = rendered.frame;
    let headers = [
        (CONTENT_TYPE, "image/png".to_owned()),
        (CACHE_CONTROL, "no-store".to_owned()),
    ];
    let georef = [
        ("x-map-centre", format!("{},{}", f.lon0, f.lat0)),
        ("x-map-centre-px", format!("{},{}", f.centre_px.0, f.centre_px.1)),
        ("x-map-metres-per-pixel", format!("{}", f.m_per_px)),
    ];
    let mut response = (headers, rendered.png).into_response();
    for (name, value) in georef {
        if let Ok(v) = value.parse() {
            response.headers_mut().insert(name, v);
        }
    }
    Ok(response)
}
