//! CommonMark's CJK-friendly emphasis amendments (the markdown-cjk-friendly specification,
//! <https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md>) on top of
//! pulldown-cmark 0.13, which does not have them yet.
//!
//! CommonMark decides whether `**` may open or close from the characters on either side.
//! With punctuation inside and a Hangul or Han letter outside (`**SSE(Server-Sent Events)**는`)
//! the run can do neither, and readers see the asterisks. The amendment changes only the
//! flanking rules. pulldown-cmark computes them from the neighbouring characters alone, so
//! this pass, run on the Markdown before parsing, decides each `*`/`_` run by the amended
//! rules and, where pulldown-cmark would decide differently, puts a mark beside the run (a
//! Unicode noncharacter, which is neither space nor punctuation, or where punctuation is
//! needed, a rare punctuation sign) so that pulldown-cmark's unchanged rules reach the same
//! answer. [`strip`] removes the marks from
//! every event afterwards. Text without CJK characters is never touched, so Latin text
//! parses exactly as before (tested on CommonMark's emphasis examples).
//!
//! Chosen over vendoring a patched pulldown-cmark (a large fork to keep in step) and over
//! waiting for the next release; when pulldown-cmark ships its option, this file goes.

use std::borrow::Cow;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag};

/// The mark: U+FDD0, a noncharacter (never in interchanged text), general category Cn.
pub const MARK: char = '\u{FDD0}';
/// The mark where pulldown-cmark must see punctuation (a `_` after a variation selector):
/// U+2E52 TIRONIAN SIGN CAPITAL ET, used only in texts that do not contain it already.
pub const PUNCT_MARK: char = '\u{2E52}';

/// What a neighbour of a delimiter run is, as far as the amended rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Unicode whitespace, or the start or end of the line.
    Space,
    /// A punctuation character (or sequence) that is not CJK.
    Punct,
    /// CJK punctuation (`。`, `（`), or an ambiguous quote followed by U+FE01.
    CjkPunct,
    /// Any other CJK character (Hangul, kana, Han), possibly with a variation selector.
    Cjk,
    /// An ideographic variation selector (after a Han character).
    Ivs,
    Other,
}

