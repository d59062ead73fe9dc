//! The corpus of bad and tricky inputs in `tests/corpus` (see its README), sent through the real
//! router to both stores. A refused input must get the contract's error shape with a machine code
//! and a message that says what and where, must show nothing of the server's insides, must change
//! nothing in the store, and must leave the server answering. Legal input that merely looks
//! dangerous (markup, SQL) must be stored and returned exactly.
//!
//! Inputs too large to keep as files (deep nesting, bodies over the size limit) are generated in
//! `corpus/generated.rs`; importer bugs found here have their regression tests in
//! `corpus/importer.rs`.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{Method, Request, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::fixture::P;
use crate::{TestApp, apps, error_of};

mod generated;
mod importer;

/// `tests/corpus/manifest.json`: what each file of the corpus must get.
#[derive(Debug, Deserialize)]
struct Manifest {
    import: Vec<Case>,
    query: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    /// The input, relative to `tests/corpus`.
    file: String,
    status: u16,
    /// The error's machine code; every 4xx/5xx case has one.
    code: Option<String>,
    /// Words the message must contain: the place (feature, code, parameter) and the reason.
    #[serde(default)]
    mentions: Vec<String>,
    /// Imports only: the Content-Type to send instead of the one the extension implies ("" for none).
    content_type: Option<String>,
    /// Imports answered 200 only: what must hold afterwards.
    then: Option<Then>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Then {
    /// Nothing was written: same revisions, same counts, same index.
    Unchanged,
    /// Every property of every feature in the file comes back exactly as sent.
    ReadsBack,
    /// The area's exterior ring comes back counter-clockwise and its holes clockwise (RFC 7946).
    Winding,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn manifest() -> Manifest {
    let path = corpus_dir().join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("tests/corpus/manifest.json: {e}"))
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join(file)).unwrap_or_else(|e| panic!("reading tests/corpus/{file}: {e}"))
}

/// The import case for `file`, for the regression tests that single one out.
fn import_case(file: &str) -> Case {
    manifest()
        .import
        .into_iter()
        .find(|c| c.file == file)
        .unwrap_or_else(|| panic!("{file} is not in the manifest"))
}

fn query_case(file: &str) -> Case {
    manifest()
        .query
        .into_iter()
        .find(|c| c.file == file)
        .unwrap_or_else(|| panic!("{file} is not in the manifest"))
}

/// What the store and the index hold, compared before and after each input.
#[derive(Debug, PartialEq)]
struct Snapshot {
    revisions: gridmap::store::Revisions,
    /// Stored features per layer: areas, buildings, households, stations.
    stored: [usize; 4],
    indexed: [usize; 4],
    /// Moves whenever the index is rebuilt, which a write that changes nothing must not cause.
    generation: u64,
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let store = app.state.store();
    let index = app.state.index();
    Snapshot {
        revisions: store.revisions().await.unwrap(),
        stored: [
            store.load_areas().await.unwrap().len(),
            store.load_buildings().await.unwrap().len(),
            store.load_households().await.unwrap().len(),
            store.load_stations().await.unwrap().len(),
        ],
        indexed: {
            let data = index.dataset();
            [
                data.areas.len(),
                data.buildings.len(),
                data.households.len(),
                data.stations.len(),
            ]
        },
        generation: index.generation(),
    }
}

/// Text that must never reach a client: database and runtime internals, panics, source and file
/// paths (this checkout's and the test database's).
fn assert_no_internals(app: &TestApp, what: &str, body: &Value) {
    let text = body.to_string();
    let database_path = app.url.split_once("://").map(|(_, rest)| rest).unwrap_or(&app.url);
    let words = [
        "sqlx",
        "SQL",
        "sqlite",
        "postgres",
        "PgDatabaseError",
        "DatabaseError",
        "panicked",
        "backtrace",
        "RUST_BACKTRACE",
        "tokio",
        "thread '",
        ".rs:",
        "src/",
        "Error {",
        "Os {",
        env!("CARGO_MANIFEST_DIR"),
        database_path,
    ];
    for word in words {
        assert!(
            !text.contains(word),
            "{}: {what}: the answer shows {word:?}: {text}",
            app.backend
        );
    }
}

