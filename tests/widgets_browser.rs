//! End-to-end tests of the live demo widgets (`templates/static/widgets.js.d/`) in
//! headless Chromium, driven through chromedriver with fantoccini.
//!
//! Each test copies `tests/fixtures/widgets/site` to a temp dir, points its
//! `[examples] url` at a real examples server (in-memory database) on one
//! loopback port, builds it with the generator and serves `public/` on another
//! port — two origins, so CORS is exercised as on a real deployment.
//! Screenshots of every widget, light and dark, desktop and 360 px phone, are
//! written to `target/widget-screenshots/`.
//!
//! One test runs two examples-server instances on one Redis, with two readers'
//! pages pointing at different instances (needs `redis-server`).
//!
//! Without Chromium/chromedriver (or redis-server) the tests skip loudly; with
//! `CI` set they fail.

// The Redis harness (and its skip-or-fail gate) is the one examples-server's cluster tests use.
use test_support::{browser, services};

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use browser::{
    click, demo, js, screenshot, set_theme, show, type_into, wait_state, wait_until, Driver,
    Viewport,
};
use fantoccini::Client;
use serde_json::{json, Value};
use tokio::net::TcpListener;

const KINDS: [&str; 5] = ["ajax", "websocket", "sse", "graphql", "compare"];

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A built fixture site and the servers behind it; servers stop with the runtime.
struct Fixture {
    page: String,
    examples: String,
    _dir: tempfile::TempDir,
}

async fn examples_server() -> Result<SocketAddr> {
    examples_server_with(in_memory()).await
}

/// The examples server's defaults, with an in-memory database.
fn in_memory() -> examples_server::Config {
    examples_server::Config {
        db: examples_server::DbLocation::Memory,
        ..Default::default()
    }
}

async fn examples_server_with(config: examples_server::Config) -> Result<SocketAddr> {
    let state = examples_server::AppState::new(&config).await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // `serve` (not bare axum::serve) provides ConnectInfo, which the per-IP
    // write limit needs; the server stops with the test's runtime.
    tokio::spawn(examples_server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    Ok(addr)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Builds the fixture site pointing at `examples_url` and serves it on 127.0.0.1.
async fn fixture(examples_url: &str) -> Result<Fixture> {
    fixture_on(examples_url, "127.0.0.1").await
}

/// Builds the fixture site pointing at `examples_url` and serves it on `host`.
async fn fixture_on(examples_url: &str, host: &str) -> Result<Fixture> {
    fixture_with(examples_url, host, &[], None).await
}

/// The fixture site plus `extra` posts (file name under `posts/`, text), in
/// `language` when given (the site's `<html lang>`, which the widgets follow).
async fn fixture_with(
    examples_url: &str,
    host: &str,
    extra: &[(&str, &str)],
    language: Option<&str>,
) -> Result<Fixture> {
    build_and_serve(
        examples_url,
        &SiteOpts {
            host,
            extra,
            language,
            ..SiteOpts::default()
        },
    )
    .await
}

/// How the fixture site is built and served.
struct SiteOpts<'a> {
    host: &'a str,
    extra: &'a [(&'a str, &'a str)],
    language: Option<&'a str>,
    /// `[examples] backend` (`server`, `browser`, `auto`); None keeps the default.
    backend: Option<&'a str>,
    /// Build for this `base_url` and serve the output under its path, as GitHub
    /// Pages serves a project site (`https://x.github.io/repo/` → `/repo/`).
    base_url: Option<&'a str>,
}

impl Default for SiteOpts<'_> {
    fn default() -> Self {
        SiteOpts {
            host: "127.0.0.1",
            extra: &[],
            language: None,
            backend: None,
            base_url: None,
        }
    }
}

async fn build_and_serve(examples_url: &str, opts: &SiteOpts<'_>) -> Result<Fixture> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("site");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/widgets/site");
    copy_dir(&source, &root)?;
    for (name, text) in opts.extra {
        std::fs::write(root.join("posts").join(name), text)?;
    }
    let config_path = root.join("wirebook.toml");
    let config = std::fs::read_to_string(&config_path)?;
    ensure!(
        config.contains("url = \"\""),
        "fixture wirebook.toml must have `url = \"\"` under [examples]"
    );
    let language = opts
        .language
        .map_or(String::new(), |l| format!("language = {l:?}\n"));
    let mut examples = format!("url = {examples_url:?}");
    if let Some(backend) = opts.backend {
        examples += &format!("\nbackend = {backend:?}");
    }
    std::fs::write(
        &config_path,
        language + &config.replace("url = \"\"", &examples),
    )?;

    let out = root.join("public");
    let build = wirebook::site::BuildOptions {
        root: root.clone(),
        out: Some(out.clone()),
        base_url: opts.base_url.map(str::to_owned),
        drafts: false,
        quiet: true,
        cache: false,
    };
    // The generator is synchronous (rayon); keep it off the async workers.
    tokio::task::spawn_blocking(move || wirebook::site::build(&build))
        .await?
        .context("building the widget fixture site")?;

    let listener = TcpListener::bind((opts.host, 0)).await?;
    let addr = listener.local_addr()?;
    // A plain static file server, as a static host is: no /api, no examples server.
    let base_path = opts
        .base_url
        .map(|u| reqwest::Url::parse(u).map(|u| u.path().trim_end_matches('/').to_owned()))
        .transpose()?
        .unwrap_or_default();
    let files = tower_http::services::ServeDir::new(&out);
    let app = if base_path.is_empty() {
        axum::Router::new().fallback_service(files)
    } else {
        axum::Router::new().nest_service(&base_path, files)
    };
    tokio::spawn(async move {
        axum::serve(listener, app).await.ok();
    });
    let page = format!("http://{addr}{base_path}/widgets/");
    let html = reqwest::get(&page).await?.text().await?;
    ensure!(
        html.contains("name=\"wirebook:examples\"") && html.contains("widgets.js"),
        "built page {page} does not include the widget assets"
    );
    Ok(Fixture {
        page,
        // With no examples URL the widgets' EXAMPLES is the page's own origin.
        examples: if examples_url.is_empty() {
            format!("http://{addr}")
        } else {
            examples_url.to_string()
        },
        _dir: dir,
    })
}

