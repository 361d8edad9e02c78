//! Publishing to GitHub Pages: `wirebook publish` (a `gh-pages` branch) and
//! `wirebook init-ci github` (an Actions workflow using GitHub's Pages actions).
//!
//! `publish` builds the site into a temporary folder, never `public/`, commits that folder as
//! the whole tree of the publish branch on top of the branch's previous tip (so every deploy
//! can be rolled back) and pushes it. The user's branch, index and work tree are never
//! touched: the commit is made with plumbing from a temporary index (see `tree.rs`).

mod branch;
mod ci;
mod error;
mod git;
mod remote;
mod target;
mod tree;

use std::path::{Path, PathBuf};

pub use ci::{init_github_ci, InitCiOptions, InitCiReport, Install, WORKFLOW_PATH};
pub use error::PublishError;
pub use remote::GitHubRepo;
pub use tree::Changes;

use branch::Branch;
use error::{io, Result};
use git::Git;
use target::Target;
use tree::Files;

/// Everything `wirebook publish` can be told.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// Site root, inside the git repository to publish from.
    pub root: PathBuf,
    /// Git remote to push to (a name from `git remote`).
    pub remote: String,
    /// Branch holding the published site.
    pub branch: String,
    /// Overrides the base URL worked out from the remote or the custom domain.
    pub base_url: Option<String>,
    /// Custom domain for a `CNAME` file; `Some("")` drops one the branch already has.
    pub cname: Option<String>,
    /// Commit message; default `Publish site from <HEAD> (<UTC time>)`.
    pub message: Option<String>,
    pub dry_run: bool,
    /// Allow a non-fast-forward push (as `--force-with-lease` against the tip just fetched).
    pub force: bool,
}

impl Default for PublishOptions {
    fn default() -> Self {
        PublishOptions {
            root: PathBuf::from("."),
            remote: "origin".into(),
            branch: "gh-pages".into(),
            base_url: None,
            cname: None,
            message: None,
            dry_run: false,
            force: false,
        }
    }
}

/// What a publish did (or, with `dry_run`, would do).
#[derive(Debug)]
pub struct PublishReport {
    pub base_url: String,
    /// Where the base URL came from, for humans ("remote `origin`, GitHub repository
    /// alice/notes").
    pub base_url_from: String,
    /// Custom domain written to `CNAME`, and where it came from.
    pub cname: Option<(String, String)>,
    pub remote: String,
    pub remote_url: String,
    pub branch: String,
    pub posts: usize,
    /// Files in the published tree (including `.nojekyll` and `CNAME`).
    pub files: usize,
    pub bytes: u64,
    /// What changes relative to the branch's previous tip (everything, for a new branch).
    pub changes: Changes,
    /// The branch tip the publish builds on (short id), if the branch exists.
    pub previous: Option<String>,
    /// Commits on the branch before this publish.
    pub previous_publishes: usize,
    pub outcome: Outcome,
    /// Things the user should know that did not stop the publish.
    pub notes: Vec<String>,
    /// A dry run whose remote could not be reached: why, and what the plan assumed.
    pub unreachable: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `dry_run`: built, nothing committed or pushed.
    DryRun,
    /// The built tree equals the branch tip's: no new commit. `pushed` is true when the tip
    /// existed only locally and was pushed now.
    Unchanged { tip: String, pushed: bool },
    /// A new commit (short id) is on the remote branch; `forced` when the push rewrote the
    /// remote branch (`--force` on diverged histories).
    Published { commit: String, forced: bool },
}

