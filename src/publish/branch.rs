//! The publish branch, locally and on the remote: fetch it, pick the commit a publish builds
//! on, commit, push, and move the local branch after the remote accepted the push.

use super::error::{PublishError, Result};
use super::git::{self, Git};

/// The publish branch as found before building: where it stands on the remote and here.
pub struct Branch<'g> {
    git: &'g Git,
    pub remote: String,
    pub remote_url: String,
    /// Name without `refs/heads/`.
    pub name: String,
    /// Tip on the remote (just fetched), if the remote has the branch.
    pub remote_tip: Option<String>,
    /// Tip of the local branch, if there is one.
    pub local_tip: Option<String>,
    /// Set when the remote could not be reached and `offline_ok` let the dry run go on with
    /// the branch as last fetched: says so in one line.
    pub unreachable: Option<String>,
}

impl<'g> Branch<'g> {
    /// Checks the names, refuses a checked-out branch and fetches the remote branch. With
    /// `offline_ok` (a dry run), an unreachable remote is a warning, not an error: the plan
    /// uses the branch as it was last fetched, if ever.
    pub fn open(git: &'g Git, remote: &str, name: &str, offline_ok: bool) -> Result<Branch<'g>> {
        if git
            .query(["check-ref-format", &format!("refs/heads/{name}")])?
            .is_none()
        {
            return Err(PublishError::BranchName(name.to_string()));
        }
        let remote_url = remote_url(git, remote)?;
        refuse_checked_out(git, name)?;
        let mut branch = Branch {
            git,
            remote: remote.to_string(),
            remote_url,
            name: name.to_string(),
            remote_tip: None,
            local_tip: git.resolve(&format!("refs/heads/{name}"))?,
            unreachable: None,
        };
        branch.remote_tip = match branch.fetch() {
            Ok(tip) => tip,
            Err(e) if offline_ok => {
                let last = branch.git.resolve(&branch.tracking())?;
                // One line: git's message may span several.
                let why = e.with_causes();
                let why: Vec<&str> = why
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                branch.unreachable = Some(format!(
                    "{}; this plan uses {}",
                    why.join(" "),
                    match &last {
                        Some(tip) => format!(
                            "{} as last fetched ({})",
                            branch.display(),
                            branch.git.short(tip)
                        ),
                        None => format!("no {} (never fetched)", branch.display()),
                    }
                ));
                last
            }
            Err(e) => return Err(e),
        };
        Ok(branch)
    }

    /// `refs/remotes/origin/gh-pages`: where the remote branch is fetched to.
    fn tracking(&self) -> String {
        format!("refs/remotes/{}/{}", self.remote, self.name)
    }

    fn refname(&self) -> String {
        format!("refs/heads/{}", self.name)
    }

    /// `origin/gh-pages`, for messages.
    pub fn display(&self) -> String {
        format!("{}/{}", self.remote, self.name)
    }

    /// Asks the remote for the branch and fetches it; `None` when the remote has none.
    fn fetch(&self) -> Result<Option<String>> {
        let refname = self.refname();
        let out = self.git.raw(["ls-remote", &self.remote, &refname])?;
        if !out.status.success() {
            return Err(PublishError::Unreachable {
                remote: self.remote.clone(),
                url: self.remote_url.clone(),
                stderr: git::stderr(&out),
            });
        }
        let listed = String::from_utf8_lossy(&out.stdout);
        if !listed
            .lines()
            .any(|l| l.split('\t').nth(1) == Some(refname.as_str()))
        {
            return Ok(None);
        }
        let tracking = self.tracking();
        self.git
            .run([
                "fetch",
                "--quiet",
                "--no-tags",
                &self.remote,
                &format!("+{refname}:{tracking}"),
            ])
            .map_err(|e| PublishError::Fetch {
                branch: self.name.clone(),
                remote: self.remote.clone(),
                source: Box::new(e),
            })?;
        self.git.resolve(&tracking)
    }

    /// The commit the new publish goes on top of. Normally the remote tip, so the push is a
    /// fast-forward; the local branch when it is ahead (commits made here, not pushed yet),
    /// or with `force` when the two have diverged.
    pub fn parent(&self, force: bool) -> Result<Option<String>> {
        let (r, l) = match (&self.remote_tip, &self.local_tip) {
            (None, None) => return Ok(None),
            (Some(r), None) => return Ok(Some(r.clone())),
            (None, Some(l)) => return Ok(Some(l.clone())),
            (Some(r), Some(l)) => (r, l),
        };
        if r == l || self.git.is_ancestor(l, r)? {
            return Ok(Some(r.clone()));
        }
        if self.git.is_ancestor(r, l)? || force {
            return Ok(Some(l.clone()));
        }
        Err(PublishError::Diverged {
            branch: self.name.clone(),
            remote: self.remote.clone(),
            local: self.git.short(l),
            remote_tip: self.git.short(r),
        })
    }

    /// The custom domain in `CNAME` at `tip`. GitHub's Pages settings commit the file to the
    /// branch; keeping it stops a publish from silently dropping the domain.
    pub fn cname_at(&self, tip: &str) -> Result<Option<String>> {
        Ok(self
            .git
            .query(["cat-file", "blob", &format!("{tip}:CNAME")])?
            .and_then(|text| text.lines().next().map(|l| l.trim().to_string()))
            .filter(|d| super::remote::is_domain(d)))
    }

    /// Commits `tree` on top of `parent` with the repository's identity, or a fallback.
    pub fn commit(&self, tree: &str, parent: Option<&str>, message: &str) -> Result<String> {
        let mut args = vec!["commit-tree", tree, "-m", message];
        if let Some(p) = parent {
            args.extend(["-p", p]);
        }
        with_identity(self.git)?.run(&args)
    }

    /// Pushes `commit` as the remote branch. Returns whether the push rewrote the remote
    /// branch (only possible with `force`).
    pub fn push(&self, commit: &str, force: bool) -> Result<bool> {
        let refname = self.refname();
        let rewrites = match &self.remote_tip {
            Some(r) => !self.git.is_ancestor(r, commit)?,
            None => false,
        };
        let mut args = vec!["push".to_string(), "--porcelain".into()];
        if force {
            // Overwrite only what we just fetched: if someone publishes in between, the push
            // still fails instead of destroying their deploy.
            args.push(format!(
                "--force-with-lease={refname}:{}",
                self.remote_tip.as_deref().unwrap_or("")
            ));
        }
        args.extend([self.remote.clone(), format!("{commit}:{refname}")]);
        let out = self.git.raw(&args)?;
        if !out.status.success() {
            return Err(push_error(
                &self.remote,
                &self.name,
                &String::from_utf8_lossy(&out.stdout),
                &git::stderr(&out),
            ));
        }
        Ok(rewrites)
    }

    /// Moves the local branch (and the remote-tracking ref) to `commit`, once the remote has
    /// it: a rejected push leaves nothing behind, so the next run builds on the remote's tip.
    pub fn update_local(&self, commit: &str) -> Result<()> {
        let _ = self.git.run([
            "update-ref",
            &format!("refs/remotes/{}/{}", self.remote, self.name),
            commit,
        ]);
        if self.local_tip.as_deref() == Some(commit) {
            return Ok(());
        }
        self.git
            .run([
                "update-ref",
                "-m",
                "wirebook publish",
                &self.refname(),
                commit,
                self.local_tip.as_deref().unwrap_or(""),
            ])
            .map(|_| ())
            .map_err(|e| PublishError::LocalBranchNotMoved {
                branch: self.name.clone(),
                source: Box::new(e),
            })
    }
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
    Err(PublishError::NoSuchRemote {
        remote: remote.to_string(),
        shows,
    })
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
            return Err(PublishError::CheckedOut {
                branch: branch.to_string(),
                worktree: path.to_string(),
            });
        }
    }
    Ok(())
}

