//! `wirebook serve`: build into memory, serve the site and the examples server on one
//! origin, watch the sources, rebuild, and push reloads to open tabs.
//!
//! Three parts, one file each: [`server`] (HTTP), [`watch`] (file events → change kinds),
//! [`livereload`] (the browser push channel and the script injected into pages); what the
//! person who started it should read goes to the [`report::Reporter`] in [`ServeOptions`].

pub mod endpoints;
pub mod error;
pub mod livereload;
pub mod report;
pub mod server;
pub mod watch;

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use anyhow::Result;

use crate::site::{BuildOptions, Job, Site};
use endpoints::Endpoints;
pub use error::ServeError;
use livereload::{Event, Reloader};
use report::{Notice, Reporter};
use watch::ChangeKind;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
    /// Mount the examples server's endpoints on the same origin.
    pub examples: bool,
    /// Open the site in the default browser once it is up.
    pub open: bool,
    /// Poll the file system instead of relying on native events (network drives, Docker).
    pub poll: bool,
    /// Examples server database (default: in memory, so demos start clean each run).
    pub examples_db: Option<PathBuf>,
    /// How long a connection may take to send a request's headers, or stay idle between
    /// requests, before it is closed (slowloris); [`HEADER_READ_TIMEOUT`] by default.
    pub header_read_timeout: std::time::Duration,
    /// Serve the site under this path, as it will be published: `/notes/`, or a whole URL
    /// such as `https://alice.github.io/notes/` (only its path is used). Default: the root.
    pub base_url: Option<String>,
    /// Where the banner and build failures go (the default logs them).
    pub reporter: Reporter,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            root: PathBuf::from("."),
            bind: [127, 0, 0, 1].into(),
            port: 1111,
            drafts: false,
            examples: true,
            open: false,
            poll: false,
            examples_db: None,
            base_url: None,
            header_read_timeout: HEADER_READ_TIMEOUT,
            reporter: Reporter::default(),
        }
    }
}

/// The path part of `serve --base-url` (`/notes`, no trailing slash; empty for the root).
pub fn base_path(base_url: &str) -> Result<String, ServeError> {
    let url = base_url.trim();
    let path = if url.starts_with('/') {
        url.to_string()
    } else {
        crate::config::BaseUrl::parse(url)
            .map_err(ServeError::BaseUrl)?
            .path
    };
    let path = path.trim_end_matches('/');
    if path.contains(['?', '#', '\\']) || path.split('/').any(|s| s == ".." || s == ".") {
        return Err(ServeError::BasePath(base_url.to_string()));
    }
    Ok(path.to_string())
}

/// The examples server's own default, for the same listener.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The rendered site as served: every output file by its URL path (`/a/b/index.html`).
pub type Files = HashMap<String, Arc<[u8]>>;

/// What handlers share (no globals: STYLE.md habit 4).
pub struct SiteState {
    pub root: PathBuf,
    /// The last good site, kept for incremental rebuilds.
    pub site: Mutex<Option<Site>>,
    /// Set after a failed rebuild: the next one starts from scratch.
    pub needs_full: AtomicBool,
    pub files: RwLock<Arc<Files>>,
    /// Which build `files` holds: pages carry it, and the live-reload channel compares it
    /// when it (re)connects, so an edit made before a tab's channel opened is not lost.
    /// Changed only while `files` is write-locked; read under its read lock.
    pub build: BuildId,
    /// The last build error, shown as an overlay until a build succeeds.
    pub error: RwLock<Option<String>>,
    pub reloader: Reloader,
    /// The examples server is mounted on this origin (demo pages use it).
    pub examples_here: bool,
    /// Where the site lives on this server (`/notes`, or empty for the root).
    pub base_path: String,
}

/// A build's name: unique to this process (its start time) and counted up per build, so a
/// tab left open across a restart of `serve` sees it as a different build too.
pub struct BuildId {
    process: u64,
    count: std::sync::atomic::AtomicU64,
}

