//! Reading a Jekyll site as it is: `_config.yml`, `_posts/` and `_drafts/`, Jekyll's dates,
//! the Liquid a post body uses, and kramdown's attribute lists. Each file maps one Jekyll
//! habit onto the pipeline's own types, so the rest of wirebook never knows it is reading a
//! Jekyll blog.

pub mod config;
pub mod kramdown;
pub mod liquid;
pub mod time;

use crate::paths::{self, JEKYLL_DRAFTS, JEKYLL_POSTS};

/// Top-level folders of a Jekyll root that Jekyll copies to the site as they are
/// (`assets/`, `images/`, `files/`): every folder not starting with `_` or `.`, except
/// Jekyll's default excludes and wirebook's own folders. Empty outside a Jekyll root.
pub fn static_dirs(root: &std::path::Path) -> Vec<String> {
    const NOT_STATIC: &[&str] = &[
        "node_modules",
        "vendor",
        "gemfiles",
        paths::OUTPUT,
        paths::POSTS,
        paths::STATIC,
        paths::TEMPLATES,
    ];
    if !root.join(config::CONFIG_FILE).is_file() {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with(['_', '.']) && !NOT_STATIC.contains(&n.as_str()))
        .collect();
    dirs.sort();
    dirs
}

/// Whether `rel` (relative to the site root) is a Jekyll source, which gets Liquid and
/// kramdown processing.
pub fn is_jekyll_source(rel: &std::path::Path) -> bool {
    matches!(
        rel.components().next().and_then(|c| c.as_os_str().to_str()),
        Some(JEKYLL_POSTS | JEKYLL_DRAFTS)
    )
}
