//! A code block to HTML: syntect parses each line (with a per-thread cache of parsed
//! lines), and every scope some rule of [`Styles`] can match becomes a `<span>`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;

use syntect::parsing::{
    BasicScopeStackOp, ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference,
};
use syntect::util::LinesWithEndings;

use super::{syntax_set, FenceOptions, Styles};
use crate::html::{escape, escape_into};

/// A fast hasher for the per-thread maps below: their keys are ours (scopes, line
/// hashes), so SipHash's protection against chosen keys buys nothing here.
type Fast = foldhash::fast::FixedState;

thread_local! {
    // syntect turns a scope into class names through a global, locked scope repository;
    // caching per thread keeps parallel page rendering from queueing on that lock.
    static CLASSES: RefCell<HashMap<(u64, Scope), Option<String>, Fast>> =
        RefCell::new(HashMap::with_hasher(Fast::default()));
}

type Ops = Vec<(usize, ScopeStackOp)>;
/// A remembered line: its text, the state before it, its operations, the state after it.
type Parsed = (String, ParseState, Ops, ParseState);

/// Parsing a line is a pure function of the parser state before it and the line's text, and
/// it is where highlighting spends its time. Code repeats lines (`}`, `return result;`,
/// blank lines) across a site, so each thread remembers recent results.
///
/// Remembering costs two parser-state copies and the line's operations per line, which
/// is wasted where lines do not repeat (real code: identifiers and numbers change from
/// line to line, #15). Short lines (braces, `else {`, blank) are always kept; longer ones
/// only while at least one lookup in [`LONG_MIN_HIT_RATE`] hits, measured over windows of
/// [`WINDOW`] lookups, with one line in [`SAMPLE`] still kept while off so a site whose
/// lines do repeat turns it back on.
struct LineCache {
    map: HashMap<u64, Vec<Parsed>, Fast>,
    entries: usize,
    long_lookups: u32,
    long_hits: u32,
    keep_long: bool,
    skipped: u32,
}

const LINE_CACHE_MAX: usize = 100_000;
/// Lines up to this many bytes (indentation not counted) are always remembered.
const SHORT_LINE: usize = 12;
const WINDOW: u32 = 1024;
const LONG_MIN_HIT_RATE: u32 = 8;
const SAMPLE: u32 = 16;

thread_local! {
    static LINES: RefCell<LineCache> = RefCell::new(LineCache {
        map: HashMap::with_hasher(Fast::default()),
        entries: 0,
        long_lookups: 0,
        long_hits: 0,
        keep_long: true,
        skipped: 0,
    });
}

impl LineCache {
    /// Counts a lookup of a long line; returns whether a miss should be remembered.
    fn long_lookup(&mut self, hit: bool) -> bool {
        self.long_lookups += 1;
        self.long_hits += u32::from(hit);
        if self.long_lookups == WINDOW {
            self.keep_long = self.long_hits * LONG_MIN_HIT_RATE >= self.long_lookups;
            self.long_lookups = 0;
            self.long_hits = 0;
        }
        if self.keep_long {
            return true;
        }
        self.skipped += 1;
        self.skipped % SAMPLE == 0
    }
}

fn parse_line_cached(state: &mut ParseState, syntax: &SyntaxReference, line: &str) -> Option<Ops> {
    let seed = syntax as *const SyntaxReference as usize as u64;
    let key = xxhash_rust::xxh3::xxh3_64_with_seed(line.as_bytes(), seed);
    let short = line.trim_start().len() <= SHORT_LINE;
    LINES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.map.get(&key).and_then(|v| {
            v.iter()
                .find(|(l, start, _, _)| l == line && start == state)
        }) {
            let ops = hit.2.clone();
            *state = hit.3.clone();
            if !short {
                cache.long_lookup(true);
            }
            return Some(ops);
        }
        if !short && !cache.long_lookup(false) {
            return state.parse_line(line, syntax_set()).ok();
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
        format!(" data-lang=\"{}\"", escape(&opts.lang))
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

#[cfg(test)]
mod tests {
    use super::super::find_syntax;
    use super::*;

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
}
