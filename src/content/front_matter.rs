//! Splitting a post into YAML front matter and Markdown body, and reading the fields.
//!
//! Every error carries a line counted from the top of the *file*, not of the front matter
//! (Zola's users asked for that for years).

use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::de::DeserializeOwned;

use super::ContentError;
use crate::yaml;

/// The Jekyll post fields we understand. Anything else is kept in `extra`.
pub const KNOWN_KEYS: &[&str] = &[
    "layout",
    "title",
    "date",
    "categories",
    "tags",
    "thumbnail",
    "author",
    "description",
    "excerpt",
    "lang",
    "slug",
    "draft",
    "permalink",
    "published",
    "category",
    "image",
    "header",
    "last_modified_at",
    "redirect_from",
];

#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub layout: Option<String>,
    pub title: Option<String>,
    pub date: Option<DateTime<FixedOffset>>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub thumbnail: Option<String>,
    pub author: Option<String>,
    pub description: Option<String>,
    /// Jekyll's hand-written excerpt: the summary in lists and feeds.
    pub excerpt: Option<String>,
    /// The post's language when it differs from the site's (`<html lang>`, theme text).
    pub lang: Option<String>,
    pub slug: Option<String>,
    pub draft: bool,
    pub permalink: Option<String>,
    /// `date` was written without an offset (read in the site's `timezone`).
    pub date_is_local: bool,
    /// `image` or `header.og_image` / `header.teaser`: used when `thumbnail` is not set.
    pub image: Option<String>,
    /// Jekyll's `last_modified_at` (jekyll-last-modified-at, minimal-mistakes).
    pub updated: Option<DateTime<FixedOffset>>,
    /// jekyll-redirect-from's old URLs of this post.
    pub redirect_from: Vec<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The file line of each key, for messages about a value found wrong later (a permalink
    /// that leaves the output folder).
    pub lines: std::collections::HashMap<String, usize>,
}

/// A front-matter problem at a file line (1-based) with an optional column: a
/// [`ContentError`] (or a near-miss warning) with where it is. [`FieldError::in_file`] names
/// the post.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct FieldError {
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl FieldError {
    /// The problem, in the post `rel`.
    pub fn in_file(self, rel: &std::path::Path) -> crate::diagnostics::Problem {
        crate::diagnostics::Problem {
            path: rel.to_path_buf(),
            line: Some(self.line),
            column: self.column,
            message: self.message,
        }
    }
}

/// The result of splitting: YAML text and where the body starts.
pub struct Split<'a> {
    pub yaml: &'a str,
    /// File line of the first YAML line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// File line of the first body line.
    pub body_line: usize,
}

/// Splits `---\nYAML\n---\nBODY`. No front matter: the whole text is the body.
pub fn split(text: &str) -> Result<Split<'_>, FieldError> {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| (text == "---").then_some(""))
    else {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body: text,
            body_line: 1,
        });
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: &rest[..offset],
                yaml_line: 2,
                body: &rest[offset + line.len()..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(FieldError {
        line: 1,
        column: None,
        message: "front matter opened with `---` is never closed (add a `---` line after it)"
            .into(),
    })
}

/// Parses the YAML of `split` into fields. Returns the fields and warnings (near-miss keys).
pub fn parse(split: &Split<'_>) -> Result<(FrontMatter, Vec<FieldError>), Vec<FieldError>> {
    parse_with_defaults(split, &yaml::Mapping::new())
}

