//! Where posts and SSE events are kept: the seam between the guestbook and
//! its database. [`Store`] is SQLite by default (one process, nothing to
//! install) or PostgreSQL when several instances must share one data set.
//!
//! Both backends run the same queries with the same meaning; callers see
//! only [`Store`]'s methods and [`StoreError`].

mod error;
mod postgres;
mod queries;
mod schema;
mod sqlite;

use std::sync::Arc;

use crate::config::DbLocation;
use crate::model::{AuthorInfo, EventKind, NewPost, NewsEvent, Post, PostPage, PostQuery};

pub use error::StoreError;
pub use postgres::PgStore;
pub use sqlite::{SqliteStore, WATCH_INTERVAL};

/// The database behind every request. Cheap to clone.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PgStore>),
}

impl Store {
    /// Opens (creating and migrating as needed) the configured database;
    /// seeds sample posts when `seed` is set and the database is new.
    pub async fn open(location: &DbLocation, seed: bool) -> anyhow::Result<Store> {
        match location {
            DbLocation::Postgres(url) => Ok(Store::Postgres(Arc::new(
                PgStore::connect(url, seed).await?,
            ))),
            local => {
                let path = match local {
                    DbLocation::File(path) => Some(path.clone()),
                    _ => None,
                };
                let store =
                    tokio::task::spawn_blocking(move || SqliteStore::open(path.as_deref(), seed))
                        .await
                        .map_err(|e| anyhow::anyhow!("database setup task failed: {e}"))??;
                Ok(Store::Sqlite(Arc::new(store)))
            }
        }
    }

    /// `sqlite` or `postgres`, for health reports and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// One round trip to the database.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => {
                s.read(|c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)))
                    .await?;
                Ok(())
            }
            Store::Postgres(p) => p.ping().await,
        }
    }

    /// Changes whenever the posts may have changed, by this process or
    /// another one sharing the database; `None` while that cannot be known
    /// (the database is unreachable), when caches must not be trusted.
    /// Read it *before* querying.
    pub fn generation(&self) -> Option<u64> {
        match self {
            Store::Sqlite(s) => Some(s.generation()),
            Store::Postgres(p) => p.generation(),
        }
    }

    /// Watches for writes by other processes until `shutdown`, so that
    /// [`Store::generation`] covers them too.
    pub async fn watch_external_changes(self, shutdown: tokio_util::sync::CancellationToken) {
        match self {
            Store::Sqlite(s) => s.watch_external_changes(shutdown).await,
            Store::Postgres(p) => p.watch_external_changes(shutdown).await,
        }
    }

    pub async fn list(&self, query: PostQuery) -> Result<PostPage, StoreError> {
        match self {
            Store::Sqlite(s) => s.read(move |c| queries::list_posts(c, &query)).await,
            Store::Postgres(p) => p.list(&query).await,
        }
    }

    /// A page plus the post counts of its authors, from one snapshot.
    pub async fn list_with_authors(
        &self,
        query: PostQuery,
    ) -> Result<(PostPage, Vec<AuthorInfo>), StoreError> {
        match self {
            Store::Sqlite(s) => {
                s.read(move |conn| {
                    let tx = conn.unchecked_transaction()?;
                    let page = queries::list_posts(&tx, &query)?;
                    let authors = queries::author_counts(&tx, &page.author_names())?;
                    tx.finish()?;
                    Ok((page, authors))
                })
                .await
            }
            Store::Postgres(p) => p.list_with_authors(&query).await,
        }
    }

    pub async fn get(&self, id: i64) -> Result<Option<Post>, StoreError> {
        match self {
            Store::Sqlite(s) => s.read(move |c| queries::get_post(c, id)).await,
            Store::Postgres(p) => p.get(id).await,
        }
    }

    /// Inserts a validated post and its tags atomically.
    pub async fn insert(&self, post: NewPost, created_at: String) -> Result<Post, StoreError> {
        match self {
            Store::Sqlite(s) => {
                s.write(move |c| queries::insert_post(c, &post, &created_at))
                    .await
            }
            Store::Postgres(p) => p.insert(&post, &created_at).await,
        }
    }

    /// Returns whether a post with that id existed.
    pub async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(s) => s.write(move |c| queries::delete_post(c, id)).await,
            Store::Postgres(p) => p.delete(id).await,
        }
    }

    pub async fn authors(&self) -> Result<Vec<AuthorInfo>, StoreError> {
        match self {
            Store::Sqlite(s) => s.read(queries::authors).await,
            Store::Postgres(p) => p.authors().await,
        }
    }

    pub async fn author_counts(&self, names: Vec<String>) -> Result<Vec<AuthorInfo>, StoreError> {
        match self {
            Store::Sqlite(s) => s.read(move |c| queries::author_counts(c, &names)).await,
            Store::Postgres(p) => p.author_counts(&names).await,
        }
    }

    pub async fn by_author(&self, name: String, limit: u32) -> Result<Vec<Post>, StoreError> {
        match self {
            Store::Sqlite(s) => {
                s.read(move |c| queries::posts_by_author(c, &name, limit))
                    .await
            }
            Store::Postgres(p) => p.by_author(&name, limit).await,
        }
    }

    pub async fn tags(&self) -> Result<Vec<String>, StoreError> {
        match self {
            Store::Sqlite(s) => s.read(queries::tags).await,
            Store::Postgres(p) => p.tags().await,
        }
    }

    pub async fn by_tag(&self, tag: String, limit: u32) -> Result<Vec<Post>, StoreError> {
        match self {
            Store::Sqlite(s) => s.read(move |c| queries::posts_by_tag(c, &tag, limit)).await,
            Store::Postgres(p) => p.by_tag(&tag, limit).await,
        }
    }

    /// Stores an event (pruning the table to about `keep` rows) and calls
    /// `stored` with it while still holding the write lock, so that events
    /// reach `stored` in id order.
    pub async fn append_event<F>(
        &self,
        kind: EventKind,
        title: String,
        body: String,
        ts: u64,
        keep: usize,
        stored: F,
    ) -> Result<NewsEvent, StoreError>
    where
        F: FnOnce(&NewsEvent) + Send + 'static,
    {
        match self {
            Store::Sqlite(s) => {
                let s = Arc::clone(s);
                tokio::task::spawn_blocking(move || {
                    s.write_blocking(|conn| {
                        let event = queries::insert_event(conn, kind, &title, &body, ts, keep)?;
                        stored(&event);
                        Ok(event)
                    })
                })
                .await
                .map_err(|e| StoreError::Task(e.to_string()))?
            }
            Store::Postgres(p) => p.append_event(kind, &title, &body, ts, keep, stored).await,
        }
    }

    /// The newest `n` events, oldest first.
    pub async fn recent_events(&self, n: usize) -> Result<Vec<NewsEvent>, StoreError> {
        match self {
            Store::Sqlite(s) => s.read(move |c| queries::recent_events(c, n)).await,
            Store::Postgres(p) => p.recent_events(n).await,
        }
    }
}
