//! `GET /ws/chat?room=NAME&name=NICK`: WebSocket chat rooms with history on
//! join, join/leave notices, keep-alive pings, a size limit (1009), a rate
//! limit (1008), invalid UTF-8 (1007), slow-consumer eviction and close 1001
//! on shutdown.
//!
//! Each connection runs a reader and a writer future side by side (axum's
//! chat example); whichever ends first decides the close frame, and the other
//! is dropped.

pub mod room;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::{broadcast, mpsc};

use crate::error::AppError;
use crate::layers::check_ws_origin;
use crate::ratelimit::SlidingWindow;
use crate::state::AppState;
use crate::util::now_millis;
use room::{frame, Room, Sequenced};

const NAME_MAX: usize = 32;
const TEXT_MAX: usize = 2000;
/// Close codes (RFC 6455 §7.4.1).
const GOING_AWAY: u16 = 1001;
const PROTOCOL_ERROR: u16 = 1002;
const INVALID_DATA: u16 = 1007;
const POLICY: u16 = 1008;
const TOO_BIG: u16 = 1009;
const TRY_AGAIN_LATER: u16 = 1013;
/// A send that can't complete in this time means the client stopped reading.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait for the client's half of the close handshake.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new().route("/ws/chat", get(chat))
}

#[derive(Debug, Deserialize)]
struct ChatParams {
    room: Option<String>,
    name: Option<String>,
}

static CONNECTION_IDS: AtomicU64 = AtomicU64::new(1);

async fn chat(
    State(state): State<AppState>,
    params: Result<Query<ChatParams>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    check_ws_origin(&state, &headers)?;
    let Query(params) = params?;
    let room = valid_name("room", params.room.unwrap_or_else(|| "lobby".into()))?;
    let name = match params.name {
        Some(name) => valid_name("name", name)?,
        None => state.next_guest_name().await,
    };
    if state.is_shutting_down() {
        return Err(AppError::Unavailable("the server is shutting down".into()));
    }
    // Refused before the upgrade, so the client sees a plain 503 it can retry.
    state.check_relay()?;
    let slot = state.try_websocket_slot().ok_or_else(|| {
        AppError::Unavailable("too many WebSocket connections, try again later".into())
    })?;
    let max = state.config().limits.chat_max_message_bytes;
    let tasks = state.tasks().clone();
    Ok(upgrade
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| {
            tasks.track_future(async move {
                run_connection(socket, state, room, name).await;
                drop(slot);
            })
        }))
}

/// Trimmed, 1–32 characters, no control characters.
fn valid_name(field: &str, value: String) -> Result<String, AppError> {
    let value = value.trim();
    let len = value.chars().count();
    if len == 0 || len > NAME_MAX || value.chars().any(char::is_control) {
        return Err(AppError::BadRequest(format!(
            "{field} must be 1–{NAME_MAX} characters without control characters"
        )));
    }
    Ok(value.to_owned())
}

/// Why one side of the connection stopped, and what to tell the client.
enum End {
    /// Close with this frame, then wait briefly for the client's reply.
    Close(u16, String),
    /// The client closed; answer its close frame.
    ClientClosed,
    /// The connection is gone or unusable; just drop it.
    Drop,
}

