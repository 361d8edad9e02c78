//! Load benchmark for the examples server (not a timed test; run by hand):
//!
//! ```text
//! cargo bench -p examples-server --bench load --target-dir /work/target-es [-- rest|ws|sse|cluster]
//! ```
//!
//! * `rest`: requests/s of `GET /api/posts` and `GET /api/posts/1` against a
//!   bare axum "hello" route served in the same process, by the same kind of
//!   runtime, hammered by the same keep-alive load generator: the ceiling.
//! * `ws`: 1,000 chat clients in one room (plus 10 senders at the documented
//!   rate limit); delivery latency percentiles from send to each receipt.
//! * `sse`: 5,000 concurrent `/sse/news` subscribers; the server's resident
//!   memory per subscriber and the fan-out latency of `POST /api/notify`.
//!
//! * `cluster` (only by name; needs `redis-server`): the `ws` and `sse`
//!   scenarios with two instances on Redis against one instance in the same
//!   run: senders on instance A and receivers on B, and 5,000 subscribers
//!   split over A and B.
//!
//! `-- serve` only starts the REST servers and prints their URLs, so `wrk`
//! can cross-check the REST numbers.
//!
//! `ws` and `sse` run the real `examples-server` binary as a child process so
//! its memory is measured alone. Each scenario runs `RUNS` times (default 3)
//! and the medians are printed as a Markdown table.

mod cluster;
mod process;
mod rest;
mod sse;
mod ws;

// The cluster tests' Redis harness: a private redis-server on a free port.
use std::sync::OnceLock;
use std::time::Instant;
use test_support::services;

use cluster::bench_cluster;
use rest::{bench_rest, serve_for_external_load};
use sse::bench_sse;
use ws::bench_ws;

/// The process-wide clock that senders stamp into messages and receivers
/// subtract from; both sides live in this process.
pub fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

pub fn micros_now() -> u64 {
    epoch().elapsed().as_micros() as u64
}

fn main() {
    epoch();
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    if filter.as_deref() == Some("serve") {
        return serve_for_external_load();
    }
    let wants = |name: &str| filter.as_deref().is_none_or(|f| f == name);
    let mut report = Vec::new();
    if wants("rest") {
        report.extend(bench_rest(runs));
    }
    if wants("ws") {
        report.extend(bench_ws(runs));
    }
    if wants("sse") {
        report.extend(bench_sse(runs));
    }
    // Needs redis-server; only when asked for by name.
    if filter.as_deref() == Some("cluster") {
        report.extend(bench_cluster(runs));
    }
    println!("\n| scenario | median of {runs} runs | runs |");
    println!("|---|---|---|");
    for (name, median, all) in report {
        println!("| {name} | {median} | {all} |");
    }
}

pub fn runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .unwrap()
}

pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn fmt_runs(values: &[f64], unit: &str, digits: usize) -> String {
    values
        .iter()
        .map(|v| format!("{v:.digits$}{unit}"))
        .collect::<Vec<_>>()
        .join(", ")
}
