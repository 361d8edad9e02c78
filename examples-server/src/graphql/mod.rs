//! GraphQL: the schema (`schema.rs`, HTTP-free), the introspection check
//! that lets schema tools past the depth limit, and the axum side in
//! `http.rs` (GraphQL over HTTP, subscriptions over WebSocket, the explorer page).

mod http;
pub mod introspection;
pub mod schema;

pub use http::router;
pub use schema::{build_schemas, AppSchema, Schemas};
