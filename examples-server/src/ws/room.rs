//! Chat rooms: members, the recent-message history and the broadcast
//! channel each connection subscribes to. No sockets here.
//!
//! Every outgoing frame is serialised once per room, not once per member, and
//! shared as cheaply cloned bytes — with a thousand members that is the
//! difference between one allocation and a thousand per message.
//!
//! Every frame of a room carries a sequence number. In one process the room
//! numbers its own frames; with a shared relay ([`crate::relay`]) the relay
//! numbers them and each instance's listener delivers them here with `Rooms::deliver`,
//! so members on every instance see one order, and history and live frames
//! can be told apart.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;
use serde::Serialize;
use serde_json::json;
use tokio::sync::broadcast;

use crate::model::{ChatFrame, ChatMessage};
use crate::relay::{Presence, Relay, RelayDown};
use crate::util::now_millis;

/// A frame and its place in the room's order.
#[derive(Debug, Clone)]
pub struct Sequenced {
    pub seq: u64,
    pub frame: Utf8Bytes,
}

#[derive(Debug)]
pub struct Rooms {
    rooms: Mutex<HashMap<String, Arc<Room>>>,
    history: usize,
    backlog: usize,
    max_rooms: usize,
    relay: Option<Arc<dyn Relay>>,
}

#[derive(Debug)]
pub struct Room {
    name: String,
    /// Messages kept for history.
    keep: usize,
    state: Mutex<RoomState>,
    tx: broadcast::Sender<Sequenced>,
    relay: Option<Arc<dyn Relay>>,
}

#[derive(Debug, Default)]
struct RoomState {
    /// `(seq, message frame)`, oldest first.
    history: VecDeque<(u64, Utf8Bytes)>,
    /// (connection id, nickname) in join order, of this instance only.
    members: Vec<(u64, String)>,
    /// The newest sequence number delivered.
    last_seq: u64,
}

/// A room as the shared relay's listener re-announces it after reconnecting.
pub(crate) struct OpenRoom {
    pub name: String,
    pub last_seq: u64,
    /// (connection id, nickname) of the members connected here.
    pub members: Vec<(u64, String)>,
}

/// What a new member gets: the history frame to send first, and the
/// receiver for everything after it (starting with its own join notice).
pub struct Joined {
    pub room: Arc<Room>,
    pub history: Utf8Bytes,
    pub rx: broadcast::Receiver<Sequenced>,
    /// Live frames up to this number are already in `history`.
    pub skip_upto: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// Too many rooms with members in them; nothing can be evicted.
    #[error("too many chat rooms are in use, try again later")]
    Full,
    #[error(transparent)]
    Relay(#[from] RelayDown),
}

impl Rooms {
    pub fn new(
        history: usize,
        backlog: usize,
        max_rooms: usize,
        relay: Option<Arc<dyn Relay>>,
    ) -> Self {
        Rooms {
            rooms: Mutex::new(HashMap::new()),
            history,
            backlog: backlog.max(1),
            max_rooms: max_rooms.max(1),
            relay,
        }
    }

    /// Adds a member to `room` (creating it, evicting an empty room if the
    /// limit is reached) and announces the join to everyone, the joiner included.
    pub async fn join(&self, room: &str, conn_id: u64, name: &str) -> Result<Joined, JoinError> {
        let room = self.get_or_create(room)?;
        let Some(relay) = &self.relay else {
            // History snapshot, subscription and join notice happen under one
            // lock, so the joiner sees each message exactly once: either in
            // the history or live.
            let mut state = lock(&room.state);
            let history = room.history_frame(&state);
            let rx = room.tx.subscribe();
            state.members.push((conn_id, name.to_owned()));
            let notice = room.notice(&state, Presence::Join, name);
            room.publish_locked(&mut state, notice, false);
            drop(state);
            return Ok(Joined {
                room,
                history,
                rx,
                skip_upto: 0,
            });
        };
        // Subscribe first, then read the shared history: a message arriving
        // in between is in both, and `skip_upto` drops the live copy.
        let rx = room.tx.subscribe();
        let kept = relay.chat_history(&room.name).await?;
        let (history, skip_upto, floor) = {
            let mut state = lock(&room.state);
            room.merge_history(&mut state, kept);
            // `last_seq` stays as delivered: a message already in the relay's
            // history but not yet delivered here must still reach the
            // other members here when it arrives; only the joiner skips it.
            let skip_upto = state.history.back().map_or(0, |(seq, _)| *seq);
            state.members.push((conn_id, name.to_owned()));
            (room.history_frame(&state), skip_upto, state.last_seq)
        };
        if let Err(err) = relay
            .chat_presence(
                &room.name,
                Presence::Join,
                conn_id,
                name,
                now_millis(),
                floor,
            )
            .await
        {
            room.remove_member(conn_id);
            return Err(err.into());
        }
        Ok(Joined {
            room,
            history,
            rx,
            skip_upto,
        })
    }

