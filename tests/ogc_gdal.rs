//! OGC API – Features as GDAL reads it: a real `gridmap serve` on a loopback port over each store,
//! read with GDAL's own OAPIF client (`ogrinfo`, `ogr2ogr`), the way QGIS opens it.
//!
//! GDAL comes from Debian's `gdal-bin`, which the test command installs. Without it this test fails
//! and says so: skipping would hide that the OGC API was never checked by a real client.

#[path = "support/mod.rs"]
mod support;

#[allow(dead_code)]
#[path = "api/fixture.rs"]
mod fixture;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use gridmap::access::{Role, Sessions};
use gridmap::domain::Layer;
use serde_json::Value;

fn gridmap(database: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gridmap"));
    c.arg("--database").arg(database).env("NO_COLOR", "1");
    c
}

/// GDAL's command `tool` with `args`, sending the headers in the file `headers` with every request;
/// panics with the output when it fails.
fn gdal(headers: &Path, tool: &str, args: &[&str]) -> String {
    let out = gdal_output(Some(headers), tool, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{tool} {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn gdal_output(headers: Option<&Path>, tool: &str, args: &[&str]) -> Output {
    let mut command = Command::new(tool);
    if let Some(h) = headers {
        // How GDAL (and so QGIS) sends an `Authorization: Bearer` header.
        command.env("GDAL_HTTP_HEADER_FILE", h);
    }
    command
        .args(args)
        // A proxy configured for the machine must not be asked for the loopback server.
        .env("NO_PROXY", "127.0.0.1")
        .env("no_proxy", "127.0.0.1")
        .env("GDAL_HTTP_TIMEOUT", "30")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {tool} ({e}): GDAL is not installed. Install Debian's gdal-bin \
                 (`apt-get install gdal-bin`); `bash scripts/test.sh` does so when run as root"
            )
        })
}

/// A token of a new account with `role`, issued through the store as the server itself would: the
/// server finds it there on first use.
async fn token(database: &str, name: &str, role: Role) -> String {
    let store = gridmap::store::open(database).await.expect("opening the store");
    gridmap::cli::add_user(&*store, name, role, None, "a test password")
        .await
        .expect("adding an account");
    let issued = Sessions::new(Duration::from_secs(3600), gridmap::access::RECHECK)
        .login(&*store, name, "a test password")
        .await
        .expect("logging in");
    store.close().await;
    issued.token
}

/// A running `gridmap serve`, killed when dropped.
struct Server {
    child: Child,
    root: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `database` on a port the system picks, and waits until it listens.
fn serve(database: &str) -> Server {
    let mut child = gridmap(database)
        .args(["serve", "--bind", "127.0.0.1:0", "--no-demo"])
        .env("RUST_LOG", "gridmap=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting gridmap serve");
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some((_, rest)) = line.split_once("listening on http://") {
                let addr: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                    .collect();
                let _ = tx.send(addr);
            }
        }
    });
    let addr = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(addr) => addr,
        Err(_) => {
            let _ = child.kill();
            panic!("gridmap serve did not say where it listens within a minute");
        }
    };
    Server {
        child,
        root: format!("OAPIF:http://{addr}/ogc"),
    }
}

