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

thread_local! {
    // syntect turns a scope into class names through a global, locked scope repository;
    // caching per thread keeps parallel page rendering from queueing on that lock.
    static CLASSES: RefCell<HashMap<(u64, Scope), Option<String>>> = RefCell::new(HashMap::new());
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
