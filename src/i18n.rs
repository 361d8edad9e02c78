//! Theme text in the reader's language: one message table per language
//! (`templates/i18n/LANG.toml`, keyed by the English text), with the site's `[messages]`
//! overrides laid over it. The same tables serve the templates (the Tera function `t`), the
//! Markdown stage (alert titles, anchor labels) and the widgets (`MESSAGES` in widgets.js).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};

use std::path::Path;

use crate::config::{ConfigError, CONFIG_FILE};
use crate::diagnostics::Problem;

static TABLES: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/templates/i18n");

/// The English key of the date format (chrono's strftime syntax).
pub const DATE_FORMAT: &str = "%b %-d, %Y";

/// One translated string, or its plural forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Text(String),
    /// `one` is used when the count is 1, `other` otherwise (enough for en, ko, ja, zh).
    Plural {
        one: String,
        other: String,
    },
}

impl Message {
    fn pick(&self, n: Option<f64>) -> &str {
        match self {
            Message::Text(s) => s,
            Message::Plural { one, other } => {
                if n == Some(1.0) {
                    one
                } else {
                    other
                }
            }
        }
    }
}

type Table = BTreeMap<String, Message>;

/// Every language's table, plus which language the site is written in.
#[derive(Debug, Clone)]
pub struct Messages {
    tables: HashMap<String, Table>,
    site_language: String,
}

impl Messages {
    /// The theme's tables with the config's `[messages]` over them: a string value
    /// overrides the site language's entry, a table (`[messages.ja]`) another language's.
    pub fn new(site_language: &str, overrides: &toml::Table) -> Result<Messages, ConfigError> {
        let mut tables = HashMap::new();
        for file in TABLES.files() {
            let Some(lang) = file.path().file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let text = file.contents_utf8().unwrap_or_default();
            let table: toml::Table = toml::from_str(text).map_err(|e: toml::de::Error| {
                ConfigError::Toml(e.to_string())
                    .in_file(Path::new(&format!("templates/i18n/{lang}.toml")))
            })?;
            tables.insert(
                lang.to_string(),
                parse_table(&table, &format!("{lang}.toml"))?,
            );
        }
        let site_language = site_language.to_ascii_lowercase();
        for (key, value) in overrides {
            match value {
                toml::Value::Table(t) => {
                    let lang = key.to_ascii_lowercase();
                    let parsed = parse_table(t, &format!("[messages.{key}]"))?;
                    tables.entry(lang).or_default().extend(parsed);
                }
                _ => {
                    let one = toml::Table::from_iter([(key.clone(), value.clone())]);
                    let parsed = parse_table(&one, "[messages]")?;
                    tables
                        .entry(site_language.clone())
                        .or_default()
                        .extend(parsed);
                }
            }
        }
        Ok(Messages {
            tables,
            site_language,
        })
    }

    /// The site's own language tag (lower case).
    pub fn site_language(&self) -> &str {
        &self.site_language
    }

    /// The table for `lang` (`ko-KR` → `ko-kr`, else `ko`), if there is one.
    fn table(&self, lang: &str) -> Option<&Table> {
        let lang = lang.to_ascii_lowercase();
        self.tables.get(&lang).or_else(|| {
            let primary = lang.split(['-', '_']).next().unwrap_or_default();
            self.tables.get(primary)
        })
    }

