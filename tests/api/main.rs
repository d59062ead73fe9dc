//! The API suite: every test runs against both stores (SQLite and PostGIS), each with a fresh
//! database, through the real router (no socket).

#[path = "../support/mod.rs"]
mod support;

mod access;
mod areas;
mod batch;
mod compare;
mod corpus;
mod coverage;
mod errors;
mod fixture;
mod households;
mod imports;
mod locate;
mod maps;
mod nearest;
mod ogc;
mod planning;
mod redraw;
mod restructure;
mod tiles;
mod walking;

use axum::Router;
use axum::body::Body;
use axum::http::header::AUTHORIZATION;
use axum::http::{Request, StatusCode};
use gridmap::access::Role;
use gridmap::domain::{Crs, Layer};
use gridmap::import::{InputFile, parse_files};
use gridmap::state::{AppState, Limits};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// One running app over one fresh store, with an admin signed in: requests made through the
/// helpers carry the admin's token unless they carry another `Authorization` header (or are sent
/// with [`TestApp::anonymous`]).
pub struct TestApp {
    pub backend: &'static str,
    pub url: String,
    pub state: AppState,
    router: Router,
    admin: String,
    _dir: tempfile::TempDir,
}

/// The limits of the tests' apps: a small batch limit so limit tests stay cheap, no rate limits
/// (tests make bursts of requests with one token; the limits have their own test), and sessions
/// checked against the store on every request, so a revocation shows at once.
pub fn test_limits() -> Limits {
    Limits {
        max_batch_points: 1000,
        max_body_bytes: 1024 * 1024,
        per_token: None,
        per_login: None,
        session_recheck: std::time::Duration::ZERO,
        ..Limits::default()
    }
}

/// A fresh, empty store of each backend, with [`test_limits`].
pub async fn empty_apps() -> Vec<TestApp> {
    empty_apps_with(test_limits()).await
}

/// A fresh, empty store of each backend with these limits.
pub async fn empty_apps_with(limits: Limits) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for backend in support::backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = support::fresh_url(backend, &dir).await;
        let store = gridmap::store::open(&url)
            .await
            .unwrap_or_else(|e| panic!("opening {backend}: {e}"));
        let state = AppState::load(store, limits).await.expect("loading an empty store");
        let router = gridmap::http::app(state.clone());
        let mut app = TestApp {
            backend,
            url,
            state,
            router,
            admin: String::new(),
            _dir: dir,
        };
        app.admin = app.token_for("admin", Role::Admin, None).await;
        apps.push(app);
    }
    apps
}

/// Each backend with the fixture of [`fixture`] loaded through the real import path.
pub async fn apps() -> Vec<TestApp> {
    apps_with(test_limits()).await
}

/// [`apps`] with other limits.
pub async fn apps_with(limits: Limits) -> Vec<TestApp> {
    let apps = empty_apps_with(limits).await;
    for app in &apps {
        for layer in Layer::ALL {
            app.import(layer, &fixture::geojson(layer))
                .await
                .unwrap_or_else(|e| panic!("{}: fixture {layer}: {e}", app.backend));
        }
    }
    apps
}

impl TestApp {
    pub async fn import(
        &self,
        layer: Layer,
        text: &str,
    ) -> Result<gridmap::store::UpsertSummary, gridmap::import::ImportError> {
        let file = InputFile {
            name: format!("{layer}.geojson"),
            bytes: text.as_bytes().to_vec(),
        };
        let parsed = parse_files(layer, Crs::Wgs84, &[file], &mut |_| {})?;
        self.state.import(parsed).await
    }

    /// Adds an account and logs it in; its token.
    pub async fn token_for(&self, name: &str, role: Role, scope: Option<&str>) -> String {
        let password = "a test password";
        gridmap::cli::add_user(&**self.state.store(), name, role, scope, password)
            .await
            .unwrap_or_else(|e| panic!("{}: adding {name}: {e:#}", self.backend));
        self.state
            .sessions()
            .login(&**self.state.store(), name, password)
            .await
            .unwrap_or_else(|e| panic!("{}: logging in {name}: {e}", self.backend))
            .token
    }

    /// `req` as the signed-in admin unless it names its own credentials.
    fn signed(&self, mut req: Request<Body>) -> Request<Body> {
        with_host(&mut req);
        if !req.headers().contains_key(AUTHORIZATION) {
            let value = format!("Bearer {}", self.admin).parse().expect("a header value");
            req.headers_mut().insert(AUTHORIZATION, value);
        }
        req
    }

    /// `GET uri` with the given token.
    pub async fn get_as(&self, token: &str, uri: &str) -> (StatusCode, Value) {
        let req = Request::get(uri)
            .header(AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        self.request(req).await
    }

    /// The answer to `req` sent without any credentials.
    pub async fn anonymous(&self, mut req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
        with_host(&mut req);
        let response = self.router.clone().oneshot(req).await.expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("a body").to_bytes();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, headers, value)
    }

    pub async fn request(&self, req: Request<Body>) -> (StatusCode, Value) {
        let response = self
            .router
            .clone()
            .oneshot(self.signed(req))
            .await
            .expect("the router answers");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("a body").to_bytes();
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, value)
    }

    /// The raw answer: status, headers and body bytes.
    pub async fn raw(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self
            .router
            .clone()
            .oneshot(self.signed(req))
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("a body").to_bytes();
        (status, headers, bytes.to_vec())
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.request(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&self, uri: &str, body: impl Into<Body>) -> (StatusCode, Value) {
        let req = Request::post(uri)
            .header("content-type", "application/json")
            .body(body.into())
            .unwrap();
        self.request(req).await
    }
}

/// Gives `req` the `Host` header every HTTP/1.1 client sends, unless it has one.
fn with_host(req: &mut Request<Body>) {
    if !req.headers().contains_key(axum::http::header::HOST) {
        req.headers_mut().insert(
            axum::http::header::HOST,
            axum::http::HeaderValue::from_static("gridmap.test"),
        );
    }
}

/// Asserts the contract's error shape and returns the error's `code` and `message`.
pub fn error_of(body: &Value) -> (&str, &str) {
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error.code in {body}"));
    let message = body["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no error.message in {body}"));
    assert!(!message.is_empty());
    (code, message)
}

/// The codes of the `areas` array of a locate answer.
pub fn area_codes(areas: &Value) -> Vec<String> {
    areas
        .as_array()
        .expect("areas array")
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .collect()
}
