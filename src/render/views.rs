//! What templates see: small serialisable views over the config and pages. List pages get
//! summaries (no content) so an index of 10,000 posts stays cheap to render.

use serde::Serialize;

use crate::config::{BaseUrl, SiteConfig};
use crate::content::page::Page;
use crate::content::rendered::TocEntry;
use crate::i18n::Messages;
use crate::slug::{encode_path, slugify};
use crate::taxonomy::{Taxonomy, Term};

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub author: &'a str,
    pub language: &'a str,
    /// Absolute URL of the home page, with a trailing slash.
    pub base_url: String,
    /// Path prefix for every local URL (`/repo`, or empty).
    pub base_path: &'a str,
    /// Where the demo widgets find the examples server (empty: same origin).
    pub examples_url: &'a str,
    /// Where the demos run: `server`, `browser` or `auto` (see `config::Backend`).
    pub examples_backend: &'static str,
    /// Changes when the theme's assets change, for cache busting.
    pub asset_version: &'a str,
    pub extra: &'a toml::Table,
    pub generator: &'static str,
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a SiteConfig, base: &'a BaseUrl, asset_version: &'a str) -> Self {
        SiteView {
            title: &config.title,
            description: &config.description,
            author: &config.author,
            language: &config.language,
            base_url: base.absolute("/"),
            base_path: &base.path,
            examples_url: &config.examples.url,
            examples_backend: config.examples.page_backend(),
            asset_version,
            extra: &config.extra,
            generator: concat!("wirebook ", env!("CARGO_PKG_VERSION")),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct TermLink {
    pub name: String,
    pub url: String,
}

impl TermLink {
    pub fn new(base: &BaseUrl, taxonomy: &str, name: &str) -> Self {
        TermLink {
            name: name.to_string(),
            url: encode_path(&base.local(&format!("/{taxonomy}/{}/", slugify(name)))),
        }
    }
}

/// A taxonomy (`categories`, `tags`) on its list page and its term pages.
#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub url: String,
}

impl<'a> TaxonomyView<'a> {
    pub fn new(tax: &'a Taxonomy, base: &BaseUrl) -> Self {
        TaxonomyView {
            name: tax.name,
            label: tax.label,
            url: encode_path(&base.local(&tax.path())),
        }
    }
}

/// One term of a taxonomy, with how many posts it has.
#[derive(Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
    pub url: String,
    pub count: usize,
}

impl<'a> TermView<'a> {
    pub fn new(tax: &Taxonomy, term: &'a Term, base: &BaseUrl) -> Self {
        TermView {
            name: &term.name,
            url: encode_path(&base.local(&tax.term_path(term))),
            count: term.pages.len(),
        }
    }
}

/// A post as it appears in lists, feeds and prev/next links.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: String,
    pub date_display: String,
    /// The language the post is written in (its `lang`, else the site's).
    pub lang: &'a str,
    pub description: String,
    pub author: Option<&'a str>,
    /// Minutes, by words and CJK characters (`reading.rs`).
    pub reading_time: usize,
    pub categories: Vec<TermLink>,
    pub tags: Vec<TermLink>,
    pub thumbnail: Option<String>,
}

impl<'a> Summary<'a> {
    pub fn new(
        page: &'a Page,
        base: &BaseUrl,
        config: &'a SiteConfig,
        messages: &Messages,
    ) -> Self {
        let lang = page.language(config);
        Summary {
            title: &page.title,
            url: encode_path(&base.local(&page.path)),
            permalink: encode_path(&base.absolute(&page.path)),
            date: page.date.to_rfc3339(),
            date_display: messages.date(lang, &page.date),
            lang,
            description: description(page),
            author: page
                .author
                .as_deref()
                .or((!config.author.is_empty()).then_some(config.author.as_str())),
            reading_time: page.rendered.counts.minutes(lang, config.words_per_minute),
            categories: page
                .categories
                .iter()
                .map(|c| TermLink::new(base, "categories", c))
                .collect(),
            tags: page
                .tags
                .iter()
                .map(|t| TermLink::new(base, "tags", t))
                .collect(),
            thumbnail: page.thumbnail.as_deref().map(|t| asset_url(base, t)),
        }
    }
}

/// A whole post, for its own page.
#[derive(Serialize)]
pub struct PageView<'a> {
    #[serde(flatten)]
    pub summary: Summary<'a>,
    /// Absolute thumbnail URL for OpenGraph.
    pub thumbnail_abs: Option<String>,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub show_toc: bool,
    pub word_count: usize,
    pub has_widgets: bool,
    pub layout: &'a str,
    pub source: String,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    pub older: Option<Summary<'a>>,
    pub newer: Option<Summary<'a>>,
}

impl<'a> PageView<'a> {
    pub fn new(
        page: &'a Page,
        base: &BaseUrl,
        config: &'a SiteConfig,
        messages: &Messages,
        older: Option<&'a Page>,
        newer: Option<&'a Page>,
    ) -> Self {
        let thumbnail_abs = page.thumbnail.as_deref().map(|t| {
            if t.starts_with('/') {
                encode_path(&base.absolute(t))
            } else {
                t.to_string()
            }
        });
        PageView {
            summary: Summary::new(page, base, config, messages),
            thumbnail_abs,
            content: &page.rendered.html,
            toc: &page.rendered.toc,
            show_toc: page.rendered.toc.len() >= config.toc_min_headings,
            word_count: page.rendered.word_count,
            has_widgets: page.rendered.has_widgets,
            layout: &page.layout,
            source: page.source.to_string_lossy().replace('\\', "/"),
            extra: &page.extra,
            older: older.map(|p| Summary::new(p, base, config, messages)),
            newer: newer.map(|p| Summary::new(p, base, config, messages)),
        }
    }
}

#[derive(Serialize)]
pub struct Paginator<'a> {
    pub current: usize,
    pub total: usize,
    pub pages: Vec<Summary<'a>>,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

/// URL path of index page `n` (1-based) under `prefix` (`/` or `/tags/rust/`).
pub fn pager_path(prefix: &str, n: usize) -> String {
    if n <= 1 {
        prefix.to_string()
    } else {
        format!("{prefix}page/{n}/")
    }
}

/// What lists, feeds and meta tags say about a post, on one line: the front matter's
/// `description`, else its `excerpt`, else the text before an excerpt separator, else the
/// automatic summary.
pub fn description(page: &Page) -> String {
    let written = page
        .description
        .as_deref()
        .or(page.excerpt.as_deref())
        .or(page.rendered.excerpt.as_deref());
    match written {
        Some(d) => crate::summary::squeeze(d),
        None => page.rendered.summary.clone(),
    }
}

/// Root-relative asset paths get the base path; absolute URLs are kept.
pub fn asset_url(base: &BaseUrl, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        encode_path(&base.local(url))
    } else {
        url.to_string()
    }
}