/// The contract's error shape with the case's status, code and words; for feature problems, the
/// details list each bad feature with its index.
fn assert_refused(app: &TestApp, case: &Case, status: StatusCode, body: &Value) {
    let what = &case.file;
    let b = app.backend;
    assert_eq!(status.as_u16(), case.status, "{b}: {what}: {body}");
    let (code, message) = error_of(body);
    assert_eq!(Some(code), case.code.as_deref(), "{b}: {what}: {message}");
    for word in &case.mentions {
        assert!(
            message.contains(word.as_str()),
            "{b}: {what}: {message:?} should mention {word:?}"
        );
    }
    if code == "invalid_features" {
        let problems = body["error"]["details"]["problems"]
            .as_array()
            .unwrap_or_else(|| panic!("{b}: {what}: no details.problems in {body}"));
        assert!(!problems.is_empty(), "{b}: {what}");
        for p in problems {
            assert!(p["index"].is_u64() && p["reason"].is_string(), "{b}: {what}: {p}");
        }
        assert!(body["error"]["details"]["total"].as_u64() >= Some(problems.len() as u64));
    }
    assert_no_internals(app, what, body);
}

/// The server still answers: ready, and a locate in the fixture finds its areas.
async fn assert_alive(app: &TestApp, after: &str) {
    let b = app.backend;
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{b}: /readyz after {after}: {body}");
    let (status, body) = app.get(&format!("/api/v1/locate?lon={}&lat={}", P.0, P.1)).await;
    assert_eq!(status, StatusCode::OK, "{b}: locate after {after}: {body}");
    assert!(
        !body["areas"].as_array().unwrap().is_empty(),
        "{b}: after {after}: {body}"
    );
}

/// `import/{layer}/{name}.{geojson|csv}` posted to `/api/v1/import/{layer}`.
fn import_request(case: &Case, bytes: Vec<u8>) -> Request<Body> {
    let layer = case.file.split('/').nth(1).expect("import/{layer}/file");
    let implied = if case.file.ends_with(".csv") {
        "text/csv"
    } else {
        "application/geo+json"
    };
    let mut req = Request::post(format!("/api/v1/import/{layer}"));
    match case.content_type.as_deref().unwrap_or(implied) {
        "" => {}
        ct => req = req.header(CONTENT_TYPE, ct),
    }
    req.body(Body::from(bytes)).unwrap()
}

async fn run_import_case(app: &TestApp, case: &Case) {
    let b = app.backend;
    let before = snapshot(app).await;
    let bytes = read(&case.file);
    let (status, body) = app.request(import_request(case, bytes.clone())).await;
    if case.status == 200 {
        assert_eq!(status, StatusCode::OK, "{b}: {}: {body}", case.file);
        match case.then {
            Some(Then::Unchanged) => {
                assert_eq!(body["features"], 0, "{b}: {}: {body}", case.file);
                assert_eq!(
                    snapshot(app).await,
                    before,
                    "{b}: {}: an empty import wrote something",
                    case.file
                );
            }
            Some(Then::ReadsBack) => reads_back(app, &case.file, &bytes).await,
            Some(Then::Winding) => wound_as_rfc7946(app, &bytes).await,
            None => panic!("{}: a 200 case says what must hold afterwards ('then')", case.file),
        }
    } else {
        assert_refused(app, case, status, &body);
        assert_eq!(
            snapshot(app).await,
            before,
            "{b}: {}: a refused import changed the store",
            case.file
        );
    }
    assert_alive(app, &case.file).await;
}

/// `[METHOD ]TARGET` from a query file; GET when no method is given.
fn query_request(case: &Case) -> Request<Body> {
    let text = String::from_utf8(read(&case.file)).expect("query files are text");
    let line = text.trim();
    let (method, target) = match line.split_once(' ') {
        Some((m, t)) if m.chars().all(|c| c.is_ascii_uppercase()) => (Method::from_bytes(m.as_bytes()).unwrap(), t),
        _ => (Method::GET, line),
    };
    Request::builder()
        .method(method)
        .uri(target)
        .body(Body::empty())
        .unwrap()
}

async fn run_query_case(app: &TestApp, case: &Case) {
    let (status, body) = app.request(query_request(case)).await;
    assert_refused(app, case, status, &body);
    assert_alive(app, &case.file).await;
}

