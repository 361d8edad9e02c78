//! The news hub behind `/sse/news`: stores each event, keeps the newest ones
//! in a ring buffer for `Last-Event-ID` resume, and fans them out as ready
//! `text/event-stream` frames. Knows nothing about HTTP.
//!
//! Ordering guarantee: an event is stored, pushed to the ring and broadcast
//! while the database writer lock is held, so ids reach every subscriber in
//! increasing order and a resuming client sees no gap and no duplicate.
//! With a shared relay ([`crate::relay`]) the relay numbers the events and
//! every instance, the publisher included, receives them in that order from
//! its listener, which fills gaps from the relay's stream.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::{self, error::RecvError};

use crate::model::{EventKind, NewsEvent};
use crate::relay::{Relay, RelayDown};
use crate::store::{Store, StoreError};
use crate::util::now_millis;

/// An event as kept and broadcast: rendered once, however many subscribers
/// it goes to (each gets a reference-counted copy of the same bytes).
#[derive(Debug)]
pub struct Published {
    pub event: NewsEvent,
    /// The complete `text/event-stream` frame: `id:`, `event:`, `data:` and
    /// the blank line that dispatches it.
    pub frame: Bytes,
}

impl Published {
    fn new(event: NewsEvent) -> Arc<Published> {
        // Strings and integers only: serialising cannot fail, and JSON
        // escapes newlines, so `data` is a single line as SSE requires.
        let data = serde_json::to_string(&event).unwrap_or_default();
        let frame = format!(
            "id: {}\nevent: {}\ndata: {data}\n\n",
            event.id,
            event.kind.as_str()
        );
        Arc::new(Published {
            event,
            frame: Bytes::from(frame),
        })
    }
}

/// Where events are numbered and kept for resuming clients.
#[derive(Debug, Clone)]
pub enum EventLog {
    /// The database's `events` table; this process is the only publisher.
    Store(Store),
    /// The shared relay's stream, kept for every instance.
    Relay(Arc<dyn Relay>),
}

/// Why publishing failed.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Relay(#[from] RelayDown),
}

pub struct Hub {
    log: EventLog,
    capacity: usize,
    ring: Mutex<VecDeque<Arc<Published>>>,
    tx: broadcast::Sender<Arc<Published>>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl Hub {
    /// Loads the newest `capacity` stored events into the ring.
    pub async fn new(log: EventLog, capacity: usize) -> Result<Hub, PublishError> {
        let capacity = capacity.max(1);
        let recent = match &log {
            EventLog::Store(store) => store.recent_events(capacity).await?,
            EventLog::Relay(relay) => relay.recent_events(capacity).await?,
        };
        let (tx, _) = broadcast::channel(capacity);
        Ok(Hub {
            log,
            capacity,
            ring: Mutex::new(recent.into_iter().map(Published::new).collect()),
            tx,
        })
    }

    /// Stores and broadcasts an event; returns it with its id.
    pub async fn publish(
        self: &Arc<Self>,
        kind: EventKind,
        title: String,
        body: String,
    ) -> Result<NewsEvent, PublishError> {
        match &self.log {
            EventLog::Store(store) => {
                let hub = Arc::clone(self);
                let keep = self.capacity * 4;
                Ok(store
                    .append_event(kind, title, body, now_millis(), keep, move |event| {
                        hub.push(Published::new(event.clone()));
                    })
                    .await?)
            }
            // Delivered here by the listener, like everyone else's events.
            EventLog::Relay(relay) => Ok(relay
                .publish_event(kind, title, body, now_millis(), self.last_id())
                .await?),
        }
    }

    /// An event numbered elsewhere (by the shared relay): added unless already seen.
    pub fn receive(&self, event: NewsEvent) {
        let mut ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        if ring.back().is_some_and(|e| e.event.id >= event.id) {
            return;
        }
        Self::push_locked(&mut ring, self.capacity, &self.tx, Published::new(event));
    }

    fn push(&self, event: Arc<Published>) {
        let mut ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        Self::push_locked(&mut ring, self.capacity, &self.tx, event);
    }

    fn push_locked(
        ring: &mut VecDeque<Arc<Published>>,
        capacity: usize,
        tx: &broadcast::Sender<Arc<Published>>,
        event: Arc<Published>,
    ) {
        if ring.len() == capacity {
            ring.pop_front();
        }
        ring.push_back(Arc::clone(&event));
        // Sent under the ring lock so a concurrent subscribe() either sees the
        // event in its replay or receives it live, never both or neither.
        let _ = tx.send(event);
    }

    /// Buffered events newer than `after`.
    fn since(&self, after: u64) -> VecDeque<Arc<Published>> {
        let ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        ring.iter()
            .filter(|e| e.event.id > after)
            .cloned()
            .collect()
    }

    /// The id of the newest event, 0 when there is none.
    pub fn last_id(&self) -> u64 {
        let ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        ring.back().map_or(0, |e| e.event.id)
    }

    /// A stream of events: first everything buffered after `last_event_id`
    /// (when the client is resuming), then live events. A subscriber that
    /// falls more than the buffer behind is caught up from the ring instead of
    /// being dropped; events that left the ring meanwhile are lost to it.
    /// With a shared relay, a client resuming from before the ring's oldest event is
    /// first served the older ones from the relay's stream (which keeps four
    /// times as many).
    pub fn subscribe(
        self: &Arc<Self>,
        last_event_id: Option<u64>,
    ) -> impl Stream<Item = Arc<Published>> + Send + 'static {
        let (replay, rx, cursor, oldest) = {
            let ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
            let rx = self.tx.subscribe();
            let newest = ring.back().map_or(0, |e| e.event.id);
            let oldest = ring.front().map_or(0, |e| e.event.id);
            match last_event_id {
                // An id above anything we issued comes from before a database
                // reset; nothing it could have missed is known, so replay nothing.
                Some(after) if after <= newest => {
                    let replay: VecDeque<_> = ring
                        .iter()
                        .filter(|e| e.event.id > after)
                        .cloned()
                        .collect();
                    (replay, rx, after, oldest)
                }
                _ => (VecDeque::new(), rx, newest, oldest),
            }
        };
        // Missed events older than the ring: only the relay may still have them.
        let older = match &self.log {
            EventLog::Relay(relay) if cursor + 1 < oldest => {
                let relay = Arc::clone(relay);
                Some(Box::pin(async move {
                    match relay.events_after(cursor).await {
                        Ok(events) => events
                            .into_iter()
                            .take_while(|e| e.id < oldest)
                            .map(Published::new)
                            .collect(),
                        Err(err) => {
                            tracing::warn!(error = %err, "cannot replay older events from the relay");
                            Vec::new()
                        }
                    }
                }) as Older)
            }
            _ => None,
        };
        let state = Cursor {
            hub: Arc::clone(self),
            replay,
            rx,
            sent: cursor,
            older,
        };
        stream::unfold(state, |mut state| async move {
            let event = state.next().await?;
            Some((event, state))
        })
    }
}

