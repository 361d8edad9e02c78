//! The pipeline: load → render Markdown (rayon) → render templates (rayon) → write.
//!
//! `build` writes into a staging directory and swaps it in only when every stage succeeded;
//! `check` runs the same stages and writes nothing. The stages' details live beside this
//! file: `posts.rs` (each post's Markdown, through the build cache), `jobs.rs` (the output
//! files and the template each is rendered with) and `generated.rs` (the pages the site
//! makes besides posts, which a post's URL must not take).

mod generated;
mod jobs;
mod posts;
mod posts_index;

pub use jobs::Job;
use posts::cached_markdown;
pub use posts::render_markdown;
use posts_index::PostsIndex;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;

use crate::cache::MarkdownCache;
use crate::config::{BaseUrl, ConfigError, SiteConfig};
use crate::content::library::{Library, LoadResult};
use crate::content::page::Page;
use crate::diagnostics::{Problem, Problems};
use crate::highlight;
use crate::i18n::Messages;
use crate::jekyll::liquid;
use crate::output::{self, Sink, Staging};
use crate::paths::SitePaths;
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
    /// What the search index last handed on, when the site is rebuilt in place (`serve`):
    /// then a rebuild of the index hands on only the files that changed.
    pub search_emitted: Option<std::sync::Mutex<crate::search::Emitted>>,
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
        let cache = if opts.cache {
            // Everything besides a post's text that its Markdown stage reads.
            MarkdownCache::open(root, &format!("{config:?}\0{}", base.path))
        } else {
            MarkdownCache::off()
        };
        // The posts index: front matter and light Markdown parts of unchanged files.
        let index = cache.is_on().then(|| PostsIndex::open(root, cache.salt()));
        let t = Instant::now();
        let LoadResult {
            mut library,
            mut warnings,
            mut problems,
        } = match &index {
            Some(index) => {
                Library::load_with(root, opts.drafts, |rel| index.load(root, rel, &config))
            }
            None => Library::load(root, &config, opts.drafts),
        };
        tracing::debug!("loaded {} posts in {:?}", library.pages.len(), t.elapsed());
        let links = liquid::Links::new(library.pages.iter());

        let t = Instant::now();
        let rendered: Vec<Result<(), Vec<Problem>>> = library
            .pages
            .par_iter_mut()
            .enumerate()
            .map(|(i, p)| {
                let done = cached_markdown(p, &cache, |p| {
                    render_markdown(p, &config, &base, &styles, &messages, &links)
                });
                // Once in its cache entry, a post's HTML leaves memory: held for every post
                // until the pages were written, it was most of a cold build's peak. Its page
                // reads the entry back when rendered; the feed's newest posts (pages are
                // sorted newest first) keep theirs.
                if i >= config.feed_limit && p.markdown_key.is_some_and(|key| cache.holds(key)) {
                    posts_index::make_light(p);
                }
                done
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
        // What the index keeps: each page as loaded (its layout not yet resolved), light.
        let indexed: Vec<Page> = match &index {
            Some(index) if problems.is_empty() && index.needs_saving(&library.pages) => library
                .pages
                .par_iter_mut()
                .map(posts_index::light)
                .collect(),
            _ => Vec::new(),
        };
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
        if let Some(index) = index {
            if !indexed.is_empty() {
                let t = Instant::now();
                index.save(indexed.into_iter());
                tracing::debug!("posts index saved in {:?}", t.elapsed());
            }
        }
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
            search_emitted: None,
        };
        let clashes = site.generated_clashes(&site.library.pages);
        if !clashes.is_empty() {
            return Err(Problems(clashes).into());
        }
        Ok(site)
    }

    /// Every file the site consists of, rendered in parallel and handed to `sink`.
    pub fn render_all(&self, sink: &dyn Sink) -> Result<usize> {
        let jobs = self.jobs();
        self.render_jobs(&jobs, sink)?;
        for (name, bytes) in &self.assets {
            sink.put(&format!("assets/{name}"), bytes, 0)?;
        }
        sink.put("assets/syntax.css", self.styles.css.as_bytes(), 0)?;
        sink.put("robots.txt", sitemap::robots_txt(&self.base).as_bytes(), 0)?;
        let redirects = redirects::collect(&self.library.pages);
        for (from, page) in &redirects {
            let to = encode_path(&self.base.absolute(&page.path));
            sink.put(
                &crate::content::page::output_file_for(from),
                redirects::redirect_html(&to).as_bytes(),
                0,
            )?;
        }
        Ok(jobs.len() + 1 + redirects.len())
    }

    pub fn index_pages(&self) -> usize {
        self.library
            .pages
            .len()
            .div_ceil(self.config.posts_per_page)
            .max(1)
    }

    /// The link check (`linkcheck.rs`) over the posts and every page the site generates.
    pub fn broken_links(&self) -> Vec<Problem> {
        let generated = self.generated_pages().into_iter().map(|(path, _)| path);
        linkcheck::broken_links(&self.root, &self.library.pages, generated)
    }
}

fn asset_version(assets: &[(String, std::borrow::Cow<'static, [u8]>)], syntax_css: &str) -> String {
    let parts = assets
        .iter()
        .flat_map(|(name, bytes)| [name.as_bytes(), &bytes[..]])
        .chain([syntax_css.as_bytes()]);
    content_version(parts)
}

/// xxh3 over `parts`, as 8 hex digits: stable across runs, changes when a byte changes (the
/// `?v=` of assets and of the search index). Fast, since the search index's version reads
/// every byte of the index (a byte-at-a-time FNV took ~0.1 s at 10k posts).
pub(crate) fn content_version<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    for bytes in parts {
        h.update(bytes);
    }
    format!("{:08x}", h.digest() as u32)
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
    let t = Instant::now();
    let pages = site.render_all(&staging)?;
    let cache = site.cache.take();
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
    site.render_all(&|_: &str, _: &[u8]| Ok(()))?;
    if !problems.is_empty() {
        return Err(Problems(problems).into());
    }
    Ok(site.warnings)
}
