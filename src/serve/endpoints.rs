//! The live demo endpoints `wirebook serve` mounts beside the site: the examples server
//! (REST, WebSocket, SSE, GraphQL) when wirebook is built with the `examples` feature, and
//! an empty stand-in when it is not (`cargo install wirebook --no-default-features`), so the
//! server code has no `cfg` of its own.

use axum::Router;

use super::{ServeError, ServeOptions};

/// True when this build of wirebook can serve the live endpoints.
pub const AVAILABLE: bool = cfg!(feature = "examples");

#[cfg(feature = "examples")]
pub use with_examples::Endpoints;
#[cfg(not(feature = "examples"))]
pub use without_examples::Endpoints;

#[cfg(feature = "examples")]
mod with_examples {
    use super::*;

    /// A running examples server; clones share it.
    #[derive(Clone)]
    pub struct Endpoints(examples_server::AppState);

    impl Endpoints {
        /// Starts the examples server with its data in `--examples-db` (default: in memory,
        /// so the demos start clean on each run).
        pub async fn start(opts: &ServeOptions) -> Result<Endpoints, ServeError> {
            let mut config = examples_server::Config::in_memory();
            if let Some(db) = &opts.examples_db {
                config.db = examples_server::DbLocation::File(db.clone());
            }
            config.news_interval = std::time::Duration::from_secs(15);
            config.limits.header_read_timeout = opts.header_read_timeout;
            let state = examples_server::AppState::new(&config)
                .await
                .map_err(|e| ServeError::Examples(e.into()))?;
            Ok(Endpoints(state))
        }

        /// The endpoints' routes in front of `site`.
        pub fn mount(self, site: Router) -> Router {
            examples_server::app(self.0).merge(site)
        }

        /// Tells open sockets and streams to end (chat sockets get 1001 "going away").
        pub fn shutdown(&self) {
            self.0.shutdown();
        }

        /// Waits (up to five seconds) for the server's background tasks to finish.
        pub async fn wait(&self) {
            self.0.tasks().close();
            let wait = self.0.tasks().wait();
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), wait).await;
        }
    }
}

#[cfg(not(feature = "examples"))]
mod without_examples {
    use super::*;

    /// No value exists: a build without the examples server can never have one running.
    #[derive(Clone)]
    pub enum Endpoints {}

    impl Endpoints {
        pub async fn start(_opts: &ServeOptions) -> Result<Endpoints, ServeError> {
            Err(ServeError::NoExamples)
        }

        pub fn mount(self, _site: Router) -> Router {
            match self {}
        }

        pub fn shutdown(&self) {
            match *self {}
        }

        pub async fn wait(&self) {
            match *self {}
        }
    }
}
