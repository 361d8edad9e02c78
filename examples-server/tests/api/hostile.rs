//! Hostile clients (issue #14): connections that never finish a request, or sit idle after
//! one, are closed by hyper's header-read timeout instead of holding a socket forever; GraphQL
//! introspection obeys the complexity limit and every GraphQL answer is bounded in size.

use std::time::Duration;

use serde_json::json;

use crate::common::*;
use crate::graphql::{gql, query as query_ok, GQL_RESPONSE};
use test_support::slow::assert_slow_clients_are_cut_off;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_and_idle_connections_are_closed() {
    let timeout = Duration::from_millis(800);
    let server = TestServer::start_with(|c| c.limits.header_read_timeout = timeout).await;
    assert_slow_clients_are_cut_off(server.addr, "/healthz", timeout).await;
    // The server still answers everyone else.
    let status = http()
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
}

/// 1,500 aliased `__schema` selections once returned 1.9 MB and grew the server by 108 MB
/// for good: introspection now counts toward the complexity limit.
#[tokio::test]
async fn aliased_introspection_is_refused_by_the_complexity_limit() {
    let server = TestServer::start().await;
    let aliases: String = (0..1500)
        .map(|i| format!("a{i}:__schema{{types{{name}}}} "))
        .collect();
    let query = format!("{{ {aliases}}}");
    assert!(query.len() < 64 * 1024, "fits the body limit");
    let (status, _, body) = gql(&server, Some(GQL_RESPONSE), &query, json!({})).await;
    assert_eq!(status, 400, "{}", &body.to_string()[..200]);
    assert_eq!(
        body["errors"][0]["message"].as_str(),
        Some("Query is too complex.")
    );
    // A few aliases stay fine.
    let data = query_ok(
        &server,
        "{ a: __schema { queryType { name } } b: __typename }",
    )
    .await;
    assert_eq!(data["a"]["queryType"]["name"], "Query");
}

/// However a document gets past the limits, its answer is bounded in size.
#[tokio::test]
async fn responses_over_the_size_limit_are_refused() {
    let server = TestServer::start_with(|c| c.limits.graphql_max_response_bytes = 2000).await;
    let (status, _, body) = gql(
        &server,
        Some(GQL_RESPONSE),
        "{ posts(limit: 50) { items { title body } } }",
        json!({}),
    )
    .await;
    assert_eq!(status, 500, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("2000 bytes"), "{message}");
    let data = query_ok(&server, "{ posts(limit: 1) { total } }").await;
    assert!(data["posts"]["total"].as_i64().unwrap() > 0);
}
