//! Loading posts: files on disk → checked text → front matter + Markdown body → [`page::Page`].

pub mod front_matter;
pub mod library;
pub mod page;
pub mod permalink;
pub mod rendered;

use crate::encoding::TextError;

/// What is wrong with one post: its bytes, a front-matter value, or the URL it asks for.
/// The content layer's one error type; each becomes a [`crate::diagnostics::Problem`] with
/// the post's path and the line (see [`front_matter::FieldError`] for front matter, which
/// also carries the line and column). Messages say what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error("cannot read: {0}")]
    Read(String),
    #[error("{size} bytes, larger than `max_post_bytes` ({limit} bytes) in {}; split the post, or raise the limit", crate::config::CONFIG_FILE)]
    TooLarge { size: u64, limit: u64 },
    #[error(transparent)]
    Text(#[from] TextError),
    /// YAML that does not parse, or a value of the wrong type (serde_norway's words, without
    /// its location: the caller names the line).
    #[error("{0}")]
    Yaml(String),
    #[error("expected text")]
    ExpectedText,
    #[error("expected a list of words")]
    ExpectedWords,
    #[error("expected a list or a word")]
    ExpectedListOrWord,
    #[error("expected a date such as 2025-06-10 or 2025-06-10 14:30:00 +09:00")]
    ExpectedDate,
    #[error("cannot read {0:?} as a date; use 2025-06-10 or 2025-06-10 14:30:00 +09:00")]
    NotADate(String),
    #[error("year {0} is out of range; use a year from 1 to 9999")]
    YearOutOfRange(i32),
    /// A URL path that would put a file outside the output folder.
    #[error("leaves the output folder; write a path under `/`")]
    LeavesOutput,
    #[error("contains `\\`, a folder separator on Windows; use `/`")]
    Backslash,
}
