//! Helpers for the browser tests: find Chromium and chromedriver, start the
//! driver on a free loopback port, open fantoccini sessions (desktop or a
//! 360 px phone), wait for conditions in the page, and save screenshots.
//!
//! When the browser is missing the tests fail under `CI` and skip loudly
//! elsewhere, so a CI machine without Chromium can never pass by accident.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// A running chromedriver, killed on drop.
pub struct Driver {
    child: Child,
    url: String,
    chromium: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_binary(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in candidates {
        let direct = Path::new(name);
        if direct.is_absolute() && direct.is_file() {
            return Some(direct.to_path_buf());
        }
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Driver {
    /// Starts chromedriver, or returns `None` (after a loud message) when the
    /// browser is not installed. Under `CI` a missing browser is a failure.
    pub async fn start() -> Result<Option<Driver>> {
        let driver = find_binary("CHROMEDRIVER", &["chromedriver"]);
        let chromium = find_binary(
            "CHROME_BIN",
            &[
                "chromium",
                "chromium-browser",
                "google-chrome",
                "/usr/lib/chromium/chromium",
            ],
        );
        let (Some(driver), Some(chromium)) = (driver, chromium) else {
            let msg = "browser tests need Chromium and chromedriver \
                (Debian: apt-get install chromium chromium-driver; or set CHROME_BIN and CHROMEDRIVER)";
            if std::env::var_os("CI").is_some() {
                panic!("{msg} — CI is set, so this is a failure, not a skip");
            }
            eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
            eprintln!("!!! SKIPPING widget browser tests: {msg}");
            eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            return Ok(None);
        };
        let port = free_port()?;
        let logs = screenshot_dir().join("chromedriver-logs");
        std::fs::create_dir_all(&logs)?;
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .arg(format!(
                "--log-path={}",
                logs.join(format!("chromedriver-{port}.log")).display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", driver.display()))?;
        let d = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            chromium,
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(res) = http.get(format!("{}/status", d.url)).send().await {
                if res.status().is_success() {
                    return Ok(Some(d));
                }
            }
            if Instant::now() > deadline {
                bail!("chromedriver at {} did not become ready in 20 s", d.url);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A new headless session with a fresh profile.
    pub async fn session(&self, viewport: Viewport, profile: &Path) -> Result<Client> {
        let (w, h) = viewport.size();
        let mut options = json!({
            "binary": self.chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                format!("--window-size={w},{h}"),
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        if let Viewport::Phone = viewport {
            options["mobileEmulation"] =
                json!({ "deviceMetrics": { "width": w, "height": h, "pixelRatio": 1 } });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .context("cannot open a chromedriver session")?;
        Ok(client)
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Viewport {
    /// Tall, so a whole widget fits in one element screenshot.
    Desktop,
    /// A 360 px wide phone.
    Phone,
}

impl Viewport {
    fn size(self) -> (u32, u32) {
        match self {
            Viewport::Desktop => (1280, 2200),
            Viewport::Phone => (360, 2400),
        }
    }
}

/// Runs `script` (a function body) with `args`.
pub async fn js(c: &Client, script: &str, args: Vec<Value>) -> Result<Value> {
    c.execute(script, args)
        .await
        .map_err(|e| anyhow!("script failed: {e}\n{script}"))
}

/// Polls `script` until it returns something truthy; errors name `what`.
pub async fn wait_until(
    c: &Client,
    what: &str,
    timeout: Duration,
    script: &str,
    args: Vec<Value>,
) -> Result<Value> {
    let deadline = Instant::now() + timeout;
    loop {
        let v = js(c, script, args.clone()).await?;
        let truthy = match &v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::String(s) => !s.is_empty(),
            _ => true,
        };
        if truthy {
            return Ok(v);
        }
        if Instant::now() > deadline {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The root element of the demo of `kind`.
pub fn demo(kind: &str) -> String {
    format!("figure.wb-demo[data-demo=\"{kind}\"]")
}

/// A button by its accessible text inside the element matched by `scope` (CSS).
pub async fn button(c: &Client, scope: &str, name: &str) -> Result<Element> {
    let root = c
        .find(Locator::Css(scope))
        .await
        .with_context(|| format!("no element {scope}"))?;
    root.find(Locator::XPath(&format!(
        ".//button[normalize-space(.)='{name}']"
    )))
    .await
    .with_context(|| format!("no button named {name:?} in {scope}"))
}

/// Clicks the button named `name` inside `scope`.
pub async fn click(c: &Client, scope: &str, name: &str) -> Result<()> {
    let b = button(c, scope, name).await?;
    scroll_to(c, &b).await?;
    b.click()
        .await
        .with_context(|| format!("cannot click {name:?} in {scope}"))
}

/// Replaces the text of the input matched by `css` by typing like a person.
pub async fn type_into(c: &Client, css: &str, text: &str) -> Result<()> {
    let e = c
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("no input {css}"))?;
    scroll_to(c, &e).await?;
    e.clear().await?;
    e.send_keys(text).await?;
    Ok(())
}

async fn scroll_to(c: &Client, e: &Element) -> Result<()> {
    let arg = serde_json::to_value(e)?;
    js(
        c,
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![arg],
    )
    .await?;
    Ok(())
}

/// Scrolls the demo of `kind` into view (live widgets connect when seen).
pub async fn show(c: &Client, kind: &str) -> Result<()> {
    js(
        c,
        "const el = document.querySelector(arguments[0]); el.scrollIntoView({block: 'start'}); return !!el;",
        vec![json!(demo(kind))],
    )
    .await?;
    Ok(())
}

/// Waits until the demo of `kind` reports `data-state` = `state`.
pub async fn wait_state(c: &Client, kind: &str, state: &str, timeout: Duration) -> Result<()> {
    let what = format!("{kind} widget to be {state}");
    let script = "const el = document.querySelector(arguments[0]); \
        return el && el.dataset.state === arguments[1];";
    if let Err(e) = wait_until(
        c,
        &what,
        timeout,
        script,
        vec![json!(demo(kind)), json!(state)],
    )
    .await
    {
        let now = js(
            c,
            "const el = document.querySelector(arguments[0]); \
             return el ? el.dataset.state + ' / ' + (el.querySelector('.wb-notice')?.innerText || '') : 'missing';",
            vec![json!(demo(kind))],
        )
        .await?;
        bail!("{e} (now: {now})");
    }
    Ok(())
}

/// Where screenshots go: the workspace's `target/widget-screenshots/` (honours
/// `CARGO_TARGET_DIR`).
pub fn screenshot_dir() -> PathBuf {
    // This crate sits one folder below the workspace root.
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("test-support is inside the workspace");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    target.join("widget-screenshots")
}

/// Saves a PNG of the element matched by `css` as `name.png`.
pub async fn screenshot(c: &Client, css: &str, name: &str) -> Result<PathBuf> {
    let e = c
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("no element {css}"))?;
    let arg = serde_json::to_value(&e)?;
    js(
        c,
        "arguments[0].scrollIntoView({block: 'start'});",
        vec![arg],
    )
    .await?;
    // Let the theme transition and any layout settle before capturing.
    js(
        c,
        "return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));",
        vec![],
    )
    .await?;
    let png = e
        .screenshot()
        .await
        .with_context(|| format!("cannot screenshot {css}"))?;
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// Switches the page theme the way the theme toggle does.
pub async fn set_theme(c: &Client, theme: &str) -> Result<()> {
    js(
        c,
        "document.documentElement.setAttribute('data-theme', arguments[0]);",
        vec![json!(theme)],
    )
    .await?;
    Ok(())
}
