//! Tera: the embedded theme plus the site's overrides, and the views pages are rendered from.

pub mod views;

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;

use crate::content::page::Page;
use crate::diagnostics::{read_error, Problem, ReadError};
use crate::theme;

type Result<T, E = TemplateError> = std::result::Result<T, E>;

/// Why the theme cannot be loaded or a page cannot be rendered: a template or theme asset
/// that cannot be read, or Tera's complaint (with its causes, which hold the useful part).
/// The theme layer's one error type; the pipeline adds which page was being rendered.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Tera's error and its causes, joined (`Failed to render 'post.html': Variable …`).
    #[error("{0}")]
    Tera(String),
}

impl From<tera::Error> for TemplateError {
    fn from(e: tera::Error) -> Self {
        TemplateError::Tera(error_chain(&e))
    }
}

/// Templates that are not post layouts (a post cannot say `layout: index`).
const NOT_LAYOUTS: &[&str] = &[
    "base",
    "index",
    "taxonomy",
    "taxonomy_list",
    "404",
    "search",
    "atom",
    "sitemap",
];

/// What [`Renderer::resolve_layouts`] found.
#[derive(Debug, Default)]
pub struct Resolved {
    pub problems: Vec<Problem>,
    /// One warning naming every theme layout that was mapped (at the first such post).
    pub warning: Option<Problem>,
}

/// Layout names of popular Jekyll themes (minima, minimal-mistakes, chirpy, …) and the
/// built-in layout closest to each: article-like pages get `post`, the others `page`.
fn theme_layout(name: &str) -> Option<&'static str> {
    Some(match name {
        "single" | "posts" | "post" | "default" | "article" | "blog" => "post",
        "splash" | "archive" | "archive-taxonomy" | "home" | "page" | "categories" | "tags"
        | "category" | "tag" | "collection" | "search" | "about" | "wide" | "compress" => "page",
        _ => return None,
    })
}

pub struct Renderer {
    pub tera: Tera,
    /// A hash of every template's name and source: part of each output file's input key
    /// (`site/jobs.rs`), so a template edit renders every page again.
    pub sources_key: u128,
}

impl Renderer {
    /// Loads the default theme, then every `templates/**/*.html|xml` of the site over it, with
    /// the function `t(key=…, lang=…)` for theme text.
    pub fn new(root: &Path, messages: &std::sync::Arc<crate::i18n::Messages>) -> Result<Renderer> {
        let mut tera = Tera::default();
        messages.register(&mut tera);
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default escaper also escapes `/` (see `html`).
        tera.set_escape_fn(crate::html::escape);
        let mut sources: Vec<(String, String)> = theme::templates()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let paths = crate::paths::SitePaths::new(root);
        let (dir, assets) = (paths.templates(), paths.theme_static());
        // Templates only: `templates/static/` holds the theme's assets (see `theme::assets_for`).
        // A folder named `static` above the root (a site kept in `~/static/blog/`) is not it.
        let is_template = |path: &Path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("html" | "xml" | "txt")
            ) && !path.starts_with(&assets)
        };
        theme::overlay(&mut sources, root, &dir, is_template, |path| {
            std::fs::read_to_string(path).map_err(read_error(path))
        })?;
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))?;
        let mut key = xxhash_rust::xxh3::Xxh3Default::new();
        for (name, source) in &sources {
            for part in [name.as_bytes(), b"\0", source.as_bytes(), b"\0"] {
                key.update(part);
            }
        }
        Ok(Renderer {
            tera,
            sources_key: key.digest128(),
        })
    }

    /// Template names a post may use as its `layout`.
    pub fn layouts(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .tera
            .get_template_names()
            .filter_map(|n| n.strip_suffix(".html"))
            .filter(|n| !n.contains('/') && !n.starts_with('_') && !NOT_LAYOUTS.contains(n))
            .map(str::to_string)
            .collect();
        names.sort();
        names
    }

    /// Points each page's `layout` at a template: the site's own first, then the `[layouts]`
    /// aliases, then, for the layout names of Jekyll themes, the closest built-in one (one
    /// warning lists those). Any other unknown layout is a problem.
    pub fn resolve_layouts<'a>(
        &self,
        pages: impl Iterator<Item = &'a mut Page>,
        aliases: &BTreeMap<String, String>,
    ) -> Resolved {
        let layouts = self.layouts();
        let mut out = Resolved::default();
        let mut themed: BTreeMap<String, (&'static str, usize)> = BTreeMap::new();
        let mut first: Option<std::path::PathBuf> = None;
        for p in pages {
            if layouts.contains(&p.layout) {
                continue;
            }
            if let Some(to) = aliases.get(&p.layout).filter(|to| layouts.contains(to)) {
                p.layout = to.clone();
            } else if let Some(to) = theme_layout(&p.layout) {
                themed.entry(p.layout.clone()).or_insert((to, 0)).1 += 1;
                first.get_or_insert_with(|| p.source.clone());
                p.layout = to.into();
            } else {
                out.problems.push(Problem::new(
                    &p.source,
                    format!(
                        "unknown layout `{}` (available: {})",
                        p.layout,
                        layouts.join(", ")
                    ),
                ));
            }
        }
        if let Some(first) = first {
            let list: Vec<String> = themed
                .iter()
                .map(|(from, (to, n))| {
                    format!(
                        "`{from}` → `{to}` ({n} post{})",
                        if *n == 1 { "" } else { "s" }
                    )
                })
                .collect();
            out.warning = Some(Problem::new(
                &first,
                format!(
                    "layouts of a Jekyll theme rendered with the closest built-in layout: {} (map them in wirebook.toml's [layouts] table)",
                    list.join(", ")
                ),
            ));
        }
        out
    }

    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String> {
        Ok(self.tera.render(template, context)?)
    }
}

/// Tera's useful message is usually in the error's sources.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_under_a_folder_named_static_keeps_its_templates() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join(crate::paths::STATIC).join("blog");
        let templates = crate::paths::SitePaths::new(&root).templates();
        std::fs::create_dir_all(templates.join(crate::paths::STATIC)).unwrap();
        std::fs::write(templates.join("mine.html"), "mine").unwrap();
        std::fs::write(templates.join(crate::paths::STATIC).join("x.html"), "asset").unwrap();
        let messages =
            std::sync::Arc::new(crate::i18n::Messages::new("en", &Default::default()).unwrap());
        let renderer = Renderer::new(&root, &messages).unwrap();
        let names: Vec<&str> = renderer.tera.get_template_names().collect();
        assert!(names.contains(&"mine.html"), "{names:?}");
        assert!(
            !names.iter().any(|n| n.starts_with(crate::paths::STATIC)),
            "{names:?}"
        );
    }
}
