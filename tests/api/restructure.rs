//! Split and merge: codes issued in reading order and never reused, children carried along,
//! lineage kept, and every such change undone by reverting it.
//!
//! The fixture's south community (420001002001) holds the west grid …001 [112.10, 112.15] and the
//! east grid …002 [112.15, 112.20] × [32.0, 32.1], the east grid split into a south and a north red
//! house-yard at 32.05. H1–H3 live in the west grid, H4 in the east grid's south yard.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gridmap::domain::Layer;
use serde_json::{Value, json};

use super::fixture::{COMMUNITY, GRID_E, GRID_W, YARD_N, YARD_S};
use super::{TestApp, apps, error_of};

async fn send(app: &TestApp, uri: &str, if_match: Option<i64>, body: Value) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(v) = if_match {
        req = req.header("if-match", format!("\"{v}\""));
    }
    app.request(req.body(Body::from(body.to_string())).unwrap()).await
}

async fn version(app: &TestApp, code: &str) -> Option<i64> {
    let (status, a) = app.get(&format!("/api/v1/areas/{code}")).await;
    (status == StatusCode::OK).then(|| a["version"].as_i64().unwrap())
}

/// The codes of the areas at `level` holding the point.
async fn located(app: &TestApp, lon: f64, lat: f64, level: &str) -> Option<String> {
    let (_, body) = app.get(&format!("/api/v1/locate?lon={lon}&lat={lat}")).await;
    body["areas"]
        .as_array()?
        .iter()
        .find(|a| a["level"] == level)
        .map(|a| a["code"].as_str().unwrap().to_owned())
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect()
}

fn links(v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["predecessor"].as_str().unwrap().to_owned(),
                l["successor"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_owned(), b.to_owned())
}

