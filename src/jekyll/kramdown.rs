//! kramdown.
