//! Helpers shared by the tests of more than one workspace member, so that no test includes
//! another crate's files by `#[path]`: the browser (Chromium + chromedriver through
//! fantoccini), real Redis and PostgreSQL services, and the slow-client check both servers
//! must pass. Each gate fails under `CI` instead of skipping.

pub mod browser;
pub mod services;
pub mod slow;
