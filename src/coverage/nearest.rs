//! The nearest station of a kind from every household asked about, in geodesic metres on the
//! WGS 84 ellipsoid.
//!
//! A household is covered at radius R exactly when this distance is at most R, so one pass answers
//! coverage at any radius, the mean and the percentiles, and names the station that serves each
//! household. The search is the dispatcher's nearest search ([`crate::index::StationIndex::nearest`]
//! with k = 1), done for each household in turn, spread over the machine's cores when there are many.

use crate::domain::StationKind;
use crate::index::{Index, Nearby};

/// Households per thread below which one thread does all (starting threads costs more).
const PER_THREAD: usize = 20_000;

/// For each of `households` (indices into the snapshot), its nearest station of `kind` and the
/// geodesic distance to it in metres; `None` when the snapshot has no station of that kind.
pub fn nearest_stations(index: &Index, kind: &StationKind, households: &[u32]) -> Option<Vec<Nearby>> {
    if !index.stations.has_kind(kind) {
        return None;
    }
    let one = |&h: &u32| {
        let p = index.households.get(h).location;
        // A kind with a station has a nearest one from anywhere on Earth.
        index.stations.nearest(p, kind, 1, None).into_iter().next()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(households.len() / PER_THREAD)
        .max(1);
    if threads == 1 {
        return households.iter().map(one).collect();
    }
    let chunk = households.len().div_ceil(threads);
    let parts: Option<Vec<Vec<Nearby>>> = std::thread::scope(|s| {
        let running: Vec<_> = households
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Option<Vec<_>>>()))
            .collect();
        running
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    parts.map(|p| p.concat())
}
