//! The output files of a site ([`Job`]) and, for each, the template and the typed views it
//! is rendered with; rendered in parallel into a sink.

use std::time::Instant;

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use super::Site;
use crate::feed::Feed;
use crate::render::views::{
    pager_path, PageView, Paginator, SiteView, Summary, TaxonomyView, TermView,
};
use crate::sitemap;
use crate::slug::encode_path;

/// One output file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// A post, by index into the library.
    Post(usize),
    /// Index page N (1-based).
    Index(usize),
    /// The list of all terms of taxonomy N.
    TaxonomyList(usize),
    /// Term T of taxonomy N.
    Term(usize, usize),
    NotFound,
    Feed,
    Sitemap,
    /// The search page, `/search/`.
    Search,
    /// The search index's files (`search/…`, see `search.rs`).
    SearchIndex,
}

impl Site {
    /// Every file of the site.
    pub fn jobs(&self) -> Vec<Job> {
        let mut jobs: Vec<Job> = (0..self.library.pages.len()).map(Job::Post).collect();
        jobs.extend((1..=self.index_pages()).map(Job::Index));
        for (n, tax) in self.taxonomies.iter().enumerate() {
            jobs.push(Job::TaxonomyList(n));
            jobs.extend((0..tax.terms.len()).map(|t| Job::Term(n, t)));
        }
        jobs.extend([
            Job::NotFound,
            Job::Feed,
            Job::Sitemap,
            Job::Search,
            Job::SearchIndex,
        ]);
        jobs
    }

    fn site_value(&self) -> serde_json::Value {
        serde_json::to_value(SiteView::new(&self.config, &self.base, &self.asset_version))
            .expect("site view serialises")
    }

    /// Renders the given files in parallel into `sink`.
    pub fn render_jobs(
        &self,
        jobs: &[Job],
        sink: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
    ) -> Result<()> {
        let site = self.site_value();
        jobs.par_iter()
            .map(|job| self.render_job(job, &site, sink))
            .collect::<Result<Vec<()>>>()?;
        Ok(())
    }

    fn render_job(
        &self,
        job: &Job,
        site: &serde_json::Value,
        sink: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
    ) -> Result<()> {
        if let Job::SearchIndex = job {
            return self.write_search_index(sink);
        }
        let mut ctx = tera::Context::new();
        ctx.insert("site", site);
        // The language of this page's theme text and `<html lang>`: a post's own, else the site's.
        let lang = match job {
            Job::Post(i) => self.library.pages[*i].language(&self.config),
            _ => &self.config.language,
        };
        ctx.insert("lang", lang);
        let (template, path) = match job {
            Job::Post(i) => {
                let page = &self.library.pages[*i];
                let (older, newer) = self.library.neighbours(*i);
                ctx.insert(
                    "page",
                    &PageView::new(page, &self.base, &self.config, &self.messages, older, newer),
                );
                (format!("{}.html", page.layout), page.path.clone())
            }
            Job::Index(n) => {
                let per = self.config.posts_per_page;
                let pages = self.library.pages.iter().skip((n - 1) * per).take(per);
                let total = self.index_pages();
                let paginator = Paginator {
                    current: *n,
                    total,
                    pages: pages
                        .map(|p| Summary::new(p, &self.base, &self.config, &self.messages))
                        .collect(),
                    prev_url: (*n > 1).then(|| self.local(&pager_path("/", n - 1))),
                    next_url: (*n < total).then(|| self.local(&pager_path("/", n + 1))),
                };
                ctx.insert("paginator", &paginator);
                ctx.insert("page_url", &self.local(&pager_path("/", *n)));
                ("index.html".into(), pager_path("/", *n))
            }
            Job::TaxonomyList(n) => {
                let tax = &self.taxonomies[*n];
                let terms: Vec<TermView> = tax
                    .terms
                    .iter()
                    .map(|t| TermView::new(tax, t, &self.base))
                    .collect();
                ctx.insert("taxonomy", &TaxonomyView::new(tax, &self.base));
                ctx.insert("terms", &terms);
                ctx.insert("page_url", &self.local(&tax.path()));
                ("taxonomy_list.html".into(), tax.path())
            }
            Job::Term(n, t) => {
                let (tax, term) = (&self.taxonomies[*n], &self.taxonomies[*n].terms[*t]);
                let pages: Vec<_> = term
                    .pages
                    .iter()
                    .map(|&i| {
                        Summary::new(
                            &self.library.pages[i],
                            &self.base,
                            &self.config,
                            &self.messages,
                        )
                    })
                    .collect();
                ctx.insert("taxonomy", &TaxonomyView::new(tax, &self.base));
                ctx.insert("term", &TermView::new(tax, term, &self.base));
                ctx.insert("pages", &pages);
                ctx.insert("page_url", &self.local(&tax.term_path(term)));
                ("taxonomy.html".into(), tax.term_path(term))
            }
            Job::NotFound => ("404.html".into(), "/404.html".into()),
            Job::Search => ("search.html".into(), "/search/".into()),
            Job::SearchIndex => unreachable!("written above"),
            Job::Feed => {
                let feed = Feed::new(&self.library, &self.base, &self.config, &self.messages);
                ctx.extend(tera::Context::from_serialize(&feed)?);
                ("atom.xml".into(), "/atom.xml".into())
            }
            Job::Sitemap => {
                let index_paths: Vec<String> = (1..=self.index_pages())
                    .map(|n| pager_path("/", n))
                    .collect();
                ctx.insert(
                    "entries",
                    &sitemap::sitemap_entries(
                        &self.library,
                        &self.taxonomies,
                        &index_paths,
                        &self.base,
                    ),
                );
                ("sitemap.xml".into(), "/sitemap.xml".into())
            }
        };
        ctx.insert("canonical", &encode_path(&self.base.absolute(&path)));
        let html = self
            .renderer
            .render(&template, &ctx)
            .with_context(|| match job {
                Job::Post(i) => format!(
                    "{}: rendering with layout `{template}`",
                    self.library.pages[*i].source.display()
                ),
                _ => format!("rendering {path} with template `{template}`"),
            })?;
        if *job == Job::Feed {
            // jekyll-feed's path, so subscribers of a moved Jekyll blog keep their feed.
            sink("feed.xml", html.as_bytes())?;
        }
        sink(
            &crate::content::page::output_file_for(&path),
            html.as_bytes(),
        )
    }

    /// The search index over every post, into `sink`.
    fn write_search_index(&self, sink: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync)) -> Result<()> {
        let t = Instant::now();
        let docs: Vec<crate::search::Doc<'_>> = self
            .library
            .pages
            .iter()
            .map(|page| crate::search::Doc {
                page,
                summary: Summary::new(page, &self.base, &self.config, &self.messages),
            })
            .collect();
        let files = crate::search::build(&docs);
        tracing::debug!("search index: {} files in {:?}", files.len(), t.elapsed());
        files
            .par_iter()
            .map(|(name, bytes)| sink(name, bytes))
            .collect::<Result<Vec<()>>>()?;
        Ok(())
    }

    fn local(&self, path: &str) -> String {
        encode_path(&self.base.local(path))
    }
}
