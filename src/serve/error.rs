//! Why `serve` cannot start or keep serving: the serve layer's one error type. A site that
//! does not build is not one of them: it is served anyway, with the error as an overlay.

use std::path::PathBuf;

use crate::config::ConfigError;

/// A boxed cause from a crate that reports with `anyhow` (the examples server) or its own
/// type (notify).
type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}")]
    Listen {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The bound listener's address cannot be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("--base-url: {0}, or a path such as /notes/")]
    BaseUrl(ConfigError),
    #[error("--base-url: expected a plain path such as /notes/, got {0:?}")]
    BasePath(String),
    #[error("cannot watch {}", path.display())]
    Watch {
        path: PathBuf,
        #[source]
        source: Cause,
    },
    /// The file watcher cannot be set up.
    #[error(transparent)]
    Notify(#[from] notify_debouncer_full::notify::Error),
    #[error("cannot start the examples server")]
    Examples(#[source] Cause),
    #[error("this wirebook was built without the `examples` feature: no live endpoints")]
    NoExamples,
    /// The first build's task panicked.
    #[error(transparent)]
    Task(#[from] tokio::task::JoinError),
}

impl ServeError {
    /// [`ServeError::Watch`] of `path`, for `map_err`.
    pub fn watch<E: Into<Cause>>(path: &std::path::Path) -> impl FnOnce(E) -> ServeError + '_ {
        move |e| ServeError::Watch {
            path: path.to_path_buf(),
            source: e.into(),
        }
    }
}
