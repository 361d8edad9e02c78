//! Plain configuration for the examples server: where it listens, where the
//! database lives, which origins may call it and every limit it enforces.
//!
//! This struct knows nothing about clap so that `wirebook serve` can build one
//! in code; the binary's `Cli` converts into it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// Where posts and events are stored.
#[derive(Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// A private in-memory SQLite database: nothing survives a restart (tests, demos).
    Memory,
    /// A SQLite file, created (with its parent directory) and migrated on start.
    File(PathBuf),
    /// A PostgreSQL database (`postgres://user:pass@host/db`), migrated on
    /// start; for several instances sharing one data set.
    Postgres(String),
}

/// Written by hand so a password in a PostgreSQL URL never reaches a log.
impl std::fmt::Debug for DbLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbLocation::Memory => f.write_str("Memory"),
            DbLocation::File(path) => f.debug_tuple("File").field(path).finish(),
            DbLocation::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&crate::util::redact(url))
                .finish(),
        }
    }
}

impl DbLocation {
    /// `<data dir>/examples-server.sqlite3`, see [`default_data_dir`].
    pub fn default_file() -> Self {
        DbLocation::File(default_data_dir().join("examples-server.sqlite3"))
    }
}

/// The per-user data directory: `$XDG_DATA_HOME/wirebook`, else
/// `$HOME/.local/share/wirebook`, else `./wirebook-data` when neither is set.
pub fn default_data_dir() -> PathBuf {
    let non_empty = |key: &str| std::env::var_os(key).filter(|v| !v.is_empty());
    if let Some(xdg) = non_empty("XDG_DATA_HOME") {
        PathBuf::from(xdg).join("wirebook")
    } else if let Some(home) = non_empty("HOME") {
        PathBuf::from(home).join(".local/share/wirebook")
    } else {
        PathBuf::from("wirebook-data")
    }
}

/// A token bucket: `burst` requests at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub burst: u32,
    pub per_minute: u32,
}

/// Every limit the server enforces. The defaults are the documented contract
/// the demo widgets rely on; tests and benchmarks shrink or widen them.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest accepted request body on `/api` and `/graphql` (413 above it).
    pub max_body_bytes: usize,
    /// Time allowed to produce a response on `/api` and `/graphql` (408 after it).
    pub request_timeout: Duration,
    /// Time a connection may take to send a request's headers, and may stay idle between
    /// keep-alive requests, before it is closed (slowloris).
    pub header_read_timeout: Duration,
    /// Cap for the `?delay_ms=` latency knob.
    pub max_delay: Duration,
    /// Largest `per_page` (and GraphQL `limit`) a list request may ask for.
    pub max_page_size: u32,
    /// Writes (new posts, notifications) one client IP may make; `None` disables.
    pub write_rate: Option<RateLimit>,
    /// Chat messages kept per room and replayed on join.
    pub chat_history: usize,
    /// Largest WebSocket message a chat client may send (close 1009 above it).
    pub chat_max_message_bytes: usize,
    /// Chat messages allowed per `chat_rate_window` (close 1008 above it).
    pub chat_rate_messages: usize,
    pub chat_rate_window: Duration,
    /// Server pings every interval; a client silent for two intervals is dropped.
    pub chat_ping_interval: Duration,
    /// Broadcast backlog per room: a client this far behind is dropped as too
    /// slow. Cheap to raise: the backlog is shared by the room, not per client.
    pub chat_backlog: usize,
    /// Most chat rooms kept in memory (empty rooms are evicted first).
    pub chat_max_rooms: usize,
    /// Most simultaneous WebSocket connections (chat and GraphQL) before 503.
    pub max_websockets: usize,
    /// Events kept for `Last-Event-ID` resume.
    pub sse_buffer: usize,
    /// `retry:` hint sent as the first line of every SSE stream.
    pub sse_retry: Duration,
    /// Interval of the keep-alive comment on idle SSE streams.
    pub sse_keep_alive: Duration,
    /// Most simultaneous SSE subscribers before 503.
    pub max_sse_subscribers: usize,
    /// GraphQL query depth limit.
    pub graphql_depth: usize,
    /// GraphQL query complexity limit (introspection fields count too).
    pub graphql_complexity: usize,
    /// Largest GraphQL answer sent over HTTP; a larger one becomes a 500 error instead.
    pub graphql_max_response_bytes: usize,
    /// How long `serve` waits for WebSocket tasks after shutdown starts.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(30),
            max_delay: Duration::from_millis(5000),
            max_page_size: 50,
            write_rate: Some(RateLimit {
                burst: 30,
                per_minute: 30,
            }),
            chat_history: 50,
            chat_max_message_bytes: 16 * 1024,
            chat_rate_messages: 20,
            chat_rate_window: Duration::from_secs(10),
            chat_ping_interval: Duration::from_secs(20),
            chat_backlog: 1024,
            chat_max_rooms: 1000,
            max_websockets: 10_000,
            sse_buffer: 256,
            sse_retry: Duration::from_millis(2000),
            sse_keep_alive: Duration::from_secs(15),
            max_sse_subscribers: 20_000,
            graphql_depth: 8,
            graphql_complexity: 500,
            graphql_max_response_bytes: 1024 * 1024,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// Everything [`crate::AppState::new`] and [`crate::bind`] need.
