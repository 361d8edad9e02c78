//! Real Redis and PostgreSQL for the cluster tests.
//!
//! - [`RedisServer`]: a private `redis-server` process on a free loopback port, nothing
//!   persisted, that a test can [`stop`](RedisServer::stop) and [`start`](RedisServer::start)
//!   again on the same port to simulate a Redis restart.
//! - [`ScratchDb`]: a fresh PostgreSQL database per test, dropped (with `FORCE`) on drop.
//! - [`require`]: the gate at the top of every test. Without the services a test is skipped
//!   with a loud message — unless `CI` is set, where that is a failure.
//!
//! Configuration (what `bash .ci/services` prints):
//! - `WIREBOOK_TEST_DATABASE_URL`: an admin URL whose role may `CREATE DATABASE`, e.g.
//!   `postgres://wirebook:wirebook@127.0.0.1:5432/wirebook`.
//! - `WIREBOOK_TEST_REDIS_SERVER`: path to the `redis-server` binary (else found on `PATH`).

use std::collections::hash_map::RandomState;
use std::ffi::OsString;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use tempfile::TempDir;

pub const DATABASE_URL_ENV: &str = "WIREBOOK_TEST_DATABASE_URL";
pub const REDIS_SERVER_ENV: &str = "WIREBOOK_TEST_REDIS_SERVER";

/// How long a service gets to come up.
const STARTUP: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------
// The gate
// ---------------------------------------------------------------------------------------

/// Whether `service` (`"redis"` or `"postgres"`) is available. If not: under `CI` (set and
/// non-empty) this panics naming what is missing; otherwise it prints a loud `SKIPPED` line
/// to stderr and returns `false`, and the test should return early:
///
/// ```ignore
/// if !services::require("redis") || !services::require("postgres") { return; }
/// ```
pub fn require(service: &str) -> bool {
    require_all(&[service])
}

/// [`require`] for several services at once; the message names all that are missing.
pub fn require_all(services: &[&str]) -> bool {
    let missing: Vec<String> = services.iter().filter_map(|s| missing(s)).collect();
    match gate(&missing, ci()) {
        Gate::Run => true,
        Gate::Fail(msg) => panic!("{msg}"),
        Gate::Skip(msg) => {
            // Straight to the process's stderr, not through `eprintln!`, which the test
            // harness captures and shows only for failing tests.
            let bar = "!".repeat(80);
            let _ = writeln!(std::io::stderr(), "\n{bar}\n!!! {msg}\n{bar}\n");
            false
        }
    }
}

fn ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

#[derive(Debug, PartialEq, Eq)]
enum Gate {
    Run,
    Skip(String),
    Fail(String),
}

/// The decision, apart from the environment.
fn gate(missing: &[String], ci: bool) -> Gate {
    if missing.is_empty() {
        return Gate::Run;
    }
    let msg = format!(
        "this test needs {} — run `bash .ci/services` (as root; it installs redis-server \
         and postgresql and starts PostgreSQL) and export what it prints: \
         eval \"$(bash .ci/services)\"",
        missing.join("; ")
    );
    if ci {
        Gate::Fail(format!(
            "{msg}. CI is set, so this is a failure, not a skip"
        ))
    } else {
        Gate::Skip(format!("SKIPPED: {msg}"))
    }
}

/// What is missing for `service`, in words, or `None`.
fn missing(service: &str) -> Option<String> {
    match service {
        "redis" => match redis_server_binary() {
            Ok(_) => None,
            Err(e) => Some(format!("Redis: {e}")),
        },
        "postgres" | "postgresql" => match database_url() {
            Some(_) => None,
            None => Some(format!("PostgreSQL: {DATABASE_URL_ENV} is not set")),
        },
        "nginx" => std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .chain(["/usr/sbin".into()])
            .any(|dir| dir.join("nginx").is_file())
            .then_some(())
            .map_or_else(
                || Some("nginx: not on PATH (apt-get install nginx)".into()),
                |()| None,
            ),
        other => panic!("services::require: unknown service {other:?} (redis, postgres or nginx)"),
    }
}

fn env_non_empty(key: &str) -> Option<OsString> {
    std::env::var_os(key).filter(|v| !v.is_empty())
}

/// The admin URL from `WIREBOOK_TEST_DATABASE_URL`.
pub fn database_url() -> Option<String> {
    env_non_empty(DATABASE_URL_ENV).map(|v| v.to_string_lossy().into_owned())
}

