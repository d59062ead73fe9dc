//! PostGIS stops under a running `gridmap serve`, and comes back.
//!
//! The index answers reads from memory, so an outage of the store may cost only what needs the store:
//! `/readyz` says the store cannot be reached; reads go on, with sessions the server has already
//! confirmed; writes and logins fail promptly with a 503 in the API's error shape that names no
//! internals; reads of residents' data are still recorded, in memory until the store takes them.
//! When the same cluster comes back with its data, the server is ready again, writes and logins
//! work without a restart, and the entries recorded meanwhile reach the audit log.
//!
//! The test runs a cluster of its own, made by `scripts/pg-test-cluster.sh` like the shared one:
//! stopping the shared cluster would fail every other PostGIS test running beside this one. The
//! script's `start` throws a stopped cluster away, so the cluster is brought back with `pg_ctl`
//! directly, as the script runs it, on its old port (the server's URL names it).

#[allow(dead_code)]
#[path = "../api/fixture.rs"]
mod fixture;

use std::fs::{File, Permissions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use gridmap::access::{AuditQuery, RECHECK, Role, Sessions};
use gridmap::domain::Layer;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

use fixture::{COMMUNITY, COUNTY, EAST, GRID_W};

/// Longest any one request may take before the test calls it a hang (the server's own request
/// timeout is a minute).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);
/// A read the index answers, during the outage. The first request of a session that is due for its
/// recheck against the store waits for the store a moment before the cached session is used.
const READ_WITHIN: Duration = Duration::from_secs(2);
/// A request that needs the store, during the outage: the pool's wait for a connection, perhaps
/// after the index refresher's own wait, which holds the write lock an import needs.
const FAIL_WITHIN: Duration = Duration::from_secs(10);
/// How long the server may take to notice that the store went away or came back.
const NOTICE_WITHIN: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);

const PASSWORD: &str = "a test password";
/// H1's doorstep, inside building B1 in the west grid.
const AT: (f64, f64) = (112.1201, 32.0501);
const TILE_ZOOM: u8 = 10;

