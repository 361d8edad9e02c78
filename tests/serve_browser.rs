//! `wirebook serve` in headless Chromium: a page open in the browser follows edits to its
//! Markdown on disk by morphing the rebuilt page into itself (scroll position, open
//! `<details>` and running widgets survive), shows (then clears) the build-error overlay,
//! and catches up with an edit made before its live-reload channel opened.

use test_support::browser;

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
    serve_at(root, examples, "127.0.0.1:0").await
}

/// [`serve`] on a given address (a restart on the same port).
async fn serve_at(
    root: &std::path::Path,
    examples: bool,
    addr: &str,
) -> anyhow::Result<(String, tokio::sync::oneshot::Sender<()>, Server)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
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

/// One post served live and open in Chromium: what the live-reload tests start from.
struct Live {
    client: fantoccini::Client,
    file: std::path::PathBuf,
    root: std::path::PathBuf,
    base: String,
    /// Stops the running `serve`.
    server: Option<(tokio::sync::oneshot::Sender<()>, Server)>,
    _driver: Driver,
    _dir: tempfile::TempDir,
}

impl Live {
    /// `None` when the browser is missing outside CI (the driver said so loudly).
    async fn start(examples: bool, text: &str) -> anyhow::Result<Option<Live>> {
        let Some(driver) = Driver::start().await? else {
            return Ok(None);
        };
        let dir = tempfile::tempdir()?;
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("posts"))?;
        let file = root.join("posts/2025-01-01-live.md");
        std::fs::write(&file, text)?;
        let (base, stop, server) = serve(&root, examples).await?;
        let client = driver
            .session(Viewport::Desktop, &dir.path().join("profile"))
            .await?;
        Ok(Some(Live {
            client,
            file,
            root,
            base,
            server: Some((stop, server)),
            _driver: driver,
            _dir: dir,
        }))
    }

    fn url(&self) -> String {
        format!("{}/2025/01/01/live/", self.base)
    }

    async fn stop_server(&mut self) -> anyhow::Result<()> {
        if let Some((stop, server)) = self.server.take() {
            stop.send(()).ok();
            server.await??;
        }
        Ok(())
    }

    /// Screenshots a failure, closes the browser and the server, returns `result`.
    async fn finish(mut self, result: anyhow::Result<()>, shot: &str) -> anyhow::Result<()> {
        if result.is_err() {
            let _ = browser::screenshot(&self.client, "body", shot).await;
        }
        self.client.clone().close().await?;
        self.stop_server().await?;
        result
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_page_follows_edits_on_disk() -> anyhow::Result<()> {
    let Some(live) = Live::start(false, &post("Live", "before")).await? else {
        return Ok(());
    };
    let (client, file) = (&live.client, &live.file);
    let result = async {
        client.goto(&live.url()).await?;
        let text = "return document.getElementById('marker') && document.getElementById('marker').textContent";
        wait_until(client, "the first page", Duration::from_secs(10), &format!("{text} === 'before'"), vec![]).await?;
        // Wait for the live-reload stream to be open before editing.
        wait_until(client, "the live-reload connection", Duration::from_secs(10), CONNECTED, vec![]).await?;
        js(client, "window.scrollTo(0, 600); window.__sameDocument = true; return true", vec![]).await?;

        std::fs::write(file, post("Live", "after"))?;
        wait_until(client, "the edited text", Duration::from_secs(10), &format!("{text} === 'after'"), vec![]).await?;
        let y = js(client, "return window.scrollY", vec![]).await?;
        assert!((y.as_f64().unwrap() - 600.0).abs() < 5.0, "scroll position kept across the update: {y}");
        let same = js(client, "return window.__sameDocument === true", vec![]).await?;
        assert_eq!(same, json!(true), "the edit was morphed into the open page, not reloaded");

        // A broken edit shows the overlay over the last good page; fixing it clears it.
        std::fs::write(file, "---\ntitle: [unclosed\n---\nbody\n")?;
        let msg = wait_until(client, "the error overlay", Duration::from_secs(10),
            "const o = document.getElementById('wirebook-error-overlay'); return o && o.textContent", vec![]).await?;
        assert!(msg.as_str().unwrap().contains("posts/2025-01-01-live.md:3:1"), "{msg}");
        std::fs::write(file, post("Live", "fixed"))?;
        wait_until(client, "the fixed page without overlay", Duration::from_secs(10),
            &format!("{text} === 'fixed' && !document.getElementById('wirebook-error-overlay')"), vec![]).await?;
        anyhow::Ok(())
    }
    .await;
    live.finish(result, "serve-live-reload-failure").await
}

/// With an empty `examples.url`, widgets talk to the page's own origin: what
/// `wirebook serve` provides by mounting the examples server beside the site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_work_same_origin_under_serve() -> anyhow::Result<()> {
    same_origin(true, "server").await
}

