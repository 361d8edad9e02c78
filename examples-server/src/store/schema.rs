//! Database schema migrations (tracked in `PRAGMA user_version`) and the
//! sample posts a brand-new database starts with.

use rusqlite::{params, Connection, TransactionBehavior};

/// Each entry moves the schema from version `index` to `index + 1`. Append
/// only: a released database may be at any earlier version.
const MIGRATIONS: &[&str] = &[r#"
    CREATE TABLE posts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        author      TEXT NOT NULL,
        title       TEXT NOT NULL,
        body        TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX posts_author ON posts(author);
    CREATE TABLE post_tags (
        post_id   INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,
        tag       TEXT NOT NULL,
        PRIMARY KEY (post_id, position)
    );
    CREATE INDEX post_tags_tag ON post_tags(tag);
    -- The SSE ring buffer's backing store, so ids stay monotonic and
    -- Last-Event-ID resume works across restarts.
    CREATE TABLE events (
        id     INTEGER PRIMARY KEY AUTOINCREMENT,
        kind   TEXT NOT NULL,
        title  TEXT NOT NULL,
        body   TEXT NOT NULL,
        ts     INTEGER NOT NULL
    );
"#];

/// Brings the schema up to date in one transaction; seeds when the database
/// was empty and `seed` is set.
pub(super) fn migrate(conn: &mut Connection, seed: bool) -> anyhow::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > MIGRATIONS.len() {
        anyhow::bail!(
            "the database has schema version {version}, newer than this examples-server \
             understands ({}); use a newer build or another --db",
            MIGRATIONS.len()
        );
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        tx.execute_batch(sql)
            .map_err(|e| anyhow::anyhow!("migration to schema version {} failed: {e}", i + 1))?;
    }
    if version == 0 && seed {
        seed_posts(&tx)?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len())?;
    tx.commit()?;
    Ok(())
}

pub(super) struct Seed {
    pub author: &'static str,
    pub title: &'static str,
    pub body: &'static str,
    pub tags: &'static [&'static str],
    /// How long before the database was created the post is dated.
    pub hours_ago: i64,
}

impl Seed {
    /// When the post is dated, for a database created `now`.
    pub(super) fn created_at(&self, now: chrono::DateTime<chrono::Utc>) -> String {
        (now - chrono::Duration::hours(self.hours_ago))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

pub(super) const SEEDS: &[Seed] = &[
    Seed {
        author: "Grace Liu",
        title: "Why HTTP/1.1 keep-alive still matters",
        body: "Opening a TCP connection costs a round trip, and TLS adds one or two more. \
               Keep-alive lets a page reuse one connection for dozens of requests, which is why \
               an Ajax-heavy page feels fast on a good server and sluggish on a misconfigured one.",
        tags: &["http", "performance"],
        hours_ago: 170,
    },
    Seed {
        author: "Tom Okafor",
        title: "Ajax without the X: fetch() and JSON",
        body: "XMLHttpRequest gave the technique its name, but today a form is usually submitted \
               with fetch() and a JSON body. The server answers 201 with the new resource, or 422 \
               with one message per bad field so the page can mark them without a reload.",
        tags: &["ajax", "rest"],
        hours_ago: 146,
    },
    Seed {
        author: "Priya Raman",
        title: "Conditional requests: ETag and If-None-Match",
        body: "A list that rarely changes should not be downloaded again and again. The server \
               sends an ETag with the response; the browser repeats it in If-None-Match, and an \
               unchanged list costs a 304 with an empty body.",
        tags: &["http", "rest", "caching"],
        hours_ago: 122,
    },
    Seed {
        author: "Grace Liu",
        title: "WebSocket chat in forty lines",
        body: "A WebSocket starts life as an HTTP request with Upgrade: websocket. After the 101 \
               response both sides may send frames at any time, which is exactly what a chat \
               room needs: one message from a client, broadcast to every member of the room.",
        tags: &["websocket", "chat"],
        hours_ago: 98,
    },
    Seed {
        author: "Marta Kowalska",
        title: "Server-Sent Events are underrated",
        body: "For news tickers and notifications the server talks and the browser listens. SSE \
               does that over plain HTTP, reconnects on its own, and resumes where it left off by \
               sending the last event id it saw.",
        tags: &["sse", "push"],
        hours_ago: 74,
    },
    Seed {
        author: "Tom Okafor",
        title: "GraphQL: ask for exactly what you need",
        body:
            "A REST list endpoint returns whatever its designer chose. A GraphQL query names the \
               fields it wants, so a sidebar that shows titles downloads titles and nothing else. \
               The price is a query language and limits on how deep a query may go.",
        tags: &["graphql", "performance"],
        hours_ago: 50,
    },
    Seed {
        author: "Priya Raman",
        title: "Backpressure: dropping slow consumers",
        body: "A broadcast is only as fast as its slowest reader unless the server refuses to \
               wait. Giving each client a bounded queue and disconnecting the ones that fall \
               behind keeps a busy chat room responsive for everyone else.",
        tags: &["websocket", "performance"],
        hours_ago: 26,
    },
    Seed {
        author: "Marta Kowalska",
        title: "CORS in one page",
        body: "A page on one origin may call an API on another only if the API says so with \
               Access-Control-Allow-Origin. Preflight OPTIONS requests ask first for anything \
               beyond a simple GET or form POST.",
        tags: &["http", "security"],
        hours_ago: 2,
    },
];

fn seed_posts(conn: &Connection) -> rusqlite::Result<()> {
    let now = chrono::Utc::now();
    let mut post = conn
        .prepare("INSERT INTO posts (author, title, body, created_at) VALUES (?1, ?2, ?3, ?4)")?;
    let mut tag =
        conn.prepare("INSERT INTO post_tags (post_id, position, tag) VALUES (?1, ?2, ?3)")?;
    for seed in SEEDS {
        let created = seed.created_at(now);
        post.execute(params![seed.author, seed.title, seed.body, created])?;
        let id = conn.last_insert_rowid();
        for (position, name) in seed.tags.iter().enumerate() {
            tag.execute(params![id, position, name])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_fit_the_validation_rules() {
        for seed in SEEDS {
            let post = crate::model::NewPost {
                author: seed.author.into(),
                title: seed.title.into(),
                body: seed.body.into(),
                tags: seed.tags.iter().map(|t| t.to_string()).collect(),
            };
            assert!(post.validate().is_ok(), "seed {:?} is invalid", seed.title);
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op_and_newer_schemas_are_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, true).unwrap();
        migrate(&mut conn, true).unwrap();
        let count: i64 = conn
            .query_row("SELECT count(*) FROM posts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, SEEDS.len() as i64);
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = migrate(&mut conn, true).unwrap_err().to_string();
        assert!(err.contains("schema version 99"), "{err}");
    }
}
