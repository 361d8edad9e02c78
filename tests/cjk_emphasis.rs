//! The CJK-friendly emphasis pass against the specification's own test cases, and against
//! CommonMark's emphasis examples (Latin text must parse exactly as without the pass).

use std::path::Path;

use pulldown_cmark::{html, Parser};
use wirebook::cjk_emphasis::{prepare, strip};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cjk")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn with_pass(md: &str) -> String {
    let text = prepare(md);
    let mut out = String::new();
    html::push_html(&mut out, Parser::new(&text).map(strip));
    out
}

fn without_pass(md: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new(md));
    out
}

#[test]
fn specification_test_cases_render_as_specified() {
    let mut failures = Vec::new();
    let mut total = 0;
    for name in [
        "strong",
        "korean",
        "underscore-cjk-punct",
        "pseudo-emoji",
        "non-bmp",
    ] {
        let ours = with_pass(&fixture(&format!("{name}.md")));
        let expected = fixture(&format!("{name}.html"));
        let ours: Vec<&str> = ours.lines().collect();
        let expected: Vec<&str> = expected.lines().collect();
        assert_eq!(ours.len(), expected.len(), "{name}: paragraph count");
        for (o, e) in ours.iter().zip(&expected) {
            total += 1;
            // markdown-it writes `"` in text as &quot;, pulldown-cmark as `"`.
            if o.replace("&quot;", "\"") != e.replace("&quot;", "\"") {
                failures.push(format!("{name}:\n  ours:     {o}\n  expected: {e}"));
            }
        }
    }
    assert!(total > 100, "{total}");
    assert!(
        failures.is_empty(),
        "{} of {total} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn commonmark_emphasis_examples_are_unchanged() {
    let examples: serde_json::Value =
        serde_json::from_str(&fixture("commonmark-emphasis.json")).unwrap();
    let examples = examples.as_array().unwrap();
    assert_eq!(examples.len(), 132);
    let mut spec_passes = 0;
    for ex in examples {
        let md = ex["markdown"].as_str().unwrap();
        let ours = with_pass(md);
        assert_eq!(ours, without_pass(md), "example {}", ex["example"]);
        let expected = ex["html"].as_str().unwrap().replace("&quot;", "\"");
        if ours.replace("&quot;", "\"") == expected {
            spec_passes += 1;
        } else {
            eprintln!("example {}: {ours:?} != {expected:?}", ex["example"]);
        }
    }
    // pulldown-cmark's own conformance, which the pass must not lower.
    assert_eq!(spec_passes, 132, "CommonMark emphasis examples passing");
}
