//! Build-time code highlighting with syntect, emitted as `hl-*` CSS classes (no inline
//! colours), so one page works in the light and the dark theme.
//!
//! The syntax set is two-face's extended set (TypeScript, TOML, Dockerfile, GraphQL … that
//! syntect's defaults lack), loaded once per process.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle};
use syntect::parsing::{
    BasicScopeStackOp, ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet,
};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

pub fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

fn theme_set() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(|| two_face::theme::extra().into())
}

/// Languages that mean "no highlighting wanted": no warning for them.
const PLAIN: &[&str] = &[
    "",
    "text",
    "txt",
    "plain",
    "plaintext",
    "output",
    "console-output",
    "none",
];

/// Names authors write that syntect does not know by that token.
fn alias(lang: &str) -> &str {
    match lang {
        "shell" | "zsh" | "console" | "shellsession" => "bash",
        "javascript" | "node" | "mjs" | "cjs" => "js",
        "typescript" => "ts",
        "gql" => "graphql",
        "docker" => "dockerfile",
        "yml" => "yaml",
        "golang" => "go",
        "py" | "python3" => "python",
        "rs" => "rust",
        "htm" => "html",
        "jsonc" | "json5" => "json",
        "postgres" | "postgresql" | "sqlite" => "sql",
        other => other,
    }
}

/// The syntax for an info-string language, or `None` when it is unknown.
pub fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let ss = syntax_set();
    let lang = lang.to_ascii_lowercase();
    let token = alias(&lang);
    ss.find_syntax_by_token(token)
        .or_else(|| ss.find_syntax_by_name(token))
}

pub fn is_plain(lang: &str) -> bool {
    PLAIN.contains(&lang.to_ascii_lowercase().as_str())
}

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
    pub fn parse(info: &str) -> Result<FenceOptions, String> {
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
                        .ok_or_else(|| format!("unclosed quote after `{key}=`"))?;
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
                (k, Some(_)) => {
                    return Err(format!(
                        "unknown code-block option `{k}` (known: title, linenos, hl_lines)"
                    ))
                }
            }
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '}');
        }
        Ok(opts)
    }

    fn is_highlighted(&self, line: usize) -> bool {
        self.hl_lines.iter().any(|&(a, b)| (a..=b).contains(&line))
    }
}