fn profile(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

/// Runs `f` against a fresh session and always closes the browser.
async fn with_session<F, Fut>(driver: &Driver, viewport: Viewport, f: F) -> Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<Client>>,
{
    let profiles = tempfile::tempdir()?;
    let client = driver
        .session(viewport, &profile(&profiles, "profile"))
        .await?;
    let keep = client.clone();
    let result = f(client).await;
    if result.is_err() {
        keep_failure_screenshot(&keep, &format!("{viewport:?}")).await;
    }
    let _ = keep.close().await;
    result.map(|_| ())
}

/// Leaves a picture of the page for whoever reads a failure (CI artifacts).
async fn keep_failure_screenshot(c: &Client, label: &str) {
    if let Ok(png) = c.screenshot().await {
        let dir = browser::screenshot_dir();
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("FAILED-{label}-{}.png", std::process::id()));
        if std::fs::write(&path, png).is_ok() {
            eprintln!("page at the failure: {}", path.display());
        }
    }
}

async fn text_of(c: &Client, css: &str) -> Result<String> {
    let v = js(
        c,
        "const el = document.querySelector(arguments[0]); return el ? el.innerText : null;",
        vec![json!(css)],
    )
    .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

fn unique(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{label} {nanos:x}")
}

// ─────────────────────────────── the steps ───────────────────────────────

/// A post submitted with the form appears in the list; polling repeats requests.
async fn ajax(c: &Client, fx: &Fixture, backend: &str) -> Result<()> {
    let root = demo("ajax");
    show(c, "ajax").await?;
    wait_state(c, "ajax", "connected", secs(15)).await?;

    let title = unique("Submitted by the browser test");
    type_into(c, &format!("{root} input[name=title]"), &title).await?;
    type_into(
        c,
        &format!("{root} textarea[name=body]"),
        "Posted through the ajax widget.",
    )
    .await?;
    click(c, &root, "Submit post").await?;
    wait_until(
        c,
        "the submitted post to appear in the ajax list",
        secs(10),
        "return [...document.querySelectorAll(arguments[0] + ' .wb-post-title')].some((e) => e.textContent === arguments[1]);",
        vec![json!(root), json!(title)],
    )
    .await?;
    let inspector = text_of(c, &format!("{root} .wb-inspect")).await?;
    ensure!(
        inspector.contains("POST") && inspector.contains("201"),
        "inspector should show the POST and its 201, got:\n{inspector}"
    );
    let curl = text_of(c, &format!("{root} .wb-cmd")).await?;
    // In the browser the page's origin serves nothing: the command names the address an
    // examples server of the reader's own listens on.
    let target = if backend == "browser" {
        "http://127.0.0.1:3000"
    } else {
        fx.examples.as_str()
    };
    ensure!(
        curl.starts_with("curl") && curl.contains("-X POST") && curl.contains(target),
        "copy-as-curl should repeat the POST against {target}, got: {curl}"
    );

    // Polling: with poll_ms = 1000 the timeline gains entries on its own.
    let count = "return document.querySelectorAll(arguments[0] + ' .wb-timeline li').length;";
    let before = js(c, count, vec![json!(root)]).await?.as_u64().unwrap_or(0);
    let poll = c
        .find(fantoccini::Locator::Css(&format!(
            "{root} .wb-toolbar input[type=checkbox]"
        )))
        .await?;
    poll.click().await?;
    wait_until(
        c,
        "polling to issue at least 3 more requests",
        secs(10),
        "return document.querySelectorAll(arguments[0] + ' .wb-timeline li').length >= arguments[1];",
        vec![json!(root), json!(before + 3)],
    )
    .await?;
    poll.click().await?;
    Ok(())
}

/// A message from one participant appears for the other; a drop reconnects.
async fn websocket(c: &Client) -> Result<()> {
    let root = demo("websocket");
    show(c, "websocket").await?;
    wait_state(c, "websocket", "connected", secs(15)).await?;

    let text = unique("Hi Bob, Alice here");
    let alice = format!("{root} .wb-pane:nth-of-type(1)");
    let bob = format!("{root} .wb-pane:nth-of-type(2)");
    type_into(c, &format!("{alice} input"), &text).await?;
    click(c, &alice, "Send").await?;
    wait_until(
        c,
        "Alice's message to reach Bob",
        secs(10),
        "return [...document.querySelectorAll(arguments[0] + ' .wb-msg-text')].some((e) => e.textContent === arguments[1]);",
        vec![json!(bob), json!(text)],
    )
    .await?;
    let log = text_of(c, &format!("{root} .wb-frames tbody")).await?;
    ensure!(
        log.contains('↑') && log.contains('↓'),
        "frame log should show both directions:\n{log}"
    );
    let websocat = text_of(c, &format!("{root} .wb-cmd")).await?;
    ensure!(
        websocat.starts_with("websocat") && websocat.contains("room=fixture-room"),
        "websocat command should use the room setting, got: {websocat}"
    );

    click(c, &root, "Drop connection").await?;
    wait_until(
        c,
        "the websocket widget to notice the drop",
        secs(5),
        "return document.querySelector(arguments[0]).dataset.state !== 'connected' || document.querySelector(arguments[0] + ' .wb-msg-system')?.textContent.includes('reconnecting');",
        vec![json!(root)],
    )
    .await?;
    wait_state(c, "websocket", "connected", secs(15)).await?;
    Ok(())
}

/// A published event arrives; after a dropped connection the missed one arrives.
async fn sse(c: &Client) -> Result<()> {
    let root = demo("sse");
    show(c, "sse").await?;
    wait_state(c, "sse", "connected", secs(15)).await?;
    let title_input = format!("{root} form input");

    let live = unique("Live push");
    type_into(c, &title_input, &live).await?;
    click(c, &root, "Publish").await?;
    let has_event = "return [...document.querySelectorAll(arguments[0] + ' .wb-event')].find((e) => e.querySelector('.wb-event-title').textContent === arguments[1])?.className || '';";
    wait_until(
        c,
        "the published event to arrive",
        secs(10),
        has_event,
        vec![json!(root), json!(live)],
    )
    .await?;

    click(c, &root, "Drop connection").await?;
    let missed = unique("Missed while offline");
    type_into(c, &title_input, &missed).await?;
    click(c, &root, "Publish").await?;
    wait_until(
        c,
        "the second publish to be accepted (202)",
        secs(10),
        "return document.querySelectorAll(arguments[0] + ' .wb-publog li').length >= 2;",
        vec![json!(root)],
    )
    .await?;
    let early = js(c, has_event, vec![json!(root), json!(missed)]).await?;
    ensure!(
        early.as_str() == Some(""),
        "the event published while dropped must not arrive before reconnecting"
    );
    click(c, &root, "Reconnect now").await?;
    let class = wait_until(
        c,
        "the missed event to arrive after reconnect",
        secs(15),
        has_event,
        vec![json!(root), json!(missed)],
    )
    .await?;
    ensure!(
        class.as_str().unwrap_or_default().contains("wb-replayed"),
        "the missed event should be marked as replayed, class was {class}"
    );
    wait_state(c, "sse", "connected", secs(5)).await?;
    // No event twice, ids strictly increasing.
    let ids = js(
        c,
        "return [...document.querySelectorAll(arguments[0] + ' .wb-event')].map((e) => Number(e.dataset.id));",
        vec![json!(root)],
    )
    .await?;
    let ids: Vec<u64> = serde_json::from_value(ids)?;
    ensure!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "event ids should increase without duplicates: {ids:?}"
    );
    Ok(())
}

