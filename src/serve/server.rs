//! HTTP for `wirebook serve`: the in-memory site, the site's `static/` from disk, the
//! examples server's endpoints on the same origin, and the live-reload channel.

use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

use crate::paths::SitePaths;

use super::{endpoints::Endpoints, livereload, Files, SiteState};

/// Development caching: the browser may keep a copy but must revalidate every time, so a
/// rebuilt page is never served stale.
const CACHE_CONTROL: &str = "no-cache";

pub fn router(state: Arc<SiteState>, examples: Option<Endpoints>) -> Router {
    let site = Router::new()
        .route(livereload::PATH, get(livereload::handler))
        .fallback(site_handler)
        .with_state(state);
    match examples {
        Some(ex) => ex.mount(site),
        None => site,
    }
}

pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<SiteState>,
    examples: Option<Endpoints>,
    header_read_timeout: std::time::Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), super::ServeError> {
    let stop = state.reloader.stop_token();
    let app = router(state.clone(), examples.clone());
    let graceful = {
        let stop = stop.clone();
        let examples = examples.clone();
        async move {
            shutdown.await;
            // Ends live-reload streams and tells chat sockets 1001 "going away".
            stop.cancel();
            if let Some(ex) = examples {
                ex.shutdown();
            }
        }
    };
    // The examples server's accept loop: half-sent requests time out here too.
    wirebook_listen::serve(listener, app, header_read_timeout, graceful).await;
    if let Some(ex) = examples {
        ex.wait().await;
    }
    Ok(())
}

enum Lookup {
    Found(String),
    /// `/a/b` names a directory: browsers need `/a/b/` for relative links to work.
    Redirect(String),
    Missing,
}

fn lookup(files: &Files, path: &str) -> Lookup {
    if path.ends_with('/') {
        let index = format!("{path}index.html");
        return if files.contains_key(&index) {
            Lookup::Found(index)
        } else {
            Lookup::Missing
        };
    }
    if files.contains_key(path) {
        return Lookup::Found(path.to_string());
    }
    if files.contains_key(&format!("{path}/index.html")) {
        return Lookup::Redirect(format!("{path}/"));
    }
    Lookup::Missing
}

/// Rejects paths that try to leave the site (`..`, encoded or not, backslashes, NUL).
fn clean_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    let bad = decoded.contains('\0')
        || decoded.contains('\\')
        || decoded.split('/').any(|seg| seg == ".." || seg == ".")
        || !decoded.starts_with('/');
    (!bad).then(|| decoded.into_owned())
}

/// Where a request path falls relative to the site's base path (`serve --base-url`).
#[derive(Debug, PartialEq, Eq)]
enum UnderBase {
    /// The path inside the site (`/notes/a/` → `/a/`).
    Inside(String),
    /// `/` or `/notes`: send the browser to the site's front page.
    ToFront,
    Outside,
}

fn under_base(base: &str, path: &str) -> UnderBase {
    if base.is_empty() {
        return UnderBase::Inside(path.to_string());
    }
    match path.strip_prefix(base) {
        Some(rest) if rest.starts_with('/') => UnderBase::Inside(rest.to_string()),
        Some("") => UnderBase::ToFront,
        _ if path == "/" => UnderBase::ToFront,
        _ => UnderBase::Outside,
    }
}

