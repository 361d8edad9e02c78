//! Liquid.
