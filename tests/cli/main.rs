//! The command line as a user runs it: `gridmap import` and `gridmap export` against both stores.

#[path = "../support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

fn gridmap(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridmap"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("running gridmap")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "gridmap failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// A fresh database of each backend.
async fn databases(dir: &tempfile::TempDir) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for backend in support::backends() {
        out.push((backend, support::fresh_url(backend, dir).await));
    }
    out
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).expect("writing a test file");
    path.display().to_string()
}

fn square(w: f64, s: f64, d: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[w, s], [w + d, s], [w + d, s + d], [w, s + d], [w, s]]]})
}

fn areas(extra: Option<Value>) -> Value {
    let mut features = vec![
        json!({"type": "Feature", "properties": {"code": "420001", "name": "县", "level": "county", "custom": {"k": 1}}, "geometry": square(112.0, 32.0, 0.2)}),
        json!({"type": "Feature", "properties": {"code": "420001001", "name": "镇", "level": "township", "parent_code": "420001"}, "geometry": square(112.0, 32.0, 0.1)}),
    ];
    features.extend(extra);
    json!({"type": "FeatureCollection", "features": features})
}

#[tokio::test]
async fn a_file_with_one_bad_feature_imports_nothing_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, db) in databases(&dir).await {
        let unclosed = json!({"type": "Feature", "properties": {"code": "420001001201", "name": "村", "level": "community", "parent_code": "420001001"},
            "geometry": {"type": "Polygon", "coordinates": [[[112.0, 32.0], [112.01, 32.0], [112.01, 32.01], [112.0, 32.01]]]}});
        let file = write(dir.path(), "bad.geojson", &areas(Some(unclosed)));
        let out = gridmap(&db, &["import", "--layer", "areas", &file]);
        assert!(!out.status.success(), "{backend}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("feature 2 (code 420001001201)"), "{backend}: {stderr}");
        assert!(stderr.contains("nothing was imported"), "{stderr}");
        let exported: Value = serde_json::from_str(&ok(gridmap(&db, &["export", "--layer", "areas"]))).unwrap();
        assert_eq!(
            exported["features"],
            json!([]),
            "{backend}: the good features were not stored either"
        );
    }
}

#[tokio::test]
async fn export_reimports_to_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, db) in databases(&dir).await {
        let file = write(dir.path(), "areas.geojson", &areas(None));
        let said = String::from_utf8(gridmap(&db, &["import", "--layer", "areas", &file]).stderr).unwrap();
        assert!(
            said.contains("imported 2 areas (2 new, 0 updated)"),
            "{backend}: {said}"
        );
        let csv = dir.path().join("stations.csv");
        std::fs::write(&csv, "lon,lat,code,kind,name,tier,services,note\n112.05,32.05,GC-1,governance_center,综治中心,township,调解;信访,甲\n").unwrap();
        ok(gridmap(
            &db,
            &["import", "--layer", "stations", "--crs", "gcj02", csv.to_str().unwrap()],
        ));

        let first = dir.path().join("first.geojson");
        ok(gridmap(
            &db,
            &["export", "--layer", "areas", "--output", first.to_str().unwrap()],
        ));
        let stations_csv = ok(gridmap(&db, &["export", "--layer", "stations", "--format", "csv"]));
        assert!(
            stations_csv.starts_with("lon,lat,code,kind,name,tier,phone,open_hours,services,note\n"),
            "{stations_csv}"
        );
        assert!(
            stations_csv.contains(",GC-1,governance_center,综治中心,township,,,调解;信访,甲"),
            "{stations_csv}"
        );

        let other = support::fresh_url(backend, &dir).await;
        ok(gridmap(
            &other,
            &["import", "--layer", "areas", first.to_str().unwrap()],
        ));
        let again = ok(gridmap(&other, &["export", "--layer", "areas"]));
        assert_eq!(std::fs::read_to_string(&first).unwrap(), again, "{backend}");
        let parsed: Value = serde_json::from_str(&again).unwrap();
        assert_eq!(
            parsed["features"][0]["properties"]["custom"],
            json!({"k": 1}),
            "unknown properties survive"
        );
    }
}

