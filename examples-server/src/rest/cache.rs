//! A small cache of serialised GET responses for `/api/posts`, keyed by the
//! normalised request and checked against the store's write generation.
//!
//! Why: the guestbook is read far more than written (every widget polls the
//! list), and serving an unchanged list from memory skips the blocking-pool
//! hop and the query. Correctness rests on [`crate::store::Store::generation`]:
//! an entry is used only while no write has happened since it was filled.

use std::collections::HashMap;
use std::sync::RwLock;

use axum::body::Bytes;
use axum::http::HeaderValue;

/// Distinct requests kept; past this the cache starts over. Lists are keyed
/// by page, size, search and shape, so a busy site needs only a handful.
const MAX_ENTRIES: usize = 1024;

/// A normalised cacheable request: what was asked, not how it was spelled.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CacheKey {
    List {
        page: u64,
        per_page: u32,
        full: bool,
        q: Option<String>,
    },
    Post(i64),
}

#[derive(Debug, Clone)]
pub struct Cached {
    pub body: Bytes,
    pub etag: HeaderValue,
}

#[derive(Debug, Default)]
pub struct ResponseCache {
    entries: RwLock<HashMap<CacheKey, (u64, Cached)>>,
}

impl ResponseCache {
    pub fn get(&self, key: &CacheKey, generation: u64) -> Option<Cached> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        match entries.get(key) {
            Some((g, cached)) if *g == generation => Some(cached.clone()),
            _ => None,
        }
    }

    pub fn put(&self, key: CacheKey, generation: u64, cached: Cached) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (generation, cached));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_from_an_older_generation_are_ignored() {
        let cache = ResponseCache::default();
        let cached = Cached {
            body: Bytes::from_static(b"[]"),
            etag: HeaderValue::from_static("W/\"1\""),
        };
        cache.put(CacheKey::Post(1), 1, cached);
        assert!(cache.get(&CacheKey::Post(1), 1).is_some());
        assert!(cache.get(&CacheKey::Post(1), 2).is_none());
        assert!(cache.get(&CacheKey::Post(2), 1).is_none());
    }
}
