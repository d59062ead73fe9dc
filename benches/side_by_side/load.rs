//! Load generators on loopback: `pgbench` against PostGIS and `wrk` against gridmap's HTTP API,
//! each at a fixed concurrency for a fixed time, with throughput and latency percentiles.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

/// What one load run measured.
#[derive(Debug, Clone, Copy)]
pub struct LoadResult {
    pub per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Failed requests or transactions (non-2xx answers, socket errors, failed transactions).
    pub errors: u64,
}

impl LoadResult {
    pub fn show(&self) -> String {
        let mut s = format!(
            "{}, p50 {}, p99 {}",
            super::report::rate(self.per_s, "req"),
            ms(self.p50_ms),
            ms(self.p99_ms)
        );
        if self.errors > 0 {
            s.push_str(&format!(", {} errors", self.errors));
        }
        s
    }
}

fn ms(v: f64) -> String {
    if v < 1.0 {
        format!("{:.0} µs", v * 1000.0)
    } else {
        format!("{v:.1} ms")
    }
}

fn run(cmd: &mut Command, what: &str) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("starting {what}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            out.status,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(stdout)
}

/// `pgbench` against one database, logging each transaction's latency under `dir`.
pub struct Pgbench<'a> {
    pub bin: &'a str,
    pub url: &'a str,
    pub dir: &'a Path,
}

impl Pgbench<'_> {
    /// Runs one custom script at `clients` connections for `secs` seconds, with `defines` as
    /// script variables; `tag` names the latency logs.
    pub fn run(
        &self,
        script: &Path,
        clients: usize,
        secs: u64,
        defines: &[(&str, String)],
        tag: &str,
    ) -> anyhow::Result<LoadResult> {
        let stem = format!("pgbench-{tag}-c{clients}");
        let remove_logs = || -> anyhow::Result<Vec<std::path::PathBuf>> {
            let mut found = Vec::new();
            for entry in std::fs::read_dir(self.dir)?.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&stem) {
                    found.push(entry.path());
                }
            }
            Ok(found)
        };
        for old in remove_logs()? {
            let _ = std::fs::remove_file(old);
        }
        let out = run(
            Command::new(self.bin)
                .args(["--no-vacuum", "--protocol=prepared", "--log"])
                .arg(format!("--log-prefix={}", self.dir.join(&stem).display()))
                .arg(format!("--client={clients}"))
                .arg(format!("--jobs={}", clients.min(2)))
                .arg(format!("--time={secs}"))
                .arg(format!("--file={}", script.display()))
                .args(defines.iter().map(|(k, v)| format!("--define={k}={v}")))
                .arg(self.url),
            "pgbench",
        )?;
        let tps = out
            .lines()
            .find_map(|l| l.strip_prefix("tps = "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
            .with_context(|| format!("no tps in pgbench's output:\n{out}"))?;
        let failed = out
            .lines()
            .find_map(|l| l.strip_prefix("number of failed transactions: "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        let mut latencies_us: Vec<f64> = Vec::new();
        for log in remove_logs()? {
            let text = std::fs::read_to_string(&log)?;
            // client_id transaction_no latency_us script_no epoch epoch_us
            latencies_us.extend(
                text.lines()
                    .filter_map(|l| l.split_whitespace().nth(2))
                    .filter_map(|v| v.parse::<f64>().ok()),
            );
            let _ = std::fs::remove_file(log);
        }
        let (p50, p99) = percentiles(&mut latencies_us);
        Ok(LoadResult {
            per_s: tps,
            p50_ms: p50 / 1000.0,
            p99_ms: p99 / 1000.0,
            errors: failed,
        })
    }
}

/// The 50th and 99th percentiles (nearest rank).
fn percentiles(v: &mut [f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    (at(0.50), at(0.99))
}

/// The Lua script that makes wrk request random paths from a file (`wrk … -- PATHS`, one path a line).
pub const WRK_SCRIPT: &str = r#"
local requests = {}
init = function(args)
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  for line in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("GET", line)
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
request = function()
  return requests[math.random(#requests)]
end
"#;

/// `wrk` against one server, requesting random paths from a file through [`WRK_SCRIPT`], each
/// request with the bearer token `token`.
pub struct Wrk<'a> {
    pub bin: &'a str,
    /// `http://127.0.0.1:PORT`
    pub base: &'a str,
    pub script: &'a Path,
    pub token: &'a str,
}

impl Wrk<'_> {
    /// Requests the paths listed in `paths` at random, at `connections` for `secs` seconds.
    pub fn run(&self, paths: &Path, connections: usize, secs: u64) -> anyhow::Result<LoadResult> {
        let out = run(
            Command::new(self.bin)
                .arg(format!("--threads={}", connections.min(2)))
                .arg(format!("--connections={connections}"))
                .arg(format!("--duration={secs}s"))
                .arg("--timeout=10s")
                .arg("--latency")
                .arg(format!("--script={}", self.script.display()))
                .arg(self.base)
                .arg("--")
                .arg(paths)
                .arg(self.token),
            "wrk",
        )?;
        let per_s = out
            .lines()
            .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .with_context(|| format!("no Requests/sec in wrk's output:\n{out}"))?;
        let pct = |p: &str| -> Option<f64> {
            let l = out.lines().find(|l| l.trim_start().starts_with(p))?;
            duration_ms(l.split_whitespace().nth(1)?)
        };
        let non_2xx = out
            .lines()
            .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let socket = out
            .lines()
            .find_map(|l| l.trim().strip_prefix("Socket errors:"))
            .map(|l| {
                l.split(',')
                    .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                    .sum::<u64>()
            })
            .unwrap_or(0);
        Ok(LoadResult {
            per_s,
            p50_ms: pct("50%").unwrap_or(f64::NAN),
            p99_ms: pct("99%").unwrap_or(f64::NAN),
            errors: non_2xx + socket,
        })
    }
}

/// wrk's `123.45us` / `1.23ms` / `1.01s` as milliseconds.
fn duration_ms(s: &str) -> Option<f64> {
    let (num, factor) = if let Some(v) = s.strip_suffix("us") {
        (v, 1e-3)
    } else if let Some(v) = s.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = s.strip_suffix('m') {
        (v, 60_000.0)
    } else if let Some(v) = s.strip_suffix('s') {
        (v, 1000.0)
    } else {
        return None;
    };
    Some(num.parse::<f64>().ok()? * factor)
}
