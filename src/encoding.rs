//! Turning a source file's bytes into text we are willing to publish.
//!
//! Three checks, in order: valid UTF-8 (errors give the byte offset), a BOM and CRLF line
//! endings are normalised away, and *mojibake* — UTF-8 that was once decoded as Windows-1252
//! or Latin-1 and saved again (`í†µì‹ ` for `통신`) — is detected and refused, because a
//! generator that publishes it silently ships an unreadable page.

use std::borrow::Cow;

/// Why a file's bytes are not publishable text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("not valid UTF-8 (first bad byte at offset {offset}); save the file as UTF-8")]
    InvalidUtf8 { offset: usize, line: usize },
    #[error(
        "looks like UTF-8 read as Windows-1252 (mojibake): {:?} probably meant {:?}; \
         {} line(s) affected. Re-save the file from its original UTF-8 source \
         (`wirebook check --fix-encoding` repairs it when no bytes were lost)",
        .0.found, .0.meant, .0.lines_affected
    )]
    Mojibake(Mojibake),
    /// A character XML 1.0 forbids (NUL, most C0 controls, U+FFFE/U+FFFF): it would make
    /// `atom.xml` and `sitemap.xml` invalid, and no reader can see it anyway.
    #[error(
        "control character U+{:04X} is not allowed (XML forbids it, so the feed would \
         be invalid); delete it",
        u32::from(*ch)
    )]
    Forbidden {
        line: usize,
        column: usize,
        ch: char,
    },
}

/// Where mojibake starts and what it probably said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mojibake {
    pub line: usize,
    pub column: usize,
    /// The garbled text as it stands in the file (one word).
    pub found: String,
    /// The same word decoded as it was meant to be.
    pub meant: String,
    /// Lines with mojibake in the whole file.
    pub lines_affected: usize,
}

impl TextError {
    /// The line (from 1) and, where known, the column of the problem.
    pub fn location(&self) -> (usize, Option<usize>) {
        match self {
            TextError::InvalidUtf8 { line, .. } => (*line, None),
            TextError::Mojibake(m) => (m.line, Some(m.column)),
            TextError::Forbidden { line, column, .. } => (*line, Some(*column)),
        }
    }
}

/// Bytes → normalised text (no BOM, `\n` line endings), or why not.
pub fn decode_source(bytes: &[u8]) -> Result<Cow<'_, str>, TextError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        TextError::InvalidUtf8 { offset, line }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(e) = find_forbidden(text) {
        return Err(e);
    }
    if let Some(m) = find_mojibake(text) {
        return Err(TextError::Mojibake(m));
    }
    if text.contains('\r') {
        Ok(Cow::Owned(text.replace("\r\n", "\n")))
    } else {
        Ok(Cow::Borrowed(text))
    }
}

/// The first character XML 1.0 does not allow (its `Char` production), with its line and
/// column (in characters, from 1).
pub fn find_forbidden(text: &str) -> Option<TextError> {
    let forbidden = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    let at = text.find(forbidden)?;
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some(TextError::Forbidden {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        ch: text[at..].chars().next().expect("found a char"),
    })
}

/// The Windows-1252 byte a character came from, if it could have come from one.
/// C1 controls (U+0080–U+009F) count too: that is what a Latin-1 decoder, or a lenient
/// Windows-1252 one, makes of the bytes Windows-1252 leaves undefined.
fn cp1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if u < 0x80 || (0x80..=0xFF).contains(&u) {
        return Some(u as u8);
    }
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8A),
        ('‹', 0x8B),
        ('Œ', 0x8C),
        ('Ž', 0x8E),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9A),
        ('›', 0x9B),
        ('œ', 0x9C),
        ('ž', 0x9E),
        ('Ÿ', 0x9F),
    ];
    HIGH.iter().find(|(ch, _)| *ch == c).map(|&(_, b)| b)
}