/// `$WIREBOOK_TEST_REDIS_SERVER`, else `redis-server` on `PATH`.
pub fn redis_server_binary() -> Result<PathBuf> {
    if let Some(path) = env_non_empty(REDIS_SERVER_ENV) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(anyhow!(
                "{REDIS_SERVER_ENV}={} is not a file",
                path.display()
            ))
        };
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("redis-server"))
        .find(|p| p.is_file())
        .ok_or_else(|| anyhow!("{REDIS_SERVER_ENV} is not set and redis-server is not on PATH"))
}

// ---------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------

/// A `redis-server` child on `127.0.0.1:port`: no RDB, no AOF, protected mode, its log in
/// a temporary directory (not in the test output). Killed on drop.
pub struct RedisServer {
    binary: PathBuf,
    port: u16,
    dir: TempDir,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a server on a free port and waits until it answers `PING`.
    pub async fn spawn() -> Result<RedisServer> {
        let binary = redis_server_binary()?;
        let mut last_err = None;
        // A free port can be taken between probing and binding: try a few.
        for _ in 0..5 {
            let mut server = RedisServer {
                binary: binary.clone(),
                port: free_port()?,
                dir: tempfile::Builder::new().prefix("wb-redis-").tempdir()?,
                child: None,
            };
            match server.start().await {
                Ok(()) => return Ok(server),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The server's log file (appended to across restarts).
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("redis.log")
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// Kills the server (SIGKILL, like a crash) and reaps it. Connected clients see their
    /// connections drop; the port stays reserved for [`start`](Self::start). A no-op when
    /// stopped.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port (empty: nothing is persisted) and waits
    /// until it answers `PING`. A no-op when running.
    pub async fn start(&mut self) -> Result<()> {
        if self.is_running() {
            return Ok(());
        }
        self.stop();
        let log = self.log_path();
        let child = Command::new(&self.binary)
            .args(["--save", "", "--appendonly", "no"])
            .args(["--bind", "127.0.0.1", "--protected-mode", "yes"])
            .args(["--port", &self.port.to_string()])
            .arg("--dir")
            .arg(self.dir.path())
            .arg("--logfile")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        self.child = Some(child);

        let deadline = Instant::now() + STARTUP;
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                self.child = None;
                bail!(
                    "redis-server on port {} exited with {status}:\n{}",
                    self.port,
                    log_tail(&log)
                );
            }
            if let Ok(Reply::Status(s)) = self.command(&["PING"]).await {
                if s == "PONG" {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                self.stop();
                bail!(
                    "redis-server on port {} did not answer PING within {STARTUP:?}:\n{}",
                    self.port,
                    log_tail(&log)
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Sends one command over a new connection and reads the reply (raw RESP).
    pub async fn command(&self, args: &[&str]) -> Result<Reply> {
        let port = self.port;
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        tokio::task::spawn_blocking(move || resp_command(port, &args))
            .await
            .context("redis command task")?
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for RedisServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisServer")
            .field("url", &self.url())
            .field("running", &self.child.is_some())
            .finish()
    }
}

/// A RESP reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    /// `None` is the null bulk string.
    Bulk(Option<Vec<u8>>),
    /// `None` is the null array.
    Array(Option<Vec<Reply>>),
}

impl Reply {
    /// The text of a status or bulk reply.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Reply::Status(s) => Some(s),
            Reply::Bulk(Some(b)) => std::str::from_utf8(b).ok(),
            _ => None,
        }
    }
}

fn resp_command(port: u16, args: &[String]) -> Result<Reply> {
    let stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    (&stream).write_all(&out)?;
    read_reply(&mut BufReader::new(stream))
}

fn read_reply(r: &mut impl BufRead) -> Result<Reply> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        bail!("redis closed the connection");
    }
    let line = line
        .strip_suffix("\r\n")
        .ok_or_else(|| anyhow!("malformed RESP line {line:?}"))?;
    let (kind, rest) = line.split_at(1);
    Ok(match kind {
        "+" => Reply::Status(rest.to_owned()),
        "-" => Reply::Error(rest.to_owned()),
        ":" => Reply::Int(rest.parse()?),
        "$" => {
            let len: i64 = rest.parse()?;
            if len < 0 {
                Reply::Bulk(None)
            } else {
                let mut buf = vec![0; len as usize + 2];
                r.read_exact(&mut buf)?;
                buf.truncate(len as usize);
                Reply::Bulk(Some(buf))
            }
        }
        "*" => {
            let len: i64 = rest.parse()?;
            if len < 0 {
                Reply::Array(None)
            } else {
                Reply::Array(Some(
                    (0..len).map(|_| read_reply(r)).collect::<Result<_>>()?,
                ))
            }
        }
        _ => bail!("unexpected RESP reply {line:?}"),
    })
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

// ---------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------

/// A new, empty database `wb_test_<pid>_<counter>_<random>` on the server of
/// `WIREBOOK_TEST_DATABASE_URL`, owned by that URL's role. Dropped `WITH (FORCE)` on drop,
/// which also ends connections the server under test still holds.
pub struct ScratchDb {
    admin_url: String,
    name: String,
    url: String,
}

static DB_COUNTER: AtomicU32 = AtomicU32::new(0);

impl ScratchDb {
    pub async fn create() -> Result<ScratchDb> {
        let admin_url = database_url()
            .ok_or_else(|| anyhow!("{DATABASE_URL_ENV} is not set (bash .ci/services)"))?;
        let admin = connect(&admin_url).await?;
        drop_leftovers(&admin).await;

        let name = format!(
            "wb_test_{}_{}_{:08x}",
            std::process::id(),
            DB_COUNTER.fetch_add(1, Ordering::Relaxed),
            random_u32()
        );
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .with_context(|| format!("CREATE DATABASE {name} (does the role have CREATEDB?)"))?;
        let url = with_database(&admin_url, &name)?;
        Ok(ScratchDb {
            admin_url,
            name,
            url,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The admin URL with this database in place of the admin one.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client connected to this database (its connection runs on a spawned task).
    pub async fn client(&self) -> Result<tokio_postgres::Client> {
        connect(&self.url).await
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        // Drop can't await, and a runtime can't be started on a runtime thread: use a
        // thread with its own small runtime, and wait for it.
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let result = std::thread::spawn(move || -> Result<()> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let admin = connect(&admin_url).await?;
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await?;
                Ok(())
            })
        })
        .join();
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!(
                "warning: could not drop scratch database {}: {e:#}",
                self.name
            ),
            Err(_) => eprintln!("warning: dropping scratch database {} panicked", self.name),
        }
    }
}

impl fmt::Debug for ScratchDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScratchDb")
            .field("name", &self.name)
            .finish()
    }
}

