//! A Jekyll blog built as it is (no wirebook.toml): the post URLs are compared with what
//! real Jekyll 4 gives the same fixture, and the pages must show no Markdown, kramdown or
//! Liquid syntax as text.
//!
//! The comparison needs `jekyll` (Debian: apt-get install jekyll). Without it the test skips
//! loudly, except under `CI`, where that is a failure.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{attrs, sel, stderr, texts, TestSite};
use scraper::Html;

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
            // Everything but the index pages and the taxonomies is a post.
            let listing = path == "/"
                || ["/tags/", "/categories/", "/page/"]
                    .iter()
                    .any(|p| path.starts_with(p));
            (!listing).then(|| decode(path))
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

/// The site's `permalink` settings compared: Jekyll's default (`date`), every named style,
/// and patterns with other placeholders. Posts with their own `permalink` keep theirs.
const PERMALINKS: &[Option<&str>] = &[
    None,
    Some("pretty"),
    Some("ordinal"),
    Some("weekdate"),
    Some("none"),
    Some("/:year/:i_month/:i_day/:slug:output_ext"),
    Some("/:short_year/:short_month/:title/"),
];

#[test]
fn every_post_is_at_the_url_jekyll_gives_it() {
    let jekyll = jekyll_binary();
    for permalink in PERMALINKS {
        let site = TestSite::fixture("jekyll");
        if let Some(p) = permalink {
            let config = site.root().join("_config.yml");
            let text = std::fs::read_to_string(&config).unwrap();
            std::fs::write(&config, format!("{text}permalink: {p}\n")).unwrap();
        }
        let stderr = stderr(&site.build(&[]));
        let ours = wirebook_post_urls(&site.root().join("public"));
        assert_eq!(ours.len(), 6, "{permalink:?}: {ours:?}");
        assert!(stderr.contains("_posts/notes.md: skipped"), "{stderr}");

        let Some(jekyll) = &jekyll else {
            return;
        };
        let dest = tempfile::tempdir().unwrap();
        let out = Command::new(jekyll)
            .args(["build", "--safe", "--quiet", "-s"])
            .arg(site.root())
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
            "permalink {permalink:?}: wirebook's post URLs (left) differ from Jekyll's (right)"
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
}

const CHAP10: &str = "backend/api/2025/06/10/chap10.html";

/// Text outside `<pre>` and `<code>` in the post body.
fn prose(html: &str) -> String {
    let doc = Html::parse_document(html);
    let content = doc
        .select(&sel(".post-content"))
        .next()
        .expect(".post-content");
    content
        .descendants()
        .filter_map(|n| n.value().as_text().map(|t| (n, t)))
        .filter(|(n, _)| {
            !n.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "pre" | "code"))
            })
        })
        .map(|(_, t)| t.to_string())
        .collect()
}

#[test]
fn posts_show_no_markdown_kramdown_or_liquid_syntax() {
    let site = TestSite::fixture("jekyll");
    site.build(&[]);
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(site.root().join("public")) {
        let entry = entry.unwrap();
        let html = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if !html.contains("class=\"post-content\"") {
            continue;
        }
        checked += 1;
        let text = prose(&html);
        for syntax in ["**", "{:", "{%", "{{", "$$"] {
            assert!(
                !text.contains(syntax),
                "{}: {syntax} in {text}",
                entry.path().display()
            );
        }
    }
    assert_eq!(checked, 6);

    let doc = site.html(CHAP10);
    assert_eq!(
        texts(&doc, ".post-content p strong"),
        ["SSE(Server-Sent Events)", "WebSocket", "“양방향”"]
    );
    assert_eq!(doc.select(&sel(".post-content math")).count(), 2);
    assert_eq!(attrs(&doc, ".post-content img.center", "width"), ["40%"]);
    assert_eq!(
        texts(&doc, "p#important.notice--info"),
        ["중요한 문단입니다."]
    );
    assert_eq!(
        doc.select(&sel(".post-content nav.toc-inline li")).count(),
        3
    );
    assert_eq!(doc.select(&sel("pre.linenos[data-lang=rust]")).count(), 1);
    assert_eq!(
        attrs(&doc, ".post-content p > a", "href")[..2],
        [
            "/blog/%EB%84%A4%ED%8A%B8%EC%9B%8C%ED%81%AC/2024/03/01/%EC%9B%B9%EC%86%8C%EC%BC%93-%EC%9E%85%EB%AC%B8.html",
            "/blog/2024/02/29/Rust-(2024)-edition.html"
        ]
    );
    // header.teaser is the social image.
    assert_eq!(
        attrs(&doc, "meta[property='og:image']", "content"),
        ["https://devchanny.github.io/blog/assets/img/intro10.png"]
    );
}

