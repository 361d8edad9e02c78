//! Test harness: a real server on 127.0.0.1:0 over a temporary database, and
//! small real clients for it (HTTP via reqwest, WebSocket via
//! tokio-tungstenite, an SSE reader over a streaming reqwest body).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use examples_server::{AppState, Config, DbLocation};
use futures_util::{SinkExt, Stream, StreamExt};
use serde_json::Value;
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const ADMIN_TOKEN: &str = "test-admin-token";
/// Upper bound for anything a test waits for; generous for a loaded CI box.
pub const WAIT: Duration = Duration::from_secs(10);

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    pub db_path: PathBuf,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
    /// Keeps the database directory alive until the server is dropped.
    pub dir: std::sync::Arc<TempDir>,
}

/// The configuration every test starts from: a file database in a fresh
/// temp dir, a known admin token, no periodic news, no write limit.
pub fn test_config(dir: &TempDir) -> Config {
    let mut config = Config::in_memory();
    config.db = DbLocation::File(dir.path().join("examples.sqlite3"));
    config.admin_token = Some(ADMIN_TOKEN.into());
    config.limits.write_rate = None;
    config
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let dir = std::sync::Arc::new(tempfile::tempdir().expect("temp dir"));
        let mut config = test_config(&dir);
        adjust(&mut config);
        Self::start_config(config, dir).await
    }

    /// Starts a server with `config` in an existing directory (restarts).
    pub async fn start_config(config: Config, dir: std::sync::Arc<TempDir>) -> TestServer {
        let db_path = match &config.db {
            DbLocation::File(path) => path.clone(),
            DbLocation::Memory | DbLocation::Postgres(_) => PathBuf::new(),
        };
        let state = AppState::new(&config).await.expect("state");
        let listener = examples_server::bind(&config).await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let handle = tokio::spawn(examples_server::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        TestServer {
            addr,
            state,
            db_path,
            handle: Some(handle),
            dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://{}{}", self.addr, path)
    }

    /// Triggers graceful shutdown and waits for `serve` to return.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.state.shutdown();
        let handle = self.handle.take().expect("running");
        tokio::time::timeout(Duration::from_secs(20), handle)
            .await
            .expect("serve returned within 20 s")
            .expect("serve task did not panic")
    }

    /// The config the server was started with, for a restart.
    pub fn config(&self) -> Config {
        self.state.config().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.state.shutdown();
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Response status and JSON body.
pub async fn json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"));
    (status, value)
}

// ---------------------------------------------------------------- WebSocket

pub async fn ws_connect(url: &str) -> Ws {
    let (ws, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url))
        .await
        .expect("connect in time")
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    ws
}

