//! The published site, served under a sub-path the way GitHub Pages serves a project site
//! (`/repo/` on loopback), crawled link by link: every internal `href`/`src`, every sitemap
//! `<loc>`, every feed `<link href>` and every `#fragment` must resolve.
//!
//! The site is published with `wirebook publish` to a local bare repository and the crawl
//! runs over a clone of the `gh-pages` branch, so it checks what would really be deployed.

mod common;

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::Path;

use common::publish::Repo;
use reqwest::Url;
use scraper::{Html, Selector};

/// Serves `dir` at `/repo/` on an already-bound loopback listener.
async fn serve(listener: std::net::TcpListener, dir: &Path) {
    listener.set_nonblocking(true).unwrap();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    let app = axum::Router::new().nest_service("/repo", tower_http::services::ServeDir::new(dir));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
}

#[derive(Default)]
struct Crawl {
    /// URLs fetched (without fragment), each answered 200.
    visited: BTreeSet<String>,
    /// `url ← referrer: status` for every failure.
    broken: Vec<String>,
    /// Element ids of each HTML page, for checking `#fragment` links.
    ids: HashMap<String, HashSet<String>>,
    /// `(target url, fragment, referrer)`.
    fragments: Vec<(String, String, String)>,
}

impl Crawl {
    /// Breadth-first from `start`, following same-origin links only.
    async fn run(start: &Url, extra: &[&str]) -> Crawl {
        let client = reqwest::Client::builder()
            // A link that only works through a redirect is reported, not followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut crawl = Crawl::default();
        let mut queue: VecDeque<(Url, String)> = VecDeque::new();
        let mut seen: HashSet<String> = HashSet::new();
        queue.push_back((start.clone(), "(start)".into()));
        for e in extra {
            queue.push_back((start.join(e).unwrap(), "(start)".into()));
        }
        while let Some((mut url, from)) = queue.pop_front() {
            url.set_fragment(None);
            if !seen.insert(url.to_string()) {
                continue;
            }
            let resp = client.get(url.clone()).send().await.unwrap();
            let status = resp.status();
            if status != reqwest::StatusCode::OK {
                crawl.broken.push(format!("{url} ← {from}: {status}"));
                continue;
            }
            crawl.visited.insert(url.to_string());
            let kind = resp
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let body = resp.text().await.unwrap_or_default();
            let links = if kind.starts_with("text/html") {
                let (ids, links) = html_links(&body);
                crawl.ids.insert(url.to_string(), ids);
                links
            } else if url.path().ends_with(".xml") {
                xml_links(&url, &body)
            } else if url.path().ends_with("robots.txt") {
                body.lines()
                    .filter_map(|l| l.strip_prefix("Sitemap:"))
                    .map(|l| l.trim().to_string())
                    .collect()
            } else {
                Vec::new()
            };
            for link in links {
                let Ok(target) = url.join(&link) else {
                    crawl.broken.push(format!("{link} ← {url}: unparsable"));
                    continue;
                };
                if target.origin() != start.origin() {
                    continue;
                }
                if let Some(f) = target.fragment().filter(|f| !f.is_empty()) {
                    let mut page = target.clone();
                    page.set_fragment(None);
                    crawl
                        .fragments
                        .push((page.to_string(), f.to_string(), url.to_string()));
                }
                queue.push_back((target, url.to_string()));
            }
        }
        for (page, fragment, from) in &crawl.fragments {
            let id = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
            let found = crawl
                .ids
                .get(page)
                .is_some_and(|ids| ids.contains(id.as_ref()));
            if !found {
                crawl.broken.push(format!(
                    "{page}#{fragment} ← {from}: no element with id {id:?}"
                ));
            }
        }
        crawl
    }
}

/// Element ids and every linked URL (`href`, `src`, `og:url`, `srcset`) of an HTML page.
fn html_links(body: &str) -> (HashSet<String>, Vec<String>) {
    let doc = Html::parse_document(body);
    let ids = doc
        .select(&Selector::parse("[id]").unwrap())
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect();
    let mut links = Vec::new();
    for (selector, attr) in [
        ("[href]", "href"),
        ("[src]", "src"),
        ("meta[property='og:url']", "content"),
        ("meta[property='og:image']", "content"),
    ] {
        for e in doc.select(&Selector::parse(selector).unwrap()) {
            links.extend(e.value().attr(attr).map(str::to_string));
        }
    }
    for e in doc.select(&Selector::parse("[srcset]").unwrap()) {
        let srcset = e.value().attr("srcset").unwrap_or("");
        links.extend(
            srcset
                .split(',')
                .filter_map(|c| c.split_whitespace().next())
                .map(str::to_string),
        );
    }
    (ids, links)
}

