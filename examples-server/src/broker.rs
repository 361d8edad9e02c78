//! The Redis relay (`--redis-url`): [`RedisBroker`] implements
//! [`Relay`] and carries chat, SSE events and new-post notices between
//! instances, so a message sent through one instance reaches readers
//! connected to any other. Only `AppState::new` names it.
//!
//! Without it everything stays in-process (the default). With it, every
//! publication goes through one Lua script (`broker/*.lua`, compiled in) that numbers it (per chat room,
//! or for the event stream) and keeps what a newcomer needs (chat history in
//! a list, SSE events in a stream for `Last-Event-ID`), then `PUBLISH`es it.
//! Each instance runs one [`listener`] that delivers what arrives to its own
//! rooms, hub and subscribers — the publisher included, so all instances see
//! the same order. Numbers make delivery idempotent: a gap is filled from
//! Redis, a repeat is dropped.
//!
//! Redis may restart empty (no persistence); publishers pass the highest
//! number they have seen as a floor, so numbering never goes backwards.

pub mod listener;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands as _, Script};
use serde::{Deserialize, Serialize};

use crate::model::{ChatFrame, EventKind, NewsEvent, Post};
use crate::relay::{Presence, Relay, RelayDown};
use crate::util::{random_token, redact};

/// Channels and keys; one prefix so a shared Redis stays tidy.
pub(crate) const POSTS_CHANNEL: &str = "wirebook:posts";
pub(crate) const EVENTS_CHANNEL: &str = "wirebook:sse";
pub(crate) const CHAT_CHANNEL: &str = "wirebook:chat";
const EVENT_COUNTER: &str = "wirebook:sse:id";
const EVENT_STREAM: &str = "wirebook:sse:stream";
const GUEST_COUNTER: &str = "wirebook:chat:guests";
/// `wirebook:instance:<id>` exists while that instance is alive.
const INSTANCE_PREFIX: &str = "wirebook:instance:";
/// How long an instance counts as alive after its last heartbeat; the
/// listener refreshes it every few seconds.
pub(crate) const HEARTBEAT_TTL: Duration = Duration::from_secs(15);

/// A command that takes longer than this counts as Redis being down.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

impl From<redis::RedisError> for RelayDown {
    fn from(err: redis::RedisError) -> Self {
        RelayDown(err.to_string())
    }
}

/// Numbers, keeps and publishes a news event. Each script's header says
/// what it does and what its `KEYS` and `ARGV` are.
const PUBLISH_EVENT: &str = include_str!("broker/publish_event.lua");

/// Numbers, keeps and publishes a chat frame or join/leave notice.
const CHAT: &str = include_str!("broker/chat.lua");

/// Takes a token from a write bucket shared by every instance.
const TAKE_TOKEN: &str = include_str!("broker/take_token.lua");

/// Raises a counter to at least a value.
const RAISE: &str = include_str!("broker/raise.lua");

/// An event as published: everything but the id, which Redis assigns.
#[derive(Serialize, Deserialize)]
struct EventBody {
    kind: EventKind,
    title: String,
    body: String,
    ts: u64,
}

/// One chat publication as `chat.lua` publishes it on [`CHAT_CHANNEL`]:
/// `seq kind roomlen room frame`.
pub(crate) fn parse_chat(payload: &str) -> Option<ChatFrame<'_>> {
    let (seq, rest) = payload.split_once(' ')?;
    let (kind, rest) = rest.split_once(' ')?;
    let (len, rest) = rest.split_once(' ')?;
    let len: usize = len.parse().ok()?;
    Some(ChatFrame {
        seq: seq.parse().ok()?,
        is_message: kind == "m",
        room: rest.get(..len)?,
        frame: rest.get(len..)?,
    })
}

