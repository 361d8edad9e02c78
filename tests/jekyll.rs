//! A Jekyll blog built as it is (no wirebook.toml): the post URLs are compared with what
//! real Jekyll 4 gives the same fixture, and the pages must show no Markdown, kramdown or
//! Liquid syntax as text.
//!
//! The comparison needs `jekyll` (Debian: apt-get install jekyll). Without it the test skips
//! loudly, except under `CI`, where that is a failure.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{stderr, TestSite};

fn decode(url: &str) -> String {
    percent_encoding::percent_decode_str(url)
        .decode_utf8_lossy()
        .into_owned()
}

/// Post URLs in wirebook's sitemap (the entries with a date), under the base path.
fn wirebook_post_urls(public: &Path) -> BTreeSet<String> {
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    let prefix = "https://devchanny.github.io/blog";
    sitemap
        .split("<url>")
        .skip(1)
        .filter_map(|entry| {
            let loc = entry.split("<loc>").nth(1)?.split("</loc>").next()?;
            let path = loc.strip_prefix(prefix)?;
            let is_post = path.ends_with(".html") || path.matches('/').count() > 2;
            (is_post
                && !path.starts_with("/tags/")
                && !path.starts_with("/categories/")
                && !path.starts_with("/page/"))
            .then(|| decode(path))
        })
        .collect()
}

fn jekyll_binary() -> Option<PathBuf> {
    let found = Command::new("jekyll")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("jekyll".into());
    }
    let msg = "the URL comparison needs Jekyll 4 (Debian: apt-get install jekyll)";
    if std::env::var_os("CI").is_some() {
        panic!("{msg} — CI is set, so this is a failure, not a skip");
    }
    eprintln!("\n!!! SKIPPING the comparison with real Jekyll: {msg}\n");
    None
}

#[test]
fn every_post_is_at_the_url_jekyll_gives_it() {
    let site = TestSite::fixture("jekyll");
    let stderr = stderr(&site.build(&[]));
    let ours = wirebook_post_urls(&site.root().join("public"));
    assert_eq!(ours.len(), 6, "{ours:?}");
    assert!(stderr.contains("_posts/notes.md: skipped"), "{stderr}");

    let Some(jekyll) = jekyll_binary() else {
        return;
    };
    let source = TestSite::fixture("jekyll");
    let dest = tempfile::tempdir().unwrap();
    let out = Command::new(jekyll)
        .args(["build", "--safe", "--quiet", "-s"])
        .arg(source.root())
        .arg("-d")
        .arg(dest.path())
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "jekyll build failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: BTreeSet<String> = std::fs::read_to_string(dest.path().join("urls.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(decode)
        .collect();
    assert_eq!(
        ours, theirs,
        "wirebook's post URLs (left) differ from Jekyll's (right)"
    );
    // And the file for each URL is where Jekyll writes it.
    for url in &theirs {
        let file = if url.ends_with('/') {
            format!("{url}index.html")
        } else {
            url.clone()
        };
        assert!(dest.path().join(&file[1..]).is_file(), "jekyll: {file}");
        assert!(
            site.root().join("public").join(&file[1..]).is_file(),
            "wirebook: {file}"
        );
    }
}
