//! The output files of a site ([`Job`]) and, for each, the template and the typed views it
//! is rendered with; rendered in parallel into a sink.

use std::time::Instant;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use super::Site;
use crate::content::page::Page;
use crate::feed::Feed;
use crate::output::{InputKey, Sink};
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

    /// What every output file's input key starts from: this wirebook, the templates, the
    /// site's values and the whole configuration (theme text, highlighting, …).
    fn input_salt(&self, site: &Value) -> u128 {
        let mut key = InputKey::default();
        key.part(env!("CARGO_PKG_VERSION").as_bytes());
        key.u128(self.renderer.sources_key);
        key.json(site).expect("the site's values serialise");
        key.part(format!("{:?}", self.config).as_bytes());
        key.finish()
    }

    /// Renders the given files in parallel into `sink`. A sink that keeps files from an
    /// earlier build gets each file's input key first, and a file it still holds is not
    /// rendered at all (#15).
    pub fn render_jobs(&self, jobs: &[Job], sink: &dyn Sink) -> Result<()> {
        let site = self.site_value();
        let salt = sink.keeps_inputs().then(|| self.input_salt(&site));
        let kept: usize = jobs
            .par_iter()
            .map(|job| self.render_job(job, &site, salt, sink))
            .try_reduce(|| 0, |a, b| Ok(a + b))?;
        if salt.is_some() {
            // The search index's files are counted apart (`search.rs`).
            let pages = jobs.iter().filter(|j| **j != Job::SearchIndex).count();
            tracing::debug!("{kept} of {pages} pages kept from the last build");
        }
        Ok(())
    }

    /// Renders one job into `sink`; returns 1 when the sink kept it from the last build.
    fn render_job(
        &self,
        job: &Job,
        site: &Value,
        salt: Option<u128>,
        sink: &dyn Sink,
    ) -> Result<usize> {
        if let Job::SearchIndex = job {
            return self.write_search_index(sink).map(|()| 0);
        }
        // When the output may hold the file already, its input key alone first: hashed
        // straight from the views, without the template values a render needs.
        if let Some(salt) = salt.filter(|_| sink.reuses()) {
            let mut key = KeyOnly(InputKey::new(salt));
            let (template, path, _) = self.job_vars(job, &mut key)?;
            let files = job_files(job, &path);
            let files: Vec<&str> = files.iter().map(String::as_str).collect();
            if sink.reuse(&files, key_for(&key.0, &template)) {
                return Ok(1);
            }
        }
        let mut vars = Values {
            key: salt.map(InputKey::new),
            map: Map::new(),
        };
        let (template, path, contents) = self.job_vars(job, &mut vars)?;
        let input = vars.key.as_ref().map_or(0, |k| key_for(k, &template));
        let mut vars = vars.map;
        // The page is rendered: its posts' HTML goes in where the template reads it.
        let html_of = |page: &Page| self.html(page).map(|h| Value::String(h.into_owned()));
        match job {
            Job::Post(_) => vars["page"]["content"] = html_of(contents[0])?,
            Job::Feed => {
                for (entry, page) in vars["entries"]
                    .as_array_mut()
                    .expect("feed entries")
                    .iter_mut()
                    .zip(&contents)
                {
                    entry["content"] = html_of(page)?;
                }
            }
            _ => {}
        }
        vars.insert("site".into(), site.clone());
        let ctx = tera::Context::from_value(Value::Object(vars))?;
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
        for file in job_files(job, &path) {
            sink.put(&file, html.as_bytes(), input)?;
        }
        Ok(0)
    }

    /// A job's template values into `vars`, but the site's and the HTML of the posts it
    /// shows, whose content keys stand for it; returns the template, the page's URL path
    /// and those posts.
    fn job_vars<'s>(
        &'s self,
        job: &Job,
        vars: &mut impl Vars,
    ) -> Result<(String, String, Vec<&'s Page>)> {
        // The language of this page's theme text and `<html lang>`: a post's own, else the site's.
        let lang = match job {
            Job::Post(i) => self.library.pages[*i].language(&self.config),
            _ => &self.config.language,
        };
        vars.set("lang", &lang)?;
        let mut contents: Vec<&Page> = Vec::new();
        let (template, path): (String, String) = match job {
            Job::Post(i) => {
                let page = &self.library.pages[*i];
                let (older, newer) = self.library.neighbours(*i);
                let mut view =
                    PageView::new(page, &self.base, &self.config, &self.messages, older, newer);
                view.content = "";
                vars.set("page", &view)?;
                vars.content(self.content_key(page));
                contents.push(page);
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
                vars.set("paginator", &paginator)?;
                vars.set("page_url", &self.local(&pager_path("/", *n)))?;
                ("index.html".into(), pager_path("/", *n))
            }
            Job::TaxonomyList(n) => {
                let tax = &self.taxonomies[*n];
                let terms: Vec<TermView> = tax
                    .terms
                    .iter()
                    .map(|t| TermView::new(tax, t, &self.base))
                    .collect();
                vars.set("taxonomy", &TaxonomyView::new(tax, &self.base))?;
                vars.set("terms", &terms)?;
                vars.set("page_url", &self.local(&tax.path()))?;
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
                vars.set("taxonomy", &TaxonomyView::new(tax, &self.base))?;
                vars.set("term", &TermView::new(tax, term, &self.base))?;
                vars.set("pages", &pages)?;
                vars.set("page_url", &self.local(&tax.term_path(term)))?;
                ("taxonomy.html".into(), tax.term_path(term))
            }
            Job::NotFound => ("404.html".into(), "/404.html".into()),
            Job::Search => ("search.html".into(), "/search/".into()),
            Job::SearchIndex => unreachable!("written above"),
            Job::Feed => {
                let feed = Feed::new(&self.library, &self.base, &self.config, &self.messages);
                vars.extend(&feed)?;
                for entry in &feed.entries {
                    vars.content(self.content_key(entry.page));
                    contents.push(entry.page);
                }
                ("atom.xml".into(), "/atom.xml".into())
            }
            Job::Sitemap => {
                let index_paths: Vec<String> = (1..=self.index_pages())
                    .map(|n| pager_path("/", n))
                    .collect();
                vars.set(
                    "entries",
                    &sitemap::sitemap_entries(
                        &self.library,
                        &self.taxonomies,
                        &index_paths,
                        &self.base,
                    ),
                )?;
                ("sitemap.xml".into(), "/sitemap.xml".into())
            }
        };
        vars.set("canonical", &encode_path(&self.base.absolute(&path)))?;
        Ok((template, path, contents))
    }

    /// The search index over every post, into `sink`. Each post's terms are in its light
    /// parts; its text is read (from the cache entry, for a post from the posts index) only
    /// for a document that is written again.
    fn write_search_index(&self, sink: &dyn Sink) -> Result<()> {
        let t = Instant::now();
        let docs: Vec<crate::search::Doc<'_>> = self
            .library
            .pages
            .par_iter()
            .map(|page| crate::search::Doc {
                page,
                // As `Summary::new` makes them; the rest of a summary is not needed here.
                url: self.local(&page.path),
                date_display: self.messages.date(page.language(&self.config), &page.date),
            })
            .collect();
        let text = |page: &Page| -> Result<String> {
            // A post from the posts index has its text in its cache entry only.
            if page.html_pending && page.rendered.search.text.is_empty() {
                return Ok(self.full_rendered(page)?.into_owned().search.text);
            }
            Ok(page.rendered.search.text.clone())
        };
        // serve keeps what it handed on last, so only changed files go to `sink`.
        let mut emitted = self
            .search_emitted
            .as_ref()
            .map(|m| m.lock().expect("search lock"));
        crate::search::build(&docs, &text, emitted.as_deref_mut(), sink)?;
        tracing::debug!("search index in {:?}", t.elapsed());
        Ok(())
    }

    fn local(&self, path: &str) -> String {
        encode_path(&self.base.local(path))
    }
}

