//! `/sse/news` and `POST /api/notify`: event fields, retry hint, keep-alive,
//! resume with `Last-Event-ID` (header and query), news ticker, disconnects.

use std::time::Duration;

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn notifications_reach_every_subscriber_with_id_event_and_data() {
    let server = TestServer::start().await;
    let mut a = SseClient::connect(&server.url("/sse/news"), None).await;
    let mut b = SseClient::connect(&server.url("/sse/news"), None).await;
    assert_eq!(a.status, 200);
    assert!(a.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    // First block: the retry hint.
    let first = a.next_block().await.unwrap();
    assert_eq!((first.retry, first.data.as_str()), (Some(2000), ""));

    let id = notify(&server, "Deploy finished").await;
    for client in [&mut a, &mut b] {
        let event = client.next_event().await;
        assert_eq!(event.id.as_deref(), Some(id.to_string().as_str()));
        assert_eq!(event.event.as_deref(), Some("notify"));
        let data = event.json();
        assert_eq!(data["id"], id);
        assert_eq!(
            (
                data["kind"].as_str(),
                data["title"].as_str(),
                data["body"].as_str()
            ),
            (Some("notify"), Some("Deploy finished"), Some("body"))
        );
        assert!(data["ts"].as_u64().unwrap() > 1_600_000_000_000);
    }
    let next = notify(&server, "Second").await;
    assert_eq!(next, id + 1, "ids are monotonic");
    assert_eq!(a.next_event().await.id, Some(next.to_string()));
}

#[tokio::test]
async fn the_raw_stream_starts_with_the_retry_line() {
    let server = TestServer::start().await;
    let response = http().get(server.url("/sse/news")).send().await.unwrap();
    let mut stream = response.bytes_stream();
    let first = futures_util::StreamExt::next(&mut stream)
        .await
        .unwrap()
        .unwrap();
    assert!(
        first.starts_with(b"retry: 2000\n"),
        "{:?}",
        String::from_utf8_lossy(&first)
    );
}

#[tokio::test]
async fn resume_with_last_event_id_replays_exactly_the_missed_events() {
    let server = TestServer::start().await;
    let mut client = SseClient::connect(&server.url("/sse/news"), None).await;
    let seen = notify(&server, "seen").await;
    assert_eq!(client.next_event().await.id, Some(seen.to_string()));
    drop(client); // disconnected

    let missed: Vec<u64> = vec![
        notify(&server, "missed 1").await,
        notify(&server, "missed 2").await,
    ];

    // Header, as a reconnecting EventSource sends it.
    let mut resumed = SseClient::connect(&server.url("/sse/news"), Some(&seen.to_string())).await;
    for id in &missed {
        assert_eq!(resumed.next_event().await.id, Some(id.to_string()));
    }
    let live = notify(&server, "live").await;
    assert_eq!(
        resumed.next_event().await.id,
        Some(live.to_string()),
        "no duplicates, then live events"
    );

    // Query parameter, for a first connection that can't set headers.
    let mut by_query =
        SseClient::connect(&server.url(&format!("/sse/news?lastEventId={seen}")), None).await;
    let ids: Vec<String> = vec![
        by_query.next_event().await.id.unwrap(),
        by_query.next_event().await.id.unwrap(),
    ];
    assert_eq!(ids, [missed[0].to_string(), missed[1].to_string()]);
}

#[tokio::test]
async fn the_replay_buffer_is_bounded() {
    let server = TestServer::start_with(|c| c.limits.sse_buffer = 4).await;
    let first = notify(&server, "e0").await;
    for i in 1..10 {
        notify(&server, &format!("e{i}")).await;
    }
    let mut client = SseClient::connect(&server.url("/sse/news"), Some(&first.to_string())).await;
    let replayed: Vec<u64> = {
        let mut ids = Vec::new();
        for _ in 0..4 {
            ids.push(client.next_event().await.id.unwrap().parse().unwrap());
        }
        ids
    };
    assert_eq!(
        replayed,
        [first + 6, first + 7, first + 8, first + 9],
        "only the newest 4 are kept"
    );
}

#[tokio::test]
async fn unknown_or_junk_last_event_ids_replay_nothing() {
    let server = TestServer::start().await;
    notify(&server, "old").await;
    for id in ["abc", "999999"] {
        let mut client = SseClient::connect(&server.url("/sse/news"), Some(id)).await;
        let live = notify(&server, "new").await;
        assert_eq!(client.next_event().await.id, Some(live.to_string()), "{id}");
    }
}

#[tokio::test]
async fn news_ticker_and_keep_alive_comments() {
    let server = TestServer::start_with(|c| {
        c.news_interval = Duration::from_millis(300);
        c.limits.sse_keep_alive = Duration::from_millis(100);
    })
    .await;
    let mut client = SseClient::connect(&server.url("/sse/news"), None).await;
    let mut comments = 0;
    let news = loop {
        let block = client.next_block().await.unwrap();
        if block.comments.iter().any(|c| c == "keep-alive") {
            comments += 1;
        }
        if !block.data.is_empty() {
            break block;
        }
    };
    assert_eq!(news.event.as_deref(), Some("news"));
    assert_eq!(news.json()["kind"], "news");
    assert!(!news.json()["title"].as_str().unwrap().is_empty());
    assert!(comments >= 1, "keep-alive comments arrive while idle");
}

#[tokio::test]
async fn notify_validates_its_input() {
    let server = TestServer::start().await;
    let post = |body: serde_json::Value| {
        let request = http().post(server.url("/api/notify")).json(&body);
        async move { json(request.send().await.unwrap()).await }
    };
    let (status, body) = post(json!({ "title": "", "body": "x".repeat(1001) })).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({ "error": "validation failed", "fields": { "title": "must be 1–120 characters", "body": "must be 0–1000 characters" } })
    );
    let (status, body) = post(json!({ "title": 5 })).await;
    assert_eq!(
        (status, &body["fields"]["title"]),
        (422, &json!("must be a string, not a number"))
    );
    let (status, _) = post(json!({ "title": "no body is fine" })).await;
    assert_eq!(status, 202);
    let response = http()
        .post(server.url("/api/notify"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("title=From+a+form&body=hi")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
}

#[tokio::test]
async fn clients_that_vanish_mid_stream_do_not_disturb_others() {
    let server = TestServer::start().await;
    let mut steady = SseClient::connect(&server.url("/sse/news"), None).await;
    for _ in 0..20 {
        let quitter = SseClient::connect(&server.url("/sse/news"), None).await;
        drop(quitter);
    }
    let id = notify(&server, "after the churn").await;
    assert_eq!(steady.next_event().await.id, Some(id.to_string()));
    assert_eq!(
        http()
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn event_ids_and_replay_survive_a_restart() {
    let server = TestServer::start().await;
    let before = notify(&server, "before restart").await;
    let after_before = notify(&server, "also before").await;
    let (config, dir) = (server.config(), server.dir.clone());
    server.stop().await.unwrap();

    let server = TestServer::start_config(config, dir).await;
    let mut client = SseClient::connect(&server.url("/sse/news"), Some(&before.to_string())).await;
    assert_eq!(
        client.next_event().await.id,
        Some(after_before.to_string()),
        "replayed from disk"
    );
    let next = notify(&server, "after restart").await;
    assert_eq!(next, after_before + 1, "ids keep increasing");
}

#[tokio::test]
async fn subscribers_past_the_limit_get_503() {
    let server = TestServer::start_with(|c| c.limits.max_sse_subscribers = 1).await;
    let first = SseClient::connect(&server.url("/sse/news"), None).await;
    assert_eq!(first.status, 200);
    let (status, body) = json(http().get(server.url("/sse/news")).send().await.unwrap()).await;
    assert_eq!(
        (status, body),
        (
            503,
            json!({ "error": "too many event-stream subscribers, try again later" })
        )
    );
    // The slot is released when the first subscriber goes away.
    drop(first);
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let again = SseClient::connect(&server.url("/sse/news"), None).await;
        if again.status == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the slot was never released"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
