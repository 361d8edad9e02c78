//! `wirebook serve` end to end: a real server on 127.0.0.1:0 over a temp site, real HTTP and
//! Server-Sent Events clients, real file edits (including vim-style rename-over saves).

use std::path::{Path, PathBuf};
use std::time::Duration;

use test_support::slow;

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

struct Served {
    dir: tempfile::TempDir,
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

fn post(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ncategories: [demo]\ntags: [one]\n---\n\n{body}\n")
}

async fn start(examples: bool) -> Served {
    start_with(examples, wirebook::serve::HEADER_READ_TIMEOUT, None).await
}

/// Starts `serve` with this slowloris timeout, and with `--base-url` (`base_url`) when given.
async fn start_with(
    examples: bool,
    header_read_timeout: Duration,
    base_url: Option<&str>,
) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("posts")).unwrap();
    std::fs::write(root.join("wirebook.toml"), "title = \"Serve test\"\n").unwrap();
    std::fs::write(
        root.join("posts/2025-01-01-first.md"),
        post("First", "Original first body."),
    )
    .unwrap();
    std::fs::write(
        root.join("posts/2025-01-02-second.md"),
        post("Second", "Second body."),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/hello.txt"), "hi").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let opts = wirebook::serve::ServeOptions {
        root: root.to_path_buf(),
        port: 0,
        examples,
        header_read_timeout,
        base_url: base_url.map(str::to_string),
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(wirebook::serve::run_on(listener, opts, async {
        let _ = stopped.await;
    }));
    // Wait until the first build is served.
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = client.get(format!("{base}/")).send().await {
            if r.status().is_success() {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Served {
        dir,
        base,
        stop: Some(stop),
        task,
    }
}

impl Served {
    fn root(&self) -> &Path {
        self.dir.path()
    }

    async fn get(&self, path: &str) -> (u16, String, String) {
        let r = reqwest::Client::new()
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, ct, r.text().await.unwrap())
    }

    /// Subscribes to the live-reload stream; returns (event, data) pairs as they come.
    /// Whether the served search index holds `term` (fetches the shard search.js would).
    async fn indexed(&self, term: &str) -> bool {
        let meta: serde_json::Value =
            serde_json::from_str(&self.get("/search/meta.json").await.2).unwrap();
        let buckets = meta["buckets"].as_u64().unwrap() as u32;
        let split = meta["split"].as_object().unwrap();
        let key = wirebook::search::tokens::shard_key(term, &|k| split.contains_key(k));
        let b = wirebook::search::tokens::bucket(key, buckets);
        let shard: serde_json::Value =
            serde_json::from_str(&self.get(&format!("/search/index/{b}.json")).await.2).unwrap();
        shard.get(term).is_some()
    }

    /// Waits (up to 10 s) until [`Self::indexed`] says `want` for `term`: the search index
    /// follows a post edit just after the reload event, not with it.
    async fn indexed_soon(&self, term: &str, want: bool) -> bool {
        for _ in 0..200 {
            if self.indexed(term).await == want {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        false
    }

    async fn events(&self) -> mpsc::UnboundedReceiver<(String, String)> {
        let (tx, rx) = mpsc::unbounded_channel();
        let resp = reqwest::Client::new()
            .get(format!("{}/__wirebook/livereload", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        tokio::spawn(async move {
            let mut stream = resp.bytes_stream();
            let mut buf = String::new();
            while let Some(Ok(chunk)) = stream.next().await {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let block: String = buf.drain(..end + 2).collect();
                    let mut event = String::from("message");
                    let mut data = String::new();
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            event = v.trim().to_string();
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data.push_str(v.trim_start());
                        }
                    }
                    if !data.is_empty() && tx.send((event, data)).is_err() {
                        return;
                    }
                }
            }
        });
        rx
    }

    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("graceful shutdown")
            .unwrap()
            .unwrap();
    }
}

async fn next_event(
    rx: &mut mpsc::UnboundedReceiver<(String, String)>,
    within: Duration,
) -> Option<(String, String)> {
    tokio::time::timeout(within, rx.recv()).await.ok().flatten()
}

async fn wait_for(rx: &mut mpsc::UnboundedReceiver<(String, String)>, kind: &str) -> String {
    loop {
        let (e, d) = next_event(rx, Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("no `{kind}` event within 10 s"));
        if e == kind {
            return d;
        }
    }
}

fn rename_over(path: &Path, text: &str) {
    // What vim (backupcopy=no) and VS Code do: write a temp file, rename it over the original.
    let tmp: PathBuf = path.with_file_name(format!(
        ".{}.swp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_post_pushes_a_reload_and_serves_the_new_html() {
    let s = start(false).await;
    let mut rx = s.events().await;
    assert_eq!(wait_for(&mut rx, "hello").await, "ok");
    let (status, ct, html) = s.get("/2025/01/01/first/").await;
    assert_eq!((status, ct.as_str()), (200, "text/html; charset=utf-8"));
    assert!(html.contains("Original first body.") && html.contains("/__wirebook/livereload"));

    std::fs::write(
        s.root().join("posts/2025-01-01-first.md"),
        post("First", "Edited body."),
    )
    .unwrap();
    wait_for(&mut rx, "reload").await;
    let (_, _, html) = s.get("/2025/01/01/first/").await;
    assert!(html.contains("Edited body."), "new HTML is served");
    assert!(
        s.indexed_soon("edited", true).await,
        "the search index has the new words"
    );
    assert!(
        s.indexed_soon("original", false).await,
        "and not the old ones"
    );
    // The index lists the new title after a title change too.
    std::fs::write(
        s.root().join("posts/2025-01-02-second.md"),
        post("Second, renamed", "Second body."),
    )
    .unwrap();
    wait_for(&mut rx, "reload").await;
    assert!(s.get("/").await.2.contains("Second, renamed"));
    assert!(s.get("/tags/one/").await.2.contains("Second, renamed"));
    assert!(
        s.get("/2025/01/01/first/")
            .await
            .2
            .contains("Second, renamed"),
        "neighbour's next link updated"
    );

    // A new post appears, a deleted one disappears.
    std::fs::write(
        s.root().join("posts/2025-01-03-third.md"),
        post("Third", "Third body."),
    )
    .unwrap();
    wait_for(&mut rx, "reload").await;
    assert_eq!(s.get("/2025/01/03/third/").await.0, 200);
    std::fs::remove_file(s.root().join("posts/2025-01-03-third.md")).unwrap();
    wait_for(&mut rx, "reload").await;
    assert_eq!(s.get("/2025/01/03/third/").await.0, 404);
    assert!(!s.get("/").await.2.contains("Third"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_over_save_triggers_exactly_one_rebuild() {
    let s = start(false).await;
    let mut rx = s.events().await;
    wait_for(&mut rx, "hello").await;
    rename_over(
        &s.root().join("posts/2025-01-01-first.md"),
        &post("First", "Saved by rename."),
    );
    wait_for(&mut rx, "reload").await;
    assert!(s
        .get("/2025/01/01/first/")
        .await
        .2
        .contains("Saved by rename."));
    let extra = next_event(&mut rx, Duration::from_millis(1500)).await;
    assert_eq!(extra, None, "one save, one reload");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_post_keeps_the_last_good_page_and_shows_the_error() {
    let s = start(false).await;
    let mut rx = s.events().await;
    wait_for(&mut rx, "hello").await;
    std::fs::write(
        s.root().join("posts/2025-01-01-first.md"),
        "---\ntitle: \"First\ntags: [x\n---\nBroken.\n",
    )
    .unwrap();
    let data = wait_for(&mut rx, "build-error").await;
    let msg: serde_json::Value = serde_json::from_str(&data).unwrap();
    let msg = msg["message"].as_str().unwrap();
    assert!(
        msg.contains("posts/2025-01-01-first.md:") && msg.contains("invalid YAML front matter"),
        "{msg}"
    );
    let (status, _, html) = s.get("/2025/01/01/first/").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Original first body."),
        "last good page still served"
    );
    // A tab opened now learns about the error at once.
    let mut late = s.events().await;
    assert_eq!(wait_for(&mut late, "hello").await, "error");
    assert!(wait_for(&mut late, "build-error")
        .await
        .contains("invalid YAML"));
    // Fixing the file clears it.
    std::fs::write(
        s.root().join("posts/2025-01-01-first.md"),
        post("First", "Fixed body."),
    )
    .unwrap();
    wait_for(&mut rx, "reload").await;
    assert!(s.get("/2025/01/01/first/").await.2.contains("Fixed body."));
    let mut fresh = s.events().await;
    assert_eq!(wait_for(&mut fresh, "hello").await, "ok");
    s.stop().await;
}

/// Sends a request line as written, so `..` is not normalised away by a client library.
async fn raw_status(base: &str, path: &str) -> u16 {
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.unwrap();
    let head = String::from_utf8_lossy(&buf);
    head.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serving_is_correct_for_browsers_and_refuses_traversal() {
    let s = start(true).await;
    for bad in [
        "/../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2fetc/passwd",
        "/a/%2E%2E/b",
        "/..%5c..%5cetc",
    ] {
        let status = raw_status(&s.base, bad).await;
        assert!(status == 400 || status == 404, "{bad}: {status}");
    }
    let (status, ct, body) = s.get("/no/such/page/").await;
    assert_eq!(status, 404);
    assert!(ct.starts_with("text/html") && body.contains("There is no page at this address"));
    assert_eq!(
        s.get("/assets/style.css").await.1,
        "text/css; charset=utf-8"
    );
    assert_eq!(
        s.get("/atom.xml").await.1,
        "application/atom+xml; charset=utf-8"
    );
    assert_eq!(s.get("/sitemap.xml").await.1, "text/xml; charset=utf-8");
    assert_eq!(
        s.get("/hello.txt").await.2,
        "hi",
        "static/ served from disk"
    );
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = r.get(format!("{}/tags", s.base)).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 308);
    assert_eq!(resp.headers()["location"], "/tags/");
    assert_eq!(resp.headers().get("cache-control"), None);
    let page = r.get(format!("{}/", s.base)).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let (status, ct, body) = s.get("/api/posts?per_page=1").await;
    if cfg!(feature = "examples") {
        // The examples server shares the origin.
        assert_eq!(status, 200, "{body}");
        assert!(ct.starts_with("application/json"));
        assert_eq!(s.get("/healthz").await.0, 200);
    } else {
        // Built without the `examples` feature: the site's own 404 answers.
        assert_eq!(status, 404, "{body}");
    }
    s.stop().await;
}

/// Issue #14: the listener `serve` shares with the mounted examples server closes half-sent
/// requests and idle connections (slowloris).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_and_idle_connections_are_closed() {
    let timeout = Duration::from_millis(800);
    let served = start_with(true, timeout, None).await;
    let addr = served.base.trim_start_matches("http://").parse().unwrap();
    slow::assert_slow_clients_are_cut_off(addr, "/", timeout).await;
    assert_eq!(served.get("/").await.0, 200);
}

/// `serve --base-url /notes/` previews a sub-path site where it will be published: pages,
/// theme assets and static/ under /notes/, links carrying the prefix, the root redirecting
/// there, and nothing served outside it.
#[tokio::test]
async fn serves_a_sub_path_site_under_its_path() {
    let s = start_with(
        false,
        wirebook::serve::HEADER_READ_TIMEOUT,
        Some("https://alice.github.io/notes/"),
    )
    .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for from in ["/", "/notes"] {
        let resp = client
            .get(format!("{}{from}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 307, "{from}");
        assert_eq!(resp.headers()["location"], "/notes/", "{from}");
    }
    let (status, _, index) = s.get("/notes/").await;
    assert_eq!(status, 200);
    assert!(index.contains("href=\"/notes/assets/style.css"), "{index}");
    assert!(
        index.contains(&format!("{}/notes/", s.base)),
        "canonical URLs: {index}"
    );
    assert_eq!(s.get("/notes/assets/style.css").await.0, 200);
    assert_eq!(
        s.get("/notes/hello.txt").await.2,
        "hi",
        "static/ under the path"
    );
    let resp = client
        .get(format!("{}/notes/tags", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["location"], "/notes/tags/");
    for outside in ["/hello.txt", "/assets/style.css", "/notesx/", "/tags/"] {
        assert_eq!(s.get(outside).await.0, 404, "{outside}");
    }
    s.stop().await;
}

/// The binary says which endpoints it serves: all of them by default, none (and why) when
/// wirebook was built with `--no-default-features`.
#[test]
fn the_banner_says_whether_live_endpoints_are_served() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("posts")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wirebook"))
        .args(["serve", "-p", "0", "--root"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let banner: Vec<String> = stdout
        .lines()
        .map_while(Result::ok)
        .take_while(|l| !l.contains("watching"))
        .collect();
    child.kill().unwrap();
    child.wait().unwrap();
    let banner = banner.join("\n");
    if cfg!(feature = "examples") {
        assert!(banner.contains("live endpoints: /api/posts"), "{banner}");
    } else {
        assert!(
            banner.contains("no live endpoints in this build"),
            "{banner}"
        );
    }
}

/// Issue #14: as in `build`, a file under static/ that links outside the site is not served.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_links_leading_outside_the_site_are_not_served() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET").unwrap();
    let served = start(false).await;
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        served.root().join("static/leak.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        served.root().join("static/hello.txt"),
        served.root().join("static/alias.txt"),
    )
    .unwrap();
    let (status, _, body) = served.get("/leak.txt").await;
    assert_eq!(status, 404);
    assert!(!body.contains("SECRET"));
    assert_eq!(served.get("/alias.txt").await.0, 200, "links inside stay");
}