impl BuildId {
    fn new() -> Self {
        let process = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        BuildId {
            process,
            count: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The current build, e.g. `19ad3f2c1b0.3`.
    pub fn current(&self) -> String {
        format!("{:x}.{}", self.process, self.count.load(Ordering::SeqCst))
    }

    /// Call with `files` write-locked, after changing it.
    fn advance(&self) {
        self.count.fetch_add(1, Ordering::SeqCst);
    }
}

impl SiteState {
    /// Serves `files` from now on, as a new build.
    fn swap_files(&self, files: Files) {
        let mut guard = self.files.write().expect("files lock");
        *guard = Arc::new(files);
        self.build.advance();
    }

    /// The served files and the build they belong to, read together.
    pub fn files_and_build(&self) -> (Arc<Files>, String) {
        let guard = self.files.read().expect("files lock");
        (guard.clone(), self.build.current())
    }
}

/// Renders the whole site into memory.
pub fn render_to_memory(opts: &BuildOptions, examples_here: bool) -> Result<(Site, Files)> {
    let mut site = Site::load(opts)?;
    // The endpoints are mounted on this origin: demo pages use them, not the
    // in-browser backend a published copy of the site falls back to.
    if examples_here
        && site.config.examples.url.is_empty()
        && site.config.examples.backend == crate::config::Backend::Auto
    {
        site.config.examples.backend = crate::config::Backend::Server;
    }
    // Rebuilt in place from now on: the search index hands on only what changed.
    site.search_emitted = Some(Default::default());
    let files = std::sync::Mutex::new(Files::new());
    site.render_all(&|rel: &str, bytes: &[u8]| {
        files
            .lock()
            .expect("files lock")
            .insert(format!("/{rel}"), Arc::from(bytes));
        Ok(())
    })?;
    Ok((site, files.into_inner().expect("files lock")))
}

/// Runs until `shutdown` resolves. (`anyhow` here, as for every entry point of the
/// pipeline: callers hold the task as `JoinHandle<anyhow::Result<()>>`; the error inside is
/// a [`ServeError`].)
pub async fn run(
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    Ok(listen_and_serve(opts, shutdown).await?)
}

/// Serves on an already bound listener (tests bind `127.0.0.1:0`).
pub async fn run_on(
    listener: tokio::net::TcpListener,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    Ok(serve_on(listener, opts, shutdown).await?)
}

async fn listen_and_serve(
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Listen { addr, source })?;
    serve_on(listener, opts, shutdown).await
}

async fn serve_on(
    listener: tokio::net::TcpListener,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_unspecified() {
        SocketAddr::new([127, 0, 0, 1].into(), addr.port())
    } else {
        addr
    };
    let base_path = match &opts.base_url {
        Some(url) => base_path(url)?,
        None => String::new(),
    };
    let site_url = format!("http://{host}{base_path}/");
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        base_url: Some(site_url.clone()),
        drafts: opts.drafts,
        quiet: true,
        cache: false,
        out: None,
    };

    // A build without the `examples` feature has no endpoints to mount: its pages use the
    // in-browser backend, as a published copy would.
    let examples_here = opts.examples && endpoints::AVAILABLE;
    let t = Instant::now();
    let first = {
        let build_opts = build_opts.clone();
        tokio::task::spawn_blocking(move || render_to_memory(&build_opts, examples_here)).await?
    };
    let state = Arc::new(SiteState {
        root: opts.root.clone(),
        site: Mutex::new(None),
        needs_full: AtomicBool::new(false),
        files: RwLock::new(Arc::new(Files::new())),
        error: RwLock::new(None),
        reloader: Reloader::new(),
        examples_here,
        base_path,
        build: BuildId::new(),
    });
    match first {
        Ok((site, files)) => {
            for w in &site.warnings {
                tracing::warn!("{w}");
            }
            tracing::info!(
                "built {} posts ({} files) in {} ms",
                site.library.pages.len(),
                files.len(),
                t.elapsed().as_millis()
            );
            state.swap_files(files);
            *state.site.lock().expect("site lock") = Some(site);
        }
        // A broken site still serves: the overlay shows the error until it is fixed.
        Err(e) => {
            let msg = format!("{e:#}");
            opts.reporter.report(&Notice::BuildFailed(&msg));
            *state.error.write().expect("error lock") = Some(msg);
        }
    }

    let examples = if examples_here {
        Some(Endpoints::start(&opts).await?)
    } else {
        None
    };

    let (changes_tx, changes_rx) = tokio::sync::mpsc::unbounded_channel();
    let _watcher = watch::start(&opts.root, opts.poll, changes_tx)?;
    tokio::spawn(rebuild_loop(
        state.clone(),
        build_opts,
        changes_rx,
        opts.reporter.clone(),
    ));