/// Sitemap `<loc>`s, feed `<link href>`s, and the links inside each feed entry's
/// HTML-escaped `<content>`.
fn xml_links(feed: &Url, body: &str) -> Vec<String> {
    let mut links = Vec::new();
    for piece in body.split("<loc>").skip(1) {
        links.extend(piece.split("</loc>").next().map(unescape));
    }
    for piece in body.split("<link ").skip(1) {
        let tag = piece.split('>').next().unwrap_or("");
        if let Some(href) = tag
            .split("href=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
        {
            links.push(unescape(href));
        }
    }
    for piece in body.split("<content type=\"html\"").skip(1) {
        let Some((attrs, rest)) = piece.split_once('>') else {
            continue;
        };
        let html = unescape(rest.split("</content>").next().unwrap_or(""));
        // Feed readers resolve an entry's links against its `xml:base` (the post's URL),
        // which is what makes `#heading` links inside an entry point at the post.
        let base = attrs
            .split("xml:base=\"")
            .nth(1)
            .and_then(|b| b.split('"').next())
            .map(|b| feed.join(&unescape(b)).unwrap());
        let base = base.as_ref().unwrap_or(feed);
        links.extend(
            html_links(&html)
                .1
                .iter()
                .filter_map(|l| base.join(l).ok())
                .map(String::from),
        );
    }
    links
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// Characters a URL path keeps as they are; everything else (Hangul) is percent-encoded.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

const EXTRA: [&str; 4] = ["sitemap.xml", "atom.xml", "robots.txt", "404.html"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_published_site_has_no_broken_links_under_a_sub_path() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!(
        "http://127.0.0.1:{}/repo/",
        listener.local_addr().unwrap().port()
    );

    let repo = Repo::new();
    repo.add_plain_remote();
    repo.wirebook_ok(&["publish", "--base-url", &base]);
    let served = repo.path().join("served");
    repo.git(
        repo.path(),
        &[
            "clone",
            "-q",
            "-b",
            "gh-pages",
            repo.remote().to_str().unwrap(),
            served.to_str().unwrap(),
        ],
    );
    assert!(served.join(".nojekyll").exists());
    serve(listener, &served).await;

    let start = Url::parse(&base).unwrap();
    let crawl = Crawl::run(&start, &EXTRA).await;
    assert!(
        crawl.broken.is_empty(),
        "{} broken link(s):\n{}",
        crawl.broken.len(),
        crawl.broken.join("\n")
    );

    // It cannot pass by visiting nothing: every file of the published tree was reached
    // from the home page, the sitemap or the feed, except files nothing should link to.
    let visited: Vec<&str> = crawl.visited.iter().map(String::as_str).collect();
    assert!(
        visited.len() >= 20,
        "only {} URLs: {visited:#?}",
        visited.len()
    );
    let paths: HashSet<&str> = crawl
        .visited
        .iter()
        .map(|u| u.split('?').next().unwrap())
        .map(|u| &u[base.len() - "/repo/".len()..])
        .collect();
    // feed.xml is atom.xml again at jekyll-feed's path, for subscribers of a blog that moved
    // from Jekyll; pages link atom.xml.
    let unlinked = [
        ".nojekyll",
        "assets/widgets.css",
        "assets/widgets.js",
        "feed.xml",
    ];
    for file in walkdir::WalkDir::new(&served)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = file.path().strip_prefix(&served).unwrap().to_string_lossy();
        // Fetched by scripts, not linked: the search index (search.js), and the in-browser
        // examples backend with its libraries (widgets.js).
        let fetched = (rel.starts_with("search/") && rel.ends_with(".json"))
            || rel == "assets/backend.js"
            || rel.starts_with("assets/vendor/");
        if unlinked.contains(&rel.as_ref()) || fetched {
            continue;
        }
        let url = format!("/repo/{}", rel.strip_suffix("index.html").unwrap_or(&rel));
        let encoded = percent_encoding::utf8_percent_encode(&url, PATH).to_string();
        assert!(
            paths.contains(encoded.as_str()),
            "{rel} ({encoded}) was never reached"
        );
    }
    for want in [
        "/repo/2025/06/01/ajax/",
        // 웹소켓, percent-encoded as every link to it is.
        "/repo/2025/06/03/%EC%9B%B9%EC%86%8C%EC%BC%93/",
        // The `실시간 통신` tag.
        "/repo/tags/%EC%8B%A4%EC%8B%9C%EA%B0%84-%ED%86%B5%EC%8B%A0/",
        "/repo/page/2/",
        "/repo/img/flow.png",
        "/repo/atom.xml",
        "/repo/sitemap.xml",
    ] {
        assert!(
            visited.iter().any(|v| v.ends_with(want)),
            "{want} not visited: {visited:#?}"
        );
    }
    assert!(
        crawl
            .visited
            .iter()
            .any(|v| v.contains("/repo/assets/style.css")),
        "stylesheet not visited"
    );
    assert!(
        crawl
            .fragments
            .iter()
            .any(|(_, f, _)| f.contains("%ED%95%B8")),
        "the Hangul heading anchor (#핸드셰이크) was not checked"
    );
}

/// The checker itself must be able to fail: a site built for the root of the origin, served
/// under `/repo/`, has links that miss the sub-path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checker_catches_links_that_miss_the_sub_path() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let repo = Repo::new();
    let out = repo.path().join("root-site");
    repo.wirebook_ok(&[
        "build",
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        &format!("http://127.0.0.1:{port}/"),
    ]);
    serve(listener, &out).await;
    let start = Url::parse(&format!("http://127.0.0.1:{port}/repo/")).unwrap();
    let crawl = Crawl::run(&start, &EXTRA).await;
    assert!(
        crawl.broken.len() > 10,
        "expected many broken links, got {:?}",
        crawl.broken
    );
    assert!(
        crawl
            .broken
            .iter()
            .any(|b| b.starts_with(&format!("http://127.0.0.1:{port}/assets/style.css"))),
        "{:#?}",
        crawl.broken
    );
}