async fn site_handler(State(state): State<Arc<SiteState>>, mut req: Request) -> Response {
    let raw = req.uri().path().to_string();
    let Some(path) = clean_path(&raw) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let (files, build) = state.files_and_build();
    let path = match under_base(&state.base_path, &path) {
        UnderBase::Inside(p) => p,
        UnderBase::ToFront => {
            let front = crate::slug::encode_path(&format!("{}/", state.base_path));
            return (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, front)]).into_response();
        }
        UnderBase::Outside => return not_found(&files, &build),
    };
    if !state.base_path.is_empty() {
        // ServeDir below reads the request's own URI: give it the path inside the site.
        let mut uri = crate::slug::encode_path(&path);
        if let Some(q) = req.uri().query() {
            uri = format!("{uri}?{q}");
        }
        match uri.parse() {
            Ok(uri) => *req.uri_mut() = uri,
            Err(_) => return (StatusCode::BAD_REQUEST, "bad path").into_response(),
        }
    }
    match lookup(&files, &path) {
        Lookup::Found(key) => return file_response(StatusCode::OK, &key, &files[&key], &build),
        Lookup::Redirect(to) => {
            let to = crate::slug::encode_path(&format!("{}{to}", state.base_path));
            let location = match req.uri().query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            return (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response();
        }
        Lookup::Missing => {}
    }
    // The site's static/ is served from disk so adding an image needs no rebuild; so are a
    // Jekyll root's static folders (`/assets/img/…` from `assets/img/…`).
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let static_dir = if crate::jekyll::static_dirs(&state.root)
        .iter()
        .any(|d| d == first)
    {
        state.root.clone()
    } else {
        SitePaths::new(state.root.as_path()).static_dir()
    };
    let on_disk = static_dir.join(path.trim_start_matches('/'));
    if !crate::walk::stays_inside(&state.root, &on_disk) {
        // As in `build`: a link under static/ that leads outside the site is not followed.
        tracing::warn!(
            "{}: symlink points outside the site; not served",
            on_disk.display()
        );
    } else if static_dir.is_dir() {
        let Ok(resp) = ServeDir::new(&static_dir)
            .append_index_html_on_directories(true)
            .oneshot(req)
            .await;
        if resp.status() != StatusCode::NOT_FOUND {
            let mut resp = resp.map(Body::new);
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            );
            return resp;
        }
    }
    not_found(&files, &build)
}

fn not_found(files: &Files, build: &str) -> Response {
    match files.get("/404.html") {
        Some(page) => file_response(StatusCode::NOT_FOUND, "/404.html", page, build),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn file_response(status: StatusCode, key: &str, bytes: &Arc<[u8]>, build: &str) -> Response {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let content_type = if key.ends_with("/atom.xml") || key.ends_with("/feed.xml") {
        // What feed readers and browsers expect for Atom (mime_guess says text/xml).
        "application/atom+xml; charset=utf-8".to_string()
    } else if mime.type_() == "text"
        || mime.essence_str() == "application/javascript"
        || key.ends_with(".xml")
    {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let body = if is_html {
        Body::from(livereload::inject(bytes, build))
    } else {
        Body::from(bytes.to_vec())
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, CACHE_CONTROL)
        .body(body)
        .expect("valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        for p in [
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/%2E%2E/x",
            "/a\\..\\b",
            "/a/./b",
            "/x%00",
        ] {
            assert_eq!(clean_path(p), None, "{p}");
        }
        assert_eq!(
            clean_path("/tags/%EC%84%B1%EB%8A%A5/").as_deref(),
            Some("/tags/성능/")
        );
    }

    #[test]
    fn base_path_prefix() {
        use UnderBase::*;
        assert_eq!(under_base("", "/a/"), Inside("/a/".into()));
        assert_eq!(under_base("/notes", "/notes/a/"), Inside("/a/".into()));
        assert_eq!(under_base("/notes", "/notes/"), Inside("/".into()));
        assert_eq!(under_base("/notes", "/notes"), ToFront);
        assert_eq!(under_base("/notes", "/"), ToFront);
        assert_eq!(under_base("/notes", "/notesx/"), Outside);
        assert_eq!(under_base("/notes", "/a/"), Outside);
    }

    #[test]
    fn lookups() {
        let mut files = Files::new();
        files.insert("/a/index.html".into(), Arc::from(&b"x"[..]));
        assert!(matches!(lookup(&files, "/a/"), Lookup::Found(_)));
        assert!(matches!(lookup(&files, "/a"), Lookup::Redirect(ref to) if to == "/a/"));
        assert!(matches!(lookup(&files, "/b/"), Lookup::Missing));
    }
}