/// Turns `git push --porcelain` output into the message the user needs: whether the remote
/// moved on (run again) or refused the update itself (a hook, branch protection).
fn push_error(remote: &str, branch: &str, porcelain: &str, stderr: &str) -> PublishError {
    let (remote, branch, stderr) = (remote.to_string(), branch.to_string(), stderr.to_string());
    if porcelain.contains("[remote rejected]") {
        PublishError::PushRefused {
            remote,
            branch,
            stderr,
        }
    } else if porcelain.contains("[rejected]") {
        PublishError::PushBehind {
            remote,
            branch,
            stderr,
        }
    } else {
        PublishError::Push { remote, stderr }
    }
}

/// True when the site folder has uncommitted changes (which a publish includes).
pub fn site_is_dirty(git: &Git) -> Result<bool> {
    let status = git.run([
        "status",
        "--porcelain",
        "--untracked-files=normal",
        "--",
        ".",
    ])?;
    Ok(!status.is_empty())
}

/// `Publish site from <HEAD> (<UTC time>)`, with the base URL and exact source in the body so
/// a rollback can be matched to the sources it was built from.
pub fn default_message(git: &Git, base_url: &str, dirty: bool) -> Result<String> {
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    let head = git.resolve("HEAD")?;
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

#[cfg(test)]
mod tests {
    use super::*;

    // Porcelain lines as git 2.47 prints them.
    const HOOK: &str = "To /srv/remote.git\n!\tabc:refs/heads/gh-pages\t[remote rejected] (pre-receive hook declined)\nDone\n";
    const BEHIND: &str =
        "To /srv/remote.git\n!\tabc:refs/heads/gh-pages\t[rejected] (fetch first)\nDone\n";
    const STALE: &str =
        "To /srv/remote.git\n!\tabc:refs/heads/gh-pages\t[rejected] (stale info)\nDone\n";

    #[test]
    fn push_errors_say_what_happened() {
        let e = push_error("origin", "gh-pages", BEHIND, "error: failed to push").to_string();
        assert!(
            e.starts_with("push rejected by origin: error: failed to push"),
            "{e}"
        );
        assert!(e.contains("someone else published?"), "{e}");
        assert!(
            e.contains("run again to build on top, or pass --force"),
            "{e}"
        );
        let e = push_error("origin", "gh-pages", STALE, "x").to_string();
        assert!(e.contains("someone else published?"), "{e}");
        let e = push_error("origin", "gh-pages", HOOK, "remote: protected").to_string();
        assert!(e.contains("remote: protected"), "{e}");
        assert!(e.contains("refused the update itself"), "{e}");
        let e = push_error(
            "origin",
            "gh-pages",
            "",
            "fatal: could not read from remote",
        )
        .to_string();
        assert_eq!(
            e,
            "cannot push to `origin`: fatal: could not read from remote"
        );
    }
}