/// Events older than the ring, still being fetched from the relay.
type Older = std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Arc<Published>>> + Send>>;

struct Cursor {
    hub: Arc<Hub>,
    replay: VecDeque<Arc<Published>>,
    rx: broadcast::Receiver<Arc<Published>>,
    /// Id of the last event handed out; later duplicates are skipped.
    sent: u64,
    older: Option<Older>,
}

impl Cursor {
    async fn next(&mut self) -> Option<Arc<Published>> {
        if let Some(older) = self.older.take() {
            // All older than the replay's first, so they go in front.
            for event in older.await.into_iter().rev() {
                self.replay.push_front(event);
            }
        }
        loop {
            let event = match self.replay.pop_front() {
                Some(event) => event,
                None => match self.rx.recv().await {
                    Ok(event) => event,
                    Err(RecvError::Lagged(_)) => {
                        self.replay = self.hub.since(self.sent);
                        continue;
                    }
                    Err(RecvError::Closed) => return None,
                },
            };
            if event.event.id > self.sent {
                self.sent = event.event.id;
                return Some(event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DbLocation;
    use futures_util::StreamExt;

    async fn hub(capacity: usize) -> Arc<Hub> {
        let store = Store::open(&DbLocation::Memory, false).await.unwrap();
        Arc::new(Hub::new(EventLog::Store(store), capacity).await.unwrap())
    }

    #[tokio::test]
    async fn resume_replays_only_missed_events() {
        let hub = hub(4).await;
        for i in 1..=3 {
            hub.publish(EventKind::Notify, format!("t{i}"), String::new())
                .await
                .unwrap();
        }
        let mut s = Box::pin(hub.subscribe(Some(1)));
        assert_eq!(s.next().await.unwrap().event.id, 2);
        assert_eq!(s.next().await.unwrap().event.id, 3);
        hub.publish(EventKind::News, "live".into(), String::new())
            .await
            .unwrap();
        let live = s.next().await.unwrap();
        assert_eq!((live.event.id, live.event.kind), (4, EventKind::News));
    }

    #[tokio::test]
    async fn lagging_subscribers_catch_up_from_the_ring() {
        let hub = hub(4).await;
        let mut s = Box::pin(hub.subscribe(None));
        for i in 0..10 {
            hub.publish(EventKind::Notify, format!("t{i}"), String::new())
                .await
                .unwrap();
        }
        let ids: Vec<u64> = s.by_ref().take(4).map(|e| e.event.id).collect().await;
        assert_eq!(ids, [7, 8, 9, 10], "the four newest survive in the ring");
    }

    #[tokio::test]
    async fn frames_are_complete_event_stream_events() {
        let hub = hub(4).await;
        let e = hub
            .publish(EventKind::Notify, "Hi".into(), "line\nbreak".into())
            .await
            .unwrap();
        let mut s = Box::pin(hub.subscribe(Some(0)));
        let frame = s.next().await.unwrap().frame.clone();
        let expected = format!(
            "id: 1\nevent: notify\ndata: {{\"id\":1,\"kind\":\"notify\",\"title\":\"Hi\",\"body\":\"line\\nbreak\",\"ts\":{}}}\n\n",
            e.ts
        );
        assert_eq!(std::str::from_utf8(&frame).unwrap(), expected);
    }

    #[tokio::test]
    async fn ids_continue_after_a_reload() {
        let hub1 = hub(4).await;
        hub1.publish(EventKind::Notify, "a".into(), String::new())
            .await
            .unwrap();
        let hub2 = Hub::new(hub1.log.clone(), 4).await.unwrap();
        assert_eq!(hub2.last_id(), 1);
        let hub2 = Arc::new(hub2);
        let e = hub2
            .publish(EventKind::Notify, "b".into(), String::new())
            .await
            .unwrap();
        assert_eq!(e.id, 2);
    }
}
