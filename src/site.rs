//! The pipeline: load → render Markdown (rayon) → render templates (rayon) → write.
//!
//! `build` writes into a staging directory and swaps it in only when every stage succeeded;
//! `check` runs the same stages and writes nothing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use crate::cache::MarkdownCache;
use crate::config::{BaseUrl, ConfigError, SiteConfig};
use crate::content::library::{Library, LoadResult};
use crate::content::page::Page;
use crate::diagnostics::{Problem, Problems};
use crate::feed::Feed;
use crate::highlight;
use crate::i18n::Messages;
use crate::jekyll::liquid;
use crate::markdown;
use crate::output::{self, Staging};
use crate::paths::SitePaths;
use crate::render::views::{
    pager_path, PageView, Paginator, SiteView, Summary, TaxonomyView, TermView,
};
use crate::render::Renderer;
use crate::slug::encode_path;
use crate::taxonomy::{self, Taxonomy};
use crate::{linkcheck, redirects, sitemap, theme};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root (holds `wirebook.toml`, `posts/`, optional `templates/` and `static/`: see
    /// [`SitePaths`]).
    pub root: PathBuf,
    /// Output directory; default `ROOT/public`.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` from the config.
    pub base_url: Option<String>,
    /// Include drafts and future-dated posts.
    pub drafts: bool,
    /// Report nothing but warnings and errors: `build` leaves out its progress notes (the
    /// folders of killed builds it cleaned up), and `wirebook build -q` its summary line.
    pub quiet: bool,
    /// Read and write the build cache, `.wirebook-cache/` (`build` does unless
    /// `--no-cache`; `check` and `serve` never use it).
    pub cache: bool,
}

#[derive(Debug)]
pub struct BuildSummary {
    pub posts: usize,
    /// HTML, XML and text files rendered (static files not counted).
    pub pages: usize,
    pub static_files: usize,
    pub elapsed_ms: u128,
    pub out: PathBuf,
    pub warnings: Vec<Problem>,
}

/// A site loaded and rendered to Markdown, ready for templates.
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub base: BaseUrl,
    pub library: Library,
    pub taxonomies: Vec<Taxonomy>,
    pub renderer: Renderer,
    pub warnings: Vec<Problem>,
    /// Theme text in every language, with the config's overrides.
    pub messages: Arc<Messages>,
    pub(crate) styles: highlight::Styles,
    /// Post URLs for Liquid's `{% post_url %}` and `{% link %}`.
    pub(crate) links: liquid::Links,
    asset_version: String,
    pub(crate) include_drafts: bool,
    /// Theme assets (`/assets/…`), with the site's `templates/static/` overrides.
    pub assets: Vec<(String, std::borrow::Cow<'static, [u8]>)>,
    /// The build cache; `build` prunes what it did not use once it succeeds.
    cache: Option<MarkdownCache>,
}

impl Site {
    /// Loads and checks everything a build needs; every problem in the sources is returned
    /// at once as [`Problems`].
    pub fn load(opts: &BuildOptions) -> Result<Site> {
        let root = &opts.root;
        let mut config = SiteConfig::load(root)?;
        if let Some(url) = &opts.base_url {
            BaseUrl::parse(url).map_err(|e| e.flag("--base-url"))?;
            config.base_url = url.clone();
        }
        let base = config.base();
        let path = SitePaths::new(root.as_path()).config_file();
        let messages = Arc::new(config.messages().map_err(|e| e.in_file(&path))?);
        let t = Instant::now();
        let styles = highlight::Styles::new(&config.highlight.light, &config.highlight.dark)
            .map_err(|e| ConfigError::Highlight(Box::new(e)).in_file(&path))?;

        tracing::debug!("highlight themes in {:?}", t.elapsed());
        let t = Instant::now();
        let LoadResult {
            mut library,
            mut warnings,
            mut problems,
        } = Library::load(root, &config, opts.drafts);
        tracing::debug!("loaded {} posts in {:?}", library.pages.len(), t.elapsed());
        let links = liquid::Links::new(library.pages.iter());

        let t = Instant::now();
        let cache = if opts.cache {
            // Everything besides a post's text that its Markdown stage reads.
            MarkdownCache::open(root, &format!("{config:?}\0{}", base.path))
        } else {
            MarkdownCache::off()
        };
        let rendered: Vec<Result<(), Vec<Problem>>> = library
            .pages
            .par_iter_mut()
            .map(|p| {
                cached_markdown(p, &cache, |p| {
                    render_markdown(p, &config, &base, &styles, &messages, &links)
                })
            })
            .collect();
        if cache.is_on() {
            tracing::debug!(
                "{} of {} posts from the cache",
                cache.hits(),
                library.pages.len()
            );
        }
        let cache = cache.is_on().then_some(cache);
        problems.extend(rendered.into_iter().filter_map(Result::err).flatten());
        warnings.extend(
            library
                .pages
                .iter()
                .flat_map(|p| p.rendered.warnings.iter().cloned()),
        );
        tracing::debug!("rendered markdown in {:?}", t.elapsed());

        let t = Instant::now();
        let renderer = Renderer::new(root, &messages)?;
        tracing::debug!("templates in {:?}", t.elapsed());
        let layouts = renderer.resolve_layouts(library.pages.iter_mut(), &config.layouts);
        problems.extend(layouts.problems);
        warnings.extend(layouts.warning);
        if !problems.is_empty() {
            problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
            for w in &warnings {
                tracing::warn!("{w}");
            }
            return Err(Problems(problems).into());
        }
        let mut languages: Vec<&str> = vec![&config.language];
        languages.extend(library.pages.iter().filter_map(|p| p.lang.as_deref()));
        warnings.extend(messages.missing(&languages));
        let taxonomies = taxonomy::collect(&library);
        let assets = theme::assets_for(root, &messages)?;
        let asset_version = asset_version(&assets, &styles.css);
        let site = Site {
            root: root.clone(),
            config,
            base,
            library,
            taxonomies,
            renderer,
            warnings,
            messages,
            styles,
            links,
            asset_version,
            include_drafts: opts.drafts,
            assets,
            cache,
        };
        let clashes = site.generated_clashes(&site.library.pages);
        if !clashes.is_empty() {
            return Err(Problems(clashes).into());
        }
        Ok(site)
    }

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

