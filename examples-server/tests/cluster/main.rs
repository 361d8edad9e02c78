//! Cluster tests: several examples-server instances sharing real Redis and PostgreSQL.
//! Without those services the tests are skipped (a failure under `CI`); `bash .ci/services`
//! sets them up and prints the variables to export.

mod chat;
#[path = "../api/common/mod.rs"]
mod common;
mod data;
mod events;
mod harness;
mod nginx;
mod outages;
mod proxy;

use test_support::services;

use services::{require, require_all, RedisServer, Reply, ScratchDb};

#[tokio::test]
async fn harness_redis_answers_ping_and_restarts_on_the_same_port() {
    if !require("redis") {
        return;
    }
    let mut redis = RedisServer::spawn().await.unwrap();
    let port = redis.port();
    assert_eq!(redis.url(), format!("redis://127.0.0.1:{port}/"));
    assert_eq!(
        redis.command(&["PING"]).await.unwrap(),
        Reply::Status("PONG".into())
    );
    assert_eq!(
        redis.command(&["SET", "k", "v"]).await.unwrap(),
        Reply::Status("OK".into())
    );
    assert_eq!(
        redis.command(&["GET", "k"]).await.unwrap().as_str(),
        Some("v")
    );

    redis.stop();
    assert!(!redis.is_running());
    assert!(
        redis.command(&["PING"]).await.is_err(),
        "a stopped server must not answer"
    );

    redis.start().await.unwrap();
    assert_eq!(redis.port(), port);
    assert_eq!(
        redis.command(&["PING"]).await.unwrap(),
        Reply::Status("PONG".into())
    );
    // Nothing is persisted: a restart starts empty.
    assert_eq!(
        redis.command(&["GET", "k"]).await.unwrap(),
        Reply::Bulk(None)
    );
    // Configured as asked.
    let save = redis.command(&["CONFIG", "GET", "save"]).await.unwrap();
    assert_eq!(
        save,
        Reply::Array(Some(vec![
            Reply::Bulk(Some(b"save".to_vec())),
            Reply::Bulk(Some(Vec::new()))
        ]))
    );
}

#[tokio::test]
async fn harness_redis_servers_get_their_own_ports_and_die_on_drop() {
    if !require("redis") {
        return;
    }
    let a = RedisServer::spawn().await.unwrap();
    let b = RedisServer::spawn().await.unwrap();
    assert_ne!(a.port(), b.port());
    let port = a.port();
    drop(a);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    assert!(b.command(&["PING"]).await.is_ok());
}

#[tokio::test]
async fn harness_scratch_databases_are_created_and_dropped() {
    if !require("postgres") {
        return;
    }
    let one = ScratchDb::create().await.unwrap();
    let two = ScratchDb::create().await.unwrap();
    assert_ne!(one.name(), two.name());
    assert!(one
        .name()
        .starts_with(&format!("wb_test_{}_", std::process::id())));
    assert!(one.url().ends_with(&format!("/{}", one.name())));

    let client = one.client().await.unwrap();
    let row = client
        .query_one("SELECT current_database()", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), one.name());
    client
        .batch_execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
        .await
        .unwrap();

    // Dropped even with a connection still open (WITH (FORCE)).
    let name = one.name().to_owned();
    drop(one);
    let admin = two.client().await.unwrap();
    let left = admin
        .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .unwrap();
    assert!(left.is_empty(), "{name} still exists");
    assert!(client.is_closed() || client.simple_query("SELECT 1").await.is_err());
}

#[tokio::test]
async fn harness_require_all_names_every_missing_service_or_passes() {
    // With everything configured this passes; otherwise it skips (or fails under CI) with
    // one message naming both — the same path every cluster test takes.
    if !require_all(&["redis", "postgres"]) {
        return;
    }
    assert!(require("redis") && require("postgres"));
}
