//! Problems found in a site's sources, each tied to a file and (where known) a line.
//!
//! Loading collects every problem instead of stopping at the first one, so an author with
//! three broken posts sees all three in one run.
//!
//! # How errors travel
//!
//! Each layer of the pipeline has one error type (`thiserror`), whose messages say what to
//! change; the layer above adds where it happened:
//!
//! | layer | type | wrapped by |
//! | --- | --- | --- |
//! | settings: `config.rs`, `jekyll/config.rs`, `jekyll/time.rs`, `i18n.rs`, permalink patterns, `[highlight]` themes | [`ConfigError`](crate::config::ConfigError) | its own `in_file` / `key` / `flag` (`wirebook.toml: `` `timezone` ``: …`, `--base-url: …`) |
//! | a post's bytes (`encoding.rs`) | [`TextError`](crate::encoding::TextError) | [`ContentError::Text`](crate::content::ContentError) |
//! | a post's front matter and URL (`content/`) | [`ContentError`](crate::content::ContentError), located as [`FieldError`](crate::content::front_matter::FieldError) (line, column) | a [`Problem`] with the post's path |
//! | Markdown blocks: fences, demos, formulas (`markdown.rs`, `highlight/`, `widgets.rs`, `math.rs`) | [`MarkdownError`](crate::markdown::MarkdownError) | a [`Problem`] at the block's line (formulas: a warning) |
//! | theme and templates (`render/`, `theme.rs`) | [`TemplateError`](crate::render::TemplateError) | the page being rendered (`posts/x.md: rendering with layout …`) |
//! | the output folder (`output.rs`) | [`OutputError`](crate::output::OutputError) | — (it names the folder or flag itself) |
//! | `serve` starting up: listener, `--base-url`, watcher, examples server (`serve/`) | [`ServeError`](crate::serve::ServeError) | — (a site that fails to build is served with an overlay instead) |
//! | `publish` and `init-ci`: git, the publish branch, the push, `--branch` / `--cname` / `--git` (`publish/`) | [`PublishError`](crate::publish::PublishError), which carries a [`ConfigError`](crate::config::ConfigError) or the site build's error unchanged | — (it names the git command, path, remote or flag itself) |
//!
//! A file that cannot be read is a [`ReadError`] inside the layer's type. A [`Problem`] is
//! `path:line:col: message`, counted from the top of the file. Problems in
//! the sources are collected, not stopped at: the pipeline (`site/`, `incremental.rs`)
//! returns them all as one [`Problems`] error. The pipeline (`site/`, `incremental.rs`,
//! `serve::run`) joins the stages; it returns `anyhow::Error`, which carries a layer's error
//! with `.context(…)` added where useful.
//! Nothing below `main.rs` and `cmd/` prints: `main` prints a [`Problems`] one problem a
//! line and anything else as its chain (`outer: cause: root cause`), once, and chooses the
//! exit code; warnings are logged through `tracing`; `serve`'s banner and failed rebuilds go
//! to the reporter `cmd/serve.rs` passes in (`serve/report.rs`).

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one source file. Lines and columns count from 1, from the top of the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn new(path: &Path, message: impl Into<String>) -> Self {
        Problem {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Problem {
            line: Some(line),
            ..Problem::new(path, message)
        }
    }

    pub fn with_column(mut self, column: usize) -> Self {
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// A file that cannot be read, with the system's reason as its source: the layers that read
/// files (settings, templates) share it.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {}", path.display())]
pub struct ReadError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// `std::fs::read_to_string(path).map_err(read_error(path))`.
pub fn read_error(path: &Path) -> impl FnOnce(std::io::Error) -> ReadError + '_ {
    move |source| ReadError {
        path: path.to_path_buf(),
        source,
    }
}

/// The error a build or check returns when the sources have problems.
#[derive(Debug)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            writeln!(f, "{p}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Problems {}
