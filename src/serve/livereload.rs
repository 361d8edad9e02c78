//! The push channel to open tabs (Server-Sent Events at `/__wirebook/livereload`) and the
//! script that listens to it. The script is injected by [`inject`] into HTML responses
//! in serve mode only; `wirebook build` output never contains it.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::response::sse::{KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use super::SiteState;

pub const PATH: &str = "/__wirebook/livereload";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Sources changed and the site was rebuilt as this build: update the page.
    Reload(String),
    /// Files of the site's `static/` changed: reload the page from scratch.
    Static,
    /// Only stylesheets changed: swap them without reloading.
    Css,
    /// The rebuild failed: show this message over the page.
    Error(String),
}

pub struct Reloader {
    tx: broadcast::Sender<Event>,
    /// Cancelled at shutdown so open event streams end and graceful shutdown can finish.
    stop: tokio_util::sync::CancellationToken,
}

impl Default for Reloader {
    fn default() -> Self {
        Self::new()
    }
}

impl Reloader {
    pub fn new() -> Self {
        Reloader {
            tx: broadcast::channel(64).0,
            stop: tokio_util::sync::CancellationToken::new(),
        }
    }

    pub fn stop_token(&self) -> tokio_util::sync::CancellationToken {
        self.stop.clone()
    }

    pub fn send(&self, event: Event) {
        // No open tab is not an error.
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}

fn to_sse(event: &Event) -> axum::response::sse::Event {
    let e = axum::response::sse::Event::default();
    match event {
        Event::Reload(build) => e.event("reload").id(build.as_str()).data("page"),
        Event::Static => e.event("reload").data("full"),
        Event::Css => e.event("css").data("css"),
        Event::Error(msg) => e
            .event("build-error")
            .data(serde_json::json!({ "message": msg }).to_string()),
    }
}

/// How soon a tab reconnects after the stream ends (a restarted `serve`): the browser's
/// default is seconds.
const RETRY: std::time::Duration = std::time::Duration::from_millis(300);

/// `GET /__wirebook/livereload`: `hello` with the current build as its id (a tab rendered
/// from an older build updates itself: the edit it missed before its channel opened), the
/// current error (a tab opened while the site is broken shows the overlay at once), then
/// every event as it happens.
pub async fn handler(
    State(state): State<Arc<SiteState>>,
) -> Sse<impl Stream<Item = Result<axum::response::sse::Event, Infallible>>> {
    // Subscribe before reading the build: a build finishing in between is then both
    // in `hello` and in the stream, never in neither.
    let events = state.reloader.subscribe();
    let (_, build) = state.files_and_build();
    let current = state.error.read().expect("error lock").clone();
    let hello = axum::response::sse::Event::default()
        .event("hello")
        .id(build)
        .retry(RETRY)
        .data(if current.is_some() { "error" } else { "ok" });
    let first =
        stream::iter(std::iter::once(hello).chain(current.map(|m| to_sse(&Event::Error(m)))));
    let rest =
        BroadcastStream::new(events).filter_map(|e| async move { e.ok().map(|e| to_sse(&e)) });
    let stop = state.reloader.stop_token().cancelled_owned();
    Sse::new(first.chain(rest).map(Ok).take_until(stop)).keep_alive(KeepAlive::default())
}

/// Adds the live-reload script (and the DOM morphing library it uses) before `</body>`
/// (or at the end), marked with the build the page comes from.
pub fn inject(html: &[u8], build: &str) -> Vec<u8> {
    let tag = format!(
        "<script>{IDIOMORPH}</script><script data-wirebook-build=\"{build}\">{SCRIPT}</script>"
    );
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// The client: see the file's own comments.
const SCRIPT: &str = include_str!("livereload.js");

/// idiomorph (0BSD), the morph of a rebuilt page into the open one; chosen over a
/// hand-written differ because it matches nodes by id sets, keeps focus, and is what htmx
/// uses. Vendored so `serve` works offline.
const IDIOMORPH: &str = include_str!("vendor/idiomorph.min.js");
