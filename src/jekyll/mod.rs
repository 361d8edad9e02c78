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

/// Top-level folders of a Jekyll root that Jekyll copies to the site as they are
/// (`assets/`, `images/`, `files/`): every folder not starting with `_` or `.`, except
/// Jekyll's default excludes and wirebook's own folders. Empty outside a Jekyll root.
pub fn static_dirs(root: &std::path::Path) -> Vec<String> {
    const NOT_STATIC: &[&str] = &[
        "node_modules",
        "vendor",
        "gemfiles",
        "public",
        "posts",
        "static",
        "templates",
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
        Some(POSTS_DIR | DRAFTS_DIR)
    )
}
