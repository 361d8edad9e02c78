//! Snapshot tests (insta) of the rendered HTML of small fixtures, one feature each
//! (`tests/fixtures/snapshots/FEATURE/`, with its committed `rendered.snap` beside it), so a
//! change to the output of one feature shows as a reviewable diff of that feature alone.
//!
//! A snapshot is the post's `<article>` (for `summary`, the home page's `<main>` too). New or
//! changed output fails under `CI`; elsewhere insta writes `rendered.snap.new` to review
//! (`INSTA_UPDATE=always cargo test --test snapshots` accepts every change).

mod common;

use common::TestSite;

/// The first `<tag …>…</tag>` of `html`, as written.
fn element<'a>(html: &'a str, tag: &str) -> &'a str {
    let start = html
        .find(&format!("<{tag}"))
        .unwrap_or_else(|| panic!("no <{tag}> in:\n{html}"));
    let close = format!("</{tag}>");
    let end = html[start..].find(&close).expect("closed") + start + close.len();
    &html[start..end]
}

/// Builds `fixtures/snapshots/FEATURE` and snapshots the `<tag>` of each output file in
/// `pages` (joined, each under its name), with the temp folder's path written as `[ROOT]`.
fn assert_rendered(feature: &str, pages: &[(&str, &str)]) {
    let site = TestSite::fixture(&format!("snapshots/{feature}"));
    site.build(&["-q", "--no-cache"]);
    let root = site.root().to_string_lossy().into_owned();
    let html: Vec<String> = pages
        .iter()
        .map(|(file, tag)| {
            let page = site.read(file);
            format!("<!-- {file} -->\n{}", element(&page, tag)).replace(&root, "[ROOT]")
        })
        .collect();
    insta::with_settings!({
        snapshot_path => format!("fixtures/snapshots/{feature}"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("rendered", html.join("\n\n"));
    });
}

const POST: &str = "2025/01/02/{}/index.html";

fn post(slug: &str) -> String {
    POST.replace("{}", slug)
}

#[test]
fn table() {
    assert_rendered("table", &[(&post("table"), "article")]);
}

#[test]
fn highlighted_code_with_options() {
    assert_rendered("code", &[(&post("code"), "article")]);
}

#[test]
fn math() {
    assert_rendered("math", &[(&post("math"), "article")]);
}

#[test]
fn cjk_bold() {
    assert_rendered("cjk", &[(&post("cjk"), "article")]);
}

#[test]
fn kramdown_attributes() {
    assert_rendered("kramdown", &[(&post("kramdown"), "article")]);
}

#[test]
fn demo_widget_fence() {
    assert_rendered("demo", &[(&post("demo"), "article")]);
}

#[test]
fn summary_and_reading_time() {
    assert_rendered(
        "summary",
        &[(&post("summary"), "article"), ("index.html", "main")],
    );
}

#[test]
fn jekyll_root_post() {
    assert_rendered("jekyll", &[("notes/2025/01/02/hello.html", "article")]);
}
