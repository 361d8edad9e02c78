//! `/api` writes: create from JSON and forms, validation, every error status
//! (400, 401, 404, 405, 413, 415, 422, 429) and delete with a token.

use serde_json::{json, Value};

use examples_server::RateLimit;

use crate::common::*;

#[tokio::test]
async fn create_from_json_and_from_a_form() {
    let server = TestServer::start().await;
    let response = http()
        .post(server.url("/api/posts"))
        .json(&json!({ "author": "  Ann  ", "title": "Hello", "body": "First!", "tags": ["intro", "intro", "ajax"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, post) = json(response).await;
    assert_eq!(location, format!("/api/posts/{}", post["id"]));
    assert_eq!(post["author"], "Ann", "trimmed");
    assert_eq!(
        post["tags"],
        json!(["intro", "ajax"]),
        "deduplicated, in order"
    );
    let (_, fetched) = json(http().get(server.url(&location)).send().await.unwrap()).await;
    assert_eq!(fetched, post);

    let response = http()
        .post(server.url("/api/posts"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("author=Bob&title=From+a+form&body=caf%C3%A9&tags=one,two")
        .send()
        .await
        .unwrap();
    let (status, post) = json(response).await;
    assert_eq!(status, 201);
    assert_eq!(
        (post["title"].as_str(), post["body"].as_str()),
        (Some("From a form"), Some("café"))
    );
    assert_eq!(post["tags"], json!(["one", "two"]));
}

#[tokio::test]
async fn validation_errors_name_every_bad_field() {
    let server = TestServer::start().await;
    let post = |body: Value| {
        let request = http().post(server.url("/api/posts")).json(&body);
        async move { json(request.send().await.unwrap()).await }
    };
    let (status, body) = post(json!({ "author": "", "title": "x".repeat(121), "body": "", "tags": ["a", "b", "c", "d", "e", "f"] })).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({ "error": "validation failed", "fields": {
            "author": "must be 1–40 characters",
            "title": "must be 1–120 characters",
            "body": "must be 1–5000 characters",
            "tags": "at most 5 tags",
        }})
    );
    let (status, body) =
        post(json!({ "author": "Ann", "title": "ok", "body": "x".repeat(5001) })).await;
    assert_eq!(
        (status, &body["fields"]),
        (422, &json!({ "body": "must be 1–5000 characters" }))
    );
    let (status, body) =
        post(json!({ "author": "Ann", "title": "ok", "body": "ok", "tags": ["x".repeat(25)] }))
            .await;
    assert_eq!(
        (status, &body["fields"]),
        (422, &json!({ "tags": "each tag must be 1–24 characters" }))
    );
    // Wrong types are validation errors of that field, reported with the rest.
    let (status, body) =
        post(json!({ "author": 7, "title": ["t"], "body": "ok", "tags": "http" })).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["fields"],
        json!({
            "author": "must be a string, not a number",
            "title": "must be a string, not an array",
            "tags": "must be a list of strings, not a string",
        })
    );
    // Nothing invalid was stored.
    let (_, list) = json(http().get(server.url("/api/posts")).send().await.unwrap()).await;
    assert_eq!(list["total"], 8);
}

#[tokio::test]
async fn malformed_json_is_400_with_the_parser_message() {
    let server = TestServer::start().await;
    let send = |body: &'static str| {
        let request = http()
            .post(server.url("/api/posts"))
            .header("content-type", "application/json")
            .body(body);
        async move { json(request.send().await.unwrap()).await }
    };
    let (status, body) = send(r#"{"author": "Ann", "title": }"#).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "malformed JSON: expected value at line 1 column 28"
    );
    let (status, body) = send("[1, 2]").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("expected a JSON object, got an array"))
    );
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let server = TestServer::start().await;
    for content_type in [Some("text/plain"), Some("application/xml"), None] {
        let mut request = http().post(server.url("/api/posts")).body("author=a");
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let (status, body) = json(request.send().await.unwrap()).await;
        assert_eq!(status, 415, "{content_type:?}");
        assert!(body["error"]
            .as_str()
            .unwrap()
            .starts_with("expected Content-Type application/json"));
    }
}

