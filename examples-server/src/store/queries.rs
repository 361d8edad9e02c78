//! The SQL behind posts, authors, tags and stored SSE events. Plain
//! synchronous functions over a connection; [`super::Store`] decides where they run.

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use crate::model::{AuthorInfo, EventKind, NewPost, NewsEvent, Post, PostPage, PostQuery};

/// Columns of a full post; tags come back as one JSON array, in order, so a
/// page of posts is a single query rather than one per post.
const POST_COLUMNS: &str = "p.id, p.author, p.title, p.body, p.created_at, \
     (SELECT json_group_array(t.tag ORDER BY t.position) FROM post_tags t WHERE t.post_id = p.id)";

/// Matches `?q=` against author, title and body; `?1` is a LIKE pattern or NULL.
const SEARCH: &str = "(?1 IS NULL OR p.title LIKE ?1 ESCAPE '\\' \
     OR p.body LIKE ?1 ESCAPE '\\' OR p.author LIKE ?1 ESCAPE '\\')";

fn post_from_row(row: &Row<'_>) -> rusqlite::Result<Post> {
    let tags: Option<String> = row.get(5)?;
    let tags = match tags {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
        })?,
        None => Vec::new(),
    };
    Ok(Post {
        id: row.get(0)?,
        author: row.get(1)?,
        title: row.get(2)?,
        body: row.get(3)?,
        tags,
        created_at: row.get(4)?,
    })
}

/// `%text%` with LIKE's wildcards escaped, so `?q=100%` means a literal `%`.
pub(super) fn like_pattern(q: &str) -> String {
    let mut pattern = String::with_capacity(q.len() + 2);
    pattern.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub fn list_posts(conn: &Connection, query: &PostQuery) -> rusqlite::Result<PostPage> {
    let pattern = query.q.as_deref().map(like_pattern);
    let total: u64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM posts p WHERE {SEARCH}"))?
        .query_row(params![pattern], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {POST_COLUMNS} FROM posts p WHERE {SEARCH} ORDER BY p.id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let items = stmt
        .query_map(params![pattern, query.limit, offset], post_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(PostPage { items, total })
}

pub fn get_post(conn: &Connection, id: i64) -> rusqlite::Result<Option<Post>> {
    conn.prepare_cached(&format!(
        "SELECT {POST_COLUMNS} FROM posts p WHERE p.id = ?1"
    ))?
    .query_row([id], post_from_row)
    .optional()
}

/// Inserts a validated post and its tags atomically.
pub fn insert_post(
    conn: &mut Connection,
    post: &NewPost,
    created_at: &str,
) -> rusqlite::Result<Post> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.prepare_cached(
        "INSERT INTO posts (author, title, body, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![post.author, post.title, post.body, created_at])?;
    let id = tx.last_insert_rowid();
    {
        let mut tag = tx
            .prepare_cached("INSERT INTO post_tags (post_id, position, tag) VALUES (?1, ?2, ?3)")?;
        for (position, name) in post.tags.iter().enumerate() {
            tag.execute(params![id, position, name])?;
        }
    }
    tx.commit()?;
    Ok(Post {
        id,
        author: post.author.clone(),
        title: post.title.clone(),
        body: post.body.clone(),
        tags: post.tags.clone(),
        created_at: created_at.to_owned(),
    })
}

pub fn delete_post(conn: &mut Connection, id: i64) -> rusqlite::Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute("DELETE FROM post_tags WHERE post_id = ?1", [id])?;
    let deleted = tx.execute("DELETE FROM posts WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(deleted > 0)
}

pub fn authors(conn: &Connection) -> rusqlite::Result<Vec<AuthorInfo>> {
    conn.prepare_cached(
        "SELECT author, count(*) FROM posts GROUP BY author ORDER BY author COLLATE NOCASE, author",
    )?
    .query_map([], |r| {
        Ok(AuthorInfo {
            name: r.get(0)?,
            post_count: r.get(1)?,
        })
    })?
    .collect()
}

pub fn author_counts(conn: &Connection, names: &[String]) -> rusqlite::Result<Vec<AuthorInfo>> {
    let mut stmt = conn.prepare_cached("SELECT count(*) FROM posts WHERE author = ?1")?;
    names
        .iter()
        .map(|name| {
            Ok(AuthorInfo {
                name: name.clone(),
                post_count: stmt.query_row([name], |r| r.get(0))?,
            })
        })
        .collect()
}

pub fn posts_by_author(conn: &Connection, author: &str, limit: u32) -> rusqlite::Result<Vec<Post>> {
    conn.prepare_cached(&format!(
        "SELECT {POST_COLUMNS} FROM posts p WHERE p.author = ?1 ORDER BY p.id DESC LIMIT ?2"
    ))?
    .query_map(params![author, limit], post_from_row)?
    .collect()
}

pub fn tags(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT DISTINCT tag FROM post_tags ORDER BY tag COLLATE NOCASE, tag")?
        .query_map([], |r| r.get(0))?
        .collect()
}

pub fn posts_by_tag(conn: &Connection, tag: &str, limit: u32) -> rusqlite::Result<Vec<Post>> {
    conn.prepare_cached(&format!(
        "SELECT {POST_COLUMNS} FROM posts p \
         WHERE p.id IN (SELECT post_id FROM post_tags WHERE tag = ?1) ORDER BY p.id DESC LIMIT ?2"
    ))?
    .query_map(params![tag, limit], post_from_row)?
    .collect()
}

/// Stores an event and returns it with its new id. Old rows are pruned so the
/// table stays about `keep` long.
pub fn insert_event(
    conn: &Connection,
    kind: EventKind,
    title: &str,
    body: &str,
    ts: u64,
    keep: usize,
) -> rusqlite::Result<NewsEvent> {
    conn.prepare_cached("INSERT INTO events (kind, title, body, ts) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![kind.as_str(), title, body, ts])?;
    let id = conn.last_insert_rowid();
    // Prune in batches rather than on every insert.
    if id % 64 == 0 {
        conn.prepare_cached("DELETE FROM events WHERE id <= ?1")?
            .execute([id.saturating_sub(i64::try_from(keep).unwrap_or(i64::MAX))])?;
    }
    Ok(NewsEvent {
        id: id as u64,
        kind,
        title: title.to_owned(),
        body: body.to_owned(),
        ts,
    })
}

/// The newest `n` events, oldest first.
pub fn recent_events(conn: &Connection, n: usize) -> rusqlite::Result<Vec<NewsEvent>> {
    let mut events = conn
        .prepare_cached("SELECT id, kind, title, body, ts FROM events ORDER BY id DESC LIMIT ?1")?
        .query_map([i64::try_from(n).unwrap_or(i64::MAX)], |r| {
            let kind: String = r.get(1)?;
            Ok(NewsEvent {
                id: r.get::<_, i64>(0)? as u64,
                kind: EventKind::parse(&kind).unwrap_or(EventKind::News),
                title: r.get(2)?,
                body: r.get(3)?,
                ts: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    events.reverse();
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }
}
