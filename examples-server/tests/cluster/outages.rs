//! Redis and PostgreSQL going away and coming back: clear 503s, nothing
//! lost, the instances reconnect by themselves.

use std::time::Duration;

use examples_server::DbLocation;
use serde_json::{json, Value};

use crate::common::*;
use crate::harness::{cluster, join, next_message, say, wait_ready};
use crate::services::{require_all, ScratchDb};

#[tokio::test]
async fn a_redis_restart_is_survived() {
    let Some(mut c) = cluster().await else { return };
    let (mut ann, _) = join(&c.a, "r", "ann").await;
    let (mut bob, _) = join(&c.b, "r", "bob").await;
    let mut guest = ws_connect(&c.a.ws_url("/ws/chat?room=g")).await;
    let first_guest = recv_type(&mut guest, "join").await["name"].clone();
    let mut events = SseClient::connect(&c.b.url("/sse/news"), None).await;
    let before = notify(&c.a, "before").await;
    assert_eq!(events.next_event().await.id, Some(before.to_string()));

    c.redis.stop();
    for server in [&c.a, &c.b] {
        let report = wait_ready(server, false).await;
        assert_eq!(
            (
                report["status"].clone(),
                report["broker"]["ok"].clone(),
                report["store"]["ok"].clone()
            ),
            (json!("unavailable"), json!(false), json!(true)),
            "{report}"
        );
        // Liveness stays green: restarting the instance would not help.
        let response = http().get(server.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    // Clear 503s for what needs Redis; posts still work (PostgreSQL).
    let response = http()
        .post(c.a.url("/api/notify"))
        .json(&json!({ "title": "lost", "body": "b" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("Redis"), "{body}");
    let refused = ws_connect_with(&c.a.ws_url("/ws/chat?room=r&name=late"), &[]).await;
    assert!(
        refused.is_err(),
        "chat joins are refused while Redis is down"
    );
    say(&mut ann, "into the void").await;
    let error = recv_type(&mut ann, "error").await;
    assert!(
        error["message"].as_str().unwrap().contains("not sent"),
        "{error}"
    );
    create_post(&c.b, "stored during the outage").await;

    c.redis.start().await.expect("redis restarts");
    wait_ready(&c.a, true).await;
    wait_ready(&c.b, true).await;
    // The sockets and the event stream opened before the outage still work.
    say(&mut ann, "back again").await;
    assert_eq!(
        next_message(&mut bob).await,
        ("ann".into(), "back again".into())
    );
    // Redis forgot its counters too, but a new guest is not given a name in use.
    let mut later = ws_connect(&c.b.ws_url("/ws/chat?room=g")).await;
    let mut notice = recv_type(&mut later, "join").await;
    while notice["members"].as_array().unwrap().len() < 2 {
        notice = recv_type(&mut later, "join").await;
    }
    assert_ne!(notice["name"], first_guest, "{notice}");
    // Redis forgot the room's members; the instances told it again.
    let (mut cat, _) = join(&c.b, "r", "cat").await;
    let notice = recv_type(&mut cat, "join").await;
    let mut members: Vec<&str> = notice["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    members.sort_unstable();
    assert_eq!(members, ["ann", "bob", "cat"], "{notice}");
    let after = notify(&c.a, "after").await;
    assert!(
        after > before,
        "ids keep increasing although Redis restarted empty"
    );
    let event = events.next_event().await;
    assert_eq!(
        (event.id.clone(), event.json()["title"].clone()),
        (Some(after.to_string()), json!("after"))
    );
    let (status, body) = json(http().get(c.a.url("/readyz")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(
        body["broker"]["reconnects"].as_u64().unwrap() >= 1,
        "{body}"
    );
}

#[tokio::test]
async fn a_postgresql_outage_gives_503s_and_loses_nothing() {
    if !require_all(&["postgres"]) {
        return;
    }
    let db = ScratchDb::create().await.expect("scratch database");
    // Route the instance through a proxy we can cut.
    let (host_port, rest) = db
        .url()
        .rsplit_once('@')
        .map(|(_, r)| r.split_once('/').unwrap())
        .unwrap();
    let upstream: std::net::SocketAddr = host_port.parse().expect("host:port in the test URL");
    let proxy = crate::proxy::Proxy::start(upstream).await;
    let url = db.url().replace(
        &format!("@{host_port}/{rest}"),
        &format!("@{}/{rest}", proxy.addr),
    );
    let server = TestServer::start_with(move |c| c.db = DbLocation::Postgres(url)).await;
    let kept = create_post(&server, "written before the outage").await;
    let kept_id = kept["id"].as_i64().unwrap();

    proxy.cut();
    let report = wait_ready(&server, false).await;
    assert_eq!(
        (
            report["store"]["kind"].clone(),
            report["store"]["ok"].clone()
        ),
        (json!("postgres"), json!(false)),
        "{report}"
    );
    assert_eq!(
        http()
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "the process itself is fine"
    );
    for request in [
        http().get(server.url("/api/posts")),
        http().get(server.url(&format!("/api/posts/{kept_id}"))),
        http()
            .post(server.url("/api/posts"))
            .json(&json!({ "author": "a", "title": "t", "body": "lost?" })),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 503);
        assert!(response.headers().contains_key("retry-after"));
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .starts_with("the database is unavailable"),
            "{body}"
        );
    }
    let (status, body) = json(
        http()
            .post(server.url("/graphql"))
            .json(&json!({ "query": "{ posts { total } }" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{body}"
    );

    proxy.restore();
    wait_ready(&server, true).await;
    let (status, body) = json(
        http()
            .get(server.url(&format!("/api/posts/{kept_id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["title"].clone()),
        (200, json!("written before the outage"))
    );
    create_post(&server, "written after the outage").await;
}

#[tokio::test]
async fn the_subscriber_stays_connected_past_its_keepalive_pings() {
    let Some(c) = cluster().await else { return };
    // The listener pings Redis every 3 s; an answer it misreads would make
    // it reconnect (and refuse chat joins meanwhile) every few seconds.
    tokio::time::sleep(Duration::from_secs(7)).await;
    for server in [&c.a, &c.b] {
        let report = wait_ready(server, true).await;
        assert_eq!(report["broker"]["reconnects"], 0, "{report}");
    }
}
