//! Integration tests: each starts the real server on 127.0.0.1:0 over a
//! temporary SQLite database and talks to it with real clients.

mod common;

mod chat;
mod graphql;
mod graphql_schema;
mod graphql_ws;
mod hostile;
mod lifecycle;
mod rest;
mod rest_writes;
mod sse;