fn import_fixture(database: &str, dir: &tempfile::TempDir) {
    for layer in Layer::ALL {
        let file = dir.path().join(format!("{layer}.geojson"));
        std::fs::write(&file, fixture::geojson(layer)).expect("writing the fixture");
        let out = gridmap(database)
            .args(["import", "--layer", layer.as_str()])
            .arg(&file)
            .output()
            .expect("running gridmap import");
        assert!(
            out.status.success(),
            "importing {layer}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The `"Feature Count: N"` of an `ogrinfo -so` summary.
fn feature_count(summary: &str) -> u64 {
    summary
        .lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no feature count in:\n{summary}"))
}

fn codes(geojson: &Value) -> Vec<String> {
    let mut v: Vec<String> = geojson["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["properties"]["code"].as_str().expect("code").to_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn gdal_reads_every_collection() {
    let dir = tempfile::tempdir().unwrap();
    for backend in support::backends() {
        let database = support::fresh_url(backend, &dir).await;
        import_fixture(&database, &dir);
        let server = serve(&database);
        let root = server.root.as_str();

        // Without a token GDAL gets 401 and says so.
        let refused = gdal_output(None, "ogrinfo", &["-ro", "-so", root]);
        assert!(!refused.status.success(), "{backend}: read without a token");
        let headers = dir.path().join(format!("headers-{backend}.txt"));
        let admin = token(&database, "gis-admin", Role::Admin).await;
        std::fs::write(&headers, format!("Authorization: Bearer {admin}\n")).unwrap();
        let headers = headers.as_path();

        let layers = gdal(headers, "ogrinfo", &["-ro", "-so", root]);
        for name in [
            "areas",
            "buildings",
            "households",
            "stations",
            "areas_county",
            "areas_township",
            "areas_community",
            "areas_grid",
            "areas_red_yard",
        ] {
            assert!(
                layers.lines().any(|l| l.split_whitespace().nth(1) == Some(name)),
                "{backend}: no layer {name} in:\n{layers}"
            );
        }

        let areas = gdal(headers, "ogrinfo", &["-ro", "-so", root, "areas"]);
        assert_eq!(feature_count(&areas), 10, "{backend}:\n{areas}");
        assert!(
            areas.contains("Extent: (112.000000, 32.000000) - (112.320000, 32.200000)"),
            "{backend}:\n{areas}"
        );
        assert_eq!(
            feature_count(&gdal(headers, "ogrinfo", &["-ro", "-so", root, "areas_grid"])),
            2
        );
        assert_eq!(
            feature_count(&gdal(headers, "ogrinfo", &["-ro", "-so", root, "stations"])),
            5
        );

        // Every feature, three to a page: GDAL follows the `next` links.
        let out = dir.path().join(format!("areas-{backend}.geojson"));
        let out_s = out.to_str().unwrap();
        gdal(
            headers,
            "ogr2ogr",
            &["-f", "GeoJSON", out_s, root, "areas", "-oo", "PAGE_SIZE=3"],
        );
        let read: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let mut expected: Vec<String> = [
            fixture::COUNTY,
            fixture::ENCLAVE,
            fixture::WEST,
            fixture::EAST,
            fixture::COMMUNITY,
            fixture::NORTH_COMMUNITY,
            fixture::GRID_W,
            fixture::GRID_E,
            fixture::YARD_S,
            fixture::YARD_N,
        ]
        .map(str::to_owned)
        .to_vec();
        expected.sort();
        assert_eq!(codes(&read), expected, "{backend}");

        // Attributes come through, and a spatial filter is sent as `bbox`.
        let households = gdal(
            headers,
            "ogrinfo",
            &["-ro", root, "households", "-where", "code = 'H1'"],
        );
        assert!(
            households.contains("head_name (String) = 张三"),
            "{backend}:\n{households}"
        );
        assert!(
            households.contains("POINT (112.1201 32.0501)"),
            "{backend}:\n{households}"
        );
        let near = dir.path().join(format!("near-{backend}.geojson"));
        gdal(
            headers,
            "ogr2ogr",
            &[
                "-f",
                "GeoJSON",
                near.to_str().unwrap(),
                root,
                "stations",
                "-spat",
                "112.1",
                "32.0",
                "112.2",
                "32.1",
            ],
        );
        let near: Value = serde_json::from_str(&std::fs::read_to_string(&near).unwrap()).unwrap();
        assert_eq!(codes(&near), ["PR-1", "RS-A", "RS-B"], "{backend}");

        // A dispatcher's GDAL gets the households masked.
        let masked = dir.path().join(format!("masked-{backend}.txt"));
        let dispatcher = token(&database, "gis-dispatcher", Role::Dispatcher).await;
        std::fs::write(&masked, format!("Authorization: Bearer {dispatcher}\n")).unwrap();
        let households = gdal(
            &masked,
            "ogrinfo",
            &["-ro", root, "households", "-where", "code = 'H1'"],
        );
        assert!(
            households.contains("head_name (String) = 张*"),
            "{backend}:\n{households}"
        );
        assert!(
            households.contains("phone (String) = 139****0001"),
            "{backend}:\n{households}"
        );
        drop(server);
    }
}
