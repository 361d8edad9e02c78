//! `/api` reads and `/healthz`: pagination, search, full lists, ETags, the
//! delay knob, CORS and compression. Writes and their errors: `rest_writes.rs`.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn health_and_readiness_report_the_embedded_backends() {
    let server = TestServer::start().await;
    let expected = json!({
        "status": "ok",
        "store": { "kind": "sqlite", "ok": true },
        "broker": { "kind": "in-process", "ok": true },
    });
    for path in ["/healthz", "/readyz"] {
        let (status, body) = json(http().get(server.url(path)).send().await.unwrap()).await;
        assert_eq!((status, body), (200, expected.clone()), "{path}");
    }
}

#[tokio::test]
async fn a_new_database_is_seeded_and_lists_are_newest_first() {
    let server = TestServer::start().await;
    let (status, body) = json(http().get(server.url("/api/posts")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 8);
    assert_eq!(
        (body["page"].as_u64(), body["per_page"].as_u64()),
        (Some(1), Some(10))
    );
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    let ids: Vec<i64> = items.iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    // Summaries only: no body, no tags.
    let keys: Vec<&str> = items[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["author", "created_at", "id", "title"]);
}

#[tokio::test]
async fn pagination_and_clamping() {
    let server = TestServer::start().await;
    let page = |q: &'static str| {
        let url = server.url(&format!("/api/posts?{q}"));
        async move { json(http().get(url).send().await.unwrap()).await }
    };
    let (_, first) = page("per_page=3&page=1").await;
    let (_, third) = page("per_page=3&page=3").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        third["items"].as_array().unwrap().len(),
        2,
        "8 posts: 3 + 3 + 2"
    );
    assert_eq!(third["total"], 8);
    assert_eq!(first["items"][0]["id"], 8);
    assert_eq!(third["items"][1]["id"], 1);
    let (_, beyond) = page("per_page=3&page=9").await;
    assert_eq!(beyond["items"], json!([]));
    let (_, clamped) = page("per_page=500").await;
    assert_eq!(clamped["per_page"], 50, "per_page is capped at 50");

    let (status, body) = page("page=0").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("page must be 1 or more"))
    );
    let (status, body) = page("page=two").await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("page"), "{body}");
}

#[tokio::test]
async fn search_matches_title_body_and_author_case_insensitively() {
    let server = TestServer::start().await;
    let search = |q: &str| {
        let url = server.url(&format!("/api/posts?q={q}&per_page=50"));
        async move { json(http().get(url).send().await.unwrap()).await.1 }
    };
    let body = search("graphql").await;
    assert_eq!(body["total"], 1);
    assert_eq!(
        body["items"][0]["title"],
        "GraphQL: ask for exactly what you need"
    );
    assert_eq!(search("GRACE%20LIU").await["total"], 2, "author match");
    assert_eq!(search("round%20trip").await["total"], 1, "body match");
    assert_eq!(
        search("100%25").await["total"],
        0,
        "% is literal, not a wildcard"
    );
}

