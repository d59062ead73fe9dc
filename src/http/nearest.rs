//! `GET /api/v1/nearest`: the k nearest stations of a kind, by geodesic metres or (with
//! `distance=walking`) by metres walked along the path network.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;
use super::extract::Query;
use super::params::{integer, number, point};
use super::respond;
use super::views::{NearestAnswer, NearestItem, StationView};
use crate::coverage::Distance;
use crate::domain::{LonLat, StationKind};
use crate::index::Index;
use crate::index::geodesic::ground_distance_m;
use crate::network::{Network, Snap, nearest_targets};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct NearestParams {
    /// Longitude, degrees.
    #[param(value_type = f64)]
    pub lon: Option<String>,
    /// Latitude, degrees.
    #[param(value_type = f64)]
    pub lat: Option<String>,
    /// The datum of `lon`/`lat` and of points in the answer: `wgs84` (default), `gcj02` or `bd09`.
    pub crs: Option<String>,
    /// Station kind, e.g. `red_station`, `governance_center`, `police_room`.
    pub kind: Option<String>,
    /// How many stations, 1 to 100 (default 5).
    #[param(value_type = Option<u32>)]
    pub k: Option<String>,
    /// Only stations within this many metres.
    #[param(value_type = Option<f64>)]
    pub max_distance_m: Option<String>,
    /// `straight` (default) or `walking`: rank by metres walked along the path network (each result
    /// then also has `walking_distance_m`; `max_distance_m` bounds the walk). 409 `no_paths` when
    /// no network is loaded.
    pub distance: Option<String>,
}

/// The `k` nearest stations of `kind`, ascending by geodesic distance on the WGS 84 ellipsoid.
#[utoipa::path(get, path = "/api/v1/nearest", tag = "nearest", params(NearestParams),
    responses((status = 200, body = NearestAnswer), (status = 400, description = "bad point, kind, k or distance"),
        (status = 409, description = "distance=walking without a path network")))]
pub async fn nearest(State(state): State<AppState>, Query(params): Query<NearestParams>) -> Result<Response, ApiError> {
    let given = point(params.lon.as_deref(), params.lat.as_deref(), params.crs.as_deref())?;
    let index = state.index();
    let kind_text = params
        .kind
        .as_deref()
        .ok_or_else(|| ApiError::invalid_parameter("query parameter 'kind' is required"))?;
    let kind = StationKind::parse(kind_text).map_err(|e| ApiError::bad("unknown_kind", e))?;
    if !kind.is_known() && !index.stations.has_kind(&kind) {
        let present: Vec<&str> = index.stations.kinds().map(|k| k.as_str()).collect();
        return Err(ApiError::bad(
            "unknown_kind",
            format!(
                "unknown station kind {:?}; known kinds: {}{}",
                kind.as_str(),
                StationKind::known_list(),
                if present.is_empty() {
                    String::new()
                } else {
                    format!("; in the data: {}", present.join(", "))
                }
            ),
        ));
    }
    let k = integer("k", params.k.as_deref(), 1, 100)?.unwrap_or(5) as usize;
    let max = match params.max_distance_m.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => {
            let m = number("max_distance_m", Some(s))?;
            if m < 0.0 {
                return Err(ApiError::invalid_parameter(format!(
                    "max_distance_m must not be negative, got {m}"
                )));
            }
            Some(m)
        }
    };
    let distance = Distance::parse(params.distance.as_deref())?;
    let (p, crs) = (given.wgs84, given.crs);
    let cm = |m: f64| (m * 100.0).round() / 100.0;
    let results = match distance {
        Distance::Straight => index
            .stations
            .nearest(p, &kind, k, max)
            .into_iter()
            .map(|n| NearestItem {
                station: StationView::new(index.stations.get(n.station), crs),
                distance_m: cm(n.distance_m),
                walking_distance_m: None,
            })
            .collect(),
        Distance::Walking => {
            let net = crate::coverage::walking::network(&index)?;
            walking(&index, net, p, &kind, k, max)
                .into_iter()
                .map(|(s, walked)| {
                    let station = index.stations.get(s);
                    NearestItem {
                        station: StationView::new(station, crs),
                        distance_m: cm(ground_distance_m(p, station.location)),
                        walking_distance_m: Some(cm(walked)),
                    }
                })
                .collect()
        }
    };
    respond::json(&NearestAnswer {
        lon: given.given.0,
        lat: given.given.1,
        crs,
        kind: kind.as_str(),
        distance: (distance == Distance::Walking).then_some("walking"),
        results,
    })
}

/// The `k` stations of `kind` nearest to `p` on foot along `net` (within `max` metres walked), as
/// `(station, metres)` ascending. Stations the network does not connect to `p` are left out.
fn walking(index: &Index, net: &Network, p: LonLat, kind: &StationKind, k: usize, max: Option<f64>) -> Vec<(u32, f64)> {
    let Some(from) = net.snap(p.to_coord()) else {
        return Vec::new();
    };
    let (ids, snaps): (Vec<u32>, Vec<Snap>) = index
        .stations
        .all()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == *kind)
        .filter_map(|(i, s)| Some((i as u32, net.snap(s.location.to_coord())?)))
        .unzip();
    nearest_targets(net, &from, &snaps, k, max.unwrap_or(f64::INFINITY))
        .into_iter()
        .map(|(t, m)| (ids[t], m))
        .collect()
}
