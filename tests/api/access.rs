//! Who may see what: tokens, roles, scopes, masking, the audit log and rate limits, through the
//! real router on both stores.

use axum::body::Body;
use axum::http::header::AUTHORIZATION;
use axum::http::{Request, StatusCode};
use gridmap::access::{AuditQuery, Rate, Role, hash_token};
use gridmap::domain::Layer;
use serde_json::{Value, json};

use crate::fixture::*;
use crate::{TestApp, apps, apps_with, error_of, test_limits};

fn codes(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {body}"))
        .iter()
        .map(|h| h["code"].as_str().or(h["id"].as_str()).unwrap().to_owned())
        .collect()
}

fn login_request(username: &str, password: &str) -> Request<Body> {
    Request::post("/api/v1/auth/token")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap()
}

/// Every route that returns data, as a user would call it.
const DATA_ROUTES: [&str; 12] = [
    "/api/v1/locate?lon=112.12&lat=32.05",
    "/api/v1/nearest?lon=112.12&lat=32.05&kind=red_station",
    "/api/v1/households?q=%E6%9D%8E",
    "/api/v1/households/H1",
    "/api/v1/areas/420001",
    "/api/v1/areas/420001/children",
    "/api/v1/areas/420001/stats",
    "/api/v1/auth/me",
    "/tiles/households/16/53204/27062.mvt",
    "/tiles/areas.json",
    "/ogc/collections/households/items",
    "/ogc/collections",
];

#[tokio::test]
async fn data_needs_a_valid_token() {
    for app in apps().await {
        for route in DATA_ROUTES {
            for auth in [
                None,
                Some("Bearer gm_0000"),
                Some("Basic YWRtaW46YWRtaW4="),
                Some("Bearer "),
            ] {
                let mut req = Request::get(route);
                if let Some(a) = auth {
                    req = req.header(AUTHORIZATION, a);
                }
                let (status, headers, body) = app.anonymous(req.body(Body::empty()).unwrap()).await;
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "{} {route} {auth:?}: {body}",
                    app.backend
                );
                assert_eq!(error_of(&body).0, "unauthorized");
                assert!(headers["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
            }
        }
        // A well-formed token nobody issued.
        let forged = format!("gm_{}", "ab".repeat(32));
        let (status, body) = app.get_as(&forged, "/api/v1/households/H1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        // What needs no token: health, the login itself, the API description, the map style.
        for route in ["/healthz", "/readyz", "/api/v1/openapi.json", "/style.json"] {
            let (status, _, body) = app.anonymous(Request::get(route).body(Body::empty()).unwrap()).await;
            assert_eq!(status, StatusCode::OK, "{} {route}: {body}", app.backend);
        }
    }
}

#[tokio::test]
async fn login_logout_expiry_and_revocation() {
    for app in apps().await {
        let token = app.token_for("leader", Role::GridLeader, Some(GRID_W)).await;
        // Wrong password and unknown user: the same answer, and nothing more.
        let (s1, _, wrong) = app.anonymous(login_request("leader", "not the password")).await;
        let (s2, _, unknown) = app.anonymous(login_request("nobody", "a test password")).await;
        assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
        assert_eq!(wrong, unknown, "{}", app.backend);
        // A good login answers the contract's fields.
        let (status, _, body) = app.anonymous(login_request("leader", "a test password")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["token"].as_str().unwrap().starts_with("gm_"));
        assert!(chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).is_ok());
        assert_eq!(body["role"], "grid_leader");
        assert_eq!(body["scope"], GRID_W);
        let second = body["token"].as_str().unwrap().to_owned();
        let (status, me) = app.get_as(&token, "/api/v1/auth/me").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            me,
            json!({"user": "leader", "role": "grid_leader", "scope": GRID_W, "sees_households": true})
        );

        // Logging out ends that token only.
        let req = Request::delete("/api/v1/auth/token")
            .header(AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let (status, _) = app.request(req).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(app.get_as(&token, "/api/v1/auth/me").await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get_as(&second, "/api/v1/auth/me").await.0, StatusCode::OK);

        // Revoking every token of the account (what `gridmap user revoke` does, from any process).
        let store = app.state.store();
        assert_eq!(store.revoke_tokens_of("leader").await.unwrap(), 1);
        let (status, body) = app.get_as(&second, "/api/v1/auth/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(error_of(&body).1.contains("revoked"), "{body}");

        // An expired token.
        let stale = format!("gm_{}", "cd".repeat(32));
        let past = chrono::Utc::now() - chrono::Duration::minutes(1);
        store.add_token(&hash_token(&stale), "leader", past).await.unwrap();
        let (status, body) = app.get_as(&stale, "/api/v1/auth/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(error_of(&body).1.contains("expired"), "{body}");

        // Removing the account ends its sessions too.
        let third = app
            .state
            .sessions()
            .login(&**store, "leader", "a test password")
            .await
            .unwrap()
            .token;
        assert!(store.remove_user("leader").await.unwrap());
        assert_eq!(app.get_as(&third, "/api/v1/auth/me").await.0, StatusCode::UNAUTHORIZED);
    }
}

/// A household of GRID_E looked after by H1 of GRID_W, so that links cross the scope boundary.
async fn add_cross_grid_household(app: &TestApp) {
    let h5 = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"code": "H5", "head_name": "钱七", "phone": "13900000005", "center_code": "H1",
                       "id_card": "420624199001011234"},
        "geometry": {"type": "Point", "coordinates": [112.17, 32.03]}}]});
    app.import(Layer::Households, &h5.to_string()).await.unwrap();
}