/// `wirebook publish`.
pub fn publish(opts: &PublishOptions) -> Result<PublishReport> {
    let git = Git::discover(&opts.root)?;
    // A broken wirebook.toml fails here, before any round trip to the remote.
    let config = crate::config::SiteConfig::load(&opts.root)?;
    let branch = Branch::open(&git, &opts.remote, &opts.branch, opts.dry_run)?;
    let parent = branch.parent(opts.force)?;

    let configured_url = git.config(&format!("remote.{}.url", opts.remote))?;
    let target = Target::resolve(&target::Inputs {
        root: &opts.root,
        remote: &opts.remote,
        remote_urls: &[
            branch.remote_url.clone(),
            configured_url.unwrap_or_default(),
        ],
        base_url: opts.base_url.as_deref(),
        cname: opts.cname.as_deref(),
        branch_cname: match &parent {
            Some(p) => branch.cname_at(p)?,
            None => None,
        },
        branch_name: &branch.display(),
        config_base_url: &config.base_url,
    })?;

    let tmp = TempDir::new()?;
    let out = tmp.0.join("site");
    let posts = build(opts, &target, &out)?;
    let files = Files::list(&out)?;
    // A dry run hashes without writing: it can tell what would change, yet adds nothing to
    // the repository.
    let ids = files.hash(&git, !opts.dry_run)?;
    let changes = files.changes_since(&git, &ids, parent.as_deref())?;

    let dirty = branch::site_is_dirty(&git)?;
    let mut notes = target.notes;
    if dirty {
        notes.push(
            "the site folder has uncommitted changes; they are published too (the commit \
             message records it)"
                .into(),
        );
    }
    let mut report = PublishReport {
        base_url: target.base_url,
        base_url_from: target.base_url_from,
        cname: target.cname,
        remote: branch.remote.clone(),
        remote_url: branch.remote_url.clone(),
        branch: branch.name.clone(),
        posts,
        files: files.entries.len(),
        bytes: files.bytes,
        changes,
        previous: parent.as_deref().map(|p| git.short(p)),
        previous_publishes: match &parent {
            Some(p) => git.run(["rev-list", "--count", p])?.parse().unwrap_or(0),
            None => 0,
        },
        outcome: Outcome::DryRun,
        notes,
        unreachable: branch.unreachable.clone(),
    };
    if opts.dry_run {
        return Ok(report);
    }

    let tree = files.write_tree(&git, &ids, &tmp.0.join("index"))?;
    let unchanged = match &parent {
        Some(p) => git.run(["rev-parse", &format!("{p}^{{tree}}")])? == tree,
        None => false,
    };
    let commit = match (&parent, unchanged) {
        (Some(p), true) => p.clone(),
        _ => {
            let message = match &opts.message {
                Some(m) => m.clone(),
                None => branch::default_message(&git, &report.base_url, dirty)?,
            };
            branch.commit(&tree, parent.as_deref(), &message)?
        }
    };
    let needs_push = branch.remote_tip.as_deref() != Some(commit.as_str());
    let forced = if needs_push {
        branch.push(&commit, opts.force)?
    } else {
        false
    };
    if let Err(e) = branch.update_local(&commit) {
        report.notes.push(e.with_causes());
    }
    report.outcome = if unchanged {
        Outcome::Unchanged {
            tip: git.short(&commit),
            pushed: needs_push,
        }
    } else {
        Outcome::Published {
            commit: git.short(&commit),
            forced,
        }
    };
    Ok(report)
}

/// Builds the site for `target` into `out` and adds what GitHub Pages needs; returns the
/// number of posts.
fn build(opts: &PublishOptions, target: &Target, out: &Path) -> Result<usize> {
    let summary = crate::site::build(&crate::site::BuildOptions {
        root: opts.root.clone(),
        out: Some(out.to_path_buf()),
        base_url: Some(target.base_url.clone()),
        drafts: false,
        quiet: true,
        cache: false,
    })
    .map_err(PublishError::Build)?;
    if summary.posts == 0 {
        return Err(no_posts(&opts.root));
    }
    // The marker only tells later builds that they may replace the folder; it is not
    // part of the published site.
    let marker = out.join(crate::output::MARKER);
    std::fs::remove_file(&marker).map_err(io("cannot remove", &marker))?;
    // GitHub runs Jekyll over a branch unless told not to; Jekyll drops files and folders
    // starting with `_` or `.` and would re-process our HTML.
    write(&out.join(".nojekyll"), "")?;
    let cname_file = out.join("CNAME");
    match &target.cname {
        Some((domain, _)) => write(&cname_file, &format!("{domain}\n"))?,
        // Only reachable with `--cname ""`: a `static/CNAME` must not slip through.
        None if cname_file.exists() => {
            std::fs::remove_file(&cname_file).map_err(io("cannot remove", &cname_file))?
        }
        None => {}
    }
    Ok(summary.posts)
}

fn no_posts(root: &Path) -> PublishError {
    let posts = crate::paths::SitePaths::new(root).posts();
    let has_sources = std::fs::read_dir(&posts).is_ok_and(|dir| {
        dir.filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "md"))
    });
    if has_sources {
        PublishError::OnlyDrafts(posts)
    } else {
        PublishError::NoPosts(posts)
    }
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(io("cannot write", path))
}

/// A private folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("wirebook-publish-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(io("cannot create", &dir))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
