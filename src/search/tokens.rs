//! How text becomes search terms, the same way here (the index) and in `search.js` (queries):
//!
//! - Scripts written with spaces: lower-case words of letters and digits (`websocket`, `http`).
//!   A query word matches every indexed word it is a prefix of, so results come while typing.
//! - Korean, Japanese and Chinese: character bigrams of each run (`웹소켓은` → `웹소`, `소켓`,
//!   `켓은`). A query is found wherever its bigrams all are, so a word matches with a particle
//!   attached (`웹소켓` finds `웹소켓은`), inside compounds, and in text without spaces. A
//!   single character (`집`) is its own term. Candidates are checked against the text in the
//!   browser, so bigrams that occur apart do not make a false match.
//!
//! Terms live in shards: all terms that share a key (a word's first two characters, a bigram's
//! first character, one character more where the index split a popular prefix) land in one
//! bucket, so a prefix query reads one file, or the few its split prefix became.

use crate::reading::{script, Script};

/// A Hangul syllable or jamo, a kana or a Han character.
pub fn is_cjk(c: char) -> bool {
    script(c) != Script::Other
}

/// Korean particles written alone after a Latin word (`SSE는`): not worth indexing.
const LONE_PARTICLES: &[char] = &[
    '은', '는', '이', '가', '을', '를', '에', '의', '와', '과', '도', '로', '만',
];

/// Calls `f` with every term of `text`.
pub fn terms(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let mut gram = String::new();
    let mut flush_run = |run: &mut Vec<char>, f: &mut dyn FnMut(&str)| {
        match run.len() {
            0 => {}
            1 if LONE_PARTICLES.contains(&run[0]) => {}
            1 => {
                gram.clear();
                gram.push(run[0]);
                f(&gram);
            }
            _ => {
                for pair in run.windows(2) {
                    gram.clear();
                    gram.extend(pair);
                    f(&gram);
                }
            }
        }
        run.clear();
    };
    let flush_word = |word: &mut String, f: &mut dyn FnMut(&str)| {
        if word.chars().count() >= 2 || word.chars().all(|c| c.is_ascii_digit()) && !word.is_empty()
        {
            f(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut f);
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut f);
            word.extend(c.to_lowercase());
        } else {
            flush_word(&mut word, &mut f);
            flush_run(&mut run, &mut f);
        }
    }
    flush_word(&mut word, &mut f);
    flush_run(&mut run, &mut f);
}

/// The prefix that picks a term's shard: its first two characters (a bigram: its first
/// one), one character longer for each level the index split that prefix into (`split`, a
/// popular prefix such as `re` becomes `res`, `req`, …), and never longer than the term.
pub fn shard_key<'a>(term: &'a str, split: &dyn Fn(&str) -> bool) -> &'a str {
    let first = term.chars().next();
    let mut n = if first.is_some_and(is_cjk) { 1 } else { 2 };
    loop {
        let key = prefix(term, n);
        if key.len() == term.len() || !split(key) {
            return key;
        }
        n += 1;
    }
}

/// The first `n` characters of `term` (all of it when shorter).
pub fn prefix(term: &str, n: usize) -> &str {
    match term.char_indices().nth(n) {
        Some((i, _)) => &term[..i],
        None => term,
    }
}

/// FNV-1a (32-bit) over the key's Unicode scalar values, as `search.js` computes it.
pub fn bucket(key: &str, buckets: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in key.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h % buckets.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        terms(text, |t| out.push(t.to_string()));
        out
    }

    #[test]
    fn words_bigrams_and_lone_particles() {
        assert_eq!(
            all("WebSocket은 양방향 통신을, SSE는 집 HTTP/2"),
            [
                "websocket",
                "양방",
                "방향",
                "통신",
                "신을",
                "sse",
                "집",
                "http",
                "2"
            ]
        );
        assert_eq!(
            all("ウェブ通信です"),
            ["ウェ", "ェブ", "ブ通", "通信", "信で", "です"]
        );
    }

    #[test]
    fn shard_keys_and_buckets() {
        let none = |_: &str| false;
        assert_eq!(shard_key("websocket", &none), "we");
        assert_eq!(shard_key("통신", &none), "통");
        assert_eq!(shard_key("2", &none), "2");
        let split = |k: &str| ["we", "web", "통"].contains(&k);
        assert_eq!(shard_key("websocket", &split), "webs");
        assert_eq!(shard_key("web", &split), "web");
        assert_eq!(shard_key("통신", &split), "통신");
        // FNV-1a's published value for "a"; search.js computes the same (browser test).
        assert_eq!(bucket("a", u32::MAX), 0xe40c_292c);
    }
}
