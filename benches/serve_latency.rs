//! Save-to-screen latency of `wirebook serve`: edits one post N times and measures the time
//! from the file write to (1) the reload event on the live-reload stream and (2) the edited
//! text on screen in a page open in headless Chromium (the frame after the morph put it
//! in the DOM), as the reader sees it.
//!
//! `WIREBOOK_BENCH_SITE=DIR cargo bench --bench serve_latency` (DIR holds wirebook.toml and
//! posts/, e.g. a corpus from ../shared/bench/gen-corpus). Without it, a 200-post site is
//! generated in a temp dir. `WIREBOOK_BENCH_EDITS` sets N (default 20). The browser part
//! needs Chromium and chromedriver (skipped, saying so, without them).
//! `WIREBOOK_BENCH_PAUSE_MS` sets the time between edits (default 1000).

use test_support::browser;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

fn make_site(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("posts")).unwrap();
    for i in 0..n {
        let text = format!(
            "---\ntitle: \"Post {i}\"\ndate: 2024-01-01 00:{:02}:{:02} +00:00\ntags: [t{}]\n---\n\n## 개요\n\nBody {i}.\n\n```rust\nfn main() {{ println!(\"{i}\"); }}\n```\n",
            i / 60 % 60,
            i % 60,
            i % 7
        );
        std::fs::write(dir.path().join(format!("posts/p{i:05}.md")), text).unwrap();
    }
    dir
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let generated;
    let root: PathBuf = match std::env::var_os("WIREBOOK_BENCH_SITE") {
        Some(p) => PathBuf::from(p),
        None => {
            generated = make_site(200);
            generated.path().to_path_buf()
        }
    };
    let edits: usize = std::env::var("WIREBOOK_BENCH_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let opts = wirebook::serve::ServeOptions {
        root: root.clone(),
        port: 0,
        drafts: true,
        examples: false,
        ..Default::default()
    };
    let started = Instant::now();
    tokio::spawn(wirebook::serve::run_on(
        listener,
        opts,
        std::future::pending(),
    ));
    let client = reqwest::Client::new();
    let resp = loop {
        if let Ok(r) = client
            .get(format!("{base}/__wirebook/livereload"))
            .send()
            .await
        {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    // Wait for the first build (the hello event arrives once the server answers).
    let mut next_event = async move |stream: &mut (dyn futures_util::Stream<
        Item = reqwest::Result<bytes_alias::Bytes>,
    > + Unpin)|
                -> String {
        loop {
            if let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                if let Some(line) = block.lines().find(|l| l.starts_with("event:")) {
                    return line[6..].trim().to_string();
                }
                continue;
            }
            let chunk = stream.next().await.expect("stream open").expect("chunk");
            buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    assert_eq!(next_event(&mut stream).await, "hello");
    let (posts, _) = wirebook::content::library::discover(&root, false);
    let target = root.join(&posts[posts.len() / 2]);
    let original = std::fs::read_to_string(&target).unwrap();
    println!(
        "site: {} ({} posts), first build + start: {:?}",
        root.display(),
        posts.len(),
        started.elapsed()
    );
    let mut samples = Vec::new();
    for i in 0..edits {
        tokio::time::sleep(pause()).await;
        let t = Instant::now();
        std::fs::write(&target, format!("{original}\n\nEdit number {i}.\n")).unwrap();
        let event = next_event(&mut stream).await;
        samples.push(t.elapsed());
        assert_eq!(event, "reload");
    }
    std::fs::write(&target, &original).unwrap();
    report("save-to-reload event", &mut samples);

    let slug = target.file_stem().unwrap().to_string_lossy().to_string();
    let slug = slug.splitn(4, '-').nth(3).unwrap_or(&slug).to_string();
    let sitemap = client
        .get(format!("{base}/sitemap.xml"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let url = sitemap
        .split("<loc>")
        .filter_map(|l| l.split("</loc>").next())
        .find(|u| u.contains(&format!("/{slug}/")))
        .unwrap_or_else(|| panic!("no URL for {slug} in the sitemap"))
        .to_string();
    tokio::time::sleep(Duration::from_millis(300)).await;
    screen(&url, &target, &original, edits).await;
    std::fs::write(&target, original).unwrap();
}

/// Time between edits (`WIREBOOK_BENCH_PAUSE_MS`, default 1000): after its reload event a
/// post edit still renders the feed, sitemap and search index (#15), which a save made
/// sooner would wait for; a writer saves seconds apart.
fn pause() -> Duration {
    let ms = std::env::var("WIREBOOK_BENCH_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    Duration::from_millis(ms)
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // The machine may be shared: the load goes next to every figure.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "{what} over {} edits: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms (load average {})",
        samples.len(),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() * 9 / 10]),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
}

/// Save to screen in Chromium: the page notes (in wall-clock time, the same clock as the
/// file write) the animation frame in which the edited text is first in its DOM.
async fn screen(url: &str, target: &std::path::Path, original: &str, edits: usize) {
    let Some(driver) = browser::Driver::start().await.unwrap() else {
        println!("save-to-screen: skipped (no Chromium/chromedriver)");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let c = driver
        .session(browser::Viewport::Desktop, profile.path())
        .await
        .unwrap();
    c.goto(url).await.unwrap();
    browser::wait_until(
        &c,
        "the live-reload connection",
        Duration::from_secs(30),
        "return document.documentElement.getAttribute('data-wirebook-live') === 'connected'",
        vec![],
    )
    .await
    .unwrap();
    browser::js(
        &c,
        "new MutationObserver(function () {
           if (!window.__want || window.__seen || document.body.textContent.indexOf(window.__want) < 0) return;
           requestAnimationFrame(function () { window.__seen = performance.timeOrigin + performance.now(); });
         }).observe(document.body, { childList: true, subtree: true, characterData: true });
         window.__sameDocument = true; return true",
        vec![],
    )
    .await
    .unwrap();
    let mut to_screen = Vec::new();
    for i in 0..edits {
        tokio::time::sleep(pause()).await;
        let want = format!("wbscreen{i}x");
        browser::js(
            &c,
            "window.__want = arguments[0]; window.__seen = null; return true",
            vec![want.clone().into()],
        )
        .await
        .unwrap();
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1000.0;
        std::fs::write(target, format!("{original}\n\nEdit {want}.\n")).unwrap();
        let seen = browser::wait_until(
            &c,
            "the edited text on screen",
            Duration::from_secs(30),
            "return window.__seen",
            vec![],
        )
        .await
        .unwrap();
        to_screen.push(Duration::from_secs_f64(
            (seen.as_f64().unwrap() - wall).max(0.0) / 1000.0,
        ));
    }
    let same = browser::js(&c, "return window.__sameDocument === true", vec![])
        .await
        .unwrap();
    assert_eq!(
        same,
        serde_json::json!(true),
        "the page was morphed, never reloaded"
    );
    report("save-to-screen (Chromium)", &mut to_screen);
    c.close().await.unwrap();
}

mod bytes_alias {
    pub use axum::body::Bytes;
}
