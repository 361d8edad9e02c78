//! The Markdown stage for each post: Liquid first in a Jekyll source, then
//! `markdown::render`, whose result the page keeps as it is; through the build cache.

use crate::cache::MarkdownCache;
use crate::config::{BaseUrl, SiteConfig};
use crate::content::page::Page;
use crate::diagnostics::Problem;
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
    let key = cache.key(page);
    if let Some(rendered) = cache.get(key) {
        page.body = String::new();
        page.rendered = rendered;
        return Ok(());
    }
    render(page)?;
    cache.keep(key, &page.rendered);
    Ok(())
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
