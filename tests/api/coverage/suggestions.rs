//! Suggested sites: the greedy choice on a hand-made street, and stations built at the sites
//! raising coverage by exactly the gains reported.

use axum::http::StatusCode;
use gridmap::access::Role;
use gridmap::domain::Layer;
use serde_json::{Value, json};

use crate::fixture::{COMMUNITY, GRID_W, YARD_S};
use crate::{TestApp, apps, empty_apps};

/// Imports `sites` (from a suggestions answer) as red stations, through the import path, codes
/// `{prefix}-1`, `{prefix}-2`, ….
pub async fn build_stations(app: &TestApp, prefix: &str, sites: &[Value]) {
    let features: Vec<Value> = sites
        .iter()
        .map(|s| {
            json!({"type": "Feature",
                   "properties": {"code": format!("{prefix}-{}", s["rank"]), "kind": "red_station", "name": "新驿站"},
                   "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]}})
        })
        .collect();
    let text = json!({"type": "FeatureCollection", "features": features}).to_string();
    app.import(Layer::Stations, &text)
        .await
        .unwrap_or_else(|e| panic!("{}: importing the sites: {e}", app.backend));
}

#[tokio::test]
async fn stations_built_at_the_suggested_sites_raise_coverage_by_their_gains() {
    for app in apps().await {
        let b = app.backend;
        let coverage = format!("/api/v1/coverage?kind=red_station&radius_m=100&area_code={COMMUNITY}");
        // Building anchors: only B2 (7 m from H4) reaches anyone left out; H3 has no building near.
        let (status, body) = app
            .get(&format!(
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&area_code={COMMUNITY}&k=3"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        assert_eq!(body["candidates"], "buildings");
        assert_eq!(
            body["candidates_weighed"], 2,
            "B1 and B2 are in the community, B3 is not"
        );
        assert_eq!(
            (body["households"].as_u64(), body["covered_before"].as_u64()),
            (Some(4), Some(2))
        );
        let sites = body["sites"].as_array().unwrap();
        assert_eq!(sites.len(), 1, "{b}: no other candidate covers anyone: {body}");
        assert_eq!(sites[0]["building_code"], "B2");
        assert_eq!(
            (sites[0]["gain"].as_u64(), sites[0]["covered"].as_u64()),
            (Some(1), Some(3))
        );
        assert_eq!(sites[0]["share"], 0.75);
        assert_eq!(
            sites[0]["households"],
            json!(["H4"]),
            "{b}: the household B2 would cover"
        );
        assert_eq!(body["covered_after"], 3);

        // A 50 m grid of candidates reaches both H4 and H3: one site each, the southern first.
        let (status, body) = app
            .get(&format!(
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&area_code={COMMUNITY}&k=5&candidates=grid&spacing_m=50"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        assert_eq!(body["spacing_m"], 50.0);
        let sites = body["sites"].as_array().unwrap().clone();
        let gains: Vec<u64> = sites.iter().map(|s| s["gain"].as_u64().unwrap()).collect();
        assert_eq!(gains, [1, 1], "{b}: {body}");
        let named: Vec<&Value> = sites.iter().map(|s| &s["households"]).collect();
        assert_eq!(named, [&json!(["H4"]), &json!(["H3"])], "{b}: {body}");
        // A leader of the west grid gets the same sites and gains, but H4 (in the south yard, out
        // of the leader's scope) is not named.
        let leader = app.token_for("leader-w", Role::GridLeader, Some(GRID_W)).await;
        let (_, theirs) = app
            .get_as(
                &leader,
                &format!(
                    "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&area_code={COMMUNITY}&k=5&candidates=grid&spacing_m=50"
                ),
            )
            .await;
        let named: Vec<&Value> = theirs["sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["households"])
            .collect();
        assert_eq!(named, [&json!([]), &json!(["H3"])], "{b}: {theirs}");
        assert_eq!(theirs["sites"][0]["gain"], 1, "{b}: {theirs}");
        assert_eq!(sites[0]["area_code"], YARD_S);
        assert_eq!(sites[1]["area_code"], GRID_W);
        assert_eq!(body["covered_after"], 4);
        assert_eq!(body["share_after"], 1.0);
        // Build them one at a time: coverage rises by each gain, exactly.
        for (n, site) in sites.iter().enumerate() {
            build_stations(&app, &format!("NEW{n}"), std::slice::from_ref(site)).await;
            let (_, now) = app.get(&coverage).await;
            assert_eq!(now["covered"], site["covered"], "{b}: after site {}", n + 1);
        }
        // Nothing is left to suggest.
        let (_, body) = app
            .get(&format!(
                "/api/v1/coverage/suggestions?kind=red_station&radius_m=100&area_code={COMMUNITY}&candidates=grid"
            ))
            .await;
        assert_eq!(body["sites"], json!([]), "{b}");
        assert_eq!(body["covered_before"], 4);
    }
}

/// A hand-made street along 32°N, where 0.0001° of longitude is 9.45 m on the ground:
///
/// ```text
/// lon offset (°)   0      0.0001   0.0009   0.0017     0.02        0.04                          0.1
/// buildings        P               M        Q          Z           W (+ a red station 11 m away)
/// households              5 (X)             4 (Y)      3 (Z)       2 (W)                         1 (V)
/// ```
///
/// Within 100 m: P reaches X (9 m) = 5, M reaches X (76 m) and Y (76 m) = 9, Q reaches Y = 4
/// (X is 151 m off), Z its 3, W none (its 2 are covered already), and no building reaches V. The
/// best single site is M; then Z; then nothing gains, so two sites for k = 5: +9, +3, from 2
/// covered of 15 to 14.
#[tokio::test]
async fn greedy_takes_the_best_single_site_then_the_best_next_one() {
    for app in empty_apps().await {
        let b = app.backend;
        let at = |d: f64| json!({"type": "Point", "coordinates": [112.0 + d, 32.0]});
        let buildings: Vec<Value> = [("P", 0.0), ("M", 0.0009), ("Q", 0.0017), ("Z", 0.02), ("W", 0.04)]
            .iter()
            .map(|(code, d)| json!({"type": "Feature", "properties": {"code": code}, "geometry": at(*d)}))
            .collect();
        let mut households = Vec::new();
        for (cluster, n, d) in [
            ("X", 5, 0.0001),
            ("Y", 4, 0.0017),
            ("Z", 3, 0.02),
            ("W", 2, 0.04),
            ("V", 1, 0.1),
        ] {
            for i in 0..n {
                households.push(
                    json!({"type": "Feature", "properties": {"code": format!("{cluster}{i}")}, "geometry": at(d)}),
                );
            }
        }
        let station = json!({"type": "Feature", "properties": {"code": "RS-W", "kind": "red_station"},
                             "geometry": {"type": "Point", "coordinates": [112.04, 32.0001]}});
        let fc = |features: Vec<Value>| json!({"type": "FeatureCollection", "features": features}).to_string();
        app.import(Layer::Buildings, &fc(buildings)).await.unwrap();
        app.import(Layer::Households, &fc(households)).await.unwrap();
        app.import(Layer::Stations, &fc(vec![station])).await.unwrap();

        let ask =
            |k: usize, extra: &str| format!("/api/v1/coverage/suggestions?kind=red_station&radius_m=100&k={k}{extra}");
        let (status, body) = app.get(&ask(1, "")).await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        assert_eq!(body["sites"][0]["building_code"], "M", "{b}: {body}");
        assert_eq!(body["sites"][0]["gain"], 9);

        let (_, body) = app.get(&ask(5, "")).await;
        let picked: Vec<(&str, u64)> = body["sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["building_code"].as_str().unwrap(), s["gain"].as_u64().unwrap()))
            .collect();
        assert_eq!(picked, [("M", 9), ("Z", 3)], "{b}: {body}");
        assert_eq!(
            (body["households"].as_u64(), body["covered_before"].as_u64()),
            (Some(15), Some(2))
        );
        assert_eq!(
            (body["covered_after"].as_u64(), body["share_after"].as_f64()),
            (Some(14), Some(0.9333))
        );
        assert_eq!(body["candidates_weighed"], 5);

        // A 10 m grid finds a site between X and Y reaching both, as M does.
        let (_, body) = app.get(&ask(1, "&candidates=grid&spacing_m=10")).await;
        assert_eq!(body["sites"][0]["gain"], 9, "{b}: {body}");
        assert_eq!(body["sites"][0]["building_code"], Value::Null);

        let sites = app.get(&ask(5, "")).await.1["sites"].as_array().unwrap().clone();
        build_stations(&app, "NEW", &sites).await;
        let (_, body) = app.get("/api/v1/coverage?kind=red_station&radius_m=100").await;
        assert_eq!(body["covered"], 14, "{b}: {body}");
    }
}
