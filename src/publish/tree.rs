//! The built site as a git tree, written with plumbing into a throw-away index.
//!
//! `git add` is deliberately not used: it would apply the repository's `.gitignore`,
//! `info/exclude`, the user's global excludes and `.gitattributes` filters (LFS, eol
//! conversion) to files that are not part of the repository's own work tree. Publishing must
//! store the output byte for byte, so blobs are written with `hash-object --no-filters` and
//! placed in a temporary index (`GIT_INDEX_FILE`) that the user's index never sees.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::error::{PublishError, Result};
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
            let e = e.map_err(|source| PublishError::Walk {
                path: dir.to_path_buf(),
                source,
            })?;
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
                return Err(PublishError::NewlineInName(e.path().to_path_buf()));
            }
            let meta = e.metadata().map_err(|source| PublishError::Walk {
                path: e.path().to_path_buf(),
                source,
            })?;
            bytes += meta.len();
            entries.push(Entry {
                rel,
                path: e.path().to_path_buf(),
                executable: is_executable(&meta),
            });
        }
        Ok(Files { entries, bytes })
    }

    /// The blob id of every file, in order. With `write`, the blobs are stored in the
    /// repository; without, nothing is written (a dry run only compares ids).
    pub fn hash(&self, git: &Git, write: bool) -> Result<Vec<String>> {
        let mut paths = String::new();
        for e in &self.entries {
            paths.push_str(&e.path.to_string_lossy());
            paths.push('\n');
        }
        let mut args = vec!["hash-object", "--no-filters", "--stdin-paths"];
        if write {
            args.push("-w");
        }
        let ids = git.run_with_input(args, Some(paths.into_bytes()))?;
        let ids: Vec<String> = ids.lines().map(str::to_string).collect();
        if ids.len() != self.entries.len() {
            return Err(PublishError::HashCount {
                ids: ids.len(),
                files: self.entries.len(),
            });
        }
        Ok(ids)
    }

    /// Writes the tree of the (already written) blobs `ids`; returns the tree id.
    pub fn write_tree(&self, git: &Git, ids: &[String], index: &Path) -> Result<String> {
        let mut info = Vec::new();
        for (e, id) in self.entries.iter().zip(ids) {
            info.extend_from_slice(format!("{} {id}\t{}\0", e.mode(), e.rel).as_bytes());
        }
        let git = git.with_env("GIT_INDEX_FILE", index.to_string_lossy());
        git.run_with_input(["update-index", "-z", "--index-info"], Some(info))?;
        git.run(["write-tree"])
    }

    /// What publishing these files changes relative to the tree of commit `tip`.
    pub fn changes_since(&self, git: &Git, ids: &[String], tip: Option<&str>) -> Result<Changes> {
        let mut old: HashMap<String, (String, String)> = HashMap::new();
        if let Some(tip) = tip {
            let listing = git.run_raw(["ls-tree", "-r", "-z", "--full-tree", tip])?;
            for item in listing.split('\0').filter(|i| !i.is_empty()) {
                // `<mode> SP <type> SP <id> TAB <path>`
                let Some((meta, path)) = item.split_once('\t') else {
                    continue;
                };
                let mut parts = meta.split(' ');
                let (Some(mode), _, Some(id)) = (parts.next(), parts.next(), parts.next()) else {
                    continue;
                };
                old.insert(path.to_string(), (mode.to_string(), id.to_string()));
            }
        }
        let mut changes = Changes::default();
        for (e, id) in self.entries.iter().zip(ids) {
            match old.remove(&e.rel) {
                None => changes.added += 1,
                Some((mode, old_id)) if mode != e.mode() || old_id != *id => changes.modified += 1,
                Some(_) => {}
            }
        }
        changes.removed = old.len();
        Ok(changes)
    }
}

impl Entry {
    fn mode(&self) -> &'static str {
        if self.executable {
            "100755"
        } else {
            "100644"
        }
    }
}

/// Files added, modified and removed by a publish.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub modified: usize,
    pub removed: usize,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added + self.modified + self.removed == 0
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
