//! GraphQL: the schema (`schema.rs`, HTTP-free), the introspection check
//! that lets schema tools past the depth limit, and the axum side in
//! `http.rs` (GraphQL over HTTP, subscriptions over WebSocket, the explorer page).

mod http;
pub mod introspection;
pub mod schema;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::config::Limits;
use crate::posts::Posts;
use crate::ratelimit::WriteLimiter;

pub use http::router;
pub use schema::AppSchema;

/// The schema with depth and complexity limits, and the same schema with a deeper depth
/// limit for documents that only introspect.
#[derive(Clone)]
pub struct Schemas {
    pub main: AppSchema,
    pub introspection: AppSchema,
}

pub fn build_schemas(
    posts: Posts,
    limits: &Limits,
    writes: Arc<WriteLimiter>,
    shutdown: CancellationToken,
) -> Schemas {
    Schemas {
        main: schema::build(
            posts.clone(),
            limits,
            Arc::clone(&writes),
            shutdown.clone(),
            limits.graphql_depth,
        ),
        introspection: schema::build(posts, limits, writes, shutdown, introspection::MAX_DEPTH),
    }
}