#[test]
fn excerpt_feeds_redirects_and_drafts() {
    let site = TestSite::fixture("jekyll");
    site.build(&[]);
    // `<!--more-->` (the site's excerpt_separator) ends the excerpt shown in lists.
    let index = site.read("index.html");
    assert!(index.contains("웹소켓의 첫 문단입니다."), "{index}");
    assert!(!index.contains("두 번째 문단은"), "{index}");
    // jekyll-feed's path, and last_modified_at as the entry's update time.
    let feed = site.read("feed.xml");
    assert_eq!(feed, site.read("atom.xml"));
    assert!(
        feed.contains("<updated>2025-07-01T10:00:00+09:00</updated>"),
        "{feed}"
    );
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("2025-07-01T10:00:00+09:00"), "{sitemap}");
    // redirect_from
    let redirect = site.read("rust-2024/index.html");
    assert!(
        redirect
            .contains("url=https://devchanny.github.io/blog/2024/02/29/Rust-(2024)-edition.html"),
        "{redirect}"
    );
    // Jekyll's static folders are copied as they are.
    assert!(site.exists("assets/img/intro10.png"));
    // published: false stays out; _drafts/ only with --drafts.
    assert!(!site.exists("2024/04/01/hidden.html"));
    assert!(!index.contains("다음 글 아이디어"));
    site.build(&["--drafts"]);
    assert!(site.read("index.html").contains("다음 글 아이디어"));
}

#[test]
fn unknown_liquid_is_a_warning_and_broken_yaml_the_only_error() {
    let site = TestSite::fixture("jekyll");
    site.write(
        "_posts/2025-07-01-include.md",
        "---\ntitle: inc\n---\n\nText.\n\n{% include note.html %}\n",
    );
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "_posts/2025-07-01-include.md:7: unsupported Liquid tag `{% include note.html %}`"
        ),
        "{err}"
    );
    assert!(site
        .read("2025/07/01/include.html")
        .contains("{% include note.html %}"));

    site.write(
        "_posts/2025-07-02-broken.md",
        "---\ntitle: broken\ntags: [a, b\n---\n\nText.\n",
    );
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let problems: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(problems.len(), 2, "{err}"); // the problem, and the "1 problem found" line
    assert!(err.contains("_posts/2025-07-02-broken.md:4"), "{err}");
    assert!(err.contains("1 problem found"), "{err}");
}

#[test]
fn wirebook_toml_wins_over_config_yml_and_maps_layouts() {
    let site = TestSite::fixture("jekyll");
    site.write(
        "wirebook.toml",
        "title = \"Mine\"\n\n[layouts]\nsingle = \"page\"\nsplash = \"post\"\n",
    );
    let err = stderr(&site.build(&[]));
    // The aliased layouts are no longer guessed; the one left unmapped still is.
    assert!(
        err.contains("closest built-in layout: `posts` → `post` (1 post) (map them"),
        "{err}"
    );
    let index = site.html("index.html");
    assert_eq!(texts(&index, "title"), ["Mine"]);
    // _config.yml still gives what wirebook.toml leaves out: URLs, base path, language.
    assert!(site.exists(CHAP10));
    assert_eq!(attrs(&index, "html", "lang"), ["ko"]);
}

#[test]
fn config_problems_name_config_yml_and_new_writes_into_posts() {
    let site = TestSite::fixture("jekyll");
    let config = site.root().join("_config.yml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("Asia/Seoul", "Mars/Base")).unwrap();
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("_config.yml: `timezone`: unknown time zone \"Mars/Base\""),
        "{err}"
    );

    std::fs::remove_dir(site.root().join("posts")).unwrap();
    let out = site.run(&["new", "새 글"]);
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        path.contains("/_posts/") && path.ends_with("-새-글.md"),
        "{path}"
    );
}
