//! Where built bytes go: a staging directory beside the output that replaces it only when
//! the whole build succeeded, so a failed build never leaves a half-written site.
//!
//! With the build cache, a manifest of the previous output (each file's hash, size and
//! modification time) lets a build stage only the files whose bytes changed and move them
//! into the existing output, removing the files it no longer makes (#15): a one-post edit
//! of a 10k-post site writes a handful of files instead of 11,000.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

type Result<T, E = OutputError> = std::result::Result<T, E>;

/// Why the output cannot be written: a folder `--out` must not replace, a path that would
/// leave it, or a file-system step that failed (what it was doing, and the system's reason
/// as the source). The output layer's one error type.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{doing}")]
    Io {
        /// `cannot create public/a`, `cannot move the new site into public`, …
        doing: String,
        #[source]
        source: std::io::Error,
    },
    #[error("refusing to write {0:?}: it leaves the output folder")]
    LeavesOutput(String),
    #[error("--out {} is the filesystem root; choose a folder such as public/", .0.display())]
    FilesystemRoot(PathBuf),
    #[error(
        "--out {} is or contains the site ({}); building there would delete it. \
         Choose a folder such as {}",
        out.display(), site.display(), crate::paths::SitePaths::new(site).output().display()
    )]
    ContainsSite { out: PathBuf, site: PathBuf },
    #[error("--out {} is or contains your home folder; choose a folder such as public/", .0.display())]
    ContainsHome(PathBuf),
    #[error("--out {} is a file, not a folder", .0.display())]
    IsFile(PathBuf),
    #[error(
        "{} holds files wirebook did not write (it has no {MARKER}), and a build \
         replaces the whole folder; choose an empty or missing folder, or empty it yourself",
        .0.display()
    )]
    NotOurs(PathBuf),
}

/// `.doing(|| "cannot create …")` on a file-system result: [`OutputError::Io`].
trait Doing<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Doing<T> for std::io::Result<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| OutputError::Io {
            doing: what(),
            source,
        })
    }
}

/// Written into every output folder: a folder holding it is a previous wirebook output that
/// a build may replace. Any other non-empty folder is refused, since replacing it deletes it.
pub const MARKER: &str = ".wirebook-output";

pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// Folders left beside the target by killed builds, removed by [`Staging::new`]; the
    /// caller says so unless it was asked to be quiet.
    pub removed_leftovers: Vec<PathBuf>,
    /// Where the output's manifest is kept (`None`: no cache, no manifest).
    manifest_file: Option<PathBuf>,
    /// The previous output's manifest, when it describes `target`: only changed files are
    /// staged, and moved into `target` on commit.
    previous: Option<HashMap<String, FileState>>,
    /// Every file of this build, and whether it was staged (changed or new).
    files: Mutex<Vec<(String, FileState, bool)>>,
}

/// What the manifest knows of one output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct FileState {
    hash: u128,
    len: u64,
    /// Modification time in nanoseconds since the epoch: a file changed by hand since is
    /// written again.
    mtime: u128,
    /// The hash of everything the file was rendered from (see [`Sink::reuse`]); 0 when the
    /// writer gave none.
    input: u128,
}

/// Where a build's files go: the staging area of `build`, memory for `serve`, nowhere for
/// `check` (any `Fn(&str, &[u8]) -> Result<()>` is a sink that reuses nothing).
pub trait Sink: Sync {
    /// Whether the output already holds every one of `files` as rendered from inputs hashing
    /// to `input` (and untouched since): then the caller neither renders nor writes them
    /// (#15); they are kept as they are.
    fn reuse(&self, _files: &[&str], _input: u128) -> bool {
        false
    }

    /// Whether [`Sink::reuse`] can say yes in this build (the output holds an earlier one).
    fn reuses(&self) -> bool {
        false
    }

    /// Whether the sink records input keys, for [`Sink::reuse`] now or in the next build:
    /// when not, they are not worth computing.
    fn keeps_inputs(&self) -> bool {
        false
    }

    /// Writes one file (relative path with `/` separators), rendered from inputs hashing to
    /// `input` (0: not known).
    fn put(&self, rel: &str, bytes: &[u8], input: u128) -> anyhow::Result<()>;
}

impl<F: Fn(&str, &[u8]) -> anyhow::Result<()> + Sync> Sink for F {
    fn put(&self, rel: &str, bytes: &[u8], _input: u128) -> anyhow::Result<()> {
        self(rel, bytes)
    }
}

impl Sink for Staging {
    fn reuse(&self, files: &[&str], input: u128) -> bool {
        let Some(previous) = self.previous.as_ref().filter(|_| input != 0) else {
            return false;
        };
        let old: Option<Vec<FileState>> = files
            .iter()
            .map(|rel| previous.get(*rel).filter(|old| old.input == input).copied())
            .collect();
        let Some(old) = old else { return false };
        let mut kept = self.files.lock().expect("files lock");
        kept.extend(
            files
                .iter()
                .zip(old)
                .map(|(rel, state)| (rel.to_string(), state, false)),
        );
        true
    }

