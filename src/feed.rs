//! Derived files that are not pages: `atom.xml`, `sitemap.xml`, `robots.txt` and the
//! redirect pages of `redirect_from`.

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

/// A page that sends readers (and search engines, by its canonical link) from an old URL to
/// `to`, as jekyll-redirect-from writes it, without JavaScript.
pub fn redirect_html(to: &str) -> String {
    let to = crate::html::escape(to);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<link rel=\"canonical\" href=\"{to}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<meta name=\"robots\" content=\"noindex\">\n<h1>Redirecting…</h1>\n<a href=\"{to}\">Click here if you are not redirected.</a>\n</html>\n"
    )
}
