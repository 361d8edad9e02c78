//! Markdown → HTML with pulldown-cmark, plus what a technical blog needs on top: heading ids
//! (GitHub's rule, Hangul kept) with anchors, a table of contents, scrollable tables, GitHub
//! alerts, syntect-highlighted fences, demo widgets, and root-relative links under the
//! site's base path.

use std::borrow::Cow;
use std::path::Path;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

use crate::cjk_emphasis;
use crate::content::rendered::{Rendered, TocEntry};
use crate::diagnostics::Problem;
use crate::highlight::{self, FenceOptions};
use crate::html::escape;
use crate::i18n::Messages;
use crate::jekyll::kramdown;
use crate::math;
use crate::slug::{heading_id, IdSet};
use crate::summary::Collector;
use crate::widgets;

/// What the renderer needs to know about where the text comes from.
pub struct Context<'a> {
    /// The site's base path (`/repo`, or empty) prefixed to root-relative links.
    pub base_path: &'a str,
    /// Source file, for messages.
    pub source: &'a Path,
    /// File line of the body's first line.
    pub body_line: usize,
    pub styles: &'a highlight::Styles,
    /// Theme text (alert titles, anchor labels) in the page's language `lang`.
    pub messages: &'a Messages,
    pub lang: &'a str,
    /// Where the excerpt ends (`<!--more-->`); empty: no excerpt.
    pub excerpt_separator: &'a str,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_MATH
}

/// Maps byte offsets in the body to file lines.
struct Lines {
    starts: Vec<usize>,
    first: usize,
}

impl Lines {
    fn new(text: &str, first: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts, first }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.first + self.starts.partition_point(|&s| s <= offset) - 1
    }
}

