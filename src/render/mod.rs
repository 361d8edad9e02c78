//! Tera: the embedded theme plus the site's overrides, and the views pages are rendered from.

pub mod views;

use std::path::Path;

use anyhow::{Context as _, Result};
use tera::Tera;

use crate::content::page::Page;
use crate::diagnostics::Problem;
use crate::theme;

/// Templates that are not post layouts (a post cannot say `layout: index`).
const NOT_LAYOUTS: &[&str] = &[
    "base",
    "index",
    "taxonomy",
    "taxonomy_list",
    "404",
    "atom",
    "sitemap",
];

pub struct Renderer {
    pub tera: Tera,
}

impl Renderer {
    /// Loads the default theme, then every `templates/**/*.html|xml` of the site over it, with
    /// the function `t(key=…, lang=…)` for theme text.
    pub fn new(root: &Path, messages: &std::sync::Arc<crate::i18n::Messages>) -> Result<Renderer> {
        let mut tera = Tera::default();
        messages.register(&mut tera);
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape);
        let mut sources: Vec<(String, String)> = theme::templates()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let dir = root.join("templates");
        if dir.is_dir() {
            let walked = crate::walk::files(root, &dir, |_| true);
            for w in &walked.skipped {
                tracing::warn!("{w}");
            }
            for entry in walked.files {
                let path = entry.path();
                let is_template = matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("html" | "xml" | "txt")
                );
                if !is_template || path.components().any(|c| c.as_os_str() == "static") {
                    continue;
                }
                let name = crate::walk::relative(&entry, &dir);
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                match sources.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = text,
                    None => sources.push((name, text)),
                }
            }
        }
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| anyhow::anyhow!("{}", error_chain(&e)))?;
        Ok(Renderer { tera })
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

    /// A problem for each page whose `layout` names no template.
    pub fn check_layouts<'a>(&self, pages: impl Iterator<Item = &'a Page>) -> Vec<Problem> {
        let layouts = self.layouts();
        pages
            .filter(|p| !layouts.contains(&p.layout))
            .map(|p| {
                Problem::new(
                    &p.source,
                    format!(
                        "unknown layout `{}` (available: {})",
                        p.layout,
                        layouts.join(", ")
                    ),
                )
            })
            .collect()
    }

    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(template, context)
            .map_err(|e| anyhow::anyhow!("{}", error_chain(&e)))
    }
}

/// Escapes what HTML and XML need escaped. Tera's default also escapes `/`, which turns
/// every URL in an attribute into `&#x2F;` soup.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
