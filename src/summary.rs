//! Plain text out of a post's Markdown events: the automatic summary (the first ~150
//! characters of real prose) and the whole text for the search index.
//!
//! The summary skips what does not read as a sentence in a list of posts: headings, tables,
//! code, images, and paragraphs that are only emoji or a few letters ("✅ A."). Line breaks
//! inside a paragraph become spaces ("always\nasks" is "always asks").

use pulldown_cmark::{Event, Tag, TagEnd};

/// About how long an automatic summary is, in characters.
pub const SUMMARY_CHARS: usize = 150;

/// A paragraph with fewer letters or digits than this is a label, not prose.
const MIN_PROSE_LETTERS: usize = 12;

/// Collects plain text from the events the Markdown stage passes it.
#[derive(Debug, Default)]
pub struct Collector {
    summary: String,
    block: String,
    /// Every word of the page (headings, paragraphs, lists, table cells), for search.
    pub plain: String,
    in_table: usize,
    in_image: usize,
    in_footnote: usize,
}

impl Collector {
    pub fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Item)
            | Event::End(TagEnd::Paragraph | TagEnd::Item) => self.end_block(),
            Event::Start(Tag::Table(_)) => self.in_table += 1,
            Event::End(TagEnd::Table) => self.in_table -= 1,
            Event::End(TagEnd::TableCell) => self.plain.push(' '),
            Event::Start(Tag::Image { .. }) => self.in_image += 1,
            Event::End(TagEnd::Image) => self.in_image -= 1,
            Event::Start(Tag::FootnoteDefinition(_)) => self.in_footnote += 1,
            Event::End(TagEnd::FootnoteDefinition) => self.in_footnote -= 1,
            Event::Text(t) | Event::Code(t) => self.text(t),
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            _ => {}
        }
    }

    /// A heading's text: searchable, never part of the summary.
    pub fn heading(&mut self, text: &str) {
        self.end_block();
        push_spaced(&mut self.plain, text);
        self.plain.push(' ');
    }

    fn text(&mut self, t: &str) {
        if self.in_image > 0 {
            return;
        }
        self.plain.push_str(t);
        if self.in_table == 0 && self.in_footnote == 0 {
            self.block.push_str(t);
        }
    }

    fn end_block(&mut self) {
        let block = std::mem::take(&mut self.block);
        self.plain.push(' ');
        if self.summary.chars().count() > SUMMARY_CHARS {
            return;
        }
        let letters = block.chars().filter(|c| c.is_alphanumeric()).count();
        if letters >= MIN_PROSE_LETTERS {
            push_spaced(&mut self.summary, &block);
        }
    }

    /// (automatic summary, cut to about [`SUMMARY_CHARS`]; plain text for search).
    pub fn finish(mut self) -> (String, String) {
        self.end_block();
        (cut(&self.summary, SUMMARY_CHARS), squeeze(&self.plain))
    }
}

/// Appends `text` with its whitespace collapsed, separated from what is there by a space.
fn push_spaced(out: &mut String, text: &str) {
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Every run of whitespace (line breaks included) as one space, trimmed: for descriptions,
/// feeds and meta tags, where a folded YAML string or a soft break must read as a space.
pub fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_spaced(&mut out, text);
    out
}

/// `text` cut to about `max` characters at a word boundary (or, in text without spaces such
/// as Chinese or Japanese, at a character boundary), with an ellipsis when anything was cut.
pub fn cut(text: &str, max: usize) -> String {
    let text = squeeze(text);
    if text.chars().count() <= max {
        return text;
    }
    let head: String = text.chars().take(max).collect();
    // A space in the last 40% of the cut is a word boundary worth backing up to; otherwise
    // the text has no spaces here (CJK) and any character boundary will do.
    let boundary = head
        .rfind(' ')
        .filter(|&i| head[..i].chars().count() * 5 >= max * 3);
    let kept = match boundary {
        Some(i) => &head[..i],
        None => head.as_str(),
    };
    let kept = kept.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ',' | ';' | ':' | '、' | '，' | '-' | '–' | '—' | '(' | '“'
            )
    });
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn collect(md: &str) -> (String, String) {
        let mut c = Collector::default();
        for e in Parser::new_ext(md, pulldown_cmark::Options::ENABLE_TABLES) {
            c.event(&e);
        }
        c.finish()
    }

    #[test]
    fn soft_breaks_are_spaces() {
        let (summary, _) = collect("If the client always\nasks, the server waits.\n");
        assert_eq!(summary, "If the client always asks, the server waits.");
    }

    #[test]
    fn labels_emoji_and_tables_are_skipped_and_long_prose_is_cut() {
        let md = "| 주제 | Ajax |\n|---|---|\n| 요청 방식 | 단방향 |\n\n✅ A.\n\n🚀🚀\n\n\
                  - **Ajax**는 단순한 요청/응답 중심 API 호출에 적합하고,\n\
                  - **WebSocket**은 채팅이나 실시간 게임처럼 **양방향 통신이 필요한 서비스**에 적합합니다.\n\
                  - **SSE(Server-Sent Events)**는 서버에서만 클라이언트로 **실시간 데이터 Push**가 필요한 뉴스/알림에 효과적이며,\n\
                  - **GraphQL**은 데이터 요청의 **유연성과 효율성**이 중요한 복잡한 프론트 구조에서 사용합니다.\n";
        let (summary, plain) = collect(md);
        assert!(
            summary.starts_with("Ajax는 단순한 요청/응답 중심 API 호출에 적합하고, WebSocket은"),
            "{summary}"
        );
        assert!(summary.ends_with('…'), "{summary}");
        assert!(summary.chars().count() <= SUMMARY_CHARS + 1, "{summary}");
        assert!(!summary.contains("✅"), "{summary}");
        // The table is searchable, though not in the summary.
        assert!(plain.contains("단방향"), "{plain}");
    }

    #[test]
    fn cuts_at_words_or_characters() {
        let latin = "word ".repeat(60);
        let out = cut(&latin, 150);
        assert!(out.ends_with("word…"), "{out}");
        assert!(out.chars().count() <= 151);
        let cjk = "通信技術の比較".repeat(40);
        let out = cut(&cjk, 150);
        assert_eq!(out.chars().count(), 151);
        assert_eq!(cut("short", 150), "short");
        assert_eq!(squeeze(" a\n b\t\tc "), "a b c");
    }
}