async fn connect(url: &str) -> Result<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .with_context(|| {
            format!(
                "cannot connect to {} (is PostgreSQL running? bash .ci/services)",
                redact(url)
            )
        })?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// Once per test process: drops scratch databases of test processes that no longer run
/// (killed before their `Drop`), so they don't pile up.
async fn drop_leftovers(admin: &tokio_postgres::Client) {
    static DONE: OnceLock<()> = OnceLock::new();
    if DONE.set(()).is_err() || !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(rows) = admin
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'wb\\_test\\_%'",
            &[],
        )
        .await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        }
    }
}

/// `url` with its database (the path) replaced by `db`; the query string is kept.
pub fn with_database(url: &str, db: &str) -> Result<String> {
    let scheme_end = url
        .find("://")
        .ok_or_else(|| anyhow!("{DATABASE_URL_ENV} must be a postgres:// URL"))?
        + 3;
    let rest = &url[scheme_end..];
    let authority_end = scheme_end + rest.find(['/', '?']).unwrap_or(rest.len());
    let query = url[authority_end..]
        .find('?')
        .map(|i| &url[authority_end + i..]);
    Ok(format!(
        "{}/{db}{}",
        &url[..authority_end],
        query.unwrap_or("")
    ))
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn random_u32() -> u32 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.finish() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_replaces_the_path_only() {
        let u = "postgres://wirebook:wirebook@127.0.0.1:5432/wirebook";
        assert_eq!(
            with_database(u, "x").unwrap(),
            "postgres://wirebook:wirebook@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h:1?sslmode=disable", "x").unwrap(),
            "postgres://u@h:1/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/db?a=1&b=2", "x").unwrap(),
            "postgresql://u:p@h/x?a=1&b=2"
        );
        assert!(with_database("host=h dbname=db", "x").is_err());
    }

    #[test]
    fn redact_hides_the_password() {
        assert_eq!(
            redact("postgres://wirebook:secret@127.0.0.1:5432/wirebook"),
            "postgres://wirebook:***@127.0.0.1:5432/wirebook"
        );
    }

    #[test]
    fn gate_runs_skips_or_fails() {
        assert_eq!(gate(&[], true), Gate::Run);
        assert_eq!(gate(&[], false), Gate::Run);
        let missing = [
            "Redis: not installed".to_owned(),
            "PostgreSQL: no URL".to_owned(),
        ];
        let Gate::Skip(msg) = gate(&missing, false) else {
            panic!("without CI a missing service is a skip")
        };
        assert!(msg.starts_with("SKIPPED: ") && msg.contains("PostgreSQL: no URL"));
        let Gate::Fail(msg) = gate(&missing, true) else {
            panic!("under CI a missing service is a failure")
        };
        assert!(
            msg.contains("Redis: not installed; PostgreSQL: no URL")
                && msg.contains(".ci/services"),
            "{msg}"
        );
    }
}
