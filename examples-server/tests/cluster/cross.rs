//! Two examples-server instances on one Redis and one PostgreSQL database,
//! as behind a load balancer without sticky sessions: whatever a reader does
//! through one instance, a reader on the other sees.

use std::time::Duration;

use examples_server::DbLocation;
use serde_json::{json, Value};

use crate::common::*;
use crate::services::{require_all, RedisServer, ScratchDb};

pub struct Cluster {
    pub redis: RedisServer,
    pub db: ScratchDb,
    pub a: TestServer,
    pub b: TestServer,
}

/// A fresh Redis and database with two ready instances; `None` (skipped)
/// when the services are missing outside CI.
pub async fn cluster() -> Option<Cluster> {
    if !require_all(&["redis", "postgres"]) {
        return None;
    }
    let redis = RedisServer::spawn().await.expect("redis-server");
    let db = ScratchDb::create().await.expect("scratch database");
    let a = instance(&redis, &db).await;
    let b = instance(&redis, &db).await;
    Some(Cluster { redis, db, a, b })
}

pub async fn instance(redis: &RedisServer, db: &ScratchDb) -> TestServer {
    instance_with(redis, db, |_| {}).await
}

pub async fn instance_with(
    redis: &RedisServer,
    db: &ScratchDb,
    adjust: impl FnOnce(&mut examples_server::Config),
) -> TestServer {
    let (redis_url, db_url) = (redis.url(), db.url().to_owned());
    let server = TestServer::start_with(move |c| {
        c.db = DbLocation::Postgres(db_url);
        c.redis_url = Some(redis_url);
        adjust(c);
    })
    .await;
    assert_eq!(wait_ready(&server, true).await["broker"]["kind"], "redis");
    server
}

