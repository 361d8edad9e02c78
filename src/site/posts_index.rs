//! The posts index of the build cache (`.wirebook-cache/posts.bin`, #15): every post as the
//! last build loaded it — front matter resolved, URL, load warnings — with the light parts
//! of its Markdown (summary, counts, links, warnings, search terms; not the HTML nor the
//! search document's text), keyed by the file's size and modification time. A warm build neither reads nor parses a post
//! whose file is unchanged, and reads its cached HTML only for a page it renders again.
//!
//! The index is salted like the Markdown cache (wirebook version and the whole
//! configuration: defaults, permalink, timezone … all change a page). Drafts and future
//! posts are still filtered when the site is loaded: the index only saves the reading.
//! Jekyll sources are never indexed (their Liquid reads other posts). A file modified less
//! than a second before it was read is not indexed either: a second edit within the clock's
//! granularity could keep its size and modification time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::cache::{read_sealed, write_sealed};
use crate::content::page::{Loaded, Page};
use crate::diagnostics::Problem;

const FILE: &str = "posts.bin";
/// Bumped when the layout of [`Index`] or [`Page`] changes.
const FORMAT: u32 = 2;

/// A source file as it was when read: its size and modification time in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    mtime: u128,
}

impl Stamp {
    /// The file's stamp, unless it changed too recently to be told from a second edit.
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?;
        let age = SystemTime::now().duration_since(modified).ok()?;
        let mtime = modified.duration_since(SystemTime::UNIX_EPOCH).ok()?;
        (age > Duration::from_secs(1)).then_some(Stamp {
            len: meta.len(),
            mtime: mtime.as_nanos(),
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    /// The page as loaded and through the Markdown stage, without its body and with only the
    /// light parts of `rendered` (`Page::html_pending`).
    page: Page,
    warnings: Vec<Problem>,
}

#[derive(Serialize, Deserialize)]
struct Index {
    format: u32,
    salt: u128,
    entries: Vec<(PathBuf, Entry)>,
}

/// The index for one build: the entries read from the last one, and the stamps and load
/// warnings of the posts this build reads, for the entries it saves.
pub struct PostsIndex {
    file: PathBuf,
    salt: u128,
    known: HashMap<PathBuf, Entry>,
    /// Posts this build read from their files: stamp and load warnings.
    fresh: Mutex<HashMap<PathBuf, (Stamp, Vec<Problem>)>>,
}

impl PostsIndex {
    /// Reads `<root>/.wirebook-cache/posts.bin`; one written with another salt or format,
    /// cut short or corrupt counts as empty.
    pub fn open(root: &Path, salt: u128) -> Self {
        let file = crate::paths::SitePaths::new(root).cache().join(FILE);
        let known = read_sealed::<Index>(&file)
            .filter(|i| i.format == FORMAT && i.salt == salt)
            .map(|i| i.entries.into_iter().collect())
            .unwrap_or_default();
        PostsIndex {
            file,
            salt,
            known,
            fresh: Mutex::new(HashMap::new()),
        }
    }

    /// Loads the post at `rel`: from the index when its file is as it was, else from the
    /// file (see `Page::load`).
    pub fn load(
        &self,
        root: &Path,
        rel: &Path,
        config: &crate::config::SiteConfig,
    ) -> Result<Loaded, Vec<Problem>> {
        let stamp = Stamp::of(&root.join(rel));
        if let Some(entry) = self.known.get(rel).filter(|e| Some(e.stamp) == stamp) {
            return Ok(Loaded {
                page: entry.page.clone(),
                warnings: entry.warnings.clone(),
            });
        }
        let loaded = Page::load(root, rel, config)?;
        if let Some(stamp) = stamp {
            self.fresh
                .lock()
                .expect("index lock")
                .insert(rel.to_path_buf(), (stamp, loaded.warnings.clone()));
        }
        Ok(loaded)
    }

    /// Whether saving would change the index: this build read and stamped a post, or a
    /// post the index holds is gone (removed, or now a draft). An entry whose file changed
    /// too recently to be stamped again may stay as it was: its stamp no longer matches.
    pub fn needs_saving(&self, pages: &[Page]) -> bool {
        if !self.fresh.lock().expect("index lock").is_empty() {
            return true;
        }
        let sources: std::collections::HashSet<&Path> =
            pages.iter().map(|p| p.source.as_path()).collect();
        self.known.keys().any(|k| !sources.contains(k.as_path()))
    }

    /// Saves the entries of `pages` (published posts, after the Markdown stage, before their
    /// layouts are resolved) that came from the index or were read by this build with a
    /// stamp. Failing to save only costs the next build time.
    pub fn save(self, pages: impl Iterator<Item = Page>) {
        let mut fresh = self.fresh.into_inner().expect("index lock");
        let mut known = self.known;
        let entries: Vec<(PathBuf, Entry)> = pages
            .filter(|page| page.markdown_key.is_some())
            .filter_map(|page| {
                let (stamp, warnings) = match fresh.remove(&page.source) {
                    Some(read) => read,
                    None => known.remove(&page.source).map(|e| (e.stamp, e.warnings))?,
                };
                Some((
                    page.source.clone(),
                    Entry {
                        stamp,
                        page,
                        warnings,
                    },
                ))
            })
            .collect();
        let index = Index {
            format: FORMAT,
            salt: self.salt,
            entries,
        };
        if let Err(e) = write_sealed(&self.file, &index) {
            tracing::debug!("{}: posts index not saved: {e}", self.file.display());
        }
    }
}

/// Drops the page's HTML, which its cache entry holds: see `Page::html_pending`. The search
/// document's text stays (the search index of a cold build writes every document).
pub fn make_light(page: &mut Page) {
    page.rendered.html = String::new();
    page.html_pending = true;
}

/// A copy of `page` for the index: no body, and only the light parts of its Markdown (the
/// HTML and the search document's text stay in the cache entry; the search terms, which
/// every build of the search index reads, are light).
pub fn light(page: &mut Page) -> Page {
    let heavy = (
        std::mem::take(&mut page.body),
        std::mem::take(&mut page.rendered.html),
        std::mem::take(&mut page.rendered.search.text),
    );
    let mut light = page.clone();
    light.html_pending = true;
    (page.body, page.rendered.html, page.rendered.search.text) = heavy;
    light
}
