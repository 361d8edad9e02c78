//! The one place that knows which YAML crate we use.
//!
//! serde_yaml is archived upstream; swapping in a maintained drop-in fork (serde_norway) is a
//! one-line change here.

pub use serde_yaml::{from_str, from_value, to_value, Error, Mapping, Value};
