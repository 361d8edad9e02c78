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
    /// Sources changed and the site was rebuilt: reload the page.
    Reload,
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
        Event::Reload => e.event("reload").data("reload"),
        Event::Css => e.event("css").data("css"),
        Event::Error(msg) => e
            .event("build-error")
            .data(serde_json::json!({ "message": msg }).to_string()),
    }
}

/// `GET /__wirebook/livereload`: the current error first (a tab opened while the site is
/// broken shows the overlay at once), then every event as it happens.
pub async fn handler(
    State(state): State<Arc<SiteState>>,
) -> Sse<impl Stream<Item = Result<axum::response::sse::Event, Infallible>>> {
    let current = state.error.read().expect("error lock").clone();
    let hello = axum::response::sse::Event::default()
        .event("hello")
        .data(if current.is_some() { "error" } else { "ok" });
    let first =
        stream::iter(std::iter::once(hello).chain(current.map(|m| to_sse(&Event::Error(m)))));
    let rest = BroadcastStream::new(state.reloader.subscribe())
        .filter_map(|e| async move { e.ok().map(|e| to_sse(&e)) });
    let stop = state.reloader.stop_token().cancelled_owned();
    Sse::new(first.chain(rest).map(Ok).take_until(stop)).keep_alive(KeepAlive::default())
}

/// Adds the live-reload script before `</body>` (or at the end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script>{SCRIPT}</script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// Connects to `location.host` (not a configured host), keeps the scroll position across
/// reloads, swaps stylesheets for CSS-only changes, and shows build errors as an overlay.
const SCRIPT: &str = r#"
(function () {
  "use strict";
  var key = "wirebook-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var restore = function () { window.scrollTo(0, +saved); };
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
  }
  var overlay = null;
  function showError(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "wirebook-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.92);color:#ffd8d8;" +
        "font:14px/1.6 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "wirebook: the last build failed; showing the last good site underneath.\n\n" + message +
      "\n\nFix the file and save: this overlay goes away on the next good build.";
  }
  var es = new EventSource(location.protocol + "//" + location.host + "/__wirebook/livereload");
  es.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
  es.addEventListener("css", function () {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("v", String(Date.now()));
      link.href = url.toString();
    });
  });
  es.addEventListener("build-error", function (e) { showError(JSON.parse(e.data).message); });
  es.addEventListener("hello", function (e) {
    // A hook for tests and curious readers: the page is listening.
    document.documentElement.setAttribute("data-wirebook-live", "connected");
    if (e.data === "ok" && overlay) { sessionStorage.setItem(key, String(window.scrollY)); location.reload(); }
  });
})();
"#;
