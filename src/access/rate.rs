//! Per-key rate limits (token buckets): one bucket per bearer token for API requests, one per
//! address and user name for logins.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A rate: `per_second` sustained, bursts of up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets keyed by `K`; `None` rate means unlimited.
pub struct RateLimiter<K> {
    rate: Option<Rate>,
    buckets: Mutex<HashMap<K, Bucket>>,
}

/// Buckets kept at most; idle full ones are dropped beyond it.
const MAX_BUCKETS: usize = 100_000;

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    pub fn new(rate: Option<Rate>) -> Self {
        Self {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket; `Err(wait)` when it is empty.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let Some(rate) = self.rate else { return Ok(()) };
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(key) {
            // Buckets refilled to the brim carry no state worth keeping.
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate.per_second < rate.burst);
        }
        let b = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: rate.burst,
            at: now,
        });
        let refill = now.saturating_duration_since(b.at).as_secs_f64() * rate.per_second;
        b.tokens = (b.tokens + refill).min(rate.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / rate.per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_the_sustained_rate() {
        let limiter = RateLimiter::new(Some(Rate {
            per_second: 10.0,
            burst: 5.0,
        }));
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(limiter.check_at(&"a", t0).is_ok());
        }
        let wait = limiter.check_at(&"a", t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-9, "{wait:?}");
        // Another key has its own bucket.
        assert!(limiter.check_at(&"b", t0).is_ok());
        // A tenth of a second later one more request fits, and only one.
        let t1 = t0 + Duration::from_millis(100);
        assert!(limiter.check_at(&"a", t1).is_ok());
        assert!(limiter.check_at(&"a", t1).is_err());
        assert!(RateLimiter::new(None).check(&"a").is_ok());
    }
}