fn bytes(v: &Value, key: &str) -> Result<u64> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no {key} in {v}"))
}

/// Fewer fields over GraphQL move fewer bytes than REST; more fields, more bytes.
async fn graphql(c: &Client) -> Result<()> {
    let root = demo("graphql");
    show(c, "graphql").await?;
    let read = "const v = document.querySelector(arguments[0] + ' .wb-verdict'); \
        return v && v.dataset.gqlBytes ? {gql: v.dataset.gqlBytes, rest: v.dataset.restBytes, n: arguments[1]} : null;";
    let first = wait_until(
        c,
        "the first GraphQL/REST comparison",
        secs(15),
        read,
        vec![json!(root), json!(1)],
    )
    .await?;
    let (gql, rest) = (bytes(&first, "gql")?, bytes(&first, "rest")?);
    ensure!(
        gql > 0 && gql < rest,
        "id+title over GraphQL should be smaller than REST: {gql} vs {rest}"
    );
    let answer = text_of(c, &format!("{root} .wb-gql pre")).await?;
    ensure!(
        answer.contains("\"title\"") && !answer.contains("\"body\""),
        "GraphQL answer should hold only the asked fields:\n{answer}"
    );

    // Ask for the body too: the GraphQL response grows.
    let body_box = c
        .find(fantoccini::Locator::XPath(
            "//figure[@data-demo='graphql']//label[normalize-space(.)='body']/input",
        ))
        .await?;
    body_box.click().await?;
    js(
        c,
        "document.querySelector(arguments[0] + ' .wb-verdict').dataset.gqlBytes = '';",
        vec![json!(root)],
    )
    .await?;
    click(c, &root, "Run query").await?;
    let second = wait_until(
        c,
        "the second comparison",
        secs(15),
        read,
        vec![json!(root), json!(2)],
    )
    .await?;
    let bigger = bytes(&second, "gql")?;
    ensure!(
        bigger > gql,
        "asking for `body` should move more bytes: {bigger} vs {gql}"
    );
    let state = js(
        c,
        "return document.querySelector(arguments[0]).dataset.state;",
        vec![json!(root)],
    )
    .await?;
    ensure!(
        state == json!("connected"),
        "graphql widget state should be connected, was {state}"
    );
    Ok(())
}