/// `"2 4-6"` → `[(2,2), (4,6)]`.
fn parse_ranges(s: &str) -> Result<Vec<(usize, usize)>, String> {
    s.split([' ', ','])
        .filter(|p| !p.is_empty())
        .map(|part| {
            let bad = || format!("hl_lines: {part:?} is not a line number or range such as 4-6");
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

thread_local! {
    // syntect turns a scope into class names through a global, locked scope repository;
    // caching per thread keeps parallel page rendering from queueing on that lock.
    static CLASSES: RefCell<HashMap<(u64, Scope), Option<String>>> = RefCell::new(HashMap::new());
}

/// The generated stylesheet and what it can style. A span whose classes no selector can
/// match is left out: it would change nothing on screen, and syntect's scopes are so deep
/// that such spans were most of a highlighted page's bytes.
pub struct Styles {
    id: u64,
    pub css: String,
    /// Every compound selector (`.hl-entity.hl-name`) of the stylesheet, as class lists.
    compounds: Vec<Vec<String>>,
}

impl Styles {
    /// Both themes' rules, scoped under `[data-theme=light]` / `[data-theme=dark]` on `<html>`.
    pub fn new(light: &str, dark: &str) -> Result<Styles, String> {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let css = theme_css(light, dark)?;
        let mut compounds: Vec<Vec<String>> = Vec::new();
        for rule in css.split('}') {
            let Some((selectors, _)) = rule.split_once('{') else {
                continue;
            };
            for selector in selectors.split(',') {
                let parts: Vec<&str> = selector
                    .split_whitespace()
                    .filter(|c| c.starts_with(".hl-"))
                    .collect();
                for (i, compound) in parts.iter().enumerate() {
                    let classes: Vec<String> = compound
                        .split('.')
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect();
                    // A bare one-class ancestor (`.hl-meta .hl-meta … .hl-string`, as some
                    // themes write for deeply nested JSON) would keep every meta span on
                    // every page; such rules lose their effect instead.
                    let is_subject = i + 1 == parts.len();
                    if classes == ["hl-code"] || (!is_subject && classes.len() < 2) {
                        continue;
                    }
                    if !compounds.contains(&classes) {
                        compounds.push(classes);
                    }
                }
            }
        }
        Ok(Styles {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            css,
            compounds,
        })
    }

    /// The class attribute for a scope's span, or `None` when no rule could match it.
    fn classes(&self, scope: Scope) -> Option<String> {
        let classes: Vec<String> = scope
            .build_string()
            .split('.')
            .map(|atom| format!("hl-{atom}"))
            .collect();
        // Only the classes some matching selector uses: every rule that matched the full
        // list still matches, and the page carries a third of the bytes.
        let mut used = vec![false; classes.len()];
        for compound in self
            .compounds
            .iter()
            .filter(|c| c.iter().all(|class| classes.contains(class)))
        {
            for class in compound {
                if let Some(i) = classes.iter().position(|c| c == class) {
                    used[i] = true;
                }
            }
        }
        let kept: Vec<&str> = classes
            .iter()
            .zip(&used)
            .filter(|(_, &u)| u)
            .map(|(c, _)| c.as_str())
            .collect();
        (!kept.is_empty()).then(|| kept.join(" "))
    }
}

type Ops = Vec<(usize, ScopeStackOp)>;

/// Parsing a line is a pure function of the parser state before it and the line's text, and
/// it is where highlighting spends its time. Code repeats lines (`}`, `return result;`,
/// blank lines) across a site, so each thread remembers recent results.
struct LineCache {
    map: HashMap<u64, Vec<(String, ParseState, Ops, ParseState)>>,
    entries: usize,
}

const LINE_CACHE_MAX: usize = 100_000;

thread_local! {
    static LINES: RefCell<LineCache> = RefCell::new(LineCache { map: HashMap::new(), entries: 0 });
}

fn parse_line_cached(state: &mut ParseState, syntax: &SyntaxReference, line: &str) -> Option<Ops> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (syntax as *const SyntaxReference as usize).hash(&mut h);
    line.hash(&mut h);
    let key = h.finish();
    LINES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.map.get(&key).and_then(|v| {
            v.iter()
                .find(|(l, start, _, _)| l == line && start == state)
        }) {
            let ops = hit.2.clone();
            *state = hit.3.clone();
            return Some(ops);
        }
        let start = state.clone();
        let ops = state.parse_line(line, syntax_set()).ok()?;
        if cache.entries >= LINE_CACHE_MAX {
            cache.map.clear();
            cache.entries = 0;
        }
        cache.entries += 1;
        cache.map.entry(key).or_default().push((
            line.to_string(),
            start,
            ops.clone(),
            state.clone(),
        ));
        Some(ops)
    })
}

/// Opens the span for `scope` if it is styled; returns whether it did.
fn open_span(out: &mut String, scope: Scope, styles: &Styles) -> bool {
    CLASSES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let classes = cache
            .entry((styles.id, scope))
            .or_insert_with(|| styles.classes(scope));
        match classes {
            Some(classes) => {
                out.push_str("<span class=\"");
                out.push_str(classes);
                out.push_str("\">");
                true
            }
            None => false,
        }
    })
}

pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Renders a code block: `<pre>` with one `<span class="line">` per line, so `linenos` and
/// `hl_lines` are plain CSS. `syntax` `None` renders escaped plain text.
pub fn highlight_block(
    code: &str,
    syntax: Option<&SyntaxReference>,
    opts: &FenceOptions,
    styles: &Styles,
) -> String {
    let mut out = String::with_capacity(code.len() * 3 + 128);
    let lang_attr = if opts.lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", attr(&opts.lang))
    };
    if let Some(title) = &opts.title {
        out.push_str("<figure class=\"code-block\"><figcaption class=\"code-title\">");
        escape_into(&mut out, title);
        out.push_str("</figcaption>");
    }
    let _ = write!(
        out,
        "<pre class=\"highlight hl-code{}\"{lang_attr}><code>",
        if opts.linenos { " linenos" } else { "" }
    );
    let mut state = syntax.map(ParseState::new);
    let mut stack = ScopeStack::new();
    // Parallel to `stack`: whether each scope got a span (unstyled scopes do not).
    let mut emitted: Vec<bool> = Vec::new();
    for (i, line) in LinesWithEndings::from(code).enumerate() {
        let hl = opts.is_highlighted(i + 1);
        out.push_str(if hl {
            "<span class=\"line hl\">"
        } else {
            "<span class=\"line\">"
        });
        let text = line.strip_suffix('\n').unwrap_or(line);
        let parsed = match (state.as_mut(), syntax) {
            (Some(state), Some(syntax)) => parse_line_cached(state, syntax, line),
            _ => None,
        };
        match parsed {
            Some(ops) => {
                // Spans never cross a line: reopen what the previous line left open.
                for (&scope, _) in stack.as_slice().iter().zip(&emitted).filter(|(_, &e)| e) {
                    open_span(&mut out, scope, styles);
                }
                let mut pos = 0;
                for (idx, op) in ops {
                    let idx = idx.min(text.len());
                    if idx > pos {
                        escape_into(&mut out, &text[pos..idx]);
                        pos = idx;
                    }
                    let _ = stack.apply_with_hook(&op, |basic, _| match basic {
                        BasicScopeStackOp::Push(scope) => {
                            emitted.push(open_span(&mut out, scope, styles))
                        }
                        BasicScopeStackOp::Pop => {
                            if emitted.pop() == Some(true) {
                                out.push_str("</span>");
                            }
                        }
                    });
                }
                escape_into(&mut out, &text[pos..]);
                for _ in emitted.iter().filter(|&&e| e) {
                    out.push_str("</span>");
                }
            }
            None => escape_into(&mut out, text),
        }
        // The newline stays inside the block-level line: outside it, it would render as
        // an extra blank line; inside, copy and paste keep it.
        out.push_str("\n</span>");
    }
    out.push_str("</code></pre>");
    if opts.title.is_some() {
        out.push_str("</figure>");
    }
    out
}

