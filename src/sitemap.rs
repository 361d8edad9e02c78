//! `sitemap.xml` (every HTML page with an absolute URL) and the `robots.txt` that points at it.

use serde::Serialize;

use crate::config::BaseUrl;
use crate::content::library::Library;
use crate::slug::encode_path;
use crate::taxonomy::Taxonomy;

#[derive(Serialize)]
pub struct SitemapEntry {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// Every HTML page of the site with an absolute URL.
pub fn sitemap_entries(
    library: &Library,
    taxonomies: &[Taxonomy],
    index_paths: &[String],
    base: &BaseUrl,
) -> Vec<SitemapEntry> {
    let abs = |p: &str| encode_path(&base.absolute(p));
    let mut entries: Vec<SitemapEntry> = index_paths
        .iter()
        .map(|p| SitemapEntry {
            loc: abs(p),
            lastmod: library.pages.first().map(|p| p.date.to_rfc3339()),
        })
        .collect();
    entries.extend(library.pages.iter().map(|p| SitemapEntry {
        loc: abs(&p.path),
        lastmod: Some(p.updated.unwrap_or(p.date).to_rfc3339()),
    }));
    for tax in taxonomies {
        entries.push(SitemapEntry {
            loc: abs(&tax.path()),
            lastmod: None,
        });
        entries.extend(tax.terms.iter().map(|t| SitemapEntry {
            loc: abs(&tax.term_path(t)),
            lastmod: None,
        }));
    }
    entries
}

pub fn robots_txt(base: &BaseUrl) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        base.absolute("/sitemap.xml")
    )
}