/// If the characters starting at `chars[0]` re-encode to one valid multi-byte UTF-8
/// sequence, returns that sequence's decoded char and its length in characters.
fn utf8_sequence_at(chars: &[char]) -> Option<(char, usize)> {
    let lead = cp1252_byte(*chars.first()?)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    if chars.len() < len {
        return None;
    }
    let mut bytes = [0u8; 4];
    for (i, &c) in chars[..len].iter().enumerate() {
        bytes[i] = cp1252_byte(c)?;
    }
    let decoded = std::str::from_utf8(&bytes[..len]).ok()?;
    decoded.chars().next().map(|c| (c, len))
}

/// Finds the first line with mojibake. Ordinary accented Latin text (é, ü, ñ, ·, “ ”) does
/// not match: a lone accented letter is not followed by the continuation characters a UTF-8
/// lead byte needs.
pub fn find_mojibake(text: &str) -> Option<Mojibake> {
    let mut first: Option<Mojibake> = None;
    let mut lines_affected = 0;
    for (n, line) in text.lines().enumerate() {
        // Fast path: pure ASCII or text with no Latin-1/1252 characters cannot be mojibake.
        if line.is_ascii() {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let hit = (0..chars.len()).find_map(|i| utf8_sequence_at(&chars[i..]).map(|_| i));
        let Some(i) = hit else { continue };
        lines_affected += 1;
        if first.is_none() {
            let start = chars[..i]
                .iter()
                .rposition(|c| c.is_ascii_whitespace())
                .map_or(0, |p| p + 1);
            let end = chars[i..]
                .iter()
                .position(|c| c.is_ascii_whitespace())
                .map_or(chars.len(), |p| i + p);
            let found: String = chars[start..end].iter().collect();
            first = Some(Mojibake {
                line: n + 1,
                column: i + 1,
                meant: repair_lossy(&found),
                found,
                lines_affected: 0,
            });
        }
    }
    first.map(|m| Mojibake {
        lines_affected,
        ..m
    })
}

/// Decodes every valid sequence in `s`, keeping what cannot be decoded as it is.
fn repair_lossy(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match utf8_sequence_at(&chars[i..]) {
            Some((c, len)) => {
                out.push(c);
                i += len;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Undoes the damage when that loses nothing: every character maps back to one byte and the
/// bytes are valid UTF-8. Files where the wrong decoder dropped bytes cannot be repaired.
pub fn repair(text: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = text.chars().map(cp1252_byte).collect();
    let fixed = String::from_utf8(bytes?).ok()?;
    (fixed != text && find_mojibake(&fixed).is_none()).then_some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn garble(s: &str) -> String {
        // Encode UTF-8, decode each byte as Windows-1252 (what a wrong editor does).
        s.bytes()
            .map(|b| {
                let c = b as char;
                if (0x80..0xA0).contains(&b) {
                    [
                        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ',
                        '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜',
                        '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
                    ][(b - 0x80) as usize]
                } else {
                    c
                }
            })
            .collect()
    }

    #[test]
    fn accented_latin_text_is_not_mojibake() {
        for s in [
            "Café, naïve, Über, señor, déjà vu · “quoted” — ok",
            "Ångström résumé façade Æsir œuvre ½ × ÷ © ® ™ …",
            "통신 기술 비교 총정리 📌 ✅",
        ] {
            assert_eq!(find_mojibake(s), None, "{s}");
        }
    }

    #[test]
    fn garbled_korean_is_found_and_explained() {
        let text = format!("title: ok\n{}\n", garble("통신 기술 비교"));
        let m = find_mojibake(&text).expect("mojibake");
        assert_eq!(m.line, 2);
        assert_eq!(m.meant, "통신");
        assert!(decode_source(text.as_bytes()).is_err());
    }

    #[test]
    fn lossless_repair_round_trips() {
        let original = "Ajax — 통신 “비교” café";
        assert_eq!(repair(&garble(original)).as_deref(), Some(original));
        assert_eq!(repair(original), None);
    }

    #[test]
    fn invalid_utf8_reports_offset_and_line() {
        let err = decode_source(b"ab\ncd\xffe").unwrap_err();
        assert_eq!(err, TextError::InvalidUtf8 { offset: 5, line: 2 });
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        assert_eq!(decode_source(b"\xEF\xBB\xBFa\r\nb\r\n").unwrap(), "a\nb\n");
    }
}