/// Renders a post's body into the parts its [`Page`](crate::content::page::Page) keeps, or
/// the problems that stop the build (a bad demo setting, a bad fence option).
pub fn render(body: &str, ctx: &Context<'_>) -> Result<Rendered, Vec<Problem>> {
    let body = tidy_loose_bold_headings(body);
    // kramdown's attribute lists and `{:toc}` become HTML comments, placed after rendering.
    let body = match kramdown::prepare(&body) {
        Cow::Borrowed(_) => body,
        Cow::Owned(text) => Cow::Owned(text),
    };
    // Marks for CJK-friendly emphasis; `strip` removes them from every event below.
    let body = match cjk_emphasis::prepare(&body) {
        Cow::Borrowed(_) => body,
        Cow::Owned(marked) => Cow::Owned(marked),
    };
    // Jekyll's `excerpt_separator`: the excerpt is the text before it.
    let excerpt_end = (!ctx.excerpt_separator.is_empty())
        .then(|| body.find(ctx.excerpt_separator))
        .flatten();
    let mut excerpt = excerpt_end.map(|_| Collector::default());
    let lines = Lines::new(&body, ctx.body_line);
    let mut out = Rendered::default();
    let mut errors = Vec::new();
    let mut ids = IdSet::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut demo_count = 0;

    let mut parser = Parser::new_ext(&body, options())
        .into_offset_iter()
        .map(|(event, range)| (cjk_emphasis::strip(event), range));
    let mut text = Collector::default();
    let t = |key: &str| ctx.messages.text(ctx.lang, key, None, &[]);
    while let Some((event, range)) = parser.next() {
        text.event(&event);
        if let Some(e) = excerpt.as_mut().filter(|_| excerpt_end > Some(range.start)) {
            e.event(&event);
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let mut inner = Vec::new();
                let mut heading = String::new();
                for (e, _) in parser.by_ref() {
                    match &e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => heading.push_str(t),
                        _ => {}
                    }
                    inner.push(e);
                }
                out.word_count += count_words(&heading);
                out.counts.add(&heading);
                text.heading(&heading);
                let id = ids.unique(id.map_or_else(|| heading_id(&heading), |i| i.to_string()));
                // A heading with no text (only an image, say) would be a nameless link.
                if matches!(level, HeadingLevel::H2 | HeadingLevel::H3)
                    && !heading.trim().is_empty()
                {
                    out.toc.push(TocEntry {
                        level: level as u8,
                        id: id.clone(),
                        title: heading.trim().to_string(),
                    });
                }
                let mut html = format!("<{level} id=\"{}\"", escape(&id));
                if !classes.is_empty() {
                    html.push_str(&format!(" class=\"{}\"", escape(&classes.join(" "))));
                }
                for (k, v) in attrs {
                    html.push_str(&format!(
                        " {}=\"{}\"",
                        escape(&k),
                        escape(v.as_deref().unwrap_or(""))
                    ));
                }
                html.push('>');
                pulldown_cmark::html::push_html(&mut html, inner.into_iter());
                html.push_str(&format!(
                    "<a class=\"anchor\" href=\"#{}\" aria-label=\"{}\">#</a></{level}>\n",
                    escape(&crate::slug::encode_path(&id)),
                    escape(&t("Link to this section"))
                ));
                events.push(Event::Html(html.into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let mut code = String::new();
                for (e, _) in parser.by_ref() {
                    match e {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                let line = lines.line_of(range.start);
                let info = match &kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                match code_block(&info, &code, &mut demo_count, ctx.styles) {
                    Ok(block) => {
                        out.has_widgets |= block.widget;
                        if let Some(w) = block.warning {
                            out.warnings.push(Problem::at(ctx.source, line, w));
                        }
                        events.push(Event::Html(block.html.into()));
                    }
                    Err(e) => errors.push(Problem::at(ctx.source, line, e.to_string())),
                }
            }
            Event::Start(Tag::Table(_)) => {
                events.push(Event::Html(
                    format!(
                        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
                        escape(&t("Table (scrolls sideways)"))
                    )
                    .into(),
                ));
                events.push(event);
            }
            Event::End(TagEnd::Table) => {
                events.push(event);
                events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = alert(kind);
                events.push(Event::Html(
                    format!(
                        "<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{}</p>\n",
                        escape(&t(label))
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => events.push(Event::Html("</div>\n".into())),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = local_link(dest_url, ctx, &lines, range.start, &mut out.links);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = local_link(dest_url, ctx, &lines, range.start, &mut out.images);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                out.word_count += count_words(t);
                out.counts.add(t);
                events.push(event);
            }
            Event::InlineMath(ref tex) | Event::DisplayMath(ref tex) => {
                let display = matches!(event, Event::DisplayMath(_));
                match math::to_mathml(tex, display) {
                    Ok(html) => events.push(Event::Html(html.into())),
                    Err(e) => {
                        let line = lines.line_of(range.start);
                        out.warnings.push(Problem::at(
                            ctx.source,
                            line,
                            format!("formula `{tex}` cannot be read ({e}): shown as code"),
                        ));
                        events.push(Event::Code(tex.clone()));
                    }
                }
            }
            other => events.push(other),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let plain;
    (out.summary, plain) = text.finish();
    out.search = crate::search::post_text(plain);
    out.excerpt = excerpt.map(|e| e.finish().1).filter(|e| !e.is_empty());
    out.html.reserve(body.len() * 2);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out.html = kramdown::apply(&out.html, &out.toc);
    Ok(out)
}

struct Block {
    html: String,
    widget: bool,
    warning: Option<String>,
}

fn code_block(
    info: &str,
    code: &str,
    demo_count: &mut usize,
    styles: &highlight::Styles,
) -> Result<Block, MarkdownError> {
    let opts = FenceOptions::parse(info)?;
    let lang = opts.lang.to_ascii_lowercase();
    if lang == "demo" {
        *demo_count += 1;
        let kind = opts.flags.first().map(String::as_str).unwrap_or("");
        let html = widgets::render_demo(kind, code, *demo_count)?;
        return Ok(Block {
            html,
            widget: true,
            warning: None,
        });
    }
    let run = opts.flags.iter().any(|f| f == "run");
    if run && !matches!(lang.as_str(), "js" | "javascript") {
        return Err(MarkdownError::RunNotJavaScript(opts.lang));
    }
    let syntax = highlight::find_syntax(&lang);
    let warning = (syntax.is_none() && !highlight::is_plain(&lang))
        .then(|| format!("unknown code language `{}`: shown as plain text", opts.lang));
    let highlighted = highlight::highlight_block(code, syntax, &opts, styles);
    if run {
        *demo_count += 1;
        return Ok(Block {
            html: widgets::render_run(code, &highlighted, *demo_count),
            widget: true,
            warning,
        });
    }
    Ok(Block {
        html: highlighted,
        widget: false,
        warning,
    })
}

/// Root-relative links (`/2025/06/10/x/`) get the base path; others are left alone.
fn local_link<'a>(
    dest: CowStr<'a>,
    ctx: &Context<'_>,
    lines: &Lines,
    offset: usize,
    links: &mut Vec<(usize, String)>,
) -> CowStr<'a> {
    if dest.starts_with('/') && !dest.starts_with("//") {
        // Jekyll posts write the base path themselves (`{{ site.baseurl }}/x/`,
        // `{% post_url %}`); such a link is not prefixed twice.
        let base = ctx.base_path;
        if let Some(rest) = dest
            .strip_prefix(base)
            .filter(|r| !base.is_empty() && r.starts_with('/'))
        {
            links.push((lines.line_of(offset), rest.to_string()));
            return dest;
        }
        links.push((lines.line_of(offset), dest.to_string()));
        if !base.is_empty() {
            return format!("{base}{dest}").into();
        }
    }
    dest
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Words for reading time: whitespace-separated tokens (a Korean eojeol counts as one word).
fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// `# ** 📌 Title **` is bold to kramdown (Jekyll) but literal asterisks to CommonMark,
/// because of the spaces inside. Authors coming from Jekyll write it; render what they meant.
fn tidy_loose_bold_headings(text: &str) -> Cow<'_, str> {
    if !text.contains("# **") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            out.push_str(line);
            continue;
        }
        let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
        let content = trimmed[hashes..].trim();
        if (1..=6).contains(&hashes)
            && content.len() > 4
            && content.starts_with("**")
            && content.ends_with("**")
            && !content[2..content.len() - 2].contains("**")
        {
            let inner = content[2..content.len() - 2].trim();
            out.push_str(&trimmed[..hashes]);
            out.push_str(" **");
            out.push_str(inner);
            out.push_str("**");
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

/// What is wrong with one block of a post's Markdown: a code fence's options, a demo's
/// kind or settings, a formula. The Markdown layer's one error type; the caller makes it a
/// [`Problem`] at the block's line (an error for fences and demos, a warning for formulas).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkdownError {
    #[error("a `demo` block needs a kind: ```demo ajax (known: {})", widgets::KINDS.join(", "))]
    NoDemoKind,
    #[error("unknown demo kind `{0}` (known: {known})", known = widgets::KINDS.join(", "))]
    UnknownDemoKind(String),
    /// Settings that do not parse or fit the demo (serde_norway's words, or ours).
    #[error("invalid demo settings: {0}")]
    DemoSettings(String),
    /// Settings that cannot be turned into the widget's JSON.
    #[error("{0}")]
    DemoJson(String),
    #[error("only JavaScript snippets can be `run` (got ```{0} run)")]
    RunNotJavaScript(String),
    #[error("unclosed quote after `{0}=`")]
    UnclosedQuote(String),
    #[error("unknown code-block option `{0}` (known: title, linenos, hl_lines)")]
    UnknownFenceOption(String),
    #[error("hl_lines: {0:?} is not a line number or range such as 4-6")]
    LineRange(String),
    /// pulldown-latex's first complaint about a formula.
    #[error("{0}")]
    Formula(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles() -> &'static highlight::Styles {
        static S: std::sync::OnceLock<highlight::Styles> = std::sync::OnceLock::new();
        S.get_or_init(|| highlight::Styles::new("InspiredGitHub", "OneHalfDark").unwrap())
    }

    fn messages() -> &'static Messages {
        static M: std::sync::OnceLock<Messages> = std::sync::OnceLock::new();
        M.get_or_init(|| Messages::new("en", &toml::Table::new()).unwrap())
    }

    fn md(text: &str) -> Rendered {
        render(
            text,
            &Context {
                base_path: "/repo",
                source: Path::new("posts/x.md"),
                body_line: 10,
                styles: styles(),
                messages: messages(),
                lang: "en",
                excerpt_separator: "<!--more-->",
            },
        )
        .unwrap()
    }

    #[test]
    fn loose_bold_heading_becomes_bold() {
        let o = md("# ** 📌 통신 기술 비교 (Ajax / SSE)**\n");
        assert!(
            o.html
                .contains("<strong>📌 통신 기술 비교 (Ajax / SSE)</strong>"),
            "{}",
            o.html
        );
        assert!(!o.html.contains("**"));
        assert!(
            o.html.contains("id=\"-통신-기술-비교-ajax--sse\""),
            "{}",
            o.html
        );
    }

    #[test]
    fn math_becomes_mathml_and_a_bad_formula_is_code_with_a_warning() {
        let o = md("Energy $E = mc^2$.\n\n$$\n\\sum_{i=1}^{n} i\n$$\n\nBad $\\frac{1}$ here.\n");
        assert_eq!(o.html.matches("<math").count(), 2, "{}", o.html);
        assert!(o.html.contains("<code>\\frac{1}</code>"), "{}", o.html);
        assert_eq!(o.warnings.len(), 1);
        assert_eq!(o.warnings[0].line, Some(16));
    }

    #[test]
    fn excerpt_ends_at_the_separator() {
        let o = md("First **part**.\n\n<!--more-->\n\nSecond.\n");
        assert_eq!(o.excerpt.as_deref(), Some("First part."));
        assert!(md("No separator.\n").excerpt.is_none());
    }

    #[test]
    fn links_with_the_base_path_already_are_not_prefixed_twice() {
        let o = md("[a](/repo/x/) [b](/repository/)\n");
        assert!(o.html.contains("href=\"/repo/x/\""), "{}", o.html);
        assert!(o.html.contains("href=\"/repo/repository/\""), "{}", o.html);
        assert_eq!(o.links[0].1, "/x/");
    }

    #[test]
    fn headings_toc_and_duplicates() {
        let o = md("## 개요\n\n## 개요\n\n### Q. Why?\n");
        let ids: Vec<_> = o.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["개요", "개요-1", "q-why"]);
    }

    #[test]
    fn links_get_base_path() {
        let o = md("see [x](/2025/06/10/a/) and [y](https://e.org/) ![i](/img/a.png)\n");
        assert!(o.html.contains("href=\"/repo/2025/06/10/a/\""));
        assert!(o.html.contains("href=\"https://e.org/\""));
        assert!(o.html.contains("src=\"/repo/img/a.png\""));
        assert_eq!(o.links, [(10, "/2025/06/10/a/".to_string())]);
    }

    #[test]
    fn tables_scroll_and_alerts_have_titles() {
        let o = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n> [!NOTE]\n> hi\n");
        assert!(o.html.contains("<div class=\"table-wrap\""));
        assert!(o.html.contains("class=\"alert alert-note\""));
    }

    #[test]
    fn unknown_language_warns_with_line() {
        let o = md("text\n\n```klingon\nx\n```\n");
        assert_eq!(o.warnings.len(), 1);
        assert_eq!(o.warnings[0].line, Some(12));
        assert!(o.html.contains("<span class=\"line\">x\n</span>"));
    }

    #[test]
    fn bad_demo_is_an_error_with_line() {
        let errs = render(
            "a\n\n```demo chat\n```\n",
            &Context {
                base_path: "",
                source: Path::new("p.md"),
                body_line: 5,
                styles: styles(),
                messages: messages(),
                lang: "en",
                excerpt_separator: "<!--more-->",
            },
        )
        .unwrap_err();
        assert_eq!(errs[0].line, Some(7));
        assert!(errs[0].message.contains("unknown demo kind"));
    }
}
