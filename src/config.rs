//! `wirebook.toml`: the typed site configuration, with a default for every key.
//!
//! Unknown keys are an error (a typo such as `base_ur` must not be silently ignored).

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub const CONFIG_FILE: &str = "wirebook.toml";

/// 10 MiB: a long chapter is well under 1 MiB.
pub const DEFAULT_MAX_POST_BYTES: u64 = 10 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, shown in the header, the feed and `<title>`.
    pub title: String,
    /// One-line description for the home page, the feed and meta tags.
    pub description: String,
    /// Default author for posts that do not name one.
    pub author: String,
    /// BCP 47 language tag for `<html lang>`.
    pub language: String,
    /// Absolute URL the site is served from, with an optional sub-path
    /// (`https://user.github.io/repo/`). Every link and asset honours its path.
    pub base_url: String,
    /// Jekyll-style permalink pattern for posts.
    pub permalink: String,
    /// Posts per index page.
    pub posts_per_page: usize,
    /// Entries in `atom.xml`.
    pub feed_limit: usize,
    /// A post gets a table of contents when it has at least this many h2/h3 headings.
    pub toc_min_headings: usize,
    /// Words per minute used for the reading-time estimate.
    pub words_per_minute: usize,
    /// Largest post file accepted, in bytes. Rendering takes about 25 times a post's size
    /// in memory, so one huge file in a pull request must not exhaust a build machine.
    pub max_post_bytes: u64,
    /// IANA zone (`Asia/Seoul`) for dates written without an offset and for the dates in
    /// URLs, as Jekyll's `timezone`. Empty: UTC.
    pub timezone: String,
    /// Where a post's excerpt ends (Jekyll's `excerpt_separator`, e.g. `<!--more-->`).
    /// Empty: the excerpt is the first paragraph.
    pub excerpt_separator: String,
    /// Layout aliases: a theme's layout name (`single`) → a template of ours (`post`).
    pub layouts: std::collections::BTreeMap<String, String>,
    /// Front-matter defaults (Jekyll's `defaults:`): `values` for posts under `path`.
    pub defaults: Vec<FrontMatterDefaults>,
    pub highlight: HighlightConfig,
    pub examples: ExamplesConfig,
    /// The theme's words, overridden: `"Contents" = "차례"` for the site's language, or a
    /// `[messages.ja]` table for another (keys are the English text, see templates/i18n/).
    pub messages: toml::Table,
    /// Free-form values for templates (`config.extra.KEY`).
    pub extra: toml::Table,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrontMatterDefaults {
    /// Folder under the site root (`_posts`, `_posts/2024`); empty: every post.
    pub path: String,
    /// Front-matter keys and values a post gets when it does not set them.
    pub values: toml::Table,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HighlightConfig {
    /// Syntect theme for the light colour scheme.
    pub light: String,
    /// Syntect theme for the dark colour scheme.
    pub dark: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExamplesConfig {
    /// Where the examples server lives. Empty: the same origin as the site (`wirebook serve`).
    pub url: String,
    /// Where the demos run: see [`Backend`].
    pub backend: Backend,
}

/// Where a published page's demos run. Written into each demo page as
/// `<meta name="wirebook:backend">`, read by `widgets.js`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// `wirebook serve`: its own examples server. A built site without `url`: the
    /// in-browser backend (a static host has no server, and asking it would only log a
    /// 404). With `url`: that server when it answers, else the in-browser backend.
    #[default]
    Auto,
    /// Always the examples server (at `url`, or the site's own origin behind a proxy).
    Server,
    /// Always the in-browser backend, even when a server is configured.
    Browser,
}

impl ExamplesConfig {
    /// The `wirebook:backend` value for pages of this site: `server`, `browser` or `auto`
    /// (probe `url`, fall back to the browser).
    pub fn page_backend(&self) -> &'static str {
        match (self.backend, self.url.is_empty()) {
            (Backend::Server, _) => "server",
            (Backend::Browser, _) | (Backend::Auto, true) => "browser",
            (Backend::Auto, false) => "auto",
        }
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "wirebook".into(),
            description: String::new(),
            author: String::new(),
            language: "en".into(),
            base_url: "http://127.0.0.1:1111/".into(),
            permalink: "/:year/:month/:day/:slug/".into(),
            posts_per_page: 10,
            feed_limit: 20,
            toc_min_headings: 3,
            words_per_minute: 220,
            max_post_bytes: DEFAULT_MAX_POST_BYTES,
            timezone: String::new(),
            excerpt_separator: String::new(),
            layouts: Default::default(),
            defaults: Vec::new(),
            highlight: HighlightConfig::default(),
            examples: ExamplesConfig::default(),
            messages: toml::Table::new(),
            extra: toml::Table::new(),
        }
    }
}

impl Default for HighlightConfig {
    fn default() -> Self {
        HighlightConfig {
            light: "InspiredGitHub".into(),
            dark: "OneHalfDark".into(),
        }
    }
}

