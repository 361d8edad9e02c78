//! Post URLs as Jekyll 4 makes them: its placeholders, its named styles (`date`, `pretty`,
//! …) and its slug rules, so a blog moved from Jekyll keeps every URL.
//!
//! Mirrors `Jekyll::URL#generate_url_from_drop` and `Jekyll::Drops::UrlDrop` (jekyll 4.3).

use chrono::{DateTime, Datelike, FixedOffset, Timelike};

use crate::slug::{jekyll_slugify, SlugMode};

/// Jekyll's named permalink styles.
pub fn named_style(name: &str) -> Option<&'static str> {
    Some(match name {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        _ => return None,
    })
}

const PLACEHOLDERS: &[&str] = &[
    "year",
    "month",
    "day",
    "i_month",
    "i_day",
    "short_year",
    "short_month",
    "long_month",
    "hour",
    "minute",
    "second",
    "y_day",
    "week",
    "w_year",
    "w_day",
    "short_day",
    "long_day",
    "title",
    "slug",
    "name",
    "categories",
    "slugified_categories",
    "output_ext",
];

/// What a post's URL is made from.
pub struct UrlParts<'a> {
    pub date: &'a DateTime<FixedOffset>,
    /// The front matter's `slug`, else the file name without its date and extension.
    pub slug: &'a str,
    /// The file name without its date and extension.
    pub name: &'a str,
    pub categories: &'a [String],
}

/// Each `:name` in `pattern` (Jekyll's regex `:([a-z_]+)`), with Jekyll's rule that a name
/// ending in `_` may also mean the name without it (`:title_` → `:title` + `_`).
fn placeholders(pattern: &str) -> impl Iterator<Item = (usize, &str)> {
    pattern.match_indices(':').map(move |(i, _)| {
        let rest = &pattern[i + 1..];
        let len = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(rest.len());
        (i, &rest[..len])
    })
}

fn known(name: &str) -> Option<&str> {
    if PLACEHOLDERS.contains(&name) {
        return Some(name);
    }
    let short = name.trim_end_matches('_');
    (short != name && PLACEHOLDERS.contains(&short)).then_some(short)
}

pub fn validate_permalink_pattern(pattern: &str) -> Result<(), crate::config::ConfigError> {
    let pattern = named_style(pattern).unwrap_or(pattern);
    for (_, name) in placeholders(pattern) {
        if known(name).is_none() {
            return Err(crate::config::ConfigError::UnknownPlaceholder {
                name: name.to_string(),
                known: PLACEHOLDERS,
            });
        }
    }
    Ok(())
}

fn value(name: &str, p: &UrlParts<'_>) -> String {
    let d = p.date;
    match name {
        "year" => format!("{:04}", d.year()),
        "month" => format!("{:02}", d.month()),
        "day" => format!("{:02}", d.day()),
        "i_month" => d.month().to_string(),
        "i_day" => d.day().to_string(),
        "short_year" => format!("{:02}", d.year().rem_euclid(100)),
        "short_month" => d.format("%b").to_string(),
        "long_month" => d.format("%B").to_string(),
        "hour" => format!("{:02}", d.hour()),
        "minute" => format!("{:02}", d.minute()),
        "second" => format!("{:02}", d.second()),
        "y_day" => format!("{:03}", d.ordinal()),
        "week" => format!("{:02}", d.iso_week().week()),
        "w_year" => d.iso_week().year().to_string(),
        "w_day" => d.weekday().number_from_monday().to_string(),
        "short_day" => d.format("%a").to_string(),
        "long_day" => d.format("%A").to_string(),
        "title" => jekyll_slugify(p.slug, SlugMode::Pretty, true),
        "slug" => jekyll_slugify(p.slug, SlugMode::Default, false),
        "name" => jekyll_slugify(p.name, SlugMode::Default, false),
        "categories" => categories(p.categories, |c| c.to_lowercase()),
        "slugified_categories" => categories(p.categories, |c| {
            jekyll_slugify(c, SlugMode::Default, false)
        }),
        "output_ext" => ".html".into(),
        _ => String::new(),
    }
}

/// Jekyll keeps each category once, in order, lowercased (not slugified: spaces stay).
fn categories(cats: &[String], f: impl Fn(&str) -> String) -> String {
    let mut seen: Vec<String> = Vec::new();
    for c in cats {
        let c = f(c);
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen.join("/")
}

/// Expands a pattern or named style into a root-relative path (not yet percent-encoded).
/// Runs of `/` collapse, as in Jekyll; `..` is left for `page::contain_url_path` to
/// refuse or apply (Jekyll silently drops it). Unlike Jekyll, a path ending in neither `/`
/// nor `.html` gets a `/` (Jekyll writes `/x` as the file `x.html`).
pub fn expand_permalink(pattern: &str, parts: &UrlParts<'_>) -> String {
    let pattern = named_style(pattern).unwrap_or(pattern);
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut last = 0;
    for (i, name) in placeholders(pattern) {
        if i < last {
            continue;
        }
        let Some(key) = known(name) else { continue };
        out.push_str(&pattern[last..i]);
        out.push_str(&value(key, parts));
        last = i + 1 + key.len();
    }
    out.push_str(&pattern[last..]);
    let mut out = format!("/{out}");
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    if !out.ends_with('/') && !out.ends_with(".html") {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::parse_date;

    fn url(pattern: &str, date: &str, slug: &str, cats: &[&str]) -> String {
        let d = parse_date(date).unwrap();
        let cats: Vec<String> = cats.iter().map(|s| s.to_string()).collect();
        expand_permalink(
            pattern,
            &UrlParts {
                date: &d,
                slug,
                name: slug,
                categories: &cats,
            },
        )
    }

    #[test]
    fn named_styles() {
        let d = "2025-06-01 10:00:00 +09:00";
        assert_eq!(
            url("date", d, "Hello-World", &["Back End"]),
            "/back end/2025/06/01/Hello-World.html"
        );
        assert_eq!(url("pretty", d, "x", &[]), "/2025/06/01/x/");
        assert_eq!(url("ordinal", d, "x", &[]), "/2025/152/x.html");
        assert_eq!(url("weekdate", d, "x", &[]), "/2025/W22/Sun/x.html");
        assert_eq!(url("none", d, "x", &["a", "A"]), "/a/x.html");
    }

    #[test]
    fn placeholders_expand_like_jekyll() {
        let d = "2025-06-01 10:00:00 +09:00";
        assert_eq!(
            url("/:year/:month/:day/:slug/", d, "My_Post", &[]),
            "/2025/06/01/my-post/"
        );
        assert_eq!(
            url("/:i_month/:title:output_ext", d, "My_Post!", &[]),
            "/6/My_Post!.html"
        );
        assert_eq!(url("/:categories/:slug", d, "x", &[]), "/x/");
        assert_eq!(url("/:title_/", d, "t", &[]), "/t_/");
        assert!(validate_permalink_pattern("/:title_x/").is_err());
        assert!(validate_permalink_pattern("/:yaer/:slug/").is_err());
        assert!(validate_permalink_pattern("pretty").is_ok());
    }
}
