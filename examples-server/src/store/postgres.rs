//! PostgreSQL storage, for several instances sharing one data set
//! (`--database-url postgres://…`). Same queries and meaning as the SQLite
//! backend; a pool of connections (deadpool) that are re-established on
//! demand, so an outage turns into [`StoreError::Unavailable`] (503) and the
//! next request after the server comes back simply works.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::{NoTls, Row};

use super::error::StoreError;
use super::schema::SEEDS;
use super::sqlite::WATCH_INTERVAL;
use crate::model::{AuthorInfo, EventKind, NewPost, NewsEvent, Post, PostPage, PostQuery};
use crate::util::redact;

/// How long a request waits for a connection (or to open one) before the
/// database counts as unavailable. Short: a reader is better served by a
/// quick 503 than a spinner.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const POOL_SIZE: usize = 16;
/// Serialises migrations of instances starting at the same time.
const MIGRATION_LOCK: i64 = 0x7769_7265_626f_6f6b; // "wirebook"

/// Each entry moves the schema from version `index` to `index + 1`. Append only.
const MIGRATIONS: &[&str] = &[r#"
    CREATE TABLE posts (
        id          BIGSERIAL PRIMARY KEY,
        author      TEXT NOT NULL,
        title       TEXT NOT NULL,
        body        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        -- In order; an array keeps a page of posts one query.
        tags        TEXT[] NOT NULL DEFAULT '{}'
    );
    CREATE INDEX posts_author ON posts(author);
    CREATE INDEX posts_tags ON posts USING GIN (tags);
    CREATE TABLE events (
        id     BIGSERIAL PRIMARY KEY,
        kind   TEXT NOT NULL,
        title  TEXT NOT NULL,
        body   TEXT NOT NULL,
        ts     BIGINT NOT NULL
    );
    -- Bumped by every write so instances can tell their caches are stale.
    CREATE TABLE data_version (
        one      BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
        version  BIGINT NOT NULL
    );
    INSERT INTO data_version (version) VALUES (0);
"#];

const POST_COLUMNS: &str = "id, author, title, body, created_at, tags";
/// `$1` is an ILIKE pattern or NULL; LIKE in SQLite is case-insensitive too.
const SEARCH: &str = "($1::TEXT IS NULL OR title ILIKE $1 ESCAPE '\\' \
     OR body ILIKE $1 ESCAPE '\\' OR author ILIKE $1 ESCAPE '\\')";
const BUMP: &str = "UPDATE data_version SET version = version + 1";

pub struct PgStore {
    pool: Pool,
    /// Our own count of changes seen (own writes and the watcher's finds).
    generation: AtomicU64,
    /// False after the watcher failed to reach the database, until it can again.
    reachable: AtomicBool,
    /// Events are numbered by the database but must reach subscribers in
    /// order; one publisher at a time per process.
    events: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects, migrates and (for a new database) seeds. Fails when the
    /// server is unreachable at start: a misconfigured URL should not look
    /// like a healthy instance.
    pub async fn connect(url: &str, seed: bool) -> anyhow::Result<PgStore> {
        let config: tokio_postgres::Config = url
            .parse()
            .with_context(|| format!("invalid --database-url {}", redact(url)))?;
        let mut config = config;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("examples-server");
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // Verifies a pooled connection before reuse, so one killed by a
                // database restart is replaced instead of failing a request.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .context("cannot build the PostgreSQL pool")?;
        let store = PgStore {
            pool,
            generation: AtomicU64::new(0),
            reachable: AtomicBool::new(true),
            events: tokio::sync::Mutex::new(()),
        };
        store
            .migrate(seed)
            .await
            .with_context(|| format!("cannot prepare PostgreSQL database {}", redact(url)))?;
        Ok(store)
    }

    async fn migrate(&self, seed: bool) -> anyhow::Result<()> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                 one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
                 version INTEGER NOT NULL)",
        )
        .await?;
        let version: i32 = tx
            .query_opt("SELECT version FROM schema_version", &[])
            .await?
            .map_or(0, |r| r.get(0));
        let known = MIGRATIONS.len() as i32;
        if version > known {
            anyhow::bail!(
                "the database has schema version {version}, newer than this examples-server \
                 understands ({known}); use a newer build or another --database-url"
            );
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.batch_execute(sql).await.map_err(|e| {
                anyhow::anyhow!("migration to schema version {} failed: {e}", i + 1)
            })?;
        }
        if version == 0 && seed {
            let now = chrono::Utc::now();
            for s in SEEDS {
                let created = s.created_at(now);
                let tags: Vec<&str> = s.tags.to_vec();
                tx.execute(
                    "INSERT INTO posts (author, title, body, created_at, tags) \
                     VALUES ($1, $2, $3, $4, $5)",
                    &[&s.author, &s.title, &s.body, &created, &tags],
                )
                .await?;
            }
        }
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1) \
             ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version",
            &[&known],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool.get().await.map_err(|e| {
            self.reachable.store(false, Ordering::Release);
            StoreError::Unavailable(pool_error(e).to_string())
        })
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        self.client()
            .await?
            .simple_query("SELECT 1")
            .await
            .map_err(pg)?;
        Ok(())
    }

    pub fn generation(&self) -> Option<u64> {
        self.reachable
            .load(Ordering::Acquire)
            .then(|| self.generation.load(Ordering::Acquire))
    }

    /// Polls `data_version` until `shutdown`, bumping the generation when
    /// another instance has written, and marking the store unreachable while
    /// the poll fails.
    pub async fn watch_external_changes(
        self: std::sync::Arc<Self>,
        shutdown: tokio_util::sync::CancellationToken,
    ) {
        let mut last: Option<i64> = None;
        let mut tick = tokio::time::interval(WATCH_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = tick.tick() => {}
            }
            let version = async {
                let client = self.client().await?;
                let row = client
                    .query_one("SELECT version FROM data_version", &[])
                    .await
                    .map_err(pg)?;
                Ok::<i64, StoreError>(row.get(0))
            }
            .await;
            match version {
                Ok(version) => {
                    if last != Some(version) {
                        // Also after an outage: anything may have changed.
                        self.generation.fetch_add(1, Ordering::AcqRel);
                    }
                    last = Some(version);
                    if !self.reachable.swap(true, Ordering::AcqRel) {
                        tracing::info!("PostgreSQL is reachable again");
                    }
                }
                Err(err) => {
                    if self.reachable.swap(false, Ordering::AcqRel) {
                        tracing::warn!(error = %err, "PostgreSQL is unreachable; retrying");
                    }
                    last = None;
                }
            }
        }
    }

    pub async fn list(&self, query: &PostQuery) -> Result<PostPage, StoreError> {
        let client = self.client().await?;
        list_posts(&**client, query).await
    }

    pub async fn list_with_authors(
        &self,
        query: &PostQuery,
    ) -> Result<(PostPage, Vec<AuthorInfo>), StoreError> {
        let mut client = self.client().await?;
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(pg)?;
        let page = list_posts(&*tx, query).await?;
        let authors = author_counts(&*tx, &page.author_names()).await?;
        tx.commit().await.map_err(pg)?;
        Ok((page, authors))
    }

    pub async fn get(&self, id: i64) -> Result<Option<Post>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {POST_COLUMNS} FROM posts WHERE id = $1"),
                &[&id],
            )
            .await
            .map_err(pg)?;
        Ok(row.as_ref().map(post_from_row))
    }

    pub async fn insert(&self, post: &NewPost, created_at: &str) -> Result<Post, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let row = tx
            .query_one(
                "INSERT INTO posts (author, title, body, created_at, tags) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &post.author,
                    &post.title,
                    &post.body,
                    &created_at,
                    &post.tags,
                ],
            )
            .await
            .map_err(pg)?;
        tx.execute(BUMP, &[]).await.map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        self.generation.fetch_add(1, Ordering::AcqRel);
        Ok(Post {
            id: row.get(0),
            author: post.author.clone(),
            title: post.title.clone(),
            body: post.body.clone(),
            tags: post.tags.clone(),
            created_at: created_at.to_owned(),
        })
    }

    pub async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let deleted = tx
            .execute("DELETE FROM posts WHERE id = $1", &[&id])
            .await
            .map_err(pg)?;
        tx.execute(BUMP, &[]).await.map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        self.generation.fetch_add(1, Ordering::AcqRel);
        Ok(deleted > 0)
    }

    pub async fn authors(&self) -> Result<Vec<AuthorInfo>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT author, count(*) FROM posts GROUP BY author \
                 ORDER BY lower(author) COLLATE \"C\", author COLLATE \"C\"",
                &[],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(author_from_row).collect())
    }

    pub async fn author_counts(&self, names: &[String]) -> Result<Vec<AuthorInfo>, StoreError> {
        let client = self.client().await?;
        author_counts(&**client, names).await
    }

    pub async fn by_author(&self, name: &str, limit: u32) -> Result<Vec<Post>, StoreError> {
        self.posts_where("author = $1", name, limit).await
    }

    pub async fn tags(&self) -> Result<Vec<String>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT tag FROM (SELECT DISTINCT unnest(tags) AS tag FROM posts) t \
                 ORDER BY lower(tag) COLLATE \"C\", tag COLLATE \"C\"",
                &[],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    pub async fn by_tag(&self, tag: &str, limit: u32) -> Result<Vec<Post>, StoreError> {
        self.posts_where("tags @> ARRAY[$1::TEXT]", tag, limit)
            .await
    }

    async fn posts_where(
        &self,
        condition: &str,
        value: &str,
        limit: u32,
    ) -> Result<Vec<Post>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {POST_COLUMNS} FROM posts WHERE {condition} ORDER BY id DESC LIMIT $2"
                ),
                &[&value, &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(post_from_row).collect())
    }

    pub async fn append_event<F>(
        &self,
        kind: EventKind,
        title: &str,
        body: &str,
        ts: u64,
        keep: usize,
        stored: F,
    ) -> Result<NewsEvent, StoreError>
    where
        F: FnOnce(&NewsEvent),
    {
        let client = self.client().await?;
        let _order = self.events.lock().await;
        let ts_db = i64::try_from(ts).unwrap_or(i64::MAX);
        let row = client
            .query_one(
                "INSERT INTO events (kind, title, body, ts) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&kind.as_str(), &title, &body, &ts_db],
            )
            .await
            .map_err(pg)?;
        let id: i64 = row.get(0);
        if id % 64 == 0 {
            let keep = i64::try_from(keep).unwrap_or(i64::MAX);
            client
                .execute("DELETE FROM events WHERE id <= $1", &[&(id - keep)])
                .await
                .map_err(pg)?;
        }
        let event = NewsEvent {
            id: id as u64,
            kind,
            title: title.to_owned(),
            body: body.to_owned(),
            ts,
        };
        stored(&event);
        Ok(event)
    }

    pub async fn recent_events(&self, n: usize) -> Result<Vec<NewsEvent>, StoreError> {
        let client = self.client().await?;
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let rows = client
            .query(
                "SELECT id, kind, title, body, ts FROM events ORDER BY id DESC LIMIT $1",
                &[&n],
            )
            .await
            .map_err(pg)?;
        let mut events: Vec<NewsEvent> = rows
            .iter()
            .map(|r| NewsEvent {
                id: r.get::<_, i64>(0) as u64,
                kind: EventKind::parse(r.get(1)).unwrap_or(EventKind::News),
                title: r.get(2),
                body: r.get(3),
                ts: r.get::<_, i64>(4) as u64,
            })
            .collect();
        events.reverse();
        Ok(events)
    }
}

