//! The `git` command line, run as a child process (no libgit2: the user's own git already
//! knows their credentials, hooks, `insteadOf` rewrites and SSH setup).
//!
//! Every failure names the git command and carries git's own stderr.

use std::ffi::OsStr;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::error::{PublishError, Result};

/// One repository, addressed from the site root (which may be a sub-folder of it).
#[derive(Clone)]
pub struct Git {
    /// Where git commands run: the site root, inside the work tree.
    cwd: PathBuf,
    /// Extra environment for every command (a temporary index, a fallback identity).
    env: Vec<(String, String)>,
}

impl Git {
    /// Finds the repository containing `root`.
    pub fn discover(root: &Path) -> Result<Git> {
        if !root.is_dir() {
            return Err(PublishError::RootNotADirectory(root.to_path_buf()));
        }
        let git = Git {
            cwd: root.to_path_buf(),
            env: Vec::new(),
        };
        let out = git.output(["rev-parse", "--show-toplevel"], None)?;
        if !out.status.success() {
            return Err(PublishError::NotARepository {
                root: root.to_path_buf(),
                stderr: stderr(&out),
            });
        }
        Ok(git)
    }

    /// The same repository with `key=value` set for every later command.
    pub fn with_env(&self, key: &str, value: impl Into<String>) -> Git {
        let mut env = self.env.clone();
        env.push((key.to_string(), value.into()));
        Git {
            cwd: self.cwd.clone(),
            env,
        }
    }

    fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new("git");
        cmd.current_dir(&self.cwd)
            // Never take a lock on (or refresh) the user's index behind their back.
            .arg("--no-optional-locks")
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    fn output<I, S>(&self, args: I, input: Option<Vec<u8>>) -> Result<Output>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command(args);
        let shown = format!("{cmd:?}");
        cmd.stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(PublishError::GitMissing)?;
        // Feed stdin from another thread: git answers line by line, and a large input would
        // otherwise fill the stdout pipe while we are still writing (a deadlock).
        let writer = match (input, child.stdin.take()) {
            (Some(bytes), Some(mut stdin)) => {
                Some(std::thread::spawn(move || stdin.write_all(&bytes)))
            }
            _ => None,
        };
        let out = child
            .wait_with_output()
            .map_err(|source| PublishError::GitWait {
                command: shown,
                source,
            })?;
        if let Some(w) = writer {
            // A broken pipe here means git exited early; its stderr below says why.
            let _ = w.join();
        }
        Ok(out)
    }

    /// Runs git and returns its trimmed stdout; a non-zero exit is an error with git's stderr.
    pub fn run<I, S>(&self, args: I) -> Result<String>
    where
        I: IntoIterator<Item = S> + Clone,
        S: AsRef<OsStr>,
    {
        self.run_with_input(args, None)
    }

    pub fn run_with_input<I, S>(&self, args: I, input: Option<Vec<u8>>) -> Result<String>
    where
        I: IntoIterator<Item = S> + Clone,
        S: AsRef<OsStr>,
    {
        let out = self.checked(args, input)?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Like [`Git::run`], with stdout untouched (NUL-separated listings).
    pub fn run_raw<I, S>(&self, args: I) -> Result<String>
    where
        I: IntoIterator<Item = S> + Clone,
        S: AsRef<OsStr>,
    {
        let out = self.checked(args, None)?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs git; a non-zero exit is [`PublishError::Git`] with the command and git's stderr.
    fn checked<I, S>(&self, args: I, input: Option<Vec<u8>>) -> Result<Output>
    where
        I: IntoIterator<Item = S> + Clone,
        S: AsRef<OsStr>,
    {
        let out = self.output(args.clone(), input)?;
        if !out.status.success() {
            return Err(PublishError::Git {
                args: show(args),
                stderr: stderr(&out),
            });
        }
        Ok(out)
    }

    /// Runs git; `None` when it exits non-zero (for questions such as "does this ref
    /// exist?", where failure is an answer).
    pub fn query<I, S>(&self, args: I) -> Result<Option<String>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let out = self.output(args, None)?;
        Ok(out
            .status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string()))
    }

    /// Runs git and hands back the raw output, for callers that read both streams.
    pub fn raw<I, S>(&self, args: I) -> Result<Output>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.output(args, None)
    }

    /// The commit a ref points at, if it exists.
    pub fn resolve(&self, rev: &str) -> Result<Option<String>> {
        self.query(["rev-parse", "-q", "--verify", &format!("{rev}^{{commit}}")])
    }

    pub fn short(&self, rev: &str) -> String {
        self.query(["rev-parse", "--short", rev])
            .ok()
            .flatten()
            .unwrap_or_else(|| rev.chars().take(7).collect())
    }

    pub fn is_ancestor(&self, ancestor: &str, of: &str) -> Result<bool> {
        Ok(self
            .query(["merge-base", "--is-ancestor", ancestor, of])?
            .is_some())
    }

    pub fn config(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .query(["config", "--get", key])?
            .filter(|v| !v.is_empty()))
    }
}

pub fn stderr(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr);
    let text = text.trim();
    if text.is_empty() {
        format!("git exited with {}", out.status)
    } else {
        text.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn show<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    args.into_iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
