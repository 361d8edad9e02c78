//! One post: its source, its front matter resolved against defaults, and its URL.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, TimeZone, Timelike, Utc};

use super::front_matter::{self, FrontMatter};
use crate::config::SiteConfig;
use crate::diagnostics::Problem;
use crate::encoding;
use crate::markdown::TocEntry;
use crate::slug::slugify;

#[derive(Debug, Clone)]
pub struct Page {
    /// Path of the source file, relative to the site root (used in every message).
    pub source: PathBuf,
    pub layout: String,
    pub title: String,
    pub date: DateTime<FixedOffset>,
    pub slug: String,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub thumbnail: Option<String>,
    pub author: Option<String>,
    pub description: Option<String>,
    /// Front matter `excerpt`: wins over the automatic summary (but not `description`).
    pub excerpt: Option<String>,
    /// Front matter `lang`; `None` means the site's language.
    pub lang: Option<String>,
    pub draft: bool,
    /// Root-relative URL path, not yet percent-encoded or prefixed with the base path;
    /// normalised, and never outside the output folder.
    pub path: String,
    /// File line of the front-matter key that decided `path` (`permalink`, else `slug`; 1
    /// when the site's pattern and the file name did), for messages about the URL.
    pub path_line: usize,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub body: String,
    /// File line where the Markdown body starts (for messages about the body).
    pub body_line: usize,
    pub rendered: Rendered,
}

/// What the Markdown stage produces for a page.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Automatic summary: plain prose from the first real paragraphs (see `summary.rs`).
    pub summary: String,
    /// The text before the excerpt separator (Jekyll's `<!--more-->`), when the body has one.
    /// This is the hook for `excerpt_separator`; it wins over the automatic summary.
    pub excerpt: Option<String>,
    /// All the page's words as plain text, for the search index.
    pub plain: String,
    pub word_count: usize,
    /// Words and CJK characters, for the reading time (see `reading.rs`).
    pub counts: crate::reading::Counts,
    pub has_widgets: bool,
    /// Root-relative links found in the body (for `check`).
    pub links: Vec<(usize, String)>,
}

pub struct Loaded {
    pub page: Page,
    pub warnings: Vec<Problem>,
}

impl Page {
    /// Reads and checks one source file. `rel` is its path relative to the site root.
    pub fn load(root: &Path, rel: &Path, config: &SiteConfig) -> Result<Loaded, Vec<Problem>> {
        let bytes = read_bounded(&root.join(rel), config.max_post_bytes)
            .map_err(|e| vec![Problem::new(rel, e)])?;
        let text = encoding::decode_source(&bytes).map_err(|e| {
            let p = match &e {
                encoding::TextError::InvalidUtf8 { line, .. } => {
                    Problem::at(rel, *line, e.to_string())
                }
                encoding::TextError::Mojibake(m) => {
                    Problem::at(rel, m.line, e.to_string()).with_column(m.column)
                }
                encoding::TextError::Forbidden { line, column, .. } => {
                    Problem::at(rel, *line, e.to_string()).with_column(*column)
                }
            };
            vec![p]
        })?;
        let field_problem = |e: front_matter::FieldError| Problem {
            path: rel.to_path_buf(),
            line: Some(e.line),
            column: e.column,
            message: e.message,
        };
        let split = front_matter::split(&text).map_err(|e| vec![field_problem(e)])?;
        let (fm, warnings) = front_matter::parse(&split)
            .map_err(|errs| errs.into_iter().map(field_problem).collect::<Vec<_>>())?;
        let warnings = warnings.into_iter().map(field_problem).collect();
        let (body, body_line) = (split.body.to_string(), split.body_line);
        let page =
            Self::from_front_matter(rel, fm, body, body_line, config).map_err(|e| vec![e])?;
        Ok(Loaded { page, warnings })
    }