#[tokio::test]
async fn csv_is_refused_for_polygon_layers_and_missing_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = support::fresh_sqlite_url(&dir).await;
    let out = gridmap(&db, &["export", "--layer", "areas", "--format", "csv"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("export them as GeoJSON"));
    let out = gridmap(&db, &["import", "--layer", "areas", "/no/such/file.geojson"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.geojson"));
}

/// `gridmap` with `stdin` as standard input.
fn gridmap_with_input(database: &str, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridmap"))
        .arg("--database")
        .arg(database)
        .args(args)
        .env("RUST_LOG", "warn")
        .env("USER", "tester")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("running gridmap");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn failure(out: Output) -> String {
    assert!(!out.status.success(), "gridmap should have failed");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn accounts_are_managed_and_every_change_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, db) in databases(&dir).await {
        let file = write(dir.path(), &format!("areas-{backend}.geojson"), &areas(None));
        ok(gridmap_with_input(&db, &["import", "--layer", "areas", &file], ""));
        let add = |name: &str, role: &str, scope: Option<&str>, password: &str| {
            let mut args = vec!["user", "add", name, "--role", role];
            if let Some(s) = scope {
                args.extend(["--scope", s]);
            }
            gridmap_with_input(&db, &args, &format!("{password}\n"))
        };
        ok(add("wang", "grid_leader", Some("420001"), "long enough password"));
        ok(add("li", "dispatcher", None, "another password"));
        // Refused: a taken name, a scope that is no area, a short password, no password, a bad name.
        assert!(failure(add("wang", "viewer", None, "long enough password")).contains("already a user named wang"));
        assert!(
            failure(add("zhao", "planner", Some("999999"), "long enough password"))
                .contains("no area with code 999999")
        );
        assert!(failure(add("zhao", "planner", None, "short")).contains("at least 8"));
        assert!(failure(add("zhao", "planner", None, "")).contains("no password"));
        assert!(failure(add("<b>", "planner", None, "long enough password")).contains("user name"));
        let list = ok(gridmap_with_input(&db, &["user", "list"], ""));
        assert!(
            list.contains("wang") && list.contains("grid_leader") && list.contains("420001"),
            "{backend}: {list}"
        );
        assert!(list.contains("li") && list.contains("(everywhere)"));
        assert!(!list.contains("zhao"), "{backend}: a refused account was stored");
        ok(gridmap_with_input(&db, &["user", "revoke", "li"], ""));
        ok(gridmap_with_input(&db, &["user", "remove", "li"], ""));
        assert!(failure(gridmap_with_input(&db, &["user", "remove", "li"], "")).contains("no user named li"));

        // The audit log names who did what from the command line, newest first.
        let log = ok(gridmap_with_input(&db, &["audit", "--json"], ""));
        let entries: Vec<Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(
            actions,
            ["user_removed", "tokens_revoked", "user_added", "user_added", "import"],
            "{backend}: {log}"
        );
        assert!(entries.iter().all(|e| e["user"] == "cli:tester"));
        let only = ok(gridmap_with_input(&db, &["audit", "--action", "import"], ""));
        assert_eq!(only.lines().count(), 1, "{backend}: {only}");
        assert!(only.contains("areas") && only.contains("cli:tester"));
        assert!(failure(gridmap_with_input(&db, &["audit", "--since", "yesterday"], "")).contains("RFC 3339"));
    }
}

#[tokio::test]
async fn validate_names_the_gap_and_fails_until_the_children_tile_the_parent() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, db) in databases(&dir).await {
        // The township covers a quarter of the county: a gap of three quarters.
        let file = write(dir.path(), "areas.geojson", &areas(None));
        ok(gridmap(&db, &["import", "--layer", "areas", &file]));
        let out = gridmap(&db, &["validate", "420001"]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = failure(out);
        assert!(
            stdout.contains("420001 县 (county, 1 children): PROBLEMS"),
            "{backend}: {stdout}"
        );
        assert!(stdout.contains("gap of"), "{backend}: {stdout}");
        assert!(
            stderr.contains("1 of 1 areas checked have problems"),
            "{backend}: {stderr}"
        );

        let report: Value = serde_json::from_slice(&gridmap(&db, &["validate", "420001", "--json"]).stdout).unwrap();
        let gap = report["gaps"][0]["area_m2"].as_f64().unwrap();
        // Three quarters of 0.2° × 0.2° at 32°N: about 3/4 × 22.2 km × 18.9 km.
        assert!((3.0e8..3.3e8).contains(&gap), "{backend}: {gap}");

        // Three more townships fill the county; every area with children is then clean.
        let rest = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "420001002", "name": "东镇", "level": "township", "parent_code": "420001"}, "geometry": square(112.1, 32.0, 0.1)},
            {"type": "Feature", "properties": {"code": "420001003", "name": "北镇", "level": "township", "parent_code": "420001"}, "geometry": square(112.0, 32.1, 0.1)},
            {"type": "Feature", "properties": {"code": "420001004", "name": "东北镇", "level": "township", "parent_code": "420001"}, "geometry": square(112.1, 32.1, 0.1)},
        ]});
        let file = write(dir.path(), "rest.geojson", &rest);
        ok(gridmap(&db, &["import", "--layer", "areas", &file]));
        let stdout = ok(gridmap(&db, &["validate", "--all"]));
        assert_eq!(stdout.trim(), "420001 县 (county, 4 children): clean", "{backend}");
        let stderr = failure(gridmap(&db, &["validate", "420001", "--households", "5..1"]));
        assert!(stderr.contains("minimum above its maximum"), "{backend}: {stderr}");
        let stderr = failure(gridmap(&db, &["validate", "420999"]));
        assert!(stderr.contains("no area with code 420999"), "{backend}: {stderr}");
    }
}

