//! Redrawing grids: proposals with their impact, shared-edge moves, clipping to the parent, commits
//! guarded by versions, history and restore.
//!
//! The fixture's south community holds two grids side by side: west [112.10, 112.15] and east
//! [112.15, 112.20] × [32.0, 32.1]; H1–H3 live in the west grid (H1 looks after H2 and H3), H4 in
//! the east grid's south red house-yard.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gridmap::access::Role;
use serde_json::{Value, json};

use super::fixture::{COMMUNITY, GRID_E, GRID_W, rect};
use super::{TestApp, apps};

fn polygon(w: f64, s: f64, e: f64, n: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [rect(w, s, e, n)]})
}

async fn send(app: &TestApp, method: &str, uri: &str, if_match: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(v) = if_match {
        req = req.header("if-match", v);
    }
    app.request(req.body(Body::from(body.to_string())).unwrap()).await
}

async fn grid_at(app: &TestApp, lon: f64, lat: f64) -> String {
    let (_, body) = app.get(&format!("/api/v1/locate?lon={lon}&lat={lat}")).await;
    body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["level"] == "grid")
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn codes(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_border_moved_west_shows_who_moves_commits_both_grids_and_restores() {
    for app in apps().await {
        // The planner drags the west grid's east border from 112.15 to 112.13.
        let new_west = polygon(112.10, 32.0, 112.13, 32.1);
        let uri = format!("/api/v1/areas/{GRID_W}/proposals");
        let (status, p) = send(
            &app,
            "POST",
            &uri,
            None,
            json!({"title": "东移边界", "geometry": new_west}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{}: {p}", app.backend);
        let impact = &p["impact"];
        // H3 (112.13, 32.06) lies on the new border: the east grid's now. H1, H2 stay.
        let moved = impact["moves"]["households"].as_array().unwrap();
        assert_eq!(moved.len(), 1, "{impact}");
        assert_eq!(moved[0], json!({"code": "H3", "from": GRID_W, "to": GRID_E}));
        assert_eq!(codes(&impact["adjustments"]["neighbours_moved"]), [GRID_E]);
        // H1 looks after H3: their link now crosses a grid border.
        assert_eq!(
            impact["center_links_split"],
            json!([{"center": "H1", "household": "H3"}])
        );
        let areas = impact["areas"].as_array().unwrap();
        let east = areas.iter().find(|a| a["code"] == GRID_E).unwrap();
        assert_eq!(
            (
                east["before"]["households"].as_u64(),
                east["after"]["households"].as_u64()
            ),
            (Some(1), Some(2))
        );
        assert!(east["leader_name"].is_string(), "{east}");
        assert_eq!(impact["blocking"], false, "{impact}");
        // Nothing changed yet.
        assert_eq!(grid_at(&app, 112.14, 32.06).await, GRID_W);

        // Commit with the version read; both grids change in one change.
        let (_, before) = app.get(&format!("/api/v1/areas/{GRID_W}")).await;
        let version = before["version"].as_i64().unwrap();
        let (_, tile_before) = tile_etag(&app).await;
        let put = format!("/api/v1/areas/{GRID_W}");
        let body = json!({"geometry": new_west, "reason": "新小区交付，调整网格边界"});
        let (status, done) = send(&app, "PUT", &put, None, body.clone()).await;
        assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{done}");
        let (status, done) = send(&app, "PUT", &put, Some(&format!("\"{version}\"")), body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{}: {done}", app.backend);
        let changed: Vec<&str> = done["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["code"].as_str().unwrap())
            .collect();
        assert_eq!(changed, [GRID_W, GRID_E]);
        assert_eq!(grid_at(&app, 112.14, 32.06).await, GRID_E);
        assert_eq!(grid_at(&app, 112.12, 32.06).await, GRID_W);
        let (_, tile_after) = tile_etag(&app).await;
        assert_ne!(tile_before, tile_after, "the area tiles changed with the commit");
        // The validation is still clean where it was (no new gap or overlap in the community).
        let (_, report) = app.get(&format!("/api/v1/areas/{COMMUNITY}/validate")).await;
        assert!(report["overlaps"].as_array().unwrap().is_empty(), "{report}");
        assert_eq!(
            report["gaps"].as_array().unwrap().len(),
            1,
            "only the exclave: {report}"
        );

        // A second planner still holding the old version is refused.
        let (status, stale) = send(&app, "PUT", &put, Some(&format!("\"{version}\"")), body).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{stale}");
        assert_eq!(stale["error"]["code"], "stale_version");

        // History says who, when and why.
        let (_, history) = app.get(&format!("/api/v1/areas/{GRID_W}/history")).await;
        let versions = history["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 2, "{history}");
        assert_eq!(versions[0]["changed_by"], "admin");
        assert_eq!(versions[0]["reason"], "新小区交付，调整网格边界");
        assert_eq!(versions[1]["changed_by"], "import");
        let change_id = versions[0]["change_id"].clone();
        let (_, east_history) = app.get(&format!("/api/v1/areas/{GRID_E}/history")).await;
        assert_eq!(east_history["versions"][0]["change_id"], change_id);

        // Restoring the west grid's first version undoes the move on both sides.
        let current = history["version"].as_i64().unwrap();
        let restore = format!("/api/v1/areas/{GRID_W}/restore");
        let (status, restored) = send(
            &app,
            "POST",
            &restore,
            Some(&format!("\"{current}\"")),
            json!({"version": version, "reason": "撤销"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}: {restored}", app.backend);
        assert_eq!(restored["areas"].as_array().unwrap().len(), 2, "{restored}");
        assert_eq!(grid_at(&app, 112.14, 32.06).await, GRID_W);
        let (_, west) = app.get(&format!("/api/v1/areas/{GRID_W}")).await;
        assert_eq!(west["bbox"], json!([112.1, 32.0, 112.15, 32.1]), "{west}");
    }
}

async fn tile_etag(app: &TestApp) -> (StatusCode, String) {
    // z12 tile holding the fixture's community.
    let (status, headers, _) = app
        .raw(
            Request::get("/tiles/areas/12/3323/1690.mvt")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let etag = headers
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, etag)
}

#[tokio::test]
async fn a_move_that_strands_red_house_yards_is_refused_until_forced_and_outlines_are_clipped() {
    for app in apps().await {
        // East border to 112.17: the east grid's red house-yards would reach outside it.
        let body = json!({"geometry": polygon(112.10, 32.0, 112.17, 32.1), "reason": "试试"});
        let put = format!("/api/v1/areas/{GRID_W}");
        let (status, refused) = send(&app, "PUT", &put, Some("\"1\""), body.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{}: {refused}", app.backend);
        assert_eq!(refused["error"]["code"], "topology_problems");
        let problems = refused["error"]["details"]["new_problems"].as_array().unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p["kind"] == "child_outside" && p["code"] == GRID_E),
            "{refused}"
        );
        assert_eq!(grid_at(&app, 112.16, 32.02).await, GRID_E, "nothing was written");

        // Drawn past the community's west edge (112.10): the part outside is cut off and said so.
        let uri = format!("/api/v1/areas/{GRID_W}/proposals");
        let (status, p) = send(
            &app,
            "POST",
            &uri,
            None,
            json!({"geometry": polygon(112.08, 32.0, 112.14, 32.1)}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        let clipped = p["impact"]["adjustments"]["clipped"].as_array().unwrap();
        assert_eq!(clipped.len(), 1, "{p}");
        // 0.02° × 0.1° at 32°N ≈ 1.889 km × 11.09 km.
        let cut = clipped[0]["area_m2"].as_f64().unwrap();
        assert!((2.0e7..2.2e7).contains(&cut), "{cut}");
        let kept = &p["areas"][0]["geometry"]["coordinates"][0][0];
        assert!(
            kept.as_array()
                .unwrap()
                .iter()
                .all(|c| c[0].as_f64().unwrap() >= 112.1 - 1e-9),
            "{kept}"
        );
        // Entirely outside: refused with the reason.
        let (status, e) = send(
            &app,
            "POST",
            &uri,
            None,
            json!({"geometry": polygon(112.3, 32.3, 112.31, 32.31)}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains("outside its parent"),
            "{e}"
        );

        // Forced, the commit goes through and says what it broke.
        let mut forced = body;
        forced["force"] = json!(true);
        let (status, done) = send(&app, "PUT", &put, Some("\"1\""), forced).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(grid_at(&app, 112.16, 32.02).await, GRID_W);
    }
}

#[tokio::test]
async fn proposals_are_kept_listed_committed_once_and_go_stale() {
    for app in apps().await {
        let uri = format!("/api/v1/areas/{GRID_W}/proposals");
        let (_, a) = send(
            &app,
            "POST",
            &uri,
            None,
            json!({"title": "A", "geometry": polygon(112.10, 32.0, 112.13, 32.1)}),
        )
        .await;
        let (_, b) = send(
            &app,
            "POST",
            &uri,
            None,
            json!({"title": "B", "geometry": polygon(112.10, 32.0, 112.14, 32.1)}),
        )
        .await;
        let (status, list) = app.get(&uri).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let titles: Vec<&str> = list["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles.len(), 2, "{list}");
        assert!(titles.contains(&"A") && titles.contains(&"B"));
        // The east grid's list shows them too: it is redrawn by them.
        let (_, east_list) = app.get(&format!("/api/v1/areas/{GRID_E}/proposals")).await;
        assert_eq!(east_list["proposals"].as_array().unwrap().len(), 2, "{east_list}");

        let (status, read) = app
            .get(&format!("/api/v1/proposals/{}", a["id"].as_str().unwrap()))
            .await;
        assert_eq!(status, StatusCode::OK, "{read}");
        assert_eq!(read["stale"], false);
        assert_eq!(read["impact"]["moves"]["households"].as_array().unwrap().len(), 1);

        let commit_a = format!("/api/v1/proposals/{}/commit", a["id"].as_str().unwrap());
        let (status, done) = send(&app, "POST", &commit_a, None, json!({"reason": "采纳方案A"})).await;
        assert_eq!(status, StatusCode::OK, "{}: {done}", app.backend);
        let (status, again) = send(&app, "POST", &commit_a, None, json!({"reason": "再来"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{again}");
        assert_eq!(again["error"]["code"], "proposal_closed");
        // B was drawn against the old outlines.
        let commit_b = format!("/api/v1/proposals/{}/commit", b["id"].as_str().unwrap());
        let (status, stale) = send(&app, "POST", &commit_b, None, json!({"reason": "采纳方案B"})).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{stale}");
        let (_, read_b) = app
            .get(&format!("/api/v1/proposals/{}", b["id"].as_str().unwrap()))
            .await;
        assert_eq!(read_b["stale"], true);
        let (_, read_a) = app
            .get(&format!("/api/v1/proposals/{}", a["id"].as_str().unwrap()))
            .await;
        assert_eq!(read_a["status"], "committed");
        assert_eq!(read_a["change_id"], done["change_id"]);
    }
}

#[tokio::test]
async fn only_planners_in_scope_and_admins_redraw() {
    for app in apps().await {
        let body = json!({"geometry": polygon(112.10, 32.0, 112.13, 32.1), "reason": "r"});
        let put = format!("/api/v1/areas/{GRID_W}");
        for (name, role, scope) in [
            ("leader", Role::GridLeader, Some(GRID_W)),
            ("dispatcher", Role::Dispatcher, None),
            ("elsewhere", Role::Planner, Some("420001001")),
        ] {
            let token = app.token_for(name, role, scope).await;
            let req = Request::put(put.as_str())
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .header("if-match", "\"1\"")
                .body(Body::from(body.to_string()))
                .unwrap();
            let (status, e) = app.request(req).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {e}");
        }
        let token = app.token_for("planner", Role::Planner, Some(COMMUNITY)).await;
        let req = Request::put(put.as_str())
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .header("if-match", "1")
            .body(Body::from(body.to_string()))
            .unwrap();
        let (status, done) = app.request(req).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        let (_, history) = app.get(&format!("/api/v1/areas/{GRID_E}/history")).await;
        assert_eq!(history["versions"][0]["changed_by"], "planner");
    }
}

#[tokio::test]
async fn bad_redraws_say_what_is_wrong_and_change_nothing() {
    for app in apps().await {
        let put = format!("/api/v1/areas/{GRID_W}");
        let bowtie = json!({"type": "Polygon", "coordinates": [[[112.10, 32.0], [112.13, 32.1], [112.13, 32.0], [112.10, 32.1], [112.10, 32.0]]]});
        for (body, if_match, status, code) in [
            (
                json!({"geometry": polygon(112.10, 32.0, 112.13, 32.1)}),
                "\"1\"",
                StatusCode::BAD_REQUEST,
                "invalid_body",
            ),
            (
                json!({"geometry": bowtie, "reason": "r"}),
                "\"1\"",
                StatusCode::BAD_REQUEST,
                "invalid_geometry",
            ),
            (
                json!({"geometry": {"type": "Point", "coordinates": [112.1, 32.0]}, "reason": "r"}),
                "\"1\"",
                StatusCode::BAD_REQUEST,
                "invalid_geometry",
            ),
            (
                json!({"geometry": polygon(32.0, 112.10, 32.1, 112.13), "reason": "r"}),
                "\"1\"",
                StatusCode::BAD_REQUEST,
                "invalid_geometry",
            ),
            (
                json!({"reason": "r", "colour": "red"}),
                "\"1\"",
                StatusCode::BAD_REQUEST,
                "invalid_body",
            ),
            (
                json!({"reason": "r"}),
                "\"one\"",
                StatusCode::BAD_REQUEST,
                "invalid_header",
            ),
            (
                json!({"reason": "r"}),
                "\"7\"",
                StatusCode::PRECONDITION_FAILED,
                "stale_version",
            ),
        ] {
            let (got, e) = send(&app, "PUT", &put, Some(if_match), body.clone()).await;
            assert_eq!(got, status, "{body}: {e}");
            assert_eq!(e["error"]["code"], code, "{body}: {e}");
        }
        let (_, history) = app.get(&format!("/api/v1/areas/{GRID_W}/history")).await;
        assert_eq!(
            history["versions"].as_array().unwrap().len(),
            1,
            "nothing was committed"
        );
        // Redrawing areas of two different parents in one proposal.
        let uri = format!("/api/v1/areas/{GRID_W}/proposals");
        let (status, e) = send(
            &app,
            "POST",
            &uri,
            None,
            json!({"areas": [{"code": GRID_W, "geometry": polygon(112.10, 32.0, 112.13, 32.1)}, {"code": COMMUNITY, "geometry": polygon(112.1, 32.0, 112.2, 32.1)}]}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains("not a child of"),
            "{e}"
        );
        let (status, _) = app.get("/api/v1/proposals/not-a-uuid").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