#[tokio::test]
async fn reads_outlive_a_store_outage_and_writes_resume_after_it() {
    let started = Instant::now();
    let cluster = Cluster::start();
    let url = cluster.create_database("gridmap").await;
    import_fixture(&url, cluster.dir());
    let admin = account(&url, "admin", Role::Admin, None).await;
    let leader = account(&url, "leader", Role::GridLeader, Some(GRID_W)).await;
    let mut server = Server::start(&url, cluster.dir());
    let admin = Some(admin.as_str());
    let leader = Some(leader.as_str());
    eprintln!("--- cluster, data and server up after {:.1?}", started.elapsed());

    // Before the outage: the server is ready, and has seen both tokens (validated and cached). What
    // it answers now is what it must go on answering from memory.
    let ready = server.get("/readyz", None).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text());
    let locate_path = format!("/api/v1/locate?lon={}&lat={}", AT.0, AT.1);
    let nearest_path = format!("/api/v1/nearest?lon={}&lat={}&kind=red_station&k=2", AT.0, AT.1);
    let tile_path = {
        let w = gridmap::tiles::to_world(AT.0, AT.1);
        let n = f64::from(1u32 << TILE_ZOOM);
        format!("/tiles/areas/{TILE_ZOOM}/{}/{}.mvt", (w.x * n) as u32, (w.y * n) as u32)
    };
    let reads = [
        ("locate", locate_path.as_str(), admin),
        ("nearest", nearest_path.as_str(), admin),
        ("household", "/api/v1/households/H1", leader),
        ("area tile", tile_path.as_str(), admin),
    ];
    let mut before = Vec::new();
    for (what, path, token) in reads {
        let answer = server.get(path, token).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{what} before the outage: {}",
            answer.text()
        );
        before.push(answer.body);
    }
    check_reads(&before);
    let validated = Instant::now();

    // Fast shutdown: the server's connections are ended and new ones refused; the data stays.
    cluster.stop();
    let down_at = Utc::now();
    let outage = Instant::now();

    let ready = server
        .poll(
            "/readyz",
            None,
            |a| a.status != StatusCode::OK,
            "/readyz to notice the outage",
        )
        .await;
    let message = unavailable(&ready, "/readyz during the outage");
    assert!(message.contains("cannot be reached"), "/readyz: {message}");
    let health = server.get("/healthz", None).await;
    assert_eq!(
        health.status,
        StatusCode::OK,
        "/healthz during the outage: {}",
        health.text()
    );

    // Reads from memory answer, promptly and as before. Once the sessions are older than their
    // recheck interval, each token's next request asks the store, which is away: the cached session
    // must serve it anyway, and without waiting out the pool's connect timeout.
    tokio::time::sleep_until((validated + RECHECK + POLL).into()).await;
    let mut household_reads = 0;
    for round in 0..2 {
        for ((what, path, token), expected) in reads.iter().zip(&before) {
            let answer = server.get(path, *token).await;
            assert_eq!(
                answer.status,
                StatusCode::OK,
                "{what} during the outage (round {round}): {}",
                answer.text()
            );
            assert!(
                answer.took < READ_WITHIN,
                "{what} during the outage took {:.1?}: reads from memory must not wait for the store",
                answer.took
            );
            assert_eq!(&answer.body, expected, "{what}: a different answer during the outage");
            if *what == "household" {
                household_reads += 1;
            }
        }
    }

    // A write fails cleanly and promptly, and changes nothing.
    let change = renamed_grid();
    let refused = server
        .post("/api/v1/import/areas", admin, "application/geo+json", change.clone())
        .await;
    unavailable(&refused, "an import during the outage");
    assert!(
        refused.took < FAIL_WITHIN,
        "an import during the outage took {:.1?} to fail",
        refused.took
    );
    let area_path = format!("/api/v1/areas/{GRID_W}");
    let area = server.get(&area_path, admin).await;
    assert_eq!(area.status, StatusCode::OK, "{}", area.text());
    assert_eq!(area.json()["name"], "西网格", "the refused import changed the index");
    // So does a login, which needs the store to check the password.
    let login = server.login("leader").await;
    unavailable(&login, "a login during the outage");
    assert!(
        login.took < FAIL_WITHIN,
        "a login during the outage took {:.1?} to fail",
        login.took
    );
    assert!(server.alive(), "the server died during the outage:\n{}", server.log());
    let up_at = Utc::now();
    eprintln!(
        "--- outage checked in {:.1?}: /readyz answered 503 in {:.1?}, the import in {:.1?}, the login in {:.1?}",
        outage.elapsed(),
        ready.took,
        refused.took,
        login.took
    );

    // The same cluster comes back with its data.
    let back = Instant::now();
    cluster.resume();
    server
        .poll(
            "/readyz",
            None,
            |a| a.status == StatusCode::OK,
            "/readyz once PostgreSQL is back",
        )
        .await;
    let imported = server
        .post("/api/v1/import/areas", admin, "application/geo+json", change)
        .await;
    assert_eq!(
        imported.status,
        StatusCode::OK,
        "the import after the outage: {}",
        imported.text()
    );
    assert_eq!(
        imported.json(),
        json!({"layer": "areas", "features": 1, "inserted": 0, "updated": 1})
    );
    let area = server.get(&area_path, admin).await;
    assert_eq!(area.status, StatusCode::OK, "{}", area.text());
    assert_eq!(area.json()["name"], "西网格（调整）", "{}", area.text());
    // One commit on top of the fixture's: the refused import wrote nothing.
    assert_eq!(area.json()["version"], 2, "{}", area.text());
    let login = server.login("leader").await;
    assert_eq!(
        login.status,
        StatusCode::OK,
        "a login after the outage: {}",
        login.text()
    );
    let token = login.json()["token"].as_str().expect("a token").to_owned();
    let me = server.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["user"], "leader");

    // Every household read of the outage reaches the audit log, with the time it was made.
    let store = gridmap::store::open(&url).await.expect("opening the store");
    let query = AuditQuery {
        user: Some("leader".into()),
        code: Some("H1".into()),
        action: Some("read_households".into()),
        since: Some(down_at),
        limit: 100,
    };
    let deadline = Instant::now() + NOTICE_WITHIN;
    loop {
        let stored = store.audit(&query).await.expect("reading the audit log");
        let during = stored.iter().filter(|e| e.at <= up_at).count();
        if during == household_reads {
            break;
        }
        assert!(
            during < household_reads && Instant::now() < deadline,
            "{during} of the {household_reads} household reads of the outage are in the audit log:\n{stored:#?}"
        );
        tokio::time::sleep(POLL).await;
    }
    store.close().await;
    assert!(server.alive(), "the server died:\n{}", server.log());
    assert!(
        !server.log().contains("panicked"),
        "the server panicked:\n{}",
        server.log()
    );
    eprintln!("--- back in {:.1?}; {:.1?} in all", back.elapsed(), started.elapsed());
}

