//! kramdown syntax Jekyll posts use that CommonMark does not have: inline attribute lists
//! (`{: .class #id key="value"}`) after a block or right after an image or link, and the
//! `* TOC` + `{:toc}` table of contents.
//!
//! [`prepare`] turns them into HTML comments before Markdown is parsed (one line stays one
//! line, so line numbers hold); [`apply`] moves the attributes onto the element the comment
//! follows and puts the table of contents in place, after rendering.

use std::borrow::Cow;

use crate::content::rendered::TocEntry;
use crate::html::escape;

const IAL: &str = "<!--wirebook-ial ";
const IAL_NEXT: &str = "<!--wirebook-ial-next ";
const TOC: &str = "<!--wirebook-toc-->";

/// Rewrites block IAL lines, span IALs after `)` and `{:toc}`; code fences are left alone.
pub fn prepare(text: &str) -> Cow<'_, str> {
    if !text.contains("{:") {
        return Cow::Borrowed(text);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut fence: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        let (content, eol) = match line.strip_suffix('\n') {
            Some(c) => (c.strip_suffix('\r').unwrap_or(c), &line[c.len()..]),
            None => (line, ""),
        };
        let trimmed = content.trim();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            lines.push(line.to_string());
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            lines.push(line.to_string());
            continue;
        }
        if let Some(attrs) = block_ial(trimmed) {
            if attrs.trim() == "toc" {
                // `* TOC` (any list item) above is the placeholder kramdown replaces.
                if let Some(prev) = lines.last_mut() {
                    let p = prev.trim_start();
                    if p.starts_with(['*', '-', '+']) || p.starts_with(|c: char| c.is_ascii_digit())
                    {
                        *prev = "\n".into();
                    }
                }
                lines.push(format!("{TOC}{eol}"));
                continue;
            }
            let after_blank = lines.last().is_none_or(|l| l.trim().is_empty());
            let open = if after_blank { IAL_NEXT } else { IAL };
            lines.push(format!("{open}{}-->{eol}", attrs.replace("--", "- -")));
            continue;
        }
        lines.push(format!("{}{eol}", span_ials(content)));
    }
    Cow::Owned(lines.concat())
}

/// `{: attrs}` or `{:.class}` alone on a line (not `{::extension}`).
fn block_ial(line: &str) -> Option<&str> {
    let inner = line.strip_prefix("{:")?.strip_suffix('}')?;
    (!inner.starts_with(':') && !inner.contains('}')).then_some(inner)
}