#[derive(Clone)]
pub struct Config {
    /// Address to listen on; only loopback unless `allow_any_host` is set.
    pub addr: SocketAddr,
    pub db: DbLocation,
    /// Extra CORS origins on top of the loopback defaults: exact origins such as
    /// `https://example.github.io`, `scheme://host:*` for any port, or `*`.
    pub allow_origins: Vec<String>,
    /// Permit binding to a non-loopback address (a deliberate opt-in).
    pub allow_any_host: bool,
    /// Bearer token for `DELETE /api/posts/{id}`; `None` generates a random one.
    pub admin_token: Option<String>,
    /// Interval of the canned `news` SSE event; zero disables it.
    pub news_interval: Duration,
    /// Seed a new database with sample posts so lists are never empty.
    pub seed: bool,
    /// Serve repeated `GET /api/posts…` from memory until the next write.
    pub cache_responses: bool,
    /// Take the client address for rate limits from the last `X-Forwarded-For`
    /// entry when the connection comes from loopback (a reverse proxy on this host).
    pub trust_forwarded_for: bool,
    /// `redis://…`: carry chat, SSE events and new-post notices between
    /// instances through Redis pub/sub. `None` keeps them in-process.
    pub redis_url: Option<String>,
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 3000)),
            db: DbLocation::default_file(),
            allow_origins: Vec::new(),
            allow_any_host: false,
            admin_token: None,
            news_interval: Duration::from_secs(15),
            seed: true,
            cache_responses: true,
            redis_url: None,
            trust_forwarded_for: false,
            limits: Limits::default(),
        }
    }
}

/// Written by hand to keep secrets (the admin token, passwords in URLs) out of logs.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("db", &self.db)
            .field("allow_origins", &self.allow_origins)
            .field("allow_any_host", &self.allow_any_host)
            .field("admin_token", &self.admin_token.as_ref().map(|_| "***"))
            .field("news_interval", &self.news_interval)
            .field("seed", &self.seed)
            .field("cache_responses", &self.cache_responses)
            .field(
                "redis_url",
                &self.redis_url.as_deref().map(crate::util::redact),
            )
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("limits", &self.limits)
            .finish()
    }
}

impl Config {
    /// A configuration for tests and embedding: in-memory database, port 0,
    /// no periodic news.
    pub fn in_memory() -> Self {
        Config {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            db: DbLocation::Memory,
            news_interval: Duration::ZERO,
            ..Config::default()
        }
    }

    /// Refuses settings that would expose the server by accident or can't work.
    pub fn validate(&self) -> anyhow::Result<()> {
        self.validate_addr()?;
        self.validate_settings()
    }

    /// Loopback only, unless `allow_any_host` says otherwise. Checked by
    /// [`crate::bind`]; an embedding server that binds itself skips it.
    pub fn validate_addr(&self) -> anyhow::Result<()> {
        if !self.addr.ip().is_loopback() && !self.allow_any_host {
            anyhow::bail!(
                "refusing to listen on {}: it is not a loopback address; pass --allow-any-host \
                 (or EXAMPLES_ALLOW_ANY_HOST=true) to expose the server to other machines",
                self.addr
            );
        }
        Ok(())
    }