#[tokio::test]
async fn full_lists_carry_bodies_tags_and_author_info() {
    let server = TestServer::start().await;
    let (status, body) = json(
        http()
            .get(server.url("/api/posts?full=1&per_page=2"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let post = &body["items"][0];
    assert_eq!(post["title"], "CORS in one page");
    assert_eq!(post["tags"], json!(["http", "security"]));
    assert!(post["body"]
        .as_str()
        .unwrap()
        .starts_with("A page on one origin"));
    assert_eq!(
        post["author_info"],
        json!({ "name": "Marta Kowalska", "post_count": 2 })
    );
    let (status, body) = json(
        http()
            .get(server.url("/api/posts?full=maybe"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("full must be 1 or 0, not \"maybe\""))
    );
}

#[tokio::test]
async fn get_one_post_and_unknown_ids() {
    let server = TestServer::start().await;
    let (status, post) = json(http().get(server.url("/api/posts/4")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(post["title"], "WebSocket chat in forty lines");
    assert_eq!(post["author"], "Grace Liu");
    assert!(post["created_at"].as_str().unwrap().ends_with('Z'));

    let (status, body) = json(
        http()
            .get(server.url("/api/posts/999"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (404, json!({ "error": "no post with id 999" }))
    );
    let (status, body) = json(
        http()
            .get(server.url("/api/posts/abc"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (400, json!({ "error": "post id must be a whole number" }))
    );
    let (status, body) = json(
        http()
            .get(server.url("/api/nothing/here"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("no such API endpoint"));
}

#[tokio::test]
async fn etags_turn_repeat_reads_into_304s_until_the_data_changes() {
    let server = TestServer::start().await;
    for path in ["/api/posts", "/api/posts/3"] {
        let first = http().get(server.url(path)).send().await.unwrap();
        assert_eq!(first.status(), 200);
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert!(etag.starts_with("W/\""), "{etag}");
        let again = http()
            .get(server.url(path))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.headers()["etag"], etag.as_str());
        assert!(again.bytes().await.unwrap().is_empty());
        let other = http()
            .get(server.url(path))
            .header("if-none-match", "\"nope\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 200);
    }
    let list = http().get(server.url("/api/posts")).send().await.unwrap();
    let etag = list.headers()["etag"].to_str().unwrap().to_owned();
    create_post(&server, "Changes the list").await;
    let after = http()
        .get(server.url("/api/posts"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200, "a new post changes the list's ETag");
}

#[tokio::test]
async fn delay_ms_is_honoured_and_capped() {
    let server = TestServer::start_with(|c| c.limits.max_delay = Duration::from_millis(400)).await;
    let start = Instant::now();
    let response = http()
        .get(server.url("/api/posts?delay_ms=250"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-delay-ms"], "250");
    assert!(start.elapsed() >= Duration::from_millis(250));

    let start = Instant::now();
    let response = http()
        .get(server.url("/api/posts/1?delay_ms=60000"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-delay-ms"], "400", "capped");
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );

    let (status, body) = json(
        http()
            .get(server.url("/api/posts?delay_ms=soon"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("delay_ms must be a whole number"));
}

#[tokio::test]
async fn the_default_delay_cap_is_5000_ms() {
    let server = TestServer::start().await;
    assert_eq!(
        server.config().limits.max_delay,
        Duration::from_millis(5000)
    );
    let response = http()
        .post(server.url("/api/notify?delay_ms=1"))
        .json(&json!({ "title": "t" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(
        response.headers()["x-delay-ms"],
        "1",
        "delay applies to every /api route"
    );
}

#[tokio::test]
async fn cors_allows_loopback_and_configured_origins_only() {
    let server =
        TestServer::start_with(|c| c.allow_origins = vec!["https://me.github.io".into()]).await;
    let preflight = |origin: &'static str| {
        let request = http()
            .request(reqwest::Method::OPTIONS, server.url("/api/posts"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type");
        async move { request.send().await.unwrap() }
    };
    for origin in [
        "http://127.0.0.1:8080",
        "http://localhost:1111",
        "http://[::1]:3000",
        "https://me.github.io",
    ] {
        let response = preflight(origin).await;
        assert!(response.status().is_success(), "{origin}");
        assert_eq!(response.headers()["access-control-allow-origin"], origin);
        let methods = response.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            methods.contains("POST") && methods.contains("DELETE"),
            "{methods}"
        );
    }
    for origin in [
        "https://evil.example",
        "http://127.0.0.1.evil.example",
        "https://me.github.io.evil.example",
    ] {
        let response = preflight(origin).await;
        assert!(
            response
                .headers()
                .get("access-control-allow-origin")
                .is_none(),
            "{origin}"
        );
    }
    // Simple requests get the header too, and expose ETag to scripts.
    let response = http()
        .get(server.url("/api/posts"))
        .header("origin", "http://localhost:4000")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:4000"
    );
    assert!(response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .contains("etag"));

    let open = TestServer::start_with(|c| c.allow_origins = vec!["*".into()]).await;
    let response = http()
        .get(open.url("/api/posts"))
        .header("origin", "https://anywhere.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://anywhere.example"
    );
}

#[tokio::test]
async fn responses_are_gzip_compressed_when_asked() {
    let server = TestServer::start().await;
    let response = http()
        .get(server.url("/api/posts?full=1"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
}