    fn from_front_matter(
        rel: &Path,
        fm: FrontMatter,
        body: String,
        body_line: usize,
        config: &SiteConfig,
    ) -> Result<Page, Problem> {
        let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("post");
        let (file_date, file_slug) = split_jekyll_name(stem);
        let date = match (fm.date, file_date) {
            (Some(d), _) => d,
            (None, Some(d)) => d,
            (None, None) => {
                return Err(Problem::at(rel, 1, "no date: add `date: YYYY-MM-DD` to the front matter or name the file YYYY-MM-DD-slug.md"))
            }
        };
        let slug = match &fm.slug {
            Some(s) => slugify(s),
            None => slugify(file_slug),
        };
        let title = fm
            .title
            .clone()
            .unwrap_or_else(|| file_slug.replace(['-', '_'], " "));
        let pattern = fm.permalink.as_deref().unwrap_or(&config.permalink);
        let path_line = ["permalink", "slug"]
            .iter()
            .find_map(|k| fm.lines.get(*k).copied())
            .unwrap_or(1);
        let expanded = expand_permalink(pattern, &date, &slug, &title, &fm.categories);
        let path = contain_url_path(&expanded)
            .map_err(|e| Problem::at(rel, path_line, format!("permalink {expanded:?} {e}")))?;
        Ok(Page {
            source: rel.to_path_buf(),
            layout: fm.layout.unwrap_or_else(|| "post".into()),
            title,
            date,
            slug,
            categories: fm.categories,
            tags: fm.tags,
            thumbnail: fm.thumbnail,
            author: fm.author,
            description: fm.description,
            excerpt: fm.excerpt,
            lang: fm.lang,
            draft: fm.draft,
            path,
            path_line,
            extra: fm.extra,
            body,
            body_line,
            rendered: Rendered::default(),
        })
    }

    /// The language this page is written in: its own `lang`, else the site's.
    pub fn language<'a>(&'a self, config: &'a SiteConfig) -> &'a str {
        self.lang.as_deref().unwrap_or(&config.language)
    }

    /// Drafts and posts dated in the future are hidden unless `--drafts`.
    pub fn is_published(&self, now: DateTime<Utc>) -> bool {
        !self.draft && self.date.with_timezone(&Utc) <= now
    }

    /// The output file for this page, relative to the output root.
    pub fn output_file(&self) -> String {
        output_file_for(&self.path)
    }
}

/// `/a/b/` → `a/b/index.html`; `/a/b.html` → `a/b.html`.
pub fn output_file_for(url_path: &str) -> String {
    let p = url_path.trim_start_matches('/');
    if p.is_empty() {
        "index.html".into()
    } else if p.ends_with('/') {
        format!("{p}index.html")
    } else if p.ends_with(".html") || p.ends_with(".xml") {
        p.to_string()
    } else {
        format!("{p}/index.html")
    }
}

/// Reads a post, refusing one over `limit` bytes before it is held in memory.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > limit {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(format!(
            "{size} bytes, larger than `max_post_bytes` ({limit} bytes) in {}; split the post, or raise the limit",
            crate::config::CONFIG_FILE
        ));
    }
    Ok(bytes)
}

/// A URL path made safe to become a file under the output folder: `.` and empty segments
/// dropped, `..` applied, and refused when it climbs above the root (a permalink of
/// `/../../x/` must never write outside `--out`). Keeps a trailing `/`.
pub fn contain_url_path(path: &str) -> Result<String, String> {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("leaves the output folder; write a path under `/`".into());
                }
            }
            s if s.contains('\\') => {
                return Err("contains `\\`, a folder separator on Windows; use `/`".into())
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    let last = path.rsplit('/').next().unwrap_or_default();
    if !parts.is_empty() && matches!(last, "" | "." | "..") {
        out.push('/');
    }
    Ok(out)
}

