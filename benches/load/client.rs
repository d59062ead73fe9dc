//! A closed-loop HTTP/1.1 load generator: `connections` keep-alive connections, each sending the
//! next request as soon as the last answer is read, for a fixed time. Every answer is counted by
//! status, and every connection that fails (refused, reset, closed mid-answer) is counted as
//! dropped and opened again, so a run proves "no 5xx, no dropped connection" rather than sampling it.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

/// What to send, where, how hard and for how long.
#[derive(Debug, Clone)]
pub struct Plan {
    pub addr: SocketAddr,
    /// Sent as `Authorization: Bearer …` with every request.
    pub token: String,
    /// Request paths, picked at random per request.
    pub paths: Vec<String>,
    pub connections: usize,
    pub duration: Duration,
}

/// What came back.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    pub requests: u64,
    pub by_status: BTreeMap<u16, u64>,
    /// Connections that could not be opened.
    pub refused: u64,
    /// Connections that broke after opening (reset, closed before a whole answer).
    pub dropped: u64,
    /// Per-request latency, microseconds, sorted.
    pub latencies_us: Vec<u32>,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn server_errors(&self) -> u64 {
        self.by_status.range(500..).map(|(_, n)| n).sum()
    }

    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() - 1) as f64 * p).round() as usize;
        f64::from(self.latencies_us[i]) / 1000.0
    }

    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn merge(&mut self, other: Outcome) {
        self.requests += other.requests;
        for (s, n) in other.by_status {
            *self.by_status.entry(s).or_default() += n;
        }
        self.refused += other.refused;
        self.dropped += other.dropped;
        self.latencies_us.extend(other.latencies_us);
    }
}

/// Runs the plan to its end.
pub async fn run(plan: &Plan) -> Outcome {
    let started = Instant::now();
    let deadline = started + plan.duration;
    let tasks: Vec<_> = (0..plan.connections)
        .map(|i| {
            let plan = plan.clone();
            tokio::spawn(async move { connection(&plan, deadline, 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1)).await })
        })
        .collect();
    let mut total = Outcome::default();
    for t in tasks {
        match t.await {
            Ok(o) => total.merge(o),
            Err(_) => total.dropped += 1,
        }
    }
    total.elapsed = started.elapsed();
    total.latencies_us.sort_unstable();
    total
}

/// One client connection's loop, reconnecting after failures until the deadline.
async fn connection(plan: &Plan, deadline: Instant, mut seed: u64) -> Outcome {
    let mut out = Outcome::default();
    let host = plan.addr.to_string();
    let authorization = format!("Bearer {}", plan.token);
    'reconnect: while Instant::now() < deadline {
        let stream = match tokio::net::TcpStream::connect(plan.addr).await {
            Ok(s) => s,
            Err(_) => {
                out.refused += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else {
            out.dropped += 1;
            continue;
        };
        let driver = tokio::spawn(conn);
        while Instant::now() < deadline {
            // xorshift64: cheap, and different per connection.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let path = &plan.paths[(seed % plan.paths.len() as u64) as usize];
            let req = Request::get(path.as_str())
                .header("host", &host)
                .header("authorization", &authorization)
                .body(Empty::<Bytes>::new())
                .expect("a request");
            let sent = Instant::now();
            let answer = match sender.send_request(req).await {
                Ok(res) => {
                    let status = res.status().as_u16();
                    res.into_body().collect().await.map(|_| status)
                }
                Err(e) => {
                    let _ = e;
                    out.dropped += 1;
                    driver.abort();
                    continue 'reconnect;
                }
            };
            match answer {
                Ok(status) => {
                    out.requests += 1;
                    *out.by_status.entry(status).or_default() += 1;
                    out.latencies_us
                        .push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                }
                Err(_) => {
                    out.dropped += 1;
                    driver.abort();
                    continue 'reconnect;
                }
            }
        }
        drop(sender);
        let _ = driver.await;
    }
    out
}
