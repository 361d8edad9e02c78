//! The one place that knows which YAML crate we use.
//!
//! serde_yaml is archived upstream (0.9.34+deprecated); this is its maintained fork,
//! serde_norway, with the same API and the same error messages and locations.

pub use serde_norway::{from_str, from_value, to_value, Mapping, Value};
