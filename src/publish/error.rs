//! The publish layer's one error type: git failing or missing, files that cannot be read or
//! written, flags and arguments refused, pushes the remote turned down, and the site build's
//! own error carried unchanged.
//!
//! Messages say what to do next. A variant that wraps a cause either shows it in its own text
//! or returns it from `source()`, never both: `main` prints an error with its chain of
//! sources, so a cause in both places would be printed twice.

use std::path::{Path, PathBuf};

use crate::config::ConfigError;

pub type Result<T, E = PublishError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A broken `wirebook.toml`, or a `--base-url` the settings layer refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The site build failed; its error (a list of problems, say) is kept as it was.
    #[error(transparent)]
    Build(anyhow::Error),
    #[error(
        "nothing to publish: every post in {} is a draft or dated in the future",
        .0.display()
    )]
    OnlyDrafts(PathBuf),
    #[error("nothing to publish: {} is empty", .0.display())]
    NoPosts(PathBuf),
    /// A file-system step on `path` failed (`cannot write`, `cannot remove`, …).
    #[error("{doing} {}", path.display())]
    Io {
        doing: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}", path.display())]
    Walk {
        path: PathBuf,
        #[source]
        source: walkdir::Error,
    },
    #[error("cannot publish {}: its name contains a newline", .0.display())]
    NewlineInName(PathBuf),

    #[error("cannot run git ({0}); wirebook publish needs git installed and on PATH")]
    GitMissing(std::io::Error),
    #[error("waiting for {command}")]
    GitWait {
        /// The command line as `Command`'s `Debug` shows it.
        command: String,
        #[source]
        source: std::io::Error,
    },
    /// `git ARGS` exited non-zero; `stderr` is git's own message.
    #[error("`git {args}` failed: {stderr}")]
    Git { args: String, stderr: String },
    #[error("git hash-object returned {ids} ids for {files} files")]
    HashCount { ids: usize, files: usize },
    #[error("site root {} is not a directory", .0.display())]
    RootNotADirectory(PathBuf),
    #[error(
        "{} is not inside a git repository ({stderr}); `wirebook publish` commits the built \
         site to a branch of the site's repository and pushes it. Run `git init` and \
         `git remote add origin URL` first, or deploy with `wirebook init-ci github`",
        root.display()
    )]
    NotARepository { root: PathBuf, stderr: String },

    #[error("--branch: `{0}` is not a valid branch name")]
    BranchName(String),
    #[error(
        "branch `{branch}` is checked out in {worktree}; publishing replaces that branch's \
         files with the built site. Switch to your source branch first (git switch main), \
         or publish to another branch with --branch"
    )]
    CheckedOut { branch: String, worktree: String },
    /// `shows` is `git remote -v shows none` or `git remote -v shows: a, b`.
    #[error(
        "remote `{remote}` not found ({shows}); add one with `git remote add {remote} URL` \
         or pass --remote NAME"
    )]
    NoSuchRemote { remote: String, shows: String },
    #[error("cannot reach remote `{remote}` ({url}): {stderr}")]
    Unreachable {
        remote: String,
        url: String,
        stderr: String,
    },
    #[error("cannot fetch {branch} from `{remote}`")]
    Fetch {
        branch: String,
        remote: String,
        #[source]
        source: Box<PublishError>,
    },
    /// `local` and `remote_tip` are short commit ids.
    #[error(
        "the local branch {branch} ({local}) and {remote}/{branch} ({remote_tip}) have \
         diverged: each has publishes the other lacks (the remote branch was rewritten, or \
         commits were made on both). To keep the remote's history, run `git branch -f \
         {branch} {remote}/{branch}` and publish again; to replace the remote's history with \
         the local one, pass --force"
    )]
    Diverged {
        branch: String,
        remote: String,
        local: String,
        remote_tip: String,
    },
    #[error(
        "push rejected by {remote}: {stderr}\nthe remote refused the update itself (a hook \
         or branch protection on {branch}); nothing was changed"
    )]
    PushRefused {
        remote: String,
        branch: String,
        stderr: String,
    },
    #[error(
        "push rejected by {remote}: {stderr}\nthe remote {branch} has commits this one \
         doesn't (someone else published?) — run again to build on top, or pass --force"
    )]
    PushBehind {
        remote: String,
        branch: String,
        stderr: String,
    },
    #[error("cannot push to `{remote}`: {stderr}")]
    Push { remote: String, stderr: String },
    #[error("the remote has the new commit, but the local branch {branch} was not moved")]
    LocalBranchNotMoved {
        branch: String,
        #[source]
        source: Box<PublishError>,
    },

    #[error("--cname: expected a bare domain such as blog.example.com, got {0:?}")]
    CnameFlag(String),
    #[error("{}: expected one domain such as blog.example.com, got {text:?}", path.display())]
    CnameFile { path: PathBuf, text: String },
    /// `url` is the remote's URL as git reports it.
    #[error(
        "cannot work out the base URL: remote `{remote}` ({url}) is not a github.com \
         repository; pass --base-url URL (the address the site will be served from) or \
         --cname DOMAIN (a custom domain)"
    )]
    NoBaseUrl { remote: String, url: String },

    #[error(
        "{} does not look like a wirebook site (no {} and no posts/); pass --root",
        .0.display(),
        crate::config::CONFIG_FILE
    )]
    NotASite(PathBuf),
    #[error("{} already exists; pass --force to overwrite it", .0.display())]
    WorkflowExists(PathBuf),
    #[error("--git: expected a git URL such as https://github.com/OWNER/wirebook, got {0:?}")]
    GitUrl(String),
}

impl PublishError {
    /// The message followed by its causes, `outer: cause: root cause`, for the places that
    /// turn an error into one line of a report instead of returning it.
    pub fn with_causes(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        text
    }

    /// As an `anyhow::Error` for `main`, with the site build's own error handed back as it
    /// was, so a list of problems in the sources is still printed one problem a line.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            PublishError::Build(e) => e,
            e => e.into(),
        }
    }
}

/// `.map_err(io("cannot write", path))` on a file-system result: [`PublishError::Io`].
pub fn io<'a>(
    doing: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> PublishError + 'a {
    move |source| PublishError::Io {
        doing,
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Problem, Problems};

    #[test]
    fn each_cause_is_printed_once() {
        let e = PublishError::Fetch {
            branch: "gh-pages".into(),
            remote: "origin".into(),
            source: Box::new(PublishError::Git {
                args: "fetch origin".into(),
                stderr: "fatal: gone".into(),
            }),
        };
        let want = "cannot fetch gh-pages from `origin`: `git fetch origin` failed: fatal: gone";
        assert_eq!(e.with_causes(), want);
        // What `main` prints.
        assert_eq!(format!("{:#}", anyhow::Error::from(e)), want);

        // Shows its cause in its own text, so must not return it as a source too.
        let missing = PublishError::GitMissing(std::io::ErrorKind::NotFound.into());
        let text = missing.to_string();
        assert!(
            text.starts_with("cannot run git (entity not found);"),
            "{text}"
        );
        assert_eq!(format!("{:#}", anyhow::Error::from(missing)), text);
    }

    #[test]
    fn the_build_error_comes_back_as_it_was() {
        let problems = Problems(vec![Problem::at(Path::new("posts/a.md"), 3, "bad")]);
        let e = PublishError::Build(anyhow::Error::new(problems)).into_anyhow();
        assert!(e.downcast_ref::<Problems>().is_some(), "{e:#}");
    }
}
