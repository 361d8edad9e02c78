//! `/ws/chat`: rooms, history, join/leave, broadcast, error frames and every
//! close code (1001, 1007, 1008, 1009), keep-alive and slow consumers.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::Message;

use crate::common::*;

async fn join(server: &TestServer, room: &str, name: &str) -> Ws {
    let mut ws = ws_connect(&server.ws_url(&format!("/ws/chat?room={room}&name={name}"))).await;
    let history = recv_json(&mut ws).await;
    assert_eq!(history["type"], "history");
    let joined = recv_type(&mut ws, "join").await;
    assert_eq!(joined["name"], name);
    ws
}

async fn say(ws: &mut Ws, text: &str) {
    send_json(ws, json!({ "type": "message", "text": text })).await;
}

#[tokio::test]
async fn two_clients_see_each_others_messages_and_presence() {
    let server = TestServer::start().await;
    let mut ann = join(&server, "r1", "ann").await;
    let mut bob = join(&server, "r1", "bob").await;

    let bob_joined = recv_type(&mut ann, "join").await;
    assert_eq!(bob_joined["name"], "bob");
    assert_eq!(bob_joined["members"], json!(["ann", "bob"]));
    assert!(
        bob_joined["ts"].as_u64().unwrap() > 1_600_000_000_000,
        "ms since the epoch"
    );

    say(&mut ann, "hi bob").await;
    for ws in [&mut ann, &mut bob] {
        let msg = recv_type(ws, "message").await;
        assert_eq!(
            (msg["from"].as_str(), msg["text"].as_str()),
            (Some("ann"), Some("hi bob"))
        );
        assert!(msg["ts"].is_u64());
    }
    say(&mut bob, "hello ann").await;
    let msg = recv_type(&mut ann, "message").await;
    assert_eq!(
        (msg["from"].as_str(), msg["text"].as_str()),
        (Some("bob"), Some("hello ann"))
    );

    // Another room hears nothing of it.
    let mut other = ws_connect(&server.ws_url("/ws/chat?room=r2&name=eve")).await;
    assert_eq!(recv_json(&mut other).await["messages"], json!([]));

    bob.close(None).await.unwrap();
    let left = recv_type(&mut ann, "leave").await;
    assert_eq!(
        (left["name"].as_str(), &left["members"]),
        (Some("bob"), &json!(["ann"]))
    );
}

#[tokio::test]
async fn history_replays_the_last_50_messages_on_join() {
    let server = TestServer::start_with(|c| c.limits.chat_rate_messages = 1000).await;
    let mut ann = join(&server, "hist", "ann").await;
    for i in 0..55 {
        say(&mut ann, &format!("m{i}")).await;
    }
    // Wait until all 55 went round, so they are in the history.
    for _ in 0..55 {
        recv_type(&mut ann, "message").await;
    }
    let mut late = ws_connect(&server.ws_url("/ws/chat?room=hist&name=late")).await;
    let history = recv_json(&mut late).await;
    assert_eq!(
        (history["type"].as_str(), history["room"].as_str()),
        (Some("history"), Some("hist"))
    );
    let texts = history_texts(&history);
    assert_eq!(texts.len(), 50);
    assert_eq!((texts[0], texts[49]), ("m5", "m54"));
    assert_eq!(history["messages"][0]["type"], "message");
    assert_eq!(history["messages"][0]["from"], "ann");
}

#[tokio::test]
async fn defaults_and_name_validation() {
    let server = TestServer::start().await;
    let mut ws = ws_connect(&server.ws_url("/ws/chat")).await;
    assert_eq!(recv_json(&mut ws).await["room"], "lobby");
    let joined = recv_type(&mut ws, "join").await;
    assert!(
        joined["name"].as_str().unwrap().starts_with("guest-"),
        "{joined}"
    );

    for query in ["room=", "name=", &format!("name={}", "x".repeat(33))] {
        let err = ws_connect_with(&server.ws_url(&format!("/ws/chat?{query}")), &[])
            .await
            .unwrap_err();
        let tokio_tungstenite::tungstenite::Error::Http(response) = err else {
            panic!("{err}")
        };
        assert_eq!(response.status(), 400, "{query}");
        let body: serde_json::Value =
            serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("must be 1–32 characters"),
            "{body}"
        );
    }
    // A plain GET (no upgrade) is a clear JSON error, not a hang.
    let response = http().get(server.url("/ws/chat")).send().await.unwrap();
    assert!(response.status().is_client_error());
    assert!(json(response).await.1["error"].is_string());
}

