//! The build cache in `<root>/.wirebook-cache/`: each post's rendered Markdown (HTML with
//! highlighted code, table of contents, summary, counts, warnings) keyed by a hash of its
//! text, so a build in a new process re-renders only the posts that changed (#15).
//!
//! One file per entry, `markdown/<key>`, named by the xxh3-128 hash of everything the
//! Markdown stage reads: a salt naming this wirebook version and the whole configuration,
//! the post's path, language and text. An entry is written (temp file, rename) as soon as
//! its post is rendered and never rewritten, so a warm build reads only what it uses and
//! writes only what changed; one that does not read back exactly (corrupt, cut short, an
//! older format) is ignored, never trusted. After a successful build, entries that build did
//! not use are removed. Page templates are not inputs of the Markdown stage, so a template
//! change needs no invalidation here.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use bincode::Options as _;
use xxhash_rust::xxh3::xxh3_128;

use crate::content::page::Page;
use crate::content::rendered::Rendered;

pub const DIR: &str = crate::paths::CACHE;
const ENTRIES: &str = "markdown";
/// The single-file cache of wirebook 0.1's first cache format, removed when found.
const LEGACY_FILE: &str = "markdown.bin";
/// Bumped when an entry's layout changes.
const FORMAT: u32 = 3;

/// The cache for one build: where entries live, and which ones this build used.
pub struct MarkdownCache {
    dir: Option<PathBuf>,
    salt: u128,
    hits: AtomicUsize,
    used: Mutex<HashSet<u128>>,
}

impl MarkdownCache {
    /// No cache at all (`--no-cache`, `check`, `serve`).
    pub fn off() -> Self {
        MarkdownCache {
            dir: None,
            salt: 0,
            hits: AtomicUsize::new(0),
            used: Mutex::new(HashSet::new()),
        }
    }

    /// Uses `<root>/.wirebook-cache/markdown/`; `salt` names everything besides a post's
    /// own text that its rendering depends on.
    pub fn open(root: &Path, salt: &str) -> Self {
        let dir = crate::paths::SitePaths::new(root).cache();
        let _ = std::fs::remove_file(dir.join(LEGACY_FILE));
        let salt = xxh3_128(format!("{}\0{FORMAT}\0{salt}", env!("CARGO_PKG_VERSION")).as_bytes());
        MarkdownCache {
            dir: Some(dir.join(ENTRIES)),
            salt,
            hits: AtomicUsize::new(0),
            used: Mutex::new(HashSet::new()),
        }
    }

    pub fn is_on(&self) -> bool {
        self.dir.is_some()
    }

    /// The key of a page's Markdown stage: the salt, its path, where its body starts, its
    /// language and its text.
    pub fn key(&self, page: &Page) -> u128 {
        let mut bytes = Vec::with_capacity(page.body.len() + 200);
        bytes.extend_from_slice(&self.salt.to_le_bytes());
        bytes.extend_from_slice(page.source.to_string_lossy().as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(&page.body_line.to_le_bytes());
        bytes.extend_from_slice(page.lang.as_deref().unwrap_or("").as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(page.body.as_bytes());
        xxh3_128(&bytes)
    }

    fn path(&self, key: u128) -> Option<PathBuf> {
        Some(self.dir.as_ref()?.join(format!("{key:032x}")))
    }

    /// The entry for `key`, when one reads back intact.
    pub fn get(&self, key: u128) -> Option<Rendered> {
        let entry = read_sealed(&self.path(key)?)?;
        self.used.lock().expect("cache lock").insert(key);
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(entry)
    }

    /// Counts the entry for `key` as used without reading it: its post came from the posts
    /// index (`site/posts_index.rs`), and the entry is read only when a page needs its HTML.
    pub fn known(&self, key: u128) {
        self.used.lock().expect("cache lock").insert(key);
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether this build read or wrote the entry for `key`, so it is on disk.
    pub fn holds(&self, key: u128) -> bool {
        self.used.lock().expect("cache lock").contains(&key)
    }

    /// The salt of every key: this wirebook, the cache's format and the configuration.
    pub fn salt(&self) -> u128 {
        self.salt
    }

    /// Stores a freshly rendered entry. A failure only costs the next build this post.
    pub fn keep(&self, key: u128, rendered: &Rendered) {
        let Some(path) = self.path(key) else { return };
        if let Err(e) = write_sealed(&path, rendered) {
            tracing::debug!("{}: not cached: {e}", path.display());
            return;
        }
        self.used.lock().expect("cache lock").insert(key);
    }

    /// How many pages came from the cache.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// After a successful build: removes the entries it did not use (older versions of
    /// posts, another configuration). A failure is a warning: the build itself is fine.
    pub fn finish(self) -> Option<String> {
        let dir = self.dir?;
        let used = self.used.into_inner().expect("cache lock");
        let entries = std::fs::read_dir(&dir).ok()?;
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            // Anything but an entry this build used: stale entries, and temp files of a
            // build that was killed.
            let keep = name
                .to_str()
                .and_then(|n| u128::from_str_radix(n, 16).ok())
                .is_some_and(|key| used.contains(&key));
            if !keep {
                if let Err(e) = std::fs::remove_file(entry.path()) {
                    return Some(format!("{}: cannot remove: {e}", entry.path().display()));
                }
            }
        }
        None
    }
}

/// Writes `value` as bincode followed by the xxh3-128 checksum of those bytes, through a
/// temp file renamed into place: what [`read_sealed`] reads back. Cache entries and the
/// output's manifest are kept this way.
pub(crate) fn write_sealed(file: &Path, value: &impl serde::Serialize) -> std::io::Result<()> {
    let mut bytes = codec(usize::MAX)
        .serialize(value)
        .map_err(std::io::Error::other)?;
    bytes.extend_from_slice(&xxh3_128(&bytes).to_le_bytes());
    write(file, &bytes)
}

/// The value [`write_sealed`] wrote to `file`, when it reads back exactly: a missing, cut
/// short or corrupt file (checksum or layout) is `None`, never trusted.
pub(crate) fn read_sealed<T: serde::de::DeserializeOwned>(file: &Path) -> Option<T> {
    let bytes = std::fs::read(file).ok()?;
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(16)?)?;
    if xxh3_128(body).to_le_bytes() != sum {
        tracing::debug!("{}: checksum mismatch, ignored", file.display());
        return None;
    }
    codec(body.len()).deserialize(body).ok()
}

/// bincode with fixed-size integers (as `bincode::serialize`), refusing to allocate more
/// than the entry's own size: a corrupt length is an error, not a huge allocation.
fn codec(limit: usize) -> impl bincode::Options {
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_limit(limit as u64)
}

fn write(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().expect("cache file in a folder");
    std::fs::create_dir_all(dir)?;
    // Named by the writing process and thread: entries are written in parallel.
    let tmp = file.with_extension(format!(
        "{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    drop(f);
    std::fs::rename(&tmp, file)
}
