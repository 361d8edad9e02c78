//! `wirebook serve` in headless Chromium: a page open in the browser follows edits to its
//! Markdown on disk without a manual reload, keeps its scroll position, and shows (then
//! clears) the build-error overlay.

// Shared with the widget tests; this file uses only part of it.
#[allow(dead_code)]
mod browser;

use std::time::Duration;

use browser::{js, wait_until, Driver, Viewport};
use serde_json::json;

fn post(title: &str, marker: &str) -> String {
    let filler: String = (1..=60)
        .map(|i| format!("Paragraph {i} of a long post, so the page can scroll.\n\n"))
        .collect();
    format!("---\ntitle: \"{title}\"\n---\n\n<p id=\"marker\">{marker}</p>\n\n{filler}")
}

type Server = tokio::task::JoinHandle<anyhow::Result<()>>;

/// Starts `serve` over `root` on 127.0.0.1:0; send on the returned channel to stop it.
async fn serve(
    root: &std::path::Path,
    examples: bool,
) -> anyhow::Result<(String, tokio::sync::oneshot::Sender<()>, Server)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let opts = wirebook::serve::ServeOptions {
        root: root.to_path_buf(),
        port: 0,
        examples,
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(wirebook::serve::run_on(listener, opts, async {
        let _ = stopped.await;
    }));
    Ok((base, stop, server))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_page_follows_edits_on_disk() -> anyhow::Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("posts"))?;
    let file = root.join("posts/2025-01-01-live.md");
    std::fs::write(&file, post("Live", "before"))?;

    let (base, stop, server) = serve(&root, false).await?;

    let client = driver
        .session(Viewport::Desktop, &dir.path().join("profile"))
        .await?;
    let result = async {
        client.goto(&format!("{base}/2025/01/01/live/")).await?;
        let text = "return document.getElementById('marker') && document.getElementById('marker').textContent";
        wait_until(&client, "the first page", Duration::from_secs(10), &format!("{text} === 'before'"), vec![]).await?;
        // Wait for the live-reload stream to be open before editing.
        wait_until(&client, "the live-reload connection", Duration::from_secs(10),
            "return document.documentElement.getAttribute('data-wirebook-live') === 'connected'", vec![]).await?;
        js(&client, "window.scrollTo(0, 600); window.__sameDocument = true; return true", vec![]).await?;

        std::fs::write(&file, post("Live", "after"))?;
        wait_until(&client, "the edited text", Duration::from_secs(10), &format!("{text} === 'after'"), vec![]).await?;
        let y = js(&client, "return window.scrollY", vec![]).await?;
        assert!((y.as_f64().unwrap() - 600.0).abs() < 5.0, "scroll position kept across the reload: {y}");
        let same = js(&client, "return window.__sameDocument === true", vec![]).await?;
        assert_eq!(same, json!(false), "the page reloaded itself");

        // A broken edit shows the overlay over the last good page; fixing it clears it.
        std::fs::write(&file, "---\ntitle: [unclosed\n---\nbody\n")?;
        let msg = wait_until(&client, "the error overlay", Duration::from_secs(10),
            "const o = document.getElementById('wirebook-error-overlay'); return o && o.textContent", vec![]).await?;
        assert!(msg.as_str().unwrap().contains("posts/2025-01-01-live.md:3:1"), "{msg}");
        std::fs::write(&file, post("Live", "fixed"))?;
        wait_until(&client, "the fixed page without overlay", Duration::from_secs(10),
            &format!("{text} === 'fixed' && !document.getElementById('wirebook-error-overlay')"), vec![]).await?;
        anyhow::Ok(())
    }
    .await;
    if result.is_err() {
        let _ = browser::screenshot(&client, "body", "serve-live-reload-failure").await;
    }
    client.close().await?;
    stop.send(()).ok();
    server.await??;
    result
}

/// With an empty `examples.url`, widgets talk to the page's own origin: what
/// `wirebook serve` provides by mounting the examples server beside the site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_work_same_origin_under_serve() -> anyhow::Result<()> {
    same_origin(true, "connected").await
}

/// `serve --no-examples`: the site's own 404 answers /api, and the widgets say the examples
/// server is not there (not a CORS problem, not "connected").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_say_offline_under_serve_without_examples() -> anyhow::Result<()> {
    same_origin(false, "offline").await
}

async fn same_origin(examples: bool, expect: &str) -> anyhow::Result<()> {
    let Some(driver) = Driver::start().await? else {
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("posts"))?;
    std::fs::write(root.join("wirebook.toml"), "[examples]\nurl = \"\"\n")?;
    std::fs::write(
        root.join("posts/2025-01-01-demo.md"),
        "---\ntitle: Demo\n---\n\n```demo ajax\n```\n\n```demo sse\n```\n",
    )?;
    let (base, stop, server) = serve(&root, examples).await?;
    let client = driver
        .session(Viewport::Desktop, &dir.path().join("profile"))
        .await?;
    let result = async {
        client.goto(&format!("{base}/2025/01/01/demo/")).await?;
        let meta = js(
            &client,
            "return document.querySelector('meta[name=\"wirebook:examples\"]').content",
            vec![],
        )
        .await?;
        assert_eq!(meta, json!(""));
        for kind in ["ajax", "sse"] {
            browser::show(&client, kind).await?;
            if kind == "sse" {
                let _ = browser::click(&client, &browser::demo("sse"), "Connect").await;
            }
            browser::wait_state(&client, kind, expect, Duration::from_secs(15)).await?;
        }
        anyhow::Ok(())
    }
    .await;
    if result.is_err() {
        let _ = browser::screenshot(&client, "body", "serve-same-origin-failure").await;
    }
    client.close().await?;
    stop.send(()).ok();
    server.await??;
    result
}
