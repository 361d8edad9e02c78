//! `wirebook.toml`: the typed site configuration, with a default for every key.
//!
//! Unknown keys are an error (a typo such as `base_ur` must not be silently ignored).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::encoding::TextError;

type Result<T, E = ConfigError> = std::result::Result<T, E>;

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
        let path = crate::paths::SitePaths::new(root).config_file();
        let jekyll = crate::jekyll::config::read(root)?;
        if !path.exists() && jekyll.is_none() {
            return Ok(SiteConfig::default());
        }
        let text = if path.exists() {
            std::fs::read_to_string(&path).map_err(crate::diagnostics::read_error(&path))?
        } else {
            String::new()
        };
        // Parsed alone first, so a mistake in wirebook.toml is reported with its line.
        let mut config = Self::parse(&text).map_err(|e| e.in_file(&path))?;
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
                .map_err(|e: toml::de::Error| {
                    ConfigError::Toml(e.to_string()).in_file(&jekyll_path)
                })?;
        }
        if let Some(pattern) = crate::content::permalink::named_style(&config.permalink) {
            config.permalink = pattern.into();
        }
        config.validate().map_err(|e| e.in_file(&shown))?;
        config.examples.url = config.examples.url.trim_end_matches('/').to_string();
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<SiteConfig> {
        toml::from_str(text).map_err(|e| ConfigError::Toml(e.to_string().trim_end().to_string()))
    }

    fn validate(&self) -> Result<()> {
        if self.posts_per_page == 0 {
            return Err(ConfigError::Zero("posts_per_page"));
        }
        if self.max_post_bytes == 0 {
            return Err(ConfigError::Zero("max_post_bytes"));
        }
        // These reach atom.xml, where a NUL or another control character makes it invalid.
        for (key, value) in [
            ("title", &self.title),
            ("description", &self.description),
            ("author", &self.author),
        ] {
            if let Some(e) = crate::encoding::find_forbidden(value) {
                return Err(ConfigError::Forbidden { key, error: e });
            }
        }
        if !self.permalink.starts_with('/') {
            return Err(ConfigError::NotRooted(self.permalink.clone()));
        }
        crate::content::page::validate_permalink_pattern(&self.permalink)
            .map_err(|e| e.key("permalink"))?;
        if self.language.trim().is_empty() {
            return Err(ConfigError::NoLanguage);
        }
        self.messages()?;
        crate::jekyll::time::Zone::parse(&self.timezone).map_err(|e| e.key("timezone"))?;
        BaseUrl::parse(&self.base_url).map(|_| ())
    }

    /// The theme's message tables with this config's `[messages]` over them.
    pub fn messages(&self) -> Result<crate::i18n::Messages> {
        crate::i18n::Messages::new(&self.language, &self.messages).map_err(|e| e.key("messages"))
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
    pub fn parse(url: &str) -> Result<BaseUrl> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| ConfigError::NotAbsolute(url.into()))?;
        if scheme != "http" && scheme != "https" {
            return Err(ConfigError::NotHttp(url.into()));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if host.is_empty() {
            return Err(ConfigError::NoHost(url.into()));
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

/// What is wrong with the site's settings: `wirebook.toml`, Jekyll's `_config.yml`, the
/// theme's message tables and `[highlight]` themes, and the flags that override them
/// (`--base-url`). The config layer's one error type (see `diagnostics.rs` for the others).
///
/// A check of one value says what is wrong ([`ConfigError::NotHttp`], …); the code that
/// knows where the value came from wraps it: [`ConfigError::key`] (`` `timezone`: … ``),
/// [`ConfigError::in_file`] (`wirebook.toml: …`) or [`ConfigError::flag`] (`--base-url: …`).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Read(#[from] crate::diagnostics::ReadError),
    /// TOML that does not parse or does not fit the settings (its message names the line).
    #[error("{0}")]
    Toml(String),
    /// YAML that does not parse (`_config.yml`). Shown as `:LINE:COLUMN: invalid YAML: …` so
    /// that it reads right after the file's name.
    #[error("{}: invalid YAML: {message}", location.map_or(String::new(), |(l, c)| format!(":{l}:{c}")))]
    Yaml {
        location: Option<(usize, usize)>,
        message: String,
    },
    #[error("`{0}` must be at least 1")]
    Zero(&'static str),
    #[error("`{key}`: {error}")]
    Forbidden { key: &'static str, error: TextError },
    #[error("`permalink` must start with '/', got {0:?}")]
    NotRooted(String),
    #[error("unknown placeholder `:{name}` (known: :{})", known.join(" :"))]
    UnknownPlaceholder {
        name: String,
        known: &'static [&'static str],
    },
    #[error("`language` must be a language tag such as \"en\" or \"ko\"")]
    NoLanguage,
    #[error("unknown time zone {0:?} (use an IANA name such as Asia/Seoul)")]
    UnknownZone(String),
    #[error("`base_url` must be an absolute URL such as https://example.org/, got {0:?}")]
    NotAbsolute(String),
    #[error("`base_url` must use http or https, got {0:?}")]
    NotHttp(String),
    #[error("`base_url` has no host: {0:?}")]
    NoHost(String),
    /// A message table (`templates/i18n/LANG.toml`, `[messages]`) is not text.
    #[error("{origin}: {key:?} must be a string (or {{ one, other }}), got {found}")]
    MessageType {
        origin: String,
        key: String,
        found: &'static str,
    },
    #[error("{origin}: {key:?} needs `one` and `other` strings")]
    PluralForms { origin: String, key: String },
    #[error("unknown highlight theme {name:?}; available: {}", available.join(", "))]
    UnknownTheme {
        name: String,
        available: Vec<String>,
    },
    /// A theme syntect cannot turn into CSS.
    #[error("{0}")]
    Theme(String),
    /// A problem with the `[highlight]` themes.
    #[error("[highlight] {0}")]
    Highlight(Box<ConfigError>),
    /// The setting `key` (`` `timezone`: … ``).
    #[error("`{key}`: {inner}")]
    Key {
        key: &'static str,
        inner: Box<ConfigError>,
    },
    /// The file the setting is in.
    #[error("{}{}{inner}", path.display(), if matches!(**inner, ConfigError::Yaml { .. }) { "" } else { ": " })]
    InFile {
        path: PathBuf,
        inner: Box<ConfigError>,
    },
    /// The command-line flag that gave the value (`--base-url`).
    #[error("{flag}: {inner}")]
    Flag {
        flag: &'static str,
        inner: Box<ConfigError>,
    },
}

impl ConfigError {
    /// This error, about the setting `key`.
    pub fn key(self, key: &'static str) -> Self {
        ConfigError::Key {
            key,
            inner: Box::new(self),
        }
    }

    /// This error, in the file `path`.
    pub fn in_file(self, path: &Path) -> Self {
        ConfigError::InFile {
            path: path.to_path_buf(),
            inner: Box::new(self),
        }
    }

    /// This error, about the value of the flag `flag`.
    pub fn flag(self, flag: &'static str) -> Self {
        ConfigError::Flag {
            flag,
            inner: Box::new(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_named() {
        let err = SiteConfig::parse("title = \"x\"\nbase_ur = \"https://a/\"\n")
            .unwrap_err()
            .to_string();
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
