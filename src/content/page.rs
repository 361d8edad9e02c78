//! One post: its source, its front matter resolved against defaults, and its URL.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

use super::front_matter::{self, FrontMatter};
pub use super::permalink::{expand_permalink, validate_permalink_pattern, UrlParts};
use super::rendered::Rendered;
use super::ContentError;
use crate::config::SiteConfig;
use crate::diagnostics::Problem;
use crate::encoding;
use crate::jekyll::time::Zone;
use crate::slug::slugify;

/// A page is kept in the build cache's posts index (`site/posts_index.rs`) without its body.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// File line of the front-matter key that set `thumbnail` (`thumbnail`, `image` or
    /// `header`), for messages about the file it names.
    pub thumbnail_line: usize,
    pub author: Option<String>,
    pub description: Option<String>,
    /// Front matter `excerpt`: wins over the automatic summary (but not `description`).
    pub excerpt: Option<String>,
    /// Front matter `lang`; `None` means the site's language.
    pub lang: Option<String>,
    pub draft: bool,
    /// Jekyll's `last_modified_at`: the feed's and sitemap's `updated`.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Old URLs that redirect here (jekyll-redirect-from's `redirect_from`).
    pub redirect_from: Vec<String>,
    /// Root-relative URL path, not yet percent-encoded or prefixed with the base path;
    /// normalised, and never outside the output folder.
    pub path: String,
    /// File line of the front-matter key that decided `path` (`permalink`, else `slug`; 1
    /// when the site's pattern and the file name did), for messages about the URL.
    pub path_line: usize,
    #[serde(with = "json_text")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    #[serde(skip)]
    pub body: String,
    /// File line where the Markdown body starts (for messages about the body).
    pub body_line: usize,
    pub rendered: Rendered,
    /// The build cache's key of `rendered` (`cache.rs`), when the cache is on and the page
    /// went through it: it stands for the HTML in the input keys of the pages showing it.
    pub markdown_key: Option<u128>,
    /// `rendered` holds only the light parts (no HTML, no search text): the rest is the
    /// build cache's entry `markdown_key`, read when a page that shows it is rendered.
    pub html_pending: bool,
}

/// `extra` as JSON text: the cache's bincode cannot read a self-describing value.
mod json_text {
    use serde::{Deserialize as _, Deserializer, Serializer};

    type Map = serde_json::Map<String, serde_json::Value>;

