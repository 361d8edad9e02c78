//! Two small rate limiters: a per-client-IP token bucket for writes (429 on
//! `/api` and `addPost`) and a per-connection sliding window for chat frames.
//!
//! With a shared relay (Redis) the write buckets live there, so a client's limit is the same
//! however many instances share the load; if it cannot answer, this
//! instance's own buckets stand in rather than refusing every write.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::RateLimit;
use crate::relay::Relay;

/// Buckets kept before full (idle) ones are forgotten, so a scan from many
/// addresses cannot grow the map without bound.
const MAX_TRACKED_CLIENTS: usize = 10_000;

/// Token buckets keyed by client address. `None` as the key stands for
/// clients whose address is unknown (an embedding server without
/// `ConnectInfo`); they share one bucket.
#[derive(Debug)]
pub struct WriteLimiter {
    limit: Option<RateLimit>,
    buckets: Mutex<HashMap<Option<IpAddr>, Bucket>>,
    relay: Option<Arc<dyn Relay>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl WriteLimiter {
    pub fn new(limit: Option<RateLimit>, relay: Option<Arc<dyn Relay>>) -> Self {
        WriteLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
            relay,
        }
    }

    /// Takes one token for `client`, or says how long until one is free.
    pub async fn check(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        if let (Some(limit), Some(relay)) = (self.limit, &self.relay) {
            let key = client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
            match relay.take_token(&key, limit.burst, limit.per_minute).await {
                Ok(0) => return Ok(()),
                Ok(wait_ms) => return Err(Duration::from_millis(wait_ms)),
                Err(err) => tracing::debug!(error = %err, "shared rate limit unavailable"),
            }
        }
        self.check_at(client, Instant::now())
    }

    fn check_at(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let burst = f64::from(limit.burst.max(1));
        let per_second = f64::from(limit.per_minute.max(1)) / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_TRACKED_CLIENTS {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * per_second < burst
            });
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let refilled = now.duration_since(bucket.updated).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refilled).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// At most `max` events in any `window`.
#[derive(Debug)]
pub struct SlidingWindow {
    max: usize,
    window: Duration,
    hits: VecDeque<Instant>,
}

impl SlidingWindow {
    pub fn new(max: usize, window: Duration) -> Self {
        SlidingWindow {
            max,
            window,
            hits: VecDeque::with_capacity(max.min(64) + 1),
        }
    }

    /// Records an event; false when it is one too many.
    pub fn hit(&mut self, now: Instant) -> bool {
        while self
            .hits
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            self.hits.pop_front();
        }
        if self.hits.len() >= self.max {
            return false;
        }
        self.hits.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_allow_a_burst_then_refill() {
        let limiter = WriteLimiter::new(
            Some(RateLimit {
                burst: 2,
                per_minute: 60,
            }),
            None,
        );
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        let t0 = Instant::now();
        assert!(limiter.check_at(ip, t0).is_ok());
        assert!(limiter.check_at(ip, t0).is_ok());
        let wait = limiter.check_at(ip, t0).unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1));
        // Another client has its own bucket.
        assert!(limiter
            .check_at(Some(IpAddr::from([127, 0, 0, 2])), t0)
            .is_ok());
        assert!(limiter.check_at(ip, t0 + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn windows_forget_old_hits() {
        let mut w = SlidingWindow::new(2, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(w.hit(t0));
        assert!(w.hit(t0 + Duration::from_secs(1)));
        assert!(!w.hit(t0 + Duration::from_secs(2)));
        assert!(w.hit(t0 + Duration::from_secs(10)));
    }
}