async fn list_posts(
    client: &impl tokio_postgres::GenericClient,
    query: &PostQuery,
) -> Result<PostPage, StoreError> {
    let pattern = query.q.as_deref().map(super::queries::like_pattern);
    let total: i64 = client
        .query_one(
            &format!("SELECT count(*) FROM posts WHERE {SEARCH}"),
            &[&pattern],
        )
        .await
        .map_err(pg)?
        .get(0);
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let rows = client
        .query(
            &format!(
                "SELECT {POST_COLUMNS} FROM posts WHERE {SEARCH} \
                 ORDER BY id DESC LIMIT $2 OFFSET $3"
            ),
            &[&pattern, &i64::from(query.limit), &offset],
        )
        .await
        .map_err(pg)?;
    Ok(PostPage {
        items: rows.iter().map(post_from_row).collect(),
        total: u64::try_from(total).unwrap_or(0),
    })
}

async fn author_counts(
    client: &impl tokio_postgres::GenericClient,
    names: &[String],
) -> Result<Vec<AuthorInfo>, StoreError> {
    let rows = client
        .query(
            "SELECT n.name, (SELECT count(*) FROM posts p WHERE p.author = n.name) \
             FROM unnest($1::TEXT[]) WITH ORDINALITY AS n(name, i) ORDER BY n.i",
            &[&names],
        )
        .await
        .map_err(pg)?;
    Ok(rows.iter().map(author_from_row).collect())
}

fn post_from_row(row: &Row) -> Post {
    Post {
        id: row.get(0),
        author: row.get(1),
        title: row.get(2),
        body: row.get(3),
        created_at: row.get(4),
        tags: row.get(5),
    }
}

fn author_from_row(row: &Row) -> AuthorInfo {
    AuthorInfo {
        name: row.get(0),
        post_count: u64::try_from(row.get::<_, i64>(1)).unwrap_or(0),
    }
}

/// A lost connection is an outage (503); anything else is a bug or a
/// constraint and stays a 500.
fn pg(err: tokio_postgres::Error) -> StoreError {
    if err.is_closed() || err.as_db_error().is_none() {
        StoreError::Unavailable(format!("PostgreSQL: {err}"))
    } else {
        StoreError::Postgres(err)
    }
}

fn pool_error(err: PoolError) -> anyhow::Error {
    match err {
        PoolError::Timeout(_) => anyhow::anyhow!("PostgreSQL did not answer in time"),
        PoolError::Backend(e) => anyhow::anyhow!("cannot connect to PostgreSQL: {e}"),
        other => anyhow::anyhow!("PostgreSQL connection pool: {other}"),
    }
}
