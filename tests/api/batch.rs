//! The batch commit of several siblings redrawn at once: both fixture grids of the south community
//! redrawn with their shared border moved from 112.15 to 112.13, each guarded by its version.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use super::fixture::{COMMUNITY, GRID_E, GRID_W, rect};
use super::{TestApp, apps, error_of};

async fn put(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let req = Request::put(format!("/api/v1/areas/{COMMUNITY}/children"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.request(req).await
}

async fn version(app: &TestApp, code: &str) -> i64 {
    app.get(&format!("/api/v1/areas/{code}")).await.1["version"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn siblings_redrawn_together_commit_as_one_change_guarded_by_each_version() {
    for app in apps().await {
        let backend = app.backend;
        let (vw, ve) = (version(&app, GRID_W).await, version(&app, GRID_E).await);
        let areas = |vw: Option<i64>, ve: i64| {
            json!([
                {"code": GRID_W, "version": vw, "geometry": {"type": "Polygon", "coordinates": [rect(112.10, 32.0, 112.13, 32.1)]}},
                {"code": GRID_E, "version": ve, "geometry": {"type": "Polygon", "coordinates": [rect(112.13, 32.0, 112.2, 32.1)]}},
            ])
        };
        let (status, e) = put(&app, json!({"areas": areas(None, ve), "reason": "边界调整"})).await;
        assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{backend}: {e}");
        let (status, e) = put(&app, json!({"areas": areas(Some(vw), ve + 1), "reason": "边界调整"})).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{backend}: {e}");
        let (status, e) = put(&app, json!({"areas": areas(Some(vw), ve)})).await;
        assert_eq!(
            (status, error_of(&e).0),
            (StatusCode::BAD_REQUEST, "invalid_body"),
            "{e}"
        );
        let (status, c) = put(&app, json!({"areas": areas(Some(vw), ve), "reason": "边界调整"})).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {c}");
        assert_eq!(
            c["impact"]["moves"]["households"],
            json!([{"code": "H3", "from": GRID_W, "to": GRID_E}])
        );
        assert_eq!(
            (version(&app, GRID_W).await, version(&app, GRID_E).await),
            (vw + 1, ve + 1)
        );
        // The shared border is exact: no slivers between the grids, none left by rounding.
        let (_, report) = app.get(&format!("/api/v1/areas/{COMMUNITY}/validate")).await;
        assert_eq!(report["slivers"]["count"], 0, "{backend}: {}", report["slivers"]);
        assert_eq!(report["overlaps"], json!([]));
        let (_, h) = app.get(&format!("/api/v1/areas/{GRID_E}/history")).await;
        assert_eq!(h["versions"][0]["change_id"], c["change_id"], "{h}");
        // Not a child of the community.
        let (status, e) = put(&app, json!({"areas": [{"code": COMMUNITY, "version": 1, "geometry": {"type": "Polygon", "coordinates": [rect(112.1, 32.0, 112.2, 32.1)]}}], "reason": "x"})).await;
        assert_eq!(
            (status, error_of(&e).0),
            (StatusCode::BAD_REQUEST, "invalid_redraw"),
            "{e}"
        );
    }
}