/// Checks what the reads answer: the index's data, not merely a 200.
fn check_reads(bodies: &[Bytes]) {
    let json = |b: &Bytes| -> Value { serde_json::from_slice(b).expect("a JSON answer") };
    let located = json(&bodies[0]);
    let codes: Vec<&str> = located["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .filter_map(|a| a["code"].as_str())
        .collect();
    assert_eq!(codes, [COUNTY, EAST, COMMUNITY, GRID_W], "{located}");
    assert_eq!(located["building"]["code"], "B1", "{located}");
    let nearest = json(&bodies[1]);
    let stations: Vec<&str> = nearest["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["station"]["code"].as_str())
        .collect();
    assert_eq!(stations, ["RS-A", "RS-B"], "{nearest}");
    let household = json(&bodies[2]);
    assert_eq!(household["head_name"], "张三", "{household}");
    assert_eq!(household["masked"], false, "{household}");
    let tile = mvt_reader::Reader::new(bodies[3].to_vec()).expect("a decodable tile");
    let layers = tile.get_layer_metadata().expect("the tile's layers");
    let areas = layers.iter().position(|l| l.name == "areas").expect("an areas layer");
    assert!(
        !tile.get_features(areas).expect("the areas").is_empty(),
        "an empty area tile"
    );
}

/// Checks a 503 in the API's error shape that shows nothing of the driver, the SQL or the
/// database's address; returns its message.
fn unavailable(answer: &Answer, what: &str) -> String {
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{what}: {}",
        answer.text()
    );
    assert!(
        answer.content_type.starts_with("application/json"),
        "{what}: {}",
        answer.content_type
    );
    let body = answer.json();
    let error = body["error"].as_object().unwrap_or_else(|| panic!("{what}: {body}"));
    assert!(
        error
            .keys()
            .all(|k| ["code", "message", "details"].contains(&k.as_str())),
        "{what}: {body}"
    );
    assert_eq!(error["code"], "store_unavailable", "{what}: {body}");
    let text = answer.text().to_lowercase();
    for internal in [
        "sqlx",
        "connection refused",
        "os error",
        "pool",
        "timed out",
        "select ",
        "insert ",
        "postgres://",
        "127.0.0.1",
    ] {
        assert!(
            !text.contains(internal),
            "{what} shows internals ({internal:?}): {body}"
        );
    }
    error["message"].as_str().expect("a message").to_owned()
}

/// GRID_W under a new name, everything else as the fixture has it.
fn renamed_grid() -> String {
    json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"code": GRID_W, "name": "西网格（调整）", "level": "grid", "parent_code": COMMUNITY},
        "geometry": {"type": "Polygon", "coordinates": [[
            [112.10, 32.0], [112.15, 32.0], [112.15, 32.05], [112.15, 32.1], [112.10, 32.1], [112.10, 32.0]]]}}]})
    .to_string()
}

