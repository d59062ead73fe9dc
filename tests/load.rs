//! The load test inside the test command: a `gridmap serve` on each store, holding the demo, under a
//! few hundred keep-alive connections of mixed requests (locate, nearest, area and household tiles,
//! household search) for a bounded time. It passes when every answer is a 200, no connection is
//! refused or dropped, and the server is still running. `GRIDMAP_LOAD_SECONDS` and
//! `GRIDMAP_LOAD_CONNECTIONS` change the run; the longer release run is `scripts/load.sh`.

#[path = "support/mod.rs"]
mod support;

#[path = "../benches/load/client.rs"]
mod client;
#[path = "../benches/load/plan.rs"]
mod plan;
#[path = "../benches/load/server.rs"]
#[allow(dead_code)]
mod server;

use std::path::Path;
use std::time::Duration;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_load_from_hundreds_of_connections_gets_no_5xx_and_drops_nothing() {
    let seconds = setting("GRIDMAP_LOAD_SECONDS", 30);
    let connections = setting("GRIDMAP_LOAD_CONNECTIONS", 256) as usize;
    let dir = tempfile::tempdir().unwrap();
    for backend in support::backends() {
        let url = support::fresh_url(backend, &dir).await;
        let store = gridmap::store::open(&url).await.unwrap();
        let state = gridmap::state::AppState::load(store.clone(), gridmap::state::Limits::default())
            .await
            .unwrap();
        gridmap::cli::load_demo(&state, Path::new("geodata")).await.unwrap();
        let paths = plan::paths(&*store, 2_000).await.unwrap();
        let token = server::token(&*store).await.unwrap();
        drop(state);
        store.close().await;

        let mut srv = server::Server::start(Path::new(env!("CARGO_BIN_EXE_gridmap")), &url).unwrap();
        let outcome = client::run(&client::Plan {
            addr: srv.addr,
            token,
            paths,
            connections,
            duration: Duration::from_secs(seconds),
        })
        .await;
        let summary = format!(
            "{backend}: {} requests ({:.0}/s), statuses {:?}, refused {}, dropped {}, p99 {:.1} ms",
            outcome.requests,
            outcome.per_second(),
            outcome.by_status,
            outcome.refused,
            outcome.dropped,
            outcome.percentile_ms(0.99)
        );
        eprintln!("{summary}");
        assert!(srv.alive(), "{summary}: the server died");
        assert_eq!(outcome.server_errors(), 0, "{summary}");
        assert_eq!(outcome.refused + outcome.dropped, 0, "{summary}");
        assert_eq!(
            outcome.by_status.keys().copied().collect::<Vec<_>>(),
            [200],
            "{summary}"
        );
        assert!(outcome.requests > connections as u64 * 10, "{summary}: hardly any load");
    }
}
