//! Reading time: words for scripts written with spaces, characters for Chinese, Japanese and
//! Korean (where a whitespace "word" is a whole phrase, or a whole sentence).
//!
//! Reading speeds (silent reading of non-fiction by adults):
//! - Words: `words_per_minute` in `wirebook.toml` (default 220; Brysbaert 2019, "How many
//!   words do we read per minute?", J. Memory and Language 109, finds 238 for English
//!   non-fiction; 220 leaves room for code and tables).
//! - Chinese: 255 characters a minute, Japanese: 357 (Trauzettel-Klosinski & Dietz 2012,
//!   "Standardized assessment of reading performance: the New International Reading Speed
//!   Texts IReST", IOVS 53(9):5452, table 2).
//! - Korean: 500 Hangul syllables a minute (issue #16; IReST has no Korean text).

/// Characters a minute for Hangul.
pub const HANGUL_PER_MINUTE: usize = 500;
/// Characters a minute for Japanese (kana and the kanji among them).
pub const JAPANESE_PER_MINUTE: usize = 357;
/// Characters a minute for Chinese (Han characters outside Japanese text).
pub const CHINESE_PER_MINUTE: usize = 255;

/// What a page's text contains, counted once at render time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// Runs of letters or digits outside CJK scripts (`WebSocket`, `HTTP/2` is two).
    pub words: usize,
    pub hangul: usize,
    pub kana: usize,
    pub han: usize,
}

impl Counts {
    pub fn add(&mut self, text: &str) {
        let mut in_word = false;
        for c in text.chars() {
            let cjk = match script(c) {
                Script::Hangul => {
                    self.hangul += 1;
                    true
                }
                Script::Kana => {
                    self.kana += 1;
                    true
                }
                Script::Han => {
                    self.han += 1;
                    true
                }
                Script::Other => false,
            };
            let letter = !cjk && c.is_alphanumeric();
            if letter && !in_word {
                self.words += 1;
            }
            in_word = letter;
        }
    }

    /// Minutes to read, at least 1. Han characters read at the Japanese rate on a Japanese
    /// page (or one with any kana), at the Chinese rate otherwise.
    pub fn minutes(&self, lang: &str, words_per_minute: usize) -> usize {
        let japanese = lang.starts_with("ja") || self.kana > 0;
        let han_rate = if japanese {
            JAPANESE_PER_MINUTE
        } else {
            CHINESE_PER_MINUTE
        };
        let minutes = self.words as f64 / words_per_minute.max(1) as f64
            + self.hangul as f64 / HANGUL_PER_MINUTE as f64
            + self.kana as f64 / JAPANESE_PER_MINUTE as f64
            + self.han as f64 / han_rate as f64;
        (minutes.ceil() as usize).max(1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Hangul,
    Kana,
    Han,
    Other,
}

/// The CJK script a character belongs to (by Unicode block), or `Other`.
pub fn script(c: char) -> Script {
    match c as u32 {
        0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F => Script::Hangul,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D => Script::Kana,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => Script::Han,
        _ => Script::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(text: &str, lang: &str) -> usize {
        let mut c = Counts::default();
        c.add(text);
        c.minutes(lang, 220)
    }

    #[test]
    fn words_for_latin_characters_for_cjk() {
        let mut c = Counts::default();
        c.add("WebSocket은 양방향 통신, HTTP/2 です 日本語");
        assert_eq!(
            c,
            Counts {
                words: 3,
                hangul: 6,
                kana: 2,
                han: 3
            }
        );
        // 1,000 English words: 5 minutes at 220 wpm.
        assert_eq!(minutes(&"word ".repeat(1000), "en"), 5);
        // 1,000 Hangul syllables: 2 minutes, though only ~300 "words" by spaces.
        assert_eq!(minutes(&"통신을 하는 ".repeat(200), "ko"), 2);
        // Chinese without spaces: 2,550 characters are 10 minutes, not one "word".
        assert_eq!(minutes(&"通信技术".repeat(637), "zh"), 10);
        // The same characters on a Japanese page read faster.
        assert_eq!(minutes(&"通信技術".repeat(637), "ja"), 8);
        assert_eq!(minutes("", "en"), 1);
    }
}
