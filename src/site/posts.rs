//! The Markdown stage for each post: Liquid first in a Jekyll source, then
//! `markdown::render`, whose result the page keeps as it is; through the build cache.

use std::borrow::Cow;

use crate::cache::MarkdownCache;
use crate::config::{BaseUrl, SiteConfig};
use crate::content::page::Page;
use crate::content::rendered::Rendered;
use crate::diagnostics::Problem;
use crate::diagnostics::Problems;
use crate::highlight;
use crate::i18n::Messages;
use crate::jekyll::liquid;
use crate::markdown;

/// `render` (the Markdown stage) through the build cache. Jekyll sources are not cached:
/// their Liquid tags read other posts' URLs.
pub(super) fn cached_markdown(
    page: &mut Page,
    cache: &MarkdownCache,
    render: impl FnOnce(&mut Page) -> Result<(), Vec<Problem>>,
) -> Result<(), Vec<Problem>> {
    if !cache.is_on() || crate::jekyll::is_jekyll_source(&page.source) {
        return render(page);
    }
    if let Some(key) = page.markdown_key.filter(|_| page.html_pending) {
        // From the posts index: the entry is read only if a page that shows it is rendered.
        cache.known(key);
        return Ok(());
    }
    let key = cache.key(page);
    page.markdown_key = Some(key);
    if let Some(rendered) = cache.get(key) {
        page.body = String::new();
        page.rendered = rendered;
        return Ok(());
    }
    render(page)?;
    cache.keep(key, &page.rendered);
    Ok(())
}

impl super::Site {
    /// What stands for a post's HTML in the input keys of the pages that show it: its
    /// Markdown cache key, else (a Jekyll source, or no cache) a hash of the HTML itself.
    pub(super) fn content_key(&self, page: &Page) -> u128 {
        page.markdown_key
            .unwrap_or_else(|| xxhash_rust::xxh3::xxh3_128(page.rendered.html.as_bytes()))
    }

    /// A post's HTML, for a page that shows it.
    pub(super) fn html<'a>(&self, page: &'a Page) -> anyhow::Result<Cow<'a, str>> {
        Ok(match self.full_rendered(page)? {
            Cow::Borrowed(r) => Cow::Borrowed(&r.html),
            Cow::Owned(r) => Cow::Owned(r.html),
        })
    }

    /// A post's whole Markdown result. A page taken from the posts index holds only its
    /// light parts; the rest is read from the cache entry, or, when that entry is gone or
    /// does not read back, rendered again from the post's file (never trusted half-read).
    pub(super) fn full_rendered<'a>(&self, page: &'a Page) -> anyhow::Result<Cow<'a, Rendered>> {
        let Some(key) = page.markdown_key.filter(|_| page.html_pending) else {
            return Ok(Cow::Borrowed(&page.rendered));
        };
        if let Some(rendered) = self.cache.as_ref().and_then(|c| c.get(key)) {
            return Ok(Cow::Owned(rendered));
        }
        let mut fresh = Page::load(&self.root, &page.source, &self.config)
            .map_err(Problems)?
            .page;
        render_markdown(
            &mut fresh,
            &self.config,
            &self.base,
            &self.styles,
            &self.messages,
            &self.links,
        )
        .map_err(Problems)?;
        if let Some(cache) = &self.cache {
            cache.keep(key, &fresh.rendered);
        }
        Ok(Cow::Owned(fresh.rendered))
    }
}

/// Markdown → HTML for one page, in place: `page.rendered` gets the result, warnings
/// included; the problems that stop the build are returned.
pub fn render_markdown(
    page: &mut Page,
    config: &SiteConfig,
    base: &BaseUrl,
    styles: &highlight::Styles,
    messages: &Messages,
    links: &liquid::Links,
) -> Result<(), Vec<Problem>> {
    let mut liquid_warnings = Vec::new();
    if crate::jekyll::is_jekyll_source(&page.source) {
        let env = liquid::Env {
            base,
            site_title: &config.title,
            site_description: &config.description,
            page_title: &page.title,
            links,
        };
        let (body, problems) = liquid::render(&page.body, &env);
        liquid_warnings.extend(
            problems
                .into_iter()
                .map(|(line, m)| Problem::at(&page.source, page.body_line + line, m)),
        );
        page.body = body;
    }
    let ctx = markdown::Context {
        base_path: &base.path,
        source: &page.source,
        body_line: page.body_line,
        styles,
        messages,
        lang: page.lang.as_deref().unwrap_or(messages.site_language()),
        excerpt_separator: &config.excerpt_separator,
    };
    page.rendered = markdown::render(&page.body, &ctx)?;
    page.body = String::new();
    page.rendered.warnings.splice(0..0, liquid_warnings);
    Ok(())
}
