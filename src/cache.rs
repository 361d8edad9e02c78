//! The build cache in `<root>/.wirebook-cache/`: each post's rendered Markdown (HTML with
//! highlighted code, table of contents, summary, counts, warnings) keyed by a hash of its
//! text, so a build in a new process re-renders only the posts that changed (#15).
//!
//! One file, `markdown.bin`: a header (format, a salt naming this wirebook version and the
//! whole configuration), the entries, and a checksum of all of it. A file that does not
//! read back exactly (corrupt, cut short by a killed build, another version or config) is
//! ignored, never trusted; it is replaced atomically (temp file, rename) after each
//! successful build, keeping only what that build used. Page templates are not inputs of the Markdown stage,
//! so a template change needs no invalidation here: every page is still rendered through
//! the templates on every build.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

use crate::content::page::{Page, Rendered};
use crate::diagnostics::Problem;

pub const DIR: &str = crate::paths::CACHE;
const FILE: &str = "markdown.bin";
/// Bumped when the file's layout changes.
const FORMAT: u32 = 1;

#[derive(Clone, Serialize, Deserialize)]
pub struct Entry {
    pub rendered: Rendered,
    pub warnings: Vec<Problem>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    salt: u128,
    entries: HashMap<u128, Entry>,
}

/// The cache for one build: what was read, and what this build used or rendered.
pub struct MarkdownCache {
    file: Option<PathBuf>,
    salt: u128,
    old: HashMap<u128, Entry>,
    used: Mutex<HashMap<u128, Entry>>,
}

impl MarkdownCache {
    /// No cache at all (`--no-cache`, `check`, `serve`).
    pub fn off() -> Self {
        MarkdownCache {
            file: None,
            salt: 0,
            old: HashMap::new(),
            used: Mutex::new(HashMap::new()),
        }
    }

    /// Opens `<root>/.wirebook-cache/markdown.bin`; `salt` names everything besides a
    /// post's own text that its rendering depends on.
    pub fn open(root: &Path, salt: &str) -> Self {
        let file = crate::paths::SitePaths::new(root).cache().join(FILE);
        let salt = xxh3_128(format!("{}\0{salt}", env!("CARGO_PKG_VERSION")).as_bytes());
        let old = read(&file, salt).unwrap_or_default();
        MarkdownCache {
            file: Some(file),
            salt,
            old,
            used: Mutex::new(HashMap::new()),
        }
    }

    pub fn is_on(&self) -> bool {
        self.file.is_some()
    }

    /// The key of a page's Markdown stage: its path, where its body starts, its language
    /// and its text.
    pub fn key(&self, page: &Page) -> u128 {
        let mut bytes = Vec::with_capacity(page.body.len() + 200);
        bytes.extend_from_slice(page.source.to_string_lossy().as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(&page.body_line.to_le_bytes());
        bytes.extend_from_slice(page.lang.as_deref().unwrap_or("").as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(page.body.as_bytes());
        xxh3_128(&bytes)
    }

    pub fn get(&self, key: u128) -> Option<Entry> {
        let entry = self.old.get(&key)?.clone();
        self.keep(key, entry.clone());
        Some(entry)
    }

    pub fn keep(&self, key: u128, entry: Entry) {
        if self.is_on() {
            self.used.lock().expect("cache lock").insert(key, entry);
        }
    }

    /// How many pages came from the cache.
    pub fn hits(&self) -> usize {
        let used = self.used.lock().expect("cache lock");
        used.keys().filter(|k| self.old.contains_key(k)).count()
    }

    /// What this build used, serialized with its checksum, ready to replace the file once
    /// the build has succeeded (a failed build writes nothing).
    pub fn encode(self) -> Option<Encoded> {
        let file = self.file?;
        let stored = Stored {
            format: FORMAT,
            salt: self.salt,
            entries: self.used.into_inner().expect("cache lock"),
        };
        let mut bytes = bincode::serialize(&stored).ok()?;
        let sum = xxh3_128(&bytes).to_le_bytes();
        bytes.extend_from_slice(&sum);
        Some(Encoded { file, bytes })
    }
}

/// The cache file's next contents.
pub struct Encoded {
    file: PathBuf,
    bytes: Vec<u8>,
}

impl Encoded {
    /// Replaces the file atomically. A failure is a warning: the build itself is fine.
    pub fn write(self) -> Option<String> {
        write(&self.file, &self.bytes)
            .err()
            .map(|e| format!("{}: cache not saved: {e}", self.file.display()))
    }
}

fn read(file: &Path, salt: u128) -> Option<HashMap<u128, Entry>> {
    let bytes = std::fs::read(file).ok()?;
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(16)?)?;
    if xxh3_128(body).to_le_bytes() != sum {
        tracing::debug!("{}: checksum mismatch, ignored", file.display());
        return None;
    }
    let stored: Stored = bincode::deserialize(body).ok()?;
    (stored.format == FORMAT && stored.salt == salt).then_some(stored.entries)
}

fn write(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().expect("cache file in a folder");
    std::fs::create_dir_all(dir)?;
    // One name, so a killed build leaves at most one stray file, overwritten next time.
    let tmp = dir.join(format!("{FILE}.tmp"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    drop(f);
    std::fs::rename(&tmp, file)
}