// ---------------------------------------------------------------------------------------------------
// Data and accounts.

fn gridmap(database: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gridmap"));
    c.arg("--database").arg(database).env("NO_COLOR", "1");
    c
}

fn import_fixture(url: &str, dir: &Path) {
    for layer in Layer::ALL {
        let file = dir.join(format!("{layer}.geojson"));
        std::fs::write(&file, fixture::geojson(layer)).expect("writing the fixture");
        let out = gridmap(url)
            .args(["import", "--layer", layer.as_str()])
            .arg(&file)
            .output()
            .expect("running gridmap import");
        assert!(out.status.success(), "importing {layer}: {}", said(&out));
    }
}

/// A new account and a token for it, issued through the store: the server finds the token there on
/// its first use and caches it.
async fn account(url: &str, name: &str, role: Role, scope: Option<&str>) -> String {
    let store = gridmap::store::open(url).await.expect("opening the store");
    gridmap::cli::add_user(&*store, name, role, scope, PASSWORD)
        .await
        .expect("adding an account");
    let issued = Sessions::new(Duration::from_secs(3600), RECHECK)
        .login(&*store, name, PASSWORD)
        .await
        .expect("logging in");
    store.close().await;
    issued.token
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

// ---------------------------------------------------------------------------------------------------
// The cluster.

/// A PostgreSQL cluster of this test alone, in a temporary folder; stopped when dropped, however
/// the test ends, and before the folder goes.
struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("gridmap-store-down-")
            .tempdir()
            .expect("creating a temporary folder");
        // As root the script runs the server as the `postgres` user, who must be able to enter it.
        std::fs::set_permissions(dir.path(), Permissions::from_mode(0o755)).expect("opening the folder");
        let out = script("start", dir.path());
        let cluster_said = said(&out);
        // Made before checking, so a half-started cluster is stopped too.
        let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let port = url
            .rsplit_once(':')
            .and_then(|(_, rest)| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let cluster = Self { dir, port };
        assert!(
            out.status.success() && port != 0,
            "starting a PostgreSQL cluster: {cluster_said}"
        );
        cluster
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The URL of database `name` as the `postgres` superuser (trusted on 127.0.0.1).
    fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    async fn create_database(&self, name: &str) -> String {
        use sqlx::{Connection, Executor};
        let mut conn = sqlx::PgConnection::connect(&self.url("postgres"))
            .await
            .expect("connecting to the new cluster");
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("creating the database");
        let _ = conn.close().await;
        self.url(name)
    }

    /// A fast shutdown, as an operator's `pg_ctl stop` or a package upgrade does: sessions are ended,
    /// new connections refused, the data kept.
    fn stop(&self) {
        let out = script("stop", self.dir());
        assert!(out.status.success(), "stopping PostgreSQL: {}", said(&out));
    }

    /// Starts the stopped cluster again, with its data, on its old port, the way the script starts
    /// it (`start` would make a new, empty one).
    fn resume(&self) {
        let pg_ctl = pg_bindir().join("pg_ctl");
        let mut command = if running_as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(pg_ctl);
            c
        } else {
            Command::new(pg_ctl)
        };
        let out = command
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(self.dir().join("pgdata"))
            .arg("-l")
            .arg(self.dir().join("postgres.log"))
            .args(["-o", &format!("-p {}", self.port)])
            // The server must not inherit a working directory its user cannot enter.
            .current_dir(self.dir())
            .stdin(Stdio::null())
            .output()
            .expect("running pg_ctl");
        assert!(
            out.status.success(),
            "starting PostgreSQL again on port {} (another process may have taken it): {}\n{}",
            self.port,
            said(&out),
            std::fs::read_to_string(self.dir().join("postgres.log")).unwrap_or_default()
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = script("stop", self.dir.path());
    }
}

fn script(command: &str, dir: &Path) -> Output {
    Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pg-test-cluster.sh"))
        .arg(command)
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .expect("running scripts/pg-test-cluster.sh")
}

/// Where `pg_ctl` lives: `PG_BINDIR`, or the newest installed version, as the script finds it.
fn pg_bindir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BINDIR") {
        return dir.into();
    }
    let version = |p: &Path| -> Vec<u32> {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        name.split('.').filter_map(|n| n.parse().ok()).collect()
    };
    std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (the script made a cluster)")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("bin/pg_ctl").is_file())
        .max_by_key(|p| version(p))
        .map(|p| p.join("bin"))
        .expect("an installed pg_ctl")
}

