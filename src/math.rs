//! `$…$` and `$$…$$` → MathML at build time (pulldown-latex): readers need no JavaScript
//! and no web font, and a formula that does not parse is reported at its line.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{push_mathml, Parser, RenderConfig, Storage};

use crate::markdown::MarkdownError;

/// The MathML for one formula, or the parser's first complaint.
pub fn to_mathml(tex: &str, display: bool) -> Result<String, MarkdownError> {
    let storage = Storage::new();
    let events: Vec<_> = Parser::new(tex, &storage).collect();
    if let Some(Err(e)) = events.iter().find(|e| e.is_err()) {
        return Err(MarkdownError::Formula(
            e.to_string()
                .lines()
                .next()
                .unwrap_or("parse error")
                .trim()
                .to_string(),
        ));
    }
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..Default::default()
    };
    let mut html = String::new();
    push_mathml(&mut html, events.into_iter(), config)
        .map_err(|e| MarkdownError::Formula(e.to_string()))?;
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_mathml_and_errors_are_reported() {
        let m = to_mathml(r"\frac{n(n+1)}{2}", true).unwrap();
        assert!(m.starts_with("<math") && m.contains("<mfrac>"), "{m}");
        assert!(m.contains(r#"display="block""#), "{m}");
        assert!(to_mathml(r"\frac{1}{", false).is_err());
    }
}
