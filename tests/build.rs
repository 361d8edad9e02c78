//! `wirebook build` and `wirebook check` on small fixture sites, asserting on parsed HTML and
//! on the exact errors and exit codes a user sees.

mod common;

use std::path::PathBuf;
use std::process::Command;

use scraper::{Html, Selector};

use common::{attrs, sel, stderr, texts, TestSite};

const POST: &str = "2025/06/10/chap10/index.html";

#[test]
fn bold_around_punctuation_before_hangul_renders() {
    // The sample chapter's line, and minimal-mistakes posts' `**<u>…</u>**입니다`: literal
    // asterisks under plain CommonMark, bold with the CJK-friendly amendments.
    let site = TestSite::empty();
    site.write(
        "posts/2025-06-10-x.md",
        "---\ntitle: x\n---\n\n- **SSE(Server-Sent Events)**는 단방향입니다.\n- **<u>WebSocket</u>**입니다. **“양방향”**이라는 점.\n",
    );
    site.build(&[]);
    let html = site.read("2025/06/10/x/index.html");
    let doc = Html::parse_document(&html);
    assert_eq!(
        texts(&doc, ".post-content li strong, article li strong"),
        ["SSE(Server-Sent Events)", "WebSocket", "“양방향”"]
    );
    assert!(!html.contains("**"), "{html}");
}

