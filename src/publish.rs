//! Publishing to GitHub Pages: `wirebook publish` (a `gh-pages` branch) and
//! `wirebook init-ci github` (an Actions workflow using GitHub's Pages actions).
//!
//! `publish` builds the site into a temporary folder, never `public/`, commits that folder as
//! the whole tree of the publish branch on top of the branch's previous tip (so every deploy
//! can be rolled back) and pushes it. The user's branch, index and work tree are never
//! touched: the commit is made with plumbing from a temporary index ([`tree`]).

mod ci;
mod git;
mod remote;
mod target;
mod tree;

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};

pub use ci::{init_github_ci, InitCiOptions, InitCiReport};
pub use remote::GitHubRepo;

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
    /// Where the base URL came from, for humans ("the GitHub remote `origin`").
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
    /// The branch tip the publish builds on (short id), if the branch exists.
    pub previous: Option<String>,
    /// Commits on the branch before this publish.
    pub previous_publishes: usize,
    pub outcome: Outcome,
    /// Things the user should know that did not stop the publish.
    pub notes: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `dry_run`: built, nothing committed or pushed.
    DryRun,
    /// The built tree equals the branch tip's: no new commit. `pushed` is true when the tip
    /// existed only locally and was pushed now.
    Unchanged { tip: String, pushed: bool },
    /// A new commit (short id) is on the remote branch.
    Published { commit: String, forced: bool },
}

/// `wirebook publish`.
pub fn publish(opts: &PublishOptions) -> Result<PublishReport> {
    let git = Git::discover(&opts.root)?;
    if git
        .query(["check-ref-format", &format!("refs/heads/{}", opts.branch)])?
        .is_none()
    {
        bail!("--branch: `{}` is not a valid branch name", opts.branch);
    }
    let remote_url = remote_url(&git, &opts.remote)?;
    refuse_checked_out(&git, &opts.branch)?;

    let remote_tip = fetch_remote_branch(&git, opts, &remote_url)?;
    let local_tip = git.resolve(&format!("refs/heads/{}", opts.branch))?;
    let parent = choose_parent(&git, opts, remote_tip.as_deref(), local_tip.as_deref())?;

    let config = crate::config::SiteConfig::load(&opts.root)?;
    let target = Target::resolve(&target::Inputs {
        root: &opts.root,
        remote: &opts.remote,
        remote_urls: &[
            remote_url.clone(),
            git.config(&format!("remote.{}.url", opts.remote))?
                .unwrap_or_default(),
        ],
        base_url: opts.base_url.as_deref(),
        cname: opts.cname.as_deref(),
        branch_cname: match &parent {
            Some(p) => branch_cname(&git, p)?,
            None => None,
        },
        branch_name: &format!("{}/{}", opts.remote, opts.branch),
        config_base_url: &config.base_url,
    })?;

    let tmp = TempDir::new()?;
    let out = tmp.0.join("site");
    let summary = crate::site::build(&crate::site::BuildOptions {
        root: opts.root.clone(),
        out: Some(out.clone()),
        base_url: Some(target.base_url.clone()),
        drafts: false,
        quiet: true,
    })?;
    if summary.posts == 0 {
        bail!("{}", no_posts_message(&opts.root));
    }
    // GitHub runs Jekyll over a branch unless told not to; Jekyll drops files starting with
    // `_` or `.` and would re-process our HTML.
    write(&out.join(".nojekyll"), "")?;
    let cname_file = out.join("CNAME");
    match &target.cname {
        Some((domain, _)) => write(&cname_file, &format!("{domain}\n"))?,
        // Only reachable with `--cname ""`: a `static/CNAME` must not slip through.
        None if cname_file.exists() => std::fs::remove_file(&cname_file)
            .with_context(|| format!("cannot remove {}", cname_file.display()))?,
        None => {}
    }
    let files = Files::list(&out)?;

    let mut report = PublishReport {
        base_url: target.base_url.clone(),
        base_url_from: target.base_url_from.clone(),
        cname: target.cname.clone(),
        remote: opts.remote.clone(),
        remote_url,
        branch: opts.branch.clone(),
        posts: summary.posts,
        files: files.entries.len(),
        bytes: files.bytes,
        previous: parent.as_deref().map(|p| git.short(p)),
        previous_publishes: match &parent {
            Some(p) => git.run(["rev-list", "--count", p])?.parse().unwrap_or(0),
            None => 0,
        },
        outcome: Outcome::DryRun,
        notes: target.notes,
    };
    if opts.dry_run {
        return Ok(report);
    }

    let tree = files.write_tree(&git, &tmp.0.join("index"))?;
    let unchanged = match &parent {
        Some(p) => git.run(["rev-parse", &format!("{p}^{{tree}}")])? == tree,
        None => false,
    };
    let commit = if unchanged {
        parent.clone().expect("unchanged implies a parent")
    } else {
        let message = match &opts.message {
            Some(m) => m.clone(),
            None => default_message(&git, &target.base_url)?,
        };
        let mut args = vec!["commit-tree".to_string(), tree, "-m".into(), message];
        if let Some(p) = &parent {
            args.extend(["-p".into(), p.clone()]);
        }
        with_identity(&git)?.run(&args)?
    };

    let needs_push = remote_tip.as_deref() != Some(commit.as_str());
    if needs_push {
        push(&git, opts, &commit, remote_tip.as_deref())?;
    }
    // The local branch follows only after the remote accepted the commit, so a rejected push
    // leaves nothing behind and the next run builds on the remote's new tip.
    if local_tip.as_deref() != Some(commit.as_str()) {
        let updated = git.run([
            "update-ref",
            "-m",
            "wirebook publish",
            &format!("refs/heads/{}", opts.branch),
            &commit,
            local_tip.as_deref().unwrap_or(""),
        ]);
        if let Err(e) = updated {
            report.notes.push(format!(
                "the remote has the new commit, but the local branch {} was not moved: {e}",
                opts.branch
            ));
        }
    }
    let _ = git.run([
        "update-ref",
        &format!("refs/remotes/{}/{}", opts.remote, opts.branch),
        &commit,
    ]);
    report.outcome = if unchanged {
        Outcome::Unchanged {
            tip: git.short(&commit),
            pushed: needs_push,
        }
    } else {
        Outcome::Published {
            commit: git.short(&commit),
            forced: opts.force,
        }
    };
    Ok(report)
}

