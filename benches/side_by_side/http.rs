//! gridmap's HTTP side: a release `gridmap serve` on a free port of 127.0.0.1, its resident memory,
//! and stopping it again.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub struct Server {
    child: Child,
    pub base: String,
    /// A bearer token of an account made for the run.
    pub token: String,
}

/// An account for the load generator on the store at `url` (made once, kept between runs) and a
/// fresh token of it, issued through the store as the server would issue it.
pub fn bench_token(rt: &tokio::runtime::Runtime, url: &str) -> anyhow::Result<String> {
    rt.block_on(async {
        let store = gridmap::store::open(url).await?;
        let name = "bench-dispatcher";
        let password = "bench password";
        if !store.users().await?.iter().any(|u| u.name == name) {
            gridmap::cli::add_user(&*store, name, gridmap::access::Role::Dispatcher, None, password).await?;
        }
        let sessions = gridmap::access::Sessions::new(Duration::from_secs(24 * 3600), gridmap::access::RECHECK);
        let issued = sessions.login(&*store, name, password).await?;
        store.close().await;
        Ok(issued.token)
    })
}

/// A port on 127.0.0.1 that nothing listens on right now.
fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Status code of `GET path` on 127.0.0.1:`port` with a bearer token, if the server answers.
fn status(port: u16, path: &str, token: &str) -> Option<u16> {
    let mut s = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

impl Server {
    /// Starts `bin serve` on the store at `url` and waits (up to `wait`) until `/readyz` says the
    /// index is loaded. Output goes to `log`.
    /// Requests carry `token`; the per-token rate limit is off, as the load comes from one account.
    pub fn start(bin: &Path, url: &str, token: String, log: &Path, wait: Duration) -> anyhow::Result<Self> {
        let port = free_port()?;
        let out = std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let child = Command::new(bin)
            .args(["serve", "--no-demo", "--rate-limit", "0", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", url)
            .stdout(Stdio::null())
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            token,
        };
        let started = Instant::now();
        loop {
            if status(port, "/readyz", "") == Some(200) {
                return Ok(server);
            }
            if let Some(exit) = server.child.try_wait()? {
                bail!("gridmap serve exited with {exit}; see {}", log.display());
            }
            if started.elapsed() > wait {
                server.stop();
                bail!("gridmap serve was not ready within {wait:?}; see {}", log.display());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Resident set size of the server in MiB.
    pub fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
    }

    /// Whether `GET path` answers 200.
    pub fn ok(&self, path: &str) -> bool {
        let port = self.base.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0);
        status(port, path, &self.token) == Some(200)
    }

    /// Asks the server to shut down (SIGTERM), and kills it if it has not within 10 s.
    pub fn stop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.stop();
        }
    }
}