/// [`parse`], with `defaults` (Jekyll's `defaults:` values) for the keys the post does not set.
pub fn parse_with_defaults(
    split: &Split<'_>,
    defaults: &yaml::Mapping,
) -> Result<(FrontMatter, Vec<FieldError>), Vec<FieldError>> {
    let mut fm = FrontMatter::default();
    // serde_norway counts lines from the top of what it is given: the YAML goes in below as
    // many empty lines as precede it in the file, so its locations (and the ones its
    // messages name) are the file's.
    let text = if split.yaml.trim().is_empty() {
        "{}".to_string()
    } else {
        "\n".repeat(split.yaml_line - 1) + split.yaml
    };
    let value: yaml::Value = yaml::from_str(&text).map_err(|e| {
        let (line, column) = e
            .location()
            .map_or((split.yaml_line, None), |l| (l.line(), Some(l.column())));
        vec![FieldError {
            line,
            column,
            message: format!(
                "invalid YAML front matter: {}",
                strip_location(&e.to_string())
            ),
        }]
    })?;
    let mut map = match value {
        yaml::Value::Mapping(m) => m,
        yaml::Value::Null => yaml::Mapping::new(),
        _ => {
            return Err(vec![FieldError {
                line: split.yaml_line,
                column: None,
                message: "front matter must be `key: value` lines".into(),
            }])
        }
    };

    for (key, value) in defaults {
        if !map.contains_key(key) {
            map.insert(key.clone(), value.clone());
        }
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (key, value) in map {
        let Some(key) = key.as_str().map(str::to_string) else {
            errors.push(FieldError {
                line: split.yaml_line,
                column: None,
                message: "front-matter keys must be strings".into(),
            });
            continue;
        };
        let line = key_line(split, &key);
        fm.lines.insert(key.clone(), line);
        let mut field = |r: Result<(), ContentError>| {
            if let Err(message) = r {
                errors.push(FieldError {
                    line,
                    column: None,
                    message: format!("field `{key}`: {message}"),
                });
            }
        };
        match key.as_str() {
            "layout" => field(typed(value).map(|v| fm.layout = v)),
            "title" => field(scalar_string(value).map(|v| fm.title = v)),
            "date" => field(parse_date_value(&value).map(|v| {
                fm.date_is_local = v.is_some_and(|(_, local)| local);
                fm.date = v.map(|(d, _)| d);
            })),
            "last_modified_at" => {
                field(parse_date_value(&value).map(|v| fm.updated = v.map(|(d, _)| d)))
            }
            "redirect_from" => field(string_list(value).map(|v| fm.redirect_from = v)),
            // Jekyll themes' names for the social image: `image`, `header.og_image`,
            // `header.teaser`. `thumbnail` wins; the header is also kept for templates.
            "image" => field(image(&value).map(|v| fm.image = fm.image.take().or(v))),
            "header" => {
                let og = value.get("og_image").or_else(|| value.get("teaser"));
                if let Some(v) = og {
                    field(image(v).map(|v| fm.image = v.or(fm.image.take())));
                }
                if let Ok(v) = serde_json::to_value(&value) {
                    fm.extra.insert(key.clone(), v);
                }
            }
            // Jekyll accepts both spellings; a post may use either or both.
            "categories" | "category" => field(string_list(value).map(|v| fm.categories.extend(v))),
            "tags" => field(string_list(value).map(|v| fm.tags = v)),
            "thumbnail" => field(typed(value).map(|v| fm.thumbnail = v)),
            "author" => field(scalar_string(value).map(|v| fm.author = v)),
            "description" => field(scalar_string(value).map(|v| fm.description = v)),
            "excerpt" => field(scalar_string(value).map(|v| fm.excerpt = v)),
            "lang" => field(scalar_string(value).map(|v| fm.lang = v)),
            "slug" => field(scalar_string(value).map(|v| fm.slug = v)),
            "draft" => field(typed::<Option<bool>>(value).map(|v| fm.draft |= v.unwrap_or(false))),
            // Jekyll's spelling of the same thing.
            "published" => {
                field(typed::<Option<bool>>(value).map(|v| fm.draft |= v == Some(false)))
            }
            "permalink" => field(typed(value).map(|v| fm.permalink = v)),
            _ => {
                if let Some(known) = near_miss(&key) {
                    warnings.push(FieldError {
                        line,
                        column: None,
                        message: format!("unknown front-matter key `{key}`: did you mean `{known}`? (kept as page.extra.{key})"),
                    });
                }
                match serde_json::to_value(&value) {
                    Ok(v) => {
                        fm.extra.insert(key, v);
                    }
                    Err(e) => field(Err(ContentError::Yaml(e.to_string()))),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok((fm, warnings))
    } else {
        Err(errors)
    }
}

fn strip_location(msg: &str) -> String {
    // serde_norway appends " at line L column C"; the message is shown after our own
    // `path:line:col`.
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn typed<T: DeserializeOwned>(value: yaml::Value) -> Result<T, ContentError> {
    yaml::from_value(value).map_err(|e| ContentError::Yaml(strip_location(&e.to_string())))
}

/// A string field that also accepts numbers and booleans (`title: 2025`).
fn scalar_string(value: yaml::Value) -> Result<Option<String>, ContentError> {
    match value {
        yaml::Value::Null => Ok(None),
        yaml::Value::String(s) => Ok(Some(s)),
        yaml::Value::Number(n) => Ok(Some(n.to_string())),
        yaml::Value::Bool(b) => Ok(Some(b.to_string())),
        _ => Err(ContentError::ExpectedText),
    }
}

/// A list of strings, or one string of space-separated words (Jekyll's rule).
fn string_list(value: yaml::Value) -> Result<Vec<String>, ContentError> {
    match value {
        yaml::Value::Null => Ok(Vec::new()),
        // Nested lists (`- [a, b]`, which Jekyll themes' users write) are flattened.
        yaml::Value::Sequence(items) => Ok(items
            .into_iter()
            .map(|v| match v {
                yaml::Value::Sequence(_) => string_list(v),
                v => scalar_string(v)
                    .map(|s| s.into_iter().collect())
                    .map_err(|_| ContentError::ExpectedWords),
            })
            .collect::<Result<Vec<Vec<String>>, _>>()?
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect()),
        other => Ok(scalar_string(other)
            .map_err(|_| ContentError::ExpectedListOrWord)?
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect()),
    }
}

/// `image: /a.png` or `image: {path: /a.png}` (jekyll-seo-tag's form).
fn image(value: &yaml::Value) -> Result<Option<String>, ContentError> {
    match value {
        yaml::Value::Mapping(m) => Ok(m.get("path").and_then(|v| v.as_str()).map(String::from)),
        other => scalar_string(other.clone()),
    }
}

/// A date and whether it was written without an offset.
fn parse_date_value(
    value: &yaml::Value,
) -> Result<Option<(DateTime<FixedOffset>, bool)>, ContentError> {
    match value {
        yaml::Value::Null => Ok(None),
        yaml::Value::String(s) => {
            let local = !has_offset(s);
            parse_date(s).map(|d| Some((d, local)))
        }
        _ => Err(ContentError::ExpectedDate),
    }
}

/// `2025-06-10 09:30:00 +09:00`, `…T09:30:00Z`: an offset follows the time.
fn has_offset(s: &str) -> bool {
    let s = s.trim();
    let Some(time_at) = s.find([' ', 'T']) else {
        return false;
    };
    let time = &s[time_at + 1..];
    time.ends_with('Z') || time.contains('+') || time.contains('-')
}

/// Dates as Jekyll writes them: a day, or a date-time with an optional zone.
pub fn parse_date(s: &str) -> Result<DateTime<FixedOffset>, ContentError> {
    let date = parse_date_any_year(s)?;
    // Year 0 and negative years parse, and would give URLs such as `/-001/…`; years past
    // 9999 are not dates anyone writes on purpose.
    if !(1..=9999).contains(&date.year()) {
        return Err(ContentError::YearOutOfRange(date.year()));
    }
    Ok(date)
}

fn parse_date_any_year(s: &str) -> Result<DateTime<FixedOffset>, ContentError> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d);
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Ok(d);
        }
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(Utc.from_utc_datetime(&d).fixed_offset());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Utc
            .from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
            .fixed_offset());
    }
    Err(ContentError::NotADate(s.to_string()))
}