impl SiteConfig {
    /// Reads `wirebook.toml` under `root`; a missing file means all defaults. In a Jekyll
    /// root, `_config.yml` supplies the keys `wirebook.toml` does not set.
    pub fn load(root: &Path) -> Result<SiteConfig> {
        let path = root.join(CONFIG_FILE);
        let jekyll = crate::jekyll::config::read(root)?;
        if !path.exists() && jekyll.is_none() {
            return Ok(SiteConfig::default());
        }
        let text = if path.exists() {
            std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?
        } else {
            String::new()
        };
        // Parsed alone first, so a mistake in wirebook.toml is reported with its line.
        let mut config =
            Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        // Where a problem in the merged settings is reported: wirebook.toml if there is one.
        let mut shown = path.clone();
        if let Some((jekyll_path, mut table)) = jekyll {
            if !path.exists() {
                shown = jekyll_path.clone();
            }
            let own: toml::Table = toml::from_str(&text).unwrap_or_default();
            table.extend(own);
            config = toml::Value::Table(table)
                .try_into()
                .map_err(|e| anyhow::anyhow!("{}: {e}", jekyll_path.display()))?;
        }
        if let Some(pattern) = crate::content::permalink::named_style(&config.permalink) {
            config.permalink = pattern.into();
        }
        config
            .validate()
            .map_err(|e| anyhow::anyhow!("{}: {e}", shown.display()))?;
        config.examples.url = config.examples.url.trim_end_matches('/').to_string();
        Ok(config)
    }

    pub fn parse(text: &str) -> std::result::Result<SiteConfig, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    fn validate(&self) -> std::result::Result<(), String> {
        if self.posts_per_page == 0 {
            return Err("`posts_per_page` must be at least 1".into());
        }
        if self.max_post_bytes == 0 {
            return Err("`max_post_bytes` must be at least 1".into());
        }
        // These reach atom.xml, where a NUL or another control character makes it invalid.
        for (key, value) in [
            ("title", &self.title),
            ("description", &self.description),
            ("author", &self.author),
        ] {
            if let Some(e) = crate::encoding::find_forbidden(value) {
                return Err(format!("`{key}`: {e}"));
            }
        }
        if !self.permalink.starts_with('/') {
            return Err(format!(
                "`permalink` must start with '/', got {:?}",
                self.permalink
            ));
        }
        crate::content::page::validate_permalink_pattern(&self.permalink)
            .map_err(|e| format!("`permalink`: {e}"))?;
        if self.language.trim().is_empty() {
            return Err("`language` must be a language tag such as \"en\" or \"ko\"".into());
        }
        self.messages()?;
        crate::jekyll::time::Zone::parse(&self.timezone).map_err(|e| format!("`timezone`: {e}"))?;
        BaseUrl::parse(&self.base_url).map(|_| ())
    }

    /// The theme's message tables with this config's `[messages]` over them.
    pub fn messages(&self) -> std::result::Result<crate::i18n::Messages, String> {
        crate::i18n::Messages::new(&self.language, &self.messages)
            .map_err(|e| format!("`messages`: {e}"))
    }

    pub fn base(&self) -> BaseUrl {
        BaseUrl::parse(&self.base_url)
            .unwrap_or_else(|_| BaseUrl::parse("http://127.0.0.1:1111/").unwrap())
    }
}

/// `base_url` split into its origin (`https://user.github.io`) and path (`/repo`, or empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseUrl {
    pub origin: String,
    /// Path prefix without a trailing slash; empty for a site at the root.
    pub path: String,
}

impl BaseUrl {
    pub fn parse(url: &str) -> std::result::Result<BaseUrl, String> {
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            format!("`base_url` must be an absolute URL such as https://example.org/, got {url:?}")
        })?;
        if scheme != "http" && scheme != "https" {
            return Err(format!("`base_url` must use http or https, got {url:?}"));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if host.is_empty() {
            return Err(format!("`base_url` has no host: {url:?}"));
        }
        Ok(BaseUrl {
            origin: format!("{scheme}://{host}"),
            path: path.trim_end_matches('/').to_string(),
        })
    }

    /// A root-relative URL (`/2025/06/10/x/`) under the base path (`/repo/2025/06/10/x/`).
    pub fn local(&self, path: &str) -> String {
        format!("{}{}", self.path, path)
    }

    /// The absolute form of a root-relative URL.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}{}", self.origin, self.path, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_named() {
        let err = SiteConfig::parse("title = \"x\"\nbase_ur = \"https://a/\"\n").unwrap_err();
        assert!(err.contains("base_ur"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn base_url_with_sub_path() {
        let b = BaseUrl::parse("https://user.github.io/repo/").unwrap();
        assert_eq!(b.origin, "https://user.github.io");
        assert_eq!(b.local("/a/"), "/repo/a/");
        assert_eq!(b.absolute("/"), "https://user.github.io/repo/");
        assert_eq!(BaseUrl::parse("http://x.org").unwrap().path, "");
    }
}