/// The comparison table fills with numbers for all four techniques.
async fn compare(c: &Client) -> Result<()> {
    let root = demo("compare");
    show(c, "compare").await?;
    click(c, &root, "Run comparison").await?;
    let rows = wait_until(
        c,
        "every row of the comparison table to fill",
        secs(90),
        "const rows = [...document.querySelectorAll(arguments[0] + ' tbody tr')]; \
         const done = rows.every((r) => /done|failed/.test(r.querySelector('[data-metric=status]').textContent)); \
         return done ? rows.map((r) => ({ tech: r.dataset.technique, status: r.querySelector('[data-metric=status]').textContent, \
           latency: r.querySelector('[data-metric=latency]').dataset.value, requests: r.querySelector('[data-metric=requests]').dataset.value, \
           bytes: r.querySelector('[data-metric=bytes]').dataset.value })) : null;",
        vec![json!(root)],
    )
    .await?;
    let rows = rows.as_array().cloned().unwrap_or_default();
    ensure!(rows.len() == 4, "expected 4 techniques, got {rows:?}");
    for row in &rows {
        let status = row["status"].as_str().unwrap_or_default();
        ensure!(status == "done", "compare row failed: {row}");
        for metric in ["latency", "requests", "bytes"] {
            let n: f64 = row[metric]
                .as_str()
                .and_then(|s| s.parse().ok())
                .with_context(|| format!("{metric} missing in {row}"))?;
            ensure!(
                n >= 0.0 && (metric == "latency" || n > 0.0),
                "{metric} should be a positive number in {row}"
            );
        }
    }
    wait_state(c, "compare", "connected", secs(5)).await?;
    Ok(())
}

/// A `js run` snippet's output appears in its console; Stop closes its stream.
async fn snippets(c: &Client) -> Result<()> {
    let ids = snippet_ids(c).await?;
    ensure!(
        ids.len() == 3,
        "the fixture has three `js run` snippets, found {ids:?}"
    );
    let first = ids[0].as_str();
    click(c, first, "Run").await?;
    let out = wait_until(
        c,
        "the snippet's console.log output",
        secs(10),
        "const log = document.querySelector(arguments[0] + ' [role=log]'); return log && log.innerText.includes('GET /api/posts -> 200') ? log.innerText : null;",
        vec![json!(first)],
    )
    .await?;
    ensure!(
        out.as_str().unwrap_or_default().contains('#'),
        "the snippet should list posts:\n{out}"
    );

    let second = ids[1].as_str();
    click(c, second, "Run").await?;
    wait_until(
        c,
        "the EventSource snippet to open its stream",
        secs(10),
        "return document.querySelector(arguments[0] + ' [role=log]').innerText.includes('stream open');",
        vec![json!(second)],
    )
    .await?;
    click(c, second, "Stop").await?;
    wait_until(
        c,
        "Stop to close the snippet's stream",
        secs(5),
        "const r = document.querySelector(arguments[0]); return !r.dataset.running && r.querySelector('[role=log]').innerText.includes('Stopped.');",
        vec![json!(second)],
    )
    .await?;

    // Errors land in the console too: thrown, and rejected without a handler.
    let third = ids[2].as_str();
    click(c, third, "Run").await?;
    wait_until(
        c,
        "the snippet's error and unhandled rejection in its console",
        secs(10),
        "const t = document.querySelector(arguments[0] + ' [role=log]').innerText; \
         return t.includes('Uncaught Error: thrown on purpose') && t.includes('Unhandled promise rejection: Error: nobody caught this');",
        vec![json!(third)],
    )
    .await?;
    Ok(())
}

/// CSS selectors (`#run-N`) of the page's runnable snippets, in order.
async fn snippet_ids(c: &Client) -> Result<Vec<String>> {
    let v = js(
        c,
        "return [...document.querySelectorAll('.wb-run[data-run]')].map((e) => '#' + e.id);",
        vec![],
    )
    .await?;
    Ok(serde_json::from_value(v)?)
}

// ─────────────────────────────── screenshots ───────────────────────────────

async fn shoot_all(c: &Client, suffix: &str) -> Result<()> {
    for theme in ["light", "dark"] {
        set_theme(c, theme).await?;
        for kind in KINDS {
            screenshot(c, &demo(kind), &format!("{kind}-{suffix}-{theme}")).await?;
        }
        screenshot(
            c,
            &snippet_ids(c).await?[0],
            &format!("run-{suffix}-{theme}"),
        )
        .await?;
    }
    set_theme(c, "light").await?;
    Ok(())
}

async fn step(name: &str, fut: impl std::future::Future<Output = Result<()>>) -> Result<()> {
    let t = Instant::now();
    let r = fut.await.with_context(|| format!("step `{name}` failed"));
    eprintln!(
        "  {name}: {} in {:.1} s",
        if r.is_ok() { "ok" } else { "FAILED" },
        t.elapsed().as_secs_f64()
    );
    r
}

/// Every widget and snippet, start to finish, then where they ran and what the page logged.
async fn tour(c: &Client, fx: &Fixture, backend: &str) -> Result<()> {
    step("ajax", ajax(c, fx, backend)).await?;
    step("websocket", websocket(c)).await?;
    step("sse", sse(c)).await?;
    step("graphql", graphql(c)).await?;
    step("compare", compare(c)).await?;
    step("js run", snippets(c)).await?;
    step("backend", ran_on(c, backend)).await
}

