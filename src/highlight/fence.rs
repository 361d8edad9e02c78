//! A code fence's info string (`rust title="main.rs" linenos hl_lines="2 4-6"`) parsed into
//! [`FenceOptions`]: the language, the options the highlighter draws, and the other words
//! (`run`) that the Markdown layer gives meaning to.

use crate::markdown::MarkdownError;

/// Options from a fence's info string (`rust title="main.rs" linenos hl_lines="2 4-6"`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FenceOptions {
    pub lang: String,
    pub title: Option<String>,
    pub linenos: bool,
    pub hl_lines: Vec<(usize, usize)>,
    /// Words after the language that are not options (`run` in ```` ```js run ````).
    pub flags: Vec<String>,
}

impl FenceOptions {
    pub fn parse(info: &str) -> Result<FenceOptions, MarkdownError> {
        let mut opts = FenceOptions::default();
        let mut rest = info.trim();
        let lang_end = rest
            .find(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .unwrap_or(rest.len());
        opts.lang = rest[..lang_end].to_string();
        // Any whitespace the `find`s below stop at must be skipped here too (a no-break
        // space once made this loop spin forever; found by fuzz/markdown).
        rest = rest[lang_end..]
            .trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '{');
        while !rest.is_empty() {
            let key_end = rest
                .find(|c: char| c == '=' || c.is_whitespace() || c == ',' || c == '}')
                .unwrap_or(rest.len());
            let key = &rest[..key_end];
            rest = &rest[key_end..];
            let value = if let Some(r) = rest.strip_prefix('=') {
                let (v, r) = if let Some(q) = r.strip_prefix('"') {
                    let end = q
                        .find('"')
                        .ok_or_else(|| MarkdownError::UnclosedQuote(key.to_string()))?;
                    (q[..end].to_string(), &q[end + 1..])
                } else {
                    let end = r
                        .find(|c: char| c.is_whitespace() || c == ',' || c == '}')
                        .unwrap_or(r.len());
                    (r[..end].to_string(), &r[end..])
                };
                rest = r;
                Some(v)
            } else {
                None
            };
            match (key, value) {
                ("title", Some(v)) => opts.title = Some(v),
                ("linenos", None) => opts.linenos = true,
                ("linenos", Some(v)) => opts.linenos = v != "false",
                ("hl_lines", Some(v)) => opts.hl_lines = parse_ranges(&v)?,
                ("", _) => {}
                (k, None) => opts.flags.push(k.to_string()),
                (k, Some(_)) => return Err(MarkdownError::UnknownFenceOption(k.to_string())),
            }
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '}');
        }
        Ok(opts)
    }

    /// Whether `hl_lines` marks line `line` (counted from 1).
    pub fn is_highlighted(&self, line: usize) -> bool {
        self.hl_lines.iter().any(|&(a, b)| (a..=b).contains(&line))
    }
}

/// `"2 4-6"` → `[(2,2), (4,6)]`.
fn parse_ranges(s: &str) -> Result<Vec<(usize, usize)>, MarkdownError> {
    s.split([' ', ','])
        .filter(|p| !p.is_empty())
        .map(|part| {
            let bad = || MarkdownError::LineRange(part.to_string());
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
                    if a > b {
                        Err(bad())
                    } else {
                        Ok((a, b))
                    }
                }
                None => part.parse().map(|n| (n, n)).map_err(|_| bad()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_options() {
        let o = FenceOptions::parse(r#"rust title="main.rs" linenos hl_lines="2 4-6""#).unwrap();
        assert_eq!(o.lang, "rust");
        assert_eq!(o.title.as_deref(), Some("main.rs"));
        assert!(o.linenos);
        assert_eq!(o.hl_lines, [(2, 2), (4, 6)]);
        assert_eq!(FenceOptions::parse("js run").unwrap().flags, ["run"]);
        assert!(FenceOptions::parse("js hl_lines=\"x\"").is_err());
        // Whitespace other than space and tab once looped forever (fuzz/markdown).
        for info in [
            "rust\u{a0}linenos",
            "js\u{b}run",
            "py linenos\u{c}\u{3000}x",
        ] {
            assert!(FenceOptions::parse(info).is_ok(), "{info:?}");
        }
    }
}
