//! The Atom feed (`atom.xml`, also written as jekyll-feed's `feed.xml`): the newest posts
//! with their full content, as the `atom.xml` template sees them.

use serde::Serialize;

use crate::config::{BaseUrl, SiteConfig};
use crate::content::library::Library;
use crate::content::page::Page;
use crate::i18n::Messages;
use crate::render::views::Summary;
use crate::slug::encode_path;

/// What `atom.xml` is rendered from.
#[derive(Serialize)]
pub struct Feed<'a> {
    /// The newest `feed_limit` posts.
    pub entries: Vec<FeedEntry<'a>>,
    /// When the newest post was last updated (now, for a site without posts).
    pub updated: String,
    /// The feed's own absolute URL.
    pub feed_url: String,
}

/// One post in the feed. Its `content`, the post's whole HTML, is added by the renderer
/// (`site/jobs.rs`) only when the feed is rendered: a build that keeps the feed it wrote
/// last time reads no post's HTML for it.
#[derive(Serialize)]
pub struct FeedEntry<'a> {
    pub summary: Summary<'a>,
    pub updated: String,
    #[serde(skip)]
    pub page: &'a Page,
}

impl<'a> Feed<'a> {
    pub fn new(
        library: &'a Library,
        base: &BaseUrl,
        config: &'a SiteConfig,
        messages: &Messages,
    ) -> Self {
        let updated = |p: &crate::content::page::Page| p.updated.unwrap_or(p.date).to_rfc3339();
        Feed {
            entries: library
                .pages
                .iter()
                .take(config.feed_limit)
                .map(|p| FeedEntry {
                    summary: Summary::new(p, base, config, messages),
                    updated: updated(p),
                    page: p,
                })
                .collect(),
            updated: library
                .pages
                .first()
                .map_or_else(|| chrono::Utc::now().to_rfc3339(), updated),
            feed_url: encode_path(&base.absolute("/atom.xml")),
        }
    }
}
