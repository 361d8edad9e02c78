//! The one HTML escaper: text and attribute values written by Rust (highlighted code, widget
//! fences, kramdown attributes, redirect pages) and every value Tera autoescapes.
//!
//! It escapes the five characters that matter in text and in double- or single-quoted
//! attributes, and nothing else: Tera's default also escapes `/`, which turns every URL in an
//! attribute into `&#x2F;` soup. (The browser side has its own single copy,
//! `templates/static/common.js.d/10-escape.js`, which every script bundle starts with.)

/// Appends `text` to `out`, escaped.
pub fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// [`escape_into`] for a fresh string (attribute values, Tera's escape function).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_and_keeps_the_rest() {
        assert_eq!(
            escape(r#"<a href="/x/?a=1&b='2'">통신</a>"#),
            "&lt;a href=&quot;/x/?a=1&amp;b=&#39;2&#39;&quot;&gt;통신&lt;/a&gt;"
        );
        assert_eq!(escape(""), "");
        let mut out = String::from("kept ");
        escape_into(&mut out, "a < b");
        assert_eq!(out, "kept a &lt; b");
    }
}