/// [`escape_into`] for a fresh string (attribute values).
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

fn theme_css(light: &str, dark: &str) -> Result<String, String> {
    let mut css = String::from("/* generated by wirebook from syntect themes */\n");
    for (name, scheme) in [(light, "light"), (dark, "dark")] {
        let theme = theme_set().themes.get(name).ok_or_else(|| {
            let mut names: Vec<&str> = theme_set().themes.keys().map(String::as_str).collect();
            names.sort();
            format!(
                "unknown highlight theme {name:?}; available: {}",
                names.join(", ")
            )
        })?;
        let raw = css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|e| e.to_string())?;
        css.push_str(&scope_css(&raw, &format!("html[data-theme=\"{scheme}\"]")));
    }
    Ok(css)
}

/// Prefixes every selector of a flat stylesheet (no at-rules) with `scope`.
fn scope_css(css: &str, scope: &str) -> String {
    let mut out = String::new();
    // Drop the leading comment block.
    let body = match css.find("*/") {
        Some(i) if css.trim_start().starts_with("/*") => &css[i + 2..],
        _ => css,
    };
    for rule in body.split('}') {
        let Some((selectors, decls)) = rule.split_once('{') else {
            continue;
        };
        let selectors: Vec<String> = selectors
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("{scope} {s}"))
            .collect();
        if selectors.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} {{{}}}", selectors.join(", "), decls.trim_end());
    }
    out
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

    #[test]
    fn required_languages_are_known() {
        for lang in [
            "rust",
            "js",
            "javascript",
            "ts",
            "typescript",
            "json",
            "yaml",
            "toml",
            "python",
            "go",
            "bash",
            "sh",
            "shell",
            "html",
            "css",
            "sql",
            "dockerfile",
            "graphql",
        ] {
            assert!(find_syntax(lang).is_some(), "{lang}");
        }
        assert!(find_syntax("klingon").is_none());
    }

    #[test]
    fn spans_are_balanced_per_line() {
        let styles = Styles::new("InspiredGitHub", "OneHalfDark").unwrap();
        let html = highlight_block(
            "/* a\nb */\nlet x = \"<y>\";\n",
            find_syntax("js"),
            &FenceOptions::default(),
            &styles,
        );
        for line in html
            .split("<span class=\"line")
            .skip(1)
            .map(|l| l.split("</code>").next().unwrap())
        {
            // The chunk starts inside the line's own span: one more close than opens.
            assert_eq!(
                line.matches("<span").count() + 1,
                line.matches("</span>").count(),
                "{line}"
            );
        }
        assert!(html.contains("&lt;y&gt;"));
        assert!(html.contains("hl-comment"));
        assert!(!html.contains("style="));
    }

    #[test]
    fn theme_css_is_scoped() {
        let css = theme_css("InspiredGitHub", "OneHalfDark").unwrap();
        assert!(css.contains("html[data-theme=\"dark\"] .hl-"));
        assert!(theme_css("Nope", "OneHalfDark")
            .unwrap_err()
            .contains("available"));
    }
}
