//! `_config.yml` → the `wirebook.toml` keys it corresponds to. `SiteConfig::load` lays
//! `wirebook.toml` over the result, so wirebook's own file wins where both set a key.

use std::path::{Path, PathBuf};

use crate::config::ConfigError;
use crate::yaml;

pub const CONFIG_FILE: &str = "_config.yml";

/// The Jekyll settings of `root` as a TOML table of wirebook keys, or `None` without a
/// `_config.yml`. Broken YAML is an error with the file and line.
pub fn read(root: &Path) -> Result<Option<(PathBuf, toml::Table)>, ConfigError> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(crate::diagnostics::read_error(&path))?;
    let table = translate(&text).map_err(|e| e.in_file(&path))?;
    Ok(Some((path, table)))
}

/// The keys wirebook understands; Jekyll's others (plugins, theme, sass, …) are ignored.
pub fn translate(text: &str) -> Result<toml::Table, ConfigError> {
    let value: yaml::Value = yaml::from_str(text).map_err(|e| ConfigError::Yaml {
        location: e.location().map(|l| (l.line(), l.column())),
        message: e.to_string(),
    })?;
    let mut out = toml::Table::new();
    let yaml::Value::Mapping(map) = value else {
        return Ok(out);
    };
    let text_of = |key: &str| -> Option<String> {
        match map.get(key)? {
            yaml::Value::String(s) => Some(s.clone()),
            yaml::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    for (jekyll, ours) in [
        ("title", "title"),
        ("description", "description"),
        ("timezone", "timezone"),
        ("excerpt_separator", "excerpt_separator"),
        ("lang", "language"),
        ("locale", "language"),
        ("permalink", "permalink"),
    ] {
        if let Some(v) = text_of(jekyll) {
            if !out.contains_key(ours) {
                // minimal-mistakes writes `locale: ko-KR`; `lang` wins when both are set.
                out.insert(ours.into(), toml::Value::String(v));
            }
        }
    }
    // `author` is a name, or a mapping with one (minimal-mistakes: `author: {name: …}`).
    let author = match map.get("author") {
        Some(yaml::Value::String(s)) => Some(s.clone()),
        Some(yaml::Value::Mapping(m)) => m.get("name").and_then(|v| v.as_str()).map(String::from),
        _ => None,
    };
    if let Some(a) = author {
        out.insert("author".into(), toml::Value::String(a));
    }
    if let Some(base) = base_url(text_of("url"), text_of("baseurl")) {
        out.insert("base_url".into(), toml::Value::String(base));
    }
    if let Some(yaml::Value::Number(n)) = map.get("paginate") {
        if let Some(n) = n.as_u64() {
            out.insert("posts_per_page".into(), toml::Value::Integer(n as i64));
        }
    }
    let defaults = front_matter_defaults(map.get("defaults"));
    if !defaults.is_empty() {
        out.insert("defaults".into(), toml::Value::Array(defaults));
    }
    // Jekyll's own default is the `date` style, not wirebook's.
    if !out.contains_key("permalink") {
        out.insert("permalink".into(), toml::Value::String("date".into()));
    }
    Ok(out)
}

/// Jekyll's `defaults:` entries that apply to posts (`type: posts`, or no type), as
/// `[[defaults]]` tables with `path` and `values`.
fn front_matter_defaults(value: Option<&yaml::Value>) -> Vec<toml::Value> {
    let Some(yaml::Value::Sequence(entries)) = value else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            let scope = entry.get("scope");
            let kind = scope.and_then(|s| s.get("type")).and_then(|t| t.as_str());
            if kind.is_some_and(|k| k != "posts" && k != "drafts") {
                return None;
            }
            let path = scope
                .and_then(|s| s.get("path"))
                .and_then(|p| p.as_str())
                .unwrap_or("");
            let toml::Value::Table(values) = to_toml(entry.get("values")?)? else {
                return None;
            };
            let mut table = toml::Table::new();
            table.insert("path".into(), toml::Value::String(path.into()));
            table.insert("values".into(), toml::Value::Table(values));
            Some(toml::Value::Table(table))
        })
        .collect()
}

/// YAML → TOML for front-matter values; nulls (which TOML lacks) are left out.
fn to_toml(value: &yaml::Value) -> Option<toml::Value> {
    Some(match value {
        yaml::Value::Null => return None,
        yaml::Value::Bool(b) => toml::Value::Boolean(*b),
        yaml::Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        yaml::Value::String(s) => toml::Value::String(s.clone()),
        yaml::Value::Sequence(items) => {
            toml::Value::Array(items.iter().filter_map(to_toml).collect())
        }
        yaml::Value::Mapping(m) => toml::Value::Table(
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), to_toml(v)?)))
                .collect(),
        ),
        yaml::Value::Tagged(t) => return to_toml(&t.value),
    })
}

/// `url` + `baseurl` as one `base_url`; `None` when neither is set.
fn base_url(url: Option<String>, baseurl: Option<String>) -> Option<String> {
    let url = url.filter(|u| !u.trim().is_empty());
    let path = baseurl.unwrap_or_default();
    let path = path.trim().trim_matches('/');
    if url.is_none() && path.is_empty() {
        return None;
    }
    let origin = url.unwrap_or_else(|| crate::config::SiteConfig::default().base().origin);
    let origin = origin.trim().trim_end_matches('/');
    Some(if path.is_empty() {
        format!("{origin}/")
    } else {
        format!("{origin}/{path}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_keys_become_wirebook_keys() {
        let t = translate(
            "title: 블로그\nurl: https://me.github.io\nbaseurl: /blog\nlang: ko\ntimezone: Asia/Seoul\nexcerpt_separator: <!--more-->\nauthor:\n  name: Me\nplugins: [jekyll-feed]\n",
        )
        .unwrap();
        assert_eq!(t["title"].as_str(), Some("블로그"));
        assert_eq!(t["base_url"].as_str(), Some("https://me.github.io/blog/"));
        assert_eq!(t["language"].as_str(), Some("ko"));
        assert_eq!(t["author"].as_str(), Some("Me"));
        assert_eq!(t["permalink"].as_str(), Some("date"));
        assert_eq!(t["excerpt_separator"].as_str(), Some("<!--more-->"));
        assert!(!t.contains_key("plugins"));
        assert!(!t.contains_key("defaults"));
    }

    #[test]
    fn defaults_for_posts_are_kept() {
        let t = translate(
            "defaults:\n  - scope: {path: \"\", type: posts}\n    values: {layout: single, toc: true, comments: null}\n  - scope: {type: pages}\n    values: {layout: page}\n",
        )
        .unwrap();
        let d = t["defaults"].as_array().unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0]["values"]["layout"].as_str(), Some("single"));
        assert_eq!(d[0]["values"]["toc"].as_bool(), Some(true));
        assert!(d[0]["values"].get("comments").is_none());
    }

    #[test]
    fn broken_yaml_names_the_line() {
        let e = translate("title: a\nurl: [x\n").unwrap_err().to_string();
        assert!(e.starts_with(":3:") || e.starts_with(":2:"), "{e}");
    }

    #[test]
    fn base_url_from_baseurl_alone() {
        assert_eq!(
            base_url(None, Some("/repo/".into())).as_deref(),
            Some("http://127.0.0.1:1111/repo/")
        );
        assert_eq!(base_url(Some("".into()), Some("".into())), None);
    }
}
