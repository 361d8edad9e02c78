//! SSE memory per subscriber and fan-out latency with 5,000 subscribers.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::process::{latency_row, Server};
use crate::{fmt_runs, median, micros_now, percentile, runtime};

pub const SSE_CLIENTS: usize = 5000;
/// Within the default write burst of 30 per client address.
const SSE_EVENTS: usize = 20;

pub fn bench_sse(runs: usize) -> Vec<(String, String, String)> {
    let rt = runtime(2);
    let (mut per_sub, mut p50s, mut p99s, mut lost) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let server = Server::start();
        let (kib, p50, p99, missing) = rt.block_on(sse_run(&server, &[server.addr]));
        eprintln!("sse run {run}: {kib:.1} KiB/subscriber, p50 {p50:.1} ms, p99 {p99:.1} ms, lost {missing}");
        per_sub.push(kib);
        p50s.push(p50);
        p99s.push(p99);
        lost.push(missing as f64);
    }
    let mut rows = vec![(
        format!("SSE memory per subscriber ({SSE_CLIENTS} subscribers), KiB"),
        format!("{:.1}", median(&mut per_sub.clone())),
        fmt_runs(&per_sub, "", 1),
    )];
    rows.extend(latency_row(
        &format!("SSE fan-out to {SSE_CLIENTS}"),
        &mut p50s,
        &mut p99s,
        &lost,
    ));
    rows
}

/// Publishes through `server`; subscribers round-robin over `subscribe_at`.
pub async fn sse_run(server: &Server, subscribe_at: &[SocketAddr]) -> (f64, f64, f64, u64) {
    let addr = server.addr;
    // Warm the server up (runtime threads, database, allocator) before the baseline.
    post_notify(addr, "warm-up").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = server.rss_kib();
    let ready = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for batch in 0..SSE_CLIENTS / 250 {
        let mut connecting = Vec::new();
        for i in 0..250 {
            let at = subscribe_at[(batch * 250 + i) % subscribe_at.len()];
            connecting.push(tokio::spawn(sse_connect(at)));
        }
        for c in connecting {
            let stream = c.await.unwrap();
            let ready = ready.clone();
            clients.push(tokio::spawn(sse_listen(stream, ready)));
        }
    }
    while ready.load(Ordering::Relaxed) < SSE_CLIENTS as u64 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = server.rss_kib();
    let per_subscriber = (after.saturating_sub(before)) as f64 / SSE_CLIENTS as f64;

    for _ in 0..SSE_EVENTS {
        post_notify(addr, &format!("t={}", micros_now())).await;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut all = Vec::new();
    let mut missing = 0;
    for c in clients {
        match tokio::time::timeout(Duration::from_secs(5), c).await {
            Ok(Ok(samples)) => {
                missing += (SSE_EVENTS - samples.len()) as u64;
                all.extend(samples);
            }
            _ => missing += SSE_EVENTS as u64,
        }
    }
    all.sort_unstable();
    (
        per_subscriber,
        percentile(&all, 50.0) as f64 / 1000.0,
        percentile(&all, 99.0) as f64 / 1000.0,
        missing,
    )
}

async fn sse_connect(addr: SocketAddr) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request =
        format!("GET /sse/news HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    BufReader::new(stream)
}

/// Reads one subscriber's stream; returns fan-out latencies in µs.
async fn sse_listen(mut stream: BufReader<TcpStream>, ready: Arc<AtomicU64>) -> Vec<u64> {
    let mut samples = Vec::with_capacity(SSE_EVENTS);
    let mut line = String::new();
    let mut counted = false;
    loop {
        line.clear();
        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
            return samples;
        }
        if !counted && line.contains("retry:") {
            counted = true;
            ready.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(i) = line.find("\"title\":\"t=") {
            let rest = &line[i + 11..];
            if let Some(sent) = rest.split('"').next().and_then(|t| t.parse::<u64>().ok()) {
                samples.push(micros_now().saturating_sub(sent));
                if samples.len() == SSE_EVENTS {
                    return samples;
                }
            }
        }
    }
}

async fn post_notify(addr: SocketAddr, title: &str) {
    let body = format!(r#"{{"title":"{title}","body":"bench"}}"#);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /api/notify HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
}