/// The URL of `remote`, or an error that says which remotes exist.
fn remote_url(git: &Git, remote: &str) -> Result<String> {
    if let Some(url) = git.query(["remote", "get-url", remote])? {
        return Ok(url);
    }
    let remotes = git.run(["remote"])?;
    let shows = if remotes.is_empty() {
        "git remote -v shows none".to_string()
    } else {
        format!(
            "git remote -v shows: {}",
            remotes.lines().collect::<Vec<_>>().join(", ")
        )
    };
    bail!(
        "remote `{remote}` not found ({shows}); add one with `git remote add {remote} URL` \
         or pass --remote NAME"
    )
}

/// Moving a branch that is checked out would leave that work tree showing every file as
/// changed, so publishing into it is refused.
fn refuse_checked_out(git: &Git, branch: &str) -> Result<()> {
    let list = git.run(["worktree", "list", "--porcelain"])?;
    let wanted = format!("branch refs/heads/{branch}");
    let mut path = "";
    for line in list.lines() {
        if let Some(p) = line.strip_prefix("worktree ") {
            path = p;
        }
        if line == wanted {
            bail!(
                "branch `{branch}` is checked out in {path}; publishing replaces that branch's \
                 files with the built site. Switch to your source branch first (git switch main), \
                 or publish to another branch with --branch"
            );
        }
    }
    Ok(())
}

/// Asks the remote for the publish branch and fetches it; `None` when the remote has none.
fn fetch_remote_branch(git: &Git, opts: &PublishOptions, url: &str) -> Result<Option<String>> {
    let refname = format!("refs/heads/{}", opts.branch);
    let out = git.raw(["ls-remote", "--heads", &opts.remote, &refname])?;
    if !out.status.success() {
        bail!(
            "cannot reach remote `{}` ({url}): {}",
            opts.remote,
            git::stderr(&out)
        );
    }
    let listed = String::from_utf8_lossy(&out.stdout);
    if !listed
        .lines()
        .any(|l| l.split('\t').nth(1) == Some(refname.as_str()))
    {
        return Ok(None);
    }
    let tracking = format!("refs/remotes/{}/{}", opts.remote, opts.branch);
    git.run([
        "fetch",
        "--quiet",
        "--no-tags",
        &opts.remote,
        &format!("+{refname}:{tracking}"),
    ])
    .with_context(|| format!("cannot fetch {} from `{}`", opts.branch, opts.remote))?;
    git.resolve(&tracking)
}