    fn site_value(&self) -> serde_json::Value {
        serde_json::to_value(SiteView::new(&self.config, &self.base, &self.asset_version))
            .expect("site view serialises")
    }

    /// Every file the site consists of, rendered in parallel and handed to `sink`.
    pub fn render_all(&self, sink: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync)) -> Result<usize> {
        let jobs = self.jobs();
        self.render_jobs(&jobs, sink)?;
        for (name, bytes) in &self.assets {
            sink(&format!("assets/{name}"), bytes)?;
        }
        sink("assets/syntax.css", self.styles.css.as_bytes())?;
        sink("robots.txt", sitemap::robots_txt(&self.base).as_bytes())?;
        let redirects = redirects::collect(&self.library.pages);
        for (from, page) in &redirects {
            let to = encode_path(&self.base.absolute(&page.path));
            sink(
                &crate::content::page::output_file_for(from),
                redirects::redirect_html(&to).as_bytes(),
            )?;
        }
        Ok(jobs.len() + 1 + redirects.len())
    }

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

    pub fn index_pages(&self) -> usize {
        self.library
            .pages
            .len()
            .div_ceil(self.config.posts_per_page)
            .max(1)
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

    /// The link check (`linkcheck.rs`) over the posts and every page the site generates.
    pub fn broken_links(&self) -> Vec<Problem> {
        let generated = self.generated_pages().into_iter().map(|(path, _)| path);
        linkcheck::broken_links(&self.root, &self.library.pages, generated)
    }

    fn local(&self, path: &str) -> String {
        encode_path(&self.base.local(path))
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

/// `render` (the Markdown stage) through the build cache. Jekyll sources are not cached:
/// their Liquid tags read other posts' URLs.
fn cached_markdown(
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

fn asset_version(assets: &[(String, std::borrow::Cow<'static, [u8]>)], syntax_css: &str) -> String {
    let parts = assets
        .iter()
        .flat_map(|(name, bytes)| [name.as_bytes(), &bytes[..]])
        .chain([syntax_css.as_bytes()]);
    content_version(parts)
}

/// FNV-1a over `parts`, as 8 hex digits: stable across runs, changes when a byte changes (the
/// `?v=` of assets and of the search index).
pub(crate) fn content_version<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for bytes in parts {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{:08x}", h as u32)
}

/// The manifest of the last output, in the cache folder (see `output.rs`).
const OUTPUT_MANIFEST: &str = "output.bin";

/// `wirebook build`: the whole site into `out`, atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary> {
    let start = Instant::now();
    let mut site = Site::load(opts)?;
    tracing::debug!("site loaded in {:?}", start.elapsed());
    // What `check` refuses, `build` publishes with a warning: a missing image or thumbnail
    // should not block an urgent fix, but must not go unnoticed either.
    site.warnings.extend(site.broken_links());
    for w in &site.warnings {
        tracing::warn!("{w}");
    }
    let paths = SitePaths::new(opts.root.as_path());
    let out = opts.out.clone().unwrap_or_else(|| paths.output());
    // With the cache, a manifest of the output lets an unchanged file stay as it is.
    let manifest = opts.cache.then(|| paths.cache().join(OUTPUT_MANIFEST));
    let staging = Staging::with_manifest(&out, &opts.root, manifest)?;
    if !opts.quiet {
        for dir in &staging.removed_leftovers {
            tracing::info!("removed {}, left by a build that was killed", dir.display());
        }
    }
    let cache = site.cache.take();
    let t = Instant::now();
    let pages = site.render_all(&|rel, bytes| Ok(staging.write(rel, bytes)?))?;
    tracing::debug!(
        "rendered {pages} pages in {:?}, {} files written",
        t.elapsed(),
        staging.written()
    );
    let static_dir = paths.static_dir();
    let mut static_files = if static_dir.is_dir() {
        output::copy_tree(&opts.root, &static_dir, &staging)?
    } else {
        0
    };
    for dir in crate::jekyll::static_dirs(&opts.root) {
        static_files += output::copy_tree_into(&opts.root, &opts.root.join(&dir), &dir, &staging)?;
    }
    let t = Instant::now();
    staging.commit()?;
    tracing::debug!("swapped the new site in in {:?}", t.elapsed());
    if let Some(w) = cache.and_then(MarkdownCache::finish) {
        tracing::warn!("{w}");
    }
    Ok(BuildSummary {
        posts: site.library.pages.len(),
        pages,
        static_files,
        elapsed_ms: start.elapsed().as_millis(),
        out,
        warnings: site.warnings,
    })
}

/// `wirebook check`: everything `build` validates, plus internal links, images and
/// thumbnails (warnings in `build`, errors here); writes nothing.
pub fn check(opts: &BuildOptions) -> Result<Vec<Problem>> {
    let site = Site::load(opts)?;
    let problems = site.broken_links();
    // Render templates too (into nowhere): a template error is a problem `build` would hit.
    site.render_all(&|_, _| Ok(()))?;
    if !problems.is_empty() {
        return Err(Problems(problems).into());
    }
    Ok(site.warnings)
}
