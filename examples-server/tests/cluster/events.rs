//! SSE events and GraphQL subscriptions across instances, and resuming on
//! another instance than the one a reader was connected to.

use std::time::Duration;

use serde_json::json;

use crate::common::*;
use crate::harness::{cluster, instance, instance_with};

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
    assert_eq!(on_late.next_ids(3).await, [second, missed[0], missed[1]]);
}

#[tokio::test]
async fn graphql_subscriptions_see_posts_added_on_the_other_instance() {
    let Some(c) = cluster().await else { return };
    let mut ws = gql_subscribe(
        &c.a.ws_url("/graphql"),
        "subscription { postAdded { id title } }",
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
    assert_eq!(
        resumed.next_ids(8).await,
        ids[2..],
        "8 missed events although the ring holds 4"
    );
}

#[tokio::test]
async fn the_news_ticker_fires_once_per_interval_however_many_instances() {
    let Some(c) = cluster().await else { return };
    let every = Duration::from_millis(300);
    let ticking = |c: &mut examples_server::Config| c.news_interval = every;
    let a = instance_with(&c.redis, &c.db, ticking).await;
    let _b = instance_with(&c.redis, &c.db, ticking).await;
    let mut events = SseClient::connect(&a.url("/sse/news"), None).await;
    let window = Duration::from_secs(3);
    let mut news = 0;
    let _ = tokio::time::timeout(window, async {
        loop {
            if events.next_event().await.event.as_deref() == Some("news") {
                news += 1;
            }
        }
    })
    .await;
    // One ticker: about 10. Two unco-ordinated tickers would make about 20.
    assert!((4..=13).contains(&news), "{news} news events in 3 s");
}