/// Every widget and snippet says where it ran (`data-backend`), a page whose demos run in
/// the browser says so in each widget, and nothing was logged as an error.
async fn ran_on(c: &Client, backend: &str) -> Result<()> {
    let found = js(
        c,
        "return [...document.querySelectorAll('figure.wb-demo, .wb-run[data-run]')].map((e) => (e.id || e.dataset.demo) + '=' + e.dataset.backend);",
        vec![],
    )
    .await?;
    let found: Vec<String> = serde_json::from_value(found)?;
    ensure!(
        found.len() == KINDS.len() + 3 && found.iter().all(|f| f.ends_with(&format!("={backend}"))),
        "every widget and snippet should run on the {backend} backend: {found:?}"
    );
    let notes = js(
        c,
        "return [...document.querySelectorAll('figure.wb-demo')].map((f) => [f.querySelector('.wb-backend-note')?.innerText || '', f.querySelector('.wb-state').innerText]);",
        vec![],
    )
    .await?;
    let notes: Vec<(String, String)> = serde_json::from_value(notes)?;
    for (note, badge) in &notes {
        if backend == "browser" {
            ensure!(
                note.contains("in your browser") && badge.contains("in your browser"),
                "a widget running in the browser must say so in its note and badge: {note:?} / {badge:?}"
            );
        } else {
            ensure!(
                note.is_empty() && !badge.contains("browser"),
                "server widgets have no browser note: {note:?} / {badge:?}"
            );
        }
    }
    // The third snippet rejects a promise on purpose; anything else is a defect.
    let errors = js(c, "return window.pageErrors || null;", vec![]).await?;
    let errors: Vec<String> =
        serde_json::from_value(errors).context("the fixture's error collector is missing")?;
    let unexpected: Vec<&String> = errors
        .iter()
        .filter(|e| !e.contains("nobody caught this"))
        .collect();
    ensure!(
        unexpected.is_empty(),
        "the page logged errors: {unexpected:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_widget_works_against_the_examples_server() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let addr = examples_server().await?;
    let fx = fixture(&format!("http://{addr}")).await?;

    with_session(&driver, Viewport::Desktop, |c| async {
        c.goto(&fx.page).await?;
        tour(&c, &fx, "server").await?;
        step("screenshots (desktop)", shoot_all(&c, "desktop")).await?;
        Ok(c)
    })
    .await?;

    // A 360 px phone: every widget still connects and fits; screenshots for review.
    with_session(&driver, Viewport::Phone, |c| async {
        c.goto(&fx.page).await?;
        for kind in ["ajax", "websocket", "sse"] {
            show(&c, kind).await?;
            wait_state(&c, kind, "connected", secs(15)).await?;
        }
        show(&c, "graphql").await?;
        wait_until(&c, "graphql on the phone", secs(15), "return document.querySelector(arguments[0] + ' .wb-verdict').dataset.gqlBytes;", vec![json!(demo("graphql"))]).await?;
        let overflow = js(
            &c,
            "return [...document.querySelectorAll('.wb-demo, .wb-run')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.id);",
            vec![],
        )
        .await?;
        ensure!(overflow == json!([]), "widgets wider than a 360 px phone: {overflow}");
        step("screenshots (phone)", shoot_all(&c, "phone")).await?;
        Ok(c)
    })
    .await?;
    eprintln!("screenshots in {}", browser::screenshot_dir().display());
    Ok(())
}

/// A site published to a static host (built for `https://x.github.io/repo/`, served
/// under `/repo/` by a plain file server, no examples server anywhere): every demo and
/// snippet runs in the reader's browser, says so, and works end to end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_widget_works_in_the_browser_on_a_static_host() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let fx = build_and_serve(
        "",
        &SiteOpts {
            base_url: Some("https://x.github.io/repo/"),
            ..SiteOpts::default()
        },
    )
    .await?;
    ensure!(
        fx.page.contains("/repo/widgets/"),
        "served under the base path: {}",
        fx.page
    );

    with_session(&driver, Viewport::Desktop, |c| async {
        c.goto(&fx.page).await?;
        tour(&c, &fx, "browser").await?;
        let text = text_of(&c, "main").await?;
        ensure!(
            !text.contains("cargo"),
            "a reader of a published site must never be told to run cargo:\n{text}"
        );
        screenshot(&c, &demo("websocket"), "browser-websocket-desktop-light").await?;
        Ok(c)
    })
    .await
}

/// Two tabs of the same published page: the in-browser backends of the two tabs relay
/// chat to each other (BroadcastChannel), as two readers would see each other through
/// the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_chat_with_each_other_in_the_browser() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let fx = build_and_serve("", &SiteOpts::default()).await?;

    with_session(&driver, Viewport::Desktop, |c| async {
        c.goto(&fx.page).await?;
        let first = c.window().await?;
        show(&c, "websocket").await?;
        wait_state(&c, "websocket", "connected", secs(15)).await?;
        let second = c.new_window(true).await?.handle;
        c.switch_to_window(second.clone()).await?;
        c.goto(&fx.page).await?;
        show(&c, "websocket").await?;
        wait_state(&c, "websocket", "connected", secs(15)).await?;
        let root = demo("websocket");
        let text = unique("From the second tab");
        type_into(&c, &format!("{root} .wb-pane:nth-of-type(1) input"), &text).await?;
        click(&c, &format!("{root} .wb-pane:nth-of-type(1)"), "Send").await?;

        c.switch_to_window(first).await?;
        wait_until(
            &c,
            "the second tab's message to reach the first tab's panes",
            secs(10),
            "return [...document.querySelectorAll(arguments[0] + ' .wb-pane:nth-of-type(2) .wb-msg-text')].some((e) => e.textContent === arguments[1]);",
            vec![json!(root), json!(text)],
        )
        .await?;
        let members = text_of(&c, &format!("{root} .wb-pane:nth-of-type(2) h3, {root} .wb-pane:nth-of-type(2) h4")).await?;
        ensure!(members.contains('4'), "both tabs' Alice and Bob are in the room: {members:?}");
        Ok(c)
    })
    .await
}

