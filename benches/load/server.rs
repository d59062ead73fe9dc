//! A `gridmap serve` on a port the system picks, for a load run, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `bin serve` on `database` with per-token rate limits off (the load comes from one
    /// account) and waits until it listens.
    pub fn start(bin: &Path, database: &str) -> anyhow::Result<Self> {
        let mut child = Command::new(bin)
            .args([
                "--database",
                database,
                "serve",
                "--no-demo",
                "--rate-limit",
                "0",
                "--bind",
                "127.0.0.1:0",
            ])
            .env("RUST_LOG", "gridmap=info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stderr = child.stderr.take().context("no stderr")?;
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
                // Keep reading so the server never blocks on a full pipe.
            }
        });
        let Ok(addr) = rx.recv_timeout(Duration::from_secs(600)) else {
            let _ = child.kill();
            bail!("gridmap serve did not start listening");
        };
        Ok(Self {
            child,
            addr: addr.parse().context("the address gridmap serve printed")?,
        })
    }

    /// Resident set size, MiB.
    pub fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
    }

    /// Whether the process is still running (it must survive the load).
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An account for the load (made once, kept between runs) and a fresh token of it, issued through
/// the store as the server would issue it.
pub async fn token(store: &dyn gridmap::store::Store) -> anyhow::Result<String> {
    let name = "load-dispatcher";
    let password = "load test password";
    if !store.users().await?.iter().any(|u| u.name == name) {
        gridmap::cli::add_user(store, name, gridmap::access::Role::Dispatcher, None, password).await?;
    }
    let sessions = gridmap::access::Sessions::new(Duration::from_secs(24 * 3600), gridmap::access::RECHECK);
    Ok(sessions.login(store, name, password).await?.token)
}