    fn get_or_create(&self, room: &str) -> Result<Arc<Room>, JoinError> {
        let mut rooms = lock(&self.rooms);
        if let Some(existing) = rooms.get(room) {
            return Ok(Arc::clone(existing));
        }
        if rooms.len() >= self.max_rooms {
            // Empty rooms only keep history; dropping one loses no member.
            let empty = rooms
                .iter()
                .find(|(_, r)| lock(&r.state).members.is_empty())
                .map(|(k, _)| k.clone())
                .ok_or(JoinError::Full)?;
            rooms.remove(&empty);
        }
        let (tx, _) = broadcast::channel(self.backlog);
        let created = Arc::new(Room {
            name: room.to_owned(),
            keep: self.history,
            state: Mutex::new(RoomState::default()),
            tx,
            relay: self.relay.clone(),
        });
        rooms.insert(room.to_owned(), Arc::clone(&created));
        Ok(created)
    }

    /// A frame published through the shared relay, for this instance's members.
    pub(crate) fn deliver(&self, frame: &ChatFrame<'_>) {
        let Some(room) = lock(&self.rooms).get(frame.room).cloned() else {
            // Nobody here is in that room; its history stays with the relay.
            return;
        };
        let mut state = lock(&room.state);
        if frame.seq <= state.last_seq {
            return;
        }
        state.last_seq = frame.seq;
        let bytes = Utf8Bytes::from(frame.frame.to_owned());
        room.push_locked(&mut state, frame.seq, bytes, frame.is_message);
    }

    /// Messages kept by the relay that this instance has not delivered yet
    /// (published while its listener was reconnecting).
    pub(crate) fn deliver_missed(&self, room: &str, kept: Vec<(u64, String)>) {
        let Some(room) = lock(&self.rooms).get(room).cloned() else {
            return;
        };
        let mut state = lock(&room.state);
        for (seq, frame) in kept {
            if seq > state.last_seq {
                state.last_seq = seq;
                room.push_locked(&mut state, seq, Utf8Bytes::from(frame), true);
            }
        }
    }