/// Inserts marks where the amended rules and pulldown-cmark's disagree. Borrowed when
/// nothing needs a mark (always, for text without CJK).
pub fn prepare(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !(text.contains('*') || text.contains('_')) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let marks: &[Option<char>] = if text.contains(PUNCT_MARK) {
        &[None, Some(MARK)]
    } else {
        &[None, Some(MARK), Some(PUNCT_MARK)]
    };
    let mut inserts: Vec<(usize, char)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c == '\\' {
            i += 2;
            continue;
        }
        if c != '*' && c != '_' {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].1 == c {
            i += 1;
        }
        let before = |k: usize| start.checked_sub(k).map(|j| chars[j].1);
        let (p1, p0, n) = (before(1), before(2), chars.get(i).map(|x| x.1));
        // pulldown-cmark has its own rules next to table pipes; leave those runs alone.
        if p1 == Some('|') || n == Some('|') {
            continue;
        }
        let (prev, next) = (prev_class(p1, p0), next_class(n));
        if !matches!(prev, Class::Cjk | Class::CjkPunct | Class::Ivs)
            && !matches!(next, Class::Cjk | Class::CjkPunct)
        {
            continue;
        }
        let want = amended(c, prev, next);
        let fix = marks
            .iter()
            .flat_map(|&b| marks.iter().map(move |&a| (b, a)))
            .find(|&(b, a)| pulldown(c, b.or(p1), a.or(n)) == want);
        if let Some((b, a)) = fix {
            if let Some(m) = b {
                inserts.push((chars[start].0, m));
            }
            if let Some(m) = a {
                inserts.push((chars.get(i).map_or(text.len(), |x| x.0), m));
            }
        }
    }
    if inserts.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + inserts.len() * 3);
    let mut last = 0;
    for (at, mark) in inserts {
        out.push_str(&text[last..at]);
        out.push(mark);
        last = at;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// (can open, can close) by the amended rules.
fn amended(delim: char, prev: Class, next: Class) -> (bool, bool) {
    use Class::*;
    let left = next != Space && (next != Punct || prev != Other);
    let right = prev != Space && (prev != Punct || next != Other);
    if delim == '*' {
        return (left, right);
    }
    let prev_punct = matches!(prev, Punct | CjkPunct);
    let next_punct = matches!(next, Punct | CjkPunct);
    (
        left && (!right || prev_punct),
        right && (!left || next_punct),
    )
}

/// (can open, can close) as pulldown-cmark 0.13 computes them (`delim_run_can_open` and
/// `delim_run_can_close` in its firstpass.rs), from the neighbouring characters.
fn pulldown(delim: char, prev: Option<char>, next: Option<char>) -> (bool, bool) {
    let open = match (prev, next) {
        (_, None) => false,
        (_, Some(n)) if n.is_whitespace() => false,
        (None, _) => true,
        (_, Some(n)) if delim == '*' && !is_punctuation(n) => true,
        (Some(p), _) => p.is_whitespace() || is_punctuation(p),
    };
    let close = match (prev, next) {
        (None, _) => false,
        (Some(p), _) if p.is_whitespace() => false,
        (_, None) => true,
        (Some(p), _) if delim == '*' && !is_punctuation(p) => true,
        (_, Some(n)) => n.is_whitespace() || is_punctuation(n),
    };
    (open, close)
}

/// The character before a run, read as the specification's "sequences": a variation
/// selector belongs to the character before it.
fn prev_class(p1: Option<char>, p0: Option<char>) -> Class {
    match p1 {
        Some(vs @ '\u{FE00}'..='\u{FE0E}') => match p0 {
            Some(b) if is_cjk(b) => cjk_class(b),
            Some(b) if is_punctuation(b) => {
                let ambiguous = vs == '\u{FE01}'
                    && matches!(b, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}');
                if ambiguous {
                    Class::CjkPunct
                } else {
                    Class::Punct
                }
            }
            _ => Class::Other,
        },
        Some('\u{E0100}'..='\u{E01EF}') => Class::Ivs,
        other => next_class(other),
    }
}

fn next_class(c: Option<char>) -> Class {
    match c {
        None => Class::Space,
        Some(c) if c.is_whitespace() => Class::Space,
        Some(c) if is_cjk(c) => cjk_class(c),
        Some(c) if is_punctuation(c) => Class::Punct,
        Some(_) => Class::Other,
    }
}

fn cjk_class(c: char) -> Class {
    if is_punctuation(c) {
        Class::CjkPunct
    } else {
        Class::Cjk
    }
}

/// CommonMark 0.31's Unicode punctuation: general categories P and S.
fn is_punctuation(c: char) -> bool {
    use std::sync::OnceLock;
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"^[\p{P}\p{S}]$").expect("valid"));
    let mut buf = [0u8; 4];
    re.is_match(c.encode_utf8(&mut buf))
}

/// The specification's "CJK character" (East Asian Width W, F or H and not an emoji by
/// default, or Hangul), as the ranges it publishes for Unicode 17 (ranges.md).
fn is_cjk(c: char) -> bool {
    let cp = c as u32;
    CJK_RANGES
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

const CJK_RANGES: &[(u32, u32)] = &[
    (0x1100, 0x11FF),
    (0x20A9, 0x20A9),
    (0x2329, 0x232A),
    (0x2630, 0x2637),
    (0x268A, 0x268F),
    (0x2E80, 0x2E99),
    (0x2E9B, 0x2EF3),
    (0x2F00, 0x2FD5),
    (0x2FF0, 0x303E),
    (0x3041, 0x3096),
    (0x3099, 0x30FF),
    (0x3105, 0x312F),
    (0x3131, 0x318E),
    (0x3190, 0x31E5),
    (0x31EF, 0x321E),
    (0x3220, 0x3247),
    (0x3250, 0xA48C),
    (0xA490, 0xA4C6),
    (0xA960, 0xA97C),
    (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7C6),
    (0xD7CB, 0xD7FB),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE19),
    (0xFE30, 0xFE52),
    (0xFE54, 0xFE66),
    (0xFE68, 0xFE6B),
    (0xFF01, 0xFFBE),
    (0xFFC2, 0xFFC7),
    (0xFFCA, 0xFFCF),
    (0xFFD2, 0xFFD7),
    (0xFFDA, 0xFFDC),
    (0xFFE0, 0xFFE6),
    (0xFFE8, 0xFFEE),
    (0x16FE0, 0x16FE4),
    (0x16FF0, 0x16FF6),
    (0x17000, 0x18CD5),
    (0x18CFF, 0x18D1E),
    (0x18D80, 0x18DF2),
    (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB),
    (0x1AFFD, 0x1AFFE),
    (0x1B000, 0x1B122),
    (0x1B132, 0x1B132),
    (0x1B150, 0x1B152),
    (0x1B155, 0x1B155),
    (0x1B164, 0x1B167),
    (0x1B170, 0x1B2FB),
    (0x1D300, 0x1D356),
    (0x1D360, 0x1D376),
    (0x1F200, 0x1F200),
    (0x1F202, 0x1F202),
    (0x1F210, 0x1F219),
    (0x1F21B, 0x1F22E),
    (0x1F230, 0x1F231),
    (0x1F237, 0x1F237),
    (0x1F23B, 0x1F23B),
    (0x1F240, 0x1F248),
    (0x1F260, 0x1F265),
    (0x20000, 0x3FFFD),
];