/// The features of a corpus file as `(code, properties)`: GeoJSON features, or CSV rows without
/// their `lon`/`lat` columns (as the importer keeps them).
fn features_of(file: &str, bytes: &[u8]) -> Vec<(String, serde_json::Map<String, Value>)> {
    let text = std::str::from_utf8(bytes).unwrap().trim_start_matches('\u{feff}');
    let rows: Vec<serde_json::Map<String, Value>> = if file.ends_with(".csv") {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|row| {
                let row = row.unwrap();
                headers
                    .iter()
                    .zip(row.iter())
                    .filter(|(h, _)| !matches!(*h, "lon" | "lat"))
                    .map(|(h, v)| (h.to_owned(), Value::from(v)))
                    .collect()
            })
            .collect()
    } else {
        let doc: Value = serde_json::from_str(text).unwrap();
        doc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"].as_object().unwrap().clone())
            .collect()
    };
    rows.into_iter()
        .map(|p| (p["code"].as_str().unwrap().to_owned(), p))
        .collect()
}

/// Every property sent comes back the same through OGC API – Features, and the names through the
/// JSON API too, as JSON (so markup in them is data to a browser, never a page).
async fn reads_back(app: &TestApp, file: &str, bytes: &[u8]) {
    let b = app.backend;
    let layer = file.split('/').nth(1).unwrap();
    for (code, sent) in features_of(file, bytes) {
        let (status, feature) = app.get(&format!("/ogc/collections/{layer}/items/{code}")).await;
        assert_eq!(status, StatusCode::OK, "{b}: {file}: {code}: {feature}");
        for (key, value) in &sent {
            assert_eq!(
                &feature["properties"][key], value,
                "{b}: {file}: {code}: property {key} came back changed"
            );
        }
        let (uri, fields): (String, &[&str]) = match layer {
            "areas" => (
                format!("/api/v1/areas/{code}"),
                &["name", "leader_name", "leader_phone"],
            ),
            "households" => (format!("/api/v1/households/{code}"), &["head_name", "address", "phone"]),
            _ => continue,
        };
        let (status, headers, raw) = app.raw(Request::get(&uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{b}: {uri}");
        assert!(
            headers[CONTENT_TYPE].to_str().unwrap().starts_with("application/json"),
            "{b}: {uri}: {:?}",
            headers[CONTENT_TYPE]
        );
        let detail: Value = serde_json::from_slice(&raw).unwrap();
        for field in fields {
            if let Some(value) = sent.get(*field) {
                assert_eq!(&detail[*field], value, "{b}: {uri}: {field}");
            }
        }
        if layer == "households" {
            // Found by search too, with the same text.
            let (_, page) = app.get(&format!("/api/v1/households?q={code}")).await;
            assert_eq!(page["results"][0]["head_name"], sent["head_name"], "{b}: search {code}");
        }
    }
}

/// Twice the signed area of a ring (shoelace); positive when counter-clockwise.
fn signed_area(ring: &Value) -> f64 {
    let pts: Vec<(f64, f64)> = ring
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    pts.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum()
}

async fn wound_as_rfc7946(app: &TestApp, bytes: &[u8]) {
    let sent: Value = serde_json::from_slice(bytes).unwrap();
    let feature = &sent["features"][0];
    let code = feature["properties"]["code"].as_str().unwrap();
    assert!(
        signed_area(&feature["geometry"]["coordinates"][0]) < 0.0,
        "the corpus file sends a clockwise exterior"
    );
    let (status, area) = app.get(&format!("/api/v1/areas/{code}")).await;
    assert_eq!(status, StatusCode::OK, "{}: {area}", app.backend);
    let rings = area["geometry"]["coordinates"][0].as_array().unwrap();
    assert_eq!(rings.len(), 2, "the hole is kept");
    assert!(
        signed_area(&rings[0]) > 0.0,
        "{}: exterior not counter-clockwise",
        app.backend
    );
    assert!(signed_area(&rings[1]) < 0.0, "{}: hole not clockwise", app.backend);
}

/// A polygon ring of `n` vertices (then closed) on a small circle in the fixture's west township.
fn circle_ring(n: usize) -> Vec<[f64; 2]> {
    let mut ring: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            [112.02 + 0.01 * t.cos(), 32.15 + 0.01 * t.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

fn community_with_ring(code: &str, ring: Vec<[f64; 2]>) -> String {
    json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"code": code, "name": "大村", "level": "community", "parent_code": crate::fixture::WEST},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]})
    .to_string()
}

