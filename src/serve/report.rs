//! What `serve` has to tell the person who started it (where the site is, which endpoints
//! it mounted, a failed rebuild), handed to a [`Reporter`] the command passes in: the
//! library never prints (STYLE.md habit 2); `cmd/serve.rs` decides where the words go.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// Whether the examples server's endpoints are on the site's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoints {
    Mounted,
    /// Asked for, but wirebook was built without the `examples` feature.
    NotInThisBuild,
    /// `--no-examples`.
    Off,
}

/// One thing `serve` reports.
#[derive(Debug)]
pub enum Notice<'a> {
    /// The site is served: the banner.
    Serving {
        root: &'a Path,
        url: &'a str,
        endpoints: Endpoints,
    },
    /// A build failed (the first one or a rebuild); the browser overlay shows the same text.
    BuildFailed(&'a str),
}

impl fmt::Display for Notice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::Serving {
                root,
                url,
                endpoints,
            } => {
                writeln!(f, "wirebook is serving {} at {url}", root.display())?;
                match endpoints {
                    Endpoints::Mounted => writeln!(
                        f,
                        "  live endpoints: /api/posts  /ws/chat  /sse/news  /graphql  (same origin)"
                    )?,
                    Endpoints::NotInThisBuild => writeln!(
                        f,
                        "  no live endpoints in this build (wirebook was installed without the \
                         `examples` feature); demos run against their in-browser backend"
                    )?,
                    Endpoints::Off => writeln!(f, "  examples server: off (--no-examples)")?,
                }
                write!(
                    f,
                    "  watching posts/ (or _posts/), templates/, static/ and the config; Ctrl-C to stop"
                )
            }
            Notice::BuildFailed(msg) => f.write_str(msg),
        }
    }
}

/// Receives [`Notice`]s. The default logs them through `tracing` (what tests and embedders
/// get); the `wirebook` binary prints them.
#[derive(Clone)]
pub struct Reporter(Arc<dyn Fn(&Notice<'_>) + Send + Sync>);

impl Reporter {
    pub fn new(f: impl Fn(&Notice<'_>) + Send + Sync + 'static) -> Self {
        Reporter(Arc::new(f))
    }

    pub fn report(&self, notice: &Notice<'_>) {
        (self.0)(notice);
    }
}

impl Default for Reporter {
    fn default() -> Self {
        Reporter::new(|notice| match notice {
            Notice::Serving { .. } => tracing::info!("{notice}"),
            Notice::BuildFailed(_) => tracing::error!("{notice}"),
        })
    }
}

impl fmt::Debug for Reporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reporter")
    }
}