    fn reuses(&self) -> bool {
        self.previous.is_some()
    }

    fn keeps_inputs(&self) -> bool {
        self.manifest_file.is_some()
    }

    fn put(&self, rel: &str, bytes: &[u8], input: u128) -> anyhow::Result<()> {
        Ok(self.write_keyed(rel, bytes, input)?)
    }
}

/// The input key of an output file (see [`Sink::reuse`]): xxh3-128 over everything its
/// making reads, fed part by part. Never 0, which means "no key" to a sink.
#[derive(Default, Clone)]
pub struct InputKey(xxhash_rust::xxh3::Xxh3Default);

impl InputKey {
    /// A key starting from `salt`.
    pub fn new(salt: u128) -> Self {
        let mut key = InputKey::default();
        key.u128(salt);
        key
    }

    /// A part of any length: the length goes first, so that two parts never read as one.
    pub fn part(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// Bytes as they are: a part whose length is known from what came before, or the last.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn u128(&mut self, value: u128) {
        self.0.update(&value.to_le_bytes());
    }

    /// A value as JSON, closed by a NUL.
    pub fn json(&mut self, value: &(impl Serialize + ?Sized)) -> serde_json::Result<()> {
        serde_json::to_writer(&mut *self, value)?;
        self.0.update(b"\0");
        Ok(())
    }

    pub fn finish(&self) -> u128 {
        self.0.digest128().max(1)
    }
}

impl std::io::Write for InputKey {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    target: PathBuf,
    files: Vec<(String, FileState)>,
}

const MANIFEST_FORMAT: u32 = 2;

impl Staging {
    /// Creates an empty staging directory next to `target` (same filesystem, so the final
    /// swap is a rename), after checking that `target` may be replaced (see
    /// [`check_target`]) and removing what builds killed earlier left beside it.
    pub fn new(target: &Path, site_root: &Path) -> Result<Staging> {
        Self::with_manifest(target, site_root, None)
    }