/// `serve --no-examples` (or a build without the `examples` feature): nothing answers /api
/// on this origin, so the demos run in the browser, as on a static host, and say so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_run_in_the_browser_under_serve_without_examples() -> anyhow::Result<()> {
    same_origin(false, "browser").await
}

/// Both widgets reach `connected` on the `backend` the page chose (`data-backend`).
async fn same_origin(examples: bool, backend: &str) -> anyhow::Result<()> {
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
            browser::wait_state(&client, kind, "connected", Duration::from_secs(15)).await?;
            let ran_on = js(
                &client,
                "return document.querySelector(arguments[0]).dataset.backend",
                vec![json!(browser::demo(kind))],
            )
            .await?;
            assert_eq!(ran_on, json!(backend), "{kind}");
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

/// Opens `url` and waits until its `#marker` says `marker`.
async fn open_at(client: &fantoccini::Client, url: &str, marker: &str) -> anyhow::Result<()> {
    client.goto(url).await?;
    wait_marker(client, "the page", marker).await
}

/// Waits until the page's `#marker` says `text`.
async fn wait_marker(client: &fantoccini::Client, what: &str, text: &str) -> anyhow::Result<()> {
    wait_until(
        client,
        what,
        Duration::from_secs(10),
        &marker_is(text),
        vec![],
    )
    .await?;
    Ok(())
}

fn marker_is(text: &str) -> String {
    format!("const m = document.getElementById('marker'); return !!m && m.textContent === '{text}'")
}

const CONNECTED: &str =
    "return document.documentElement.getAttribute('data-wirebook-live') === 'connected'";

/// #15: an edit saved right after the page loaded, before its live-reload channel is
/// surely open, still reaches the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_saved_right_after_load_shows() -> anyhow::Result<()> {
    let Some(live) = Live::start(false, &post("Live", "before")).await? else {
        return Ok(());
    };
    let result = async {
        open_at(&live.client, &live.url(), "before").await?;
        std::fs::write(&live.file, post("Live", "after"))?;
        wait_marker(&live.client, "the edited text", "after").await?;
        anyhow::Ok(())
    }
    .await;
    live.finish(result, "serve-edit-after-load-failure").await
}

/// #15: the channel compares builds whenever it (re)connects. Deterministic version of the
/// race above: the page's channel is closed (serve restarted on the same port) while the
/// edit is saved, so no reload event can reach it; on reconnecting, it sees that it was
/// rendered from another build and updates itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_missed_an_edit_catches_up_when_its_channel_reconnects() -> anyhow::Result<()> {
    let Some(mut live) = Live::start(false, &post("Live", "before")).await? else {
        return Ok(());
    };
    let result = async {
        let client = live.client.clone();
        open_at(&client, &live.url(), "before").await?;
        wait_until(
            &client,
            "the live-reload connection",
            Duration::from_secs(10),
            CONNECTED,
            vec![],
        )
        .await?;
        live.stop_server().await?;
        js(
            &client,
            "document.documentElement.removeAttribute('data-wirebook-live'); return true",
            vec![],
        )
        .await?;
        std::fs::write(&live.file, post("Live", "after"))?;
        let (_, stop, server) =
            serve_at(&live.root, false, live.base.trim_start_matches("http://")).await?;
        live.server = Some((stop, server));
        wait_until(
            &client,
            "the reconnection",
            Duration::from_secs(10),
            CONNECTED,
            vec![],
        )
        .await?;
        wait_marker(&client, "the edit made while disconnected", "after").await?;
        anyhow::Ok(())
    }
    .await;
    live.finish(result, "serve-reconnect-failure").await
}

