//! The search index, built with the site and read by `assets/search.js` in the browser: no
//! server, no CDN, works offline and under a base path.
//!
//! Files (under `search/`):
//! - `meta.json`: `{"v": version, "buckets": B, "docs": N, "split": {prefix: [longer prefixes]}}`,
//!   fetched first (revalidated);
//! - `index/B.json`: one shard, `{"term": postings}` for the terms whose shard key hashes to B
//!   (see `tokens.rs`; a key listed in `split` was divided one character further). Postings are the ids of the posts holding the term, ascending, each
//!   written as `(id − previous id) × 2 + in_title` (the first counts from −1);
//! - `doc/ID.json`: `{"u": url, "t": title, "d": date, "x": text}` for the results list: the
//!   passage shown, and the check that a candidate really contains the query.
//!
//! A query reads `meta.json`, one shard per query term and the documents it shows, so what it
//! fetches does not grow with the site (numbers in BENCHMARKS.md).
//!
//! A post's body is tokenised once, at the Markdown stage ([`post_text`], kept in the build
//! cache with the rest of `Rendered`), so building the index merges term lists: an edit
//! re-tokenises only the edited post (#15). Every file has an input key: `build` keeps an
//! unchanged file in the output unmade, and `serve` keeps an [`Emitted`] between rebuilds so
//! that only files whose inputs changed are made and handed on.

mod postings;
pub mod tokens;

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use crate::content::page::Page;
use crate::content::rendered::SearchText;
use crate::output::{InputKey, Sink};

/// Maps keyed by terms we made ourselves: a fast hasher is safe.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Text kept per document for passages and the check, in characters.
const DOC_TEXT_CHARS: usize = 20_000;

/// What the index needs of one post: the post, and its URL and date as lists show them.
pub struct Doc<'a> {
    pub page: &'a Page,
    pub url: String,
    pub date_display: String,
}

/// A post body's part of the index, from its plain text: its distinct terms, sorted, and
/// the text its document shows (the first [`DOC_TEXT_CHARS`] characters).
pub fn post_text(mut plain: String) -> SearchText {
    let mut seen: FastMap<String, ()> = FastMap::default();
    tokens::terms(&plain, |t| {
        if !seen.contains_key(t) {
            seen.insert(t.to_string(), ());
        }
    });
    let mut terms: Vec<String> = seen.into_keys().collect();
    terms.sort_unstable();
    if let Some((cut, _)) = plain.char_indices().nth(DOC_TEXT_CHARS) {
        plain.truncate(cut);
    }
    plain.shrink_to_fit();
    SearchText {
        terms: terms.join(" "),
        text_hash: xxhash_rust::xxh3::xxh3_128(plain.as_bytes()),
        text: plain,
    }
}

/// What `serve` remembers of the index it last handed on: each file's input key, so the
/// next build of the index hands on only the files whose inputs changed, and the postings,
/// patched for the posts whose terms changed instead of merged again.
#[derive(Debug, Default)]
pub struct Emitted {
    docs: Vec<u128>,
    shards: Vec<u128>,
    meta: u128,
    /// Files the last build no longer made (fewer posts or shards), for the caller to drop.
    gone: Vec<String>,
    /// Each post's source and the key of its terms, in id order.
    posts: Vec<(PathBuf, u128)>,
    postings: postings::Owned,
}

