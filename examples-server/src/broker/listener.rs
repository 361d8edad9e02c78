//! The one subscriber each instance keeps on Redis: delivers what other
//! instances (and this one) publish to the local rooms, hub and GraphQL
//! subscribers, and reconnects with backoff when Redis goes away.
//!
//! On every (re)connection it first catches up from what Redis kept (the
//! event stream, each open room's history) and raises Redis's counters to
//! what this instance has seen, in case Redis restarted empty. Only then does
//! it report itself listening, so `/readyz` turns green when nothing is missing.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::{parse_chat, parse_event, RedisBroker, CHAT_CHANNEL, EVENTS_CHANNEL, POSTS_CHANNEL};
use crate::model::{NewsEvent, Post};
use crate::relay::{Relay as _, RelayDown};
use crate::sse::hub::Hub;
use crate::ws::room::Rooms;

const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// A subscriber connection can die silently (a paused server, a dropped
/// route); a ping this often notices within a few seconds.
const PING_INTERVAL: Duration = Duration::from_secs(3);
const PING_TIMEOUT: Duration = Duration::from_secs(5);

/// Where delivered messages go in this instance.
pub struct Sinks {
    pub posts: broadcast::Sender<Post>,
    pub hub: Arc<Hub>,
    pub rooms: Arc<Rooms>,
}

/// Runs until `shutdown`.
pub async fn run(broker: Arc<RedisBroker>, sinks: Sinks, shutdown: CancellationToken) {
    let mut backoff = MIN_BACKOFF;
    let mut first = true;
    loop {
        if !first {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
            broker
                .reconnects
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        first = false;
        let pubsub = match subscribe(&broker).await {
            Ok(pubsub) => pubsub,
            Err(err) => {
                broker.set_listening(false, Some(format!("cannot subscribe: {err}")));
                continue;
            }
        };
        let (mut sink, mut stream) = pubsub.split();
        if let Err(err) = catch_up(&broker, &sinks).await {
            broker.set_listening(false, Some(format!("cannot catch up: {err}")));
            continue;
        }
        broker.set_listening(true, None);
        backoff = MIN_BACKOFF;
        tracing::info!("subscribed to Redis");
        // Pinged from its own task: awaiting the answer here would stop us
        // draining messages, and the answer queues behind them.
        let (dead_tx, mut dead_rx) = tokio::sync::oneshot::channel::<()>();
        let beating = Arc::clone(&broker);
        let pinger = tokio::spawn(async move {
            let mut ping = tokio::time::interval(PING_INTERVAL);
            ping.reset();
            loop {
                ping.tick().await;
                if let Err(err) = beating.heartbeat().await {
                    tracing::debug!(error = %err, "heartbeat failed");
                }
                let alive = tokio::time::timeout(PING_TIMEOUT, sink.ping::<redis::Value>()).await;
                if !matches!(alive, Ok(Ok(_))) {
                    let _ = dead_tx.send(());
                    return;
                }
            }
        });
        let why = loop {
            tokio::select! {
                () = shutdown.cancelled() => {
                    pinger.abort();
                    return;
                }
                msg = stream.next() => match msg {
                    Some(msg) => deliver(&broker, &sinks, &msg).await,
                    None => break "the connection to Redis was lost".to_owned(),
                },
                _ = &mut dead_rx => break "Redis stopped answering".to_owned(),
            }
        };
        pinger.abort();
        tracing::warn!(reason = %why, "Redis subscriber disconnected; reconnecting");
        broker.set_listening(false, Some(why));
    }
}

async fn subscribe(broker: &RedisBroker) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub =
        tokio::time::timeout(super::CONNECT_TIMEOUT * 2, broker.client.get_async_pubsub())
            .await
            .map_err(|_| {
                redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::TimedOut))
            })??;
    pubsub
        .subscribe(&[POSTS_CHANNEL, EVENTS_CHANNEL, CHAT_CHANNEL])
        .await?;
    Ok(pubsub)
}

/// Fills what this instance missed while it was not subscribed and makes
/// sure Redis numbers on from what this instance has already seen.
async fn catch_up(broker: &RedisBroker, sinks: &Sinks) -> Result<(), RelayDown> {
    broker.heartbeat().await?;
    broker.raise_guest_counter().await?;
    broker.raise_event_id(sinks.hub.last_id()).await?;
    fill_from_stream(broker, &sinks.hub).await?;
    for room in sinks.rooms.open_rooms() {
        broker.raise_chat_seq(&room.name, room.last_seq).await?;
        broker
            .restore_members(&room.name, room.last_seq, &room.members)
            .await?;
        let history = broker.chat_history(&room.name).await?;
        sinks.rooms.deliver_missed(&room.name, history);
    }
    Ok(())
}

async fn deliver(broker: &RedisBroker, sinks: &Sinks, msg: &redis::Msg) {
    let Ok(payload) = std::str::from_utf8(msg.get_payload_bytes()) else {
        return;
    };
    match msg.get_channel_name() {
        POSTS_CHANNEL => {
            if let Ok(post) = serde_json::from_str::<Post>(payload) {
                let _ = sinks.posts.send(post);
            }
        }
        EVENTS_CHANNEL => {
            if let Some(event) = parse_event(payload) {
                receive_event(broker, &sinks.hub, event).await;
            }
        }
        CHAT_CHANNEL => {
            if let Some(frame) = parse_chat(payload) {
                sinks.rooms.deliver(&frame);
            }
        }
        _ => {}
    }
}

/// Delivers an event, first filling a gap (a publication lost while the
/// subscriber reconnected) from the stream.
async fn receive_event(broker: &RedisBroker, hub: &Hub, event: NewsEvent) {
    let last = hub.last_id();
    if last > 0 && event.id > last + 1 {
        if let Err(err) = fill_from_stream(broker, hub).await {
            tracing::warn!(error = %err, "cannot fill a gap in the event stream");
        }
    }
    hub.receive(event);
}

/// Delivers every event the Redis stream holds after the hub's newest.
async fn fill_from_stream(broker: &RedisBroker, hub: &Hub) -> Result<(), RelayDown> {
    for event in broker.events_after(hub.last_id()).await? {
        hub.receive(event);
    }
    Ok(())
}