#[test]
fn sample_chapter_renders_its_table_heading_and_korean() {
    let site = TestSite::fixture("chap10");
    let out = site.build(&[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("built "),
        "summary line"
    );
    let doc = site.html(POST);

    // `# ** 📌 … **` is a bold heading, not literal asterisks.
    let h1 = doc
        .select(&sel(".post-content h1"))
        .next()
        .expect("h1 in content");
    let strong: String = h1
        .select(&sel("strong"))
        .next()
        .expect("strong")
        .text()
        .collect();
    assert!(strong.starts_with("📌 통신 기술 비교 총정리"), "{strong}");
    assert!(!h1.text().collect::<String>().contains("**"));

    // The 5-column comparison table: header + 6 rows, wrapped for sideways scrolling.
    let table = doc
        .select(&sel(".table-wrap > table"))
        .next()
        .expect("wrapped table");
    let heads: Vec<String> = table
        .select(&sel("thead th"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        heads,
        [
            "주제",
            "Ajax",
            "WebSocket",
            "Server-Sent Events (SSE)",
            "GraphQL"
        ]
    );
    let rows = table.select(&sel("tbody tr")).count();
    assert_eq!(rows, 6);
    for row in table.select(&sel("tbody tr")) {
        assert_eq!(row.select(&sel("td")).count(), 5);
    }
    let first_cell: String = table
        .select(&sel("tbody tr td"))
        .nth(1)
        .unwrap()
        .text()
        .collect();
    assert_eq!(first_cell, "📤 단방향 (클라이언트 → 서버)");

    // Heading ids keep Hangul (GitHub rule) and the TOC links to them.
    let ids = attrs(&doc, ".post-content h2", "id");
    assert!(
        ids.contains(&"-아주-쉬운-비유로-정리해보기".to_string()),
        "{ids:?}"
    );
    let toc = attrs(&doc, ".toc a", "href");
    assert!(
        toc.iter().any(|h| h.contains("%EC%95%84%EC%A3%BC")),
        "{toc:?}"
    );

    // Metadata.
    assert_eq!(
        texts(&doc, ".post-title"),
        ["CHAP 10. 통신 기술 비교 총정리"]
    );
    assert_eq!(attrs(&doc, "html", "lang"), ["ko"]);
    assert_eq!(
        attrs(&doc, "meta[property='og:image']", "content"),
        ["https://user.github.io/repo/assets/img/post-thumbnails/intro10.png"]
    );
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        ["https://user.github.io/repo/2025/06/10/chap10/"]
    );
    assert_eq!(texts(&doc, ".reading-time"), ["2분 분량"]);
    // The live-reload script is for `serve` only.
    assert!(!site.read(POST).contains("__wirebook"));
    // No widget assets on a page without widgets.
    assert!(attrs(&doc, "script", "src")
        .iter()
        .all(|s| !s.contains("widgets.js")));
}

#[test]
fn code_is_highlighted_with_classes_in_many_languages() {
    let site = TestSite::fixture("chap10");
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(
        err.contains("posts/2025-06-01-code.md:42")
            && err.contains("unknown code language `klingon`"),
        "{err}"
    );
    let doc = site.html("2025/06/01/code/index.html");
    for lang in ["rust", "typescript", "toml", "dockerfile", "graphql", "go"] {
        let pre = doc
            .select(&sel(&format!("pre[data-lang={lang}]")))
            .next()
            .unwrap_or_else(|| panic!("{lang}"));
        let spans = pre.select(&sel("span[class^='hl-']")).count();
        assert!(spans >= 2, "{lang}: {spans} highlighted spans");
    }
    assert!(
        doc.select(&sel("pre [style]")).next().is_none(),
        "no inline colours"
    );
    // title, linenos, hl_lines
    assert_eq!(texts(&doc, "figure.code-block > figcaption"), ["main.rs"]);
    let rust = doc.select(&sel("pre[data-lang=rust]")).next().unwrap();
    assert!(rust.value().classes().any(|c| c == "linenos"));
    let lines: Vec<bool> = rust
        .select(&sel(".line"))
        .map(|l| l.value().classes().any(|c| c == "hl"))
        .collect();
    assert_eq!(lines, [false, true, false, true, true, false]);
    assert!(
        rust.text().collect::<String>().contains("\"<b>\""),
        "escaped text round-trips"
    );
    // Unknown language: plain, escaped, still a code block.
    let plain = doc.select(&sel("pre[data-lang=klingon]")).next().unwrap();
    assert_eq!(plain.select(&sel("span[class^='hl-']")).count(), 0);
    // GFM extras.
    // The alert's title is theme text, in the site's language (Korean here).
    assert_eq!(texts(&doc, ".alert-warning .alert-title"), ["경고"]);
    assert_eq!(doc.select(&sel("input[type=checkbox]")).count(), 2);
    assert_eq!(doc.select(&sel("del")).count(), 1);
    assert_eq!(doc.select(&sel(".footnote-definition")).count(), 1);
    // Both colour schemes are in the stylesheet.
    let css = site.read("assets/syntax.css");
    assert!(
        css.contains("html[data-theme=\"light\"] .hl-")
            && css.contains("html[data-theme=\"dark\"] .hl-")
    );
}

#[test]
fn every_local_url_honours_the_sub_path() {
    let site = TestSite::fixture("chap10");
    site.build(&[]);
    for page in [
        POST,
        "index.html",
        "tags/index.html",
        "categories/backend/index.html",
        "404.html",
        "2025/06/01/code/index.html",
    ] {
        let doc = site.html(page);
        let mut urls = attrs(&doc, "a[href]", "href");
        urls.extend(attrs(&doc, "link[href]", "href"));
        urls.extend(attrs(&doc, "script[src]", "src"));
        urls.extend(attrs(&doc, "img[src]", "src"));
        for u in urls {
            let ok = u.starts_with('#')
                || u.starts_with("/repo/")
                || u.starts_with("https://user.github.io/repo/");
            assert!(ok, "{page}: {u}");
        }
    }
    let doc = site.html("2025/06/01/code/index.html");
    assert!(
        attrs(&doc, ".post-content a", "href").contains(&"/repo/2025/06/10/chap10/".to_string())
    );
    assert_eq!(
        attrs(&doc, ".post-content img", "src"),
        ["/repo/img/logo.png"]
    );
    assert!(site.exists("img/logo.png"), "static files are copied");
    // --base-url overrides the config.
    site.build(&["--base-url", "https://example.org/"]);
    let doc = site.html(POST);
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        ["https://example.org/2025/06/10/chap10/"]
    );
}