impl Emitted {
    /// Brings the postings up to date with `docs`: when the posts are the same ones in the
    /// same order (an edit), only those whose terms changed are patched; otherwise (a post
    /// added, removed or moved) everything is merged again.
    fn update(&mut self, docs: &[Doc<'_>]) {
        let keys: Vec<u128> = docs.par_iter().map(|d| terms_key(d.page)).collect();
        let same_posts = self.posts.len() == docs.len()
            && self
                .posts
                .iter()
                .zip(docs)
                .all(|(p, d)| p.0 == d.page.source);
        if same_posts {
            for (id, d) in docs.iter().enumerate() {
                if self.posts[id].1 != keys[id] {
                    let heading = heading(d.page);
                    let post = postings::PostTerms {
                        heading: &heading,
                        body: &d.page.rendered.search.terms,
                    };
                    postings::patch(&mut self.postings, id, &post);
                }
            }
        } else {
            self.postings = merge(docs);
        }
        self.posts = docs
            .iter()
            .zip(keys)
            .map(|(d, key)| (d.page.source.clone(), key))
            .collect();
    }

    /// The files the last build of the index no longer made.
    pub fn take_gone(&mut self) -> Vec<String> {
        std::mem::take(&mut self.gone)
    }
}

/// A post's document text, for a document written again (`text(page)`: a post taken from
/// the posts index has it in its cache entry only).
pub type Text<'a> = &'a (dyn Fn(&Page) -> Result<String> + Sync);

/// Builds every file of the index into `sink`. Each file has an input key (a shard: its
/// terms and postings; a document: its URL, title, date and text); a file whose key is the
/// one `emitted` (`serve`) or the sink's output (`build`) holds is neither made nor handed
/// on. Documents are written as they are made, never all held at once.
pub fn build(
    docs: &[Doc<'_>],
    text: Text<'_>,
    emitted: Option<&mut Emitted>,
    sink: &dyn Sink,
) -> Result<()> {
    let t = std::time::Instant::now();
    let mut emitted = emitted;
    if let Some(e) = emitted.as_deref_mut() {
        e.update(docs);
    }
    let fresh;
    let postings: Vec<(&str, &postings::Postings)> = match emitted.as_deref() {
        Some(e) => &e.postings,
        None => {
            fresh = merge(docs);
            &fresh
        }
    }
    .iter()
    .map(|(t, p)| (&**t, p))
    .collect();
    let terms = postings.len();
    let t_merge = t.elapsed();
    let shards = postings::shards(&postings);
    let t_shards = t.elapsed();

    let old = emitted.as_deref();
    let kept = |old: Option<&u128>, file: &str, key: u128| {
        old == Some(&key) || (old.is_none() && sink.reuse(&[file], key))
    };
    let shard_keys: Vec<u128> = shards
        .terms
        .par_iter()
        .enumerate()
        .map(|(b, terms)| {
            let key = postings::shard_key(terms);
            let file = shard_file(b);
            if !kept(old.and_then(|e| e.shards.get(b)), &file, key) {
                sink.put(&file, &postings::shard_json(terms), key)?;
            }
            Ok(key)
        })
        .collect::<Result<_>>()?;
    let doc_keys: Vec<u128> = docs
        .par_iter()
        .enumerate()
        .map(|(id, d)| {
            let mut doc = DocJson {
                d: &d.date_display,
                t: &d.page.title,
                u: &d.url,
                x: "",
            };
            let key = doc.key(d.page.rendered.search.text_hash);
            let file = doc_file(id);
            if !kept(old.and_then(|e| e.docs.get(id)), &file, key) {
                let x = text(d.page)?;
                doc.x = &x;
                sink.put(&file, &serde_json::to_vec(&doc).expect("json"), key)?;
            }
            Ok(key)
        })
        .collect::<Result<_>>()?;

    // The version readers' caches are keyed by: every file's input key, in order.
    let mut listing = Vec::with_capacity((shard_keys.len() + doc_keys.len()) * 16);
    for key in shard_keys.iter().chain(&doc_keys) {
        listing.extend_from_slice(&key.to_le_bytes());
    }
    let version = crate::site::content_version([&listing[..]]);
    let meta = serde_json::json!({
        "v": version,
        "buckets": shards.buckets,
        "docs": docs.len(),
        "split": shards.split,
    });
    let meta = serde_json::to_vec(&meta).expect("json");
    let mut meta_key = InputKey::default();
    meta_key.raw(&meta);
    let meta_key = meta_key.finish();
    if !kept(old.map(|e| &e.meta), META, meta_key) {
        sink.put(META, &meta, meta_key)?;
    }
    tracing::debug!(
        "search index: {terms} terms merged in {t_merge:?}, {} shards by {t_shards:?}, {} documents by {:?}",
        shard_keys.len(),
        docs.len(),
        t.elapsed()
    );
    if let Some(e) = emitted {
        e.gone
            .extend((shard_keys.len()..e.shards.len()).map(shard_file));
        e.gone.extend((doc_keys.len()..e.docs.len()).map(doc_file));
        e.shards = shard_keys;
        e.docs = doc_keys;
        e.meta = meta_key;
    }
    Ok(())
}

const META: &str = "search/meta.json";

/// Every post's terms merged (see `postings::merge`).
fn merge(docs: &[Doc<'_>]) -> postings::Owned {
    let headings: Vec<Vec<String>> = docs.par_iter().map(|d| heading(d.page)).collect();
    let posts: Vec<postings::PostTerms<'_>> = docs
        .iter()
        .zip(&headings)
        .map(|(d, heading)| postings::PostTerms {
            heading,
            body: &d.page.rendered.search.terms,
        })
        .collect();
    postings::owned(postings::merge(&posts))
}

/// The terms of a post's title, tags and categories, sorted and distinct: a few words,
/// tokenised here (they come from the front matter, which the Markdown stage's term lists
/// do not see).
fn heading(page: &Page) -> Vec<String> {
    let mut heading = page.title.clone();
    for t in page.tags.iter().chain(&page.categories) {
        heading.push(' ');
        heading.push_str(t);
    }
    let mut terms = Vec::new();
    tokens::terms(&heading, |t| terms.push(t.to_string()));
    terms.sort_unstable();
    terms.dedup();
    terms
}

/// What a post's terms are made of: its title, tags, categories and body terms.
fn terms_key(page: &Page) -> u128 {
    let mut key = InputKey::default();
    for part in [&page.title, &page.rendered.search.terms]
        .into_iter()
        .chain(&page.tags)
    {
        key.part(part.as_bytes());
    }
    // Where the tags end: a tag and a category give the same terms, but say it anyway.
    key.raw(&u64::MAX.to_le_bytes());
    for part in &page.categories {
        key.part(part.as_bytes());
    }
    key.finish()
}

fn shard_file(bucket: usize) -> String {
    format!("search/index/{bucket}.json")
}

fn doc_file(id: usize) -> String {
    format!("search/doc/{id}.json")
}

/// `doc/ID.json`, fields in the order serde_json writes a map's keys (sorted).
#[derive(Serialize)]
struct DocJson<'a> {
    d: &'a str,
    t: &'a str,
    u: &'a str,
    x: &'a str,
}

impl DocJson<'_> {
    /// The document's input key: its URL, title and date, and `text_hash` for its text.
    fn key(&self, text_hash: u128) -> u128 {
        let mut key = InputKey::default();
        for part in [self.d, self.t, self.u] {
            key.part(part.as_bytes());
        }
        key.u128(text_hash);
        key.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_text_keeps_distinct_sorted_terms_and_the_start_of_the_text() {
        let s = post_text("Rust rust 웹소켓은 HTTP rust".into());
        assert_eq!(s.terms, "http rust 소켓 웹소 켓은");
        assert_eq!(s.text, "Rust rust 웹소켓은 HTTP rust");
        let long = "가".repeat(DOC_TEXT_CHARS + 5);
        assert_eq!(post_text(long).text.chars().count(), DOC_TEXT_CHARS);
        assert_eq!(post_text(String::new()).terms().count(), 0);
    }
}