/// #15: an edit is morphed into the open page. What the reader did survives an edit
/// elsewhere (scroll position, an open `<details>`, a connected chat widget: the same
/// element and the same running instance); a widget whose own fence changed is rebuilt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_elsewhere_keeps_open_details_and_connected_widgets() -> anyhow::Result<()> {
    let page = |marker: &str, title: &str| {
        let filler: String = (1..=40).map(|i| format!("Paragraph {i}.\n\n")).collect();
        format!(
            "---\ntitle: Live\n---\n\n<p id=\"marker\">{marker}</p>\n\n\
             <details id=\"more\"><summary>More</summary>\n\nHidden text.\n\n</details>\n\n{filler}\
             ```demo websocket\ntitle: {title}\nroom: morph\n```\n\n{filler}"
        )
    };
    let Some(live) = Live::start(true, &page("before", "Chat room")).await? else {
        return Ok(());
    };
    let (client, file) = (&live.client, &live.file);
    let result = async {
        open_at(client, &live.url(), "before").await?;
        wait_until(
            client,
            "the live-reload connection",
            Duration::from_secs(10),
            CONNECTED,
            vec![],
        )
        .await?;
        browser::show(client, "websocket").await?;
        browser::wait_state(client, "websocket", "connected", Duration::from_secs(15)).await?;
        js(
            client,
            "document.getElementById('more').open = true; \
            window.__widget = document.querySelector('figure.wb-demo').wirebookWidget; \
            window.__sameDocument = true; return true",
            vec![],
        )
        .await?;
        let y = js(client, "return window.scrollY", vec![])
            .await?
            .as_f64()
            .unwrap_or(0.0);
        assert!(y > 100.0, "the widget is scrolled into view: {y}");

        std::fs::write(file, page("after", "Chat room"))?;
        wait_marker(client, "the edited text", "after").await?;
        let kept = js(
            client,
            "const f = document.querySelector('figure.wb-demo'); return [\
            window.__sameDocument === true, document.getElementById('more').open, \
            f.wirebookWidget === window.__widget, f.dataset.state, window.scrollY]",
            vec![],
        )
        .await?;
        assert_eq!(kept[0], json!(true), "morphed, not reloaded");
        assert_eq!(kept[1], json!(true), "the open <details> stays open");
        assert_eq!(
            kept[2],
            json!(true),
            "the widget is the same running instance"
        );
        assert_eq!(kept[3], json!("connected"), "the chat stays connected");
        assert!(
            (kept[4].as_f64().unwrap() - y).abs() < 5.0,
            "scroll kept: {} vs {y}",
            kept[4]
        );

        // The widget's own fence changed: it is rebuilt from the new settings.
        std::fs::write(file, page("after", "Renamed room"))?;
        wait_until(
            client,
            "the rebuilt widget",
            Duration::from_secs(10),
            "const f = document.querySelector('figure.wb-demo'); \
             return !!f.wirebookWidget && f.wirebookWidget !== window.__widget \
                 && f.classList.contains('wb-ready') && f.textContent.includes('Renamed room')",
            vec![],
        )
        .await?;
        let same = js(client, "return window.__sameDocument === true", vec![]).await?;
        assert_eq!(same, json!(true), "still the same document");
        anyhow::Ok(())
    }
    .await;
    live.finish(result, "serve-morph-failure").await
}