/// `[examples] url` names a server that is down: the demos run in the browser instead,
/// and each says why in one line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_fall_back_to_the_browser_when_the_server_is_down() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let fx = fixture(&format!("http://127.0.0.1:{port}")).await?;

    with_session(&driver, Viewport::Desktop, |c| async {
        c.goto(&fx.page).await?;
        tour(&c, &fx, "browser").await?;
        let note = text_of(&c, &format!("{} .wb-backend-note", demo("ajax"))).await?;
        ensure!(
            note.contains(&format!("127.0.0.1:{port}"))
                && note.contains("isn't reachable")
                && note.contains("in your browser instead"),
            "the fallback should name the server and why, got: {note}"
        );
        ensure!(!note.contains('\n'), "one line: {note}");
        Ok(c)
    })
    .await
}

/// One contract, two implementations: the same requests, frames and streams
/// (tests/contract/scenario.js) go to a fresh examples server and to a fresh in-browser
/// backend, from the same page, and must come back the same, apart from what the
/// scenario normalises (timestamps, SSE event ids, parser error wording).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_in_browser_backend_keeps_the_servers_contract() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let addr = examples_server().await?;
    let fx = build_and_serve("", &SiteOpts::default()).await?;
    let home = fx.page.trim_end_matches("widgets/").to_owned();

    with_session(&driver, Viewport::Desktop, |c| async {
        // The home page has no demos: the test loads backend.js itself.
        c.goto(&home).await?;
        c.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(secs(120)),
            None,
            None,
        ))
        .await?;
        let results = js(
            &c,
            "return (async () => {
               const scenario = eval(arguments[0]);
               await new Promise((ok, fail) => {
                 const s = document.createElement('script');
                 s.src = arguments[2] + 'assets/backend.js';
                 s.onload = ok; s.onerror = fail;
                 document.head.append(s);
               });
               const backend = window.WirebookBackend.fresh({ origin: location.origin, assets: arguments[2] + 'assets/' });
               const run = async (net) => { try { return await scenario(net); } catch (e) { return [{ failed: String(e && e.stack || e) }]; } };
               const server = await run({ fetch: window.fetch.bind(window), WebSocket: window.WebSocket, base: arguments[1] });
               const browser = await run({ fetch: backend.fetch, WebSocket: backend.WebSocket, base: location.origin });
               return { server, browser };
             })();",
            vec![
                json!(include_str!("contract/scenario.js")),
                json!(format!("http://{addr}")),
                json!(home),
            ],
        )
        .await?;
        let server = results["server"].as_array().cloned().unwrap_or_default();
        let browser = results["browser"].as_array().cloned().unwrap_or_default();
        for (name, side) in [("server", &server), ("browser", &browser)] {
            if let Some(failed) = side.iter().find_map(|o| o.get("failed")) {
                bail!("the scenario failed against the {name}: {failed}");
            }
        }
        let mut drift = Vec::new();
        for (s, b) in server.iter().zip(&browser) {
            if s != b {
                drift.push(format!(
                    "step {}:\n  server:  {s}\n  browser: {b}",
                    s["step"]
                ));
            }
        }
        ensure!(
            server.len() == browser.len() && drift.is_empty(),
            "the in-browser backend drifted from the examples server ({} vs {} observations):\n{}",
            server.len(),
            browser.len(),
            drift.join("\n")
        );
        ensure!(server.len() >= 50, "the scenario ran only {} steps", server.len());
        eprintln!("contract: {} observations agree; the last three:\n{:#}", server.len(), json!(server[server.len() - 3..]));
        Ok(c)
    })
    .await
}

/// A static host answers `/api` and `/graphql` with its HTML 404 page. With the fallback
/// turned off (`backend = "server"`), no widget may call that an answer: none reaches
/// `connected`, and each says the answer was not the examples server's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_error_page_is_never_connected() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let fx = build_and_serve(
        "",
        &SiteOpts {
            backend: Some("server"),
            ..SiteOpts::default()
        },
    )
    .await?;

    with_session(&driver, Viewport::Desktop, |c| async {
        c.goto(&fx.page).await?;
        for kind in ["ajax", "graphql"] {
            show(&c, kind).await?;
            let state = wait_until(
                &c,
                &format!("the {kind} widget to settle"),
                secs(15),
                "const s = document.querySelector(arguments[0]).dataset.state; return s === 'connecting' || s === 'idle' ? null : s;",
                vec![json!(demo(kind))],
            )
            .await?;
            ensure!(state != json!("connected"), "{kind}: an HTML 404 page is not the examples server");
            let notice = text_of(&c, &format!("{} .wb-notice", demo(kind))).await?;
            ensure!(
                notice.contains("not JSON") || notice.contains("isn't reachable"),
                "{kind}: the notice should say what answered, got:\n{notice}"
            );
        }
        // Asked again by hand, GraphQL gets the static host's 405 and 404 pages: still no
        // comparison of two HTML pages presented as GraphQL and REST answers.
        click(&c, &demo("graphql"), "Run query").await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let after = js(
            &c,
            "const f = document.querySelector(arguments[0]); return [f.dataset.state, f.querySelector('.wb-verdict').dataset.gqlBytes || ''];",
            vec![json!(demo("graphql"))],
        )
        .await?;
        ensure!(
            after[0] != json!("connected") && after[1] == json!(""),
            "graphql after Run query: {after}"
        );
        Ok(c)
    })
    .await
}