#[tokio::test]
async fn a_grid_leader_sees_the_households_of_the_grid_only() {
    for app in apps().await {
        add_cross_grid_household(&app).await;
        let east = app.token_for("east", Role::GridLeader, Some(GRID_E)).await;
        let west = app.token_for("west", Role::GridLeader, Some(GRID_W)).await;
        let b = app.backend;

        // Another grid's household is answered exactly as a code that does not exist.
        let (status, hidden) = app.get_as(&east, "/api/v1/households/H1").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}");
        let (_, absent) = app.get_as(&east, "/api/v1/households/H9").await;
        assert_eq!(
            error_of(&hidden).1.replace("H1", "?"),
            error_of(&absent).1.replace("H9", "?")
        );

        // Its own, in full; links into the other grid are left out.
        let (status, h5) = app.get_as(&east, "/api/v1/households/H5").await;
        assert_eq!(status, StatusCode::OK, "{b}: {h5}");
        assert_eq!(h5["head_name"], "钱七");
        assert_eq!(h5["phone"], "13900000005");
        assert_eq!(h5["properties"]["id_card"], "420624199001011234");
        assert_eq!(h5["masked"], false);
        assert_eq!(h5["center"], Value::Null, "{b}: H1 is in the other grid");
        let (_, h1) = app.get_as(&west, "/api/v1/households/H1").await;
        assert_eq!(codes(&h1, "looks_after"), ["H2", "H3"], "{b}: not H5");

        // Search: hits and totals count only the grid, whatever the text or area asked for.
        let (_, page) = app.get_as(&east, "/api/v1/households?q=%E5%AE%B6").await; // 家
        assert_eq!(codes(&page, "results"), ["H4"], "{b}");
        assert_eq!(page["total"], 1);
        let (_, page) = app.get_as(&east, "/api/v1/households?q=13900000001").await;
        assert_eq!(page["total"], 0, "{b}: H1's phone");
        let (_, page) = app
            .get_as(&east, &format!("/api/v1/households?area_code={GRID_W}"))
            .await;
        assert_eq!(page["total"], 0, "{b}");
        let (_, page) = app
            .get_as(&east, &format!("/api/v1/households?area_code={COUNTY}"))
            .await;
        assert_eq!(codes(&page, "results"), ["H4", "H5"], "{b}");

        // OGC API: the collection holds the grid's households only, and the others are not found.
        let (_, items) = app.get_as(&east, "/ogc/collections/households/items").await;
        assert_eq!(items["numberMatched"], 2, "{b}: {items}");
        assert_eq!(codes(&items, "features"), ["H4", "H5"]);
        let (status, _) = app.get_as(&east, "/ogc/collections/households/items/H1").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, items) = app
            .get_as(&east, "/ogc/collections/households/items?bbox=112.0,32.0,112.2,32.2")
            .await;
        assert_eq!(items["numberMatched"], 2, "{b}");

        // Tiles: a z14 tile over both grids carries the grid's center households only (none here),
        // a z16 tile its households only.
        for (z, expected) in [(14u8, vec![]), (16, vec!["H4"])] {
            let found = tile_codes(&app, &east, z, 112.1602, 32.0201).await;
            assert_eq!(found, expected, "{b} z{z}");
        }
        let found = tile_codes(&app, &west, 14, 112.1201, 32.0501).await;
        assert_eq!(found, ["H1"], "{b}: H1 is a center household");
    }
}

