//! `examples-server`: command line over the library. Parses flags (each
//! also an environment variable), sets up logging, prints the bound address
//! and serves until Ctrl-C or SIGTERM.

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use examples_server::{AppState, Config, DbLocation};
use tracing_subscriber::EnvFilter;

/// Live REST, WebSocket, SSE and GraphQL endpoints for wirebook's demo widgets.
///
/// Logging follows RUST_LOG (default: info).
#[derive(Debug, Parser)]
#[command(name = "examples-server", version)]
struct Cli {
    /// Address to listen on; use port 0 for any free port (the bound address is printed).
    #[arg(long, env = "EXAMPLES_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,

    /// SQLite database file, created and migrated on start
    /// [default: $XDG_DATA_HOME/wirebook/examples-server.sqlite3]
    #[arg(
        long,
        env = "EXAMPLES_DB",
        value_name = "PATH",
        conflicts_with = "memory"
    )]
    db: Option<PathBuf>,

    /// Keep the database in memory: nothing survives a restart.
    #[arg(long, env = "EXAMPLES_MEMORY", conflicts_with = "database_url")]
    memory: bool,

    /// Store posts and events in PostgreSQL instead of SQLite (postgres://user:pass@host/db),
    /// so several instances share one data set. Tables are created on start.
    #[arg(
        long,
        env = "EXAMPLES_DATABASE_URL",
        value_name = "URL",
        conflicts_with = "db",
        hide_env_values = true
    )]
    database_url: Option<String>,

    /// Carry chat, SSE events and GraphQL subscriptions between instances through Redis
    /// pub/sub (redis://host:6379/). Without it they stay inside this process.
    #[arg(
        long,
        env = "EXAMPLES_REDIS_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    redis_url: Option<String>,

    /// Behind a reverse proxy on this host (nginx): rate-limit by the client address the proxy
    /// appends to X-Forwarded-For, instead of the proxy's own. Only loopback peers are believed.
    #[arg(long, env = "EXAMPLES_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,

    /// Also allow browser pages from this origin (e.g. https://you.github.io); repeatable,
    /// comma-separated in the environment. `scheme://host:*` allows any port, `*` any origin.
    /// Loopback origins (http://127.0.0.1:*, http://localhost:*, http://[::1]:*) are always allowed.
    #[arg(
        long = "allow-origin",
        env = "EXAMPLES_ALLOW_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    allow_origins: Vec<String>,

    /// Allow listening on a non-loopback address, exposing the server to other machines.
    #[arg(long, env = "EXAMPLES_ALLOW_ANY_HOST")]
    allow_any_host: bool,

    /// Bearer token for DELETE /api/posts/{id}; a random one is generated and printed if unset.
    #[arg(
        long,
        env = "EXAMPLES_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    admin_token: Option<String>,

    /// Seconds between canned `news` events on /sse/news; 0 disables them.
    #[arg(
        long,
        env = "EXAMPLES_NEWS_INTERVAL",
        value_name = "SECS",
        default_value_t = 15
    )]
    news_interval: u64,

    /// Don't add the sample posts to a new database.
    #[arg(long, env = "EXAMPLES_NO_SEED")]
    no_seed: bool,
}

impl From<Cli> for Config {
    fn from(cli: Cli) -> Config {
        Config {
            addr: cli.addr,
            db: match (cli.database_url, cli.memory, cli.db) {
                (Some(url), _, _) => DbLocation::Postgres(url),
                (None, true, _) => DbLocation::Memory,
                (None, false, Some(path)) => DbLocation::File(path),
                (None, false, None) => DbLocation::default_file(),
            },
            redis_url: cli.redis_url,
            trust_forwarded_for: cli.trust_forwarded_for,
            allow_origins: cli.allow_origins,
            allow_any_host: cli.allow_any_host,
            admin_token: cli.admin_token,
            news_interval: Duration::from_secs(cli.news_interval),
            seed: !cli.no_seed,
            ..Config::default()
        }
    }
}

fn main() -> ExitCode {
    let config = Config::from(Cli::parse());
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let listener = examples_server::bind(&config).await?;
    let state = AppState::new(&config).await?;
    let addr = listener.local_addr()?;
    // stdout carries only what scripts need, first line the address.
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{addr}")?;
    if state.admin_token_generated() {
        writeln!(
            out,
            "admin token: {} (generated; set EXAMPLES_ADMIN_TOKEN to choose one)",
            state.admin_token()
        )?;
    }
    out.flush()?;
    drop(out);
    match &config.db {
        DbLocation::Memory => tracing::info!("database: in memory"),
        DbLocation::File(path) => tracing::info!(path = %path.display(), "database"),
        DbLocation::Postgres(url) => {
            tracing::info!(url = %examples_server::util::redact(url), "database: PostgreSQL");
        }
    }
    if let Some(url) = &config.redis_url {
        tracing::info!(url = %examples_server::util::redact(url), "broker: Redis");
    }
    examples_server::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C, or SIGTERM on Unix (what `docker stop` and systemd send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down: finishing requests, closing WebSockets and event streams");
}
