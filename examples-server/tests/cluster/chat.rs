//! Chat across instances: messages, history, presence and guest names.

use serde_json::json;

use crate::common::*;
use crate::harness::{cluster, join, next_message, say, Cluster};

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
        assert_eq!(history_texts(&history), ["hello from A", "hello from B"]);
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