/// The commit the new publish goes on top of. Normally the remote tip, so the push is a
/// fast-forward; the local branch when it is ahead (commits made here but not pushed yet).
fn choose_parent(
    git: &Git,
    opts: &PublishOptions,
    remote: Option<&str>,
    local: Option<&str>,
) -> Result<Option<String>> {
    let (r, l) = match (remote, local) {
        (None, None) => return Ok(None),
        (Some(r), None) => return Ok(Some(r.into())),
        (None, Some(l)) => return Ok(Some(l.into())),
        (Some(r), Some(l)) => (r, l),
    };
    if r == l || git.is_ancestor(l, r)? {
        return Ok(Some(r.into()));
    }
    if git.is_ancestor(r, l)? {
        return Ok(Some(l.into()));
    }
    if opts.force {
        return Ok(Some(l.into()));
    }
    let (b, rem) = (&opts.branch, &opts.remote);
    bail!(
        "the local branch {b} ({}) and {rem}/{b} ({}) have diverged: each has publishes the \
         other lacks (the remote branch was rewritten, or commits were made on both). To keep \
         the remote's history, run `git branch -f {b} {rem}/{b}` and publish again; to replace \
         the remote's history with the local one, pass --force",
        git.short(l),
        git.short(r)
    )
}

/// The custom domain the published branch already declares (GitHub's Pages settings commit
/// a `CNAME` there); keeping it stops a publish from silently dropping the domain.
fn branch_cname(git: &Git, tip: &str) -> Result<Option<String>> {
    Ok(git
        .query(["cat-file", "blob", &format!("{tip}:CNAME")])?
        .and_then(|text| text.lines().next().map(|l| l.trim().to_string()))
        .filter(|d| remote::is_domain(d)))
}

fn push(git: &Git, opts: &PublishOptions, commit: &str, remote_tip: Option<&str>) -> Result<()> {
    let refname = format!("refs/heads/{}", opts.branch);
    let mut args = vec!["push".to_string(), "--porcelain".into()];
    if opts.force {
        // Overwrite only what we just fetched: if someone publishes in between, the push
        // still fails instead of destroying their deploy.
        args.push(format!(
            "--force-with-lease={refname}:{}",
            remote_tip.unwrap_or("")
        ));
    }
    args.extend([opts.remote.clone(), format!("{commit}:{refname}")]);
    let out = git.raw(&args)?;
    if out.status.success() {
        return Ok(());
    }
    let (remote, branch) = (&opts.remote, &opts.branch);
    let status = String::from_utf8_lossy(&out.stdout);
    let err = git::stderr(&out);
    if status.contains("[remote rejected]") {
        bail!(
            "push rejected by {remote}: {err}\nthe remote refused the update itself (a hook or \
             branch protection on {branch}); nothing was changed"
        );
    }
    if status.contains("[rejected]") {
        bail!(
            "push rejected by {remote}: {err}\nthe remote {branch} has commits this one doesn't \
             (someone else published?) — run again to build on top, or pass --force"
        );
    }
    Err(anyhow!("cannot push to `{remote}`: {err}"))
}

/// `Publish site from <HEAD> (<UTC time>)`, with the base URL and exact source in the body so
/// a rollback can be matched to the sources it was built from.
fn default_message(git: &Git, base_url: &str) -> Result<String> {
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    let head = git.resolve("HEAD")?;
    let dirty = !git
        .run([
            "status",
            "--porcelain",
            "--untracked-files=normal",
            "--",
            ".",
        ])?
        .is_empty();
    let subject = match &head {
        Some(h) => format!("Publish site from {} ({now})", git.short(h)),
        None => format!("Publish site ({now})"),
    };
    let source = match (&head, dirty) {
        (Some(h), false) => h.clone(),
        (Some(h), true) => format!("{h} with uncommitted changes"),
        (None, _) => "uncommitted files (the branch has no commits yet)".into(),
    };
    Ok(format!(
        "{subject}\n\nBase URL: {base_url}\nSource: {source}\nBuilt by wirebook {}\n",
        env!("CARGO_PKG_VERSION")
    ))
}

/// The repository's configured identity, or `wirebook <wirebook@localhost>` where none is
/// set, so publishing works in a fresh CI clone where `git commit` would refuse.
fn with_identity(git: &Git) -> Result<Git> {
    let mut git = git.clone();
    for role in ["author", "committer"] {
        for (field, fallback) in [("name", "wirebook"), ("email", "wirebook@localhost")] {
            let var = format!("GIT_{}_{}", role.to_uppercase(), field.to_uppercase());
            let set = std::env::var_os(&var).is_some_and(|v| !v.is_empty())
                || git.config(&format!("{role}.{field}"))?.is_some()
                || git.config(&format!("user.{field}"))?.is_some();
            if !set {
                git = git.with_env(&var, fallback);
            }
        }
    }
    Ok(git)
}

fn no_posts_message(root: &Path) -> String {
    let posts = root.join("posts");
    let has_sources = std::fs::read_dir(&posts).is_ok_and(|dir| {
        dir.filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "md"))
    });
    if has_sources {
        format!(
            "nothing to publish: every post in {} is a draft or dated in the future",
            posts.display()
        )
    } else {
        format!("nothing to publish: {} is empty", posts.display())
    }
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
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
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