async fn run_connection(socket: WebSocket, state: AppState, room_name: String, nick: String) {
    let conn_id = CONNECTION_IDS.fetch_add(1, Ordering::Relaxed);
    let (mut sink, mut stream) = socket.split();
    let joined = match state.rooms().join(&room_name, conn_id, &nick).await {
        Ok(joined) => joined,
        Err(err) => {
            let _ = close(&mut sink, TRY_AGAIN_LATER, &close_reason(&err.to_string())).await;
            return;
        }
    };
    tracing::debug!(conn_id, room = %room_name, name = %nick, "chat client joined");
    let room = joined.room;
    let last_seen = AtomicU64::new(now_millis());
    // Errors for this client only; small, because a client that lets them
    // pile up is not reading and will be dropped anyway.
    let (direct_tx, direct_rx) = mpsc::channel::<Utf8Bytes>(8);

    let end = if send(&mut sink, Message::Text(joined.history))
        .await
        .is_err()
    {
        End::Drop
    } else {
        let reader = read_loop(&mut stream, &state, &room, &nick, &direct_tx, &last_seen);
        let writer = write_loop(
            &mut sink,
            &state,
            joined.rx,
            joined.skip_upto,
            direct_rx,
            &last_seen,
        );
        tokio::select! {
            end = reader => end,
            end = writer => end,
        }
    };

    match end {
        End::Close(code, reason) => {
            if close(&mut sink, code, &reason).await.is_ok() {
                // Read until the client's close reply so our frame is not lost
                // to a reset caused by unread data.
                let _ = tokio::time::timeout(CLOSE_TIMEOUT, async {
                    while let Some(Ok(msg)) = stream.next().await {
                        if matches!(msg, Message::Close(_)) {
                            break;
                        }
                    }
                })
                .await;
            }
        }
        // tungstenite queued the reply to the client's close; flush it.
        End::ClientClosed => {
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, sink.close()).await;
        }
        End::Drop => {}
    }
    room.leave(conn_id).await;
    tracing::debug!(conn_id, room = %room_name, name = %nick, "chat client left");
}

async fn read_loop(
    stream: &mut SplitStream<WebSocket>,
    state: &AppState,
    room: &Room,
    nick: &str,
    direct: &mpsc::Sender<Utf8Bytes>,
    last_seen: &AtomicU64,
) -> End {
    let limits = &state.config().limits;
    let mut window = SlidingWindow::new(limits.chat_rate_messages, limits.chat_rate_window);
    let error = |message: String| {
        frame(&json!({ "type": "error", "message": message, "ts": now_millis() }))
    };
    while let Some(received) = stream.next().await {
        let msg = match received {
            Ok(msg) => msg,
            Err(err) => return classify_error(err, limits.chat_max_message_bytes),
        };
        last_seen.store(now_millis(), Ordering::Relaxed);
        let text = match msg {
            Message::Text(text) => text,
            Message::Binary(_) => {
                if !window.hit(Instant::now()) {
                    return End::Close(POLICY, "rate limit exceeded".into());
                }
                let _ = direct.try_send(error(
                    "binary frames are not supported; send JSON text".into(),
                ));
                continue;
            }
            Message::Ping(_) | Message::Pong(_) => continue,
            Message::Close(_) => return End::ClientClosed,
        };
        if !window.hit(Instant::now()) {
            return End::Close(POLICY, "rate limit exceeded".into());
        }
        match parse_client_frame(text.as_str()) {
            Ok(text) => {
                if let Err(err) = room.say(nick, &text).await {
                    let _ = direct.try_send(error(format!("message not sent: {err}")));
                }
            }
            Err(message) => {
                let _ = direct.try_send(error(message));
            }
        }
    }
    End::Drop
}

/// Checks a client frame; `Ok` is the message text to broadcast, `Err` the
/// reason to send back in an `error` frame.
fn parse_client_frame(raw: &str) -> Result<String, String> {
    #[derive(Deserialize)]
    struct ClientFrame {
        #[serde(rename = "type")]
        kind: String,
        text: Option<serde_json::Value>,
    }
    let frame: ClientFrame =
        serde_json::from_str(raw).map_err(|e| format!("malformed JSON: {e}"))?;
    if frame.kind != "message" {
        return Err(format!(
            "unknown message type {:?}; send {{\"type\":\"message\",\"text\":\"…\"}}",
            frame.kind
        ));
    }
    let Some(serde_json::Value::String(text)) = frame.text else {
        return Err("text must be a string".into());
    };
    let len = text.trim().chars().count();
    if len == 0 || text.chars().count() > TEXT_MAX {
        return Err(format!("text must be 1–{TEXT_MAX} characters"));
    }
    Ok(text)
}

