//! Posts in PostgreSQL: shared by the instances, answered exactly like
//! SQLite, migrated once; write limits shared through Redis.

use examples_server::DbLocation;
use serde_json::json;

use crate::common::*;
use crate::harness::{cluster, eventually, instance_with, without_times};
use crate::services::{require_all, ScratchDb};

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
    assert_eq!(delete_as_admin(&c.b, id).await, 204);
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
        assert_eq!(delete_as_admin(server, 1).await, 204);
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