/// `![a](b){: width="40%"}` / `[a](b){:target="_blank"}` → an inline comment after the link.
fn span_ials(line: &str) -> Cow<'_, str> {
    if !line.contains("){:") {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 16);
    let mut rest = line;
    while let Some(i) = rest.find("){:") {
        let after = &rest[i + 3..];
        match after.find('}') {
            Some(end) if !after[..end].starts_with(':') => {
                out.push_str(&rest[..=i]);
                out.push_str(IAL);
                out.push_str(&after[..end].replace("--", "- -"));
                out.push_str("-->");
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(&rest[..i + 3]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Puts each attribute list on its element and the table of contents where `{:toc}` was.
pub fn apply(html: &str, toc: &[TocEntry]) -> String {
    if !html.contains("<!--wirebook-") {
        return html.to_string();
    }
    let mut html = html.replace(TOC, &toc_html(toc));
    while let Some(at) = html.find("<!--wirebook-ial") {
        let next = html[at..].starts_with(IAL_NEXT);
        let start = at + if next { IAL_NEXT.len() } else { IAL.len() };
        let Some(len) = html[start..].find("-->") else {
            break;
        };
        let attrs = parse_attrs(&html[start..start + len]);
        let end = start + len + 3;
        let mut head = html[..at].to_string();
        // A block comment leaves its line break behind; drop it with the comment.
        let skip =
            usize::from((head.is_empty() || head.ends_with('\n')) && html[end..].starts_with('\n'));
        let mut rest = html[end + skip..].to_string();
        if next {
            if let Some(tag_at) = rest.find('<').filter(|&i| !rest[i..].starts_with("</")) {
                rest = add_attrs(&rest, tag_at, &attrs);
            }
        } else if let Some(tag_at) = preceding_element(&head) {
            head = add_attrs(&head, tag_at, &attrs);
        }
        html = head + &rest;
    }
    html
}

/// The start of the opening tag of the element that ends at the end of `html`
/// (whitespace aside): `<img …/>`, or the `<p>` of `…</p>`.
fn preceding_element(html: &str) -> Option<usize> {
    let trimmed = html.trim_end();
    if trimmed.ends_with("/>") || trimmed.ends_with('>') && !trimmed.ends_with("->") {
        let open = trimmed.rfind('<')?;
        let tag = &trimmed[open..];
        let Some(name) = tag.strip_prefix("</") else {
            return Some(open);
        };
        let name = name.trim_end_matches('>').trim();
        // Walk back to the matching opening tag, counting nested ones of the same name.
        let (open_pat, close_pat) = (format!("<{name}"), format!("</{name}>"));
        let mut depth = 0usize;
        let mut pos = open;
        while let Some(i) = trimmed[..pos].rfind('<') {
            let t = &trimmed[i..];
            if t.starts_with(&close_pat) {
                depth += 1;
            } else if t.starts_with(&open_pat) && t[open_pat.len()..].starts_with([' ', '>', '/']) {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            pos = i;
        }
    }
    None
}

/// Adds `attrs` to the opening tag starting at `at`; `class` is merged, others replaced.
fn add_attrs(html: &str, at: usize, attrs: &[(String, String)]) -> String {
    let Some(tag_len) = html[at..].find('>') else {
        return html.to_string();
    };
    let mut tag = html[at..at + tag_len].to_string();
    let self_closing = tag.ends_with('/');
    if self_closing {
        tag.pop();
        tag = tag.trim_end().to_string();
    }
    for (key, value) in attrs {
        let pat = format!(" {key}=\"");
        if let Some(i) = tag.find(&pat) {
            let vstart = i + pat.len();
            let vend = vstart + tag[vstart..].find('"').unwrap_or(0);
            let new = if key == "class" {
                format!("{} {}", &tag[vstart..vend], escape(value))
            } else {
                escape(value).to_string()
            };
            tag.replace_range(vstart..vend, &new);
        } else {
            tag.push_str(&format!(" {key}=\"{}\"", escape(value)));
        }
    }
    if self_closing {
        tag.push_str(" /");
    }
    format!("{}{}{}", &html[..at], tag, &html[at + tag_len..])
}

/// `.a .b #id key="v" k='v' k=v` → attribute pairs (classes joined).
fn parse_attrs(text: &str) -> Vec<(String, String)> {
    let text = text.replace("- -", "--");
    let mut out: Vec<(String, String)> = Vec::new();
    let mut classes: Vec<String> = Vec::new();
    let mut chars = text.trim().chars().peekable();
    while chars.peek().is_some() {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut token = String::new();
        let mut quote: Option<char> = None;
        while let Some(&c) = chars.peek() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => token.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() => break,
                None => token.push(c),
            }
            chars.next();
        }
        if let Some(class) = token.strip_prefix('.') {
            classes.push(class.to_string());
        } else if let Some(id) = token.strip_prefix('#') {
            out.push(("id".into(), id.to_string()));
        } else if let Some((k, v)) = token.split_once('=') {
            let ok = !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if ok && !k.to_ascii_lowercase().starts_with("on") {
                out.push((k.to_string(), v.to_string()));
            }
        }
    }
    if !classes.is_empty() {
        out.push(("class".into(), classes.join(" ")));
    }
    out
}

fn toc_html(toc: &[TocEntry]) -> String {
    let mut html = String::from("<nav class=\"toc toc-inline\"><ul>");
    let mut level = toc.first().map_or(2, |e| e.level);
    let mut open = 0;
    for (i, e) in toc.iter().enumerate() {
        if i > 0 {
            if e.level > level {
                html.push_str("<ul>");
                open += 1;
            } else {
                html.push_str("</li>");
                if e.level < level && open > 0 {
                    html.push_str("</ul></li>");
                    open -= 1;
                }
            }
        }
        level = e.level;
        html.push_str(&format!(
            "<li><a href=\"#{}\">{}</a>",
            escape(&crate::slug::encode_path(&e.id)),
            escape(&e.title)
        ));
    }
    if !toc.is_empty() {
        html.push_str("</li>");
    }
    for _ in 0..open {
        html.push_str("</ul></li>");
    }
    html.push_str("</ul></nav>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> String {
        let prepared = prepare(text);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&prepared));
        let toc = [
            TocEntry {
                level: 2,
                id: "a".into(),
                title: "A".into(),
            },
            TocEntry {
                level: 3,
                id: "b".into(),
                title: "B".into(),
            },
        ];
        apply(&html, &toc)
    }

    #[test]
    fn block_ials_land_on_the_block() {
        assert_eq!(
            md("Important.\n{: .notice--info #imp}\n"),
            "<p id=\"imp\" class=\"notice--info\">Important.</p>\n"
        );
        assert_eq!(
            md("{: .lead}\nNext.\n"),
            "\n<p class=\"lead\">Next.</p>\n".trim_start()
        );
        assert_eq!(
            md("- a\n- b\n{: .list}\n"),
            "<ul class=\"list\">\n<li>a</li>\n<li>b</li>\n</ul>\n"
        );
    }

    #[test]
    fn span_ials_on_images_and_links() {
        assert_eq!(
            md("![d](/a.png){: width=\"40%\" .center} and [x](/y){:target=\"_blank\"}\n"),
            "<p><img src=\"/a.png\" alt=\"d\" width=\"40%\" class=\"center\" /> and <a href=\"/y\" target=\"_blank\">x</a></p>\n"
        );
        assert!(md("[x](/y){: onclick=\"evil()\"}\n").contains("<a href=\"/y\">x</a>"));
    }

    #[test]
    fn toc_and_fences() {
        let html = md("* TOC\n{:toc}\n\n```\n{: .kept}\n```\n");
        assert!(html.starts_with("<nav class=\"toc toc-inline\"><ul><li><a href=\"#a\">A</a><ul><li><a href=\"#b\">B</a></li></ul></li></ul></nav>"), "{html}");
        assert!(html.contains("{: .kept}"), "{html}");
        assert!(!html.contains("TOC"), "{html}");
    }
}
