//! Two examples-server instances on one Redis and one PostgreSQL database,
//! as behind a load balancer without sticky sessions, and the small client
//! steps the cluster tests share.

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
pub async fn join(server: &TestServer, room: &str, name: &str) -> (Ws, Value) {
    let mut ws = ws_connect(&server.ws_url(&format!("/ws/chat?room={room}&name={name}"))).await;
    let history = recv_type(&mut ws, "history").await;
    (ws, history)
}

pub async fn say(ws: &mut Ws, text: &str) {
    send_json(ws, json!({ "type": "message", "text": text })).await;
}

/// The next chat message (skipping presence notices).
pub async fn next_message(ws: &mut Ws) -> (String, String) {
    let m = recv_type(ws, "message").await;
    (
        m["from"].as_str().unwrap().to_owned(),
        m["text"].as_str().unwrap().to_owned(),
    )
}

/// Retries `check` until it holds (writes on one instance reach the other's
/// cache within the change watcher's interval).
pub async fn eventually<F, Fut>(mut check: F)
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
pub fn without_times(mut value: Value) -> Value {
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
