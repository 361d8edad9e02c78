//! WebSocket chat broadcast latency with 1,000 clients in one room.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::process::{latency_row, Server};
use crate::{micros_now, percentile, runtime};

pub const WS_CLIENTS: usize = 1000;
pub const WS_SENDERS: usize = 10;
/// Per sender: 15 messages 600 ms apart stays under 20 per 10 s.
const WS_MESSAGES: usize = 15;

pub fn bench_ws(runs: usize) -> Vec<(String, String, String)> {
    let rt = runtime(2);
    let (mut p50s, mut p99s, mut lost) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let server = Server::start();
        let (p50, p99, missing) = rt.block_on(ws_run(server.addr, &[server.addr]));
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

/// Senders connect to `senders_at`; receivers round-robin over `receivers_at`.
pub async fn ws_run(senders_at: SocketAddr, receivers_at: &[SocketAddr]) -> (f64, f64, u64) {
    let url = format!("ws://{senders_at}/ws/chat?room=bench");
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
            let n = batch * 25 + i;
            let at = receivers_at[n % receivers_at.len()];
            let url = format!("ws://{at}/ws/chat?room=bench&name=c{n}");
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
