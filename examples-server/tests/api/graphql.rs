//! `/graphql` over HTTP: queries with nesting and arguments, the mutation,
//! status codes per GraphQL-over-HTTP, limits, introspection, the explorer
//! page and the over-fetch pair. Subscriptions: `graphql_ws.rs`.

use serde_json::{json, Value};

use crate::common::*;

pub(crate) const GQL_RESPONSE: &str = "application/graphql-response+json";

pub(crate) async fn gql(
    server: &TestServer,
    accept: Option<&str>,
    query: &str,
    variables: Value,
) -> (u16, String, Value) {
    let mut request = http()
        .post(server.url("/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = json(response).await;
    (status, content_type, body)
}

pub(crate) async fn query(server: &TestServer, q: &str) -> Value {
    let (status, content_type, body) = gql(server, Some(GQL_RESPONSE), q, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(content_type.starts_with(GQL_RESPONSE));
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

#[tokio::test]
async fn nested_queries_with_arguments_and_pagination() {
    let server = TestServer::start().await;
    let data = query(
        &server,
        "{ posts(limit: 2, offset: 1) { total items { id title tags createdAt author { name postCount posts(limit: 1) { title } } } } }",
    )
    .await;
    assert_eq!(data["posts"]["total"], 8);
    let items = data["posts"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], "7");
    assert_eq!(items[0]["title"], "Backpressure: dropping slow consumers");
    assert_eq!(items[0]["tags"], json!(["websocket", "performance"]));
    assert_eq!(items[0]["author"]["name"], "Priya Raman");
    assert_eq!(items[0]["author"]["postCount"], 2);
    assert_eq!(
        items[0]["author"]["posts"],
        json!([{ "title": "Backpressure: dropping slow consumers" }])
    );

    let data = query(
        &server,
        r#"{ posts(q: "websocket") { total items { title } } }"#,
    )
    .await;
    assert_eq!(data["posts"]["total"], 1);
    assert_eq!(
        data["posts"]["items"][0]["title"],
        "WebSocket chat in forty lines"
    );

    let data = query(
        &server,
        r#"{ post(id: "3") { title author { name } } missing: post(id: "999") { title } }"#,
    )
    .await;
    assert_eq!(
        data["post"]["title"],
        "Conditional requests: ETag and If-None-Match"
    );
    assert_eq!(data["missing"], Value::Null);
}

#[tokio::test]
async fn authors_and_tags_lists() {
    let server = TestServer::start().await;
    let data = query(
        &server,
        "{ authors { name postCount } tags { name posts { title } } }",
    )
    .await;
    assert_eq!(
        data["authors"],
        json!([
            { "name": "Grace Liu", "postCount": 2 },
            { "name": "Marta Kowalska", "postCount": 2 },
            { "name": "Priya Raman", "postCount": 2 },
            { "name": "Tom Okafor", "postCount": 2 },
        ])
    );
    let tags = data["tags"].as_array().unwrap();
    let names: Vec<&str> = tags.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "ajax",
            "caching",
            "chat",
            "graphql",
            "http",
            "performance",
            "push",
            "rest",
            "security",
            "sse",
            "websocket"
        ]
    );
    let http_tag = tags.iter().find(|t| t["name"] == "http").unwrap();
    assert_eq!(http_tag["posts"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn add_post_uses_the_same_store_as_rest() {
    let server = TestServer::start().await;
    let (status, _, body) = gql(
        &server,
        None,
        "mutation Add($t: String!) { addPost(author: \"Gia\", title: $t, body: \"Via GraphQL\", tags: [\"graphql\"]) { id title tags author { name postCount } } }",
        json!({ "t": "Hello from GraphQL" }),
    )
    .await;
    assert_eq!(status, 200);
    let post = &body["data"]["addPost"];
    assert_eq!(post["author"], json!({ "name": "Gia", "postCount": 1 }));
    let id = post["id"].as_str().unwrap();
    let (status, rest) = json(
        http()
            .get(server.url(&format!("/api/posts/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (rest["title"].as_str(), rest["body"].as_str()),
        (Some("Hello from GraphQL"), Some("Via GraphQL"))
    );
    assert_eq!(rest["tags"], json!(["graphql"]));
}

#[tokio::test]
async fn add_post_validation_errors_carry_the_field() {
    let server = TestServer::start().await;
    let (status, _, body) = gql(
        &server,
        Some(GQL_RESPONSE),
        r#"mutation { addPost(author: "", title: "ok", body: "", tags: ["a", "b", "c", "d", "e", "f"]) { id } }"#,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "field errors are execution errors");
    assert_eq!(body["data"], Value::Null);
    let mut fields: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["extensions"]["code"], "BAD_USER_INPUT");
            assert_eq!(e["path"], json!(["addPost"]));
            (
                e["extensions"]["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            (
                "author".to_owned(),
                "author must be 1–40 characters".to_owned()
            ),
            (
                "body".to_owned(),
                "body must be 1–5000 characters".to_owned()
            ),
            ("tags".to_owned(), "tags at most 5 tags".to_owned()),
        ]
    );
    let (_, list) = json(http().get(server.url("/api/posts")).send().await.unwrap()).await;
    assert_eq!(list["total"], 8, "nothing was stored");
}

#[tokio::test]
async fn syntax_errors_are_400_with_the_new_media_type_and_200_with_legacy_json() {
    let server = TestServer::start().await;
    let broken = "{ posts { items { title }";
    let (status, content_type, body) = gql(&server, Some(GQL_RESPONSE), broken, json!({})).await;
    assert_eq!(status, 400);
    assert!(content_type.starts_with(GQL_RESPONSE));
    assert!(
        body.get("data").is_none(),
        "request errors have no data entry: {body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expected"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["locations"][0]["line"], 1);

    let (status, content_type, body) =
        gql(&server, Some("application/json"), broken, json!({})).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    assert!(body["errors"].is_array());
    assert!(body.get("data").is_none());
}

#[tokio::test]
async fn validation_errors_and_limits_are_400() {
    let server = TestServer::start().await;
    let cases = [
        ("{ posts { nope } }", "Unknown field \"nope\" on type \"PostPage\"."),
        // Depth 9 with small lists: over the depth limit, under the complexity limit.
        (
            "{ posts(limit: 1) { items { author { posts(limit: 1) { author { posts(limit: 1) { author { posts(limit: 1) { id } } } } } } } } }",
            "Query is nested too deep.",
        ),
        (
            "{ posts(limit: 50) { items { author { posts(limit: 50) { title } } } } }",
            "Query is too complex.",
        ),
        ("query A { tags { name } } query B { authors { name } }", "Operation name required in request."),
    ];
    for (q, message) in cases {
        let (status, _, body) = gql(&server, Some(GQL_RESPONSE), q, json!({})).await;
        assert_eq!(status, 400, "{q}: {body}");
        assert_eq!(body["errors"][0]["message"], message, "{q}");
        assert!(body.get("data").is_none());
    }
    // Exactly at the limits is fine.
    query(&server, "{ posts(limit: 1) { items { author { posts(limit: 1) { author { posts(limit: 1) { author { name } } } } } } } }").await;
}

#[tokio::test]
async fn argument_errors_name_the_problem() {
    let server = TestServer::start().await;
    let (status, _, body) = gql(
        &server,
        Some(GQL_RESPONSE),
        "{ posts(limit: 51) { total } }",
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("less than or equal to 50"),
        "{body}"
    );
    let (_, _, body) = gql(
        &server,
        Some(GQL_RESPONSE),
        r#"{ post(id: "x") { title } }"#,
        json!({}),
    )
    .await;
    assert_eq!(body["errors"][0]["message"], "id must be a whole number");
    assert_eq!(body["data"], json!({ "post": null }));
}

#[tokio::test]
async fn malformed_requests_and_wrong_content_types() {
    let server = TestServer::start().await;
    let response = http()
        .post(server.url("/graphql"))
        .header("content-type", "application/json")
        .header("accept", GQL_RESPONSE)
        .body("{\"query\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = json(response).await;
    assert_eq!(status, 400);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("malformed GraphQL request body"));

    let response = http()
        .post(server.url("/graphql"))
        .header("content-type", "text/plain")
        .body("{ tags { name } }")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);

    let response = http()
        .post(server.url("/graphql"))
        .header("accept", "text/html")
        .json(&json!({ "query": "{ tags { name } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 406);

    let huge = json!({ "query": format!("{{ tags {{ name }} }} #{}", "x".repeat(70_000)) });
    let response = http()
        .post(server.url("/graphql"))
        .json(&huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn get_runs_queries_but_not_mutations() {
    let server = TestServer::start().await;
    let response = http()
        .get(server.url("/graphql"))
        .query(&[
            (
                "query",
                "query T($n: Int) { posts(limit: $n) { items { id } } }",
            ),
            ("variables", r#"{"n": 2}"#),
        ])
        .header("accept", GQL_RESPONSE)
        .send()
        .await
        .unwrap();
    let (status, body) = json(response).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["posts"]["items"],
        json!([{ "id": "8" }, { "id": "7" }])
    );

    let response = http()
        .get(server.url("/graphql"))
        .query(&[(
            "query",
            r#"mutation { addPost(author: "a", title: "b", body: "c") { id } }"#,
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn the_explorer_page_is_self_contained() {
    let server = TestServer::start().await;
    let response = http()
        .get(server.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>GraphQL explorer"), "{html:.200}");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no CDN assets"
    );
    assert!(
        html.contains("graphql-transport-ws"),
        "subscriptions are supported"
    );
}

#[tokio::test]
async fn over_fetch_pair_moves_the_same_titles_in_fewer_bytes() {
    let server = TestServer::start().await;
    let rest = http()
        .get(server.url("/api/posts?full=1"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let response = http()
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ posts(limit: 10) { items { title } } }" }))
        .send()
        .await
        .unwrap();
    let gql_bytes = response.bytes().await.unwrap();
    let rest_json: Value = serde_json::from_slice(&rest).unwrap();
    let gql_json: Value = serde_json::from_slice(&gql_bytes).unwrap();
    let rest_titles: Vec<&Value> = rest_json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["title"])
        .collect();
    let gql_titles: Vec<&Value> = gql_json["data"]["posts"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["title"])
        .collect();
    assert_eq!(rest_titles, gql_titles);
    assert!(
        gql_bytes.len() * 4 < rest.len(),
        "GraphQL {} bytes vs REST {} bytes",
        gql_bytes.len(),
        rest.len()
    );
}

#[tokio::test]
async fn delay_ms_applies_to_graphql_posts_only() {
    let server = TestServer::start().await;
    let started = std::time::Instant::now();
    let response = http()
        .post(server.url("/graphql?delay_ms=200"))
        .json(&json!({ "query": "{ tags { name } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-delay-ms"], "200");
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));
    let page = http()
        .get(server.url("/graphql?delay_ms=200"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers().get("x-delay-ms").is_none(),
        "the explorer page is not delayed"
    );
}
