//! The load test: a release `gridmap serve` on loopback under a few hundred keep-alive connections
//! of mixed requests (locate, nearest, area and household tiles, household search) for a few
//! minutes. It passes when no answer is a 5xx, no connection is refused or dropped, and the server
//! is still running at the end. `scripts/load.sh` runs it; BENCHMARKS.md records a run.
//!
//! ```text
//! cargo bench --bench load -- --database sqlite://PATH [--connections 300] [--seconds 180] [--bin target/release/gridmap]
//! ```

#[global_allocator]
static GLOBAL: gridmap::Allocator = gridmap::Allocator;

mod client;
mod plan;
mod server;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let mut database = None;
    let mut connections = 300usize;
    let mut seconds = 180u64;
    let mut bin = PathBuf::from("target/release/gridmap");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--database" => database = Some(value()?),
            "--connections" => connections = value()?.parse().context("--connections")?,
            "--seconds" => seconds = value()?.parse().context("--seconds")?,
            "--bin" => bin = PathBuf::from(value()?),
            // cargo bench passes --bench to every bench target.
            "--bench" => {}
            other => bail!("unknown argument {other}"),
        }
    }
    let database = database.context("--database URL is required (a store holding the demo or a generated city)")?;
    let rt = tokio::runtime::Runtime::new()?;
    let (paths, token) = rt.block_on(async {
        let store = gridmap::store::open(&database).await?;
        let paths = plan::paths(&*store, 5_000).await?;
        let token = server::token(&*store).await?;
        store.close().await;
        anyhow::Ok((paths, token))
    })?;
    let mut srv = server::Server::start(&bin, &database)?;
    let rss_before = srv.rss_mib();
    eprintln!(
        "{connections} connections for {seconds} s against {} ({} request paths)…",
        srv.addr,
        paths.len()
    );
    let outcome = rt.block_on(client::run(&client::Plan {
        addr: srv.addr,
        token,
        paths,
        connections,
        duration: Duration::from_secs(seconds),
    }));
    let alive = srv.alive();
    println!("connections     {connections}");
    println!("duration        {:.1} s", outcome.elapsed.as_secs_f64());
    println!("requests        {} ({:.0}/s)", outcome.requests, outcome.per_second());
    for (status, n) in &outcome.by_status {
        println!("  status {status}    {n}");
    }
    println!("5xx             {}", outcome.server_errors());
    println!("refused         {}", outcome.refused);
    println!("dropped         {}", outcome.dropped);
    println!(
        "latency ms      p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        outcome.percentile_ms(0.5),
        outcome.percentile_ms(0.9),
        outcome.percentile_ms(0.99),
        outcome.percentile_ms(1.0)
    );
    println!(
        "server RSS      {:.0} MiB before, {:.0} MiB after; still running: {alive}",
        rss_before.unwrap_or(0.0),
        srv.rss_mib().unwrap_or(0.0)
    );
    let not_ok: u64 = outcome
        .by_status
        .iter()
        .filter(|(s, _)| **s != 200)
        .map(|(_, n)| n)
        .sum();
    if outcome.server_errors() > 0 || outcome.refused > 0 || outcome.dropped > 0 || !alive || not_ok > 0 {
        bail!("the load test failed: see the counts above");
    }
    println!("PASS: every answer 200, no connection refused or dropped");
    Ok(())
}