/// The output files of a job: its page, and the feed's second path.
fn job_files(job: &Job, path: &str) -> Vec<String> {
    let mut files = vec![crate::content::page::output_file_for(path)];
    if *job == Job::Feed {
        // jekyll-feed's path, so subscribers of a moved Jekyll blog keep their feed.
        files.push("feed.xml".into());
    }
    files
}

/// Where a job's template values go (`Site::job_vars`): into its input key alone, or into
/// the values a template is rendered with as well. Both hash the same bytes in the same
/// order, so a key is the same whichever made it.
trait Vars {
    fn set<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<()>;
    /// Every field of `value` as a template value of its own (the feed's).
    fn extend<T: Serialize>(&mut self, value: &T) -> Result<()>;
    /// The content key of a post whose HTML the page shows (see `Site::content_key`).
    fn content(&mut self, key: u128);
}

/// The input key alone.
struct KeyOnly(InputKey);

impl Vars for KeyOnly {
    fn set<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<()> {
        self.0.part(name.as_bytes());
        Ok(self.0.json(value)?)
    }

    fn extend<T: Serialize>(&mut self, value: &T) -> Result<()> {
        Ok(self.0.json(value)?)
    }

    fn content(&mut self, key: u128) {
        self.0.u128(key);
    }
}

/// The template values, and the input key when the sink keeps one.
struct Values {
    key: Option<InputKey>,
    map: Map<String, Value>,
}

impl Vars for Values {
    fn set<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<()> {
        if let Some(key) = &mut self.key {
            key.part(name.as_bytes());
            key.json(value)?;
        }
        self.map
            .insert(name.to_string(), serde_json::to_value(value)?);
        Ok(())
    }

    fn extend<T: Serialize>(&mut self, value: &T) -> Result<()> {
        if let Some(key) = &mut self.key {
            key.json(value)?;
        }
        let Value::Object(values) = serde_json::to_value(value)? else {
            anyhow::bail!("template values must be a map");
        };
        self.map.extend(values);
        Ok(())
    }

    fn content(&mut self, key: u128) {
        if let Some(k) = &mut self.key {
            k.u128(key);
        }
    }
}

/// The input key of a job's file: `key` closed with the template its values are rendered with.
fn key_for(key: &InputKey, template: &str) -> u128 {
    let mut key = key.clone();
    key.raw(template.as_bytes());
    key.finish()
}
