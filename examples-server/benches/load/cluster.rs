//! Two instances on Redis against one instance, in the same run: chat
//! delivery from senders on instance A to receivers on instance B, and SSE
//! fan-out to 5,000 subscribers split across A and B (published through A).

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::process::Server;
use crate::services::RedisServer;
use crate::sse::{sse_run, SSE_CLIENTS};
use crate::ws::{ws_run, WS_CLIENTS, WS_SENDERS};
use crate::{fmt_runs, median, runtime};

/// Waits until `/readyz` answers 200 (the Redis subscriber is up).
fn wait_ready(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET /readyz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        if response.starts_with("HTTP/1.1 200") {
            return;
        }
        assert!(Instant::now() < deadline, "{addr} not ready: {response}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A fresh Redis and two instances on it, both subscribed.
fn two_instances(rt: &tokio::runtime::Runtime) -> (RedisServer, Server, Server) {
    let redis = rt
        .block_on(RedisServer::spawn())
        .expect("redis-server (apt-get install redis-server)");
    let flags = ["--redis-url", &redis.url()];
    let (a, b) = (Server::start_with(&flags), Server::start_with(&flags));
    wait_ready(a.addr);
    wait_ready(b.addr);
    (redis, a, b)
}

pub fn bench_cluster(runs: usize) -> Vec<(String, String, String)> {
    let rt = runtime(2);
    let mut ws = [Vec::new(), Vec::new()]; // p99: single, cross
    let mut sse = [Vec::new(), Vec::new()];
    let mut lost = 0u64;
    for run in 0..runs {
        {
            let single = Server::start();
            let (_, p99, missing) = rt.block_on(ws_run(single.addr, &[single.addr]));
            ws[0].push(p99);
            lost += missing;
        }
        {
            let single = Server::start();
            let (_, _, p99, missing) = rt.block_on(sse_run(&single, &[single.addr]));
            sse[0].push(p99);
            lost += missing;
        }
        {
            let (_redis, a, b) = two_instances(&rt);
            let (_, p99, missing) = rt.block_on(ws_run(a.addr, &[b.addr]));
            ws[1].push(p99);
            lost += missing;
        }
        {
            let (_redis, a, b) = two_instances(&rt);
            let (_, _, p99, missing) = rt.block_on(sse_run(&a, &[a.addr, b.addr]));
            sse[1].push(p99);
            lost += missing;
        }
        eprintln!(
            "cluster run {run}: chat p99 {:.1} ms single, {:.1} ms A→B; SSE p99 {:.1} ms single, {:.1} ms split",
            ws[0][run], ws[1][run], sse[0][run], sse[1][run]
        );
    }
    let row = |name: String, values: &[f64]| {
        (
            name,
            format!("{:.1} ms", median(&mut values.to_vec())),
            fmt_runs(values, "", 1),
        )
    };
    let ratio = |pair: &[Vec<f64>; 2]| median(&mut pair[1].clone()) / median(&mut pair[0].clone());
    let chat = format!("chat p99, {} receivers", WS_CLIENTS + WS_SENDERS);
    let fan = format!("SSE fan-out p99, {SSE_CLIENTS} subscribers");
    vec![
        row(format!("{chat}, one instance"), &ws[0]),
        row(
            format!("{chat}, senders on A, receivers on B (Redis)"),
            &ws[1],
        ),
        (
            format!("{chat}: two instances / one"),
            format!("{:.2}", ratio(&ws)),
            String::new(),
        ),
        row(format!("{fan}, one instance"), &sse[0]),
        row(format!("{fan}, split over A and B (Redis)"), &sse[1]),
        (
            format!("{fan}: two instances / one"),
            format!("{:.2}", ratio(&sse)),
            String::new(),
        ),
        (
            "messages and events lost, all runs".into(),
            lost.to_string(),
            String::new(),
        ),
    ]
}
