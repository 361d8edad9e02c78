//! SQLite storage, the default: opens the database (file or in-memory),
//! migrates it, and runs every query on tokio's blocking pool so no async
//! worker ever waits on disk.
//!
//! Concurrency model: one writer connection behind a mutex plus a few reader
//! connections. WAL mode lets readers run while the writer commits, and
//! funnelling every write through one connection means writers in this process
//! queue instead of failing with "database is locked"; `busy_timeout` covers
//! another process holding the file (e.g. two servers on one database).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags};

use super::error::StoreError;
use super::schema;

/// How long a statement waits for a lock held by another process before
/// giving up with [`StoreError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Reader connections for file databases. Two cores serve the requests, so a
/// few readers keep them busy while the writer holds its lock.
const READERS: usize = 4;
/// How often [`SqliteStore::watch_external_changes`] looks for other writers.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(250);

/// The database handle shared by every request.
pub struct SqliteStore {
    writer: Mutex<Connection>,
    /// Empty for in-memory databases, whose data lives in a single connection.
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// Bumped after every write (committed or not), so caches of query
    /// results can tell whether they are current. See [`SqliteStore::generation`].
    generation: AtomicU64,
    /// The file, for the watcher that notices other processes' writes.
    path: Option<PathBuf>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("readers", &self.readers.len())
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database at `path`, or a
    /// private in-memory one for `None`; seeds sample posts when `seed` is
    /// set and the database is new.
    pub fn open(path: Option<&Path>, seed: bool) -> anyhow::Result<SqliteStore> {
        match path {
            None => {
                let mut conn = Connection::open_in_memory()
                    .context("cannot open an in-memory SQLite database")?;
                configure(&conn, false).context("cannot configure the in-memory database")?;
                schema::migrate(&mut conn, seed)
                    .context("cannot migrate the in-memory database")?;
                Ok(SqliteStore {
                    writer: Mutex::new(conn),
                    readers: Vec::new(),
                    next_reader: AtomicUsize::new(0),
                    generation: AtomicU64::new(0),
                    path: None,
                })
            }
            Some(path) => Self::open_file(path, seed)
                .with_context(|| format!("cannot open database {}", path.display())),
        }
    }

    fn open_file(path: &Path, seed: bool) -> anyhow::Result<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory {}", dir.display()))?;
        }
        let mut writer = Connection::open(path)?;
        configure(&writer, true)?;
        schema::migrate(&mut writer, seed)?;
        let readers = (0..READERS)
            .map(|_| {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&conn, false)?;
                // A reader that tried to write would contend with the writer.
                conn.pragma_update(None, "query_only", true)?;
                Ok(Mutex::new(conn))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(SqliteStore {
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
            generation: AtomicU64::new(0),
            path: Some(path.to_owned()),
        })
    }

    /// Runs a read-only closure on a reader connection.
    pub async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let store = Arc::clone(self);
        run_blocking(move || {
            let conn = store.reader();
            f(&conn).map_err(StoreError::from)
        })
        .await
    }

    /// Runs a closure on the single writer connection.
    pub async fn write<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let store = Arc::clone(self);
        run_blocking(move || store.write_blocking(f)).await
    }

    /// Like [`SqliteStore::write`] for callers already on a blocking thread, or that
    /// must keep the writer lock while they publish what they wrote.
    pub fn write_blocking<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let mut conn = lock(&self.writer);
        let result = f(&mut conn).map_err(StoreError::from);
        // Bumped while the writer lock is still held and after the commit:
        // a reader that saw the old generation may cache a stale answer, but
        // it files it under the old generation, which no longer matches.
        self.generation.fetch_add(1, Ordering::Release);
        result
    }

    /// Changes whenever the database may have changed: after each write
    /// through this store, and (within [`WATCH_INTERVAL`]) after a commit by
    /// another process sharing the file. Read it *before* querying.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Polls SQLite's `data_version` until `shutdown`, bumping the generation
    /// when another connection (e.g. a second server on the same file) has
    /// committed. A no-op for in-memory databases, which nobody else can see.
    pub async fn watch_external_changes(
        self: Arc<Self>,
        shutdown: tokio_util::sync::CancellationToken,
    ) {
        let Some(path) = self.path.clone() else {
            return;
        };
        let conn = match tokio::task::spawn_blocking(move || Connection::open(path)).await {
            Ok(Ok(conn)) => Arc::new(Mutex::new(conn)),
            _ => {
                tracing::warn!("cannot open a connection to watch for other writers; caches rely on own writes");
                return;
            }
        };
        let mut last: Option<i64> = None;
        let mut tick = tokio::time::interval(WATCH_INTERVAL);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = tick.tick() => {}
            }
            let conn = Arc::clone(&conn);
            let version = tokio::task::spawn_blocking(move || {
                lock(&conn).query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
            })
            .await;
            if let Ok(Ok(version)) = version {
                if last.is_some_and(|v| v != version) {
                    self.generation.fetch_add(1, Ordering::Release);
                }
                last = Some(version);
            }
        }
    }

    /// A free reader if there is one, else waits for the next in turn.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        if self.readers.is_empty() {
            return lock(&self.writer);
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let n = self.readers.len();
        for i in 0..n {
            if let Ok(guard) = self.readers[(start + i) % n].try_lock() {
                return guard;
            }
        }
        lock(&self.readers[start % n])
    }
}

/// Locks a connection mutex. A panic while holding it cannot leave SQLite in
/// a torn state (each statement is atomic), so a poisoned lock is still usable.
fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
}

fn configure(conn: &Connection, set_wal: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    if set_wal {
        // journal_mode answers with the mode it ended up in; anything but WAL
        // (e.g. a filesystem without shared memory) would lock readers out.
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "SQLite refused WAL mode; readers may wait on writers");
        }
        // NORMAL is durable across application crashes in WAL mode; only a
        // power loss can drop the last commits, which is fine for demo data.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NewPost, PostQuery};
    use crate::store::queries::{get_post, insert_post, list_posts};

    fn new_post(title: &str) -> NewPost {
        NewPost {
            author: "Tester".into(),
            title: title.into(),
            body: "Body".into(),
            tags: vec!["b".into(), "a".into()],
        }
    }

    #[test]
    fn file_databases_use_wal_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let loc = dir.path().join("nested/db.sqlite3");
        let id = {
            let store = SqliteStore::open(Some(&loc), false).unwrap();
            let mode: String = lock(&store.writer)
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
            store
                .write_blocking(|c| insert_post(c, &new_post("kept"), "2026-01-01T00:00:00Z"))
                .unwrap()
                .id
        };
        let store = SqliteStore::open(Some(&loc), true).unwrap();
        let post = get_post(&store.reader(), id).unwrap().unwrap();
        assert_eq!(post.title, "kept");
        assert_eq!(post.tags, ["b", "a"], "tag order is preserved");
        // Reopening an existing database must not seed it.
        let page = list_posts(
            &store.reader(),
            &PostQuery {
                limit: 50,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(page.total, 1);
    }

    #[test]
    fn new_databases_are_seeded() {
        let store = SqliteStore::open(None, true).unwrap();
        let page = list_posts(
            &store.reader(),
            &PostQuery {
                limit: 50,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(page.total >= 8, "seeded {} posts", page.total);
        assert!(
            page.items.windows(2).all(|w| w[0].id > w[1].id),
            "newest first"
        );
    }
}