/// The connection to Redis shared by everything in one instance.
pub struct RedisBroker {
    client: redis::Client,
    conn: ConnectionManager,
    /// Random per process: tells this instance's chat members from others'.
    instance: String,
    /// Whether the listener is subscribed right now.
    listening: AtomicBool,
    last_error: Mutex<Option<String>>,
    /// Reconnections of the listener so far (for health reports and tests).
    reconnects: AtomicU64,
    /// The highest guest number handed out by this instance.
    max_guest: AtomicU64,
    stream_keep: usize,
    chat_keep: usize,
    publish_event: Script,
    chat: Script,
    raise: Script,
    take_token: Script,
}

impl std::fmt::Debug for RedisBroker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBroker")
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

impl RedisBroker {
    /// Connects (failing at start if Redis is unreachable, so a wrong URL is
    /// noticed) with automatic reconnection afterwards.
    pub async fn connect(
        url: &str,
        stream_keep: usize,
        chat_keep: usize,
    ) -> anyhow::Result<Arc<RedisBroker>> {
        let shown = redact(url);
        let client =
            redis::Client::open(url).with_context(|| format!("invalid --redis-url {shown}"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_with_config(client.clone(), config)
            .await
            .with_context(|| format!("cannot connect to Redis at {shown}"))?;
        Ok(Arc::new(RedisBroker {
            client,
            conn,
            instance: random_token()?[..12].to_owned(),
            listening: AtomicBool::new(false),
            last_error: Mutex::new(None),
            reconnects: AtomicU64::new(0),
            max_guest: AtomicU64::new(0),
            stream_keep: stream_keep.max(1) * 4,
            chat_keep,
            publish_event: Script::new(PUBLISH_EVENT),
            chat: Script::new(CHAT),
            raise: Script::new(RAISE),
            take_token: Script::new(TAKE_TOKEN),
        }))
    }

    fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    #[allow(clippy::too_many_arguments)]
    async fn chat_op(
        &self,
        room: &str,
        op: &str,
        member: &str,
        name_json: &str,
        ts: u64,
        frame: &str,
        floor: u64,
    ) -> Result<u64, RelayDown> {
        let keys = room_keys(room);
        Ok(self
            .chat
            .key(&keys[0])
            .key(&keys[1])
            .key(&keys[2])
            .arg(floor)
            .arg(self.chat_keep)
            .arg(CHAT_CHANNEL)
            .arg(room)
            .arg(op)
            .arg(member)
            .arg(name_json)
            .arg(ts)
            .arg(frame)
            .arg(INSTANCE_PREFIX)
            .invoke_async(&mut self.conn())
            .await?)
    }

    /// Puts this instance's members of `room` back into the room's member
    /// set (after Redis restarted empty), without announcing them again.
    pub async fn restore_members(
        &self,
        room: &str,
        seq: u64,
        members: &[(u64, String)],
    ) -> Result<(), RelayDown> {
        if members.is_empty() {
            return Ok(());
        }
        let mut cmd = redis::cmd("ZADD");
        cmd.arg(&room_keys(room)[2]).arg("NX");
        for (conn_id, name) in members {
            cmd.arg(seq)
                .arg(format!("{}/{conn_id}/{name}", self.instance));
        }
        let _: i64 = cmd.query_async(&mut self.conn()).await?;
        Ok(())
    }

    /// Raises a room's sequence counter to at least `seq` (after Redis lost
    /// its data in a restart).
    pub async fn raise_chat_seq(&self, room: &str, seq: u64) -> Result<(), RelayDown> {
        let _: i64 = self
            .raise
            .key(&room_keys(room)[0])
            .arg(seq)
            .invoke_async(&mut self.conn())
            .await?;
        Ok(())
    }

    pub async fn raise_event_id(&self, id: u64) -> Result<(), RelayDown> {
        let _: i64 = self
            .raise
            .key(EVENT_COUNTER)
            .arg(id)
            .invoke_async(&mut self.conn())
            .await?;
        Ok(())
    }

    /// Marks this instance alive for `HEARTBEAT_TTL` (its chat members
    /// count only while it is).
    pub async fn heartbeat(&self) -> Result<(), RelayDown> {
        let ttl = u64::try_from(HEARTBEAT_TTL.as_millis()).unwrap_or(u64::MAX);
        let _: () = self
            .conn()
            .pset_ex(format!("{INSTANCE_PREFIX}{}", self.instance), 1, ttl)
            .await?;
        Ok(())
    }

    /// Raises the guest counter to the highest number handed out here, so a
    /// Redis that restarted empty does not hand out `guest-1` again.
    pub async fn raise_guest_counter(&self) -> Result<(), RelayDown> {
        let _: i64 = self
            .raise
            .key(GUEST_COUNTER)
            .arg(self.max_guest.load(Ordering::Relaxed))
            .invoke_async(&mut self.conn())
            .await?;
        Ok(())
    }

    fn set_listening(&self, up: bool, error: Option<String>) {
        self.listening.store(up, Ordering::Release);
        if let Some(error) = error {
            *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(error);
        }
    }
}

#[async_trait::async_trait]
impl Relay for RedisBroker {
    fn kind(&self) -> &'static str {
        "redis"
    }

    fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    async fn check(&self) -> Result<(), RelayDown> {
        let pong: String = redis::cmd("PING").query_async(&mut self.conn()).await?;
        if pong != "PONG" {
            return Err(RelayDown(format!("unexpected PING answer {pong:?}")));
        }
        if !self.is_listening() {
            let why = self
                .last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            return Err(RelayDown(
                why.unwrap_or_else(|| "the subscriber is reconnecting".into()),
            ));
        }
        Ok(())
    }

    fn reconnects(&self) -> u64 {
        self.reconnects.load(Ordering::Relaxed)
    }

    async fn publish_post(&self, post: &Post) -> Result<(), RelayDown> {
        let json = serde_json::to_string(post).unwrap_or_default();
        let _: i64 = self.conn().publish(POSTS_CHANNEL, json).await?;
        Ok(())
    }

    async fn publish_event(
        &self,
        kind: EventKind,
        title: String,
        body: String,
        ts: u64,
        floor: u64,
    ) -> Result<NewsEvent, RelayDown> {
        let json = serde_json::to_string(&EventBody {
            kind,
            title,
            body,
            ts,
        })
        .unwrap_or_default();
        let id: u64 = self
            .publish_event
            .key(EVENT_COUNTER)
            .key(EVENT_STREAM)
            .arg(floor)
            .arg(self.stream_keep)
            .arg(EVENTS_CHANNEL)
            .arg(&json)
            .invoke_async(&mut self.conn())
            .await?;
        let body: EventBody = serde_json::from_str(&json).map_err(|e| RelayDown(e.to_string()))?;
        Ok(event_from(id, body))
    }

    async fn events_after(&self, after: u64) -> Result<Vec<NewsEvent>, RelayDown> {
        let entries: Vec<(String, Vec<(String, String)>)> = redis::cmd("XRANGE")
            .arg(EVENT_STREAM)
            .arg(format!("{}-0", after.saturating_add(1)))
            .arg("+")
            .query_async(&mut self.conn())
            .await?;
        Ok(entries.iter().filter_map(parse_entry).collect())
    }

    async fn recent_events(&self, n: usize) -> Result<Vec<NewsEvent>, RelayDown> {
        let entries: Vec<(String, Vec<(String, String)>)> = redis::cmd("XREVRANGE")
            .arg(EVENT_STREAM)
            .arg("+")
            .arg("-")
            .arg("COUNT")
            .arg(n.max(1))
            .query_async(&mut self.conn())
            .await?;
        let mut events: Vec<NewsEvent> = entries.iter().filter_map(parse_entry).collect();
        events.reverse();
        Ok(events)
    }

    async fn chat_say(&self, room: &str, frame: &str, floor: u64) -> Result<u64, RelayDown> {
        self.chat_op(room, "say", "", "", 0, frame, floor).await
    }

    async fn chat_presence(
        &self,
        room: &str,
        presence: Presence,
        conn_id: u64,
        name: &str,
        ts: u64,
        floor: u64,
    ) -> Result<u64, RelayDown> {
        let member = format!("{}/{conn_id}/{name}", self.instance);
        let name_json = serde_json::to_string(name).unwrap_or_default();
        self.chat_op(room, presence.as_str(), &member, &name_json, ts, "", floor)
            .await
    }

    async fn chat_history(&self, room: &str) -> Result<Vec<(u64, String)>, RelayDown> {
        if self.chat_keep == 0 {
            return Ok(Vec::new());
        }
        let entries: Vec<String> = self.conn().lrange(&room_keys(room)[1], 0, -1).await?;
        Ok(entries
            .iter()
            .filter_map(|e| {
                let (seq, frame) = e.split_once('|')?;
                Some((seq.parse().ok()?, frame.to_owned()))
            })
            .collect())
    }

    async fn take_token(
        &self,
        client: &str,
        burst: u32,
        per_minute: u32,
    ) -> Result<u64, RelayDown> {
        Ok(self
            .take_token
            .key(format!("wirebook:writes:{client}"))
            .arg(burst.max(1))
            .arg(per_minute.max(1))
            .invoke_async(&mut self.conn())
            .await?)
    }

    async fn claim(&self, name: &str, ttl: Duration) -> Result<bool, RelayDown> {
        let taken: Option<String> = redis::cmd("SET")
            .arg(format!("wirebook:{name}"))
            .arg(&self.instance)
            .arg("NX")
            .arg("PX")
            .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1))
            .query_async(&mut self.conn())
            .await?;
        Ok(taken.is_some())
    }

    async fn next_guest(&self) -> Result<u64, RelayDown> {
        let n: u64 = self.conn().incr(GUEST_COUNTER, 1).await?;
        self.max_guest.fetch_max(n, Ordering::Relaxed);
        Ok(n)
    }
}