/// `2025-06-10-chap10` → (date, "chap10"); other names → (None, name).
fn split_jekyll_name(stem: &str) -> (Option<DateTime<FixedOffset>>, &str) {
    if stem.len() > 11 && stem.as_bytes()[10] == b'-' {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(&stem[..10], "%Y-%m-%d") {
            // Year 0 is no date (`0000-01-01-x.md`): no URL gets `/0000/`.
            if d.year() < 1 {
                return (None, stem);
            }
            let dt = Utc
                .from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
                .fixed_offset();
            return (Some(dt), &stem[11..]);
        }
    }
    (None, stem)
}

const PLACEHOLDERS: &[&str] = &[
    ":year",
    ":month",
    ":day",
    ":i_month",
    ":i_day",
    ":short_year",
    ":hour",
    ":minute",
    ":second",
    ":slug",
    ":title",
    ":categories",
];

pub fn validate_permalink_pattern(pattern: &str) -> Result<(), String> {
    for (i, _) in pattern.match_indices(':') {
        let rest = &pattern[i..];
        let name_len = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(rest.len(), |n| n + 1);
        let name = &rest[..name_len];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder `{name}` (known: {})",
                PLACEHOLDERS.join(" ")
            ));
        }
    }
    Ok(())
}

/// Expands Jekyll placeholders. Longer names are replaced first so `:i_month` is not read as
/// `:i` + `_month`.
pub fn expand_permalink(
    pattern: &str,
    date: &DateTime<FixedOffset>,
    slug: &str,
    title: &str,
    categories: &[String],
) -> String {
    let cats: Vec<String> = categories.iter().map(|c| slugify(c)).collect();
    let mut out = pattern
        .replace(":short_year", &format!("{:02}", date.year() % 100))
        .replace(":i_month", &date.month().to_string())
        .replace(":i_day", &date.day().to_string())
        .replace(":year", &format!("{:04}", date.year()))
        .replace(":month", &format!("{:02}", date.month()))
        .replace(":day", &format!("{:02}", date.day()))
        .replace(":hour", &format!("{:02}", date.hour()))
        .replace(":minute", &format!("{:02}", date.minute()))
        .replace(":second", &format!("{:02}", date.second()))
        .replace(":categories", &cats.join("/"))
        .replace(":title", &slugify(title))
        .replace(":slug", slug);
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    if !out.ends_with('/') && !out.ends_with(".html") {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_file_names_give_date_and_slug() {
        let (d, slug) = split_jekyll_name("2025-06-10-chap10");
        assert_eq!(slug, "chap10");
        assert_eq!(d.unwrap().date_naive().to_string(), "2025-06-10");
        assert_eq!(split_jekyll_name("about").1, "about");
    }

    #[test]
    fn permalinks_expand() {
        let d = front_matter::parse_date("2025-06-01 10:00:00 +09:00").unwrap();
        assert_eq!(
            expand_permalink("/:year/:month/:day/:slug/", &d, "x", "", &[]),
            "/2025/06/01/x/"
        );
        assert_eq!(
            expand_permalink(
                "/:categories/:i_month/:slug.html",
                &d,
                "x",
                "",
                &["Back End".into()]
            ),
            "/back-end/6/x.html"
        );
        assert_eq!(
            expand_permalink("/:categories/:slug", &d, "x", "", &[]),
            "/x/"
        );
        assert!(validate_permalink_pattern("/:yaer/:slug/").is_err());
    }

    #[test]
    fn url_paths_are_normalised_and_contained() {
        assert_eq!(contain_url_path("/a/./b/../c//").unwrap(), "/a/c/");
        assert_eq!(contain_url_path("/a/b.html").unwrap(), "/a/b.html");
        assert_eq!(contain_url_path("/x/..").unwrap(), "/");
        assert_eq!(contain_url_path("/").unwrap(), "/");
        for bad in ["/../x/", "/a/../../x/", "/..", "/a\\..\\..\\x/"] {
            assert!(contain_url_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn output_files() {
        assert_eq!(output_file_for("/"), "index.html");
        assert_eq!(output_file_for("/a/b/"), "a/b/index.html");
        assert_eq!(output_file_for("/a.html"), "a.html");
    }
}