/// The file line where `key:` is written (top-level keys only), for error messages.
fn key_line(split: &Split<'_>, key: &str) -> usize {
    split
        .yaml
        .lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
                || l.strip_prefix(&format!("\"{key}\"")).is_some()
        })
        .map_or(split.yaml_line, |i| split.yaml_line + i)
}

/// A known key within two edits of an unknown one (`tag` → `tags`, `catagories` → `categories`).
fn near_miss(key: &str) -> Option<&'static str> {
    let key = key.to_lowercase();
    if KNOWN_KEYS.contains(&key.as_str()) {
        // Case differs only (`Title:`).
        return KNOWN_KEYS.iter().copied().find(|k| *k == key);
    }
    KNOWN_KEYS
        .iter()
        .copied()
        .filter(|k| key.len() >= 3 && levenshtein(&key, k) <= 2)
        .min_by_key(|k| levenshtein(&key, k))
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<(FrontMatter, Vec<FieldError>), Vec<FieldError>> {
        let s = split(text).map_err(|e| vec![e])?;
        parse(&s)
    }

    #[test]
    fn yaml_error_line_counts_from_top_of_file() {
        let errs = parse_text("---\ntitle: ok\ntags: [a, b\n---\nbody\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].line >= 3, "{errs:?}");
        assert!(errs[0].message.starts_with("invalid YAML"), "{errs:?}");
        assert!(!errs[0].message.contains("at line 3 column 1,"), "{errs:?}");
    }

    #[test]
    fn fields_lists_and_extra() {
        let (fm, warnings) = parse_text(
            "---\ntitle: \"T\"\ndate: 2025-06-10 09:30:00 +09:00\ncategories: backend api\ntags: one\ntag: x\ntoc: true\n---\n",
        )
        .unwrap();
        assert_eq!(fm.title.as_deref(), Some("T"));
        assert_eq!(fm.categories, ["backend", "api"]);
        assert_eq!(fm.tags, ["one"]);
        assert_eq!(fm.date.unwrap().to_rfc3339(), "2025-06-10T09:30:00+09:00");
        assert_eq!(fm.extra["toc"], serde_json::Value::Bool(true));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, 6);
        assert!(warnings[0].message.contains("did you mean `tags`"));
    }

    #[test]
    fn jekyll_fields() {
        let (fm, _) = parse_text(
            "---\ntags:\n  - [a, b]\n  - c\ndate: 2025-06-10 09:30\nlast_modified_at: 2025-07-01T10:00:00+09:00\nheader:\n  teaser: /t.png\nredirect_from: /old/\nexcerpt: Short.\n---\n",
        )
        .unwrap();
        assert_eq!(fm.tags, ["a", "b", "c"]);
        assert!(fm.date_is_local);
        assert_eq!(
            fm.updated.unwrap().to_rfc3339(),
            "2025-07-01T10:00:00+09:00"
        );
        assert_eq!(fm.image.as_deref(), Some("/t.png"));
        assert_eq!(fm.redirect_from, ["/old/"]);
        assert_eq!(fm.excerpt.as_deref(), Some("Short."));
        assert!(fm.extra.contains_key("header"));
        assert!(!has_offset("2025-06-10"));
        assert!(has_offset("2025-06-10 09:30:00 +0900"));
    }

    #[test]
    fn wrong_type_names_field_and_line() {
        let errs = parse_text("---\ntitle: x\ndate: [1]\n---\n").unwrap_err();
        assert_eq!(errs[0].line, 3);
        assert!(errs[0].message.contains("`date`"), "{errs:?}");
    }

    #[test]
    fn catagories_is_a_near_miss() {
        assert_eq!(near_miss("catagories"), Some("categories"));
        assert_eq!(near_miss("comments"), None);
    }

    #[test]
    fn unclosed_front_matter() {
        assert!(split("---\ntitle: x\n").is_err());
        let s = split("no front matter\n").unwrap();
        assert_eq!(s.body_line, 1);
    }
}
