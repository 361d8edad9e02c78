//! Reading a Jekyll site as it is: `_config.yml`, `_posts/` and `_drafts/`, Jekyll's dates,
//! the Liquid a post body uses, and kramdown's attribute lists. Each file maps one Jekyll
//! habit onto the pipeline's own types, so the rest of wirebook never knows it is reading a
//! Jekyll blog.

pub mod config;
pub mod kramdown;
pub mod liquid;
pub mod time;

/// Jekyll's post folder; files in it must be named `YYYY-MM-DD-title.md`.
pub const POSTS_DIR: &str = "_posts";
/// Jekyll's drafts: undated names, shown only with `--drafts`.
pub const DRAFTS_DIR: &str = "_drafts";

/// Whether `rel` (relative to the site root) is a Jekyll source, which gets Liquid and
/// kramdown processing.
pub fn is_jekyll_source(rel: &std::path::Path) -> bool {
    matches!(
        rel.components().next().and_then(|c| c.as_os_str().to_str()),
        Some(POSTS_DIR | DRAFTS_DIR)
    )
}
