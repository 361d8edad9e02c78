//! Walking the site's folders (`posts/`, `static/`, `templates/`) without leaving the site.
//!
//! A site is often built from an untrusted pull request, so a symlink such as
//! `posts/x.md -> /etc/passwd` must not be published: links that resolve outside the site
//! root are skipped with a warning naming the link. Links that stay inside are followed.

use std::path::{Path, PathBuf};

use crate::diagnostics::Problem;

/// The files found under a folder, and the links that were not followed.
#[derive(Debug, Default)]
pub struct Walked {
    /// Files (links to files inside the site included), in walk order.
    pub files: Vec<walkdir::DirEntry>,
    /// One warning per link left out, its path relative to the site root.
    pub skipped: Vec<Problem>,
}

/// Every file under `dir` that `keep` accepts, never through a link leading outside `root`.
/// `keep` sees folders too; returning false for a folder skips all of it.
pub fn files(root: &Path, dir: &Path, mut keep: impl FnMut(&walkdir::DirEntry) -> bool) -> Walked {
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut skipped = Vec::new();
    let files = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            if e.path_is_symlink() {
                if let Some(why) = leaves(&real_root, e.path()) {
                    let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                    skipped.push(Problem::new(rel, format!("{why}; not followed")));
                    return false;
                }
            }
            keep(e)
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .collect();
    Walked { files, skipped }
}

/// Whether `path`, its links resolved, is inside `root`; true when it does not exist
/// (there is nothing to follow). For files served straight from disk (`serve`'s `static/`).
pub fn stays_inside(root: &Path, path: &Path) -> bool {
    if std::fs::symlink_metadata(path).is_err() {
        return true;
    }
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    leaves(&real_root, path).is_none()
}

/// Why the link at `path` must not be followed, if it must not.
fn leaves(real_root: &Path, path: &Path) -> Option<String> {
    match path.canonicalize() {
        Ok(real) if real.starts_with(real_root) => None,
        Ok(real) => Some(format!(
            "symlink points outside the site (to {})",
            real.display()
        )),
        Err(e) => Some(format!("symlink cannot be followed: {e}")),
    }
}

/// The path of `entry` relative to `dir`, with `/` separators.
pub fn relative(entry: &walkdir::DirEntry, dir: &Path) -> String {
    entry
        .path()
        .strip_prefix(dir)
        .map(PathBuf::from)
        .unwrap_or_else(|_| entry.path().to_path_buf())
        .to_string_lossy()
        .replace('\\', "/")
}
