//! Slugs and heading ids that keep every script's letters (Hangul stays Hangul).
//!
//! Heading ids follow GitHub's rule so anchors written for GitHub keep working: lowercase,
//! drop everything but letters, digits, spaces, `-` and `_`, spaces become `-`.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// GitHub's heading anchor for `text` (before de-duplication).
pub fn heading_id(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// A URL slug: lowercase words of any script joined by single hyphens.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Jekyll's `Utils.slugify` modes that URLs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugMode {
    /// Letters, marks and decimal digits of any script survive; runs of anything else
    /// become one `-`.
    Default,
    /// Also keeps `._~!$&'()+,;=@` (what `:title` uses).
    Pretty,
}

/// Jekyll 4's `Utils.slugify`: the URL part `:slug` / `:title` becomes. Unlike [`slugify`],
/// `_` is a separator in the default mode and case may be kept.
pub fn jekyll_slugify(text: &str, mode: SlugMode, cased: bool) -> String {
    use std::sync::OnceLock;
    static DEFAULT: OnceLock<regex::Regex> = OnceLock::new();
    static PRETTY: OnceLock<regex::Regex> = OnceLock::new();
    let re = match mode {
        SlugMode::Default => {
            DEFAULT.get_or_init(|| regex::Regex::new(r"[^\p{M}\p{L}\p{Nd}]+").unwrap())
        }
        SlugMode::Pretty => {
            PRETTY.get_or_init(|| regex::Regex::new(r"[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+").unwrap())
        }
    };
    let slug = re.replace_all(text, "-");
    // Jekyll strips one leading and one trailing hyphen (`gsub!(/^-|-$/, "")`).
    let slug = slug.strip_prefix('-').unwrap_or(&slug);
    let slug = slug.strip_suffix('-').unwrap_or(slug);
    if cased {
        slug.to_string()
    } else {
        slug.to_lowercase()
    }
}

/// Characters escaped in URL paths: controls, space and the characters with meaning in a URL.
/// Non-ASCII (Hangul) is percent-encoded as UTF-8, as browsers and GitHub do.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'%');

pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// Keeps generated ids unique within one page: `x`, `x-1`, `x-2`.
#[derive(Default)]
pub struct IdSet(std::collections::HashMap<String, usize>);

impl IdSet {
    pub fn unique(&mut self, base: String) -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        if !self.0.contains_key(&base) {
            self.0.insert(base.clone(), 0);
            return base;
        }
        let mut n = self.0[&base];
        let id = loop {
            n += 1;
            let candidate = format!("{base}-{n}");
            if !self.0.contains_key(&candidate) {
                break candidate;
            }
        };
        self.0.insert(base, n);
        self.0.insert(id.clone(), 0);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_style_ids_keep_hangul() {
        assert_eq!(
            heading_id("✅ 아주 쉬운 비유로 정리해보기"),
            "-아주-쉬운-비유로-정리해보기"
        );
        assert_eq!(heading_id("Ajax / WebSocket"), "ajax--websocket");
        assert_eq!(heading_id("Q. Ajax, SSE?"), "q-ajax-sse");
    }

    #[test]
    fn slugs_keep_hangul() {
        assert_eq!(
            slugify("CHAP 10. 통신 기술 비교!"),
            "chap-10-통신-기술-비교"
        );
        assert_eq!(slugify("  Hello,  World  "), "hello-world");
    }

    #[test]
    fn jekyll_slugs() {
        use SlugMode::*;
        assert_eq!(
            jekyll_slugify("Hello_World! 통신", Default, false),
            "hello-world-통신"
        );
        assert_eq!(
            jekyll_slugify("Hello_World!(2)", Pretty, true),
            "Hello_World!(2)"
        );
        assert_eq!(jekyll_slugify("  -a b- ", Default, false), "a-b");
        assert_eq!(jekyll_slugify("C++ & Rust?", Pretty, true), "C++-&-Rust");
    }

    #[test]
    fn duplicate_ids_are_numbered() {
        let mut ids = IdSet::default();
        assert_eq!(ids.unique("a".into()), "a");
        assert_eq!(ids.unique("a".into()), "a-1");
        assert_eq!(ids.unique("a".into()), "a-2");
        assert_eq!(ids.unique("a-1".into()), "a-1-1");
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("/tags/성능/"), "/tags/%EC%84%B1%EB%8A%A5/");
    }
}