/// Removes the marks [`prepare`] inserted from one event.
pub fn strip(event: Event<'_>) -> Event<'_> {
    fn s(text: CowStr<'_>) -> CowStr<'_> {
        if text.contains([MARK, PUNCT_MARK]) {
            text.replace([MARK, PUNCT_MARK], "").into()
        } else {
            text
        }
    }
    match event {
        Event::Text(t) => Event::Text(s(t)),
        Event::Code(t) => Event::Code(s(t)),
        Event::Html(t) => Event::Html(s(t)),
        Event::InlineHtml(t) => Event::InlineHtml(s(t)),
        Event::InlineMath(t) => Event::InlineMath(s(t)),
        Event::DisplayMath(t) => Event::DisplayMath(s(t)),
        Event::FootnoteReference(t) => Event::FootnoteReference(s(t)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: s(dest_url),
            title: s(title),
            id: s(id),
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: s(dest_url),
            title: s(title),
            id: s(id),
        }),
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(s(info))))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        let text = prepare(md);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new(&text).map(strip));
        out
    }

    #[test]
    fn sample_chapter_bold_before_hangul() {
        assert_eq!(
            html("**SSE(Server-Sent Events)**는 단방향"),
            "<p><strong>SSE(Server-Sent Events)</strong>는 단방향</p>\n"
        );
        assert_eq!(
            html("**<u>중요</u>**입니다"),
            "<p><strong><u>중요</u></strong>입니다</p>\n"
        );
        assert!(!html("**“양방향”**이라는").contains("**"));
    }

    #[test]
    fn latin_text_is_never_touched() {
        for md in [
            "**foo(bar)**baz",
            "a*\"foo\"*",
            "*$*alpha.",
            "__foo, __bar__, baz__",
            "한글 **bold** text",
        ] {
            assert!(matches!(prepare(md), Cow::Borrowed(_)), "{md}");
        }
    }

    #[test]
    fn every_neighbour_pair_has_a_fix() {
        use Class::*;
        let sample = |c: Class| match c {
            Space => Some(' '),
            Punct => Some('('),
            CjkPunct => Some('。'),
            Cjk => Some('한'),
            Ivs => Some('\u{E0100}'),
            Other => Some('a'),
        };
        for delim in ['*', '_'] {
            for prev in [Space, Punct, CjkPunct, Cjk, Ivs, Other] {
                for next in [Space, Punct, CjkPunct, Cjk, Other] {
                    let want = amended(delim, prev, next);
                    let marks = [None, Some(MARK), Some(PUNCT_MARK)];
                    let ok = marks.iter().any(|&b| {
                        marks.iter().any(|&a| {
                            pulldown(delim, b.or(sample(prev)), a.or(sample(next))) == want
                        })
                    });
                    assert!(ok, "{delim} between {prev:?} and {next:?}: want {want:?}");
                }
            }
        }
    }
}
