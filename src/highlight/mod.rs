//! Build-time code highlighting with syntect, emitted as `hl-*` CSS classes (no inline
//! colours), so one page works in the light and the dark theme.
//!
//! The syntax set is two-face's extended set (TypeScript, TOML, Dockerfile, GraphQL … that
//! syntect's defaults lack), loaded once per process. This file finds the syntax for a
//! fence's language; [`fence`] reads the info string, [`css`] makes the stylesheet (and
//! knows which spans it can style), [`highlighter`] turns a block into HTML.

mod css;
mod fence;
mod highlighter;

use std::sync::OnceLock;

use syntect::parsing::{SyntaxReference, SyntaxSet};

pub use css::Styles;
pub use fence::FenceOptions;
pub use highlighter::highlight_block;

/// The syntaxes, loaded on first use.
pub fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// Languages that mean "no highlighting wanted": no warning for them.
const PLAIN: &[&str] = &[
    "",
    "text",
    "txt",
    "plain",
    "plaintext",
    "output",
    "console-output",
    "none",
];

/// Names authors write that syntect does not know by that token.
fn alias(lang: &str) -> &str {
    match lang {
        "shell" | "zsh" | "console" | "shellsession" => "bash",
        "javascript" | "node" | "mjs" | "cjs" => "js",
        "typescript" => "ts",
        "gql" => "graphql",
        "docker" => "dockerfile",
        "yml" => "yaml",
        "golang" => "go",
        "py" | "python3" => "python",
        "rs" => "rust",
        "htm" => "html",
        "jsonc" | "json5" => "json",
        "postgres" | "postgresql" | "sqlite" => "sql",
        other => other,
    }
}

/// The syntax for an info-string language, or `None` when it is unknown.
pub fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let ss = syntax_set();
    let lang = lang.to_ascii_lowercase();
    let token = alias(&lang);
    ss.find_syntax_by_token(token)
        .or_else(|| ss.find_syntax_by_name(token))
}

/// Whether `lang` asks for no highlighting (so an unknown syntax is no warning).
pub fn is_plain(lang: &str) -> bool {
    PLAIN.contains(&lang.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_languages_are_known() {
        for lang in [
            "rust",
            "js",
            "javascript",
            "ts",
            "typescript",
            "json",
            "yaml",
            "toml",
            "python",
            "go",
            "bash",
            "sh",
            "shell",
            "html",
            "css",
            "sql",
            "dockerfile",
            "graphql",
        ] {
            assert!(find_syntax(lang).is_some(), "{lang}");
        }
        assert!(find_syntax("klingon").is_none());
    }
}