#[test]
fn taxonomies_feed_sitemap_and_robots() {
    let site = TestSite::fixture("chap10");
    site.build(&[]);
    let tags = site.html("tags/index.html");
    let names = texts(&tags, ".term-cloud a");
    assert!(names.iter().any(|n| n.starts_with("#성능")), "{names:?}");
    // A Hangul term keeps its script in the path.
    let term = site.html("tags/성능/index.html");
    assert_eq!(
        texts(&term, ".post-card-title a"),
        ["Code in many languages"]
    );
    let backend = site.html("categories/backend/index.html");
    assert_eq!(texts(&backend, ".post-card-title a").len(), 2);

    let feed = site.read("atom.xml");
    assert!(feed.starts_with("<?xml"));
    let doc = Html::parse_document(&feed);
    assert_eq!(doc.select(&sel("entry")).count(), 2);
    let links = attrs(&doc, "entry > link", "href");
    assert_eq!(links[0], "https://user.github.io/repo/2025/06/10/chap10/");
    assert!(links
        .iter()
        .all(|l| l.starts_with("https://user.github.io/repo/")));
    assert_eq!(texts(&doc, "feed > id"), ["https://user.github.io/repo/"]);

    let sitemap = Html::parse_document(&site.read("sitemap.xml"));
    let locs = texts(&sitemap, "loc");
    assert!(
        locs.contains(&"https://user.github.io/repo/2025/06/01/code/".to_string()),
        "{locs:?}"
    );
    assert!(locs
        .iter()
        .all(|l| l.starts_with("https://user.github.io/repo/")));
    assert!(site
        .read("robots.txt")
        .contains("Sitemap: https://user.github.io/repo/sitemap.xml"));
    assert!(site.read("404.html").contains("404"));
}

#[test]
fn index_is_paginated_newest_first_with_prev_next() {
    let site = TestSite::empty();
    site.write("wirebook.toml", "posts_per_page = 10\n");
    for i in 1..=25 {
        site.write(
            &format!("posts/2024-01-{i:02}-p{i}.md"),
            format!("---\ntitle: Post {i}\n---\nBody {i}.\n"),
        );
    }
    site.build(&["-q"]);
    let first = site.html("index.html");
    let titles = texts(&first, ".post-card-title a");
    assert_eq!(titles.len(), 10);
    assert_eq!(titles[0], "Post 25");
    assert_eq!(
        texts(&site.html("page/3/index.html"), ".post-card-title a").len(),
        5
    );
    assert_eq!(
        attrs(&first, ".pagination a[rel=next]", "href"),
        ["/page/2/"]
    );
    let mid = site.html("2024/01/10/p10/index.html");
    assert_eq!(
        attrs(&mid, ".post-nav a[rel=prev]", "href"),
        ["/2024/01/09/p9/"]
    );
    assert_eq!(
        attrs(&mid, ".post-nav a[rel=next]", "href"),
        ["/2024/01/11/p11/"]
    );
}

#[test]
fn drafts_and_future_posts_need_the_flag() {
    let site = TestSite::empty();
    site.write("posts/2024-01-01-live.md", "---\ntitle: Live\n---\nx\n")
        .write(
            "posts/2024-01-02-draft.md",
            "---\ntitle: Draft\ndraft: true\n---\nx\n",
        )
        .write("posts/2999-01-01-future.md", "---\ntitle: Future\n---\nx\n")
        .write(
            "posts/2024-01-03-unpub.md",
            "---\ntitle: Unpublished\npublished: false\n---\nx\n",
        );
    site.build(&[]);
    assert!(site.exists("2024/01/01/live/index.html"));
    assert!(!site.exists("2024/01/02/draft/index.html"));
    assert!(!site.exists("2999/01/01/future/index.html"));
    assert!(!site.exists("2024/01/03/unpub/index.html"));
    site.build(&["--drafts"]);
    assert!(site.exists("2024/01/02/draft/index.html"));
    assert!(site.exists("2999/01/01/future/index.html"));
}

