//! Search in headless Chromium on a Korean, an English and a Japanese fixture site
//! (`tests/fixtures/search/`), built by the generator and served as static files: "/" and
//! Ctrl-K open the dialog, and queries with particles, prefixes, Latin terms, table-cell words
//! and text without spaces find the right posts. The Korean site is served under a base path.
//!
//! Without Chromium/chromedriver the tests skip loudly; with `CI` set they fail.

mod common;

use test_support::browser;

use std::path::Path;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use browser::{js, wait_until, Driver, Viewport};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::Client;
use serde_json::{json, Value};
use tokio::net::TcpListener;

const ARROW_DOWN: char = '\u{E015}';
const ENTER: char = '\u{E007}';
const CONTROL: char = '\u{E009}';

/// A fixture site built and served on 127.0.0.1 (under `base`, e.g. "/repo", or the root).
struct Site {
    url: String,
    _dir: tempfile::TempDir,
}

async fn serve(name: &str, base: &str) -> Result<Site> {
    serve_with(name, base, &[]).await
}

/// The fixture `name` plus `extra` posts (file name under `posts/`, text).
async fn serve_with(name: &str, base: &str, extra: &[(String, String)]) -> Result<Site> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("site");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/search")
            .join(name),
        &root,
    );
    for (file, text) in extra {
        std::fs::write(root.join("posts").join(file), text)?;
    }
    let out = root.join("public");
    let opts = wirebook::site::BuildOptions {
        root,
        out: Some(out.clone()),
        base_url: Some(format!("http://127.0.0.1{base}/")),
        drafts: false,
        quiet: true,
        cache: false,
    };
    tokio::task::spawn_blocking(move || wirebook::site::build(&opts))
        .await?
        .with_context(|| format!("building the {name} search fixture"))?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let files = tower_http::services::ServeDir::new(&out);
    let app = if base.is_empty() {
        axum::Router::new().fallback_service(files)
    } else {
        axum::Router::new().nest_service(base, files)
    };
    tokio::spawn(async move {
        axum::serve(listener, app).await.ok();
    });
    Ok(Site {
        url: format!("http://{addr}{base}/"),
        _dir: dir,
    })
}

async fn press(c: &Client, keys: &[char]) -> Result<()> {
    let mut actions = KeyActions::new("keyboard".into());
    for &k in keys {
        actions = actions.then(KeyAction::Down { value: k });
    }
    for &k in keys.iter().rev() {
        actions = actions.then(KeyAction::Up { value: k });
    }
    c.perform_actions(actions).await?;
    c.release_actions().await?;
    Ok(())
}

/// Is the focused element the search input?
async fn search_focused(c: &Client) -> Result<bool> {
    let v = js(
        c,
        "return !!document.activeElement && document.activeElement.matches('input[type=search]');",
        vec![],
    )
    .await?;
    Ok(v == Value::Bool(true))
}

/// Types `query` into the focused search input and returns the result links' paths.
async fn search(c: &Client, query: &str) -> Result<Vec<String>> {
    js(
        c,
        "const i = document.activeElement; i.value = ''; i.dispatchEvent(new Event('input'));",
        vec![],
    )
    .await?;
    c.active_element().await?.send_keys(query).await?;
    wait_until(
        c,
        &format!("results for {query:?}"),
        Duration::from_secs(10),
        "const box = document.activeElement.closest('[data-search]');
         const s = box && box.getAttribute('data-search-state');
         return s === 'done' || s === 'error' ? s : null;",
        vec![],
    )
    .await?;
    let v = js(
        c,
        "const box = document.activeElement.closest('[data-search]');
         return [...box.querySelectorAll('[data-search-results] a')]
           .map(a => new URL(a.href).pathname);",
        vec![],
    )
    .await?;
    Ok(serde_json::from_value(v)?)
}

/// One expected result.
fn one(path: &str) -> Vec<String> {
    vec![path.to_string()]
}

fn post(base: &str, day: &str, slug: &str) -> String {
    let slug: String = slug
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{base}/2025/06/{day}/{slug}/")
}

/// Runs `f` against a fresh desktop session and always closes the browser.
async fn with_browser<F, Fut>(f: F) -> Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let profiles = tempfile::tempdir()?;
    let client = driver
        .session(Viewport::Desktop, &profiles.path().join("p"))
        .await?;
    let result = f(client.clone()).await;
    let _ = client.close().await;
    result
}