/// Connects with extra request headers; returns the handshake error as is.
pub async fn ws_connect_with(
    url: &str,
    headers: &[(&'static str, &str)],
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    let mut request = url.into_client_request().unwrap();
    for (name, value) in headers {
        request
            .headers_mut()
            .insert(*name, HeaderValue::from_str(value).unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(ws, _)| ws)
}

/// The next text frame as JSON, skipping pings and pongs.
pub async fn recv_json(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("a frame in time")
            .expect("stream open")
            .expect("frame ok");
        match msg {
            Message::Text(text) => return serde_json::from_str(&text).expect("JSON frame"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

/// Reads until a frame of `type` arrives and returns it.
pub async fn recv_type(ws: &mut Ws, kind: &str) -> Value {
    loop {
        let value = recv_json(ws).await;
        if value["type"] == kind {
            return value;
        }
    }
}

/// Reads (discarding data frames) until the close frame; returns code and reason.
pub async fn expect_close(ws: &mut Ws) -> (u16, String) {
    loop {
        let msg = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("close in time");
        match msg {
            Some(Ok(Message::Close(Some(frame)))) => {
                return (u16::from(frame.code), frame.reason.to_string())
            }
            Some(Ok(Message::Close(None))) => return (u16::from(CloseCode::Status), String::new()),
            Some(Ok(_)) => continue,
            Some(Err(e)) => panic!("connection failed before a close frame: {e}"),
            None => panic!("connection ended without a close frame"),
        }
    }
}

pub async fn send_json(ws: &mut Ws, value: Value) {
    ws.send(Message::text(value.to_string())).await.unwrap();
}

// ---------------------------------------------------------------------- SSE

/// One parsed server-sent event.
#[derive(Debug, Default, Clone)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
    pub retry: Option<u64>,
    pub comments: Vec<String>,
}

impl SseEvent {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).expect("JSON data")
    }
}

/// A minimal EventSource: reads the stream and splits it into events per
/// the HTML spec's parsing rules (fields, comments, blank-line dispatch).
pub struct SseClient {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    body: Pin<Box<dyn Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>>,
    buf: String,
}

impl SseClient {
    pub async fn connect(url: &str, last_event_id: Option<&str>) -> SseClient {
        let mut request = http().get(url).header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("SSE request");
        SseClient {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: Box::pin(response.bytes_stream()),
            buf: String::new(),
        }
    }

    /// The next dispatched block (an event, or a retry/comment-only block);
    /// `None` when the server ended the stream.
    pub async fn next_block(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                return Some(parse_block(&block));
            }
            let chunk = tokio::time::timeout(WAIT, self.body.next())
                .await
                .expect("SSE data in time")?;
            self.buf
                .push_str(std::str::from_utf8(&chunk.expect("SSE chunk")).expect("UTF-8"));
        }
    }

    /// The next block that carries data, skipping comments and retry hints.
    pub async fn next_event(&mut self) -> SseEvent {
        loop {
            let block = self.next_block().await.expect("stream still open");
            if !block.data.is_empty() {
                return block;
            }
        }
    }

    /// True if the stream ends (cleanly) within `WAIT`, skipping blocks.
    /// The ids of the next `n` events.
    pub async fn next_ids(&mut self, n: usize) -> Vec<u64> {
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            let id = self.next_event().await.id.expect("an id");
            ids.push(id.parse().expect("a numeric id"));
        }
        ids
    }

    pub async fn ends(&mut self) -> bool {
        loop {
            match tokio::time::timeout(WAIT, self.body.next()).await {
                Err(_) => return false,
                Ok(None) => return true,
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(e))) => panic!("SSE stream broke instead of ending: {e}"),
            }
        }
    }
}

fn parse_block(block: &str) -> SseEvent {
    let mut event = SseEvent::default();
    let mut data = Vec::new();
    for line in block.lines() {
        if let Some(comment) = line.strip_prefix(':') {
            event.comments.push(comment.trim().to_owned());
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => event.id = Some(value.to_owned()),
            "event" => event.event = Some(value.to_owned()),
            "data" => data.push(value.to_owned()),
            "retry" => event.retry = value.parse().ok(),
            _ => {}
        }
    }
    event.data = data.join("\n");
    event
}

/// Opens a `graphql-transport-ws` connection and starts `query` as
/// subscription `"1"`.
pub async fn gql_subscribe(url: &str, query: &str) -> Ws {
    let mut ws = ws_connect_with(url, &[("sec-websocket-protocol", "graphql-transport-ws")])
        .await
        .expect("upgrade");
    send_json(&mut ws, serde_json::json!({ "type": "connection_init" })).await;
    assert_eq!(recv_json(&mut ws).await["type"], "connection_ack");
    send_json(
        &mut ws,
        serde_json::json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
    )
    .await;
    ws
}

/// Publishes a notification and returns its id.
pub async fn notify(server: &TestServer, title: &str) -> u64 {
    let (status, body) = json(
        http()
            .post(server.url("/api/notify"))
            .json(&serde_json::json!({ "title": title, "body": "body" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    body["id"].as_u64().expect("numeric id")
}

/// The texts of a chat `history` frame's messages, oldest first.
pub fn history_texts(history: &Value) -> Vec<&str> {
    history["messages"]
        .as_array()
        .expect("a history frame")
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect()
}

/// Deletes post `id` with the admin token; returns the status.
pub async fn delete_as_admin(server: &TestServer, id: i64) -> u16 {
    http()
        .delete(server.url(&format!("/api/posts/{id}")))
        .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Creates a post over REST and returns it.
pub async fn create_post(server: &TestServer, title: &str) -> Value {
    let (status, body) = json(
        http()
            .post(server.url("/api/posts"))
            .json(&serde_json::json!({ "author": "Tester", "title": title, "body": "Body text", "tags": ["test"] }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}
