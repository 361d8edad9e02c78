//! The link check: root-relative links, images and thumbnails in posts that lead nowhere.
//! `check` refuses them; `build` publishes with a warning for each.

use std::collections::HashSet;
use std::path::Path;

use crate::content::page::Page;
use crate::diagnostics::Problem;
use crate::paths::SitePaths;

/// Root-relative links, images and thumbnails of posts that point at nothing the site
/// will contain (a post, a page the site generates (`generated`: URL paths), or a file in
/// `static/`).
pub fn broken_links(
    root: &Path,
    pages: &[Page],
    generated: impl IntoIterator<Item = String>,
) -> Vec<Problem> {
    let mut known: HashSet<String> = HashSet::new();
    known.extend(pages.iter().map(|p| p.path.clone()));
    known.extend(generated);
    let static_dir = SitePaths::new(root).static_dir();
    for e in crate::walk::files(root, &static_dir, |_| true).files {
        known.insert(format!("/{}", crate::walk::relative(&e, &static_dir)));
    }
    for dir in crate::jekyll::static_dirs(root) {
        let from = root.join(&dir);
        for e in crate::walk::files(root, &from, |_| true).files {
            known.insert(format!("/{dir}/{}", crate::walk::relative(&e, &from)));
        }
    }
    let exists = |link: &str| {
        let target = link.split(['#', '?']).next().unwrap_or_default();
        let target = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
        let with_slash = format!("{}/", target.trim_end_matches('/'));
        known.contains(target.as_ref()) || known.contains(&with_slash)
    };
    let mut problems = Vec::new();
    for page in pages {
        for (line, link) in &page.rendered.links {
            if !exists(link) {
                let msg = format!("broken internal link: {link}");
                problems.push(Problem::at(&page.source, *line, msg));
            }
        }
        for (line, src) in &page.rendered.images {
            if !exists(src) {
                let msg = format!("image {src}: no such file in static/");
                problems.push(Problem::at(&page.source, *line, msg));
            }
        }
        // Only root-relative: an absolute URL is someone else's file.
        let thumbnail = page.thumbnail.as_deref();
        if let Some(t) = thumbnail.filter(|t| t.starts_with('/') && !t.starts_with("//")) {
            if !exists(t) {
                let msg = format!(
                    "thumbnail {t}: no such file in static/ (the page's og:image would be broken)"
                );
                problems.push(Problem::at(&page.source, page.thumbnail_line, msg));
            }
        }
    }
    problems
}