/// Opens `page`, presses "/" and checks the search input has the focus.
async fn open_with_slash(c: &Client, page: &str) -> Result<()> {
    c.goto(page).await?;
    press(c, &['/']).await?;
    wait_until(
        c,
        "the search input to take the focus after \"/\"",
        Duration::from_secs(5),
        "return !!document.activeElement && document.activeElement.matches('input[type=search]');",
        vec![],
    )
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn korean_site_under_a_base_path() -> Result<()> {
    let site = serve("ko", "/repo").await?;
    with_browser(|c| async move {
        open_with_slash(&c, &site.url).await?;
        let ws = post("/repo", "01", "websocket");
        let cache = post("/repo", "02", "caching");
        let sse = post("/repo", "03", "sse");
        // A word with a particle: "통신을" finds the post that says "통신이".
        assert_eq!(search(&c, "통신을").await?, one(&ws));
        // The bare word finds the post that writes it with a particle ("웹소켓은").
        assert_eq!(search(&c, "웹소켓").await?, one(&ws));
        // Prefixes while typing, down to a syllable without its final consonant yet.
        assert_eq!(search(&c, "웹소").await?, one(&ws));
        assert_eq!(search(&c, "웹소케").await?, one(&ws));
        // Latin terms, whole and as a prefix.
        assert_eq!(search(&c, "etag").await?, one(&cache));
        assert_eq!(search(&c, "EventSo").await?, one(&sse));
        // A word that appears only in a table cell.
        assert_eq!(search(&c, "캐시무효화").await?, one(&cache));
        // Several words: all must match.
        assert_eq!(search(&c, "서버 이벤트").await?, one(&sse));
        assert!(search(&c, "없는단어").await?.is_empty());
        let status = js(&c, "return document.querySelector('[data-search-dialog] .search-status').textContent;", vec![]).await?;
        assert_eq!(status, json!("“없는단어”에 대한 결과가 없습니다"));
        // The passage is shown with the match marked, and the date.
        search(&c, "양방향").await?;
        let marked = js(&c, "return [...document.querySelectorAll('[data-search-dialog] [data-search-results] mark')].map(m => m.textContent);", vec![]).await?;
        assert!(marked.as_array().is_some_and(|m| m.contains(&json!("양방향"))), "{marked}");
        let date = js(&c, "return document.querySelector('[data-search-dialog] .search-date').textContent;", vec![]).await?;
        assert_eq!(date, json!("2025년 6월 1일"));
        // Keyboard only: ↓ reaches the first result, Enter opens it.
        search(&c, "웹소켓").await?;
        press(&c, &[ARROW_DOWN]).await?;
        let focused = js(&c, "return document.activeElement.closest('[data-search-results]') !== null;", vec![]).await?;
        assert_eq!(focused, json!(true));
        press(&c, &[ENTER]).await?;
        wait_until(&c, "the post to open", Duration::from_secs(5),
            "return location.pathname === arguments[0];", vec![json!(ws)]).await?;
        // Ctrl-K opens the dialog too.
        press(&c, &[CONTROL, 'k']).await?;
        ensure!(search_focused(&c).await?, "Ctrl-K did not focus the search input");
        // The search page reads ?q= and works without the dialog.
        c.goto(&format!("{}search/?q=etag", site.url)).await?;
        wait_until(&c, "search page results", Duration::from_secs(10),
            "return document.querySelector('[data-search-page]').getAttribute('data-search-state') === 'done';", vec![]).await?;
        let links = js(&c, "return [...document.querySelectorAll('[data-search-page] [data-search-results] a')].map(a => new URL(a.href).pathname);", vec![]).await?;
        assert_eq!(links, json!([cache]));
        press(&c, &['/']).await?;
        ensure!(search_focused(&c).await?, "\"/\" did not focus the search page's input");
        // search.js picks the same shard as the generator (the fixture has only one, so
        // compare the hash itself).
        for key in ["통", "we", "ウ", "a1"] {
            let js_bucket = js(&c, "return window.wirebookSearch.bucket(arguments[0], 4093);", vec![json!(key)]).await?;
            assert_eq!(js_bucket, json!(wirebook::search::tokens::bucket(key, 4093)), "{key}");
        }
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn english_site() -> Result<()> {
    // Twelve more posts about zebras: more than one page of results.
    let zebras: Vec<(String, String)> = (10..22)
        .map(|d| {
            (
                format!("2025-07-{d}-zebra-{d}.md"),
                format!("---\ntitle: Zebra {d}\n---\n\nStripes, again: zebra number {d}.\n"),
            )
        })
        .collect();
    let site = serve_with("en", "", &zebras).await?;
    with_browser(|c| async move {
        open_with_slash(&c, &site.url).await?;
        let ws = post("", "01", "websocket");
        let cache = post("", "02", "caching");
        let sse = post("", "03", "sse");
        assert_eq!(search(&c, "websocket").await?, one(&ws));
        assert_eq!(search(&c, "webso").await?, one(&ws));
        assert_eq!(search(&c, "ETag").await?, one(&cache));
        assert_eq!(search(&c, "idempotency").await?, one(&cache));
        assert_eq!(search(&c, "server speaks").await?, one(&sse));
        // Title matches rank first: "server" is in the SSE post's title and the caching body.
        assert_eq!(search(&c, "server").await?, [sse, cache]);
        let status = js(
            &c,
            "return document.querySelector('[data-search-dialog] .search-status').textContent;",
            vec![],
        )
        .await?;
        assert_eq!(status, json!("2 results"));
        // Ten results at a time; "More results" brings the rest and the keyboard follows.
        assert_eq!(search(&c, "zebra").await?.len(), 10);
        let more = c
            .find(fantoccini::Locator::Css("[data-search-dialog] .search-more"))
            .await?;
        more.click().await?;
        wait_until(&c, "the next results", Duration::from_secs(10),
            "return document.querySelectorAll('[data-search-dialog] [data-search-results] a').length === 12
                && document.activeElement.matches('[data-search-results] li:nth-child(11) a');", vec![]).await?;
        let hidden = js(&c, "return document.querySelector('[data-search-dialog] .search-more').hidden;", vec![]).await?;
        assert_eq!(hidden, json!(true), "nothing more to fetch");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn japanese_site_without_spaces() -> Result<()> {
    let site = serve("ja", "").await?;
    with_browser(|c| async move {
        open_with_slash(&c, &site.url).await?;
        let ws = post("", "01", "websocket");
        let cache = post("", "02", "caching");
        let sse = post("", "03", "sse");
        assert_eq!(search(&c, "双方向通信").await?, one(&ws));
        assert_eq!(search(&c, "ウェブソケット").await?, one(&ws));
        assert_eq!(search(&c, "通").await?.len(), 2, "通信 and 通知");
        assert_eq!(search(&c, "条件付き").await?, one(&cache));
        assert_eq!(search(&c, "eventsource").await?, one(&sse));
        // Every bigram of "ウェブラウザ" is in the first post ("ウェブ", "ブラウザ"), but the
        // word is not: the check against the text drops it.
        assert!(search(&c, "ウェブラウザ").await?.is_empty());
        Ok(())
    })
    .await
}

/// The figures in BENCHMARKS.md ("Search"): serves an already built site and, for each
/// query, loads the home page afresh, opens the dialog with "/", types the query and reports
/// the time to the first results (`data-search-ms`) and the bytes of the search files read.
///
/// `WIREBOOK_SEARCH_BENCH=/path/to/public cargo test --release --test search_browser -- --ignored`
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: needs WIREBOOK_SEARCH_BENCH pointing at a built site"]
async fn bench_time_to_first_results() -> Result<()> {
    let public = std::path::PathBuf::from(
        std::env::var_os("WIREBOOK_SEARCH_BENCH").context("set WIREBOOK_SEARCH_BENCH")?,
    );
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(&public));
    tokio::spawn(async move {
        axum::serve(listener, app).await.ok();
    });
    let url = format!("http://{addr}/");
    with_browser(|c| async move {
        let queries = [
            "소유권", "빌림을", "캐시가", "ownership", "owner", "resolver", "the", "벤치마크 결과",
        ];
        for round in 0..3 {
            for q in queries {
                open_with_slash(&c, &url).await?;
                js(&c, "performance.clearResourceTimings();", vec![]).await?;
                let found = search(&c, q).await?.len();
                let v = js(
                    &c,
                    "const box = document.activeElement.closest('[data-search]');
                     const files = performance.getEntriesByType('resource')
                       .filter(e => e.name.includes('/search/'));
                     return [Number(box.getAttribute('data-search-ms')),
                             files.reduce((n, e) => n + e.encodedBodySize, 0), files.length];",
                    vec![],
                )
                .await?;
                println!("round {round} query {q:?}: {found} shown, first results {} ms, {} bytes in {} files", v[0], v[1], v[2]);
            }
        }
        Ok(())
    })
    .await
}