    /// Every room held here, with its newest sequence number and the
    /// members connected here.
    pub(crate) fn open_rooms(&self) -> Vec<OpenRoom> {
        lock(&self.rooms)
            .values()
            .map(|r| {
                let state = lock(&r.state);
                OpenRoom {
                    name: r.name.clone(),
                    last_seq: state.last_seq,
                    members: state.members.clone(),
                }
            })
            .collect()
    }
}

impl Room {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stores a message in the history and broadcasts it (through the shared relay
    /// when there is one).
    pub async fn say(&self, from: &str, text: &str) -> Result<(), RelayDown> {
        let message = ChatMessage::new(from, text, now_millis());
        let bytes = frame(&message);
        match &self.relay {
            None => {
                let mut state = lock(&self.state);
                // Numbered, kept and sent under one lock so history order and
                // broadcast order agree.
                self.publish_locked(&mut state, bytes, true);
                Ok(())
            }
            Some(relay) => {
                let floor = lock(&self.state).last_seq;
                relay.chat_say(&self.name, bytes.as_str(), floor).await?;
                Ok(())
            }
        }
    }

    /// Removes a member and announces it.
    pub async fn leave(&self, conn_id: u64) {
        let Some(name) = self.remove_member(conn_id) else {
            return;
        };
        match &self.relay {
            None => {
                let mut state = lock(&self.state);
                let notice = self.notice(&state, Presence::Leave, &name);
                self.publish_locked(&mut state, notice, false);
            }
            Some(relay) => {
                let floor = lock(&self.state).last_seq;
                if let Err(err) = relay
                    .chat_presence(
                        &self.name,
                        Presence::Leave,
                        conn_id,
                        &name,
                        now_millis(),
                        floor,
                    )
                    .await
                {
                    tracing::warn!(room = %self.name, error = %err, "cannot announce a leave");
                }
            }
        }
    }

    fn remove_member(&self, conn_id: u64) -> Option<String> {
        let mut state = lock(&self.state);
        let pos = state.members.iter().position(|(id, _)| *id == conn_id)?;
        Some(state.members.remove(pos).1)
    }

    /// Members connected to this instance, in join order.
    pub fn member_names(&self) -> Vec<String> {
        lock(&self.state)
            .members
            .iter()
            .map(|(_, n)| n.clone())
            .collect()
    }

    fn notice(&self, state: &RoomState, presence: Presence, name: &str) -> Utf8Bytes {
        let members: Vec<&str> = state.members.iter().map(|(_, n)| n.as_str()).collect();
        frame(&json!({
            "type": presence.as_str(),
            "name": name,
            "members": members,
            "ts": now_millis(),
        }))
    }

    /// Numbers a frame of this process's own and delivers it.
    fn publish_locked(&self, state: &mut RoomState, bytes: Utf8Bytes, is_message: bool) {
        state.last_seq += 1;
        let seq = state.last_seq;
        self.push_locked(state, seq, bytes, is_message);
    }

    fn push_locked(&self, state: &mut RoomState, seq: u64, bytes: Utf8Bytes, is_message: bool) {
        // History is in sequence order. A joiner may already have merged
        // this message (and later ones) in from the relay's history; anything at
        // or below the newest kept number is in it, or was trimmed from it.
        let newer = state.history.back().is_none_or(|(s, _)| *s < seq);
        if is_message && self.keep > 0 && newer {
            if state.history.len() >= self.keep {
                state.history.pop_front();
            }
            state.history.push_back((seq, bytes.clone()));
        }
        let _ = self.tx.send(Sequenced { seq, frame: bytes });
    }

    /// Adds messages kept by the relay to the local history, in order, without
    /// repeats, trimmed to `keep`.
    fn merge_history(&self, state: &mut RoomState, kept: Vec<(u64, String)>) {
        let mut all: BTreeMap<u64, Utf8Bytes> = state.history.drain(..).collect();
        for (seq, frame) in kept {
            all.entry(seq).or_insert_with(|| Utf8Bytes::from(frame));
        }
        let skip = all.len().saturating_sub(self.keep);
        state.history = all.into_iter().skip(skip).collect();
    }

    /// `{"type":"history","room":…,"messages":[…],"ts":…}`, spliced from the
    /// kept frames rather than re-serialised.
    fn history_frame(&self, state: &RoomState) -> Utf8Bytes {
        let mut out = String::from(r#"{"type":"history","room":"#);
        out.push_str(&serde_json::to_string(&self.name).unwrap_or_default());
        out.push_str(r#","messages":["#);
        for (i, (_, message)) in state.history.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(message.as_str());
        }
        out.push_str(&format!(r#"],"ts":{}}}"#, now_millis()));
        Utf8Bytes::from(out)
    }
}

/// Serialises a server frame. Only maps, strings and numbers go in, which
/// cannot fail to serialise.
pub fn frame(value: &impl Serialize) -> Utf8Bytes {
    Utf8Bytes::from(serde_json::to_string(value).unwrap_or_default())
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &Utf8Bytes) -> serde_json::Value {
        serde_json::from_str(bytes.as_str()).unwrap()
    }

    #[tokio::test]
    async fn joiners_get_history_then_their_own_join() {
        let rooms = Rooms::new(2, 16, 10, None);
        let a = rooms.join("r", 1, "ann").await.unwrap();
        for text in ["one", "two", "three"] {
            a.room.say("ann", text).await.unwrap();
        }
        let mut b = rooms.join("r", 2, "bob").await.unwrap();
        let history = parse(&b.history);
        let texts: Vec<_> = history["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].clone())
            .collect();
        assert_eq!(texts, ["two", "three"], "only the last 2 are kept");
        let join = parse(&b.rx.try_recv().unwrap().frame);
        assert_eq!(join["type"], "join");
        assert_eq!(join["members"], json!(["ann", "bob"]));
        b.room.leave(1).await;
        let leave = parse(&b.rx.try_recv().unwrap().frame);
        assert_eq!(
            (leave["type"].as_str(), leave["name"].as_str()),
            (Some("leave"), Some("ann"))
        );
        assert_eq!(b.room.member_names(), ["bob"]);
    }

    #[tokio::test]
    async fn empty_rooms_are_evicted_when_full() {
        let rooms = Rooms::new(2, 16, 1, None);
        let a = rooms.join("one", 1, "ann").await.unwrap();
        assert!(
            rooms.join("two", 2, "bob").await.is_err(),
            "room one still has a member"
        );
        a.room.leave(1).await;
        assert!(rooms.join("two", 2, "bob").await.is_ok());
    }
}