/// `[seq counter, history list, member set]` of a room.
fn room_keys(room: &str) -> [String; 3] {
    // The room name goes in verbatim: Redis keys are binary-safe.
    [
        format!("wirebook:chat:room:{room}:seq"),
        format!("wirebook:chat:room:{room}:history"),
        format!("wirebook:chat:room:{room}:members"),
    ]
}

fn event_from(id: u64, body: EventBody) -> NewsEvent {
    NewsEvent {
        id,
        kind: body.kind,
        title: body.title,
        body: body.body,
        ts: body.ts,
    }
}

/// `id|json` as published on [`EVENTS_CHANNEL`].
pub(crate) fn parse_event(payload: &str) -> Option<NewsEvent> {
    let (id, json) = payload.split_once('|')?;
    Some(event_from(
        id.parse().ok()?,
        serde_json::from_str(json).ok()?,
    ))
}

fn parse_entry((id, fields): &(String, Vec<(String, String)>)) -> Option<NewsEvent> {
    let id = id.split_once('-')?.0.parse().ok()?;
    let json = &fields.iter().find(|(k, _)| k == "e")?.1;
    Some(event_from(id, serde_json::from_str(json).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_frames_carry_rooms_with_any_characters() {
        let payload = r#"12 m 7 a b|c d{"type":"message"}"#;
        assert_eq!(
            parse_chat(payload),
            Some(ChatFrame {
                seq: 12,
                is_message: true,
                room: "a b|c d",
                frame: r#"{"type":"message"}"#,
            })
        );
        assert_eq!(parse_chat("1 n 40 short"), None);
    }

    #[test]
    fn events_round_trip_through_their_payload() {
        let e = parse_event(r#"7|{"kind":"notify","title":"t","body":"b","ts":5}"#).unwrap();
        assert_eq!((e.id, e.kind, e.ts), (7, EventKind::Notify, 5));
    }
}