#[tokio::test]
async fn bad_frames_get_an_error_message_and_the_connection_stays() {
    let server = TestServer::start().await;
    let mut ws = join(&server, "errs", "ann").await;
    ws.send(Message::text("{not json")).await.unwrap();
    let err = recv_type(&mut ws, "error").await;
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON"),
        "{err}"
    );
    send_json(&mut ws, json!({ "type": "shout", "text": "hi" })).await;
    assert!(recv_type(&mut ws, "error").await["message"]
        .as_str()
        .unwrap()
        .starts_with("unknown message type \"shout\""));
    send_json(&mut ws, json!({ "type": "message", "text": "" })).await;
    assert_eq!(
        recv_type(&mut ws, "error").await["message"],
        "text must be 1–2000 characters"
    );
    send_json(
        &mut ws,
        json!({ "type": "message", "text": "x".repeat(2001) }),
    )
    .await;
    assert_eq!(
        recv_type(&mut ws, "error").await["message"],
        "text must be 1–2000 characters"
    );
    ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    assert!(recv_type(&mut ws, "error").await["message"]
        .as_str()
        .unwrap()
        .starts_with("binary frames"));
    say(&mut ws, "still here").await;
    assert_eq!(recv_type(&mut ws, "message").await["text"], "still here");
}

#[tokio::test]
async fn oversized_messages_close_with_1009() {
    let server = TestServer::start().await;
    let mut ws = join(&server, "big", "ann").await;
    let text = json!({ "type": "message", "text": "x".repeat(17 * 1024) }).to_string();
    ws.send(Message::text(text)).await.unwrap();
    let (code, reason) = expect_close(&mut ws).await;
    assert_eq!(
        (code, reason.as_str()),
        (1009, "message too big (limit 16384 bytes)")
    );
}

#[tokio::test]
async fn flooding_closes_with_1008_and_the_room_keeps_working() {
    let server = TestServer::start().await;
    let mut flooder = join(&server, "flood", "flooder").await;
    let mut calm = join(&server, "flood", "calm").await;
    for i in 0..25 {
        if flooder
            .send(Message::text(
                json!({ "type": "message", "text": format!("spam {i}") }).to_string(),
            ))
            .await
            .is_err()
        {
            break;
        }
    }
    let (code, reason) = expect_close(&mut flooder).await;
    assert_eq!((code, reason.as_str()), (1008, "rate limit exceeded"));
    // Exactly 20 got through before the limit.
    let mut spam = 0;
    loop {
        let frame = recv_json(&mut calm).await;
        match frame["type"].as_str() {
            Some("message") => spam += 1,
            Some("leave") => break,
            _ => {}
        }
    }
    assert_eq!(spam, 20);
    say(&mut calm, "quiet now").await;
    assert_eq!(recv_type(&mut calm, "message").await["text"], "quiet now");
}

#[tokio::test]
async fn invalid_utf8_closes_with_1007() {
    let server = TestServer::start().await;
    let mut ws = join(&server, "utf8", "ann").await;
    let frame = Frame::message(vec![b'{', 0xff, 0xfe, b'}'], OpCode::Data(Data::Text), true);
    ws.send(Message::Frame(frame)).await.unwrap();
    let (code, reason) = expect_close(&mut ws).await;
    assert_eq!(
        (code, reason.as_str()),
        (1007, "invalid UTF-8 in text frame")
    );
}

#[tokio::test]
async fn the_server_pings_to_keep_connections_alive() {
    let server =
        TestServer::start_with(|c| c.limits.chat_ping_interval = Duration::from_millis(200)).await;
    let mut ws = ws_connect(&server.ws_url("/ws/chat?room=ka&name=live")).await;
    let ping = tokio::time::timeout(WAIT, async {
        loop {
            if let Some(Ok(Message::Ping(_))) = ws.next().await {
                return;
            }
        }
    })
    .await;
    assert!(ping.is_ok(), "a ping arrives");
}

