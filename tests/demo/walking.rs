//! The demo's path network: one connected piece, and for every household and every station kind a
//! walk to the nearest station that is never shorter than the straight line to the nearest one,
//! and not implausibly longer.

use gridmap::domain::StationKind;
use gridmap::network::{Reach, Snap};
use gridmap::state::AppState;

use crate::{Dispatcher, get};

pub async fn the_network_is_connected_and_walks_are_never_shorter_than_the_crow_flies(
    backend: &str,
    state: &AppState,
    client: &Dispatcher,
) {
    let index = state.index();
    let net = index.paths.network().expect("the demo loads a path network");
    assert_eq!(net.components(), 1, "{backend}: the demo network is one piece");

    for kind in ["red_station", "police_room", "governance_center"] {
        let kind = StationKind::parse(kind).unwrap();
        let stations: Vec<Snap> = index
            .stations
            .all()
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| net.snap(s.location.to_coord()).unwrap())
            .collect();
        assert!(!stations.is_empty());
        let reach = Reach::from_sources(net, &stations, f64::INFINITY);
        let mut longer = 0;
        let mut detours = Vec::new();
        let mut worst_next_door = 0.0f64;
        for h in index.households.all().iter() {
            let walked = reach
                .to(net, &net.snap(h.location.to_coord()).unwrap())
                .unwrap_or_else(|| panic!("{backend}: {} cannot walk to a {kind}", h.code));
            let straight = index.stations.nearest(h.location, &kind, 1, None)[0].distance_m;
            // A millimetre for rounding: both are sums of geodesic pieces.
            assert!(
                walked >= straight - 1e-3,
                "{backend}: {}: walk {walked} m is shorter than the straight line {straight} m to a {kind}",
                h.code
            );
            longer += usize::from(walked > straight + 1.0);
            if straight > 50.0 {
                detours.push(walked / straight);
            } else {
                worst_next_door = worst_next_door.max(walked);
            }
        }
        assert!(longer > 0, "{backend}: some walks to a {kind} go round");
        // And plausibly round: street networks make walks some 1.2 to 1.6 times the straight line
        // in towns and more in the country (the demo: about 1.45 in the middle), and a household
        // next to a station does not walk kilometres to it (lanes join neighbouring buildings, not
        // only each building to the road round its grid).
        detours.sort_by(f64::total_cmp);
        let median = detours[detours.len() / 2];
        assert!(
            (1.0..1.7).contains(&median),
            "{backend}: median detour to a {kind}: {median}"
        );
        assert!(
            worst_next_door < 500.0,
            "{backend}: a household within 50 m of a {kind} walks {worst_next_door} m"
        );
    }

    // Through the API: coverage on foot is never more than in a straight line, nearest answers both.
    let body = get(
        client,
        "/api/v1/coverage?kind=red_station&radius_m=1200&distance=walking",
    )
    .await;
    let (straight, walking) = (
        body["covered"].as_u64().unwrap(),
        body["walking"]["covered"].as_u64().unwrap(),
    );
    assert!(walking <= straight && walking > 0, "{backend}: {body}");
    let h = &index.households.all()[0];
    let body = get(
        client,
        &format!(
            "/api/v1/nearest?lon={}&lat={}&kind=red_station&k=3&distance=walking",
            h.location.lon(),
            h.location.lat()
        ),
    )
    .await;
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "{backend}: {body}");
    for r in results {
        assert!(r["walking_distance_m"].as_f64().unwrap() >= r["distance_m"].as_f64().unwrap() - 0.01);
    }
}
