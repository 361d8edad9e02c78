//! The pipeline: load → render Markdown (rayon) → render templates (rayon) → write.
//!
//! `build` writes into a staging directory and swaps it in only when every stage succeeded;
//! `check` runs the same stages and writes nothing.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde_json::json;

use crate::cache::MarkdownCache;
use crate::config::{BaseUrl, ConfigError, SiteConfig};
use crate::content::library::{Library, LoadResult};
use crate::content::page::Page;
use crate::diagnostics::{Problem, Problems};
use crate::feed;
use crate::highlight;
use crate::i18n::Messages;
use crate::jekyll::liquid;
use crate::markdown;
use crate::output::{self, Staging};
use crate::paths::SitePaths;
use crate::render::views::{pager_path, PageView, Paginator, SiteView, Summary};
use crate::render::Renderer;
use crate::slug::encode_path;
use crate::taxonomy::{self, Taxonomy};
use crate::theme;

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
        let rendered: Vec<Result<Vec<Problem>, Vec<Problem>>> = library
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
        for r in rendered {
            match r {
                Ok(w) => warnings.extend(w),
                Err(p) => problems.extend(p),
            }
        }
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
            self.redirects()
                .into_iter()
                .map(|(from, page)| (from, format!("a redirect to {}", page.source.display()))),
        );
        out
    }

    /// jekyll-redirect-from's old URLs (`redirect_from`), each with the post it leads to.
    /// An old URL that would leave the output folder is skipped.
    pub fn redirects(&self) -> Vec<(String, &Page)> {
        self.library
            .pages
            .iter()
            .flat_map(|p| {
                p.redirect_from.iter().filter_map(move |from| {
                    let from = crate::content::page::contain_url_path(&format!("/{from}")).ok()?;
                    let from = if from.ends_with('/') || from.ends_with(".html") {
                        from
                    } else {
                        format!("{from}/")
                    };
                    Some((from, p))
                })
            })
            .collect()
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
        sink("robots.txt", feed::robots_txt(&self.base).as_bytes())?;
        let redirects = self.redirects();
        for (from, page) in &redirects {
            let to = encode_path(&self.base.absolute(&page.path));
            sink(
                &crate::content::page::output_file_for(from),
                feed::redirect_html(&to).as_bytes(),
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
                let terms: Vec<_> = tax
                    .terms
                    .iter()
                    .map(|t| json!({"name": t.name, "url": self.local(&tax.term_path(t)), "count": t.pages.len()}))
                    .collect();
                ctx.insert(
                    "taxonomy",
                    &json!({"name": tax.name, "label": tax.label, "url": self.local(&tax.path())}),
                );
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
                ctx.insert(
                    "taxonomy",
                    &json!({"name": tax.name, "label": tax.label, "url": self.local(&tax.path())}),
                );
                ctx.insert("term", &json!({"name": term.name, "url": self.local(&tax.term_path(term)), "count": pages.len()}));
                ctx.insert("pages", &pages);
                ctx.insert("page_url", &self.local(&tax.term_path(term)));
                ("taxonomy.html".into(), tax.term_path(term))
            }
            Job::NotFound => ("404.html".into(), "/404.html".into()),
            Job::Search => ("search.html".into(), "/search/".into()),
            Job::SearchIndex => unreachable!("written above"),
            Job::Feed => {
                let entries: Vec<_> = self
                    .library
                    .pages
                    .iter()
                    .take(self.config.feed_limit)
                    .map(|p| {
                        json!({
                            "summary": Summary::new(p, &self.base, &self.config, &self.messages),
                            "content": p.rendered.html,
                            "updated": p.updated.unwrap_or(p.date).to_rfc3339(),
                        })
                    })
                    .collect();
                ctx.insert("entries", &entries);
                ctx.insert(
                    "updated",
                    &self.library.pages.first().map_or_else(
                        || chrono::Utc::now().to_rfc3339(),
                        |p| p.updated.unwrap_or(p.date).to_rfc3339(),
                    ),
                );
                ctx.insert("feed_url", &encode_path(&self.base.absolute("/atom.xml")));
                ("atom.xml".into(), "/atom.xml".into())
            }
            Job::Sitemap => {
                let index_paths: Vec<String> = (1..=self.index_pages())
                    .map(|n| pager_path("/", n))
                    .collect();
                ctx.insert(
                    "entries",
                    &feed::sitemap_entries(
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

    /// Root-relative links, images and thumbnails of posts that point at nothing the site
    /// will contain (a page, a theme asset or a file in `static/`).
    pub fn broken_links(&self) -> Vec<Problem> {
        let mut known: HashSet<String> = HashSet::new();
        known.extend(self.library.pages.iter().map(|p| p.path.clone()));
        known.extend(self.generated_pages().into_iter().map(|(path, _)| path));
        let static_dir = SitePaths::new(self.root.as_path()).static_dir();
        for e in crate::walk::files(&self.root, &static_dir, |_| true).files {
            known.insert(format!("/{}", crate::walk::relative(&e, &static_dir)));
        }
        for dir in crate::jekyll::static_dirs(&self.root) {
            let from = self.root.join(&dir);
            for e in crate::walk::files(&self.root, &from, |_| true).files {
                known.insert(format!("/{dir}/{}", crate::walk::relative(&e, &from)));
            }
        }
        let exists = |link: &str| {
            let target = link.split(['#', '?']).next().unwrap_or_default();
            let target = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
            let with_slash = format!("{}/", target.trim_end_matches('/'));
            known.contains(target.as_ref()) || known.contains(&with_slash)
        };
        let mut problems = Vec::new();
        for page in &self.library.pages {
            for (line, link) in &page.rendered.links {
                if !exists(link) {
                    let msg = format!("broken internal link: {link}");
                    problems.push(Problem::at(&page.source, *line, msg));
                }
            }
            for (line, src) in &page.rendered.images {
                if !exists(src) {
                    let msg = format!("image {src}: no such file in static/");
                    problems.push(Problem::at(&page.source, *line, msg));
                }
            }
            // Only root-relative: an absolute URL is someone else's file.
            let thumbnail = page.thumbnail.as_deref();
            if let Some(t) = thumbnail.filter(|t| t.starts_with('/') && !t.starts_with("//")) {
                if !exists(t) {
                    let msg = format!(
                        "thumbnail {t}: no such file in static/ (the page's og:image would be broken)"
                    );
                    problems.push(Problem::at(&page.source, page.thumbnail_line, msg));
                }
            }
        }
        problems
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

/// Markdown → HTML for one page, in place. Returns its warnings, or its problems.
/// `render` (the Markdown stage) through the build cache. Jekyll sources are not cached:
/// their Liquid tags read other posts' URLs.
fn cached_markdown(
    page: &mut Page,
    cache: &MarkdownCache,
    render: impl FnOnce(&mut Page) -> Result<Vec<Problem>, Vec<Problem>>,
) -> Result<Vec<Problem>, Vec<Problem>> {
    if !cache.is_on() || crate::jekyll::is_jekyll_source(&page.source) {
        return render(page);
    }
    let key = cache.key(page);
    if let Some(entry) = cache.get(key) {
        page.body = String::new();
        page.rendered = entry.rendered;
        return Ok(entry.warnings);
    }
    let warnings = render(page)?;
    cache.keep(key, &page.rendered, &warnings);
    Ok(warnings)
}

pub fn render_markdown(
    page: &mut Page,
    config: &SiteConfig,
    base: &BaseUrl,
    styles: &highlight::Styles,
    messages: &Messages,
    links: &liquid::Links,
) -> Result<Vec<Problem>, Vec<Problem>> {
    let mut warnings = Vec::new();
    if crate::jekyll::is_jekyll_source(&page.source) {
        let env = liquid::Env {
            base,
            site_title: &config.title,
            site_description: &config.description,
            page_title: &page.title,
            links,
        };
        let (body, problems) = liquid::render(&page.body, &env);
        warnings.extend(
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
    let out = markdown::render(&page.body, &ctx)?;
    page.body = String::new();
    page.rendered = crate::content::page::Rendered {
        html: out.html,
        toc: out.toc,
        summary: out.summary,
        excerpt: out.excerpt,
        plain: out.plain,
        word_count: out.word_count,
        counts: out.counts,
        has_widgets: out.has_widgets,
        links: out.links,
        images: out.images,
    };
    warnings.extend(out.warnings);
    Ok(warnings)
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
    let pages = site.render_all(&|rel, bytes| staging.write(rel, bytes))?;
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