#[tokio::test]
async fn dispatchers_and_planners_see_households_masked() {
    for app in apps().await {
        add_cross_grid_household(&app).await;
        for (name, role) in [("dispatcher", Role::Dispatcher), ("planner", Role::Planner)] {
            let token = app.token_for(name, role, None).await;
            let b = format!("{} {name}", app.backend);
            let (status, h5) = app.get_as(&token, "/api/v1/households/H5").await;
            assert_eq!(status, StatusCode::OK, "{b}");
            assert_eq!(h5["head_name"], "钱*", "{b}");
            assert_eq!(h5["phone"], "139****0005", "{b}");
            assert_eq!(h5["properties"]["id_card"], "420624********1234", "{b}");
            assert_eq!(h5["masked"], true);
            assert_eq!(
                h5["center"]["phone"], "139****0001",
                "{b}: linked households masked too"
            );
            // Masked fields cannot be searched: a guessed phone or name confirms nothing.
            let (_, page) = app.get_as(&token, "/api/v1/households?q=13900000005").await;
            assert_eq!(page["total"], 0, "{b}");
            let (_, page) = app.get_as(&token, "/api/v1/households?q=%E9%92%B1%E4%B8%83").await; // 钱七
            assert_eq!(page["total"], 0, "{b}");
            let (_, page) = app.get_as(&token, "/api/v1/households?q=H5").await;
            assert_eq!(
                codes(&page, "results"),
                ["H5"],
                "{b}: codes and addresses are searchable"
            );
            let (_, item) = app.get_as(&token, "/ogc/collections/households/items/H5").await;
            assert_eq!(item["properties"]["phone"], "139****0005", "{b}");
            assert_eq!(item["properties"]["head_name"], "钱*");
            // Tiles carry no names at all for masked sight.
            let (status, _, bytes) = app
                .raw(
                    Request::get(tile_path(16, 112.17, 32.03))
                        .header(AUTHORIZATION, format!("Bearer {token}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                !bytes.windows("钱".len()).any(|w| w == "钱".as_bytes()),
                "{b}: a name in a tile"
            );
            // Counts by area stay.
            let (_, stats) = app.get_as(&token, &format!("/api/v1/areas/{COUNTY}/stats")).await;
            assert_eq!(stats["households"], 5, "{b}");
        }
    }
}

#[tokio::test]
async fn viewers_see_public_layers_only() {
    for app in apps().await {
        let token = app.token_for("viewer", Role::Viewer, None).await;
        let b = app.backend;
        for route in [
            "/api/v1/households?q=H",
            "/api/v1/households/H1",
            "/ogc/collections/households/items",
            "/ogc/collections/households/items/H1",
            &tile_path(16, 112.1201, 32.0501),
        ] {
            let (status, body) = app.get_as(&token, route).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{b} {route}");
            assert_eq!(error_of(&body).0, "forbidden");
        }
        // Areas and stations: yes, with leaders masked and no household counts.
        let (status, located) = app.get_as(&token, "/api/v1/locate?lon=112.12&lat=32.05").await;
        assert_eq!(status, StatusCode::OK);
        let grid = located["areas"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(grid["code"], GRID_W);
        assert_eq!(grid["leader_phone"], "138****0000", "{b}");
        assert!(grid["leader_name"].as_str().unwrap().ends_with('*'), "{b}: {grid}");
        let (_, stats) = app.get_as(&token, &format!("/api/v1/areas/{COUNTY}/stats")).await;
        assert_eq!(stats["households"], Value::Null, "{b}");
        assert_eq!(stats["party_members"], Value::Null);
        assert!(stats["buildings"].as_u64().unwrap() > 0);
        let (status, _) = app
            .get_as(&token, "/api/v1/nearest?lon=112.12&lat=32.05&kind=red_station")
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, area) = app.get_as(&token, "/ogc/collections/areas/items/420001002001001").await;
        assert_eq!(area["properties"]["leader_phone"], "138****0000", "{b}");
        // Other roles see the leader in full.
        let (_, located) = app.get("/api/v1/locate?lon=112.12&lat=32.05").await;
        let grid = located["areas"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(grid["leader_phone"], "13800000000");
    }
}

#[tokio::test]
async fn imports_through_the_api_follow_roles_and_scopes() {
    for app in apps().await {
        let planner = app.token_for("planner", Role::Planner, Some(COMMUNITY)).await;
        let dispatcher = app.token_for("dispatcher", Role::Dispatcher, None).await;
        let b = app.backend;
        let renamed = |code: &str, name: &str, parent: &str, w: f64| {
            json!({"type": "FeatureCollection", "features": [{"type": "Feature",
                "properties": {"code": code, "name": name, "level": "grid", "parent_code": parent},
                "geometry": {"type": "Polygon", "coordinates": [rect(w, 32.0, w + 0.05, 32.1)]}}]})
            .to_string()
        };
        let post = |token: &str, layer: &str, body: String| {
            Request::post(format!("/api/v1/import/{layer}"))
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .header("content-type", "application/geo+json")
                .body(Body::from(body))
                .unwrap()
        };
        let before = app.state.store().revisions().await.unwrap();
        // Outside the planner's scope, a layer the planner may not write, a role that may not write.
        for (token, layer, body, why) in [
            (
                &planner,
                "areas",
                renamed(GRID_W, "改名", NORTH_COMMUNITY, 112.10),
                "moved out of scope",
            ),
            (
                &planner,
                "areas",
                renamed("420001002002009", "新", NORTH_COMMUNITY, 112.10),
                "new, outside",
            ),
            (&planner, "households", fixture_households(), "households"),
            (
                &dispatcher,
                "areas",
                renamed(GRID_W, "改名", COMMUNITY, 112.10),
                "dispatcher",
            ),
        ] {
            let (status, body) = app.request(post(token, layer, body)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{b} {why}: {body}");
        }
        assert_eq!(
            app.state.store().revisions().await.unwrap(),
            before,
            "{b}: nothing written"
        );
        // Inside: renaming a grid of the community.
        let (status, body) = app
            .request(post(&planner, "areas", renamed(GRID_W, "西网格", COMMUNITY, 112.10)))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        assert_eq!(
            body,
            json!({"layer": "areas", "features": 1, "inserted": 0, "updated": 1})
        );
        let (_, area) = app.get(&format!("/api/v1/areas/{GRID_W}")).await;
        assert_eq!(area["name"], "西网格");
    }
}

fn fixture_households() -> String {
    geojson(Layer::Households)
}

#[tokio::test]
async fn reads_and_changes_are_audited() {
    for app in apps().await {
        let leader = app.token_for("west", Role::GridLeader, Some(GRID_W)).await;
        app.get_as(&leader, "/api/v1/households/H1").await;
        app.get_as(&leader, "/api/v1/households?q=%E5%BC%A0").await; // 张
        app.get_as(&leader, &format!("/api/v1/areas/{GRID_W}")).await;
        app.anonymous(login_request("west", "wrong password")).await;
        app.state.flush_audit().await.unwrap();
        let store = app.state.store();
        let b = app.backend;
        let about_h1 = store
            .audit(&AuditQuery {
                code: Some("H1".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(about_h1.len(), 2, "{b}: the detail and the search page: {about_h1:?}");
        assert!(
            about_h1
                .iter()
                .all(|e| e.user == "west" && e.action == "read_households")
        );
        assert_eq!(
            about_h1[0].detail.as_deref(),
            Some("search \"张\""),
            "{b}: newest first"
        );
        assert_eq!(
            about_h1[1].codes,
            ["H1", "H2", "H3"],
            "{b}: the center and those it looks after"
        );
        let failed = store
            .audit(&AuditQuery {
                action: Some("login_failed".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(failed.len(), 1, "{b}");
        assert_eq!(failed[0].user, "west");
        let areas = store
            .audit(&AuditQuery {
                user: Some("west".into()),
                action: Some("read_area".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(areas.len(), 1, "{b}");
        assert_eq!(areas[0].codes, [GRID_W]);
        // Nothing read by someone else is attributed to this account.
        let since = chrono::Utc::now();
        app.get("/api/v1/households/H4").await;
        app.state.flush_audit().await.unwrap();
        let later = store
            .audit(&AuditQuery {
                user: Some("west".into()),
                since: Some(since),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert!(later.is_empty(), "{b}: {later:?}");
    }
}

#[tokio::test]
async fn tokens_and_logins_are_rate_limited() {
    let limits = gridmap::state::Limits {
        per_token: Some(Rate {
            per_second: 0.5,
            burst: 3.0,
        }),
        per_login: Some(Rate {
            per_second: 0.01,
            burst: 2.0,
        }),
        ..test_limits()
    };
    for app in apps_with(limits).await {
        let token = app.token_for("busy", Role::Dispatcher, None).await;
        for _ in 0..3 {
            assert_eq!(app.get_as(&token, "/api/v1/auth/me").await.0, StatusCode::OK);
        }
        let response = app
            .raw(
                Request::get("/api/v1/auth/me")
                    .header(AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(response.0, StatusCode::TOO_MANY_REQUESTS, "{}", app.backend);
        let retry: u64 = response.1["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=2).contains(&retry), "{retry}");
        let body: Value = serde_json::from_slice(&response.2).unwrap();
        assert_eq!(error_of(&body).0, "rate_limited");
        // Another token has its own allowance.
        let other = app.token_for("calm", Role::Dispatcher, None).await;
        assert_eq!(app.get_as(&other, "/api/v1/auth/me").await.0, StatusCode::OK);
        // Logins: two tries, then 429 even with the right password, and claiming to come from
        // elsewhere through X-Forwarded-For does not reset the count.
        for i in 0..2 {
            let mut req = login_request("calm", "wrong password");
            req.headers_mut()
                .insert("x-forwarded-for", format!("10.0.0.{i}").parse().unwrap());
            assert_eq!(app.anonymous(req).await.0, StatusCode::UNAUTHORIZED);
        }
        let mut req = login_request("calm", "a test password");
        req.headers_mut().insert("x-forwarded-for", "10.0.0.9".parse().unwrap());
        let (status, _, body) = app.anonymous(req).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    }
}

/// The path of the households tile of zoom `z` holding (lon, lat).
fn tile_path(z: u8, lon: f64, lat: f64) -> String {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let lat_r = lat.to_radians();
    let y = ((1.0 - (lat_r.tan() + 1.0 / lat_r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    format!("/tiles/households/{z}/{x}/{y}.mvt")
}

/// Household codes in that tile, as `token` gets it.
async fn tile_codes(app: &TestApp, token: &str, z: u8, lon: f64, lat: f64) -> Vec<String> {
    let req = Request::get(tile_path(z, lon, lat))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let (status, headers, bytes) = app.raw(req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers["vary"], "Authorization");
    if bytes.is_empty() {
        return Vec::new();
    }
    let reader = mvt_reader::Reader::new(bytes).unwrap();
    let mut out: Vec<String> = reader
        .get_features(0)
        .unwrap()
        .iter()
        .map(|f| {
            let props = f.properties.as_ref().unwrap();
            match &props["code"] {
                mvt_reader::feature::Value::String(s) => s.clone(),
                other => panic!("code {other:?}"),
            }
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_request_past_the_time_limit_is_stopped_with_a_clear_503() {
    let limits = gridmap::state::Limits {
        // Anything that waits at all (a password check runs on another thread) overruns this.
        request_timeout: std::time::Duration::from_nanos(1),
        ..test_limits()
    };
    for app in apps_with(limits).await {
        let (status, _, body) = app.anonymous(login_request("nobody", "a test password")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{}: {body}", app.backend);
        let (code, message) = error_of(&body);
        assert_eq!(code, "timeout");
        assert!(message.contains("took longer"), "{message}");
    }
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_and_every_answer_nosniff() {
    for app in apps().await {
        let (status, headers, _) = app.raw(Request::get("/").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        for path in [
            "/api/v1/locate?lon=112.12&lat=32.05",
            "/api/v1/households/H9",
            "/healthz",
        ] {
            let (_, headers, _) = app.raw(Request::get(path).body(Body::empty()).unwrap()).await;
            assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        }
    }
}
