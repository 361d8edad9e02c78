//! Load benchmark for the examples server (not a timed test; run by hand):
//!
//! ```text
//! cargo bench -p examples-server --bench load --target-dir /work/target-es [-- rest|ws|sse]
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
//! `-- serve` only starts the REST servers and prints their URLs, so `wrk`
//! can cross-check the REST numbers.
//!
//! `ws` and `sse` run the real `examples-server` binary as a child process so
//! its memory is measured alone. Each scenario runs `RUNS` times (default 3)
//! and the medians are printed as a Markdown table.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

/// The process-wide clock that senders stamp into messages and receivers
/// subtract from; both sides live in this process.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn micros_now() -> u64 {
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
    println!("\n| scenario | median of {runs} runs | runs |");
    println!("|---|---|---|");
    for (name, median, all) in report {
        println!("| {name} | {median} | {all} |");
    }
}

fn runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .unwrap()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn fmt_runs(values: &[f64], unit: &str, digits: usize) -> String {
    values
        .iter()
        .map(|v| format!("{v:.digits$}{unit}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ------------------------------------------------------------------- REST

const CONNECTIONS: usize = 32;
const WARMUP: Duration = Duration::from_millis(300);
/// Each target is measured in short slices, round-robin, so that load from
/// anything else on the machine hits every target alike.
const SLICE: Duration = Duration::from_secs(1);
const SLICES: usize = 5;

/// The bare hello server and the examples server with and without its
/// response cache, each on 127.0.0.1:0 in `servers`.
fn start_rest_servers(
    servers: &tokio::runtime::Runtime,
    dir: &std::path::Path,
) -> (SocketAddr, SocketAddr, SocketAddr) {
    servers.block_on(async {
        let hello_router =
            axum::Router::new().route("/hello", axum::routing::get(|| async { "Hello, World!" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hello = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, hello_router).await });
        let mut apps = Vec::new();
        for cache_responses in [true, false] {
            let mut config = examples_server::Config::in_memory();
            config.db = examples_server::DbLocation::File(
                dir.join(format!("bench-{cache_responses}.sqlite3")),
            );
            config.cache_responses = cache_responses;
            let state = examples_server::AppState::new(&config).await.unwrap();
            let listener = examples_server::bind(&config).await.unwrap();
            apps.push(listener.local_addr().unwrap());
            tokio::spawn(examples_server::serve(
                listener,
                state,
                std::future::pending(),
            ));
        }
        (hello, apps[0], apps[1])
    })
}

/// `-- serve`: start the REST servers and wait, for an external load
/// generator such as `wrk` to cross-check the numbers.
fn serve_for_external_load() {
    let servers = runtime(2);
    let dir = tempfile::tempdir().unwrap();
    let (hello, app, uncached) = start_rest_servers(&servers, dir.path());
    println!("hello http://{hello}/hello\napp http://{app}/api/posts\nuncached http://{uncached}/api/posts");
    servers.block_on(std::future::pending::<()>());
}

fn bench_rest(runs: usize) -> Vec<(String, String, String)> {
    // Servers get their own 2-thread runtime, as `examples-server` does on
    // this 2-core machine; the load generator gets another.
    let servers = runtime(2);
    let load = runtime(2);
    let dir = tempfile::tempdir().unwrap();
    let (hello, app, uncached) = start_rest_servers(&servers, dir.path());
    let targets = [
        ("bare axum hello (ceiling)", hello, "/hello"),
        ("GET /api/posts", app, "/api/posts"),
        ("GET /api/posts/1", app, "/api/posts/1"),
        ("GET /api/posts, response cache off", uncached, "/api/posts"),
        (
            "GET /api/posts/1, response cache off",
            uncached,
            "/api/posts/1",
        ),
    ];
    let mut results: Vec<Vec<f64>> = vec![Vec::new(); targets.len()];
    for run in 0..runs {
        let mut totals = vec![0.0; targets.len()];
        for _ in 0..SLICES {
            for (i, (_, addr, path)) in targets.iter().enumerate() {
                totals[i] += load.block_on(hammer(*addr, path));
            }
        }
        for (i, (name, _, _)) in targets.iter().enumerate() {
            let rps = totals[i] / SLICES as f64;
            eprintln!("rest run {run}: {name}: {rps:.0} req/s");
            results[i].push(rps);
        }
    }
    let ceiling = median(&mut results[0].clone());
    let mut rows = Vec::new();
    for (i, (name, _, _)) in targets.iter().enumerate() {
        let m = median(&mut results[i].clone());
        let share = if i == 0 {
            String::new()
        } else {
            format!(" ({:.0}% of the ceiling)", 100.0 * m / ceiling)
        };
        rows.push((
            format!("{name}, req/s"),
            format!("{m:.0}{share}"),
            fmt_runs(&results[i], "", 0),
        ));
    }
    drop(servers);
    rows
}

/// Requests per second over one `SLICE`, from `CONNECTIONS` keep-alive
/// connections each sending one request at a time.
async fn hammer(addr: SocketAddr, path: &'static str) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let counting = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (done, counting, stop) = (done.clone(), counting.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
            while !stop.load(Ordering::Relaxed) {
                stream.write_all(request.as_bytes()).await.unwrap();
                let need = loop {
                    if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        assert!(
                            buf.starts_with(b"HTTP/1.1 200"),
                            "{}",
                            String::from_utf8_lossy(&buf)
                        );
                        break end + 4 + content_length(&buf[..end]);
                    }
                    assert!(
                        stream.read_buf(&mut buf).await.unwrap() > 0,
                        "server closed"
                    );
                };
                while buf.len() < need {
                    assert!(
                        stream.read_buf(&mut buf).await.unwrap() > 0,
                        "server closed"
                    );
                }
                buf.drain(..need);
                if counting.load(Ordering::Relaxed) {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    tokio::time::sleep(WARMUP).await;
    counting.store(true, Ordering::Relaxed);
    let start = Instant::now();
    tokio::time::sleep(SLICE).await;
    let count = done.load(Ordering::Relaxed);
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
    count as f64 / elapsed.as_secs_f64()
}

fn content_length(head: &[u8]) -> usize {
    head.split(|&b| b == b'\n')
        .find_map(|line| {
            let line = std::str::from_utf8(line).ok()?;
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

// ------------------------------------------------- the server as a process

struct Server {
    child: Child,
    addr: SocketAddr,
    /// Held open: closing it would fail the server's later writes to stdout.
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_examples-server"))
            .args(["--addr", "127.0.0.1:0", "--memory", "--news-interval", "0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        let addr = line
            .trim()
            .trim_start_matches("listening on http://")
            .parse()
            .unwrap();
        Server {
            child,
            addr,
            _stdout: out,
        }
    }

    /// Resident set size in KiB, from /proc.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn latency_row(
    name: &str,
    p50: &mut [f64],
    p99: &mut [f64],
    lost: &[f64],
) -> Vec<(String, String, String)> {
    vec![
        (
            format!("{name}, p50 ms"),
            format!("{:.1}", median(&mut p50.to_vec())),
            fmt_runs(p50, "", 1),
        ),
        (
            format!("{name}, p99 ms"),
            format!("{:.1}", median(&mut p99.to_vec())),
            fmt_runs(p99, "", 1),
        ),
        (
            format!("{name}, deliveries lost"),
            format!("{:.0}", median(&mut lost.to_vec())),
            fmt_runs(lost, "", 0),
        ),
    ]
}

// -------------------------------------------------------------- WebSocket

const WS_CLIENTS: usize = 1000;
const WS_SENDERS: usize = 10;
/// Per sender: 15 messages 600 ms apart stays under 20 per 10 s.
const WS_MESSAGES: usize = 15;

fn bench_ws(runs: usize) -> Vec<(String, String, String)> {
    let rt = runtime(2);
    let (mut p50s, mut p99s, mut lost) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let server = Server::start();
        let (p50, p99, missing) = rt.block_on(ws_run(server.addr));
        eprintln!("ws run {run}: p50 {p50:.1} ms, p99 {p99:.1} ms, lost {missing}");
        p50s.push(p50);
        p99s.push(p99);
        lost.push(missing as f64);
    }
    latency_row(
        &format!("WS broadcast to {} clients", WS_CLIENTS + WS_SENDERS),
        &mut p50s,
        &mut p99s,
        &lost,
    )
}

async fn ws_run(addr: SocketAddr) -> (f64, f64, u64) {
    let url = format!("ws://{addr}/ws/chat?room=bench");
    // Senders join first and read from the start: every join is broadcast to
    // the whole room, so anyone who doesn't read during the join storm falls
    // behind and is (rightly) dropped as a slow consumer.
    let mut senders = Vec::new();
    for s in 0..WS_SENDERS {
        let (ws, _) = tokio_tungstenite::connect_async(format!("{url}&name=sender{s}"))
            .await
            .unwrap();
        let (tx, mut rx) = ws.split();
        let drain = tokio::spawn(async move { while let Some(Ok(_)) = rx.next().await {} });
        senders.push((tx, drain));
    }
    let mut receivers = Vec::new();
    // Join gradually: each join notice carries the member list, so joining
    // n clients moves O(n²) bytes; a burst would only measure that.
    for batch in 0..WS_CLIENTS / 25 {
        let mut connecting = Vec::new();
        for i in 0..25 {
            let url = format!("{url}&name=c{}", batch * 25 + i);
            connecting.push(tokio::spawn(async move {
                tokio_tungstenite::connect_async(url).await.unwrap().0
            }));
        }
        for ws in connecting {
            let mut ws = ws.await.unwrap();
            receivers.push(tokio::spawn(async move {
                let mut samples = Vec::with_capacity(WS_SENDERS * WS_MESSAGES);
                while let Some(Ok(msg)) = ws.next().await {
                    if let Message::Text(text) = msg {
                        if let Some(sent) = stamp(&text) {
                            samples.push(micros_now().saturating_sub(sent));
                            if samples.len() == WS_SENDERS * WS_MESSAGES {
                                break;
                            }
                        }
                    }
                }
                samples
            }));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let the last join notices drain.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut sending = Vec::new();
    for (s, (mut tx, drain)) in senders.into_iter().enumerate() {
        sending.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(60 * s as u64)).await;
            for _ in 0..WS_MESSAGES {
                let text = format!(r#"{{"type":"message","text":"t={}"}}"#, micros_now());
                tx.send(Message::text(text)).await.unwrap();
                tokio::time::sleep(Duration::from_millis(600)).await;
            }
            drain.abort();
        }));
    }
    for s in sending {
        s.await.unwrap();
    }
    let mut all = Vec::new();
    let mut missing = 0;
    for r in receivers {
        match tokio::time::timeout(Duration::from_secs(5), r).await {
            Ok(Ok(samples)) => {
                missing += (WS_SENDERS * WS_MESSAGES - samples.len()) as u64;
                all.extend(samples);
            }
            _ => missing += (WS_SENDERS * WS_MESSAGES) as u64,
        }
    }
    all.sort_unstable();
    (
        percentile(&all, 50.0) as f64 / 1000.0,
        percentile(&all, 99.0) as f64 / 1000.0,
        missing,
    )
}

/// The send time stamped into a chat message (`"text":"t=<µs>"`).
fn stamp(frame: &str) -> Option<u64> {
    let start = frame.find("\"text\":\"t=")? + 10;
    let end = start + frame[start..].find('"')?;
    frame[start..end].parse().ok()
}

// -------------------------------------------------------------------- SSE

const SSE_CLIENTS: usize = 5000;
/// Within the default write burst of 30 per client address.
const SSE_EVENTS: usize = 20;

fn bench_sse(runs: usize) -> Vec<(String, String, String)> {
    let rt = runtime(2);
    let (mut per_sub, mut p50s, mut p99s, mut lost) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let server = Server::start();
        let (kib, p50, p99, missing) = rt.block_on(sse_run(&server));
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

async fn sse_run(server: &Server) -> (f64, f64, f64, u64) {
    let addr = server.addr;
    // Warm the server up (runtime threads, database, allocator) before the baseline.
    post_notify(addr, "warm-up").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = server.rss_kib();
    let ready = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for _batch in 0..SSE_CLIENTS / 250 {
        let mut connecting = Vec::new();
        for _ in 0..250 {
            connecting.push(tokio::spawn(sse_connect(addr)));
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
