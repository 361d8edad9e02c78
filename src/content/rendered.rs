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
    /// What the search index keeps of the body (see `search/`), made once here so that a
    /// build or a `serve` edit re-tokenises only the posts that changed (#15).
    pub search: SearchText,
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

/// A post body's part of the search index: its terms and the text shown with a result. The
/// body's plain text itself is not kept: these are all the index reads of it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SearchText {
    /// The body's distinct search terms (`search::tokens`), sorted, separated by spaces
    /// (which no term holds): one allocation per post instead of one per term.
    pub terms: String,
    /// The start of the body's plain text, for the result's passage and the browser's check.
    pub text: String,
    /// xxh3-128 of `text`: stands for it in the document's input key when the text itself
    /// is left in the cache entry (a post from the posts index).
    pub text_hash: u128,
}

impl SearchText {
    /// The terms, in sorted order.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.terms.split(' ').filter(|t| !t.is_empty())
    }
}
