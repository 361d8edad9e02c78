//! The set of posts in memory: discovered under `posts/` (or Jekyll's `_posts/`), loaded in parallel, sorted newest
//! first, drafts and future posts filtered out.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::page::{skipped_by_jekyll, Loaded, Page};
use crate::config::SiteConfig;
use crate::diagnostics::Problem;
use crate::paths;

#[derive(Debug, Default)]
pub struct Library {
    /// Published posts, newest first.
    pub pages: Vec<Page>,
}

/// Folders posts are read from: wirebook's `posts/`, and a Jekyll root's `_posts/` and
/// (with `--drafts`) `_drafts/`.
pub fn post_dirs(include_drafts: bool) -> Vec<&'static str> {
    let mut dirs = vec![paths::POSTS, paths::JEKYLL_POSTS];
    if include_drafts {
        dirs.push(paths::JEKYLL_DRAFTS);
    }
    dirs
}

/// Markdown files under the post folders, relative to `root`, in a stable order, and
/// warnings for links that lead outside the site (not followed). Hidden files and editor
/// backups (`.#x.md`, `x.md~`) are skipped.
pub fn discover(root: &Path, include_drafts: bool) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut skipped = Vec::new();
    for dir in post_dirs(include_drafts) {
        let walked = crate::walk::files(root, &root.join(dir), |e| {
            !e.file_name().to_string_lossy().starts_with('.')
        });
        files.extend(
            walked
                .files
                .iter()
                .filter(|e| is_markdown(e.path()))
                .filter_map(|e| e.path().strip_prefix(root).ok().map(Path::to_path_buf)),
        );
        skipped.extend(walked.skipped);
    }
    files.sort();
    (files, skipped)
}

pub fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "markdown")
    )
}

pub struct LoadResult {
    pub library: Library,
    pub warnings: Vec<Problem>,
    pub problems: Vec<Problem>,
}

impl Library {
    /// Loads every post (see [`discover`]) with [`Page::load`].
    pub fn load(root: &Path, config: &SiteConfig, include_drafts: bool) -> LoadResult {
        Self::load_with(root, include_drafts, |rel| Page::load(root, rel, config))
    }

    /// [`Library::load`] with `load` reading each post (relative path): the build cache's
    /// posts index skips unchanged files.
    pub fn load_with(
        root: &Path,
        include_drafts: bool,
        load: impl Fn(&Path) -> Result<Loaded, Vec<Problem>> + Sync,
    ) -> LoadResult {
        let (mut files, mut warnings) = discover(root, include_drafts);
        files.retain(|rel| match skipped_by_jekyll(rel) {
            Some(w) => {
                warnings.push(w);
                false
            }
            None => true,
        });
        let results: Vec<Result<Loaded, Vec<Problem>>> =
            files.par_iter().map(|rel| load(rel)).collect();
        let mut pages = Vec::with_capacity(results.len());
        let mut problems = Vec::new();
        for r in results {
            match r {
                Ok(loaded) => {
                    warnings.extend(loaded.warnings);
                    pages.push(loaded.page);
                }
                Err(p) => problems.extend(p),
            }
        }
        let now = chrono::Utc::now();
        pages.retain(|p| include_drafts || p.is_published(now));
        let mut library = Library { pages };
        library.sort();

        let mut seen: HashMap<&str, &Path> = HashMap::new();
        for p in &library.pages {
            if let Some(other) = seen.insert(p.path.as_str(), &p.source) {
                problems.push(permalink_clash(p, other));
            }
        }
        LoadResult {
            library,
            warnings,
            problems,
        }
    }

    /// Newest first; ties by source path, so the order is stable across builds.
    pub fn sort(&mut self) {
        self.pages
            .sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.source.cmp(&b.source)));
    }

    /// The post before (older) and after (newer) the one at `index`.
    pub fn neighbours(&self, index: usize) -> (Option<&Page>, Option<&Page>) {
        let older = self.pages.get(index + 1);
        let newer = index.checked_sub(1).and_then(|i| self.pages.get(i));
        (older, newer)
    }
}

/// Two posts would be written to the same URL.
pub fn permalink_clash(page: &Page, other: &Path) -> Problem {
    Problem::new(
        &page.source,
        format!(
            "permalink {} is also used by {}; set a different `slug` or `permalink`",
            page.path,
            other.display()
        ),
    )
}
