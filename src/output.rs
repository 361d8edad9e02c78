//! Where built bytes go: a staging directory beside the output that replaces it only when
//! the whole build succeeded, so a failed build never leaves a half-written site.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Written into every output folder: a folder holding it is a previous wirebook output that
/// a build may replace. Any other non-empty folder is refused, since replacing it deletes it.
pub const MARKER: &str = ".wirebook-output";

pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// Folders left beside the target by killed builds, removed by [`Staging::new`]; the
    /// caller says so unless it was asked to be quiet.
    pub removed_leftovers: Vec<PathBuf>,
}

impl Staging {
    /// Creates an empty staging directory next to `target` (same filesystem, so the final
    /// swap is a rename), after checking that `target` may be replaced (see
    /// [`check_target`]) and removing what builds killed earlier left beside it.
    pub fn new(target: &Path, site_root: &Path) -> Result<Staging> {
        check_target(target, site_root)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(crate::paths::OUTPUT);
        let removed_leftovers = remove_leftovers(parent, name);
        let dir = parent.join(format!(".{name}.wirebook-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let staging = Staging {
            dir,
            target: target.to_path_buf(),
            removed_leftovers,
        };
        staging.write(
            MARKER,
            b"This folder is written by `wirebook build`, which replaces it on every build.\n",
        )?;
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes one file (relative path with `/` separators), creating its folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        // Paths are contained where they are decided (`contain_url_path`); this is the last
        // line of defence, so no file ever lands outside the output.
        if !Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            bail!("refusing to write {rel:?}: it leaves the output folder");
        }
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Replaces the target with the staged tree. The old tree is moved aside first and
    /// removed last, so at every moment one complete site is in place or being renamed.
    pub fn commit(mut self) -> Result<()> {
        let old = self.dir.with_file_name(format!(
            ".{}.wirebook-old-{}",
            self.target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(crate::paths::OUTPUT),
            std::process::id()
        ));
        if self.target.exists() {
            std::fs::rename(&self.target, &old)
                .with_context(|| format!("cannot move the old {} aside", self.target.display()))?;
        }
        std::fs::rename(&self.dir, &self.target)
            .with_context(|| format!("cannot move the new site into {}", self.target.display()))?;
        self.dir = PathBuf::new();
        if old.exists() {
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("cannot remove {}", old.display()))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A build that failed (or was not committed) leaves nothing behind.
        if !self.dir.as_os_str().is_empty() && self.dir.exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Refuses an output folder whose replacement would delete something that is not a
/// previous build: one that is or contains the site, the home folder or `/`, a file, or a
/// folder holding files without the [`MARKER`]. Missing and empty folders are fine.
pub fn check_target(target: &Path, site_root: &Path) -> Result<()> {
    let shown = target.display();
    let resolved = resolve(target);
    let inside = |p: &Path| resolve(p).starts_with(&resolved);
    if resolved.parent().is_none() {
        bail!("--out {shown} is the filesystem root; choose a folder such as public/");
    }
    if inside(site_root) {
        bail!(
            "--out {shown} is or contains the site ({}); building there would delete it. \
             Choose a folder such as {}",
            site_root.display(),
            crate::paths::SitePaths::new(site_root).output().display()
        );
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        if inside(Path::new(&home)) {
            bail!("--out {shown} is or contains your home folder; choose a folder such as public/");
        }
    }
    let meta = match std::fs::metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {shown}")),
    };
    if !meta.is_dir() {
        bail!("--out {shown} is a file, not a folder");
    }
    if target.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(target).with_context(|| format!("cannot read {shown}"))?;
    if entries.next().is_some() {
        bail!(
            "{shown} holds files wirebook did not write (it has no {MARKER}), and a build \
             replaces the whole folder; choose an empty or missing folder, or empty it yourself"
        );
    }
    Ok(())
}

/// An absolute path with symlinks resolved as far as the path exists (the output folder
/// usually does not yet).
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return missing.iter().rev().fold(real, |p, n| p.join(n));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Removes the staging and old-site folders of builds that were killed before they could
/// clean up (`.public.wirebook-staging-PID`, `.public.wirebook-old-PID`), and nothing else:
/// only those exact names, only folders, only when process PID is no longer running.
/// Returns the folders it removed.
fn remove_leftovers(parent: &Path, name: &str) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(parent) else {
        return removed;
    };
    for entry in entries.filter_map(std::result::Result::ok) {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| {
            let rest = n.strip_prefix(&format!(".{name}.wirebook-"))?;
            let pid = rest
                .strip_prefix("staging-")
                .or_else(|| rest.strip_prefix("old-"))?;
            pid.parse::<u32>().ok().filter(|p| p.to_string() == pid)
        }) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != std::process::id() && !is_running(pid) {
            match std::fs::remove_dir_all(entry.path()) {
                Ok(()) => removed.push(entry.path()),
                Err(e) => tracing::warn!("cannot remove {}: {e}", entry.path().display()),
            }
        }
    }
    removed
}

/// Whether a process is running, where `/proc` can tell (Linux); elsewhere every process
/// counts as running, so a leftover stays rather than a running build's folder going.
fn is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Copies the site's `static/` into the staging area, never through a link that leaves
/// the site (each one is logged as a warning). Returns the number of files.
pub fn copy_tree(root: &Path, from: &Path, staging: &Staging) -> Result<usize> {
    copy_tree_into(root, from, "", staging)
}

/// [`copy_tree`] into the folder `prefix` of the output (`assets/` of a Jekyll root).
pub fn copy_tree_into(root: &Path, from: &Path, prefix: &str, staging: &Staging) -> Result<usize> {
    let walked = crate::walk::files(root, from, |_| true);
    for w in &walked.skipped {
        tracing::warn!("{w}");
    }
    for entry in &walked.files {
        let dest = staging
            .path()
            .join(prefix)
            .join(crate::walk::relative(entry, from));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::copy(entry.path(), &dest)
            .with_context(|| format!("cannot copy {}", entry.path().display()))?;
    }
    Ok(walked.files.len())
}