    /// [`Staging::new`], keeping a manifest of the output in `manifest_file`: when it
    /// describes the output as it is on disk, only files whose bytes changed are written.
    pub fn with_manifest(
        target: &Path,
        site_root: &Path,
        manifest_file: Option<PathBuf>,
    ) -> Result<Staging> {
        check_target(target, site_root)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).doing(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(crate::paths::OUTPUT);
        let removed_leftovers = remove_leftovers(parent, name);
        let dir = parent.join(format!(".{name}.wirebook-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).doing(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).doing(|| format!("cannot create {}", dir.display()))?;
        let previous = manifest_file
            .as_deref()
            .and_then(|m| read_manifest(m, target));
        let staging = Staging {
            dir,
            target: target.to_path_buf(),
            removed_leftovers,
            manifest_file,
            previous,
            files: Mutex::new(Vec::new()),
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
        self.write_keyed(rel, bytes, 0)
    }

    /// [`Staging::write`], recording the hash of the file's inputs (see [`Sink::reuse`]).
    fn write_keyed(&self, rel: &str, bytes: &[u8], input: u128) -> Result<()> {
        // Paths are contained where they are decided (`contain_url_path`); this is the last
        // line of defence, so no file ever lands outside the output.
        if !Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            return Err(OutputError::LeavesOutput(rel.to_string()));
        }
        let mut state = FileState {
            hash: 0,
            len: bytes.len() as u64,
            mtime: 0,
            input,
        };
        if self.manifest_file.is_some() {
            state.hash = xxh3_128(bytes);
            let unchanged = self
                .previous
                .as_ref()
                .and_then(|p| p.get(rel))
                .filter(|old| (old.hash, old.len) == (state.hash, state.len));
            if let Some(old) = unchanged {
                self.files.lock().expect("files lock").push((
                    rel.to_string(),
                    FileState { input, ..*old },
                    false,
                ));
                return Ok(());
            }
        }
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .doing(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).doing(|| format!("cannot write {}", path.display()))?;
        if self.manifest_file.is_some() {
            self.files
                .lock()
                .expect("files lock")
                .push((rel.to_string(), state, true));
        }
        Ok(())
    }

    /// How many files this build wrote (the others were unchanged in the output).
    pub fn written(&self) -> usize {
        let files = self.files.lock().expect("files lock");
        files.iter().filter(|(_, _, staged)| *staged).count()
    }

    /// Puts the build in place: with a manifest of the output, the changed files are moved
    /// into it (see [`Staging::update`]); otherwise the staged tree replaces the target.
    pub fn commit(mut self) -> Result<()> {
        if let Some(manifest) = &self.manifest_file {
            // Gone while the output changes: a build killed half-way through starts afresh.
            remove_if_present(manifest)?;
        }
        if self.previous.is_some() {
            self.update()?;
        } else {
            self.swap()?;
        }
        self.write_manifest();
        Ok(())
    }

    /// Moves each staged file over its old version (a rename: a reader sees the old file or
    /// the new one, never half of one), then removes the files this build no longer makes
    /// and the folders they leave empty.
    fn update(&mut self) -> Result<()> {
        let files = self.files.get_mut().expect("files lock");
        for (rel, _, _) in files.iter().filter(|(_, _, staged)| *staged) {
            let to = self.target.join(rel);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .doing(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::rename(self.dir.join(rel), &to)
                .doing(|| format!("cannot move {} into place", to.display()))?;
        }
        let made: std::collections::HashSet<&str> =
            files.iter().map(|(rel, _, _)| rel.as_str()).collect();
        let previous = self.previous.as_ref().expect("update needs a manifest");
        for rel in previous.keys().filter(|rel| !made.contains(rel.as_str())) {
            let gone = self.target.join(rel);
            remove_if_present(&gone)?;
            // Empty folders go too, as a fresh build would not make them.
            let mut dir = gone.parent();
            while let Some(d) = dir.filter(|d| *d != self.target) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        let dir = std::mem::take(&mut self.dir);
        std::fs::remove_dir_all(&dir).doing(|| format!("cannot remove {}", dir.display()))
    }

    /// Records what is now in the output. Not saving it only costs the next build time.
    fn write_manifest(&mut self) {
        let Some(file) = &self.manifest_file else {
            return;
        };
        let mut files = std::mem::take(self.files.get_mut().expect("files lock"));
        for (rel, state, staged) in &mut files {
            if *staged {
                state.mtime =
                    std::fs::metadata(self.target.join(&*rel)).map_or(0, |m| mtime_nanos(&m));
            }
        }
        let manifest = Manifest {
            format: MANIFEST_FORMAT,
            target: resolve(&self.target),
            files: files
                .into_iter()
                .map(|(rel, state, _)| (rel, state))
                .collect(),
        };
        if let Err(e) = crate::cache::write_sealed(file, &manifest) {
            tracing::warn!("{}: output manifest not saved: {e}", file.display());
        }
    }

    /// Replaces the target with the staged tree. The old tree is moved aside first and
    /// removed last, so at every moment one complete site is in place or being renamed.
    fn swap(&mut self) -> Result<()> {
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
                .doing(|| format!("cannot move the old {} aside", self.target.display()))?;
        }
        std::fs::rename(&self.dir, &self.target)
            .doing(|| format!("cannot move the new site into {}", self.target.display()))?;
        self.dir = PathBuf::new();
        if old.exists() {
            std::fs::remove_dir_all(&old).doing(|| format!("cannot remove {}", old.display()))?;
        }
        Ok(())
    }
}

/// The previous output's files, when `file` is an intact manifest of `target` and the
/// output still holds them as they were written (size and modification time; a file
/// changed since is left out, so it is written again).
fn read_manifest(file: &Path, target: &Path) -> Option<HashMap<String, FileState>> {
    use rayon::prelude::*;
    if !target.join(MARKER).is_file() {
        return None;
    }
    let manifest: Manifest = crate::cache::read_sealed(file)?;
    if manifest.format != MANIFEST_FORMAT || manifest.target != resolve(target) {
        return None;
    }
    Some(
        manifest
            .files
            .into_par_iter()
            .filter(|(rel, state)| {
                std::fs::metadata(target.join(rel))
                    .is_ok_and(|m| m.len() == state.len && mtime_nanos(&m) == state.mtime)
            })
            .collect(),
    )
}

/// Removes `file`; one that is already gone is fine.
fn remove_if_present(file: &Path) -> Result<()> {
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).doing(|| format!("cannot remove {}", file.display()))
        }
        _ => Ok(()),
    }
}

fn mtime_nanos(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
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
    let out = || target.to_path_buf();
    let resolved = resolve(target);
    let inside = |p: &Path| resolve(p).starts_with(&resolved);
    if resolved.parent().is_none() {
        return Err(OutputError::FilesystemRoot(out()));
    }
    if inside(site_root) {
        return Err(OutputError::ContainsSite {
            out: out(),
            site: site_root.to_path_buf(),
        });
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        if inside(Path::new(&home)) {
            return Err(OutputError::ContainsHome(out()));
        }
    }
    let meta = match std::fs::metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).doing(|| format!("cannot read {shown}")),
    };
    if !meta.is_dir() {
        return Err(OutputError::IsFile(out()));
    }
    if target.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(target).doing(|| format!("cannot read {shown}"))?;
    if entries.next().is_some() {
        return Err(OutputError::NotOurs(out()));
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
        let rel = crate::walk::relative(entry, from);
        let rel = if prefix.is_empty() {
            rel
        } else {
            format!("{prefix}/{rel}")
        };
        let bytes = std::fs::read(entry.path())
            .doing(|| format!("cannot read {}", entry.path().display()))?;
        staging.write(&rel, &bytes)?;
    }
    Ok(walked.files.len())
}