#[tokio::test]
async fn clients_that_stop_answering_pings_are_dropped() {
    let server =
        TestServer::start_with(|c| c.limits.chat_ping_interval = Duration::from_millis(200)).await;
    // The watcher keeps reading, so its client library answers every ping.
    let mut watcher = join(&server, "ka2", "watcher").await;
    // This one never reads again, so it never answers: a dead peer.
    let _silent = ws_connect(&server.ws_url("/ws/chat?room=ka2&name=silent")).await;
    assert_eq!(recv_type(&mut watcher, "join").await["name"], "silent");
    let left = recv_type(&mut watcher, "leave").await;
    assert_eq!(
        (left["name"].as_str(), &left["members"]),
        (Some("silent"), &json!(["watcher"]))
    );
    // Well past two ping intervals, the watcher is still connected.
    tokio::time::sleep(Duration::from_millis(300)).await;
    say(&mut watcher, "alive").await;
    assert_eq!(recv_type(&mut watcher, "message").await["text"], "alive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_consumers_are_dropped_without_slowing_the_room() {
    // Default backlog (256); only the rate limit is lifted so one client
    // can produce enough traffic to fill a stalled peer's TCP buffers.
    let server = TestServer::start_with(|c| c.limits.chat_rate_messages = 1_000_000).await;
    let mut observer = join(&server, "slow", "observer").await;
    // Connects, then never reads again.
    let _slow = ws_connect(&server.ws_url("/ws/chat?room=slow&name=slow")).await;
    assert_eq!(recv_type(&mut observer, "join").await["name"], "slow");

    let sender = join(&server, "slow", "sender").await;
    let (mut tx, mut rx) = sender.split();
    // The sender must keep reading its own echoes, or it would be slow too.
    let drain = tokio::spawn(async move { while let Some(Ok(_)) = rx.next().await {} });
    let text = "y".repeat(1900);
    let total = 6000;
    // About 2,000 messages a second: busy, but a room the observer can
    // keep up with — only the peer that stopped reading falls behind.
    let send = tokio::spawn(async move {
        for batch in 0..total / 20 {
            for _ in 0..20 {
                tx.send(Message::text(
                    json!({ "type": "message", "text": text }).to_string(),
                ))
                .await
                .unwrap();
            }
            if batch % 5 == 4 {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        tx
    });

    let mut received = 0;
    let mut slow_left = false;
    while received < total || !slow_left {
        let frame = recv_json(&mut observer).await;
        match (frame["type"].as_str(), frame["name"].as_str()) {
            (Some("message"), _) => received += 1,
            (Some("leave"), Some("slow")) => slow_left = true,
            _ => {}
        }
    }
    assert_eq!(received, total, "the observer got every message");
    let _tx = send.await.unwrap();
    drain.abort();
}

#[tokio::test]
async fn websockets_from_foreign_origins_are_refused() {
    let server = TestServer::start().await;
    let err = ws_connect_with(
        &server.ws_url("/ws/chat"),
        &[("origin", "https://evil.example")],
    )
    .await
    .unwrap_err();
    let tokio_tungstenite::tungstenite::Error::Http(response) = err else {
        panic!("{err}")
    };
    assert_eq!(response.status(), 403);
    assert!(ws_connect_with(
        &server.ws_url("/ws/chat"),
        &[("origin", "http://localhost:8080")]
    )
    .await
    .is_ok());
}

#[tokio::test]
async fn clients_that_vanish_without_a_close_frame_leave_the_room() {
    let server = TestServer::start().await;
    let mut watcher = join(&server, "gone", "watcher").await;
    let vanishing = ws_connect(&server.ws_url("/ws/chat?room=gone&name=vanishing")).await;
    assert_eq!(recv_type(&mut watcher, "join").await["name"], "vanishing");
    // Drop the TCP connection mid-stream: no close handshake.
    drop(vanishing.into_inner());
    let left = recv_type(&mut watcher, "leave").await;
    assert_eq!(left["name"], "vanishing");
    say(&mut watcher, "still fine").await;
    assert_eq!(
        recv_type(&mut watcher, "message").await["text"],
        "still fine"
    );
}

#[tokio::test]
async fn connections_past_the_limit_get_503() {
    let server = TestServer::start_with(|c| c.limits.max_websockets = 1).await;
    let _first = join(&server, "full", "first").await;
    let err = ws_connect_with(&server.ws_url("/ws/chat?room=full&name=second"), &[])
        .await
        .unwrap_err();
    let tokio_tungstenite::tungstenite::Error::Http(response) = err else {
        panic!("{err}")
    };
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: serde_json::Value =
        serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
    assert_eq!(
        body["error"],
        "too many WebSocket connections, try again later"
    );
}