/// Posts `body` to `/api/v1/import/{layer}` as the admin.
async fn post_import(app: &TestApp, layer: &str, content_type: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    let req = Request::post(format!("/api/v1/import/{layer}"))
        .header(CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap();
    app.request(req).await
}

#[tokio::test]
async fn every_file_is_in_the_manifest_and_every_entry_has_a_file() {
    let m = manifest();
    let listed: std::collections::BTreeSet<String> = m.import.iter().chain(&m.query).map(|c| c.file.clone()).collect();
    assert_eq!(listed.len(), m.import.len() + m.query.len(), "a file is listed twice");
    let mut on_disk = std::collections::BTreeSet::new();
    let mut dirs = vec![corpus_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path
                    .strip_prefix(corpus_dir())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if rel != "manifest.json" && rel != "README.md" {
                    // Small files only: large inputs are generated by the tests.
                    assert!(path.metadata().unwrap().len() < 8 * 1024, "{rel} is larger than 8 KB");
                    on_disk.insert(rel);
                }
            }
        }
    }
    assert_eq!(listed, on_disk, "tests/corpus and its manifest disagree");
    for case in m.import.iter().chain(&m.query) {
        assert!(
            case.status == 200 || case.code.is_some(),
            "{}: a refusal names its code",
            case.file
        );
        assert!(
            case.file.starts_with("import/") || case.status != 200,
            "{}: query cases are refusals",
            case.file
        );
    }
}

#[tokio::test]
async fn every_corpus_import_is_answered_as_the_manifest_says() {
    let m = manifest();
    for app in apps().await {
        for case in &m.import {
            run_import_case(&app, case).await;
        }
    }
}

#[tokio::test]
async fn every_corpus_query_is_answered_as_the_manifest_says() {
    let m = manifest();
    for app in apps().await {
        let before = snapshot(&app).await;
        for case in &m.query {
            run_query_case(&app, case).await;
        }
        assert_eq!(
            snapshot(&app).await,
            before,
            "{}: a query changed the store",
            app.backend
        );
    }
}

/// Regression: axum's own rejections (a path that is not UTF-8) and the empty 405 of routes
/// without a method fallback came as plain text or nothing at all.
#[tokio::test]
async fn regression_rejections_axum_writes_come_in_the_error_shape() {
    let cases = [
        query_case("query/area-code-not-utf8.txt"),
        query_case("query/household-code-overlong-utf8-slash.txt"),
        query_case("query/tile-layer-not-utf8.txt"),
        query_case("query/healthz-wrong-method.txt"),
        query_case("query/ogc-wrong-method.txt"),
    ];
    for app in apps().await {
        for case in &cases {
            let (status, headers, _) = app.raw(query_request(case)).await;
            assert!(
                headers[CONTENT_TYPE].to_str().unwrap().starts_with("application/json"),
                "{}: {}: {status}",
                app.backend,
                case.file
            );
            run_query_case(&app, case).await;
        }
    }
}

/// Regression: an empty FeatureCollection (or a CSV with only its header) bumped the layer's
/// revision and rebuilt the index although it changed nothing.
#[tokio::test]
async fn regression_an_empty_import_writes_nothing() {
    let case = import_case("import/areas/empty-collection.geojson");
    for app in apps().await {
        run_import_case(&app, &case).await;
        let before = snapshot(&app).await;
        let (status, answer) = post_import(&app, "stations", "text/csv", "lon,lat,code,kind\n").await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", app.backend);
        assert_eq!(snapshot(&app).await, before, "{}", app.backend);
    }
}

/// Regression: a ring folded flat (four positions on one line) has no area but was accepted.
#[tokio::test]
async fn regression_a_ring_with_no_area_is_refused() {
    let case = import_case("import/areas/ring-flat-no-area.geojson");
    for app in apps().await {
        run_import_case(&app, &case).await;
    }
}

/// Regression: a GeoJSON file starting with a UTF-8 byte order mark was refused as "expected
/// value at line 1 column 1", which names nothing the sender can see.
#[tokio::test]
async fn regression_geojson_with_a_byte_order_mark_is_read() {
    let case = import_case("import/areas/utf8-byte-order-mark.geojson");
    for app in apps().await {
        run_import_case(&app, &case).await;
    }
}

/// Regression: a CSV that cannot be read was answered with the code `invalid_geojson`.
#[tokio::test]
async fn regression_unreadable_csv_is_invalid_csv() {
    let case = import_case("import/households/ragged-row.csv");
    for app in apps().await {
        run_import_case(&app, &case).await;
    }
}