fn classify_error(err: axum::Error, max_bytes: usize) -> End {
    match err.into_inner().downcast::<tungstenite::Error>() {
        Ok(err) => match *err {
            tungstenite::Error::Capacity(_) => End::Close(
                TOO_BIG,
                format!("message too big (limit {max_bytes} bytes)"),
            ),
            tungstenite::Error::Utf8(_) => {
                End::Close(INVALID_DATA, "invalid UTF-8 in text frame".into())
            }
            tungstenite::Error::Protocol(_) => End::Close(PROTOCOL_ERROR, "protocol error".into()),
            _ => End::Drop,
        },
        Err(_) => End::Drop,
    }
}

async fn write_loop(
    sink: &mut SplitSink<WebSocket, Message>,
    state: &AppState,
    mut room_rx: broadcast::Receiver<Sequenced>,
    skip_upto: u64,
    mut direct_rx: mpsc::Receiver<Utf8Bytes>,
    last_seen: &AtomicU64,
) -> End {
    let shutdown = state.shutdown_token();
    let interval = state.config().limits.chat_ping_interval;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    loop {
        let message = tokio::select! {
            biased;
            _ = shutdown.cancelled() => return End::Close(GOING_AWAY, "server shutting down".into()),
            Some(text) = direct_rx.recv() => Message::Text(text),
            received = room_rx.recv() => match received {
                // Already sent as part of the history.
                Ok(live) if live.seq <= skip_upto => continue,
                Ok(live) => Message::Text(live.frame),
                // Dropping the slow client keeps the room's memory bounded
                // and everyone else's latency independent of it.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    return End::Close(POLICY, "too slow: fell behind the room".into());
                }
                Err(broadcast::error::RecvError::Closed) => return End::Close(GOING_AWAY, "room closed".into()),
            },
            _ = ping.tick() => {
                let silent_ms = now_millis().saturating_sub(last_seen.load(Ordering::Relaxed));
                if silent_ms > 2 * interval.as_millis() as u64 {
                    return End::Drop;
                }
                Message::Ping(Default::default())
            }
        };
        if send(sink, message).await.is_err() {
            return End::Drop;
        }
    }
}

/// Close reasons must fit a control frame (123 bytes).
fn close_reason(text: &str) -> String {
    let mut end = text.len().min(120);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

async fn send(sink: &mut SplitSink<WebSocket, Message>, message: Message) -> Result<(), ()> {
    match tokio::time::timeout(SEND_TIMEOUT, sink.send(message)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

async fn close(
    sink: &mut SplitSink<WebSocket, Message>,
    code: u16,
    reason: &str,
) -> Result<(), ()> {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from(reason.to_owned()),
    };
    send(sink, Message::Close(Some(frame))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_are_checked() {
        assert_eq!(
            parse_client_frame(r#"{"type":"message","text":"hi"}"#).unwrap(),
            "hi"
        );
        assert!(parse_client_frame("{nope")
            .unwrap_err()
            .starts_with("malformed JSON"));
        assert!(parse_client_frame(r#"{"type":"shout","text":"hi"}"#)
            .unwrap_err()
            .starts_with("unknown message type"));
        assert_eq!(
            parse_client_frame(r#"{"type":"message","text":3}"#).unwrap_err(),
            "text must be a string"
        );
        assert_eq!(
            parse_client_frame(r#"{"type":"message","text":"  "}"#).unwrap_err(),
            "text must be 1–2000 characters"
        );
        let long = format!(r#"{{"type":"message","text":"{}"}}"#, "x".repeat(2001));
        assert!(parse_client_frame(&long).is_err());
    }

    #[test]
    fn names_are_validated() {
        assert_eq!(valid_name("name", " ann ".into()).unwrap(), "ann");
        assert!(valid_name("name", "".into()).is_err());
        assert!(valid_name("name", "x".repeat(33)).is_err());
        assert!(valid_name("room", "a\nb".into()).is_err());
    }
}