    /// Everything but the address: origins and the admin token.
    pub fn validate_settings(&self) -> anyhow::Result<()> {
        for origin in &self.allow_origins {
            OriginPattern::parse(origin)?;
        }
        if let Some(token) = &self.admin_token {
            if token.trim().is_empty() {
                anyhow::bail!("the admin token must not be empty");
            }
        }
        Ok(())
    }

    /// The loopback defaults followed by every configured origin.
    pub fn origin_patterns(&self) -> anyhow::Result<Vec<OriginPattern>> {
        DEFAULT_ORIGINS
            .iter()
            .copied()
            .chain(self.allow_origins.iter().map(String::as_str))
            .map(OriginPattern::parse)
            .collect()
    }
}

/// Origins allowed without configuration: any port on the loopback names.
pub const DEFAULT_ORIGINS: [&str; 3] =
    ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"];

/// One allowed origin: exact, any port of a host, or anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginPattern {
    Any,
    Exact(String),
    /// `scheme://host` with any port (or none), stored as `scheme://host`.
    AnyPort(String),
}

impl OriginPattern {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let text = text.trim();
        if text == "*" {
            return Ok(OriginPattern::Any);
        }
        let Some((scheme, rest)) = text.split_once("://") else {
            anyhow::bail!(
                "origin {text:?} must look like https://example.org (scheme://host[:port])"
            );
        };
        if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.contains('/') {
            anyhow::bail!(
                "origin {text:?} must be scheme://host[:port] with http or https and no path"
            );
        }
        Ok(match text.strip_suffix(":*") {
            Some(base) => OriginPattern::AnyPort(base.to_ascii_lowercase()),
            None => OriginPattern::Exact(text.to_ascii_lowercase()),
        })
    }

    /// Whether the `Origin` header value `origin` is allowed by this pattern.
    pub fn matches(&self, origin: &str) -> bool {
        let origin = origin.to_ascii_lowercase();
        match self {
            OriginPattern::Any => true,
            OriginPattern::Exact(exact) => origin == *exact,
            OriginPattern::AnyPort(base) => match origin.strip_prefix(base.as_str()) {
                Some("") => true,
                Some(port) => port
                    .strip_prefix(':')
                    .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
                None => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_port_patterns_match_only_ports() {
        let p = OriginPattern::parse("http://127.0.0.1:*").unwrap();
        assert!(p.matches("http://127.0.0.1:3000"));
        assert!(p.matches("http://127.0.0.1"));
        assert!(!p.matches("http://127.0.0.1.evil.test"));
        assert!(!p.matches("http://127.0.0.1:80x"));
        assert!(!p.matches("https://127.0.0.1:3000"));
    }

    #[test]
    fn exact_patterns_ignore_case_only() {
        let p = OriginPattern::parse("https://Example.github.io").unwrap();
        assert!(p.matches("https://example.github.io"));
        assert!(!p.matches("https://example.github.io:8443"));
    }

    #[test]
    fn bad_origins_are_refused() {
        assert!(OriginPattern::parse("example.org").is_err());
        assert!(OriginPattern::parse("ftp://example.org").is_err());
        assert!(OriginPattern::parse("https://example.org/path").is_err());
    }

    #[test]
    fn database_passwords_stay_out_of_debug_output() {
        let config = Config {
            db: DbLocation::Postgres("postgres://me:hunter2@db/x".into()),
            redis_url: Some("redis://:s3cret@cache:6379/".into()),
            admin_token: Some("t0ken".into()),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        for secret in ["hunter2", "s3cret", "t0ken"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn non_loopback_needs_opt_in() {
        let mut config = Config {
            addr: "0.0.0.0:3000".parse().unwrap(),
            ..Config::default()
        };
        assert!(config.validate().is_err());
        config.allow_any_host = true;
        assert!(config.validate().is_ok());
    }
}
