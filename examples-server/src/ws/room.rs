//! Chat rooms: members, the recent-message history and the broadcast
//! channel each connection subscribes to. No sockets here.
//!
//! Every outgoing frame is serialised once per room, not once per member, and
//! shared as cheaply cloned bytes — with a thousand members that is the
//! difference between one allocation and a thousand per message.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Utf8Bytes;
use serde::Serialize;
use serde_json::json;
use tokio::sync::broadcast;

use crate::posts::now_millis;

/// A chat message as stored in history and broadcast.
#[derive(Debug, Clone, Serialize)]
pub struct ChatMessage {
    #[serde(rename = "type")]
    kind: &'static str,
    pub from: String,
    pub text: String,
    pub ts: u64,
}

#[derive(Debug)]
pub struct Rooms {
    rooms: Mutex<HashMap<String, Arc<Room>>>,
    history: usize,
    backlog: usize,
    max_rooms: usize,
}

#[derive(Debug)]
pub struct Room {
    name: String,
    /// Messages kept for history.
    keep: usize,
    state: Mutex<RoomState>,
    tx: broadcast::Sender<Utf8Bytes>,
}

#[derive(Debug, Default)]
struct RoomState {
    history: VecDeque<ChatMessage>,
    /// (connection id, nickname) in join order.
    members: Vec<(u64, String)>,
}

/// What a new member gets: the history frame to send first, and the
/// receiver for everything after it (starting with its own join notice).
pub struct Joined {
    pub room: Arc<Room>,
    pub history: Utf8Bytes,
    pub rx: broadcast::Receiver<Utf8Bytes>,
}

/// Too many rooms with members in them; nothing can be evicted.
#[derive(Debug, thiserror::Error)]
#[error("too many chat rooms are in use, try again later")]
pub struct RoomsFull;

impl Rooms {
    pub fn new(history: usize, backlog: usize, max_rooms: usize) -> Self {
        Rooms {
            rooms: Mutex::new(HashMap::new()),
            history,
            backlog: backlog.max(1),
            max_rooms: max_rooms.max(1),
        }
    }

    /// Adds a member to `room` (creating it, evicting an empty room if the
    /// limit is reached) and announces the join to everyone, the joiner included.
    pub fn join(&self, room: &str, conn_id: u64, name: &str) -> Result<Joined, RoomsFull> {
        let room = {
            let mut rooms = lock(&self.rooms);
            if let Some(existing) = rooms.get(room) {
                Arc::clone(existing)
            } else {
                if rooms.len() >= self.max_rooms {
                    // Empty rooms only keep history; dropping one loses no member.
                    let empty = rooms
                        .iter()
                        .find(|(_, r)| lock(&r.state).members.is_empty())
                        .map(|(k, _)| k.clone())
                        .ok_or(RoomsFull)?;
                    rooms.remove(&empty);
                }
                let (tx, _) = broadcast::channel(self.backlog);
                let created = Arc::new(Room {
                    name: room.to_owned(),
                    keep: self.history,
                    state: Mutex::new(RoomState::default()),
                    tx,
                });
                rooms.insert(room.to_owned(), Arc::clone(&created));
                created
            }
        };
        // History snapshot, subscription and join notice happen under one
        // lock, so the joiner sees each message exactly once: either in the
        // history or live.
        let mut state = lock(&room.state);
        let history = frame(&json!({
            "type": "history",
            "room": room.name,
            "messages": state.history,
            "ts": now_millis(),
        }));
        let rx = room.tx.subscribe();
        state.members.push((conn_id, name.to_owned()));
        room.announce(&state, "join", name);
        drop(state);
        Ok(Joined { room, history, rx })
    }
}

impl Room {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stores a message in the history and broadcasts it.
    pub fn say(&self, from: &str, text: &str) {
        let message = ChatMessage {
            kind: "message",
            from: from.to_owned(),
            text: text.to_owned(),
            ts: now_millis(),
        };
        let bytes = frame(&message);
        let mut state = lock(&self.state);
        if self.keep > 0 {
            if state.history.len() >= self.keep {
                state.history.pop_front();
            }
            state.history.push_back(message);
        }
        // Sent under the lock so history order and broadcast order agree.
        let _ = self.tx.send(bytes);
    }

    /// Removes a member and announces it.
    pub fn leave(&self, conn_id: u64) {
        let mut state = lock(&self.state);
        let Some(pos) = state.members.iter().position(|(id, _)| *id == conn_id) else {
            return;
        };
        let (_, name) = state.members.remove(pos);
        self.announce(&state, "leave", &name);
    }

    pub fn member_names(&self) -> Vec<String> {
        lock(&self.state)
            .members
            .iter()
            .map(|(_, n)| n.clone())
            .collect()
    }

    fn announce(&self, state: &RoomState, kind: &str, name: &str) {
        let members: Vec<&str> = state.members.iter().map(|(_, n)| n.as_str()).collect();
        let _ = self.tx.send(frame(&json!({
            "type": kind,
            "name": name,
            "members": members,
            "ts": now_millis(),
        })));
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

    #[test]
    fn joiners_get_history_then_their_own_join() {
        let rooms = Rooms::new(2, 16, 10);
        let a = rooms.join("r", 1, "ann").unwrap();
        for text in ["one", "two", "three"] {
            a.room.say("ann", text);
        }
        let mut b = rooms.join("r", 2, "bob").unwrap();
        let history = parse(&b.history);
        let texts: Vec<_> = history["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].clone())
            .collect();
        assert_eq!(texts, ["two", "three"], "only the last 2 are kept");
        let join = parse(&b.rx.try_recv().unwrap());
        assert_eq!(join["type"], "join");
        assert_eq!(join["members"], json!(["ann", "bob"]));
        b.room.leave(1);
        let leave = parse(&b.rx.try_recv().unwrap());
        assert_eq!(
            (leave["type"].as_str(), leave["name"].as_str()),
            (Some("leave"), Some("ann"))
        );
        assert_eq!(b.room.member_names(), ["bob"]);
    }

    #[test]
    fn empty_rooms_are_evicted_when_full() {
        let rooms = Rooms::new(2, 16, 1);
        let a = rooms.join("one", 1, "ann").unwrap();
        assert!(
            rooms.join("two", 2, "bob").is_err(),
            "room one still has a member"
        );
        a.room.leave(1);
        assert!(rooms.join("two", 2, "bob").is_ok());
    }
}
