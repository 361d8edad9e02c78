//! What the Markdown stage (`markdown.rs`) makes of a post's body: [`Rendered`], stored on the
//! [`Page`](super::page::Page) as it is and kept in the build cache. It lives here, below the
//! Markdown layer, so that a page can hold it without `content` importing `markdown`.

use serde::{Deserialize, Serialize};

use crate::diagnostics::Problem;

/// What the Markdown stage produces for a page (kept in the build cache, `cache.rs`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Automatic summary: plain prose from the first real paragraphs (see `summary.rs`).
    pub summary: String,
    /// The text before the excerpt separator (Jekyll's `<!--more-->`), when the body has one.
    /// This is the hook for `excerpt_separator`; it wins over the automatic summary.
    pub excerpt: Option<String>,
    /// All the page's words as plain text, for the search index.
    pub plain: String,
    pub word_count: usize,
    /// Words and CJK characters, for the reading time (see `reading.rs`).
    pub counts: crate::reading::Counts,
    pub has_widgets: bool,
    /// Root-relative links found in the body (for `check`).
    pub links: Vec<(usize, String)>,
    /// Root-relative image sources found in the body (for `check`).
    pub images: Vec<(usize, String)>,
    /// What the Markdown stage warns about (an unknown code language, a formula that does not
    /// parse, Liquid it cannot run), each with its file line; cached with the rest, so a
    /// warm build warns as a cold one does.
    pub warnings: Vec<Problem>,
}

/// One heading of the table of contents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}
