//! The built site as a git tree, written with plumbing into a throw-away index.
//!
//! `git add` is deliberately not used: it would apply the repository's `.gitignore`,
//! `info/exclude`, the user's global excludes and `.gitattributes` filters (LFS, eol
//! conversion) to files that are not part of the repository's own work tree. Publishing must
//! store the output byte for byte, so blobs are written with `hash-object --no-filters` and
//! placed in a temporary index (`GIT_INDEX_FILE`) that the user's index never sees.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use super::git::Git;

/// Every file of a built site, sorted by path.
pub struct Files {
    pub entries: Vec<Entry>,
    pub bytes: u64,
}

pub struct Entry {
    /// Path inside the site with `/` separators (the path in the tree).
    pub rel: String,
    pub path: PathBuf,
    pub executable: bool,
}

impl Files {
    pub fn list(dir: &Path) -> Result<Files> {
        let mut entries = Vec::new();
        let mut bytes = 0;
        for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let e = e.with_context(|| format!("cannot read {}", dir.display()))?;
            if !e.file_type().is_file() {
                continue;
            }
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("walkdir stays under its root")
                .to_string_lossy()
                .replace('\\', "/");
            if rel.contains(['\n', '\0']) {
                // The path lists fed to git are newline- and NUL-separated.
                bail!(
                    "cannot publish {}: its name contains a newline",
                    e.path().display()
                );
            }
            let meta = e
                .metadata()
                .with_context(|| format!("cannot read {}", e.path().display()))?;
            bytes += meta.len();
            entries.push(Entry {
                rel,
                path: e.path().to_path_buf(),
                executable: is_executable(&meta),
            });
        }
        Ok(Files { entries, bytes })
    }

    /// Writes the blobs and the tree into the repository; returns the tree id.
    pub fn write_tree(&self, git: &Git, index: &Path) -> Result<String> {
        let mut paths = String::new();
        for e in &self.entries {
            paths.push_str(&e.path.to_string_lossy());
            paths.push('\n');
        }
        let ids = git.run_with_input(
            ["hash-object", "-w", "--no-filters", "--stdin-paths"],
            Some(paths.into_bytes()),
        )?;
        let ids: Vec<&str> = ids.lines().collect();
        if ids.len() != self.entries.len() {
            bail!(
                "git hash-object returned {} ids for {} files",
                ids.len(),
                self.entries.len()
            );
        }
        let mut info = Vec::new();
        for (e, id) in self.entries.iter().zip(ids) {
            let mode = if e.executable { "100755" } else { "100644" };
            info.extend_from_slice(format!("{mode} {id}\t{}\0", e.rel).as_bytes());
        }
        let git = git.with_env("GIT_INDEX_FILE", index.to_string_lossy());
        git.run_with_input(["update-index", "-z", "--index-info"], Some(info))?;
        git.run(["write-tree"])
    }
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}