#[test]
fn front_matter_fields_bom_crlf_and_extra_keys() {
    let site = TestSite::empty();
    site.write("wirebook.toml", "permalink = \"/:categories/:slug.html\"\n");
    site.write(
        "posts/notes.md",
        "\u{feff}---\r\ntitle: \"BOM and CRLF\"\r\ndate: 2025-03-04T10:00:00+09:00\r\ncategories: Dev Ops\r\ntags: single\r\nslug: custom-slug\r\nmood: happy\r\ntag: oops\r\n---\r\n# Hi\r\n\r\nText.\r\n",
    );
    site.write("templates/post.html", "{{ page.title }}|{{ page.extra.mood }}|{{ page.date }}|{% for t in page.tags %}{{ t.name }}{% endfor %}");
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(
        err.contains("posts/notes.md:8") && err.contains("did you mean `tags`"),
        "{err}"
    );
    assert_eq!(
        site.read("dev/ops/custom-slug.html"),
        "BOM and CRLF|happy|2025-03-04T10:00:00+09:00|single"
    );
}

#[test]
fn several_broken_posts_are_all_reported_and_nothing_is_written() {
    let site = TestSite::fixture("chap10");
    site.build(&[]);
    let before = site.read(POST);
    site.write(
        "posts/2025-01-01-a.md",
        "---\ntitle: ok\ntags: [a, b\n---\nbody\n",
    )
    .write(
        "posts/2025-01-02-b.md",
        "---\ntitle: \"unclosed\n---\nbody\n",
    )
    .write(
        "posts/2025-01-03-c.md",
        "---\ntitle: x\nlayout: fancy\n---\nbody\n",
    )
    .write(
        "posts/2025-01-04-d.md",
        "---\ntitle: x\ndate: someday\n---\nbody\n",
    )
    .write(
        "posts/2025-01-05-e.md",
        "---\ntitle: x\n---\n```demo chat\n```\n",
    );
    // Touch the good post so a half-written build would show.
    site.write(
        "posts/2025-06-10-chap10.md",
        std::fs::read_to_string(site.root().join("posts/2025-06-10-chap10.md"))
            .unwrap()
            .replace("CHAP 10.", "CHANGED"),
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("posts/2025-01-01-a.md:4:1: invalid YAML front matter"),
        "{err}"
    );
    assert!(err.contains("posts/2025-01-02-b.md:"), "{err}");
    assert!(
        err.contains("posts/2025-01-03-c.md: unknown layout `fancy` (available: page, post)"),
        "{err}"
    );
    assert!(
        err.contains("posts/2025-01-04-d.md:3: field `date`: cannot read \"someday\" as a date"),
        "{err}"
    );
    assert!(
        err.contains("posts/2025-01-05-e.md:4: unknown demo kind `chat`"),
        "{err}"
    );
    assert!(
        err.contains("5 problems found; nothing was written"),
        "{err}"
    );
    assert_eq!(site.read(POST), before, "the last good site is untouched");
    let leftovers: Vec<PathBuf> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("wirebook-"))
        // The build cache, from the first (good) build, is not a leftover.
        .filter(|p| !p.ends_with(wirebook::cache::DIR))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn mojibake_is_refused_with_file_line_and_cause() {
    let site = TestSite::fixture("mojibake");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("posts/2025-06-10-chap10.md:3:"), "{err}");
    assert!(
        err.contains("looks like UTF-8 read as Windows-1252"),
        "{err}"
    );
    assert!(!site.exists("index.html"));
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("looks like UTF-8 read as Windows-1252"));
}

