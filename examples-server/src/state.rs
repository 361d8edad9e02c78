//! `AppState`: everything the handlers share (database, post feed, news hub,
//! chat rooms, GraphQL schema, limits) plus the shutdown signal that every
//! long-lived connection watches.
//!
//! Also the one place that picks the relay: in-process, or Redis
//! ([`RedisBroker`]) when `--redis-url` is set, handed to the transports as
//! a [`Relay`] and wired to their sinks through its listener.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::broker::listener::Sinks;
use crate::broker::RedisBroker;
use crate::config::{Config, OriginPattern};
use crate::error::AppError;
use crate::graphql::schema::{build_schemas, Schemas};
use crate::posts::Posts;
use crate::ratelimit::WriteLimiter;
use crate::relay::Relay;
use crate::rest::cache::{CacheKey, Cached, ResponseCache};
use crate::sse::hub::{EventLog, Hub};
use crate::sse::ticker;
use crate::store::Store;
use crate::util::random_token;
use crate::ws::room::Rooms;

/// Cheap to clone: one `Arc` inside.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    origins: Vec<OriginPattern>,
    posts: Posts,
    hub: Arc<Hub>,
    rooms: Arc<Rooms>,
    relay: Option<Arc<dyn Relay>>,
    schemas: Schemas,
    admin_token: String,
    admin_token_generated: bool,
    writes: Arc<WriteLimiter>,
    websockets: Arc<Semaphore>,
    sse_subscribers: Arc<Semaphore>,
    shutdown: CancellationToken,
    tasks: TaskTracker,
    guest_counter: AtomicU64,
    responses: Option<ResponseCache>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Opens and migrates the database, loads the event buffer and starts the
    /// background tasks (the news ticker if enabled, and the watcher for other
    /// processes writing to the database file). Must run inside a tokio
    /// runtime; the tasks run until [`AppState::shutdown`] or the runtime ends.
    pub async fn new(config: &Config) -> anyhow::Result<AppState> {
        // The address is `bind`'s business: an embedding server binds its own.
        config.validate_settings()?;
        let origins = config.origin_patterns()?;
        let broker = match &config.redis_url {
            Some(url) => Some(
                RedisBroker::connect(url, config.limits.sse_buffer, config.limits.chat_history)
                    .await?,
            ),
            None => None,
        };
        let relay = broker.clone().map(|b| b as Arc<dyn Relay>);
        let store = Store::open(&config.db, config.seed).await?;
        let log = match &relay {
            Some(relay) => EventLog::Relay(Arc::clone(relay)),
            None => EventLog::Store(store.clone()),
        };
        let hub = Arc::new(
            Hub::new(log, config.limits.sse_buffer)
                .await
                .context("cannot load recent events")?,
        );
        let posts = Posts::new(store, relay.clone());
        let shutdown = CancellationToken::new();
        let writes = Arc::new(WriteLimiter::new(config.limits.write_rate, relay.clone()));
        let schemas = build_schemas(
            posts.clone(),
            &config.limits,
            Arc::clone(&writes),
            shutdown.clone(),
        );
        let (admin_token, admin_token_generated) = match &config.admin_token {
            Some(token) => (token.trim().to_owned(), false),
            None => (
                random_token().context("cannot generate an admin token")?,
                true,
            ),
        };
        let limits = &config.limits;
        let state = AppState {
            inner: Arc::new(Inner {
                origins,
                rooms: Arc::new(Rooms::new(
                    limits.chat_history,
                    limits.chat_backlog,
                    limits.chat_max_rooms,
                    relay.clone(),
                )),
                relay,
                websockets: Arc::new(Semaphore::new(limits.max_websockets)),
                sse_subscribers: Arc::new(Semaphore::new(limits.max_sse_subscribers)),
                config: config.clone(),
                posts,
                hub,
                schemas,
                admin_token,
                admin_token_generated,
                writes,
                shutdown,
                tasks: TaskTracker::new(),
                guest_counter: AtomicU64::new(0),
                responses: config.cache_responses.then(ResponseCache::default),
            }),
        };
        state.inner.tasks.spawn(
            state
                .posts()
                .store()
                .clone()
                .watch_external_changes(state.shutdown_token()),
        );
        if let Some(broker) = broker {
            let sinks = Sinks {
                posts: state.posts().added_sender(),
                hub: Arc::clone(state.hub()),
                rooms: Arc::clone(&state.inner.rooms),
            };
            state.inner.tasks.spawn(crate::broker::listener::run(
                broker,
                sinks,
                state.shutdown_token(),
            ));
        }
        if !config.news_interval.is_zero() {
            state.inner.tasks.spawn(ticker::run(
                state.hub().clone(),
                state.relay().cloned(),
                config.news_interval,
                state.shutdown_token(),
            ));
        }
        Ok(state)
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn posts(&self) -> &Posts {
        &self.inner.posts
    }

    pub fn hub(&self) -> &Arc<Hub> {
        &self.inner.hub
    }

    pub fn rooms(&self) -> &Rooms {
        &self.inner.rooms
    }

    pub(crate) fn schemas(&self) -> &Schemas {
        &self.inner.schemas
    }

    /// The bearer token `DELETE /api/posts/{id}` expects.
    pub fn admin_token(&self) -> &str {
        &self.inner.admin_token
    }

    /// True when no token was configured and [`AppState::admin_token`] was
    /// generated at start (the binary prints it then).
    pub fn admin_token_generated(&self) -> bool {
        self.inner.admin_token_generated
    }

    /// Whether a browser page from `origin` may call the server.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.inner.origins.iter().any(|p| p.matches(origin))
    }

    /// Takes a write token for `client` or says when to retry (429).
    pub async fn check_write_rate(
        &self,
        client: Option<IpAddr>,
    ) -> Result<(), std::time::Duration> {
        self.inner.writes.check(client).await
    }

    /// Starts graceful shutdown: WebSocket clients get close code 1001, SSE
    /// streams end and `serve` stops accepting connections. Idempotent.
    pub fn shutdown(&self) {
        self.inner.shutdown.cancel();
    }

    pub fn is_shutting_down(&self) -> bool {
        self.inner.shutdown.is_cancelled()
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.inner.shutdown.clone()
    }

    /// Tasks that outlive their request (WebSocket sessions, the news ticker);
    /// `serve` waits for them after shutdown starts.
    pub fn tasks(&self) -> &TaskTracker {
        &self.inner.tasks
    }

    /// A WebSocket connection slot, `None` when the server is full (503).
    pub(crate) fn try_websocket_slot(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.inner.websockets).try_acquire_owned().ok()
    }

    /// An SSE subscriber slot, `None` when the server is full (503).
    pub(crate) fn try_sse_slot(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.inner.sse_subscribers)
            .try_acquire_owned()
            .ok()
    }

    /// A cached `/api` response filed under `generation`, if caching is on
    /// and the generation is known.
    pub(crate) fn cached_response(
        &self,
        key: &CacheKey,
        generation: Option<u64>,
    ) -> Option<Cached> {
        self.inner.responses.as_ref()?.get(key, generation?)
    }

    pub(crate) fn cache_response(&self, key: CacheKey, generation: Option<u64>, cached: Cached) {
        if let (Some(cache), Some(generation)) = (&self.inner.responses, generation) {
            cache.put(key, generation, cached);
        }
    }

    /// `guest-1`, `guest-2`, … for chat clients that give no name; counted
    /// in Redis when there is one, so instances don't hand out the same name.
    pub(crate) async fn next_guest_name(&self) -> String {
        if let Some(relay) = &self.inner.relay {
            if let Ok(n) = relay.next_guest().await {
                return format!("guest-{n}");
            }
        }
        format!(
            "guest-{}",
            self.inner.guest_counter.fetch_add(1, Ordering::Relaxed) + 1
        )
    }

    /// The shared relay, when several instances share the endpoints;
    /// `None` when everything stays in this process.
    pub fn relay(&self) -> Option<&Arc<dyn Relay>> {
        self.inner.relay.as_ref()
    }

    /// 503 while the Redis subscriber is down: a chat joined now would not
    /// hear other instances.
    pub(crate) fn check_relay(&self) -> Result<(), AppError> {
        match &self.inner.relay {
            Some(relay) if !relay.is_listening() => Err(AppError::Unavailable(
                "the chat relay (Redis) is unavailable; try again shortly".into(),
            )),
            _ => Ok(()),
        }
    }
}