/// Whether this process runs as root (`/proc/self` belongs to the process's effective user).
fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

// ---------------------------------------------------------------------------------------------------
// The server and its client.

/// A running `gridmap serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One answer, and how long it took.
struct Answer {
    status: StatusCode,
    content_type: String,
    body: Bytes,
    took: Duration,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

impl Server {
    /// Serves `url` on a port the system picks, logging into `dir`, and waits until it listens.
    fn start(url: &str, dir: &Path) -> Self {
        let log = dir.join("serve.log");
        let mut child = gridmap(url)
            .args(["serve", "--no-demo", "--bind", "127.0.0.1:0"])
            .env("RUST_LOG", "gridmap=info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting gridmap serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let mut file = File::create(&log).expect("creating the server's log");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = writeln!(file, "{line}");
                if let Some((_, rest)) = line.split_once("listening on http://") {
                    let addr: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                        .collect();
                    let _ = tx.send(addr);
                }
            }
        });
        let mut server = Self {
            child,
            addr: String::new(),
            log,
        };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => server.addr = addr,
            Err(_) => panic!(
                "gridmap serve did not say where it listens within a minute:\n{}",
                server.log()
            ),
        }
        server
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.send(Method::GET, path, token, None).await
    }

    async fn post(&self, path: &str, token: Option<&str>, content_type: &str, body: String) -> Answer {
        self.send(Method::POST, path, token, Some((content_type, body))).await
    }

    async fn login(&self, user: &str) -> Answer {
        let body = json!({"username": user, "password": PASSWORD}).to_string();
        self.post("/api/v1/auth/token", None, "application/json", body).await
    }

    /// Asks `path` until `done` holds for the answer; panics after [`NOTICE_WITHIN`].
    async fn poll(&self, path: &str, token: Option<&str>, done: impl Fn(&Answer) -> bool, what: &str) -> Answer {
        let deadline = Instant::now() + NOTICE_WITHIN;
        loop {
            let answer = self.get(path, token).await;
            if done(&answer) {
                return answer;
            }
            assert!(
                Instant::now() < deadline,
                "waited {NOTICE_WITHIN:?} for {what}; the last answer: {} {}\n{}",
                answer.status,
                answer.text(),
                self.log()
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// One request on a connection of its own.
    async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<(&str, String)>) -> Answer {
        let started = Instant::now();
        let exchange = async {
            let stream = tokio::net::TcpStream::connect(&self.addr).await?;
            let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            let mut request = Request::builder()
                .method(method.clone())
                .uri(path)
                .header(HOST, &self.addr);
            if let Some(token) = token {
                request = request.header(AUTHORIZATION, format!("Bearer {token}"));
            }
            let content = match body {
                Some((content_type, body)) => {
                    request = request.header(CONTENT_TYPE, content_type);
                    Bytes::from(body)
                }
                None => Bytes::new(),
            };
            let response = sender.send_request(request.body(Full::new(content))?).await?;
            let status = response.status();
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(Answer {
                status,
                content_type,
                body,
                took: started.elapsed(),
            })
        };
        match tokio::time::timeout(CLIENT_TIMEOUT, exchange).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => panic!("{method} {path}: {e}\n{}", self.log()),
            Err(_) => panic!(
                "{method} {path} got no answer within {CLIENT_TIMEOUT:?}: the server hangs\n{}",
                self.log()
            ),
        }
    }
}
