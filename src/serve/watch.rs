//! File watching for `serve`: notify's debouncer, editor noise filtered out, each change
//! classified so the rebuild does only what that kind of change needs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{self, EventKind, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, new_debouncer_opt, DebounceEventResult, RecommendedCache,
};
use tokio::sync::mpsc::UnboundedSender;

use super::ServeError;
use crate::config::CONFIG_FILE;
use crate::jekyll;
use crate::paths::{self, SitePaths};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// `wirebook.toml` or Jekyll's `_config.yml`: everything may change.
    Config,
    /// A Markdown post (`posts/`, `_posts/`, `_drafts/`): re-render it and the pages that list it.
    Post,
    /// A Tera template: re-render every page, but no Markdown.
    Template,
    /// A theme asset (`templates/static/`, served under `/assets/`).
    ThemeAsset,
    /// The site's `static/`: served from disk, so only the browser needs telling.
    Static,
}

/// Short enough to feel instant, long enough that a save by rename-over (vim, VS Code:
/// write temp, rename, maybe chmod) arrives as one batch.
const DEBOUNCE: Duration = Duration::from_millis(25);

/// Keeps the watcher alive; dropping it stops watching.
pub struct Watcher(#[allow(dead_code)] Box<dyn std::any::Any + Send>);

pub fn start(
    root: &Path,
    poll: bool,
    tx: UnboundedSender<Vec<(ChangeKind, PathBuf)>>,
) -> Result<Watcher, ServeError> {
    let root = root.canonicalize().map_err(ServeError::watch(root))?;
    let handler_root = root.clone();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut changes: Vec<(ChangeKind, PathBuf)> = Vec::new();
        for event in events {
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            for path in &event.paths {
                if let Some(kind) = classify(&handler_root, path) {
                    let rel = path
                        .strip_prefix(&handler_root)
                        .unwrap_or(path)
                        .to_path_buf();
                    if !changes.iter().any(|(_, p)| *p == rel) {
                        changes.push((kind, rel));
                    }
                }
            }
        }
        if !changes.is_empty() {
            let _ = tx.send(changes);
        }
    };
    let mut watched: Vec<(PathBuf, RecursiveMode)> =
        vec![(root.clone(), RecursiveMode::NonRecursive)];
    for d in SitePaths::new(root.as_path()).watched() {
        if d.is_dir() {
            watched.push((d, RecursiveMode::Recursive));
        }
    }
    if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
        let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher, RecommendedCache>(
            DEBOUNCE,
            None,
            handler,
            RecommendedCache::new(),
            config,
        )?;
        for (path, mode) in &watched {
            debouncer
                .watch(path, *mode)
                .map_err(ServeError::watch(path))?;
        }
        Ok(Watcher(Box::new(debouncer)))
    } else {
        let mut debouncer = new_debouncer(DEBOUNCE, None, handler)?;
        for (path, mode) in &watched {
            debouncer
                .watch(path, *mode)
                .map_err(ServeError::watch(path))?;
        }
        Ok(Watcher(Box::new(debouncer)))
    }
}

/// What a changed path means, or `None` for files we do not care about (editor swap and
/// backup files, the output directory, anything else in the root).
pub fn classify(root: &Path, path: &Path) -> Option<ChangeKind> {
    let rel = path.strip_prefix(root).ok()?;
    let name = rel.file_name()?.to_str()?;
    if is_editor_noise(name) {
        return None;
    }
    let first = rel.components().next()?.as_os_str().to_str()?;
    match first {
        _ if rel == Path::new(CONFIG_FILE) || rel == Path::new(jekyll::config::CONFIG_FILE) => {
            Some(ChangeKind::Config)
        }
        paths::POSTS | paths::JEKYLL_POSTS | paths::JEKYLL_DRAFTS => {
            crate::content::library::is_markdown(rel).then_some(ChangeKind::Post)
        }
        paths::TEMPLATES
            if rel
                .components()
                .nth(1)
                .is_some_and(|c| c.as_os_str() == paths::STATIC) =>
        {
            Some(ChangeKind::ThemeAsset)
        }
        paths::TEMPLATES => Some(ChangeKind::Template),
        paths::STATIC => Some(ChangeKind::Static),
        _ => None,
    }
}

fn is_editor_noise(name: &str) -> bool {
    name.starts_with(".#")
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".wirebook-fix")
        // vim writes this file to test whether it may create files in a folder.
        || name == "4913"
        || name.starts_with(".goutputstream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let root = Path::new("/s");
        assert_eq!(
            classify(root, Path::new("/s/posts/a/b.md")),
            Some(ChangeKind::Post)
        );
        assert_eq!(classify(root, Path::new("/s/posts/.b.md.swp")), None);
        assert_eq!(classify(root, Path::new("/s/posts/4913")), None);
        assert_eq!(classify(root, Path::new("/s/posts/b.md~")), None);
        assert_eq!(
            classify(root, Path::new("/s/wirebook.toml")),
            Some(ChangeKind::Config)
        );
        assert_eq!(
            classify(root, Path::new("/s/templates/post.html")),
            Some(ChangeKind::Template)
        );
        assert_eq!(
            classify(root, Path::new("/s/static/x.css")),
            Some(ChangeKind::Static)
        );
        assert_eq!(classify(root, Path::new("/s/public/index.html")), None);
    }
}