#[test]
fn accented_latin_text_is_not_mojibake_and_lossless_repair_works() {
    let site = TestSite::empty();
    site.write(
        "posts/2025-01-01-cafe.md",
        "---\ntitle: Café\n---\nNaïve café, Über, señor, déjà vu · “quotes” — ½ ©.\n",
    );
    site.build(&[]);
    assert!(site
        .read("2025/01/01/cafe/index.html")
        .contains("Naïve café, Über, señor"));
    // A garbled file that lost no bytes is repaired by `check --fix-encoding`.
    let original = "---\ntitle: \"통신 — “비교”\"\n---\n안녕하세요 café\n";
    let garbled: String = original
        .bytes()
        .map(|b| match b {
            0x80..=0x9f => [
                '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}',
                'Ž', '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›',
                'œ', '\u{9d}', 'ž', 'Ÿ',
            ][(b - 0x80) as usize],
            _ => b as char,
        })
        .collect();
    site.write("posts/2025-01-02-g.md", &garbled);
    assert_eq!(site.run(&["build"]).status.code(), Some(1));
    let fix = site.run(&["check", "--fix-encoding"]);
    assert!(fix.status.success(), "{}", stderr(&fix));
    assert_eq!(
        std::fs::read_to_string(site.root().join("posts/2025-01-02-g.md")).unwrap(),
        original
    );
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let site = TestSite::empty();
    site.write(
        "posts/2025-01-01-bin.md",
        b"---\ntitle: x\n---\nok \xff\xfe\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("posts/2025-01-01-bin.md:4: not valid UTF-8 (first bad byte at offset 20)"),
        "{err}"
    );
}

#[test]
fn config_errors_name_the_key() {
    let site = TestSite::empty();
    site.write(
        "wirebook.toml",
        "title = \"x\"\nbase_ur = \"https://e.org/\"\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("wirebook.toml") && err.contains("base_ur") && err.contains("line 2"),
        "{err}"
    );
    site.write("wirebook.toml", "[highlight]\nlight = \"Nope\"\n");
    let err = stderr(&site.run(&["build"]));
    assert!(err.contains("unknown highlight theme \"Nope\""), "{err}");
}

