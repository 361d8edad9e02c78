//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`, on
//! `/graphql/ws` and on `/graphql` itself).

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;
use crate::graphql::gql;

async fn subscribe(url: &str) -> Ws {
    gql_subscribe(
        url,
        "subscription { postAdded { id title author { name } } }",
    )
    .await
}

/// Adds posts with `add` until the subscription reports one (the
/// subscription starts asynchronously after `subscribe`), and returns the
/// reported title and every title added.
async fn next_post_added<F, Fut>(ws: &mut Ws, mut add: F) -> (String, Vec<String>)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let mut titles = Vec::new();
    for attempt in 0..20 {
        titles.push(add(attempt).await);
        let next = tokio::time::timeout(Duration::from_millis(500), recv_json(ws)).await;
        if let Ok(message) = next {
            assert_eq!(
                (message["type"].as_str(), message["id"].as_str()),
                (Some("next"), Some("1")),
                "{message}"
            );
            let title = message["payload"]["data"]["postAdded"]["title"]
                .as_str()
                .unwrap()
                .to_owned();
            return (title, titles);
        }
    }
    panic!("no postAdded event");
}

#[tokio::test]
async fn subscriptions_see_posts_added_over_rest_and_graphql() {
    let server = TestServer::start().await;
    for path in ["/graphql/ws", "/graphql"] {
        let mut ws = subscribe(&server.ws_url(path)).await;
        let (title, added) = next_post_added(&mut ws, |i| {
            let title = format!("rest {path} {i}");
            let server = &server;
            async move {
                create_post(server, &title).await["title"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        })
        .await;
        assert!(added.contains(&title), "{title} in {added:?}");

        let (status, _, body) = gql(
            &server,
            None,
            "mutation { addPost(author: \"Sub\", title: \"via graphql\", body: \"b\") { id } }",
            json!({}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let message = recv_type(&mut ws, "next").await;
        assert_eq!(
            message["payload"]["data"]["postAdded"]["title"],
            "via graphql"
        );
        assert_eq!(
            message["payload"]["data"]["postAdded"]["author"]["name"],
            "Sub"
        );

        send_json(&mut ws, json!({ "id": "1", "type": "complete" })).await;
    }
}

#[tokio::test]
async fn subscription_upgrades_need_a_graphql_subprotocol() {
    let server = TestServer::start().await;
    let err = ws_connect_with(&server.ws_url("/graphql/ws"), &[])
        .await
        .unwrap_err();
    let tokio_tungstenite::tungstenite::Error::Http(response) = err else {
        panic!("{err}")
    };
    assert_eq!(response.status(), 400);
    let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("graphql-transport-ws"));
}

#[tokio::test]
async fn subscriptions_respect_the_depth_limit() {
    let server = TestServer::start().await;
    let mut ws = ws_connect_with(
        &server.ws_url("/graphql/ws"),
        &[("sec-websocket-protocol", "graphql-transport-ws")],
    )
    .await
    .unwrap();
    send_json(&mut ws, json!({ "type": "connection_init" })).await;
    recv_type(&mut ws, "connection_ack").await;
    send_json(
        &mut ws,
        json!({ "id": "d", "type": "subscribe", "payload": { "query":
            "subscription { postAdded { author { posts(limit: 1) { author { posts(limit: 1) { author { posts(limit: 1) { author { name } } } } } } } } }" } }),
    )
    .await;
    // async-graphql reports validation failures of a subscription as a
    // `next` carrying errors (the protocol suggests `error`); either way the
    // client learns why and no stream starts.
    let message = recv_json(&mut ws).await;
    let errors = match message["type"].as_str() {
        Some("error") => &message["payload"],
        Some("next") => &message["payload"]["errors"],
        _ => panic!("{message}"),
    };
    assert_eq!(errors[0]["message"], "Query is nested too deep.");
}
