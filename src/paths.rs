//! Where a site's files are: every folder name the generator reads or writes, in one place.
//!
//! A site root holds `wirebook.toml`, `posts/` (or Jekyll's `_posts/` and `_drafts/`),
//! optional `templates/` (theme overrides, with `templates/static/` for theme assets) and
//! `static/`; a build writes `public/` and keeps its cache in `.wirebook-cache/`. Code that
//! needs one of these asks a [`SitePaths`] (or, to match a path relative to the root, uses
//! the names below) instead of spelling the folder out.

use std::path::{Path, PathBuf};

/// wirebook's post folder.
pub const POSTS: &str = "posts";
/// Files copied to the output as they are.
pub const STATIC: &str = "static";
/// The site's template overrides; `templates/static/` overrides the theme's assets.
pub const TEMPLATES: &str = "templates";
/// The default output folder of `build`.
pub const OUTPUT: &str = "public";
/// The build cache (rendered Markdown by content hash, see `cache.rs`).
pub const CACHE: &str = ".wirebook-cache";
/// Jekyll's post folder; files in it must be named `YYYY-MM-DD-title.md`.
pub const JEKYLL_POSTS: &str = "_posts";
/// Jekyll's drafts: undated names, shown only with `--drafts`.
pub const JEKYLL_DRAFTS: &str = "_drafts";

/// The folders of one site, built from its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePaths {
    root: PathBuf,
}

impl SitePaths {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        SitePaths { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `wirebook.toml`.
    pub fn config_file(&self) -> PathBuf {
        self.root.join(crate::config::CONFIG_FILE)
    }

    /// `posts/`.
    pub fn posts(&self) -> PathBuf {
        self.root.join(POSTS)
    }

    /// Jekyll's `_posts/`.
    pub fn jekyll_posts(&self) -> PathBuf {
        self.root.join(JEKYLL_POSTS)
    }

    /// `static/`.
    pub fn static_dir(&self) -> PathBuf {
        self.root.join(STATIC)
    }

    /// `templates/`.
    pub fn templates(&self) -> PathBuf {
        self.root.join(TEMPLATES)
    }

    /// `templates/static/`: the site's overrides of the theme's assets.
    pub fn theme_static(&self) -> PathBuf {
        self.templates().join(STATIC)
    }

    /// `public/`: where `build` writes unless `--out` says otherwise.
    pub fn output(&self) -> PathBuf {
        self.root.join(OUTPUT)
    }

    /// `.wirebook-cache/`.
    pub fn cache(&self) -> PathBuf {
        self.root.join(CACHE)
    }

    /// Every folder `serve` watches for changes, whether or not it exists.
    pub fn watched(&self) -> [PathBuf; 5] {
        [
            self.posts(),
            self.templates(),
            self.static_dir(),
            self.jekyll_posts(),
            self.root.join(JEKYLL_DRAFTS),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_under_the_root() {
        let p = SitePaths::new("/s");
        assert_eq!(p.posts(), Path::new("/s/posts"));
        assert_eq!(p.theme_static(), Path::new("/s/templates/static"));
        assert_eq!(p.output(), Path::new("/s/public"));
        assert_eq!(p.cache(), Path::new("/s/.wirebook-cache"));
        assert_eq!(p.config_file(), Path::new("/s/wirebook.toml"));
    }
}