    /// `key` in `lang` (English when the table lacks it), plural form picked by `n`, and
    /// `{name}` placeholders filled from `vars`.
    pub fn text(&self, lang: &str, key: &str, n: Option<f64>, vars: &[(&str, String)]) -> String {
        let message = self
            .table(lang)
            .and_then(|t| t.get(key))
            .or_else(|| self.tables.get("en").and_then(|t| t.get(key)));
        let mut out = message.map_or(key, |m| m.pick(n)).to_string();
        for (name, value) in vars {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// A date for people: `Jun 10, 2025`, `2025년 6월 10일`, `2025年6月10日`.
    pub fn date(&self, lang: &str, date: &DateTime<FixedOffset>) -> String {
        let format = self.text(lang, DATE_FORMAT, None, &[]);
        let mut out = String::new();
        // A bad format in an override fails to format rather than panicking.
        if write!(out, "{}", date.format(&format)).is_err() {
            out.clear();
            let _ = write!(out, "{}", date.format(DATE_FORMAT));
        }
        out
    }

    /// Warnings for theme strings the site's language (or a post's `lang`) lacks, which
    /// therefore show in English: one warning per language.
    pub fn missing(&self, languages: &[&str]) -> Vec<Problem> {
        let Some(english) = self.tables.get("en") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = Vec::new();
        for lang in languages {
            let lang = lang.to_ascii_lowercase();
            let primary = lang
                .split(['-', '_'])
                .next()
                .unwrap_or_default()
                .to_string();
            if primary == "en" || seen.contains(&primary) {
                continue;
            }
            seen.push(primary.clone());
            let table = self.table(&lang);
            let missing: Vec<&str> = english
                .keys()
                .filter(|k| table.is_none_or(|t| !t.contains_key(*k)))
                .map(String::as_str)
                .collect();
            if missing.is_empty() {
                continue;
            }
            let shown: Vec<String> = missing.iter().take(5).map(|k| format!("{k:?}")).collect();
            out.push(Problem::new(
                std::path::Path::new(CONFIG_FILE),
                format!(
                    "language `{lang}`: {} theme string{} without a translation will show in English ({}{}); add them under [messages] in {CONFIG_FILE}",
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    shown.join(", "),
                    if missing.len() > 5 { ", …" } else { "" },
                ),
            ));
        }
        out
    }

    /// `const MESSAGES = {"ko": {...}, ...};` for the widgets' `t()`: every language but
    /// English (whose text is the key), plain strings only.
    pub fn widgets_js(&self) -> String {
        let mut langs: Vec<&String> = self.tables.keys().filter(|l| *l != "en").collect();
        langs.sort();
        let mut all = serde_json::Map::new();
        for lang in langs {
            let table: serde_json::Map<String, serde_json::Value> = self.tables[lang]
                .iter()
                .filter_map(|(k, v)| match v {
                    Message::Text(s) if k != DATE_FORMAT => Some((k.clone(), s.clone().into())),
                    _ => None,
                })
                .collect();
            all.insert(lang.clone(), table.into());
        }
        format!(
            "// Generated from templates/i18n/*.toml (and the site's [messages]) by the generator.\nconst MESSAGES = {};\n",
            serde_json::to_string(&all).expect("strings serialise")
        )
    }

    /// Registers `t(key="…", lang=lang, n=3, name="…")` with Tera: `key` in `lang` (default:
    /// the site's), the plural form for `n`, and every other argument filling `{name}`.
    pub fn register(self: &std::sync::Arc<Self>, tera: &mut tera::Tera) {
        let messages = self.clone();
        tera.register_function(
            "t",
            move |args: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
                let key = args
                    .get("key")
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| tera::Error::msg("t() needs key=\"English text\""))?;
                let lang = args
                    .get("lang")
                    .and_then(|v| v.as_str())
                    .unwrap_or(&messages.site_language);
                let n = args.get("n").and_then(tera::Value::as_f64);
                let vars: Vec<(&str, String)> = args
                    .iter()
                    .filter(|(k, _)| *k != "key" && *k != "lang")
                    .map(|(k, v)| {
                        let s = match v {
                            tera::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (k.as_str(), s)
                    })
                    .collect();
                Ok(messages.text(lang, key, n, &vars).into())
            },
        );
    }
}

fn parse_table(table: &toml::Table, origin: &str) -> Result<Table, ConfigError> {
    let mut out = Table::new();
    for (key, value) in table {
        let message = match value {
            toml::Value::String(s) => Message::Text(s.clone()),
            toml::Value::Table(t) => {
                let form = |name: &str| {
                    t.get(name)
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                        .ok_or_else(|| ConfigError::PluralForms {
                            origin: origin.into(),
                            key: key.clone(),
                        })
                };
                Message::Plural {
                    one: form("one")?,
                    other: form("other")?,
                }
            }
            other => {
                return Err(ConfigError::MessageType {
                    origin: origin.into(),
                    key: key.clone(),
                    found: other.type_str(),
                })
            }
        };
        out.insert(key.clone(), message);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(overrides: &str) -> Messages {
        Messages::new("ko", &toml::from_str(overrides).unwrap()).unwrap()
    }

    #[test]
    fn counts_dates_and_plurals_in_each_language() {
        let m = messages("");
        let n = |lang, k, n: f64| m.text(lang, k, Some(n), &[("n", n.to_string())]);
        assert_eq!(n("ko", "{n} min read", 2.0), "2분 분량");
        assert_eq!(n("en", "{n} min read", 2.0), "2 min read");
        assert_eq!(n("ja", "{n} min read", 2.0), "2分で読めます");
        assert_eq!(n("zh-CN", "{n} min read", 2.0), "阅读约需 2 分钟");
        assert_eq!(n("en-US", "{n} results", 1.0), "1 result");
        assert_eq!(n("en", "{n} results", 3.0), "3 results");
        let d = crate::content::front_matter::parse_date("2025-06-10").unwrap();
        assert_eq!(m.date("ko", &d), "2025년 6월 10일");
        assert_eq!(m.date("en", &d), "Jun 10, 2025");
        assert_eq!(m.date("ja", &d), "2025年6月10日");
        assert_eq!(m.date("fr", &d), "Jun 10, 2025");
    }

    #[test]
    fn config_overrides_and_missing_strings() {
        let m = messages("\"Contents\" = \"차례\"\n[ja]\n\"Tags\" = \"タグ一覧\"\n");
        assert_eq!(m.text("ko", "Contents", None, &[]), "차례");
        assert_eq!(m.text("ja", "Tags", None, &[]), "タグ一覧");
        assert!(m.missing(&["ko", "ja", "zh", "en"]).is_empty());
        let w = m.missing(&["fr"]);
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("language `fr`"), "{}", w[0].message);
        assert!(Messages::new("ko", &toml::from_str("x = 1").unwrap()).is_err());
    }

    #[test]
    fn every_table_has_every_theme_string() {
        let m = messages("");
        let english = &m.tables["en"];
        for lang in ["ko", "ja", "zh"] {
            let table = &m.tables[lang];
            let missing: Vec<_> = english.keys().filter(|k| !table.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            let stray: Vec<_> = table
                .keys()
                .filter(|k| !english.contains_key(*k) && lang != "ko")
                .collect();
            assert!(stray.is_empty(), "{lang} has keys English lacks: {stray:?}");
        }
    }
}