    opts.reporter.report(&Notice::Serving {
        root: &opts.root,
        url: &site_url,
        endpoints: if examples.is_some() {
            report::Endpoints::Mounted
        } else if opts.examples {
            report::Endpoints::NotInThisBuild
        } else {
            report::Endpoints::Off
        },
    });
    if opts.open {
        open_browser(&site_url);
    }
    server::serve(
        listener,
        state,
        examples,
        opts.header_read_timeout,
        shutdown,
    )
    .await
}

/// Applies file changes one batch at a time; a failed build keeps the last good site.
async fn rebuild_loop(
    state: Arc<SiteState>,
    build_opts: BuildOptions,
    mut changes: tokio::sync::mpsc::UnboundedReceiver<Vec<(ChangeKind, PathBuf)>>,
    reporter: Reporter,
) {
    // Files no open page shows (feed, sitemap, search index) that a post edit made stale:
    // rendered after the reload event, when no other change is waiting (#15).
    let mut deferred: Vec<Job> = Vec::new();
    loop {
        let mut batch = if deferred.is_empty() {
            match changes.recv().await {
                Some(batch) => batch,
                None => return,
            }
        } else {
            match changes.try_recv() {
                Ok(batch) => batch,
                Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                    let (st, jobs) = (state.clone(), std::mem::take(&mut deferred));
                    let t = Instant::now();
                    match tokio::task::spawn_blocking(move || render_deferred(&st, &jobs)).await {
                        Ok(Ok(())) => tracing::debug!("feed, sitemap, search in {:?}", t.elapsed()),
                        Ok(Err(e)) => tracing::warn!("{e:#}"),
                        Err(e) => tracing::error!("rebuild task failed: {e}"),
                    }
                    continue;
                }
                Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => return,
            }
        };
        // Coalesce whatever else arrived while we were busy.
        while let Ok(more) = changes.try_recv() {
            batch.extend(more);
        }
        let t = Instant::now();
        if batch.iter().all(|(k, _)| *k == ChangeKind::Static) {
            // The site's static/ is read from disk on each request: nothing to rebuild.
            let css_only = batch
                .iter()
                .all(|(_, p)| p.extension().is_some_and(|e| e == "css"));
            state
                .reloader
                .send(if css_only { Event::Css } else { Event::Static });
            continue;
        }
        let names: Vec<String> = batch.iter().map(|(_, p)| p.display().to_string()).collect();
        let (st, opts) = (state.clone(), build_opts.clone());
        let result = tokio::task::spawn_blocking(move || rebuild(&st, &opts, &batch)).await;
        match result {
            Ok(Ok((how, later))) => {
                let had_error = state.error.write().expect("error lock").take().is_some();
                tracing::info!(
                    "{} in {} ms ({})",
                    how.describe(),
                    t.elapsed().as_millis(),
                    names.join(", ")
                );
                state.reloader.send(if how == How::Assets && !had_error {
                    Event::Css
                } else {
                    Event::Reload(state.build.current())
                });
                if how == How::Full || how == How::Templates {
                    // Everything was rendered, the deferred files too.
                    deferred.clear();
                }
                for job in later {
                    if !deferred.contains(&job) {
                        deferred.push(job);
                    }
                }
            }
            Ok(Err(e)) => {
                let msg = format!("{e:#}");
                reporter.report(&Notice::BuildFailed(&msg));
                // The next change rebuilds everything, so every broken file is reported.
                state.needs_full.store(true, Ordering::SeqCst);
                *state.error.write().expect("error lock") = Some(msg.clone());
                state.reloader.send(Event::Error(msg));
            }
            Err(e) => tracing::error!("rebuild task failed: {e}"),
        }
    }
}

/// Whether a job's file is one no page in a tab shows: the feed, the sitemap and the search
/// index can follow an edit a few milliseconds after the reload event.
fn is_deferrable(job: &Job) -> bool {
    matches!(job, Job::Feed | Job::Sitemap | Job::SearchIndex)
}

