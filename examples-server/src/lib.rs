//! The live backend behind wirebook's demo widgets: Ajax/REST under `/api`,
//! WebSocket chat at `/ws/chat`, Server-Sent Events at `/sse/news` and
//! GraphQL at `/graphql`.
//!
//! Two seams keep the default one self-contained process while letting
//! several instances share the load: [`store::Store`] keeps posts and events
//! in SQLite (default) or PostgreSQL (`--database-url`), and a
//! [`relay::Relay`] ([`broker`], on Redis with `--redis-url`) carries chat,
//! events, new-post notices and write limits between instances instead of
//! in-process channels.
//!
//! The modules form layers, each importing only from those below it
//! (`tests/module_graph.rs` checks this): [`util`], [`model`] and [`config`];
//! [`relay`] and [`store`]; the domain ([`posts`], `sse::hub`, `ws::room`,
//! [`ratelimit`], the GraphQL schema); the Redis [`broker`] and [`error`];
//! [`state`], the wiring that picks the relay; and the HTTP side on top
//! (`rest`, `ws`, `sse`, `graphql`'s handlers, and [`app`] here).
//!
//! A library first so `wirebook serve` can mount [`app`] in-process next to
//! its own static files; the `examples-server` binary is a thin CLI over
//! [`bind`], [`AppState::new`] and [`serve`].
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! let config = examples_server::Config::default();
//! let state = examples_server::AppState::new(&config).await?;
//! let listener = examples_server::bind(&config).await?;
//! examples_server::serve(listener, state, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await
//! # }
//! ```

pub mod broker;
pub mod config;
pub mod error;
pub mod graphql;
mod layers;
pub mod model;
pub mod posts;
pub mod ratelimit;
pub mod relay;
pub mod rest;
pub mod sse;
pub mod state;
pub mod store;
pub mod util;
pub mod ws;

use std::future::Future;

use anyhow::Context as _;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;
use tower::ServiceBuilder;

pub use config::{Config, DbLocation, Limits, RateLimit};
pub use error::AppError;
pub use state::AppState;
/// The accept loop, a crate of its own so `wirebook serve` has it without this crate.
pub use wirebook_listen as listen;

/// Every route with its middleware. No fallback is set, so an embedding
/// server can `.merge()` this router and keep its own fallback.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(rest::router(&state))
        .merge(ws::router())
        .merge(sse::router())
        .merge(graphql::router(&state))
        // Outside in: tracing, CORS, then JSON error bodies, which covers
        // what the per-router stacks don't see: WebSocket upgrade rejections,
        // SSE errors, and this router's own 404 when it runs alone.
        .layer(
            ServiceBuilder::new()
                .layer(layers::trace())
                .layer(layers::cors(&state))
                .layer(error::JsonErrorsLayer {
                    max_body_bytes: state.config().limits.max_body_bytes,
                }),
        )
        .with_state(state)
}

/// Checks the configuration (loopback unless `allow_any_host`) and binds
/// `config.addr`.
pub async fn bind(config: &Config) -> anyhow::Result<TcpListener> {
    config.validate()?;
    TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))
}

/// Serves [`app`] until `shutdown` completes or [`AppState::shutdown`] is
/// called, then shuts down gracefully: no new connections, in-flight requests
/// finish, SSE streams end, WebSocket clients receive close code 1001, and
/// the WebSocket tasks are awaited for up to `limits.shutdown_grace`.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let token = state.shutdown_token();
    {
        let state = state.clone();
        let token = token.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = shutdown => state.shutdown(),
                () = token.cancelled() => {}
            }
        });
    }
    let limits = state.config().limits.clone();
    let server = listen::serve(
        listener,
        app(state.clone()),
        limits.header_read_timeout,
        token.clone().cancelled_owned(),
    );
    // A client that never finishes its request must not hold shutdown
    // forever: give in-flight work the request timeout plus the grace period.
    let deadline = async {
        token.cancelled().await;
        tokio::time::sleep(limits.request_timeout + limits.shutdown_grace).await;
    };
    tokio::select! {
        () = server => {}
        () = deadline => tracing::warn!("connections still open after the shutdown deadline; closing"),
    }
    state.tasks().close();
    if tokio::time::timeout(limits.shutdown_grace, state.tasks().wait())
        .await
        .is_err()
    {
        tracing::warn!("some WebSocket sessions did not finish within the grace period");
    }
    Ok(())
}

/// Liveness: 200 while the process runs (503 once it is shutting down),
/// with the state of each backend for humans and dashboards.
async fn healthz(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    if state.is_shutting_down() {
        return Err(AppError::Unavailable("shutting down".into()));
    }
    let (_, report) = backends(&state).await;
    Ok((StatusCode::OK, Json(report)))
}

/// Readiness: 200 only when every backend answers, else 503 with the same
/// report, so a load balancer sends readers elsewhere during an outage.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let (ready, mut report) = backends(&state).await;
    let ready = ready && !state.is_shutting_down();
    if !ready {
        report["status"] = json!("unavailable");
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(report))
}

/// `{"status":"ok","store":{"kind":"sqlite","ok":true},"broker":{…}}`.
async fn backends(state: &AppState) -> (bool, serde_json::Value) {
    let store = state.posts().store();
    let store_report = match store.ping().await {
        Ok(()) => json!({ "kind": store.kind(), "ok": true }),
        Err(err) => json!({ "kind": store.kind(), "ok": false, "error": err.to_string() }),
    };
    let broker_report = match state.relay() {
        None => json!({ "kind": "in-process", "ok": true }),
        Some(relay) => match relay.check().await {
            Ok(()) => json!({ "kind": relay.kind(), "ok": true, "reconnects": relay.reconnects() }),
            Err(err) => json!({
                "kind": relay.kind(),
                "ok": false,
                "error": err.to_string(),
                "reconnects": relay.reconnects(),
            }),
        },
    };
    let ok = store_report["ok"] == true && broker_report["ok"] == true;
    let report = json!({
        "status": if ok { "ok" } else { "degraded" },
        "store": store_report,
        "broker": broker_report,
    });
    (ok, report)
}
