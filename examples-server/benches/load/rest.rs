//! REST requests/s against a bare axum route, in-process, round-robin slices.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{fmt_runs, median, runtime};

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
pub fn serve_for_external_load() {
    let servers = runtime(2);
    let dir = tempfile::tempdir().unwrap();
    let (hello, app, uncached) = start_rest_servers(&servers, dir.path());
    println!("hello http://{hello}/hello\napp http://{app}/api/posts\nuncached http://{uncached}/api/posts");
    servers.block_on(std::future::pending::<()>());
}

pub fn bench_rest(runs: usize) -> Vec<(String, String, String)> {
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
