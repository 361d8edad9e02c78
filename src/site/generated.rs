//! The pages a site generates besides its posts (home and index pages, taxonomies, feed,
//! sitemap, search, assets, redirects), and the posts whose URL would take one of them.

use std::collections::HashMap;

use super::Site;
use crate::content::page::Page;
use crate::diagnostics::Problem;
use crate::redirects;
use crate::render::views::pager_path;

impl Site {
    /// Every page the site generates besides posts (root-relative URL path), with what it is
    /// in words.
    pub fn generated_pages(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = (1..=self.index_pages())
            .map(|n| match n {
                1 => ("/".to_string(), "the home page".to_string()),
                n => (pager_path("/", n), format!("index page {n}")),
            })
            .collect();
        for tax in &self.taxonomies {
            out.push((tax.path(), format!("the list of {}", tax.name)));
            out.extend(tax.terms.iter().map(|t| {
                (
                    tax.term_path(t),
                    format!("the {} page of {:?}", tax.name, t.name),
                )
            }));
        }
        for (path, what) in [
            ("/atom.xml", "the Atom feed"),
            ("/feed.xml", "the Atom feed at jekyll-feed's path"),
            ("/sitemap.xml", "the sitemap"),
            ("/robots.txt", "robots.txt"),
            ("/404.html", "the 404 page"),
            ("/search/", "the search page"),
            ("/search/meta.json", "the search index"),
            ("/assets/syntax.css", "a theme asset"),
        ] {
            out.push((path.into(), what.into()));
        }
        out.extend(
            self.assets
                .iter()
                .map(|(n, _)| (format!("/assets/{n}"), "a theme asset".to_string())),
        );
        out.extend(
            redirects::collect(&self.library.pages)
                .into_iter()
                .map(|(from, page)| (from, format!("a redirect to {}", page.source.display()))),
        );
        out
    }

    /// Posts whose URL is also a page the site generates (`permalink: /tags/`), which would
    /// silently replace it or be replaced: one problem each, naming both.
    pub(crate) fn generated_clashes<'a>(
        &self,
        pages: impl IntoIterator<Item = &'a Page>,
    ) -> Vec<Problem> {
        let generated: HashMap<String, (String, String)> = self
            .generated_pages()
            .into_iter()
            .map(|(path, what)| (generated_file(&path), (path, what)))
            .collect();
        pages
            .into_iter()
            .filter_map(|page| {
                // The post's file, or a folder on its way (`/atom.xml/x/` needs a folder
                // where the feed is a file).
                let file = crate::content::page::output_file_for(&page.path);
                let (path, what) = std::iter::successors(Some(file.as_str()), |f| {
                    f.rsplit_once('/').map(|(dir, _)| dir)
                })
                .find_map(|f| generated.get(f))?;
                let clash = if *path == page.path {
                    format!("is also {what}")
                } else {
                    format!("would need a folder where {path} is {what}")
                };
                Some(Problem::at(
                    &page.source,
                    page.path_line,
                    format!(
                        "permalink {} {clash}; set a different `permalink`",
                        page.path
                    ),
                ))
            })
            .collect()
    }
}

/// The output file of a generated page: the files (feed, assets) keep their names.
fn generated_file(path: &str) -> String {
    if path.ends_with('/') {
        crate::content::page::output_file_for(path)
    } else {
        path.trim_start_matches('/').to_string()
    }
}