#[tokio::test]
async fn oversized_bodies_are_413_with_or_without_content_length() {
    let server = TestServer::start().await;
    let huge = format!(
        r#"{{"author":"a","title":"t","body":"{}"}}"#,
        "x".repeat(100_000)
    );
    let (status, body) = json(
        http()
            .post(server.url("/api/posts"))
            .header("content-type", "application/json")
            .body(huge.clone())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            413,
            json!({ "error": "request body too large (limit 65536 bytes)" })
        )
    );

    // Chunked: no Content-Length, so the limit trips while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = huge
        .into_bytes()
        .chunks(8192)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let (status, body) = json(
        http()
            .post(server.url("/api/posts"))
            .header("content-type", "application/json")
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                chunks,
            )))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            413,
            json!({ "error": "request body too large (limit 65536 bytes)" })
        )
    );
    // The server is fine afterwards.
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
async fn unsupported_methods_are_405_with_allow() {
    let server = TestServer::start().await;
    let response = http().put(server.url("/api/posts/1")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("DELETE"), "{allow}");
    let (_, body) = json(response).await;
    assert_eq!(body, json!({ "error": "method not allowed" }));
}

#[tokio::test]
async fn delete_needs_the_admin_token() {
    let server = TestServer::start().await;
    let url = server.url("/api/posts/2");
    for auth in [None, Some("Bearer wrong"), Some(ADMIN_TOKEN)] {
        let mut request = http().delete(&url);
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{auth:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let (_, body) = json(response).await;
        assert_eq!(body, json!({ "error": "missing or wrong bearer token" }));
    }
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let response = http()
        .delete(&url)
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(http().get(&url).send().await.unwrap().status(), 404);
    let (status, body) = json(
        http()
            .delete(&url)
            .header("authorization", &bearer)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body),
        (404, json!({ "error": "no post with id 2" }))
    );
}

#[tokio::test]
async fn writes_are_rate_limited_per_client_with_429() {
    let server = TestServer::start_with(|c| {
        c.limits.write_rate = Some(RateLimit {
            burst: 2,
            per_minute: 6,
        })
    })
    .await;
    create_post(&server, "one").await;
    create_post(&server, "two").await;
    let response = http()
        .post(server.url("/api/posts"))
        .json(&json!({ "author": "a", "title": "three", "body": "b" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&retry), "{retry}");
    let (_, body) = json(response).await;
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("too many requests"),
        "{body}"
    );
    // Reads are not limited.
    assert_eq!(
        http()
            .get(server.url("/api/posts"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn a_trusted_proxy_s_forwarded_for_address_gets_its_own_bucket() {
    let limited = |c: &mut examples_server::Config| {
        c.limits.write_rate = Some(RateLimit {
            burst: 1,
            per_minute: 1,
        });
    };
    let post = |server: &TestServer, forwarded_for: &str| {
        http()
            .post(server.url("/api/posts"))
            .header("x-forwarded-for", forwarded_for)
            .json(&json!({ "author": "a", "title": "t", "body": "b" }))
            .send()
    };
    let proxied = TestServer::start_with(|c| {
        limited(c);
        c.trust_forwarded_for = true;
    })
    .await;
    assert_eq!(post(&proxied, "203.0.113.5").await.unwrap().status(), 201);
    // Same reader again, even with a made-up entry in front of the proxy's.
    assert_eq!(
        post(&proxied, "198.51.100.1, 203.0.113.5")
            .await
            .unwrap()
            .status(),
        429
    );
    assert_eq!(post(&proxied, "203.0.113.6").await.unwrap().status(), 201);

    // Without the setting the header is ignored: every request is the peer's.
    let direct = TestServer::start_with(limited).await;
    assert_eq!(post(&direct, "203.0.113.5").await.unwrap().status(), 201);
    assert_eq!(post(&direct, "203.0.113.6").await.unwrap().status(), 429);
}