/// Without a server every widget says so plainly, with the command to start it,
/// and the rest of the page (including snippets) keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_explain_an_unreachable_server() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    // `backend = "server"`: no in-browser fallback, so the failure itself is shown.
    let fx = build_and_serve(
        &format!("http://127.0.0.1:{port}"),
        &SiteOpts {
            backend: Some("server"),
            ..SiteOpts::default()
        },
    )
    .await?;

    with_session(&driver, Viewport::Desktop, |c| async {
        c.goto(&fx.page).await?;
        for kind in KINDS {
            show(&c, kind).await?;
        }
        for kind in KINDS {
            wait_state(&c, kind, "offline", secs(20)).await?;
            let notice = text_of(&c, &format!("{} .wb-notice", demo(kind))).await?;
            ensure!(
                notice.contains("isn't reachable") && notice.contains("cargo run --release -- serve") && notice.contains("cargo run -p examples-server"),
                "{kind}: offline notice should explain and give the commands, got:\n{notice}"
            );
        }
        let first = snippet_ids(&c).await?.remove(0);
        click(&c, &first, "Run").await?;
        wait_until(
            &c,
            "the snippet to explain the failed fetch",
            secs(10),
            "return document.querySelector(arguments[0] + ' [role=log]').innerText.includes(\"isn't reachable\");",
            vec![json!(first)],
        )
        .await?;
        let title = text_of(&c, "h1").await?;
        if title.is_empty() {
            bail!("the page itself should still render");
        }
        screenshot(&c, &demo("sse"), "offline-sse-desktop-light").await?;
        Ok(c)
    })
    .await
}

/// A page whose origin the examples server does not allow: the widgets name
/// CORS (or, for WebSocket, the Origin check) and the flag that fixes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_explain_a_cors_refusal() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let addr = examples_server().await?;
    // 127.0.0.2 is loopback too, but not among the origins the server allows by default.
    let fx = build_and_serve(
        &format!("http://{addr}"),
        &SiteOpts {
            host: "127.0.0.2",
            backend: Some("server"),
            ..SiteOpts::default()
        },
    )
    .await?;

    with_session(&driver, Viewport::Desktop, |c| async {
        c.goto(&fx.page).await?;
        for kind in ["ajax", "websocket", "graphql"] {
            show(&c, kind).await?;
            wait_state(&c, kind, "error", secs(20)).await?;
            let notice = text_of(&c, &format!("{} .wb-notice", demo(kind))).await?;
            let named = if kind == "websocket" {
                "Origin"
            } else {
                "CORS"
            };
            ensure!(
                notice.contains(named) && notice.contains("--allow-origin http://127.0.0.2:"),
                "{kind}: the notice should blame {named} and give the fix, got:\n{notice}"
            );
        }
        Ok(c)
    })
    .await
}

/// An examples-server instance on Redis, subscribed and ready.
async fn instance_on(redis: &services::RedisServer) -> Result<SocketAddr> {
    let addr = examples_server_with(examples_server::Config {
        redis_url: Some(redis.url()),
        ..in_memory()
    })
    .await?;
    let deadline = Instant::now() + secs(10);
    while reqwest::get(format!("http://{addr}/readyz"))
        .await?
        .status()
        != 200
    {
        ensure!(
            Instant::now() < deadline,
            "instance {addr} never became ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(addr)
}

/// Two readers whose pages point at two different instances (as a load
/// balancer would spread them) chat with each other and see each other's
/// events: the widgets work unchanged on a scaled-out deployment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_on_two_instances_reach_each_other_through_redis() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    if !services::require("redis") {
        return Ok(());
    }
    let redis = services::RedisServer::spawn().await?;
    let a = instance_on(&redis).await?;
    let b = instance_on(&redis).await?;
    let site_a = fixture(&format!("http://{a}")).await?;
    let site_b = fixture(&format!("http://{b}")).await?;

    let profiles = tempfile::tempdir()?;
    let alice = driver
        .session(Viewport::Desktop, &profile(&profiles, "alice"))
        .await?;
    let bob = driver
        .session(Viewport::Desktop, &profile(&profiles, "bob"))
        .await?;
    let result = async {
        alice.goto(&site_a.page).await?;
        bob.goto(&site_b.page).await?;
        for c in [&alice, &bob] {
            for kind in ["websocket", "sse"] {
                show(c, kind).await?;
                wait_state(c, kind, "connected", secs(15)).await?;
            }
        }
        // Chat: typed on instance A's page, shown on instance B's page.
        let text = unique("Across instances");
        let chat = demo("websocket");
        show(&alice, "websocket").await?;
        type_into(&alice, &format!("{chat} .wb-pane:nth-of-type(1) input"), &text).await?;
        click(&alice, &format!("{chat} .wb-pane:nth-of-type(1)"), "Send").await?;
        show(&bob, "websocket").await?;
        wait_until(
            &bob,
            "the message from the other instance",
            secs(10),
            "return [...document.querySelectorAll(arguments[0] + ' .wb-msg-text')].some((e) => e.textContent === arguments[1]);",
            vec![json!(chat), json!(text)],
        )
        .await?;
        // SSE: published from instance A's page, pushed by instance B.
        let news = demo("sse");
        let title = unique("Pushed across");
        show(&alice, "sse").await?;
        type_into(&alice, &format!("{news} form input"), &title).await?;
        click(&alice, &news, "Publish").await?;
        show(&bob, "sse").await?;
        wait_until(
            &bob,
            "the event published through the other instance",
            secs(10),
            "return [...document.querySelectorAll(arguments[0] + ' .wb-event-title')].some((e) => e.textContent === arguments[1]);",
            vec![json!(news), json!(title)],
        )
        .await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        for (who, c) in [("two-instances-alice", &alice), ("two-instances-bob", &bob)] {
            keep_failure_screenshot(c, who).await;
        }
    }
    let _ = alice.close().await;
    let _ = bob.close().await;
    result
}