    pub fn serialize<S: Serializer>(map: &Map, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&serde_json::to_string(map).map_err(serde::ser::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
        serde_json::from_str(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

pub struct Loaded {
    pub page: Page,
    pub warnings: Vec<Problem>,
}

/// The `defaults` values that apply to `rel`: every entry whose `path` contains it, the
/// more specific (longer) path winning, as in Jekyll.
fn defaults_for(rel: &Path, config: &SiteConfig) -> crate::yaml::Mapping {
    let mut entries: Vec<_> = config
        .defaults
        .iter()
        .filter(|d| rel.starts_with(d.path.trim_matches('/')))
        .collect();
    entries.sort_by_key(|d| d.path.trim_matches('/').len());
    let mut out = crate::yaml::Mapping::new();
    for d in entries {
        if let Ok(crate::yaml::Value::Mapping(values)) = crate::yaml::to_value(&d.values) {
            out.extend(values);
        }
    }
    out
}

/// Jekyll reads only `YYYY-MM-DD-title.md` in `_posts/` and skips other names; so do we,
/// with this warning.
pub fn skipped_by_jekyll(rel: &Path) -> Option<Problem> {
    let stem = rel.file_stem()?.to_str()?;
    (rel.starts_with(crate::paths::JEKYLL_POSTS) && split_jekyll_name(stem).0.is_none()).then(|| {
        Problem::new(
            rel,
            "skipped: files in _posts/ must be named YYYY-MM-DD-title.md (Jekyll skips this one too)",
        )
    })
}

impl Page {
    /// Reads and checks one source file. `rel` is its path relative to the site root.
    pub fn load(root: &Path, rel: &Path, config: &SiteConfig) -> Result<Loaded, Vec<Problem>> {
        let bytes = read_bounded(&root.join(rel), config.max_post_bytes)
            .map_err(|e| vec![Problem::new(rel, e.to_string())])?;
        let text = encoding::decode_source(&bytes).map_err(|e| {
            let (line, column) = e.location();
            let p = Problem::at(rel, line, ContentError::from(e).to_string());
            vec![match column {
                Some(c) => p.with_column(c),
                None => p,
            }]
        })?;
        let field_problem = |e: front_matter::FieldError| e.in_file(rel);
        let split = front_matter::split(&text).map_err(|e| vec![field_problem(e)])?;
        let defaults = defaults_for(rel, config);
        let (fm, warnings) = front_matter::parse_with_defaults(&split, &defaults)
            .map_err(|errs| errs.into_iter().map(field_problem).collect::<Vec<_>>())?;
        let warnings = warnings.into_iter().map(field_problem).collect();
        let (body, body_line) = (split.body.to_string(), split.body_line);
        let page =
            Self::from_front_matter(root, rel, fm, body, body_line, config).map_err(|e| vec![e])?;
        Ok(Loaded { page, warnings })
    }

    fn from_front_matter(
        root: &Path,
        rel: &Path,
        fm: FrontMatter,
        body: String,
        body_line: usize,
        config: &SiteConfig,
    ) -> Result<Page, Problem> {
        let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("post");
        let (file_date, file_slug) = split_jekyll_name(stem);
        // Jekyll: a slug never ends with a period.
        let file_slug = file_slug.trim_end_matches('.');
        let zone = Zone::parse(&config.timezone).unwrap_or(Zone::AsWritten);
        let date = match (fm.date, file_date) {
            (Some(d), _) if fm.date_is_local => zone.localize(d.naive_utc()),
            (Some(d), _) => zone.convert(d),
            (None, Some(d)) => zone.localize(d.and_hms_opt(0, 0, 0).expect("midnight")),
            (None, None) if crate::jekyll::is_jekyll_source(rel) => {
                // A Jekyll draft: Jekyll dates it by the file's modification time.
                let modified = std::fs::metadata(root.join(rel))
                    .and_then(|m| m.modified())
                    .map_or_else(|_| Utc::now(), DateTime::<Utc>::from);
                zone.convert(modified.fixed_offset())
            }
            (None, None) => {
                return Err(Problem::at(rel, 1, "no date: add `date: YYYY-MM-DD` to the front matter or name the file YYYY-MM-DD-slug.md"))
            }
        };
        let slug_source = fm.slug.as_deref().unwrap_or(file_slug);
        let title = fm
            .title
            .clone()
            .unwrap_or_else(|| file_slug.replace(['-', '_'], " "));
        let pattern = fm.permalink.as_deref().unwrap_or(&config.permalink);
        let path_line = ["permalink", "slug"]
            .iter()
            .find_map(|k| fm.lines.get(*k).copied())
            .unwrap_or(1);
        let expanded = expand_permalink(
            pattern,
            &UrlParts {
                date: &date,
                slug: slug_source,
                name: file_slug,
                categories: &fm.categories,
            },
        );
        let path = contain_url_path(&expanded)
            .map_err(|e| Problem::at(rel, path_line, format!("permalink {expanded:?} {e}")))?;
        // Redirect pages are written at these paths: the same containment, the same message.
        for from in &fm.redirect_from {
            contain_url_path(&format!("/{from}")).map_err(|e| {
                let line = fm.lines.get("redirect_from").copied().unwrap_or(1);
                Problem::at(rel, line, format!("redirect_from {from:?} {e}"))
            })?;
        }
        let slug = slugify(slug_source);
        Ok(Page {
            source: rel.to_path_buf(),
            layout: fm.layout.unwrap_or_else(|| "post".into()),
            title,
            date,
            slug,
            categories: fm.categories,
            tags: fm.tags,
            thumbnail_line: ["thumbnail", "image", "header"]
                .iter()
                .filter(|key| *key != &"thumbnail" || fm.thumbnail.is_some())
                .find_map(|key| fm.lines.get(*key).copied())
                .unwrap_or(1),
            thumbnail: fm.thumbnail.or(fm.image),
            author: fm.author,
            description: fm.description,
            excerpt: fm.excerpt,
            lang: fm.lang,
            draft: fm.draft || rel.starts_with(crate::paths::JEKYLL_DRAFTS),
            updated: fm.updated.map(|d| zone.convert(d)),
            redirect_from: fm.redirect_from,
            path,
            path_line,
            extra: fm.extra,
            body,
            body_line,
            rendered: Rendered::default(),
            markdown_key: None,
            html_pending: false,
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
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ContentError> {
    use std::io::Read as _;
    let read = |e: std::io::Error| ContentError::Read(e.to_string());
    let file = std::fs::File::open(path).map_err(read)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read)?;
    if bytes.len() as u64 > limit {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(ContentError::TooLarge { size, limit });
    }
    Ok(bytes)
}

/// A URL path made safe to become a file under the output folder: `.` and empty segments
/// dropped, `..` applied, and refused when it climbs above the root (a permalink of
/// `/../../x/` must never write outside `--out`). Keeps a trailing `/`.
pub fn contain_url_path(path: &str) -> Result<String, ContentError> {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(ContentError::LeavesOutput);
                }
            }
            s if s.contains('\\') => return Err(ContentError::Backslash),
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

/// `2025-06-10-chap10` → (date, "chap10"); other names → (None, name). Jekyll's
/// `DATE_FILENAME_MATCHER` also takes `2025-6-1-x`.
pub fn split_jekyll_name(stem: &str) -> (Option<NaiveDate>, &str) {
    let mut parts = stem.splitn(4, '-');
    let (Some(y), Some(m), Some(d), Some(rest)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return (None, stem);
    };
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(y, 2, 4) && digits(m, 1, 2) && digits(d, 1, 2)) {
        return (None, stem);
    }
    let date = NaiveDate::from_ymd_opt(
        y.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        d.parse().unwrap_or(0),
    );
    match date {
        // Year 0 is no date (`0000-01-01-x.md`): no URL gets `/0000/`.
        Some(date) if date.year() >= 1 => (Some(date), rest),
        _ => (None, stem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_file_names_give_date_and_slug() {
        let (d, slug) = split_jekyll_name("2025-06-10-chap10");
        assert_eq!(slug, "chap10");
        assert_eq!(d.unwrap().to_string(), "2025-06-10");
        assert_eq!(split_jekyll_name("about").1, "about");
        assert_eq!(
            split_jekyll_name("2025-6-1-x").0.unwrap().to_string(),
            "2025-06-01"
        );
        assert_eq!(split_jekyll_name("2025-13-01-x").0, None);
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