#[tokio::test]
async fn split_merge_and_revert_keep_codes_lineage_and_children() {
    for app in apps().await {
        let backend = app.backend;
        let west_part = format!("{COMMUNITY}003");
        let east_part = format!("{COMMUNITY}004");
        // A line north → south through the east grid at 112.175, drawn from outside to outside.
        let line = json!({"type": "LineString", "coordinates": [[112.175, 32.11], [112.175, 31.99]]});
        let uri = format!("/api/v1/areas/{GRID_E}/split");
        let (status, preview) = send(&app, &uri, None, json!({"line": line, "preview": true})).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {preview}");
        // New codes follow the highest ever used under the community (…002), west part first.
        let created: Vec<&str> = preview["created"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["code"].as_str().unwrap())
            .collect();
        assert_eq!(created, [west_part.as_str(), east_part.as_str()], "{backend}");
        assert_eq!(preview["created"][0]["name"], "东网格（1）");
        // The red yards are carried, cut by the line: north pieces numbered first in each part.
        let mut expected = vec![
            pair(GRID_E, &west_part),
            pair(GRID_E, &east_part),
            pair(YARD_N, &format!("{west_part}01")),
            pair(YARD_N, &format!("{east_part}01")),
            pair(YARD_S, &format!("{west_part}02")),
            pair(YARD_S, &format!("{east_part}02")),
        ];
        expected.sort();
        assert_eq!(links(&preview["lineage"]), expected, "{backend}");
        let mut retired = strs(&preview["retired"]);
        retired.sort();
        assert_eq!(retired, [GRID_E, YARD_S, YARD_N]);
        // H4 (112.1602, 32.0201) moves to the west part; nothing is written by a preview.
        let moves = &preview["impact"]["moves"]["households"];
        assert_eq!(
            moves,
            &json!([{"code": "H4", "from": GRID_E, "to": west_part}]),
            "{backend}"
        );
        assert_eq!(preview["impact"]["blocking"], false, "{}", preview["impact"]);
        assert!(version(&app, GRID_E).await.is_some());

        // Committing needs the version and a reason.
        let v = version(&app, GRID_E).await.unwrap();
        let (status, _) = send(&app, &uri, None, json!({"line": line, "reason": "新小区入住"})).await;
        assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);
        let (status, _) = send(&app, &uri, Some(v + 1), json!({"line": line, "reason": "新小区入住"})).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        let (status, split) = send(&app, &uri, Some(v), json!({"line": line, "reason": "新小区入住"})).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {split}");
        let split_id = split["change_id"].as_str().unwrap().to_owned();
        assert_eq!(version(&app, GRID_E).await, None, "the split grid is retired");
        assert_eq!(
            located(&app, 112.1602, 32.0201, "grid").await.as_deref(),
            Some(west_part.as_str())
        );
        assert_eq!(
            located(&app, 112.1602, 32.0201, "red_yard").await,
            Some(format!("{west_part}02"))
        );
        assert_eq!(
            located(&app, 112.19, 32.08, "red_yard").await,
            Some(format!("{east_part}01"))
        );
        // The parts and their carried red yards tile exactly: no gap, overlap or sliver came from
        // the split (the community's one gap is its exclave, which no grid ever covered).
        for parent in [west_part.as_str(), east_part.as_str(), COMMUNITY] {
            let (_, report) = app.get(&format!("/api/v1/areas/{parent}/validate")).await;
            assert_eq!(report["overlaps"], json!([]), "{backend}: {parent}: {report}");
            assert_eq!(
                report["slivers"]["count"], 0,
                "{backend}: {parent}: {}",
                report["slivers"]
            );
            let gaps = report["gaps"].as_array().unwrap().len();
            assert_eq!(
                gaps,
                usize::from(parent == COMMUNITY),
                "{backend}: {parent}: {}",
                report["gaps"]
            );
        }
        // A retired area keeps its history and says what replaced it.
        let (status, h) = app.get(&format!("/api/v1/areas/{GRID_E}/history")).await;
        assert_eq!(status, StatusCode::OK, "{h}");
        assert_eq!(h["retired"], true);
        assert_eq!(h["lineage"].as_array().unwrap().len(), 2, "{h}");
        // An import may not bring a retired code back either.
        let again = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"code": GRID_E, "name": "东网格", "level": "grid", "parent_code": COMMUNITY},
            "geometry": {"type": "Polygon", "coordinates": [super::fixture::rect(112.15, 32.0, 112.2, 32.1)]}}]});
        let e = app
            .import(Layer::Areas, &again.to_string())
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("retired"), "{backend}: {e}");

        // Merge the two parts back: a new code (…005), never the retired …002.
        let merge = format!("/api/v1/areas/{west_part}/merge");
        let (vw, ve) = (
            version(&app, &west_part).await.unwrap(),
            version(&app, &east_part).await.unwrap(),
        );
        let (status, e) = send(
            &app,
            &merge,
            Some(vw),
            json!({"with": [{"code": east_part}], "reason": "合并"}),
        )
        .await;
        assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{e}");
        let body = json!({"with": [{"code": east_part, "version": ve}], "name": "东网格", "reason": "合并回去"});
        let (status, merged) = send(&app, &merge, Some(vw), body).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {merged}");
        let whole = format!("{COMMUNITY}005");
        assert_eq!(merged["created"][0]["code"], whole.as_str());
        assert_eq!(located(&app, 112.1602, 32.0201, "grid").await, Some(whole.clone()));
        // Its red yards: the four pieces, renumbered in reading order under the new grid.
        let (_, kids) = app.get(&format!("/api/v1/areas/{whole}/children")).await;
        assert_eq!(kids["children"].as_array().map(Vec::len), Some(4), "{kids}");

        // Revert the merge, then the split: the east grid and its yards come back under their codes.
        let merge_id = merged["change_id"].as_str().unwrap();
        let revert = |id: &str| format!("/api/v1/changes/{id}/revert");
        let (status, r) = send(&app, &revert(&split_id), None, json!({"reason": "先撤合并"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "the merge came after: {r}");
        assert_eq!(error_of(&r).0, "changed_since");
        let (status, r) = send(&app, &revert(merge_id), None, json!({"reason": "撤销合并"})).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {r}");
        assert!(version(&app, &west_part).await.is_some() && version(&app, &whole).await.is_none());
        let (status, r) = send(&app, &revert(&split_id), None, json!({"reason": "撤销拆分"})).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {r}");
        assert_eq!(version(&app, GRID_E).await, Some(v + 1), "history continues");
        assert_eq!(
            located(&app, 112.1602, 32.0201, "red_yard").await.as_deref(),
            Some(YARD_S)
        );
        assert_eq!(located(&app, 112.1602, 32.0201, "grid").await.as_deref(), Some(GRID_E));
        assert_eq!(version(&app, &west_part).await, None);
        // Codes once held stay retired: the next split of the community's grids goes on at …006.
        let (_, again) = send(&app, &uri, None, json!({"parts": 2, "preview": true})).await;
        let mut codes: Vec<&str> = again["created"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["code"].as_str().unwrap())
            .collect();
        codes.sort();
        assert_eq!(
            codes,
            [format!("{COMMUNITY}006"), format!("{COMMUNITY}007")],
            "{backend}: {again}"
        );
        let (status, _) = send(
            &app,
            &revert("00000000-0000-0000-0000-000000000000"),
            None,
            json!({"reason": "x"}),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn balanced_split_and_bad_requests() {
    for app in apps().await {
        let backend = app.backend;
        // Three households in the west grid: two parts hold one and two.
        let uri = format!("/api/v1/areas/{GRID_W}/split");
        let (status, p) = send(&app, &uri, None, json!({"parts": 2, "preview": true})).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {p}");
        let areas = p["impact"]["areas"].as_array().unwrap();
        let mut held: Vec<u64> = areas
            .iter()
            .filter(|a| a["status"] == "created")
            .map(|a| a["after"]["households"].as_u64().unwrap())
            .collect();
        held.sort();
        assert_eq!(held, [1, 2], "{backend}: {p}");
        for a in p["created"].as_array().unwrap() {
            assert_eq!(a["geometry"]["type"], "MultiPolygon");
            assert_eq!(
                a["geometry"]["coordinates"].as_array().unwrap().len(),
                1,
                "one piece each"
            );
        }

        let cases = [
            (json!({"preview": true}), "invalid_body"),
            (json!({"parts": 1, "preview": true}), "invalid_split"),
            (
                json!({"line": {"type": "LineString", "coordinates": [[112.3, 31.9], [112.3, 32.2]]}, "preview": true}),
                "invalid_split",
            ),
            (
                json!({"line": {"type": "Point", "coordinates": [112.3, 31.9]}, "preview": true}),
                "invalid_geometry",
            ),
            (
                json!({"line": {"type": "LineString", "coordinates": [[212.3, 31.9], [112.3, 32.2]]}, "preview": true}),
                "invalid_geometry",
            ),
            (
                json!({"parts": 2, "names": ["一"], "preview": true}),
                "invalid_restructure",
            ),
        ];
        for (body, code) in cases {
            let (status, e) = send(&app, &uri, None, body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{backend}: {body} → {e}");
            assert_eq!(error_of(&e).0, code, "{body} → {e}");
        }
        // Merging areas that share no border, or are not siblings.
        let merge = format!("/api/v1/areas/{YARD_S}/merge");
        let (status, e) = send(&app, &merge, None, json!({"with": [{"code": GRID_W}], "preview": true})).await;
        assert_eq!(
            (status, error_of(&e).0),
            (StatusCode::BAD_REQUEST, "invalid_restructure"),
            "{e}"
        );
        let (status, e) = send(&app, &merge, None, json!({"with": [{"code": "999"}], "preview": true})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{e}");
        // A viewer may not split.
        let viewer = app.token_for("viewer", gridmap::access::Role::Viewer, None).await;
        let req = Request::post(&uri)
            .header("authorization", format!("Bearer {viewer}"))
            .header("content-type", "application/json")
            .body(Body::from(json!({"parts": 2, "preview": true}).to_string()))
            .unwrap();
        let (status, _) = app.request(req).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn red_yards_are_suggested_around_center_households() {
    for app in apps().await {
        let backend = app.backend;
        let uri = format!("/api/v1/areas/{GRID_W}/red_yards");
        // One center household (H1): one yard, led by H1; two yards cannot each have one.
        let (status, e) = send(&app, &uri, None, json!({"count": 2, "preview": true})).await;
        assert_eq!(
            (status, error_of(&e).0),
            (StatusCode::BAD_REQUEST, "invalid_split"),
            "{backend}: {e}"
        );
        let (status, e) = send(
            &app,
            &format!("/api/v1/areas/{COMMUNITY}/red_yards"),
            None,
            json!({"count": 1, "preview": true}),
        )
        .await;
        assert_eq!(
            (status, error_of(&e).0),
            (StatusCode::BAD_REQUEST, "invalid_restructure"),
            "{e}"
        );
        let v = version(&app, GRID_W).await.unwrap();
        let (status, r) = send(&app, &uri, Some(v), json!({"count": 1, "reason": "划分屋场"})).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {r}");
        let yard = &r["created"][0];
        assert_eq!(yard["code"], format!("{GRID_W}01"));
        assert_eq!(yard["leader_name"], "张三");
        assert_eq!(yard["properties"]["center_household"], "H1");
        assert_eq!(
            located(&app, 112.13, 32.06, "red_yard").await,
            Some(format!("{GRID_W}01"))
        );
    }
}
