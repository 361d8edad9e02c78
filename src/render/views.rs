//! What templates see: small serialisable views over the config and pages. List pages get
//! summaries (no content) so an index of 10,000 posts stays cheap to render.

use chrono::{DateTime, Datelike, FixedOffset};
use serde::Serialize;

use crate::config::{BaseUrl, SiteConfig};
use crate::content::page::Page;
use crate::markdown::TocEntry;
use crate::slug::{encode_path, slugify};

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

/// A post as it appears in lists, feeds and prev/next links.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: String,
    pub date_display: String,
    pub description: String,
    pub author: Option<&'a str>,
    pub reading_time: usize,
    pub categories: Vec<TermLink>,
    pub tags: Vec<TermLink>,
    pub thumbnail: Option<String>,
}

impl<'a> Summary<'a> {
    pub fn new(page: &'a Page, base: &BaseUrl, config: &'a SiteConfig) -> Self {
        Summary {
            title: &page.title,
            url: encode_path(&base.local(&page.path)),
            permalink: encode_path(&base.absolute(&page.path)),
            date: page.date.to_rfc3339(),
            date_display: display_date(&page.date, &config.language),
            description: description(page),
            author: page
                .author
                .as_deref()
                .or((!config.author.is_empty()).then_some(config.author.as_str())),
            reading_time: reading_time(page.rendered.word_count, config.words_per_minute),
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
            summary: Summary::new(page, base, config),
            thumbnail_abs,
            content: &page.rendered.html,
            toc: &page.rendered.toc,
            show_toc: page.rendered.toc.len() >= config.toc_min_headings,
            word_count: page.rendered.word_count,
            has_widgets: page.rendered.has_widgets,
            layout: &page.layout,
            source: page.source.to_string_lossy().replace('\\', "/"),
            extra: &page.extra,
            older: older.map(|p| Summary::new(p, base, config)),
            newer: newer.map(|p| Summary::new(p, base, config)),
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

fn description(page: &Page) -> String {
    if let Some(d) = &page.description {
        return d.clone();
    }
    let s = page.rendered.summary.trim();
    if s.chars().count() <= 200 {
        s.to_string()
    } else {
        let cut: String = s.chars().take(197).collect();
        format!("{}…", cut.trim_end())
    }
}

pub fn reading_time(words: usize, wpm: usize) -> usize {
    words.div_ceil(wpm.max(1)).max(1)
}

/// Root-relative asset paths get the base path; absolute URLs are kept.
pub fn asset_url(base: &BaseUrl, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        encode_path(&base.local(url))
    } else {
        url.to_string()
    }
}

pub fn display_date(d: &DateTime<FixedOffset>, language: &str) -> String {
    if language.starts_with("ko") {
        format!("{}년 {}월 {}일", d.year(), d.month(), d.day())
    } else {
        d.format("%b %-d, %Y").to_string()
    }
}
