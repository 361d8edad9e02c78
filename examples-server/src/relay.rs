//! The seam between the transports (chat rooms, the news hub, the post
//! feed, write limits) and the relay that carries their messages between
//! instances. Transports hold an `Option<Arc<dyn Relay>>` and never name
//! the Redis implementation ([`crate::broker`]), which `AppState::new`
//! picks in one place.
//!
//! `None` is the in-process relay: each transport numbers and fans out its
//! own messages under its own lock (see `ws::room` and `sse::hub`), which is
//! what keeps history and live frames in one order without a round trip.
//! A shared relay numbers them instead, and delivers every publication,
//! the publisher's own included, back through its listener.

use std::time::Duration;

use crate::model::{EventKind, NewsEvent, Post};

/// Why a publication failed: the relay is unreachable. Handlers answer 503
/// (or an error frame on a chat socket).
#[derive(Debug, thiserror::Error)]
#[error("the message relay (Redis) is unavailable: {0}")]
pub struct RelayDown(pub String);

/// Whether a chat member arrives or goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Join,
    Leave,
}

impl Presence {
    /// The notice's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Join => "join",
            Presence::Leave => "leave",
        }
    }
}

/// Carries posts, news events, chat frames and write limits between the
/// instances that share one site. Every `floor` is the newest number the
/// caller has seen, so numbering never goes backwards when the relay
/// restarts empty.
#[async_trait::async_trait]
pub trait Relay: Send + Sync + std::fmt::Debug {
    /// `redis`, for health reports.
    fn kind(&self) -> &'static str;

    /// Whether other instances' messages reach this one right now.
    fn is_listening(&self) -> bool;

    /// Health: a round trip, and whether this instance is listening.
    async fn check(&self) -> Result<(), RelayDown>;

    /// Reconnections so far (for health reports and tests).
    fn reconnects(&self) -> u64;

    /// Announces a stored post to every instance's `postAdded` subscribers.
    async fn publish_post(&self, post: &Post) -> Result<(), RelayDown>;

    /// Numbers, keeps and publishes a news event; returns it with its id.
    async fn publish_event(
        &self,
        kind: EventKind,
        title: String,
        body: String,
        ts: u64,
        floor: u64,
    ) -> Result<NewsEvent, RelayDown>;

    /// Kept events after `after`, oldest first.
    async fn events_after(&self, after: u64) -> Result<Vec<NewsEvent>, RelayDown>;

    /// The newest `n` kept events, oldest first.
    async fn recent_events(&self, n: usize) -> Result<Vec<NewsEvent>, RelayDown>;

    /// Publishes a chat message frame to `room`; returns its number.
    async fn chat_say(&self, room: &str, frame: &str, floor: u64) -> Result<u64, RelayDown>;

    /// Adds or removes a member of `room` and publishes the notice (with
    /// the members of every instance); returns its number.
    async fn chat_presence(
        &self,
        room: &str,
        presence: Presence,
        conn_id: u64,
        name: &str,
        ts: u64,
        floor: u64,
    ) -> Result<u64, RelayDown>;

    /// A room's kept messages as `(seq, frame)`, oldest first.
    async fn chat_history(&self, room: &str) -> Result<Vec<(u64, String)>, RelayDown>;

    /// Takes a write token for `client` from the shared bucket: `Ok(0)` when
    /// taken, else the milliseconds until one is free.
    async fn take_token(&self, client: &str, burst: u32, per_minute: u32)
        -> Result<u64, RelayDown>;

    /// Takes the lease `name` for `ttl` if no instance holds it; false when
    /// another one does.
    async fn claim(&self, name: &str, ttl: Duration) -> Result<bool, RelayDown>;

    /// A guest number unique across instances.
    async fn next_guest(&self) -> Result<u64, RelayDown>;
}