/// A server that accepts a request and never answers: the widget gives up
/// after its timeout and says so, instead of spinning forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_never_gets_an_answer_times_out_in_plain_words() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let state = examples_server::AppState::new(&in_memory()).await?;
    // `/hang` never answers; everything else (the reachability probe
    // included) is the real examples server.
    let app = axum::Router::new()
        .route(
            "/hang",
            axum::routing::get(std::future::pending::<&'static str>),
        )
        .fallback_service(examples_server::app(state));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .ok();
    });
    let slow_post = "---\ntitle: A slow endpoint\ndate: 2025-06-13\npermalink: /slow/\n---\n\n\
                     ```demo ajax\ntitle: Posts that never come\nendpoint: /hang\n```\n";
    let fx = fixture_with(
        &format!("http://{addr}"),
        "127.0.0.1",
        &[("2025-06-13-slow.md", slow_post)],
        None,
    )
    .await?;
    let page = fx.page.replace("/widgets/", "/slow/");
    with_session(&driver, Viewport::Desktop, |c| async {
        c.goto(&page).await?;
        show(&c, "ajax").await?;
        wait_state(&c, "ajax", "error", secs(25)).await?;
        let notice = text_of(&c, &format!("{} .wb-notice", demo("ajax"))).await?;
        ensure!(
            notice.contains("No answer from")
                && notice.contains("within 10 s")
                && notice.contains("/hang"),
            "the timeout should be explained, got:\n{notice}"
        );
        Ok(c)
    })
    .await
}

/// On a Korean page (`language = "ko"`) the widgets speak Korean — buttons,
/// states, chat notices — and work exactly as in English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_speak_the_page_s_language() -> Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let addr = examples_server().await?;
    let untitled =
        "---\ntitle: 기본 제목\ndate: 2025-06-13\npermalink: /untitled/\n---\n\n```demo sse\n```\n";
    let fx = fixture_with(
        &format!("http://{addr}"),
        "127.0.0.1",
        &[("2025-06-13-untitled.md", untitled)],
        Some("ko"),
    )
    .await?;
    with_session(&driver, Viewport::Desktop, |c| async {
        c.goto(&fx.page).await?;
        let chat = demo("websocket");
        show(&c, "websocket").await?;
        wait_state(&c, "websocket", "connected", secs(15)).await?;
        let badge = text_of(&c, &format!("{chat} .wb-state")).await?;
        ensure!(badge == "연결됨", "state badge: {badge:?}");
        let toolbar = text_of(&c, &format!("{chat} .wb-toolbar")).await?;
        ensure!(
            toolbar.contains("연결 끊기") && toolbar.contains("연결 끊어 보기") && !toolbar.contains("Disconnect"),
            "toolbar: {toolbar:?}"
        );
        let text = unique("한국어로 인사");
        let alice = format!("{chat} .wb-pane:nth-of-type(1)");
        type_into(&c, &format!("{alice} input"), &text).await?;
        click(&c, &alice, "보내기").await?;
        wait_until(
            &c,
            "the message to reach the other pane",
            secs(10),
            "return [...document.querySelectorAll(arguments[0] + ' .wb-pane:nth-of-type(2) .wb-msg-text')].some((e) => e.textContent === arguments[1]);",
            vec![json!(chat), json!(text)],
        )
        .await?;
        let log = text_of(&c, &format!("{chat} .wb-pane:nth-of-type(2) .wb-chat")).await?;
        ensure!(log.contains("님이 들어왔습니다"), "join notices in Korean: {log:?}");
        show(&c, "ajax").await?;
        wait_state(&c, "ajax", "connected", secs(15)).await?;
        let form = text_of(&c, &format!("{} form", demo("ajax"))).await?;
        ensure!(form.contains("글 올리기") && form.contains("작성자"), "ajax form: {form:?}");
        screenshot(&c, &chat, "websocket-desktop-ko").await?;
        // A demo without a title gets the generator's default, in Korean too.
        c.goto(&fx.page.replace("/widgets/", "/untitled/")).await?;
        show(&c, "sse").await?;
        let caption = text_of(&c, &format!("{} .wb-title-text", demo("sse"))).await?;
        ensure!(caption == "Server-Sent Events: 뉴스 티커", "default title: {caption:?}");
        Ok(c)
    })
    .await
}