/// Renders deferred jobs into the served files, without a new build id: no page changed.
fn render_deferred(state: &SiteState, jobs: &[Job]) -> Result<()> {
    let guard = state.site.lock().expect("site lock");
    let Some(site) = guard.as_ref() else {
        return Ok(());
    };
    let written = render_into_vec(site, jobs)?;
    let mut files = state.files.write().expect("files lock");
    let files = Arc::make_mut(&mut files);
    files.extend(written);
    drop_gone_search_files(site, files);
    Ok(())
}

/// Renders `jobs` into (URL path, bytes) pairs.
fn render_into_vec(site: &Site, jobs: &[Job]) -> Result<Vec<(String, Arc<[u8]>)>> {
    let written = std::sync::Mutex::new(Vec::new());
    site.render_jobs(jobs, &|rel: &str, bytes: &[u8]| {
        written
            .lock()
            .expect("written lock")
            .push((format!("/{rel}"), Arc::<[u8]>::from(bytes)));
        Ok(())
    })?;
    Ok(written.into_inner().expect("written lock"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Full,
    Posts(usize),
    Templates,
    Assets,
}

impl How {
    fn describe(self) -> String {
        match self {
            How::Full => "rebuilt everything".into(),
            How::Posts(n) => format!("re-rendered {n} pages"),
            How::Templates => "re-rendered with new templates".into(),
            How::Assets => "reloaded theme assets".into(),
        }
    }
}

/// Does the least work the batch allows, then swaps the new files in. Returns what it did
/// and the jobs it left for later ([`is_deferrable`]).
fn rebuild(
    state: &SiteState,
    opts: &BuildOptions,
    batch: &[(ChangeKind, PathBuf)],
) -> Result<(How, Vec<Job>)> {
    let only = |kind: ChangeKind| {
        batch
            .iter()
            .all(|(k, _)| *k == kind || *k == ChangeKind::Static)
    };
    let mut guard = state.site.lock().expect("site lock");
    let full = guard.is_none()
        || state.needs_full.load(Ordering::SeqCst)
        || batch.iter().any(|(k, _)| *k == ChangeKind::Config)
        || !(only(ChangeKind::Post) || only(ChangeKind::Template) || only(ChangeKind::ThemeAsset));
    if full {
        let (site, files) = render_to_memory(opts, state.examples_here)?;
        for w in &site.warnings {
            tracing::warn!("{w}");
        }
        state.swap_files(files);
        *guard = Some(site);
        state.needs_full.store(false, Ordering::SeqCst);
        return Ok((How::Full, Vec::new()));
    }
    let site = guard.as_mut().expect("checked above");
    let mut deferred = Vec::new();
    let (jobs, removed, how) = if only(ChangeKind::Post) {
        let posts: Vec<PathBuf> = batch
            .iter()
            .filter(|(k, _)| *k == ChangeKind::Post)
            .map(|(_, p)| p.clone())
            .collect();
        let update = site.update_posts(&posts)?;
        for w in &update.warnings {
            tracing::warn!("{w}");
        }
        let n = update.jobs.len();
        let (later, now) = update.jobs.into_iter().partition(is_deferrable);
        deferred = later;
        (now, update.removed, How::Posts(n))
    } else if only(ChangeKind::Template) {
        site.reload_templates()?;
        (site.jobs(), Vec::new(), How::Templates)
    } else {
        site.reload_assets()?;
        (Vec::new(), Vec::new(), How::Assets)
    };
    let written = render_into_vec(site, &jobs)?;
    let mut guard_files = state.files.write().expect("files lock");
    // Copies the map only if a request is holding the old one right now.
    let files = Arc::make_mut(&mut guard_files);
    for rel in removed {
        files.remove(&format!("/{rel}"));
    }
    if how == How::Assets {
        for (name, bytes) in &site.assets {
            files.insert(format!("/assets/{name}"), Arc::from(&bytes[..]));
        }
    }
    files.extend(written);
    drop_gone_search_files(site, files);
    state.build.advance();
    Ok((how, deferred))
}

/// Removes the search index's files that its last build no longer made (fewer posts).
fn drop_gone_search_files(site: &Site, files: &mut Files) {
    if let Some(emitted) = &site.search_emitted {
        for rel in emitted.lock().expect("search lock").take_gone() {
            files.remove(&format!("/{rel}"));
        }
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd).arg(url).spawn() {
        tracing::warn!("could not open a browser ({cmd}): {e}; open {url} yourself");
    }
}