#[tokio::test]
async fn coverage_prints_the_apis_answer_and_suggests_sites() {
    let dir = tempfile::tempdir().unwrap();
    for (backend, db) in databases(&dir).await {
        let point = |lon: f64, lat: f64| json!({"type": "Point", "coordinates": [lon, lat]});
        let households = json!({"type": "FeatureCollection", "features": [
            // 0 m and 94.4 m from the station, in the township; the third in the county only.
            {"type": "Feature", "properties": {"code": "H1"}, "geometry": point(112.05, 32.05)},
            {"type": "Feature", "properties": {"code": "H2"}, "geometry": point(112.051, 32.05)},
            {"type": "Feature", "properties": {"code": "H3"}, "geometry": point(112.15, 32.15)},
        ]});
        let stations = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "RS-1", "kind": "red_station"}, "geometry": point(112.05, 32.05)},
        ]});
        for (layer, value) in [
            ("areas", areas(None)),
            ("households", households),
            ("stations", stations),
        ] {
            let file = write(dir.path(), &format!("{layer}.geojson"), &value);
            ok(gridmap(&db, &["import", "--layer", layer, &file]));
        }
        let args = ["coverage", "--kind", "red_station", "--radius-m", "100"];
        let answer: Value = serde_json::from_str(&ok(gridmap(&db, &[&args[..], &["--json"]].concat()))).unwrap();
        assert_eq!(
            (answer["households"].as_u64(), answer["covered"].as_u64()),
            (Some(3), Some(2)),
            "{backend}: {answer}"
        );
        assert_eq!(answer["by_area"][0]["code"], "420001001");
        assert_eq!(answer["by_area"][0]["covered"], 2);
        let text = ok(gridmap(
            &db,
            &[
                &args[..],
                &["--area", "420001", "--suggest", "2", "--candidates", "grid"],
            ]
            .concat(),
        ));
        assert!(
            text.contains("red_station within 100 m in 420001 县"),
            "{backend}: {text}"
        );
        assert!(
            text.lines().any(|l| l.starts_with("all ") && l.contains("66.7%")),
            "{backend}: {text}"
        );
        assert!(text.contains("1 site for new stations"), "{backend}: {text}");
        let stderr = failure(gridmap(&db, &["coverage", "--kind", "spaceport", "--radius-m", "100"]));
        assert!(stderr.contains("unknown station kind"), "{backend}: {stderr}");

        // The same coverage as a PNG map.
        let png = dir.path().join(format!("{backend}-map.png"));
        let png_arg = png.to_str().unwrap();
        let map = [
            "map",
            "coverage",
            "--kind",
            "red_station",
            "--radius-m",
            "100",
            "--area",
            "420001001",
        ];
        ok(gridmap(
            &db,
            &[&map[..], &["--width", "400", "--height", "300", "-o", png_arg]].concat(),
        ));
        let picture = tiny_skia::Pixmap::decode_png(&std::fs::read(&png).unwrap()).expect("a PNG");
        assert_eq!((picture.width(), picture.height()), (400, 300), "{backend}");

        // On foot: refused without paths, then along a road through H1 and H2 (both on it).
        let walking = [&args[..], &["--distance", "walking", "--json"]].concat();
        let stderr = failure(gridmap(&db, &walking));
        assert!(stderr.contains("no paths are loaded"), "{backend}: {stderr}");
        let road = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "R1", "highway": "residential"},
             "geometry": {"type": "LineString", "coordinates": [[112.049, 32.05], [112.052, 32.05]]}},
        ]});
        let file = write(dir.path(), "paths.geojson", &road);
        ok(gridmap(&db, &["import", "--layer", "paths", &file]));
        let answer: Value = serde_json::from_str(&ok(gridmap(&db, &walking))).unwrap();
        assert_eq!(answer["distance"], "walking", "{backend}: {answer}");
        assert_eq!(answer["walking"]["covered"], 2, "{backend}: {answer}");
        ok(gridmap(
            &db,
            &[
                &map[..],
                &[
                    "--distance",
                    "walking",
                    "--width",
                    "400",
                    "--height",
                    "300",
                    "-o",
                    png_arg,
                ],
            ]
            .concat(),
        ));
        let picture = tiny_skia::Pixmap::decode_png(&std::fs::read(&png).unwrap()).expect("a PNG");
        let reach = picture
            .pixels()
            .iter()
            .filter(|p| [p.red(), p.green(), p.blue()] == gridmap::maps::REACH)
            .count();
        assert!(reach > 0, "{backend}: the road within the walk is drawn");
        let stderr = failure(gridmap(&db, &[&map[..], &["--width", "100", "-o", png_arg]].concat()));
        assert!(
            stderr.contains("width must be a whole number of pixels"),
            "{backend}: {stderr}"
        );
    }
}