/// Polls `/readyz` until it says `ready` (200) or not (503); returns the report.
pub async fn wait_ready(server: &TestServer, ready: bool) -> Value {
    let want = if ready { 200 } else { 503 };
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (status, body) = json(http().get(server.url("/readyz")).send().await.unwrap()).await;
        if status == want {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/readyz still {status} {body}, wanted {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Joins `room` as `name` and reads the history frame.
async fn join(server: &TestServer, room: &str, name: &str) -> (Ws, Value) {
    let mut ws = ws_connect(&server.ws_url(&format!("/ws/chat?room={room}&name={name}"))).await;
    let history = recv_type(&mut ws, "history").await;
    (ws, history)
}

async fn say(ws: &mut Ws, text: &str) {
    send_json(ws, json!({ "type": "message", "text": text })).await;
}

/// The next chat message (skipping presence notices).
async fn next_message(ws: &mut Ws) -> (String, String) {
    let m = recv_type(ws, "message").await;
    (
        m["from"].as_str().unwrap().to_owned(),
        m["text"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn chat_messages_and_presence_cross_instances() {
    let Some(c) = cluster().await else { return };
    let (mut ann, _) = join(&c.a, "lobby", "ann").await;
    assert_eq!(recv_type(&mut ann, "join").await["name"], "ann");
    let (mut bob, _) = join(&c.b, "lobby", "bob").await;
    // Both see bob's join with the room's members across instances.
    for ws in [&mut ann, &mut bob] {
        let notice = recv_type(ws, "join").await;
        assert_eq!(
            (notice["name"].clone(), notice["members"].clone()),
            (json!("bob"), json!(["ann", "bob"]))
        );
    }
    say(&mut ann, "hello from A").await;
    say(&mut bob, "hello from B").await;
    for ws in [&mut ann, &mut bob] {
        assert_eq!(
            next_message(ws).await,
            ("ann".into(), "hello from A".into())
        );
        assert_eq!(
            next_message(ws).await,
            ("bob".into(), "hello from B".into())
        );
    }
    // A newcomer on either instance gets the shared history, in order.
    for server in [&c.a, &c.b] {
        let (_ws, history) = join(server, "lobby", "cat").await;
        let texts: Vec<&str> = history["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["hello from A", "hello from B"]);
    }
    // Leaving is announced everywhere.
    ann.close(None).await.unwrap();
    let mut leave = recv_type(&mut bob, "leave").await;
    while leave["name"] != "ann" {
        leave = recv_type(&mut bob, "leave").await; // the newcomers left too
    }
    assert!(!leave["members"].as_array().unwrap().contains(&json!("ann")));
}

#[tokio::test]
async fn guest_names_are_unique_across_instances() {
    let Some(c) = cluster().await else { return };
    let mut names = Vec::new();
    let mut sockets = Vec::new();
    for server in [&c.a, &c.b, &c.a, &c.b] {
        let mut ws = ws_connect(&server.ws_url("/ws/chat?room=guests")).await;
        let mut notice = recv_type(&mut ws, "join").await;
        // Our own join comes after any earlier ones still queued.
        while notice["members"].as_array().unwrap().len() != names.len() + 1 {
            notice = recv_type(&mut ws, "join").await;
        }
        names.push(notice["name"].as_str().unwrap().to_owned());
        sockets.push(ws);
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 4, "{names:?}");
}

#[tokio::test]
async fn sse_events_reach_both_instances_and_resume_on_the_other_one() {
    let Some(c) = cluster().await else { return };
    let mut on_a = SseClient::connect(&c.a.url("/sse/news"), None).await;
    let first = notify(&c.b, "one").await;
    let second = notify(&c.a, "two").await;
    assert!(second > first, "ids increase across publishers");
    for (id, title) in [(first, "one"), (second, "two")] {
        let event = on_a.next_event().await;
        assert_eq!(event.id.as_deref(), Some(id.to_string().as_str()));
        assert_eq!(event.json()["title"], title);
    }
    drop(on_a);
    // Missed while disconnected, published through both instances.
    let missed = [notify(&c.a, "three").await, notify(&c.b, "four").await];
    let mut on_b = SseClient::connect(&c.b.url("/sse/news"), Some(&second.to_string())).await;
    for id in missed {
        assert_eq!(on_b.next_event().await.id, Some(id.to_string()));
    }
    // An instance started after all of that resumes from the Redis stream.
    let late = instance(&c.redis, &c.db).await;
    let mut on_late = SseClient::connect(&late.url("/sse/news"), Some(&first.to_string())).await;
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(
            on_late
                .next_event()
                .await
                .id
                .unwrap()
                .parse::<u64>()
                .unwrap(),
        );
    }
    assert_eq!(got, [second, missed[0], missed[1]]);
}

#[tokio::test]
async fn graphql_subscriptions_see_posts_added_on_the_other_instance() {
    let Some(c) = cluster().await else { return };
    let mut ws = ws_connect_with(
        &c.a.ws_url("/graphql"),
        &[("sec-websocket-protocol", "graphql-transport-ws")],
    )
    .await
    .expect("upgrade");
    send_json(&mut ws, json!({ "type": "connection_init" })).await;
    assert_eq!(recv_json(&mut ws).await["type"], "connection_ack");
    send_json(
        &mut ws,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": "subscription { postAdded { id title } }" } }),
    )
    .await;
    // The subscription starts asynchronously: add posts on B until one is seen.
    for attempt in 0..20 {
        let title = format!("from B {attempt}");
        let post = create_post(&c.b, &title).await;
        let Ok(message) =
            tokio::time::timeout(Duration::from_millis(500), recv_json(&mut ws)).await
        else {
            continue;
        };
        assert_eq!(message["type"], "next", "{message}");
        let added = &message["payload"]["data"]["postAdded"];
        assert!(
            added["title"].as_str().unwrap().starts_with("from B"),
            "{added}"
        );
        assert!(post["id"].is_i64());
        // And the very next post arrives too, as itself.
        let next = create_post(&c.b, "the next one").await;
        loop {
            let message = recv_json(&mut ws).await;
            if message["payload"]["data"]["postAdded"]["id"] == json!(next["id"].to_string()) {
                return;
            }
        }
    }
    panic!("no postAdded event crossed instances");
}

#[tokio::test]
async fn posts_written_through_one_instance_are_read_through_the_other() {
    let Some(c) = cluster().await else { return };
    // Warm B's response cache, so the test also proves it is invalidated.
    let (status, before) = json(http().get(c.b.url("/api/posts")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let seeded = before["total"].as_u64().unwrap();
    assert!(seeded >= 8, "PostgreSQL databases are seeded too: {before}");

    let post = create_post(&c.a, "written on A").await;
    let id = post["id"].as_i64().unwrap();
    let (status, read) = json(
        http()
            .get(c.b.url(&format!("/api/posts/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, read["title"].clone()),
        (200, json!("written on A"))
    );
    eventually(|| async {
        let (_, list) = json(http().get(c.b.url("/api/posts")).send().await.unwrap()).await;
        list["total"].as_u64() == Some(seeded + 1) && list["items"][0]["id"] == json!(id)
    })
    .await;
    // Validation is the same as with SQLite.
    let (status, body) = json(
        http()
            .post(c.b.url("/api/posts"))
            .json(&json!({ "author": "", "title": "t", "body": "b" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["fields"]["author"].clone()),
        (422, json!("must be 1–40 characters"))
    );
    // Deleted through B, gone from A.
    let status = http()
        .delete(c.b.url(&format!("/api/posts/{id}")))
        .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
    eventually(|| async {
        let response = http()
            .get(c.a.url(&format!("/api/posts/{id}")))
            .send()
            .await
            .unwrap();
        response.status() == 404
    })
    .await;
    // GraphQL reads the same data.
    let (_, body) = json(
        http()
            .post(c.a.url("/graphql"))
            .json(&json!({ "query": "{ posts(limit: 1) { total } tags { name } }" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["data"]["posts"]["total"], json!(seeded), "{body}");
    assert!(body["data"]["tags"]
        .as_array()
        .unwrap()
        .contains(&json!({ "name": "http" })));
}

#[tokio::test]
async fn a_redis_restart_is_survived() {
    let Some(mut c) = cluster().await else { return };
    let (mut ann, _) = join(&c.a, "r", "ann").await;
    let (mut bob, _) = join(&c.b, "r", "bob").await;
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

/// Retries `check` until it holds (writes on one instance reach the other's
/// cache within the change watcher's interval).
async fn eventually<F, Fut>(mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Drops `created_at` (the two databases were seeded a moment apart).
fn without_times(mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) => {
            map.remove("created_at");
            map.remove("createdAt");
            for v in map.values_mut() {
                *v = without_times(v.take());
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_times(v.take());
            }
        }
        _ => {}
    }
    value
}

#[tokio::test]
async fn postgresql_answers_exactly_like_sqlite() {
    if !require_all(&["postgres"]) {
        return;
    }
    let db = ScratchDb::create().await.expect("scratch database");
    let db_url = db.url().to_owned();
    let pg = TestServer::start_with(move |c| c.db = DbLocation::Postgres(db_url)).await;
    let sqlite = TestServer::start().await;
    for server in [&pg, &sqlite] {
        create_post(server, "100% café, naïve_tags").await;
    }
    let gets = [
        "/api/posts",
        "/api/posts?q=HTTP",
        "/api/posts?q=100%25",
        "/api/posts?q=_",
        "/api/posts?page=2&per_page=3&full=1",
        "/api/posts/3",
        "/api/posts/999",
    ];
    for path in gets {
        let pg_answer = json(http().get(pg.url(path)).send().await.unwrap()).await;
        let sqlite_answer = json(http().get(sqlite.url(path)).send().await.unwrap()).await;
        assert_eq!(
            (pg_answer.0, without_times(pg_answer.1)),
            (sqlite_answer.0, without_times(sqlite_answer.1)),
            "{path}"
        );
    }
    let query = "{ authors { name postCount } \
                   tags { name posts { title } } \
                   posts(q: \"websocket\", limit: 5) { total items { id title tags author { name postCount } } } \
                   post(id: 2) { title } }";
    let mut answers = Vec::new();
    for server in [&pg, &sqlite] {
        let (status, body) = json(
            http()
                .post(server.url("/graphql"))
                .json(&json!({ "query": query }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        answers.push(without_times(body));
    }
    assert_eq!(answers[0], answers[1]);
    // Deletes and the invalid-input answers match too.
    for server in [&pg, &sqlite] {
        let response = http()
            .delete(server.url("/api/posts/1"))
            .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        let (status, body) = json(
            http()
                .post(server.url("/api/posts"))
                .json(&json!({ "author": "a", "title": "x".repeat(121), "body": "", "tags": ["", "t"] }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 422);
        answers.push(body);
    }
    assert_eq!(answers[2], answers[3]);
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

#[tokio::test]
async fn write_limits_are_shared_by_the_instances() {
    let Some(c) = cluster().await else { return };
    let limited = |c: &mut examples_server::Config| {
        c.limits.write_rate = Some(examples_server::RateLimit {
            burst: 2,
            per_minute: 1,
        });
    };
    let a = instance_with(&c.redis, &c.db, limited).await;
    let b = instance_with(&c.redis, &c.db, limited).await;
    create_post(&a, "one").await;
    create_post(&b, "two").await;
    for server in [&a, &b] {
        let response = http()
            .post(server.url("/api/notify"))
            .json(&json!({ "title": "three", "body": "b" }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            429,
            "the bucket is the client's, not the instance's"
        );
        let retry: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
    }
}

#[tokio::test]
async fn members_of_an_instance_that_died_are_dropped_from_the_list() {
    let Some(c) = cluster().await else { return };
    // What a crashed instance leaves behind: a member and no heartbeat.
    c.redis
        .command(&[
            "ZADD",
            "wirebook:chat:room:r:members",
            "1",
            "0123456789ab/7/ghost",
        ])
        .await
        .unwrap();
    let (mut ann, _) = join(&c.a, "r", "ann").await;
    let notice = recv_type(&mut ann, "join").await;
    assert_eq!(notice["members"], json!(["ann"]), "{notice}");
    let left = c
        .redis
        .command(&["ZCARD", "wirebook:chat:room:r:members"])
        .await
        .unwrap();
    assert_eq!(left, crate::services::Reply::Int(1));
}

#[tokio::test]
async fn instances_starting_together_migrate_and_seed_once() {
    if !require_all(&["postgres"]) {
        return;
    }
    let db = ScratchDb::create().await.expect("scratch database");
    let start =
        |db_url: String| TestServer::start_with(move |c| c.db = DbLocation::Postgres(db_url));
    let (a, b, c) = tokio::join!(
        start(db.url().to_owned()),
        start(db.url().to_owned()),
        start(db.url().to_owned())
    );
    for server in [&a, &b, &c] {
        let (status, list) = json(http().get(server.url("/api/posts")).send().await.unwrap()).await;
        assert_eq!(
            (status, list["total"].clone()),
            (200, json!(8)),
            "seeded once"
        );
    }
}

#[tokio::test]
async fn resuming_from_before_the_ring_replays_from_the_redis_stream() {
    let Some(c) = cluster().await else { return };
    // Rings of 4 events; the Redis stream keeps 16.
    let small = |c: &mut examples_server::Config| c.limits.sse_buffer = 4;
    let a = instance_with(&c.redis, &c.db, small).await;
    let b = instance_with(&c.redis, &c.db, small).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(notify(&a, &format!("n{i}")).await);
    }
    // Wait until b's listener has delivered the last one.
    let mut live = SseClient::connect(&b.url("/sse/news"), Some(&ids[8].to_string())).await;
    assert_eq!(live.next_event().await.id, Some(ids[9].to_string()));
    let mut resumed = SseClient::connect(&b.url("/sse/news"), Some(&ids[1].to_string())).await;
    let mut got = Vec::new();
    for _ in 2..10 {
        got.push(
            resumed
                .next_event()
                .await
                .id
                .unwrap()
                .parse::<u64>()
                .unwrap(),
        );
    }
    assert_eq!(got, ids[2..], "8 missed events although the ring holds 4");
}

#[tokio::test]
async fn an_instance_that_shuts_down_says_goodbye_to_the_others() {
    let Some(c) = cluster().await else { return };
    let (mut ann, _) = join(&c.a, "up", "ann").await;
    let (mut bob, _) = join(&c.b, "up", "bob").await;
    let _ = recv_type(&mut ann, "join").await;
    let Cluster {
        a,
        b,
        redis: _redis,
        db: _db,
    } = c;
    // A rolling upgrade stops one instance: its readers get close code 1001
    // and the room everywhere hears that they left.
    a.stop().await.expect("graceful shutdown");
    assert_eq!(expect_close(&mut ann).await.0, 1001);
    let mut leave = recv_type(&mut bob, "leave").await;
    while leave["name"] != "ann" {
        leave = recv_type(&mut bob, "leave").await;
    }
    assert_eq!(leave["members"], json!(["bob"]));
    // The reader comes back through the other instance, history intact.
    say(&mut bob, "still here").await;
    let (_ann, history) = join(&b, "up", "ann").await;
    assert_eq!(history["messages"][0]["text"], "still here");
}