#[test]
fn check_finds_broken_internal_links_and_writes_nothing() {
    let site = TestSite::fixture("chap10");
    let ok = site.run(&["check"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    site.write(
        "posts/2025-01-01-l.md",
        "---\ntitle: l\n---\n\nSee [gone](/2020/01/01/nope/) and [fine](/tags/).\n",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("posts/2025-01-01-l.md:5: broken internal link: /2020/01/01/nope/"),
        "{err}"
    );
    assert!(!err.contains("/tags/"), "{err}");
    assert!(!site.exists(""), "check writes no output");
}

/// A thumbnail or image naming a file that is not in `static/`: `check` refuses with the
/// post and line of each, `build` publishes with the same words as warnings.
#[test]
fn missing_thumbnail_and_image_are_named() {
    let site = TestSite::empty();
    site.write("static/img/here.png", b"png")
        .write(
            "posts/2025-01-01-pics.md",
            "---\ntitle: Pics\nthumbnail: /img/cover.png\n---\n\n\
             ![ok](/img/here.png)\n\n![gone](/img/missing.png)\n\n\
             ![elsewhere](https://example.org/x.png)\n",
        )
        .write(
            "posts/2025-01-02-teaser.md",
            "---\ntitle: Teaser\nheader:\n  teaser: /img/teaser.png\n---\n\nText.\n",
        );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let want = [
        "posts/2025-01-01-pics.md:3: thumbnail /img/cover.png: no such file in static/",
        "posts/2025-01-01-pics.md:8: image /img/missing.png: no such file in static/",
        "posts/2025-01-02-teaser.md:3: thumbnail /img/teaser.png: no such file in static/",
    ];
    for w in want {
        assert!(err.contains(w), "{w:?} missing from:\n{err}");
    }
    assert!(
        !err.contains("here.png") && !err.contains("example.org"),
        "{err}"
    );
    assert!(!site.exists(""), "check writes no output");

    let out = site.build(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for w in want {
        assert!(err.contains(w), "build warns: {w:?} missing from:\n{err}");
    }
    assert!(
        err.lines().filter(|l| l.contains("no such file")).count() == 3,
        "{err}"
    );

    site.write("static/img/cover.png", b"png")
        .write("static/img/missing.png", b"png")
        .write("static/img/teaser.png", b"png");
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn new_scaffolds_a_dated_post_that_builds() {
    let site = TestSite::empty();
    let out = Command::new(env!("CARGO_BIN_EXE_wirebook"))
        .args(["new", "웹소켓 입문: Hello"])
        .arg("--root")
        .arg(site.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let path = String::from_utf8(out.stdout).unwrap();
    assert!(path.trim().ends_with("-웹소켓-입문-hello.md"), "{path}");
    let text = std::fs::read_to_string(path.trim()).unwrap();
    assert!(text.contains("title: \"웹소켓 입문: Hello\""));
    site.build(&[]);
}

#[test]
fn init_makes_a_site_that_builds_with_a_live_demo_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-notes");
    let init = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_wirebook"))
            .arg("init")
            .arg(&site)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = init(&["--author", "Ada", "--language", "ko"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("wirebook serve"), "{stdout}");
    let config = std::fs::read_to_string(site.join("wirebook.toml")).unwrap();
    assert!(config.contains("title = \"My notes\""), "{config}");
    let ignored = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert_eq!(
        ignored, "/public/\n/.wirebook-cache/\n",
        "the output and the build cache"
    );

    let built = Command::new(env!("CARGO_BIN_EXE_wirebook"))
        .args(["build", "-q", "--root"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let index =
        Html::parse_document(&std::fs::read_to_string(site.join("public/index.html")).unwrap());
    let html = Selector::parse("html").unwrap();
    assert_eq!(index.select(&html).next().unwrap().attr("lang"), Some("ko"));
    let post_link = Selector::parse("a[href*='hello-wirebook']").unwrap();
    let href = index
        .select(&post_link)
        .next()
        .expect("the index lists the post")
        .attr("href")
        .unwrap()
        .to_owned();
    let post_path = site
        .join("public")
        .join(href.trim_start_matches('/'))
        .join("index.html");
    let post = Html::parse_document(&std::fs::read_to_string(&post_path).unwrap());
    for css in [
        "figure.wb-demo[data-demo='websocket']",
        ".wb-run",
        "table",
        "pre code",
    ] {
        let sel = Selector::parse(css).unwrap();
        assert!(
            post.select(&sel).next().is_some(),
            "{css} missing from {}",
            post_path.display()
        );
    }

    // A second init writes nothing and says why.
    let out = init(&["--title", "Other"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("already exists") && stderr.contains("nothing was written"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("wirebook.toml")).unwrap(),
        config
    );
}

/// A post whose first "paragraphs" are a label and emoji, and whose prose wraps lines.
const WRAPPED_POST: &str = "---\ntitle: Polling\ndate: 2025-06-05\n---\n\n## 🚀 Intro\n\n✅ A.\n\n🚀 🎉\n\nEvery feature starts with the same question. If the client always\nasks, you are polling; if the server may speak whenever it likes, you are pushing, and the rest of this long post explains how.\n";

#[test]
fn theme_text_dates_and_html_lang_follow_the_language() {
    let site = TestSite::empty();
    site.write(
        "wirebook.toml",
        "language = \"ko\"\n[messages]\n\"Tags\" = \"꼬리표\"\n",
    );
    site.write("posts/2025-06-05-polling.md", WRAPPED_POST);
    site.write(
        "posts/2025-06-06-nihongo.md",
        "---\ntitle: 日本語の記事\nlang: ja\n---\n\nこれは日本語で書かれた記事です。通信技術について説明します。\n",
    );
    site.build(&[]);
    let post = site.html("2025/06/05/polling/index.html");
    assert_eq!(attrs(&post, "html", "lang"), ["ko"]);
    assert_eq!(texts(&post, ".reading-time"), ["1분 분량"]);
    assert_eq!(texts(&post, "time"), ["2025년 6월 5일"]);
    assert_eq!(texts(&post, ".skip-link"), ["본문으로 건너뛰기"]);
    // The config overrides one string; the rest come from the Korean table.
    assert_eq!(
        texts(&post, ".site-nav a"),
        ["카테고리", "꼬리표", "검색", "피드"]
    );
    assert_eq!(texts(&post, ".post-nav .label"), ["다음 글 →"]);
    // A post with its own `lang` gets it on <html>, with theme text and date to match.
    let ja = site.html("2025/06/06/nihongo/index.html");
    assert_eq!(attrs(&ja, "html", "lang"), ["ja"]);
    assert_eq!(texts(&ja, "time"), ["2025年6月6日"]);
    assert_eq!(texts(&ja, ".reading-time"), ["1分で読めます"]);
    assert_eq!(texts(&ja, ".post-nav .label"), ["← 前の記事"]);
    let index = site.html("index.html");
    assert_eq!(attrs(&index, ".post-card-title a[lang]", "lang"), ["ja"]);
    let not_found = site.html("404.html");
    assert_eq!(texts(&not_found, ".not-found a"), ["← 홈으로 돌아가기"]);
    assert_eq!(texts(&site.html("tags/index.html"), "h1"), ["꼬리표"]);
    // The widgets get the same tables.
    let js = std::fs::read_to_string(site.root().join("public/assets/widgets.js")).unwrap();
    assert!(js.contains("const MESSAGES = {"), "generated tables");
    assert!(
        js.contains("\"Tags\":\"꼬리표\""),
        "override reaches the widgets"
    );
}

#[test]
fn a_language_without_a_table_falls_back_to_english_with_a_warning() {
    let site = TestSite::empty();
    site.write(
        "wirebook.toml",
        "language = \"fr\"\n[messages]\n\"Contents\" = \"Sommaire\"\n",
    );
    site.write("posts/2025-06-05-polling.md", WRAPPED_POST);
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("wirebook.toml: language `fr`: ")
            && err.contains(" theme strings without a translation")
            && err.contains("\"Categories\""),
        "{err}"
    );
    site.build(&[]);
    let post = site.html("2025/06/05/polling/index.html");
    assert_eq!(attrs(&post, "html", "lang"), ["fr"]);
    assert_eq!(texts(&post, ".skip-link"), ["Skip to content"]);
    assert_eq!(texts(&post, "time"), ["Jun 5, 2025"]);
    // A bad override is refused with the key.
    site.write("wirebook.toml", "[messages]\n\"Contents\" = 3\n");
    let out = site.run(&["check"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("\"Contents\" must be a string"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn summaries_are_prose_on_one_line_and_written_ones_win() {
    let site = TestSite::empty();
    site.write("posts/2025-06-05-polling.md", WRAPPED_POST);
    site.write(
        "posts/2025-06-06-written.md",
        "---\ntitle: Written\ndescription: \"Two\\nlines\"\nexcerpt: not this\n---\n\nThe body is long enough to be a summary but the description wins over it.\n",
    );
    site.write(
        "posts/2025-06-07-excerpt.md",
        "---\ntitle: Excerpt\nexcerpt: |\n  A hand-written\n  excerpt.\n---\n\nThe body is long enough to be a summary but the excerpt wins over it.\n",
    );
    site.build(&[]);
    let index = site.html("index.html");
    let descs = texts(&index, ".post-card-desc");
    assert_eq!(descs[0], "A hand-written excerpt.");
    assert_eq!(descs[1], "Two lines");
    let auto = &descs[2];
    assert!(
        auto.starts_with("Every feature starts with the same question. If the client always asks, you are polling;"),
        "{auto}"
    );
    assert!(auto.ends_with('…') && auto.chars().count() <= 151, "{auto}");
    let post = site.html("2025/06/05/polling/index.html");
    assert_eq!(
        attrs(&post, "meta[name=description]", "content"),
        std::slice::from_ref(auto)
    );
    assert_eq!(
        attrs(&post, "meta[property='og:description']", "content"),
        std::slice::from_ref(auto)
    );
    let feed = site.read("atom.xml");
    assert!(feed.contains("If the client always asks"), "{feed}");
    assert!(!feed.contains("alwaysasks"));
}

#[test]
fn sample_chapter_summary_reads_as_prose() {
    let site = TestSite::fixture("chap10");
    site.build(&[]);
    let index = site.html("index.html");
    let descs = texts(&index, ".post-card-desc");
    let chap10 = descs
        .iter()
        .find(|d| d.contains("WebSocket"))
        .unwrap_or_else(|| panic!("{descs:?}"));
    assert!(
        chap10.starts_with("Ajax는 단순한 요청/응답 중심 API 호출에 적합하고,"),
        "{chap10}"
    );
    assert!(!chap10.contains("✅ A."), "{chap10}");
}
